"""The figures of the susceptibility maps (:mod:`lsm.publish.plots.maps`), drawn from small rasters
and tables made here: the values drawn are the values given, panels, titles, labels, legends and
colour limits are those the figures promise, and the figures read cleanly (no text over text, no
value off its axes, no legend over data; :mod:`lsm.publish.plots.style`)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from lsm.maps.applicability import INSIDE, OUTSIDE
from lsm.maps.style import CLASS_COLOURS
from lsm.names import CLASS_NAMES, FEATURE_LABELS, HYBRID, LABELS
from lsm.publish.plots import maps as plots_maps
from lsm.publish.plots.maps import (
    MAX_PIXELS,
    applicability_maps,
    class_maps,
    importance_by_scheme,
    importance_heatmap,
    rate_curves,
    read_preview,
    short_label,
    susceptibility_maps,
)
from lsm.publish.plots.style import (
    MODEL_COLOURS,
    axis_problems,
    hidden_values,
    text_overlaps,
)
from tests.publish.plotting import ALL_SEVEN, CELL, LEFT, TOP, clean, write_raster

MODELS = [HYBRID, "rf", "svm"]
STATIC_FIVE = ["cnn", "svm", "dt", "rf", "mlp"]  # what a study without series trains (lsm.plan)
REPORTED = {"low": 34.0, "medium": 41.3, "high": 24.7}


def probability(scale: float) -> np.ndarray:
    """A 6 x 8 map rising from 0 to ``scale``, its top-left cell without data."""
    values = np.linspace(0, scale, 48).reshape(6, 8)
    values[0, 0] = np.nan
    return values


def drawn(image) -> np.ndarray:
    """An image's data as drawn, masked cells as NaN."""
    return np.ma.filled(np.ma.masked_invalid(image.get_array()).astype("float64"), np.nan)


EXTENT = [LEFT, LEFT + 8 * CELL, TOP - 6 * CELL, TOP]


# -- reading -----------------------------------------------------------------------------------------
def test_short_labels_drop_standalone_and_keep_unknown_names() -> None:
    assert short_label("cnn") == "CNN" and LABELS["cnn"] == "CNN (standalone)"
    assert short_label("lstm") == "LSTM"
    assert short_label(HYBRID) == "CNN-LSTM"
    assert short_label("cnn_lstm_rain_totals") == "cnn_lstm_rain_totals"


def test_a_small_map_is_read_whole_with_nodata_as_nan(tmp_path: Path) -> None:
    values = probability(1.0)
    path = write_raster(tmp_path / "p.tif", values)
    preview, extent = read_preview(path)
    assert preview.dtype == np.float32 and preview.shape == (6, 8)
    np.testing.assert_array_equal(preview, values.astype("float32"))  # NaN where NaN
    assert extent == EXTENT  # left, right, bottom, top


def test_a_large_map_is_decimated_to_the_longest_side_averaged_or_nearest(tmp_path: Path) -> None:
    """1800 columns: every two become one; continuous values are averaged (0 and 1 give 0.5), classes
    keep one of their values."""
    values = np.tile([0.0, 1.0], (4, MAX_PIXELS))  # 4 x 1800
    path = write_raster(tmp_path / "wide.tif", values)
    preview, extent = read_preview(path)
    assert preview.shape == (2, MAX_PIXELS)
    assert np.allclose(preview, 0.5)
    assert extent == [LEFT, LEFT + 2 * MAX_PIXELS * CELL, TOP - 4 * CELL, TOP]
    classes, _ = read_preview(write_raster(tmp_path / "c.tif", 1 + values, "uint8", 0), categorical=True)
    assert classes.shape == (2, MAX_PIXELS)
    assert set(np.unique(classes)) <= {1.0, 2.0}


# -- susceptibility maps -------------------------------------------------------------------------------
def test_susceptibility_maps_draw_each_models_values_on_one_scale(tmp_path: Path) -> None:
    values = {m: probability((k + 1) / 3) for k, m in enumerate(MODELS)}
    maps = {m: write_raster(tmp_path / f"{m}.tif", v) for m, v in values.items()}
    fig = susceptibility_maps(maps, "2020-06-01")
    panels = fig.axes[:4]
    assert len(fig.axes) == 5  # a row of four panels and the colour bar
    assert [ax.get_title() for ax in panels] == ["CNN-LSTM", "RF", "SVM", ""]
    for ax, model in zip(panels, MODELS, strict=False):
        (image,) = ax.get_images()
        np.testing.assert_allclose(drawn(image), values[model], rtol=1e-6)
        assert image.get_clim() == (0, 1)
        assert list(image.get_extent()) == EXTENT
    assert not panels[3].axison  # the empty fourth panel is hidden
    assert [t.get_text() for t in panels[0].texts] == ["N"]  # north arrow on the first map only
    assert not panels[1].texts
    assert fig.axes[4].get_ylabel() == "Probability of a landslide (-)"
    assert fig.get_suptitle() == "Susceptibility on 2020-06-01"
    assert plots_maps.RELATIVE_READING in [t.get_text() for t in fig.texts]  # under the panels
    assert "not a chance per day" in plots_maps.RELATIVE_READING  # the raw map is no daily probability
    assert clean(fig) == []


def test_susceptibility_maps_without_a_date_say_so_in_the_title(tmp_path: Path) -> None:
    fig = susceptibility_maps({"rf": write_raster(tmp_path / "rf.tif", probability(1.0))}, "")
    assert fig.get_suptitle() == "Susceptibility"


def test_susceptibility_maps_of_seven_models_fill_two_rows_and_read_cleanly(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "p.tif", probability(1.0))
    fig = susceptibility_maps(dict.fromkeys(ALL_SEVEN, path), "2020-06-01")
    assert len(fig.axes) == 9  # 2 x 4 panels and the colour bar
    assert [ax.get_title() for ax in fig.axes[:7]] == [short_label(m) for m in ALL_SEVEN]
    assert not fig.axes[7].axison
    assert clean(fig) == []


# -- class maps --------------------------------------------------------------------------------------------
def class_table(models: list[str]) -> pd.DataFrame:
    shares = {"rf": (30.0, 40.0, 30.0), HYBRID: (20.0, 50.0, 30.0)}
    return pd.DataFrame(
        [
            {"model": m, "class": c, "share_percent": v}
            for m in models
            for c, v in zip(CLASS_NAMES, shares.get(m, (33.0, 34.0, 33.0)), strict=True)
        ]
    )


def test_class_maps_stack_each_models_shares_under_the_papers(tmp_path: Path) -> None:
    classes = np.array([[0, 1, 2, 3], [3, 2, 1, 0], [1, 1, 2, 2]])
    path = write_raster(tmp_path / "classes.tif", classes, "uint8", 0)
    maps = {HYBRID: path, "rf": path}
    table = class_table(["rf", HYBRID])  # not the order of the maps: the bars follow the maps
    fig = class_maps(maps, table, REPORTED)
    (image,) = fig.axes[0].get_images()
    np.testing.assert_array_equal(drawn(image), np.where(classes == 0, np.nan, classes))  # 0: no class
    assert [ax.get_title() for ax in fig.axes] == ["CNN-LSTM", "RF", "Class shares", ""]
    bars = fig.axes[2]
    assert [t.get_text() for t in bars.get_yticklabels()] == ["Paper", "CNN-LSTM", "RF"]
    assert bars.get_xlim() == (0, 100)
    assert bars.get_xlabel() == "Share of the area (%)"
    assert bars.yaxis_inverted()  # the paper on top
    expected = [[34.0, 41.3, 24.7], [20.0, 50.0, 30.0], [30.0, 40.0, 30.0]]
    patches = bars.patches  # class by class, each for every row
    for k, colour in enumerate(CLASS_COLOURS[: len(CLASS_NAMES)]):
        for row, shares in enumerate(expected):
            bar = patches[k * len(expected) + row]
            assert bar.get_width() == pytest.approx(shares[k])
            assert bar.get_x() == pytest.approx(sum(shares[:k]))  # stacked from the left
            assert bar.get_y() + bar.get_height() / 2 == pytest.approx(row)
            assert to_hex(bar.get_facecolor()) == colour
    assert fig.legends == []  # a spare panel holds the legend, clear of every label
    legend = fig.axes[3].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Low", "Medium", "High"]


def test_class_maps_of_seven_models_read_cleanly(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "classes.tif", np.array([[1, 2], [3, 1]]), "uint8", 0)
    fig = class_maps(dict.fromkeys(ALL_SEVEN, path), class_table(ALL_SEVEN), REPORTED)
    assert clean(fig) == []


def test_class_maps_of_a_study_without_series_read_cleanly(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "classes.tif", np.array([[1, 2], [3, 1]]), "uint8", 0)
    fig = class_maps(dict.fromkeys(STATIC_FIVE, path), class_table(STATIC_FIVE), REPORTED)
    assert text_overlaps(fig) == []


# -- rate curves -------------------------------------------------------------------------------------------
def test_rate_curves_draw_percentages_with_each_models_auc_in_the_legend() -> None:
    steps = {"success_rate": [0.0, 0.1, 0.5, 1.0], "prediction_rate": [0.0, 0.05, 0.4, 1.0]}
    curves = pd.DataFrame(
        [
            {"model": m, "curve": c, "area_fraction": a, "event_fraction": e}
            for m in ("rf", HYBRID)
            for c, events in steps.items()
            for a, e in zip([0.0, 0.2, 0.6, 1.0], events, strict=True)
        ]
    )
    summary = pd.DataFrame(
        {"model": [HYBRID, "rf"], "success_rate_auc": [0.9123, 0.8], "prediction_rate_auc": [0.85, 0.7771]}
    )
    fig = rate_curves(curves, summary)
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == [
        "Success rate (training landslides)",
        "Prediction rate (test landslides)",
    ]
    for ax, (curve, events) in zip(fig.axes, steps.items(), strict=True):
        rf, hybrid, diagonal = ax.get_lines()
        for line in (rf, hybrid):
            assert line.get_xdata().tolist() == pytest.approx([0, 20, 60, 100])
            assert line.get_ydata().tolist() == pytest.approx([100 * e for e in events])
            assert line.get_drawstyle() == "steps-post"
        assert to_hex(rf.get_color()) == MODEL_COLOURS["rf"].lower()
        assert to_hex(hybrid.get_color()) == MODEL_COLOURS[HYBRID].lower()
        assert diagonal.get_xydata().tolist() == [[0, 0], [100, 100]]
        assert ax.get_xlim() == (0, 100) and ax.get_ylim() == (0, 100)
        assert ax.get_xlabel() == "Area, most susceptible first (%)"
        legend = ax.get_legend()
        assert legend.get_title().get_text() == "Model (AUC)"
        assert [t.get_text() for t in legend.get_texts()][:2] == [
            f"RF ({summary.set_index('model').loc['rf', f'{curve}_auc']:.3f})",
            f"CNN-LSTM ({summary.set_index('model').loc[HYBRID, f'{curve}_auc']:.3f})",
        ]
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:2] == [
        "RF (0.800)",
        "CNN-LSTM (0.912)",
    ]
    assert fig.axes[0].get_ylabel() == "Landslides (%)"
    assert hidden_values(fig) == [] and axis_problems(fig) == []


# -- importance --------------------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:The set_bad function:PendingDeprecationWarning")  # seaborn's, not ours
def test_the_importance_heatmap_shows_auc_points_and_greys_what_a_model_does_not_read() -> None:
    importance = pd.DataFrame(
        {
            "model": ["rf", "rf", "rf", HYBRID, HYBRID],
            "group": ["slope", "elevation", "rain", "slope", "elevation"],
            "drop_mean": [0.012, -0.004, 0.031, 0.05, 0.002],
        }
    )
    fig = importance_heatmap(importance)
    ax = fig.axes[0]
    mesh = ax.collections[0]
    values = np.ma.filled(np.ma.masked_invalid(mesh.get_array()).astype("float64"), np.nan).reshape(3, 2)
    # rows: groups in order of appearance; columns: models in order of appearance; AUC points
    expected = np.array([[1.2, 5.0], [-0.4, 0.2], [3.1, np.nan]])
    np.testing.assert_allclose(values, expected, rtol=1e-9)
    assert mesh.get_clim() == pytest.approx((-5.0, 5.0))  # symmetric about 0, the largest drop
    assert [t.get_text() for t in ax.get_xticklabels()] == ["RF", "CNN-LSTM"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        FEATURE_LABELS["slope"],
        FEATURE_LABELS["elevation"],
        FEATURE_LABELS["rain"],
    ]
    assert sorted(t.get_text() for t in ax.texts) == sorted(["1.2", "5.0", "-0.4", "0.2", "3.1"])
    assert to_hex(ax.get_facecolor()) == "#d9d9d9"  # the missing cell shows the background
    assert fig.axes[1].get_ylabel() == "AUC lost when permuted (points)"
    assert ax.get_xlabel().startswith("Model") and ax.get_ylabel() == "Factor or series"


def importance_tables(models: list[str]) -> dict[str, pd.DataFrame]:
    groups = ["slope", "elevation", "rain"]
    return {
        scheme: pd.DataFrame(
            [
                {
                    "model": m,
                    "group": g,
                    "drop_mean": shift + 0.01 * (i + 1),
                    "drop_low": shift + 0.01 * i,
                    "drop_high": shift + 0.01 * (i + 2),
                }
                for m in models
                for i, g in enumerate(groups)
            ]
        )
        for scheme, shift in (("random", 0.0), ("spatial", 0.02))
    }


def test_importance_by_scheme_draws_each_schemes_mean_and_interval_in_auc_points() -> None:
    tables = importance_tables(ALL_SEVEN)
    fig = importance_by_scheme(tables)
    panels = fig.axes[:7]
    assert [ax.get_title() for ax in panels] == [short_label(m) for m in ALL_SEVEN]
    assert not fig.axes[7].axison
    offsets = {"random": -0.18, "spatial": 0.18}
    for ax in panels:
        assert [c.get_label() for c in ax.containers] == ["random", "spatial"]
        for container in ax.containers:
            scheme = container.get_label()
            shift = 2.0 if scheme == "spatial" else 0.0  # the spatial table's drops are 0.02 higher
            line, _, (whiskers,) = container.lines
            assert line.get_xdata().tolist() == pytest.approx([shift + 1, shift + 2, shift + 3])
            assert line.get_ydata().tolist() == pytest.approx([k + offsets[scheme] for k in range(3)])
            spans = np.array([[s[0][0], s[1][0]] for s in whiskers.get_segments()])  # low to high
            np.testing.assert_allclose(spans, [[shift + i, shift + i + 2] for i in range(3)], atol=1e-9)
        assert ax.yaxis_inverted() and ax.get_xlabel() == "AUC lost (points)"
    names = [FEATURE_LABELS[g] for g in ("slope", "elevation", "rain")]
    assert [t.get_text() for t in panels[0].get_yticklabels()] == names  # first column only
    assert [t.get_text() for t in panels[4].get_yticklabels()] == names
    assert [t.get_text() for t in panels[1].get_yticklabels()] == ["", "", ""]
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["random test samples", "spatial test samples"]
    assert clean(fig) == []


def test_importance_by_scheme_draws_a_study_with_four_models() -> None:
    fig = importance_by_scheme(importance_tables(["svm", "dt", "rf", "mlp"]))
    assert [ax.get_title() for ax in fig.axes] == ["SVM", "DT", "RF", "MLP"]


# -- applicability -------------------------------------------------------------------------------------------
def test_applicability_maps_grey_out_the_pixels_outside_and_bar_their_share(tmp_path: Path) -> None:
    values = probability(1.0)
    mask = np.full((6, 8), INSIDE)
    mask[:, 6:] = OUTSIDE
    mask[0, 0] = 0  # not mapped
    maps = {m: write_raster(tmp_path / f"{m}.tif", values) for m in MODELS}
    masks = {m: write_raster(tmp_path / f"{m}_mask.tif", mask, "uint8", 0) for m in MODELS}
    table = pd.DataFrame({"model": ["svm", HYBRID, "rf"], "outside_percent": [40.0, 25.0, 12.5]})
    fig = applicability_maps(maps, masks, table)
    assert [ax.get_title() for ax in fig.axes[:4]] == ["CNN-LSTM", "RF", "SVM", "Outside"]
    probability_image, grey = fig.axes[0].get_images()
    np.testing.assert_allclose(drawn(probability_image), values, rtol=1e-6)
    assert probability_image.get_clim() == (0, 1)
    np.testing.assert_array_equal(drawn(grey), np.where(mask == OUTSIDE, 1.0, np.nan))
    bars = fig.axes[3]
    assert [p.get_height() for p in bars.patches] == [25.0, 12.5, 40.0]  # in the order of the maps
    assert [to_hex(p.get_facecolor()) for p in bars.patches] == [MODEL_COLOURS[m].lower() for m in MODELS]
    assert [t.get_text() for t in bars.get_xticklabels()] == ["CNN-LSTM", "RF", "SVM"]
    assert bars.get_ylim() == (0, 100) and bars.get_ylabel() == "Area outside (%)"
    (legend,) = fig.legends  # four panels, none spare: below them
    assert [t.get_text() for t in legend.get_texts()] == ["Outside the area of applicability"]
    assert fig.axes[-1].get_ylabel() == "Probability of a landslide (-)"
    assert clean(fig) == []


@pytest.mark.parametrize("count", range(1, 8))
def test_applicability_maps_read_cleanly_for_any_number_of_models(tmp_path: Path, count: int) -> None:
    models = ALL_SEVEN[:count]
    mask = np.full((6, 8), INSIDE)
    mask[:, 6:] = OUTSIDE
    maps = {m: write_raster(tmp_path / f"{m}.tif", probability(1.0)) for m in models}
    masks = {m: write_raster(tmp_path / f"{m}_mask.tif", mask, "uint8", 0) for m in models}
    table = pd.DataFrame({"model": models, "outside_percent": [10.0 * (k + 1) for k in range(count)]})
    assert clean(applicability_maps(maps, masks, table)) == []


@pytest.mark.parametrize("count", range(1, 8))
def test_class_maps_read_cleanly_for_any_number_of_models(tmp_path: Path, count: int) -> None:
    models = ALL_SEVEN[:count]
    path = write_raster(tmp_path / "classes.tif", np.array([[1, 2], [3, 1]]), "uint8", 0)
    assert clean(class_maps(dict.fromkeys(models, path), class_table(models), REPORTED)) == []


def test_every_panel_grid_has_four_columns() -> None:
    fig, axes = plots_maps._panel_grid(5, extra=1)
    assert axes.shape == (8,)
    assert fig.get_size_inches().tolist() == pytest.approx([7.0, 2 * 1.9 + 0.4])
