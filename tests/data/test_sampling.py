"""Samples, splits and normalisation on the tiny study: the invariants that keep a replication honest."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import xarray as xr
from rasterio.warp import Resampling, calculate_default_transform, reproject

from lsm.data.factors import compute_factors
from lsm.data.io.study import Study
from lsm.data.normalise import Normaliser
from lsm.data.samples import load_samples, save_samples
from lsm.data.sampling import SamplingSettings, build_samples
from lsm.data.splits import SplitSettings, make_splits
from lsm.data.support import choose_factors, scan_study
from lsm.names import ALL_FACTORS, BUFFER, SCHEMES, TEST, TRAIN
from tests.helpers import RIVER_AREA_KM2, from_params

SETTINGS = from_params(SamplingSettings, "sampling", seed=3, buffer_m=300.0, buffer_days=60)
GRID = {"crs": None, "resolution_m": 30.0}


@pytest.fixture(scope="module")
def prepared(tiny_study_dir):
    study = Study(tiny_study_dir, GRID)
    stack = compute_factors(study, list(ALL_FACTORS), RIVER_AREA_KM2)
    samples = build_samples(stack, study, SETTINGS, progress=False)
    splits, info = make_splits(
        samples.table, 30.0, SETTINGS.patch_size, True, from_params(SplitSettings, "splits", seed=5)
    )
    return study, stack, samples, splits, info


def test_counts_ratio_and_kinds(prepared) -> None:
    _, _, samples, _, _ = prepared
    t = samples.table
    positives = int(t["label"].sum())
    assert positives == samples.summary["positives"] > 20
    assert (t["label"] == 0).sum() == round(SETTINGS.negative_ratio * positives)
    assert set(t.loc[t["label"] == 0, "kind"]) == {"random", "same_place", "same_time"}
    dropped = samples.summary["landslides_dropped_patch_outside_valid_area"]
    assert positives + dropped == samples.summary["landslides_in_inventory"]
    assert not t.duplicated(["row", "col", "date"]).any()


def test_no_negative_near_a_landslide_in_space_and_time(prepared, tiny_study_dir) -> None:
    _, _, samples, _, _ = prepared
    inventory = gpd.read_file(tiny_study_dir / "inventory.gpkg")
    ex, ey = inventory.geometry.x.to_numpy(), inventory.geometry.y.to_numpy()
    edays = pd.to_datetime(inventory["date"]).to_numpy()
    neg = samples.table[samples.table["label"] == 0]
    assert len(neg) > 40
    near_in_space = 0
    for geom, date in zip(neg.geometry, pd.to_datetime(neg["date"]), strict=True):
        near = np.hypot(ex - geom.x, ey - geom.y) <= SETTINGS.buffer_m
        days = np.abs((edays[near] - np.datetime64(date)) / np.timedelta64(1, "D"))
        assert (days > SETTINGS.buffer_days).all()
        near_in_space += bool(near.any())
    assert near_in_space > 10  # the same-place negatives: the time buffer was checked, not vacuous


def test_same_place_negatives_sit_on_a_landslide_cell(prepared) -> None:
    _, _, samples, _, _ = prepared
    t = samples.table
    cells = set(zip(t.loc[t["label"] == 1, "row"], t.loc[t["label"] == 1, "col"], strict=True))
    same_place = t[t["kind"] == "same_place"]
    assert all((r, c) in cells for r, c in zip(same_place["row"], same_place["col"], strict=True))
    same_time = t[t["kind"] == "same_time"]
    assert set(same_time["date"]) <= set(t.loc[t["label"] == 1, "date"])


def test_patch_sequence_and_row_agree_with_the_sources(prepared, tiny_study_dir) -> None:
    _, stack, samples, _, _ = prepared
    r = SETTINGS.radius
    assert samples.patches.shape[1:] == (len(samples.channel_names), 15, 15)
    i = 7
    row, col = int(samples.table["row"].iloc[i]), int(samples.table["col"].iloc[i])
    slope = samples.channel_names.index("slope")
    np.testing.assert_array_equal(
        samples.patches[i, slope], stack.band("slope")[row - r : row + r + 1, col - r : col + r + 1]
    )
    # The sequence ends on the sample's day, with the rain of its rain cell.
    with xr.open_dataset(tiny_study_dir / "rainfall.nc") as ds:
        x, y = samples.table.geometry.iloc[i].x, samples.table.geometry.iloc[i].y
        end = pd.Timestamp(samples.table["date"].iloc[i])
        rain = (
            ds["precipitation"]
            .sel(x=x, y=y, method="nearest")
            .sel(time=slice(end - pd.Timedelta(days=29), end))
        )
        np.testing.assert_allclose(samples.sequences[i, :, 0], rain.values, rtol=1e-6)
    levels = pd.read_csv(tiny_study_dir / "reservoir_levels.csv", parse_dates=["date"]).set_index("date")
    np.testing.assert_allclose(samples.sequences[i, -1, 2], levels.loc[end, "level_m"], rtol=1e-6)
    cols = samples.tabular_names
    np.testing.assert_allclose(
        samples.tabular[:, cols.index("rain_30d_mm")], samples.sequences[:, :, 0].sum(1), rtol=1e-5
    )
    np.testing.assert_allclose(samples.tabular[:, cols.index("slope")], samples.patches[:, slope, r, r])


def test_every_sample_in_exactly_one_set(prepared) -> None:
    _, _, samples, splits, _ = prepared
    assert list(splits["sample_id"]) == list(samples.table["sample_id"])
    for scheme in SCHEMES:
        assert set(splits[scheme]) <= {TRAIN, TEST, BUFFER}
        assert (splits[scheme] == TRAIN).sum() > 0 and (splits[scheme] == TEST).sum() > 0


def test_random_split_is_stratified_and_keeps_cells_together(prepared) -> None:
    _, _, samples, splits, _ = prepared
    t = samples.table.assign(part=splits["random"].to_numpy())
    share = (t["part"] == TEST).mean()
    assert 0.2 < share < 0.4
    rates = t.groupby("part")["label"].mean()
    assert abs(rates[TEST] - rates[TRAIN]) < 0.1
    assert t.groupby(["row", "col"])["part"].nunique().max() == 1  # no patch on both sides


def test_spatial_split_has_no_overlapping_patches(prepared) -> None:
    _, _, samples, splits, _ = prepared
    t = samples.table.assign(part=splits["spatial"].to_numpy())
    train, test = t[t["part"] == TRAIN], t[t["part"] == TEST]
    dr = np.abs(train["row"].to_numpy()[:, None] - test["row"].to_numpy()[None, :])
    dc = np.abs(train["col"].to_numpy()[:, None] - test["col"].to_numpy()[None, :])
    assert (np.maximum(dr, dc) >= SETTINGS.patch_size).all()


def test_temporal_split_tests_only_later_dates(prepared) -> None:
    _, _, samples, splits, info = prepared
    dates = pd.to_datetime(samples.table["date"])
    assert dates[splits["temporal"] == TEST].min() > dates[splits["temporal"] == TRAIN].max()
    assert dates[splits["temporal"] == TEST].min() == pd.Timestamp(info["temporal_cutoff"])


def test_normalisation_sees_only_training_samples(prepared) -> None:
    _, _, samples, splits, _ = prepared
    train = (splits["random"] == TRAIN).to_numpy()
    norm = Normaliser.fit(samples.patches, samples.tabular, samples.sequences, train)
    tampered = samples.patches.copy()
    tampered[~train] += 1000.0
    again = Normaliser.fit(tampered, samples.tabular, samples.sequences, train)
    np.testing.assert_array_equal(norm.patch_mean, again.patch_mean)
    z = norm.tabular(samples.tabular)[train]
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-4)
    varying = samples.tabular[train].std(axis=0) > 0
    np.testing.assert_allclose(z.std(axis=0)[varying], 1, atol=1e-3)


def test_static_study_without_series_skips_the_temporal_models(tiny_study_dir, tmp_path: Path) -> None:
    study_dir = tmp_path / "static"
    shutil.copytree(tiny_study_dir, study_dir)
    for name in ("rainfall.nc", "reservoirs.gpkg", "reservoir_levels.csv"):
        (study_dir / name).unlink()
    study = Study(study_dir, GRID)
    names, omitted = choose_factors("auto", scan_study(study_dir))
    assert omitted == {
        "aap": "the study has no rainfall.nc or rain_gauges.csv",
        "dist_shore": "the study has no reservoirs.gpkg",
    }
    stack = compute_factors(study, names, RIVER_AREA_KM2)
    assert "aap" not in stack.names and "dist_shore" not in stack.names
    samples = build_samples(stack, study, SETTINGS, progress=False)
    assert samples.sequences is None
    assert set(samples.table["kind"]) == {"positive", "random"}
    assert samples.summary["skipped_models"] == {
        "cnn_lstm": "the study has no rainfall.nc or rain_gauges.csv",
        "lstm": "the study has no rainfall.nc or rain_gauges.csv",
    }
    splits, _ = make_splits(samples.table, 30.0, 15, False, from_params(SplitSettings, "splits"))
    assert "temporal" not in splits.columns


def test_absences_keep_the_centre_of_their_cell_through_save_and_load(tiny_study_dir, tmp_path: Path) -> None:
    study_dir = tmp_path / "absences"
    shutil.copytree(tiny_study_dir, study_dir)
    for name in ("rainfall.nc", "reservoirs.gpkg", "reservoir_levels.csv"):
        (study_dir / name).unlink()  # absences have no date: only a static study uses them
    study = Study(study_dir, GRID)
    rows, cols = np.array([30, 50, 61]), np.array([40, 22, 70])
    x, y = study.grid.xy(rows, cols)
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(np.r_[x + 7.0, -1e6], np.r_[y - 11.0, -1e6]), crs=study.grid.crs
    )
    points.to_file(study_dir / "absences.gpkg")
    names, _ = choose_factors("auto", scan_study(study_dir))
    samples = build_samples(compute_factors(study, names, RIVER_AREA_KM2), study, SETTINGS, progress=False)
    table = samples.absences.table
    assert samples.absences.left_out == {"outside the DEM's extent": 1}
    np.testing.assert_array_equal(table[["row", "col"]].to_numpy(), np.column_stack([rows, cols]))
    np.testing.assert_array_equal(table[["x", "y"]].to_numpy(), np.column_stack([x, y]))
    assert samples.summary["cell_size_m"] == 30.0
    files = [tmp_path / name for name in ("samples.gpkg", "tensors.npz", "summary.json")]
    save_samples(samples, *files)
    reloaded = load_samples(*files)
    assert list(reloaded.table["sample_id"]) == list(samples.table["sample_id"])  # not the absences
    loaded = reloaded.absences.table
    assert list(loaded["absence_id"]) == list(table["absence_id"])
    np.testing.assert_array_equal(loaded[["row", "col", "x", "y"]], table[["row", "col", "x", "y"]])


def test_polygon_landslides_start_at_their_highest_cell(tiny_study_dir, tmp_path: Path) -> None:
    study_dir = tmp_path / "polygons"
    shutil.copytree(tiny_study_dir, study_dir)
    inventory = gpd.read_file(study_dir / "inventory.gpkg")
    polygons = inventory.assign(geometry=inventory.buffer(60))
    (study_dir / "inventory.gpkg").unlink()
    polygons.to_file(study_dir / "inventory.gpkg")
    study = Study(study_dir, GRID)
    dem = study.read_dem()
    points = study.read_inventory(dem=dem)
    row, col = study.grid.rowcol(points.geometry.x, points.geometry.y)
    for k in range(5):
        poly = polygons.geometry.iloc[k]
        assert poly.buffer(30).contains(points.geometry.iloc[k])
        rows, cols = np.indices(dem.shape)
        x, y = study.grid.xy(rows, cols)
        from shapely import contains_xy

        inside = contains_xy(poly, x, y)
        assert dem[row[k], col[k]] >= dem[inside].max() - 1e-3


def test_a_landuse_raster_in_another_crs_is_reprojected_with_nearest(tiny_study_dir, tmp_path: Path) -> None:
    study_dir = tmp_path / "reprojected"
    shutil.copytree(tiny_study_dir, study_dir)
    src_path = study_dir / "landuse.tif"
    with rasterio.open(src_path) as src:
        transform, width, height = calculate_default_transform(
            src.crs, "EPSG:4326", src.width, src.height, *src.bounds
        )
        profile = src.profile | {"crs": "EPSG:4326", "transform": transform, "width": width, "height": height}
        data = np.zeros((1, height, width), dtype=src.dtypes[0])
        reproject(
            rasterio.band(src, 1),
            data[0],
            dst_transform=transform,
            dst_crs="EPSG:4326",
            resampling=Resampling.nearest,
        )
        original = src.read(1)
    src_path.unlink()
    with rasterio.open(src_path, "w", **profile) as dst:
        dst.write(data)
    back = Study(study_dir, GRID).read_landuse()
    assert set(np.unique(back)) <= set(np.unique(original)) | {0}  # classes, never blends
    assert (back == original).mean() > 0.85


def test_sampling_is_deterministic(prepared, tiny_study_dir) -> None:
    study, stack, samples, _, _ = prepared
    again = build_samples(stack, study, SETTINGS, progress=False)
    assert again.table.drop(columns="geometry").equals(samples.table.drop(columns="geometry"))
    other = build_samples(stack, study, replace(SETTINGS, seed=4), progress=False)
    assert not other.table["row"].equals(samples.table["row"])


def test_vectors_may_come_as_shapefile_or_geojson(tiny_study_dir, tmp_path: Path) -> None:
    study_dir = tmp_path / "formats"
    shutil.copytree(tiny_study_dir, study_dir)
    faults = gpd.read_file(study_dir / "faults.gpkg")
    (study_dir / "faults.gpkg").unlink()
    faults.to_file(study_dir / "faults.shp")
    roads = gpd.read_file(study_dir / "roads.gpkg").to_crs("EPSG:4326")  # another CRS too
    (study_dir / "roads.gpkg").unlink()
    roads.to_file(study_dir / "roads.geojson", driver="GeoJSON")
    study = Study(study_dir, GRID)
    stack = compute_factors(study, list(ALL_FACTORS), RIVER_AREA_KM2)
    reference = compute_factors(Study(tiny_study_dir, GRID), list(ALL_FACTORS), RIVER_AREA_KM2)
    np.testing.assert_array_equal(stack.band("dist_fault"), reference.band("dist_fault"))
    assert np.abs(stack.band("dist_road") - reference.band("dist_road")).max() <= 30 * np.sqrt(2)


def test_same_place_negatives_keep_their_landslide_s_season() -> None:
    """Hotspots that fail in the wet season of some years: the space-time buffer around every mapped
    landslide removes those wet seasons, so a same-place negative drawn on any day of the record
    lands mostly in the dry season (a season cue the design made, not the physics). Drawn at the
    same time of year in another year, it keeps the season of its landslide."""
    from affine import Affine
    from pyproj import CRS

    from lsm.data.factors import FactorStack
    from lsm.data.io.study import AnalysisGrid
    from lsm.data.sampling import Conflicts, DayRange, draw_negatives

    grid = AnalysisGrid(CRS.from_epsg(32640), Affine(30.0, 0, 0, 0, -30.0, 3000.0), 100, 100)
    stack = FactorStack(
        ["slope"], np.zeros((1, 100, 100), "float32"), grid, pd.DataFrame({"code": [], "name": []})
    )
    dates = pd.date_range("2012-01-01", periods=8 * 365, freq="D")
    rng = np.random.default_rng(0)
    cells = [(20, 20), (20, 70), (70, 20), (70, 70)]
    rows = []
    for year in (2013, 2016):  # two wet years out of eight
        for r, c in cells:
            for _ in range(5):
                day = pd.Timestamp(f"{year}-01-15") + pd.Timedelta(days=int(rng.integers(0, 60)))
                rows.append({"row": r, "col": c, "day": dates.get_loc(day), "event_id": "E"})
    positives = pd.DataFrame(rows)
    x, y = grid.xy(positives["row"].to_numpy(), positives["col"].to_numpy())
    conflicts = Conflicts(np.column_stack([x, y]), positives["day"].to_numpy(), 500.0, 90)
    settings = from_params(
        SamplingSettings, "sampling", negative_mix={"same_place": 1.0}, negative_ratio=2.0, season_days=15
    )
    negatives = draw_negatives(
        positives,
        np.ones((100, 100), bool),
        stack,
        conflicts,
        DayRange(30, len(dates) - 1, dates),
        settings,
        rng,
    )
    months = dates[negatives["day"].to_numpy()].month
    assert len(negatives) == 2 * len(positives)
    assert np.isin(months, [12, 1, 2, 3, 4]).mean() > 0.95  # the landslides' season, not the dry one
    years = dates[negatives["day"].to_numpy()].year
    assert not np.isin(years, [2013, 2016]).any()  # and never inside a landslide's buffer
