"""Metrics of a run (scikit-learn): threshold metrics at 0.5, ROC AUC, Cohen's kappa, confusion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn import metrics

RUN_METRICS = ("accuracy", "precision", "recall", "f1", "auc", "kappa")
THRESHOLD = 0.5  # a sample is predicted a landslide at this probability (accuracy, precision, ...)


def binary_metrics(
    labels: np.ndarray, probabilities: np.ndarray, threshold: float = THRESHOLD
) -> dict[str, Any]:
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


def runs_table(metrics_files) -> pd.DataFrame:
    """One row per run (model, scheme, seed) with its test metrics, from the runs' metrics.json
    (no rows, but the columns, for no runs)."""
    columns = ["model", "scheme", "seed", "n", "positives", "train", *RUN_METRICS]
    columns += ["cm_tn", "cm_fp", "cm_fn", "cm_tp", "best_epoch"]
    rows = []
    for path in metrics_files:
        m = json.loads(Path(path).read_text())
        row = {k: m[k] for k in ("model", "scheme", "seed", "n", "positives", "train")}
        row.update({k: m[k] for k in RUN_METRICS})
        row.update({f"cm_{k}": v for k, v in m["confusion"].items()})
        row["best_epoch"] = m.get("best_epoch")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["scheme", "model", "seed"]).reset_index(drop=True)
