"""One plotting style for every figure: the palette and each model's colour, the checks every saved
figure passes (axis labels with units, no overlapping text), and saving.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from lsm.data.io import atomic_path
from lsm.names import HYBRID

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# The one colour of each model, in every figure that colours models (Okabe-Ito, as PALETTE).
MODEL_COLOURS = {
    HYBRID: "#D55E00",
    "cnn": "#0072B2",
    "lstm": "#009E73",
    "svm": "#CC79A7",
    "dt": "#F0E442",
    "rf": "#E69F00",
    "mlp": "#56B4E9",
}
OTHER_MODEL_COLOUR = "#000000"  # a model MODEL_COLOURS does not know (e.g. an ablation variant)
FULL_WIDTH_IN = 7.0  # a journal's two-column width
METRIC_LABELS = {
    "accuracy": "Accuracy",
    "precision": "Precision",
    "recall": "Recall",
    "f1": "F1",
    "auc": "AUC",
}


def model_colour(model: str) -> str:
    """The colour of ``model`` in every figure, so a model looks the same wherever it is drawn."""
    return MODEL_COLOURS.get(model, OTHER_MODEL_COLOUR)


def apply_style() -> None:
    """Seaborn theme, fonts and sizes shared by all figures."""
    sns.set_theme(context="paper", style="whitegrid", palette=PALETTE, font="DejaVu Sans")
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.bbox": "tight",
            "axes.titlesize": 10,
            "axes.labelsize": 9,
            "legend.fontsize": 8,
            "xtick.labelsize": 8,
            "ytick.labelsize": 8,
            "pdf.fonttype": 42,  # embed TrueType so text stays text in the PDF
        }
    )


# A label names its units in parentheses or brackets: "Elevation (m)", "Share [%]".
UNITS_PATTERN = re.compile(r"\([^)]+\)|\[[^\]]+\]")


def _is_date_axis(axis: matplotlib.axis.Axis) -> bool:
    """Whether the axis shows dates (matplotlib.dates formats its ticks)."""
    return type(axis.get_major_formatter()).__module__ == "matplotlib.dates"


def _numeric(labels: list[str]) -> bool:
    texts = [s.replace("\u2212", "-").replace(",", "").replace("%", "").strip() for s in labels]
    texts = [s for s in texts if s]
    if not texts:
        return False
    try:
        [float(s) for s in texts]
    except ValueError:
        return False
    return True


def axis_problems(fig: plt.Figure) -> list[str]:
    """Axes of ``fig`` that show numbers without a label with units, e.g. "Elevation (m)".

    An axis counts when it is visible and its tick labels are numbers; its label (or the figure's
    shared ``supxlabel``/``supylabel``) must name the quantity and give units in parentheses or
    brackets ("(dimensionless)", "(share)", "(count)" for pure numbers). Colour bars count too.
    """
    fig.canvas.draw()
    shared = {"x": fig.get_supxlabel(), "y": fig.get_supylabel()}
    problems = []
    for index, ax in enumerate(fig.axes):
        if not ax.axison:
            continue
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            if not axis.get_visible():
                continue
            ticks = [t.get_text() for t in axis.get_ticklabels() if t.get_visible()]
            if not _numeric(ticks) or _is_date_axis(axis):  # years as ticks are dates, not numbers
                continue
            label = axis.get_label_text() or shared[name]
            if not UNITS_PATTERN.search(label):
                title = ax.get_title() or f"axes {index}"
                problems.append(f"{title!r}: {name} axis {label or '(no label)'!r} has no units")
    return problems


def hidden_values(fig: plt.Figure, tolerance_px: float = 1.0) -> list[str]:
    """Bars and plotted points of ``fig`` drawn wholly outside their axes, so a reader cannot see
    them (an axis from 0.5 hid bars of 0.03). Judged where they are drawn (display space), so dates,
    twin axes and lines in axes coordinates count as the reader sees them."""
    from matplotlib.patches import Rectangle

    fig.canvas.draw()
    problems = []
    for index, ax in enumerate(fig.axes):
        box, title = ax.bbox, ax.get_title() or f"axes {index}"

        def outside(x0: float, y0: float, x1: float, y1: float, box=box) -> bool:
            t = tolerance_px
            return x1 < box.x0 - t or x0 > box.x1 + t or y1 < box.y0 - t or y0 > box.y1 + t

        for bar in ax.patches:
            if isinstance(bar, Rectangle) and bar.get_width() and bar.get_height():
                extent = bar.get_window_extent()
                if outside(extent.x0, extent.y0, extent.x1, extent.y1):
                    x, y, w, h = bar.get_x(), bar.get_y(), bar.get_width(), bar.get_height()
                    problems.append(
                        f"{title!r}: a bar spanning x {x:.4g} to {x + w:.4g}, y {y:.4g} to {y + h:.4g} "
                        "lies outside the axes"
                    )
        for line in ax.get_lines():
            data = np.asarray(line.get_xydata(), dtype=float)
            if data.size == 0:
                continue
            points = line.get_transform().transform(data)
            points = points[np.isfinite(points).all(axis=1)]
            off = [outside(px, py, px, py) for px, py in points]
            if any(off):
                problems.append(f"{title!r}: {sum(off)} point(s) of {line.get_label()!r} off the axes")
    return problems


def _densified(points: np.ndarray, step_px: float = 2.0) -> np.ndarray:
    """The points of a polyline in display space with points added every ``step_px`` along each
    segment, so a line that crosses a box without a vertex inside it still has a point there."""
    points = points[np.isfinite(points).all(axis=1)]
    if len(points) < 2:
        return points
    parts = [points[:1]]
    for start, end in pairwise(points):
        count = max(1, int(np.hypot(*(end - start)) / step_px))
        parts.append(start + np.outer(np.arange(1, count + 1) / count, end - start))
    return np.concatenate(parts)


def _data_name(artist: Any) -> str:
    label = str(artist.get_label())
    return "unlabelled data" if label.startswith("_") else label


def _data_points(ax: plt.Axes) -> list[tuple[str, np.ndarray]]:
    """What ``ax`` draws as data, as points in display space, each with a name for messages: lines
    (error bars' caps too), error bars' and other line segments, scattered points, and the outline and
    middle of each bar."""
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.patches import Rectangle

    drawn: list[tuple[str, np.ndarray]] = []
    for line in ax.get_lines():
        data = np.asarray(line.get_xydata(), dtype=float)
        if data.size and line.get_visible():
            drawn.append((_data_name(line), _densified(line.get_transform().transform(data))))
    for collection in ax.collections:
        if not collection.get_visible():
            continue
        if isinstance(collection, LineCollection):
            for segment in collection.get_segments():
                if len(segment):
                    points = collection.get_transform().transform(np.asarray(segment, dtype=float))
                    drawn.append((_data_name(collection), _densified(points)))
        elif isinstance(collection, PathCollection):
            offsets = np.asarray(collection.get_offsets(), dtype=float).reshape(-1, 2)
            if len(offsets):
                drawn.append((_data_name(collection), collection.get_offset_transform().transform(offsets)))
    for bar in ax.patches:
        if isinstance(bar, Rectangle) and bar.get_width() and bar.get_height() and bar.get_visible():
            box = bar.get_window_extent()
            corners = np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1]])
            outline = _densified(np.vstack([corners, corners[:1]]))
            drawn.append(("a bar", np.vstack([outline, [[(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2]]])))
    return drawn


def legends_over_data(fig: plt.Figure, margin_px: float = 1.0) -> list[str]:
    """Legends of ``fig`` drawn over data of any of its axes (a legend over error bars hid how far
    they reach): every line, error bar, scattered point and bar is checked against every visible
    legend box, shrunk by ``margin_px`` so that touching is not covering."""
    fig.canvas.draw()
    legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
    boxes = [legend.get_window_extent() for legend in legends if legend is not None and legend.get_visible()]
    problems = []
    for index, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        inside_axes = ax.bbox
        for name, points in _data_points(ax):
            shown = points[
                (points[:, 0] >= inside_axes.x0)
                & (points[:, 0] <= inside_axes.x1)
                & (points[:, 1] >= inside_axes.y0)
                & (points[:, 1] <= inside_axes.y1)
            ]
            for box in boxes:
                covered = (
                    (shown[:, 0] > box.x0 + margin_px)
                    & (shown[:, 0] < box.x1 - margin_px)
                    & (shown[:, 1] > box.y0 + margin_px)
                    & (shown[:, 1] < box.y1 - margin_px)
                )
                if covered.any():
                    title = ax.get_title() or f"axes {index}"
                    problems.append(f"{title!r}: a legend covers {name!r}")
                    break
    return sorted(set(problems))


def _drawn_texts(fig: plt.Figure) -> list[Any]:
    """Every text a reader sees: the figure's, each axes' title, labels, visible tick labels,
    annotations and legend entries (tick labels of ticks outside the view are not drawn)."""
    texts: list[Any] = [*fig.texts]
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        titles = [getattr(ax, name, None) for name in ("_left_title", "_right_title")]  # loc="left"/"right"
        texts += [ax.title, *filter(None, titles), ax.xaxis.label, ax.yaxis.label, *ax.texts]
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                if axis.get_visible() and low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    texts += [tick.label1, tick.label2]
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            texts += [*legend.get_texts(), legend.get_title()]
    for legend in fig.legends:
        texts += [*legend.get_texts(), legend.get_title()]
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def text_overlaps(fig: plt.Figure, tolerance_px: float = 1.0) -> list[str]:
    """Pairs of texts of ``fig`` that overlap each other by more than ``tolerance_px`` each way: what a
    reader cannot read. A text beyond the canvas is no problem: figures are saved with a tight box."""
    fig.canvas.draw()  # lays the texts out; their extents below are those of this drawing
    boxes = [(t, t.get_window_extent()) for t in _drawn_texts(fig)]
    problems = []
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            if width > tolerance_px and height > tolerance_px:
                problems.append(f"{a.get_text()[:40]!r} overlaps {b.get_text()[:40]!r}")
    return problems


def save_figure(fig: plt.Figure, paths: Iterable[str | Path], dpi: int) -> None:
    """Save ``fig`` to every path (format from the suffix), each written atomically.

    Refuses a figure with a numeric axis that has no label with units (:func:`axis_problems`).
    """
    problems = axis_problems(fig)
    if problems:
        raise ValueError("figure axes without units: " + "; ".join(problems))
    for path in paths:
        path = Path(path)
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=dpi, format=path.suffix.lstrip("."))
