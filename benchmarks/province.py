"""Mapping a province: a synthetic factor stack of about 180,000 km2 at 30 m (some 200 million
pixels, the size of Kerman Province), generated tile by tile, mapped by each model in one process.

Prints, measured in this run: the time to generate the stack, and for each model the wall time of
the dense map (lsm.maps.stream.map_tile over the whole stack, windows streamed from and to disk)
and its pixels per second. Models have params.yaml's architecture and random weights (speed does
not depend on training). Needs about 10 GB of free disk in --workdir.

    .venv/bin/python benchmarks/province.py [--km2 180000] [--models cnn_lstm,cnn] [--threads 2]
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mapping import min_valid_from_params, settings_from_params
from synthetic_stack import make_series, make_torch_run, write_factor_stack

from lsm.data.forcing import DayForcing
from lsm.maps.predictors import Ensemble
from lsm.maps.stream import map_tile
from lsm.maps.windows import FactorRaster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--km2", type=float, default=180_000.0, help="area of the square study (km2)")
    parser.add_argument("--models", default="cnn_lstm", help="comma-separated torch models to map")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--window", type=int, default=1024)
    parser.add_argument("--workdir", default=None, help="folder for the stack and maps (default: a temp dir)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    side = int(math.sqrt(args.km2 * 1e6) / 30.0)
    settings, patch = settings_from_params()
    work = Path(tempfile.mkdtemp(prefix="province.", dir=args.workdir))
    try:
        start = time.perf_counter()
        grid = write_factor_stack(work / "factors.tif", side, side)
        made = time.perf_counter() - start
        print(
            f"stack: {side:,} x {side:,} px ({side * side / 1e6:,.0f} Mpx, {args.km2:,.0f} km2 at 30 m), "
            f"12 factors, generated and written in {made / 60:.1f} min"
        )
        raster = FactorRaster.open(str(work / "factors.tif"))
        forcing = DayForcing(make_series(grid), grid, 60, 30)
        for model in args.models.split(","):
            ensemble = Ensemble([make_torch_run(work / model, model, settings, patch)], [])
            start = time.perf_counter()
            map_tile(
                raster,
                ensemble,
                forcing,
                patch // 2,
                work / f"{model}.tif",
                window_size=args.window,
                min_valid=min_valid_from_params(),
            )
            seconds = time.perf_counter() - start
            print(
                f"{model:9s} {seconds / 60:6.1f} min  {side * side / seconds:12,.0f} px/s  "
                f"({args.threads} threads, window {args.window})"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
