"""The static landscape: terrain, rivers, a reservoir, faults, towns, roads, lithology, land use.

Everything is generated on one square grid in a projected CRS (UTM 40N by default, the zone of
Kerman) from a seeded random generator, so the same seed gives the same landscape.

One module of about 500 lines on purpose: each layer is drawn from the ones before it (rivers from
the terrain, the reservoir on a river, towns and roads by the rivers, land use from all of them),
in one order that one seeded generator walks through; split, the order would be implicit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from affine import Affine
from rasterio import features
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString, Point, box, shape
from shapely.ops import unary_union

from lsm.data.raster import cell_centres, cells_containing, distance_to_mask, rasterize_geometries
from lsm.data.terrain import FlowRouting, flow_routing, slope_aspect, twi_spi
from lsm.synthetic.settings import SyntheticSettings

# Regolith properties by parent lithology (typical ranges for shallow slope failures; Kerman has
# Jurassic-Cretaceous limestones, Eocene volcanics, flysch, Neogene marls and Quaternary fans).
LITHOLOGY_UNITS = pd.DataFrame(
    [
        # unit, name, erodibility (1 resistant .. 5 very erodible), c' kPa, phi' deg, kN/m3, K m/s, max soil m
        (1, "limestone_dolomite", 1, 12.0, 36.0, 21.0, 1e-5, 1.2),
        (2, "eocene_volcanics", 2, 10.0, 34.0, 20.0, 5e-6, 1.6),
        (3, "flysch_sandstone_shale", 3, 7.0, 30.0, 20.0, 1e-6, 2.2),
        (4, "neogene_marl", 4, 5.0, 25.0, 19.0, 1e-7, 2.8),
        (5, "quaternary_alluvium", 5, 2.0, 31.0, 18.5, 1e-4, 3.5),
    ],
    columns=[
        "unit",
        "name",
        "erodibility",
        "cohesion_kpa",
        "friction_deg",
        "unit_weight_kn_m3",
        "conductivity_m_s",
        "max_soil_depth_m",
    ],
)

# Land-use classes (raster codes) and the root cohesion they add to the soil.
LANDUSE_CLASSES = pd.DataFrame(
    [
        (1, "bare_rock", 0.0),
        (2, "rangeland", 2.0),
        (3, "dry_farming", 1.0),
        (4, "orchards", 5.0),
        (5, "settlements", 0.0),
        (6, "water", 0.0),
    ],
    columns=["code", "name", "root_cohesion_kpa"],
)
WATER = 6
# Upstream area from which a channel is mapped as a river (rivers.gpkg).
RIVER_AREA_M2 = 2.0e6


@dataclass(frozen=True)
class Grid:
    """A north-up grid: ``rows`` x ``cols`` square cells of ``cell`` metres, top-left at (x0, y0)."""

    rows: int
    cols: int
    cell: float
    x0: float
    y0: float
    crs: str

    @property
    def transform(self) -> Affine:
        """The grid's affine transform (north-up)."""
        return Affine(self.cell, 0, self.x0, 0, -self.cell, self.y0)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return (self.rows, self.cols)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) in the grid's CRS."""
        return (self.x0, self.y0 - self.rows * self.cell, self.x0 + self.cols * self.cell, self.y0)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """The x and y of every cell centre, each of shape (rows, cols)."""
        return cell_centres(self.transform, *np.indices(self.shape))


@dataclass
class Landscape:
    """The static landscape: every layer on one grid."""

    grid: Grid
    dem: np.ndarray
    slope_deg: np.ndarray
    twi: np.ndarray
    upstream_cells: np.ndarray
    rivers: gpd.GeoDataFrame
    river_distance: np.ndarray
    reservoir_mask: np.ndarray
    reservoir: gpd.GeoDataFrame
    level_range_m: tuple[float, float]
    shore_distance: np.ndarray
    faults: gpd.GeoDataFrame
    fault_distance: np.ndarray
    towns: gpd.GeoDataFrame
    town_distance: np.ndarray
    roads: gpd.GeoDataFrame
    road_distance: np.ndarray
    lithology: gpd.GeoDataFrame
    unit_grid: np.ndarray
    landuse: np.ndarray
    notes: dict = field(default_factory=dict)


def fractal_noise(rng: np.random.Generator, shape: tuple[int, int], beta: float) -> np.ndarray:
    """Gaussian random field with power spectrum ~ k^-beta, scaled to 0..1 (spectral synthesis)."""
    rows, cols = shape
    ky = np.fft.fftfreq(rows)[:, None]
    kx = np.fft.rfftfreq(cols)[None, :]
    k = np.hypot(kx, ky)
    k[0, 0] = 1.0
    amplitude = k ** (-beta / 2)
    amplitude[0, 0] = 0.0
    spectrum = amplitude * (rng.normal(size=k.shape) + 1j * rng.normal(size=k.shape))
    field_ = np.fft.irfft2(spectrum, s=shape)
    return (field_ - field_.min()) / (field_.max() - field_.min())


def make_terrain(rng: np.random.Generator, grid: Grid, elevation_m: tuple[float, float]) -> np.ndarray:
    """Fractal relief on a NW-SE mountain belt with plains beside it, valleys carved by flow."""
    shape = (grid.rows, grid.cols)
    noise = fractal_noise(rng, shape, beta=3.2)
    detail = fractal_noise(rng, shape, beta=2.2)
    v, u = np.mgrid[0 : grid.rows, 0 : grid.cols] / max(shape)
    # Belt axis through the centre, striking NW-SE like the ranges of Kerman; offset at random.
    theta = np.deg2rad(rng.uniform(30, 60))
    offset = rng.uniform(-0.15, 0.15)
    across = (u - 0.5) * np.sin(theta) + (v - 0.5) * np.cos(theta) - offset
    belt = np.exp(-((across / 0.32) ** 2))
    h = (0.8 * noise + 0.2 * detail) * (0.25 + 0.75 * belt)
    h = (h - h.min()) / (h.max() - h.min())
    low, high = elevation_m
    dem = low + (high - low) * h**1.35
    # Valley carving: incise along the drainage in proportion to log upstream area, then relax.
    routing = flow_routing(dem, grid.cell, grid.transform)
    area = np.log(np.maximum(routing.upstream_cells, 1))
    incision = 0.12 * (high - low) * (area / area.max()) ** 3
    dem = ndimage.gaussian_filter(dem - incision, sigma=1.0)
    dem = low + (high - low) * (dem - dem.min()) / (dem.max() - dem.min())
    return dem.astype("float32")


def place_reservoir(
    rng: np.random.Generator, grid: Grid, dem: np.ndarray, upstream: np.ndarray, flw, dam_height: float
) -> tuple[np.ndarray, float, float, tuple[float, float]]:
    """Dam one valley: the impounded cells, full supply level, minimum level and dam location."""
    rows, cols = dem.shape
    margin = max(3, int(0.1 * min(rows, cols)))
    inner = np.zeros_like(dem, dtype=bool)
    inner[margin:-margin, margin:-margin] = True
    amax = np.nanmax(upstream)
    lo, hi = np.nanpercentile(dem, [5, 60])
    candidates = np.flatnonzero(
        inner & (upstream > 0.04 * amax) & (upstream < 0.6 * amax) & (dem > lo) & (dem < hi)
    )
    if candidates.size == 0:
        raise RuntimeError("the synthetic terrain has no valley for a reservoir; try another seed")
    best = None
    for idx in rng.permutation(candidates)[:60]:
        basin = flw.basins(idxs=np.array([idx])).astype(bool)
        crest = float(dem.flat[idx]) + dam_height
        full = crest - 0.1 * dam_height
        flooded, _ = ndimage.label(basin & (dem < full))
        lake = flooded == flooded.flat[idx]
        share = lake.mean()
        score = abs(np.log(max(share, 1e-9) / 0.012))
        if best is None or score < best[0]:
            best = (score, lake, full, float(dem.flat[idx]) + 0.3 * dam_height, idx)
        if 0.005 < share < 0.03:
            break
    if best is None:
        raise RuntimeError("the synthetic terrain has no valley for a reservoir; try another seed")
    _, lake, full, minimum, idx = best
    x, y = cell_centres(grid.transform, *divmod(int(idx), cols))
    return lake, full, minimum, (float(x), float(y))


def make_faults(rng: np.random.Generator, grid: Grid, count: int) -> gpd.GeoDataFrame:
    """Long, gently wiggling fault traces striking roughly NW-SE, clipped to the study area."""
    xmin, ymin, xmax, ymax = grid.bounds
    size = max(xmax - xmin, ymax - ymin)
    domain = box(*grid.bounds)
    lines = []
    for i in range(count):
        strike = np.deg2rad(rng.uniform(115, 160))  # bearing from north
        cx = rng.uniform(xmin + 0.15 * size, xmax - 0.15 * size)
        cy = rng.uniform(ymin + 0.15 * size, ymax - 0.15 * size)
        t = np.linspace(-1.0, 1.0, 25) * size
        wiggle = np.cumsum(rng.normal(0, 0.012 * size, t.size))
        wiggle -= wiggle.mean()
        x = cx + t * np.sin(strike) + wiggle * np.cos(strike)
        y = cy + t * np.cos(strike) - wiggle * np.sin(strike)
        line = LineString(np.column_stack([x, y])).intersection(domain)
        if not line.is_empty:
            lines.append({"fault_id": f"F{i + 1}", "kind": "active fault (synthetic)", "geometry": line})
    columns = ["fault_id", "kind", "geometry"]  # named, so that an area without faults has the table
    return gpd.GeoDataFrame(pd.DataFrame(lines, columns=columns), geometry="geometry", crs=grid.crs)


def place_towns(
    rng: np.random.Generator, grid: Grid, dem: np.ndarray, slope: np.ndarray, lake: np.ndarray, count: int
) -> gpd.GeoDataFrame:
    """Settlements on gentle, low ground, spread out (greedy farthest-point choice)."""
    ok = (slope < 6) & ~lake & (dem < np.percentile(dem, 40))
    ok &= ~ndimage.binary_dilation(lake, iterations=3)
    rows_, cols_ = np.nonzero(ok)
    if rows_.size == 0:
        rows_, cols_ = np.unravel_index(np.argsort(slope, axis=None)[: max(count, 10)], slope.shape)
    xs, ys = grid.centres()
    pts = np.column_stack([xs[rows_, cols_], ys[rows_, cols_]])
    chosen = [int(rng.integers(len(pts)))]
    for _ in range(1, count):
        d = np.min(np.linalg.norm(pts[:, None, :] - pts[chosen][None, :, :], axis=2), axis=1)
        chosen.append(int(np.argmax(d * rng.uniform(0.8, 1.0, d.size))))
    return gpd.GeoDataFrame(
        {"town_id": [f"T{i + 1}" for i in range(len(chosen))]},
        geometry=[Point(*pts[i]) for i in chosen],
        crs=grid.crs,
    )


def _grid_graph(cost: np.ndarray, cell: float) -> coo_matrix:
    """8-neighbour graph whose edge weights are length times the mean cost of the two cells."""
    rows, cols = cost.shape
    index = np.arange(rows * cols).reshape(rows, cols)
    src, dst, weight = [], [], []
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        a = index[: rows - dr, max(0, -dc) : cols - max(0, dc)]
        b = index[dr:, max(0, dc) : cols + min(0, dc)]
        w = np.hypot(dr, dc) * cell * 0.5 * (cost.flat[a.ravel()] + cost.flat[b.ravel()])
        src += [a.ravel(), b.ravel()]
        dst += [b.ravel(), a.ravel()]
        weight += [w, w]
    n = rows * cols
    return coo_matrix((np.concatenate(weight), (np.concatenate(src), np.concatenate(dst))), shape=(n, n))


def make_roads(
    grid: Grid, slope: np.ndarray, lake: np.ndarray, towns: gpd.GeoDataFrame, dam_xy: tuple[float, float]
) -> gpd.GeoDataFrame:
    """Roads as least-cost paths (gentle slopes, valley floors) linking towns, the dam and the outside."""
    factor = max(1, round(grid.cols / 250))
    rows, cols = grid.rows // factor, grid.cols // factor
    coarse_slope = (
        slope[: rows * factor, : cols * factor].reshape(rows, factor, cols, factor).mean(axis=(1, 3))
    )
    coarse_lake = lake[: rows * factor, : cols * factor].reshape(rows, factor, cols, factor).any(axis=(1, 3))
    cost = 1.0 + 4.0 * (coarse_slope / 10.0) ** 2
    cost[coarse_lake] = 1e6
    cell = grid.cell * factor
    coarse = grid.transform * Affine.scale(factor)
    graph = _grid_graph(cost, cell).tocsr()

    def node(x: float, y: float) -> int:
        r, c = cells_containing(coarse, x, y)
        return int(np.clip(r, 0, rows - 1)) * cols + int(np.clip(c, 0, cols - 1))

    town_nodes = [node(p.x, p.y) for p in towns.geometry]
    dist, pred = dijkstra(graph, indices=town_nodes, return_predecessors=True)

    def path(i: int, target: int) -> LineString | None:
        """The least-cost path from town ``i`` to ``target``; None where both share a coarse cell
        (no road is needed, and a line needs two points)."""
        nodes = [target]
        while nodes[-1] != town_nodes[i]:
            nodes.append(pred[i, nodes[-1]])
        if len(nodes) < 2:
            return None
        xy = np.column_stack(cell_centres(coarse, *np.divmod(np.array(nodes), cols)))
        return LineString(xy).simplify(cell * 0.75)

    links: list[tuple[str, LineString | None]] = []
    # Minimum spanning tree over the towns (Prim), by path cost.
    connected = {0}
    while len(connected) < len(town_nodes):
        i, j = min(
            ((i, j) for i in connected for j in range(len(town_nodes)) if j not in connected),
            key=lambda ij: dist[ij[0], town_nodes[ij[1]]],
        )
        links.append(("road", path(i, town_nodes[j])))
        connected.add(j)
    # Access road to the dam, and a highway leaving the area at its cheapest edge cell.
    dam = node(*dam_xy)
    nearest = int(np.argmin(dist[:, dam]))
    links.append(("dam access", path(nearest, dam)))
    edge = np.zeros((rows, cols), dtype=bool)
    edge[[0, -1], :] = True
    edge[:, [0, -1]] = True
    edge_nodes = np.flatnonzero(edge)
    edge_nodes = edge_nodes[edge_nodes != town_nodes[0]]  # a town on the edge: leave from the next cell
    target = int(edge_nodes[np.argmin(dist[0, edge_nodes])])
    links.append(("highway", path(0, target)))
    kept = [(kind, line) for kind, line in links if line is not None]
    return gpd.GeoDataFrame(
        {"road_id": [f"R{i + 1}" for i in range(len(kept))], "kind": [k for k, _ in kept]},
        geometry=[g for _, g in kept],
        crs=grid.crs,
    )


def make_lithology(
    rng: np.random.Generator, grid: Grid, dem: np.ndarray, slope: np.ndarray, upstream: np.ndarray
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Lithology polygons (warped Voronoi cells of bedrock units, alluvium on plains and valley floors)
    and the unit of every grid cell, rasterised back from the polygons so both agree."""
    factor = max(1, grid.cols // 110)
    rows, cols = grid.rows // factor, grid.cols // factor
    crop = (slice(0, rows * factor), slice(0, cols * factor))

    def coarse(a: np.ndarray) -> np.ndarray:
        return a[crop].reshape(rows, factor, cols, factor).mean(axis=(1, 3))

    v, u = np.mgrid[0:rows, 0:cols] / max(rows, cols)
    warp = 0.08
    u = u + warp * (fractal_noise(rng, (rows, cols), 3.5) - 0.5)
    v = v + warp * (fractal_noise(rng, (rows, cols), 3.5) - 0.5)
    seeds = rng.uniform(0, 1, size=(max(5, int(14 * np.sqrt(rows * cols) / 110)), 2))
    bedrock = rng.choice([1, 2, 3, 4], size=len(seeds), p=[0.25, 0.25, 0.3, 0.2])
    d = (u[..., None] - seeds[:, 0]) ** 2 + (v[..., None] - seeds[:, 1]) ** 2
    labels = bedrock[np.argmin(d, axis=-1)]
    c_dem, c_slope = coarse(dem), coarse(slope)
    c_area = coarse(np.log(np.maximum(upstream, 1)))
    alluvium = ((c_slope < 6) & (c_dem < np.percentile(c_dem, 35))) | (c_area > np.percentile(c_area, 97))
    labels = np.where(ndimage.binary_opening(alluvium), 5, labels).astype("int32")
    labels = ndimage.median_filter(labels, size=3).astype("int32")
    transform = grid.transform * Affine.scale(factor)
    polys = [
        {"unit": int(value), "geometry": shape(geom)}
        for geom, value in features.shapes(labels, transform=transform)
    ]
    frame = gpd.GeoDataFrame(polys, geometry="geometry", crs=grid.crs).dissolve(by="unit").reset_index()
    frame = frame.explode(index_parts=False).reset_index(drop=True)
    frame = frame.merge(LITHOLOGY_UNITS, on="unit", how="left")
    # Polygons cover the cropped coarse grid; extend them to the full grid edge.
    frame["geometry"] = frame.buffer(0)
    unit_grid = features.rasterize(
        zip(frame.geometry, frame["unit"], strict=True),
        out_shape=(grid.rows, grid.cols),
        transform=grid.transform,
        fill=0,
        dtype="int16",
    )
    if (unit_grid == 0).any():  # the uncovered strip left by cropping takes its nearest unit
        idx = ndimage.distance_transform_edt(unit_grid == 0, return_distances=False, return_indices=True)
        unit_grid = unit_grid[tuple(idx)]
    frame = frame[["unit", "name", "erodibility", *LITHOLOGY_UNITS.columns[3:], "geometry"]]
    frame.insert(0, "polygon_id", np.arange(1, len(frame) + 1))
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=grid.crs), unit_grid


def make_landuse(
    rng: np.random.Generator,
    dem: np.ndarray,
    slope: np.ndarray,
    lake: np.ndarray,
    river_distance: np.ndarray,
    town_distance: np.ndarray,
    town_radius: float,
    unit_grid: np.ndarray,
) -> np.ndarray:
    """Land-use codes from terrain rules with patchy noise (orchards by rivers near towns, dry
    farming on gentle ground, bare rock on steep or high ground, rangeland elsewhere)."""
    noise = fractal_noise(rng, dem.shape, 2.8)
    landuse = np.full(dem.shape, 2, dtype="uint8")
    landuse[(slope < 12) & (dem < np.percentile(dem, 70)) & (noise > 0.55)] = 3
    orchards = (slope < 8) & (river_distance < 1200) & (town_distance < 8 * town_radius + 3000)
    landuse[orchards & (dem < np.percentile(dem, 60)) & (noise > 0.35)] = 4
    landuse[(slope > 38) | (dem > np.percentile(dem, 93)) | ((unit_grid == 1) & (slope > 30))] = 1
    landuse[town_distance < town_radius] = 5
    landuse[lake] = WATER
    return landuse


@dataclass
class DammedTerrain:
    """The relief with its reservoir: what every later step of the landscape builds on."""

    dem: np.ndarray  # the reservoir is a flat water surface at full supply level (as radar DEMs show it)
    slope_deg: np.ndarray
    twi: np.ndarray
    routing: FlowRouting
    lake: np.ndarray
    full_level: float
    min_level: float
    dam_xy: tuple[float, float]


def dammed_terrain(rng: np.random.Generator, grid: Grid, settings: SyntheticSettings) -> DammedTerrain:
    """Relief, one dammed valley, and the slope, flow routing and TWI of the dammed relief."""
    dem = make_terrain(rng, grid, settings.elevation_m)
    routing = flow_routing(dem, grid.cell, grid.transform)
    lake, full_level, min_level, dam_xy = place_reservoir(
        rng, grid, dem, routing.upstream_cells, routing.flwdir, settings.dam_height_m
    )
    dem = np.where(lake, np.float32(full_level), dem).astype("float32")
    slope, _ = slope_aspect(dem, grid.cell)
    routing = flow_routing(dem, grid.cell, grid.transform)
    twi, _ = twi_spi(slope, routing.specific_area)
    return DammedTerrain(dem, slope, twi, routing, lake, full_level, min_level, dam_xy)


def make_rivers(grid: Grid, terrain: DammedTerrain) -> tuple[gpd.GeoDataFrame, np.ndarray, int]:
    """River lines, river cells and the upstream cells from which a channel counts as a river."""
    # Small areas keep a few rivers: at most 5 % of the area drains through a river's head.
    river_cells = max(50, min(int(RIVER_AREA_M2 / grid.cell**2), int(0.05 * terrain.dem.size)))
    river_mask = (terrain.routing.upstream_cells >= river_cells) & ~terrain.lake
    streams = terrain.routing.flwdir.streams(mask=river_mask)
    rivers = gpd.GeoDataFrame.from_features(streams, crs=grid.crs)
    rivers = rivers[["geometry"]].assign(river_id=np.arange(1, len(rivers) + 1))[["river_id", "geometry"]]
    return rivers, river_mask, river_cells


def reservoir_outline(grid: Grid, lake: np.ndarray, full_level: float) -> gpd.GeoDataFrame:
    """The reservoir polygon at full supply level (reservoirs.gpkg)."""
    lake_shapes = [shape(g) for g, v in features.shapes(lake.astype("uint8"), transform=grid.transform) if v]
    return gpd.GeoDataFrame(
        {"reservoir_id": ["RES1"], "name": ["synthetic dam reservoir"], "full_supply_level_m": [full_level]},
        geometry=[unary_union(lake_shapes)],
        crs=grid.crs,
    )


def town_cells(grid: Grid, towns: gpd.GeoDataFrame) -> np.ndarray:
    """The cells the town points lie in."""
    rows, cols = cells_containing(grid.transform, towns.geometry.x, towns.geometry.y)
    mask = np.zeros(grid.shape, dtype=bool)
    mask[rows, cols] = True
    return mask


def line_distance(grid: Grid, lines: gpd.GeoDataFrame) -> np.ndarray:
    """Distance (m) from every cell centre to the nearest cell the lines touch."""
    return distance_to_mask(rasterize_geometries(lines.geometry, grid.shape, grid.transform), grid.cell)


def build_landscape(settings: SyntheticSettings, rng: np.random.Generator) -> Landscape:
    """The whole static landscape; ``rng`` is drawn in a fixed order (terrain, reservoir, faults,
    towns, lithology, land use), so the same seed gives the same landscape."""
    x0, y_top = settings.origin_xy
    grid = Grid(settings.rows, settings.cols, settings.cell_size_m, x0, y_top, settings.crs)
    terrain = dammed_terrain(rng, grid, settings)
    dem, slope, lake = terrain.dem, terrain.slope_deg, terrain.lake
    rivers, river_mask, river_cells = make_rivers(grid, terrain)
    faults = make_faults(rng, grid, settings.faults)
    towns = place_towns(rng, grid, dem, slope, lake, settings.towns)
    roads = make_roads(grid, slope, lake, towns, terrain.dam_xy)
    lithology, unit_grid = make_lithology(rng, grid, dem, slope, terrain.routing.upstream_cells)
    river_distance = distance_to_mask(river_mask, grid.cell)
    town_distance = distance_to_mask(town_cells(grid, towns), grid.cell)
    town_radius = float(np.clip(0.02 * grid.cols * grid.cell, 150, 700))
    landuse = make_landuse(rng, dem, slope, lake, river_distance, town_distance, town_radius, unit_grid)
    return Landscape(
        grid=grid,
        dem=dem,
        slope_deg=slope,
        twi=terrain.twi,
        upstream_cells=terrain.routing.upstream_cells,
        rivers=rivers,
        river_distance=river_distance,
        reservoir_mask=lake,
        reservoir=reservoir_outline(grid, lake, terrain.full_level),
        level_range_m=(terrain.min_level, terrain.full_level),
        shore_distance=distance_to_mask(lake, grid.cell),
        faults=faults,
        fault_distance=line_distance(grid, faults),
        towns=towns,
        town_distance=town_distance,
        roads=roads,
        road_distance=line_distance(grid, roads),
        lithology=lithology,
        unit_grid=unit_grid,
        landuse=landuse,
        notes={"dam_xy": terrain.dam_xy, "river_threshold_cells": river_cells, "town_radius_m": town_radius},
    )
