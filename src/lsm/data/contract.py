"""The data contract of a study folder ``data/raw/<study>/`` (DESIGN.md section 3).

The synthetic generator writes exactly this, so downstream code never knows which study it reads.
A study brings what it has: the minimum is a DEM, an inventory and ``study.yaml``; each factor
declares the inputs it needs (:data:`lsm.plan.FACTOR_INPUTS`).
"""

from __future__ import annotations

from pathlib import Path

# Every study has these.
REQUIRED_FILES = ("dem.tif", "inventory.gpkg", "study.yaml")
LANDUSE_FILES = ("landuse.tif", "landuse.gpkg")
# Optional: each enables the factors, series or checks that need it. Rivers come from flow
# accumulation when absent; without rain (or dated events) the static models run alone.
OPTIONAL_FILES = (
    "lithology.gpkg",
    "faults.gpkg",
    "roads.gpkg",
    *LANDUSE_FILES,
    "rivers.gpkg",
    "rainfall.nc",
    "rain_gauges.csv",  # daily (or sub-daily) rain of gauges, instead of rainfall.nc ...
    "rain_gauges.gpkg",  # ... and the gauges' points
    "reservoirs.gpkg",
    "reservoir_levels.csv",
    "mapped_area.gpkg",  # polygons: where the inventory was mapped (negatives, blocks, rate curves)
    "absences.gpkg",  # points: the authors' own non-landslide locations (an independent test set)
)
CONTRACT_FILES = (*REQUIRED_FILES, *OPTIONAL_FILES)
# The two forms of daily rain (lsm.data.io.rain); a study brings one of them.
RAIN_FILES = ("rainfall.nc", "rain_gauges.csv")
# Other vector formats accepted in place of a contract's GeoPackage (same stem).
VECTOR_SUFFIXES = (".shp", ".geojson", ".json", ".fgb", ".gml", ".kml")

# What the synthetic generator writes (a complete study, without a survey mask or absences).
SYNTHETIC_FILES = (
    "dem.tif",
    "landuse.tif",
    "lithology.gpkg",
    "faults.gpkg",
    "roads.gpkg",
    "rivers.gpkg",
    "inventory.gpkg",
    "rainfall.nc",
    "reservoirs.gpkg",
    "reservoir_levels.csv",
    "study.yaml",
)


def contract_path(folder: str | Path, name: str) -> Path:
    """The file of the contract called ``name`` in ``folder``; a ``.gpkg`` may also come in another
    OGR format with the same stem (``faults.shp``, ``faults.geojson`` ...)."""
    path = Path(folder) / name
    if path.suffix == ".gpkg" and not path.is_file():
        for suffix in VECTOR_SUFFIXES:
            if path.with_suffix(suffix).is_file():
                return path.with_suffix(suffix)
    return path
