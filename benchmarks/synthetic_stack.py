"""Synthetic inputs for the mapping benchmarks: a factor GeoTIFF of any size (written tile by tile,
so a province-size stack never sits in memory), a rain and reservoir series over it, and a torch run
with random weights (speed does not depend on what a model has learnt)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import torch
from rasterio.transform import from_origin
from rasterio.windows import Window
from scipy import ndimage
from shapely.geometry import box
from tqdm import tqdm

from lsm.data.factors import channel_names
from lsm.data.forcing import Series
from lsm.data.io import atomic_path
from lsm.data.io.study import AnalysisGrid, RainCube
from lsm.data.normalise import Normaliser
from lsm.learn.models import TorchSettings
from lsm.learn.networks import LandslideNet
from lsm.learn.train import save_normaliser
from lsm.learn.train_torch import save_torch_model
from lsm.names import ALL_FACTORS

CRS = "EPSG:32640"
CELL = 30.0
ORIGIN = (400_000.0, 3_500_000.0)
LANDUSE = pd.DataFrame(
    {"code": [1, 2, 3, 4, 5, 6], "name": ["bare", "rangeland", "farmland", "orchard", "urban", "water"]}
)
RANGES = {
    "elevation": (1000, 4000),
    "slope": (0, 45),
    "aspect": (0, 360),
    "twi": (2, 15),
    "spi": (0, 500),
    "erg": (1, 5),
}


def _field(rng: np.random.Generator, rows: int, cols: int, low: float, high: float) -> np.ndarray:
    """A smooth random field: coarse noise upsampled (cheap at any size)."""
    coarse = rng.random((rows // 32 + 2, cols // 32 + 2))
    fine = ndimage.zoom(coarse, 32, order=1)[:rows, :cols]
    return (low + (high - low) * fine).astype("float32")


def write_factor_stack(
    path: Path, rows: int, cols: int, tile: int = 2048, seed: int = 0, progress: bool = True
) -> AnalysisGrid:
    """A 12-factor stack in the layout of ``factors.tif`` (band names, land-use classes tag)."""
    transform = from_origin(*ORIGIN, CELL, CELL)
    profile = {
        "driver": "GTiff",
        "height": rows,
        "width": cols,
        "count": len(ALL_FACTORS),
        "dtype": "float32",
        "crs": CRS,
        "transform": transform,
        "nodata": float("nan"),
        "compress": "deflate",
        "predictor": 3,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "BIGTIFF": "YES",
    }
    rng = np.random.default_rng(seed)
    tiles = [(r, c) for r in range(0, rows, tile) for c in range(0, cols, tile)]
    with atomic_path(path) as tmp, rasterio.open(tmp, "w", **profile) as dst:
        for i, name in enumerate(ALL_FACTORS):
            dst.set_band_description(i + 1, name)
        dst.update_tags(
            landuse_classes=";".join(
                f"{c}={n}" for c, n in zip(LANDUSE["code"], LANDUSE["name"], strict=True)
            )
        )
        for r, c in tqdm(tiles, desc="factor tiles", unit="tile", disable=not progress):
            h, w = min(tile, rows - r), min(tile, cols - c)
            bands = []
            for name in ALL_FACTORS:
                if name == "landuse":
                    bands.append(np.ceil(_field(rng, h, w, 0.01, 5.0)))  # codes 1-5, no water
                else:
                    bands.append(_field(rng, h, w, *RANGES.get(name, (0, 5000))))
            dst.write(np.stack(bands), window=Window(c, r, w, h))
    return AnalysisGrid(rasterio.crs.CRS.from_user_input(CRS), transform, cols, rows)


def make_series(grid: AnalysisGrid, days: int = 90, rain_cell_m: float = 5000.0, seed: int = 0) -> Series:
    """Daily rain on a coarse grid covering ``grid`` and one reservoir with its levels."""
    rng = np.random.default_rng(seed)
    left, bottom, right, top = grid.bounds
    ny, nx = int(np.ceil((top - bottom) / rain_cell_m)), int(np.ceil((right - left) / rain_cell_m))
    dates = pd.date_range("2020-01-01", periods=days, freq="D")
    cube = RainCube(
        dates,
        rng.gamma(0.4, 5.0, (days, ny, nx)).astype("float32"),
        from_origin(left, top, rain_cell_m, rain_cell_m),
        grid.crs,
    )
    reservoirs = gpd.GeoDataFrame(
        {"reservoir_id": ["r1"]}, geometry=[box(left, bottom, left + 2000, bottom + 2000)], crs=grid.crs
    )
    levels = pd.DataFrame({"r1": 100 + np.cumsum(rng.normal(0, 0.2, days))}, index=dates)
    return Series(cube, reservoirs, levels)


def make_torch_run(folder: Path, kind: str, settings: TorchSettings, patch_size: int, seed: int = 0) -> Path:
    """A run folder like training writes, with random weights and a plausible normaliser."""
    torch.manual_seed(seed)
    channels = channel_names(list(ALL_FACTORS), LANDUSE)
    sequence = ["rain_mm", "rain_change_mm", "level_m", "level_change_m"]
    net = LandslideNet(kind, len(channels), len(sequence), settings)
    save_torch_model(folder, net, channels, sequence, patch_size)
    n = len(channels)
    normaliser = Normaliser(
        np.full(n, 10.0, "float32"),
        np.full(n, 100.0, "float32"),
        np.zeros(1, "float32"),
        np.ones(1, "float32"),
        np.array([2, 0, 100, 0], "float32"),
        np.array([5, 5, 2, 0.3], "float32"),
    )
    save_normaliser(folder, normaliser)
    return folder
