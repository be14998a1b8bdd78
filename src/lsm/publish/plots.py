"""One plotting style for every figure, and the figure functions the notebooks call.

Notebooks stay thin (load, call, save) so that the figure code is tested like any other code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.patches import FancyBboxPatch, Patch

from lsm.data.io import atomic_path

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# The one colour of each model, in every figure that colours models (Okabe-Ito, as PALETTE).
MODEL_COLOURS = {
    "cnn_lstm": "#D55E00",
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


def save_figure(fig: plt.Figure, paths: Iterable[str | Path], dpi: int = 200) -> None:
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


def reported_comparison(reported: pd.DataFrame) -> plt.Figure:
    """Grouped bars of the paper's reported metrics per model.

    Hatched bars are not measured values of the paper: approximate readings ("~") or AUCs the paper
    cites from another study. ``reported`` is the frame of
    :func:`lsm.evaluate.reported.load_reported_metrics`.
    """
    apply_style()
    labels = list(dict.fromkeys(reported["label"]))
    metrics = list(dict.fromkeys(reported["metric"]))
    fig, ax = plt.subplots(figsize=(FULL_WIDTH_IN, 3.2))
    width = 0.8 / len(metrics)
    for j, metric in enumerate(metrics):
        rows = reported[reported["metric"] == metric].set_index("label").loc[labels]
        for i, (_, row) in enumerate(rows.iterrows()):
            hatch = "xx" if row["source"] == "cited" else ("//" if row["approximate"] else None)
            ax.bar(
                i + (j - (len(metrics) - 1) / 2) * width,
                row["value"],
                width=width,
                color=PALETTE[j % len(PALETTE)],
                edgecolor="white" if hatch is None else "0.25",
                hatch=hatch,
                linewidth=0.4,
                label=METRIC_LABELS.get(metric, metric) if i == 0 else None,
            )
    ax.set_xticks(range(len(labels)), [label.replace(" (", "\n(") for label in labels])
    ax.set_ylim(0.7, 1.0)
    ax.set_ylabel("Score (dimensionless, 0-1)")
    ax.set_title("Test metrics as reported by Teng et al. (2026)")
    handles, _ = ax.get_legend_handles_labels()
    handles += [
        Patch(
            facecolor="white", edgecolor="0.25", hatch="//", label='"~" in the paper (read off its Fig. 5)'
        ),
        Patch(facecolor="white", edgecolor="0.25", hatch="xx", label="cited from Hamedi et al. (2022)"),
    ]
    ax.legend(handles=handles, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    fig.tight_layout()
    return fig


TRIGGER_COLOURS = {"rainfall": "#0072B2", "reservoir": "#D55E00", "earthquake": "#CC79A7"}


def add_north_arrow(ax: plt.Axes, x: float = 0.95, y: float = 0.93) -> None:
    """A north arrow in axes coordinates (maps are north-up)."""
    ax.annotate(
        "N",
        xy=(x, y),
        xytext=(x, y - 0.09),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=9,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.2},
    )


def add_scale_bar(ax: plt.Axes, extent_m: float) -> None:
    """A scale bar of a round length (about a fifth of the map width), lower left."""
    target = extent_m / 5
    length = next(
        v for v in (100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100) if v <= target
    )
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    xs = x0 + 0.05 * (x1 - x0)
    ys = y0 + 0.05 * (y1 - y0)
    ax.plot([xs, xs + length], [ys, ys], color="black", lw=3, solid_capstyle="butt")
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length} m"
    ax.text(xs + length / 2, ys + 0.015 * (y1 - y0), label, ha="center", va="bottom", fontsize=8)


def _optional_vector(study_dir: Path, name: str):
    """A vector layer of the study in the DEM's CRS, or None when the study does not have it."""
    import geopandas as gpd

    from lsm.data.contract import contract_path

    path = contract_path(study_dir, name)
    return gpd.read_file(path) if path.is_file() else None


# The study's optional layers as drawn on the study map: file, legend entry and style.
STUDY_LAYERS = (
    ("mapped_area.gpkg", "mapped area", {"facecolor": "none", "edgecolor": "#009E73", "linewidth": 1.2}),
    ("rivers.gpkg", "river", {"color": "#56B4E9", "linewidth": 0.5}),
    ("reservoirs.gpkg", "reservoir", {"color": "#0072B2", "edgecolor": "#003f63", "linewidth": 0.6}),
    ("roads.gpkg", "road", {"color": "#333333", "linewidth": 1.0}),
    ("faults.gpkg", "fault", {"color": "#D55E00", "linewidth": 1.4, "linestyle": "--"}),
)


def _legend_handle(label: str, style: dict):
    if label in ("reservoir",):
        return Patch(color=style["color"], label=label)
    if label == "mapped area":
        return Patch(facecolor="none", edgecolor=style["edgecolor"], label=label)
    return plt.Line2D(
        [], [], color=style["color"], lw=style["linewidth"], ls=style.get("linestyle", "-"), label=label
    )


def study_area_map(study_dir: str | Path) -> plt.Figure:
    """Hillshaded terrain with the study's layers (only those it has) and the mapped landslides."""
    import numpy as np
    import rasterio

    from lsm.data.terrain import hillshade

    study_dir = Path(study_dir)
    apply_style()
    with rasterio.open(study_dir / "dem.tif") as src:
        dem = src.read(1, masked=True).filled(np.nan).astype("float64")
        bounds, cell, crs = src.bounds, src.res[0], src.crs
    extent = (bounds.left, bounds.right, bounds.bottom, bounds.top)
    fig, ax = plt.subplots(figsize=(FULL_WIDTH_IN, FULL_WIDTH_IN * 0.82))
    image = ax.imshow(dem, extent=extent, cmap="gist_earth", vmin=np.nanmin(dem), vmax=np.nanmax(dem))
    ax.imshow(hillshade(dem, cell), extent=extent, cmap="gray", alpha=0.45)
    handles = []
    for name, label, style in STUDY_LAYERS:
        layer = _optional_vector(study_dir, name)
        if layer is not None and not layer.empty:
            layer.to_crs(crs).plot(ax=ax, **style)
            handles.append(_legend_handle(label, style))
    inventory = _optional_vector(study_dir, "inventory.gpkg").to_crs(crs)
    inventory = inventory.assign(geometry=inventory.geometry.representative_point())
    triggers = inventory["trigger"] if "trigger" in inventory else pd.Series("unknown", index=inventory.index)
    for trigger, group in inventory.groupby(triggers):
        group.plot(
            ax=ax,
            color=TRIGGER_COLOURS.get(trigger, "#F0E442"),
            markersize=14,
            edgecolor="black",
            linewidth=0.4,
            zorder=5,
            label=f"landslide ({trigger}, n={len(group)})",
        )
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel("Easting (m)")
    ax.set_ylabel("Northing (m)")
    ax.ticklabel_format(style="plain", useOffset=False)
    ax.tick_params(axis="x", rotation=20)
    add_north_arrow(ax)
    add_scale_bar(ax, extent[1] - extent[0])
    fig.colorbar(image, ax=ax, shrink=0.7, label="Elevation (m a.s.l.)")
    landslides, _ = ax.get_legend_handles_labels()
    ax.legend(handles=landslides + handles, loc="lower right", fontsize=7, framealpha=0.85)
    ax.grid(False)
    fig.tight_layout()
    return fig


def _no_series(ax: plt.Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center")
    ax.set_axis_off()


def _landslide_dates(inventory: pd.DataFrame) -> tuple[pd.Series | None, pd.Series]:
    """The inventory's landslide dates (None without a date column) and triggers ("unknown" when
    it names none)."""
    dates = (
        pd.to_datetime(inventory["date"], errors="coerce", utc=True).dt.tz_localize(None)
        if "date" in inventory
        else None
    )
    triggers = inventory["trigger"] if "trigger" in inventory else pd.Series("unknown", index=inventory.index)
    return dates, triggers


def _rain_panel(ax: plt.Axes, rain: pd.Series, label: str) -> None:
    """Area-mean daily rain (filled) and its 30-day total (line, on a second axis)."""
    ax.fill_between(
        rain.index, rain.to_numpy(), step="mid", color="#56B4E9", lw=0, label=f"daily rain ({label})"
    )
    ax.set_ylabel("Rain (mm/day)")
    twin = ax.twinx()
    twin.plot(rain.index, rain.rolling(30).sum(), color="#000000", lw=0.8, label="30-day total")
    twin.set_ylabel("30-day total (mm)")
    twin.grid(False)
    ax.legend(loc="upper left", fontsize=7)
    twin.legend(loc="upper right", fontsize=7)


def _level_panel(ax: plt.Axes, levels_file: Path) -> None:
    """One line per reservoir: its daily level."""
    levels = pd.read_csv(levels_file, parse_dates=["date"])
    for rid, group in levels.groupby("reservoir_id"):
        ax.plot(group["date"], group["level_m"], lw=0.9, color="#009E73", label=f"reservoir {rid}")
    ax.set_ylabel("Reservoir level (m a.s.l.)")


def _mark_landslides(
    axes: tuple[plt.Axes, ...], dates: pd.Series, triggers: pd.Series, legend_ax: plt.Axes
) -> None:
    """A short tick at the foot of every drawn panel per landslide date, coloured by trigger (in the
    legend of ``legend_ax`` only)."""
    for ax in axes:
        if not ax.axison:
            continue
        for trigger in sorted(set(triggers)):
            ax.vlines(
                dates[triggers == trigger],
                0,
                0.06,
                transform=ax.get_xaxis_transform(),
                color=TRIGGER_COLOURS.get(trigger, "#F0E442"),
                lw=0.8,
                label=f"landslide ({trigger})" if ax is legend_ax else "_nolegend_",
            )


def forcing_series(study_dir: str | Path) -> plt.Figure:
    """Area-mean daily rain with its 30-day total, the reservoir level, and the landslide dates
    (where the inventory has them); a panel the study has no series for says so."""
    import geopandas as gpd

    from lsm.data.contract import contract_path
    from lsm.data.io.study import Study

    study_dir = Path(study_dir)
    apply_style()
    inventory = gpd.read_file(contract_path(study_dir, "inventory.gpkg"), ignore_geometry=True)
    dates, triggers = _landslide_dates(inventory)
    fig, (ax_rain, ax_level) = plt.subplots(2, 1, figsize=(FULL_WIDTH_IN, 4.6), sharex=True)
    study = Study(study_dir)
    if study.rain_file() is not None:
        cube = study.read_rainfall()
        _rain_panel(ax_rain, cube.area_mean(), "mean over " + cube.label())
    else:
        _no_series(ax_rain, "no rainfall series in this study")
    levels_file = study_dir / "reservoir_levels.csv"
    if levels_file.is_file():
        _level_panel(ax_level, levels_file)
    else:
        _no_series(ax_level, "no reservoir series in this study")
        ax_rain.xaxis.set_tick_params(labelbottom=True)
        ax_rain.set_xlabel("Date")
    if dates is not None:
        _mark_landslides((ax_rain, ax_level), dates, triggers, legend_ax=ax_level)
    if ax_level.axison:
        ax_level.legend(loc="upper left", fontsize=7, ncols=2)
        ax_level.set_xlabel("Date")
    marks = "ticks mark landslide dates" if dates is not None else "the inventory has no dates"
    fig.suptitle(f"Forcing and mapped landslides (n={len(inventory)}; {marks})", fontsize=10)
    fig.tight_layout()
    return fig


SPLIT_COLOURS = {"train": "#0072B2", "test": "#D55E00", "buffer": "#999999"}


def factor_panels(factors_tif: str | Path) -> plt.Figure:
    """One map per conditioning factor, with its units."""
    import numpy as np

    from lsm.data.factors import UNITS, read_factor_stack

    apply_style()
    stack = read_factor_stack(factors_tif)
    n = len(stack.names)
    ncols = 4
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(FULL_WIDTH_IN, 1.9 * nrows + 0.3))
    left, bottom, right, top = stack.grid.bounds
    extent = (left / 1000, right / 1000, bottom / 1000, top / 1000)
    for ax, name, band in zip(axes.flat, stack.names, stack.data, strict=False):
        units = UNITS.get(name, "")
        values = band
        if name.startswith("dist_"):
            values, units = band / 1000.0, "km"
        if name == "spi":
            values, units = np.log10(np.maximum(band, 1e-3)), "log10 m"
        if name == "landuse":
            codes = stack.landuse_classes["code"].to_numpy()
            cmap = matplotlib.colors.ListedColormap(PALETTE[: len(codes)])
            norm = matplotlib.colors.BoundaryNorm(np.append(codes, codes[-1] + 1) - 0.5, len(codes))
            image = ax.imshow(values, extent=extent, cmap=cmap, norm=norm, interpolation="nearest")
            bar = fig.colorbar(image, ax=ax, shrink=0.8, ticks=codes)
            bar.ax.set_yticklabels(stack.landuse_classes["name"], fontsize=5)
        else:
            colours = "twilight" if name == "aspect" else "viridis"
            lo, hi = np.nanpercentile(values, [1, 99])
            image = ax.imshow(values, extent=extent, cmap=colours, vmin=lo, vmax=hi)
            fig.colorbar(image, ax=ax, shrink=0.8).set_label(f"({units})", fontsize=6)
        ax.set_title(name, fontsize=8)
        ax.tick_params(labelsize=5)
        ax.grid(False)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.supxlabel("Easting (km)", fontsize=8)
    fig.supylabel("Northing (km)", fontsize=8)
    fig.tight_layout()
    return fig


def sample_maps(factors_tif: str | Path, samples_gpkg: str | Path, splits_csv: str | Path) -> plt.Figure:
    """Where the samples lie, one panel per validation scheme (train, test, buffer)."""
    import geopandas as gpd
    import numpy as np

    from lsm.data.factors import read_factor_stack
    from lsm.data.terrain import hillshade

    apply_style()
    stack = read_factor_stack(factors_tif)
    samples = gpd.read_file(samples_gpkg).merge(pd.read_csv(splits_csv), on="sample_id")
    schemes = [s for s in ("random", "spatial", "temporal") if s in samples.columns]
    fig, axes = plt.subplots(1, len(schemes), figsize=(FULL_WIDTH_IN, FULL_WIDTH_IN / len(schemes) + 0.9))
    axes = np.atleast_1d(axes)
    left, bottom, right, top = stack.grid.bounds
    extent = (left, right, bottom, top)
    shade = hillshade(stack.band("elevation"), stack.grid.cell)
    for ax, scheme in zip(axes, schemes, strict=True):
        ax.imshow(shade, extent=extent, cmap="gray", alpha=0.6)
        for part, colour in SPLIT_COLOURS.items():
            for label, marker in ((0, "o"), (1, "^")):
                sel = samples[(samples[scheme] == part) & (samples["label"] == label)]
                if len(sel):
                    ax.scatter(
                        sel.geometry.x,
                        sel.geometry.y,
                        s=6 if label == 0 else 10,
                        marker=marker,
                        color=colour,
                        edgecolor="black" if label else "none",
                        linewidth=0.2,
                        label=f"{part}, {'landslide' if label else 'negative'} ({len(sel)})",
                    )
        ax.set_title(f"{scheme} split", fontsize=9)
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        ax.set_xticks([])
        ax.set_yticks([])
        ax.legend(fontsize=5, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncols=2, frameon=False)
        ax.grid(False)
    add_north_arrow(axes[0])
    add_scale_bar(axes[0], extent[1] - extent[0])
    fig.tight_layout()
    return fig


def learning_curves(curves: pd.DataFrame) -> plt.Figure:
    """Validation loss per epoch of the torch models, mean and range over seeds, per scheme.

    ``curves`` has columns model, scheme, seed, epoch, train_loss, val_loss.
    """
    from lsm.learn.models import LABELS

    apply_style()
    schemes = list(dict.fromkeys(curves["scheme"]))
    fig, axes = plt.subplots(1, len(schemes), figsize=(FULL_WIDTH_IN, 2.6), sharey=True, squeeze=False)
    for ax, scheme in zip(axes[0], schemes, strict=True):
        part = curves[curves["scheme"] == scheme]
        for model, group in part.groupby("model", sort=False):
            stats = group.groupby("epoch")[["train_loss", "val_loss"]].agg(["mean", "min", "max"])
            colour = model_colour(model)
            ax.plot(
                stats.index, stats[("val_loss", "mean")], color=colour, label=f"{LABELS[model]} (validation)"
            )
            ax.fill_between(
                stats.index,
                stats[("val_loss", "min")],
                stats[("val_loss", "max")],
                color=colour,
                alpha=0.2,
                lw=0,
            )
            ax.plot(stats.index, stats[("train_loss", "mean")], color=colour, ls="--", lw=0.8)
        ax.set_title(f"{scheme} split")
        ax.set_xlabel("Epoch (count)")
    axes[0, 0].set_ylabel("Binary cross-entropy (nats)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    handles.append(plt.Line2D([], [], color="black", ls="--", lw=0.8))
    labels.append("training loss (dashed)")
    fig.legend(
        handles, labels, loc="lower center", ncols=4, fontsize=7, frameon=False, bbox_to_anchor=(0.5, -0.05)
    )
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


REFERENCE_LINES = {
    "physics_reference_auc": ("physics reference", "--"),
    "static_ceiling_auc": ("static ceiling", ":"),
}


def _reference_auc(references: pd.DataFrame | None, scheme: str, column: str) -> float | None:
    """A scheme's physics-reference or static-ceiling AUC (generated studies), or None."""
    if references is None or references.empty or column not in references:
        return None
    part = references.loc[references["scheme"] == scheme, column].dropna()
    return None if part.empty else float(part.iloc[0])


def roc_curves(roc: pd.DataFrame, references: pd.DataFrame | None = None) -> plt.Figure:
    """Mean ROC curve over seeds (range shaded) of every model, one panel per validation scheme."""
    from lsm.learn.models import LABELS

    apply_style()
    schemes = list(dict.fromkeys(roc["scheme"]))
    fig, axes = plt.subplots(1, len(schemes), figsize=(FULL_WIDTH_IN, 2.8), squeeze=False, sharey=True)
    for ax, scheme in zip(axes[0], schemes, strict=True):
        for model, g in roc[roc["scheme"] == scheme].groupby("model", sort=False):
            colour = model_colour(model)
            lw = 1.8 if model == "cnn_lstm" else 1.0
            ax.plot(g["fpr"], g["tpr"], color=colour, lw=lw, label=LABELS.get(model, model))
            ax.fill_between(g["fpr"], g["tpr_min"], g["tpr_max"], color=colour, alpha=0.15, lw=0)
        ax.plot([0, 1], [0, 1], color="0.6", ls=":", lw=0.8)
        title = f"{scheme} split"
        physics = _reference_auc(references, scheme, "physics_reference_auc")
        if physics is not None:
            title += f" (physics reference AUC {physics:.3f})"
        ax.set_title(title, fontsize=8)
        ax.set_xlabel("False positive rate (share)")
        ax.set_aspect("equal")
    axes[0, 0].set_ylabel("True positive rate (share)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncols=7, fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def model_comparison(summary: pd.DataFrame, reported: pd.DataFrame, scheme: str = "random") -> plt.Figure:
    """Our test metrics (mean over seeds, 95 % interval as error bars) beside the paper's values
    (black diamonds, hollow where read off a figure or cited)."""
    from lsm.learn.models import LABELS

    apply_style()
    metrics = ["accuracy", "precision", "recall", "f1", "auc"]
    models = [m for m in LABELS if m in set(summary["model"])]
    part = summary[(summary["scheme"] == scheme) & summary["metric"].isin(metrics)]
    fig, ax = plt.subplots(figsize=(FULL_WIDTH_IN, 3.2))
    width = 0.8 / len(metrics)
    for j, metric in enumerate(metrics):
        for i, model in enumerate(models):
            row = part[(part["model"] == model) & (part["metric"] == metric)]
            if row.empty:
                continue
            r = row.iloc[0]
            x = i + (j - (len(metrics) - 1) / 2) * width
            ax.bar(
                x, r["mean"], width=width, color=PALETTE[j], label=METRIC_LABELS[metric] if i == 0 else None
            )
            ax.errorbar(
                x,
                r["mean"],
                yerr=[[r["mean"] - r["lo"]], [r["hi"] - r["mean"]]],
                color="black",
                lw=0.7,
                capsize=1.5,
            )
            paper = reported[(reported["model"] == model) & (reported["metric"] == metric)]
            if not paper.empty:
                p = paper.iloc[0]
                hollow = p["source"] != "stated"
                ax.plot(
                    x,
                    p["value"],
                    marker="D",
                    ms=3.5,
                    color="black",
                    mfc="white" if hollow else "black",
                    ls="none",
                    label="paper (stated)" if (i == 0 and j == 0) else None,
                )
    ax.plot(
        [],
        [],
        marker="D",
        ms=3.5,
        color="black",
        mfc="white",
        ls="none",
        label="paper (read off figure / cited)",
    )
    ax.set_xticks(range(len(models)), [LABELS[m].replace(" (", "\n(") for m in models])
    ax.set_ylim(0.5, 1.0)
    ax.set_ylabel("Score (dimensionless, 0-1)")
    ax.set_title(f"Ours ({scheme} split; bars, 95 % interval over seeds) and the paper's (diamonds)")
    ax.legend(ncols=4, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    fig.tight_layout()
    return fig


def confusion_matrices(confusion: pd.DataFrame, scheme: str = "random") -> plt.Figure:
    """Confusion matrices summed over seeds, as shares of each true class, one per model."""
    from lsm.learn.models import LABELS

    apply_style()
    part = confusion[confusion["scheme"] == scheme]
    fig, axes = plt.subplots(1, len(part), figsize=(FULL_WIDTH_IN, 1.6), squeeze=False)
    for ax, row in zip(axes[0], part.itertuples(), strict=True):
        counts = [[row.cm_tn, row.cm_fp], [row.cm_fn, row.cm_tp]]
        shares = [[c / max(sum(r), 1) for c in r] for r in counts]
        ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
        for a in range(2):
            for b in range(2):
                ax.text(
                    b,
                    a,
                    f"{counts[a][b]}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if shares[a][b] > 0.6 else "black",
                )
        ax.set_xticks([0, 1], ["no", "slide"], fontsize=6)
        ax.set_yticks([0, 1], ["no", "slide"], fontsize=6)
        ax.set_title(LABELS.get(row.model, row.model), fontsize=6)
        ax.grid(False)
    axes[0, 0].set_ylabel("true", fontsize=7)
    fig.supxlabel(
        f"predicted at 0.5 ({scheme} split, test samples of all seeds; colour: share of true class)",
        fontsize=7,
    )
    fig.tight_layout()
    return fig


def scheme_comparison(summary: pd.DataFrame, references: pd.DataFrame | None) -> plt.Figure:
    """Test AUC of every model under each validation scheme (mean, 95 % interval), with the physics
    reference and the static ceiling where the study knows its truth."""
    from lsm.learn.models import LABELS

    apply_style()
    auc = summary[summary["metric"] == "auc"]
    schemes = list(dict.fromkeys(auc["scheme"]))
    models = [m for m in LABELS if m in set(auc["model"])]
    fig, ax = plt.subplots(figsize=(FULL_WIDTH_IN, 2.8))
    for k, scheme in enumerate(schemes):
        for i, model in enumerate(models):
            r = auc[(auc["scheme"] == scheme) & (auc["model"] == model)]
            if r.empty:
                continue
            r = r.iloc[0]
            x = i + (k - (len(schemes) - 1) / 2) * 0.22
            ax.errorbar(
                x,
                r["mean"],
                yerr=[[r["mean"] - r["lo"]], [r["hi"] - r["mean"]]],
                fmt="o",
                ms=4,
                color=PALETTE[k],
                label=f"{scheme} split" if i == 0 else None,
                capsize=2,
            )
        for column, (name, style) in REFERENCE_LINES.items():
            value = _reference_auc(references, scheme, column)
            if value is not None:
                ax.axhline(value, color=PALETTE[k], ls=style, lw=0.8, label=f"{name} ({scheme})")
    ax.set_xticks(range(len(models)), [LABELS[m].replace(" (", "\n(") for m in models])
    ax.set_ylabel("Test ROC AUC (dimensionless)")
    ax.legend(fontsize=7, ncols=3)
    fig.tight_layout()
    return fig


BRANCH_COLOURS = {"input": "#F0E442", "cnn": "#56B4E9", "lstm": "#009E73", "head": "#E69F00"}


def _shape_text(shape: tuple[int, ...]) -> str:
    return " x ".join(f"{n}" for n in shape)


class _BoxDiagram:
    """Boxes with centred text on an axes, joined by arrows from the bottom of one to the top of
    the next; boxes are remembered by key."""

    def __init__(self, ax: plt.Axes) -> None:
        self.ax = ax
        self.boxes: dict[str, tuple[float, float]] = {}

    def box(self, key: str, x: float, y: float, text: str, colour: str) -> None:
        self.ax.add_patch(
            FancyBboxPatch(
                (x - 0.46, y - 0.3),
                0.92,
                0.6,
                boxstyle="round,pad=0.02",
                facecolor=colour,
                edgecolor="0.2",
                linewidth=0.6,
                alpha=0.85,
            )
        )
        self.ax.text(x, y, text, ha="center", va="center", fontsize=5.8)
        self.boxes[key] = (x, y)

    def arrow(self, a: str, b: str) -> None:
        (xa, ya), (xb, yb) = self.boxes[a], self.boxes[b]
        self.ax.annotate(
            "",
            xy=(xb, yb + 0.31),
            xytext=(xa, ya - 0.31),
            arrowprops={"arrowstyle": "-|>", "lw": 0.8, "color": "0.2", "shrinkA": 0, "shrinkB": 0},
        )


def _describe_layer(layer) -> str:
    """A box's text: what the layer does (wrapped), its output shape and its weights."""
    import textwrap

    label = "\n".join(textwrap.wrap(layer.label, 40))
    weights = f", {layer.parameters:,} weights" if layer.parameters else ""
    return f"{label}\nout: {_shape_text(layer.shape)}{weights}"


def _draw_network(ax: plt.Axes, main) -> None:
    """One model's layers as boxes: the CNN and LSTM branches side by side from their inputs down,
    the fusion head below both."""
    from lsm.learn.models import LABELS

    diagram = _BoxDiagram(ax)
    columns = (
        {"cnn": 0.5, "lstm": 1.5} if main.branch("cnn") and main.branch("lstm") else {"cnn": 1.0, "lstm": 1.0}
    )
    inputs = {
        "cnn": f"Input patch: {_shape_text(main.inputs['patch'])}\n(factor channels x pixels x pixels)",
        "lstm": f"Input sequence: {_shape_text(main.inputs.get('sequence', ()))}\n(days x series)",
    }
    ends = []
    for branch in ("cnn", "lstm"):
        layers = main.branch(branch)
        if not layers:
            continue
        x = columns[branch]
        diagram.box(f"{branch}.input", x, 0, inputs[branch], BRANCH_COLOURS["input"])
        previous = f"{branch}.input"
        for row, layer in enumerate(layers, start=1):
            diagram.box(layer.name, x, -row, _describe_layer(layer), BRANCH_COLOURS[branch])
            diagram.arrow(previous, layer.name)
            previous = layer.name
        ends.append(previous)
    row = -max(len(main.branch(b)) for b in ("cnn", "lstm")) - 1
    head = main.branch("head")
    for i, layer in enumerate(head):
        diagram.box(layer.name, 1.0, row - i, _describe_layer(layer), BRANCH_COLOURS["head"])
        for source in ends if i == 0 else [head[i - 1].name]:
            diagram.arrow(source, layer.name)
    ax.set_xlim(-0.05, 2.05)
    ax.set_ylim(row - len(head) + 0.45, 0.5)
    ax.axis("off")
    ax.set_title(
        f"{LABELS.get(main.kind, main.kind)}: {main.total_parameters:,} weights "
        "(read off the model by a forward pass)",
        fontsize=8,
    )


def _draw_weight_bars(bars: plt.Axes, traces: list) -> None:
    """The trainable weights of each model as one bar stacked by branch."""
    from lsm.learn.models import LABELS

    names = [LABELS.get(t.kind, t.kind).replace(" (standalone)", "\nalone") for t in traces]
    left = [0] * len(traces)
    for branch, title in (("cnn", "CNN branch"), ("lstm", "LSTM branch"), ("head", "fusion head")):
        counts = [sum(layer.parameters for layer in t.branch(branch)) for t in traces]
        bars.barh(
            names, counts, left=left, color=BRANCH_COLOURS[branch], label=title, edgecolor="0.2", lw=0.4
        )
        left = [a + b for a, b in zip(left, counts, strict=True)]
    bars.invert_yaxis()
    bars.set_xlabel("Trainable weights (count)")
    bars.set_ylabel("Model")
    bars.set_title("Weights by branch", fontsize=8)
    bars.legend(fontsize=6, loc="lower right")


def architecture_diagram(traces: list) -> plt.Figure:
    """The CNN-LSTM as boxes and arrows (left) and the weights of each torch model by branch (right).

    ``traces`` are :class:`lsm.learn.architecture.Trace` objects (read off the models by a forward pass);
    the first one drawn as a diagram is the CNN-LSTM's, or the first given.
    """
    apply_style()
    main = next((t for t in traces if t.kind == "cnn_lstm"), traces[0])
    fig, (ax, bars) = plt.subplots(1, 2, figsize=(FULL_WIDTH_IN, 5.0), gridspec_kw={"width_ratios": [2.6, 1]})
    _draw_network(ax, main)
    _draw_weight_bars(bars, traces)
    fig.tight_layout()
    return fig


def tuning_histories(histories: pd.DataFrame) -> plt.Figure:
    """Best inner-validation AUC so far against the trial number, per model, one panel per scheme
    (pruned trials marked): how fast each model's tuning converged with the same budget.

    ``histories`` has columns scheme, model, number, value, state (lsm.learn.tuning.read_history).
    """
    import numpy as np

    from lsm.learn.models import LABELS

    apply_style()
    schemes = list(dict.fromkeys(histories["scheme"]))
    fig, axes = plt.subplots(1, len(schemes), figsize=(FULL_WIDTH_IN, 2.8), sharey=True, squeeze=False)
    for ax, scheme in zip(axes[0], schemes, strict=True):
        for model, g in histories[histories["scheme"] == scheme].groupby("model", sort=False):
            g = g.sort_values("number")
            colour = model_colour(model)
            best = np.fmax.accumulate(g["value"].to_numpy(dtype=float))
            ax.step(g["number"] + 1, best, where="post", color=colour, lw=1.2, label=LABELS.get(model, model))
            pruned = g["state"] == "PRUNED"
            ax.plot(g.loc[pruned, "number"] + 1, best[pruned.to_numpy()], "x", color=colour, ms=3)
        ax.set_title(f"{scheme} split", fontsize=8)
        ax.set_xlabel("Trial (count)")
    axes[0, 0].set_ylabel("Best inner-validation AUC (dimensionless)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    handles.append(plt.Line2D([], [], marker="x", ls="none", color="black"))
    labels.append("pruned trial")
    fig.legend(handles, labels, loc="lower center", ncols=4, fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    return fig
