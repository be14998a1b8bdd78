"""Statistics for comparing models: DeLong's test (on one set of predictions or on the mean over seeds
of per-seed AUCs, the quantity the tables report), a cluster bootstrap (landslides cluster, so test
samples are not independent), Holm's correction and pairwise AUCs within groups ("where" and
"when"). The interval over seeds is in :mod:`lsm.metrics`, below the stage that trains.

One module of about 400 lines on purpose: DeLong's placement values feed both the test on one run
and the test on seed means, and the bootstrap shares their blocks of weights; apart they would
repeat each other."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse, stats
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from lsm.names import CONTRADICTED, NOT_SIGNIFICANT, SUPPORTED, UNTESTABLE

# Bootstrap replicates are processed in blocks of about this many (replicate, sample) weights, so
# memory stays bounded (~16 MB of float64) whatever the size of the test set.
_BLOCK_ELEMENTS = 2_000_000


def _midranks(x: np.ndarray) -> np.ndarray:
    return stats.rankdata(x, method="average")


def delong(labels, scores_a, scores_b) -> tuple[float, float, float, float]:
    """DeLong's test of two correlated ROC AUCs on the same samples (fast algorithm of Sun & Xu 2014).

    Returns (auc_a, auc_b, z, two-sided p). Positive z: model a has the higher AUC.
    """
    labels = np.asarray(labels).astype(bool)
    scores = np.vstack([np.asarray(scores_a, dtype="float64"), np.asarray(scores_b, dtype="float64")])
    pos, neg = scores[:, labels], scores[:, ~labels]
    m, n = pos.shape[1], neg.shape[1]
    if m < 2 or n < 2:
        raise ValueError("DeLong's test needs at least two positives and two negatives")
    tx = np.array([_midranks(p) for p in pos])
    ty = np.array([_midranks(q) for q in neg])
    tz = np.array([_midranks(s) for s in np.hstack([pos, neg])])
    aucs = tz[:, :m].sum(axis=1) / (m * n) - (m + 1.0) / (2.0 * n)
    v01 = (tz[:, :m] - tx) / n
    v10 = 1.0 - (tz[:, m:] - ty) / m
    cov = np.cov(v01) / m + np.cov(v10) / n
    var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    diff = aucs[0] - aucs[1]
    if var > 0:
        z = diff / np.sqrt(var)
    else:  # identical scores: no difference; otherwise a difference without variance
        z = 0.0 if diff == 0 else np.sign(diff) * np.inf
    p = float(2 * stats.norm.sf(abs(z)))
    return float(aucs[0]), float(aucs[1]), float(z), p


@dataclass(frozen=True)
class DelongResult:
    """DeLong's comparison of two seed-mean AUCs (reference minus baseline)."""

    auc_ref: float
    auc_base: float
    difference: float
    se: float
    z: float
    p: float

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Normal interval of the difference, for showing beside the bootstrap's."""
        half = float(stats.norm.ppf(0.5 + level / 2) * self.se)
        return (self.difference - half, self.difference + half)


def _seed_matrix(labels: np.ndarray, scores, name: str) -> np.ndarray:
    """Scores as a finite (seeds, samples) float array; one seed may be given as a vector."""
    matrix = np.atleast_2d(np.asarray(scores, dtype="float64"))
    if matrix.ndim != 2 or matrix.shape[1] != labels.size or matrix.shape[0] == 0:
        raise ValueError(f"{name} must be (seeds, {labels.size}) scores, got shape {np.shape(scores)}")
    if not np.isfinite(matrix).all():
        raise ValueError(f"{name} holds non-finite scores")
    return matrix


def _binary_labels(labels) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.isin(labels, (0, 1)).all():
        raise ValueError("labels must be a vector of 0/1 (or booleans)")
    return labels.astype(bool)


def _seed_mean_placements(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """DeLong's components averaged over seeds.

    For a positive: the share of negatives it outranks (ties one half); for a negative: the share of
    positives that outrank it. Each AUC is the mean of either, so the seed-mean AUC is the mean of
    the seed-averaged components.
    """
    pos, neg = scores[:, labels], scores[:, ~labels]
    m, n = pos.shape[1], neg.shape[1]
    ranks_all = stats.rankdata(np.hstack([pos, neg]), method="average", axis=1)
    negatives_below = ranks_all[:, :m] - stats.rankdata(pos, method="average", axis=1)
    positives_below = ranks_all[:, m:] - stats.rankdata(neg, method="average", axis=1)
    return (negatives_below / n).mean(axis=0), (1.0 - positives_below / m).mean(axis=0)


def delong_seed_mean(labels, scores_ref, scores_base) -> DelongResult:
    """DeLong's test of the mean over seeds of per-seed AUCs (what tab01 reports), reference minus
    baseline.

    Scores are (seeds, samples) arrays on the same test samples; the two models may have different
    numbers of seeds. The models (all their seeds) are held fixed and the test samples are the
    random part, as in DeLong's test; seed-to-seed spread is the business of ``mean_interval``.
    With one seed this is ``delong``. Raises ValueError with fewer than two samples of a class.
    """
    labels = _binary_labels(labels)
    m, n = int(labels.sum()), int((~labels).sum())
    if m < 2 or n < 2:
        raise ValueError("DeLong's test needs at least two positives and two negatives")
    ref_pos, ref_neg = _seed_mean_placements(labels, _seed_matrix(labels, scores_ref, "scores_ref"))
    base_pos, base_neg = _seed_mean_placements(labels, _seed_matrix(labels, scores_base, "scores_base"))
    auc_ref, auc_base = float(ref_pos.mean()), float(base_pos.mean())
    diff = auc_ref - auc_base
    var = float(np.var(ref_pos - base_pos, ddof=1) / m + np.var(ref_neg - base_neg, ddof=1) / n)
    if var > 0:
        z = diff / np.sqrt(var)
    else:  # identical placements: no difference; otherwise a difference without variance
        z = 0.0 if diff == 0 else float(np.sign(diff) * np.inf)
    p = float(2 * stats.norm.sf(abs(z)))
    return DelongResult(auc_ref, auc_base, diff, float(np.sqrt(max(var, 0.0))), float(z), p)


def spatial_blocks(x, y, block_m: float) -> np.ndarray:
    """Label of the square block (side ``block_m``) each point falls in, numbered 0..k-1: the
    clusters of a block bootstrap. Unlike single linkage, blocks never chain a dense sample set into
    one cluster."""
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    if block_m <= 0 or not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("blocks need finite coordinates and a positive size")
    keys = np.column_stack([np.floor(x / block_m), np.floor(y / block_m)])
    _, labels = np.unique(keys, axis=0, return_inverse=True)
    return labels.ravel().astype(np.int64)


def spatial_clusters(x, y, linkage_m: float) -> np.ndarray:
    """Single-linkage cluster of each point: points closer than ``linkage_m`` (metres, inclusive)
    are joined, and chains of such links make one cluster. Labels are 0..k-1 in order of first
    appearance. Samples at the same place (a landslide and its same-place negatives) always share
    a cluster."""
    points = np.column_stack([np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")])
    if not np.isfinite(points).all():
        raise ValueError("spatial_clusters needs finite coordinates")
    if not linkage_m >= 0:
        raise ValueError(f"linkage_m must be >= 0, got {linkage_m}")
    n = len(points)
    if n == 0:
        return np.zeros(0, dtype="int64")
    pairs = cKDTree(points).query_pairs(r=linkage_m, output_type="ndarray")
    graph = sparse.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, raw = connected_components(graph, directed=False)
    _, first = np.unique(raw, return_index=True)
    relabel = np.empty(first.size, dtype="int64")
    relabel[np.argsort(first)] = np.arange(first.size)
    return relabel[raw]


@dataclass(frozen=True)
class BootstrapResult:
    """Cluster bootstrap of the difference of seed-mean AUCs (reference minus baseline)."""

    auc_ref: float
    auc_base: float
    difference: float
    low: float
    high: float
    se: float
    p: float
    n_boot: int
    level: float
    clusters: int
    clusters_with_positives: int
    clusters_with_negatives: int


def _cluster_index(labels: np.ndarray, clusters) -> tuple[np.ndarray, int, int]:
    """Cluster of each sample as 0..k-1, and how many clusters hold positives and negatives."""
    clusters = np.asarray(clusters)
    if clusters.shape != labels.shape:
        raise ValueError(f"clusters must label each of the {labels.size} samples, got {clusters.shape}")
    _, cluster_of_sample = np.unique(clusters, return_inverse=True)
    with_pos = np.unique(cluster_of_sample[labels]).size
    with_neg = np.unique(cluster_of_sample[~labels]).size
    if with_pos < 2 or with_neg < 2:
        raise ValueError(
            f"a cluster bootstrap needs at least two clusters holding each class, got {with_pos} with "
            f"positives and {with_neg} with negatives"
        )
    return cluster_of_sample, with_pos, with_neg


def _cluster_strata(labels: np.ndarray, cluster_of_sample: np.ndarray) -> list[np.ndarray]:
    """Clusters grouped by what they hold: positives only, negatives only, both.

    A mixed cluster (a landslide and its same-place negatives, or nearby samples of both kinds) is
    kept whole rather than split by class: its positives and negatives share the place, hence their
    scores, and splitting them would drop exactly the dependence the bootstrap is there to keep.
    Resampling each stratum with its own count keeps both classes in every replicate.
    """
    n_clusters = int(cluster_of_sample.max()) + 1
    has_pos = np.bincount(cluster_of_sample[labels], minlength=n_clusters) > 0
    has_neg = np.bincount(cluster_of_sample[~labels], minlength=n_clusters) > 0
    strata = [np.flatnonzero(has_pos & ~has_neg), np.flatnonzero(has_neg & ~has_pos)]
    strata.append(np.flatnonzero(has_pos & has_neg))
    return [s for s in strata if s.size]


def _draw_cluster_counts(
    rng: np.random.Generator, strata: list[np.ndarray], n_clusters: int, n_rep: int
) -> np.ndarray:
    """How often each cluster is drawn in each of n_rep replicates, (n_rep, n_clusters)."""
    counts = np.zeros(n_rep * n_clusters, dtype="float64")
    row_offset = (np.arange(n_rep) * n_clusters)[:, None]
    for stratum in strata:
        draws = stratum[rng.integers(0, stratum.size, size=(n_rep, stratum.size))]
        counts += np.bincount((draws + row_offset).ravel(), minlength=counts.size)
    return counts.reshape(n_rep, n_clusters)


def _auc_plan(labels: np.ndarray, scores: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per seed: negatives in score order, and for each positive where its score falls among them
    (first tied, first above), so a weighted AUC is a cumulative sum and two look-ups."""
    pos_idx, neg_idx = np.flatnonzero(labels), np.flatnonzero(~labels)
    plan = []
    for row in scores:
        order = neg_idx[np.argsort(row[neg_idx], kind="stable")]
        neg_sorted = row[order]
        below = np.searchsorted(neg_sorted, row[pos_idx], side="left")
        not_above = np.searchsorted(neg_sorted, row[pos_idx], side="right")
        plan.append((order, below, not_above))
    return plan


def _weighted_seed_aucs(
    pos_idx: np.ndarray, plan: list[tuple[np.ndarray, np.ndarray, np.ndarray]], weights: np.ndarray
) -> np.ndarray:
    """The AUC of each seed with each sample counted ``weights`` times, (replicates, seeds).

    Weights are how often a sample is drawn, so this equals the AUC of the materialised replicate
    (ties count one half) without building it.
    """
    w_pos = weights[:, pos_idx]
    out = np.empty((weights.shape[0], len(plan)))
    cumulative = np.zeros((weights.shape[0], plan[0][0].size + 1))
    for k, (order, below, not_above) in enumerate(plan):
        np.cumsum(weights[:, order], axis=1, out=cumulative[:, 1:])
        strictly_below = cumulative[:, below]
        tied = cumulative[:, not_above] - strictly_below
        out[:, k] = ((strictly_below + 0.5 * tied) * w_pos).sum(axis=1)
    return out / (w_pos.sum(axis=1) * cumulative[:, -1])[:, None]


def _weighted_seed_mean_auc(
    pos_idx: np.ndarray, plan: list[tuple[np.ndarray, np.ndarray, np.ndarray]], weights: np.ndarray
) -> np.ndarray:
    """Mean over seeds of :func:`_weighted_seed_aucs`, per replicate row."""
    return _weighted_seed_aucs(pos_idx, plan, weights).mean(axis=1)


def _bootstrap_p(difference: float, replicates: np.ndarray) -> float:
    """Two-sided p: twice the share of replicates on the other side of zero (ties count against),
    with the +1 correction so that it is never 0. It is below 1 - level exactly when the percentile
    interval (nearly) excludes zero."""
    if difference == 0:
        return 1.0
    other_side = int((replicates <= 0).sum() if difference > 0 else (replicates >= 0).sum())
    return float(min(1.0, 2.0 * (other_side + 1) / (replicates.size + 1)))


def cluster_bootstrap(
    labels,
    scores_ref,
    scores_base,
    clusters,
    n_boot: int,
    seed: int = 0,
    level: float = 0.95,
) -> BootstrapResult:
    """Paired cluster bootstrap of the difference of seed-mean AUCs (reference minus baseline), the
    trained models held fixed: :func:`two_level_bootstrap` of two models without drawing seeds.

    Scores are (seeds, samples) on the same test samples; ``clusters`` labels each sample (e.g.
    ``spatial_clusters`` of its location). Whole clusters are drawn with replacement, separately
    among clusters of positives only, of negatives only and of both (see ``_cluster_strata``), and
    each replicate weights every sample of every model and seed alike. Unlike DeLong's test this
    does not treat neighbouring landslides as independent. Returns the observed difference, the
    percentile interval, the replicates' standard deviation and a two-sided p; deterministic for a
    seed. Raises ValueError when fewer than two clusters hold each class (no spread to measure).
    """
    if not 0 < level < 1:
        raise ValueError(f"need 0 < level < 1, got {level}")
    labels = _binary_labels(labels)
    scores = {
        "ref": _seed_matrix(labels, scores_ref, "scores_ref"),
        "base": _seed_matrix(labels, scores_base, "scores_base"),
    }
    boot = two_level_bootstrap(labels, scores, clusters, n_boot, seed, resample_seeds=False)
    difference, replicates = boot.difference("ref", "base")
    low, high = np.quantile(replicates, [(1 - level) / 2, (1 + level) / 2])
    return BootstrapResult(
        auc_ref=boot.observed["ref"],
        auc_base=boot.observed["base"],
        difference=difference,
        low=float(low),
        high=float(high),
        se=float(replicates.std(ddof=1)) if n_boot > 1 else 0.0,
        p=_bootstrap_p(difference, replicates),
        n_boot=n_boot,
        level=level,
        clusters=boot.clusters,
        clusters_with_positives=boot.clusters_with_positives,
        clusters_with_negatives=boot.clusters_with_negatives,
    )


@dataclass(frozen=True)
class ReplicatedAucs:
    """Every model's seed-mean AUC on the test samples and in each bootstrap replicate; replicates
    of different models share their cluster draws, so any two can be differenced (paired)."""

    observed: dict[str, float]
    replicates: dict[str, np.ndarray]  # (n_boot,) per model
    clusters: int
    clusters_with_positives: int
    clusters_with_negatives: int

    def difference(self, reference: str, baseline: str) -> tuple[float, np.ndarray]:
        """The observed difference and its replicates, reference minus baseline."""
        observed = self.observed[reference] - self.observed[baseline]
        return observed, self.replicates[reference] - self.replicates[baseline]


def _seed_stream(seed: int, name: str) -> np.random.Generator:
    """The stream that draws one model's seeds: fixed by the bootstrap's seed and the model's name
    alone, so adding or removing another model changes none of its draws."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def two_level_bootstrap(
    labels,
    scores: Mapping[str, np.ndarray],
    clusters,
    n_boot: int,
    seed: int = 0,
    resample_seeds: bool = True,
) -> ReplicatedAucs:
    """Bootstrap of each model's seed-mean AUC over both sources of chance: the test samples (whole
    spatial clusters drawn with replacement, as :func:`cluster_bootstrap`) and, with
    ``resample_seeds``, training (each model's seeds drawn with replacement, independently of the
    other models': a seed number means nothing across models). Holding the trained models fixed
    answers "are these five networks better than those five trees?"; the claims are about the
    methods, whose next training run is another draw.

    ``scores`` maps each model to its (seeds, samples) scores on the same test samples. One draw of
    clusters serves every model (paired differences); the seed draws are per model
    (:func:`_seed_stream`). Raises ValueError when fewer than two clusters hold each class.
    """
    labels = _binary_labels(labels)
    if n_boot < 1 or not scores:
        raise ValueError(f"need n_boot >= 1 and at least one model, got {n_boot} and {len(scores)}")
    matrices = {name: _seed_matrix(labels, s, name) for name, s in scores.items()}
    cluster_of_sample, with_pos, with_neg = _cluster_index(labels, clusters)
    n_clusters = int(cluster_of_sample.max()) + 1
    pos_idx = np.flatnonzero(labels)
    plans = {name: _auc_plan(labels, m) for name, m in matrices.items()}
    ones = np.ones((1, labels.size))
    observed = {name: float(_weighted_seed_mean_auc(pos_idx, plan, ones)[0]) for name, plan in plans.items()}
    strata = _cluster_strata(labels, cluster_of_sample)
    rng = np.random.default_rng(seed)
    seed_rngs = {name: _seed_stream(seed, name) for name in matrices}
    block = max(1, _BLOCK_ELEMENTS // labels.size)
    replicates = {name: np.empty(n_boot) for name in matrices}
    for start in range(0, n_boot, block):
        n_rep = min(block, n_boot - start)
        weights = _draw_cluster_counts(rng, strata, n_clusters, n_rep)[:, cluster_of_sample]
        for name, plan in plans.items():
            per_seed = _weighted_seed_aucs(pos_idx, plan, weights)
            k = per_seed.shape[1]
            if resample_seeds and k > 1:
                counts = seed_rngs[name].multinomial(k, np.full(k, 1.0 / k), size=n_rep)
                replicates[name][start : start + n_rep] = (per_seed * counts).sum(axis=1) / k
            else:
                replicates[name][start : start + n_rep] = per_seed.mean(axis=1)
    return ReplicatedAucs(observed, replicates, n_clusters, with_pos, with_neg)


def bootstrap_p(difference: float, replicates: np.ndarray, margin: float = 0.0) -> float:
    """Two-sided p of ``difference`` against ``margin`` from its replicates (:func:`_bootstrap_p`)."""
    return _bootstrap_p(difference - margin, replicates - margin)


def verdict(difference: float, p: float, alpha: float) -> str:
    """The verdict word on "the reference is higher", from a difference and its two-sided p.

    Higher and significant: SUPPORTED. Lower and significant: CONTRADICTED. Anything else:
    NOT_SIGNIFICANT, whichever side the difference falls: a test that cannot tell the models apart
    does not give the sign a meaning, so "lower, not significantly" gets no word of its own (the
    evidence line states the direction). No finite difference or p: UNTESTABLE.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha}")
    if difference is None or p is None or not (np.isfinite(difference) and np.isfinite(p)):
        return UNTESTABLE
    if not 0 <= p <= 1:
        raise ValueError(f"a p-value lies in [0, 1], got {p}")
    if p < alpha and difference > 0:
        return SUPPORTED
    if p < alpha and difference < 0:
        return CONTRADICTED
    return NOT_SIGNIFICANT


def holm(p_values) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values (family-wise error control)."""
    p = np.asarray(p_values, dtype="float64")
    order = np.argsort(p)
    adjusted = np.empty_like(p)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        adjusted[i] = running
    return adjusted


# Scores closer than this are tied in a within-group AUC: the networks' probabilities are float32,
# and one input predicted in two batches can differ in its last bits (2e-8 seen on the tiny study),
# which would make a static model "tell days apart" at one place.
TIE_TOLERANCE = 1e-7


def _within_group_wins(labels, scores, groups) -> tuple[np.ndarray, np.ndarray]:
    """Per group holding both classes: each seed's wins over its positive-negative pairs (ties, to
    :data:`TIE_TOLERANCE`, one half), (groups, seeds), and the number of pairs, (groups,)."""
    labels = np.asarray(labels).astype(bool)
    matrix = np.atleast_2d(np.asarray(scores, dtype="float64"))
    groups = np.asarray(groups)
    wins, pairs = [], []
    for g in np.unique(groups):
        sel = groups == g
        pos, neg = matrix[:, sel & labels], matrix[:, sel & ~labels]
        if pos.shape[1] and neg.shape[1]:
            diff = pos[:, :, None] - neg[:, None, :]
            tied = np.abs(diff) <= TIE_TOLERANCE
            wins.append(
                ((diff > TIE_TOLERANCE).sum(axis=(1, 2)) + 0.5 * tied.sum(axis=(1, 2))).astype("float64")
            )
            pairs.append(pos.shape[1] * neg.shape[1])
    return np.array(wins).reshape(len(pairs), matrix.shape[0]), np.array(pairs, dtype="float64")


def within_group_auc(labels, scores, groups) -> tuple[float, int]:
    """AUC over positive-negative pairs that share a group (same place, or same date).

    Ties count one half. Returns (AUC, number of pairs); NaN when no group has both classes.
    """
    wins, pairs = _within_group_wins(labels, scores, groups)
    return (float(wins.sum() / pairs.sum()) if pairs.size else float("nan")), int(pairs.sum())


@dataclass(frozen=True)
class WithinGroupAuc:
    """A seed-mean AUC over pairs within groups, with a two-level bootstrap interval."""

    auc: float
    low: float
    high: float
    pairs: int
    groups: int  # groups holding at least one pair


def within_group_bootstrap(labels, scores, groups, n_boot: int, seed: int = 0) -> WithinGroupAuc:
    """:func:`within_group_auc` of each seed's scores (seeds, samples), averaged over seeds, with a
    95 % interval that draws the groups (the places, or the days) and the seeds with replacement:
    such AUCs often rest on a few dozen pairs, and their spread is mostly which groups there are."""
    w, p = _within_group_wins(labels, scores, groups)  # (groups, seeds), (groups,)
    if not p.size:
        return WithinGroupAuc(float("nan"), float("nan"), float("nan"), 0, 0)
    k = w.shape[1]
    auc = float(w.mean(axis=1).sum() / p.sum())
    rng = np.random.default_rng(seed)
    counts = np.stack([np.bincount(rng.integers(0, p.size, p.size), minlength=p.size) for _ in range(n_boot)])
    seed_counts = rng.multinomial(k, np.full(k, 1.0 / k), size=n_boot)
    replicates = ((counts @ w) * seed_counts).sum(axis=1) / k / (counts @ p)
    low, high = np.quantile(replicates, [0.025, 0.975])
    return WithinGroupAuc(auc, float(low), float(high), int(p.sum()), int(p.size))


@dataclass(frozen=True)
class BlockBootstrap:
    """Difference of means between two groups of map pixels, with its block-bootstrap interval."""

    difference: float
    low: float
    high: float
    p: float
    blocks: int


def block_bootstrap_difference(
    values: np.ndarray,
    group: np.ndarray,
    blocks: np.ndarray,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> BlockBootstrap:
    """Mean of ``values`` where ``group`` minus the mean elsewhere, with an interval from resampling
    whole spatial ``blocks`` (neighbouring pixels are not independent). Seeded, deterministic."""
    values = np.asarray(values, dtype="float64")
    group = np.asarray(group, dtype=bool)
    if not group.any() or group.all():
        return BlockBootstrap(float("nan"), float("nan"), float("nan"), float("nan"), 0)
    _, block = np.unique(np.asarray(blocks), return_inverse=True)
    count = int(block.max()) + 1
    sums = np.stack(
        [np.bincount(block, weights=values * g, minlength=count) for g in (group, ~group)]
    )  # (2, blocks)
    sizes = np.stack([np.bincount(block, weights=g.astype(float), minlength=count) for g in (group, ~group)])
    observed = sums[0].sum() / sizes[0].sum() - sums[1].sum() / sizes[1].sum()
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, count, size=(n_boot, count))
    weights = np.stack([np.bincount(d, minlength=count) for d in draws]).astype("float64")  # (boot, blocks)
    with np.errstate(invalid="ignore", divide="ignore"):
        replicates = (weights @ sums[0]) / (weights @ sizes[0]) - (weights @ sums[1]) / (weights @ sizes[1])
    replicates = replicates[np.isfinite(replicates)]
    alpha = (1 - level) / 2
    low, high = np.quantile(replicates, [alpha, 1 - alpha]) if replicates.size else (np.nan, np.nan)
    return BlockBootstrap(
        float(observed), float(low), float(high), _bootstrap_p(float(observed), replicates), count
    )
