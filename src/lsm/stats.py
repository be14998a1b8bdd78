"""Statistics for comparing models: intervals over seeds, DeLong's test, Holm's correction, and
pairwise AUCs within groups ("where" and "when")."""

from __future__ import annotations

import numpy as np
from scipy import stats


def mean_interval(values, level: float = 0.95) -> tuple[float, float, float, float]:
    """Mean, standard deviation and the t-interval of the mean over seeds."""
    values = np.asarray(values, dtype="float64")
    values = values[np.isfinite(values)]
    n = values.size
    if n == 0:
        return (np.nan, np.nan, np.nan, np.nan)
    mean = float(values.mean())
    if n == 1:
        return (mean, 0.0, mean, mean)
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n))
    return (mean, sd, mean - half, mean + half)


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


def within_group_auc(labels, scores, groups) -> tuple[float, int]:
    """AUC over positive-negative pairs that share a group (same place, or same date).

    Ties count one half. Returns (AUC, number of pairs); NaN when no group has both classes.
    """
    labels = np.asarray(labels).astype(bool)
    scores = np.asarray(scores, dtype="float64")
    groups = np.asarray(groups)
    wins, pairs = 0.0, 0
    for g in np.unique(groups):
        sel = groups == g
        pos, neg = scores[sel & labels], scores[sel & ~labels]
        if pos.size and neg.size:
            diff = pos[:, None] - neg[None, :]
            wins += (diff > 0).sum() + 0.5 * (diff == 0).sum()
            pairs += diff.size
    return (wins / pairs if pairs else float("nan")), pairs
