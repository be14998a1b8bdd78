"""Statistics: metric values by hand, intervals, DeLong against a bootstrap, Holm, within-group AUC."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from lsm.evaluate import binary_metrics
from lsm.stats import delong, holm, mean_interval, within_group_auc


def test_metrics_against_hand_computed_values() -> None:
    labels = np.array([1, 1, 1, 0, 0, 0, 0, 1])
    probs = np.array([0.9, 0.6, 0.4, 0.3, 0.55, 0.1, 0.2, 0.8])
    m = binary_metrics(labels, probs)
    # predicted: 1 1 0 0 1 0 0 1 -> tp=3, fn=1, fp=1, tn=3
    assert m["confusion"] == {"tn": 3, "fp": 1, "fn": 1, "tp": 3}
    assert m["accuracy"] == pytest.approx(6 / 8)
    assert m["precision"] == pytest.approx(3 / 4)
    assert m["recall"] == pytest.approx(3 / 4)
    assert m["f1"] == pytest.approx(3 / 4)
    # pairs (pos > neg): 0.9 beats 4, 0.6 beats 4, 0.4 beats 3 (not 0.55), 0.8 beats 4 -> 15 of 16
    assert m["auc"] == pytest.approx(15 / 16)
    po, pe = 6 / 8, 0.5 * 0.5 + 0.5 * 0.5
    assert m["kappa"] == pytest.approx((po - pe) / (1 - pe))


def test_interval_contains_the_mean_and_shrinks_with_more_seeds() -> None:
    rng = np.random.default_rng(0)
    draws = rng.normal(0.9, 0.02, size=200)
    widths = []
    for n in (3, 5, 20, 200):
        mean, _, lo, hi = mean_interval(draws[:n])
        assert lo < mean < hi
        widths.append(hi - lo)
    assert widths == sorted(widths, reverse=True)
    assert mean_interval([0.8]) == (0.8, 0.0, 0.8, 0.8)


def test_delong_agrees_with_sklearn_and_a_paired_bootstrap() -> None:
    rng = np.random.default_rng(1)
    n = 400
    labels = rng.random(n) < 0.4
    signal = labels.astype(float)
    a = signal + rng.normal(0, 0.8, n)
    b = signal + 0.6 * rng.normal(0, 0.8, n) + 0.8 * rng.normal(0, 0.8, n)  # correlated, noisier
    auc_a, auc_b, z, p = delong(labels, a, b)
    assert auc_a == pytest.approx(roc_auc_score(labels, a))
    assert auc_b == pytest.approx(roc_auc_score(labels, b))
    diffs = []
    for _ in range(2000):
        i = rng.integers(0, n, n)
        if labels[i].all() or not labels[i].any():
            continue
        diffs.append(roc_auc_score(labels[i], a[i]) - roc_auc_score(labels[i], b[i]))
    se_boot = np.std(diffs)
    se_delong = (auc_a - auc_b) / z
    assert se_delong == pytest.approx(se_boot, rel=0.15)
    p_boot = 2 * min(np.mean(np.array(diffs) <= 0), np.mean(np.array(diffs) >= 0))
    assert abs(p - p_boot) < 0.05 or (p < 0.01 and p_boot < 0.01)


def test_delong_of_identical_scores_is_not_significant() -> None:
    labels = np.array([0, 1] * 20)
    scores = np.linspace(0, 1, 40)
    assert delong(labels, scores, scores)[3] == 1.0


def test_holm_adjustment() -> None:
    adjusted = holm([0.01, 0.04, 0.03, 0.5])
    np.testing.assert_allclose(adjusted, [0.04, 0.09, 0.09, 0.5])


def test_within_group_auc_only_compares_inside_groups() -> None:
    labels = np.array([1, 0, 1, 0])
    scores = np.array([0.9, 0.8, 0.2, 0.1])
    groups = np.array(["a", "a", "b", "b"])
    assert within_group_auc(labels, scores, groups) == (1.0, 2)
    assert roc_auc_score(labels, scores) == 0.75  # across groups one pair is discordant
    assert np.isnan(within_group_auc(labels, scores, ["a", "b", "c", "d"])[0])
