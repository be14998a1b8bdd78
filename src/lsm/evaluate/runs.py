"""The runs of a study and what summarises them: each model's metrics over seeds with their
interval, the ROC band over seeds, the summed confusion matrices.

One quantity throughout: a model's AUC under a scheme is the mean over seeds of its per-seed test
AUCs, reported with its interval over seeds (:func:`lsm.metrics.mean_interval`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_curve

from lsm.metrics import THRESHOLD, mean_interval
from lsm.names import (
    METRICS,
)

BOUNDS = {"kappa": (-1.0, 1.0)}  # every other metric lies in [0, 1]
FEW_SEEDS = 3  # below this many seeds an interval over seeds says little: flagged
FPR_GRID = np.linspace(0, 1, 101)


@dataclass
class Runs:
    """The run table plus access to each run's folder and predictions."""

    table: pd.DataFrame
    root: Path

    def folder(self, scheme: str, model: str, seed: int) -> Path:
        """The folder of one run."""
        return self.root / scheme / model / f"seed{seed}"

    def predictions(self, scheme: str, model: str, seed: int, name: str = "predictions.csv") -> pd.DataFrame:
        """A run's predictions (``name``: predictions.csv, or absences.csv for the authors' absences)."""
        return pd.read_csv(self.folder(scheme, model, seed) / name)

    def models(self, scheme: str) -> list[str]:
        """The models with runs under ``scheme``, in the table's order."""
        return list(dict.fromkeys(self.table.loc[self.table["scheme"] == scheme, "model"]))

    def seeds(self, scheme: str, model: str) -> list[int]:
        """The seeds of one model under one scheme, ascending."""
        t = self.table
        return sorted(t.loc[(t["scheme"] == scheme) & (t["model"] == model), "seed"].tolist())

    def seed_matrix(self, scheme: str, model: str, sample_ids: pd.Index) -> np.ndarray:
        """(seeds, samples) probabilities of the model's seeds, in the order of ``sample_ids``."""
        rows = []
        for seed in self.seeds(scheme, model):
            frame = self.predictions(scheme, model, seed).set_index("sample_id")
            rows.append(frame.loc[sample_ids, "probability"].to_numpy(dtype="float64"))
        return np.vstack(rows)

    def mean_predictions(self, scheme: str, model: str) -> pd.DataFrame:
        """Probabilities averaged over seeds, per test sample (the samples are the same for all seeds)."""
        frames = [
            self.predictions(scheme, model, s).set_index("sample_id") for s in self.seeds(scheme, model)
        ]
        mean = pd.concat([f["probability"] for f in frames], axis=1).mean(axis=1)
        return pd.DataFrame({"probability": mean, "label": frames[0]["label"]}).reset_index()


# -- summaries -------------------------------------------------------------------------------------
THRESHOLD_METRICS = ("accuracy", "precision", "recall", "f1", "kappa")  # they depend on the threshold


def predicts_no_landslide(runs: pd.DataFrame) -> bool:
    """Whether every run predicted every test sample negative: no landslide found (recall 0) and an
    agreement no better or worse than chance's (kappa 0, which false alarms alone would make negative)."""
    return bool(((runs["recall"] == 0) & (runs["kappa"] == 0)).all())


def interval_flag(seeds: int, sd: float, metric: str = "auc", predicts_no_landslide: bool = False) -> str:
    """Why an interval over seeds needs a word of caution, or ''. A model that predicts no landslide
    at the threshold in any seed has thresholded metrics that do not vary either: that is said, not
    called determinism (the CNN alone does so while its AUC varies over seeds)."""
    if seeds < FEW_SEEDS:
        return f"only {seeds} seed(s): the interval says little"
    if sd == 0 and predicts_no_landslide and metric in THRESHOLD_METRICS:
        return (
            f"the same in every seed: no test sample reaches the {THRESHOLD:g} threshold in any seed (the "
            "model predicts no landslide), so accuracy is the share of negatives and the rest are 0"
        )
    if sd == 0:
        return (
            "the same in every seed: the fit is deterministic given the data (an SVM's seed moves only "
            "its calibration, which keeps the ranking; a tree's only breaks ties), so seeds show no spread"
        )
    return ""


def summarise_runs(table: pd.DataFrame) -> pd.DataFrame:
    """Mean, standard deviation and 95 % interval over seeds (clipped to the metric's range) of
    every metric, per scheme and model, with a flag where the interval needs one."""
    rows = []
    for (scheme, model), group in table.groupby(["scheme", "model"], sort=False):
        for metric in METRICS:
            mean, sd, lo, hi = mean_interval(group[metric], bounds=BOUNDS.get(metric, (0.0, 1.0)))
            rows.append(
                {
                    "scheme": scheme,
                    "model": model,
                    "metric": metric,
                    "mean": mean,
                    "sd": sd,
                    "lo": lo,
                    "hi": hi,
                    "seeds": len(group),
                    "flag": interval_flag(len(group), sd, metric, predicts_no_landslide(group)),
                }
            )
    return pd.DataFrame(rows)


def roc_bands(runs: Runs) -> pd.DataFrame:
    """Mean ROC curve over seeds with its range, on a fixed false-positive-rate grid."""
    rows = []
    for (scheme, model), _ in runs.table.groupby(["scheme", "model"], sort=False):
        per_seed = []
        for seed in runs.seeds(scheme, model):
            pred = runs.predictions(scheme, model, seed)
            fpr, tpr, _ = roc_curve(pred["label"], pred["probability"])
            per_seed.append(np.interp(FPR_GRID, fpr, tpr))
        curves = np.array(per_seed)
        rows += [
            {
                "scheme": scheme,
                "model": model,
                "fpr": round(float(x), 4),
                "tpr": float(curves[:, i].mean()),
                "tpr_min": float(curves[:, i].min()),
                "tpr_max": float(curves[:, i].max()),
            }
            for i, x in enumerate(FPR_GRID)
        ]
    return pd.DataFrame(rows)


def confusion_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Confusion matrices summed over seeds, per scheme and model."""
    cols = ["cm_tn", "cm_fp", "cm_fn", "cm_tp"]
    return table.groupby(["scheme", "model"], sort=False)[cols].sum().reset_index()
