"""The QGIS style (``.qml``) of a class raster: a paletted renderer with the class names as labels."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from lsm.data.io import write_text

# ColorBrewer's 3-class OrRd: sequential, light to dark, marked colour-blind safe by ColorBrewer.
CLASS_COLOURS = ("#fee8c8", "#fdbb84", "#e34a33")


def class_style(names: list[str] | tuple[str, ...], colours=CLASS_COLOURS) -> str:
    """QML text for classes 1..k named ``names`` (value 0 is the raster's nodata)."""
    if len(names) > len(colours):
        raise ValueError(f"{len(names)} classes but only {len(colours)} colours")
    root = ET.Element("qgis", version="3.28", styleCategories="AllStyleCategories")
    pipe = ET.SubElement(root, "pipe")
    renderer = ET.SubElement(pipe, "rasterrenderer", type="paletted", opacity="1", band="1", alphaBand="-1")
    ET.SubElement(renderer, "rasterTransparency")
    palette = ET.SubElement(renderer, "colorPalette")
    for value, (name, colour) in enumerate(zip(names, colours, strict=False), start=1):
        ET.SubElement(
            palette, "paletteEntry", value=str(value), color=colour, alpha="255", label=name.capitalize()
        )
    ET.SubElement(pipe, "brightnesscontrast", brightness="0", contrast="0", gamma="1")
    ET.SubElement(pipe, "rasterresampler", maxOversampling="2")
    ET.SubElement(root, "blendMode").text = "0"
    ET.indent(root)
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        + ET.tostring(root, encoding="unicode")
        + "\n"
    )


def write_class_style(path: str | Path, names) -> None:
    """Write the QGIS style of the class raster (``names``: the classes, lowest first)."""
    write_text(path, class_style(names))
