"""Claim C4 on the map: whether the high-susceptibility zones sit on steep slopes, after much rain and
where the reservoir level swings.

The paper states C4 of its map, so it is judged on the map: the pixels of the CNN-LSTM's high class
against the rest. Pixels are not independent (neighbours share terrain and rain), so the interval of
each difference comes from a spatial block bootstrap (whole blocks resampled). On a generated study
the truth's own high zone (the same share of the area, ranked by the true yearly hazard; at most the
area with any true hazard, since cells that can never fail cannot be ranked) is judged the same
way, so that a reader sees what the physics itself would give.

The reservoir: with one reservoir every pixel sees the same level swing; what differs is whether a
pixel lies within the reach of its shore (``reach_m``). The exposure of a pixel is therefore the
window's swing of its nearest reservoir inside that reach and zero beyond it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import rasterio
from affine import Affine
from rasterio.enums import Resampling

from lsm.data.forcing import Series, nearest_reservoir
from lsm.data.raster import cell_centres
from lsm.evaluate.stats import block_bootstrap_difference

HIGH_CLASS = 3  # low, medium, high (lsm.maps.classes)
MAX_PIXELS = 4_000_000  # larger maps are read decimated (nearest), enough for a contrast of means


@dataclass(frozen=True)
class MapLayers:
    """Co-registered layers of one map (decimated when large), NaN where not mapped."""

    classes: np.ndarray
    quantities: dict[str, np.ndarray]  # factor name -> values per pixel
    x: np.ndarray
    y: np.ndarray


def _read(path: str | Path, shape: tuple[int, int] | None = None, band: int = 1) -> np.ndarray:
    with rasterio.open(path) as src:
        out_shape = shape or _decimated(src.height, src.width)
        data = src.read(band, out_shape=out_shape, resampling=Resampling.nearest, masked=True)
        return data.astype("float64").filled(np.nan)


def _decimated(height: int, width: int) -> tuple[int, int]:
    step = max(1, int(np.ceil(np.sqrt(height * width / MAX_PIXELS))))
    return (int(np.ceil(height / step)), int(np.ceil(width / step)))


def _band(factors_tif: str | Path, name: str, shape: tuple[int, int]) -> np.ndarray | None:
    with rasterio.open(factors_tif) as src:
        names = list(src.descriptions)
    return _read(factors_tif, shape, names.index(name) + 1) if name in names else None


def map_layers(
    classes_tif: str | Path, factors_tif: str | Path, forcing: WindowForcing | None, reach_m: float
) -> MapLayers:
    """The classes and the C4 quantities of every (decimated) pixel of the map."""
    classes = _read(classes_tif)
    shape = classes.shape
    with rasterio.open(classes_tif) as src:
        transform = src.transform * Affine.scale(src.width / shape[1], src.height / shape[0])
        crs = src.crs
    x, y = cell_centres(transform, *np.indices(shape))
    quantities: dict[str, np.ndarray] = {}
    slope = _band(factors_tif, "slope", shape)
    if slope is not None:
        quantities["slope_deg"] = slope
    if forcing is not None:
        quantities["rain_window_mm"] = forcing.rain_totals(x, y, crs)
        shore = _band(factors_tif, "dist_shore", shape)
        swing = forcing.reservoir_swing(x, y)
        if swing is not None and shore is not None:
            exposure = np.where(shore <= reach_m, swing, 0.0)
            quantities["reservoir_exposure_m"] = np.where(np.isfinite(shore), exposure, np.nan)
    return MapLayers(classes, quantities, x, y)


@dataclass(frozen=True)
class WindowForcing:
    """The series of the map's reference window (the ``window`` days ending on ``day``)."""

    series: Series
    day: int
    window: int

    def rain_totals(self, x: np.ndarray, y: np.ndarray, crs: Any) -> np.ndarray:
        """Rain of each point's rain cell (or gauge) over the window (mm); NaN outside the grid."""
        cube = self.series.rain
        totals = cube.values[self.day - self.window + 1 : self.day + 1].sum(axis=0).ravel()
        index = cube.point_index(x.ravel(), y.ravel(), crs)
        out = np.where(index >= 0, totals[np.maximum(index, 0)], np.nan)
        return out.reshape(x.shape)

    def reservoir_swing(self, x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
        """Range of the level of each point's nearest reservoir over the window (m), or None."""
        if self.series.levels is None:
            return None
        window = self.series.levels.to_numpy(dtype="float64")[self.day - self.window + 1 : self.day + 1]
        swing = window.max(axis=0) - window.min(axis=0)
        nearest = nearest_reservoir(self.series, x.ravel(), y.ravel())
        return swing[nearest].reshape(x.shape)


def contrast(
    high: np.ndarray,
    layers: MapLayers,
    block_m: float,
    source: str,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Per quantity: mean and median in ``high`` and in the rest, the difference of means and its
    block-bootstrap interval and p-value (pixels where the quantity or the map is missing are out)."""
    mapped = layers.classes > 0
    blocks = (
        np.floor(layers.x / block_m).astype(np.int64) * 1_000_003 + np.floor(layers.y / block_m)
    ).astype(np.int64)
    rows = []
    for name, values in layers.quantities.items():
        keep = mapped & np.isfinite(values)
        v, h, b = values[keep], high[keep], blocks[keep]
        result = block_bootstrap_difference(v, h, b, n_boot=n_boot, seed=seed)
        rows.append(
            {
                "source": source,
                "quantity": name,
                "mean_high": float(v[h].mean()) if h.any() else np.nan,
                "mean_rest": float(v[~h].mean()) if (~h).any() else np.nan,
                "median_high": float(np.median(v[h])) if h.any() else np.nan,
                "median_rest": float(np.median(v[~h])) if (~h).any() else np.nan,
                "difference": result.difference,
                "low": result.low,
                "high": result.high,
                "p": result.p,
                "pixels_high": int(h.sum()),
                "pixels_rest": int((~h).sum()),
                "blocks": result.blocks,
                # one rain gauge (or cell) over the whole map: no contrast can exist
                "constant": bool(v.size and np.ptp(v) == 0),
            }
        )
    return pd.DataFrame(rows)


def truth_high_zone(truth_tif: str | Path, shape: tuple[int, int], share: float) -> np.ndarray:
    """The truth's high zone: the ``share`` of mapped pixels with the highest true yearly hazard."""
    truth = _read(truth_tif, shape)
    finite = np.isfinite(truth)
    if not finite.any() or share <= 0:
        return np.zeros(shape, dtype=bool)
    cut = np.quantile(truth[finite], 1 - share)
    return finite & (truth >= cut) & (truth > 0)


def contrast_job(
    classes_tif: str,
    factors_tif: str,
    study_dir: str,
    date_label: str,
    window_days: int,
    reach_m: float,
    patch_size: int,
    n_boot: int,
    seed: int,
    out_csv: str,
) -> pd.DataFrame:
    """C4 on the CNN-LSTM's map at its reference date, beside the truth's high zone where known.
    The bootstrap's blocks are as wide as those of the model comparisons (two patch widths)."""
    from lsm.data.io import write_text
    from lsm.evaluate.comparisons import CLUSTER_PATCHES
    from lsm.maps.jobs import reference_day

    temporal = date_label != "static"
    series, day, iso = reference_day(study_dir, date_label, window_days, temporal)
    forcing = WindowForcing(series, day, window_days) if series is not None and day is not None else None
    layers = map_layers(classes_tif, factors_tif, forcing, reach_m)
    with rasterio.open(classes_tif) as src:
        block_m = CLUSTER_PATCHES * patch_size * abs(src.res[0])
    high = layers.classes == HIGH_CLASS
    frames = [contrast(high, layers, block_m, "model", n_boot, seed)]
    truth = Path(study_dir) / "truth" / "susceptibility.tif"
    if truth.is_file():
        share = float(high.sum() / max((layers.classes > 0).sum(), 1))
        frames.append(
            contrast(truth_high_zone(truth, high.shape, share), layers, block_m, "truth", n_boot, seed)
        )
    table = pd.concat(frames, ignore_index=True).assign(date=iso, reach_m=reach_m, block_m=block_m)
    write_text(out_csv, table.to_csv(index=False, float_format="%.6g"))
    return table
