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
from tests.data.gauges import grid_to_gauges
from tests.helpers import REPO, TINY_PARAMS

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
    ds["rain"].attrs = {"grid_mapping": "spatial_ref"}
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
    "most events outside the extent": (
        edit_inventory(lambda f: f.assign(geometry=f.translate(xoff=1e6))),
        "inventory.gpkg",
        "landslides cannot be used (",
    ),
    "unparseable date": (
        edit_inventory(set_first("date", "yesterday")),
        "inventory.gpkg",
        "1 date(s) cannot be read as a day (row 1: 'yesterday')",
    ),
    "most events on the DEM's nodata": (
        lambda s, p: rewrite_dem(s, data=lambda d: np.where(d > np.median(d[d > -9000]) - 300, -9999.0, d)),
        "inventory.gpkg",
        "on the DEM's nodata",
    ),
    "every event outside the rain record": (
        edit_inventory(lambda f: f.assign(date="1990-05-01")),
        "inventory.gpkg",
        "its rain window lies outside the rain record",
    ),
    "empty inventory": (edit_inventory(lambda f: f.iloc[:0]), "inventory.gpkg", "holds no landslides"),
    "negative rainfall": (negative_rain, "rainfall.nc", "negative values"),
    "rainfall variable without name or units": (rename_rain, "rainfall.nc", "has no precipitation variable"),
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
    "a listed factor without its file": (
        lambda s, p: ((s / "roads.gpkg").unlink(), p["factors"].update(names=["slope", "dist_road"])),
        "params.yaml",
        "factor 'dist_road' needs roads.gpkg",
    ),
    "a listed factor without rain": (
        lambda s, p: ((s / "rainfall.nc").unlink(), p["factors"].update(names=["elevation", "aap"])),
        "params.yaml",
        "factor 'aap' needs rainfall.nc",
    ),
    "even patch size": (lambda s, p: p["sampling"].update(patch_size=14), "params.yaml", "14 is even"),
    "unknown factor": (
        lambda s, p: p["factors"].update(names=["slope", "ndvi"]),
        "params.yaml",
        "'ndvi' is not one of",
    ),
}


def edit_meta(**changes) -> Mutation:
    """Change keys of study.yaml."""

    def mutate(study: Path, params: dict) -> None:
        meta = yaml.safe_load((study / "study.yaml").read_text())
        meta.update(changes)
        (study / "study.yaml").write_text(yaml.safe_dump(meta))

    return mutate


def set_column(column: str, value, first=None):
    """The whole column set to ``value`` (and its first row to ``first`` when given)."""

    def edit(frame):
        frame[column] = value
        if first is not None:
            frame.loc[frame.index[0], column] = first
        return frame

    return edit


def set_level(value):
    def edit(levels):
        levels["level_m"] = levels["level_m"].astype(object)
        levels.loc[7, "level_m"] = value
        return levels

    return edit


def edit_rain(edit: Callable[[xr.Dataset], xr.Dataset], decode_times: bool = True) -> Mutation:
    def mutate(study: Path, params: dict) -> None:
        with xr.open_dataset(study / "rainfall.nc", decode_times=decode_times) as ds:
            ds = edit(ds.load())
        (study / "rainfall.nc").unlink()
        ds.to_netcdf(study / "rainfall.nc")

    return mutate


def set_rain(ds: xr.Dataset) -> xr.Dataset:
    ds["precipitation"][10, 1, 1] = 5000.0
    return ds


def rain_attrs(**attrs) -> Callable[[xr.Dataset], xr.Dataset]:
    def edit(ds: xr.Dataset) -> xr.Dataset:
        for key, value in attrs.items():
            ds["precipitation"].attrs.pop(key, None)
            if value is not None:
                ds["precipitation"].attrs[key] = value
        return ds

    return edit


def shift_x(metres: float) -> Callable[[xr.Dataset], xr.Dataset]:
    return lambda ds: ds.assign_coords(x=ds["x"] + metres)


def gauges(edit_table, edit_points=lambda points: points, keep_grid: bool = False) -> Mutation:
    """The study's rain as gauges (one per rain cell), then the table and points edited."""

    def mutate(study: Path, params: dict) -> None:
        grid = (study / "rainfall.nc").read_bytes()
        table = grid_to_gauges(study)
        edit_table(table, params).to_csv(study / "rain_gauges.csv", index=False)
        points = gpd.read_file(study / "rain_gauges.gpkg")
        (study / "rain_gauges.gpkg").unlink()
        edit_points(points).to_file(study / "rain_gauges.gpkg", driver="GPKG")
        if keep_grid:
            (study / "rainfall.nc").write_bytes(grid)

    return mutate


def time_attrs(**attrs) -> Callable[[xr.Dataset], xr.Dataset]:
    def edit(ds: xr.Dataset) -> xr.Dataset:
        ds["time"].attrs.update(attrs)
        return ds

    return edit


def uneven_x(ds: xr.Dataset) -> xr.Dataset:
    x = ds["x"].values.copy()
    x[-1] += 0.4 * (x[1] - x[0])
    return ds.assign_coords(x=x)


def landuse_polygons(study: Path, params: dict) -> None:
    """Land use as polygons whose class is a name, not a code."""
    with rasterio.open(study / "landuse.tif") as src:
        bounds, crs = src.bounds, src.crs
    (study / "landuse.tif").unlink()
    frame = gpd.GeoDataFrame({"class": ["orchards"]}, geometry=[box(*bounds)], crs=crs)
    frame.to_file(study / "landuse.gpkg", driver="GPKG")


def voids_without_nodata(dem: np.ndarray) -> np.ndarray:
    dem = dem.copy()
    dem[:, :4, :4] = -32768.0
    return dem


CLASSES = [{"code": c, "name": n} for c, n in enumerate(("bare_rock", "rangeland", "dry_farming"), 1)]
CASES.update(
    {
        # dates that are not full days: text and numbers
        "year alone as text": (edit_inventory(set_first("date", "2017")), "inventory.gpkg", "only a year"),
        "year alone as a number": (
            edit_inventory(set_column("date", 2017)),
            "inventory.gpkg",
            "give only a year, not a full day (row 1: 2017, row 2: 2017, row 3: 2017, ...)",
        ),
        "year-month as text": (
            edit_inventory(set_first("date", "2017-03")),
            "inventory.gpkg",
            "1 date(s) give only a year and month, not a full day (row 1: '2017-03')",
        ),
        "month/year as text": (
            edit_inventory(set_first("date", "03/2017")),
            "inventory.gpkg",
            "give only a year and month",
        ),
        "year as a number with a gap": (
            edit_inventory(set_column("date", 2017.0, first=np.nan)),
            "inventory.gpkg",
            "1 date(s) are missing (row 1)",
        ),
        # unparseable and missing dates
        "impossible day": (edit_inventory(set_first("date", "2017-02-30")), "inventory.gpkg", "'2017-02-30'"),
        "missing date": (edit_inventory(set_first("date", None)), "inventory.gpkg", "date(s) are missing"),
        "empty date": (edit_inventory(set_first("date", "")), "inventory.gpkg", "are missing (row 1)"),
        # day-first or month-first?
        "ambiguous slash date": (
            edit_inventory(set_first("date", "03/04/2017")),
            "inventory.gpkg",
            "may be day-first or month-first (row 1: '03/04/2017')",
        ),
        "ambiguous dotted date": (
            edit_inventory(set_first("date", "04.05.2017")),
            "inventory.gpkg",
            "may be day-first or month-first",
        ),
        # time zone and precision of study.yaml
        "misspelt time zone": (edit_meta(timezone="Asia/Teheran"), "study.yaml", "not an IANA time zone"),
        "offset as time zone": (edit_meta(timezone="UTC+3:30"), "study.yaml", "'UTC+3:30' is not an IANA"),
        "unknown date precision": (edit_meta(date_precision="week"), "study.yaml", "'week' is not one of"),
        # land-use classes given wrongly
        "land-use classes as a scalar": (edit_meta(landuse_classes=6), "study.yaml", "'6', not a table"),
        "land-use classes name to code": (
            edit_meta(landuse_classes={c["name"]: c["code"] for c in CLASSES}),
            "study.yaml",
            "code 'bare_rock' is not an integer",
        ),
        "fractional land-use code": (
            edit_meta(landuse_classes=[*CLASSES, {"code": 4.5, "name": "orchards"}]),
            "study.yaml",
            "code 4.5 is not an integer",
        ),
        "duplicate land-use codes": (
            edit_meta(landuse_classes=[*CLASSES, {"code": 2, "name": "orchards"}]),
            "study.yaml",
            "repeats code(s) 2",
        ),
        "land-use class without name": (
            edit_meta(landuse_classes=[*CLASSES, {"code": 4}]),
            "study.yaml",
            "entry 4 lacks code or name",
        ),
        "land-use polygons with class names": (
            landuse_polygons,
            "landuse.gpkg",
            "1 polygon(s) have a class that is not an integer code (first: row 1, 'orchards')",
        ),
        # reservoir levels: numbers, plausible, one per reservoir and day
        "level with a letter": (edit_levels(set_level("21O5.3")), "reservoir_levels.csv", "'21O5.3'"),
        "level with a decimal comma": (
            edit_levels(set_level("2105,3")),
            "reservoir_levels.csv",
            "1 level_m value(s) are not numbers (row 8: '2105,3')",
        ),
        "level in centimetres": (
            edit_levels(set_level(210530.0)),
            "reservoir_levels.csv",
            "outside -500 to 9000",
        ),
        "repeated level row": (
            edit_levels(lambda d: pd.concat([d, d.iloc[[5]]], ignore_index=True)),
            "reservoir_levels.csv",
            "2 rows repeat a (date, reservoir_id) pair (first: row 6,",
        ),
        "two levels for one day": (
            edit_levels(lambda d: pd.concat([d, d.iloc[[9]].assign(level_m=2100.0)], ignore_index=True)),
            "reservoir_levels.csv",
            "repeat a (date, reservoir_id) pair",
        ),
        "level date year-month": (
            edit_levels(lambda d: d.assign(date=d["date"].where(d.index != 3, "2016-01"))),
            "reservoir_levels.csv",
            "(row 4: '2016-01')",
        ),
        # DEM values
        "DEM in centimetres": (
            lambda s, p: rewrite_dem(s, data=lambda d: np.where(d == -9999.0, d, d * 100)),
            "dem.tif",
            "above the plausible 9000 m",
        ),
        "DEM voids without nodata": (
            lambda s, p: rewrite_dem(s, profile={"nodata": None}, data=voids_without_nodata),
            "dem.tif",
            "down to -32768 m",
        ),
        "flat DEM": (
            lambda s, p: rewrite_dem(s, data=lambda d: np.full_like(d, 1500.0)),
            "dem.tif",
            "same elevation (1500 m)",
        ),
        # rainfall
        "implausible daily rain": (edit_rain(set_rain), "rainfall.nc", "reaches 5000 mm/day"),
        "rain time units not CF": (
            edit_rain(time_attrs(units="days after 2016-01-01"), decode_times=False),
            "rainfall.nc",
            "does not decode to dates",
        ),
        "rain in a 360-day calendar": (
            edit_rain(time_attrs(calendar="360_day"), decode_times=False),
            "rainfall.nc",
            "'360_day' calendar",
        ),
        "uneven rain grid": (edit_rain(uneven_x), "rainfall.nc", "coordinate x is not evenly spaced"),
        "rain without units": (edit_rain(rain_attrs(units=None)), "rainfall.nc", "has no units attribute"),
        "rain in units of temperature": (
            edit_rain(rain_attrs(units="K")),
            "rainfall.nc",
            "not those of rain",
        ),
        "rain grid beside the study": (edit_rain(shift_x(50_000.0)), "rainfall.nc", "without rain"),
        # rain gauges (the tiny study's grid turned into one gauge per rain cell)
        "a gauge misses a day": (
            gauges(lambda t, p: t.drop(index=40)),
            "rain_gauges.csv",
            "has no value on 1 day(s)",
        ),
        "a negative gauge amount": (
            gauges(lambda t, p: t.assign(precipitation_mm=t["precipitation_mm"].where(t.index != 7, -1.0))),
            "rain_gauges.csv",
            "are negative",
        ),
        "a gauge without a location": (
            gauges(lambda t, p: t, lambda pts: pts.iloc[1:]),
            "rain_gauges.csv",
            "has no location in rain_gauges.gpkg",
        ),
        "gauge table without amounts": (
            gauges(lambda t, p: t.drop(columns="precipitation_mm")),
            "rain_gauges.csv",
            "missing column(s) precipitation_mm",
        ),
        "gauges and a grid at once": (
            gauges(lambda t, p: t, keep_grid=True),
            "study",
            "holds both rainfall.nc and rain_gauges.csv",
        ),
        # params.yaml
        "mistyped CRS": (lambda s, p: p["grid"].update(crs="EPSG:326400"), "params.yaml", "grid.crs"),
    }
)


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
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["factors"]["names"] = ["slope", "dist_fault"]
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "lsm",
            "--log",
            str(tmp_path / "prepare.log"),
            "prepare",
            "--params",
            str(tmp_path / "params.yaml"),
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
        f"error: params.yaml: key 'factors.names': factor 'dist_fault' needs faults.gpkg, which {study} does "
        f"not have. Fix: add {study / 'faults.gpkg'}, remove dist_fault from factors.names, or set "
        "factors.names: auto (every factor the study supports)"
    ]
    assert "Traceback" in (tmp_path / "prepare.log").read_text()
