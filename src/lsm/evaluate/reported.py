"""The paper's own numbers, read from ``paper/reported.yaml`` (the only place they are written)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lsm.data.io import read_yaml
from lsm.errors import InputError

SOURCES = ("stated", "read_off_figure", "cited")


def load_reported_metrics(path: str | Path) -> pd.DataFrame:
    """One row per (model, metric): ``model, label, metric, value, source, approximate``.

    Rows keep the paper's model order. Raises :class:`InputError` if the file breaks its format.
    """
    data = read_yaml(path)
    if not isinstance(data, dict) or "models" not in data or "metrics" not in data:
        raise InputError(
            path, "needs top-level 'models' and 'metrics'", "restore the layout of paper/reported.yaml"
        )
    metrics = list(data["metrics"])
    rows = []
    for model, entry in data["models"].items():
        for metric in metrics:
            cell = entry.get(metric)
            if not isinstance(cell, dict) or not isinstance(cell.get("value"), int | float):
                raise InputError(
                    path, f"model '{model}' has no numeric value for '{metric}'", "add value: <number>"
                )
            if cell.get("source") not in SOURCES:
                raise InputError(
                    path,
                    f"model '{model}', metric '{metric}': source must be one of {SOURCES}",
                    "set source:",
                )
            rows.append(
                {
                    "model": model,
                    "label": entry.get("label", model),
                    "metric": metric,
                    "value": float(cell["value"]),
                    "source": cell["source"],
                    "approximate": bool(cell.get("approximate", False)),
                }
            )
    return pd.DataFrame(rows)


def load_class_shares(path: str | Path) -> dict[str, float]:
    """The paper's susceptibility class shares (per cent of the area), by class name."""
    data = read_yaml(path)
    block = data.get("class_shares_percent") if isinstance(data, dict) else None
    if not isinstance(block, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("value"), int | float) for v in block.values()
    ):
        raise InputError(
            path, "needs class_shares_percent: {<class>: {value: <per cent>}}", "restore that block"
        )
    return {name: float(entry["value"]) for name, entry in block.items()}
