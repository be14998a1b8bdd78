"""A catalog of malformed inputs: each stops `python -m lsm prepare` with one line naming the file,
the problem and the fix, a non-zero exit, no traceback on the terminal and no output left behind."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import xarray as xr
import yaml
from affine import Affine
from shapely.geometry import Point, box

from lsm.__main__ import main
from lsm.config import deep_update
from tests.conftest import REPO, TINY_PARAMS

Mutation = Callable[[Path, dict], None]


def rewrite_dem(study: Path, **changes) -> None:
    with rasterio.open(study / "dem.tif") as src:
        profile, data = src.profile, src.read()
    profile.update(changes.pop("profile", {}))
    data = changes.pop("data", lambda d: d)(data)
    (study / "dem.tif").unlink()
    with rasterio.open(study / "dem.tif", "w", **profile) as dst:
        dst.write(data)


def edit_vector(study: Path, name: str, edit: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]) -> None:
    frame = edit(gpd.read_file(study / name))
    (study / name).unlink()
    frame.to_file(study / name, driver="GPKG")


def edit_inventory(edit):
    return lambda study, params: edit_vector(study, "inventory.gpkg", edit)


def set_first(column: str, value):
    def edit(frame):
        frame[column] = frame[column].astype(object)
        frame.loc[frame.index[0], column] = value
        return frame

    return edit


def move_first_point(frame):
    frame.loc[frame.index[0], "geometry"] = Point(0, 0)
    return frame


def negative_rain(study: Path, params: dict) -> None:
    with xr.open_dataset(study / "rainfall.nc") as ds:
        ds = ds.load()
    ds["precipitation"][5, 0, 0] = -3.0
    (study / "rainfall.nc").unlink()
    ds.to_netcdf(study / "rainfall.nc")


def rename_rain(study: Path, params: dict) -> None:
    with xr.open_dataset(study / "rainfall.nc") as ds:
        ds = ds.load().rename({"precipitation": "rain"})
    (study / "rainfall.nc").unlink()
    ds.to_netcdf(study / "rainfall.nc")


def edit_levels(edit):
    def mutate(study: Path, params: dict) -> None:
        levels = pd.read_csv(study / "reservoir_levels.csv")
        edit(levels).to_csv(study / "reservoir_levels.csv", index=False)

    return mutate


def add_reservoir(study: Path, params: dict) -> None:
    def edit(frame):
        extra = frame.iloc[[0]].copy()
        extra["reservoir_id"] = "RES2"
        extra["geometry"] = [box(*frame.total_bounds).centroid.buffer(30)]
        return pd.concat([frame, extra], ignore_index=True)

    edit_vector(study, "reservoirs.gpkg", edit)


def unknown_landuse_code(study: Path, params: dict) -> None:
    with rasterio.open(study / "landuse.tif") as src:
        profile, data = src.profile, src.read()
    data[0, 0, 0] = 42
    with rasterio.open(study / "landuse.tif", "w", **profile) as dst:
        dst.write(data)


CASES: dict[str, tuple[Mutation, str, str]] = {
    "dem without CRS": (lambda s, p: rewrite_dem(s, profile={"crs": None}), "dem.tif", "has no CRS"),
    "geographic DEM, no target CRS": (
        lambda s, p: rewrite_dem(
            s, profile={"crs": "EPSG:4326", "transform": Affine(0.0003, 0, 57, 0, -0.0003, 30)}
        ),
        "dem.tif",
        "is geographic",
    ),
    "all-nodata DEM": (
        lambda s, p: rewrite_dem(s, data=lambda d: np.full_like(d, -9999.0)),
        "dem.tif",
        "all nodata",
    ),
    "corrupted GeoTIFF": (
        lambda s, p: (s / "dem.tif").write_bytes(b"II*\x00" + b"\x13" * 500),
        "dem.tif",
        "cannot be read as a raster",
    ),
    "rasters that do not overlap": (
        lambda s, p: _shift_landuse(s),
        "landuse.tif",
        "does not overlap",
    ),
    "land-use code without a class": (unknown_landuse_code, "landuse.tif", "not in the landuse_classes"),
    "inventory without date": (
        edit_inventory(lambda f: f.drop(columns="date")),
        "inventory.gpkg",
        "no 'date'",
    ),
    "unparseable date": (
        edit_inventory(set_first("date", "yesterday")),
        "inventory.gpkg",
        "cannot be parsed",
    ),
    "event outside the extent": (edit_inventory(move_first_point), "inventory.gpkg", "outside the DEM"),
    "event outside the rainfall period": (
        edit_inventory(set_first("date", "1990-05-01")),
        "inventory.gpkg",
        "outside the rainfall period",
    ),
    "empty inventory": (edit_inventory(lambda f: f.iloc[:0]), "inventory.gpkg", "holds no landslides"),
    "negative rainfall": (negative_rain, "rainfall.nc", "negative values"),
    "rainfall variable misnamed": (rename_rain, "rainfall.nc", "no variable 'precipitation'"),
    "gap in reservoir levels": (edit_levels(lambda d: d.drop(index=100)), "reservoir_levels.csv", "gaps"),
    "levels without their column": (
        edit_levels(lambda d: d.drop(columns="level_m")),
        "reservoir_levels.csv",
        "missing column(s) level_m",
    ),
    "reservoir without levels": (
        add_reservoir,
        "reservoir_levels.csv",
        "'RES2' of reservoirs.gpkg has no levels",
    ),
    "lithology without erodibility": (
        lambda s, p: edit_vector(s, "lithology.gpkg", lambda f: f.drop(columns="erodibility")),
        "lithology.gpkg",
        "missing column(s) erodibility",
    ),
    "missing roads": (lambda s, p: (s / "roads.gpkg").unlink(), "roads.gpkg", "required file is missing"),
    "even patch size": (lambda s, p: p["sampling"].update(patch_size=14), "params.yaml", "14 is even"),
    "unknown factor": (
        lambda s, p: p["factors"]["names"].append("ndvi"),
        "params.yaml",
        "'ndvi' is not one of",
    ),
}


def _shift_landuse(study: Path) -> None:
    with rasterio.open(study / "landuse.tif") as src:
        profile, data = src.profile, src.read()
    t = profile["transform"]
    profile["transform"] = Affine(t.a, 0, t.c + 500_000, 0, t.e, t.f)
    with rasterio.open(study / "landuse.tif", "w", **profile) as dst:
        dst.write(data)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_stops_with_one_line(case: str, tiny_study_dir: Path, tmp_path: Path, capfd) -> None:
    mutate, file_name, words = CASES[case]
    study = tmp_path / "study"
    shutil.copytree(tiny_study_dir, study)
    shutil.rmtree(study / "truth")
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    deep_update(params, yaml.safe_load(TINY_PARAMS.read_text()))
    mutate(study, params)
    params_file = tmp_path / "params.yaml"
    params_file.write_text(yaml.safe_dump(params))
    results = tmp_path / "results"
    capfd.readouterr()
    code = main(
        ["prepare", "--params", str(params_file), "--study-dir", str(study), "--results", str(results)]
    )
    err = capfd.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 2, err
    assert len(errors) == 1, err
    assert file_name in errors[0] and words in errors[0] and "Fix:" in errors[0], errors[0]
    assert "Traceback" not in err
    left = [p for p in results.rglob("*") if p.is_file()] if results.exists() else []
    assert left == [], f"partial outputs left: {left}"


def test_catalog_is_large_enough() -> None:
    assert len(CASES) >= 15


def test_command_line_shows_no_traceback(tiny_study_dir: Path, tmp_path: Path) -> None:
    """The same through a real process: one line on stderr, exit status 2."""
    study = tmp_path / "study"
    shutil.copytree(tiny_study_dir, study)
    (study / "faults.gpkg").unlink()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "lsm",
            "--log",
            str(tmp_path / "prepare.log"),
            "prepare",
            "--study-dir",
            str(study),
            "--results",
            str(tmp_path / "out"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: {study / 'faults.gpkg'}: required file is missing. "
        "Fix: add it (see the data contract in the README)"
    ]
    assert "Traceback" in (tmp_path / "prepare.log").read_text()
