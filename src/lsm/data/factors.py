"""The conditioning factors on the analysis grid: the paper's 11 plus distance to the reservoir shore.

Factors are stored as they are measured (one multi-band GeoTIFF, band names = factor names). What
the models see is derived from them by :func:`to_channels`, used alike for training samples and for
dense mapping: aspect becomes northness and eastness (it is circular), SPI its logarithm (it spans
orders of magnitude) and land use one-hot columns (networks) besides its code (trees).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from rasterio import features
from scipy import ndimage

from lsm.data.io import write_raster, write_text
from lsm.data.io.rain import check_covers
from lsm.data.io.study import AnalysisGrid, Study
from lsm.data.raster import distance_to_mask, rasterize_geometries
from lsm.data.support import FACTOR_INPUTS
from lsm.data.terrain import flow_routing, slope_aspect, twi_spi
from lsm.errors import InputError
from lsm.names import ALL_FACTORS, TERRAIN_FACTORS

log = logging.getLogger(__name__)

UNITS = {
    "elevation": "m",
    "slope": "degree",
    "aspect": "degree from north",
    "twi": "ln(m)",
    "spi": "m",
    "erg": "grade 1-5",
    "dist_fault": "m",
    "dist_river": "m",
    "dist_road": "m",
    "landuse": "code",
    "aap": "mm/yr",
    "dist_shore": "m",
}


@dataclass
class FactorStack:
    """The factor rasters on the analysis grid, one band per factor, with the land-use classes."""

    names: list[str]
    data: np.ndarray  # (factors, rows, cols) float32, NaN = no data
    grid: AnalysisGrid
    landuse_classes: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def band(self, name: str) -> np.ndarray:
        """The band of factor ``name``."""
        return self.data[self.names.index(name)]

    @property
    def valid(self) -> np.ndarray:
        """Cells where every factor holds data."""
        return np.isfinite(self.data).all(axis=0)


def _line_mask(study: Study, name: str, lines, grid: AnalysisGrid) -> np.ndarray:
    mask = rasterize_geometries(lines.geometry, grid.shape, grid.transform)
    if not mask.any():
        raise InputError(
            study.path(name), "has no line inside the study area", "add the lines, or check the CRS"
        )
    return mask


def terrain_factors(study: Study, dem: np.ndarray) -> tuple[dict[str, np.ndarray], object]:
    """Elevation, slope, aspect, TWI and SPI from the DEM, and the flow routing (for rivers)."""
    grid = study.grid
    slope, aspect = slope_aspect(dem, grid.cell)
    routing = flow_routing(dem, grid.cell, grid.transform)
    twi, spi = twi_spi(slope, routing.specific_area)
    aspect = np.nan_to_num(aspect, nan=0.0)  # flat cells face nowhere: northness = eastness = 0
    aspect[np.isnan(dem)] = np.nan
    return {"elevation": dem, "slope": slope, "aspect": aspect, "twi": twi, "spi": spi}, routing


def river_distance(study: Study, routing, river_area_km2: float, notes: list[str]) -> np.ndarray:
    """Distance to rivers.gpkg, or to channels from flow accumulation where the study has none."""
    grid = study.grid
    river_mask = np.zeros(grid.shape, dtype=bool)
    if study.has("rivers.gpkg"):
        rivers = study.read_vector("rivers.gpkg", {"LineString", "MultiLineString"})
        river_mask = rasterize_geometries(rivers.geometry, grid.shape, grid.transform)
    if not river_mask.any():
        upstream = np.nan_to_num(routing.upstream_cells)
        threshold = min(river_area_km2 * 1e6 / grid.cell**2, upstream.max())
        river_mask = upstream >= threshold
        area_km2 = threshold * grid.cell**2 / 1e6
        notes.append(f"rivers derived from flow accumulation (upstream area >= {area_km2:.2g} km2)")
    return distance_to_mask(river_mask, grid.cell)


def line_distance(study: Study, name: str) -> np.ndarray:
    """Distance (m) of every cell to the lines of ``name`` (faults, roads, rivers)."""
    lines = study.read_vector(name, {"LineString", "MultiLineString"})
    return distance_to_mask(_line_mask(study, name, lines, study.grid), study.grid.cell)


def erodibility_grade(study: Study) -> np.ndarray:
    """ERG: the erodibility grade (1-5) of the lithology polygon each cell lies in."""
    lith = study.read_lithology()
    return features.rasterize(
        zip(lith.geometry, lith["erodibility"].astype("float32"), strict=True),
        out_shape=study.grid.shape,
        transform=study.grid.transform,
        fill=np.nan,
        dtype="float32",
    )


def shore_distance(study: Study) -> np.ndarray:
    """Distance (m) of every cell to the reservoirs' shores."""
    grid = study.grid
    reservoirs = study.read_vector("reservoirs.gpkg", {"Polygon", "MultiPolygon"})
    return distance_to_mask(rasterize_geometries(reservoirs.geometry, grid.shape, grid.transform), grid.cell)


def compute_factors(study: Study, names: list[str], river_area_km2: float) -> FactorStack:
    """The requested factors on the analysis grid, reading only the files they need.

    ``names`` is what the run plan chose (:func:`lsm.plan.choose_factors`): every name here has its
    inputs; a missing input still stops with one line from its reader.
    """
    unknown = [n for n in names if n not in ALL_FACTORS]
    if unknown:
        raise InputError("params.yaml", f"unknown factor(s) {unknown}", f"use names from {ALL_FACTORS}")
    dem = study.read_dem()
    out: dict[str, np.ndarray] = {}
    notes: list[str] = []
    routing = None
    if any(n in names for n in (*TERRAIN_FACTORS, "dist_river")):
        terrain, routing = terrain_factors(study, dem)
        out.update({k: v for k, v in terrain.items() if k in names})
    builders = {
        "erg": lambda: erodibility_grade(study),
        "dist_fault": lambda: line_distance(study, "faults.gpkg"),
        "dist_river": lambda: river_distance(study, routing, river_area_km2, notes),
        "dist_road": lambda: line_distance(study, "roads.gpkg"),
        "landuse": lambda: _landuse_band(study),
        "aap": lambda: mean_annual_rain(study, study.grid, np.isfinite(dem)),
        "dist_shore": lambda: shore_distance(study),
    }
    for name in names:
        if name not in out:
            out[name] = builders[name]()
    data = np.stack([out[n].astype("float32") for n in names])
    data[:, ~np.isfinite(dem)] = np.nan
    for note in notes:
        log.info(note)
    classes = study.landuse_classes() if "landuse" in names else pd.DataFrame({"code": [], "name": []})
    return FactorStack(list(names), data, study.grid, classes, notes)


def _landuse_band(study: Study) -> np.ndarray:
    landuse = study.read_landuse()
    return np.where(landuse > 0, landuse, np.nan).astype("float32")


def mean_annual_rain(study: Study, grid: AnalysisGrid, valid: np.ndarray) -> np.ndarray:
    """AAP: each cell takes the long-term mean of its rain cell or gauge (coarse rain stays coarse);
    a rain grid must cover every valid cell of the DEM."""
    cube = study.read_rainfall()
    check_covers(cube, grid, valid, study.path(cube.source))
    rows, cols = np.indices(grid.shape)
    index = cube.cell_index(grid, rows.ravel(), cols.ravel())
    per_cell = cube.values.mean(axis=0).ravel() * 365.25
    aap = np.where(index >= 0, per_cell[np.maximum(index, 0)], np.nan)
    return aap.reshape(grid.shape).astype("float32")


# -- statistics ------------------------------------------------------------------------------------
def statistics(stack: FactorStack) -> pd.DataFrame:
    """Minimum, maximum, mean and standard deviation of every factor over its valid cells."""
    rows = []
    for name, band in zip(stack.names, stack.data, strict=True):
        values = band[np.isfinite(band)]
        rows.append(
            {
                "factor": name,
                "units": UNITS.get(name, ""),
                "min": float(values.min()),
                "max": float(values.max()),
                "mean": float(values.mean()),
                "std": float(values.std()),
                "median": float(np.median(values)),
                "nodata_share": float(1 - values.size / band.size),
            }
        )
    return pd.DataFrame(rows)


def collinearity(stack: FactorStack, sample: int = 50_000, seed: int = 0) -> pd.DataFrame:
    """Pearson correlations between the continuous factors and each one's variance inflation factor.

    Aspect (circular) and land use (categorical) are left out. VIF_j = [R^-1]_jj for the
    correlation matrix R (equivalent to 1 / (1 - R^2) of regressing factor j on the others).
    """
    names = [n for n in stack.names if n not in ("aspect", "landuse")]
    rows, cols = np.nonzero(stack.valid)
    rng = np.random.default_rng(seed)
    pick = rng.choice(rows.size, size=min(sample, rows.size), replace=False)
    values = np.stack([stack.band(n)[rows[pick], cols[pick]] for n in names], axis=1).astype("float64")
    varying = values.std(axis=0) > 0  # a constant factor has no correlation
    kept = [n for n, v in zip(names, varying, strict=True) if v]
    values = values[:, varying]
    corr = np.corrcoef(values, rowvar=False)
    vif = np.diag(np.linalg.pinv(corr))
    frame = pd.DataFrame(corr, index=kept, columns=kept).round(4)
    frame["vif"] = np.round(vif, 3)
    frame.index.name = "factor"
    return frame.reset_index()


def write_factors(stack: FactorStack, factors_tif: Path, stats_csv: Path, collinearity_csv: Path) -> None:
    """The stack as factors.tif, with its statistics and the factors' correlations beside it; every
    table is computed before any file is written, so a bad stack leaves none behind."""
    empty = [name for name, band in zip(stack.names, stack.data, strict=True) if not np.isfinite(band).any()]
    if empty:
        sources = dict.fromkeys(name for factor in empty for need in FACTOR_INPUTS[factor] for name in need)
        raise InputError(
            " or ".join(sources),
            f"factor(s) {', '.join(empty)} have not one valid cell on the analysis grid (only no-data)",
            "correct the file, or leave the factor out of factors.names in params.yaml",
        )
    stats, correlations = statistics(stack), collinearity(stack)
    write_raster(
        factors_tif,
        stack.data,
        stack.grid.transform,
        stack.grid.crs,
        np.nan,
        names=stack.names,
        units=[UNITS.get(n, "") for n in stack.names],
        tags={
            "landuse_classes": ";".join(f"{c}={n}" for c, n in stack.landuse_classes.itertuples(index=False)),
            "notes": " | ".join(stack.notes),
        },
    )
    write_text(stats_csv, stats.to_csv(index=False, float_format="%.6g"))
    write_text(collinearity_csv, correlations.to_csv(index=False))


def read_factor_stack(path: str | Path) -> FactorStack:
    """Read a factor GeoTIFF written by :func:`write_factors`."""
    import rasterio

    with rasterio.open(path) as src:
        names = list(src.descriptions)
        data = src.read().astype("float32")
        grid = AnalysisGrid(src.crs, src.transform, src.width, src.height)
        tags = src.tags()
    classes = [item.split("=", 1) for item in tags.get("landuse_classes", "").split(";") if item]
    table = pd.DataFrame({"code": [int(c) for c, _ in classes], "name": [n for _, n in classes]})
    notes = [n for n in tags.get("notes", "").split(" | ") if n]
    return FactorStack(names, data, grid, table, notes)


# -- what the models see -------------------------------------------------------------------------
def channel_names(names: list[str], classes: pd.DataFrame) -> list[str]:
    """Model input channels derived from the factors (see :func:`to_channels`)."""
    out: list[str] = []
    for name in names:
        if name == "aspect":
            out += ["northness", "eastness"]
        elif name == "spi":
            out.append("log_spi")
        elif name == "landuse":
            out += [f"landuse_{n}" for n in classes["name"]]
        else:
            out.append(name)
    return out


def to_channels(block: np.ndarray, names: list[str], classes: pd.DataFrame) -> np.ndarray:
    """(factors, ...) -> (channels, ...): aspect to cos/sin, SPI to log1p, land use one-hot.

    The transcendental functions run in float64 and are rounded to float32 after: NumPy's float32
    loops differ by one unit in the last place between AVX-512 and AVX2 CPUs (measured by
    benchmarks/cpu_spread.py on log1p), which made the samples, and every patch model, differ
    between machines; float64's own error is about 1e-9 of a float32 step, so after rounding the
    channels agree (the tiny and default studies' tensors do: README, "Verifying a run").
    """
    parts = []
    for band, name in zip(block, names, strict=True):
        if name == "aspect":
            rad = np.deg2rad(band.astype(np.float64))
            parts += [np.cos(rad).astype(np.float32), np.sin(rad).astype(np.float32)]
        elif name == "spi":
            parts.append(np.log1p(np.maximum(band, 0).astype(np.float64)).astype(np.float32))
        elif name == "landuse":
            parts += [np.where(np.isnan(band), np.nan, band == code) for code in classes["code"]]
        else:
            parts.append(band)
    return np.stack(parts).astype("float32")


def patch_fits(valid: np.ndarray, radius: int, min_valid: float) -> np.ndarray:
    """Valid cells at least ``min_valid`` of whose (2r+1)-square patch is valid (cells beyond the
    grid are not): the one rule for samples, absences, check-study and the maps."""
    side = 2 * radius + 1
    count = valid.astype(np.int32)  # valid cells of each patch, exactly: a box sum, axis by axis
    for axis in (0, 1):
        count = ndimage.correlate1d(count, np.ones(side, np.int32), axis=axis, mode="constant", cval=0)
    return valid & (count >= np.ceil(min_valid * side * side - 1e-9))
