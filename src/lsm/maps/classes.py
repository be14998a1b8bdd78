"""Susceptibility classes and what they say: area shares, landslide density per class, and the
success- and prediction-rate curves (share of landslides against share of area, ranked by
susceptibility), accumulated while the map streams past so that memory does not grow with area."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import auc

from lsm.names import CLASS_NAMES

METHODS = ("natural_breaks", "quantiles")
HISTOGRAM_BINS = 100_000  # probability resolution of the area shares behind the rate curves


class Accumulator:
    """Histogram of the mapped probabilities and a seeded random sample of them (for the breaks)."""

    def __init__(self, expected_pixels: int, sample_size: int, seed: int = 0) -> None:
        self.counts = np.zeros(HISTOGRAM_BINS, dtype=np.int64)
        self.keep = min(1.0, sample_size / max(expected_pixels, 1))
        self.rng = np.random.default_rng(seed)
        self.samples: list[np.ndarray] = []

    def add(self, values: np.ndarray) -> None:
        """Count the finite probabilities of one window (and keep a share of them as a sample)."""
        values = values[np.isfinite(values)]
        self.counts += np.bincount(bin_index(values), minlength=HISTOGRAM_BINS)
        take = values if self.keep >= 1.0 else values[self.rng.random(values.size) < self.keep]
        self.samples.append(take.astype("float64"))

    @property
    def total(self) -> int:
        """How many pixels were counted."""
        return int(self.counts.sum())

    @property
    def sample(self) -> np.ndarray:
        """The kept probabilities, for the class breaks."""
        return np.concatenate(self.samples) if self.samples else np.zeros(0)

    def area_at_or_above(self, probabilities: np.ndarray) -> np.ndarray:
        """Share of the mapped area whose probability is at least each value (to bin resolution)."""
        return self.area_from_bin(bin_index(np.asarray(probabilities)))

    def area_from_bin(self, bins: np.ndarray, strictly: bool = False) -> np.ndarray:
        """Share of the mapped area in each histogram bin or above it (``strictly``: above it)."""
        above = np.cumsum(self.counts[::-1])[::-1][bins]
        return (above - self.counts[bins] if strictly else above) / max(self.total, 1)


def bin_index(values: np.ndarray) -> np.ndarray:
    """The histogram bin of each probability."""
    return np.clip((values * HISTOGRAM_BINS).astype(np.int64), 0, HISTOGRAM_BINS - 1)


def class_breaks(sample: np.ndarray, method: str, classes: int = len(CLASS_NAMES)) -> np.ndarray:
    """Upper bounds of all classes but the last: Fisher-Jenks natural breaks or quantiles."""
    if method not in METHODS:
        raise ValueError(f"unknown classification {method!r} (use one of {METHODS})")
    if np.unique(sample).size < classes:
        raise ValueError(f"the map has fewer than {classes} distinct values: cannot make classes")
    from mapclassify import FisherJenks, Quantiles  # here: it compiles with numba on import (2 s)

    scheme = FisherJenks(sample, k=classes) if method == "natural_breaks" else Quantiles(sample, k=classes)
    return np.asarray(scheme.bins[:-1], dtype="float64")


def classify(values: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Class 1..k (uint8; value <= breaks[0] is class 1, as in mapclassify), 0 where there is no value."""
    out = (np.digitize(values, breaks, right=True) + 1).astype("uint8")
    out[~np.isfinite(values)] = 0
    return out


def rate_curve(event_probabilities: np.ndarray, accumulator: Accumulator) -> tuple[pd.DataFrame, float]:
    """Cumulative share of landslides against cumulative share of area, most susceptible first,
    and its area under the curve (0.5: no better than chance; 1: every landslide in the top cell).

    One point per distinct probability (to the histogram's resolution), so that the curve crosses a
    block of tied pixels on the diagonal: ties count as half, as in scikit-learn's ``roc_auc_score``.
    A point per landslide instead ranks each landslide last within its tie, which gave a decision
    tree's map (a few leaf values over the whole area) a rate-curve AUC below chance."""
    bins = bin_index(np.asarray(event_probabilities, dtype="float64"))
    if bins.size == 0:
        return pd.DataFrame({"area_fraction": [0.0, 1.0], "event_fraction": [0.0, 1.0]}), float("nan")
    levels, counts = np.unique(bins, return_counts=True)  # ascending: the most susceptible last
    levels, counts = levels[::-1], counts[::-1]
    found = np.cumsum(counts) / bins.size
    # per level two points: where its tie block starts (the area strictly above it, the landslides
    # found so far) and where it ends (the area at or above it, its landslides added)
    starts, ends = accumulator.area_from_bin(levels, strictly=True), accumulator.area_from_bin(levels)
    area = np.concatenate([[0.0], np.column_stack([starts, ends]).ravel(), [1.0]])
    events = np.concatenate([[0.0], np.column_stack([np.r_[0.0, found[:-1]], found]).ravel(), [1.0]])
    curve = pd.DataFrame({"area_fraction": area, "event_fraction": events})
    return curve, float(auc(area, events))


def class_table(
    class_pixels: np.ndarray, cell_area_km2: float, event_classes: np.ndarray, names=CLASS_NAMES
) -> pd.DataFrame:
    """Per class: pixels, area, share of the mapped area, landslides and their density."""
    total = class_pixels.sum()
    events = np.bincount(event_classes, minlength=len(names) + 1)[1:]
    area = class_pixels * cell_area_km2
    return pd.DataFrame(
        {
            "class": list(names),
            "pixels": class_pixels,
            "area_km2": area,
            "share_percent": 100 * class_pixels / max(total, 1),
            "landslides": events,
            "density_per_km2": np.where(area > 0, events / np.where(area > 0, area, 1), np.nan),
            "landslide_share_percent": 100 * events / max(events.sum(), 1),
        }
    )


def class_share_table(
    shares: pd.DataFrame,
    summary: pd.DataFrame,
    reported: dict[str, float],
    outside_percent: dict[str, float] | None = None,
    high_disagree_percent: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Table 3: per model, the class shares and densities and the rate-curve AUCs; the paper's
    shares first (it states no densities or rate curves). With them, the share of the area outside
    the model's area of applicability and of its high class on whose class the seeds disagree."""
    from lsm.names import LABELS

    rows = [{"model": "Teng et al. (2026), reported", **{f"{c} (%)": reported.get(c) for c in CLASS_NAMES}}]
    for model, g in shares.groupby("model", sort=False):
        g = g.set_index("class")
        s = summary[summary["model"] == model].iloc[0]
        row = {"model": LABELS.get(model, model)}
        row.update({f"{c} (%)": round(float(g.loc[c, "share_percent"]), 1) for c in CLASS_NAMES})
        row.update({f"{c} density (/km²)": round(float(g.loc[c, "density_per_km2"]), 3) for c in CLASS_NAMES})
        row["success-rate AUC"] = round(float(s["success_rate_auc"]), 3)
        row["prediction-rate AUC"] = round(float(s["prediction_rate_auc"]), 3)
        if outside_percent is not None:
            row["outside applicability (%)"] = round(float(outside_percent[model]), 1)
        if high_disagree_percent is not None:
            row["high class, seeds disagree (%)"] = round(float(high_disagree_percent[model]), 1)
        rows.append(row)
    return pd.DataFrame(rows)
