"""What is computed from the daily sequences alone (arrays of samples x days x channels), without the
study: the tabular summaries of a window and the window-total ablation.

Apart from :mod:`lsm.data.forcing` (which reads the study's series) so that the stages that train and
map import them without the study's readers.
"""

from __future__ import annotations

import numpy as np

from lsm.names import SERIES_CHANNELS


def window_totals_only(sequences: np.ndarray, names: list[str], series: str) -> np.ndarray:
    """The sequences with one series reduced to its window total: every day set to the window's
    mean (same total) and the day-to-day change to zero, every other channel untouched. A model
    trained on these sees how much fell (or how far the level moved on average), not when."""
    value, change = (names.index(c) for c in SERIES_CHANNELS[series])
    out = sequences.copy()
    out[:, :, value] = sequences[:, :, value].mean(axis=1, keepdims=True)
    out[:, :, change] = 0.0
    return out


def sequence_summaries(sequences: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[str]]:
    """Tabular summaries of each window: 3/7/30-day rain totals, wettest day, reservoir change."""
    rain = sequences[..., names.index("rain_mm")]
    cols = [rain[:, -3:].sum(1), rain[:, -7:].sum(1), rain.sum(1), rain.max(1)]
    out = ["rain_3d_mm", "rain_7d_mm", f"rain_{rain.shape[1]}d_mm", "rain_max_1d_mm"]
    if "level_m" in names:
        level = sequences[..., names.index("level_m")]
        cols.append(level[:, -1] - level[:, 0])
        out.append("level_change_window_m")
    return np.stack(cols, axis=1).astype("float32"), out
