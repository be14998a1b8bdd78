"""Digests of what a file holds, not of its bytes.

A GeoPackage stamps the time it was written and a GeoTIFF's tags may move between library versions,
so two runs that prepared the same data need not write the same bytes. These digests hash the
content the pipeline reads back (pixel values, grid and band names; the table's columns and rows;
the arrays of an ``.npz``), so that equal digests mean equal data, and a reviewer can compare a
pulled or re-made file with a published reference.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

DIGEST_CHARS = 16  # 64 bits: ample to tell two data sets apart, short enough to read in a diff


def _hex(hasher: hashlib._Hash) -> str:
    return hasher.hexdigest()[:DIGEST_CHARS]


def _array(hasher: hashlib._Hash, name: str, values: np.ndarray) -> None:
    values = np.ascontiguousarray(values)
    hasher.update(f"{name}|{values.dtype.str}|{values.shape}|".encode())
    hasher.update(values.tobytes())


def raster_digest(path: str | Path) -> str:
    """The digest of a raster's grid (CRS, transform, size), band names, nodata and pixel values."""
    import rasterio

    hasher = hashlib.sha256()
    with rasterio.open(path) as src:
        crs = src.crs.to_wkt() if src.crs else ""
        hasher.update(f"{crs}|{tuple(src.transform)}|{src.descriptions}|{src.nodata}|".encode())
        _array(hasher, "pixels", src.read())
    return _hex(hasher)


def table_digest(path: str | Path) -> str:
    """The digest of a vector or CSV table: its column names, types and every row, in order
    (geometries as WKB)."""
    import pandas as pd

    path = Path(path)
    if path.suffix == ".csv":
        table = pd.read_csv(path)
    else:
        import geopandas as gpd

        frame = gpd.read_file(path)
        table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        table["geometry_wkb"] = frame.geometry.to_wkb()
    return frame_digest(table)


def frame_digest(table: pd.DataFrame) -> str:
    """The digest of a data frame's column names, types and rows, in order."""
    import pandas as pd

    hasher = hashlib.sha256()
    hasher.update("|".join(f"{c}:{t}" for c, t in table.dtypes.items()).encode())
    _array(hasher, "rows", pd.util.hash_pandas_object(table, index=True).to_numpy())
    return _hex(hasher)


def arrays_digest(path: str | Path) -> str:
    """The digest of every array in an ``.npz``, by name."""
    hasher = hashlib.sha256()
    with np.load(path, allow_pickle=False) as arrays:
        for name in sorted(arrays.files):
            _array(hasher, name, arrays[name])
    return _hex(hasher)


def content_digest(path: str | Path) -> str:
    """The digest of a file's content, by its kind (raster, table, arrays; else its bytes)."""
    path = Path(path)
    if path.suffix in {".tif", ".tiff"}:
        return raster_digest(path)
    if path.suffix in {".gpkg", ".csv", ".geojson"}:
        return table_digest(path)
    if path.suffix == ".npz":
        return arrays_digest(path)
    return _hex(hashlib.sha256(path.read_bytes()))
