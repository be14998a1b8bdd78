"""The figures of the study and its data (:mod:`lsm.publish.plots.study`): the study area, the daily
series with the landslide dates, the factor panels and the samples with their splits, drawn from a
small study folder, factor stack and samples made here. The values drawn are the values given, with
the panels, labels, legends and colour limits the figures promise, and the figures read cleanly
(:mod:`lsm.publish.plots.style`)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import rasterio
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_hex
from matplotlib_scalebar.scalebar import ScaleBar
from rasterio.transform import from_origin
from shapely.geometry import LineString, Point, box

from lsm.data.io import write_raster
from lsm.names import FEATURE_LABELS
from lsm.publish.plots.study import (
    SPLIT_COLOURS,
    TRIGGER_COLOURS,
    add_north_arrow,
    add_scale_bar,
    factor_panels,
    forcing_series,
    sample_maps,
    study_area_map,
)
from tests.publish.plotting import CELL, CRS, LEFT, TOP, clean

ROWS, COLS = 20, 30
EXTENT = (LEFT, LEFT + COLS * CELL, TOP - ROWS * CELL, TOP)
DAYS = pd.date_range("2020-01-01", "2020-03-31", freq="D")


def dem_values() -> np.ndarray:
    rows, cols = np.mgrid[0:ROWS, 0:COLS]
    return (100.0 + 5 * rows + 2 * cols).astype("float32")


def make_study(folder: Path, layers: bool = True, dated: bool = True) -> Path:
    """A study folder: a 20 x 30 DEM of 30 m cells rising south and east, three landslides (two
    rainfall-triggered, one reservoir-triggered, dated unless ``dated`` is False) and, with
    ``layers``, a fault, a road (stored in degrees) and a mapped area."""
    folder.mkdir(parents=True)
    (folder / "study.yaml").write_text("name: little\n")
    with rasterio.open(
        folder / "dem.tif",
        "w",
        driver="GTiff",
        height=ROWS,
        width=COLS,
        count=1,
        dtype="float32",
        crs=CRS,
        transform=from_origin(LEFT, TOP, CELL, CELL),
        nodata=np.nan,
    ) as dst:
        dst.write(dem_values(), 1)
    inventory = {"trigger": ["rainfall", "rainfall", "reservoir"]}
    if dated:
        inventory["date"] = ["2020-01-20", "2020-02-10", "2020-03-05"]
    gpd.GeoDataFrame(inventory, geometry=landslide_points(), crs=CRS).to_file(folder / "inventory.gpkg")
    if layers:
        gpd.GeoDataFrame({"id": [1]}, geometry=[fault_line()], crs=CRS).to_file(folder / "faults.gpkg")
        road = gpd.GeoDataFrame({"id": [1]}, geometry=[road_line()], crs=CRS).to_crs("EPSG:4326")
        road.to_file(folder / "roads.gpkg")
        area = box(LEFT + 60, TOP - 540, LEFT + 840, TOP - 60)
        gpd.GeoDataFrame({"id": [1]}, geometry=[area], crs=CRS).to_file(folder / "mapped_area.gpkg")
    return folder


def landslide_points() -> list[Point]:
    return [Point(LEFT + 105, TOP - 105), Point(LEFT + 405, TOP - 315), Point(LEFT + 705, TOP - 495)]


def fault_line() -> LineString:
    return LineString([(LEFT + 15, TOP - 45), (LEFT + 885, TOP - 555)])


def road_line() -> LineString:
    return LineString([(LEFT + 15, TOP - 285), (LEFT + 885, TOP - 285)])


def write_levels(folder: Path) -> pd.DataFrame:
    levels = pd.DataFrame(
        {"date": DAYS.strftime("%Y-%m-%d"), "reservoir_id": "R1", "level_m": np.linspace(150, 160, len(DAYS))}
    )
    levels.to_csv(folder / "reservoir_levels.csv", index=False)
    return levels


def write_gauges(folder: Path) -> pd.Series:
    """Two gauges: g1 rains 0..6 mm in a week's cycle, g2 0..8 mm in a five-day cycle. Their mean."""
    day = np.arange(len(DAYS))
    g1, g2 = (day % 7).astype(float), 2.0 * (day % 5)
    pd.DataFrame(
        {
            "date": np.tile(DAYS.strftime("%Y-%m-%d"), 2),
            "gauge_id": np.repeat(["g1", "g2"], len(DAYS)),
            "precipitation_mm": np.concatenate([g1, g2]),
        }
    ).to_csv(folder / "rain_gauges.csv", index=False)
    points = [Point(LEFT + 100, TOP - 100), Point(LEFT + 800, TOP - 500)]
    gpd.GeoDataFrame({"gauge_id": ["g1", "g2"]}, geometry=points, crs=CRS).to_file(
        folder / "rain_gauges.gpkg"
    )
    return pd.Series((g1 + g2) / 2, index=DAYS)


# -- map furniture -----------------------------------------------------------------------------------------
def test_the_north_arrow_points_up_in_axes_coordinates() -> None:
    _, ax = plt.subplots()
    add_north_arrow(ax, x=0.9, y=0.8)
    (arrow,) = ax.texts
    assert arrow.get_text() == "N"
    assert arrow.xy == (0.9, 0.8) and arrow.xycoords == "axes fraction"
    # the letter a fixed 20 points below the tip, whatever the panel's size: the arrow points north
    assert arrow.xyann == (0, -20) and arrow.anncoords == "offset points"
    assert arrow.arrowprops is not None and arrow.arrowprops["arrowstyle"] == "-|>"


def test_the_scale_bar_is_in_metres_lower_left() -> None:
    _, ax = plt.subplots()
    add_scale_bar(ax)
    (bar,) = [a for a in ax.artists if isinstance(a, ScaleBar)]
    assert bar.dx == 1.0 and bar.units == "m"
    assert bar.location == 3  # matplotlib's code of "lower left"
    assert bar.length_fraction == 0.2
    assert bar.box_alpha == 0.0 and bar.font_properties.get_size() == 8


# -- study area --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_study(tmp_path_factory.mktemp("study") / "little")


def test_the_study_area_map_draws_the_dem_the_layers_and_the_landslides(study: Path) -> None:
    fig = study_area_map(study)
    ax, colour_bar = fig.axes
    terrain, shade = ax.get_images()
    np.testing.assert_array_equal(np.ma.filled(terrain.get_array(), np.nan), dem_values())
    assert terrain.get_clim() == (100.0, 100.0 + 5 * 19 + 2 * 29)
    assert tuple(terrain.get_extent()) == EXTENT
    assert shade.get_alpha() == 0.45
    assert ax.get_xlim() == EXTENT[:2] and ax.get_ylim() == EXTENT[2:]
    assert ax.get_xlabel() == "Easting (m)" and ax.get_ylabel() == "Northing (m)"
    assert colour_bar.get_ylabel() == "Elevation (m a.s.l.)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    # landslides first, then the layers in the order of STUDY_LAYERS (only those the study has)
    assert legend == [
        "landslide (rainfall, n=2)",
        "landslide (reservoir, n=1)",
        "mapped area",
        "road",
        "fault",
    ]
    dots = [
        c for c in ax.collections if isinstance(c, PathCollection) and c.get_label().startswith("landslide")
    ]
    points = landslide_points()
    np.testing.assert_allclose(dots[0].get_offsets(), [[p.x, p.y] for p in points[:2]])
    np.testing.assert_allclose(dots[1].get_offsets(), [[points[2].x, points[2].y]])
    assert to_hex(dots[0].get_facecolor()[0]) == TRIGGER_COLOURS["rainfall"].lower()
    assert to_hex(dots[1].get_facecolor()[0]) == TRIGGER_COLOURS["reservoir"].lower()
    # the road, stored in degrees, is drawn in the DEM's metres (within a millimetre)
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    drawn = [np.asarray(segment) for c in lines for segment in c.get_segments()]
    road = np.asarray(road_line().coords)
    assert any(d.shape == road.shape and np.allclose(d, road, atol=1e-3) for d in drawn)
    assert any(np.allclose(d, np.asarray(fault_line().coords)) for d in drawn if d.shape == (2, 2))
    assert [t.get_text() for t in ax.texts] == ["N"]
    assert clean(fig) == []


def test_a_study_without_layers_or_triggers_draws_its_landslides_as_unknown(tmp_path: Path) -> None:
    folder = make_study(tmp_path / "bare", layers=False)
    inventory = gpd.read_file(folder / "inventory.gpkg").drop(columns="trigger")
    inventory.assign(geometry=inventory.buffer(40)).to_file(folder / "inventory.gpkg")  # polygons
    fig = study_area_map(folder)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["landslide (unknown, n=3)"]
    (dots,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    offsets = np.asarray(dots.get_offsets())
    assert len(offsets) == 3
    for (x, y), point in zip(offsets, landslide_points(), strict=True):  # a point inside each polygon
        assert point.buffer(40).contains(Point(x, y))
    assert to_hex(dots.get_facecolor()[0]) == "#f0e442"


# -- daily series ------------------------------------------------------------------------------------------
def mark_positions(ax: plt.Axes) -> dict[str, list[float]]:
    """The landslide ticks of a panel: legend label (or colour) -> their dates as matplotlib numbers."""
    marks = {}
    for collection in ax.collections:
        if isinstance(collection, LineCollection) and collection.get_segments():
            key = to_hex(collection.get_colors()[0])
            marks[key] = sorted(float(s[0][0]) for s in collection.get_segments())
    return marks


def test_forcing_series_draw_the_reservoir_and_mark_each_landslide_date(tmp_path: Path) -> None:
    folder = make_study(tmp_path / "levels", layers=False)
    levels = write_levels(folder)
    fig = forcing_series(folder)
    rain, level = fig.axes
    assert not rain.axison
    assert [t.get_text() for t in rain.texts] == ["no rainfall series in this study"]
    (line,) = level.get_lines()
    assert line.get_ydata().tolist() == pytest.approx(levels["level_m"].tolist())
    assert mdates.date2num(line.get_xdata()).tolist() == pytest.approx(mdates.date2num(DAYS).tolist())
    assert level.get_ylabel() == "Reservoir level (m a.s.l.)" and level.get_xlabel() == "Date"
    dates = mdates.date2num(pd.to_datetime(["2020-01-20", "2020-02-10", "2020-03-05"]))
    assert mark_positions(level) == {
        TRIGGER_COLOURS["rainfall"].lower(): [dates[0], dates[1]],
        TRIGGER_COLOURS["reservoir"].lower(): [dates[2]],
    }
    assert mark_positions(rain) == {}  # a panel without a series gets no ticks
    legend = [t.get_text() for t in level.get_legend().get_texts()]
    assert legend == ["reservoir R1", "landslide (rainfall)", "landslide (reservoir)"]
    assert fig.get_suptitle() == "Forcing and mapped landslides (n=3; ticks mark landslide dates)"
    assert clean(fig) == []


def test_forcing_series_draw_the_mean_rain_of_the_gauges_and_its_30_day_total(tmp_path: Path) -> None:
    folder = make_study(tmp_path / "rain", layers=False)
    mean = write_gauges(folder)
    write_levels(folder)
    fig = forcing_series(folder)
    rain, level, total_axis = fig.axes
    assert rain.get_ylabel() == "Rain (mm/day)" and total_axis.get_ylabel() == "30-day total (mm)"
    (fill,) = [c for c in rain.collections if not isinstance(c, LineCollection)]
    heights = np.concatenate([p.vertices[:, 1] for p in fill.get_paths()])
    assert heights.max() == pytest.approx(mean.max())  # the wettest day: (6 + 8) / 2 = 7 mm
    assert mean.max() == 7.0
    (total,) = total_axis.get_lines()
    expected = mean.rolling(30).sum().to_numpy()
    np.testing.assert_allclose(np.asarray(total.get_ydata(), dtype=float), expected)
    assert np.isnan(expected[:29]).all() and expected[29] == pytest.approx(mean.iloc[:30].sum())
    assert [t.get_text() for t in rain.get_legend().get_texts()] == [
        "daily rain (mean over 2 rain gauges (g1, g2))",
        "30-day total",
    ]
    assert len(mark_positions(rain)) == 2 and len(mark_positions(level)) == 2  # ticks on both panels
    assert clean(fig) == []


def test_forcing_series_without_series_or_dates_say_so(tmp_path: Path) -> None:
    folder = make_study(tmp_path / "nothing", layers=False, dated=False)
    fig = forcing_series(folder)
    rain, level = fig.axes
    assert not rain.axison and not level.axison
    assert [t.get_text() for t in level.texts] == ["no reservoir series in this study"]
    assert fig.get_suptitle() == "Forcing and mapped landslides (n=3; the inventory has no dates)"
    assert mark_positions(rain) == {} and mark_positions(level) == {}


# -- factors and samples -----------------------------------------------------------------------------------
def factor_bands() -> dict[str, np.ndarray]:
    rows, cols = np.mgrid[0:ROWS, 0:COLS].astype("float32")
    return {
        "elevation": 100 + 5 * rows + 2 * cols,
        "slope": np.linspace(0, 40, ROWS * COLS, dtype="float32").reshape(ROWS, COLS),
        "spi": 10.0 ** (rows / 5),
        "dist_fault": cols * CELL,
        "landuse": 1 + (cols >= 15) + (rows >= 10),
    }


@pytest.fixture(scope="module")
def factors_tif(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("factors") / "factors.tif"
    bands = factor_bands()
    write_raster(
        path,
        np.stack(list(bands.values())).astype("float32"),
        from_origin(LEFT, TOP, CELL, CELL),
        CRS,
        np.nan,
        names=list(bands),
        tags={"landuse_classes": "1=forest;2=farm;3=urban", "notes": ""},
    )
    return path


def test_factor_panels_draw_each_factor_in_its_units_from_the_1st_to_the_99th_percentile(
    factors_tif: Path,
) -> None:
    fig = factor_panels(factors_tif)
    bands = factor_bands()
    panels = fig.axes[:8]  # 2 x 4 panels; the colour bars come after them
    assert [ax.get_title() for ax in panels[:5]] == [
        "elevation",
        "slope",
        "SPI\n(stream power index)",
        FEATURE_LABELS["dist_fault"],
        "land use",
    ]
    assert FEATURE_LABELS["spi"] == "SPI (stream power index)"
    assert [ax.axison for ax in panels[5:]] == [False] * 3
    shown = {  # what each panel shows: distances in km, SPI as its logarithm
        "elevation": bands["elevation"],
        "slope": bands["slope"],
        "spi": np.arange(ROWS, dtype="float32")[:, None].repeat(COLS, axis=1) / 5,
        "dist_fault": bands["dist_fault"] / 1000,
    }
    for ax, (name, values) in zip(panels, shown.items(), strict=False):
        (image,) = ax.get_images()
        np.testing.assert_allclose(np.ma.filled(image.get_array(), np.nan), values, rtol=1e-5, atol=1e-6)
        assert image.get_clim() == pytest.approx(tuple(np.nanpercentile(values, [1, 99])), rel=1e-5), name
        # extents in km
        assert image.get_extent() == pytest.approx(
            [LEFT / 1000, EXTENT[1] / 1000, EXTENT[2] / 1000, TOP / 1000]
        )
    bars = fig.axes[8:]
    assert [bar.get_ylabel() for bar in bars[:4]] == ["(m)", "(degree)", "(log10 m)", "(km)"]
    assert [t.get_text() for t in bars[4].get_yticklabels()] == ["forest", "farm", "urban"]
    (landuse,) = panels[4].get_images()
    assert landuse.norm.boundaries.tolist() == [0.5, 1.5, 2.5, 3.5]  # one colour per class code
    assert fig.get_supxlabel() == "Easting (km)" and fig.get_supylabel() == "Northing (km)"
    assert clean(fig) == []


def test_sample_maps_draw_each_schemes_parts_and_labels_where_the_samples_lie(
    factors_tif: Path, tmp_path: Path
) -> None:
    n = 12
    points = [Point(LEFT + 50 + 60 * i, TOP - 50 - 40 * i) for i in range(n)]
    samples = gpd.GeoDataFrame(
        {"sample_id": [f"s{i}" for i in range(n)], "label": [1, 0] * 6}, geometry=points, crs=CRS
    )
    samples.to_file(tmp_path / "samples.gpkg")
    splits = pd.DataFrame(
        {
            "sample_id": samples["sample_id"],
            "random": ["train"] * 8 + ["test"] * 4,
            "spatial": ["train"] * 6 + ["buffer"] * 2 + ["test"] * 4,
        }
    )
    splits.to_csv(tmp_path / "splits.csv", index=False)
    fig = sample_maps(factors_tif, tmp_path / "samples.gpkg", tmp_path / "splits.csv")
    assert [ax.get_title() for ax in fig.axes] == ["random split", "spatial split"]  # no temporal column
    legends = [[t.get_text() for t in ax.get_legend().get_texts()] for ax in fig.axes]
    assert legends[0] == [
        "train, negative (4)",
        "train, landslide (4)",
        "test, negative (2)",
        "test, landslide (2)",
    ]
    assert legends[1] == [
        "train, negative (3)",
        "train, landslide (3)",
        "test, negative (2)",
        "test, landslide (2)",
        "buffer, negative (1)",
        "buffer, landslide (1)",
    ]
    xy = np.array([[p.x, p.y] for p in points])
    for ax, scheme in zip(fig.axes, ("random", "spatial"), strict=True):
        assert ax.get_xlim() == EXTENT[:2] and ax.get_ylim() == EXTENT[2:]
        for dots in ax.collections:
            part, kind = dots.get_label().split(" (")[0].split(", ")
            chosen = (splits[scheme] == part).to_numpy() & (
                samples["label"] == (kind == "landslide")
            ).to_numpy()
            np.testing.assert_allclose(dots.get_offsets(), xy[chosen])
            assert to_hex(dots.get_facecolor()[0]) == SPLIT_COLOURS[part].lower()
    assert [t.get_text() for t in fig.axes[0].texts] == ["N"]
    assert clean(fig) == []
