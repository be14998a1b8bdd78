"""Maps: dense inference equals patch-by-patch evaluation, tiles mosaic to the same map, outputs are
valid COGs with classes, shares and rate curves that follow from the probabilities."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import torch
from mapclassify import FisherJenks
from rasterio.transform import from_origin
from shapely.geometry import box
from sklearn.metrics import roc_auc_score

from lsm.data.factors import FactorStack, channel_names, patch_fits
from lsm.data.forcing import DayForcing, Series, resolve_date, wettest_window_end
from lsm.data.io import write_raster
from lsm.data.io.study import AnalysisGrid, RainCube
from lsm.data.normalise import Normaliser
from lsm.data.sampling import extract_patches
from lsm.errors import InputError
from lsm.learn.models import TorchSettings
from lsm.learn.networks import LandslideNet
from lsm.learn.train import save_normaliser
from lsm.learn.train_torch import save_torch_model
from lsm.maps.classes import Accumulator, class_breaks, classify, rate_curve
from lsm.maps.predictors import Ensemble, SampleInputs
from lsm.maps.stream import MapOutputs, assemble, map_tile, tile_rows, write_cog
from lsm.maps.style import class_style, probability_style
from lsm.maps.windows import FactorRaster
from lsm.names import LABELS
from tests.helpers import (
    assert_applicability_follows_its_rasters,
    assert_calibration_follows_the_runs,
    assert_seed_maps_follow_their_tables,
    from_params,
)

NAMES = ["elevation", "slope", "aspect", "landuse"]
CLASSES = pd.DataFrame({"code": [1, 2, 3], "name": ["forest", "grass", "water"]})
CRS = "EPSG:32640"
CELL = 30.0
SETTINGS = from_params(
    TorchSettings, "models.torch", conv_channels=(6, 8), lstm_hidden=5, dense_units=7, dropout=0.2
)
PATCH, WINDOW_DAYS, DAY = 7, 10, 40


@pytest.fixture(scope="module")
def landscape(tmp_path_factory) -> dict:
    """A 70 x 53 factor raster with a no-data corner and a lake, plus rain and one reservoir."""
    rng = np.random.default_rng(0)
    rows, cols = 70, 53
    data = np.stack(
        [
            1000 + 50 * rng.standard_normal((rows, cols)),
            rng.uniform(0, 40, (rows, cols)),
            rng.uniform(0, 360, (rows, cols)),
            rng.integers(1, 3, (rows, cols)).astype(float),
        ]
    ).astype("float32")
    data[:, :6, :9] = np.nan  # outside the study area
    data[3, 30:36, 20:28] = 3  # a lake
    transform = from_origin(500_000, 3_400_000, CELL, CELL)
    folder = tmp_path_factory.mktemp("landscape")
    tif = folder / "factors.tif"
    write_raster(
        tif,
        data,
        transform,
        CRS,
        float("nan"),
        names=NAMES,
        tags={"landuse_classes": "1=forest;2=grass;3=water"},
    )
    grid = AnalysisGrid(rasterio.crs.CRS.from_user_input(CRS), transform, cols, rows)
    dates = pd.date_range("2020-01-01", periods=60, freq="D")
    rain = rng.gamma(0.5, 4.0, (60, 3, 2)).astype("float32")
    cube = RainCube(dates, rain, from_origin(500_000, 3_400_000, 800.0, 800.0), grid.crs)
    reservoirs = gpd.GeoDataFrame(
        {"reservoir_id": ["a", "b"]},
        geometry=[box(500_000, 3_397_000, 500_300, 3_397_300), box(501_300, 3_398_500, 501_500, 3_398_800)],
        crs=CRS,
    )
    levels = pd.DataFrame({"a": rng.normal(100, 2, 60), "b": rng.normal(50, 1, 60)}, index=dates)
    return {
        "tif": tif,
        "data": data,
        "grid": grid,
        "series": Series(cube, reservoirs, levels),
        "folder": folder,
    }


def torch_run(folder: Path, kind: str, landscape: dict, seed: int) -> Path:
    """A torch run folder with random weights and a random (training-like) normaliser."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    channels = channel_names(NAMES, CLASSES)
    net = LandslideNet(kind, len(channels), 4, SETTINGS)
    run = folder / f"{kind}_seed{seed}"
    save_torch_model(run, net, channels, ["rain_mm", "rain_change_mm", "level_m", "level_change_m"], PATCH)
    normaliser = Normaliser(
        np.array([1000, 20, 0, 0, 0.3, 0.3, 0.3], "float32") + rng.normal(0, 1, 7).astype("float32"),
        np.array([50, 10, 0.7, 0.7, 0.5, 0.5, 0.5], "float32"),
        np.zeros(3, "float32"),
        np.ones(3, "float32"),
        np.array([2, 0, 75, 0], "float32"),
        np.array([4, 4, 25, 1], "float32"),
    )
    save_normaliser(run, normaliser)
    return run


def patchwise(ensemble: Ensemble, landscape: dict, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The reference: patches cut out one by one and run through the models as in training."""
    stack = FactorStack(NAMES, landscape["data"], landscape["grid"], CLASSES)
    patches = extract_patches(stack, rows, cols, PATCH // 2)
    forcing = DayForcing(landscape["series"], landscape["grid"], DAY, WINDOW_DAYS)
    sequences, _ = forcing.sequences(forcing.keys(rows, cols))
    return ensemble.predict(SampleInputs(patches, sequences, np.zeros((len(rows), 0), "float32")))


@pytest.mark.parametrize("min_valid", [1.0, 0.5])
@pytest.mark.parametrize("kind", ["cnn_lstm", "cnn", "lstm"])
def test_dense_map_equals_patch_by_patch(landscape, tmp_path, kind, min_valid) -> None:
    """Also at the edges: with ``min_valid`` 0.5 the pixels next to the no-data corner and the grid's
    border are mapped, their missing patch cells the training mean in both paths."""
    runs = [torch_run(tmp_path, kind, landscape, seed) for seed in (1, 2)]
    ensemble = Ensemble(runs, [])
    raster = FactorRaster.open(str(landscape["tif"]))
    forcing = DayForcing(landscape["series"], landscape["grid"], DAY, WINDOW_DAYS)
    out = tmp_path / "map.tif"
    map_tile(raster, ensemble, forcing, PATCH // 2, out, window_size=32, progress=False, min_valid=min_valid)
    with rasterio.open(out) as src:
        dense = src.read(1)
    data = landscape["data"]
    expected_mask = patch_fits(np.isfinite(data).all(axis=0), PATCH // 2, min_valid) & (data[3] != 3)
    assert np.array_equal(np.isfinite(dense), expected_mask)
    edge = expected_mask.copy()
    edge[PATCH // 2 : -(PATCH // 2), PATCH // 2 : -(PATCH // 2)] = False
    assert edge.any() == (min_valid < 1)  # the border rows and columns are mapped only then
    rows, cols = np.nonzero(expected_mask)
    reference = patchwise(ensemble, landscape, rows, cols)
    assert np.abs(dense[rows, cols] - reference).max() <= 1e-5
    assert dense[rows, cols].std() > 1e-3  # not a constant map


def test_tiles_mosaic_to_the_single_tile_map(landscape, tmp_path) -> None:
    ensemble = Ensemble([torch_run(tmp_path, "cnn_lstm", landscape, 3)], [])
    raster = FactorRaster.open(str(landscape["tif"]))
    forcing = DayForcing(landscape["series"], landscape["grid"], DAY, WINDOW_DAYS)
    height = raster.grid.height
    events = pd.DataFrame(
        {"row": [20, 40, 50, 60], "col": [20, 30, 40, 45], "split": ["train", "train", "test", "test"]}
    )
    maps = {}
    for tiles in (1, 3):
        paths = []
        for tile in range(tiles):
            paths.append(tmp_path / f"t{tiles}_{tile}.tif")
            map_tile(
                raster,
                ensemble,
                forcing,
                PATCH // 2,
                paths[-1],
                tile,
                tiles,
                window_size=64,
                progress=False,
                min_valid=0.5,
            )
        out = MapOutputs(
            tmp_path / f"p{tiles}.tif",
            tmp_path / f"c{tiles}.tif",
            tmp_path / f"c{tiles}.qml",
            "CNN-LSTM, a map",
        )
        summary = assemble(paths, height, events, "natural_breaks", out, sample_size=50_000)
        with rasterio.open(out.probability) as p, rasterio.open(out.classes) as c:
            maps[tiles] = (p.read(1), c.read(1), summary, p.tags(ns="IMAGE_STRUCTURE"), p.crs, c.nodata)
            assert p.descriptions[0].startswith("CNN-LSTM, a map: susceptibility, raw model probability")
            assert c.descriptions[0].startswith("CNN-LSTM, a map: susceptibility class (1 low")
    (p1, c1, s1, layout, crs, class_nodata), (p3, c3, *_) = maps[1], maps[3]
    # Windows of other shapes may sum the convolutions in another order: last-bit differences only.
    assert np.array_equal(np.isnan(p1), np.isnan(p3))
    assert np.nanmax(np.abs(p1 - p3)) <= 1e-6
    assert (c1 != c3).mean() < 0.001
    assert layout["LAYOUT"] == "COG" and crs == raster.grid.crs and class_nodata == 0
    assert np.array_equal(c1, classify(p1, s1.breaks))
    counts = np.bincount(c1.ravel(), minlength=4)[1:]
    assert np.allclose(s1.classes["share_percent"], 100 * counts / counts.sum())
    assert s1.classes["share_percent"].sum() == pytest.approx(100)
    assert s1.events == {"train": 2, "test": 2, "unmapped": 0}


def test_tile_rows_cover_the_raster_once() -> None:
    spans = [tile_rows(101, 4, t) for t in range(4)]
    assert spans[0][0] == 0 and spans[-1][1] == 101
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    with pytest.raises(ValueError):
        tile_rows(3, 4, 0)


def test_cog_has_overviews_when_large(tmp_path) -> None:
    source = tmp_path / "big.tif"
    write_raster(
        source,
        np.random.default_rng(0).random((1500, 1300), dtype="float32"),
        from_origin(0, 0, 30, 30),
        CRS,
        float("nan"),
    )
    write_cog(source, tmp_path / "cog.tif", "AVERAGE")
    with rasterio.open(tmp_path / "cog.tif") as src:
        assert src.overviews(1), "no overviews"
        assert src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert src.profile["compress"] == "deflate" and src.profile["tiled"]


def test_natural_breaks_find_the_gaps_and_match_mapclassify() -> None:
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.normal(m, 0.02, 300) for m in (0.1, 0.5, 0.9)])
    breaks = class_breaks(values, "natural_breaks")
    assert np.array_equal(classify(values, breaks), np.repeat([1, 2, 3], 300))  # one class per cluster
    assert np.array_equal(classify(values, breaks) - 1, FisherJenks(values, k=3).yb)
    thirds = np.bincount(classify(rng.random(9000), class_breaks(rng.random(9000), "quantiles")))[1:]
    assert np.all(np.abs(thirds - 3000) < 200)
    assert classify(np.array([np.nan]), breaks)[0] == 0


def test_rate_curve_auc_rewards_ranking() -> None:
    rng = np.random.default_rng(2)
    values = rng.random(100_000)
    acc = Accumulator(values.size, 1000)
    acc.add(values)
    top = np.sort(values)[-50:]  # events in the 0.05 % most susceptible pixels
    curve, good = rate_curve(top, acc)
    _, chance = rate_curve(rng.choice(values, 500), acc)
    assert good > 0.99 and abs(chance - 0.5) < 0.05
    assert curve["area_fraction"].is_monotonic_increasing and curve["event_fraction"].iloc[-1] == 1


@pytest.mark.parametrize("levels", [3, 7, 50])
def test_rate_curve_auc_counts_ties_as_half_as_scikit_learn_does(levels: int) -> None:
    """A decision tree's map holds a few leaf values over the whole area: large ties. The rate curve's
    AUC is the chance that a landslide ranks above a random pixel of the map, ties counted as half."""
    rng = np.random.default_rng(levels)
    leaves = np.round(rng.random(levels), 4)  # on the histogram's bins, so its resolution plays no part
    pixels = rng.choice(leaves, 20_000, p=rng.dirichlet(np.ones(levels)))
    acc = Accumulator(pixels.size, 1000)
    acc.add(pixels)
    events = rng.choice(pixels, 300)
    _, value = rate_curve(events, acc)
    labels = np.r_[np.ones(events.size), np.zeros(pixels.size)]
    assert value == pytest.approx(roc_auc_score(labels, np.r_[events, pixels]), abs=1e-9)


def test_rate_curve_of_a_map_that_ranks_nothing_is_one_half() -> None:
    pixels = np.full(1000, 0.3)
    acc = Accumulator(pixels.size, 100)
    acc.add(pixels)
    assert rate_curve(pixels[:40], acc)[1] == pytest.approx(0.5)  # was 0: every landslide ranked last


def test_wettest_window_and_date_checks(landscape) -> None:
    from dataclasses import replace

    rain = landscape["series"].rain
    series = replace(landscape["series"], rain=replace(rain, values=rain.values.copy()))
    series.rain.values[25:30] += 100.0  # a storm on days 25 to 29
    end = wettest_window_end(series, 10)
    assert pd.Timestamp("2020-01-30") <= end <= pd.Timestamp("2020-02-03")  # the storm is in the window
    assert resolve_date("2020-02-20", series, 10) == (50, "2020-02-20")
    with pytest.raises(InputError, match="no full 10-day window"):
        resolve_date("2020-01-05", series, 10)
    with pytest.raises(InputError, match="not a date"):
        resolve_date("soon", series, 10)


def test_the_typical_window_is_the_spell_of_median_rain(landscape) -> None:
    from dataclasses import replace

    from lsm.maps.dates import typical_window_end

    rain = landscape["series"].rain
    days = np.arange(len(rain.dates), dtype="float32")
    rising = np.broadcast_to(days[:, None, None], rain.values.shape).copy()  # totals rise day by day
    series = replace(landscape["series"], rain=replace(rain, values=rising))
    # 50 full 10-day spells (days 10..59, a day before each window needed), rising: the median lies
    # between the 25th and 26th, equally close to both; the first of the two is taken.
    assert typical_window_end(series, 10) == rain.dates[10 + 24]
    storm = rising.copy()
    storm[40:45] += 1000.0  # a storm moves the wettest spell, not the median one
    stormy = replace(landscape["series"], rain=replace(rain, values=storm))
    assert typical_window_end(stormy, 10) < wettest_window_end(stormy, 10)
    totals = stormy.rain.area_mean().rolling(10).sum().iloc[10:]
    typical = totals[typical_window_end(stormy, 10)]
    assert abs(typical - totals.median()) == (totals - totals.median()).abs().min()


def test_class_style_is_a_paletted_qgis_style() -> None:
    root = ET.fromstring(class_style(["low", "medium", "high"]).split("\n", 1)[1])
    entries = root.findall("./pipe/rasterrenderer/colorPalette/paletteEntry")
    assert root.find("./pipe/rasterrenderer").get("type") == "paletted"
    assert [(e.get("value"), e.get("label")) for e in entries] == [
        ("1", "Low"),
        ("2", "Medium"),
        ("3", "High"),
    ]


def test_class_labels_carry_their_probability_ranges() -> None:
    root = ET.fromstring(class_style(["low", "medium", "high"], breaks=[0.3125, 0.6]).split("\n", 1)[1])
    labels = [e.get("label") for e in root.findall("./pipe/rasterrenderer/colorPalette/paletteEntry")]
    assert labels == [
        "Low (probability ≤ 0.312)",
        "Medium (probability 0.312-0.600)",
        "High (probability > 0.600)",
    ]
    with pytest.raises(ValueError, match="3 classes need 2 breaks"):
        class_style(["low", "medium", "high"], breaks=[0.5])


def test_a_probability_map_opens_on_a_ramp_over_0_to_1() -> None:
    root = ET.fromstring(probability_style("calibrated probability").split("\n", 1)[1])
    renderer = root.find("./pipe/rasterrenderer")
    assert renderer.get("type") == "singlebandpseudocolor"
    assert (renderer.get("classificationMin"), renderer.get("classificationMax")) == ("0", "1")
    items = root.findall(".//colorrampshader/item")
    assert [i.get("value") for i in (items[0], items[-1])] == ["0", "1"]


def map_layers_are_described_and_styled(results: Path, date: str = "wettest") -> None:
    """Every map raster says which model, date and quantity its band holds; every probability map has
    its ramp; the class style's ranges are the summary's breaks."""
    summary = pd.read_csv(results / "metrics" / "map_summary.csv", keep_default_na=False)
    for row in summary[summary["date_label"] == date].itertuples():
        folder = results / "maps" / date
        for kind, words in (
            ("probability", "raw model probability"),
            ("classes", "susceptibility class"),
            ("calibrated", "calibrated probability"),
            ("uncertainty", "standard deviation over seeds"),
        ):
            with rasterio.open(folder / f"{row.model}_{kind}.tif") as src:
                description = src.descriptions[0] or ""
            assert description.startswith(f"{LABELS[row.model]}, {date} map ({row.date}): "), description
            assert words in description, (kind, description)
        for kind in ("probability", "calibrated"):
            style = ET.fromstring((folder / f"{row.model}_{kind}.qml").read_text().split("\n", 1)[1])
            assert style.find("./pipe/rasterrenderer").get("classificationMax") == "1"
        breaks = [float(b) for b in row.breaks.split(";")]
        style = (folder / f"{row.model}_classes.qml").read_text()
        assert (
            f"Low (probability ≤ {breaks[0]:.3f})" in style
            and f"High (probability &gt; {breaks[-1]:.3f})" in style
        )


def test_every_map_of_the_tiny_study_is_described_and_styled(tiny_results: Path) -> None:
    map_layers_are_described_and_styled(tiny_results)


# -- on the tiny study's real runs -----------------------------------------------------------------
def test_maps_reproduce_the_runs_predictions(tiny_results: Path) -> None:
    """The map of one seed, on a test sample's day and at its pixel, is that run's prediction."""
    from lsm.data.forcing import read_series
    from lsm.data.io.study import Study
    from lsm.data.samples import load_samples

    root = tiny_results.parents[1]
    samples = load_samples(
        *(tiny_results / "samples" / n for n in ("samples.gpkg", "tensors.npz", "summary.json"))
    )
    study = Study(root / "data" / "raw" / tiny_results.name)
    series = read_series(study)
    raster = FactorRaster.open(str(tiny_results / "factors" / "factors.tif"))
    table = samples.table.set_index("sample_id")
    full = rasterio.windows.Window(0, 0, raster.grid.width, raster.grid.height)
    from lsm.maps.windows import make_window, read_halo

    for model in ("cnn_lstm", "cnn", "lstm", "svm", "dt", "rf", "mlp"):
        run = tiny_results / "runs" / "random" / model / "seed1"
        predictions = pd.read_csv(run / "predictions.csv")
        ensemble = Ensemble([run], samples.tabular_names)
        tested = table.loc[predictions["sample_id"]].assign(p=predictions["probability"].to_numpy())
        for date, group in list(tested.groupby("date"))[:4]:
            day, _ = resolve_date(date, series, 30)
            forcing = DayForcing(series, raster.grid, day, 30)
            with rasterio.open(raster.path) as src:
                window = make_window(
                    raster, read_halo(src, full, 7), full, 7, forcing, samples.summary["patch_min_valid"]
                )
            mapped = ensemble.predict_window(window)[group["row"], group["col"]]
            assert np.abs(mapped - group["p"].to_numpy()).max() < 1e-6, model


def test_map_outputs_of_the_tiny_study(tiny_results: Path) -> None:
    summary = pd.read_csv(tiny_results / "metrics" / "map_summary.csv", keep_default_na=False)
    shares = pd.read_csv(tiny_results / "metrics" / "map_class_shares.csv", keep_default_na=False)
    assert set(summary["model"]) == {"cnn_lstm", "cnn", "lstm", "svm", "dt", "rf", "mlp"}
    assert (summary["date_label"] == "wettest").all() and summary["date"].str.match(
        r"\d{4}-\d{2}-\d{2}"
    ).all()
    assert summary["success_rate_auc"].between(0.5, 1).all()
    assert np.allclose(shares.groupby("model")["share_percent"].sum(), 100)
    for model in summary["model"]:
        with rasterio.open(tiny_results / "maps" / "wettest" / f"{model}_classes.tif") as src:
            counts = np.bincount(src.read(1).ravel(), minlength=4)[1:]
        own = shares[shares["model"] == model].set_index("class").loc[["low", "medium", "high"], "pixels"]
        assert list(own) == list(counts)
        assert (tiny_results / "maps" / "wettest" / f"{model}_classes.qml").is_file()
    importance = pd.read_csv(tiny_results / "metrics" / "importance.csv")
    assert set(importance["group"]) >= {"slope", "elevation", "rain", "reservoir_level"}
    cnn_rain = importance[(importance["model"] == "cnn") & (importance["group"] == "rain")]
    assert cnn_rain.empty  # the CNN never sees the rain: no importance, not an importance of 0
    assert not importance[(importance["model"] == "cnn") & (importance["group"] == "slope")].empty
    assert not list((tiny_results / "maps" / "wettest").glob("tiles/*.tif")), "tiles are temporary"


def test_seed_maps_are_each_seeds_probability_summarised(tiny_results: Path) -> None:
    """The spread map is the standard deviation of the seeds' own probabilities and the calibrated
    map the mean of each seed's calibrated probability, recomputed here pixel by pixel."""
    from lsm.data.samples import load_samples
    from lsm.evaluate.calibration import Platt
    from lsm.maps.jobs import reference_day
    from lsm.maps.windows import make_window, read_halo

    root = tiny_results.parents[1]
    samples = load_samples(
        *(tiny_results / "samples" / n for n in ("samples.gpkg", "tensors.npz", "summary.json"))
    )
    study_dir = root / "data" / "raw" / tiny_results.name
    series, day, _ = reference_day(study_dir, "wettest", 30, True)
    raster = FactorRaster.open(str(tiny_results / "factors" / "factors.tif"))
    forcing = DayForcing(series, raster.grid, day, 30)
    full = rasterio.windows.Window(0, 0, raster.grid.width, raster.grid.height)
    with rasterio.open(raster.path) as src:
        window = make_window(
            raster, read_halo(src, full, 7), full, 7, forcing, samples.summary["patch_min_valid"]
        )
    calibrators = pd.read_csv(tiny_results / "metrics" / "calibration" / "random" / "calibrators.csv")
    for model in ("cnn_lstm", "rf"):  # seeds that differ (a tree's seed can give the same tree)
        runs = sorted((tiny_results / "runs" / "random" / model).glob("seed*"))
        seeds = np.stack([Ensemble([run], samples.tabular_names).predict_window(window) for run in runs])
        rows = calibrators[calibrators["model"] == model].set_index("seed")
        platts = [
            Platt(rows.loc[int(r.name[4:]), "slope"], rows.loc[int(r.name[4:]), "intercept"]) for r in runs
        ]
        expected = {
            "uncertainty": np.std(seeds.astype("float64"), axis=0, ddof=1),
            "calibrated": np.mean([p.apply(v) for p, v in zip(platts, seeds, strict=True)], axis=0),
        }
        for kind, values in expected.items():
            with rasterio.open(tiny_results / "maps" / "wettest" / f"{model}_{kind}.tif") as src:
                mapped = src.read(1)
            assert np.array_equal(np.isfinite(mapped), np.isfinite(values)), (model, kind)
            assert np.nanmax(np.abs(mapped - values)) < 1e-5, (model, kind)
        assert np.nanmax(expected["uncertainty"]) > 0, model  # seeds differ somewhere


def test_calibration_and_seed_maps_of_the_tiny_study(tiny_results: Path) -> None:
    summary = assert_calibration_follows_the_runs(tiny_results)
    assert set(summary["version"]) == {"raw", "calibrated"}
    changes = assert_seed_maps_follow_their_tables(tiny_results)
    assert set(changes["model"]) == {"cnn_lstm", "cnn", "lstm", "svm", "dt", "rf", "mlp"}
    thresholds = pd.read_csv(tiny_results / "metrics" / "thresholds.csv", keep_default_na=False)
    assert len(thresholds) == 3 * 7 * 3  # three thresholds, seven models, three schemes


def test_map_command_without_trained_runs_says_so(tmp_path, capsys) -> None:
    from lsm.__main__ import main

    code = main(["map", "--model", "cnn", "--params", "params.yaml", "--results", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert "runs/random/cnn/seed1: no trained run here. Fix:" in err[0]


def test_area_of_applicability_of_the_tiny_study(tiny_results: Path) -> None:
    table = assert_applicability_follows_its_rasters(tiny_results)
    assert set(table["model"]) == {"cnn_lstm", "cnn", "lstm", "svm", "dt", "rf", "mlp"}
    assert (table["weights"] == "importance").any()
    # the spatial test samples, inside or outside, each counted once per model
    splits = pd.read_csv(tiny_results / "samples" / "splits.csv")
    assert (table["n_inside"] + table["n_outside"] == (splits["spatial"] == "test").sum()).all()
