"""Reference dates of the maps and the sequences that end on them.

A dynamic model needs a day: by default the last day of the wettest ``window``-day spell of the
record (area-mean rain), the moment a rain-triggered hazard map is most informative; a list of
dates in ``params.yaml`` gives one map per date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lsm.data.io.study import AnalysisGrid
from lsm.data.sampling import Series, build_sequences, nearest_reservoir
from lsm.errors import InputError

WETTEST = "wettest"  # the label of the default reference date
STATIC = "static"  # the label of the one map of a study without series


def wettest_window_end(series: Series, window: int) -> pd.Timestamp:
    """Last day of the ``window``-day spell with the most area-mean rain (first such spell on ties)."""
    totals = series.rain.area_mean().rolling(window, min_periods=window).sum().to_numpy()
    totals[:window] = np.nan  # a sequence needs one day before its window (the first day-to-day change)
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
