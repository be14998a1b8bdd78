"""The tiny study on a real one-node SLURM cluster (tests/local_slurm.py) through the workflow's SLURM
profile: every job is an sbatch job, job states come from squeue (no accounting database), and the
numbers equal those of a local run. It runs the study up to the evaluation (samples, tuning, both
grids, the CNN-LSTM's map, every metric) and one figure through papermill, not the other maps and
figures: 661 s against 915 s for the whole target in CI-like runs on 2 cores (sbatch and squeue
polling cost seconds per job). Skipped where SLURM is not installed or not root; CI installs it
(.ci/run) and sets LSM_REQUIRE_TOOLS, so there it never skips."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import copy_repo, evaluation_targets, numeric_outputs, run, skip_or_fail, snakemake_jobs
from tests.local_slurm import local_slurm, missing, submitted_jobs

pytestmark = pytest.mark.integration

# Options a site without an accounting database adds to the profile; the rest is the profile as
# shipped (the status check interval only shortened, for a test of small jobs).
SITE_OPTIONS = [
    "--slurm-no-account",
    "--slurm-status-command",
    "squeue",
    "--slurm-init-seconds-before-status-checks",
    "2",
    "--slurm-keep-successful-logs",
    "--latency-wait",
    "10",
]


def local_rules(snakefile: Path) -> set[str]:
    """The rules of the Snakefile's `localrules:` list (they run beside Snakemake, not in SLURM)."""
    block = re.search(r"^localrules:\n((?:[ \t]+\w+,?\n)+)", snakefile.read_text(), flags=re.M)
    assert block, f"{snakefile}: no localrules list"
    return {name.strip(" ,") for name in block.group(1).split()}


def slurm_command(*targets: str) -> list[str]:
    return ["snakemake", "--workflow-profile", "workflow/profiles/slurm", *SITE_OPTIONS, *targets]


def test_tiny_study_on_slurm_equals_the_local_run(tiny_results: Path, tmp_path: Path) -> None:
    reason = missing()
    if reason:
        skip_or_fail(reason)
    repo = copy_repo(tmp_path / "repo")
    results = repo / "results" / tiny_results.name
    targets = [
        *evaluation_targets(tiny_results.name),
        f"results/{tiny_results.name}/figures/fig07_roc_curves.png",
    ]
    dry = run(["snakemake", "-n", "--cores", "2", *targets], repo)
    planned = snakemake_jobs(dry.stdout + dry.stderr)
    beside_snakemake = local_rules(repo / "Snakefile")
    with local_slurm(tmp_path / "cluster") as env:
        done = run(slurm_command(*targets), repo, extra_env={"SLURM_CONF": env["SLURM_CONF"]})
        jobs = submitted_jobs(env)
    # Every job but those of the local rules went through sbatch and completed there.
    remote = {rule: count for rule, count in planned.items() if rule not in beside_snakemake}
    submitted: dict[str, int] = {}
    for job in jobs:
        rule = job["comment"].removeprefix("rule_").split("_wildcards_")[0]
        submitted[rule] = submitted.get(rule, 0) + 1
    assert submitted == remote, (submitted, remote)
    assert {job["state"] for job in jobs} == {"COMPLETED"}, jobs
    assert "Nothing to be done" not in done.stdout + done.stderr
    # The numbers are those of the local run, byte for byte.
    local, cluster = numeric_outputs(tiny_results), numeric_outputs(results)
    assert cluster.keys() <= local.keys() and len(cluster) > 40
    assert (results / "figures" / "fig07_roc_curves.png").stat().st_size > 0
    assert [name for name in cluster if local[name] != cluster[name]] == []
    # Each job's SLURM log is kept (--slurm-keep-successful-logs): one per submitted job.
    logs = list((repo / ".snakemake" / "slurm_logs").rglob("*.log"))
    assert len(logs) == len(jobs)
