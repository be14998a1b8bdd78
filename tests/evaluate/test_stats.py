"""Statistics: metric values by hand, intervals, DeLong (per seed and seed-mean) against sklearn and
bootstraps, spatial clusters, the cluster bootstrap, verdict words, Holm, within-group AUC."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from lsm.evaluate.stats import (
    _auc_plan,
    _weighted_seed_mean_auc,
    cluster_bootstrap,
    delong,
    delong_seed_mean,
    holm,
    spatial_clusters,
    verdict,
    within_group_auc,
)
from lsm.metrics import binary_metrics, mean_interval
from lsm.names import CONTRADICTED, NOT_SIGNIFICANT, SUPPORTED, UNTESTABLE


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
    # one input predicted in two batches: float32 rounding is a tie, not a ranking
    same_place = np.array([0.61234567, 0.61234565, 0.3, 0.30000002])
    assert within_group_auc(labels, same_place, groups) == (0.5, 2)
    assert within_group_auc(labels, np.array([0.6123, 0.6121, 0.3, 0.30002]), groups) == (0.5, 2)


def _seeded_scores(rng: np.random.Generator, labels: np.ndarray, strength: float, seeds: int) -> np.ndarray:
    """(seeds, samples) scores: a shared signal plus seed-to-seed noise, rounded so that ties occur."""
    shared = strength * labels + rng.normal(0, 1, labels.size)
    return np.round(shared + rng.normal(0, 0.5, (seeds, labels.size)), 1)


def test_seed_mean_delong_compares_the_mean_of_per_seed_aucs() -> None:
    rng = np.random.default_rng(2)
    labels = rng.random(300) < 0.35
    ref, base = _seeded_scores(rng, labels, 1.2, 5), _seeded_scores(rng, labels, 0.9, 3)
    result = delong_seed_mean(labels, ref, base)
    mean_ref = np.mean([roc_auc_score(labels, s) for s in ref])
    mean_base = np.mean([roc_auc_score(labels, s) for s in base])
    assert abs(result.auc_ref - mean_ref) < 1e-12
    assert abs(result.auc_base - mean_base) < 1e-12
    assert result.difference == pytest.approx(mean_ref - mean_base, abs=1e-12)
    assert result.z == pytest.approx(result.difference / result.se)
    # the ensemble (seed-averaged scores) is another quantity, with another AUC
    assert roc_auc_score(labels, ref.mean(axis=0)) - mean_ref > 0.01


def test_seed_mean_delong_with_one_seed_is_delong() -> None:
    rng = np.random.default_rng(3)
    labels = rng.random(250) < 0.4
    a, b = _seeded_scores(rng, labels, 1.0, 1), _seeded_scores(rng, labels, 0.8, 1)
    auc_a, auc_b, z, p = delong(labels, a[0], b[0])
    for result in (delong_seed_mean(labels, a, b), delong_seed_mean(labels.astype(int), a[0], b[0])):
        assert (result.auc_ref, result.auc_base) == pytest.approx((auc_a, auc_b), abs=1e-12)
        assert (result.z, result.p) == pytest.approx((z, p), rel=1e-9)
    identical = delong_seed_mean(labels, a, a)
    assert (identical.difference, identical.z, identical.p) == (0.0, 0.0, 1.0)


def test_seed_mean_delong_variance_is_that_of_one_seed_when_seeds_agree_and_shrinks_when_not() -> None:
    rng = np.random.default_rng(4)
    labels = rng.random(500) < 0.4
    signal = labels + rng.normal(0, 1, labels.size)
    base = 0.7 * labels + rng.normal(0, 1, labels.size)
    one = delong_seed_mean(labels, signal, base)
    agreeing = delong_seed_mean(labels, np.tile(signal, (5, 1)), base)
    assert agreeing.se == pytest.approx(one.se, rel=1e-12)
    assert agreeing.p == pytest.approx(one.p, rel=1e-9)
    # seeds that disagree: averaging their placements removes part of the seed noise
    ses = []
    for seeds in (1, 4, 16):
        ref = signal + rng.normal(0, 1, (seeds, labels.size))
        per_seed = np.mean([delong_seed_mean(labels, r, base).se for r in ref])
        ses.append(delong_seed_mean(labels, ref, base).se)
        assert ses[-1] <= per_seed + 1e-15
    assert ses == sorted(ses, reverse=True)
    assert ses[-1] < 0.95 * ses[0]


def test_seed_mean_delong_rejects_bad_input() -> None:
    labels = np.array([0, 1, 0, 1, 0, 1])
    scores = np.linspace(0, 1, 6)
    with pytest.raises(ValueError, match="two positives"):
        delong_seed_mean([0, 0, 0, 0, 0, 1], scores, scores)
    with pytest.raises(ValueError, match="shape"):
        delong_seed_mean(labels, scores[:5], scores)
    with pytest.raises(ValueError, match="non-finite"):
        delong_seed_mean(labels, np.r_[scores[:5], np.nan], scores)


def test_spatial_clusters_are_single_linkage_chains() -> None:
    # a chain of links of 90 m (ends 270 m apart), a point 150 m beyond it, a pair at one place
    x = np.array([0.0, 90.0, 180.0, 270.0, 420.0, 5000.0, 5000.0])
    y = np.zeros_like(x)
    np.testing.assert_array_equal(spatial_clusters(x, y, 100.0), [0, 0, 0, 0, 1, 2, 2])
    np.testing.assert_array_equal(spatial_clusters(x, y, 150.0), [0, 0, 0, 0, 0, 1, 1])
    np.testing.assert_array_equal(spatial_clusters(x, y, 0.0), [0, 1, 2, 3, 4, 5, 5])
    order = np.array([5, 0, 4, 6, 1, 2, 3])  # labels follow first appearance, whatever the order
    np.testing.assert_array_equal(spatial_clusters(x[order], y[order], 100.0), [0, 1, 2, 0, 1, 1, 1])
    with pytest.raises(ValueError, match="finite"):
        spatial_clusters([0.0, np.nan], [0.0, 0.0], 100.0)


def test_weighted_auc_equals_the_auc_of_the_materialised_replicate() -> None:
    rng = np.random.default_rng(5)
    labels = rng.random(200) < 0.3
    scores = _seeded_scores(rng, labels, 1.0, 3)
    weights = rng.integers(0, 4, size=(6, labels.size)).astype(float)
    got = _weighted_seed_mean_auc(np.flatnonzero(labels), _auc_plan(labels, scores), weights)
    for row, w in zip(got, weights, strict=True):
        drawn = np.repeat(np.arange(labels.size), w.astype(int))
        expected = np.mean([roc_auc_score(labels[drawn], s[drawn]) for s in scores])
        assert row == pytest.approx(expected, abs=1e-12)


def _clustered_world(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Positives in 8 tight groups of 25 whose scores share a group effect, independent for the two
    models (so they are equally good in expectation); 400 scattered negatives; 5 seeds each."""
    rng = np.random.default_rng(seed)
    groups, per, negatives = 8, 25, 400
    centres = rng.uniform(0, 20_000, (groups, 2))
    xy = np.vstack([np.repeat(centres, per, axis=0) + rng.normal(0, 30, (groups * per, 2))])
    xy = np.vstack([xy, rng.uniform(0, 20_000, (negatives, 2))])
    labels = np.r_[np.ones(groups * per), np.zeros(negatives)].astype(bool)
    group = np.r_[np.repeat(np.arange(groups), per), np.zeros(negatives, dtype=int)]
    scores = []
    for _ in range(2):
        effect = rng.normal(0, 0.6, groups)[group]
        shared = np.where(labels, 1.0 + effect, 0.0) + rng.normal(0, 0.5, labels.size)
        scores.append(shared + rng.normal(0, 0.2, (5, labels.size)))
    return labels, scores[0], scores[1], spatial_clusters(xy[:, 0], xy[:, 1], 200.0)


def test_cluster_bootstrap_is_wider_than_delong_when_positives_cluster() -> None:
    labels, ref, base, clusters = _clustered_world(2)
    assert np.unique(clusters[labels]).size == 8
    exact = delong_seed_mean(labels, ref, base)
    boot = cluster_bootstrap(labels, ref, base, clusters, n_boot=2000)
    assert boot.difference == pytest.approx(exact.difference, abs=1e-12)
    assert (boot.auc_ref, boot.auc_base) == pytest.approx((exact.auc_ref, exact.auc_base), abs=1e-12)
    assert boot.high - boot.low > 2 * np.subtract(*exact.interval()[::-1])
    assert boot.se > 2 * exact.se
    # DeLong calls the (equally good) models different; the cluster bootstrap does not
    assert exact.p < 0.01 < 0.05 < boot.p
    assert boot.clusters_with_positives == 8
    assert boot.clusters_with_negatives == np.unique(clusters[~labels]).size


def test_cluster_bootstrap_agrees_with_delong_on_independent_samples() -> None:
    for seed in (0, 3, 5, 7):
        rng = np.random.default_rng(seed)
        labels = rng.random(600) < 1 / 3
        common = rng.normal(0, 1, labels.size)
        ref = 1.0 * labels + common + rng.normal(0, 0.6, (5, labels.size))
        base = 0.93 * labels + common + rng.normal(0, 0.6, (5, labels.size))
        exact = delong_seed_mean(labels, ref, base)
        boot = cluster_bootstrap(labels, ref, base, np.arange(labels.size), n_boot=2000, seed=seed)
        assert 0.01 < exact.p < 0.5
        assert boot.se == pytest.approx(exact.se, rel=0.1)
        assert 0.5 < boot.p / exact.p < 2
        low, high = exact.interval()
        assert boot.low == pytest.approx(low, abs=0.5 * exact.se)
        assert boot.high == pytest.approx(high, abs=0.5 * exact.se)


def test_cluster_bootstrap_is_deterministic_for_a_seed() -> None:
    labels, ref, base, clusters = _clustered_world(1)
    first = cluster_bootstrap(labels, ref, base, clusters, n_boot=500, seed=11)
    again = cluster_bootstrap(labels, ref, base, clusters, n_boot=500, seed=11)
    other = cluster_bootstrap(labels, ref, base, clusters, n_boot=500, seed=12)
    assert first == again
    assert (first.low, first.high) != (other.low, other.high)
    assert first.difference == other.difference
    assert 2 / 501 <= first.p <= 1


def test_cluster_bootstrap_keeps_both_classes_and_needs_two_clusters_of_each() -> None:
    # positives only in two clusters, each mixed with a same-place negative; other negatives apart
    labels = np.array([1] * 6 + [0] * 2 + [0] * 10).astype(bool)
    clusters = np.r_[[0, 0, 0, 1, 1, 1], [0, 1], np.arange(2, 12)]
    rng = np.random.default_rng(6)
    ref, base = labels + rng.normal(0, 1, (2, 18)), labels + rng.normal(0, 1, (2, 18))
    result = cluster_bootstrap(labels, ref, base, clusters, n_boot=300)
    assert np.isfinite([result.low, result.high, result.p]).all()
    assert (result.clusters, result.clusters_with_positives, result.clusters_with_negatives) == (12, 2, 12)
    with pytest.raises(ValueError, match="two clusters"):
        cluster_bootstrap(labels, ref, base, np.where(labels, 0, clusters), n_boot=10)
    with pytest.raises(ValueError, match="label each"):
        cluster_bootstrap(labels, ref, base, clusters[:-1], n_boot=10)


def test_verdict_has_three_words_and_cannot_be_tested() -> None:
    assert verdict(0.03, 0.01, 0.05) == SUPPORTED == "supported"
    assert verdict(0.03, 0.20, 0.05) == NOT_SIGNIFICANT == "not significant"
    assert verdict(-0.03, 0.20, 0.05) == NOT_SIGNIFICANT  # lower, but the test cannot tell
    assert verdict(-0.03, 0.01, 0.05) == CONTRADICTED == "contradicted"
    assert verdict(0.03, 0.05, 0.05) == NOT_SIGNIFICANT  # p must be below alpha
    assert verdict(0.0, 0.01, 0.05) == NOT_SIGNIFICANT
    assert (
        verdict(float("nan"), 0.01, 0.05)
        == verdict(0.03, float("nan"), 0.05)
        == UNTESTABLE
        == "cannot be tested"
    )
    with pytest.raises(ValueError, match="p-value"):
        verdict(0.03, 1.5, 0.05)


def test_mean_interval_with_bounds_never_leaves_them() -> None:
    rng = np.random.default_rng(9)
    clipped = 0
    for _ in range(200):
        n = int(rng.integers(1, 6))
        values = np.clip(rng.normal(0.97, 0.03, n), 0, 1)
        mean, sd, lo, hi = mean_interval(values, bounds=(0.0, 1.0))
        assert 0.0 <= lo <= mean <= hi <= 1.0
        free = mean_interval(values)
        assert (mean, sd) == (free[0], free[1])
        clipped += free[3] > 1.0
    assert clipped > 50  # the unbounded t-interval does claim AUCs above 1
    assert mean_interval([0.9, 0.99], bounds=(0, 1))[3] == 1.0
    with pytest.raises(ValueError, match="bounds"):
        mean_interval([0.9, 0.95], bounds=(1.0, 0.0))


def test_seeds_that_disagree_widen_the_two_level_bootstrap() -> None:
    """Two models whose five seeds differ in skill (as networks do): on 3,000 independent samples a
    bootstrap of the samples alone calls the seeds' luck a significant difference; drawing the seeds
    too does not. With one seed per model, or seeds left fixed, it is the cluster bootstrap."""
    from lsm.evaluate.stats import bootstrap_p, two_level_bootstrap

    rng = np.random.default_rng(5)
    n = 3000
    labels = np.r_[np.ones(n // 3), np.zeros(n - n // 3)].astype(int)
    skills = {"a": [1.5, 1.2, 1.0, 0.8, 1.3], "b": [0.6, 1.0, 1.4, 0.7, 1.3]}
    scores = {m: np.vstack([labels * q + rng.normal(0, 1, n) for q in qs]) for m, qs in skills.items()}
    fixed = two_level_bootstrap(labels, scores, np.arange(n), 1000, 1, resample_seeds=False)
    both = two_level_bootstrap(labels, scores, np.arange(n), 1000, 1)
    d, fixed_reps = fixed.difference("a", "b")
    assert d == pytest.approx(both.difference("a", "b")[0]) and d > 0.02
    assert bootstrap_p(d, fixed_reps) < 0.01 < 0.05 < bootstrap_p(d, both.difference("a", "b")[1])
    cluster = cluster_bootstrap(labels, scores["a"], scores["b"], np.arange(n), 1000, 1)
    assert cluster.low == pytest.approx(np.quantile(fixed_reps, 0.025))  # the same draws
    # A model's seed draws do not depend on which other models are compared beside it.
    alone = two_level_bootstrap(labels, {"a": scores["a"]}, np.arange(n), 1000, 1)
    np.testing.assert_array_equal(alone.replicates["a"], both.replicates["a"])


def test_within_group_bootstrap_is_the_seed_mean_with_an_interval_over_groups() -> None:
    """The AUC is the mean over seeds of within_group_auc; the interval holds it, and it is wider
    on 8 places than on 200 of the same kind (the spread is mostly which places there are)."""
    from lsm.evaluate.stats import within_group_bootstrap

    rng = np.random.default_rng(2)

    def world(places: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        groups = np.repeat(np.arange(places), 4)
        labels = np.tile([1, 0, 0, 0], places)
        effect = rng.normal(0.5, 1.0, places)[groups]  # some places tell the day well, others not
        scores = np.vstack([labels * effect + rng.normal(0, 1, labels.size) for _ in range(3)])
        return labels, scores, groups

    labels, scores, groups = world(200)
    wide = within_group_bootstrap(*world(8), n_boot=500, seed=1)
    narrow = within_group_bootstrap(labels, scores, groups, n_boot=500, seed=1)
    per_seed = np.mean([within_group_auc(labels, s, groups)[0] for s in scores])
    assert narrow.auc == pytest.approx(per_seed) and narrow.pairs == 600 and narrow.groups == 200
    assert narrow.low < narrow.auc < narrow.high
    assert wide.high - wide.low > 2 * (narrow.high - narrow.low)
