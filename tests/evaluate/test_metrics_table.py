"""The table of runs (lsm.evaluate.metrics): one row per run, read from the runs' own metrics.json."""

from __future__ import annotations

import json
from pathlib import Path

from lsm.evaluate.metrics import runs_table
from lsm.names import METRICS


def _metrics(path: Path, model: str, scheme: str, seed: int, auc: float) -> Path:
    record = {"model": model, "scheme": scheme, "seed": seed, "n": 90, "positives": 30, "train": 300}
    record |= dict.fromkeys(METRICS, 0.5) | {"auc": auc}
    record |= {"confusion": {"tn": 50, "fp": 10, "fn": 12, "tp": 18}, "best_epoch": 7}
    path.write_text(json.dumps(record))
    return path


def test_one_row_per_run_sorted_with_its_confusion(tmp_path: Path) -> None:
    files = [
        _metrics(tmp_path / "a.json", "rf", "spatial", 2, 0.71),
        _metrics(tmp_path / "b.json", "cnn_lstm", "random", 1, 0.82),
        _metrics(tmp_path / "c.json", "rf", "random", 1, 0.80),
    ]
    table = runs_table(files)
    assert list(zip(table["scheme"], table["model"], table["auc"], strict=True)) == [
        ("random", "cnn_lstm", 0.82),
        ("random", "rf", 0.80),
        ("spatial", "rf", 0.71),
    ]
    assert (table[["cm_tn", "cm_fp", "cm_fn", "cm_tp"]].sum(axis=1) == table["n"]).all()
    assert table["best_epoch"].tolist() == [7, 7, 7]


def test_no_runs_give_the_columns_and_no_row() -> None:
    table = runs_table([])
    assert table.empty and {"model", "scheme", "seed", *METRICS, "cm_tp"} <= set(table.columns)
