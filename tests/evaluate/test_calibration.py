"""Calibration, its scores and the thresholds, on cases with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lsm.evaluate.calibration import (
    CALIBRATED,
    PAPER_THRESHOLD,
    RAW,
    SHARE_THRESHOLD,
    TUNED_THRESHOLD,
    Platt,
    brier_decomposition,
    expected_calibration_error,
    logit,
    prior_shift,
    reliability_table,
    run_calibration,
    share_threshold,
    tuned_threshold,
)
from tests.helpers import PARAMS

BINS = PARAMS["calibration"]["bins"]  # the probability bins of the workflow's calibration


def calibrated_sample(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities and outcomes drawn from them: perfectly calibrated by construction."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.02, 0.98, n)
    return p, (rng.random(n) < p).astype(int)


def test_platt_leaves_a_calibrated_score_alone() -> None:
    p, y = calibrated_sample(40_000, 1)
    platt = Platt.fit(p, y)
    assert platt.slope == pytest.approx(1.0, abs=0.04)
    assert platt.intercept == pytest.approx(0.0, abs=0.04)
    assert expected_calibration_error(y, p, BINS) < 0.015


def test_platt_undoes_a_known_distortion() -> None:
    p, y = calibrated_sample(40_000, 2)
    distorted = 1 / (1 + np.exp(-(2.0 * logit(p) + 0.5)))  # overconfident and shifted
    platt = Platt.fit(distorted, y)
    assert platt.slope == pytest.approx(0.5, abs=0.03)
    assert platt.intercept == pytest.approx(-0.25, abs=0.03)
    assert np.abs(platt.apply(distorted) - p).max() < 0.03
    assert (
        expected_calibration_error(y, distorted, BINS)
        > 0.05
        > expected_calibration_error(y, platt.apply(distorted), BINS)
    )


def test_platt_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="both classes"):
        Platt.fit(np.array([0.2, 0.4]), np.array([1, 1]))


def test_brier_decomposition_is_exact_when_forecasts_are_constant_in_bins() -> None:
    rng = np.random.default_rng(3)
    p = rng.choice(np.arange(0.05, 1.0, 0.1), 5_000)
    y = (rng.random(5_000) < np.clip(p + 0.1, 0, 1)).astype(int)  # under-forecasting by 0.1
    parts = brier_decomposition(y, p, BINS)
    assert parts.brier == pytest.approx(parts.reliability - parts.resolution + parts.uncertainty, abs=1e-12)
    assert parts.uncertainty == pytest.approx(y.mean() * (1 - y.mean()))
    assert parts.reliability == pytest.approx(0.01, abs=0.003)  # (0.1)^2 in every bin but the top


def test_expected_calibration_error_of_a_constant_forecast() -> None:
    y = np.array([1, 0] * 50)
    assert expected_calibration_error(y, np.full(100, 0.3), BINS) == pytest.approx(0.2)
    table = reliability_table(y, np.full(100, 0.3), BINS)
    assert table[["bin", "samples"]].to_dict("records") == [{"bin": 3, "samples": 100}]
    assert table["forecast"].iloc[0] == pytest.approx(0.3) and table["observed"].iloc[0] == 0.5


def test_tuned_threshold_separates_separable_scores() -> None:
    y = np.array([0, 0, 0, 1, 1, 1])
    p = np.array([0.1, 0.2, 0.3, 0.35, 0.6, 0.9])
    assert tuned_threshold(y, p) == pytest.approx(0.35)  # the lowest positive: every sample right


def test_share_threshold_cuts_the_area() -> None:
    area = np.linspace(0, 1, 10_001)
    assert share_threshold(area, 0.247) == pytest.approx(0.753, abs=1e-4)
    assert np.isnan(share_threshold(np.array([]), 0.2))
    with pytest.raises(ValueError, match="share"):
        share_threshold(area, 1.2)


def test_prior_shift_moves_the_odds() -> None:
    p = np.array([0.1, 0.5, 0.9])
    assert np.allclose(prior_shift(p, 0.3, 0.3), p)
    assert prior_shift(np.array([0.5]), 0.5, 0.01)[0] == pytest.approx(0.01)  # even odds -> the prior
    shifted = prior_shift(p, 0.25, 0.05)
    odds_ratio = (shifted / (1 - shifted)) / (p / (1 - p))
    assert np.allclose(odds_ratio, (0.05 / 0.95) / (0.25 / 0.75))


def test_one_run_is_calibrated_on_its_held_out_part_only() -> None:
    """The calibrator comes from the held-out predictions: test labels cannot change it."""
    p, y = calibrated_sample(4_000, 5)
    distorted = 1 / (1 + np.exp(-(1.6 * logit(p) - 0.3)))
    kinds = np.where(y == 1, "positive", "random")
    held_out = pd.DataFrame({"label": y[:2000], "kind": kinds[:2000], "probability": distorted[:2000]})
    test = pd.DataFrame({"label": y[2000:], "probability": distorted[2000:]})
    platt, scores, curves, thresholds = run_calibration(held_out, test, high_share=0.247, bins=BINS)
    flipped = test.assign(label=1 - test["label"])
    assert run_calibration(held_out, flipped, high_share=0.247, bins=BINS)[0] == platt
    brier = scores.set_index("version")["brier"]
    assert brier[CALIBRATED] < brier[RAW]
    assert set(curves["version"]) == {RAW, CALIBRATED}
    values = thresholds.set_index("threshold")["value"]
    assert list(values.index) == [PAPER_THRESHOLD, TUNED_THRESHOLD, SHARE_THRESHOLD]
    assert values[PAPER_THRESHOLD] == 0.5
    area = held_out.loc[held_out["kind"] == "random", "probability"]
    assert (area >= values[SHARE_THRESHOLD]).mean() == pytest.approx(0.247, abs=0.01)
    assert thresholds[["accuracy", "precision", "recall", "f1", "kappa"]].notna().all().all()
