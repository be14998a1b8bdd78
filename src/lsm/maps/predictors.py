"""Trained runs as predictors: of sample arrays (feature importance) and of raster windows (maps).

One :class:`Ensemble` holds the seeds of one model and validation scheme and averages their
probabilities, so a map or an importance score belongs to the model, not to a lucky seed.

Dense windows (maps) give the same numbers as the patch-by-patch path (:meth:`Ensemble.predict`):
the CNN runs convolutionally over the window (:meth:`lsm.learn.networks.CNNBranch.dense`), the LSTM once
per distinct sequence (one per rain cell and nearest reservoir on the reference day), and the head
per pixel. The standalone LSTM sees each pixel's static channels at every step, so its recurrence
runs per pixel, in batches: about 9 times the CNN-LSTM's multiply-adds per pixel (30 steps of a
32-unit LSTM over 54 inputs against two small convolutions), which sets its map's cost. Splitting
its input projection into a per-sequence and a per-pixel part cuts the multiply-adds by 1.7x but
needs a hand-written recurrence: 13 % faster than PyTorch's fused LSTM in a measurement here, and
not the same bits, so it is not used.

The SVM's seeds share one decision function (the SVC is fitted on the same rows whatever the seed;
the seed only draws the folds of its Platt calibration), so its kernel sums are computed once per
ensemble and each seed applies its own calibration to them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from torch import nn

from lsm.data.normalise import Normaliser
from lsm.learn.models import load_estimator, tabular_columns
from lsm.learn.networks import LandslideNet, to_tensor
from lsm.learn.train_torch import load_torch_run, predict_torch, resolve_device
from lsm.maps.windows import MapWindow
from lsm.names import SKLEARN_MODELS, TEMPORAL_MODELS, TREE_MODELS

# Pixels per batch of the per-pixel LSTM: small enough for a batch's gates to stay in the CPU's cache
# (16,384 took 28 % longer on the default study's map than 4,096; the numbers do not depend on it).
LSTM_BATCH = 4_096
# Models whose prediction of a row depends on that row only and runs without Python's lock.
ROW_BY_ROW_MODELS = ("svm", *TREE_MODELS)


@dataclass
class Member:
    """One trained run (one seed)."""

    kind: str
    normaliser: Normaliser
    net: LandslideNet | None = None
    estimator: Any = None
    columns: list[int] | None = None  # tabular columns a scikit-learn model uses
    platt: tuple[Any, Any] | None = None  # (decision estimator, calibrator): platt_parts
    decision_key: str | None = None  # equal for members whose decision function is the same


def platt_parts(estimator: Any) -> tuple[Any, Any] | None:
    """(decision estimator, Platt calibrator) of a binary ``CalibratedClassifierCV`` fitted with
    ``ensemble=False`` on a decision function; None for any other model.

    Its ``predict_proba`` is then the calibrator applied to the decision values, divided by the one
    classifier's count: what :meth:`Ensemble._sklearn_probabilities` computes from shared values.
    """
    from sklearn.calibration import CalibratedClassifierCV

    if not isinstance(estimator, CalibratedClassifierCV) or estimator.method != "sigmoid":
        return None
    (calibrated,) = estimator.calibrated_classifiers_ or (None,)
    if (
        calibrated is None
        or len(estimator.calibrated_classifiers_) != 1
        or list(estimator.classes_) != [0, 1]
        or not hasattr(calibrated.estimator, "decision_function")
    ):
        return None
    return calibrated.estimator, calibrated.calibrators[0]


def decision_key(estimator: Any, normaliser: Normaliser, columns: list[int]) -> str | None:
    """A digest of everything the decision values of a Platt-calibrated member depend on (its input
    scaling, columns and fitted decision estimator); None for other models."""
    parts = platt_parts(estimator)
    if parts is None:
        return None
    from joblib import hash as joblib_hash

    return str(joblib_hash((normaliser.tabular_mean, normaliser.tabular_std, columns, parts[0])))


@dataclass
class SampleInputs:
    """What the models see of a set of samples (the arrays of :class:`lsm.data.sampling.SampleSet`)."""

    patches: np.ndarray  # (n, channels, patch, patch), raw
    sequences: np.ndarray | None  # (n, days, features), raw
    tabular: np.ndarray  # (n, columns), raw


class Ensemble:
    """The seeds of one model; probabilities are the mean over seeds."""

    def __init__(
        self, run_dirs: list[Path], tabular_names: list[str], device: str = "cpu", threads: int = 1
    ) -> None:
        """``device``: ``cpu``, ``cuda`` or ``auto`` (CUDA when present); ``threads``: the threads
        over which the rows of an SVM's or a tree's prediction are split (:meth:`_by_rows`)."""
        if not run_dirs:
            raise ValueError("an ensemble needs at least one run")
        self.device = resolve_device(device)
        self.threads = threads
        self.tabular_names = list(tabular_names)
        self.members = [self._load(Path(d)) for d in run_dirs]
        kinds = {m.kind for m in self.members}
        if len(kinds) != 1:
            raise ValueError(f"runs of different models in one ensemble: {sorted(kinds)}")
        self.kind = kinds.pop()

    def _load(self, run_dir: Path) -> Member:
        if (run_dir / "model.pt").exists():
            net, normaliser, architecture = load_torch_run(run_dir, self.device)
            # Channels-last convolutions run about twice as fast on CPUs (same numbers to 1e-7).
            net = net.to(memory_format=torch.channels_last)  # type: ignore[call-overload]  # torch's stubs lack it
            return Member(architecture["kind"], normaliser, net=net)
        metrics = json.loads((run_dir / "metrics.json").read_text())
        kind = metrics["model"]
        if kind not in SKLEARN_MODELS:
            raise ValueError(f"{run_dir}: unknown model {kind!r}")
        with np.load(run_dir / "normaliser.npz", allow_pickle=False) as data:
            normaliser = Normaliser.from_arrays({k: data[k] for k in data.files})
        if len(normaliser.tabular_mean) != len(self.tabular_names):
            raise ValueError(f"{run_dir}: trained on other tabular columns than the samples")
        estimator = load_estimator(run_dir / "model.skops")  # skops, trusted types only: no pickle
        columns = tabular_columns(kind, self.tabular_names)
        key = decision_key(estimator, normaliser, columns)
        platt = platt_parts(estimator)
        return Member(kind, normaliser, estimator=estimator, columns=columns, platt=platt, decision_key=key)

    @property
    def uses_sequences(self) -> bool:
        """Whether the model reads the daily sequences."""
        return self.kind in TEMPORAL_MODELS

    # -- samples -----------------------------------------------------------------------------------
    def predict(self, inputs: SampleInputs) -> np.ndarray:
        """Mean probability over seeds for each sample."""
        out = np.zeros(len(inputs.tabular), dtype="float64")
        decisions: dict[str, np.ndarray] = {}
        for member in self.members:
            if member.net is not None:
                seqs = inputs.sequences if self.uses_sequences else None
                out += predict_torch(member.net, member.normaliser, inputs.patches, seqs, self.device)
            else:
                out += self._sklearn_probabilities(member, inputs.tabular, decisions)
        return (out / len(self.members)).astype("float32")

    def _sklearn_probabilities(
        self, member: Member, raw: np.ndarray, decisions: dict[str, np.ndarray]
    ) -> np.ndarray:
        """``member.estimator.predict_proba(x)[:, 1]``, with the decision values of Platt-calibrated
        members computed once per distinct decision function (kept in ``decisions``)."""
        if member.platt is None or member.decision_key is None:
            x = member.normaliser.tabular(raw)[:, member.columns]
            return self._by_rows(member, member.estimator.predict_proba, x)[:, 1]
        decision_estimator, calibrator = member.platt
        if member.decision_key not in decisions:
            x = member.normaliser.tabular(raw)[:, member.columns]
            decisions[member.decision_key] = self._by_rows(member, decision_estimator.decision_function, x)
        # CalibratedClassifierCV.predict_proba's positive column: this value, averaged over its one
        # calibrated classifier (0 + p, then / 1: the same bits; tests/learn/test_predictors.py).
        return calibrator.predict(decisions[member.decision_key])

    def _by_rows(
        self, member: Member, predict: Callable[[np.ndarray], np.ndarray], x: np.ndarray
    ) -> np.ndarray:
        """``predict(x)``, its rows split over ``self.threads`` threads for the models that predict
        row by row in compiled code without Python's lock (libsvm, the trees): each row's value does
        not depend on the others, so any split gives the same bits."""
        if member.kind not in ROW_BY_ROW_MODELS or self.threads <= 1 or len(x) < 2 * self.threads:
            return predict(x)
        from joblib import Parallel, delayed
        from sklearn.utils import gen_even_slices

        parts = Parallel(n_jobs=self.threads, prefer="threads")(
            delayed(predict)(x[rows]) for rows in gen_even_slices(len(x), self.threads)
        )
        return np.concatenate(parts)

    # -- raster windows ----------------------------------------------------------------------------
    def predict_window(self, window: MapWindow) -> np.ndarray:
        """Mean probability over seeds for every pixel of the window (NaN where it cannot be mapped)."""
        return self.predict_window_seeds(window)[0]

    def predict_window_seeds(self, window: MapWindow) -> tuple[np.ndarray, np.ndarray]:
        """(mean over seeds, each seed's probability): ``(h, w)`` and ``(seeds, h, w)`` float32 arrays,
        NaN where the window cannot be mapped. The mean is summed in float64 in seed order, the same
        bits as :meth:`predict`."""
        out = np.full(window.fits.shape, np.nan, dtype="float32")
        seeds = np.full((len(self.members), *window.fits.shape), np.nan, dtype="float32")
        if not window.fits.any():
            return out, seeds
        total = np.zeros(int(window.fits.sum()), dtype="float64")
        decisions: dict[str, np.ndarray] = {}
        tabular = None if self.kind not in SKLEARN_MODELS else window.tabular(self.tabular_names)
        for k, member in enumerate(self.members):
            if member.net is not None:
                probabilities = self._torch_window(member, window)
            else:
                assert tabular is not None, "a scikit-learn member reads the tabular columns"
                probabilities = self._sklearn_probabilities(member, tabular, decisions)
            total += probabilities
            seeds[k][window.fits] = probabilities
        out[window.fits] = total / len(self.members)
        return out, seeds

    @torch.no_grad()
    def _torch_window(self, member: Member, window: MapWindow) -> np.ndarray:
        """The head's first layer is linear, so each branch's share of it is computed where it is
        cheapest: per pixel for the CNN, once per distinct sequence for the CNN-LSTM's LSTM."""
        net, norm = member.net, member.normaliser
        assert net is not None, "a torch member has its network"
        channels = norm.patches(window.channels[None])[0]  # a cell without data: the training mean
        r = window.radius
        flat = np.flatnonzero(window.fits)
        first, rest = cast(nn.Linear, net.head[0]), net.head[1:]
        weights = first.weight
        pre = first.bias.expand(len(flat), -1)
        used = 0
        if net.cnn is not None:
            raster = to_tensor(channels[None], self.device).contiguous(memory_format=torch.channels_last)
            dense = net.cnn.dense(raster, 2 * r + 1)[0]  # (features, h, w), stored pixel-major
            width = dense.shape[0]
            per_pixel = dense.permute(1, 2, 0).reshape(-1, width).index_select(0, torch.as_tensor(flat))
            pre = pre + per_pixel @ weights[:, :width].T
            used = width
        if net.lstm is not None:
            assert window.unique_sequences is not None and window.sequence_index is not None
            sequences = to_tensor(norm.sequences(window.unique_sequences), self.device)
            inverse = torch.as_tensor(window.sequence_index.ravel()[flat])
            lstm_weights = weights[:, used : used + net.lstm.out_features]
            if net.kind == "lstm":  # the pixel's own static channels at every step
                rows, cols = np.divmod(flat, window.fits.shape[1])
                centre = to_tensor(channels[:, rows + r, cols + r].T, self.device)
                hidden = []
                for start in range(0, len(flat), LSTM_BATCH):
                    part = slice(start, start + LSTM_BATCH)
                    seq = sequences[inverse[part]]
                    steps = centre[part, None, :].expand(-1, seq.shape[1], -1)
                    hidden.append(net.lstm(torch.cat([seq, steps], dim=2)))
                pre = pre + torch.cat(hidden) @ lstm_weights.T
            else:  # one LSTM pass per distinct sequence, broadcast to the pixels
                pre = pre + (net.lstm(sequences) @ lstm_weights.T)[inverse]
        logits = rest(pre).squeeze(1)
        return torch.sigmoid(logits).double().cpu().numpy()
