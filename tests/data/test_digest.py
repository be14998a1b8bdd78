"""Digests of what a file holds: equal data give equal digests whatever the bytes, and any change of
a value, a name or a type gives another (lsm.data.io.digest)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
from rasterio.transform import from_origin

from lsm.data.io.digest import DIGEST_CHARS, arrays_digest, content_digest, frame_digest, raster_digest


def _raster(path: Path, values: np.ndarray, compress: str = "deflate", description: str = "band") -> Path:
    profile = {
        "driver": "GTiff",
        "width": values.shape[1],
        "height": values.shape[0],
        "count": 1,
        "dtype": values.dtype.name,
        "crs": "EPSG:32640",
        "transform": from_origin(500_000, 3_000_000, 30, 30),
        "compress": compress,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values, 1)
        dst.set_band_description(1, description)
    return path


def test_a_raster_digest_is_of_its_pixels_not_its_bytes(tmp_path: Path) -> None:
    values = np.arange(12, dtype="float32").reshape(3, 4)
    a = _raster(tmp_path / "a.tif", values, "deflate")
    b = _raster(tmp_path / "b.tif", values, "lzw")
    assert a.read_bytes() != b.read_bytes()
    assert raster_digest(a) == raster_digest(b) == content_digest(b)
    assert len(raster_digest(a)) == DIGEST_CHARS
    changed = values.copy()
    changed[1, 2] += 1e-3
    assert raster_digest(_raster(tmp_path / "c.tif", changed)) != raster_digest(a)
    assert raster_digest(_raster(tmp_path / "d.tif", values, description="other")) != raster_digest(a)


def test_a_table_digest_sees_rows_columns_and_types() -> None:
    table = pd.DataFrame({"x": [1, 2, 3], "y": ["a", "b", "c"]})
    assert frame_digest(table) == frame_digest(table.copy())
    assert frame_digest(table) != frame_digest(table.iloc[::-1].reset_index(drop=True))  # order counts
    assert frame_digest(table) != frame_digest(table.astype({"x": "float64"}))
    assert frame_digest(table) != frame_digest(table.rename(columns={"y": "z"}))


def test_a_csv_and_the_arrays_of_an_npz_are_digested_by_content(tmp_path: Path) -> None:
    table = pd.DataFrame({"x": [1.5, 2.5], "y": [3, 4]})
    table.to_csv(tmp_path / "a.csv", index=False)
    table.to_csv(tmp_path / "b.csv", index=False, float_format="%.3f")  # other bytes, same values
    assert (tmp_path / "a.csv").read_bytes() != (tmp_path / "b.csv").read_bytes()
    assert content_digest(tmp_path / "a.csv") == content_digest(tmp_path / "b.csv")
    np.savez(tmp_path / "a.npz", first=np.ones(3), second=np.zeros(2, dtype="int8"))
    np.savez(tmp_path / "b.npz", second=np.zeros(2, dtype="int8"), first=np.ones(3))
    assert arrays_digest(tmp_path / "a.npz") == arrays_digest(tmp_path / "b.npz")
    np.savez(tmp_path / "c.npz", first=np.ones(3), second=np.zeros(2, dtype="int16"))
    assert arrays_digest(tmp_path / "c.npz") != arrays_digest(tmp_path / "a.npz")
    (tmp_path / "note.txt").write_text("x")
    assert content_digest(tmp_path / "note.txt") != content_digest(tmp_path / "a.csv")
