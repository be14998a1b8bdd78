"""What one training run gives back: its test predictions, their metrics and its learning curve.

Its own small module, below both trainers (scikit-learn in :mod:`lsm.learn.train`, PyTorch in
:mod:`lsm.learn.train_torch`), so that neither imports the other for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lsm.data.samples import SampleSet
from lsm.metrics import binary_metrics


@dataclass
class RunResult:
    """The test predictions of one run, their metrics and the learning curve."""

    predictions: pd.DataFrame  # sample_id, probability, label (test samples)
    metrics: dict[str, Any]
    curve: pd.DataFrame  # epoch, train_loss, val_loss, val_auc


def run_result(
    samples: SampleSet, test_idx: np.ndarray, probabilities: np.ndarray, curve: pd.DataFrame
) -> RunResult:
    """The run's result from the probabilities it gave its test samples (``test_idx``)."""
    labels = samples.table["label"].to_numpy()[test_idx]
    predictions = pd.DataFrame(
        {
            "sample_id": samples.table["sample_id"].to_numpy()[test_idx],
            "probability": probabilities,
            "label": labels,
        }
    )
    return RunResult(predictions, binary_metrics(labels, probabilities), curve)
