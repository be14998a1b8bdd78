"""Guarantees on the tiny study: a second run gives identical numbers, and a run killed while it
trains resumes to the same results with no truncated file left behind.

The session's tiny run is the killed one (tests/conftest.py, ``tiny_run``: SIGKILL while it trains,
then ``--unlock`` and ``--rerun-incomplete``). The second run starts from a clean copy and runs up to
the evaluation (tuning, both grids, the CNN-LSTM's map, every metric; the figures and the other maps
add time, not kinds of numbers). It is the session's ``second_run``: where a local SLURM cluster can
start (CI), some of its jobs of every kind run on that cluster and the SLURM test checks them, so
that one clean second run serves both tests; elsewhere a local run. Identical numbers
therefore show both that runs are repeatable and that resuming a killed run changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from tests.helpers import digests, numeric_outputs, skip_or_fail

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def second_results(tiny_results: Path, second_run: Path) -> Path:
    """The results of the session's second clean run (see the module's docstring)."""
    return second_run / "repo" / "results" / tiny_results.name


def test_two_runs_give_identical_numbers(tiny_results: Path, second_results: Path) -> None:
    first, second = numeric_outputs(tiny_results), numeric_outputs(second_results)
    assert len(second) > 40
    assert second.keys() <= first.keys()
    for kind in ("runs/", "runs_untuned/", "tuning/", "metrics/", "maps/", "samples/"):
        assert any(name.startswith(kind) for name in second), f"the second run made no {kind} file"
    different = [name for name in second if first[name] != second[name]]
    assert not different, different


def test_jobs_run_on_slurm_made_the_numbers_of_the_local_run(tiny_results: Path, second_run: Path) -> None:
    """The numeric files the SLURM jobs of the second run made (their digests, recorded after each
    SLURM step, as the map tiles are deleted once mosaicked; tests/workflow/test_slurm.py) equal the
    tiny run's, byte for byte."""
    from tests.local_slurm import missing

    reason = missing()
    if reason:
        skip_or_fail(reason)
    made = json.loads((second_run / "slurm.json").read_text())["outputs"]
    local = digests(tiny_results)
    assert len(made) > 20
    assert made.keys() <= local.keys(), sorted(made.keys() - local.keys())
    assert [name for name in made if local[name] != made[name]] == []


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


def test_killed_run_resumes_with_no_partial_file(tiny_results: Path) -> None:
    # Snakemake's logs of the tiny run, oldest first: the first run started jobs and stopped
    # part-way (killed); a later one (the resumed run) finished.
    first, *later = sorted((tiny_results.parents[1] / ".snakemake" / "log").glob("*.snakemake.log"))
    assert "Job stats" in first.read_text() and "(100%) done" not in first.read_text()
    assert any("(100%) done" in log.read_text() for log in later)
    leftovers = [p for p in tiny_results.rglob("*") if ".part" in p.name]
    assert not leftovers, leftovers
    for path in tiny_results.rglob("*"):
        if path.is_file():
            readable(path)
