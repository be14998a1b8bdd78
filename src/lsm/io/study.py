"""Readers of a study folder in the data contract (DESIGN.md section 3), each with its checks.

Every problem a user can fix is raised as :class:`lsm.errors.InputError`, one line that names the
file, the problem and the fix. Rasters are brought onto one analysis grid (nearest neighbour for
classes, bilinear for continuous values); vectors are reprojected to its CRS.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import xarray as xr
from affine import Affine
from pyproj import CRS
from rasterio import features
from rasterio.errors import RasterioIOError
from rasterio.warp import Resampling, reproject, transform_bounds
from shapely.geometry import Point, box

from lsm.errors import InputError
from lsm.io.files import read_yaml

log = logging.getLogger(__name__)

LINE_TYPES = {"LineString", "MultiLineString"}
POINT_TYPES = {"Point"}
POLYGON_TYPES = {"Polygon", "MultiPolygon"}
# Other vector formats accepted in place of a contract's GeoPackage (same stem).
VECTOR_SUFFIXES = (".shp", ".geojson", ".json", ".fgb", ".gml", ".kml")


@dataclass(frozen=True)
class AnalysisGrid:
    """The grid every factor is computed on: projected CRS in metres, square cells, north up."""

    crs: CRS
    transform: Affine
    width: int
    height: int

    @property
    def cell(self) -> float:
        return float(self.transform.a)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.height, self.width)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        t = self.transform
        return (t.c, t.f + t.e * self.height, t.c + t.a * self.width, t.f)

    def rowcol(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of the cells containing the points (may fall outside the grid)."""
        t = self.transform
        col = np.floor((np.asarray(x, dtype="float64") - t.c) / t.a).astype(int)
        row = np.floor((np.asarray(y, dtype="float64") - t.f) / t.e).astype(int)
        return row, col

    def xy(self, row: np.ndarray, col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Coordinates of cell centres."""
        t = self.transform
        return t.c + (np.asarray(col) + 0.5) * t.a, t.f + (np.asarray(row) + 0.5) * t.e

    def contains(self, row: np.ndarray, col: np.ndarray) -> np.ndarray:
        return (row >= 0) & (row < self.height) & (col >= 0) & (col < self.width)


@dataclass
class RainCube:
    """Daily rain on its own (coarse) grid; each analysis cell points at the rain cell it lies in."""

    dates: pd.DatetimeIndex
    values: np.ndarray  # (days, ny, nx) mm/day
    transform: Affine
    crs: CRS

    def cell_index(self, grid: AnalysisGrid, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Flat rain-cell index of each analysis cell (-1 where the cell lies outside the cube)."""
        x, y = grid.xy(rows, cols)
        if CRS.from_user_input(self.crs) != grid.crs:
            from pyproj import Transformer

            x, y = Transformer.from_crs(grid.crs, self.crs, always_xy=True).transform(x, y)
        t = self.transform
        c = np.floor((x - t.c) / t.a).astype(int)
        r = np.floor((y - t.f) / t.e).astype(int)
        ny, nx = self.values.shape[1:]
        inside = (r >= 0) & (r < ny) & (c >= 0) & (c < nx)
        return np.where(inside, r * nx + c, -1)


def _fail(path: Path, problem: str, fix: str) -> InputError:
    return InputError(path, problem, fix)


class Study:
    """A study folder. Readers check what they read and fail with one clear line."""

    def __init__(self, folder: str | Path, grid_settings: dict[str, Any] | None = None) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise _fail(
                self.folder, "study folder not found", "create it with the files of the data contract"
            )
        self.grid_settings = grid_settings or {}
        self.meta = self._read_meta()
        self._grid: AnalysisGrid | None = None

    # -- helpers ---------------------------------------------------------------------------------
    def path(self, name: str) -> Path:
        """The file of the contract called ``name``; a vector file may also come in another OGR
        format with the same stem (``faults.shp``, ``faults.geojson`` ...)."""
        path = self.folder / name
        if path.suffix == ".gpkg" and not path.is_file():
            for suffix in VECTOR_SUFFIXES:
                other = path.with_suffix(suffix)
                if other.is_file():
                    return other
        return path

    def has(self, name: str) -> bool:
        return self.path(name).is_file()

    def require(self, name: str) -> Path:
        path = self.path(name)
        if not path.is_file():
            raise _fail(path, "required file is missing", "add it (see the data contract in the README)")
        return path

    def _read_meta(self) -> dict[str, Any]:
        path = self.require("study.yaml")
        meta = read_yaml(path)
        if not isinstance(meta, dict) or "name" not in meta:
            raise _fail(path, "needs at least a 'name' key", "add name: <study name> (see the README)")
        return meta

    # -- the analysis grid and rasters -----------------------------------------------------------
    @property
    def grid(self) -> AnalysisGrid:
        if self._grid is None:
            self._grid = self._make_grid()
        return self._grid

    def _open_raster(self, path: Path):
        try:
            return rasterio.open(path)
        except RasterioIOError as err:
            raise _fail(
                path,
                f"cannot be read as a raster ({str(err).splitlines()[0][:120]})",
                "re-export it as GeoTIFF",
            ) from err

    def _make_grid(self) -> AnalysisGrid:
        path = self.require("dem.tif")
        target_crs = self.grid_settings.get("crs")
        resolution = self.grid_settings.get("resolution_m")
        with self._open_raster(path) as src:
            if src.crs is None:
                raise _fail(path, "has no CRS", "assign one, e.g. gdal_edit.py -a_srs EPSG:32640 dem.tif")
            src_crs = CRS.from_user_input(src.crs)
            if target_crs is None and not src_crs.is_projected:
                raise _fail(
                    path,
                    f"CRS {src_crs.to_string()} is geographic (degrees) and no analysis CRS is set",
                    "set grid.crs in params.yaml to a projected CRS in metres (e.g. EPSG:32640)",
                )
            crs = CRS.from_user_input(target_crs) if target_crs else src_crs
            if not crs.is_projected or crs.axis_info[0].unit_name not in ("metre", "meter"):
                raise _fail(
                    path, f"analysis CRS {crs.to_string()} is not in metres", "use a projected CRS in metres"
                )
            left, bottom, right, top = (
                transform_bounds(src.crs, crs, *src.bounds) if crs != src_crs else src.bounds
            )
            cell = float(resolution or abs(src.res[0]))
        width = max(1, int(round((right - left) / cell)))
        height = max(1, int(round((top - bottom) / cell)))
        return AnalysisGrid(crs, Affine(cell, 0, left, 0, -cell, top), width, height)

    def _warp(self, path: Path, resampling: Resampling, dtype: str = "float32") -> np.ndarray:
        """Read band 1 of a raster onto the analysis grid; nodata becomes NaN (or 0 for classes)."""
        grid = self.grid
        with self._open_raster(path) as src:
            if src.crs is None:
                raise _fail(
                    path, "has no CRS", "assign one, e.g. gdal_edit.py -a_srs EPSG:32640 " + path.name
                )
            own = box(*transform_bounds(src.crs, grid.crs, *src.bounds))
            if not own.intersects(box(*grid.bounds)):
                raise _fail(
                    path, "does not overlap the analysis grid (the DEM's extent)", "check its CRS and extent"
                )
            out = np.full(grid.shape, np.nan if dtype.startswith("float") else 0, dtype=dtype)
            reproject(
                source=rasterio.band(src, 1),
                destination=out,
                dst_transform=grid.transform,
                dst_crs=grid.crs,
                dst_nodata=np.nan if dtype.startswith("float") else 0,
                resampling=resampling,
            )
        return out

    def read_dem(self) -> np.ndarray:
        """Elevation (m) on the analysis grid, NaN where there is no data."""
        dem = self._warp(self.require("dem.tif"), Resampling.bilinear)
        if not np.isfinite(dem).any():
            raise _fail(
                self.path("dem.tif"), "holds no valid elevation (all nodata)", "check its nodata value"
            )
        return dem

    def landuse_classes(self) -> pd.DataFrame:
        """The land-use class table (code, name) from study.yaml."""
        table = self.meta.get("landuse_classes")
        if not table:
            raise _fail(
                self.path("study.yaml"),
                "has no landuse_classes table",
                "add landuse_classes: a list of {code: <int>, name: <text>}",
            )
        frame = pd.DataFrame(table)
        if not {"code", "name"} <= set(frame.columns):
            raise _fail(
                self.path("study.yaml"), "landuse_classes needs code and name", "add both to every class"
            )
        return frame[["code", "name"]].astype({"code": int})

    def read_landuse(self) -> np.ndarray:
        """Land-use codes on the analysis grid (0 = no data), from landuse.tif or landuse.gpkg."""
        classes = self.landuse_classes()
        if self.has("landuse.tif"):
            codes = self._warp(self.path("landuse.tif"), Resampling.nearest, dtype="int32")
            source = self.path("landuse.tif")
        elif self.has("landuse.gpkg"):
            source = self.path("landuse.gpkg")
            polys = self.read_vector("landuse.gpkg", POLYGON_TYPES, columns=("class",))
            codes = features.rasterize(
                zip(polys.geometry, polys["class"].astype(int), strict=True),
                out_shape=self.grid.shape,
                transform=self.grid.transform,
                fill=0,
                dtype="int32",
            )
        else:
            raise _fail(self.path("landuse.tif"), "land use is missing", "add landuse.tif or landuse.gpkg")
        unknown = sorted(set(np.unique(codes)) - set(classes["code"]) - {0})
        if unknown:
            raise _fail(
                source,
                f"codes {unknown[:5]} are not in the landuse_classes of study.yaml",
                "add them to the table",
            )
        return codes.astype("int32")

    # -- vectors ---------------------------------------------------------------------------------
    def read_vector(
        self, name: str, geom_types: set[str], columns: tuple[str, ...] = (), required: bool = True
    ) -> gpd.GeoDataFrame:
        """Any OGR format geopandas reads; checked for CRS, geometry type and columns; reprojected."""
        path = self.require(name) if required else self.path(name)
        try:
            frame = gpd.read_file(path)
        except Exception as err:  # pyogrio raises several types for unreadable files
            raise _fail(
                path, f"cannot be read as vector data ({str(err)[:120]})", "re-export it (GeoPackage)"
            ) from err
        if frame.crs is None:
            raise _fail(path, "has no CRS", "assign one when exporting (e.g. EPSG:32640)")
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise _fail(
                path, f"missing column(s) {', '.join(missing)}", f"add {', '.join(missing)} to every feature"
            )
        frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
        bad = set(frame.geom_type) - geom_types
        if bad:
            raise _fail(
                path,
                f"has {', '.join(sorted(bad))} geometries",
                f"use {' or '.join(sorted(geom_types))} only",
            )
        return frame.to_crs(self.grid.crs)

    def read_lithology(self) -> gpd.GeoDataFrame:
        lith = self.read_vector("lithology.gpkg", POLYGON_TYPES, columns=("unit", "erodibility"))
        values = pd.to_numeric(lith["erodibility"], errors="coerce")
        if values.isna().any() or not values.between(1, 5).all():
            raise _fail(
                self.path("lithology.gpkg"), "erodibility must be a number from 1 to 5", "fix the values"
            )
        return lith.assign(erodibility=values)

    # -- inventory -------------------------------------------------------------------------------
    def read_inventory(self, dem: np.ndarray | None = None, dated: bool = True) -> gpd.GeoDataFrame:
        """Landslides as points (polygons become their highest point on the DEM), with dates."""
        path = self.require("inventory.gpkg")
        inv = self.read_vector("inventory.gpkg", POINT_TYPES | POLYGON_TYPES)
        if dated and "date" not in inv.columns:
            raise _fail(
                path,
                "has no 'date' column",
                "add the date (ISO day) of every landslide, "
                "or set sampling.temporal: false for static models only",
            )
        if inv.empty:
            raise _fail(path, "holds no landslides", "add the mapped landslides (points or polygons)")
        if (inv.geom_type != "Point").any():
            dem = self.read_dem() if dem is None else dem
            inv = inv.assign(geometry=[self._initiation_point(g, dem) for g in inv.geometry])
        row, col = self.grid.rowcol(inv.geometry.x, inv.geometry.y)
        outside = ~self.grid.contains(row, col)
        if outside.any():
            raise _fail(
                path,
                f"{int(outside.sum())} landslide(s) lie outside the DEM's extent (first at "
                f"x={inv.geometry.x[outside].iloc[0]:.0f}, y={inv.geometry.y[outside].iloc[0]:.0f})",
                "remove them or check the inventory's CRS",
            )
        if dated:
            parsed = pd.to_datetime(inv["date"].astype(str), errors="coerce", format="mixed")
            if parsed.isna().any():
                first = inv["date"][parsed.isna()].iloc[0]
                raise _fail(
                    path,
                    f"{int(parsed.isna().sum())} date(s) cannot be parsed (first: {first!r})",
                    "write dates as ISO days, e.g. 2019-03-25",
                )
            inv = inv.assign(date=parsed.dt.normalize())
        if "event_id" not in inv.columns:
            inv = inv.assign(event_id=[f"E{i:05d}" for i in range(1, len(inv) + 1)])
        return inv.reset_index(drop=True)

    def _initiation_point(self, geom, dem: np.ndarray) -> Point:
        """The highest DEM cell inside a landslide polygon: where failure starts (the scarp)."""
        if geom.geom_type == "Point":
            return geom
        grid = self.grid
        mask = features.geometry_mask([geom], grid.shape, grid.transform, invert=True, all_touched=True)
        values = np.where(mask & np.isfinite(dem), dem, -np.inf)
        if not np.isfinite(values).any():
            return geom.representative_point()
        row, col = np.unravel_index(int(np.argmax(values)), dem.shape)
        x, y = grid.xy(row, col)
        return Point(float(x), float(y))

    # -- series ----------------------------------------------------------------------------------
    def has_series(self) -> tuple[bool, str]:
        """Whether the temporal inputs exist, and if not, why (for the skip message)."""
        if not self.has("rainfall.nc"):
            return False, "the study has no rainfall.nc"
        return True, ""

    def read_rainfall(self) -> RainCube:
        path = self.path("rainfall.nc")
        try:
            ds = xr.open_dataset(path)
        except Exception as err:
            raise _fail(
                path, f"cannot be read as NetCDF ({str(err)[:100]})", "write a CF NetCDF file"
            ) from err
        with ds:
            if "precipitation" not in ds:
                raise _fail(
                    path,
                    "has no variable 'precipitation'",
                    "name the rain variable precipitation(time, y, x)",
                )
            rain = ds["precipitation"]
            if set(rain.dims) != {"time", "y", "x"}:
                raise _fail(path, f"precipitation has dims {rain.dims}", "use dims (time, y, x)")
            rain = rain.transpose("time", "y", "x")
            units = rain.attrs.get("units", "")
            if units not in ("mm/day", "mm d-1", "mm day-1", "mm"):
                raise _fail(path, f"precipitation units are {units!r}", "store daily totals in mm/day")
            crs_attrs = ds[rain.attrs["grid_mapping"]].attrs if rain.attrs.get("grid_mapping") in ds else {}
            wkt = crs_attrs.get("crs_wkt") or crs_attrs.get("spatial_ref")
            if not wkt:
                raise _fail(path, "has no CRS (no grid_mapping variable with crs_wkt)", "add CF grid_mapping")
            values = rain.values.astype("float32")
            dates = pd.DatetimeIndex(ds["time"].values).normalize()
            xs, ys = ds["x"].values.astype("float64"), ds["y"].values.astype("float64")
        if np.isnan(values).any():
            raise _fail(path, "precipitation has missing values", "fill the gaps (or cut the period)")
        if (values < 0).any():
            raise _fail(path, f"precipitation has negative values (min {values.min():.2f})", "fix the data")
        if len(dates) > 1 and (np.diff(dates.values) != np.timedelta64(1, "D")).any():
            raise _fail(path, "the time axis is not daily without gaps", "store one field per day")
        dx = float(xs[1] - xs[0]) if xs.size > 1 else float(abs(ys[1] - ys[0]))
        dy = float(ys[1] - ys[0]) if ys.size > 1 else -dx
        if dy > 0:  # store north-up
            values, ys, dy = values[:, ::-1, :], ys[::-1], -dy
        transform = Affine(dx, 0, xs[0] - dx / 2, 0, dy, ys[0] - dy / 2)
        return RainCube(dates, values, transform, CRS.from_wkt(wkt))

    def read_reservoirs(self, dates: pd.DatetimeIndex | None = None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
        """Reservoir outlines and their daily levels (date x reservoir_id), checked for gaps."""
        res = self.read_vector("reservoirs.gpkg", POLYGON_TYPES, columns=("reservoir_id",))
        path = self.require("reservoir_levels.csv")
        try:
            levels = pd.read_csv(path)
        except Exception as err:
            raise _fail(
                path, f"cannot be read as CSV ({str(err)[:100]})", "write date,reservoir_id,level_m"
            ) from err
        missing = [c for c in ("date", "reservoir_id", "level_m") if c not in levels.columns]
        if missing:
            raise _fail(
                path, f"missing column(s) {', '.join(missing)}", "use the header date,reservoir_id,level_m"
            )
        levels["date"] = pd.to_datetime(levels["date"], errors="coerce")
        if levels["date"].isna().any():
            raise _fail(path, "some dates cannot be parsed", "write ISO days, e.g. 2019-03-25")
        levels["reservoir_id"] = levels["reservoir_id"].astype(str)
        res = res.assign(reservoir_id=res["reservoir_id"].astype(str))
        table = levels.pivot_table(index="date", columns="reservoir_id", values="level_m", aggfunc="first")
        for rid in res["reservoir_id"]:
            if rid not in table.columns:
                raise _fail(
                    path, f"reservoir '{rid}' of reservoirs.gpkg has no levels", f"add rows for {rid}"
                )
        table = table[list(res["reservoir_id"])]
        span = pd.date_range(table.index.min(), table.index.max(), freq="D")
        if dates is not None:
            span = dates
        full = table.reindex(span)
        if full.isna().any().any():
            rid = full.columns[full.isna().any()][0]
            day = full.index[full[rid].isna()][0]
            raise _fail(
                path,
                f"reservoir '{rid}' has gaps in its daily levels (first missing day {day:%Y-%m-%d})",
                "provide one level per day over the whole rainfall period",
            )
        return res.reset_index(drop=True), full
