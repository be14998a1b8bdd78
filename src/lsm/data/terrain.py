"""DEM derivatives: slope and aspect (Horn 1981), flow routing (pyflwdir), TWI and SPI.

All functions take a 2-D elevation array in metres on a square grid of ``cell_size`` metres, with
NaN for nodata, and return arrays of the same shape (NaN where the input is NaN).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from affine import Affine

if TYPE_CHECKING:  # imported where routing runs: it costs a second at start-up (numba)
    import pyflwdir

# Slope used in TWI/SPI is clamped to this many radians so flat cells do not divide by zero.
MIN_SLOPE_RAD = np.deg2rad(0.1)


def _padded(dem: np.ndarray) -> np.ndarray:
    """Copy extended by one cell with linear extrapolation (2 z_edge - z_inner), so Horn's window is
    defined on the border and a plane keeps its exact gradient there."""
    filled = np.where(np.isnan(dem), np.nanmean(dem), dem)
    if min(filled.shape) < 2:
        return np.pad(filled, 1, mode="edge")
    return np.pad(filled, 1, mode="reflect", reflect_type="odd")


def horn_gradients(dem: np.ndarray, cell_size: float) -> tuple[np.ndarray, np.ndarray]:
    """dz/dx (towards east) and dz/dy (towards north) with Horn's 3x3 weights; row 0 is north."""
    z = _padded(dem.astype("float64"))
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * cell_size)
    dzdy = ((a + 2 * b + c) - (g + 2 * h + i)) / (8 * cell_size)
    return dzdx, dzdy


def slope_aspect(dem: np.ndarray, cell_size: float) -> tuple[np.ndarray, np.ndarray]:
    """Slope in degrees and aspect in degrees clockwise from north (the downslope direction).

    Aspect is NaN on flat cells (no downslope direction).
    """
    dzdx, dzdy = horn_gradients(dem, cell_size)
    slope = np.degrees(np.arctan(np.hypot(dzdx, dzdy)))
    # Downslope points along -grad; compass bearing = atan2(east, north).
    aspect = np.degrees(np.arctan2(-dzdx, -dzdy)) % 360.0
    aspect[(dzdx == 0) & (dzdy == 0)] = np.nan
    nan = np.isnan(dem)
    slope[nan] = np.nan
    aspect[nan] = np.nan
    return slope.astype("float32"), aspect.astype("float32")


@dataclass
class FlowRouting:
    """D8 flow directions and what follows from them."""

    flwdir: pyflwdir.FlwdirRaster
    upstream_cells: np.ndarray  # number of cells draining through each cell, itself included
    specific_area: np.ndarray  # upslope area per unit contour length (m)


def flow_routing(
    dem: np.ndarray, cell_size: float, transform: Affine | None = None, outlets: str = "edge"
) -> FlowRouting:
    """D8 routing on the depression-filled DEM (pyflwdir). Flow leaves the grid at its edges
    (``outlets="edge"``), or, for a closed basin, at its lowest cell (``outlets="min"``)."""
    transform = transform or Affine(cell_size, 0, 0, 0, -cell_size, 0)
    nodata = -9999.0
    data = np.where(np.isnan(dem), nodata, dem).astype("float32")
    import pyflwdir

    flw = pyflwdir.from_dem(data=data, nodata=nodata, transform=transform, latlon=False, outlets=outlets)
    upstream = flw.upstream_area(unit="cell").astype("float64")
    upstream[np.isnan(dem) | (upstream < 0)] = np.nan
    return FlowRouting(flw, upstream, upstream * cell_size)


def twi_spi(slope_deg: np.ndarray, specific_area: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Topographic wetness index ln(a / tan b) and stream power index a * tan b.

    Slope is clamped to ``MIN_SLOPE_RAD`` to keep flats finite.
    """
    tan_b = np.tan(np.maximum(np.deg2rad(slope_deg), MIN_SLOPE_RAD))
    twi = np.log(specific_area / tan_b)
    spi = specific_area * tan_b
    return twi.astype("float32"), spi.astype("float32")


def hillshade(
    dem: np.ndarray, cell_size: float, azimuth: float = 315.0, altitude: float = 45.0
) -> np.ndarray:
    """Illumination 0-1 of each cell from a light at ``azimuth``/``altitude`` degrees, for maps.

    Matplotlib's :class:`~matplotlib.colors.LightSource` shades (it stretches the illumination to
    0-1 over the map unless the map is a plane); nodata cells are shaded as if at the mean elevation,
    as in :func:`horn_gradients`, so that they do not spread into their neighbours.
    """
    from matplotlib.colors import LightSource

    filled = np.where(np.isnan(dem), np.nanmean(dem), dem).astype("float64")
    light = LightSource(azdeg=azimuth, altdeg=altitude)
    return light.hillshade(filled, dx=cell_size, dy=cell_size).astype("float32")
