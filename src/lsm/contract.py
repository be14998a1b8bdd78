"""The data contract of a study folder ``data/raw/<study>/`` (DESIGN.md section 3).

The synthetic generator writes exactly this, so downstream code never knows which study it reads.
"""

from __future__ import annotations

# Always present in a study folder (land use may be a raster or polygons: see LANDUSE_FILES).
REQUIRED_FILES = (
    "dem.tif",
    "lithology.gpkg",
    "faults.gpkg",
    "roads.gpkg",
    "inventory.gpkg",
    "study.yaml",
)
LANDUSE_FILES = ("landuse.tif", "landuse.gpkg")
# Optional: rivers come from flow accumulation when absent; a study without rain or reservoir
# series runs the static models only.
OPTIONAL_FILES = ("rivers.gpkg", "rainfall.nc", "reservoirs.gpkg", "reservoir_levels.csv")

# What the synthetic generator writes (a complete study).
SYNTHETIC_FILES = (*REQUIRED_FILES, "landuse.tif", *OPTIONAL_FILES)
