"""Daily rain in the two forms real studies bring it, read into one :class:`RainCube`.

- ``rainfall.nc``: a gridded CF NetCDF (CHIRPS, ERA5, IMERG, a national grid, the synthetic study)
  in any CRS, longitude/latitude included, either axis ascending or descending. The precipitation
  variable is the one named in ``study.yaml`` (``rainfall_variable``), else the one whose CF
  ``standard_name`` says precipitation, else the only one whose ``units`` are those of rain. Values
  are converted from the file's ``units`` attribute by cf-units (UDUNITS-2, the grammar CF units
  are written in): an amount per day (mm, m), a rate (mm/day, mm h-1) or a mass flux of water
  (kg m-2 s-1, the ERA5 and IMERG convention; 1 kg m-2 of water is 1 mm).
- ``rain_gauges.csv`` (``date,gauge_id,precipitation_mm``; ISO days or datetimes, sub-daily rows
  summed to the study's calendar days in its time zone) with ``rain_gauges.gpkg`` (the gauges'
  points, column ``gauge_id``): each analysis cell takes the series of its nearest gauge, that is
  of the Thiessen polygon it lies in.

Either way the cube holds one series per rain "cell" (a grid cell or a gauge) and every analysis
cell points at one of them, so the samples, the maps and fig03 read the same series. Every problem
is one line naming the file and the fix.

One module of about 500 lines on purpose: the two forms end in the same cube and the same checks
(units, calendar, cover of the study), which would otherwise be written twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
import yaml
from affine import Affine
from pyproj import CRS, Transformer
from scipy.spatial import cKDTree

from lsm.data.contract import RAIN_FILES
from lsm.data.io.dates import parse_days
from lsm.data.io.files import refuse_bad_values
from lsm.data.raster import cells_containing
from lsm.errors import InputError

log = logging.getLogger(__name__)

GRID_FILE, GAUGE_TABLE = RAIN_FILES
GAUGE_POINTS = "rain_gauges.gpkg"
GAUGE_COLUMNS = ("date", "gauge_id", "precipitation_mm")
# Plausible daily rain, mm: the world record is about 1,800 mm in 24 h.
MAX_DAILY_RAIN_MM = 2000.0
# CF standard names of precipitation (amounts, rates and fluxes; rain or all precipitation).
PRECIPITATION_STANDARD_NAMES = (
    "precipitation_amount",
    "precipitation_flux",
    "lwe_thickness_of_precipitation_amount",
    "lwe_precipitation_rate",
    "thickness_of_rainfall_amount",
    "rainfall_amount",
    "rainfall_flux",
    "rainfall_rate",
    "lwe_thickness_of_stratiform_precipitation_amount",
)
WATER_KG_PER_M2_PER_MM = 1.0  # 1 kg of water on 1 m2 is 1 mm deep (density 1,000 kg m-3)
# The units rain is converted to, with what one unit of each is in daily mm and whether it is an
# amount per time step (the step must then be a day) rather than a rate or a mass flux.
_RAIN_TARGETS = (
    ("mm", 1.0, True),
    ("mm day-1", 1.0, False),
    ("kg m-2", 1 / WATER_KG_PER_M2_PER_MM, True),
    ("kg m-2 day-1", 1 / WATER_KG_PER_M2_PER_MM, False),
)


@dataclass
class RainCube:
    """Daily rain, one series per rain cell (a cell of a grid, or a gauge); each analysis cell
    points at the rain cell it lies in (grid) or nearest to (gauges)."""

    dates: pd.DatetimeIndex
    values: np.ndarray  # (days, ny, nx) mm/day; gauges: (days, 1, gauges)
    transform: Affine | None  # a grid's cells (None for gauges)
    crs: CRS
    source: str = GRID_FILE  # the contract file the series came from
    gauge_ids: tuple[str, ...] = ()
    gauge_xy: np.ndarray | None = None  # (gauges, 2) in ``crs``
    wraps_360: bool = False  # a longitude grid stored from 0 to 360 degrees

    @property
    def is_gauges(self) -> bool:
        """Whether the rain comes from gauges (else from a grid)."""
        return self.gauge_xy is not None

    def cell_index(self, grid: Any, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Flat rain-cell index of each analysis cell (-1 where it lies outside the rain grid;
        gauges cover everything: the nearest one is taken)."""
        x, y = grid.xy(rows, cols)
        return self.point_index(x, y, grid.crs)

    def point_index(self, x: Any, y: Any, crs: Any) -> np.ndarray:
        """Flat rain-cell index of points given in ``crs`` (-1 outside the rain grid)."""
        x, y = np.atleast_1d(np.asarray(x, dtype="float64")), np.atleast_1d(np.asarray(y, dtype="float64"))
        if CRS.from_user_input(self.crs) != CRS.from_user_input(crs):
            x, y = Transformer.from_crs(crs, self.crs, always_xy=True).transform(x, y)
        if self.gauge_xy is not None:
            return cKDTree(self.gauge_xy).query(np.column_stack([x, y]))[1].astype("int64")
        if self.wraps_360:
            x = np.mod(x, 360.0)
        assert self.transform is not None, "a rain grid has a transform"
        r, c = cells_containing(self.transform, x, y)
        ny, nx = self.values.shape[1:]
        inside = (r >= 0) & (r < ny) & (c >= 0) & (c < nx)
        return np.where(inside, r * nx + c, -1)

    def area_mean(self) -> pd.Series:
        """Mean daily rain over the rain cells (mm/day), for the reference date and fig03."""
        return pd.Series(self.values.mean(axis=(1, 2)), index=self.dates, name="rain_mm")

    def describe(self) -> dict[str, Any]:
        """What the samples, the maps and fig03 used, for their summaries."""
        days = {"first_day": f"{self.dates[0]:%Y-%m-%d}", "last_day": f"{self.dates[-1]:%Y-%m-%d}"}
        if self.gauge_xy is not None:
            return {
                "source": GAUGE_TABLE,
                "form": "gauges",
                "gauges": list(self.gauge_ids),
                "assignment": "each cell takes its nearest gauge (Thiessen polygons)",
                **days,
            }
        ny, nx = self.values.shape[1:]
        return {
            "source": GRID_FILE,
            "form": "grid",
            "cells": int(ny * nx),
            "crs": CRS.from_user_input(self.crs).to_string(),
            "assignment": "each cell takes the rain cell it lies in",
            **days,
        }

    def label(self) -> str:
        """A short phrase for figures and check-study: where the rain comes from."""
        if self.gauge_xy is not None:
            n, ids = len(self.gauge_ids), ", ".join(self.gauge_ids[:3])
            return f"{n} rain gauge{'s' if n > 1 else ''} ({ids}{' ...' if n > 3 else ''})"
        ny, nx = self.values.shape[1:]
        return f"a rain grid of {ny} x {nx} cells"


def check_covers(cube: RainCube, grid: Any, valid: np.ndarray, path: Path) -> None:
    """Stop when the rain grid leaves valid cells of the study without rain."""
    rows, cols = np.nonzero(valid)
    if rows.size == 0 or cube.is_gauges:
        return
    outside = cube.cell_index(grid, rows, cols) < 0
    if outside.any():
        x, y = grid.xy(rows[outside][:1], cols[outside][:1])
        raise InputError(
            path,
            f"its grid leaves {100 * outside.mean():.1f} % of the study's valid cells without rain "
            f"(first at x {float(x[0]):.0f}, y {float(y[0]):.0f} in the analysis CRS)",
            "give it a grid that covers the whole DEM (check its CRS and longitudes)",
        )


# -- gridded NetCDF ---------------------------------------------------------------------------------
def read_rain_grid(path: Path, variable: str | None = None) -> RainCube:
    """Daily rain of a CF NetCDF grid, in mm/day, north up and west to east."""
    try:
        ds = xr.open_dataset(path)
    except Exception as err:
        if "decode time" in str(err):
            raise InputError(
                path,
                f"the time axis does not decode to dates ({str(err).split(' with ')[0][:100]})",
                "give time CF units, e.g. units: 'days since 2019-01-01'",
            ) from err
        raise InputError(
            path, f"cannot be read as NetCDF ({str(err)[:100]})", "write a CF NetCDF file"
        ) from err
    with ds:
        name = precipitation_variable(ds, path, variable)
        rain = ds[name]
        time, (x_name, y_name, geographic) = _time_axis(rain, path, name), _horizontal_axes(ds, rain, path)
        extra = [d for d in rain.dims if d not in (time, y_name, x_name)]
        if any(rain.sizes[d] != 1 for d in extra):
            raise InputError(
                path,
                f"{name} has dimensions {tuple(rain.dims)}, more than time and two horizontal axes",
                "store one layer of daily rain (select a single level or ensemble member)",
            )
        rain = rain.squeeze(extra, drop=True).transpose(time, y_name, x_name)
        factor, amount = daily_mm_factor(rain.attrs.get("units"), path, name)
        crs = _grid_crs(ds, rain, path, geographic)
        values = (rain.values.astype("float64") * factor).astype("float32")
        dates = _rain_days(ds[time], path)
        xs, ys = (_even_axis(ds[n].values, n, path) for n in (x_name, y_name))
    if xs.size == 1 and ys.size == 1:
        raise InputError(
            path, "holds a single rain cell, so no cell size", "store at least 2 cells along x or y"
        )
    _check_values(values, dates, path, name)
    if len(dates) > 1 and (np.diff(dates.values) != np.timedelta64(1, "D")).any():
        step = "sub-daily" if (np.diff(dates.values) == np.timedelta64(0, "D")).any() else "not daily"
        raise InputError(
            path,
            f"the time axis is {step} or has gaps (one field per day expected"
            f"{', since its units are a daily amount' if amount else ''})",
            "store one field per day without gaps (sum sub-daily fields to days first)",
        )
    dx = float(xs[1] - xs[0]) if xs.size > 1 else float(abs(ys[1] - ys[0]))
    dy = float(ys[1] - ys[0]) if ys.size > 1 else -dx
    if dy > 0:  # store north-up
        values, ys, dy = values[:, ::-1, :], ys[::-1], -dy
    if dx < 0:  # and west to east
        values, xs, dx = values[:, :, ::-1], xs[::-1], -dx
    transform = Affine(dx, 0, xs[0] - dx / 2, 0, dy, ys[0] - dy / 2)
    wraps = bool(geographic and xs.max() > 180.0)
    return RainCube(dates, np.ascontiguousarray(values), transform, crs, GRID_FILE, wraps_360=wraps)


def precipitation_variable(ds: xr.Dataset, path: Path, named: str | None) -> str:
    """The rain variable: the one ``study.yaml`` names, else by CF standard name, else by units."""
    if named:
        if named not in ds.data_vars:
            raise InputError(
                path,
                f"has no variable {named!r} (rainfall_variable in study.yaml)",
                f"name one of {', '.join(map(str, ds.data_vars)) or 'its variables'} in study.yaml",
            )
        return named
    by_name = [v for v in ds.data_vars if ds[v].attrs.get("standard_name") in PRECIPITATION_STANDARD_NAMES]
    if not by_name:
        by_name = [v for v in ds.data_vars if _rain_units(ds[v].attrs.get("units")) and ds[v].ndim >= 3]
    if not by_name and "precipitation" in ds.data_vars:
        by_name = ["precipitation"]
    if len(by_name) == 1:
        return str(by_name[0])
    listed = ", ".join(map(str, by_name or ds.data_vars)) or "none"
    problem = "has several precipitation variables" if by_name else "has no precipitation variable"
    raise InputError(
        path,
        f"{problem} (found: {listed}; none chosen by CF standard_name or units)",
        "name it in study.yaml (rainfall_variable: <name>) or give it a CF standard_name such as "
        "precipitation_amount and CF units",
    )


def _rain_units(units: Any) -> bool:
    import cf_units

    if not isinstance(units, str) or not units.strip():
        return False
    try:
        unit = cf_units.Unit(units)
    except ValueError:
        return False
    return any(unit.is_convertible(cf_units.Unit(target)) for target, _, _ in _RAIN_TARGETS)


def daily_mm_factor(units: Any, path: Path | str, name: str = "precipitation") -> tuple[float, bool]:
    """(factor to daily mm, whether the units are an amount per time step) of CF ``units``.

    cf-units converts: lengths of water to mm (a daily amount), rates to mm/day, and masses of water
    per area (kg m-2, or kg m-2 s-1 as a flux) through 1 kg m-2 = 1 mm."""
    import cf_units

    if not isinstance(units, str) or not units.strip():
        raise InputError(
            path,
            f"{name} has no units attribute",
            "give it CF units, e.g. units: 'mm day-1' (or 'mm' for daily totals, 'kg m-2 s-1' for a flux)",
        )
    try:
        unit = cf_units.Unit(units)
    except ValueError as err:
        raise InputError(
            path, f"{name} has units {units!r}, which are not CF (UDUNITS) units", "write e.g. 'mm day-1'"
        ) from err
    for target, mm_per_unit, amount in _RAIN_TARGETS:
        if unit.is_convertible(cf_units.Unit(target)):
            return float(unit.convert(1.0, cf_units.Unit(target))) * mm_per_unit, amount
    raise InputError(
        path,
        f"{name} has units {units!r}, which are not those of rain (a depth, a rate or a mass flux of water)",
        "store daily rain with units such as 'mm', 'mm day-1' or 'kg m-2 s-1'",
    )


def _time_axis(rain: xr.DataArray, path: Path, name: str) -> str:
    dated = [d for d in rain.dims if d in rain.coords and np.issubdtype(rain[d].dtype, np.datetime64)]
    if len(dated) == 1:
        return str(dated[0])
    for candidate in ("time", "valid_time", "t"):
        if candidate in rain.dims:
            return candidate
    raise InputError(path, f"{name} has no time axis (dims {tuple(rain.dims)})", "add a CF time coordinate")


# Names of horizontal coordinates, by axis: projected (x, y) and geographic (longitude, latitude).
_X_NAMES = {"x": False, "projection_x_coordinate": False, "lon": True, "longitude": True}
_Y_NAMES = {"y": False, "projection_y_coordinate": False, "lat": True, "latitude": True}


def _horizontal_axes(ds: xr.Dataset, rain: xr.DataArray, path: Path) -> tuple[str, str, bool]:
    """(x name, y name, geographic) of the rain's horizontal dimensions: found by CF standard_name
    or units (degrees_east/north), else by the usual names."""
    found: dict[str, tuple[str, bool]] = {}
    for dim in rain.dims:
        if dim not in ds.coords:
            continue
        attrs = ds[dim].attrs
        keys = {str(dim).lower(), str(attrs.get("standard_name", "")).lower()}
        units = str(attrs.get("units", "")).lower()
        for axis, names, degrees in (("x", _X_NAMES, "degrees_east"), ("y", _Y_NAMES, "degrees_north")):
            hits = [names[k] for k in keys if k in names]
            if hits or units in (degrees, degrees.replace("s_", "_")):
                found.setdefault(axis, (str(dim), bool(hits[0]) if hits else True))
    if "x" not in found or "y" not in found:
        raise InputError(
            path,
            f"no horizontal axes found among the rain's dims {tuple(rain.dims)}",
            "name them x/y (projected, with a grid_mapping) or lon/lat (degrees_east, degrees_north)",
        )
    return found["x"][0], found["y"][0], found["x"][1] and found["y"][1]


def _grid_crs(ds: xr.Dataset, rain: xr.DataArray, path: Path, geographic: bool) -> CRS:
    mapping = rain.attrs.get("grid_mapping") or rain.encoding.get("grid_mapping")
    attrs = ds[mapping].attrs if mapping in ds.variables else {}
    wkt = attrs.get("crs_wkt") or attrs.get("spatial_ref")
    if wkt:
        return CRS.from_wkt(wkt)
    if attrs:
        try:
            return CRS.from_cf(attrs)
        except Exception as err:  # pyproj raises several types for incomplete CF mappings
            raise InputError(
                path, f"its grid_mapping cannot be read ({str(err)[:80]})", "add crs_wkt"
            ) from err
    if geographic:
        return CRS.from_epsg(4326)  # CF: longitude/latitude without a grid_mapping are WGS 84
    raise InputError(
        path, "has no CRS (projected x/y without a grid_mapping variable with crs_wkt)", "add CF grid_mapping"
    )


def _even_axis(values: np.ndarray, name: str, path: Path) -> np.ndarray:
    axis = np.asarray(values, dtype="float64")
    steps = np.diff(axis)
    even = steps.size == 0 or (steps[0] != 0 and np.abs(steps - steps[0]).max() <= 1e-3 * abs(steps[0]))
    if not np.isfinite(axis).all() or not even:
        raise InputError(
            path,
            f"coordinate {name} is not evenly spaced (steps from {steps.min():g} to {steps.max():g})",
            "store the rain on a regular grid (one cell size, sorted coordinates)",
        )
    return axis


def _rain_days(time: xr.DataArray, path: Path) -> pd.DatetimeIndex:
    """The time axis as calendar days: CF-decoded dates of the standard calendar only."""
    if np.issubdtype(time.dtype, np.datetime64):
        return pd.DatetimeIndex(time.values).normalize()
    calendar = time.encoding.get("calendar") or time.attrs.get("calendar")
    if time.dtype == object and calendar:
        raise InputError(
            path,
            f"the time axis uses the {calendar!r} calendar",
            "store the days of the standard calendar (calendar: standard)",
        )
    raise InputError(
        path,
        f"the time axis does not decode to dates (units {time.attrs.get('units')!r})",
        "give time CF units, e.g. units: 'days since 2019-01-01'",
    )


def _check_values(values: np.ndarray, dates: pd.DatetimeIndex, path: Path, name: str) -> None:
    if np.isnan(values).any():
        day = dates[int(np.argwhere(np.isnan(values))[0][0])]
        raise InputError(
            path, f"{name} has missing values (first on {day:%Y-%m-%d})", "fill the gaps (or cut the period)"
        )
    if (values < 0).any():
        day = dates[int(np.argwhere(values < 0)[0][0])]
        raise InputError(
            path,
            f"{name} has negative values (min {values.min():.2f} mm, first on {day:%Y-%m-%d})",
            "fix the data (rain is never negative)",
        )
    if (values > MAX_DAILY_RAIN_MM).any():
        day = dates[int(np.argwhere(values > MAX_DAILY_RAIN_MM)[0][0])]
        raise InputError(
            path,
            f"{name} reaches {values.max():.0f} mm/day (first on {day:%Y-%m-%d}), above the "
            f"plausible {MAX_DAILY_RAIN_MM:.0f} mm/day",
            "check its units attribute and fill values (daily totals in mm, or a flux in kg m-2 s-1)",
        )


# -- gauges -------------------------------------------------------------------------------------------
def read_gauge_table(path: Path, timezone: str) -> pd.DataFrame:
    """``rain_gauges.csv`` as daily totals, a frame of days x gauge_id (mm), sub-daily rows summed
    to the study's calendar days; gaps stay NaN here (the period decides what a gap is)."""
    try:
        table = pd.read_csv(path, dtype={"date": str, "gauge_id": str})
    except Exception as err:
        raise InputError(
            path, f"cannot be read as CSV ({str(err)[:100]})", f"write the header {','.join(GAUGE_COLUMNS)}"
        ) from err
    missing = [c for c in GAUGE_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            path, f"missing column(s) {', '.join(missing)}", f"use the header {','.join(GAUGE_COLUMNS)}"
        )
    if table.empty:
        raise InputError(path, "holds no rows", "add the gauges' daily rain")
    no_id = table["gauge_id"].isna() | (table["gauge_id"].str.strip() == "")
    if no_id.any():
        raise InputError(
            path,
            f"{int(no_id.sum())} row(s) have no gauge_id (first: row {table.index[no_id][0] + 1})",
            "fill it in",
        )
    amounts = pd.to_numeric(table["precipitation_mm"], errors="coerce")
    refuse_bad_values(
        path,
        table,
        "precipitation_mm",
        (
            (
                table["precipitation_mm"].isna(),
                "are empty",
                "write the day's total (0 for a dry day); drop the row of a day the gauge missed",
            ),
            (
                amounts.isna() & table["precipitation_mm"].notna(),
                "are not numbers",
                "write plain numbers in mm",
            ),
            (amounts < 0, "are negative", "fix them (rain is never negative; a fill value such as -999?)"),
        ),
    )
    days = parse_days(table["date"], path, timezone)
    daily = (
        pd.DataFrame({"date": days, "gauge_id": table["gauge_id"].str.strip(), "mm": amounts})
        .groupby(["date", "gauge_id"], sort=True)["mm"]
        .sum()
        .unstack("gauge_id")
    )
    too_wet = daily > MAX_DAILY_RAIN_MM
    if too_wet.any().any():
        gauge = daily.columns[too_wet.any()][0]
        day = daily.index[too_wet[gauge]][0]
        raise InputError(
            path,
            f"gauge {gauge!r} has {daily.loc[day, gauge]:.0f} mm on {day:%Y-%m-%d}, above the plausible "
            f"{MAX_DAILY_RAIN_MM:.0f} mm in a day",
            "store millimetres (not 0.1 mm) and check for fill values",
        )
    return daily


def covered_days(
    daily: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, table_path: Path
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The days of ``start``..``end`` that every gauge's record spans (from its first to its last
    value). A record that starts after the period does, or ends before it, is no error: the landslides
    whose window lies outside the days every gauge covers are left out and counted (the data
    contract); a day missing inside a record stays an error (:func:`gauge_cube`)."""
    inside = daily.loc[(daily.index >= start) & (daily.index <= end)]
    spans = {g: (inside[g].first_valid_index(), inside[g].last_valid_index()) for g in inside.columns}
    silent = [g for g, (first, _) in spans.items() if first is None]
    if silent:
        raise InputError(
            table_path,
            f"gauge {silent[0]!r} has no value from {start:%Y-%m-%d} to {end:%Y-%m-%d}",
            "remove its rows, or set the study's period in study.yaml to days it covers",
        )
    first = max(first for first, _ in spans.values())
    last = min(last for _, last in spans.values())
    if first > last:
        raise InputError(table_path, "the gauges' records share no day", "use gauges whose records overlap")
    if (first, last) != (start, end):
        log.warning(
            "%s: the gauges cover %s to %s, not all of %s to %s: landslides whose rain window lies "
            "outside it are left out and counted",
            table_path,
            f"{first:%Y-%m-%d}",
            f"{last:%Y-%m-%d}",
            f"{start:%Y-%m-%d}",
            f"{end:%Y-%m-%d}",
        )
    return first, last


def gauge_cube(
    daily: pd.DataFrame,
    points: Any,
    table_path: Path,
    points_path: Path,
    period: tuple[pd.Timestamp, pd.Timestamp] | None,
) -> RainCube:
    """The gauges' daily series on ``period`` (study.yaml's, else every day from the first to the
    last day of the table) with their locations (``points``: a GeoDataFrame in the analysis CRS)."""
    ids = points["gauge_id"].astype(str).str.strip()
    repeated = sorted(set(ids[ids.duplicated()]))
    if repeated:
        raise InputError(
            points_path, f"gauge_id {repeated[0]!r} has several points", "keep one point per gauge"
        )
    unplaced = [g for g in daily.columns if g not in set(ids)]
    if unplaced:
        raise InputError(
            table_path,
            f"gauge {unplaced[0]!r} has no location in {points_path.name} ({len(unplaced)} such)",
            f"add its point (column gauge_id) to {points_path.name} or remove its rows",
        )
    unused = sorted(set(ids) - set(daily.columns))
    if unused:
        log.warning(
            "%s: gauge(s) %s have no rows in %s and are not used", points_path, unused, table_path.name
        )
    start, end = period if period is not None else (daily.index[0], daily.index[-1])
    start, end = covered_days(daily, start, end, table_path)
    full = daily.reindex(pd.date_range(start, end, freq="D"))
    for gauge in full.columns:
        gaps = full[gauge].isna()
        if gaps.any():
            raise InputError(
                table_path,
                f"gauge {gauge!r} has no value on {int(gaps.sum())} day(s) inside its record, "
                f"{start:%Y-%m-%d} to {end:%Y-%m-%d} (first: {full.index[gaps][0]:%Y-%m-%d})",
                "fill the gap (a missing day is not a dry day) or cut the gauge's record at the gap",
            )
    keep = points.assign(gauge_id=ids).set_index("gauge_id").loc[list(full.columns)]
    xy = np.column_stack([keep.geometry.x.to_numpy(), keep.geometry.y.to_numpy()]).astype("float64")
    values = full.to_numpy(dtype="float32")[:, None, :]
    return RainCube(
        pd.DatetimeIndex(full.index),
        values,
        None,
        CRS.from_user_input(points.crs),
        GAUGE_TABLE,
        gauge_ids=tuple(map(str, full.columns)),
        gauge_xy=xy,
    )


def study_period(meta: dict[str, Any], path: Path) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """``period: {start, end}`` of study.yaml as days, or None when it declares none."""
    period = meta.get("period")
    if not period:
        return None
    written = yaml.safe_dump(period, default_flow_style=True, sort_keys=False).strip()  # as in study.yaml
    if not isinstance(period, dict) or not {"start", "end"} <= set(period):
        raise InputError(path, f"period is {written}", "write period: {start: YYYY-MM-DD, end: YYYY-MM-DD}")
    try:
        start, end = pd.Timestamp(str(period["start"])), pd.Timestamp(str(period["end"]))
    except ValueError as err:
        raise InputError(path, f"period {written} does not hold two dates", "write YYYY-MM-DD") from err
    if end < start:
        raise InputError(path, f"period ends ({end:%Y-%m-%d}) before it starts", "swap start and end")
    return start.normalize(), end.normalize()
