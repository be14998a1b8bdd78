"""Guarantees on the tiny study: a second run gives identical numbers, and a run killed while it
trains resumes to the same results with no truncated file left behind (one second run shows both)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from tests.conftest import copy_repo, evaluation_targets, numeric_outputs, run, tool_env

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def second_run(tiny_results: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second run of the tiny study from a clean copy, killed outright (SIGKILL) while it trains and
    resumed the documented way (--unlock, then --rerun-incomplete). Every job runs to completion
    exactly once in it, so it is also the second clean run the determinism test compares. It runs up
    to the evaluation (tuning, both grids, the CNN-LSTM's map, every metric): the figures and the
    other maps add time, not kinds of numbers (their maps run the same code on other models)."""
    repo = copy_repo(tmp_path_factory.mktemp("killed"))
    results = repo / "results" / tiny_results.name
    targets = evaluation_targets(tiny_results.name)
    proc = subprocess.Popen(
        ["snakemake", "--cores", "2", *targets],
        cwd=repo,
        env=tool_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 600
    try:
        # Wait until training is under way and a few runs are done, then kill everything at once.
        while time.time() < deadline and len(list(results.glob("runs*/*/*/seed*/metrics.json"))) < 3:
            assert proc.poll() is None, "the workflow ended before it could be killed"
            time.sleep(0.5)
        assert len(list(results.glob("runs*/*/*/seed*/metrics.json"))) >= 3
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert not (results / "metrics" / "summary.json").exists(), "killed too late to test resuming"
    run(["snakemake", "--unlock"], repo)
    run(["snakemake", "--cores", "2", "--rerun-incomplete", *targets], repo)
    return results


def test_two_runs_give_identical_numbers(tiny_results: Path, second_run: Path) -> None:
    first, second = numeric_outputs(tiny_results), numeric_outputs(second_run)
    assert len(second) > 40
    assert second.keys() <= first.keys()
    for kind in ("runs/", "runs_untuned/", "tuning/", "metrics/", "maps/", "samples/"):
        assert any(name.startswith(kind) for name in second), f"the second run made no {kind} file"
    different = [name for name in second if first[name] != second[name]]
    assert not different, different


def readable(path: Path) -> None:
    """Open a file the way its reader would; raises on a truncated file."""
    if path.suffix == ".csv":
        pd.read_csv(path)
    elif path.suffix == ".json":
        json.loads(path.read_text())
    elif path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as data:
            [data[k] for k in data.files]
    elif path.suffix == ".pt":
        torch.load(path, weights_only=True)


def test_killed_run_resumes_with_no_partial_file(second_run: Path) -> None:
    leftovers = [p for p in second_run.rglob("*") if ".part" in p.name]
    assert not leftovers, leftovers
    for path in second_run.rglob("*"):
        if path.is_file():
            readable(path)
