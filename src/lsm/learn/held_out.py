"""Predictions of a trained run on training samples it did not learn from: what calibration and
threshold choice may be fitted on without touching the test samples.

- A network: its validation part, carved from the training split exactly as training carved it
  (same seed, fraction and cell groups). Early stopping chose the epoch on it, so it is slightly
  optimistic; no weight was fitted to it.
- A scikit-learn model: out-of-fold predictions over the training split (the model refitted, with
  the run's own settings and seed, on the other folds; folds stratified and grouped by cell, so a
  cell's samples never sit on both sides). This is what ``CalibratedClassifierCV(ensemble=False)``
  fits its calibrator on; the run's model itself, fitted on the whole training split, is unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from lsm.data.samples import SampleSet
from lsm.learn.models import load_estimator, tabular_columns
from lsm.names import TEMPORAL_MODELS, TORCH_MODELS, TRAIN

FOLDS = 5  # out-of-fold folds of a scikit-learn model's training split


def held_out_predictions(samples: SampleSet, split: np.ndarray, run_dir: Path, seed: int) -> pd.DataFrame:
    """``sample_id, label, kind, probability`` of the training samples the run did not fit on."""
    run_dir = Path(run_dir)
    labels = samples.table["label"].to_numpy()
    train_idx = np.flatnonzero(split == TRAIN)
    if (run_dir / "model.pt").exists():
        rows, probabilities = _network_validation(samples, train_idx, run_dir, seed)
    else:
        rows, probabilities = _out_of_fold(samples, train_idx, run_dir, seed)
    return pd.DataFrame(
        {
            "sample_id": samples.table["sample_id"].to_numpy()[rows],
            "label": labels[rows],
            "kind": samples.table["kind"].to_numpy()[rows],
            "probability": probabilities,
        }
    )


def _network_validation(
    samples: SampleSet, train_idx: np.ndarray, run_dir: Path, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    from lsm.learn.train_torch import carve_validation, cell_groups, load_torch_run, predict_torch

    architecture = json.loads((run_dir / "model.json").read_text())
    fraction = float(architecture["settings"]["validation_fraction"])
    labels = samples.table["label"].to_numpy()
    mask = carve_validation(labels[train_idx], cell_groups(samples)[train_idx], fraction, seed)
    rows = train_idx[mask]
    net, normaliser, _ = load_torch_run(run_dir)
    sequences = (
        samples.sequences[rows]
        if architecture["kind"] in TEMPORAL_MODELS and samples.sequences is not None
        else None
    )
    return rows, predict_torch(
        net, normaliser, samples.patches[rows], sequences, next(net.parameters()).device
    )


def _out_of_fold(
    samples: SampleSet, train_idx: np.ndarray, run_dir: Path, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict

    from lsm.data.normalise import Normaliser
    from lsm.learn.train_torch import cell_groups

    metrics = json.loads((run_dir / "metrics.json").read_text())
    kind = metrics["model"]
    if kind in TORCH_MODELS:
        raise ValueError(f"{run_dir}: a network's run without its model.pt")
    with np.load(run_dir / "normaliser.npz", allow_pickle=False) as data:
        normaliser = Normaliser.from_arrays({k: data[k] for k in data.files})
    columns = tabular_columns(kind, samples.tabular_names)
    x = normaliser.tabular(samples.tabular[train_idx])[:, columns]
    y = samples.table["label"].to_numpy()[train_idx]
    # The run's estimator unfitted: its settings (tuned or not) and seed, read from the run itself.
    estimator = clone(load_estimator(run_dir / "model.skops"))
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    groups = cell_groups(samples)[train_idx]
    probabilities = cross_val_predict(estimator, x, y, groups=groups, cv=folds, method="predict_proba")[:, 1]
    return train_idx, probabilities
