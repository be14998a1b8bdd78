"""Dense mapping against patch-by-patch evaluation, and memory against raster size.

Prints, measured in this run on the same synthetic factor raster and the same model (the CNN-LSTM
at params.yaml's architecture and patch size, random weights: speed does not depend on training):

- pixels per second of the dense path (lsm.maps.stream.map_tile: windows streamed from the
  GeoTIFF, convolutions once per window) and of the patch-by-patch path (patches cut out of the
  stack and run through the model in batches of 512, as most landslide code evaluates), and their
  ratio;
- the largest absolute difference between the two on the pixels both evaluated;
- peak resident memory of map_tile at two raster sizes four times apart in area (each in a fresh
  process), and their ratio.

    .venv/bin/python benchmarks/mapping.py [--side 1024] [--threads 2] [--patch-pixels 20000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import rasterio
import torch
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_stack import LANDUSE, make_series, make_torch_run, write_factor_stack

from lsm.data.factors import FactorStack
from lsm.data.forcing import DayForcing
from lsm.data.sampling import extract_patches
from lsm.learn.models import TorchSettings
from lsm.learn.predictors import Ensemble, SampleInputs
from lsm.maps.stream import map_tile
from lsm.maps.windows import FactorRaster
from lsm.names import ALL_FACTORS

REPO = Path(__file__).resolve().parents[1]
DAY, WINDOW_DAYS = 60, 30


def settings_from_params() -> tuple[TorchSettings, int]:
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    return TorchSettings.from_config(params["models"]["torch"]), int(params["sampling"]["patch_size"])


def min_valid_from_params() -> float:
    """The samples' (and so the maps') ``sampling.patch_min_valid``."""
    return float(yaml.safe_load((REPO / "params.yaml").read_text())["sampling"]["patch_min_valid"])


def map_raster(tif: Path, run: Path, out: Path, window: int) -> float:
    """Map the whole raster densely; seconds taken."""
    raster = FactorRaster.open(str(tif))
    ensemble = Ensemble([run], [])
    patch = json.loads((run / "model.json").read_text())["patch_size"]
    forcing = DayForcing(make_series(raster.grid), raster.grid, DAY, WINDOW_DAYS)
    start = time.perf_counter()
    map_tile(
        raster,
        ensemble,
        forcing,
        patch // 2,
        out,
        window_size=window,
        progress=False,
        min_valid=min_valid_from_params(),
    )
    return time.perf_counter() - start


def child(args: argparse.Namespace) -> None:
    """Map in this (fresh) process and print its peak resident memory."""
    torch.set_num_threads(args.threads)
    seconds = map_raster(Path(args.tif), Path(args.run), Path(args.out), args.window)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def peak_memory(tif: Path, run: Path, out: Path, threads: int, window: int) -> dict:
    cmd = [sys.executable, __file__, "--child", "--tif", str(tif), "--run", str(run), "--out", str(out)]
    cmd += ["--threads", str(threads), "--window", str(window)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--side", type=int, default=1024, help="raster side (pixels) of the speed test")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--window", type=int, default=512)
    parser.add_argument("--patch-pixels", type=int, default=20_000, help="pixels evaluated patch by patch")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tif", help=argparse.SUPPRESS)
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    torch.set_num_threads(args.threads)
    settings, patch = settings_from_params()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        run = make_torch_run(tmp / "run", "cnn_lstm", settings, patch)
        tif = tmp / "factors.tif"
        grid = write_factor_stack(tif, args.side, args.side, progress=False)
        dense_s = map_raster(tif, run, tmp / "dense.tif", args.window)
        with rasterio.open(tmp / "dense.tif") as src:
            dense = src.read(1)
        mapped = np.isfinite(dense)
        rng = np.random.default_rng(0)
        rows, cols = np.nonzero(mapped)
        pick = rng.choice(rows.size, min(args.patch_pixels, rows.size), replace=False)
        rows, cols = rows[pick], cols[pick]
        with rasterio.open(tif) as src:
            stack = FactorStack(list(ALL_FACTORS), src.read().astype("float32"), grid, LANDUSE)
        ensemble = Ensemble([run], [])
        forcing = DayForcing(make_series(grid), grid, DAY, WINDOW_DAYS)
        start = time.perf_counter()
        patches = extract_patches(stack, rows, cols, patch // 2)
        sequences, _ = forcing.sequences(forcing.keys(rows, cols))
        patchwise = ensemble.predict(SampleInputs(patches, sequences, np.zeros((len(rows), 0), "float32")))
        patch_s = time.perf_counter() - start
        dense_rate, patch_rate = mapped.sum() / dense_s, len(rows) / patch_s
        print(
            f"raster {args.side} x {args.side} px, CNN-LSTM {settings.conv_channels}, patch {patch}, "
            f"{args.threads} threads"
        )
        print(
            f"dense          {dense_rate:12,.0f} px/s  ({mapped.sum():,} px in {dense_s:.1f} s, "
            "incl. reading and writing)"
        )
        print(
            f"patch by patch {patch_rate:12,.0f} px/s  ({len(rows):,} px in {patch_s:.1f} s, "
            "incl. cutting patches)"
        )
        print(f"ratio          {dense_rate / patch_rate:12.0f} x")
        print(f"max |dense - patch by patch| = {np.abs(dense[rows, cols] - patchwise).max():.2e}")

        small, large = args.side // 2, args.side
        write_factor_stack(tmp / "small.tif", small, small, progress=False)
        write_factor_stack(tmp / "large.tif", large, large, progress=False)
        a = peak_memory(tmp / "small.tif", run, tmp / "m1.tif", args.threads, args.window)
        b = peak_memory(tmp / "large.tif", run, tmp / "m2.tif", args.threads, args.window)
        print(
            f"peak memory    {small} x {small} px: {a['peak_mb']:.0f} MB; "
            f"{large} x {large} px (4x the area): "
            f"{b['peak_mb']:.0f} MB; ratio {b['peak_mb'] / a['peak_mb']:.2f}"
        )


if __name__ == "__main__":
    main()
