"""The calibration figures (:mod:`lsm.publish.plots.calibration`): reliability diagrams with the
expected calibration error, and the seeds' spread over the maps, drawn from small tables and rasters
made here. The values drawn are the values given, with the panels, labels, legends and colour limits
the figures promise, and the figures read cleanly (:mod:`lsm.publish.plots.style`)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer, ErrorbarContainer

from lsm.names import HYBRID
from lsm.publish.plots.calibration import VERSION_STYLES, reliability_diagrams, spread_maps
from lsm.publish.plots.maps import short_label
from lsm.publish.plots.style import (
    MODEL_COLOURS,
    hidden_values,
    text_overlaps,
)
from tests.publish.plotting import ALL_SEVEN, clean, write_raster

FOUR = [HYBRID, "rf", "svm", "mlp"]


# -- reliability diagrams ----------------------------------------------------------------------------------
def reliability_points(models: list[str], scheme: str = "random") -> pd.DataFrame:
    """Three bins per model and version: raw forecasts too high by 0.1, calibrated ones on the
    diagonal; bin 5 holds the most samples."""
    rows = []
    for m in models:
        for b, samples in ((1, 20), (5, 60), (8, 30)):
            observed = (b + 0.5) / 10
            rows.append(
                {"scheme": scheme, "model": m, "version": "raw", "bin": b, "samples": samples}
                | {"forecast": observed + 0.1, "observed": observed}
            )
            rows.append(
                {"scheme": scheme, "model": m, "version": "calibrated", "bin": b, "samples": samples}
                | {"forecast": observed, "observed": observed}
            )
    return pd.DataFrame(rows)


def ece_scores(models: list[str], scheme: str = "random") -> pd.DataFrame:
    rows = []
    for k, m in enumerate(models):
        rows.append({"scheme": scheme, "model": m, "version": "raw", "ece": 0.1 + 0.01 * k})
        rows.append({"scheme": scheme, "model": m, "version": "calibrated", "ece": 0.03 + 0.01 * k})
    table = pd.DataFrame(rows)
    table["ece_low"] = table["ece"] - 0.02
    table["ece_high"] = table["ece"] + 0.05
    return table


def test_reliability_diagrams_draw_each_models_points_raw_and_calibrated() -> None:
    """The other scheme's points (drawn far off the diagonal) are left out."""
    other = reliability_points(FOUR, "spatial").assign(observed=0.01)
    points = pd.concat([reliability_points(FOUR), other], ignore_index=True)
    scores = pd.concat([ece_scores(FOUR), ece_scores(FOUR, "spatial").assign(ece=0.9)], ignore_index=True)
    fig = reliability_diagrams(points, scores, "random")
    assert len(fig.axes) == 8  # four diagrams, the ECE panel, three hidden
    diagrams = fig.axes[:4]
    assert [ax.get_title() for ax in diagrams] == ["CNN-LSTM", "RF", "SVM", "MLP"]
    assert [ax.axison for ax in fig.axes[5:]] == [False] * 3
    own = reliability_points(FOUR)
    for ax, model in zip(diagrams, FOUR, strict=True):
        diagonal, raw, calibrated = ax.get_lines()
        assert diagonal.get_xydata().tolist() == [[0, 0], [1, 1]]
        for line, version in ((raw, "raw"), (calibrated, "calibrated")):
            rows = own[(own["model"] == model) & (own["version"] == version)]
            assert line.get_xdata().tolist() == pytest.approx(rows["forecast"].tolist())
            assert line.get_ydata().tolist() == pytest.approx(rows["observed"].tolist())
            assert line.get_linestyle() == VERSION_STYLES[version][1]
            assert to_hex(line.get_color()) == MODEL_COLOURS[model].lower()
        raw_dots, calibrated_dots = ax.collections
        for dots, version in ((raw_dots, "raw"), (calibrated_dots, "calibrated")):
            rows = own[(own["model"] == model) & (own["version"] == version)]
            np.testing.assert_allclose(dots.get_offsets(), rows[["forecast", "observed"]].to_numpy())
            # marker area by the samples in the bin: 4 + 40 x samples / the most samples (60)
            np.testing.assert_allclose(dots.get_sizes(), [4 + 40 * 20 / 60, 44, 4 + 40 * 30 / 60])
        assert ax.get_xlim() == (0, 1) and ax.get_ylim() == (0, 1)
        assert ax.get_xlabel() == "Mean probability (-)"
        assert ax.get_ylabel() == "Share of landslides (-)"
    assert fig.get_suptitle() == "Reliability on the random scheme's test samples"
    (legend,) = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    assert [t.get_text() for t in legend.get_texts()] == ["Raw", "Calibrated (Platt, training side)"]
    assert hidden_values(fig) == []


def whisker_spans(ax: plt.Axes) -> list[np.ndarray]:
    """The low and high end of every error bar of ``ax``, one array per call of ``bar``."""
    spans = []
    for container in ax.containers:
        if isinstance(container, ErrorbarContainer):
            (whiskers,) = container.lines[2]
            spans.append(np.array([[s[0][1], s[1][1]] for s in whiskers.get_segments()]))
    return spans


def test_the_ece_panel_bars_each_models_error_with_its_interval() -> None:
    fig = reliability_diagrams(reliability_points(FOUR), ece_scores(FOUR), "random")
    bars = fig.axes[4]
    assert bars.get_title().startswith("Expected calibration")
    assert bars.get_ylabel() == "ECE (-)"
    assert [t.get_text() for t in bars.get_xticklabels()] == ["CNN-LSTM", "RF", "SVM", "MLP"]
    raw_bars, calibrated_bars = (c.patches for c in bars.containers if isinstance(c, BarContainer))
    raw_heights = [p.get_height() for p in raw_bars]
    assert raw_heights == pytest.approx([0.10, 0.11, 0.12, 0.13])
    assert [p.get_height() for p in calibrated_bars] == pytest.approx([0.03, 0.04, 0.05, 0.06])
    assert [p.get_x() + p.get_width() / 2 for p in raw_bars] == pytest.approx([-0.2, 0.8, 1.8, 2.8])
    assert [p.get_x() + p.get_width() / 2 for p in calibrated_bars] == pytest.approx([0.2, 1.2, 2.2, 3.2])
    assert [p.get_hatch() for p in raw_bars] == [None] * 4
    assert {p.get_hatch() for p in calibrated_bars} == {"///"}
    assert [to_hex(p.get_facecolor()) for p in raw_bars] == [MODEL_COLOURS[m].lower() for m in FOUR]
    # whiskers from ece_low to ece_high: 0.02 below and 0.05 above each bar
    spans = whisker_spans(bars)[0]
    np.testing.assert_allclose(spans, [[h - 0.02, h + 0.05] for h in raw_heights], atol=1e-12)


def test_a_missing_interval_draws_no_whisker_and_a_low_end_above_the_value_is_clipped() -> None:
    """One seed: no interval (NaN) is drawn as no whisker; an interval that would reach below the
    bar's value is clipped at the value."""
    scores = ece_scores(FOUR)
    scores.loc[0, ["ece_low", "ece_high"]] = np.nan
    scores.loc[2, "ece_low"] = scores.loc[2, "ece"] + 0.01  # a low end above the value
    fig = reliability_diagrams(reliability_points(FOUR), scores, "random")
    spans = whisker_spans(fig.axes[4])[0]  # the raw bars'
    assert spans[0] == pytest.approx([0.10, 0.10])  # no interval: nothing drawn around the bar
    assert spans[1] == pytest.approx([0.11, 0.16])  # the low end clipped at the bar's value


def test_reliability_diagrams_of_four_and_of_seven_models_read_cleanly() -> None:
    for models in (FOUR, ALL_SEVEN):
        fig = reliability_diagrams(reliability_points(models), ece_scores(models), "random")
        assert clean(fig) == [], models
        plt.close(fig)


def test_reliability_diagrams_of_three_models_read_cleanly() -> None:
    models = [HYBRID, "cnn", "lstm"]
    fig = reliability_diagrams(reliability_points(models), ece_scores(models), "random")
    assert text_overlaps(fig) == []


@pytest.mark.parametrize("count", range(1, 8))
def test_reliability_diagrams_read_cleanly_for_any_number_of_models(count: int) -> None:
    models = ALL_SEVEN[:count]
    assert clean(reliability_diagrams(reliability_points(models), ece_scores(models), "random")) == []


def spread_changes(models: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"model": m, "class": c, "seeds_disagree_percent": v + 10 * k}
            for k, m in enumerate(models)
            for c, v in (("low", 2.0), ("medium", 7.5), ("high", 4.0))
        ]
    )


def test_spread_maps_share_one_scale_up_to_the_99th_percentile(tmp_path: Path) -> None:
    """Standard deviations 0 .. 0.1 and 0 .. 0.3 (NaN where unmapped): one scale from 0 to the larger
    99th percentile."""
    low = np.linspace(0, 0.1, 100).reshape(10, 10)
    high = np.linspace(0, 0.3, 100).reshape(10, 10)
    high[0, :3] = np.nan
    maps = {"rf": write_raster(tmp_path / "rf.tif", low), HYBRID: write_raster(tmp_path / "h.tif", high)}
    fig = spread_maps(maps, spread_changes(["rf", HYBRID]))
    top = float(np.quantile(high[np.isfinite(high)], 0.99))
    assert [ax.get_title() for ax in fig.axes[:4]] == ["RF", "CNN-LSTM", "Seeds disagree", ""]
    for ax, values in zip(fig.axes[:2], (low, high), strict=True):
        (image,) = ax.get_images()
        drawn = np.ma.filled(np.ma.masked_invalid(image.get_array()).astype("float64"), np.nan)
        np.testing.assert_allclose(drawn, values, rtol=1e-6)
        assert image.get_clim() == pytest.approx((0.0, top))
    assert fig.axes[-1].get_ylabel() == "Standard deviation over seeds (-)"
    assert [t.get_text() for t in fig.axes[0].texts] == ["N"]


def test_maps_of_no_spread_get_a_small_positive_scale(tmp_path: Path) -> None:
    """Every seed agrees everywhere (all zero): the scale runs to 0.001, not to 0."""
    path = write_raster(tmp_path / "zero.tif", np.zeros((4, 4)))
    fig = spread_maps({"rf": path}, spread_changes(["rf"]))
    assert fig.axes[0].get_images()[0].get_clim() == (0, 1e-3)


def test_the_disagreement_panel_bars_each_models_classes_side_by_side(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "s.tif", np.linspace(0, 0.2, 16).reshape(4, 4))
    models = [HYBRID, "rf", "svm"]
    fig = spread_maps(dict.fromkeys(models, path), spread_changes(["svm", HYBRID, "rf"]))
    bars = fig.axes[3]
    assert [t.get_text() for t in bars.get_xticklabels()] == ["Low", "Medium", "High"]
    assert bars.get_ylabel() == "Class changes (%)"
    width = 0.8 / 3
    for k, model in enumerate(models):
        patches = bars.containers[k].patches
        offset = 10 * ["svm", HYBRID, "rf"].index(model)  # the table's own values for this model
        assert [p.get_height() for p in patches] == pytest.approx([2.0 + offset, 7.5 + offset, 4.0 + offset])
        centres = [p.get_x() + p.get_width() / 2 for p in patches]
        assert centres == pytest.approx([c + (k - 1) * width for c in range(3)])
        assert {to_hex(p.get_facecolor()) for p in patches} == {MODEL_COLOURS[model].lower()}
    legend = bars.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [short_label(m) for m in models]
    assert clean(fig) == []


def test_spread_maps_of_seven_models_read_cleanly(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "s.tif", np.linspace(0, 0.2, 16).reshape(4, 4))
    fig = spread_maps(dict.fromkeys(ALL_SEVEN, path), spread_changes(ALL_SEVEN))
    assert len(fig.axes) == 9  # seven maps, the disagreement panel, the colour bar
    assert clean(fig) == []
