"""Physics of the synthetic benchmark, on hand-made cells (fast, exact)."""

from __future__ import annotations

import numpy as np
import pytest

from lsm.synthetic.physics import (
    Constants,
    DailyState,
    correlated_field,
    factor_of_safety,
    failure_shape,
    lognormal_multiplier,
    scar_multiplier,
    scar_offsets,
    shore_factor,
)

C = Constants()


def cell(n: int = 1, **overrides) -> dict[str, np.ndarray]:
    """A steep, thin-soiled marl slope near failure when wet (values per cell, float32)."""
    base = {
        "slope_deg": 32.0,
        "soil_depth_m": 1.5,
        "cohesion_kpa": 3.0,
        "friction_deg": 30.0,
        "unit_weight_kn_m3": 19.0,
        "storage_mm": 120.0,
        "wetness_gain": 1.0,
        "drain_days": 15.0,
        "shore_factor": 0.0,
        "wet_base": 0.0,
    }
    base.update(overrides)
    return {k: np.full(n, v, dtype="float32") for k, v in base.items()}


def run(
    cells: dict[str, np.ndarray], rain: np.ndarray, drops: np.ndarray | None = None, hazard: bool = False
) -> np.ndarray:
    """FS (or relative hazard) of each cell on each day for a rain series (mm/day, same for all cells)."""
    state = DailyState(cells, C)
    drops = np.zeros(len(rain)) if drops is None else drops
    out = []
    for r, d in zip(rain, drops, strict=True):
        pore, _ = state.step(np.full(cells["slope_deg"].shape, r), d)
        fs = state.factor_of_safety(pore, 0.0)
        out.append(state.relative_hazard(fs) if hazard else fs)
    return np.array(out)


@pytest.mark.parametrize(("beta", "phi"), [(20.0, 30.0), (35.0, 30.0), (10.0, 25.0), (45.0, 38.0)])
def test_dry_cohesionless_fs_is_tan_ratio(beta: float, phi: float) -> None:
    fs = factor_of_safety(beta, 2.0, 0.0, phi, 19.0, pore_ratio=0.0, k_h=0.0)
    assert fs == pytest.approx(np.tan(np.deg2rad(phi)) / np.tan(np.deg2rad(beta)), rel=1e-12)


def test_flat_cell_never_fails() -> None:
    fs = factor_of_safety(0.0, 3.0, 0.0, 20.0, 19.0, pore_ratio=1.0, k_h=0.0)
    assert np.isinf(fs)
    wet_flat = run(cell(slope_deg=0.0), np.full(60, 40.0))
    assert np.isinf(wet_flat).all()
    assert (run(cell(slope_deg=0.0), np.full(60, 40.0), hazard=True) == 0.0).all()  # the simulation's hazard


def test_saturation_and_shaking_lower_fs() -> None:
    dry = factor_of_safety(30.0, 1.5, 3.0, 30.0, 19.0, pore_ratio=0.0)
    wet = factor_of_safety(30.0, 1.5, 3.0, 30.0, 19.0, pore_ratio=1.0)
    shaken = factor_of_safety(30.0, 1.5, 3.0, 30.0, 19.0, pore_ratio=0.0, k_h=0.15)
    assert wet < dry and shaken < dry


def test_more_antecedent_rain_never_raises_fs() -> None:
    rng = np.random.default_rng(1)
    base = rng.gamma(0.7, 6.0, size=200) * (rng.random(200) < 0.3)
    extra = base + rng.gamma(0.5, 5.0, size=200) * (rng.random(200) < 0.3)
    fs_base = run(cell(), base)[:, 0]
    fs_extra = run(cell(), extra)[:, 0]
    assert (fs_extra <= fs_base + 1e-12).all()
    assert (fs_extra < fs_base).any()


def test_fast_drawdown_lowers_fs_only_near_shore() -> None:
    cells = cell(2, shore_factor=0.0)
    cells["shore_factor"][0] = np.float32(np.exp(-100 / C.shore_decay_m))  # 100 m from the shore
    drops = np.zeros(30)
    drops[10:18] = 1.2  # a rapid drawdown of 9.6 m over 8 days
    still = run(cells, np.zeros(30))
    drawn = run(cells, np.zeros(30), drops)
    assert drawn[20, 0] < still[20, 0] - 0.05  # the bank cell loses stability
    assert drawn[:, 1] == pytest.approx(still[:, 1])  # the inland cell does not notice


def test_order_of_days_matters() -> None:
    """Same 30-day total, different timing: a storm ending on the last day makes it far more likely
    to fail than the same storm three weeks before (the perched water table drains within days)."""
    early = np.zeros(30)
    early[2:6] = 25.0
    late = np.zeros(30)
    late[26:30] = 25.0
    assert early.sum() == late.sum()
    h0 = 1e-4  # the order of h0 the generator calibrates to
    cells = cell(slope_deg=30.0)
    fs_early, fs_late = run(cells, early)[-1], run(cells, late)[-1]
    p_early = -np.expm1(-h0 * run(cells, early, hazard=True)[-1, 0])
    p_late = -np.expm1(-h0 * run(cells, late, hazard=True)[-1, 0])
    assert fs_late[0] < fs_early[0]
    assert p_late > 10 * p_early > 0


def test_daily_state_fs_is_the_infinite_slope_fs() -> None:
    """The per-cell shortcut (FS linear in the pore ratio) gives the reference formula's numbers."""
    rng = np.random.default_rng(3)
    cells = cell(200)
    cells["slope_deg"] = rng.uniform(6, 60, 200).astype("float32")
    cells["soil_depth_m"] = rng.uniform(0.2, 3, 200).astype("float32")
    cells["cohesion_kpa"] = rng.uniform(0, 12, 200).astype("float32")
    state = DailyState(cells, C)
    pore = rng.uniform(0, 1, 200)
    expected = factor_of_safety(
        cells["slope_deg"],
        cells["soil_depth_m"],
        cells["cohesion_kpa"],
        cells["friction_deg"],
        cells["unit_weight_kn_m3"],
        pore,
    )
    np.testing.assert_allclose(state.factor_of_safety(pore, 0.0), expected, rtol=1e-5)


def test_a_dry_still_day_carries_no_hazard() -> None:
    """Failures need water or shaking: the part of a cell's strength spread below failure when dry
    failed long ago. A cell just stable when dry gets hazard only once it rains."""
    rain = np.zeros(60)
    rain[30:34] = 30.0
    hazard = run(cell(cohesion_kpa=1.0), rain, hazard=True)[:, 0]
    assert (hazard[:30] == 0).all()
    assert hazard[33] > 0


def test_the_link_from_fs_to_hazard_is_gentle() -> None:
    """One sigma of FS (0.15) changes the hazard by e, not e^3 as the old sigma of 0.05 did: cells a
    little more stable than the weakest still fail now and then."""
    shape = failure_shape(np.array([1.0, 1.0 + C.hazard_sigma, C.fs_cut + 0.01]), C)
    assert C.hazard_sigma >= 0.1
    assert shape[0] / shape[1] == pytest.approx(np.e)
    assert shape[2] == 0.0


def test_the_reservoir_term_is_zero_beyond_its_reach() -> None:
    d = np.array([0.0, 30.0, 300.0, C.shore_reach_m - 1, C.shore_reach_m, C.shore_reach_m + 30, 5000.0])
    factor = shore_factor(d, C)
    assert factor[0] == 0.0  # under the water
    assert factor[1] > factor[2] > factor[3] > 0  # decays with distance ...
    assert factor[3] < 0.01  # ... to nothing at the reach, without a step
    assert (factor[4:] == 0).all()
    cells = cell(2)
    cells["shore_factor"] = factor[[1, 5]].astype("float32")
    cells["wet_base"] = 0.3 * cells["shore_factor"]
    drops = np.zeros(40)
    drops[10:18] = 1.2
    rain = np.zeros(40)
    rain[5:8] = 20.0
    still, drawn = run(cells, rain, hazard=True), run(cells, rain, drops, hazard=True)
    assert drawn[20, 0] > still[20, 0]
    np.testing.assert_array_equal(drawn[:, 1], still[:, 1])  # beyond the reach: not a bit of difference


def test_soil_varies_between_neighbouring_cells() -> None:
    rng = np.random.default_rng(0)
    z = correlated_field(rng, (300, 300), correlation_cells=1.0)
    assert z.mean() == pytest.approx(0.0, abs=1e-9) and z.std() == pytest.approx(1.0)
    neighbour_corr = np.corrcoef(z[:, :-1].ravel(), z[:, 1:].ravel())[0, 1]
    assert 0.5 < neighbour_corr < 0.95  # similar, not equal
    multiplier = lognormal_multiplier(z, cv=0.5)
    assert multiplier.mean() == pytest.approx(1.0, abs=0.03)
    assert multiplier.std() / multiplier.mean() == pytest.approx(0.5, abs=0.05)


def test_a_scar_raises_its_neighbours_hazard_and_fades() -> None:
    offsets = scar_offsets(60.0, 30.0)
    assert len(offsets) == 13 and [0, 0] in offsets.tolist() and [2, 2] not in offsets.tolist()
    one_day, years = scar_multiplier(np.array([1, C.scar_memory_days]), C)
    assert one_day == pytest.approx(1 + C.scar_boost, rel=1e-3)
    assert years == pytest.approx(1 + C.scar_boost / np.e)
    assert scar_multiplier(np.array([0]), C)[0] == 1 + C.scar_boost  # scars do not stack beyond this
