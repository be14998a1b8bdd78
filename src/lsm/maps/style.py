"""QGIS styles (``.qml``): a paletted renderer for a class raster (the class names as labels) and a
colour ramp for a continuous one (the seeds' spread)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import pairwise
from pathlib import Path

from lsm.data.io import write_text

# ColorBrewer's 3-class OrRd: sequential, light to dark, marked colour-blind safe by ColorBrewer.
CLASS_COLOURS = ("#fee8c8", "#fdbb84", "#e34a33")
# ColorBrewer's sequential PuBu, light to dark: the ramp of a continuous map (low to high).
RAMP_COLOURS = ("#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d")


def class_labels(names: list[str] | tuple[str, ...], breaks=None) -> list[str]:
    """Each class's name with the probability range it holds (``breaks``: the upper bounds of all
    classes but the last, as :func:`lsm.maps.classes.classify` uses them), e.g. "Medium (0.31-0.62)"."""
    labels = [name.capitalize() for name in names]
    if breaks is None:
        return labels
    bounds = [float(b) for b in breaks]
    if len(bounds) != len(names) - 1:
        raise ValueError(f"{len(names)} classes need {len(names) - 1} breaks, got {len(bounds)}")
    ranges = [f"≤ {bounds[0]:.3f}"]
    ranges += [f"{low:.3f}-{high:.3f}" for low, high in pairwise(bounds)]
    ranges += [f"> {bounds[-1]:.3f}"]
    return [f"{label} (probability {r})" for label, r in zip(labels, ranges, strict=True)]


def class_style(names: list[str] | tuple[str, ...], colours=CLASS_COLOURS, breaks=None) -> str:
    """QML text for classes 1..k named ``names`` (value 0 is the raster's nodata), each label with
    its probability range when ``breaks`` are given."""
    if len(names) > len(colours):
        raise ValueError(f"{len(names)} classes but only {len(colours)} colours")
    root = ET.Element("qgis", version="3.28", styleCategories="AllStyleCategories")
    pipe = ET.SubElement(root, "pipe")
    renderer = ET.SubElement(pipe, "rasterrenderer", type="paletted", opacity="1", band="1", alphaBand="-1")
    ET.SubElement(renderer, "rasterTransparency")
    palette = ET.SubElement(renderer, "colorPalette")
    for value, (label, colour) in enumerate(zip(class_labels(names, breaks), colours, strict=False), start=1):
        ET.SubElement(palette, "paletteEntry", value=str(value), color=colour, alpha="255", label=label)
    ET.SubElement(pipe, "brightnesscontrast", brightness="0", contrast="0", gamma="1")
    ET.SubElement(pipe, "rasterresampler", maxOversampling="2")
    ET.SubElement(root, "blendMode").text = "0"
    return _document(root)


def _document(root: ET.Element) -> str:
    ET.indent(root)
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        + ET.tostring(root, encoding="unicode")
        + "\n"
    )


def ramp_style(maximum: float, label: str, colours=RAMP_COLOURS) -> str:
    """QML text of a linear colour ramp from 0 to ``maximum`` (band 1; ``label`` names the value)."""
    if not maximum > 0:
        raise ValueError(f"a colour ramp needs a positive maximum, got {maximum}")
    root = ET.Element("qgis", version="3.28", styleCategories="AllStyleCategories")
    pipe = ET.SubElement(root, "pipe")
    renderer = ET.SubElement(
        pipe,
        "rasterrenderer",
        type="singlebandpseudocolor",
        opacity="1",
        band="1",
        alphaBand="-1",
        classificationMin="0",
        classificationMax=f"{maximum:.6g}",
    )
    ET.SubElement(renderer, "rasterTransparency")
    shader = ET.SubElement(
        ET.SubElement(renderer, "rastershader"),
        "colorrampshader",
        colorRampType="INTERPOLATED",
        minimumValue="0",
        maximumValue=f"{maximum:.6g}",
        clip="0",
    )
    steps = len(colours) - 1
    for i, colour in enumerate(colours):
        value = maximum * i / steps
        ET.SubElement(
            shader, "item", value=f"{value:.6g}", color=colour, alpha="255", label=f"{label} {value:.3g}"
        )
    ET.SubElement(pipe, "brightnesscontrast", brightness="0", contrast="0", gamma="1")
    ET.SubElement(pipe, "rasterresampler", maxOversampling="2")
    ET.SubElement(root, "blendMode").text = "0"
    return _document(root)


def write_class_style(path: str | Path, names, breaks=None) -> None:
    """Write the QGIS style of the class raster (``names``: the classes, lowest first)."""
    write_text(path, class_style(names, breaks=breaks))


def probability_style(label: str) -> str:
    """QML text of a probability raster: a ramp over the whole 0-1 range, so that two maps (raw and
    calibrated, or two models) read alike; without it QGIS opens the layer grey."""
    return ramp_style(1.0, label)
