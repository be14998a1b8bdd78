"""Standardisation of the models' inputs: per-channel mean and standard deviation fitted on the
training samples of a run only, and applied to every sample (and every map window) alike; a patch
cell without data (NaN: the sea, nodata, beyond the grid) enters as the training mean, 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


# -- normalisation ---------------------------------------------------------------------------------
@dataclass
class Normaliser:
    """Per-channel mean and standard deviation, fitted on training samples only."""

    patch_mean: np.ndarray
    patch_std: np.ndarray
    tabular_mean: np.ndarray
    tabular_std: np.ndarray
    sequence_mean: np.ndarray | None = None
    sequence_std: np.ndarray | None = None

    @staticmethod
    def _stats(values: np.ndarray, axes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Mean and spread over the cells that hold data (patch cells off the valid area are NaN)."""
        mean = np.nanmean(values, axis=axes, dtype="float64")
        std = np.nanstd(values, axis=axes, dtype="float64")
        return mean.astype("float32"), np.where(std > 1e-12, std, 1.0).astype("float32")

    @classmethod
    def fit(cls, patches, tabular, sequences, train: np.ndarray) -> Normaliser:
        """``train`` is a boolean mask over samples: nothing outside it is looked at."""
        train = np.asarray(train, dtype=bool)
        pm, ps = cls._stats(patches[train], (0, 2, 3))
        tm, ts = cls._stats(tabular[train], (0,))
        sm = ss = None
        if sequences is not None:
            sm, ss = cls._stats(sequences[train], (0, 1))
        return cls(pm, ps, tm, ts, sm, ss)

    def patches(self, patches: np.ndarray) -> np.ndarray:
        """Standardised patches; a cell without data becomes 0, the training mean of its channel
        (what the maps feed the CNN at the same cells, and what a convolution's zero padding means)."""
        scaled = (patches - self.patch_mean[None, :, None, None]) / self.patch_std[None, :, None, None]
        return np.nan_to_num(scaled, nan=0.0).astype("float32")

    def tabular(self, tabular: np.ndarray) -> np.ndarray:
        """The tabular rows standardised with the training statistics."""
        return ((tabular - self.tabular_mean) / self.tabular_std).astype("float32")

    def sequences(self, sequences: np.ndarray) -> np.ndarray:
        """The daily sequences standardised with the training statistics."""
        return ((sequences - self.sequence_mean) / self.sequence_std).astype("float32")

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The statistics as arrays, for normaliser.npz."""
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Normaliser:
        """The normaliser from the arrays of normaliser.npz."""
        return cls(**{k: np.asarray(v) for k, v in arrays.items()})
