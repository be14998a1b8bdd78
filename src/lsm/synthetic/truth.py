"""The true daily failure probability of any (location, date), recomputed from ``truth/``.

Models never read ``truth/``; the evaluation uses this to score an oracle. The function replays the
same physics as the generator (same float32 parameters, same forcing files, the same earlier
failures for recovery and scars), only for the cells asked about, so it is exact and cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import xarray as xr
import yaml
from affine import Affine

from lsm.data.raster import cell_centres, cells_containing
from lsm.synthetic.forcing import Forcing
from lsm.synthetic.landscape import Grid
from lsm.synthetic.physics import CELL_FIELDS, Constants, DailyState, scar_multiplier
from lsm.synthetic.simulate import iterate_days, rain_cell_index, seismic_loads


def failure_probability(study_dir: str | Path, x, y, dates) -> np.ndarray:
    """True probability that the cell containing (x, y) fails on each date (0 while it recovers)."""
    study_dir = Path(study_dir)
    truth = study_dir / "truth"
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    dates = pd.to_datetime(pd.Series(dates)).dt.normalize().to_numpy()
    with rasterio.open(truth / "parameters.tif") as src:
        t = src.transform
        grid = Grid(src.height, src.width, t.a, t.c, t.f, str(src.crs))
        bands = src.read()
    rows, cols = cells_containing(grid.transform, x, y)
    rows, cols = np.clip(rows, 0, grid.rows - 1), np.clip(cols, 0, grid.cols - 1)
    physics = yaml.safe_load((truth / "physics.yaml").read_text())
    constants = Constants(**physics["constants"])
    cell_keys, inverse = np.unique(np.column_stack([rows, cols]), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    r, c = cell_keys[:, 0], cell_keys[:, 1]
    cells = {name: bands[i][r, c] for i, name in enumerate(CELL_FIELDS)}
    forcing = read_forcing(study_dir)
    rain_index = rain_cell_index(grid, forcing, r, c)
    seismic = seismic_loads(forcing, *cell_centres(grid.transform, r, c))

    day_index = {d: i for i, d in enumerate(forcing.dates)}
    wanted = np.array([day_index.get(pd.Timestamp(d), -1) for d in dates])
    if (wanted < 0).any():
        raise ValueError("some dates lie outside the rainfall record")
    base = np.zeros(len(x), dtype="float64")  # h0 x relative hazard, before scars
    by_day: dict[int, list[int]] = {}
    for i, day in enumerate(wanted):
        by_day.setdefault(int(day), []).append(i)
    for day, relative, _, _ in iterate_days(cells, rain_index, forcing, constants, seismic):
        if day in by_day:
            idx = np.array(by_day[day])
            base[idx] = (constants.hazard_scale * relative)[inverse[idx]]
        if day >= wanted.max():
            break
    events = gpd.read_file(truth / "events.gpkg", ignore_geometry=True)
    event_days = np.array([day_index[pd.Timestamp(d)] for d in events["date"]], dtype=np.int64)
    hazard = base * scar_multipliers(events, event_days, rows, cols, wanted, constants, grid.cell)
    out = -np.expm1(-hazard)
    out[recovering(events, event_days, rows, cols, wanted, int(physics["recovery_days"]))] = 0.0
    return out


def read_forcing(study_dir: Path) -> Forcing:
    """The daily rain, reservoir level and earthquakes of a generated study, as the generator had them."""
    with xr.open_dataset(study_dir / "rainfall.nc") as ds:
        rain = ds["precipitation"].transpose("time", "y", "x").values.astype("float32")
        record = pd.DatetimeIndex(ds["time"].values)
        xs, ys = ds["x"].values, ds["y"].values
    rc = float(xs[1] - xs[0]) if xs.size > 1 else float(ys[0] - ys[1])
    levels = pd.read_csv(study_dir / "reservoir_levels.csv", parse_dates=["date"])
    levels = levels[levels["reservoir_id"] == levels["reservoir_id"].iloc[0]].set_index("date")["level_m"]
    return Forcing(
        record,
        rain,
        Affine(rc, 0, float(xs[0]) - rc / 2, 0, -rc, float(ys[0]) + rc / 2),
        levels.reindex(record).to_numpy(dtype="float64"),
        gpd.read_file(study_dir / "truth" / "earthquakes.gpkg"),
    )


def scar_multipliers(
    events: pd.DataFrame,
    event_days: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    days: np.ndarray,
    constants: Constants,
    cell_m: float,
) -> np.ndarray:
    """The scar multiplier of each (cell, day): from the latest failure within scar_radius_m before
    that day, as the generator had it."""
    out = np.ones(len(rows), dtype="float64")
    if constants.scar_boost == 0 or events.empty:
        return out
    er, ec = events["row"].to_numpy(), events["col"].to_numpy()
    for i, (row, col, day) in enumerate(zip(rows, cols, days, strict=True)):
        near = ((er - row) ** 2 + (ec - col) ** 2) * cell_m**2 <= constants.scar_radius_m**2
        earlier = event_days[near & (event_days < day)]
        if earlier.size:
            out[i] = scar_multiplier(np.array([day - earlier.max()]), constants)[0]
    return out


def recovering(
    events: pd.DataFrame, event_days: np.ndarray, rows: np.ndarray, cols: np.ndarray, days, recovery: int
) -> np.ndarray:
    """Whether each (cell, day) falls in the recovery_days after a failure of that same cell."""
    failed_on: dict[tuple[int, int], list[int]] = {}
    for a, b, d in zip(events["row"], events["col"], event_days, strict=True):
        failed_on.setdefault((int(a), int(b)), []).append(int(d))
    return np.array(
        [
            any(d < day <= d + recovery for d in failed_on.get((int(row), int(col)), []))
            for row, col, day in zip(rows, cols, days, strict=True)
        ],
        dtype=bool,
    )


SPIN_UP_DAYS = 120  # record days before a window that fill the stores (the slow one forgets in 4-40)


def hazard_with_windows(
    study_dir: str | Path,
    x,
    y,
    dates,
    window: int,
    variants: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    spin_up_days: int = SPIN_UP_DAYS,
) -> dict[str, np.ndarray]:
    """The true daily hazard (h0 times the relative hazard, before scars and recovery) of the cell
    containing each (x, y) on each date, with the rain of the ``window`` days ending that day as
    each variant rewrites it ((samples, window) mm -> the same shape; the identity for the record).

    The stores are filled by the ``spin_up_days`` before the window, as recorded, and the reservoir
    falls as recorded; shaking is left out (a few days of the record). This is the physics' own
    answer to the ablations the models get: how much of its skill the timing inside the window
    carries, on the same samples.
    """
    study_dir = Path(study_dir)
    truth = study_dir / "truth"
    with rasterio.open(truth / "parameters.tif") as src:
        t = src.transform
        grid = Grid(src.height, src.width, t.a, t.c, t.f, str(src.crs))
        bands = src.read()
    rows, cols = cells_containing(grid.transform, np.asarray(x, "float64"), np.asarray(y, "float64"))
    rows, cols = np.clip(rows, 0, grid.rows - 1), np.clip(cols, 0, grid.cols - 1)
    constants = Constants(**yaml.safe_load((truth / "physics.yaml").read_text())["constants"])
    cells = {name: bands[i][rows, cols] for i, name in enumerate(CELL_FIELDS)}
    forcing = read_forcing(study_dir)
    day_index = {d: i for i, d in enumerate(forcing.dates)}
    ends = np.array([day_index[pd.Timestamp(d)] for d in pd.to_datetime(pd.Series(dates)).dt.normalize()])
    span = spin_up_days + window
    days = ends[:, None] - span + 1 + np.arange(span)[None, :]  # (samples, span), may reach before day 0
    inside = days >= 0
    rain_cells = rain_cell_index(grid, forcing, rows, cols)
    daily = forcing.rain.reshape(len(forcing.dates), -1)
    recorded = np.where(inside, daily[np.clip(days, 0, None), rain_cells[:, None]], 0.0)
    levels = forcing.levels.astype("float64")
    falls = np.where(days >= 1, levels[np.clip(days - 1, 0, None)] - levels[np.clip(days, 0, None)], 0.0)
    out = {}
    for name, rewrite in variants.items():
        rain = recorded.copy()
        rain[:, -window:] = rewrite(recorded[:, -window:])
        state = DailyState(cells, constants, np.arange(len(rows)))
        for day in range(span):
            pore, _ = state.step(rain[:, day], falls[:, day])
        out[name] = constants.hazard_scale * state.relative_hazard(state.factor_of_safety(pore, 0.0))
    return out
