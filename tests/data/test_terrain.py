"""DEM derivatives on analytic surfaces."""

from __future__ import annotations

import numpy as np
import pytest

from lsm.data.terrain import flow_routing, hillshade, slope_aspect, twi_spi

CELL = 30.0


def plane(gx: float, gy: float, shape=(40, 50)) -> np.ndarray:
    """z = 1000 + gx * east + gy * north (rows run southwards)."""
    rows, cols = np.indices(shape)
    east, north = cols * CELL, -rows * CELL
    return 1000 + gx * east + gy * north


@pytest.mark.parametrize(
    ("gx", "gy", "aspect"),
    [(0.1, 0.0, 270.0), (-0.1, 0.0, 90.0), (0.0, 0.2, 180.0), (0.0, -0.2, 0.0), (0.1, 0.1, 225.0)],
)
def test_inclined_plane_has_exact_slope_and_aspect(gx: float, gy: float, aspect: float) -> None:
    slope, asp = slope_aspect(plane(gx, gy), CELL)
    expected = np.degrees(np.arctan(np.hypot(gx, gy)))
    assert slope == pytest.approx(expected, abs=1e-4)  # edges too: the padding extrapolates linearly
    assert asp[5:-5, 5:-5] == pytest.approx(aspect, abs=1e-3)


def test_flat_surface_has_zero_slope_and_no_aspect() -> None:
    slope, asp = slope_aspect(np.full((10, 10), 1500.0), CELL)
    assert (slope == 0).all() and np.isnan(asp).all()


@pytest.mark.parametrize("outlets", ["edge", "min"])
def test_flow_accumulates_to_the_apex_of_an_inverted_cone(outlets: str) -> None:
    """A cone opening upwards whose apex (the lowest cell) sits on the southern edge."""
    rows, cols = np.indices((41, 41))
    cone = 1000 + 5.0 * np.hypot(rows - 40, cols - 20)
    routing = flow_routing(cone, CELL, outlets=outlets)
    assert routing.upstream_cells[40, 20] == cone.size
    assert routing.upstream_cells[0, 0] == 1  # the far rim drains only itself
    assert routing.specific_area[40, 20] == cone.size * CELL


def test_twi_and_spi_follow_their_definitions() -> None:
    slope = np.array([[0.0, 10.0, 45.0]])
    area = np.array([[300.0, 300.0, 3000.0]])
    twi, spi = twi_spi(slope, area)
    tan = np.tan(np.deg2rad([0.1, 10.0, 45.0]))  # flats clamped to 0.1 degree
    assert twi[0] == pytest.approx(np.log(area[0] / tan), rel=1e-6)
    assert spi[0] == pytest.approx(area[0] * tan, rel=1e-6)


def test_hillshade_is_brightest_facing_the_light() -> None:
    facing = hillshade(plane(0.3, -0.3), CELL)  # downslope towards the north-west light
    away = hillshade(plane(-0.3, 0.3), CELL)
    assert facing.mean() > away.mean()
    # A plane is shaded by its exact illumination cos(altitude -/+ slope), edges included.
    slope = np.arctan(0.3 * np.sqrt(2))
    assert facing == pytest.approx(np.cos(np.deg2rad(45) - slope), abs=1e-6)
    assert away == pytest.approx(np.cos(np.deg2rad(45) + slope), abs=1e-6)


def test_hillshade_of_a_dem_with_nodata_is_finite_and_ordered() -> None:
    """Nodata cells are shaded at the mean elevation: no NaN spreads, the light still decides."""
    dem = plane(0.3, -0.3) + 5 * np.sin(np.indices((40, 50))[1] / 3.0)  # ridges: slopes steeper and gentler
    dem[10:15, 20:25] = np.nan
    shade = hillshade(dem, CELL)
    assert shade.shape == dem.shape and np.isfinite(shade).all()
    assert shade.min() == pytest.approx(0) and shade.max() == pytest.approx(1)  # stretched to 0-1
    west_facing = np.cos(np.arange(50) / 3.0) > 0.5  # where the ridges fall (steeper) towards the west
    rows = slice(20, 40)
    assert shade[rows][:, west_facing].mean() > shade[rows][:, ~west_facing].mean()
