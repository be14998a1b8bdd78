"""Maps streamed window by window: tiles (row strips, one Snakemake job each) are mapped with a
bounded memory whatever the raster size, then mosaicked into Cloud-Optimized GeoTIFFs (tiled,
compressed, with overviews, nodata and CRS), classified, and summarised."""

from __future__ import annotations

import logging
import math
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import rasterio
import rasterio.shutil
from rasterio.windows import Window
from tqdm import tqdm

from lsm.data.forcing import DayForcing
from lsm.data.io import atomic_path
from lsm.maps.classes import Accumulator, class_breaks, class_table, classify, rate_curve
from lsm.maps.style import write_class_style
from lsm.maps.uncertainty import CALIBRATED_BAND, FIRST_SEED_BAND, MEAN_BAND, SeedCalibration, tile_bands
from lsm.maps.windows import FactorRaster, iter_windows, make_window, read_halo
from lsm.names import CLASS_NAMES

if TYPE_CHECKING:  # a type only: the mosaic and its tables should not pay torch's start-up
    from lsm.maps.predictors import Ensemble

log = logging.getLogger(__name__)

BLOCK = 256  # GeoTIFF block side of every intermediate file


def tile_rows(height: int, tiles: int, tile: int) -> tuple[int, int]:
    """Rows [start, stop) of tile ``tile`` of ``tiles`` row strips (every strip non-empty)."""
    if not 0 <= tile < tiles or tiles > height:
        raise ValueError(f"tile {tile} of {tiles} does not exist for a raster of {height} rows")
    per = math.ceil(height / tiles)
    return tile * per, min(height, (tile + 1) * per)


def tiff_profile(grid_profile: dict, height: int, transform, dtype: str, nodata, count: int = 1) -> dict:
    """The profile of every intermediate GeoTIFF of the maps: tiled, compressed, ``count`` bands."""
    profile = dict(grid_profile)
    profile.update(
        driver="GTiff",
        height=height,
        transform=transform,
        count=count,
        dtype=dtype,
        nodata=nodata,
        compress="deflate",
        predictor=3 if dtype.startswith("float") else 2,
        tiled=True,
        blockxsize=BLOCK,
        blockysize=BLOCK,
        BIGTIFF="IF_SAFER",
    )
    return profile


def map_tile(
    raster: FactorRaster,
    ensemble: Ensemble,
    forcing: DayForcing | None,
    radius: int,
    out_tif: str | Path,
    tile: int = 0,
    tiles: int = 1,
    progress: bool = True,
    *,
    window_size: int,
    min_valid: float,
    calibration: SeedCalibration | None = None,
) -> None:
    """Probabilities of one row strip, written window by window (float32, NaN = not mapped): the
    mean over seeds, the calibrated mean (the mean itself without ``calibration``) and each seed's
    (the bands of :mod:`lsm.maps.uncertainty`). ``min_valid`` is the samples' ``patch_min_valid``,
    so the map covers what the models saw."""
    grid = raster.grid
    r0, r1 = tile_rows(grid.height, tiles, tile)
    transform = grid.transform * rasterio.Affine.translation(0, r0)
    base = {"width": grid.width, "crs": grid.crs}
    bands = tile_bands(len(ensemble.members))
    profile = tiff_profile(base, r1 - r0, transform, "float32", float("nan"), count=bands)
    windows = list(iter_windows(grid.height, grid.width, window_size, (r0, r1)))
    with (
        atomic_path(out_tif) as tmp,
        rasterio.open(raster.path) as src,
        rasterio.open(tmp, "w", **profile) as dst,
    ):
        for window in tqdm(
            windows, desc=f"{ensemble.kind} tile {tile + 1}/{tiles}", unit="window", disable=not progress
        ):
            block = read_halo(src, window, radius)
            mean, seeds = ensemble.predict_window_seeds(
                make_window(raster, block, window, radius, forcing, min_valid)
            )
            calibrated = mean if calibration is None else calibration.mean(seeds)
            target = Window(window.col_off, window.row_off - r0, window.width, window.height)
            dst.write(mean, MEAN_BAND, window=target)
            dst.write(calibrated, CALIBRATED_BAND, window=target)
            dst.write(seeds, list(range(FIRST_SEED_BAND, bands + 1)), window=target)


@contextmanager
def scratch_path(folder: Path, suffix: str) -> Iterator[Path]:
    """A scratch file in ``folder`` (beside the outputs, so a move is a rename), removed after."""
    fd, name = tempfile.mkstemp(prefix=".scratch.", suffix=suffix, dir=folder)
    os.close(fd)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def write_cog(source: Path, target: str | Path, resampling: str, description: str = "") -> None:
    """Copy a GeoTIFF into a Cloud-Optimized GeoTIFF (GDAL's COG driver: overviews built), atomically,
    its band described (what it holds: the model, date, quantity, units), so a GIS says what it shows."""
    if description:
        with rasterio.open(source, "r+") as src:
            src.set_band_description(1, description)
    with atomic_path(target) as tmp:
        rasterio.shutil.copy(
            source,
            tmp,
            driver="COG",
            COMPRESS="DEFLATE",
            PREDICTOR="YES",
            BLOCKSIZE=512,
            OVERVIEW_RESAMPLING=resampling,
            BIGTIFF="IF_SAFER",
        )


# What the bands hold, in the words a GIS shows (QGIS: the layer's band name).
PROBABILITY_MEANING = (
    "susceptibility, raw model probability (dimensionless, 0-1; trained on sampled negatives, so a "
    "relative ranking, not a daily probability: see the calibrated map)"
)
CLASS_MEANING = "susceptibility class (1 low, 2 medium, 3 high; 0 no data; ranges in the .qml)"


@dataclass
class MapOutputs:
    """The files one map writes."""

    probability: Path
    classes: Path
    style: Path
    label: str = ""  # the model and date, for the bands' descriptions


@dataclass
class MapSummary:
    """What one map says: its class breaks, class shares and rate curves."""

    breaks: np.ndarray
    classes: pd.DataFrame  # class_table
    curves: pd.DataFrame  # curve, area_fraction, event_fraction
    auc: dict[str, float]  # success_rate, prediction_rate
    events: dict[str, int]  # train, test, unmapped


@dataclass(frozen=True)
class SurveyedArea:
    """Where the inventory was mapped (polygons in the map's CRS): class shares, densities and rate
    curves count only this ground, since unmapped ground holds no landslide by construction."""

    geometries: tuple
    transform: rasterio.Affine

    def mask(self, window: Window) -> np.ndarray:
        """The pixels of ``window`` inside the mapped area."""
        from rasterio import features
        from rasterio.windows import transform as window_transform

        return features.geometry_mask(
            list(self.geometries),
            (int(window.height), int(window.width)),
            window_transform(window, self.transform),
            invert=True,
        )


def assemble(
    tile_tifs: Sequence[str | Path],
    grid_height: int,
    events: pd.DataFrame,
    method: str,
    out: MapOutputs,
    sample_size: int,
    seed: int = 0,
    window_size: int = 1024,
    surveyed: SurveyedArea | None = None,
) -> MapSummary:
    """Mosaic the tiles, classify, write both COGs and the class style, and summarise.

    ``events``: rows ``row, col, split`` (``train`` or ``test``) of the mapped landslides. The maps
    cover the whole grid; the summary only the ``surveyed`` area when given.
    """
    tiles = [Path(t) for t in tile_tifs]
    with rasterio.open(tiles[0]) as first:
        base = {"width": first.width, "crs": first.profile["crs"]}
        top = first.transform
        cell_area_km2 = abs(first.transform.a * first.transform.e) / 1e6
    accumulator = Accumulator(grid_height * base["width"], sample_size, seed)
    event_p = np.full(len(events), np.nan)
    folder = Path(out.probability).parent
    folder.mkdir(parents=True, exist_ok=True)
    with scratch_path(folder, ".tif") as mosaic, scratch_path(folder, ".tif") as class_tif:
        full = tiff_profile(base, grid_height, top, "float32", float("nan"))
        rows = _mosaic(tiles, mosaic, full, window_size, accumulator, surveyed, events, event_p)
        if rows != grid_height:
            raise ValueError(f"the tiles cover {rows} rows, the grid has {grid_height}")
        breaks = class_breaks(accumulator.sample, method)
        class_profile = tiff_profile(base, grid_height, top, "uint8", 0)
        counts = _classify_mosaic(mosaic, class_tif, class_profile, breaks, window_size, surveyed)
        write_cog(mosaic, out.probability, "AVERAGE", f"{out.label}: {PROBABILITY_MEANING}")
        write_cog(class_tif, out.classes, "MODE", f"{out.label}: {CLASS_MEANING}")
    write_class_style(out.style, CLASS_NAMES, breaks)
    return _summarise(events, event_p, breaks, counts, cell_area_km2, accumulator)


def _mosaic(
    tiles: list[Path],
    mosaic: Path,
    profile: dict,
    window_size: int,
    accumulator: Accumulator,
    surveyed: SurveyedArea | None,
    events: pd.DataFrame,
    event_p: np.ndarray,
) -> int:
    """Copy the tiles one under the other into ``mosaic`` window by window, feeding the surveyed
    probabilities to ``accumulator`` and the events' probabilities to ``event_p``; the rows written."""
    ev_rows, ev_cols = events["row"].to_numpy(), events["col"].to_numpy()
    offset = 0
    with rasterio.open(mosaic, "w", **profile) as dst:
        for path in tiles:
            with rasterio.open(path) as src:
                for window in iter_windows(src.height, src.width, window_size):
                    values = src.read(MEAN_BAND, window=window)
                    target = Window(window.col_off, window.row_off + offset, window.width, window.height)
                    dst.write(values, 1, window=target)
                    counted = values if surveyed is None else np.where(surveyed.mask(target), values, np.nan)
                    accumulator.add(counted)
                    _pick(values, target, ev_rows, ev_cols, event_p)
                offset += src.height
    return offset


def _classify_mosaic(
    mosaic: Path,
    class_tif: Path,
    profile: dict,
    breaks: np.ndarray,
    window_size: int,
    surveyed: SurveyedArea | None,
) -> np.ndarray:
    """Write the classes of the mosaic window by window; the cells per class in the surveyed area
    (index 0: not mapped)."""
    counts = np.zeros(len(CLASS_NAMES) + 1, dtype=np.int64)
    with rasterio.open(mosaic) as src, rasterio.open(class_tif, "w", **profile) as dst:
        for window in iter_windows(src.height, src.width, window_size):
            classes = classify(src.read(1, window=window), breaks)
            dst.write(classes, 1, window=window)
            counted = classes if surveyed is None else np.where(surveyed.mask(window), classes, 0)
            counts += np.bincount(counted.ravel(), minlength=len(CLASS_NAMES) + 1)
    return counts


def _summarise(
    events: pd.DataFrame,
    event_p: np.ndarray,
    breaks: np.ndarray,
    counts: np.ndarray,
    cell_area_km2: float,
    accumulator: Accumulator,
) -> MapSummary:
    """Class table, success- and prediction-rate curves and event counts of the mapped events."""
    mapped = np.isfinite(event_p)
    event_classes = classify(event_p[mapped], breaks)
    table = class_table(counts[1:], cell_area_km2, event_classes)
    curves, aucs = [], {}
    for split, name in (("train", "success_rate"), ("test", "prediction_rate")):
        chosen = mapped & (events["split"].to_numpy() == split)
        curve, value = rate_curve(event_p[chosen], accumulator)
        curves.append(curve.assign(curve=name))
        aucs[name] = value
    counts_by_split = {s: int(((events["split"] == s).to_numpy() & mapped).sum()) for s in ("train", "test")}
    return MapSummary(
        breaks,
        table,
        pd.concat(curves, ignore_index=True)[["curve", "area_fraction", "event_fraction"]],
        aucs,
        {**counts_by_split, "unmapped": int((~mapped).sum())},
    )


def _pick(values: np.ndarray, window: Window, rows: np.ndarray, cols: np.ndarray, out: np.ndarray) -> None:
    """Copy the probabilities at the event pixels that fall in ``window`` into ``out``."""
    inside = (
        (rows >= window.row_off)
        & (rows < window.row_off + window.height)
        & (cols >= window.col_off)
        & (cols < window.col_off + window.width)
    )
    out[inside] = values[rows[inside] - window.row_off, cols[inside] - window.col_off]
