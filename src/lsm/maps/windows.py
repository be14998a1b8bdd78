"""Factor windows with a halo of the patch radius, read from ``factors.tif`` and ready for the models."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import rasterio
from rasterio.windows import Window

from lsm.data.factors import channel_names, patch_fits, to_channels
from lsm.data.forcing import DayForcing
from lsm.data.io.study import AnalysisGrid
from lsm.data.sequences import sequence_summaries


@dataclass
class MapWindow:
    """A window of the analysis grid, with a halo of the patch radius on every side.

    ``channels`` is (channels, h + 2r, w + 2r), raw (not normalised), NaN outside the valid area;
    ``fits`` is (h, w): pixels that the samples' patch rule admits (and that are land).
    ``sequence_index`` maps each pixel to a row of ``unique_sequences`` (dynamic models only).
    """

    channels: np.ndarray
    channel_names: list[str]
    fits: np.ndarray
    radius: int
    landuse_code: np.ndarray | None = None  # (h, w)
    unique_sequences: np.ndarray | None = None  # (n, days, features), raw
    sequence_names: list[str] | None = None
    sequence_index: np.ndarray | None = None  # (h, w) ints

    def tabular(self, names: list[str]) -> np.ndarray:
        """(pixels, columns) in the order of the samples' tabular columns, for the fitting pixels."""
        rows, cols = np.nonzero(self.fits)
        r = self.radius
        values = {name: self.channels[i, rows + r, cols + r] for i, name in enumerate(self.channel_names)}
        if self.landuse_code is not None:
            values["landuse_code"] = self.landuse_code[rows, cols]
        if self.unique_sequences is not None:
            assert self.sequence_names is not None and self.sequence_index is not None
            summaries, summary_names = sequence_summaries(self.unique_sequences, self.sequence_names)
            index = self.sequence_index[rows, cols]
            values.update({name: summaries[index, j] for j, name in enumerate(summary_names)})
        missing = [n for n in names if n not in values]
        if missing:
            raise ValueError(f"the map window has no column(s) {missing} the models were trained on")
        return np.column_stack([values[n] for n in names]).astype("float32")


@dataclass(frozen=True)
class FactorRaster:
    """What a window reader needs to know about ``factors.tif`` (read once, header only)."""

    path: str
    names: list[str]
    landuse_classes: pd.DataFrame
    grid: AnalysisGrid

    @classmethod
    def open(cls, path: str) -> FactorRaster:
        """The factor raster at ``path`` with its band names and land-use classes."""
        with rasterio.open(path) as src:
            names = list(src.descriptions)
            tags = src.tags()
            grid = AnalysisGrid(src.crs, src.transform, src.width, src.height)
        classes = [item.split("=", 1) for item in tags.get("landuse_classes", "").split(";") if item]
        table = pd.DataFrame({"code": [int(c) for c, _ in classes], "name": [n for _, n in classes]})
        return cls(str(path), names, table, grid)

    @property
    def channel_names(self) -> list[str]:
        """The input channels the factors make (aspect as two, land use one-hot)."""
        return channel_names(self.names, self.landuse_classes)

    @property
    def water_codes(self) -> np.ndarray:
        """The land-use codes named water (never mapped)."""
        water = [n.lower() == "water" for n in self.landuse_classes["name"]]
        return self.landuse_classes.loc[water, "code"].to_numpy()


def read_halo(src, window: Window, radius: int) -> np.ndarray:
    """(bands, h + 2r, w + 2r) float32 around ``window``, NaN beyond the raster's edges."""
    row0, col0 = window.row_off - radius, window.col_off - radius
    height, width = window.height + 2 * radius, window.width + 2 * radius
    r0, c0 = max(row0, 0), max(col0, 0)
    r1, c1 = min(row0 + height, src.height), min(col0 + width, src.width)
    inner = src.read(window=Window(c0, r0, c1 - c0, r1 - r0)).astype("float32")
    if src.nodata is not None and not np.isnan(src.nodata):
        inner[inner == src.nodata] = np.nan
    out = np.full((src.count, height, width), np.nan, dtype="float32")
    out[:, r0 - row0 : r1 - row0, c0 - col0 : c1 - col0] = inner
    return out


def make_window(
    raster: FactorRaster,
    block: np.ndarray,
    window: Window,
    radius: int,
    forcing: DayForcing | None,
    min_valid: float,
) -> MapWindow:
    """Channels, the pixels that can be mapped (by the samples' rule: valid, with at least
    ``min_valid`` of the patch valid; land; inside the rain grid) and, for dynamic studies, the
    distinct sequences of the window. The halo holds every patch of the window's pixels, so the rule
    gives here what it gives on the whole grid."""
    valid = np.isfinite(block).all(axis=0)
    fits = patch_fits(valid, radius, min_valid)[
        radius : block.shape[1] - radius, radius : block.shape[2] - radius
    ]
    landuse = None
    if "landuse" in raster.names:
        landuse = block[raster.names.index("landuse"), radius : -radius or None, radius : -radius or None]
        fits &= ~np.isin(landuse, raster.water_codes)
    mw = MapWindow(
        to_channels(block, raster.names, raster.landuse_classes), raster.channel_names, fits, radius
    )
    mw.landuse_code = landuse
    if forcing is not None and fits.any():
        rows, cols = np.nonzero(fits)
        keys = forcing.keys(rows + window.row_off, cols + window.col_off)
        inside = keys >= 0
        fits[rows[~inside], cols[~inside]] = False
        unique, inverse = np.unique(keys[inside], return_inverse=True)
        index = np.zeros(fits.shape, dtype=np.int64)
        index[rows[inside], cols[inside]] = inverse
        mw.unique_sequences, mw.sequence_names = forcing.sequences(unique)
        mw.sequence_index = index
    return mw


def iter_windows(
    height: int, width: int, size: int, row_range: tuple[int, int] | None = None
) -> Iterator[Window]:
    """Square windows of ``size`` covering rows ``row_range`` (default all) and every column."""
    r0, r1 = row_range or (0, height)
    for row in range(r0, r1, size):
        for col in range(0, width, size):
            yield Window(col, row, min(size, width - col), min(size, r1 - row))
