"""The cost of tuning, by model, on this machine.

Tunes every model of the run plan for a few trials on one scheme of a prepared study (the samples
and splits of `make replicate`), side by side in this one run, and prints seconds per trial and
the ratio of each model's cost to the cheapest. If the replication has run, it also prints the
wall time Snakemake measured for every tuning job, by model (`results/<study>/benchmarks/tuning`).

    .venv/bin/python benchmarks/tuning.py [--trials N] [--scheme random|spatial|temporal]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd
import torch
import yaml

from lsm.data.samples import load_samples
from lsm.learn.tuning import TuningSettings, tune
from lsm.names import SKLEARN_MODELS, TORCH_MODELS

REPO = Path(__file__).resolve().parents[1]


def measured_trials(results: Path, params: dict, scheme: str, trials: int) -> pd.DataFrame:
    """Seconds per trial of every model, tuned one after the other on the same samples."""
    samples = load_samples(
        results / "samples" / "samples.gpkg",
        results / "samples" / "tensors.npz",
        results / "samples" / "summary.json",
    )
    splits = pd.read_csv(results / "samples" / "splits.csv")
    patch_m = float(json.loads((results / "samples" / "splits.json").read_text())["patch_overlap_m"])
    settings = TuningSettings.from_config({**params["tuning"], "trials": trials})
    rows = []
    for model in [*SKLEARN_MODELS, *TORCH_MODELS]:
        start = time.perf_counter()
        _, history, _ = tune(
            model, samples, splits[scheme].to_numpy(), scheme, params["models"], settings, patch_m
        )
        seconds = time.perf_counter() - start
        completed = int((history["state"] == "COMPLETE").sum())
        rows.append(
            {"model": model, "trials": len(history), "completed": completed, "s/trial": seconds / trials}
        )
    table = pd.DataFrame(rows).set_index("model")
    table["vs cheapest"] = table["s/trial"] / table["s/trial"].min()
    return table


def replication_cost(results: Path) -> pd.DataFrame | None:
    """Wall seconds of the tuning jobs Snakemake measured in the last replication, by model."""
    files = sorted((results / "benchmarks" / "tuning").glob("*.tsv"))
    if not files:
        return None
    rows = []
    for path in files:
        scheme, model = path.stem.split("_", 1)  # <scheme>_<model>; models may contain "_"
        rows.append(
            {"model": model, "scheme": scheme, "seconds": float(pd.read_csv(path, sep="\t")["s"].iloc[0])}
        )
    return (
        pd.DataFrame(rows)
        .groupby("model")["seconds"]
        .agg(["count", "sum"])
        .sort_values("sum", ascending=False)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--scheme", default="random", choices=["random", "spatial", "temporal"])
    args = parser.parse_args()
    torch.set_num_threads(1)  # as the tuning jobs run
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    results = REPO / "results" / params["study"]
    if not (results / "samples" / "splits.csv").exists():
        raise SystemExit(
            f"{results}/samples: no samples yet. Fix: run `make replicate` (or its splits rule) first"
        )
    print(
        f"{args.trials} trials per model, {args.scheme} split, 1 thread, "
        f"tuning.epochs {params['tuning']['epochs']}"
    )
    print(measured_trials(results, params, args.scheme, args.trials).round(2).to_string())
    cost = replication_cost(results)
    if cost is not None:
        print(f"\ntuning jobs of results/{params['study']} (Snakemake benchmark, wall seconds, all schemes):")
        print(cost.round(1).to_string())
        print(f"total {cost['sum'].sum():.0f} s of job time")


if __name__ == "__main__":
    main()
