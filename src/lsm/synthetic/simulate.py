"""The daily failure simulation over the record, and the inventory a mapping campaign would record."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from tqdm import tqdm

from lsm.data.raster import cell_centres, cells_containing
from lsm.synthetic.forcing import Forcing, peak_ground_acceleration
from lsm.synthetic.landscape import Grid, Landscape
from lsm.synthetic.physics import (
    CELL_FIELDS,
    Constants,
    DailyState,
    can_ever_fail,
    cell_parameters,
    scar_multiplier,
    scar_offsets,
)
from lsm.synthetic.settings import SyntheticSettings

# No failure is sampled in the first days: the wetness states start dry and need to spin up, and
# every event then has a full 30-day window of forcing before it.
SPIN_UP_DAYS = 60
CALIBRATION_CELLS = 40_000


@dataclass
class Simulation:
    """What the simulation made: the constants, the per-cell parameters and every true failure."""

    constants: Constants
    params: dict[str, np.ndarray]  # per-cell parameters (2-D, float32)
    active: np.ndarray  # cells that can ever fail
    events: pd.DataFrame  # every true failure: row, col, day, date, trigger, probability
    susceptibility: np.ndarray  # probability of at least one failure per year (2-D, float32)


def soil_seed(seed: int) -> np.random.SeedSequence:
    """The seed of the soil variation: its own child of the study's seed, so that the landscape,
    forcing, failures and campaign streams (children 0-3) stay what they were."""
    return np.random.SeedSequence(seed).spawn(5)[4]


def rain_cell_index(grid: Grid, forcing: Forcing, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Flat index into the rain grid of the rain cell containing each grid cell's centre."""
    ny, nx = forcing.rain.shape[1:]
    r, c = cells_containing(forcing.rain_transform, *cell_centres(grid.transform, rows, cols))
    return np.clip(r, 0, ny - 1) * nx + np.clip(c, 0, nx - 1)


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
    """The largest horizontal seismic coefficient of the record (half its peak ground acceleration)."""
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
    """Yield (day, relative hazard, drawdown pore ratio, seismic k) for the given cells, day after day."""
    state = DailyState(cells, constants, rain_index)
    rain = forcing.rain.reshape(len(forcing.dates), -1)
    levels = forcing.levels.astype("float64")
    days = range(len(forcing.dates))
    for t in tqdm(days, desc="simulating days", unit="day", disable=not progress, mininterval=2):
        drop = float(levels[t - 1] - levels[t]) if t > 0 else 0.0
        pore, drawdown = state.step(rain[t], drop)
        k = seismic.get(t, 0.0)
        yield t, state.relative_hazard(state.factor_of_safety(pore, k)), drawdown, k


def _subset(cells: dict[str, np.ndarray], idx: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[idx] for k, v in cells.items()}


def simulate(
    land: Landscape,
    forcing: Forcing,
    settings: SyntheticSettings,
    rng: np.random.Generator,
    constants: Constants | None = None,
    progress: bool = True,
    soil_rng: np.random.Generator | None = None,
) -> Simulation:
    """Simulate the record day by day. ``soil_rng`` draws the sub-grid soil variation (by default
    the fifth child of the study's seed, as :func:`lsm.synthetic.write.generate_study` passes it)."""
    constants = constants or Constants()
    soil_rng = soil_rng or np.random.default_rng(soil_seed(settings.seed))
    params = cell_parameters(land, constants, soil_rng)
    active = can_ever_fail(params, land.landuse, max_seismic_coefficient(forcing), constants)
    rows, cols = np.nonzero(active)
    cells = {k: params[k][rows, cols] for k in CELL_FIELDS}
    rain_index = rain_cell_index(land.grid, forcing, rows, cols)
    seismic = seismic_loads(forcing, *cell_centres(land.grid.transform, rows, cols))
    constants = calibrate_hazard_scale(cells, rain_index, forcing, constants, seismic, rng, settings)
    ledger = ScarLedger(active, scar_offsets(constants.scar_radius_m, land.grid.cell))
    events, yearly = record_failures(
        cells, rain_index, forcing, constants, seismic, rng, settings, ledger, progress
    )
    years = (len(forcing.dates) - SPIN_UP_DAYS) / 365.25
    susceptibility = np.zeros(active.shape, dtype="float32")
    susceptibility[rows, cols] = -np.expm1(-yearly / years)
    frame = pd.DataFrame(
        [(rows[i], cols[i], t, trigger, p) for i, t, trigger, p in events],
        columns=["row", "col", "day", "trigger", "probability"],
    ).astype({"row": "int64", "col": "int64", "day": "int64", "probability": "float64"})  # also when empty
    frame["date"] = forcing.dates[frame["day"].to_numpy()].strftime("%Y-%m-%d")
    return Simulation(constants, params, active, frame, susceptibility)


def calibrate_hazard_scale(
    cells: dict[str, np.ndarray],
    rain_index: np.ndarray,
    forcing: Forcing,
    constants: Constants,
    seismic: dict[int, np.ndarray],
    rng: np.random.Generator,
    settings: SyntheticSettings,
) -> Constants:
    """h0 such that, on a sample of cells, the expected failures over the record (ignoring recovery
    and scars) are ``expected_failures``."""
    n = cells["slope_deg"].size
    sample = np.sort(rng.choice(n, size=min(CALIBRATION_CELLS, n), replace=False))
    sample_seismic = {t: k[sample] for t, k in seismic.items()}
    total = 0.0
    for t, relative, _, _ in iterate_days(
        _subset(cells, sample), rain_index[sample], forcing, constants, sample_seismic
    ):
        if t >= SPIN_UP_DAYS:
            total += relative.sum()
    total *= n / max(sample.size, 1)
    return replace(constants, hazard_scale=float(settings.expected_failures / max(total, 1e-12)))


class ScarLedger:
    """The day of the latest failure within scar_radius_m of each active cell near one (path
    dependency, see :func:`lsm.synthetic.physics.scar_multiplier`)."""

    def __init__(self, active: np.ndarray, offsets: np.ndarray) -> None:
        self.index: np.ndarray = np.full(active.shape, -1, dtype=np.int64)
        self.index[active] = np.arange(int(active.sum()))
        self.rows, self.cols = np.nonzero(active)
        self.offsets = offsets
        self.latest: dict[int, int] = {}  # active cell -> day of the latest failure near it
        self._arrays: tuple[np.ndarray, np.ndarray] | None = None

    def add(self, failed: int, day: int) -> None:
        """Record the failure of active cell ``failed`` on ``day``."""
        r, c = self.rows[failed] + self.offsets[:, 0], self.cols[failed] + self.offsets[:, 1]
        inside = (r >= 0) & (r < self.index.shape[0]) & (c >= 0) & (c < self.index.shape[1])
        for cell in self.index[r[inside], c[inside]]:
            if cell >= 0:
                self.latest[int(cell)] = day
        self._arrays = None

    def boost(self, hazard: np.ndarray, t: int, constants: Constants) -> None:
        """Multiply, in place, the hazard of the cells near earlier failures on day ``t``."""
        if not self.latest or constants.scar_boost == 0:
            return
        if self._arrays is None:
            self._arrays = (
                np.fromiter(self.latest.keys(), dtype=np.int64, count=len(self.latest)),
                np.fromiter(self.latest.values(), dtype=np.int64, count=len(self.latest)),
            )
        cells, latest = self._arrays
        hazard[cells] *= scar_multiplier(t - latest, constants)


def record_failures(
    cells: dict[str, np.ndarray],
    rain_index: np.ndarray,
    forcing: Forcing,
    constants: Constants,
    seismic: dict[int, np.ndarray],
    rng: np.random.Generator,
    settings: SyntheticSettings,
    ledger: ScarLedger,
    progress: bool,
) -> tuple[list[tuple[int, int, str, float]], np.ndarray]:
    """Sample failures day by day: (cell, day, trigger, probability) of each, and the summed hazard
    of each cell. A failed cell is stable for recovery_days; its neighbours' hazard rises."""
    stable_until = np.full(cells["slope_deg"].size, -1, dtype=np.int64)
    yearly = np.zeros(cells["slope_deg"].size, dtype="float64")
    events = []
    for t, relative, drawdown, k in iterate_days(cells, rain_index, forcing, constants, seismic, progress):
        if t < SPIN_UP_DAYS:
            continue
        hazard = relative  # a new array each day: scaled in place
        hazard *= constants.hazard_scale
        ledger.boost(hazard, t, constants)
        yearly += hazard
        p = np.negative(hazard)
        np.expm1(p, out=p)
        np.negative(p, out=p)
        failed = np.flatnonzero((rng.random(p.size) < p) & (stable_until < t))
        stable_until[failed] = t + settings.recovery_days
        for i in failed:
            if np.ndim(k) > 0 and np.asarray(k)[i] > 0.02:
                trigger = "earthquake"
            else:
                trigger = "reservoir" if drawdown[i] > 0.05 else "rainfall"
            events.append((int(i), t, trigger, float(p[i])))
            ledger.add(int(i), t)  # from tomorrow on: the day's draws above are already made
    return events, yearly


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
    x_true, y_true = cell_centres(grid.transform, ev["row"].to_numpy(), ev["col"].to_numpy())
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
