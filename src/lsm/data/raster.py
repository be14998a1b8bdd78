"""Cells of a north-up raster: cell <-> coordinate, the cells geometries touch, distance to cells.

One set of helpers for every grid of the workspace (the analysis grid of :mod:`lsm.data.io.study`, the
generator's grid of :mod:`lsm.synthetic.landscape`, the coarse rain grid, decimated map grids), so
that a point falls in the same cell and a cell has the same centre wherever it is asked. The cell
<-> coordinate pair gives what ``rasterio.transform.xy(offset="center")`` and
``rasterio.transform.rowcol`` give (tests/data/test_raster.py checks it), through the affine transform
directly: rasterio's versions flatten their input and are 4-10 times slower on the millions of
pixels of a map.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from affine import Affine
from rasterio import features
from scipy import ndimage


def cell_centres(transform: Affine, rows, cols) -> tuple[np.ndarray, np.ndarray]:
    """The x and y of the centres of the cells (``rows``, ``cols``), in the (broadcast) shape of the input."""
    # Affine maps arrays element-wise (its stubs say tuples of floats only).
    x, y = transform * (np.asarray(cols) + 0.5, np.asarray(rows) + 0.5)  # type: ignore[operator]
    return np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")


def cells_containing(transform: Affine, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Row and column (int64) of the cells containing the points; they may lie outside the grid."""
    cols, rows = ~transform * (np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64"))
    return np.floor(rows).astype(np.int64), np.floor(cols).astype(np.int64)


def distance_to_mask(mask: np.ndarray, cell: float) -> np.ndarray:
    """Distance (m, float32) from each cell centre to the centre of the nearest True cell (inf if none)."""
    if not mask.any():
        return np.full(mask.shape, np.inf, dtype="float32")
    return ndimage.distance_transform_edt(~mask, sampling=cell).astype("float32")


def rasterize_geometries(geoms: Iterable, shape: tuple[int, int], transform: Affine) -> np.ndarray:
    """Cells touched by the geometries (lines) or covered by them (polygons); None and empty skipped."""
    shapes = [(g, 1) for g in geoms if g is not None and not g.is_empty]
    if not shapes:
        return np.zeros(shape, dtype=bool)
    return features.rasterize(
        shapes, out_shape=shape, transform=transform, all_touched=True, dtype="uint8"
    ).astype(bool)
