"""The daily failure simulation over the record, and the inventory a mapping campaign would record."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from tqdm import tqdm

from lsm.synthetic.forcing import Forcing, peak_ground_acceleration
from lsm.synthetic.landscape import Grid, Landscape
from lsm.synthetic.physics import (
    CELL_FIELDS,
    Constants,
    DailyState,
    can_ever_fail,
    cell_parameters,
    relative_hazard,
)
from lsm.synthetic.settings import SyntheticSettings

# No failure is sampled in the first days: the wetness states start dry and need to spin up, and
# every event then has a full 30-day window of forcing before it.
SPIN_UP_DAYS = 60
CALIBRATION_CELLS = 40_000


@dataclass
class Simulation:
    constants: Constants
    params: dict[str, np.ndarray]  # per-cell parameters (2-D, float32)
    active: np.ndarray  # cells that can ever fail
    events: pd.DataFrame  # every true failure: row, col, day, date, trigger, probability
    susceptibility: np.ndarray  # probability of at least one failure per year (2-D, float32)


def rain_cell_index(grid: Grid, forcing: Forcing, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Flat index into the rain grid of the rain cell containing each grid cell's centre."""
    rc = forcing.rain_transform.a
    ny, nx = forcing.rain.shape[1:]
    x = grid.x0 + (cols + 0.5) * grid.cell
    y = grid.y0 - (rows + 0.5) * grid.cell
    r = np.clip(((grid.y0 - y) // rc).astype(int), 0, ny - 1)
    c = np.clip(((x - grid.x0) // rc).astype(int), 0, nx - 1)
    return r * nx + c


def seismic_loads(forcing: Forcing, x: np.ndarray, y: np.ndarray) -> dict[int, np.ndarray]:
    """Day index -> horizontal seismic coefficient k = PGA/2 of each cell, on earthquake days."""
    loads: dict[int, np.ndarray] = {}
    points = shapely.points(x, y)
    day_of = {d.strftime("%Y-%m-%d"): i for i, d in enumerate(forcing.dates)}
    for quake in forcing.earthquakes.itertuples():
        distance = shapely.distance(points, quake.geometry)
        k = 0.5 * peak_ground_acceleration(quake.magnitude, distance)
        t = day_of[quake.date]
        loads[t] = np.maximum(loads.get(t, 0.0), k)
    return loads


def max_seismic_coefficient(forcing: Forcing) -> float:
    if forcing.earthquakes.empty:
        return 0.0
    return float(0.5 * peak_ground_acceleration(forcing.earthquakes["magnitude"].max(), np.array(0.0)))


def iterate_days(
    cells: dict[str, np.ndarray],
    rain_index: np.ndarray,
    forcing: Forcing,
    constants: Constants,
    seismic: dict[int, np.ndarray],
    progress: bool = False,
) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray | float]]:
    """Yield (day, FS, drawdown pore ratio, seismic k) for the given cells, day after day."""
    state = DailyState(cells, constants)
    rain = forcing.rain.reshape(len(forcing.dates), -1)
    levels = forcing.levels.astype("float64")
    days = range(len(forcing.dates))
    for t in tqdm(days, desc="simulating days", unit="day", disable=not progress, mininterval=2):
        drop = float(levels[t - 1] - levels[t]) if t > 0 else 0.0
        pore, drawdown = state.step(rain[t, rain_index], drop)
        k = seismic.get(t, 0.0)
        yield t, state.factor_of_safety(pore, k), drawdown, k


def _subset(cells: dict[str, np.ndarray], idx: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[idx] for k, v in cells.items()}


def simulate(
    land: Landscape,
    forcing: Forcing,
    settings: SyntheticSettings,
    rng: np.random.Generator,
    constants: Constants | None = None,
    progress: bool = True,
) -> Simulation:
    constants = constants or Constants()
    params = cell_parameters(land, constants)
    active = can_ever_fail(params, land.landuse, max_seismic_coefficient(forcing), constants)
    rows, cols = np.nonzero(active)
    cells = {k: params[k][rows, cols] for k in CELL_FIELDS}
    rain_index = rain_cell_index(land.grid, forcing, rows, cols)
    xs, ys = land.grid.centres()
    seismic = seismic_loads(forcing, xs[rows, cols], ys[rows, cols])

    # Calibrate h0 on a sample of cells: expected failures over the record = expected_failures.
    sample = np.sort(rng.choice(rows.size, size=min(CALIBRATION_CELLS, rows.size), replace=False))
    sample_seismic = {t: k[sample] for t, k in seismic.items()}
    total = 0.0
    for t, fs, _, _ in iterate_days(
        _subset(cells, sample), rain_index[sample], forcing, constants, sample_seismic
    ):
        if t >= SPIN_UP_DAYS:
            total += relative_hazard(fs, constants).sum()
    total *= rows.size / max(sample.size, 1)
    constants = replace(constants, hazard_scale=float(settings.expected_failures / max(total, 1e-12)))

    # The record: sample failures day by day; a failed cell is stable for recovery_days.
    stable_until = np.full(rows.size, -1, dtype=np.int64)
    yearly = np.zeros(rows.size, dtype="float64")
    events = []
    for t, fs, drawdown, k in iterate_days(cells, rain_index, forcing, constants, seismic, progress):
        if t < SPIN_UP_DAYS:
            continue
        hazard = constants.hazard_scale * relative_hazard(fs, constants)
        yearly += hazard
        p = -np.expm1(-hazard)
        failed = np.flatnonzero((rng.random(p.size) < p) & (stable_until < t))
        if failed.size:
            stable_until[failed] = t + settings.recovery_days
            seismic_day = np.ndim(k) > 0
            for i in failed:
                wet = drawdown[i] > 0.05
                trigger = (
                    "earthquake" if seismic_day and k[i] > 0.02 else ("reservoir" if wet else "rainfall")
                )
                events.append((rows[i], cols[i], t, trigger, float(p[i])))
    years = (len(forcing.dates) - SPIN_UP_DAYS) / 365.25
    susceptibility = np.zeros(active.shape, dtype="float32")
    susceptibility[rows, cols] = -np.expm1(-yearly / years)
    frame = pd.DataFrame(events, columns=["row", "col", "day", "trigger", "probability"])
    frame["date"] = forcing.dates[frame["day"].to_numpy()].strftime("%Y-%m-%d")
    return Simulation(constants, params, active, frame, susceptibility)


def observe_inventory(
    sim: Simulation, land: Landscape, settings: SyntheticSettings, rng: np.random.Generator
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """What a mapping campaign records: events found more often near roads and towns, points
    displaced by a few tens of metres, the rest missed. Returns (inventory, all true events)."""
    ev = sim.events
    grid = land.grid
    road = land.road_distance[ev["row"], ev["col"]]
    town = land.town_distance[ev["row"], ev["col"]]
    p_detect = np.clip(
        settings.detection_base
        + settings.detection_near_road * np.exp(-road / 250.0)
        + settings.detection_near_town * np.exp(-town / 1500.0),
        0.0,
        0.95,
    )
    detected = rng.random(len(ev)) < p_detect
    x_true = grid.x0 + (ev["col"].to_numpy() + 0.5) * grid.cell
    y_true = grid.y0 - (ev["row"].to_numpy() + 0.5) * grid.cell
    jitter = rng.uniform(-0.5, 0.5, size=(len(ev), 2)) * grid.cell
    error = rng.normal(0.0, settings.position_error_m, size=(len(ev), 2))
    xmin, ymin, xmax, ymax = grid.bounds
    x_obs = np.clip(x_true + jitter[:, 0] + error[:, 0], xmin + 1, xmax - 1)
    y_obs = np.clip(y_true + jitter[:, 1] + error[:, 1], ymin + 1, ymax - 1)
    truth = gpd.GeoDataFrame(
        {
            "event_id": np.arange(1, len(ev) + 1),
            "date": ev["date"].to_numpy(),
            "trigger": ev["trigger"].to_numpy(),
            "row": ev["row"].to_numpy(),
            "col": ev["col"].to_numpy(),
            "probability": ev["probability"].to_numpy(),
            "detection_probability": p_detect,
            "detected": detected,
        },
        geometry=gpd.points_from_xy(x_true, y_true),
        crs=grid.crs,
    )
    inventory = gpd.GeoDataFrame(
        {
            "event_id": [f"LS{i:04d}" for i in range(1, int(detected.sum()) + 1)],
            "date": ev["date"].to_numpy()[detected],
            "trigger": ev["trigger"].to_numpy()[detected],
        },
        geometry=gpd.points_from_xy(x_obs[detected], y_obs[detected]),
        crs=grid.crs,
    )
    return inventory, truth
