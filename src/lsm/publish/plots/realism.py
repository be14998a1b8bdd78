"""The realism figure: each study's realism metrics beside the ranges published inventories give.

One panel per metric of ``paper/realism_ranges.yaml``: the literature range as a shaded band, one
marker per study (a generated study and the real ones side by side), so a reader sees at a glance
whether the benchmark's landslides look like real ones.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.artist import Artist

from lsm.data.realism import metric_value
from lsm.publish.plots.style import FULL_WIDTH_IN, PALETTE, apply_style

BAND_COLOUR = "#BBBBBB"


def realism_figure(reports: dict[str, dict[str, Any]], ranges: dict[str, Any]) -> plt.Figure:
    """Panels of the metrics in ``ranges`` (from :func:`lsm.data.realism.literature_ranges`), one marker
    per study of ``reports`` (name -> :func:`lsm.data.realism.realism_metrics` report)."""
    apply_style()
    metrics = ranges["metrics"]
    columns = 2
    rows = math.ceil(len(metrics) / columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(FULL_WIDTH_IN, 1.15 + 0.32 * len(reports) * rows + 0.55 * rows), squeeze=False
    )
    names = list(reports)
    for i, (ax, (key, entry)) in enumerate(zip(axes.ravel(), metrics.items(), strict=False)):
        _metric_panel(ax, key, entry, reports, names)
        if i % columns:
            ax.tick_params(axis="y", labelleft=False)  # the study names stand once per row
    for ax in axes.ravel()[len(metrics) :]:
        ax.set_axis_off()
    handles: list[Artist] = [
        plt.Line2D([], [], marker="o", linestyle="", color=PALETTE[i % len(PALETTE)], label=name)
        for i, name in enumerate(names)
    ]
    handles.append(plt.Rectangle((0, 0), 1, 1, color=BAND_COLOUR, alpha=0.6, label="literature range"))
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 4), frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def _metric_panel(ax: plt.Axes, key: str, entry: dict, reports: dict[str, dict], names: list[str]) -> None:
    """One metric: the range as a band, each study as a marker (or 'not measured')."""
    low, high = entry["range"]
    ax.axvspan(low, high, color=BAND_COLOUR, alpha=0.6, linewidth=0)
    values = [metric_value(reports[name], entry.get("report_key", key)) for name in names]
    known = [v for v in values if v is not None and math.isfinite(v)]
    span = [low, high, *known]
    pad = 0.08 * (max(span) - min(span) or 1.0)
    left, right = min(span) - pad, max(span) + pad
    for i, value in enumerate(values):
        if value is None or not math.isfinite(value):
            ax.text(left + pad, i, "not measured", va="center", fontsize=7, color="0.4")
            continue
        inside = low <= value <= high
        ax.plot(value, i, marker="o" if inside else "X", color=PALETTE[i % len(PALETTE)], markersize=7)
    ax.set_xlim(left, right)
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_title("\n".join(textwrap.wrap(entry.get("label", key), 48)), fontsize=8)
    ax.set_xlabel(f"{entry.get('axis', key)} ({entry.get('units', 'dimensionless')})")
    ax.grid(axis="y", visible=False)
