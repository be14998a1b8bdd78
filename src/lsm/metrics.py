"""The pure metric functions of a set of predictions and of values over seeds, below both the stage
that trains (each run scores its own test samples) and the stage that compares runs.

Threshold metrics at 0.5, ROC AUC and Cohen's kappa come from scikit-learn; the interval over seeds
is Student's t (SciPy).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats
from sklearn import metrics

INTERVAL_LEVEL = 0.95  # every interval of the tables
THRESHOLD = 0.5  # a sample is predicted a landslide at this probability (accuracy, precision, ...)


def binary_metrics(
    labels: np.ndarray, probabilities: np.ndarray, threshold: float = THRESHOLD
) -> dict[str, Any]:
    """Accuracy, precision, recall, F1 and kappa at ``threshold``, ROC AUC, and the confusion counts."""
    labels = np.asarray(labels).astype(int)
    probabilities = np.asarray(probabilities, dtype="float64")
    predicted = (probabilities >= threshold).astype(int)
    both = len(np.unique(labels)) == 2
    tn, fp, fn, tp = metrics.confusion_matrix(labels, predicted, labels=[0, 1]).ravel()
    return {
        "n": int(labels.size),
        "positives": int(labels.sum()),
        "accuracy": float(metrics.accuracy_score(labels, predicted)),
        "precision": float(metrics.precision_score(labels, predicted, zero_division=0)),
        "recall": float(metrics.recall_score(labels, predicted, zero_division=0)),
        "f1": float(metrics.f1_score(labels, predicted, zero_division=0)),
        "auc": float(metrics.roc_auc_score(labels, probabilities)) if both else float("nan"),
        "kappa": float(metrics.cohen_kappa_score(labels, predicted)),
        "confusion": {"tn": int(tn), "fp": int(fp), "fn": int(fn), "tp": int(tp)},
    }


def mean_interval(
    values, level: float = INTERVAL_LEVEL, bounds: tuple[float, float] | None = None
) -> tuple[float, float, float, float]:
    """Mean, standard deviation and the t-interval of the mean over seeds.

    ``bounds`` clips the interval to the range the quantity can take (e.g. (0, 1) for AUC or
    accuracy): a t-interval is symmetric and can otherwise claim an AUC above 1. With fewer than 3
    seeds the interval is very wide (t with 1 degree of freedom is 12.7 for 95 %) and with one seed
    it has zero width, not because the value is certain but because nothing measures its spread:
    the caller must flag both.
    """
    values = np.asarray(values, dtype="float64")
    values = values[np.isfinite(values)]
    n = values.size
    if n == 0:
        return (np.nan, np.nan, np.nan, np.nan)
    mean = float(values.mean())
    if n == 1:
        lo = hi = mean
        sd = 0.0
    else:
        sd = float(values.std(ddof=1))
        half = float(stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n))
        lo, hi = mean - half, mean + half
    if bounds is not None:
        low_bound, high_bound = bounds
        if not low_bound < high_bound:
            raise ValueError(f"bounds must be (low, high) with low < high, got {bounds}")
        lo, hi = float(np.clip(lo, low_bound, high_bound)), float(np.clip(hi, low_bound, high_bound))
    return (mean, sd, lo, hi)
