"""What the plot tests share: a small raster on a 30 m grid, the checks a reader's eye makes of a
figure, and the default seven models."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import rasterio
from rasterio.transform import from_origin

from lsm.names import ALL_MODELS
from lsm.publish.plots.style import axis_problems, hidden_values, legends_over_data, text_overlaps

CRS = "EPSG:32633"
LEFT, TOP, CELL = 500_000.0, 4_000_000.0, 30.0
ALL_SEVEN = list(ALL_MODELS)


def write_raster(path: Path, values: np.ndarray, dtype: str = "float32", nodata: float = np.nan) -> str:
    """One band on a 30 m grid whose top-left corner is (LEFT, TOP)."""
    height, width = values.shape
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=height,
        width=width,
        count=1,
        dtype=dtype,
        crs=CRS,
        transform=from_origin(LEFT, TOP, CELL, CELL),
        nodata=nodata,
    ) as dst:
        dst.write(values.astype(dtype), 1)
    return str(path)


def clean(fig: plt.Figure) -> list[str]:
    """Every problem a reader would meet in ``fig`` (the checks of test_figures_read)."""
    return text_overlaps(fig) + hidden_values(fig) + legends_over_data(fig) + axis_problems(fig)
