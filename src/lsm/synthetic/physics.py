"""Slope physics: infinite-slope factor of safety with pore pressure, seismic load and hazard.

A cell's soil (depth z, cohesion c, friction angle phi, unit weight gamma) rests on a slope beta.
Pore pressure is a ratio m of the soil column that is saturated. It has three sources:

- an antecedent-wetness store that fills with rain and drains over days to weeks (slower on
  less permeable lithology), wetter where upslope water converges (high TWI);
- a fast store fed only by intense daily rain (over ``intense_rain_mm``), draining in a day or two,
  so the *timing* of rain inside a window matters, not only its total;
- near the reservoir shore, the excess pore pressure left by a rapid drawdown.

Earthquakes add a pseudo-static horizontal load k = PGA / 2. The daily hazard rises steeply as the
factor of safety (FS) falls below about 1: h = h0 exp((1 - FS) / sigma), zero where FS >= fs_cut.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from lsm.synthetic.landscape import LANDUSE_CLASSES, LITHOLOGY_UNITS, WATER, Landscape


@dataclass(frozen=True)
class Constants:
    """Physical constants of the benchmark (recorded in truth/physics.yaml)."""

    water_unit_weight: float = 9.81  # kN/m3
    drainable_porosity: float = 0.08  # share of the soil volume that fills before saturation
    fast_drain_days: float = 1.5
    intense_rain_mm: float = 10.0
    drawdown_memory_days: float = 12.0
    drawdown_reference_m: float = 6.0  # a drawdown of this size gives drawdown_strength near the shore
    drawdown_strength: float = 1.0
    shore_decay_m: float = 200.0
    shore_reach_m: float = 600.0
    fault_damage_m: float = 400.0  # rock is weaker within a few hundred metres of a fault
    road_cut_m: float = 45.0  # road cuts undercut slopes within tens of metres of a road
    min_dry_fs: float = 1.2  # soil thicker than this allows dry cannot persist: thinned to it
    min_slope_deg: float = 5.0  # flatter cells never fail
    hazard_sigma: float = 0.05
    fs_cut: float = 1.5
    hazard_scale: float = 1.0  # h0, calibrated so the expected number of failures hits the target

    def as_dict(self) -> dict[str, float]:
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


def cell_parameters(land: Landscape, constants: Constants) -> dict[str, np.ndarray]:
    """Per-cell soil, strength and hydrology parameters (float32 grids), from the landscape."""
    units = LITHOLOGY_UNITS.set_index("unit")
    unit = land.unit_grid

    def by_unit(column: str) -> np.ndarray:
        table = np.zeros(int(units.index.max()) + 1)
        table[units.index] = units[column].to_numpy()
        return table[unit]

    root = np.zeros(int(LANDUSE_CLASSES["code"].max()) + 1)
    root[LANDUSE_CLASSES["code"]] = LANDUSE_CLASSES["root_cohesion_kpa"]
    slope = land.slope_deg.astype("float64")
    fault = np.exp(-land.fault_distance / constants.fault_damage_m)
    road = np.exp(-land.road_distance / constants.road_cut_m)
    cohesion = (by_unit("cohesion_kpa") * (1 - 0.5 * fault) + root[land.landuse]) * (1 - 0.7 * road)
    friction = by_unit("friction_deg") - 4.0 * fault
    gamma = by_unit("unit_weight_kn_m3")
    depth = by_unit("max_soil_depth_m") * np.clip(1 - slope / 55.0, 0.05, 1.0)
    depth = np.where(land.landuse == 1, np.minimum(depth, 0.3), depth)
    # Soil cannot stay thicker than the depth at which it would fail even when dry.
    beta = np.deg2rad(np.maximum(slope, 1e-3))
    tan_ratio = np.tan(np.deg2rad(friction)) / np.tan(beta)
    room = constants.min_dry_fs - tan_ratio
    with np.errstate(divide="ignore", invalid="ignore"):
        critical = np.where(room > 0, cohesion / (gamma * np.sin(beta) * np.cos(beta) * room), np.inf)
    depth = np.clip(np.minimum(depth, critical), 0.05, None)
    twi = np.where(np.isfinite(land.twi), land.twi, np.nanmedian(land.twi))
    steep = slope > constants.min_slope_deg
    gain = np.clip(np.exp(0.35 * (twi - np.median(twi[steep]))), 0.4, 3.0)
    gain *= 1 + 0.5 * road  # road drainage concentrates runoff onto the slope below
    drain = np.clip(12.0 * (1e-6 / by_unit("conductivity_m_s")) ** 0.15, 4.0, 40.0)
    near_shore = (land.shore_distance > 0) & (land.shore_distance < constants.shore_reach_m)
    shore = np.where(near_shore, np.exp(-land.shore_distance / constants.shore_decay_m), 0.0)
    params = {
        "slope_deg": slope,
        "soil_depth_m": depth,
        "cohesion_kpa": cohesion,
        "friction_deg": friction,
        "unit_weight_kn_m3": gamma,
        "storage_mm": constants.drainable_porosity * depth * 1000.0,
        "wetness_gain": gain,
        "drain_days": drain,
        "shore_factor": shore,
        "wet_base": 0.3 * shore,  # banks sit close to the reservoir's water table
    }
    return {k: v.astype("float32") for k, v in params.items()}


def can_ever_fail(params: dict[str, np.ndarray], landuse: np.ndarray, k_max: float, constants: Constants):
    """Cells whose FS could fall below fs_cut at all (saturated, strongest shaking). Others never fail,
    so the daily simulation only updates these."""
    fs_worst = factor_of_safety(
        params["slope_deg"],
        params["soil_depth_m"],
        params["cohesion_kpa"],
        params["friction_deg"],
        params["unit_weight_kn_m3"],
        pore_ratio=1.0,
        k_h=k_max,
        water_unit_weight=constants.water_unit_weight,
    )
    return (
        (fs_worst < constants.fs_cut) & (params["slope_deg"] > constants.min_slope_deg) & (landuse != WATER)
    )


class DailyState:
    """The wetness, fast and drawdown states of a set of cells, advanced one day at a time."""

    def __init__(self, cells: dict[str, np.ndarray], constants: Constants) -> None:
        self.c = constants
        self.cells = cells
        n = cells["slope_deg"].shape[0]
        self.slow = np.zeros(n, dtype="float64")
        self.fast = np.zeros(n, dtype="float64")
        self.drawdown = 0.0
        self.keep_slow = np.exp(-1.0 / cells["drain_days"].astype("float64"))
        self.keep_fast = np.exp(-1.0 / constants.fast_drain_days)
        self.keep_drawdown = np.exp(-1.0 / constants.drawdown_memory_days)

    def step(self, rain_mm: np.ndarray, level_drop_m: float) -> tuple[np.ndarray, np.ndarray]:
        """Advance one day; return the pore ratio and its drawdown part."""
        gain = self.cells["wetness_gain"]
        self.slow = self.slow * self.keep_slow + gain * rain_mm
        self.fast = self.fast * self.keep_fast + gain * np.maximum(rain_mm - self.c.intense_rain_mm, 0.0)
        self.drawdown = self.drawdown * self.keep_drawdown + max(level_drop_m, 0.0)
        drawdown_part = (
            self.c.drawdown_strength
            * self.drawdown
            / self.c.drawdown_reference_m
            * self.cells["shore_factor"]
        )
        wet = self.cells["wet_base"] + (self.slow + self.fast) / self.cells["storage_mm"]
        return np.clip(wet + drawdown_part, 0.0, 1.0), drawdown_part

    def factor_of_safety(self, pore_ratio: np.ndarray, k_h: np.ndarray | float) -> np.ndarray:
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


def relative_hazard(fs: np.ndarray, constants: Constants) -> np.ndarray:
    """exp((1 - FS) / sigma) where FS < fs_cut, else 0 (multiply by h0 for the daily hazard)."""
    with np.errstate(over="ignore"):
        return np.where(
            fs < constants.fs_cut, np.exp(np.minimum((1.0 - fs) / constants.hazard_sigma, 50)), 0.0
        )


def daily_probability(fs: np.ndarray, constants: Constants) -> np.ndarray:
    """Probability of failure on one day: 1 - exp(-h0 * relative hazard)."""
    return -np.expm1(-constants.hazard_scale * relative_hazard(fs, constants))
