"""Shared fixtures: the repository root, a PATH with the venv, and throw-away copies of the repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lsm.config import deep_update

REPO = Path(__file__).resolve().parents[1]
TINY_PARAMS = REPO / ".test" / "params.yaml"


def tool_env() -> dict[str, str]:
    """Environment whose PATH starts with the interpreter's bin dir (snakemake, dvc, papermill)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.pop("SNAKEMAKE_PROFILE", None)
    return env


def run(cmd: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a command, returning its output; on failure show the tail of what it printed."""
    proc = subprocess.run(cmd, cwd=cwd, env=tool_env(), capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} exited {proc.returncode}\n--- stdout ---\n{proc.stdout[-4000:]}"
            f"\n--- stderr ---\n{proc.stderr[-4000:]}"
        )
    return proc


def copy_repo(dest: Path, tiny: bool = True) -> Path:
    """Copy the working tree (tracked and untracked-but-not-ignored files) to ``dest``.

    With ``tiny``, ``params.yaml`` becomes params.yaml merged with ``.test/params.yaml``, so that
    plain `snakemake` and `dvc repro` in the copy run the tiny study.
    """
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, files):
        if name == "dvc.lock":  # the hashes of a local run; the copy makes its own
            continue
        src = REPO / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    if tiny:
        params = yaml.safe_load((REPO / "params.yaml").read_text())
        deep_update(params, yaml.safe_load(TINY_PARAMS.read_text()))
        (dest / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    return dest


def git_init(repo: Path) -> None:
    """Make ``repo`` a git repository with one commit (DVC experiments need one)."""
    for cmd in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A"],
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "copy"],
    ):
        run(cmd, repo)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository in which the whole workflow has run once on the tiny study."""
    repo = copy_repo(tmp_path_factory.mktemp("tiny_run"))
    run(["snakemake", "--cores", "2"], repo)
    return repo


@pytest.fixture(scope="session")
def tiny_results(tiny_run: Path) -> Path:
    study = yaml.safe_load((tiny_run / "params.yaml").read_text())["study"]
    return tiny_run / "results" / study


@pytest.fixture(scope="session")
def tiny_study_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny synthetic study (data contract plus truth/), generated once per session."""
    from lsm.synthetic.settings import SyntheticSettings
    from lsm.synthetic.write import generate_study

    block = yaml.safe_load((REPO / "params.yaml").read_text())["synthetic"]
    out = tmp_path_factory.mktemp("study") / "tiny"
    generate_study(SyntheticSettings.from_config({**block, "preset": "tiny"}), out, progress=False)
    return out
