"""Daily forcing: rain on a coarse grid, the reservoir level, and a few earthquakes."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from affine import Affine
from scipy import ndimage
from shapely.geometry import Point
from shapely.ops import substring

from lsm.data.raster import cells_containing
from lsm.synthetic.landscape import Landscape
from lsm.synthetic.settings import SyntheticSettings


@dataclass
class Forcing:
    """The daily forcing of the synthetic study: rain grid, reservoir level and earthquakes."""

    dates: pd.DatetimeIndex
    rain: np.ndarray  # (days, rain rows, rain cols) mm/day, float32
    rain_transform: Affine
    levels: np.ndarray  # (days,) reservoir level, m a.s.l., rounded to mm
    earthquakes: gpd.GeoDataFrame  # one row per earthquake: date, magnitude, fault_id; rupture line


def wet_season(dates: pd.DatetimeIndex) -> np.ndarray:
    """0 (dry summer) .. 1 (wet winter-spring, peak mid-February), the rhythm of Kerman's rain."""
    doy = dates.day_of_year.to_numpy()
    return 0.5 * (1 + np.cos(2 * np.pi * (doy - 45) / 365.25))


def make_rain(
    rng: np.random.Generator, settings: SyntheticSettings, land: Landscape, dates: pd.DatetimeIndex
) -> tuple[np.ndarray, Affine]:
    """Seasonal wet/dry Markov chain with gamma amounts, orographic scaling and rare storms."""
    grid = land.grid
    rc = settings.rain_cell_m
    ny = int(np.ceil(grid.rows * grid.cell / rc))
    nx = int(np.ceil(grid.cols * grid.cell / rc))
    transform = Affine(rc, 0, grid.x0, 0, -rc, grid.y0)
    # Orographic factor from the mean elevation under each rain cell.
    r, c = cells_containing(transform, *grid.centres())
    flat = (np.minimum(r, ny - 1) * nx + np.minimum(c, nx - 1)).ravel()
    sums = np.bincount(flat, weights=land.dem.ravel().astype("float64"), minlength=ny * nx)
    cell_elev = (sums / np.maximum(np.bincount(flat, minlength=ny * nx), 1)).reshape(ny, nx)
    low, high = settings.elevation_m
    orographic = 0.6 + 1.4 * np.clip((cell_elev - low) / (high - low), 0, 1)

    season = wet_season(dates)
    p_wet_after_dry = 0.02 + 0.16 * season
    p_wet_after_wet = 0.25 + 0.40 * season
    scale = 2.0 + 7.0 * season
    days = len(dates)
    wet = np.zeros(days, dtype=bool)
    u = rng.random(days)
    for t in range(1, days):
        wet[t] = u[t] < (p_wet_after_wet[t] if wet[t - 1] else p_wet_after_dry[t])
    regional = np.where(wet, rng.gamma(0.7, scale), 0.0)
    # Local variation: a smooth log-normal field per day, so neighbouring cells rain alike.
    noise = rng.normal(size=(days, ny, nx))
    noise = ndimage.gaussian_filter(noise, sigma=(0, 1.0, 1.0)) * 2.0
    local = np.exp(0.35 * noise - 0.5 * 0.35**2)
    rain = regional[:, None, None] * orographic[None] * local
    # Rare multi-day storms, mostly in the wet season, centred somewhere in or near the area, each
    # over a part of it (a Gaussian footprint of 0.15-0.5 times the area's width, 5-16 km on the
    # default study: a mesoscale storm, not a front over the whole area), so that one storm puts
    # many landslides in one part of the area, as storms do (Trigila et al. 2015).
    size = max(ny, nx)
    n_storms = rng.poisson(settings.storms_per_year * days / 365.25)
    yy, xx = np.mgrid[0:ny, 0:nx]
    for _ in range(n_storms):
        start = int(rng.choice(days, p=(season + 0.05) / (season + 0.05).sum()))
        length = int(rng.integers(2, 5))
        cy, cx = rng.uniform(-0.2, 1.2, 2) * size
        radius = rng.uniform(0.15, 0.5) * size
        footprint = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * radius**2))
        peak = rng.uniform(25, 70)
        for d in range(length):
            if start + d < days:
                shape_ = np.sin(np.pi * (d + 1) / (length + 1))
                rain[start + d] += peak * shape_ * footprint * orographic
    rain[rain < 0.2] = 0.0
    # Scale to the requested long-term mean (area average, mm/yr); the pattern is unchanged.
    annual = rain.mean(axis=(1, 2)).sum() / (days / 365.25)
    rain *= settings.mean_annual_rain_mm / annual
    return rain.astype("float32"), transform


def make_levels(
    rng: np.random.Generator, settings: SyntheticSettings, land: Landscape, dates: pd.DatetimeIndex, rain
) -> np.ndarray:
    """Daily level: seasonal operating rule (fill in spring, release for summer irrigation),
    inflow after rain, and occasional rapid drawdowns (flood-control or emergency releases)."""
    low, full = land.level_range_m
    span = full - low
    doy = dates.day_of_year.to_numpy()
    target = 0.55 + 0.35 * np.cos(2 * np.pi * (doy - 120) / 365.25)
    inflow = rain.mean(axis=(1, 2))
    days = len(dates)
    drop = np.zeros(days)
    for _ in range(rng.poisson(settings.drawdowns_per_year * days / 365.25)):
        start = int(rng.integers(30, days))
        length = int(rng.integers(4, 12))
        drop[start : start + length] += rng.uniform(0.6, 1.5) / span  # m/day as a fraction of the span
    fill = np.empty(days)
    fill[0] = target[0]
    for t in range(1, days):
        f = fill[t - 1] + 0.05 * (target[t] - fill[t - 1]) + 0.004 * inflow[t] - drop[t]
        fill[t] = min(max(f, 0.02), 1.0)
    # Millimetre precision, as gauges report: the CSV then round-trips the exact values simulated.
    return np.round(low + span * fill, 3)


def make_earthquakes(
    rng: np.random.Generator, settings: SyntheticSettings, land: Landscape, dates: pd.DatetimeIndex
) -> gpd.GeoDataFrame:
    """A few earthquakes, each rupturing a segment of a fault (length from Wells & Coppersmith 1994)."""
    rows = []
    faults = land.faults.reset_index(drop=True)
    if faults.empty:
        return gpd.GeoDataFrame(
            columns=["date", "magnitude", "fault_id", "epicentre_x", "epicentre_y", "geometry"],
            geometry="geometry",
            crs=land.grid.crs,
        )
    for _ in range(settings.earthquakes):
        fault = faults.iloc[int(rng.integers(len(faults)))]
        line = fault.geometry
        if line.geom_type == "MultiLineString":
            line = max(line.geoms, key=lambda g: g.length)
        magnitude = float(rng.uniform(4.8, 6.3))
        length = 1000 * 10 ** (-2.44 + 0.59 * magnitude)
        at = float(rng.uniform(0, line.length))
        rupture = substring(line, max(0.0, at - length / 2), min(line.length, at + length / 2))
        epicentre = line.interpolate(at)
        rows.append(
            {
                "date": dates[int(rng.integers(60, len(dates)))].strftime("%Y-%m-%d"),
                "magnitude": round(magnitude, 2),
                "fault_id": fault["fault_id"],
                "epicentre_x": epicentre.x,
                "epicentre_y": epicentre.y,
                "geometry": rupture if rupture.length > 0 else Point(epicentre),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=land.grid.crs)
    return frame.sort_values("date").reset_index(drop=True)


def peak_ground_acceleration(magnitude: float, distance_m: np.ndarray) -> np.ndarray:
    """PGA (g) decaying with distance from the rupture: ln PGA = -3.5 + 0.9 M - 1.2 ln(R_km + 10)."""
    return np.exp(-3.5 + 0.9 * magnitude - 1.2 * np.log(distance_m / 1000.0 + 10.0))


def make_forcing(rng: np.random.Generator, settings: SyntheticSettings, land: Landscape) -> Forcing:
    """The whole forcing, drawn in a fixed order from ``rng``."""
    dates = pd.date_range(settings.start, periods=settings.days, freq="D")
    rain, transform = make_rain(rng, settings, land, dates)
    levels = make_levels(rng, settings, land, dates, rain)
    earthquakes = make_earthquakes(rng, settings, land, dates)
    return Forcing(dates, rain, transform, levels, earthquakes)
