"""One plotting style: every figure function uses it, and numeric axes carry units."""

from __future__ import annotations

import ast
import importlib
import inspect

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from lsm.data.io import read_yaml
from lsm.evaluate.reported import load_reported_metrics
from lsm.publish import plots
from lsm.publish.plots import maps as plots_maps
from lsm.publish.plots.performance import model_comparison, roc_curves
from lsm.publish.plots.style import (
    MODEL_COLOURS,
    PALETTE,
    apply_style,
    axis_problems,
    hidden_values,
    legends_over_data,
    save_figure,
    text_overlaps,
)
from tests.helpers import REPO


def _returns_figure(node: ast.FunctionDef) -> bool:
    """``-> plt.Figure``, ``-> Figure`` or ``-> "Figure"``."""
    returns = node.returns
    if isinstance(returns, ast.Constant) and isinstance(returns.value, str):
        return returns.value.rsplit(".", 1)[-1] == "Figure"
    return (isinstance(returns, ast.Attribute) and returns.attr == "Figure") or (
        isinstance(returns, ast.Name) and returns.id == "Figure"
    )


def test_every_figure_function_applies_the_style() -> None:
    checked = []
    for module in (importlib.import_module(f"lsm.publish.plots.{name}") for name in plots.__all__):
        tree = ast.parse(inspect.getsource(module))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if _returns_figure(node):
                calls = {
                    n.func.id
                    for n in ast.walk(node)
                    if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                }
                assert "apply_style" in calls, f"{module.__name__}.{node.name} does not call apply_style()"
                checked.append(f"{module.__name__}.{node.name}")
    assert len(checked) >= 15, checked  # the figure functions were found, not skipped
    assert any(name.startswith("lsm.publish.plots.realism.") for name in checked), checked


def test_style_is_colour_blind_safe_and_fixed() -> None:
    apply_style()
    assert PALETTE[:3] == ["#0072B2", "#E69F00", "#009E73"]  # Okabe-Ito
    assert plt.rcParams["axes.labelsize"] == 9 and plt.rcParams["pdf.fonttype"] == 42


def test_numeric_axes_need_units(tmp_path) -> None:
    fig, ax = plt.subplots()
    ax.plot([0, 1], [2, 3])
    ax.set_xlabel("Distance")
    assert len(axis_problems(fig)) == 2  # x without units, y without label
    with pytest.raises(ValueError, match="without units"):
        save_figure(fig, [tmp_path / "f.png"], dpi=60)
    assert not (tmp_path / "f.png").exists()
    ax.set_xlabel("Distance (km)")
    ax.set_ylabel("Score (dimensionless)")
    assert axis_problems(fig) == []
    save_figure(fig, [tmp_path / "f.png"], dpi=60)
    assert (tmp_path / "f.png").stat().st_size > 0
    plt.close(fig)


def test_categorical_and_hidden_axes_need_no_units() -> None:
    fig, (a, b) = plt.subplots(1, 2)
    a.bar(["RF", "SVM"], [1, 2])
    a.set_ylabel("Weights (count)")
    b.imshow([[0, 1], [1, 0]])
    b.axis("off")
    assert axis_problems(fig) == []
    plt.close(fig)


def test_a_date_axis_with_year_ticks_needs_no_units() -> None:
    """Nine years of days: matplotlib labels the ticks 2012, 2014, ... which read as numbers."""
    import pandas as pd

    fig, ax = plt.subplots()
    days = pd.date_range("2012-01-01", "2020-12-31", freq="D")
    ax.plot(days, range(len(days)))
    ax.set_xlabel("Date")
    ax.set_ylabel("Rain (mm/day)")
    fig.canvas.draw()
    assert all(t.get_text().isdigit() for t in ax.get_xticklabels() if t.get_text())  # years
    assert axis_problems(fig) == []
    plt.close(fig)
    fig, ax = plt.subplots()  # the same labels on a plain numeric axis need units
    ax.plot([2012, 2020], [0, 1])
    ax.set_xlabel("Date")
    ax.set_ylabel("Rain (mm/day)")
    assert len(axis_problems(fig)) == 1
    plt.close(fig)


def test_a_model_has_one_colour_in_every_figure() -> None:
    """The same model is drawn in the same colour whatever the figure and the order of its models."""
    import pandas as pd
    from matplotlib.colors import to_hex

    from lsm.names import LABELS

    models = ["rf", "cnn_lstm", "svm"]  # not the order of MODEL_COLOURS
    steps = [0.0, 0.5, 1.0]
    curves = pd.DataFrame(
        [
            {"model": m, "curve": c, "area_fraction": x, "event_fraction": x}
            for m in models
            for c in ("success_rate", "prediction_rate")
            for x in steps
        ]
    )
    summary = pd.DataFrame({"model": models, "success_rate_auc": 0.8, "prediction_rate_auc": 0.7})
    roc = pd.DataFrame(
        [
            {"scheme": "random", "model": m, "fpr": x, "tpr": x, "tpr_min": x, "tpr_max": x}
            for m in models
            for x in steps
        ]
    )
    drawn = {}
    for fig, name_of in (
        (plots_maps.rate_curves(curves, summary), lambda label: label.split(" (")[0]),
        (roc_curves(roc), lambda label: label),
    ):
        for line in fig.axes[0].get_lines():
            name = name_of(line.get_label())
            model = next((m for m in models if plots_maps.short_label(m) == name or LABELS[m] == name), None)
            if model is not None:
                drawn.setdefault(model, set()).add(to_hex(line.get_color()))
        plt.close(fig)
    assert drawn == {m: {MODEL_COLOURS[m].lower()} for m in models}


def _summary_of(reference: dict) -> pd.DataFrame:
    rows = [
        {"scheme": scheme, "model": model, "metric": metric, **values}
        for scheme, models in reference["performance"].items()
        for model, metrics in models.items()
        for metric, values in metrics.items()
    ]
    return pd.DataFrame(rows)


def test_fig08_shows_every_measured_bar() -> None:
    """The default study's CNN alone has a recall of 0.03 at the threshold: its bar must be on the axes
    (it was hidden below an axis from 0.5), and the title names the threshold."""
    summary = _summary_of(read_yaml(REPO / "paper" / "reference" / "kerman_synthetic.yaml"))
    fig = model_comparison(summary, load_reported_metrics(REPO / "paper" / "reported.yaml"))
    assert hidden_values(fig) == []
    assert "threshold of 0.5" in fig.axes[0].get_title()
    bars = [p.get_height() for p in fig.axes[0].patches]
    assert min(bars) < 0.05  # the CNN's recall is drawn
    plt.close(fig)


def test_a_value_off_the_axes_is_found() -> None:
    fig, (ax, dated) = plt.subplots(1, 2)
    ax.bar([0, 1], [0.03, 0.9])
    ax.plot([0, 1], [0.2, 1.4], label="paper")
    ax.set_ylim(0.5, 1.0)
    days = pd.date_range("2020-01-01", periods=10)
    dated.plot(days, range(10), label="dated")  # dates in view: none off the axes
    dated.twinx().plot(days, [5.0] * 10, label="twin")
    problems = hidden_values(fig)
    assert len(problems) == 2, problems
    assert "a bar spanning x -0.4 to 0.4, y 0 to 0.03 lies outside the axes" in problems[0]
    assert "2 point(s) of 'paper' off the axes" in problems[1]  # 0.2 below, 1.4 above
    plt.close(fig)


def test_a_legend_over_data_is_found() -> None:
    """An error bar that crosses a legend without a vertex inside it is covered; the same legend moved
    below the axes covers nothing."""
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.errorbar([0.5], [0.9], yerr=[[0.85], [0.05]], fmt="o", label="a model")
    ax.axhline(0.95, label="a reference")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="lower center")
    assert legends_over_data(fig) == ["'axes 0': a legend covers 'unlabelled data'"]
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1))
    assert legends_over_data(fig) == []
    plt.close(fig)


def test_a_legend_over_bars_is_found() -> None:
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar([0, 1, 2], [0.9, 0.95, 0.9], label="share")
    ax.legend(loc="upper right")
    assert legends_over_data(fig) == ["'axes 0': a legend covers 'a bar'"]
    plt.close(fig)


def test_overlapping_texts_are_found() -> None:
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.text(0.5, 0.5, "first label", transform=ax.transAxes)
    ax.text(0.52, 0.5, "second label", transform=ax.transAxes)
    ax.text(0.1, 0.1, "apart", transform=ax.transAxes)
    assert text_overlaps(fig) == ["'first label' overlaps 'second label'"]
    plt.close(fig)


def test_a_clean_figure_has_no_overlap_and_fig08_has_none() -> None:
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1], label="a line")
    ax.set_xlabel("Distance (m)")
    ax.set_ylabel("Share (dimensionless)")
    ax.legend()
    fig.tight_layout()
    assert text_overlaps(fig) == []
    plt.close(fig)
    summary = _summary_of(read_yaml(REPO / "paper" / "reference" / "kerman_synthetic.yaml"))
    fig = model_comparison(summary, load_reported_metrics(REPO / "paper" / "reported.yaml"))
    assert text_overlaps(fig) == []
    plt.close(fig)
