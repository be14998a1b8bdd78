"""The realism report (lsm.data.realism) on crafted data whose answer is known, the literature ranges and
the realism figure; and the report of the real Ecuador study. The default synthetic study is judged
against the ranges in tests/synthetic/test_study.py (it shares that module's generated study)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml
from affine import Affine
from pyproj import CRS
from sklearn.metrics import roc_auc_score

from lsm.data.factors import FactorStack
from lsm.data.io import write_raster
from lsm.data.io.study import AnalysisGrid
from lsm.data.realism import (
    cluster_metrics,
    compare_to_ranges,
    factor_auc,
    hazard_concentration,
    literature_ranges,
    nearest_neighbour_metrics,
    realism_metrics,
    realism_with_references,
)
from lsm.errors import InputError
from lsm.publish.plots.realism import realism_figure
from lsm.publish.plots.style import axis_problems, save_figure
from tests.helpers import ECUADOR, REPO, RIVER_AREA_KM2, require_real_study

RANGES = REPO / "paper" / "realism_ranges.yaml"
CELL = 30.0


def stack_of(bands: dict[str, np.ndarray]) -> FactorStack:
    """A factor stack on a 30 m grid (UTM 40N) from named 2-D bands."""
    shape = next(iter(bands.values())).shape
    grid = AnalysisGrid(
        CRS.from_epsg(32640), Affine(CELL, 0, 500_000, 0, -CELL, 3_000_000), shape[1], shape[0]
    )
    data = np.stack([b.astype("float32") for b in bands.values()])
    return FactorStack(list(bands), data, grid, pd.DataFrame({"code": [1, 2], "name": ["a", "b"]}))


# -- clusters and nearest neighbours ----------------------------------------------------------------
def test_clusters_are_counted_by_single_linkage() -> None:
    chain = np.column_stack([np.arange(5) * 400.0, np.zeros(5)])  # links hop 400 m < 450 m: one cluster
    pair = np.array([[0.0, 5000.0], [300.0, 5000.0]])
    apart = np.array([[0.0, 10_000.0], [460.0, 10_000.0]])  # 460 m > 450 m: two singletons
    far = np.column_stack([20_000.0 + np.arange(12) * 2000.0, np.zeros(12)])  # 12 singletons
    result = cluster_metrics(np.vstack([chain, pair, apart, far]), linkage_m=450.0)
    assert result["clusters"] == 1 + 1 + 2 + 12
    # the 10 largest: the chain (5), the pair (2) and eight singletons, of 21 landslides
    assert result["cluster_share_top10"] == pytest.approx((5 + 2 + 8) / 21)
    assert result["cluster_share_largest"] == pytest.approx(5 / 21)
    assert result["singleton_share"] == pytest.approx(14 / 21)


def test_nearest_neighbour_distances_are_measured_in_metres() -> None:
    xs, ys = np.meshgrid(np.arange(10) * 100.0, np.arange(10) * 100.0)
    lattice = nearest_neighbour_metrics(np.column_stack([xs.ravel(), ys.ravel()]), area_m2=1e6)
    assert lattice["nn_median_m"] == lattice["nn_q25_m"] == lattice["nn_q75_m"] == pytest.approx(100.0)
    assert lattice["nn_mean_m"] == pytest.approx(100.0)
    # 100 points on 1 km2: a random pattern's mean is 0.5 / sqrt(1e-4) = 50 m; a lattice is regular
    assert lattice["nn_ratio"] == pytest.approx(2.0)
    uneven = np.array([[0.0, 0.0], [30.0, 0.0], [1000.0, 0.0], [1000.0, 400.0]])
    result = nearest_neighbour_metrics(uneven, area_m2=1e6)
    assert result["nn_median_m"] == pytest.approx(215.0)  # distances 30, 30, 400, 400
    assert result["nn_mean_m"] == pytest.approx(215.0)


def test_a_factor_that_decides_the_events_has_auc_one() -> None:
    rng = np.random.default_rng(0)
    decider = rng.uniform(0, 1, (60, 60))
    rows, cols = np.nonzero(decider > 0.95)  # every event where the factor is highest
    noise = rng.uniform(0, 1, (60, 60))
    report = realism_metrics(stack_of({"decider": decider, "inverse": -decider, "noise": noise}), rows, cols)
    auc = report["factor_auc"]
    assert auc["decider"]["auc"] == pytest.approx(1.0, abs=0.03)  # events are also among all cells
    assert auc["inverse"]["auc"] == pytest.approx(0.0, abs=0.03)
    assert auc["inverse"]["auc_direction_free"] == pytest.approx(1.0, abs=0.03)
    assert 0.4 < auc["noise"]["auc"] < 0.6
    assert report["events"] == rows.size and report["events_left_out"] == 0


def test_a_class_factor_is_ranked_by_landslide_density() -> None:
    classes = np.ones(1000)
    classes[:100] = 2  # the landslides' class is rare
    events = np.full(20, 2.0)
    assert factor_auc(classes, events, categorical=True)["auc"] == pytest.approx(1 - 0.5 * 0.1)
    assert factor_auc(classes, events)["auc_direction_free"] == pytest.approx(1 - 0.5 * 0.1)


def test_events_outside_the_grid_or_on_nodata_are_left_out_and_counted() -> None:
    band = np.ones((20, 20))
    band[5, 5] = np.nan
    report = realism_metrics(
        stack_of({"slope": band}), np.array([1, 5, -1, 25, 2]), np.array([1, 5, 3, 3, 30])
    )
    assert report["events"] == 1 and report["events_left_out"] == 4


def test_hazard_concentration_finds_the_smallest_area() -> None:
    hazard = np.zeros(1000)
    hazard[:10] = 1.0  # 10 cells hold all the hazard: 5 hold half, 9 hold 90 %
    result = hazard_concentration(hazard)
    assert result["area_share_hazard_50"] == pytest.approx(5 / 1000)
    assert result["area_share_hazard_90"] == pytest.approx(9 / 1000)
    even = hazard_concentration(np.ones(1000))
    assert even["area_share_hazard_50"] == pytest.approx(0.5) and even[
        "area_share_hazard_90"
    ] == pytest.approx(0.9)


def write_truth(folder: Path, stack: FactorStack, p_year: np.ndarray, events: pd.DataFrame) -> Path:
    """A truth/ folder as the generator writes it (the parts the report reads)."""
    truth = folder / "truth"
    write_raster(
        truth / "susceptibility.tif", p_year.astype("float32"), stack.grid.transform, stack.grid.crs, -9999.0
    )
    (truth / "physics.yaml").write_text(yaml.safe_dump({"constants": {"shore_reach_m": 600.0}}))
    frame = gpd.GeoDataFrame(events, geometry=gpd.points_from_xy(events["col"], events["row"]), crs=32640)
    frame.to_file(truth / "events.gpkg")
    return truth


def test_truth_hazard_and_events_near_the_shore(tmp_path: Path) -> None:
    shore = np.tile(np.arange(40) * CELL, (40, 1))  # distance to the shore grows to the east
    stack = stack_of({"slope": np.ones((40, 40)), "dist_shore": shore})
    p_year = np.zeros((40, 40))
    p_year[0, :4] = 1 - np.exp(-1.0)  # hazard rate 1 on 4 cells, 0 elsewhere
    events = pd.DataFrame({"row": [0, 1, 2, 3], "col": [1, 5, 30, 39], "date": ["2020-01-01"] * 4})
    truth = write_truth(tmp_path, stack, p_year, events)
    report = realism_metrics(stack, np.array([0]), np.array([1]), truth_dir=truth)["truth"]
    assert report["area_share_hazard_50"] == pytest.approx(2 / 1600)
    assert report["area_share_hazard_90"] == pytest.approx(4 / 1600)
    # reach 600 m = 20 cells: columns 1 and 5 lie within it, 30 and 39 beyond
    assert report["share_true_events_near_shore"] == pytest.approx(0.5)
    assert report["true_events"] == 4


# -- literature ranges and the figure --------------------------------------------------------------
def test_literature_ranges_cite_a_source_for_every_metric() -> None:
    ranges = literature_ranges(RANGES)
    wanted = {
        "cluster_share_top10",
        "nn_median_ratio",
        "slope_auc",
        "area_share_hazard_50",
        "area_share_hazard_90",
    }
    assert wanted <= set(ranges["metrics"])
    for entry in ranges["metrics"].values():
        low, high = entry["range"]
        assert low < high and entry["basis"] and entry["report_key"]
        for source in entry["sources"]:
            assert source["authors"] and int(source["year"]) > 1950 and source["how_read"]


def test_malformed_ranges_are_refused_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "ranges.yaml"
    bad.write_text(yaml.safe_dump({"metrics": {"slope_auc": {"range": [0.8, 0.6], "sources": []}}}))
    with pytest.raises(InputError, match="lower bound first"):
        literature_ranges(bad)
    bad.write_text(
        yaml.safe_dump({"metrics": {"slope_auc": {"range": [0.6, 0.8], "sources": [{"authors": "A"}]}}})
    )
    with pytest.raises(InputError, match="lacks year"):
        literature_ranges(bad)


def test_reports_are_compared_to_the_ranges() -> None:
    ranges = literature_ranges(RANGES)
    inside = {"factor_auc": {"slope": {"auc": 0.7}}, "truth": {"area_share_hazard_50": 0.5}}
    verdict = compare_to_ranges(inside, ranges)
    assert verdict["slope_auc"] is True
    assert verdict["area_share_hazard_50"] is False  # half the area holding half the hazard: no contrast
    assert verdict["cluster_share_top10"] is None  # not in the report: not measured


def test_realism_figure_shows_every_metric_with_units(tmp_path: Path) -> None:
    ranges = literature_ranges(RANGES)
    reports = {
        "synthetic": {"cluster_share_top10": 0.3, "factor_auc": {"slope": {"auc": 0.7}}, "truth": {}},
        "real": {"cluster_share_top10": 0.99, "factor_auc": {"slope": {"auc": 0.55}}},
    }
    fig = realism_figure(reports, ranges)
    assert axis_problems(fig) == []
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == len(ranges["metrics"])
    slope = next(ax for ax in panels if "slope" in ax.get_title())
    assert [t.get_text() for t in slope.get_yticklabels()] == ["synthetic", "real"]
    save_figure(fig, [tmp_path / "realism.png"], dpi=60)
    plt.close(fig)
    assert (tmp_path / "realism.png").stat().st_size > 0


# -- the real study ---------------------------------------------------------------------------------
def test_realism_report_on_the_real_ecuador_study(tmp_path: Path) -> None:
    require_real_study(ECUADOR)
    from lsm.data.factors import compute_factors, write_factors
    from lsm.data.io.study import Study

    grid = {"crs": None, "resolution_m": None}  # its own 10 m cells
    stack = compute_factors(
        Study(ECUADOR, grid), ["elevation", "slope", "aspect", "twi", "spi", "dist_river"], RIVER_AREA_KM2
    )
    factors = tmp_path / "factors.tif"
    write_factors(stack, factors, tmp_path / "stats.csv", tmp_path / "collinearity.csv")
    report = realism_with_references(
        str(ECUADOR), str(factors), grid, [str(ECUADOR)], str(tmp_path / "realism.json"), RIVER_AREA_KM2
    )
    assert json.loads((tmp_path / "realism.json").read_text()) == report
    assert report["references"] == {}  # the study itself is no reference to itself
    report = report["study"]
    assert report["events"] == 175
    assert report["events_left_out"] == 0 and "truth" not in report
    assert report["factor_auc"]["slope"]["auc"] == pytest.approx(0.73, abs=0.02)
    assert 60 < report["nn_median_m"] < 100  # the README: 80 m median to the nearest other landslide


def test_temporal_metrics_on_a_record_with_known_answers() -> None:
    """Ten days of rain in two storms (days 3-4 and 8), every other day dry; six landslides: four on
    the first storm's second day, one on the second storm, one on a dry day."""
    import pandas as pd

    from lsm.data.realism import temporal_metrics

    days = pd.date_range("2001-01-01", periods=40)
    rain = pd.Series(0.0, index=days)
    rain.iloc[[3, 4]] = [30.0, 80.0]
    rain.iloc[8] = 20.0
    events = pd.Series([days[4]] * 4 + [days[8], days[20]] + [pd.Timestamp("1990-01-01")])
    m = temporal_metrics(events, rain)
    assert m["dated_events"] == 6 and m["dated_events_outside_record"] == 1
    assert m["share_on_dry_days"] == pytest.approx(1 / 6)
    assert m["share_on_busiest_days"] == pytest.approx(1.0)  # 3 landslide days, all among the 10 busiest
    assert m["landslides_per_storm_mean"] == pytest.approx(2.5)  # storms of 4 and 1 landslides
    assert m["share_in_busiest_storms"] == pytest.approx(5 / 6)
    # 1-day rain: 80 mm x4, 20 mm, 0 mm against 40 days (37 of them dry, tied with the dry landslide)
    ones = np.r_[np.ones(6), np.zeros(40)]
    expected = roc_auc_score(ones, np.r_[[80.0] * 4, 20.0, 0.0, rain.to_numpy()])
    assert m["rain_1d_auc"] == pytest.approx(expected)
    assert "rain_30d_auc" not in m  # no landslide has 30 days of record before it


def test_temporal_metrics_count_earthquake_landslides_apart() -> None:
    """The same record with three more landslides shaken loose on a dry day: they are counted apart
    and change none of the rain statistics (rain did not choose their day)."""
    import pandas as pd

    from lsm.data.realism import temporal_metrics

    days = pd.date_range("2001-01-01", periods=40)
    rain = pd.Series(0.0, index=days)
    rain.iloc[[3, 4]] = [30.0, 80.0]
    rain.iloc[8] = 20.0
    rain_days = [days[4]] * 4 + [days[8], days[20]]
    plain = temporal_metrics(pd.Series(rain_days), rain)
    shaken = temporal_metrics(
        pd.Series(rain_days + [days[30]] * 3), rain, pd.Series(["rainfall"] * 6 + ["Earthquake"] * 3)
    )
    assert shaken["earthquake_events"] == 3 and plain["earthquake_events"] == 0
    assert shaken["dated_events"] == 9
    for key in ("share_on_dry_days", "share_on_busiest_days", "rain_1d_auc", "rain_3d_auc"):
        assert shaken[key] == pytest.approx(plain[key]), key
    counted_as_rain = temporal_metrics(pd.Series(rain_days + [days[30]] * 3), rain)
    assert counted_as_rain["share_on_dry_days"] == pytest.approx(4 / 9)


def test_a_reference_study_draws_its_rivers_as_the_configuration_says() -> None:
    """The reference studies' factors follow factors.river_area_km2 as the study's own do (they used
    the code's 2 km2 whatever params.yaml said): Ecuador has no rivers.gpkg, so its distance to the
    nearest river, and how well that separates its landslides, changes with the upstream area."""
    require_real_study(ECUADOR)
    from lsm.data.realism import reference_report

    grid = {"crs": None, "resolution_m": None}
    coarse = reference_report(ECUADOR, grid, RIVER_AREA_KM2)["factor_auc"]["dist_river"]["auc"]
    fine = reference_report(ECUADOR, grid, RIVER_AREA_KM2 / 20)["factor_auc"]["dist_river"]["auc"]
    assert coarse != pytest.approx(fine, abs=1e-3)
