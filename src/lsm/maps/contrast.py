"""Claim C4 on the map: whether the high-susceptibility zones sit on steep slopes, after much rain and
where the reservoir level swings.

The paper states C4 of its map, so it is judged on the map: the pixels of the CNN-LSTM's high class
against the rest, on the wettest window of the record (the paper's kind of map) and on a typical one
(:data:`lsm.maps.jobs.TYPICAL`), since on the wettest day every rain contrast is guaranteed. Pixels
are not independent (neighbours share terrain and rain), so the interval of each difference comes
from a spatial block bootstrap (whole blocks resampled).

So that the claim can fail where the world does not bear it out, the table holds the parts a reader
needs to judge it against what is known:

- on a generated study, the truth's own high zone (the true hazard on the map's day, at the same
  share of the area as the model's high class where the truth allows it: cells that can never fail
  cannot be ranked) judged the same way, and the model's zone at the truth's share against the
  truth's zone (how much of the truth's zone the model's equally large zone holds);
- where the study has reservoirs, the inventory's landslide density within the shore's reach
  against beyond it (the data's own answer to "where the reservoir level swings").

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
from rasterio.transform import rowcol

from lsm.data.forcing import Series, nearest_reservoir
from lsm.data.io.study import Study
from lsm.data.raster import cell_centres
from lsm.evaluate.claims import (
    IN_TRUTH_ZONE,
    LANDSLIDE_DENSITY,
    MAP_INVENTORY,
    MAP_MODEL,
    MAP_MODEL_AT_TRUTH_SHARE,
    MAP_TRUTH,
)
from lsm.evaluate.stats import block_bootstrap_difference
from lsm.names import STATIC

HIGH_CLASS = 3  # low, medium, high (lsm.maps.classes)
MAX_PIXELS = 4_000_000  # larger maps are read decimated (nearest), enough for a contrast of means
TRUTH_CHUNK = 100_000  # pixels per replay of the true physics (memory: pixels x 150 days x 8 bytes)


@dataclass(frozen=True)
class MapLayers:
    """Co-registered layers of one map (decimated when large), NaN where not mapped."""

    classes: np.ndarray
    quantities: dict[str, np.ndarray]  # factor name -> values per pixel
    x: np.ndarray
    y: np.ndarray
    shore_m: np.ndarray | None = None  # distance to the nearest shore, where the study has reservoirs


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
    shore = _band(factors_tif, "dist_shore", shape)
    if forcing is not None:
        quantities["rain_window_mm"] = forcing.rain_totals(x, y, crs)
        swing = forcing.reservoir_swing(x, y)
        if swing is not None and shore is not None:
            exposure = np.where(shore <= reach_m, swing, 0.0)
            quantities["reservoir_exposure_m"] = np.where(np.isfinite(shore), exposure, np.nan)
    return MapLayers(classes, quantities, x, y, shore)


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


def top_share(values: np.ndarray, share: float) -> np.ndarray:
    """The ``share`` of the finite pixels with the highest ``values`` (ties at the cut all in), never
    a pixel whose value is zero."""
    finite = np.isfinite(values)
    if not finite.any() or share <= 0:
        return np.zeros(values.shape, dtype=bool)
    cut = np.quantile(values[finite], 1 - share)
    return finite & (values >= cut) & (values > 0)


def true_hazard(study_dir: str | Path, layers: MapLayers, iso: str, window: int) -> np.ndarray:
    """The truth's hazard of every mapped pixel: on the map's day (the physics replayed over the
    window ending on ``iso``, :func:`lsm.synthetic.truth.hazard_with_windows`) for a dated map, the
    true yearly probability for a static one; NaN off the map. Cells whose yearly probability is
    zero can never fail and are not replayed."""
    from lsm.synthetic.truth import hazard_with_windows

    yearly = _read(Path(study_dir) / "truth" / "susceptibility.tif", layers.classes.shape)
    yearly[~(layers.classes > 0)] = np.nan
    if not iso:
        return yearly
    hazard = np.where(np.isfinite(yearly), 0.0, np.nan)
    cells = np.flatnonzero(np.isfinite(yearly) & (yearly > 0))
    for start in range(0, cells.size, TRUTH_CHUNK):
        part = cells[start : start + TRUTH_CHUNK]
        x, y = layers.x.ravel()[part], layers.y.ravel()[part]
        replay = hazard_with_windows(study_dir, x, y, [iso] * part.size, window, {"record": _as_recorded})
        hazard.ravel()[part] = replay["record"]
    return hazard


def _as_recorded(rain: np.ndarray) -> np.ndarray:
    return rain


def truth_parts(
    study_dir: str | Path,
    layers: MapLayers,
    probability: np.ndarray,
    iso: str,
    window: int,
    block_m: float,
    n_boot: int,
    seed: int,
) -> pd.DataFrame:
    """The truth's high zone judged like the model's (at the model's share where the truth allows),
    and the model's zone of the same share (its highest probabilities) against the truth's."""
    high = layers.classes == HIGH_CLASS
    mapped = layers.classes > 0
    hazard = true_hazard(study_dir, layers, iso, window)
    share = min(high.sum(), (hazard > 0).sum()) / max(mapped.sum(), 1)
    zone = top_share(hazard, share)
    if not zone.any():  # no cell can fail that day: the truth has no zone to judge
        return pd.DataFrame()
    truth = contrast(zone, layers, block_m, MAP_TRUTH, n_boot, seed)
    model_zone = top_share(np.where(mapped, probability, np.nan), zone.sum() / max(mapped.sum(), 1))
    overlap = MapLayers(layers.classes, {IN_TRUTH_ZONE: zone.astype("float64")}, layers.x, layers.y)
    agreement = contrast(model_zone, overlap, block_m, MAP_MODEL_AT_TRUTH_SHARE, n_boot, seed)
    return pd.concat([truth, agreement], ignore_index=True)


def inventory_part(
    study_dir: str | Path,
    classes_tif: str | Path,
    layers: MapLayers,
    reach_m: float,
    block_m: float,
    n_boot: int,
    seed: int,
) -> pd.DataFrame:
    """The inventory's landslides per km2 within ``reach_m`` of a shore against beyond (empty for a
    study without reservoirs): whether the data put more landslides where the level swings."""
    if layers.shore_m is None:
        return pd.DataFrame()
    shape = layers.classes.shape
    with rasterio.open(classes_tif) as src:
        transform = src.transform * Affine.scale(src.width / shape[1], src.height / shape[0])
        crs = src.crs
    inventory = Study(study_dir).read_inventory(dated=False)
    inventory = inventory[inventory["left_out"] == ""]
    if inventory.crs is not None and crs is not None and inventory.crs != crs:
        inventory = inventory.to_crs(crs)
    rows, cols = (np.asarray(a) for a in rowcol(transform, inventory.geometry.x, inventory.geometry.y))
    inside = (rows >= 0) & (rows < shape[0]) & (cols >= 0) & (cols < shape[1])
    counts = np.zeros(shape, dtype="float64")
    np.add.at(counts, (rows[inside], cols[inside]), 1.0)
    counts[~np.isfinite(layers.shore_m)] = np.nan
    pixel_km2 = abs(transform.a * transform.e) / 1e6
    density = MapLayers(layers.classes, {LANDSLIDE_DENSITY: counts / pixel_km2}, layers.x, layers.y)
    return contrast(layers.shore_m <= reach_m, density, block_m, MAP_INVENTORY, n_boot, seed)


@dataclass(frozen=True)
class DatedMap:
    """The CNN-LSTM's map at one reference date: its label and its classes and probability files."""

    label: str
    classes_tif: str
    probability_tif: str


def contrast_job(
    maps: list[DatedMap],
    factors_tif: str,
    study_dir: str,
    window_days: int,
    reach_m: float,
    patch_size: int,
    n_boot: int,
    seed: int,
    out_csv: str,
) -> pd.DataFrame:
    """C4 on the CNN-LSTM's map at each reference date, with the truth's parts where it is known
    and the inventory's shore part where the study has reservoirs (module docstring). The
    bootstrap's blocks are as wide as those of the model comparisons (two patch widths)."""
    from lsm.data.io import write_text
    from lsm.evaluate.comparisons import CLUSTER_PATCHES
    from lsm.maps.jobs import reference_day

    truth = Path(study_dir) / "truth" / "susceptibility.tif"
    frames = []
    for dated in maps:
        series, day, iso = reference_day(study_dir, dated.label, window_days, dated.label != STATIC)
        forcing = WindowForcing(series, day, window_days) if series is not None and day is not None else None
        layers = map_layers(dated.classes_tif, factors_tif, forcing, reach_m)
        with rasterio.open(dated.classes_tif) as src:
            block_m = CLUSTER_PATCHES * patch_size * abs(src.res[0])
        parts = [contrast(layers.classes == HIGH_CLASS, layers, block_m, MAP_MODEL, n_boot, seed)]
        if truth.is_file():
            probability = _read(dated.probability_tif, layers.classes.shape)
            parts.append(truth_parts(study_dir, layers, probability, iso, window_days, block_m, n_boot, seed))
        frame = pd.concat(parts, ignore_index=True).assign(date_label=dated.label, date=iso)
        if dated is maps[0]:  # the inventory does not change with the map's day
            shore = inventory_part(study_dir, dated.classes_tif, layers, reach_m, block_m, n_boot, seed)
            frame = pd.concat([frame, shore.assign(date_label="", date="")], ignore_index=True)
        frames.append(frame.assign(reach_m=reach_m, block_m=block_m))
    table = pd.concat(frames, ignore_index=True)
    write_text(out_csv, table.to_csv(index=False, float_format="%.6g"))
    return table
