"""Training one PyTorch run: Adam with weight decay, BCE on logits, early stopping on the loss of a
validation part carved (stratified, grouped by cell) from the training split, the best epoch's
weights kept; and saving and loading a trained network.

Everything is seeded and torch runs deterministic algorithms with a fixed number of threads, so the
same seed gives the same predictions on a CPU (on a GPU, cuDNN kernels may still differ in the last
bits).
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold
from tqdm import tqdm

from lsm.data.io import atomic_path, write_json
from lsm.data.normalise import Normaliser
from lsm.data.samples import SampleSet
from lsm.learn.models import TorchSettings
from lsm.learn.networks import LandslideNet, to_tensor
from lsm.learn.results import RunResult, run_result
from lsm.names import TEMPORAL_MODELS, TEST, TRAIN


def resolve_device(setting: str) -> torch.device:
    """``auto``: CUDA when present, else CPU."""
    if setting == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(setting)


def seed_everything(seed: int, threads: int) -> None:
    """Seed Python, NumPy and PyTorch and make PyTorch deterministic on ``threads`` threads."""
    # With deterministic algorithms on, cuBLAS (CUDA >= 10.2) raises unless given a fixed workspace
    # (PyTorch's "Reproducibility" notes); it must be set before the first CUDA call, and is inert
    # on the CPU.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True, warn_only=False)


def carve_validation(labels: np.ndarray, groups: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Boolean mask of a stratified, cell-grouped validation part of the training samples."""
    splits = max(2, int(round(1 / fraction)))
    folds = StratifiedGroupKFold(n_splits=splits, shuffle=True, random_state=seed)
    _, val = next(folds.split(np.zeros(len(labels)), labels, groups))
    mask = np.zeros(len(labels), dtype=bool)
    mask[val] = True
    return mask


def cell_groups(samples: SampleSet) -> np.ndarray:
    """Each sample's grid cell: samples of one cell stay on one side of every fold."""
    return (samples.table["row"].astype(str) + "_" + samples.table["col"].astype(str)).to_numpy()


# -- torch -----------------------------------------------------------------------------------------
def predict_torch(
    model: LandslideNet, normaliser: Normaliser, patches, sequences, device: torch.device, batch: int = 512
) -> np.ndarray:
    """Probabilities for raw (unnormalised) patches and sequences."""
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(patches), batch):
            p = to_tensor(normaliser.patches(patches[start : start + batch]), device)
            s = None
            if sequences is not None and model.lstm is not None:
                s = to_tensor(normaliser.sequences(sequences[start : start + batch]), device)
            out.append(torch.sigmoid(model(p, s)).cpu().numpy())
    return np.concatenate(out).astype("float64") if out else np.zeros(0)


@dataclass
class _TorchData:
    """The normalised inputs of every sample on the device, and which samples fit and which validate."""

    patches: torch.Tensor
    sequences: torch.Tensor | None
    target: torch.Tensor
    labels: np.ndarray
    fit_idx: np.ndarray
    val_idx: np.ndarray


def _torch_data(
    samples: SampleSet,
    split: np.ndarray,
    sequences: np.ndarray | None,
    validation_fraction: float,
    seed: int,
    device: torch.device,
) -> tuple[_TorchData, Normaliser]:
    """Carve the validation part out of ``split == TRAIN``, fit the normaliser on the rest, and move
    the normalised samples to ``device`` once (the batches index into them)."""
    labels = samples.table["label"].to_numpy()
    train_idx = np.flatnonzero(split == TRAIN)
    val_mask = carve_validation(labels[train_idx], cell_groups(samples)[train_idx], validation_fraction, seed)
    fit_idx, val_idx = train_idx[~val_mask], train_idx[val_mask]
    fit_mask = np.zeros(len(labels), dtype=bool)
    fit_mask[fit_idx] = True
    normaliser = Normaliser.fit(samples.patches, samples.tabular, sequences, fit_mask)
    data = _TorchData(
        patches=to_tensor(normaliser.patches(samples.patches), device),
        sequences=None if sequences is None else to_tensor(normaliser.sequences(sequences), device),
        target=torch.tensor(labels, dtype=torch.float32, device=device),
        labels=labels,
        fit_idx=fit_idx,
        val_idx=val_idx,
    )
    return data, normaliser


def _train_epoch(
    model: LandslideNet,
    data: _TorchData,
    optimiser: torch.optim.Optimizer,
    loss_fn: torch.nn.Module,
    batch_size: int,
    generator: torch.Generator,
) -> float:
    """One pass over the fitting samples in a seeded random order; the mean training loss."""
    model.train()
    order = torch.as_tensor(data.fit_idx)[torch.randperm(len(data.fit_idx), generator=generator)]
    total = 0.0
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size].to(data.target.device)
        optimiser.zero_grad()
        sequences = None if data.sequences is None else data.sequences[batch]
        loss = loss_fn(model(data.patches[batch], sequences), data.target[batch])
        loss.backward()
        optimiser.step()
        total += loss.item() * len(batch)
    return total / len(data.fit_idx)


def _validate_epoch(model: LandslideNet, data: _TorchData, loss_fn: torch.nn.Module) -> tuple[float, float]:
    """Loss and ROC AUC on the validation part (what early stopping and the tuner watch)."""
    model.eval()
    with torch.no_grad():
        v = torch.as_tensor(data.val_idx, device=data.target.device)
        logits = model(data.patches[v], None if data.sequences is None else data.sequences[v])
        val_loss = float(loss_fn(logits, data.target[v]))
        val_auc = float(roc_auc_score(data.labels[data.val_idx], torch.sigmoid(logits).cpu().numpy()))
    return val_loss, val_auc


# A validation loss must drop by more than this to count as better (float noise is no progress).
MIN_LOSS_IMPROVEMENT = 1e-6


@dataclass
class _EarlyStopping:
    """Keeps the weights of the epoch with the lowest validation loss; says when ``patience``
    epochs have passed without a better one."""

    patience: int
    best_loss: float = np.inf
    best_state: dict[str, torch.Tensor] | None = None
    best_epoch: int = 0

    def should_stop(self, epoch: int, val_loss: float, model: LandslideNet) -> bool:
        if val_loss < self.best_loss - MIN_LOSS_IMPROVEMENT:
            self.best_loss, self.best_state, self.best_epoch = (
                val_loss,
                copy.deepcopy(model.state_dict()),
                epoch,
            )
            return False
        return epoch - self.best_epoch >= self.patience


def _fit_torch(
    model: LandslideNet,
    data: _TorchData,
    settings: TorchSettings,
    seed: int,
    description: str,
    progress: bool = False,
) -> tuple[int, pd.DataFrame]:
    """Adam on BCE with early stopping; leaves the best epoch's weights in ``model`` and returns that
    epoch and the learning curve (epoch, train_loss, val_loss, val_auc)."""
    optimiser = torch.optim.Adam(
        model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    generator = torch.Generator().manual_seed(seed)
    stopping = _EarlyStopping(settings.patience)
    rows = []
    epochs = tqdm(range(1, settings.epochs + 1), desc=description, disable=not progress, unit="epoch")
    for epoch in epochs:
        train_loss = _train_epoch(model, data, optimiser, loss_fn, settings.batch_size, generator)
        val_loss, val_auc = _validate_epoch(model, data, loss_fn)
        rows.append({"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss, "val_auc": val_auc})
        if stopping.should_stop(epoch, val_loss, model):
            break
    assert stopping.best_state is not None, "at least one epoch ran"
    model.load_state_dict(stopping.best_state)
    return stopping.best_epoch, pd.DataFrame(rows)


def train_torch(
    kind: str,
    samples: SampleSet,
    split: np.ndarray,
    settings: TorchSettings,
    seed: int,
    device: torch.device,
    threads: int = 1,
    progress: bool = False,
) -> tuple[LandslideNet, Normaliser, RunResult]:
    """Train one torch model on ``split == TRAIN`` (early stopping on a carved validation part) and
    predict ``split == TEST``."""
    seed_everything(seed, threads)
    sequences = samples.sequences if kind in TEMPORAL_MODELS else None
    data, normaliser = _torch_data(samples, split, sequences, settings.validation_fraction, seed, device)
    model = LandslideNet(kind, samples.patches.shape[1], len(samples.sequence_names), settings).to(device)
    best_epoch, curve = _fit_torch(model, data, settings, seed, f"{kind} seed {seed}", progress)
    test_idx = np.flatnonzero(split == TEST)
    probabilities = predict_torch(
        model,
        normaliser,
        samples.patches[test_idx],
        None if sequences is None else sequences[test_idx],
        device,
    )
    result = run_result(samples, test_idx, probabilities, curve)
    result.metrics["best_epoch"] = best_epoch
    return model, normaliser, result


def save_torch_model(
    out_dir: Path, net: LandslideNet, channels: list[str], sequence_features: list[str], patch_size: int
) -> None:
    """``model.pt`` (the state dict) and ``model.json`` (what rebuilds the network around it)."""
    # Through a file object: torch then names the archive's folder "archive", not after the
    # temporary file, so the same weights give the same bytes in every run.
    with atomic_path(Path(out_dir) / "model.pt") as tmp, open(tmp, "wb") as fh:
        torch.save(net.state_dict(), fh)
    architecture = {
        "kind": net.kind,
        "channels": list(channels),
        "sequence_features": list(sequence_features),
        "patch_size": patch_size,
        "settings": net.settings.as_dict(),
    }
    write_json(Path(out_dir) / "model.json", architecture)


def load_torch_run(
    run_dir: Path, device: torch.device | None = None
) -> tuple[LandslideNet, Normaliser, dict]:
    """A trained torch model from its run folder; weights are loaded safely (weights_only)."""
    run_dir = Path(run_dir)
    architecture = json.loads((run_dir / "model.json").read_text())
    settings = TorchSettings.from_config(architecture["settings"])
    model = LandslideNet(
        architecture["kind"], len(architecture["channels"]), len(architecture["sequence_features"]), settings
    )
    state = torch.load(run_dir / "model.pt", map_location=device or "cpu", weights_only=True)
    model.load_state_dict(state)
    model.eval()
    with np.load(run_dir / "normaliser.npz", allow_pickle=False) as data:
        normaliser = Normaliser.from_arrays({k: data[k] for k in data.files})
    return model, normaliser, architecture
