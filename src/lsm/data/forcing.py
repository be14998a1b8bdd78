"""The daily series of a study, per pixel: rain (a grid or gauges, :mod:`lsm.data.io.rain`) and
reservoir levels, turned into the window that ends on a day, for the samples and the maps alike.

- :class:`Series` and :func:`read_series`: what a study's rain and level files hold, on the rain's days;
- :func:`build_sequences`: the ``window``-day sequences of given rain cells (or gauges), reservoirs
  and days (rain, its day-to-day change and, with reservoirs, level and its change);
- :class:`DayForcing`: one sequence per distinct (rain cell, reservoir) for a map's reference day,
  which :func:`resolve_date` finds (by default the end of the wettest ``window``-day spell);
- the summaries and ablations of a window are in :mod:`lsm.data.sequences`.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from lsm.data.io.rain import RainCube
from lsm.data.io.study import AnalysisGrid, Study
from lsm.errors import InputError
from lsm.names import SERIES_CHANNELS, STATIC, WETTEST


@dataclass
class Series:
    """Rain cube plus reservoir levels on the rain cube's days."""

    rain: RainCube
    reservoirs: gpd.GeoDataFrame | None
    levels: pd.DataFrame | None  # date x reservoir_id


def read_series(study: Study) -> Series:
    """The study's daily series: rain, and the reservoir levels where it has reservoirs."""
    cube = study.read_rainfall()
    if study.has("reservoirs.gpkg") or study.has("reservoir_levels.csv"):
        reservoirs, levels = study.read_reservoirs(cube.dates)
        return Series(cube, reservoirs, levels)
    return Series(cube, None, None)


def outside_record(dates: pd.Series, series: Series, window: int) -> np.ndarray:
    """Landslides whose day or ``window``-day window (and the day before it, for the first
    day-to-day change) the rain record does not cover: they are left out, and counted."""
    first, last = series.rain.dates[0], series.rain.dates[-1]
    earliest = first + pd.Timedelta(days=window)
    days = pd.to_datetime(dates)
    return ((days < earliest) | (days > last) | days.isna()).to_numpy()


def nearest_reservoir(series: Series, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index (into series.reservoirs) of the reservoir nearest to each point."""
    assert series.reservoirs is not None, "a study with reservoir levels has reservoirs"
    if len(series.reservoirs) == 1:  # nothing to choose (and maps call this for millions of pixels)
        return np.zeros(len(np.atleast_1d(x)), dtype=int)
    points = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=series.reservoirs.crs)
    distances = np.stack([points.distance(geom).to_numpy() for geom in series.reservoirs.geometry], axis=1)
    return np.argmin(distances, axis=1)


def build_sequences(
    series: Series, rain_index: np.ndarray, reservoir: np.ndarray | None, days: np.ndarray, window: int
) -> tuple[np.ndarray, list[str]]:
    """(samples, window, features): rain, its day-to-day change and, with reservoirs, level and
    its change, over the ``window`` days ending on (and including) each sample's day."""
    offsets = np.arange(-window, 1)  # one extra day before the window for the first change
    ny, nx = series.rain.values.shape[1:]
    rain = series.rain.values.reshape(len(series.rain.dates), ny * nx)
    take = days[:, None] + offsets[None, :]
    r = rain[take, rain_index[:, None]]
    features = [r[:, 1:], np.diff(r, axis=1)]
    names = list(SERIES_CHANNELS["rain"])
    if reservoir is not None:
        assert series.levels is not None, "reservoirs come with their levels (read_series)"
        levels = series.levels.to_numpy(dtype="float64")
        lv = levels[take, reservoir[:, None]]
        features += [lv[:, 1:], np.diff(lv, axis=1)]
        names += SERIES_CHANNELS["level"]
    return np.stack(features, axis=-1).astype("float32"), names


# -- the maps' reference day ----------------------------------------------------------------------------


def spell_totals(series: Series, window: int) -> np.ndarray:
    """Area-mean rain of the ``window`` days ending on each day of the record; NaN where a sequence
    could not end (it needs one day before its window, for the first day-to-day change)."""
    totals = series.rain.area_mean().rolling(window, min_periods=window).sum().to_numpy(copy=True)
    totals[:window] = np.nan
    return totals


def wettest_window_end(series: Series, window: int) -> pd.Timestamp:
    """Last day of the ``window``-day spell with the most area-mean rain (first such spell on ties)."""
    totals = spell_totals(series, window)
    if not np.isfinite(totals).any():
        raise InputError(
            series.rain.source, f"the record is shorter than {window + 1} days", "provide a longer record"
        )
    return pd.Timestamp(series.rain.dates[int(np.nanargmax(totals))])


def resolve_date(label: str, series: Series | None, window: int) -> tuple[int | None, str]:
    """(day index into the rain record, ISO date) of a map label: 'wettest', 'static' or YYYY-MM-DD."""
    if series is None:
        return None, ""
    if label == STATIC:
        raise InputError("params.yaml", "the study has series but a map is labelled 'static'", "use dates")
    if label == WETTEST:
        day = wettest_window_end(series, window)
    else:
        try:
            day = pd.Timestamp(label)
        except ValueError as err:
            raise InputError(
                "params.yaml", f"mapping.dates: {label!r} is not a date", "write YYYY-MM-DD"
            ) from err
    dates = series.rain.dates
    if day not in dates or dates.get_loc(day) < window:
        raise InputError(
            "params.yaml",
            f"mapping.dates: {day:%Y-%m-%d} has no full {window}-day window in the rainfall record "
            f"({dates[window]:%Y-%m-%d} to {dates[-1]:%Y-%m-%d})",
            "choose a date inside that range",
        )
    return int(dates.get_loc(day)), f"{day:%Y-%m-%d}"


class DayForcing:
    """Rain (and reservoir) sequences ending on one day, one per distinct (rain cell, reservoir)."""

    def __init__(self, series: Series, grid: AnalysisGrid, day: int, window: int) -> None:
        self.series, self.grid, self.day, self.window = series, grid, day, window
        self.reservoirs = 0 if series.reservoirs is None else len(series.reservoirs)

    def keys(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """One integer per pixel naming its sequence (-1: outside the rain grid)."""
        rain = self.series.rain.cell_index(self.grid, rows, cols)
        if self.reservoirs == 0:
            return rain
        x, y = self.grid.xy(rows, cols)
        nearest = nearest_reservoir(self.series, np.asarray(x), np.asarray(y))
        return np.where(rain >= 0, rain * self.reservoirs + nearest, -1)

    def sequences(self, keys: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """(len(keys), window, features) raw sequences for non-negative keys."""
        keys = np.asarray(keys)
        if self.reservoirs:
            rain, reservoir = keys // self.reservoirs, keys % self.reservoirs
        else:
            rain, reservoir = keys, None
        days = np.full(len(keys), self.day)
        return build_sequences(self.series, rain, reservoir, days, self.window)
