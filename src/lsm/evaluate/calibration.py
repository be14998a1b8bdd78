"""Calibration and threshold choice, fitted on the training side only (:mod:`lsm.learn.held_out`).

- **Calibration** is Platt scaling on the logit of a model's probability: ``p' = sigmoid(a logit(p)
  + b)``, ``a, b`` fitted by unpenalised logistic regression (scikit-learn) on held-out training
  predictions. On the logit, a model that is already calibrated keeps ``a = 1, b = 0`` (the identity);
  a sigmoid rather than isotonic regression because the held-out parts hold a few hundred samples,
  where isotonic regression overfits (scikit-learn's calibration guide). Two numbers per run, so a
  map tile applies each seed's own calibration.
- **Scores**: the Brier score with Murphy's decomposition (reliability - resolution + uncertainty,
  over equal-width bins; exact when forecasts are constant within bins) and the expected
  calibration error (ECE: the count-weighted mean gap between mean forecast and observed frequency
  per bin).
- **Thresholds**: 0.5 (what the paper presumably used), the one that maximises balanced accuracy on
  the held-out training predictions (what ``TunedThresholdClassifierCV`` does by default, taken at
  ``roc_curve``'s exact thresholds instead of a grid), and the one that gives the paper's high class
  its share of the area, read from held-out training predictions of random negatives (drawn
  uniformly over the study area, so their probabilities stand for the area's).
- **Prevalence**: negatives are sampled, so a calibrated probability is calibrated to the samples'
  share of positives, not to how often landslides occur; :func:`prior_shift` moves it to a real
  prevalence (the odds scaled by the ratio of prior odds; Saerens et al. 2002).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn import metrics
from sklearn.linear_model import LogisticRegression

from lsm.metrics import THRESHOLD, binary_metrics

# A probability is kept this far from 0 and 1 before its logit (a tree's leaf can say exactly 0 or 1).
LOGIT_EPS = 1e-6
RAW, CALIBRATED = "raw", "calibrated"  # the two versions of every score
# The three thresholds of the threshold table, in its order.
PAPER_THRESHOLD = "0.5 (presumably the paper's)"
TUNED_THRESHOLD = "tuned on the training side"
SHARE_THRESHOLD = "the paper's high-class share"
THRESHOLD_KINDS = (PAPER_THRESHOLD, TUNED_THRESHOLD, SHARE_THRESHOLD)
THRESHOLD_METRICS = ("accuracy", "precision", "recall", "f1", "kappa")
RANDOM_NEGATIVES = "random"  # the sample kind drawn uniformly over the study area


def logit(p: np.ndarray) -> np.ndarray:
    """The log-odds of ``p``, kept finite."""
    p = np.clip(np.asarray(p, dtype="float64"), LOGIT_EPS, 1 - LOGIT_EPS)
    return np.log(p) - np.log1p(-p)


@dataclass(frozen=True)
class Platt:
    """``p' = sigmoid(slope * logit(p) + intercept)``."""

    slope: float = 1.0
    intercept: float = 0.0

    @classmethod
    def fit(cls, probabilities: np.ndarray, labels: np.ndarray) -> Platt:
        """Fitted on held-out predictions and their labels (both classes needed)."""
        labels = np.asarray(labels).astype(int)
        if len(np.unique(labels)) != 2:
            raise ValueError("Platt scaling needs held-out predictions of both classes")
        model = LogisticRegression(C=np.inf, solver="lbfgs", max_iter=1000)  # C = inf: unpenalised
        model.fit(logit(probabilities)[:, None], labels)
        return cls(float(model.coef_[0, 0]), float(model.intercept_[0]))

    def apply(self, probabilities: np.ndarray) -> np.ndarray:
        """The calibrated probabilities (NaN stays NaN)."""
        z = self.slope * logit(probabilities) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class BrierParts:
    """The Brier score and Murphy's decomposition of it over probability bins."""

    brier: float
    reliability: float  # the mean squared gap between forecast and observed frequency, per bin
    resolution: float  # how far the bins' observed frequencies spread from the base rate
    uncertainty: float  # base rate x (1 - base rate): what no forecast can remove


def bin_of(probabilities: np.ndarray, bins: int) -> np.ndarray:
    """Equal-width bin of each probability (1.0 in the top bin)."""
    return np.minimum((np.asarray(probabilities) * bins).astype(int), bins - 1)


def brier_decomposition(labels: np.ndarray, probabilities: np.ndarray, bins: int) -> BrierParts:
    """Brier score (scikit-learn) and reliability, resolution and uncertainty over ``bins`` bins."""
    y = np.asarray(labels).astype(float)
    p = np.asarray(probabilities, dtype="float64")
    table = reliability_table(y, p, bins)
    weights = table["samples"].to_numpy() / len(y)
    forecast, observed = table["forecast"].to_numpy(), table["observed"].to_numpy()
    base = y.mean()
    return BrierParts(
        brier=float(metrics.brier_score_loss(y, p)),
        reliability=float(np.sum(weights * (forecast - observed) ** 2)),
        resolution=float(np.sum(weights * (observed - base) ** 2)),
        uncertainty=float(base * (1 - base)),
    )


def expected_calibration_error(labels: np.ndarray, probabilities: np.ndarray, bins: int) -> float:
    """Count-weighted mean of |mean forecast - observed frequency| over equal-width bins."""
    table = reliability_table(labels, probabilities, bins)
    return float(
        np.sum(table["samples"] * (table["forecast"] - table["observed"]).abs()) / table["samples"].sum()
    )


def reliability_table(labels: np.ndarray, probabilities: np.ndarray, bins: int) -> pd.DataFrame:
    """Per non-empty bin: ``bin, samples, forecast`` (mean probability), ``observed`` (share of
    positives): the points of a reliability diagram (``sklearn.calibration.calibration_curve``'s
    uniform strategy, with the counts, and the bins of :func:`brier_decomposition`)."""
    y = np.asarray(labels).astype(float)
    p = np.asarray(probabilities, dtype="float64")
    index = bin_of(p, bins)
    n = np.bincount(index, minlength=bins)
    used = n > 0
    return pd.DataFrame(
        {
            "bin": np.flatnonzero(used),
            "samples": n[used],
            "forecast": np.bincount(index, weights=p, minlength=bins)[used] / n[used],
            "observed": np.bincount(index, weights=y, minlength=bins)[used] / n[used],
        }
    )


def tuned_threshold(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """The threshold that maximises balanced accuracy ((TPR + TNR) / 2, Youden's J + 1/2) on these
    predictions; among equal ones the highest (the fewest positives)."""
    fpr, tpr, thresholds = metrics.roc_curve(np.asarray(labels).astype(int), probabilities)
    finite = np.isfinite(thresholds)  # roc_curve's first threshold is +inf (nothing positive)
    score = (tpr - fpr)[finite]
    return float(thresholds[finite][np.flatnonzero(score == score.max())[0]])


def share_threshold(area_probabilities: np.ndarray, share: float) -> float:
    """The threshold above which ``share`` of the area lies, the area given by probabilities of
    points drawn uniformly over it."""
    if not 0 < share < 1:
        raise ValueError(f"a share of the area must lie in (0, 1), got {share}")
    values = np.asarray(area_probabilities, dtype="float64")
    if values.size == 0:
        return float("nan")
    return float(np.quantile(values, 1 - share))


def prior_shift(probabilities: np.ndarray, sample_prevalence: float, prevalence: float) -> np.ndarray:
    """Probabilities calibrated at ``sample_prevalence`` moved to ``prevalence``: the odds times
    ``odds(prevalence) / odds(sample_prevalence)``."""
    for name, value in (("sample_prevalence", sample_prevalence), ("prevalence", prevalence)):
        if not 0 < value < 1:
            raise ValueError(f"{name} must lie in (0, 1), got {value}")
    p = np.asarray(probabilities, dtype="float64")
    ratio = (prevalence / (1 - prevalence)) / (sample_prevalence / (1 - sample_prevalence))
    odds = p / (1 - p)
    return odds * ratio / (1 + odds * ratio)


def calibration_scores(labels: np.ndarray, probabilities: np.ndarray, bins: int) -> dict[str, float]:
    """Brier score, its decomposition and the ECE of one set of predictions."""
    parts = brier_decomposition(labels, probabilities, bins)
    return {
        "brier": parts.brier,
        "reliability": parts.reliability,
        "resolution": parts.resolution,
        "uncertainty": parts.uncertainty,
        "ece": expected_calibration_error(labels, probabilities, bins),
    }


def thresholds_of(held_out: pd.DataFrame, high_share: float) -> dict[str, float]:
    """The three thresholds of one run from its held-out training predictions."""
    area = held_out.loc[held_out["kind"] == RANDOM_NEGATIVES, "probability"].to_numpy()
    return {
        PAPER_THRESHOLD: THRESHOLD,
        TUNED_THRESHOLD: tuned_threshold(held_out["label"].to_numpy(), held_out["probability"].to_numpy()),
        SHARE_THRESHOLD: share_threshold(area, high_share),
    }


def run_calibration(
    held_out: pd.DataFrame, test: pd.DataFrame, high_share: float, bins: int
) -> tuple[Platt, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Everything one run gives: its calibrator (fitted on ``held_out``), the scores of its test
    predictions raw and calibrated, their reliability diagrams, and its metrics at each threshold.

    ``held_out``: ``label, kind, probability`` (training side); ``test``: ``label, probability``.
    """
    platt = Platt.fit(held_out["probability"].to_numpy(), held_out["label"].to_numpy())
    y = test["label"].to_numpy()
    versions = {RAW: test["probability"].to_numpy(), CALIBRATED: platt.apply(test["probability"].to_numpy())}
    scores = pd.DataFrame([{"version": v, **calibration_scores(y, p, bins)} for v, p in versions.items()])
    curves = pd.concat(
        [reliability_table(y, p, bins).assign(version=v) for v, p in versions.items()], ignore_index=True
    )
    rows = []
    for kind, value in thresholds_of(held_out, high_share).items():
        scored = binary_metrics(y, versions[RAW], value) if np.isfinite(value) else {}
        rows.append(
            {"threshold": kind, "value": value, **{m: scored.get(m, np.nan) for m in THRESHOLD_METRICS}}
        )
    return platt, scores, curves, pd.DataFrame(rows)
