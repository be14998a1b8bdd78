"""Figures of the susceptibility maps (same style as :mod:`lsm.publish.plots`): maps of every model, class
maps with the class shares against the paper's, rate curves and feature importance.

Maps are read decimated (``out_shape``), so a figure of a province-size map needs little memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import rasterio
import seaborn as sns
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch
from rasterio.enums import Resampling

from lsm.maps.style import CLASS_COLOURS
from lsm.names import CLASS_NAMES, FEATURE_LABELS, LABELS
from lsm.publish.plots.study import add_north_arrow, add_scale_bar
from lsm.publish.plots.style import FULL_WIDTH_IN, PALETTE, apply_style, model_colour

MAX_PIXELS = 900  # longest side of a map as drawn

PANEL_COLUMNS = 4  # panels per row of the figures with one panel per model
# What a raw map's probability is (docs/outputs.md, "What a map's probability means"), on its figure.
RELATIVE_READING = "probabilities learnt against sampled negatives: they rank cells, not a chance per day"


def short_label(model: str) -> str:
    """The model's label without "(standalone)", for small panels."""
    return LABELS.get(model, model).replace(" (standalone)", "")


def read_preview(path: str | Path, categorical: bool = False) -> tuple[np.ndarray, list[float]]:
    """The raster decimated to at most MAX_PIXELS a side (NaN for nodata), and its extent."""
    with rasterio.open(path) as src:
        scale = max(1.0, max(src.width, src.height) / MAX_PIXELS)
        shape = (max(1, round(src.height / scale)), max(1, round(src.width / scale)))
        resampling = Resampling.nearest if categorical else Resampling.average
        data = src.read(1, out_shape=shape, resampling=resampling, masked=True)
        left, bottom, right, top = src.bounds
    return data.astype("float32").filled(np.nan), [left, right, bottom, top]


def _panel_grid(count: int, extra: int = 0) -> tuple[plt.Figure, np.ndarray]:
    """Rows of PANEL_COLUMNS panels for ``count`` models and ``extra`` panels, flattened."""
    rows = int(np.ceil((count + extra) / PANEL_COLUMNS))
    fig, axes = plt.subplots(rows, PANEL_COLUMNS, figsize=(FULL_WIDTH_IN, 1.9 * rows + 0.4), squeeze=False)
    return fig, axes.ravel()


def _map_axes(ax: plt.Axes, title: str) -> None:
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal")


def susceptibility_maps(maps: dict[str, str], date: str) -> plt.Figure:
    """Probability of landsliding from every model (seeds averaged), one shared colour scale."""
    apply_style()
    fig, axes = _panel_grid(len(maps))
    image = None
    for ax, (model, path) in zip(axes, maps.items(), strict=False):
        values, extent = read_preview(path)
        image = ax.imshow(values, extent=extent, cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
        _map_axes(ax, short_label(model))
    assert image is not None, "no maps to draw"
    first = axes[0]
    add_north_arrow(first)
    add_scale_bar(first)
    for ax in axes[len(maps) :]:
        ax.axis("off")
    make_room_below(fig, 0.3)  # for the reading, before the colour bar takes its room from the panels
    fig.text(0.5, 0.1 / fig.get_figheight(), RELATIVE_READING, ha="center", va="bottom", fontsize=7)
    fig.colorbar(image, ax=list(axes), shrink=0.6, label="Probability of a landslide (-)")
    fig.suptitle(f"Susceptibility on {date}" if date else "Susceptibility", fontsize=10)
    return fig


def class_maps(maps: dict[str, str], shares: pd.DataFrame, reported_percent: dict[str, float]) -> plt.Figure:
    """Low/medium/high classes of every model, and the share of the area in each class against the
    paper's (last panel)."""
    apply_style()
    fig, axes = _panel_grid(len(maps), extra=1)
    cmap = ListedColormap(CLASS_COLOURS[: len(CLASS_NAMES)])
    norm = BoundaryNorm(np.arange(0.5, len(CLASS_NAMES) + 1), cmap.N)
    extent = None
    for ax, (model, path) in zip(axes, maps.items(), strict=False):
        values, extent = read_preview(path, categorical=True)
        values[values == 0] = np.nan
        ax.imshow(values, extent=extent, cmap=cmap, norm=norm, interpolation="nearest")
        _map_axes(ax, short_label(model))
    assert extent is not None, "no maps to draw"
    add_north_arrow(axes[0])
    add_scale_bar(axes[0])
    bars = axes[len(maps)]
    table = shares.pivot_table(index="model", columns="class", values="share_percent")[list(CLASS_NAMES)]
    table = table.reindex([m for m in maps if m in table.index])
    rows = [("Paper", [reported_percent[c] for c in CLASS_NAMES])] + [
        (short_label(m), list(table.loc[m])) for m in table.index
    ]
    y = np.arange(len(rows))
    left = np.zeros(len(rows))
    for k in range(len(CLASS_NAMES)):
        widths = np.array([r[1][k] for r in rows])
        bars.barh(y, widths, left=left, color=CLASS_COLOURS[k], edgecolor="black", linewidth=0.3)
        left += widths
    bars.set_yticks(y, [r[0] for r in rows], fontsize=6)
    bars.invert_yaxis()
    bars.set_xlim(0, 100)
    bars.set_xlabel("Share of the area (%)")
    bars.set_title("Class shares")
    fig.subplots_adjust(wspace=0.35)  # room for the share panel's model names beside a map
    spare = axes[len(maps) + 1 :]
    for ax in spare:
        ax.axis("off")
    handles = [
        Patch(facecolor=c, edgecolor="black", label=n.capitalize())
        for n, c in zip(CLASS_NAMES, CLASS_COLOURS, strict=False)
    ]
    place_legend(fig, spare, handles, "lower center", len(CLASS_NAMES), title="Class")
    return fig


def make_room_below(fig: plt.Figure, room_in: float) -> None:
    """``room_in`` inches added at the bottom of the figure, under the panels."""
    height = fig.get_figheight()
    bottom = fig.subplotpars.bottom * height
    fig.set_figheight(height + room_in)
    fig.subplots_adjust(bottom=(bottom + room_in) / (height + room_in))


def place_legend(
    fig: plt.Figure,
    spare: np.ndarray,
    handles: list[Any],
    below: Literal["lower center", "lower left"],
    ncol: int,
    **style: Any,
) -> None:
    """The legend in the first empty panel (``spare``), clear of every label; without one, under
    the panels (``below``, in ``ncol`` columns) in room made for it, whatever the number of rows."""
    if len(spare):
        spare[0].legend(handles=handles, loc="center", frameon=False, **style)
    else:
        make_room_below(fig, 0.35)
        fig.legend(handles=handles, loc=below, ncol=ncol, frameon=False)


def rate_curves(curves: pd.DataFrame, summary: pd.DataFrame) -> plt.Figure:
    """Success-rate (training landslides) and prediction-rate (test landslides) curves per model."""
    apply_style()
    fig, axes = plt.subplots(1, 2, figsize=(FULL_WIDTH_IN, 3.2), sharey=True)
    titles = {
        "success_rate": "Success rate (training landslides)",
        "prediction_rate": "Prediction rate (test landslides)",
    }
    models = list(dict.fromkeys(curves["model"]))
    for ax, (curve, title) in zip(axes, titles.items(), strict=True):
        for model in models:
            c = curves[(curves["model"] == model) & (curves["curve"] == curve)]
            value = summary.loc[summary["model"] == model, f"{curve}_auc"].iloc[0]
            ax.plot(
                100 * c["area_fraction"],
                100 * c["event_fraction"],
                color=model_colour(model),
                label=f"{short_label(model)} ({value:.3f})",
                drawstyle="steps-post",
            )
        ax.plot([0, 100], [0, 100], color="grey", ls=":", lw=0.8)
        ax.set_title(title)
        ax.set_xlabel("Area, most susceptible first (%)")
        ax.set_xlim(0, 100)
        ax.set_ylim(0, 100)
        ax.legend(title="Model (AUC)", fontsize=6, title_fontsize=7, loc="lower right")
    axes[0].set_ylabel("Landslides (%)")
    return fig


def importance_heatmap(importance: pd.DataFrame) -> plt.Figure:
    """Mean AUC lost when a factor or series is permuted (AUC points; seeds averaged); a blank cell is
    an input the model does not read (the importance table has no row for it): grey."""
    apply_style()
    table = importance.pivot_table(index="group", columns="model", values="drop_mean", sort=False) * 100
    table = table[[m for m in dict.fromkeys(importance["model"])]]
    table.columns = [short_label(m) for m in table.columns]
    table.index = [FEATURE_LABELS.get(group, group) for group in table.index]
    fig, ax = plt.subplots(figsize=(FULL_WIDTH_IN, 0.32 * len(table) + 1.2))
    limit = float(np.nanmax(np.abs(table.to_numpy()))) or 1.0
    sns.heatmap(
        table,
        ax=ax,
        cmap="vlag",
        center=0,
        vmin=-limit,
        vmax=limit,
        annot=True,
        fmt=".1f",
        annot_kws={"fontsize": 6},
        cbar_kws={"label": "AUC lost when permuted (points)"},
    )
    ax.set_facecolor("#d9d9d9")  # the cells of inputs a model does not read (no value)
    ax.grid(False)
    ax.set_xlabel("Model (grey: an input the model does not read)")
    ax.set_ylabel("Factor or series")
    ax.tick_params(axis="x", rotation=30)
    return fig


def applicability_maps(maps: dict[str, str], masks: dict[str, str], table: pd.DataFrame) -> plt.Figure:
    """Every model's map with the pixels outside its area of applicability greyed out, and the share
    of the area outside (last panel)."""
    from lsm.maps.applicability import OUTSIDE

    apply_style()
    fig, axes = _panel_grid(len(maps), extra=1)
    image = None
    grey = ListedColormap(["#9a9a9a"])
    for ax, (model, path) in zip(axes, maps.items(), strict=False):
        values, extent = read_preview(path)
        image = ax.imshow(values, extent=extent, cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
        mask, _ = read_preview(masks[model], categorical=True)
        outside = np.where(mask == OUTSIDE, 1.0, np.nan)
        ax.imshow(outside, extent=extent, cmap=grey, interpolation="nearest")
        _map_axes(ax, short_label(model))
    assert image is not None, "no maps to draw"
    add_north_arrow(axes[0])
    add_scale_bar(axes[0])
    bars = axes[len(maps)]
    shares = table.set_index("model").reindex(list(maps))["outside_percent"]
    x = np.arange(len(shares))
    colours = [model_colour(m) for m in shares.index]
    bars.bar(x, shares.to_numpy(), color=colours, edgecolor="black", linewidth=0.3)
    bars.set_xticks(x, [short_label(m) for m in shares.index], fontsize=6, rotation=90)
    bars.set_ylim(0, 100)
    bars.tick_params(axis="y", labelsize=6)
    bars.set_ylabel("Area outside (%)", fontsize=6, labelpad=1)
    bars.set_title("Outside")
    fig.subplots_adjust(wspace=0.5)  # room for the bars' axis label beside a map
    spare = axes[len(maps) + 1 :]
    for ax in spare:
        ax.axis("off")
    handles = [Patch(facecolor="#9a9a9a", label="Outside the area of applicability")]
    place_legend(fig, spare, handles, "lower left", 1, fontsize=6)  # before the colour bar takes its room
    fig.colorbar(image, ax=list(axes), shrink=0.6, label="Probability of a landslide (-)")
    return fig


def importance_by_scheme(importance: dict[str, pd.DataFrame]) -> plt.Figure:
    """Every model's AUC lost per permuted factor or series with its interval over seeds, one marker
    per validation scheme whose test samples were permuted (``importance``: scheme -> table)."""
    apply_style()
    models = list(dict.fromkeys(next(iter(importance.values()))["model"]))
    fig, axes = _panel_grid(len(models))
    markers = dict(zip(importance, ("o", "s", "^"), strict=False))
    offsets = dict(zip(importance, np.linspace(-0.18, 0.18, len(importance)), strict=True))
    groups = list(dict.fromkeys(next(iter(importance.values()))["group"]))
    y = {group: k for k, group in enumerate(groups)}
    for index, (ax, model) in enumerate(zip(axes, models, strict=False)):
        for k, (scheme, table) in enumerate(importance.items()):
            rows = table[table["model"] == model]
            positions = rows["group"].map(y).to_numpy() + offsets[scheme]
            mean = rows["drop_mean"].to_numpy() * 100
            # no interval (one seed): no whisker
            error = np.nan_to_num(np.vstack([mean - rows["drop_low"] * 100, rows["drop_high"] * 100 - mean]))
            ax.errorbar(
                mean,
                positions,
                xerr=error,
                fmt=markers[scheme],
                color=PALETTE[k],
                markersize=2.5,
                elinewidth=0.6,
                label=scheme,
            )
        ax.axvline(0, color="black", linewidth=0.5)
        read = set().union(*(set(t.loc[t["model"] == model, "group"]) for t in importance.values()))
        for group in (g for g in groups if g not in read):  # an input the model does not read: no value
            place = {"transform": ax.get_yaxis_transform(), "ha": "right", "va": "center"}
            ax.text(0.97, y[group], "not read", fontsize=5, color="grey", **place)
        names = [FEATURE_LABELS.get(group, group) for group in groups]
        first_of_row = index % PANEL_COLUMNS == 0  # the names once per row of panels
        ax.set_yticks(range(len(groups)), names if first_of_row else [], fontsize=5)
        ax.invert_yaxis()
        ax.tick_params(axis="x", labelsize=6)
        ax.set_xlabel("AUC lost (points)", fontsize=6)
        ax.set_title(short_label(model))
    for ax in axes[len(models) :]:
        ax.axis("off")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, [f"{label} test samples" for label in labels], loc="lower right", frameon=False)
    fig.set_figheight(fig.get_figheight() * 1.3)
    fig.subplots_adjust(hspace=0.45)
    return fig
