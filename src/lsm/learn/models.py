"""The seven models: the CNN-LSTM and its two branches alone (PyTorch), and SVM, DT, RF, MLP
(scikit-learn) on the tabular rows.

The CNN uses unpadded ("valid") 3x3 convolutions with stride 1 and ends in global average pooling
over what is left of the patch. The same weights therefore run convolutionally over a whole raster:
the convolutions once over the raster, then a box filter of the pooled size, give for every pixel
the number a patch centred on it would give (:meth:`CNNBranch.dense`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

TORCH_MODELS = ("cnn_lstm", "cnn", "lstm")
SKLEARN_MODELS = ("svm", "dt", "rf", "mlp")
ALL_MODELS = (*TORCH_MODELS, *SKLEARN_MODELS)
LABELS = {
    "cnn_lstm": "CNN-LSTM",
    "cnn": "CNN (standalone)",
    "lstm": "LSTM (standalone)",
    "svm": "SVM",
    "dt": "DT",
    "rf": "RF",
    "mlp": "MLP",
}


@dataclass(frozen=True)
class TorchSettings:
    """Architecture and optimisation of the torch models (params.yaml ``models.torch``)."""

    epochs: int = 40
    batch_size: int = 64
    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    patience: int = 8
    validation_fraction: float = 0.15
    conv_channels: tuple[int, ...] = (32, 64)
    lstm_hidden: int = 32
    dense_units: int = 64
    dropout: float = 0.3

    @classmethod
    def from_config(cls, block: dict[str, Any]) -> TorchSettings:
        block = dict(block)
        block["conv_channels"] = tuple(block.get("conv_channels", cls.conv_channels))
        return cls(**block)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["conv_channels"] = list(self.conv_channels)
        return data


class CNNBranch(nn.Module):
    """Valid 3x3 convolutions (stride 1, ReLU), then global average pooling."""

    def __init__(self, in_channels: int, channels: tuple[int, ...]) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        previous = in_channels
        for width in channels:
            layers += [nn.Conv2d(previous, width, kernel_size=3, padding=0), nn.ReLU()]
            previous = width
        self.features = nn.Sequential(*layers)
        self.out_features = previous
        self.shrink = 2 * len(channels)  # pixels lost on each axis by the valid convolutions

    def forward(self, patches: torch.Tensor) -> torch.Tensor:
        return self.features(patches).mean(dim=(2, 3))

    def dense(self, raster: torch.Tensor, patch_size: int) -> torch.Tensor:
        """Branch output for every pixel whose whole patch lies in ``raster``.

        ``raster`` is (batch, channels, H, W); the result is (batch, features, H - patch + 1,
        W - patch + 1), entry [.., i, j] belonging to the patch whose top-left corner is (i, j).
        """
        maps = self.features(raster)
        pooled = patch_size - self.shrink
        # The box mean is separable: two 1-D means (depthwise convolutions, faster than avg_pool2d
        # on CPUs) cost 2k instead of k^2 additions per pixel.
        width = maps.shape[1]
        column = maps.new_full((width, 1, pooled, 1), 1.0 / pooled)
        maps = F.conv2d(maps, column, groups=width)
        return F.conv2d(maps, column.transpose(2, 3), groups=width)


class LSTMBranch(nn.Module):
    def __init__(self, in_features: int, hidden: int) -> None:
        super().__init__()
        self.lstm = nn.LSTM(in_features, hidden, batch_first=True)
        self.out_features = hidden

    def forward(self, sequences: torch.Tensor) -> torch.Tensor:
        _, (hidden, _) = self.lstm(sequences)
        return hidden[-1]


def head(in_features: int, units: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(nn.Linear(in_features, units), nn.ReLU(), nn.Dropout(dropout), nn.Linear(units, 1))


class LandslideNet(nn.Module):
    """CNN-LSTM (both branches, concatenated), CNN-only or LSTM-only, one logit out.

    The LSTM-only model sees, at every time step, the day's series and the centre pixel's static
    channels (so it is not blind to "where").
    """

    def __init__(self, kind: str, channels: int, sequence_features: int, settings: TorchSettings) -> None:
        super().__init__()
        if kind not in TORCH_MODELS:
            raise ValueError(f"unknown torch model {kind!r}")
        self.kind = kind
        self.settings = settings
        self.cnn = CNNBranch(channels, settings.conv_channels) if kind in ("cnn_lstm", "cnn") else None
        lstm_in = sequence_features + (channels if kind == "lstm" else 0)
        self.lstm = LSTMBranch(lstm_in, settings.lstm_hidden) if kind in ("cnn_lstm", "lstm") else None
        width = (self.cnn.out_features if self.cnn else 0) + (self.lstm.out_features if self.lstm else 0)
        self.head: nn.Sequential = head(width, settings.dense_units, settings.dropout)

    def forward(self, patches: torch.Tensor, sequences: torch.Tensor | None) -> torch.Tensor:
        parts = []
        if self.cnn is not None:
            parts.append(self.cnn(patches))
        if self.lstm is not None:
            assert sequences is not None, "an LSTM branch needs sequences"
            seq = sequences
            if self.kind == "lstm":
                r = patches.shape[-1] // 2
                centre = patches[:, :, r, r]
                seq = torch.cat([sequences, centre[:, None, :].expand(-1, sequences.shape[1], -1)], dim=2)
            parts.append(self.lstm(seq))
        return self.head(torch.cat(parts, dim=1)).squeeze(1)


# -- scikit-learn ----------------------------------------------------------------------------------
def sklearn_model(kind: str, params: dict[str, Any], seed: int):
    """A fresh, seeded estimator with predict_proba."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import StratifiedKFold
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    params = dict(params)
    if kind == "svm":  # RBF SVM with Platt-scaled probabilities (for the AUC), seeded calibration folds
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
        return CalibratedClassifierCV(SVC(kernel="rbf", **params), method="sigmoid", cv=folds, ensemble=False)
    if kind == "dt":
        return DecisionTreeClassifier(random_state=seed, **params)
    if kind == "rf":
        return RandomForestClassifier(random_state=seed, n_jobs=1, **params)
    if kind == "mlp":
        params["hidden_layer_sizes"] = tuple(params.get("hidden_layer_sizes", (64, 32)))
        return MLPClassifier(
            random_state=seed, early_stopping=True, max_iter=params.pop("max_iter", 500), **params
        )
    raise ValueError(f"unknown scikit-learn model {kind!r}")


def tabular_columns(kind: str, names: list[str]) -> list[int]:
    """Columns a tabular model uses: trees take the land-use code, the others its one-hot columns."""
    trees = kind in ("dt", "rf")
    keep = []
    for i, name in enumerate(names):
        if name == "landuse_code" and not trees:
            continue
        if name.startswith("landuse_") and name != "landuse_code" and trees:
            continue
        keep.append(i)
    return keep


# Trained scikit-learn models are stored with skops (a zip of JSON schemas and arrays, no pickle):
# whoever can write to a DVC remote must not be able to run code on the machines that pull from it.
# Loading accepts only the types these models are made of, beside those skops trusts itself.
TRUSTED_SKLEARN_TYPES = (
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.model_selection._split.StratifiedKFold",
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.tree._tree.Tree",
)


def save_estimator(estimator: Any, path: str | Path) -> None:
    """Write a fitted scikit-learn model with skops, atomically."""
    import skops.io

    from lsm.data.io import atomic_path

    with atomic_path(path) as tmp:
        skops.io.dump(estimator, tmp)


def load_estimator(path: str | Path) -> Any:
    """A scikit-learn model written by :func:`save_estimator`; refused in one line if the file is not
    a skops file or holds a type outside :data:`TRUSTED_SKLEARN_TYPES` (nothing of it is run)."""
    import zipfile

    import skops.io

    from lsm.errors import InputError

    fix = "retrain it here (snakemake --forcerun train_sklearn) or pull results only from a remote you trust"
    try:
        untrusted = sorted(set(skops.io.get_untrusted_types(file=path)) - set(TRUSTED_SKLEARN_TYPES))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise InputError(
            path, f"is not a model file written by this workflow ({type(err).__name__})", fix
        ) from err
    if untrusted:
        raise InputError(path, f"holds types this workflow never writes ({', '.join(untrusted[:3])})", fix)
    return skops.io.load(path, trusted=list(TRUSTED_SKLEARN_TYPES))


def count_parameters(model: nn.Module) -> int:
    return int(sum(p.numel() for p in model.parameters()))


@overload
def to_tensor(array: np.ndarray, device: torch.device) -> torch.Tensor: ...
@overload
def to_tensor(array: None, device: torch.device) -> None: ...
def to_tensor(array: np.ndarray | None, device: torch.device) -> torch.Tensor | None:
    return (
        None
        if array is None
        else torch.as_tensor(np.ascontiguousarray(array), dtype=torch.float32, device=device)
    )
