"""Training one run (model x validation scheme x seed) and writing everything it produced.

The scikit-learn models are fitted here; the PyTorch ones in :mod:`lsm.learn.train_torch`, imported
only when a run trains one (so that a scikit-learn job does not load PyTorch).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import log_loss

from lsm.data.io import atomic_path, write_json, write_text
from lsm.data.normalise import Normaliser
from lsm.data.samples import SampleSet
from lsm.data.sequences import window_totals_only
from lsm.learn.models import TorchSettings, save_estimator, sklearn_model, tabular_columns
from lsm.learn.results import RunResult, run_result
from lsm.names import ABLATION_VARIANTS, HYBRID, SKLEARN_MODELS, TEMPORAL_MODELS, TEST, TORCH_MODELS, TRAIN

log = logging.getLogger(__name__)


# -- scikit-learn ----------------------------------------------------------------------------------
def train_sklearn(
    kind: str, samples: SampleSet, split: np.ndarray, params: dict[str, Any], seed: int
) -> tuple[Any, Normaliser, RunResult]:
    """Fit one scikit-learn model on the training samples and score its test samples."""
    labels = samples.table["label"].to_numpy()
    train = split == TRAIN
    normaliser = Normaliser.fit(samples.patches, samples.tabular, None, train)
    columns = tabular_columns(kind, samples.tabular_names)
    x = normaliser.tabular(samples.tabular)[:, columns]
    estimator = sklearn_model(kind, params, seed).fit(x[train], labels[train])
    train_p = estimator.predict_proba(x[train])[:, 1]
    curve = pd.DataFrame(
        {"epoch": [1], "train_loss": [log_loss(labels[train], train_p, labels=[0, 1])], "val_loss": [np.nan]}
    )
    if kind == "mlp":  # the MLP has a real learning curve (loss per epoch, early-stopping score)
        curve = pd.DataFrame(
            {
                "epoch": np.arange(1, len(estimator.loss_curve_) + 1),
                "train_loss": estimator.loss_curve_,
                "val_accuracy": estimator.validation_scores_,
            }
        )
    test_idx = np.flatnonzero(split == TEST)
    probabilities = estimator.predict_proba(x[test_idx])[:, 1]
    result = run_result(samples, test_idx, probabilities, curve)
    result.metrics["columns"] = [samples.tabular_names[i] for i in columns]
    return estimator, normaliser, result


# -- one run, end to end ---------------------------------------------------------------------------
def run_training(
    samples: SampleSet,
    splits: pd.DataFrame,
    scheme: str,
    model: str,
    seed: int,
    models_config: dict[str, Any],
    out_dir: Path,
    progress: bool = False,
) -> dict[str, Any]:
    """Train one run and write model, normaliser, predictions, metrics and learning curve."""
    if list(splits["sample_id"]) != list(samples.table["sample_id"]):
        raise ValueError("splits.csv does not match the samples")
    split = splits[scheme].to_numpy()
    out_dir = Path(out_dir)
    if model in ABLATION_VARIANTS:  # the CNN-LSTM on one series' window totals only
        assert samples.sequences is not None, "the ablation variants exist only with series (lsm.plan)"
        sequences = window_totals_only(samples.sequences, samples.sequence_names, ABLATION_VARIANTS[model])
        samples = replace(samples, sequences=sequences)
    if model in TORCH_MODELS or model in ABLATION_VARIANTS:
        from lsm.learn.train_torch import resolve_device, save_torch_model, train_torch

        settings = TorchSettings.from_config(models_config["torch"])
        device = resolve_device(models_config["device"])
        kind = HYBRID if model in ABLATION_VARIANTS else model
        net, normaliser, result = train_torch(
            kind, samples, split, settings, seed, device, models_config["threads"], progress
        )
        save_torch_model(
            out_dir, net, samples.channel_names, samples.sequence_names, int(samples.patches.shape[-1])
        )
        result.metrics["device"] = str(device)
        fitted: Any = net
    elif model in SKLEARN_MODELS:
        estimator, normaliser, result = train_sklearn(model, samples, split, models_config[model], seed)
        fitted = estimator
        save_estimator(estimator, out_dir / "model.skops")
    else:
        raise ValueError(f"unknown model {model!r}")
    save_normaliser(out_dir, normaliser)
    result.metrics.update(
        {"model": model, "scheme": scheme, "seed": seed, "train": int((split == TRAIN).sum())}
    )
    write_text(out_dir / "predictions.csv", result.predictions.to_csv(index=False, float_format="%.8f"))
    absences = predict_absences(samples, model, fitted, normaliser)
    write_text(out_dir / "absences.csv", absences.to_csv(index=False, float_format="%.8f"))
    write_text(out_dir / "learning_curve.csv", result.curve.to_csv(index=False, float_format="%.6f"))
    write_json(out_dir / "metrics.json", result.metrics)
    log.info("%s/%s/seed%d: AUC %.3f", scheme, model, seed, result.metrics["auc"])
    return result.metrics


def predict_absences(samples: SampleSet, model: str, fitted: Any, normaliser: Normaliser) -> pd.DataFrame:
    """Probabilities of the study's own absences (absences.gpkg; empty without them): an independent
    negative set no model trained on, scored beside our sampled negatives."""
    absences = samples.absences
    if absences is None or model in (*TEMPORAL_MODELS, *ABLATION_VARIANTS) or len(absences.table) == 0:
        return pd.DataFrame({"absence_id": pd.Series(dtype=str), "probability": pd.Series(dtype=float)})
    if model in TORCH_MODELS:
        from lsm.learn.train_torch import predict_torch

        device = next(fitted.parameters()).device
        probabilities = predict_torch(fitted, normaliser, absences.patches, None, device)
    else:
        x = normaliser.tabular(absences.tabular)[:, tabular_columns(model, samples.tabular_names)]
        probabilities = fitted.predict_proba(x)[:, 1]
    return pd.DataFrame({"absence_id": absences.table["absence_id"], "probability": probabilities})


def save_normaliser(out_dir: Path, normaliser: Normaliser) -> None:
    """Write the run's normaliser (normaliser.npz), atomically."""
    with atomic_path(Path(out_dir) / "normaliser.npz") as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **normaliser.to_arrays())  # type: ignore[arg-type]  # numpy's stubs: keywords are arrays
