"""What the seeds of a map say beyond their mean: the calibrated probability and the spread.

A map tile holds, per pixel, the mean over seeds (band 1: the susceptibility map), the mean of each
seed's calibrated probability (band 2; :mod:`lsm.evaluate.calibration`) and every seed's own
probability (bands 3...). The gather step turns them into:

- ``<model>_calibrated.tif``: the calibrated probability (at the samples' prevalence, or at the
  study's real one when ``calibration.prevalence`` is set);
- ``<model>_uncertainty.tif``: the standard deviation over seeds (ddof 1). For the networks the seeds
  are a deep ensemble (Lakshminarayanan et al. 2017): independently initialised networks trained on
  the same samples. That is the spread used here, not MC dropout: the networks drop out in their
  one-layer head only, so MC dropout would sample the head's uncertainty and none of the branches',
  and deep ensembles gave the better-calibrated uncertainty in the comparison of Ovadia et al.
  (2019), most of all under the shift a map meets away from its samples;
- per class of the mean map, the share of its pixels on whose class the seeds disagree (each seed
  classified with the mean map's breaks), and the mean spread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
from rasterio.windows import Window

from lsm.evaluate.calibration import Platt, prior_shift
from lsm.maps.classes import classify
from lsm.maps.windows import iter_windows
from lsm.names import CLASS_NAMES

MEAN_BAND, CALIBRATED_BAND, FIRST_SEED_BAND = 1, 2, 3  # the bands of a map tile


def tile_bands(seeds: int) -> int:
    """How many bands a map tile of ``seeds`` seeds has."""
    return FIRST_SEED_BAND - 1 + seeds


@dataclass(frozen=True)
class SeedCalibration:
    """Each seed's calibrator (in the ensemble's seed order), and the prevalence shift, if any."""

    platts: tuple[Platt, ...]
    sample_prevalence: float | None = None
    prevalence: float | None = None

    @classmethod
    def from_table(
        cls, table: pd.DataFrame, model: str, seeds: Sequence[int], prevalence: float | None = None
    ) -> SeedCalibration:
        """``model``'s calibrators for ``seeds``, from a ``calibrators.csv`` (calibration_runs)."""
        rows = table[table["model"] == model].set_index("seed")
        missing = sorted(set(seeds) - set(rows.index))
        if missing:
            raise ValueError(f"no calibrator for {model} seed(s) {missing}")
        platts = tuple(Platt(float(rows.loc[s, "slope"]), float(rows.loc[s, "intercept"])) for s in seeds)
        sample_prevalence = float(rows["sample_prevalence"].iloc[0]) if prevalence is not None else None
        return cls(platts, sample_prevalence, prevalence)

    def mean(self, seeds: np.ndarray) -> np.ndarray:
        """The mean over seeds of each seed's calibrated probability; ``seeds``: (seeds, h, w)."""
        if len(seeds) != len(self.platts):
            raise ValueError(f"{len(seeds)} seed maps for {len(self.platts)} calibrators")
        total = np.zeros(seeds.shape[1:], dtype="float64")
        for platt, values in zip(self.platts, seeds, strict=True):
            total += platt.apply(values)
        calibrated = total / len(self.platts)
        if self.prevalence is not None and self.sample_prevalence is not None:
            calibrated = prior_shift(calibrated, self.sample_prevalence, self.prevalence)
        return calibrated.astype("float32")


def seed_spread(seeds: np.ndarray) -> np.ndarray:
    """Standard deviation over seeds (ddof 1; 0 with one seed, NaN where unmapped)."""
    if len(seeds) < 2:
        return np.where(np.isfinite(seeds[0]), 0.0, np.nan).astype("float32")
    return np.std(seeds, axis=0, ddof=1).astype("float32")


def seeds_disagree(seeds: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Where the seeds, each classified with ``breaks``, do not all give the same class."""
    classes = np.stack([classify(values, breaks) for values in seeds])
    return (classes != classes[0]).any(axis=0)


def assemble_uncertainty(
    tile_tifs: Sequence[str | Path],
    profile: dict,
    breaks: np.ndarray,
    scratch: tuple[Path, Path],
    surveyed=None,
    window_size: int = 1024,
) -> tuple[pd.DataFrame, float]:
    """Mosaic the calibrated band and the seeds' spread into ``scratch`` GeoTIFFs (``profile``: one
    float32 band over the whole grid) and count, per class of the mean map (``breaks``), its pixels,
    those whose class the seeds disagree on, and their mean spread; within ``surveyed`` when given.
    Also the largest spread (for the colour ramp). The caller writes the scratch files as COGs."""
    pixels = np.zeros(len(CLASS_NAMES) + 1, dtype=np.int64)
    disagree = np.zeros_like(pixels)
    spread_sum = np.zeros(len(CLASS_NAMES) + 1, dtype="float64")
    largest = 0.0
    offset = 0
    calibrated_tmp, spread_tmp = scratch
    with (
        rasterio.open(calibrated_tmp, "w", **profile) as cal_dst,
        rasterio.open(spread_tmp, "w", **profile) as sd_dst,
    ):
        for path in tile_tifs:
            with rasterio.open(path) as src:
                seed_bands = list(range(FIRST_SEED_BAND, src.count + 1))
                for window in iter_windows(src.height, src.width, window_size):
                    target = Window(window.col_off, window.row_off + offset, window.width, window.height)
                    mean = src.read(MEAN_BAND, window=window)
                    seeds = src.read(seed_bands, window=window)
                    spread = seed_spread(seeds)
                    cal_dst.write(src.read(CALIBRATED_BAND, window=window), 1, window=target)
                    sd_dst.write(spread, 1, window=target)
                    if np.isfinite(spread).any():
                        largest = max(largest, float(np.nanmax(spread)))
                    classes = classify(mean, breaks)
                    if surveyed is not None:
                        classes = np.where(surveyed.mask(target), classes, 0)
                    differ = seeds_disagree(seeds, breaks)
                    pixels += np.bincount(classes.ravel(), minlength=len(pixels))
                    disagree += np.bincount(classes[differ], minlength=len(pixels))
                    spread_sum += np.bincount(
                        classes.ravel(), weights=np.nan_to_num(spread).ravel(), minlength=len(pixels)
                    )
                offset += src.height
    counted = np.maximum(pixels[1:], 1)
    table = pd.DataFrame(
        {
            "class": list(CLASS_NAMES),
            "pixels": pixels[1:],
            "seeds_disagree_pixels": disagree[1:],
            "seeds_disagree_percent": 100 * disagree[1:] / counted,
            "mean_seed_sd": np.where(pixels[1:] > 0, spread_sum[1:] / counted, np.nan),
        }
    )
    return table, largest
