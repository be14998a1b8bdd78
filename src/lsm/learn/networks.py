"""The three PyTorch networks: the CNN-LSTM and its two branches alone (settings in
:class:`lsm.learn.models.TorchSettings`).

The CNN uses unpadded ("valid") 3x3 convolutions with stride 1 and ends in global average pooling
over what is left of the patch. The same weights therefore run convolutionally over a whole raster:
the convolutions once over the raster, then a box filter of the pooled size, give for every pixel
the number a patch centred on it would give (:meth:`CNNBranch.dense`).
"""

from __future__ import annotations

from typing import overload

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from lsm.learn.models import TorchSettings
from lsm.names import PATCH_MODELS, TEMPORAL_MODELS, TORCH_MODELS


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
        """One feature vector per patch: the convolutions averaged over the patch."""
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
    """The temporal branch: an LSTM over the daily sequence, its last hidden state as features."""

    def __init__(self, in_features: int, hidden: int) -> None:
        super().__init__()
        self.lstm = nn.LSTM(in_features, hidden, batch_first=True)
        self.out_features = hidden

    def forward(self, sequences: torch.Tensor) -> torch.Tensor:
        """The last hidden state of the LSTM for each sequence."""
        _, (hidden, _) = self.lstm(sequences)
        return hidden[-1]


def head(in_features: int, units: int, dropout: float) -> nn.Sequential:
    """The fusion head: one hidden layer with dropout, one logit out."""
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
        self.cnn = CNNBranch(channels, settings.conv_channels) if kind in PATCH_MODELS else None
        lstm_in = sequence_features + (channels if kind == "lstm" else 0)
        self.lstm = LSTMBranch(lstm_in, settings.lstm_hidden) if kind in TEMPORAL_MODELS else None
        width = (self.cnn.out_features if self.cnn else 0) + (self.lstm.out_features if self.lstm else 0)
        self.head: nn.Sequential = head(width, settings.dense_units, settings.dropout)

    def forward(self, patches: torch.Tensor, sequences: torch.Tensor | None) -> torch.Tensor:
        """The logit of each sample from the branches this model has."""
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


def count_parameters(model: nn.Module) -> int:
    """The number of the model's weights."""
    return int(sum(p.numel() for p in model.parameters()))


@overload
def to_tensor(array: np.ndarray, device: torch.device) -> torch.Tensor: ...
@overload
def to_tensor(array: None, device: torch.device) -> None: ...
def to_tensor(array: np.ndarray | None, device: torch.device) -> torch.Tensor | None:
    """The array as a float32 tensor on ``device`` (None stays None)."""
    return (
        None
        if array is None
        else torch.as_tensor(np.ascontiguousarray(array), dtype=torch.float32, device=device)
    )
