"""The daily failure simulation (lsm.synthetic.simulate): rain cells and seismic loads of each cell,
the calibration of h0, scars, the day-by-day sampling of failures and the mapping campaign, on
hand-made cells and forcing (exact) and on a small generated landscape (one year)."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from affine import Affine
from shapely.geometry import LineString, Point

from lsm.data.raster import cell_centres
from lsm.synthetic.forcing import Forcing, make_forcing, peak_ground_acceleration
from lsm.synthetic.landscape import WATER, Grid, Landscape, build_landscape
from lsm.synthetic.physics import Constants, scar_multiplier, scar_offsets
from lsm.synthetic.settings import SyntheticSettings
from lsm.synthetic.simulate import (
    SPIN_UP_DAYS,
    ScarLedger,
    Simulation,
    calibrate_hazard_scale,
    iterate_days,
    max_seismic_coefficient,
    observe_inventory,
    rain_cell_index,
    record_failures,
    seismic_loads,
    simulate,
    soil_seed,
)
from tests.helpers import PARAMS

CRS = "EPSG:32640"
SIZE = 48  # cells a side of the generated landscape (a few hundredths of a second to build)
SEED = 1  # a seed whose 48 x 48 landscape builds
NO_SOIL_NOISE = Constants(soil_depth_cv=0.0, cohesion_cv=0.0, weathering_cv=0.0, scar_boost=0.0)


def settings(**changes: object) -> SyntheticSettings:
    """The tiny preset of params.yaml on a SIZE x SIZE grid over one year, with ``changes``."""
    tiny = SyntheticSettings.from_config({**PARAMS["synthetic"], "preset": "tiny"})
    return dataclasses.replace(tiny, **{"rows": SIZE, "cols": SIZE, "years": 1, **changes})


def no_quakes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"date": [], "magnitude": []}, geometry=[], crs=CRS)


def forcing_of(
    rain: np.ndarray,
    levels: np.ndarray | None = None,
    quakes: gpd.GeoDataFrame | None = None,
    rain_cell: float = 1.0e5,
    top: float = 0.0,
) -> Forcing:
    """Forcing from 2016-01-01 on: ``rain`` (days,) on one rain cell or (days, ny, nx), still levels."""
    rain = np.asarray(rain, dtype="float32")
    rain = rain[:, None, None] if rain.ndim == 1 else rain
    dates = pd.date_range("2016-01-01", periods=len(rain), freq="D")
    levels = np.zeros(len(rain)) if levels is None else levels
    transform = Affine(rain_cell, 0, 0.0, 0, -rain_cell, top)
    return Forcing(dates, rain, transform, levels, no_quakes() if quakes is None else quakes)


def storms(days: int, seed: int = 0) -> np.ndarray:
    """A rain series (mm/day): dry and wet spells with a few intense days."""
    rng = np.random.default_rng(seed)
    return rng.gamma(0.7, 10.0, size=days) * (rng.random(days) < 0.3)


def cells(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Thin-soiled marl slopes of 20-45 degrees, as in tests/synthetic/test_physics.py (float32)."""
    rng = np.random.default_rng(seed)
    base = {
        "slope_deg": rng.uniform(20.0, 45.0, n),
        "soil_depth_m": np.full(n, 1.5),
        "cohesion_kpa": rng.uniform(1.0, 5.0, n),
        "friction_deg": np.full(n, 30.0),
        "unit_weight_kn_m3": np.full(n, 19.0),
        "storage_mm": np.full(n, 120.0),
        "wetness_gain": np.full(n, 1.0),
        "drain_days": np.full(n, 15.0),
        "shore_factor": np.zeros(n),
        "wet_base": np.zeros(n),
    }
    return {k: v.astype("float32") for k, v in base.items()}


def ramp_landscape(slopes: np.ndarray, rows: int = 3, unit: int = 4) -> Landscape:
    """A hand-made landscape: one column per slope, one lithology, rangeland, nothing nearby."""
    shape = (rows, len(slopes))
    grid = Grid(rows, len(slopes), 30.0, 0.0, rows * 30.0, CRS)
    far = np.full(shape, np.inf, dtype="float32")
    empty = gpd.GeoDataFrame(geometry=[], crs=CRS)
    return Landscape(
        grid=grid,
        dem=np.full(shape, 2000.0, dtype="float32"),
        slope_deg=np.broadcast_to(np.asarray(slopes, dtype="float32"), shape).copy(),
        twi=np.full(shape, 6.0, dtype="float32"),
        upstream_cells=np.ones(shape),
        rivers=empty,
        river_distance=far,
        reservoir_mask=np.zeros(shape, dtype=bool),
        reservoir=empty,
        level_range_m=(0.0, 0.0),
        shore_distance=far,
        faults=empty,
        fault_distance=far,
        towns=empty,
        town_distance=far,
        roads=empty,
        road_distance=far,
        lithology=empty,
        unit_grid=np.full(shape, unit, dtype="int16"),
        landuse=np.full(shape, 2, dtype="uint8"),
    )


@pytest.fixture(scope="module")
def land() -> Landscape:
    return build_landscape(settings(), np.random.default_rng(SEED))


@pytest.fixture(scope="module")
def forcing(land: Landscape) -> Forcing:
    return make_forcing(np.random.default_rng(SEED + 10), settings(), land)


@pytest.fixture(scope="module")
def sim(land: Landscape, forcing: Forcing) -> Simulation:
    return simulate(land, forcing, settings(), np.random.default_rng(SEED + 20), progress=False)


def test_the_soil_seed_is_the_fifth_child_of_the_study_seed() -> None:
    seq = soil_seed(20260124)
    assert seq.entropy == 20260124 and seq.spawn_key == (4,)
    draws = np.random.default_rng(seq).random(8)
    np.testing.assert_array_equal(draws, np.random.default_rng(soil_seed(20260124)).random(8))
    for child in np.random.SeedSequence(20260124).spawn(4):  # the other streams stay apart
        assert not np.array_equal(draws, np.random.default_rng(child).random(8))
    assert not np.array_equal(draws, np.random.default_rng(soil_seed(20260125)).random(8))


def test_each_cell_takes_the_rain_cell_holding_its_centre() -> None:
    grid = Grid(4, 4, 30.0, 0.0, 120.0, CRS)
    rows, cols = np.indices(grid.shape)
    two_by_two = forcing_of(np.zeros((3, 2, 2)), rain_cell=60.0, top=120.0)
    index = rain_cell_index(grid, two_by_two, rows.ravel(), cols.ravel()).reshape(4, 4)
    expected = [[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]]
    np.testing.assert_array_equal(index, expected)
    # A rain grid too small for the area: cells beyond it take its edge cell.
    one = forcing_of(np.zeros((3, 1, 1)), rain_cell=60.0, top=120.0)
    assert (rain_cell_index(grid, one, rows.ravel(), cols.ravel()) == 0).all()


def test_seismic_loads_are_half_the_strongest_shaking_on_quake_days_only() -> None:
    quakes = gpd.GeoDataFrame(
        {"date": ["2016-01-04", "2016-01-04", "2016-01-08"], "magnitude": [6.0, 5.0, 5.5]},
        geometry=[Point(0.0, 0.0), Point(20_000.0, 0.0), LineString([(0.0, 5000.0), (0.0, 9000.0)])],
        crs=CRS,
    )
    forcing = forcing_of(np.zeros(10), quakes=quakes)
    x, y = np.array([0.0, 10_000.0, 20_000.0]), np.zeros(3)
    loads = seismic_loads(forcing, x, y)
    assert set(loads) == {3, 7}  # day indices of 4 and 8 January
    pga = peak_ground_acceleration
    strongest = np.maximum(
        pga(6.0, np.array([0.0, 10_000.0, 20_000.0])), pga(5.0, np.array([20_000.0, 10_000.0, 0.0]))
    )
    np.testing.assert_allclose(loads[3], 0.5 * strongest)
    assert loads[3][2] == pytest.approx(0.5 * pga(5.0, np.array(0.0)))  # the smaller, nearer quake wins there
    np.testing.assert_allclose(
        loads[7], 0.5 * pga(5.5, np.array([5000.0, np.hypot(10_000.0, 5000.0), np.hypot(20_000.0, 5000.0)]))
    )
    assert max_seismic_coefficient(forcing) == pytest.approx(
        0.5 * np.exp(-3.5 + 0.9 * 6.0 - 1.2 * np.log(10.0))
    )
    assert max_seismic_coefficient(forcing_of(np.zeros(10))) == 0.0


def test_each_day_yields_the_hazard_rain_drawdown_and_shaking_add() -> None:
    c = cells(2)
    c["slope_deg"][:] = 35.0
    c["shore_factor"][0] = 0.8  # a bank cell; the other lies inland
    rain = np.zeros(40)
    rain[20:23] = 40.0
    levels = np.full(40, 100.0)
    levels[30:34] = 100.0 - 1.5 * np.arange(1, 5)  # a fall of 1.5 m/day from day 30
    levels[34:] = levels[33]
    quake = {25: np.array([0.2, 0.0])}  # shaking at the first cell only, on day 25
    index = np.zeros(2, dtype=np.int64)
    days = list(iterate_days(c, index, forcing_of(rain, levels), Constants(), quake))
    assert [t for t, *_ in days] == list(range(40))
    hazard = np.array([h for _, h, _, _ in days])
    drawdown = np.array([d for _, _, d, _ in days])
    assert (hazard[:20] == 0).all()  # dry, still days carry no hazard
    assert (hazard[20:23] > 0).all()  # the storm does
    still = np.array([h for _, h, _, _ in iterate_days(c, index, forcing_of(rain, levels), Constants(), {})])
    assert hazard[25, 0] > 10 * still[25, 0]  # the shaken cell, on the quake day only
    # (a shaken day takes the float32 cells through the full formula: equal to float32 precision)
    assert hazard[25, 1] == pytest.approx(still[25, 1], rel=1e-5)
    np.testing.assert_array_equal(np.delete(hazard, 25, axis=0), np.delete(still, 25, axis=0))
    assert (drawdown[:30] == 0).all() and (drawdown[:, 1] == 0).all()  # only the bank, only after the fall
    assert (drawdown[30:34, 0] > 0).all() and drawdown[33, 0] > drawdown[30, 0]
    k = [k for *_, k in days]
    assert all(np.ndim(v) == 0 and v == 0.0 for t, v in enumerate(k) if t != 25)
    np.testing.assert_array_equal(k[25], [0.2, 0.0])
    rising = list(
        iterate_days(c, np.zeros(2, dtype=np.int64), forcing_of(rain, levels[::-1]), Constants(), {})
    )
    assert all((d == 0).all() for _, _, d, _ in rising)  # a rising level leaves no excess pressure


def test_h0_makes_the_expected_failures_those_asked_for() -> None:
    c = cells(50)
    forcing = forcing_of(storms(200))
    rain_index = np.zeros(50, dtype=np.int64)
    s = settings(expected_failures=30)
    constants = calibrate_hazard_scale(c, rain_index, forcing, Constants(), {}, np.random.default_rng(0), s)
    total = sum(
        h.sum() for t, h, _, _ in iterate_days(c, rain_index, forcing, Constants(), {}) if t >= SPIN_UP_DAYS
    )
    assert total > 0
    assert constants.hazard_scale * total == pytest.approx(30.0, rel=1e-9)
    assert dataclasses.replace(constants, hazard_scale=1.0) == Constants()  # nothing else changes
    doubled = calibrate_hazard_scale(
        c, rain_index, forcing, Constants(), {}, np.random.default_rng(0), settings(expected_failures=60)
    )
    assert doubled.hazard_scale == pytest.approx(2 * constants.hazard_scale, rel=1e-9)


def test_a_scar_boosts_its_active_neighbours_hazard_from_the_next_day() -> None:
    active = np.ones((5, 5), dtype=bool)
    active[2, 3] = False  # an inactive neighbour is not tracked
    ledger = ScarLedger(active, scar_offsets(30.0, 30.0))  # the cell and its four edge neighbours
    centre = int(ledger.index[2, 2])
    ledger.add(centre, 10)
    near = sorted(int(ledger.index[r, c]) for r, c in ((1, 2), (2, 1), (2, 2), (3, 2)))
    assert sorted(ledger.latest) == near and set(ledger.latest.values()) == {10}
    hazard = np.ones(int(active.sum()))
    c = Constants()
    ledger.boost(hazard, 11, c)
    expected = np.ones_like(hazard)
    expected[near] = scar_multiplier(np.array([1]), c)[0]
    np.testing.assert_allclose(hazard, expected)
    assert hazard[centre] == pytest.approx(1 + c.scar_boost * np.exp(-1 / c.scar_memory_days))
    ledger.add(int(ledger.index[0, 0]), 20)  # a corner: the offsets outside the grid are dropped
    assert ledger.latest[int(ledger.index[0, 0])] == 20 and ledger.latest[int(ledger.index[1, 0])] == 20
    assert len(ledger.latest) == 4 + 3  # (0, 0), (0, 1) and (1, 0) join the four near the centre
    calm = np.ones(int(active.sum()))
    ledger.boost(calm, 30, dataclasses.replace(c, scar_boost=0.0))
    assert (calm == 1).all()


def record(
    c: dict[str, np.ndarray], rain: np.ndarray, recovery_days: int, constants: Constants, seed: int = 0
) -> tuple[list[tuple[int, int, str, float]], np.ndarray]:
    """record_failures for cells laid out on a 10-column grid, one rain cell, still levels, no quakes."""
    n = c["slope_deg"].size
    active = np.ones((n // 10, 10), dtype=bool)
    ledger = ScarLedger(active, scar_offsets(constants.scar_radius_m, 30.0))
    return record_failures(
        c,
        np.zeros(n, dtype=np.int64),
        forcing_of(rain),
        constants,
        {},
        np.random.default_rng(seed),
        settings(recovery_days=recovery_days),
        ledger,
        progress=False,
    )


def test_failures_come_after_the_spin_up_and_a_failed_cell_rests() -> None:
    c = cells(200)
    rain = storms(500)
    constants = dataclasses.replace(NO_SOIL_NOISE, hazard_scale=0.05)
    events, yearly = record(c, rain, recovery_days=10_000, constants=constants)
    assert len(events) > 20
    cell_ids = [i for i, *_ in events]
    assert len(set(cell_ids)) == len(cell_ids)  # stable for longer than the record: one failure each
    assert min(t for _, t, _, _ in events) >= SPIN_UP_DAYS
    assert {trigger for *_, trigger, _ in events} == {"rainfall"}
    # Each event's probability is 1 - exp(-h0 x that day's relative hazard) of its cell.
    relative = {
        t: h for t, h, _, _ in iterate_days(c, np.zeros(200, dtype=np.int64), forcing_of(rain), constants, {})
    }
    for i, t, _, p in events:
        assert 0 < p <= 1 and p == pytest.approx(-np.expm1(-0.05 * relative[t][i]), rel=1e-9)
    # Without scars the yearly sum is h0 x the relative hazard summed after the spin-up, failed or not.
    after = sum(h for t, h in relative.items() if t >= SPIN_UP_DAYS)
    np.testing.assert_allclose(yearly, 0.05 * after, rtol=1e-9)


def test_more_rain_never_means_fewer_failures() -> None:
    """With the same random draws, wetter days raise every cell's hazard, so (with no rest after a
    failure) every failure of the drier record also happens in the wetter one; scars only add."""
    c = cells(300, seed=1)
    base = storms(400, seed=2)
    wetter = base + storms(400, seed=3)
    constants = dataclasses.replace(Constants(), hazard_scale=0.01)
    dry_events, dry_yearly = record(c, base, recovery_days=0, constants=constants)
    wet_events, wet_yearly = record(c, wetter, recovery_days=0, constants=constants)
    dry = {(i, t) for i, t, _, _ in dry_events}
    wet = {(i, t) for i, t, _, _ in wet_events}
    assert dry and dry <= wet and len(wet) > len(dry)
    assert (wet_yearly >= dry_yearly).all() and wet_yearly.sum() > dry_yearly.sum()


def test_failures_name_the_trigger_of_their_day() -> None:
    c = cells(20)
    c["shore_factor"][:10] = 1.0  # the first ten cells stand on the bank
    c["slope_deg"][:] = 35.0
    days = 120
    levels = np.full(days, 100.0)
    levels[80:] = 100.0 - 2.0 * np.arange(1, days - 79)  # 2 m/day from day 80 on
    quake = {100: np.where(np.arange(20) >= 10, 0.3, 0.0)}  # strong shaking inland on day 100
    n = 20
    events, _ = record_failures(
        c,
        np.zeros(n, dtype=np.int64),
        forcing_of(np.zeros(days), levels),
        dataclasses.replace(Constants(), hazard_scale=5.0),
        quake,
        np.random.default_rng(0),
        settings(recovery_days=1),
        ScarLedger(np.ones((2, 10), dtype=bool), scar_offsets(60.0, 30.0)),
        progress=False,
    )
    triggers = {(i, t): trigger for i, t, trigger, _ in events}
    assert triggers  # dry days: only the drawdown and the quake can fail a cell
    for (i, t), trigger in triggers.items():
        if t == 100 and i >= 10:
            assert trigger == "earthquake"
        else:
            assert trigger == "reservoir" and i < 10 and t >= 80
    assert "earthquake" in triggers.values() and "reservoir" in triggers.values()


def test_the_simulation_fails_active_cells_after_the_spin_up(
    land: Landscape, forcing: Forcing, sim: Simulation
) -> None:
    events = sim.events
    assert list(events.columns) == ["row", "col", "day", "trigger", "probability", "date"]
    assert len(events) > 0 and sim.constants.hazard_scale > 0
    assert sim.active[events["row"], events["col"]].all()
    assert (events["day"] >= SPIN_UP_DAYS).all() and (events["day"] < len(forcing.dates)).all()
    assert (events["date"] == forcing.dates[events["day"].to_numpy()].strftime("%Y-%m-%d")).all()
    assert events["probability"].between(0, 1, inclusive="right").all()
    assert set(events["trigger"]) <= {"rainfall", "reservoir", "earthquake"}
    assert not sim.active[land.landuse == WATER].any()
    assert not sim.active[land.slope_deg <= sim.constants.min_slope_deg].any()
    for name, values in sim.params.items():
        assert values.shape == land.dem.shape and values.dtype == np.float32, name


def test_susceptibility_is_a_yearly_probability_of_active_cells(land: Landscape, sim: Simulation) -> None:
    s = sim.susceptibility
    assert s.shape == land.dem.shape and s.dtype == np.float32
    assert s.min() >= 0 and s.max() <= 1 and s.max() > 0
    assert (s[~sim.active] == 0).all()
    failed = sim.events.groupby(["row", "col"]).size()
    assert (s[failed.index.get_level_values(0), failed.index.get_level_values(1)] > 0).all()


def test_without_scars_the_summed_hazard_is_the_expected_failures(land: Landscape, forcing: Forcing) -> None:
    """h0 is calibrated so that the record's expected failures, ignoring rest and scars, hit the target:
    with no scars and fewer cells than the calibration sample, the susceptibility map gives it back."""
    s = settings(expected_failures=150)
    sim = simulate(
        land, forcing, s, np.random.default_rng(0), constants=Constants(scar_boost=0.0), progress=False
    )
    years = (len(forcing.dates) - SPIN_UP_DAYS) / 365.25
    expected = -np.log1p(-sim.susceptibility.astype("float64")).sum() * years
    assert expected == pytest.approx(150.0, rel=1e-3)


def test_the_same_seeds_repeat_the_simulation_and_others_change_it(
    land: Landscape, forcing: Forcing, sim: Simulation
) -> None:
    again = simulate(land, forcing, settings(), np.random.default_rng(SEED + 20), progress=False)
    pd.testing.assert_frame_equal(again.events, sim.events)
    np.testing.assert_array_equal(again.susceptibility, sim.susceptibility)
    other_draws = simulate(land, forcing, settings(), np.random.default_rng(SEED + 21), progress=False)
    for name in sim.params:  # the soil comes from the study's seed, not from the failure draws
        np.testing.assert_array_equal(other_draws.params[name], sim.params[name])
    assert not other_draws.events[["row", "col", "day"]].equals(sim.events[["row", "col", "day"]])
    other_soil = simulate(land, forcing, settings(seed=7), np.random.default_rng(SEED + 20), progress=False)
    assert not np.array_equal(other_soil.params["soil_depth_m"], sim.params["soil_depth_m"])
    assert not np.array_equal(other_soil.susceptibility, sim.susceptibility)


def test_steeper_slopes_are_more_susceptible_other_things_equal() -> None:
    """One lithology, one land use, no soil noise or scars: from 8 to 32 degrees each steeper column
    is more susceptible; flatter than min_slope_deg never fails."""
    slopes = np.array([3.0, 4.9, 8.0, 12.0, 16.0, 20.0, 24.0, 28.0, 32.0])
    land = ramp_landscape(slopes)
    forcing = forcing_of(storms(430), top=90.0)
    sim = simulate(
        land,
        forcing,
        settings(expected_failures=20),
        np.random.default_rng(0),
        constants=NO_SOIL_NOISE,
        progress=False,
    )
    s = sim.susceptibility
    assert (s == s[0]).all()  # the rows are copies of one another
    assert (s[:, :2] == 0).all() and not sim.active[:, :2].any()
    steep = s[0, 3:]
    assert (np.diff(steep) > 0).all()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # medians over no steep cell
def test_a_record_without_failures_gives_an_empty_event_table() -> None:
    land = ramp_landscape(np.array([1.0, 2.0, 3.0]))
    sim = simulate(
        land, forcing_of(storms(120), top=90.0), settings(), np.random.default_rng(0), progress=False
    )
    assert sim.events.empty and (sim.susceptibility == 0).all()


def test_the_campaign_finds_events_near_roads_and_towns_more_often(land: Landscape, sim: Simulation) -> None:
    s = settings()
    inventory, truth = observe_inventory(sim, land, s, np.random.default_rng(0))
    ev = sim.events
    road = land.road_distance[ev["row"], ev["col"]]
    town = land.town_distance[ev["row"], ev["col"]]
    chance = np.clip(
        s.detection_base
        + s.detection_near_road * np.exp(-road / 250.0)
        + s.detection_near_town * np.exp(-town / 1500.0),
        0.0,
        0.95,
    )
    np.testing.assert_allclose(truth["detection_probability"], chance, rtol=1e-6)
    assert truth["detection_probability"].between(s.detection_base, 0.95).all()
    assert len(truth) == len(ev) and list(truth["event_id"]) == list(range(1, len(ev) + 1))
    np.testing.assert_array_equal(truth["row"], ev["row"])
    x, y = cell_centres(land.grid.transform, ev["row"].to_numpy(), ev["col"].to_numpy())
    np.testing.assert_array_equal(truth.geometry.x, x)
    np.testing.assert_array_equal(truth.geometry.y, y)
    assert len(inventory) == truth["detected"].sum() > 0
    assert list(inventory["event_id"]) == [f"LS{i:04d}" for i in range(1, len(inventory) + 1)]
    assert list(inventory["date"]) == list(truth.loc[truth["detected"], "date"])
    assert inventory.crs == truth.crs == land.grid.crs
    left, bottom, right, top = land.grid.bounds
    assert inventory.geometry.x.between(left, right).all() and inventory.geometry.y.between(bottom, top).all()
    again, _ = observe_inventory(sim, land, s, np.random.default_rng(0))
    assert again.geometry.geom_equals_exact(inventory.geometry, tolerance=0).all()


def test_without_position_error_a_mapped_point_stays_in_its_cell(land: Landscape, sim: Simulation) -> None:
    exact = settings(position_error_m=0.0)
    inventory, truth = observe_inventory(sim, land, exact, np.random.default_rng(1))
    found = truth[truth["detected"]]
    half = land.grid.cell / 2
    assert (np.abs(inventory.geometry.x.to_numpy() - found.geometry.x.to_numpy()) <= half).all()
    assert (np.abs(inventory.geometry.y.to_numpy() - found.geometry.y.to_numpy()) <= half).all()
    blind = settings(detection_base=0.0, detection_near_road=0.0, detection_near_town=0.0)
    nothing, truth = observe_inventory(sim, land, blind, np.random.default_rng(1))
    assert nothing.empty and not truth["detected"].any() and len(truth) == len(sim.events)
