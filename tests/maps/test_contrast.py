"""Claim C4's parts beyond the model's map (lsm.maps.contrast): the truth's hazard on the map's day,
replayed pixel by pixel; the inventory's landslide density by the shore; and the judgement of all
parts as one family (lsm.evaluate.claims.judge_map)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio

from lsm.data.forcing import read_series, wettest_window_end
from lsm.data.io import write_raster
from lsm.data.io.study import Study
from lsm.data.raster import cell_centres
from lsm.evaluate.claims import judge_map
from lsm.maps import contrast as c4
from lsm.maps.contrast import MapLayers, inventory_part, true_hazard
from lsm.maps.dates import typical_window_end
from lsm.names import CONTRADICTED, NOT_SIGNIFICANT, SUPPORTED, UNTESTABLE


def _layers(study: Path) -> tuple[MapLayers, rasterio.Affine, object]:
    """Every cell of the tiny study's grid mapped (class 1), as the C4 job reads a map."""
    with rasterio.open(study / "truth" / "susceptibility.tif") as src:
        shape, transform, crs = (src.height, src.width), src.transform, src.crs
    x, y = cell_centres(transform, *np.indices(shape))
    return MapLayers(np.ones(shape), {}, x, y), transform, crs


def test_the_truth_s_hazard_on_a_day_is_the_physics_replayed_at_every_pixel(
    tiny_study_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lsm.synthetic.truth import hazard_with_windows

    layers, _, _ = _layers(tiny_study_dir)
    yearly = true_hazard(tiny_study_dir, layers, "", 30)  # a static map: the yearly probability
    with rasterio.open(tiny_study_dir / "truth" / "susceptibility.tif") as src:
        np.testing.assert_array_equal(yearly, src.read(1).astype("float64"))
    day = true_hazard(tiny_study_dir, layers, "2018-07-15", 30)
    assert (day[yearly == 0] == 0).all() and (day >= 0).all()
    assert 0.1 < (day > 0).mean() < (yearly > 0).mean()  # some cells can fail that day, not all
    monkeypatch.setattr(c4, "TRUTH_CHUNK", 777)  # chunks that do not divide the cells
    np.testing.assert_array_equal(true_hazard(tiny_study_dir, layers, "2018-07-15", 30), day)
    rng = np.random.default_rng(0)
    cells = rng.choice(np.flatnonzero(yearly > 0), 25, replace=False)
    alone = hazard_with_windows(
        tiny_study_dir,
        layers.x.ravel()[cells],
        layers.y.ravel()[cells],
        ["2018-07-15"] * 25,
        30,
        {"record": lambda rain: rain},
    )["record"]
    np.testing.assert_allclose(day.ravel()[cells], alone, rtol=1e-12)
    # the physics: the wettest spell of the record makes failure far likelier than a typical one
    series = read_series(Study(tiny_study_dir))
    wettest, typical = (
        f"{d:%Y-%m-%d}" for d in (wettest_window_end(series, 30), typical_window_end(series, 30))
    )
    assert np.nanmean(true_hazard(tiny_study_dir, layers, wettest, 30)) > 10 * np.nanmean(
        true_hazard(tiny_study_dir, layers, typical, 30)
    )


def test_landslide_density_by_the_shore_counts_the_inventory(tiny_study_dir: Path, tmp_path: Path) -> None:
    """A made-up shore along the west edge: the density within 900 m of it against beyond, recomputed
    from the inventory's points by hand."""
    layers, transform, crs = _layers(tiny_study_dir)
    classes_tif = tmp_path / "classes.tif"
    write_raster(classes_tif, layers.classes[None].astype("float32"), transform, crs, 0.0, names=["class"])
    distance = layers.x - layers.x.min()
    shore = MapLayers(layers.classes, {}, layers.x, layers.y, distance)
    row = inventory_part(tiny_study_dir, classes_tif, shore, 900.0, 450.0, 300, 0).iloc[0]
    points = gpd.read_file(tiny_study_dir / "inventory.gpkg")
    cell = transform.a
    columns = np.floor((points.geometry.x - transform.c) / cell)
    near_points = int(((columns + 0.5) * cell - cell / 2 <= 900.0).sum())
    near_cells = int((distance <= 900.0).sum())
    km2 = cell * cell / 1e6
    assert row["source"] == "inventory" and row["quantity"] == "landslides_per_km2"
    assert row["mean_high"] == pytest.approx(near_points / (near_cells * km2))
    assert row["mean_rest"] == pytest.approx(
        (len(points) - near_points) / ((distance.size - near_cells) * km2)
    )
    assert row["pixels_high"] == near_cells and row["low"] <= row["difference"] <= row["high"]
    without = MapLayers(layers.classes, {}, layers.x, layers.y)  # no reservoir: no part
    assert inventory_part(tiny_study_dir, classes_tif, without, 900.0, 450.0, 300, 0).empty


def _part(source: str, quantity: str, difference: float, p: float, **extra: object) -> dict:
    return {
        "source": source,
        "quantity": quantity,
        "mean_high": 1.0 + difference,
        "mean_rest": 1.0,
        "difference": difference,
        "low": difference - 0.1,
        "high": difference + 0.1,
        "p": p,
        "pixels_high": 38,
        "pixels_rest": 62,
        **extra,
    }


def test_c4_is_judged_with_the_truth_and_the_inventory_as_one_family() -> None:
    wettest = {"date_label": "wettest", "date": "2019-03-01"}
    typical = {"date_label": "typical", "date": "2018-05-11"}
    model = [
        _part("model", q, 2.0, 0.001, **d)
        for d in (wettest, typical)
        for q in ("slope_deg", "rain_window_mm")
    ]
    truth = [
        _part("truth", q, 1.0, 0.001, **d)
        for d in (wettest, typical)
        for q in ("slope_deg", "rain_window_mm")
    ]
    overlap = [_part("model_at_truth_share", "in_truth_zone", 0.4, 0.001, **d) for d in (wettest, typical)]
    shore = [_part("inventory", "landslides_per_km2", 0.5, 0.001, date_label="", date="", reach_m=500.0)]

    def verdict(rows: list[dict]) -> tuple[str, str, str]:
        return judge_map(pd.DataFrame(rows), "random", "random", "no map", 0.05)

    assert verdict(model + truth + overlap + shore)[0] == SUPPORTED
    text = verdict(model + truth + overlap + shore)[1]
    assert "wettest map (2019-03-01)" in text and "typical map (2018-05-11)" in text
    assert "the truth's high zone that day (38 %)" in text and "within 500 m of a shore" in text
    # The map shows the rain contrast on both days, the truth's zone only on the wettest: not supported.
    truth[3] = _part("truth", "rain_window_mm", 0.1, 0.4, **typical)
    assert verdict(model + truth + overlap + shore)[0] == NOT_SIGNIFICANT
    # The inventory has fewer landslides by the shore (p 0.001: past Holm over the nine parts).
    shore[0] = _part("inventory", "landslides_per_km2", -0.5, 0.001, date_label="", date="")
    assert verdict(model + truth + overlap + shore)[0] == CONTRADICTED
    # A rain total that is the same on every pixel on one day only: that day's part is left out.
    rows = model + truth[:3] + overlap
    rows[3] = {**rows[3], "constant": True, "difference": 0.0, "p": 1.0}
    judged = verdict(rows)
    assert judged[0] == SUPPORTED and "rain_window_mm: the same on every pixel" in judged[1]
    rows[1] = {**rows[1], "constant": True, "difference": 0.0, "p": 1.0}  # on every day: untestable
    assert verdict(rows)[0] == UNTESTABLE
