"""Factors: distances against brute force, the stack of a study, and the model channels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from pyproj import CRS
from scipy import ndimage
from shapely.geometry import LineString

from lsm.data.factors import channel_names, collinearity, compute_factors, patch_fits, to_channels
from lsm.data.io.study import AnalysisGrid, Study
from lsm.data.raster import distance_to_mask, rasterize_geometries
from lsm.names import ALL_FACTORS
from tests.helpers import RIVER_AREA_KM2


def test_distance_matches_brute_force() -> None:
    rng = np.random.default_rng(3)
    mask = rng.random((23, 31)) < 0.02
    cell = 30.0
    got = distance_to_mask(mask, cell)
    targets = np.argwhere(mask)
    rows, cols = np.indices(mask.shape)
    brute = np.min(np.hypot(rows[..., None] - targets[:, 0], cols[..., None] - targets[:, 1]), axis=-1) * cell
    np.testing.assert_allclose(got, brute, rtol=1e-6)


def test_line_distance_is_within_half_a_diagonal_of_the_exact_one() -> None:
    grid = AnalysisGrid(CRS.from_epsg(32640), Affine(30, 0, 0, 0, -30, 3000), 100, 100)
    line = LineString([(150, 2900), (2700, 600)])
    dist = distance_to_mask(rasterize_geometries([line], grid.shape, grid.transform), grid.cell)
    rows, cols = np.indices(grid.shape)
    x, y = grid.xy(rows, cols)
    from shapely import distance, points

    exact = distance(points(x.ravel(), y.ravel()), line).reshape(grid.shape)
    assert np.abs(dist - exact).max() <= 30 * np.sqrt(2) / 2 + 1e-6


@pytest.fixture(scope="module")
def tiny_stack(tiny_study_dir):
    return compute_factors(
        Study(tiny_study_dir, {"crs": None, "resolution_m": 30.0}), list(ALL_FACTORS), RIVER_AREA_KM2
    )


def test_stack_of_the_tiny_study(tiny_stack, tiny_study_dir) -> None:
    assert tiny_stack.names == list(ALL_FACTORS)
    assert tiny_stack.valid.all()
    with rasterio.open(tiny_study_dir / "dem.tif") as dem:
        np.testing.assert_allclose(tiny_stack.band("elevation"), dem.read(1), rtol=1e-6)
    erg = tiny_stack.band("erg")
    assert set(np.unique(erg)) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert tiny_stack.band("dist_road").min() == 0 and tiny_stack.band("dist_shore").min() == 0
    aap = tiny_stack.band("aap")
    assert 50 < aap.mean() < 600  # mm/yr, arid to semi-arid


def test_collinearity_has_unit_diagonal_and_vif_at_least_one(tiny_stack) -> None:
    table = collinearity(tiny_stack).set_index("factor")
    names = list(table.index)
    assert "aspect" not in names and "landuse" not in names
    np.testing.assert_allclose(np.diag(table[names].to_numpy()), 1.0, atol=1e-6)
    assert (table["vif"] >= 1 - 1e-6).all()


def test_channels_encode_aspect_spi_and_landuse() -> None:
    classes = pd.DataFrame({"code": [1, 2, 6], "name": ["rock", "range", "water"]})
    names = ["aspect", "spi", "landuse", "slope"]
    block = np.array([[[90.0]], [[np.e - 1]], [[6.0]], [[12.0]]])
    assert channel_names(names, classes) == [
        "northness",
        "eastness",
        "log_spi",
        "landuse_rock",
        "landuse_range",
        "landuse_water",
        "slope",
    ]
    out = to_channels(block, names, classes)[:, 0, 0]
    np.testing.assert_allclose(out, [0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 12.0], atol=1e-6)


@pytest.mark.parametrize("min_valid", [1.0, 0.75, 0.5, 0.2])
def test_patch_rule_counts_the_valid_cells_of_every_patch(min_valid: float) -> None:
    """Brute force: a cell fits when it is valid and at least ``min_valid`` of its patch is, the
    cells beyond the grid counting as not valid; 1 is the whole-patch erosion."""
    rng = np.random.default_rng(4)
    valid = rng.random((23, 19)) > 0.15
    valid[:5, :7] = False  # a sea in the corner
    radius, side = 2, 5
    padded = np.pad(valid, radius, constant_values=False)
    count = np.array([[padded[r : r + side, c : c + side].sum() for c in range(19)] for r in range(23)])
    expected = valid & (count / side**2 >= min_valid)
    fits = patch_fits(valid, radius, min_valid)
    assert np.array_equal(fits, expected)
    assert 0 < fits.sum() < valid.sum() or min_valid < 0.5  # by the sea some cells do not fit
    if min_valid == 1.0:
        assert np.array_equal(
            fits, ndimage.binary_erosion(valid, np.ones((side, side), bool), border_value=0)
        )
