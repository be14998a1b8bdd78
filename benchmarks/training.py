"""Training throughput of the torch models on this machine, and the cost of the replication grid.

Prints, measured in this run: training samples per second (forward, backward, Adam step) and
inference samples per second for each torch model at the default architecture and input sizes,
their ratio to the CNN-LSTM, and (if `make replicate` has run) the total time Snakemake measured
for the training jobs of the default study, by model.

    .venv/bin/python benchmarks/training.py [--threads N] [--batches N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
import torch
import yaml

from lsm.learn.models import TorchSettings
from lsm.learn.networks import LandslideNet
from lsm.names import TORCH_MODELS

REPO = Path(__file__).resolve().parents[1]


def throughput(
    kind: str, settings: TorchSettings, channels: int, patch: int, days: int, batches: int
) -> tuple:
    torch.manual_seed(0)
    model = LandslideNet(kind, channels, 4, settings)
    optimiser = torch.optim.Adam(model.parameters(), lr=settings.learning_rate)
    b = settings.batch_size
    patches, sequences = torch.randn(b, channels, patch, patch), torch.randn(b, days, 4)
    target = (torch.rand(b) > 0.5).float()
    loss_fn = torch.nn.BCEWithLogitsLoss()
    for _ in range(3):  # warm-up
        optimiser.zero_grad()
        loss_fn(model(patches, sequences), target).backward()
        optimiser.step()
    start = time.perf_counter()
    for _ in range(batches):
        optimiser.zero_grad()
        loss_fn(model(patches, sequences), target).backward()
        optimiser.step()
    train = batches * b / (time.perf_counter() - start)
    model.eval()
    with torch.no_grad():
        start = time.perf_counter()
        for _ in range(batches):
            model(patches, sequences)
        infer = batches * b / (time.perf_counter() - start)
    return train, infer


def grid_cost(study: str) -> pd.DataFrame | None:
    folder = REPO / "results" / study / "benchmarks" / "train"
    files = sorted(folder.glob("*.tsv"))
    if not files:
        return None
    rows = []
    for path in files:
        scheme, rest = path.stem.split("_", 1)  # <scheme>_<model>_seed<k>; models may contain "_"
        model = rest.rsplit("_", 1)[0]
        rows.append(
            {"scheme": scheme, "model": model, "seconds": float(pd.read_csv(path, sep="\t")["s"].iloc[0])}
        )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batches", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    settings = TorchSettings.from_config(params["models"]["torch"])
    patch, days = params["sampling"]["patch_size"], params["sampling"]["window_days"]
    channels = 18  # the default study's model channels (12 factors, land use one-hot)
    print(
        f"torch {torch.__version__}, {args.threads} thread(s), batch {settings.batch_size}, "
        f"patch {patch}x{patch}x{channels}, {days} days"
    )
    results = {kind: throughput(kind, settings, channels, patch, days, args.batches) for kind in TORCH_MODELS}
    base_train = results["cnn_lstm"][0]
    print(f"{'model':10s} {'train/s':>10s} {'infer/s':>10s} {'train vs cnn_lstm':>18s}")
    for kind, (train, infer) in results.items():
        print(f"{kind:10s} {train:10.0f} {infer:10.0f} {train / base_train:17.2f}x")
    cost = grid_cost(params["study"])
    if cost is None:
        print("no training benchmarks yet: run `make replicate` for the cost of the run grid")
        return
    print(f"\ntraining jobs of results/{params['study']} (Snakemake benchmark, wall seconds per job):")
    table = cost.groupby("model")["seconds"].agg(["count", "sum", "mean"]).sort_values("sum", ascending=False)
    print(table.round(1).to_string())
    print(f"total {cost['seconds'].sum():.0f} s of job time over {len(cost)} jobs")


if __name__ == "__main__":
    main()
