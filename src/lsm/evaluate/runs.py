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

from lsm.metrics import mean_interval
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
def interval_flag(seeds: int, sd: float) -> str:
    """Why an interval over seeds needs a word of caution, or ''."""
    if seeds < FEW_SEEDS:
        return f"only {seeds} seed(s): the interval says little"
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
                    "flag": interval_flag(len(group), sd),
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
