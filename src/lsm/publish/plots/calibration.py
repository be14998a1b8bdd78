"""Figures of calibration (reliability diagrams) and of the seeds' spread over the maps."""

from __future__ import annotations

from typing import Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lsm.publish.plots.maps import (
    PANEL_COLUMNS,
    _map_axes,
    _panel_grid,
    place_legend,
    read_preview,
    short_label,
)
from lsm.publish.plots.study import add_north_arrow, add_scale_bar
from lsm.publish.plots.style import apply_style, model_colour

VERSION_STYLES: dict[str, tuple[str, Literal["-", "--"], str]] = {
    "raw": ("o", "-", "Raw"),
    "calibrated": ("s", "--", "Calibrated (Platt, training side)"),
}


def reliability_diagrams(points: pd.DataFrame, scores: pd.DataFrame, scheme: str) -> plt.Figure:
    """One reliability diagram per model (test samples of ``scheme``, pooled over seeds; marker area
    by the samples in the bin), raw and calibrated, and the expected calibration error of both with
    its interval over seeds (last panel)."""
    apply_style()
    points = points[points["scheme"] == scheme]
    scores = scores[scores["scheme"] == scheme]
    models = list(dict.fromkeys(points["model"]))
    fig, axes = _panel_grid(len(models), extra=1)
    for ax, model in zip(axes, models, strict=False):
        ax.plot([0, 1], [0, 1], color="grey", linewidth=0.6, linestyle=":")
        for version, (marker, line, _) in VERSION_STYLES.items():
            rows = points[(points["model"] == model) & (points["version"] == version)]
            ax.plot(
                rows["forecast"], rows["observed"], linestyle=line, color=model_colour(model), linewidth=0.8
            )
            ax.scatter(
                rows["forecast"],
                rows["observed"],
                s=4 + 40 * rows["samples"] / max(rows["samples"].max(), 1),
                marker=marker,
                color=model_colour(model),
                edgecolor="black",
                linewidth=0.3,
                zorder=3,
            )
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.set_title(short_label(model))
        ax.tick_params(labelsize=6)
        ax.set_xlabel("Mean probability (-)", fontsize=6, labelpad=1)
        ax.set_ylabel("Share of landslides (-)", fontsize=6, labelpad=1)
    bars = axes[len(models)]
    x = np.arange(len(models))
    for offset, version in ((-0.2, "raw"), (0.2, "calibrated")):
        rows = scores[scores["version"] == version].set_index("model").reindex(models)
        error = np.nan_to_num(np.vstack([rows["ece"] - rows["ece_low"], rows["ece_high"] - rows["ece"]]))
        bars.bar(
            x + offset,
            rows["ece"],
            width=0.4,
            yerr=np.clip(error, 0, None),
            color=[model_colour(m) for m in models],
            hatch=None if version == "raw" else "///",
            edgecolor="black",
            linewidth=0.3,
            error_kw={"linewidth": 0.6},
        )
    bars.set_xticks(x, [short_label(m) for m in models], fontsize=6, rotation=90)
    bars.tick_params(axis="y", labelsize=6)
    bars.set_ylabel("ECE (-)", fontsize=6, labelpad=1)
    bars.set_title("Expected calibration\nerror (ECE; hatched:\ncalibrated)")
    spare = axes[len(models) + 1 :]
    for ax in spare:
        ax.axis("off")
    handles = [
        plt.Line2D([], [], color="black", marker=marker, linestyle=line, markersize=4, label=label)
        for marker, line, label in VERSION_STYLES.values()
    ]
    place_legend(fig, spare, handles, "lower left", 2, fontsize=6)
    # Room for the suptitle: above the ECE panel's three-line title where it sits in the first row.
    margin = 0.8 if len(models) < PANEL_COLUMNS else 0.5
    fig.subplots_adjust(wspace=0.45, hspace=0.6, top=1 - margin / fig.get_figheight())
    fig.suptitle(f"Reliability on the {scheme} scheme's test samples", fontsize=10)
    return fig


def spread_maps(maps: dict[str, str], changes: pd.DataFrame) -> plt.Figure:
    """Every model's standard deviation over seeds per pixel (one colour scale), and per class of
    its mean map the share of pixels whose class the seeds disagree on (last panel)."""
    apply_style()
    fig, axes = _panel_grid(len(maps), extra=1)
    previews = {model: read_preview(path) for model, path in maps.items()}
    finite = [v[np.isfinite(v)] for v, _ in previews.values()]
    top = max((float(np.quantile(v, 0.99)) for v in finite if v.size), default=0.0) or 1e-3
    image = None
    for ax, (model, (values, extent)) in zip(axes, previews.items(), strict=False):
        image = ax.imshow(values, extent=extent, cmap="PuBu", vmin=0, vmax=top, interpolation="nearest")
        _map_axes(ax, short_label(model))
    assert image is not None, "no maps to draw"
    add_north_arrow(axes[0])
    add_scale_bar(axes[0])
    bars = axes[len(maps)]
    classes = list(dict.fromkeys(changes["class"]))
    width = 0.8 / max(len(maps), 1)
    for k, model in enumerate(maps):
        rows = changes[changes["model"] == model].set_index("class").reindex(classes)
        bars.bar(
            np.arange(len(classes)) + (k - (len(maps) - 1) / 2) * width,
            rows["seeds_disagree_percent"],
            width=width,
            color=model_colour(model),
            edgecolor="black",
            linewidth=0.3,
            label=short_label(model),
        )
    # below the panel (under its class names), not over its bars
    bars.legend(fontsize=5, frameon=False, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.28))
    bars.set_xticks(np.arange(len(classes)), [c.capitalize() for c in classes], fontsize=6, rotation=30)
    bars.tick_params(axis="y", labelsize=6)
    bars.set_ylabel("Class changes (%)", fontsize=6, labelpad=1)
    bars.set_title("Seeds disagree")
    for ax in axes[len(maps) + 1 :]:
        ax.axis("off")
    fig.subplots_adjust(wspace=0.5)  # room for the bars' axis label beside a map
    fig.colorbar(image, ax=list(axes), shrink=0.6, label="Standard deviation over seeds (-)")
    return fig
