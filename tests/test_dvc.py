"""DVC drives Snakemake: `dvc repro` runs the tiny study, a param change reruns only what depends on
it (checked on Snakemake's job list), and a local remote round-trips the outputs."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import copy_repo, git_init, run

pytestmark = pytest.mark.integration


def snakemake_jobs(output: str) -> dict[str, int]:
    """Jobs Snakemake ran, from the 'Job stats' table it prints before each run: rule -> count.

    Snakemake prints the table again at the end of a run; each run's first table is counted.
    """
    jobs: dict[str, int] = {}
    for run_log in re.split(r"(?=Building DAG of jobs)", output):
        match = re.search(r"Job stats:\n.*?\n-+\s+-+\n(.*?)\ntotal\s+\d+", run_log, flags=re.S)
        for line in match.group(1).splitlines() if match else []:
            name, count = line.split()
            jobs[name] = jobs.get(name, 0) + int(count)
    return jobs


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_job_stats_parser() -> None:
    text = "\n".join(
        ["Job stats:", "job    count", "-----  -----", "all        1", "fig00      2", "total 3"]
    )
    assert snakemake_jobs(text) == {"all": 1, "fig00": 2}
    assert snakemake_jobs("Nothing to be done.") == {}


def test_dvc_repro_param_change_and_remote_round_trip(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    git_init(repo)
    study = yaml.safe_load((repo / "params.yaml").read_text())["study"]
    results = repo / "results" / study

    first = run(["dvc", "repro"], repo)
    first_jobs = snakemake_jobs(first.stdout + first.stderr)
    assert first_jobs.get("synthesize") == 1, first_jobs
    assert first_jobs.get("fig00_paper_reported") == 1, first_jobs
    assert (results / "figures" / "fig00_paper_reported.png").is_file()
    assert "up to date" in run(["dvc", "status"], repo).stdout
    metrics = run(["dvc", "metrics", "show", "--json"], repo).stdout
    assert '"inventory_events"' in metrics and '"cnn_lstm"' in metrics
    run(["dvc", "plots", "show", "--out", str(tmp_path / "plots")], repo)
    assert (tmp_path / "plots" / "index.html").stat().st_size > 1000

    # Nothing changed: DVC does not even start Snakemake.
    again = run(["dvc", "repro"], repo)
    assert snakemake_jobs(again.stdout + again.stderr) == {}

    # The figures' dpi changes: every figure job reruns (they all take it) and nothing else does.
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params["figures"]["dpi"] = 72
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    changed = run(["dvc", "repro"], repo)
    rerun = snakemake_jobs(changed.stdout + changed.stderr)
    assert "fig00_paper_reported" in rerun, rerun
    figures = {name for name in first_jobs if name.startswith("fig")}
    assert set(rerun) == figures | {"all"}, rerun
    assert {"synthesize", "factors", "samples", "train_torch", "evaluate", "tab02_claims"} <= set(first_jobs)
    executed = (results / "notebooks" / "fig00_paper_reported.parameters.yaml").read_text()
    assert yaml.safe_load(executed)["dpi"] == 72
    assert "up to date" in run(["dvc", "status"], repo).stdout

    # Push to a local-folder remote, lose the outputs and the cache, pull them back byte for byte.
    before = tree_digest(results)
    remote = tmp_path / "remote"
    run(["dvc", "remote", "add", "-d", "local", str(remote)], repo)
    run(["dvc", "push"], repo)
    shutil.rmtree(results)
    shutil.rmtree(repo / ".dvc" / "cache")
    run(["dvc", "pull"], repo)
    assert tree_digest(results) == before
    assert "up to date" in run(["dvc", "status"], repo).stdout
