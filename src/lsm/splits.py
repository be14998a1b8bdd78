"""Train/test splits per validation scheme, and normalisation fitted on training samples only.

- ``random``: stratified 70/30 (the paper's protocol). Samples at the same cell (a landslide and
  its same-place negatives) go to the same side, so no patch sits in both.
- ``spatial``: square blocks held out; training samples whose patch would overlap a test patch are
  set aside as ``buffer`` (neither train nor test).
- ``temporal``: samples before a cutoff date train, on or after it test (the cutoff leaves
  ``test_fraction`` of the landslides for testing). The landscape is shared by design: a place may
  appear in both periods, a (place, day) sample never does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree
from sklearn.model_selection import StratifiedGroupKFold

SCHEMES = ("random", "spatial", "temporal")
TRAIN, TEST, BUFFER = "train", "test", "buffer"


@dataclass(frozen=True)
class SplitSettings:
    test_fraction: float = 0.3
    spatial_block_m: float = 3000.0
    seed: int = 0

    @classmethod
    def from_config(cls, block: dict[str, Any]) -> SplitSettings:
        return cls(**block)


def random_split(labels: np.ndarray, groups: np.ndarray, test_fraction: float, seed: int) -> np.ndarray:
    """Stratified by label, grouped by cell, about ``test_fraction`` in test (whole folds of ten)."""
    folds = StratifiedGroupKFold(n_splits=10, shuffle=True, random_state=seed)
    fold_of = np.empty(len(labels), dtype=int)
    for k, (_, test) in enumerate(folds.split(np.zeros(len(labels)), labels, groups)):
        fold_of[test] = k
    n_test_folds = max(1, int(round(10 * test_fraction)))
    return np.where(fold_of < n_test_folds, TEST, TRAIN)


def spatial_split(
    x: np.ndarray,
    y: np.ndarray,
    labels: np.ndarray,
    block_m: float,
    overlap_m: float,
    test_fraction: float,
    seed: int,
) -> np.ndarray:
    """Whole blocks to test until about ``test_fraction`` of the positives are there; train samples
    closer than ``overlap_m`` (Chebyshev) to a test sample become ``buffer``."""
    rng = np.random.default_rng(seed)
    bx = np.floor((x - x.min()) / block_m).astype(int)
    by = np.floor((y - y.min()) / block_m).astype(int)
    block = bx * 100_000 + by
    # Grow one compact test region: a random block, then its nearest blocks, so the buffer only
    # runs along the region's edge instead of around many scattered blocks.
    blocks = np.unique(block)
    centres = np.column_stack([blocks // 100_000, blocks % 100_000]).astype(float)
    start = centres[rng.integers(len(blocks))]
    order = np.lexsort((rng.random(len(blocks)), np.hypot(*(centres - start).T)))
    positives_total = max(int(labels.sum()), 1)
    test = np.zeros(len(x), dtype=bool)
    for b in blocks[order]:
        if labels[test].sum() >= test_fraction * positives_total:
            break
        test |= block == b
    out = np.where(test, TEST, TRAIN).astype(object)
    if test.any() and (~test).any():
        tree = cKDTree(np.column_stack([x[test], y[test]]))
        distance, _ = tree.query(np.column_stack([x[~test], y[~test]]), p=np.inf)
        train_idx = np.flatnonzero(~test)
        out[train_idx[distance < overlap_m]] = BUFFER
    return out.astype(str)


def temporal_split(
    dates: pd.Series, labels: np.ndarray, test_fraction: float
) -> tuple[np.ndarray, pd.Timestamp]:
    positive_dates = pd.to_datetime(dates[labels == 1]).sort_values()
    cutoff = positive_dates.iloc[int(np.floor((1 - test_fraction) * len(positive_dates)))]
    return np.where(pd.to_datetime(dates) < cutoff, TRAIN, TEST), cutoff


def make_splits(table: pd.DataFrame, cell: float, patch_size: int, temporal: bool, settings: SplitSettings):
    """One column per scheme (train/test/buffer), indexed like ``table``; plus a description."""
    labels = table["label"].to_numpy()
    groups = table["row"].astype(str) + "_" + table["col"].astype(str)
    x, y = table.geometry.x.to_numpy(), table.geometry.y.to_numpy()
    out = pd.DataFrame({"sample_id": table["sample_id"]})
    out["random"] = random_split(labels, groups.to_numpy(), settings.test_fraction, settings.seed)
    # Two patches of width P cells overlap when their centres are closer than P cells (Chebyshev).
    overlap_m = patch_size * cell
    # Blocks no larger than a third of the sampled extent (else one block is everything), and no
    # smaller than a patch.
    extent = min(np.ptp(x), np.ptp(y))
    block_m = max(overlap_m, min(settings.spatial_block_m, extent / 3))
    out["spatial"] = spatial_split(x, y, labels, block_m, overlap_m, settings.test_fraction, settings.seed)
    info: dict[str, Any] = {"patch_overlap_m": overlap_m, "spatial_block_m": float(block_m)}
    if temporal:
        out["temporal"], cutoff = temporal_split(table["date"], labels, settings.test_fraction)
        info["temporal_cutoff"] = f"{cutoff:%Y-%m-%d}"
    for scheme in [s for s in SCHEMES if s in out]:
        counts = out[scheme].value_counts()
        info[scheme] = {k: int(counts.get(k, 0)) for k in (TRAIN, TEST, BUFFER)}
    return out, info


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
        mean = values.mean(axis=axes, dtype="float64")
        std = values.std(axis=axes, dtype="float64")
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
        return (
            (patches - self.patch_mean[None, :, None, None]) / self.patch_std[None, :, None, None]
        ).astype("float32")

    def tabular(self, tabular: np.ndarray) -> np.ndarray:
        return ((tabular - self.tabular_mean) / self.tabular_std).astype("float32")

    def sequences(self, sequences: np.ndarray) -> np.ndarray:
        return ((sequences - self.sequence_mean) / self.sequence_std).astype("float32")

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Normaliser:
        return cls(**{k: np.asarray(v) for k, v in arrays.items()})
