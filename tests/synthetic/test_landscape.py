"""The synthetic study's static landscape (lsm.synthetic.landscape): the grid's geometry, the fractal
relief and its dammed valley, rivers where flow accumulates, faults, towns, roads, lithology and land
use, on small grids built here (hand-made inputs where a rule can be checked cell by cell)."""

from __future__ import annotations

import dataclasses
from itertools import combinations

import geopandas as gpd
import numpy as np
import pytest
from scipy import ndimage
from shapely.geometry import LineString, Point

from lsm.data.raster import cells_containing
from lsm.data.terrain import flow_routing
from lsm.synthetic.landscape import (
    LITHOLOGY_UNITS,
    WATER,
    Grid,
    Landscape,
    _grid_graph,
    build_landscape,
    dammed_terrain,
    fractal_noise,
    line_distance,
    make_faults,
    make_landuse,
    make_rivers,
    make_roads,
    make_terrain,
    place_reservoir,
    place_towns,
    reservoir_outline,
    town_cells,
)
from lsm.synthetic.settings import SyntheticSettings
from tests.helpers import PARAMS

CRS = "EPSG:32640"
SIZE = 48  # cells a side: the smallest landscapes take a few hundredths of a second
SEED = 1


def settings(**changes: object) -> SyntheticSettings:
    """The tiny preset of params.yaml on a SIZE x SIZE grid, with ``changes``."""
    tiny = SyntheticSettings.from_config({**PARAMS["synthetic"], "preset": "tiny"})
    return dataclasses.replace(tiny, **{"rows": SIZE, "cols": SIZE, **changes})


def grid_of(s: SyntheticSettings) -> Grid:
    return Grid(s.rows, s.cols, s.cell_size_m, *s.origin_xy, s.crs)


@pytest.fixture(scope="module")
def land() -> Landscape:
    return build_landscape(settings(), np.random.default_rng(SEED))


def test_the_grid_is_north_up_from_its_top_left_corner() -> None:
    grid = Grid(rows=3, cols=4, cell=30.0, x0=1000.0, y0=2000.0, crs=CRS)
    assert grid.shape == (3, 4)
    assert grid.bounds == (1000.0, 1910.0, 1120.0, 2000.0)
    assert grid.transform * (0, 0) == (1000.0, 2000.0)
    assert grid.transform * (4, 3) == (1120.0, 1910.0)  # (col, row) of the bottom-right corner
    x, y = grid.centres()
    assert x.shape == y.shape == (3, 4)
    np.testing.assert_array_equal(x[0], [1015.0, 1045.0, 1075.0, 1105.0])
    np.testing.assert_array_equal(y[:, 0], [1985.0, 1955.0, 1925.0])
    assert (x == x[0]).all() and (y == y[:, :1]).all()  # columns share x, rows share y


def test_fractal_noise_spans_zero_to_one_and_repeats_with_its_seed() -> None:
    a = fractal_noise(np.random.default_rng(7), (33, 20), beta=3.0)
    assert a.shape == (33, 20) and np.isfinite(a).all()
    assert a.min() == 0.0 and a.max() == 1.0
    np.testing.assert_array_equal(a, fractal_noise(np.random.default_rng(7), (33, 20), beta=3.0))
    assert not np.array_equal(a, fractal_noise(np.random.default_rng(8), (33, 20), beta=3.0))


def test_a_steeper_spectrum_makes_smoother_noise() -> None:
    """Power ~ k^-beta: beta 0 is white noise (neighbours unrelated), a large beta a smooth relief."""

    def neighbour_correlation(beta: float) -> float:
        z = fractal_noise(np.random.default_rng(0), (128, 128), beta)
        return float(np.corrcoef(z[:, :-1].ravel(), z[:, 1:].ravel())[0, 1])

    white, rough, smooth = neighbour_correlation(0.0), neighbour_correlation(2.0), neighbour_correlation(4.0)
    assert abs(white) < 0.05
    assert white < rough < smooth
    assert smooth > 0.95


def test_terrain_spans_the_elevation_range_and_repeats_with_its_seed() -> None:
    s = settings()
    dem = make_terrain(np.random.default_rng(3), grid_of(s), s.elevation_m)
    assert dem.shape == (SIZE, SIZE) and dem.dtype == np.float32 and np.isfinite(dem).all()
    assert dem.min() == pytest.approx(s.elevation_m[0]) and dem.max() == pytest.approx(s.elevation_m[1])
    np.testing.assert_array_equal(dem, make_terrain(np.random.default_rng(3), grid_of(s), s.elevation_m))
    assert not np.array_equal(dem, make_terrain(np.random.default_rng(4), grid_of(s), s.elevation_m))


def test_dammed_terrain_holds_one_flat_lake_behind_its_dam() -> None:
    s = settings()
    grid = grid_of(s)
    terrain = dammed_terrain(np.random.default_rng(SEED), grid, s)
    lake = terrain.lake
    assert lake.shape == grid.shape and lake.dtype == bool
    assert 0 < lake.sum() < 0.1 * lake.size
    assert ndimage.label(lake)[1] == 1  # one connected water body
    r, c = cells_containing(grid.transform, *terrain.dam_xy)
    assert lake[r, c]  # the valley cell that was dammed lies under the water
    # Full supply 0.9 dam heights above that valley floor, the minimum 0.3 dam heights above it.
    assert terrain.full_level - terrain.min_level == pytest.approx(0.6 * s.dam_height_m)
    assert (terrain.dem[lake] == np.float32(terrain.full_level)).all()  # a flat water surface
    assert (terrain.dem[~lake] != np.float32(terrain.full_level)).mean() > 0.99
    inner = ndimage.binary_erosion(lake, structure=np.ones((3, 3)))
    assert (terrain.slope_deg[inner] == 0).all()
    assert terrain.slope_deg.min() >= 0 and terrain.slope_deg.max() < 90
    assert terrain.twi.shape == grid.shape and terrain.routing.upstream_cells.shape == grid.shape


def test_a_terrain_without_a_valley_gets_no_reservoir() -> None:
    grid = Grid(20, 20, 30.0, 0.0, 600.0, CRS)
    dem = np.full(
        grid.shape, 1500.0, dtype="float32"
    )  # a plateau: no cell between the 5th and 60th percentile
    routing = flow_routing(dem, grid.cell, grid.transform)
    with pytest.raises(RuntimeError, match="try another seed"):
        place_reservoir(np.random.default_rng(0), grid, dem, routing.upstream_cells, routing.flwdir, 20.0)


def test_rivers_run_where_flow_accumulates() -> None:
    s = settings()
    terrain = dammed_terrain(np.random.default_rng(SEED), grid_of(s), s)
    rivers, mask, threshold = make_rivers(grid_of(s), terrain)
    # 2 km2 of 30 m cells is 2,222 cells, more than 5 % of this small area: 5 % (115 cells) it is.
    assert threshold == max(50, min(int(2.0e6 / 30.0**2), int(0.05 * SIZE * SIZE))) == 115
    np.testing.assert_array_equal(mask, (terrain.routing.upstream_cells >= threshold) & ~terrain.lake)
    outside = np.where(terrain.lake, -1, terrain.routing.upstream_cells)
    assert mask.flat[np.argmax(outside)]  # the largest flow outside the lake is a river
    assert len(rivers) > 0 and list(rivers["river_id"]) == list(range(1, len(rivers) + 1))
    for line in rivers.geometry:  # every vertex in a cell that drains enough area
        xy = np.asarray(line.coords)
        r, c = cells_containing(grid_of(s).transform, xy[:, 0], xy[:, 1])
        assert (terrain.routing.upstream_cells[r, c] >= threshold).all()


def test_faults_strike_north_west_to_south_east_inside_the_area() -> None:
    grid = Grid(100, 100, 30.0, 0.0, 3000.0, CRS)
    faults = make_faults(np.random.default_rng(0), grid, 30)
    assert faults.crs == CRS and list(faults["fault_id"]) == [f"F{i}" for i in range(1, 31)]
    xmin, ymin, xmax, ymax = faults.total_bounds
    assert xmin >= 0 and ymin >= 0 and xmax <= 3000 and ymax <= 3000
    for line in faults.geometry:
        parts = [line] if line.geom_type == "LineString" else list(line.geoms)
        xy = np.vstack([np.asarray(p.coords) for p in parts])
        dx, dy = xy[-1] - xy[0]
        bearing = np.degrees(np.arctan2(dx, dy)) % 180  # 0 north, 90 east, 135 south-east
        assert 100 < bearing < 175


def test_an_area_without_faults_gets_an_empty_fault_table() -> None:
    faults = make_faults(np.random.default_rng(0), Grid(20, 20, 30.0, 0.0, 600.0, CRS), 0)
    assert faults.empty and faults.crs == CRS


def test_towns_sit_on_gentle_low_ground_away_from_the_lake_and_spread_out() -> None:
    grid = Grid(40, 40, 30.0, 0.0, 1200.0, CRS)
    rows, cols = np.indices(grid.shape)
    dem = (1000.0 + 10.0 * cols + rows).astype("float32")  # rising to the east
    slope = np.where(cols < 20, 2.0, 20.0).astype("float32")
    lake = np.zeros(grid.shape, dtype=bool)
    lake[30:36, 0:6] = True
    towns = place_towns(np.random.default_rng(0), grid, dem, slope, lake, 4)
    assert len(towns) == 4 and list(towns["town_id"]) == ["T1", "T2", "T3", "T4"] and towns.crs == CRS
    r, c = cells_containing(grid.transform, towns.geometry.x, towns.geometry.y)
    near_lake = ndimage.binary_dilation(lake, iterations=3)
    assert (slope[r, c] < 6).all() and not near_lake[r, c].any()
    assert (dem[r, c] < np.percentile(dem, 40)).all()
    gaps = [a.distance(b) for a, b in combinations(towns.geometry, 2)]
    assert min(gaps) > 10 * grid.cell  # spread out, not clustered in one corner of the plain


def test_towns_fall_back_to_the_gentlest_cells_when_none_is_suitable() -> None:
    grid = Grid(10, 10, 30.0, 0.0, 300.0, CRS)
    slope = np.arange(100, dtype="float32").reshape(10, 10) + 10.0  # every cell at least 10 degrees
    dem = np.zeros(grid.shape, dtype="float32")
    towns = place_towns(np.random.default_rng(0), grid, dem, slope, np.zeros(grid.shape, bool), 3)
    r, c = cells_containing(grid.transform, towns.geometry.x, towns.geometry.y)
    assert len(towns) == 3 and (slope[r, c] < 20).all()  # among the 10 gentlest cells (row 0)


def test_the_road_graph_weighs_each_step_by_length_and_mean_cost() -> None:
    cost = np.array([[1.0, 3.0], [1.0, 1.0]])
    graph = _grid_graph(cost, cell=10.0).toarray()
    s2 = np.sqrt(2.0)
    # Cells 0 (1), 1 (3), 2 (1), 3 (1), row by row: each edge is length x the mean of its two costs.
    expected = np.array(
        [
            [0.0, 20.0, 10.0, 10.0 * s2],
            [20.0, 0.0, 20.0 * s2, 20.0],
            [10.0, 20.0 * s2, 0.0, 10.0],
            [10.0 * s2, 20.0, 10.0, 0.0],
        ]
    )
    np.testing.assert_allclose(graph, expected)
    assert _grid_graph(np.ones((3, 4)), 1.0).nnz == 2 * (3 * 3 + 2 * 4 + 2 * 2 * 3)  # 8-neighbours, both ways


def road_scene() -> tuple[Grid, np.ndarray, np.ndarray]:
    """A flat 30 x 30 area split by a lake wall (column 15, rows 0-25) with a gap in the south."""
    grid = Grid(30, 30, 30.0, 0.0, 900.0, CRS)
    lake = np.zeros(grid.shape, dtype=bool)
    lake[:26, 15] = True
    return grid, np.zeros(grid.shape, dtype="float32"), lake


def test_roads_link_the_towns_around_the_lake_and_leave_the_area() -> None:
    grid, slope, lake = road_scene()
    xs, ys = grid.centres()
    towns = gpd.GeoDataFrame(geometry=[Point(xs[5, 5], ys[5, 5]), Point(xs[5, 25], ys[5, 25])], crs=CRS)
    dam = (float(xs[10, 15]), float(ys[10, 15]))
    roads = make_roads(grid, slope, lake, towns, dam)
    assert list(roads["kind"]) == ["road", "dam access", "highway"]
    assert list(roads["road_id"]) == ["R1", "R2", "R3"] and roads.crs == CRS
    link = roads.geometry.iloc[0]
    xy = np.asarray(link.coords)
    r, c = cells_containing(grid.transform, xy[:, 0], xy[:, 1])
    assert not lake[r, c].any()  # no vertex on the water: the road goes round ...
    assert r.max() >= 26  # ... through the gap in the south
    assert link.length > Point(xs[5, 5], ys[5, 5]).distance(Point(xs[5, 25], ys[5, 25])) + 20 * grid.cell
    access = np.asarray(roads.geometry.iloc[1].coords)
    assert Point(access[0]).distance(Point(dam)) == 0  # the dam access road starts at the dam
    start = np.asarray(roads.geometry.iloc[2].coords)[0]
    r0, c0 = cells_containing(grid.transform, start[0], start[1])
    assert r0 in (0, grid.rows - 1) or c0 in (0, grid.cols - 1)  # the highway reaches the edge
    left, bottom, right, top = grid.bounds
    xmin, ymin, xmax, ymax = roads.total_bounds
    assert left <= xmin and bottom <= ymin and xmax <= right and ymax <= top


def test_a_town_on_the_edge_still_gets_its_roads() -> None:
    grid, slope, lake = road_scene()
    xs, ys = grid.centres()
    towns = gpd.GeoDataFrame(geometry=[Point(xs[5, 0], ys[5, 0]), Point(xs[5, 25], ys[5, 25])], crs=CRS)
    roads = make_roads(grid, slope, lake, towns, (float(xs[10, 15]), float(ys[10, 15])))
    assert list(roads["kind"]) == ["road", "dam access", "highway"]


def test_lithology_polygons_and_grid_agree_and_carry_their_unit_properties(land: Landscape) -> None:
    units = land.unit_grid
    assert units.shape == (SIZE, SIZE) and units.dtype == np.int16
    assert set(np.unique(units)) <= {1, 2, 3, 4, 5}
    xs, ys = land.grid.centres()
    centres = gpd.GeoDataFrame(
        {"grid_unit": units.ravel()}, geometry=gpd.points_from_xy(xs.ravel(), ys.ravel()), crs=CRS
    )
    joined = gpd.sjoin(centres, land.lithology, predicate="within", how="inner")
    assert joined.index.is_unique and len(joined) == units.size  # each centre in exactly one polygon
    assert (joined["grid_unit"] == joined["unit"]).all()
    table = LITHOLOGY_UNITS.set_index("unit")
    for column in ("name", "erodibility", "cohesion_kpa", "friction_deg", "max_soil_depth_m"):
        assert (
            land.lithology[column].to_numpy() == table.loc[land.lithology["unit"], column].to_numpy()
        ).all()
    assert list(land.lithology["polygon_id"]) == list(range(1, len(land.lithology) + 1))


def landuse_scene() -> dict[str, np.ndarray]:
    """20 x 20 cells of 30 m: steep rows 0-1, a steep limestone strip, a lake, a town; near a river."""
    rows, cols = np.indices((20, 20))
    slope = np.full((20, 20), 5.0)
    slope[:, 19] = 20.0  # too steep to farm, gentle enough for rangeland
    slope[:2] = 40.0  # steeper than 38 degrees: bare rock
    unit = np.full((20, 20), 3, dtype="int16")
    unit[2:4, 10:] = 1
    slope[2:4, 10:] = 33.0  # limestone steeper than 30 degrees: bare rock; elsewhere (flysch) not
    slope[4:6, 10:] = 33.0
    lake = np.zeros((20, 20), dtype=bool)
    lake[8:10, :4] = True
    town = np.hypot(rows - 12, cols - 10) * 30.0  # m from a town at (12, 10)
    return {
        "dem": np.linspace(1000.0, 2000.0, 400).reshape(20, 20),  # rising row by row
        "slope": slope,
        "lake": lake,
        "river_distance": np.zeros((20, 20)),
        "town_distance": town,
        "unit_grid": unit,
    }


def test_landuse_follows_its_terrain_rules() -> None:
    scene = landuse_scene()
    landuse = make_landuse(np.random.default_rng(0), **{**scene, "town_radius": 100.0})
    same = make_landuse(np.random.default_rng(0), **{**scene, "town_radius": 100.0})
    np.testing.assert_array_equal(landuse, same)
    assert landuse.dtype == np.uint8 and set(np.unique(landuse)) <= {1, 2, 3, 4, 5, 6}
    dem, slope, lake, town = scene["dem"], scene["slope"], scene["lake"], scene["town_distance"]
    assert (landuse[lake] == WATER).all() and (landuse[~lake] != WATER).all()
    settled = (town < 100.0) & ~lake
    assert settled.sum() == 37 and (landuse[settled] == 5).all() and (landuse[~settled & ~lake] != 5).all()
    assert (landuse[:2] == 1).all()  # steep
    assert (landuse[2:4, 10:] == 1).all() and (landuse[4:6, 10:] == 2).all()  # only limestone is bare at 33
    high = dem > np.percentile(dem, 93)
    assert high.sum() == 28 and (landuse[high] == 1).all()
    rest = ~(lake | settled | high) & (slope <= 38)
    assert (landuse[rest & ((slope >= 12) & (scene["unit_grid"] != 1))] == 2).all()
    assert (slope[landuse == 3] < 12).all() and (dem[landuse == 3] < np.percentile(dem, 70)).all()
    assert (slope[landuse == 4] < 8).all() and (dem[landuse == 4] < np.percentile(dem, 60)).all()
    assert {3, 4} <= set(np.unique(landuse))  # the gentle low ground is farmed in patches


def test_reservoir_outline_covers_the_lake_cells() -> None:
    grid = Grid(10, 10, 30.0, 500.0, 800.0, CRS)
    lake = np.zeros(grid.shape, dtype=bool)
    lake[2:5, 3:7] = True
    lake[5, 4] = True
    outline = reservoir_outline(grid, lake, 1234.5)
    assert list(outline["reservoir_id"]) == ["RES1"] and outline["full_supply_level_m"].iloc[0] == 1234.5
    polygon = outline.geometry.iloc[0]
    assert polygon.area == pytest.approx(13 * 30.0**2)
    assert polygon.bounds == (500.0 + 3 * 30, 800.0 - 6 * 30, 500.0 + 7 * 30, 800.0 - 2 * 30)


def test_town_cells_mark_exactly_the_cells_holding_a_town() -> None:
    grid = Grid(5, 6, 30.0, 0.0, 150.0, CRS)
    towns = gpd.GeoDataFrame(geometry=[Point(31.0, 149.0), Point(179.0, 1.0)], crs=CRS)
    mask = town_cells(grid, towns)
    assert mask.sum() == 2 and mask[0, 1] and mask[4, 5]


def test_line_distance_is_the_distance_to_the_cells_a_line_touches() -> None:
    grid = Grid(6, 5, 30.0, 0.0, 180.0, CRS)
    line = gpd.GeoDataFrame(geometry=[LineString([(0.0, 105.0), (150.0, 105.0)])], crs=CRS)  # row 2
    distance = line_distance(grid, line)
    expected = np.abs(np.arange(6) - 2)[:, None] * 30.0 * np.ones((1, 5))
    np.testing.assert_array_equal(distance, expected)
    assert np.isinf(line_distance(grid, gpd.GeoDataFrame(geometry=[], crs=CRS))).all()


def test_the_landscape_layers_share_the_grid_and_physical_ranges(land: Landscape) -> None:
    s = settings()
    shape = (SIZE, SIZE)
    for name in ("dem", "slope_deg", "twi", "upstream_cells", "river_distance", "reservoir_mask"):
        assert getattr(land, name).shape == shape, name
    for name in ("shore_distance", "fault_distance", "town_distance", "road_distance", "unit_grid"):
        assert getattr(land, name).shape == shape, name
    assert land.landuse.shape == shape and land.grid.bounds[3] == s.origin_xy[1]
    assert land.dem.dtype == np.float32 and np.isfinite(land.dem).all()
    low, high = s.elevation_m
    assert land.dem.min() >= low - 1e-3 and land.dem.max() <= high + 1e-3
    assert land.slope_deg.min() >= 0 and land.slope_deg.max() < 90
    assert land.slope_deg.max() > 20  # mountains, not a plain
    assert np.nanmin(land.upstream_cells) >= 1
    lake = land.reservoir_mask
    assert (land.landuse[lake] == WATER).all() and (land.landuse[~lake] != WATER).all()
    np.testing.assert_array_equal(land.shore_distance == 0, lake)
    low_level, full_level = land.level_range_m
    assert low_level < full_level and (land.dem[lake] == np.float32(full_level)).all()
    assert land.reservoir["full_supply_level_m"].iloc[0] == full_level
    rivers = (land.upstream_cells >= land.notes["river_threshold_cells"]) & ~lake
    np.testing.assert_array_equal(land.river_distance == 0, rivers)
    assert len(land.towns) == s.towns and len(land.faults) <= s.faults
    assert (land.town_distance[town_cells(land.grid, land.towns)] == 0).all()
    assert land.notes["town_radius_m"] == 150.0  # 2 % of 1.44 km, raised to the 150 m floor
    for name in ("fault_distance", "road_distance", "river_distance", "town_distance"):
        values = getattr(land, name)
        assert values.min() == 0 and (values >= 0).all(), name


def test_the_same_seed_builds_the_same_landscape_and_another_seed_another(land: Landscape) -> None:
    again = build_landscape(settings(), np.random.default_rng(SEED))
    for name in (
        "dem",
        "slope_deg",
        "upstream_cells",
        "reservoir_mask",
        "unit_grid",
        "landuse",
        "road_distance",
    ):
        np.testing.assert_array_equal(getattr(again, name), getattr(land, name), err_msg=name)
    assert again.roads.geometry.geom_equals_exact(land.roads.geometry, tolerance=0).all()
    assert again.towns.geometry.geom_equals_exact(land.towns.geometry, tolerance=0).all()
    other = build_landscape(settings(), np.random.default_rng(SEED + 1))
    assert not np.array_equal(other.dem, land.dem)
    assert not np.array_equal(other.landuse, land.landuse)
