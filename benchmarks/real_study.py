"""A real dated study at its own size: Hong Kong (910 x 685 cells of 70 m, 30 years of daily rain).

Reads the study folder in place (default ``../shared/real/hongkong_natural_terrain``) and prints,
measured in this run on this machine:

- the samples (lsm.data.prepare.samples_step) drawn with the real 30-year record and with a record
  ``--stretch`` times as long (the same days repeated before the first, the inventory unchanged):
  seconds and their ratio, which is 1 when the sampling does not grow with the length of the record;
- for every model, one seed's dense map of the whole territory at the wettest 30 days of the record
  (lsm.maps.stream.map_tile, one tile, as a map job runs it): seconds, mapped pixels per second and
  the ratio to the CNN-LSTM's.

The models have params.yaml's settings, trained on the study's random split for one epoch (torch:
the map's cost does not depend on the weights) or fully (scikit-learn: an SVM's cost grows with its
support vectors, so it must be fitted on the real samples).

    .venv/bin/python benchmarks/real_study.py [--study DIR] [--stretch 4] [--threads 1]
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import rasterio
import torch
import yaml

from lsm.config import load_config
from lsm.data.forcing import DayForcing
from lsm.data.io import read_yaml
from lsm.data.prepare import factors_step, samples_step, splits_step
from lsm.data.samples import load_samples
from lsm.learn.train import run_training
from lsm.maps.jobs import reference_day
from lsm.maps.predictors import Ensemble
from lsm.maps.stream import map_tile
from lsm.maps.windows import FactorRaster
from lsm.names import ALL_MODELS

REPO = Path(__file__).resolve().parents[1]
HONGKONG = REPO.parent / "shared" / "real" / "hongkong_natural_terrain"


def stretched_study(study: Path, folder: Path, stretch: int) -> Path:
    """``study`` with its gauge record ``stretch`` times as long: the record's days repeated, as
    whole records, before its first day (leap days make the calendar drift; rain is rain)."""
    folder.mkdir(parents=True)
    for name in ("dem.tif", "inventory.gpkg", "rain_gauges.gpkg"):
        (folder / name).symlink_to(study / name)
    rain = pd.read_csv(study / "rain_gauges.csv", parse_dates=["date"])
    days = rain["date"].drop_duplicates().sort_values()
    span = len(days)
    parts = [rain]
    for k in range(1, stretch):
        parts.append(rain.assign(date=rain["date"] - pd.Timedelta(days=k * span)))
    longer = pd.concat(parts[::-1], ignore_index=True)
    longer.to_csv(folder / "rain_gauges.csv", index=False, date_format="%Y-%m-%d")
    meta = read_yaml(study / "study.yaml")
    meta["period"] = {
        "start": longer["date"].min().date().isoformat(),
        "end": days.iloc[-1].date().isoformat(),
    }
    (folder / "study.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
    return folder


def timed_samples(study: Path, config: dict, factors: Path, out: Path) -> float:
    out.mkdir(parents=True)
    start = time.perf_counter()
    samples_step(
        study,
        config,
        factors,
        out / "samples.gpkg",
        out / "tensors.npz",
        out / "summary.json",
        out / "balance.csv",
        progress=False,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--study", type=Path, default=HONGKONG)
    parser.add_argument("--stretch", type=int, default=4, help="how many times longer the second record is")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (a map job uses 1)")
    parser.add_argument("--models", default=",".join(ALL_MODELS))
    args = parser.parse_args()
    if not (args.study / "dem.tif").is_file():
        sys.exit(f"{args.study}: not a study folder (no dem.tif). Fix: pass --study <folder>")
    torch.set_num_threads(args.threads)
    config = load_config(REPO / "params.yaml")
    config["grid"]["resolution_m"] = None  # the DEM's own cells
    config["splits"]["temporal_from"] = None
    work = Path(tempfile.mkdtemp(prefix="lsm-real-"))
    try:
        start = time.perf_counter()
        factors = work / "factors" / "factors.tif"
        factors_step(
            args.study, config, factors, work / "factors" / "stats.csv", work / "factors" / "corr.csv"
        )
        with rasterio.open(factors) as src:
            shape = (src.height, src.width)
        made = time.perf_counter() - start
        print(f"{args.study.name}: {shape[0]} x {shape[1]} cells, factors in {made:.1f} s")

        longer = stretched_study(args.study, work / "longer", args.stretch)
        real_s = timed_samples(args.study, config, factors, work / "samples")
        long_s = timed_samples(longer, copy.deepcopy(config), factors, work / "samples_longer")
        years = pd.read_csv(args.study / "rain_gauges.csv", usecols=["date"])["date"].nunique() / 365.25
        print(
            f"samples: {real_s:6.1f} s with {years:.0f} years of rain, {long_s:6.1f} s with "
            f"{args.stretch * years:.0f} years; ratio {long_s / real_s:.2f} (1 = independent of the record)"
        )
        for out in ("samples", "samples_longer"):
            rain = json.loads((work / out / "summary.json").read_text())["rain"]
            print(f"  {out}: rain from {rain['first_day']} to {rain['last_day']}")

        samples_dir = work / "samples"
        splits_step(
            config,
            samples_dir / "samples.gpkg",
            samples_dir / "summary.json",
            samples_dir / "splits.csv",
            samples_dir / "splits.json",
            ["random"],
        )
        samples = load_samples(
            samples_dir / "samples.gpkg", samples_dir / "tensors.npz", samples_dir / "summary.json"
        )
        splits = pd.read_csv(samples_dir / "splits.csv")
        models_config = copy.deepcopy(config["models"])
        models_config["torch"]["epochs"] = 1
        summary = samples.summary
        raster = FactorRaster.open(str(factors))
        series, day, iso = reference_day(args.study, "wettest", int(config["sampling"]["window_days"]), True)
        forcing = DayForcing(series, raster.grid, day, int(config["sampling"]["window_days"]))
        window_days = int(config["sampling"]["window_days"])
        print(f"maps at {iso} (the wettest {window_days} days), {args.threads} torch thread(s):")
        seconds: dict[str, float] = {}
        for model in args.models.split(","):
            run = work / "runs" / model
            run_training(samples, splits, "random", model, 1, models_config, run)
            ensemble = Ensemble([run], summary["tabular_columns"], device="cpu")
            out = work / "maps" / f"{model}.tif"
            out.parent.mkdir(exist_ok=True)
            start = time.perf_counter()
            map_tile(
                raster,
                ensemble,
                forcing,
                int(summary["patch_size"]) // 2,
                out,
                window_size=int(config["mapping"]["window"]),
                progress=False,
                min_valid=float(summary["patch_min_valid"]),
            )
            seconds[model] = time.perf_counter() - start
            with rasterio.open(out) as src:
                mapped = int((~pd.isna(src.read(1))).sum())
            ratio = seconds[model] / seconds["cnn_lstm"] if "cnn_lstm" in seconds else float("nan")
            print(
                f"  {model:9s} {seconds[model]:7.1f} s  {mapped / seconds[model]:10,.0f} px/s  "
                f"({mapped:,} px)  x{ratio:.2f} the CNN-LSTM's"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
