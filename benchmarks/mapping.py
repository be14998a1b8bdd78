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

With ``--runs RESULTS`` (a finished run's results folder, e.g. ``results/kerman_synthetic``) it
prints instead, for every model, the map tile job of the workflow (lsm.maps.jobs.tile_job: the
map scheme's trained seeds averaged, the wettest reference day, one tile, the threads the rule gives
that model): seconds, CPU seconds and the ratio to the CNN-LSTM's, measured one after the other in
this run; with ``--compare MAPS`` (a run's ``maps/wettest`` folder, e.g. one made by another commit
with one tile per map) each map's pixels are compared bit for bit with that run's probability COG.

    .venv/bin/python benchmarks/mapping.py [--side 1024] [--threads 2] [--patch-pixels 20000]
    .venv/bin/python benchmarks/mapping.py --runs results/kerman_synthetic [--keep DIR] [--compare DIR]
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
from lsm.maps.jobs import tile_job
from lsm.maps.predictors import Ensemble, SampleInputs
from lsm.maps.stream import map_tile
from lsm.maps.windows import FactorRaster
from lsm.names import ALL_FACTORS, ALL_MODELS, HYBRID, MAP_TILE_THREADS, WETTEST

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


def model_tiles(results: Path, keep: Path, compare: Path | None, models: list[str]) -> None:
    """Every model's map tile job on a finished run's seeds, timed one after the other."""
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    mapping = {
        "tiles": 1,
        "window": params["mapping"]["window"],
        "window_days": params["sampling"]["window_days"],
        "device": params["models"]["device"],
    }
    study_dir = results.resolve().parents[1] / "data" / "raw" / results.name  # beside results/
    scheme = params["mapping"]["scheme"]
    scheme_runs = results / "runs" / scheme
    keep.mkdir(parents=True, exist_ok=True)
    print(f"{results}: one map tile per model at the wettest day, {scheme} runs, as the rule runs it")
    seconds: dict[str, float] = {}
    for model in models:
        runs = sorted(str(d) for d in (scheme_runs / model).glob("seed*") if d.is_dir())
        if not runs:
            print(f"  {model:9s} no trained runs in {scheme_runs / model}")
            continue
        out = keep / f"{WETTEST}_{model}_tile0.tif"
        wall, cpu = time.perf_counter(), time.process_time()
        tile_job(
            str(results / "factors" / "factors.tif"),
            model,
            runs,
            str(results / "samples" / "summary.json"),
            str(study_dir),
            WETTEST,
            mapping,
            str(out),
            0,
            threads=MAP_TILE_THREADS,
            calibrators_csv=str(results / "metrics" / "calibration" / scheme / "calibrators.csv"),
        )
        seconds[model] = time.perf_counter() - wall
        cpu_s = time.process_time() - cpu
        ratio = seconds[model] / seconds[HYBRID] if HYBRID in seconds else float("nan")
        same = ""
        before = None if compare is None else compare / f"{model}_probability.tif"
        if before is not None and before.is_file():
            same = (
                "  pixels: " + ("identical" if rasters_equal(out, before) else "DIFFERENT") + f" to {before}"
            )
        print(
            f"  {model:9s} {seconds[model]:7.1f} s  {cpu_s:7.1f} CPU-s  {MAP_TILE_THREADS} thread(s)  "
            f"x{ratio:.2f} the CNN-LSTM's{same}",
            flush=True,
        )


def rasters_equal(a: Path, b: Path) -> bool:
    """Whether two single-band rasters hold the same bytes (NaN where the other has NaN)."""
    with rasterio.open(a) as first, rasterio.open(b) as second:
        return bool(np.array_equal(first.read(1), second.read(1), equal_nan=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--side", type=int, default=1024, help="raster side (pixels) of the speed test")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--window", type=int, default=512)
    parser.add_argument("--patch-pixels", type=int, default=20_000, help="pixels evaluated patch by patch")
    parser.add_argument(
        "--runs", type=Path, help="a finished run's results folder: time every model's map tile"
    )
    parser.add_argument(
        "--keep", type=Path, help="with --runs: write the tiles here (default: a temporary folder)"
    )
    parser.add_argument(
        "--compare", type=Path, help="with --runs: a run's maps/wettest folder to compare with"
    )
    parser.add_argument(
        "--models",
        default=",".join(ALL_MODELS),
        help="with --runs: the models to map, comma-separated (ratios need the CNN-LSTM first)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tif", help=argparse.SUPPRESS)
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    if args.runs is not None:
        if not (args.runs / "factors" / "factors.tif").is_file():
            sys.exit(
                f"{args.runs}: not a finished run's results folder (no factors/factors.tif). "
                "Fix: run the study first"
            )
        with tempfile.TemporaryDirectory() as tmp:
            return model_tiles(args.runs, args.keep or Path(tmp), args.compare, args.models.split(","))
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
