"""The tiny study on a real one-node SLURM cluster (tests/local_slurm.py) through the workflow's SLURM
profile: every job is an sbatch job, job states come from squeue (no accounting database), and the
numbers equal those of a local run (that comparison is in test_guarantees.py, which runs last: this
file needs only the second run, so that it can start while another worker makes the tiny run).

The run is the session's second run (``second_run``, tests/conftest.py), which the determinism test
also compares: every kind of job it has goes through SLURM at least once (synthesis, factors,
samples, splits, tuning, torch and scikit-learn training, map tiles and mosaic, the evaluation of
both grids, the tables of runs, the map contrast, two figures through papermill), while the other 62
jobs of the tuning and training grid run locally in between (sbatch, a job step and squeue polling
cost every job seconds; `benchmarks/slurm.py` runs the whole tiny study through SLURM). Skipped where
SLURM is not installed or not root; CI installs it (.ci/run) and sets LSM_REQUIRE_TOOLS, so there it
never skips."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.helpers import skip_or_fail, snakemake_jobs

pytestmark = pytest.mark.integration

# Every rule of the second run that is not a local rule: each must have gone through sbatch.
REMOTE_RULES = {
    "synthesize",
    "factors",
    "samples",
    "splits",
    "tune",
    "train_torch",
    "train_sklearn",
    "calibrate",  # the map tiles read the mapping scheme's calibrators
    "map_tile",
    "map_gather",
    "map_contrast",
    "runs_table_untuned",
    "evaluate",
    "evaluate_untuned",
    "fig04_samples",
    "fig07_roc_curves",
}


def local_rules(snakefile: Path) -> set[str]:
    """The rules of the Snakefile's `localrules:` list (they run beside Snakemake, not in SLURM)."""
    block = re.search(r"^localrules:\n((?:[ \t]+\w+,?\n)+)", snakefile.read_text(), flags=re.M)
    assert block, f"{snakefile}: no localrules list"
    return {name.strip(" ,") for name in block.group(1).split()}


def test_every_kind_of_job_went_through_sbatch_and_completed(second_run: Path) -> None:
    from tests.local_slurm import missing

    reason = missing()
    if reason:
        skip_or_fail(reason)
    repo = second_run / "repo"
    record = json.loads((second_run / "slurm.json").read_text())
    planned = snakemake_jobs(record["planned"])
    beside_snakemake = local_rules(repo / "Snakefile")
    # Every job but those of the local rules went through sbatch and completed there, and every
    # kind of job of the run is among them.
    remote = {rule: count for rule, count in planned.items() if rule not in beside_snakemake}
    submitted: dict[str, int] = {}
    for job in record["jobs"]:
        rule = job["comment"].removeprefix("rule_").split("_wildcards_")[0]
        submitted[rule] = submitted.get(rule, 0) + 1
    assert submitted == remote, (submitted, remote)
    assert set(submitted) == REMOTE_RULES, set(submitted) ^ REMOTE_RULES
    assert set(planned) & beside_snakemake, "no local rule was planned"
    assert {job["state"] for job in record["jobs"]} == {"COMPLETED"}, record["jobs"]
    assert "Nothing to be done" not in record["output"]
    for kind in ("samples/", "factors/", "tuning/", "runs/", "runs_untuned/", "maps/", "metrics/"):
        assert any(name.startswith(kind) for name in record["outputs"]), f"no {kind} file was made on SLURM"
    results = repo / "results" / yaml.safe_load((repo / "params.yaml").read_text())["study"]
    for figure in ("fig04_samples", "fig07_roc_curves"):
        assert (results / "figures" / f"{figure}.png").stat().st_size > 0
    # Each job's SLURM log is kept (--slurm-keep-successful-logs): one per submitted job.
    logs = list((repo / ".snakemake" / "slurm_logs").rglob("*.log"))
    assert len(logs) == len(record["jobs"])
