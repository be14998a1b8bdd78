"""Guarantees on the tiny study: two clean runs give identical numbers, and a run killed while it
trains resumes to the same results with no truncated file left behind."""

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

from tests.conftest import copy_repo, numeric_outputs, run, tool_env

pytestmark = pytest.mark.integration


def test_two_clean_runs_give_identical_numbers(tiny_run: Path, tiny_results: Path, tmp_path: Path) -> None:
    other = copy_repo(tmp_path / "again")
    run(["snakemake", "--cores", "2"], other)
    first, second = numeric_outputs(tiny_results), numeric_outputs(other / "results" / tiny_results.name)
    assert len(first) > 40
    assert first.keys() == second.keys()
    different = [name for name in first if first[name] != second[name]]
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


def test_killed_run_resumes_to_the_same_results(tiny_results: Path, tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "killed")
    results = repo / "results" / tiny_results.name
    proc = subprocess.Popen(
        ["snakemake", "--cores", "2"],
        cwd=repo,
        env=tool_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 400
    try:
        # Wait until training is under way and a few runs are done, then kill everything at once.
        while time.time() < deadline and len(list(results.glob("runs/*/*/seed*/metrics.json"))) < 3:
            assert proc.poll() is None, "the workflow ended before it could be killed"
            time.sleep(0.5)
        assert len(list(results.glob("runs/*/*/seed*/metrics.json"))) >= 3
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert not (results / "metrics" / "summary.json").exists(), "killed too late to test resuming"
    # The documented way back: unlock, then rerun what was incomplete.
    run(["snakemake", "--unlock"], repo)
    run(["snakemake", "--cores", "2", "--rerun-incomplete"], repo)
    assert numeric_outputs(results) == numeric_outputs(tiny_results)
    leftovers = [p for p in results.rglob("*") if ".part" in p.name]
    assert not leftovers, leftovers
    for path in results.rglob("*"):
        if path.is_file():
            readable(path)
