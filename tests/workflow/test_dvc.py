"""DVC drives Snakemake, on a study brought as the README says (`dvc add data/raw/<study>`): `dvc repro`
runs it, a param change reruns only what depends on it (checked on Snakemake's job list), every key
of params.yaml makes the stage stale, an experiment reruns what its key touches, a fresh clone pulls
the results from a remote with nothing left to rerun, and a replaced raw input file reruns exactly
the jobs that depend on it."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.helpers import RECORD_THE_CONFIGURATION, copy_repo, git_init, run, snakemake_jobs

STUDY = "brought"

pytestmark = pytest.mark.integration


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


def commit(repo: Path, message: str) -> None:
    run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A"], repo)
    run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", message], repo)


def bring_study(repo: Path, study_dir: Path) -> None:
    """The tiny synthetic study's files (not its truth) as a real study of the user's: copied into
    data/raw/<STUDY>, tracked with `dvc add`, selected in params.yaml (README, "Bring your own study")."""
    shutil.copytree(study_dir, repo / "data" / "raw" / STUDY, ignore=shutil.ignore_patterns("truth"))
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params["study"] = STUDY
    # One seed of two models on one split: what DVC and Snakemake rerun does not depend on the size of the run
    # grid, and the test runs the workflow three times.
    params["models"].update(seeds=[1], schemes=["random"], names=["cnn_lstm", "rf"])
    params["tuning"]["trials"] = 0  # tuning has its own tests; here it would only double the runs
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run(["dvc", "add", f"data/raw/{STUDY}"], repo)
    assert (repo / "data" / "raw" / f"{STUDY}.dvc").is_file()


def other_value(value):
    """Another value of the same kind (DVC compares values; validity is the schema's business)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "_changed"
    if isinstance(value, list):
        return [*value, value[0] if value else 1]
    return "changed"


def stale_keys(repo: Path) -> None:
    """For every leaf key of params.yaml, another value makes `dvc status` report the replicate stage
    changed (DVC's API in one process: a `dvc status` per key would cost a second each)."""
    from dvc.repo import Repo

    from tests.workflow.test_no_stale import leaves

    path = repo / "params.yaml"
    original = path.read_text()
    config = yaml.safe_load(original)
    with contextlib.chdir(repo), Repo(str(repo)) as dvc:  # DVC resolves paths from the cwd
        assert dvc.status(targets=["replicate"]) == {}
        for key, value in leaves(config):
            changed = yaml.safe_load(original)
            node = changed
            for part in key[:-1]:
                node = node[part]
            node[key[-1]] = other_value(value)
            path.write_text(yaml.safe_dump(changed, sort_keys=False))
            status = dvc.status(targets=["replicate"])
            assert "replicate" in status, ".".join(key)
    path.write_text(original)


def shift_levels(path: Path, metres: float) -> None:
    """Replace the reservoir levels with the same series raised by ``metres`` (still valid input)."""
    levels = pd.read_csv(path)
    levels["level_m"] = levels["level_m"] + metres
    levels.to_csv(path, index=False)


def test_dvc_repro_param_change_clone_pull_and_replaced_input(tmp_path: Path, tiny_study_dir: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    git_init(repo)
    bring_study(repo, tiny_study_dir)
    commit(repo, "bring a study")
    results = repo / "results" / STUDY

    first = run(["dvc", "repro"], repo)
    first_jobs = snakemake_jobs(first.stdout + first.stderr)
    assert first_jobs.get("synthesize") == 1, first_jobs  # the synthetic stage is cheap and stays
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

    # One job's key changes (the importance's repeats): that job reruns with what depends on it (its
    # figure, and the provenance of every results folder: each records the configuration's digest,
    # so a changed key rewrites them all, small jobs, and the costs table that sums their benchmarks),
    # exactly the jobs of Snakemake's dry run of the change, and nothing upstream or beside it.
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params["mapping"]["importance_repeats"] += 1
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    expected = snakemake_jobs(run(["snakemake", "-n"], repo).stdout)
    changed = run(["dvc", "repro"], repo)
    rerun = snakemake_jobs(changed.stdout + changed.stderr)
    assert rerun == expected, (rerun, expected)
    # the importance, its figure, and the area of applicability it weights (this study runs the
    # random scheme only: no importance on spatial test samples) and tab03, which reports the share
    # of each map outside that area
    weighted = {"importance", "fig14_feature_importance", "applicability", "fig17_applicability"}
    weighted |= {"tab03_class_shares"}
    assert set(rerun) == weighted | RECORD_THE_CONFIGURATION
    assert rerun["provenance"] == first_jobs["provenance"], rerun
    assert {"synthesize", "factors", "samples", "train_torch", "evaluate", "tab02_claims"} <= set(first_jobs)
    repeats = pd.read_csv(results / "metrics" / "importance_runs.csv")["repeat"]
    assert repeats.nunique() == params["mapping"]["importance_repeats"]
    assert "up to date" in run(["dvc", "status"], repo).stdout

    # Every key of params.yaml is a dependency of the stage: changing any one makes it stale.
    stale_keys(repo)

    # An experiment with one key changed reruns exactly what Snakemake's dry run of that change
    # schedules: the evaluation's bootstrap reruns the evaluation and what reports it, not the
    # training or the maps upstream of it. (A key upstream of everything, such as the epochs, would
    # rerun most of the study: the first `dvc repro` and the replaced input below already run that.)
    override = tmp_path / "bootstrap.yaml"
    override.write_text("evaluation: {bootstrap: 500}\n")
    expected = snakemake_jobs(run(["snakemake", "-n", "--configfile", str(override)], repo).stdout)
    assert {"evaluate", "tab02_claims", "fig07_roc_curves"} <= set(expected)
    assert not {"train_torch", "train_sklearn", "map_tile", "importance"} & set(expected), expected
    experiment = run(["dvc", "exp", "run", "-S", "evaluation.bootstrap=500"], repo)
    assert snakemake_jobs(experiment.stdout + experiment.stderr) == expected
    commit(repo, "bootstrap 500")

    # Share: push to a local-folder remote and commit what a collaborator needs (dvc.lock, remote).
    before = tree_digest(results)
    remote = tmp_path / "remote"
    run(["dvc", "remote", "add", "-d", "local", str(remote)], repo)
    run(["dvc", "push"], repo)
    commit(repo, "results of the brought study")

    # A collaborator clones afresh and pulls: the same bytes, DVC has nothing to reproduce, and after
    # the documented `snakemake --touch` (pulled files have new times) Snakemake has nothing either.
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(repo), str(clone)], tmp_path)
    run(["dvc", "pull"], clone)
    pulled = clone / "results" / STUDY
    assert tree_digest(pulled) == before
    # A reviewer spot-checks the pulled results without a rerun (the files' times are the pull's):
    # jobs re-executed from their recorded inputs make what was pulled.
    spot = ["python", "-m", "lsm", "audit", "--sample", "2", "--rule", "splits", "--rule", "tab02_claims"]
    audit = run(spot, clone).stdout
    assert audit.strip().splitlines()[-1].startswith("audit: 2 jobs of 2 rules re-executed"), audit
    assert audit.strip().splitlines()[-1].endswith(" 0 different"), audit
    assert tree_digest(pulled) == before  # the audit leaves the audited folder as it was
    assert "up to date" in run(["dvc", "status"], clone).stdout
    assert snakemake_jobs(run(["dvc", "repro"], clone).stdout) == {}
    run(["snakemake", "--touch", "--cores", "1"], clone)
    assert "Nothing to be done" in run(["snakemake", "-n"], clone).stdout

    # One raw input file is replaced: `dvc repro` reruns exactly the jobs downstream of the rules that
    # read it (the samples, the map tiles and the forcing figure), nothing upstream or beside them.
    readers = ["samples", "map_tile", "fig03_forcing_series"]
    downstream = run(["snakemake", "-n", "--forcerun", *readers], clone)
    expected = snakemake_jobs(downstream.stdout + downstream.stderr)
    shift_levels(clone / "data" / "raw" / STUDY / "reservoir_levels.csv", 1.5)
    assert "modified" in run(["dvc", "status"], clone).stdout
    run(["dvc", "add", f"data/raw/{STUDY}"], clone)  # record the new version of the study (README)
    replaced = run(["dvc", "repro"], clone)
    rerun = snakemake_jobs(replaced.stdout + replaced.stderr)
    assert rerun == expected, (rerun, expected)
    assert {"samples", "train_torch", "map_tile", "fig03_forcing_series"} <= set(rerun)
    assert not {"synthesize", "factors", "fig00_paper_reported", "fig01_study_area", "fig02_factors"} & set(
        rerun
    )
    assert "up to date" in run(["dvc", "status"], clone).stdout
    after = tree_digest(pulled)
    assert after["factors/factors.tif"] == before["factors/factors.tif"]
    assert after["samples/tensors.npz"] != before["samples/tensors.npz"]
