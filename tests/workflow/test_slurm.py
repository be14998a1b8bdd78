"""The tiny study on a real one-node SLURM cluster (tests/local_slurm.py) through the workflow's SLURM
profile: every job is an sbatch job, job states come from squeue (no accounting database), and the
numbers equal those of a local run. It runs the study up to the evaluation (samples, tuning, both
grids, the CNN-LSTM's map, every metric) and one figure through papermill, not the other maps and
figures (sbatch and squeue polling cost seconds per job); the run is the session's `slurm_run`
(tests/conftest.py), which the determinism test also compares. Skipped where SLURM is not installed
or not root; CI installs it (.ci/run) and sets LSM_REQUIRE_TOOLS, so there it never skips."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import numeric_outputs, snakemake_jobs

pytestmark = pytest.mark.integration


def local_rules(snakefile: Path) -> set[str]:
    """The rules of the Snakefile's `localrules:` list (they run beside Snakemake, not in SLURM)."""
    block = re.search(r"^localrules:\n((?:[ \t]+\w+,?\n)+)", snakefile.read_text(), flags=re.M)
    assert block, f"{snakefile}: no localrules list"
    return {name.strip(" ,") for name in block.group(1).split()}


def test_tiny_study_on_slurm_equals_the_local_run(tiny_results: Path, slurm_run: Path) -> None:
    repo = slurm_run / "repo"
    record = json.loads((slurm_run / "slurm.json").read_text())
    results = repo / "results" / tiny_results.name
    planned = snakemake_jobs(record["planned"])
    beside_snakemake = local_rules(repo / "Snakefile")
    # Every job but those of the local rules went through sbatch and completed there.
    remote = {rule: count for rule, count in planned.items() if rule not in beside_snakemake}
    submitted: dict[str, int] = {}
    for job in record["jobs"]:
        rule = job["comment"].removeprefix("rule_").split("_wildcards_")[0]
        submitted[rule] = submitted.get(rule, 0) + 1
    assert submitted == remote, (submitted, remote)
    assert {job["state"] for job in record["jobs"]} == {"COMPLETED"}, record["jobs"]
    assert "Nothing to be done" not in record["output"]
    # The numbers are those of the local run, byte for byte.
    local, cluster = numeric_outputs(tiny_results), numeric_outputs(results)
    assert cluster.keys() <= local.keys() and len(cluster) > 40
    assert (results / "figures" / "fig07_roc_curves.png").stat().st_size > 0
    assert [name for name in cluster if local[name] != cluster[name]] == []
    # Each job's SLURM log is kept (--slurm-keep-successful-logs): one per submitted job.
    logs = list((repo / ".snakemake" / "slurm_logs").rglob("*.log"))
    assert len(logs) == len(record["jobs"])
