"""The data-preparation steps (lsm.data.prepare), each on its own and all in order: the factors the
plan chose with their statistics, the samples with the plan recorded beside them, the splits as
lsm.data.splits makes them from the samples' own grid, and a bad input that leaves no output behind
(prepare_all keeps the previous factors/ and samples/ unless every step succeeds).

A small synthetic study (the tiny preset) is generated once for this file, in its own folder."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import yaml

from lsm.config import deep_update
from lsm.data.factors import channel_names, compute_factors, read_factor_stack
from lsm.data.io.study import Study
from lsm.data.prepare import factors_step, prepare_all, samples_step, splits_step
from lsm.data.samples import load_samples
from lsm.data.splits import SplitSettings, make_splits
from lsm.errors import InputError
from lsm.names import ALL_FACTORS, BUFFER, TEST, TRAIN
from tests.helpers import PARAMS, TINY_PARAMS

# The factors a test run lists (out of the stack's order on purpose), and the others.
LISTED = ["slope", "elevation", "aspect", "landuse", "dist_road"]
IN_ORDER = [f for f in ALL_FACTORS if f in LISTED]
UNLISTED = {f: "not listed in factors.names of params.yaml" for f in ALL_FACTORS if f not in LISTED}
FACTOR_FILES = ("factors.tif", "statistics.csv", "collinearity.csv")
SAMPLE_FILES = ("samples.gpkg", "tensors.npz", "summary.json", "balance.csv")


def tiny_config(**factors: Any) -> dict[str, Any]:
    """params.yaml with the tiny study's overrides (what the tests of the workflow run)."""
    config = copy.deepcopy(PARAMS)
    deep_update(config, yaml.safe_load(TINY_PARAMS.read_text()))
    config["factors"].update(factors)
    return config


def factor_paths(folder: Path) -> tuple[Path, Path, Path]:
    return folder / "factors.tif", folder / "statistics.csv", folder / "collinearity.csv"


def sample_paths(folder: Path) -> tuple[Path, Path, Path, Path]:
    return folder / "samples.gpkg", folder / "tensors.npz", folder / "summary.json", folder / "balance.csv"


def files_in(folder: Path) -> list[str]:
    """Every file under ``folder`` (hidden ones too), relative to it; [] when it does not exist."""
    return (
        sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        if folder.exists()
        else []
    )


@pytest.fixture(scope="module")
def study_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny synthetic study of this file's own (read only: tests that change it copy it)."""
    from lsm.synthetic.settings import SyntheticSettings
    from lsm.synthetic.write import generate_study

    folder = tmp_path_factory.mktemp("prepare_study") / "tiny"
    generate_study(
        SyntheticSettings.from_config({**PARAMS["synthetic"], "preset": "tiny"}), folder, progress=False
    )
    return folder


@pytest.fixture(scope="module")
def listed_factors(study_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """factors_step with LISTED factors; the folder of its three files."""
    folder = tmp_path_factory.mktemp("factors")
    factors_step(study_dir, tiny_config(names=LISTED), *factor_paths(folder))
    return folder


# -- factors ---------------------------------------------------------------------------------------
def test_the_factor_raster_holds_the_listed_factors_in_stack_order_with_their_values(
    study_dir: Path, listed_factors: Path
) -> None:
    with rasterio.open(listed_factors / "factors.tif") as src:
        assert list(src.descriptions) == IN_ORDER
        written = src.read()
    expected = compute_factors(
        Study(study_dir, PARAMS["grid"]), IN_ORDER, PARAMS["factors"]["river_area_km2"]
    )
    np.testing.assert_array_equal(written, expected.data)
    assert np.isfinite(written).any(axis=(1, 2)).all()
    assert read_factor_stack(listed_factors / "factors.tif").names == IN_ORDER


def test_the_statistics_are_those_of_each_written_band(listed_factors: Path) -> None:
    with rasterio.open(listed_factors / "factors.tif") as src:
        bands = src.read()
    stats = pd.read_csv(listed_factors / "statistics.csv")
    assert list(stats["factor"]) == IN_ORDER
    for band, row in zip(bands, stats.itertuples(), strict=True):
        values = band[np.isfinite(band)].astype("float64")
        assert row.min == pytest.approx(values.min(), rel=1e-5, abs=1e-9), row.factor
        assert row.max == pytest.approx(values.max(), rel=1e-5, abs=1e-9), row.factor
        assert row.mean == pytest.approx(values.mean(), rel=1e-5, abs=1e-6), row.factor
        assert row.nodata_share == pytest.approx(1 - values.size / band.size, abs=1e-6), row.factor
    assert (listed_factors / "collinearity.csv").stat().st_size > 0


def test_a_listed_factor_without_its_input_stops_before_anything_is_written(
    study_dir: Path, tmp_path: Path
) -> None:
    study = tmp_path / "study"
    shutil.copytree(study_dir, study)
    (study / "roads.gpkg").unlink()
    out = tmp_path / "factors"
    with pytest.raises(InputError, match="dist_road"):
        factors_step(study, tiny_config(names=["elevation", "dist_road"]), *factor_paths(out))
    assert files_in(out) == []


def test_a_factor_without_any_valid_cell_leaves_no_factor_file_behind(
    study_dir: Path, tmp_path: Path
) -> None:
    study = tmp_path / "study"
    shutil.copytree(study_dir, study)
    with rasterio.open(study / "landuse.tif") as src:
        profile, codes = src.profile, src.read()
    with rasterio.open(study / "landuse.tif", "w", **profile) as dst:
        dst.write(np.zeros_like(codes))
    out = tmp_path / "factors"
    with pytest.raises(
        InputError, match=r"landuse\.tif or landuse\.gpkg: factor\(s\) landuse have not one valid"
    ):
        factors_step(study, tiny_config(names=["elevation", "landuse"]), *factor_paths(out))
    assert files_in(out) == []


# -- samples ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def samples_without_plan(
    study_dir: Path, listed_factors: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    folder = tmp_path_factory.mktemp("samples")
    samples_step(
        study_dir,
        tiny_config(names=LISTED),
        listed_factors / "factors.tif",
        *sample_paths(folder),
        progress=False,
    )
    return folder


def test_without_a_plan_the_summary_records_the_factors_and_why_the_others_were_left_out(
    samples_without_plan: Path,
) -> None:
    summary = json.loads((samples_without_plan / "summary.json").read_text())
    assert summary["factors"] == IN_ORDER
    assert summary["omitted_factors"] == UNLISTED


def test_the_plan_is_recorded_and_changes_no_sample(
    study_dir: Path, listed_factors: Path, samples_without_plan: Path, tmp_path: Path
) -> None:
    plan = {"omitted_factors": {"aap": "one rain gauge gives every cell the same mean annual rain"}}
    samples_step(
        study_dir,
        tiny_config(names=LISTED),
        listed_factors / "factors.tif",
        *sample_paths(tmp_path),
        plan=plan,
        progress=False,
    )
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["omitted_factors"] == plan["omitted_factors"]
    assert summary["factors"] == IN_ORDER
    with_plan = load_samples(*sample_paths(tmp_path)[:2])
    without = load_samples(*sample_paths(samples_without_plan)[:2])
    pd.testing.assert_frame_equal(with_plan.table, without.table)
    np.testing.assert_array_equal(with_plan.patches, without.patches)
    np.testing.assert_array_equal(with_plan.tabular, without.tabular)


def test_the_written_samples_reload_and_agree_with_their_summary_and_factors(
    samples_without_plan: Path, listed_factors: Path
) -> None:
    summary = json.loads((samples_without_plan / "summary.json").read_text())
    samples = load_samples(*sample_paths(samples_without_plan)[:3])
    table = samples.table
    assert len(table) == summary["samples"] > 0
    assert int(table["label"].sum()) == summary["positives"] > 0
    assert table["sample_id"].is_unique
    stack = read_factor_stack(listed_factors / "factors.tif")
    assert samples.channel_names == channel_names(IN_ORDER, stack.landuse_classes) == summary["channels"]
    assert samples.patches.shape == (len(table), len(samples.channel_names), 15, 15)
    balance = pd.read_csv(samples_without_plan / "balance.csv")
    assert balance["samples"].sum() == len(table)


# -- splits ----------------------------------------------------------------------------------------
CELL, PATCH = 30.0, 15


def crafted_samples(positives: int = 60, negatives: int = 120, seed: int = 0) -> gpd.GeoDataFrame:
    """Samples as the samples step writes them: ids, labels, ISO dates, cells and their centres."""
    rng = np.random.default_rng(seed)
    n = positives + negatives
    rows, cols = rng.integers(0, 200, n), rng.integers(0, 200, n)
    days = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), "D")
    return gpd.GeoDataFrame(
        {
            "sample_id": [f"S{i:05d}" for i in range(n)],
            "label": np.r_[np.ones(positives, int), np.zeros(negatives, int)],
            "date": [f"{d:%Y-%m-%d}" for d in days],
            "row": rows,
            "col": cols,
        },
        geometry=gpd.points_from_xy(500_000 + (cols + 0.5) * CELL, 4_000_000 - (rows + 0.5) * CELL),
        crs="EPSG:32640",
    )


def write_samples(folder: Path, table: gpd.GeoDataFrame, cell: float = CELL) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    table.to_file(folder / "samples.gpkg", driver="GPKG")
    summary = {"cell_size_m": cell, "patch_size": PATCH, "temporal": True}
    (folder / "summary.json").write_text(json.dumps(summary))
    return folder / "samples.gpkg", folder / "summary.json"


def split_config(schemes: list[str]) -> dict[str, Any]:
    # The analysis grid of the configuration is not the samples' (10 m against 30 m): splits_step
    # must take the cell from summary.json, as the samples were drawn on it.
    return {
        "grid": {"crs": None, "resolution_m": 10.0},
        "splits": PARAMS["splits"],
        "models": {"schemes": schemes},
    }


def test_the_written_splits_are_those_of_make_splits_on_the_samples_grid(tmp_path: Path) -> None:
    table = crafted_samples()
    gpkg, summary = write_samples(tmp_path, table)
    schemes = ["random", "spatial", "temporal"]
    splits_step(split_config(schemes), gpkg, summary, tmp_path / "splits.csv", tmp_path / "splits.json")
    expected, info = make_splits(
        table, CELL, PATCH, True, SplitSettings.from_config(PARAMS["splits"]), schemes
    )
    written = pd.read_csv(tmp_path / "splits.csv")
    pd.testing.assert_frame_equal(written, expected)
    assert json.loads((tmp_path / "splits.json").read_text()) == info
    assert info["patch_overlap_m"] == PATCH * CELL
    # What the schemes promise, read back from the file: no train patch overlaps a test patch
    # (spatial), every test sample is dated after every training one (temporal).
    for scheme in schemes:
        assert set(written[scheme]) <= {TRAIN, TEST, BUFFER} and {TRAIN, TEST} <= set(written[scheme])
    train, test = (table[written["spatial"] == part] for part in (TRAIN, TEST))
    gap = np.maximum(
        np.abs(train["row"].to_numpy()[:, None] - test["row"].to_numpy()[None, :]),
        np.abs(train["col"].to_numpy()[:, None] - test["col"].to_numpy()[None, :]),
    )
    assert (gap >= PATCH).all()
    dates = pd.to_datetime(table["date"])
    assert dates[written["temporal"] == TEST].min() > dates[written["temporal"] == TRAIN].max()


def test_the_cell_comes_from_the_samples_summary(tmp_path: Path) -> None:
    table = crafted_samples()
    gpkg, summary = write_samples(tmp_path, table, cell=2 * CELL)
    splits_step(split_config(["random"]), gpkg, summary, tmp_path / "splits.csv", tmp_path / "splits.json")
    assert json.loads((tmp_path / "splits.json").read_text())["patch_overlap_m"] == PATCH * 2 * CELL


def test_only_the_schemes_asked_for_are_made_and_the_plans_schemes_by_default(tmp_path: Path) -> None:
    gpkg, summary = write_samples(tmp_path, crafted_samples(seed=1))
    splits_step(split_config(["random", "spatial"]), gpkg, summary, tmp_path / "a.csv", tmp_path / "a.json")
    assert list(pd.read_csv(tmp_path / "a.csv").columns) == ["sample_id", "random", "spatial"]
    splits_step(
        split_config(["random", "spatial"]),
        gpkg,
        summary,
        tmp_path / "b.csv",
        tmp_path / "b.json",
        ["random"],
    )
    only = pd.read_csv(tmp_path / "b.csv")
    assert list(only.columns) == ["sample_id", "random"]
    info = json.loads((tmp_path / "b.json").read_text())
    assert "random" in info and "spatial" not in info and "temporal" not in info
    # The random scheme does not depend on which others are made.
    assert (only["random"] == pd.read_csv(tmp_path / "a.csv")["random"]).all()


def test_too_few_landslides_to_split_stop_before_anything_is_written(tmp_path: Path) -> None:
    gpkg, summary = write_samples(tmp_path / "samples", crafted_samples(positives=5, negatives=40))
    out = tmp_path / "splits"
    with pytest.raises(InputError, match="at least 10 landslides"):
        splits_step(split_config(["random"]), gpkg, summary, out / "splits.csv", out / "splits.json")
    assert files_in(out) == []


# -- every step ------------------------------------------------------------------------------------
def plant_old_results(results: Path) -> None:
    """A previous preparation's folders, each with a file no step writes."""
    for part in ("factors", "samples"):
        (results / part).mkdir(parents=True)
        (results / part / "old.txt").write_text(part)


def test_prepare_all_replaces_the_previous_folders_with_every_steps_outputs(
    study_dir: Path, tmp_path: Path
) -> None:
    results = tmp_path / "results"
    plant_old_results(results)
    prepare_all(tiny_config(), study_dir, results, progress=False)
    assert files_in(results / "factors") == sorted(FACTOR_FILES)
    assert files_in(results / "samples") == sorted([*SAMPLE_FILES, "splits.csv", "splits.json"])
    assert sorted(p.name for p in results.iterdir()) == ["factors", "samples"]  # no staging folder left
    samples = load_samples(results / "samples" / "samples.gpkg", results / "samples" / "tensors.npz")
    splits = pd.read_csv(results / "samples" / "splits.csv")
    assert list(splits["sample_id"]) == list(samples.table["sample_id"])
    assert list(splits.columns) == ["sample_id", *PARAMS["models"]["schemes"]]


def test_prepare_all_keeps_the_previous_folders_when_its_last_step_fails(
    study_dir: Path, tmp_path: Path
) -> None:
    results = tmp_path / "results"
    plant_old_results(results)
    config = tiny_config()
    config["splits"]["temporal_from"] = "2099-01-01"  # after every landslide: the temporal split refuses
    with pytest.raises(InputError, match="temporal"):
        prepare_all(config, study_dir, results, progress=False)
    assert files_in(results) == ["factors/old.txt", "samples/old.txt"]
