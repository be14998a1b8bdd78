"""Figures of the study and its data: the study area, the daily series with the landslides, the
factor panels and the samples with their splits.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import patheffects
from matplotlib.patches import Patch

from lsm.names import FEATURE_LABELS, SCHEMES
from lsm.publish.plots.style import FULL_WIDTH_IN, PALETTE, apply_style

TRIGGER_COLOURS = {"rainfall": "#0072B2", "reservoir": "#D55E00", "earthquake": "#CC79A7"}


def add_north_arrow(ax: plt.Axes, x: float = 0.93, y: float = 0.95) -> None:
    """A north arrow (maps are north-up), its tip at (x, y) in axes coordinates and its size in
    points, so that it stays an arrow on a small panel, outlined in white to read on a dark map."""
    halo: list[patheffects.AbstractPathEffect] = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    text = ax.annotate(
        "N",
        xy=(x, y),
        xycoords="axes fraction",
        xytext=(0, -20),
        textcoords="offset points",
        ha="center",
        va="center",
        fontsize=7,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.0, "shrinkA": 5, "shrinkB": 0},
    )
    text.set_path_effects(halo)
    if text.arrow_patch is not None:
        text.arrow_patch.set_path_effects(halo)


def add_scale_bar(ax: plt.Axes) -> None:
    """A scale bar of a round length (about a fifth of the map width), lower left: matplotlib-scalebar,
    on axes in metres of the analysis grid's projected CRS."""
    from matplotlib_scalebar.scalebar import ScaleBar

    ax.add_artist(
        ScaleBar(
            1.0,
            units="m",
            location="lower left",
            length_fraction=0.2,
            box_alpha=0.0,
            font_properties={"size": 8},
        )
    )


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
    add_scale_bar(ax)
    fig.colorbar(image, ax=ax, shrink=0.7, label="Elevation (m a.s.l.)")
    landslides, _ = ax.get_legend_handles_labels()
    # below the map, so that it hides no landslide, river or road
    ax.legend(
        handles=landslides + handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncols=3,
        fontsize=7,
        frameon=False,
    )
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


# A series panel's legend: above the panel, left, in one row, where it covers no part of a series.
LEGEND_ABOVE: dict = {
    "loc": "lower left",
    "bbox_to_anchor": (0, 1.0),
    "ncols": 4,
    "fontsize": 7,
    "frameon": False,
}


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
    # one legend above the panel: inside, it hid the 30-day total where the rain peaks
    rain_handles, _ = ax.get_legend_handles_labels()
    total_handles, _ = twin.get_legend_handles_labels()
    ax.legend(handles=rain_handles + total_handles, **LEGEND_ABOVE)


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
        ax_level.legend(**LEGEND_ABOVE)
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
            bar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, ticks=codes)
            bar.ax.set_yticklabels(stack.landuse_classes["name"], fontsize=5)
        else:
            colours = "twilight" if name == "aspect" else "viridis"
            lo, hi = np.nanpercentile(values, [1, 99])
            image = ax.imshow(values, extent=extent, cmap=colours, vmin=lo, vmax=hi)
            fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04).set_label(f"({units})", fontsize=6)
        ax.set_title(FEATURE_LABELS.get(name, name).replace(" (", "\n("), fontsize=8)
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
    schemes = [s for s in SCHEMES if s in samples.columns]
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
    add_scale_bar(axes[0])
    fig.tight_layout()
    return fig
