"""The authors' absences (absences.gpkg, where a study brings them): an independent negative set
the static models are scored against.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from lsm.data.samples import SampleSet
from lsm.evaluate.runs import Runs
from lsm.names import (
    TEST,
)


# -- the authors' absences: an independent negative set ----------------------------------------------
def absence_split(samples: SampleSet, splits: pd.DataFrame, scheme: str) -> np.ndarray:
    """Which absences count as test negatives under ``scheme``: all under ``random`` (no model saw
    them), under ``spatial`` those whose nearest sample is a test sample (they lie in the held-out
    region), none under ``temporal`` (they have no date)."""
    from scipy.spatial import cKDTree

    absences = samples.absences
    if absences is None or scheme == "temporal":
        return np.zeros(0 if absences is None else len(absences.table), dtype=bool)
    if scheme == "random":
        return np.ones(len(absences.table), dtype=bool)
    t = samples.table
    xy = np.column_stack([t.geometry.x, t.geometry.y])
    nearest = cKDTree(xy).query(absences.table[["x", "y"]].to_numpy())[1]
    return splits[scheme].to_numpy()[nearest] == TEST


def absence_metrics(runs: Runs, samples: SampleSet, splits: pd.DataFrame) -> pd.DataFrame:
    """AUC of every run with its test landslides against the authors' absences (not our negatives)."""
    if samples.absences is None:
        return pd.DataFrame(columns=["scheme", "model", "seed", "auc_absences", "positives", "absences"])
    rows = []
    positives = samples.table.set_index("sample_id")["label"]
    for (scheme, model, seed), _ in runs.table.groupby(["scheme", "model", "seed"], sort=False):
        use = absence_split(samples, splits, scheme)
        scored = runs.predictions(scheme, model, seed, "absences.csv")
        if not use.any() or scored.empty:
            continue
        test = runs.predictions(scheme, model, seed)
        pos = test[positives.loc[test["sample_id"]].to_numpy() == 1]["probability"].to_numpy()
        neg = scored["probability"].to_numpy()[use]
        labels = np.r_[np.ones(pos.size), np.zeros(neg.size)]
        auc = roc_auc_score(labels, np.r_[pos, neg])
        rows.append(
            {
                "scheme": scheme,
                "model": model,
                "seed": seed,
                "auc_absences": auc,
                "positives": pos.size,
                "absences": neg.size,
            }
        )
    return pd.DataFrame(rows)
