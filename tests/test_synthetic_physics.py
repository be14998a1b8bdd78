"""Physics of the synthetic benchmark, on hand-made cells (fast, exact)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from lsm.synthetic.physics import Constants, DailyState, daily_probability, factor_of_safety

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


def run(cells: dict[str, np.ndarray], rain: np.ndarray, drops: np.ndarray | None = None) -> np.ndarray:
    """FS of each cell on each day for a rain series (mm/day, same for all cells)."""
    state = DailyState(cells, C)
    drops = np.zeros(len(rain)) if drops is None else drops
    out = []
    for r, d in zip(rain, drops, strict=True):
        pore, _ = state.step(np.full(cells["slope_deg"].shape, r), d)
        out.append(state.factor_of_safety(pore, 0.0))
    return np.array(out)


@pytest.mark.parametrize(("beta", "phi"), [(20.0, 30.0), (35.0, 30.0), (10.0, 25.0), (45.0, 38.0)])
def test_dry_cohesionless_fs_is_tan_ratio(beta: float, phi: float) -> None:
    fs = factor_of_safety(beta, 2.0, 0.0, phi, 19.0, pore_ratio=0.0, k_h=0.0)
    assert fs == pytest.approx(np.tan(np.deg2rad(phi)) / np.tan(np.deg2rad(beta)), rel=1e-12)


def test_flat_cell_never_fails() -> None:
    fs = factor_of_safety(0.0, 3.0, 0.0, 20.0, 19.0, pore_ratio=1.0, k_h=0.0)
    assert np.isinf(fs)
    assert daily_probability(np.array([fs]), C)[0] == 0.0
    wet_flat = run(cell(slope_deg=0.0), np.full(60, 40.0))
    assert np.isinf(wet_flat).all()


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
    """Same 30-day total, different timing: different failure probability on the last day."""
    early = np.zeros(30)
    early[2:6] = 25.0
    late = np.zeros(30)
    late[24:28] = 25.0
    assert early.sum() == late.sum()
    calibrated = replace(C, hazard_scale=1e-4)  # the order of h0 the generator calibrates to
    cells = cell(slope_deg=30.0)
    fs_early, fs_late = run(cells, early)[-1], run(cells, late)[-1]
    p_early = daily_probability(fs_early, calibrated)[0]
    p_late = daily_probability(fs_late, calibrated)[0]
    assert fs_late[0] < fs_early[0]
    assert p_late > 10 * p_early > 0
