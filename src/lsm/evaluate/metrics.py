"""The table of runs: every run's test metrics (computed by the run itself, :mod:`lsm.metrics`) in one
frame, one row per model, scheme and seed."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from lsm.names import METRICS


def runs_table(metrics_files) -> pd.DataFrame:
    """One row per run (model, scheme, seed) with its test metrics, from the runs' metrics.json
    (no rows, but the columns, for no runs)."""
    columns = ["model", "scheme", "seed", "n", "positives", "train", *METRICS]
    columns += ["cm_tn", "cm_fp", "cm_fn", "cm_tp", "best_epoch"]
    rows = []
    for path in metrics_files:
        m = json.loads(Path(path).read_text())
        row = {k: m[k] for k in ("model", "scheme", "seed", "n", "positives", "train")}
        row.update({k: m[k] for k in METRICS})
        row.update({f"cm_{k}": v for k, v in m["confusion"].items()})
        row["best_epoch"] = m.get("best_epoch")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["scheme", "model", "seed"]).reset_index(drop=True)
