"""Cell <-> coordinate helpers give what rasterio gives and keep the input's shape; the geometry
helpers handle the empty cases the studies bring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio.transform
from affine import Affine
from shapely.geometry import LineString, Polygon

from lsm.data.raster import cell_centres, cells_containing, distance_to_mask, rasterize_geometries

# UTM-like origin and a cell that 1/cell cannot represent exactly, as real grids have.
TRANSFORM = Affine(30.0, 0.0, 412_345.0, 0.0, -30.0, 3_312_345.0)


def test_centres_of_a_2d_block_keep_its_shape_and_match_rasterio() -> None:
    rows, cols = np.indices((4, 7))
    x, y = cell_centres(TRANSFORM, rows, cols)
    assert x.shape == y.shape == (4, 7)
    assert x[0, 0] == 412_345.0 + 15.0 and y[0, 0] == 3_312_345.0 - 15.0
    assert x[3, 6] == 412_345.0 + 6.5 * 30 and y[3, 6] == 3_312_345.0 - 3.5 * 30
    rx, ry = rasterio.transform.xy(TRANSFORM, rows.ravel(), cols.ravel(), offset="center")
    np.testing.assert_array_equal(x.ravel(), rx)
    np.testing.assert_array_equal(y.ravel(), ry)


def test_a_point_falls_in_the_cell_whose_centre_is_nearest() -> None:
    rng = np.random.default_rng(0)
    x = TRANSFORM.c + rng.uniform(-60, 3060, 500)
    y = TRANSFORM.f - rng.uniform(-60, 3060, 500)
    rows, cols = cells_containing(TRANSFORM, x, y)
    assert rows.dtype == cols.dtype == np.int64
    cx, cy = cell_centres(TRANSFORM, rows, cols)
    assert np.abs(cx - x).max() <= 15.0 and np.abs(cy - y).max() <= 15.0
    # Points beyond the top-left edge get negative indices: callers decide what outside means.
    assert (rows < 0).any() and (cols < 0).any() and (rows >= 100).any()
    assert ((rows < 0) == (y > TRANSFORM.f)).all()


def test_cells_match_rasterio_also_on_cell_edges() -> None:
    """Where a point lies exactly on an edge, rounding decides; it decides as rasterio's does."""
    k = np.arange(-5, 2000)
    x, y = TRANSFORM.c + k * 30.0, TRANSFORM.f - k * 30.0
    rows, cols = cells_containing(TRANSFORM, x, y)
    expected = rasterio.transform.rowcol(TRANSFORM, x, y, op=np.floor)
    np.testing.assert_array_equal(rows, expected[0])
    np.testing.assert_array_equal(cols, expected[1])
    assert np.abs(cols - k).max() <= 1 and np.abs(rows - k).max() <= 1


def test_centres_map_back_to_their_own_cells_for_scalars_and_series() -> None:
    rows, cols = np.array([0, 5, 99]), np.array([3, 0, 42])
    back = cells_containing(TRANSFORM, *cell_centres(TRANSFORM, rows, cols))
    np.testing.assert_array_equal(back, [rows, cols])
    x, y = cell_centres(TRANSFORM, 2, 3)
    assert float(x) == 412_345.0 + 105.0 and float(y) == 3_312_345.0 - 75.0
    row, col = cells_containing(TRANSFORM, float(x), float(y))
    assert (int(row), int(col)) == (2, 3)
    empty = cells_containing(TRANSFORM, np.array([]), np.array([]))
    assert empty[0].shape == (0,)


def test_rasterize_touches_lines_covers_polygons_and_skips_empty() -> None:
    shape = (10, 10)
    t = Affine(30.0, 0, 0, 0, -30.0, 300.0)
    assert not rasterize_geometries([], shape, t).any()
    assert not rasterize_geometries([None, LineString()], shape, t).any()
    line = rasterize_geometries([LineString([(15, 285), (285, 285)])], shape, t)
    assert line[0].all() and line.sum() == 10
    square = rasterize_geometries([Polygon([(60, 240), (120, 240), (120, 180), (60, 180)])], shape, t)
    assert square[2:4, 2:4].all()


def test_distance_is_infinite_without_targets_and_zero_on_them() -> None:
    mask = np.zeros((5, 6), dtype=bool)
    assert np.isinf(distance_to_mask(mask, 30.0)).all()
    mask[2, 3] = True
    dist = distance_to_mask(mask, 30.0)
    assert dist.dtype == np.float32 and dist[2, 3] == 0
    assert dist[2, 0] == 90.0 and np.isclose(dist[0, 1], 30 * np.hypot(2, 2))


@pytest.mark.parametrize("dtype", ["int16", "float32"])
def test_nodata_stays_nodata_through_the_warp_onto_a_padded_grid(tmp_path: Path, dtype: str) -> None:
    """Every raster of the contract on the DEM's own grid with a declared nodata of -9999: the
    analysis grid (30 m over a 70 m DEM) is padded outward, and the warp's fill is nodata too."""
    import yaml
    from rasterio.transform import from_origin

    from lsm.data.io.study import Study

    study = tmp_path / "study"
    study.mkdir()
    rng = np.random.default_rng(5)
    dem = (500 + rng.normal(0, 50, (23, 31))).astype("float32")
    dem[:4, :6] = -9999.0  # voids of the DEM itself
    profile = {
        "driver": "GTiff", "width": 31, "height": 23, "count": 1, "crs": "EPSG:2326",
        "transform": from_origin(800_000.0, 820_000.0, 70.0, 70.0), "nodata": -9999,
    }  # fmt: skip
    with rasterio.open(study / "dem.tif", "w", dtype="float32", **profile) as dst:
        dst.write(dem, 1)
    landuse = np.where(dem == -9999.0, -9999, 1 + (np.arange(31) % 2)[None, :].repeat(23, 0)).astype(dtype)
    with rasterio.open(study / "landuse.tif", "w", dtype=dtype, **profile) as dst:
        dst.write(landuse, 1)
    (study / "study.yaml").write_text(yaml.safe_dump({"name": "padded", "landuse_classes": {1: "a", 2: "b"}}))
    s = Study(study, {"resolution_m": 30.0})
    assert s.grid.width * 30.0 > 31 * 70.0  # padded beyond the DEM's right edge
    codes = s.read_landuse()
    assert set(np.unique(codes)) == {0, 1, 2}
    assert (codes[:, -1] == 0).all() and (codes[:5, :12] == 0).all()  # the padding and the voids
    elevation = s.read_dem()
    assert np.isnan(elevation[:, -1]).all() and np.nanmin(elevation) > 0
