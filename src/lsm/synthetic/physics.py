"""Slope physics: infinite-slope factor of safety with pore pressure, seismic load and hazard.

A cell's soil (depth z, cohesion c, friction angle phi, unit weight gamma) rests on a slope beta.
Depth and cohesion vary from cell to cell beyond what slope, lithology and land use set: two seeded
random fields correlated over ~30 m, and slope-scale zones of deeper weathering (thicker, weaker).
Pore pressure is a ratio m of the soil column that is saturated. It has three sources:

- an antecedent-wetness store fed by the small share of rain that percolates deep in a semi-arid
  climate (``slow_recharge_share``), draining over days to weeks (slower on less permeable
  lithology), wetter where upslope water converges (high TWI);
- a perched water table fed by each day's rain beyond what the dry soil absorbs (over
  ``intense_rain_mm``), rising over the small air-filled porosity of a wetted soil
  (``fast_drainable_porosity``) and draining within a day: storms trigger landslides on the days
  they fall, as in dated inventories, so the *timing* of rain inside a window matters, not only
  its total;
- within ``shore_reach_m`` of the reservoir shore, the excess pore pressure left by a rapid drawdown.

Earthquakes add a pseudo-static horizontal load k = PGA / 2. The daily hazard follows the share of a
cell's spread of strengths pushed below failure, exp((1 - FS) / sigma), counting only what water and
shaking add to the dry, still state (a slope that stands dry does not fail on a dry day). A failure
raises the hazard of its neighbours for years (scars: oversteepened edges, loose debris).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import ndimage

from lsm.synthetic.landscape import LANDUSE_CLASSES, LITHOLOGY_UNITS, WATER, Landscape


@dataclass(frozen=True)
class Constants:
    """Physical constants of the benchmark (recorded in truth/physics.yaml; reasons in
    paper/assumptions.md, "The synthetic Kerman-like benchmark")."""

    water_unit_weight: float = 9.81  # kN/m3
    drainable_porosity: float = 0.08  # share of the soil volume that fills before saturation
    slow_recharge_share: float = 0.05  # share of rain reaching the slow store (semi-arid recharge)
    fast_drainable_porosity: float = 0.01  # air-filled porosity a perched water table rises over
    fast_drain_days: float = 0.5
    intense_rain_mm: float = 5.0  # a day's rain the dry soil absorbs before water perches
    drawdown_memory_days: float = 12.0
    drawdown_reference_m: float = 3.0  # a drawdown of this size gives drawdown_strength at the shore
    drawdown_strength: float = 1.0
    bank_drain_m_day: float = 0.25  # banks drain a level fall this slow; only the faster part counts
    shore_decay_m: float = 300.0
    shore_reach_m: float = 600.0  # the drawdown term is exactly zero from here on
    fault_damage_m: float = 400.0  # rock is weaker within a few hundred metres of a fault
    road_cut_m: float = 45.0  # road cuts undercut slopes within tens of metres of a road
    min_dry_fs: float = 1.2  # soil thicker than this allows dry cannot persist: thinned to it
    soil_thinning_slope_deg: float = 65.0  # soil thins linearly with slope, to nothing at this slope
    min_soil_share: float = 0.05  # ... but keeps at least this share of the unit's maximum depth
    bare_rock_soil_m: float = 0.6  # the colluvial mantle on bare rock is at most this thick
    soil_depth_cv: float = 0.5  # cell-to-cell variation of soil depth (coefficient of variation)
    cohesion_cv: float = 0.5  # cell-to-cell variation of cohesion (coefficient of variation)
    soil_field_correlation_m: float = 30.0  # correlation scale of both: neighbours differ
    weathering_cv: float = 0.8  # zones of deeper weathering: thicker and weaker soil together
    weathering_scale_m: float = 1000.0  # correlation scale of those zones (slope to valley side)
    scar_boost: float = 4.0  # a failure multiplies its neighbours' hazard by 1 + this (fading)
    scar_radius_m: float = 60.0  # ... within this distance (cell centres)
    scar_memory_days: float = 6209.0  # ... fading as exp(-days / this): 17 years
    min_slope_deg: float = 5.0  # flatter cells never fail
    hazard_sigma: float = 0.15  # hazard x e per 0.15 drop of FS: the spread of FS inside a cell
    fs_cut: float = 1.75  # 1 + 5 sigma: above it a cell's hazard is < 1 % of that at FS = 1
    hazard_scale: float = 1.0  # h0, calibrated so the expected number of failures hits the target

    def as_dict(self) -> dict[str, float]:
        """The constants as a plain dictionary (for truth/physics.yaml)."""
        return asdict(self)


# Per-cell parameters, in this order as bands of truth/parameters.tif.
CELL_FIELDS = (
    "slope_deg",
    "soil_depth_m",
    "cohesion_kpa",
    "friction_deg",
    "unit_weight_kn_m3",
    "storage_mm",
    "wetness_gain",
    "drain_days",
    "shore_factor",
    "wet_base",
)


def factor_of_safety(
    slope_deg: np.ndarray,
    soil_depth_m: np.ndarray,
    cohesion_kpa: np.ndarray,
    friction_deg: np.ndarray,
    unit_weight_kn_m3: np.ndarray,
    pore_ratio: np.ndarray | float = 0.0,
    k_h: np.ndarray | float = 0.0,
    water_unit_weight: float = 9.81,
) -> np.ndarray:
    """Infinite-slope FS with a water table at height m*z and a pseudo-static load k_h.

    FS = [c + (gamma z cos^2 b - gamma_w m z cos^2 b - k gamma z sin b cos b) tan phi]
         / [gamma z sin b cos b + k gamma z cos^2 b];  +inf where nothing drives failure.
    """
    beta = np.deg2rad(slope_deg)
    cos2 = np.cos(beta) ** 2
    sincos = np.sin(beta) * np.cos(beta)
    weight = unit_weight_kn_m3 * soil_depth_m
    normal = weight * cos2 - water_unit_weight * pore_ratio * soil_depth_m * cos2 - k_h * weight * sincos
    resisting = cohesion_kpa + np.maximum(normal, 0.0) * np.tan(np.deg2rad(friction_deg))
    driving = weight * sincos + k_h * weight * cos2
    with np.errstate(divide="ignore", invalid="ignore"):
        fs = np.where(driving > 0, resisting / driving, np.inf)
    return fs


def correlated_field(
    rng: np.random.Generator, shape: tuple[int, int], correlation_cells: float
) -> np.ndarray:
    """Standard-normal random field, smooth over ``correlation_cells`` (Gaussian kernel), mean 0, sd 1."""
    noise = rng.standard_normal(shape)
    if correlation_cells > 0:
        noise = ndimage.gaussian_filter(noise, sigma=correlation_cells, mode="reflect")
    return (noise - noise.mean()) / noise.std()


def lognormal_multiplier(field_: np.ndarray, cv: float) -> np.ndarray:
    """exp(s z - s^2/2) with s from the coefficient of variation: mean 1, the given spread."""
    s = np.sqrt(np.log1p(cv**2))
    return np.exp(s * field_ - 0.5 * s**2)


def soil_variation(
    shape: tuple[int, int], cell_m: float, constants: Constants, soil_rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Multipliers (mean 1) of soil depth and cohesion: independent cell-scale fields (neighbouring
    cells with the same slope, lithology and land use differ, as soils do) times one slope-scale
    weathering field that makes soil thicker and weaker together."""
    c = constants
    local = c.soil_field_correlation_m / cell_m
    depth = lognormal_multiplier(correlated_field(soil_rng, shape, local), c.soil_depth_cv)
    cohesion = lognormal_multiplier(correlated_field(soil_rng, shape, local), c.cohesion_cv)
    weathering = correlated_field(soil_rng, shape, c.weathering_scale_m / cell_m)
    depth = depth * lognormal_multiplier(weathering, c.weathering_cv)
    cohesion = cohesion * lognormal_multiplier(-weathering, c.weathering_cv)
    return depth, cohesion


def cell_parameters(
    land: Landscape, constants: Constants, soil_rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Per-cell soil, strength and hydrology parameters (float32 grids), from the landscape and the
    soil variation drawn from ``soil_rng``."""
    units = LITHOLOGY_UNITS.set_index("unit")

    def by_unit(column: str) -> np.ndarray:
        table = np.zeros(int(units.index.max()) + 1)
        table[units.index] = units[column].to_numpy()
        return table[land.unit_grid]

    c = constants
    depth_field, cohesion_field = soil_variation(land.unit_grid.shape, land.grid.cell, c, soil_rng)
    root = np.zeros(int(LANDUSE_CLASSES["code"].max()) + 1)
    root[LANDUSE_CLASSES["code"]] = LANDUSE_CLASSES["root_cohesion_kpa"]
    slope = land.slope_deg.astype("float64")
    fault = np.exp(-land.fault_distance / c.fault_damage_m)
    road = np.exp(-land.road_distance / c.road_cut_m)
    cohesion = (by_unit("cohesion_kpa") * (1 - 0.5 * fault) + root[land.landuse]) * (1 - 0.7 * road)
    cohesion = cohesion * cohesion_field
    friction = by_unit("friction_deg") - 4.0 * fault
    gamma = by_unit("unit_weight_kn_m3")
    thinning = np.clip(1 - slope / c.soil_thinning_slope_deg, c.min_soil_share, 1.0)
    depth = by_unit("max_soil_depth_m") * thinning * depth_field
    depth = np.where(land.landuse == 1, np.minimum(depth, c.bare_rock_soil_m), depth)
    depth = np.minimum(depth, stable_depth(slope, cohesion, friction, gamma, c.min_dry_fs))
    depth = np.clip(depth, 0.05, None)
    twi = np.where(np.isfinite(land.twi), land.twi, np.nanmedian(land.twi))
    gain = np.clip(np.exp(0.35 * (twi - np.median(twi[slope > c.min_slope_deg]))), 0.4, 3.0)
    gain *= 1 + 0.5 * road  # road drainage concentrates runoff onto the slope below
    shore = shore_factor(land.shore_distance, c)
    params = {
        "slope_deg": slope,
        "soil_depth_m": depth,
        "cohesion_kpa": cohesion,
        "friction_deg": friction,
        "unit_weight_kn_m3": gamma,
        "storage_mm": c.drainable_porosity * depth * 1000.0,
        "wetness_gain": gain,
        "drain_days": np.clip(12.0 * (1e-6 / by_unit("conductivity_m_s")) ** 0.15, 4.0, 40.0),
        "shore_factor": shore,
        "wet_base": 0.3 * shore,  # banks sit close to the reservoir's water table
    }
    return {k: v.astype("float32") for k, v in params.items()}


def stable_depth(
    slope: np.ndarray, cohesion: np.ndarray, friction: np.ndarray, gamma: np.ndarray, min_dry_fs: float
) -> np.ndarray:
    """Thickest soil that stands dry with FS >= min_dry_fs (inf where any thickness does): thicker
    soil would have slid long ago, so none is left."""
    beta = np.deg2rad(np.maximum(slope, 1e-3))
    room = min_dry_fs - np.tan(np.deg2rad(friction)) / np.tan(beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(room > 0, cohesion / (gamma * np.sin(beta) * np.cos(beta) * room), np.inf)


def shore_factor(shore_distance: np.ndarray, constants: Constants) -> np.ndarray:
    """Share of a drawdown's excess pore pressure felt at each distance from the shore: 1 at the
    water's edge, decaying over shore_decay_m and reaching exactly 0 at shore_reach_m (no step),
    0 beyond it and under the water itself."""
    d = shore_distance.astype("float64")
    floor = np.exp(-constants.shore_reach_m / constants.shore_decay_m)
    tapered = (np.exp(-d / constants.shore_decay_m) - floor) / (1.0 - floor)
    near = (d > 0) & (d < constants.shore_reach_m)
    return np.where(near, np.clip(tapered, 0.0, 1.0), 0.0)


def can_ever_fail(params: dict[str, np.ndarray], landuse: np.ndarray, k_max: float, constants: Constants):
    """Cells whose FS could fall below fs_cut at all (saturated, strongest drawdown and shaking).
    Others never fail, so the daily simulation only updates these."""
    fs_worst = factor_of_safety(
        params["slope_deg"],
        params["soil_depth_m"],
        params["cohesion_kpa"],
        params["friction_deg"],
        params["unit_weight_kn_m3"],
        pore_ratio=1.0 + constants.drawdown_strength * (params["shore_factor"] > 0),
        k_h=k_max,
        water_unit_weight=constants.water_unit_weight,
    )
    return (
        (fs_worst < constants.fs_cut) & (params["slope_deg"] > constants.min_slope_deg) & (landuse != WATER)
    )


class DailyState:
    """The wetness, fast and drawdown states of a set of cells, advanced one day at a time.

    Both rain stores are linear in the rain: a cell's store is its wetness gain times the store of
    unit gain fed by its rain cell and draining at its rate. So the stores are kept once per (rain
    cell, drainage time) group and each cell scales its group's store; and on days without shaking
    the factor of safety is linear in the pore ratio, FS = A + B max(1 - (gamma_w / gamma) m, 0),
    with A and B fixed per cell. Same physics as :func:`factor_of_safety`, a fraction of the work.
    """

    def __init__(
        self, cells: dict[str, np.ndarray], constants: Constants, rain_index: np.ndarray | None = None
    ) -> None:
        self.c = constants
        self.cells = cells
        n = cells["slope_deg"].shape[0]
        rain_index = np.arange(n) if rain_index is None else np.asarray(rain_index)
        keys = np.column_stack([rain_index.astype("float64"), cells["drain_days"].astype("float64")])
        groups, inverse = np.unique(keys, axis=0, return_inverse=True)
        self.group_of_cell = inverse.ravel()
        self.group_rain = groups[:, 0].astype(np.int64)
        self.keep_slow = np.exp(-1.0 / groups[:, 1])
        self.keep_fast = np.exp(-1.0 / constants.fast_drain_days)
        # The stores are in millimetres over the slow store's porosity: a millimetre perched over
        # the smaller fast porosity raises the water table (and the pore ratio) that many times more.
        self.fast_gain = constants.drainable_porosity / constants.fast_drainable_porosity
        self.keep_drawdown = np.exp(-1.0 / constants.drawdown_memory_days)
        self.slow = np.zeros(len(groups), dtype="float64")
        self.fast = np.zeros(len(groups), dtype="float64")
        self.drawdown: float | np.ndarray = 0.0
        as64 = {k: v.astype("float64") for k, v in cells.items()}
        self.wet_base = as64["wet_base"]
        self.wet_per_mm = as64["wetness_gain"] / as64["storage_mm"]
        self.shore = as64["shore_factor"]
        # A drawdown reaches only the banks (shore_factor is exactly 0 beyond shore_reach_m): its
        # term is computed there alone; elsewhere it adds exactly 0.
        self.banks = np.flatnonzero(self.shore)
        self.bank_shore = self.shore[self.banks]
        beta = np.deg2rad(as64["slope_deg"])
        weight = as64["unit_weight_kn_m3"] * as64["soil_depth_m"]
        driving = weight * np.sin(beta) * np.cos(beta)
        with np.errstate(divide="ignore", invalid="ignore"):
            tan_ratio = np.tan(np.deg2rad(as64["friction_deg"])) / np.tan(beta)
            self.fs_cohesion = np.where(driving > 0, as64["cohesion_kpa"] / driving, np.inf)
        self.fs_friction = np.where(driving > 0, tan_ratio, 0.0)
        self.water_ratio = constants.water_unit_weight / as64["unit_weight_kn_m3"]
        # The still state: no rain in the stores, no drawdown, no shaking; banks keep their wet base.
        self.fs_still = self.factor_of_safety(np.clip(self.wet_base, 0.0, 1.0), 0.0)
        self.still_shape = failure_shape(self.fs_still, constants)

    def step(self, rain_mm: np.ndarray, level_drop_m: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Advance one day with the rain of every rain cell (mm) and the reservoir's fall (m; one
        number, or one per cell for cells on different days of the record); return the pore ratio of
        each cell (rain saturates the soil at 1; a rapid drawdown's seepage can push a bank up to
        1 + drawdown_strength) and its drawdown part."""
        rain = np.asarray(rain_mm, dtype="float64")[self.group_rain]
        self.slow = self.slow * self.keep_slow + self.c.slow_recharge_share * rain
        self.fast = self.fast * self.keep_fast + self.fast_gain * np.maximum(
            rain - self.c.intense_rain_mm, 0.0
        )
        fall = np.maximum(np.asarray(level_drop_m, dtype="float64") - self.c.bank_drain_m_day, 0.0)
        self.drawdown = self.drawdown * self.keep_drawdown + fall
        # In place, on new arrays: the same operations as wet_base + wet_per_mm * store (clipped)
        # plus the drawdown part, without a temporary array per operation over every cell.
        pore = (self.slow + self.fast)[self.group_of_cell]
        pore *= self.wet_per_mm
        pore += self.wet_base
        np.clip(pore, 0.0, 1.0, out=pore)
        drawdown_part = np.zeros_like(pore)
        drawdown = (
            self.drawdown[self.banks]
            if isinstance(self.drawdown, np.ndarray) and self.drawdown.ndim
            else self.drawdown
        )
        bank_part = (self.c.drawdown_strength * drawdown / self.c.drawdown_reference_m) * self.bank_shore
        drawdown_part[self.banks] = bank_part
        pore[self.banks] += np.minimum(bank_part, self.c.drawdown_strength)
        return pore, drawdown_part

    def relative_hazard(self, fs: np.ndarray) -> np.ndarray:
        """The part of the failure shape (:func:`failure_shape`) that rain, drawdown and shaking add
        to the cells' still state, for the day's factors of safety (multiply by h0 for the daily
        hazard). The part already below failure when still failed long ago: a slope that stands on
        dry, still days does not fail on one. In place on one new array."""
        relative = np.subtract(1.0, fs)
        relative /= self.c.hazard_sigma
        np.minimum(relative, 50, out=relative)
        with np.errstate(over="ignore"):
            np.exp(relative, out=relative)
        np.copyto(relative, 0.0, where=fs >= self.c.fs_cut)
        relative -= self.still_shape
        return np.maximum(relative, 0.0, out=relative)

    def factor_of_safety(self, pore_ratio: np.ndarray, k_h: np.ndarray | float) -> np.ndarray:
        """The day's factor of safety of every cell (infinite slope), in place when there is no shaking."""
        if np.ndim(k_h) == 0 and k_h == 0:  # A + B max(1 - (gamma_w / gamma) m, 0), in place
            fs = self.water_ratio * pore_ratio
            np.subtract(1.0, fs, out=fs)
            np.maximum(fs, 0.0, out=fs)
            fs *= self.fs_friction
            fs += self.fs_cohesion
            return fs
        cells = self.cells
        return factor_of_safety(
            cells["slope_deg"],
            cells["soil_depth_m"],
            cells["cohesion_kpa"],
            cells["friction_deg"],
            cells["unit_weight_kn_m3"],
            pore_ratio,
            k_h,
            self.c.water_unit_weight,
        )


def failure_shape(fs: np.ndarray, constants: Constants) -> np.ndarray:
    """exp((1 - FS) / sigma) where FS < fs_cut, else 0: how much of a cell's spread of strengths lies
    below failure at this factor of safety (relative to FS = 1)."""
    with np.errstate(over="ignore"):
        return np.where(
            fs < constants.fs_cut, np.exp(np.minimum((1.0 - fs) / constants.hazard_sigma, 50)), 0.0
        )


def scar_offsets(radius_m: float, cell_m: float) -> np.ndarray:
    """(row, col) offsets of the cells whose centres lie within ``radius_m`` of a cell's centre."""
    reach = int(radius_m // cell_m)
    dr, dc = np.mgrid[-reach : reach + 1, -reach : reach + 1]
    inside = (dr**2 + dc**2) * cell_m**2 <= radius_m**2
    return np.column_stack([dr[inside], dc[inside]])


def scar_multiplier(days_since: np.ndarray, constants: Constants) -> np.ndarray:
    """Hazard multiplier 1 + scar_boost * exp(-days since the latest failure within scar_radius_m /
    scar_memory_days). Only the latest failure counts: scars do not stack, so a run of failures
    cannot feed on itself without bound."""
    return 1.0 + constants.scar_boost * np.exp(
        -np.asarray(days_since, dtype="float64") / constants.scar_memory_days
    )
