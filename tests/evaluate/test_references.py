"""The physics reference and the static ceiling on the same window; skill above chance."""

from __future__ import annotations

import numpy as np
import pytest

from lsm.evaluate.references import any_fails, skill_above_chance


def test_any_fails_is_the_union_of_independent_cells() -> None:
    """Two samples, a window of three cells each (laid out offset by offset, as position_window
    gives them): 1 - (1 - p1)(1 - p2)(1 - p3)."""
    p = np.array([0.1, 0.0, 0.5, 0.0, 0.2, 1.0])  # offset 1 (samples a, b), offset 2, offset 3
    assert any_fails(p, 3) == pytest.approx([1 - 0.9 * 0.5 * 0.8, 1.0])


def test_skill_above_chance_is_not_a_ratio_of_aucs() -> None:
    """The audit's numbers: AUC 0.752 against a reference of 0.848 is 0.887 of it as a ratio, but
    only 0.724 of its skill above chance; chance is 0 and the reference itself 1."""
    ratio = 0.752 / 0.848
    assert ratio == pytest.approx(0.887, abs=1e-3)
    assert skill_above_chance(0.752, 0.848) == pytest.approx(0.724, abs=1e-3)
    assert skill_above_chance(0.5, 0.8) == 0 and skill_above_chance(0.8, 0.8) == 1
