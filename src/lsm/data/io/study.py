"""Readers of a study folder in the data contract (DESIGN.md section 3), each with its checks.

Every problem a user can fix is raised as :class:`lsm.errors.InputError`, one line that names the
file, the problem and the fix. Rasters are brought onto one analysis grid (nearest neighbour for
classes, bilinear for continuous values); vectors are reprojected to its CRS.

One module of about 600 lines on purpose: one reader per file of the contract, all methods of
:class:`Study`, which holds the analysis grid they share; the rain readers, the longest, are in
:mod:`lsm.data.io.rain`.
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
from affine import Affine
from numpy.typing import ArrayLike
from pyproj import CRS
from rasterio import features
from rasterio.errors import RasterioIOError
from rasterio.warp import Resampling, reproject, transform_bounds
from shapely.geometry import Point, box

from lsm.data.contract import RAIN_FILES, contract_path
from lsm.data.io.dates import check_precision, check_timezone, parse_days
from lsm.data.io.files import read_yaml, refuse_bad_values
from lsm.data.io.rain import (
    GAUGE_POINTS,
    GAUGE_TABLE,
    GRID_FILE,
    RainCube,
    gauge_cube,
    read_gauge_table,
    read_rain_grid,
    study_period,
)
from lsm.data.raster import cell_centres, cells_containing
from lsm.errors import InputError

__all__ = ["AnalysisGrid", "RainCube", "Study"]

log = logging.getLogger(__name__)

# Why a landslide is left out of the analysis (the `left_out` column of the inventory).
OUTSIDE_DEM = "outside the DEM's extent"
ON_NODATA = "on the DEM's nodata"
POINT_TYPES = {"Point"}
POLYGON_TYPES = {"Polygon", "MultiPolygon"}
# Plausible elevations and water levels, m a.s.l. (Dead Sea shore to above Everest).
ELEVATION_RANGE_M = (-500.0, 9000.0)


@dataclass(frozen=True)
class AnalysisGrid:
    """The grid every factor is computed on: projected CRS in metres, square cells, north up."""

    crs: CRS
    transform: Affine
    width: int
    height: int

    @property
    def cell(self) -> float:
        """Side of a cell (m)."""
        return float(self.transform.a)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return (self.height, self.width)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) in the grid's CRS."""
        t = self.transform
        return (t.c, t.f + t.e * self.height, t.c + t.a * self.width, t.f)

    def rowcol(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of the cells containing the points (may fall outside the grid)."""
        return cells_containing(self.transform, x, y)

    def xy(self, row: ArrayLike, col: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Coordinates of cell centres."""
        return cell_centres(self.transform, row, col)

    def contains(self, row: np.ndarray, col: np.ndarray) -> np.ndarray:
        """Whether each (row, col) lies on the grid."""
        return (row >= 0) & (row < self.height) & (col >= 0) & (col < self.width)


def polygon_cells(geometries, grid: AnalysisGrid) -> np.ndarray:
    """Cells of ``grid`` whose centre lies inside any of the polygons (in the grid's CRS)."""
    return features.geometry_mask(list(geometries), grid.shape, grid.transform, invert=True)


def _fail(path: Path, problem: str, fix: str) -> InputError:
    return InputError(path, problem, fix)


def _integer_code(value: Any) -> int | None:
    """An integer land-use code written as a number or as digits; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value)
    return None


def _checked_levels(levels: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Levels in m a.s.l.: numbers, present, plausible, one per reservoir and day."""
    if levels["reservoir_id"].isna().any():
        rows = levels.index[levels["reservoir_id"].isna()]
        raise _fail(path, f"{len(rows)} row(s) have no reservoir_id (first: row {rows[0] + 1})", "fill it in")
    numbers = pd.to_numeric(levels["level_m"], errors="coerce")
    low, high = ELEVATION_RANGE_M
    refuse_bad_values(
        path,
        levels,
        "level_m",
        (
            (levels["level_m"].isna(), "are missing", "give every row its level"),
            (numbers.isna() & levels["level_m"].notna(), "are not numbers", "write plain numbers in metres"),
            (
                ~numbers.between(low, high) & numbers.notna(),
                f"lie outside {low:g} to {high:g} m a.s.l.",
                "store water levels in metres above sea level",
            ),
        ),
    )
    repeated = levels.duplicated(["date", "reservoir_id"], keep=False)
    if repeated.any():
        first = levels.index[repeated][0]
        raise _fail(
            path,
            f"{int(repeated.sum())} rows repeat a (date, reservoir_id) pair (first: row {first + 1}, "
            f"{levels.loc[first, 'date']:%Y-%m-%d} {levels.loc[first, 'reservoir_id']})",
            "keep one level per reservoir and day",
        )
    return levels.assign(level_m=numbers)


def _landuse_table(pairs: list[tuple[Any, Any]], path: Path) -> pd.DataFrame:
    """(code, name) pairs checked: integer codes other than 0 (no data), unique codes and names
    (names become model channels), names without ';' or '=' (they are stored as code=name;...)."""
    codes: list[int] = []
    names: list[str] = []
    for code, name in pairs:
        number = _integer_code(code)
        if number is None:
            raise _fail(path, f"landuse_classes code {code!r} is not an integer", "use the raster's codes")
        if number == 0:
            raise _fail(
                path, "landuse_classes has code 0, which means no data", "renumber that class from 1 up"
            )
        text = "" if name is None or isinstance(name, bool | list | dict) else str(name).strip()
        if not text or ";" in text or "=" in text:
            raise _fail(
                path,
                f"landuse_classes code {number} has no usable name ({name!r})",
                "give it a name without ';' or '='",
            )
        codes.append(number)
        names.append(text)
    labelled: list[tuple[str, list[Any]]] = [("code", codes), ("name", names)]
    for label, items in labelled:
        repeated = sorted({item for item in items if items.count(item) > 1}, key=str)
        if repeated:
            raise _fail(
                path,
                f"landuse_classes repeats {label}(s) {', '.join(map(str, repeated[:3]))}",
                f"give every class its own {label}",
            )
    return pd.DataFrame({"code": np.array(codes, dtype="int64"), "name": names})


def utm_zone_of(crs: CRS, bounds: Any) -> str:
    """The WGS 84 UTM zone (``EPSG:326zz`` north, ``EPSG:327zz`` south) holding the centre of
    ``bounds`` given in the geographic ``crs``: the suggestion for a DEM in degrees, wherever it lies."""
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(
        (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    )
    zone = min(60, max(1, int((lon + 180) // 6) + 1))
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


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
        """The file of the contract called ``name`` (see :func:`lsm.data.contract.contract_path`)."""
        return contract_path(self.folder, name)

    def has(self, name: str) -> bool:
        """Whether the study has the contract file ``name``."""
        return self.path(name).is_file()

    def require(self, name: str) -> Path:
        """The path of the contract file ``name``; one line naming it when it is missing."""
        path = self.path(name)
        if not path.is_file():
            raise _fail(path, "required file is missing", "add it (see the data contract in the README)")
        return path

    def _read_meta(self) -> dict[str, Any]:
        path = self.require("study.yaml")
        meta = read_yaml(path)
        if not isinstance(meta, dict) or "name" not in meta:
            raise _fail(path, "needs at least a 'name' key", "add name: <study name> (see the README)")
        for key, default in (("timezone", "UTC"), ("date_precision", "day")):
            meta[key] = default if meta.get(key) is None else meta[key]
        check_timezone(meta["timezone"], path)
        check_precision(meta["date_precision"], path)
        return meta

    @property
    def timezone(self) -> str:
        """IANA time zone of the study (study.yaml ``timezone``, default UTC): dates are its days."""
        return str(self.meta["timezone"])

    @property
    def date_precision(self) -> str:
        """How precisely the inventory is dated (study.yaml ``date_precision``): day, month or year."""
        return str(self.meta["date_precision"])

    # -- the analysis grid and rasters -----------------------------------------------------------
    @property
    def grid(self) -> AnalysisGrid:
        """The analysis grid (the DEM's, or the one params.yaml asks for), made on first use."""
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
                raise _fail(
                    path,
                    "has no CRS",
                    "assign the CRS it was made in, e.g. gdal_edit.py -a_srs EPSG:<code> dem.tif",
                )
            src_crs = CRS.from_user_input(src.crs)
            if target_crs is None and not src_crs.is_projected:
                raise _fail(
                    path,
                    f"CRS {src_crs.to_string()} is geographic (degrees) and no analysis CRS is set",
                    "set grid.crs in params.yaml to a projected CRS in metres, such as the DEM's own UTM "
                    f"zone, {utm_zone_of(src_crs, src.bounds)}",
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
        # Snap outward from the DEM's top-left corner: the grid covers the whole DEM (cells beyond its
        # edge are nodata), so resampling never cuts a strip off the bottom or the right edge.
        width = max(1, int(np.ceil((right - left) / cell - 1e-6)))
        height = max(1, int(np.ceil((top - bottom) / cell - 1e-6)))
        return AnalysisGrid(crs, Affine(cell, 0, left, 0, -cell, top), width, height)

    def _warp(self, path: Path, resampling: Resampling, dtype: str = "float32") -> np.ndarray:
        """Read band 1 of a raster onto the analysis grid; nodata becomes NaN (or 0 for classes)."""
        grid = self.grid
        with self._open_raster(path) as src:
            if src.crs is None:
                raise _fail(
                    path,
                    "has no CRS",
                    f"assign the CRS it was made in (gdal_edit.py -a_srs EPSG:<code> {path.name})",
                )
            own = box(*transform_bounds(src.crs, grid.crs, *src.bounds))
            if not own.intersects(box(*grid.bounds)):
                raise _fail(
                    path, "does not overlap the analysis grid (the DEM's extent)", "check its CRS and extent"
                )
            fill = np.nan if dtype.startswith("float") else 0
            out = np.full(grid.shape, fill, dtype=dtype)
            reproject(
                source=rasterio.band(src, 1),
                destination=out,
                dst_transform=grid.transform,
                dst_crs=grid.crs,
                dst_nodata=fill,
                resampling=resampling,
            )
            # GDAL fills the cells the raster does not cover (the analysis grid is padded outward to
            # cover the whole DEM) with the source's own nodata value: that value is nodata here too.
            if src.nodata is not None and np.isfinite(src.nodata):
                out[out == np.asarray(src.nodata).astype(dtype)] = fill
        return out

    def read_dem(self) -> np.ndarray:
        """Elevation (m) on the analysis grid, NaN where there is no data."""
        dem = self._warp(self.require("dem.tif"), Resampling.bilinear)
        path = self.path("dem.tif")
        if not np.isfinite(dem).any():
            raise _fail(path, "holds no valid elevation (all nodata)", "check its nodata value")
        low, high = float(np.nanmin(dem)), float(np.nanmax(dem))
        if low < ELEVATION_RANGE_M[0]:
            raise _fail(
                path,
                f"elevations go down to {low:g} m, below the plausible {ELEVATION_RANGE_M[0]:g} m "
                "(voids stored as a number without a nodata value?)",
                "set the nodata value of the voids (e.g. gdal_edit.py -a_nodata -9999 dem.tif)",
            )
        if high > ELEVATION_RANGE_M[1]:
            raise _fail(
                path,
                f"elevations reach {high:g}, above the plausible {ELEVATION_RANGE_M[1]:g} m a.s.l. "
                "(feet or centimetres? an unset nodata value?)",
                "store metres above sea level (feet x 0.3048) and set the nodata value of voids",
            )
        if low == high:
            raise _fail(
                path,
                f"every valid cell holds the same elevation ({low:g} m): no relief to derive factors from",
                "use the real DEM (check that the export wrote the elevation band)",
            )
        return dem

    def landuse_classes(self) -> pd.DataFrame:
        """The land-use class table (code, name) from study.yaml."""
        path, table = self.path("study.yaml"), self.meta.get("landuse_classes")
        shape = "landuse_classes: a list of {code: <int>, name: <text>} or a mapping {<code>: <name>}"
        if table is None or (isinstance(table, list | dict) and not table):
            raise _fail(path, "has no landuse_classes table", f"add {shape}")
        if isinstance(table, dict):
            pairs = list(table.items())
        elif isinstance(table, list) and all(isinstance(item, dict) for item in table):
            lacking = [i for i, item in enumerate(table, 1) if not {"code", "name"} <= set(item)]
            if lacking:
                raise _fail(
                    path,
                    f"landuse_classes entry {lacking[0]} lacks code or name ({len(lacking)} such)",
                    "give every class both code and name",
                )
            pairs = [(item["code"], item["name"]) for item in table]
        else:
            raise _fail(path, f"landuse_classes is {str(table)[:40]!r}, not a table", f"write {shape}")
        return _landuse_table(pairs, path)

    def read_landuse(self) -> np.ndarray:
        """Land-use codes on the analysis grid (0 = no data), from landuse.tif or landuse.gpkg."""
        classes = self.landuse_classes()
        if self.has("landuse.tif"):
            codes = self._warp(self.path("landuse.tif"), Resampling.nearest, dtype="int32")
            source = self.path("landuse.tif")
        elif self.has("landuse.gpkg"):
            source = self.path("landuse.gpkg")
            polys = self.read_vector("landuse.gpkg", POLYGON_TYPES, columns=("class",))
            numbers = pd.to_numeric(polys["class"], errors="coerce")
            wrong = numbers.isna() | (numbers % 1 != 0)
            if wrong.any():
                raise _fail(
                    source,
                    f"{int(wrong.sum())} polygon(s) have a class that is not an integer code (first: row "
                    f"{polys.index[wrong][0] + 1}, {polys['class'][wrong].iloc[0]!r})",
                    "give every polygon the integer code of its class (landuse_classes in study.yaml)",
                )
            codes = features.rasterize(
                zip(polys.geometry, numbers.astype(int), strict=True),
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
            raise _fail(path, "has no CRS", "assign the CRS it was made in when exporting it")
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
        """The lithology polygons with their erodibility (1-5), checked."""
        lith = self.read_vector("lithology.gpkg", POLYGON_TYPES, columns=("unit", "erodibility"))
        values = pd.to_numeric(lith["erodibility"], errors="coerce")
        if values.isna().any() or not values.between(1, 5).all():
            raise _fail(
                self.path("lithology.gpkg"), "erodibility must be a number from 1 to 5", "fix the values"
            )
        return lith.assign(erodibility=values)

    # -- inventory -------------------------------------------------------------------------------
    def read_inventory(self, dem: np.ndarray | None = None, dated: bool = True) -> gpd.GeoDataFrame:
        """Landslides as points (polygons become their highest point on the DEM), with dates.

        Every landslide is returned; those the analysis cannot use carry the reason in the column
        ``left_out`` (outside the DEM's extent, on its nodata; empty for the others), so that the
        caller counts them and stops only when they are most of the inventory.
        """
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
        dem = self.read_dem() if dem is None else dem
        if (inv.geom_type != "Point").any():
            inv = inv.assign(geometry=[self._initiation_point(g, dem) for g in inv.geometry])
        row, col = self.grid.rowcol(inv.geometry.x, inv.geometry.y)
        inside = self.grid.contains(row, col)
        on_data = np.zeros(len(inv), dtype=bool)
        on_data[inside] = np.isfinite(dem[row[inside], col[inside]])
        inv = inv.assign(
            left_out=np.where(~inside, OUTSIDE_DEM, np.where(~on_data, ON_NODATA, "")).astype(object)
        )
        if dated:  # calendar days in the study's time zone; partial dates only if declared
            inv = inv.assign(date=parse_days(inv["date"], path, self.timezone, self.date_precision))
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

    # -- where the inventory was mapped, and the authors' own absences ------------------------------
    def read_mapped_area(self) -> np.ndarray | None:
        """Cells whose centre lies inside ``mapped_area.gpkg`` (where the inventory was mapped), or
        None when the study has no such file (then the DEM's valid area counts as mapped)."""
        if not self.has("mapped_area.gpkg"):
            return None
        polygons = self.read_vector("mapped_area.gpkg", POLYGON_TYPES)
        mask = polygon_cells(polygons.geometry, self.grid)
        if not mask.any():
            raise _fail(
                self.path("mapped_area.gpkg"),
                "covers no cell of the analysis grid",
                "check its CRS and that it overlaps the DEM",
            )
        return mask

    def read_absences(self, dem: np.ndarray) -> gpd.GeoDataFrame | None:
        """The study's own non-landslide points (``absences.gpkg``), with ``left_out`` reasons like
        the inventory's; None when the study has none."""
        if not self.has("absences.gpkg"):
            return None
        points = self.read_vector("absences.gpkg", POINT_TYPES)
        if points.empty:
            raise _fail(
                self.path("absences.gpkg"), "holds no point", "add the absence points or remove the file"
            )
        row, col = self.grid.rowcol(points.geometry.x, points.geometry.y)
        inside = self.grid.contains(row, col)
        on_data = np.zeros(len(points), dtype=bool)
        on_data[inside] = np.isfinite(dem[row[inside], col[inside]])
        reason = np.where(~inside, OUTSIDE_DEM, np.where(~on_data, ON_NODATA, ""))
        return points.assign(left_out=reason.astype(object)).reset_index(drop=True)

    # -- series ----------------------------------------------------------------------------------
    def rain_file(self) -> str | None:
        """The contract file the study's rain comes from (a grid or gauges), or None; both at once
        is refused, since which one the models saw would be a guess."""
        present = [name for name in RAIN_FILES if self.has(name)]
        if len(present) > 1:
            raise _fail(
                self.folder,
                f"holds both {' and '.join(present)}",
                "keep one form of rain (move the other out of the study folder)",
            )
        return present[0] if present else None

    def has_series(self) -> tuple[bool, str]:
        """Whether the temporal inputs exist, and if not, why (for the skip message)."""
        if self.rain_file() is None:
            return False, f"the study has no {' or '.join(RAIN_FILES)}"
        return True, ""

    def read_rainfall(self) -> RainCube:
        """Daily rain from ``rainfall.nc`` (a CF grid) or ``rain_gauges.csv`` + ``rain_gauges.gpkg``."""
        form = self.rain_file()
        if form is None:
            raise _fail(self.path(GRID_FILE), "the study has no rain", f"add {' or '.join(RAIN_FILES)}")
        if form == GRID_FILE:
            variable = self.meta.get("rainfall_variable")
            return read_rain_grid(self.path(GRID_FILE), str(variable) if variable else None)
        table = self.path(GAUGE_TABLE)
        points = self.read_vector(GAUGE_POINTS, POINT_TYPES, columns=("gauge_id",))
        if points.empty:
            raise _fail(
                self.path(GAUGE_POINTS), "holds no gauge", "add one point per gauge (column gauge_id)"
            )
        daily = read_gauge_table(table, self.timezone)
        return gauge_cube(daily, points, table, self.path(GAUGE_POINTS), self.period)

    @property
    def period(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """``period`` of study.yaml as (first day, last day), or None where it declares none."""
        return study_period(self.meta, self.path("study.yaml"))

    def read_reservoirs(self, dates: pd.DatetimeIndex | None = None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
        """Reservoir outlines and their daily levels (date x reservoir_id), checked for gaps."""
        res = self.read_vector("reservoirs.gpkg", POLYGON_TYPES, columns=("reservoir_id",))
        path = self.require("reservoir_levels.csv")
        try:
            levels = pd.read_csv(path, dtype={"date": str, "reservoir_id": str})
        except Exception as err:
            raise _fail(
                path, f"cannot be read as CSV ({str(err)[:100]})", "write date,reservoir_id,level_m"
            ) from err
        missing = [c for c in ("date", "reservoir_id", "level_m") if c not in levels.columns]
        if missing:
            raise _fail(
                path, f"missing column(s) {', '.join(missing)}", "use the header date,reservoir_id,level_m"
            )
        levels = _checked_levels(levels.assign(date=parse_days(levels["date"], path, self.timezone)), path)
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
