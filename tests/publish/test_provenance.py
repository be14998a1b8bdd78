"""Provenance: the commit, configuration digest, seeds and file digests of every results folder."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lsm.publish.macros import provenance_tex
from lsm.publish.provenance import (
    NOT_A_REPOSITORY,
    config_seeds,
    folder_files,
    git_state,
    params_digest,
    write_folder_manifest,
)
from tests.helpers import REPO, snakemake_workflow

FOLDERS = ["factors", "samples", "runs", "metrics", "maps", "figures", "tables", "notebooks"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_git_state_names_the_commit_and_uncommitted_changes(tmp_path: Path) -> None:
    assert git_state(tmp_path) == {"commit": NOT_A_REPOSITORY, "dirty": None}
    git(tmp_path, "init", "-q")
    (tmp_path / "a.txt").write_text("one\n")
    git(tmp_path, "add", "a.txt")
    git(tmp_path, "commit", "-q", "-m", "one")
    head = git(tmp_path, "rev-parse", "HEAD")
    assert git_state(tmp_path) == {"commit": head, "dirty": False}
    (tmp_path / "untracked.txt").write_text("not part of the workspace\n")
    assert git_state(tmp_path)["dirty"] is False
    (tmp_path / "a.txt").write_text("two\n")
    assert git_state(tmp_path) == {"commit": head, "dirty": True}


def test_params_digest_ignores_order_and_sees_every_value() -> None:
    config = {"models": {"seeds": [1, 2], "device": "auto"}, "study": "s"}
    same = {"study": "s", "models": {"device": "auto", "seeds": [1, 2]}}
    assert params_digest(config) == params_digest(same)
    assert params_digest(config) != params_digest({**config, "models": {"seeds": [1, 3], "device": "auto"}})
    assert len(params_digest(config)) == 64


def test_config_seeds_gathers_every_seed() -> None:
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    seeds = config_seeds(params)
    assert seeds["models"] == params["models"]["seeds"]
    assert {k: seeds[k] for k in ("synthetic", "sampling", "splits", "mapping")} == {
        k: params[k]["seed"] for k in ("synthetic", "sampling", "splits", "mapping")
    }


def test_folder_manifest_hashes_every_file_but_itself(tmp_path: Path) -> None:
    folder = tmp_path / "metrics"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.csv").write_text("x\n1\n")
    (folder / "sub" / "b.json").write_text("{}\n")
    (folder / ".a.csv.123.part.csv").write_text("half")  # a writer at work
    manifest = write_folder_manifest(folder, {"study": "s", "models": {"seeds": [4]}}, root=tmp_path)
    assert manifest["files"] == {
        "a.csv": hashlib.sha256(b"x\n1\n").hexdigest(),
        "sub/b.json": hashlib.sha256(b"{}\n").hexdigest(),
    }
    written = json.loads((folder / "provenance.json").read_text())
    assert written == manifest
    assert written["seeds"] == {"models": [4]} and written["git_commit"] == NOT_A_REPOSITORY
    assert written["packages"]["torch"] not in ("", "not installed")
    assert folder_files(folder) == manifest["files"]  # its own manifest is left out


def test_provenance_tex_says_where_folders_disagree() -> None:
    base = {
        "git_dirty": False,
        "params_sha256": "a" * 64,
        "python": "3.11.7",
        "packages": {"torch": "2.13.0"},
    }
    same = [{**base, "folder": f, "git_commit": "c" * 40} for f in ("runs", "figures")]
    tex = provenance_tex(same)
    assert r"\newcommand{\ProvCommit}{cccccccccccc}" in tex
    assert r"\newcommand{\ProvDirty}{with no uncommitted changes}" in tex
    mixed = [same[0], {**same[1], "git_commit": "d" * 40, "git_dirty": True}]
    tex = provenance_tex(mixed)
    assert r"\newcommand{\ProvCommit}{dddddddddddd (figures); cccccccccccc (runs)}" in tex
    assert r"\newcommand{\ProvDirty}{with uncommitted changes (figures)}" in tex


# -- on the tiny study --------------------------------------------------------------------------
@pytest.mark.integration
def test_every_results_folder_has_its_provenance(tiny_run: Path, tiny_results: Path) -> None:
    params = yaml.safe_load((tiny_run / "params.yaml").read_text())
    table = pd.read_csv(tiny_results / "provenance.csv")
    assert sorted(table["folder"]) == sorted(FOLDERS)
    for folder in FOLDERS:
        manifest = json.loads((tiny_results / folder / "provenance.json").read_text())
        # The configuration Snakemake ran with is the tiny study's params.yaml, digest for digest.
        assert manifest["params_sha256"] == params_digest(params), folder
        assert manifest["seeds"] == config_seeds(params)
        assert manifest["git_commit"] == NOT_A_REPOSITORY  # the test copy is not a git repository
        # Every file of the folder, with its digest, and nothing that is not there.
        assert manifest["files"] == folder_files(tiny_results / folder), folder
        assert manifest["files"], folder
    runs = sorted(tiny_results.glob("runs/*/*/seed*/provenance.json"))
    tables = [tiny_results / "metrics" / name for name in ("runs.csv", "ablation_runs.csv")]
    assert len(runs) == sum(len(pd.read_csv(table)) for table in tables)  # the grid and its ablations
    for path in runs:
        manifest = json.loads(path.read_text())
        assert manifest["seeds"] == {"run": int(path.parent.name.removeprefix("seed"))}
        assert set(manifest["files"]) >= {"metrics.json", "predictions.csv", "normaliser.npz"}
        assert (
            manifest["files"]["predictions.csv"]
            == hashlib.sha256((path.parent / "predictions.csv").read_bytes()).hexdigest()
        )


def test_every_folder_manifest_waits_for_every_job_writing_into_its_folder() -> None:
    """The manifest of a folder is written after every job that writes a file there (else it races
    them and misses their files, as runs/ once missed the ablation runs). Read from the DAG of the
    default study, every job forced."""
    from lsm.workflow_dag import dry_run_dag

    with snakemake_workflow(REPO) as workflow:
        dag = dry_run_dag(workflow, forceall=True)
        jobs = list(dag.jobs)
    manifests = {Path(str(j.output[0])).parent: j for j in jobs if j.rule.name == "provenance"}
    assert sorted(folder.name for folder in manifests) == sorted(FOLDERS)
    for folder, manifest_job in manifests.items():
        upstream, queue = set(), [manifest_job]
        while queue:
            for dep in dag.dependencies[queue.pop()]:
                if dep not in upstream:
                    upstream.add(dep)
                    queue.append(dep)
        writers = {
            j.rule.name
            for j in jobs
            if j is not manifest_job
            and j not in upstream
            and any(folder in Path(str(path)).parents for path in j.output)
        }
        assert not writers, f"{folder.name}/provenance.json does not wait for {sorted(writers)}"
