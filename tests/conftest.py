"""The session's fixtures (the runs of the tiny study, the tiny synthetic study) and the order in which
the test files reach the workers; the functions they use are in tests/helpers.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.helpers import (
    EVALUATION_RULES,
    REPO,
    copy_repo,
    digests,
    evaluation_targets,
    kill_while_training_then_resume,
    run,
    shared,
    slurm_targets,
)

# The order in which `make test` hands test files to its workers (`-n auto --dist loadfile
# --no-loadscope-reorder`: each file goes whole to one worker, in collection order, two files to
# each worker at the start). The longest files start first, so that none of them starts last while
# the other worker runs out of work, and the two runs of the tiny study are made side by side: the
# no-stale file (it makes the tiny run, then its dry runs) with a short file behind it on the first
# worker, the SLURM file (it makes the second run, partly on SLURM) and the DVC file on the second,
# then the real study. The determinism test goes last: it compares the two runs (see second_run).
# Measured with `pytest --durations`; every other file keeps its place between the two groups.
FIRST = (
    "workflow/test_no_stale.py",
    "workflow/test_slurm.py",
    "workflow/test_logs.py",
    "workflow/test_dvc.py",
    "workflow/test_real_study.py",
    "workflow/test_hongkong_run.py",
)
LAST = ("workflow/test_guarantees.py",)


# The session fixtures that run the workflow: a test that uses one (directly or through another
# fixture) is marked `integration` here, so `make test-fast` (`-m "not integration"`) never pays for a run.
WORKFLOW_RUNS = frozenset({"tiny_run", "second_run"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if WORKFLOW_RUNS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)

    def rank(item: pytest.Item) -> int:
        name = item.path.relative_to(REPO / "tests").as_posix()
        if name in FIRST:
            return FIRST.index(name)
        return len(FIRST) + (1 + LAST.index(name) if name in LAST else 0)

    items.sort(key=rank)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository in which the whole workflow has run on the tiny study; one per
    session, shared by every worker. The run was killed outright (SIGKILL) while it trained and
    resumed the documented way, so it is also the run the kill-and-resume test inspects
    (tests/workflow/test_guarantees.py). Tests that change it copy it first (see finished_copy)."""

    def build(repo: Path) -> None:
        copy_repo(repo)
        study = yaml.safe_load((repo / "params.yaml").read_text())["study"]
        kill_while_training_then_resume(repo, repo / "results" / study, ["snakemake", "--cores", "2"])

    return shared(tmp_path_factory, "tiny_run", build)


@pytest.fixture(scope="session")
def second_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second run of the tiny study from a clean copy, up to the evaluation (:func:`evaluation_targets`)
    and one figure; once per session. The determinism test compares its numbers with the tiny run's.

    Where a local SLURM cluster can start (CI; tests/local_slurm.py), every kind of job of that run
    goes through the workflow's SLURM profile on it at least once, and the SLURM test checks how:
    first one job of each kind on the way to a tuned CNN-LSTM, its map, an untuned scikit-learn run
    and a figure (:func:`slurm_targets`); then the rest of the tuning and training grid locally
    (sbatch, a job step and squeue polling cost every job seconds, 65 such jobs minutes); then the
    evaluation, the tables of runs, the map contrast and a figure on SLURM again. What the cluster
    recorded is written to ``slurm.json`` (with the digest of every numeric file its jobs made).
    Elsewhere the whole run is local. Returns the folder holding the copy (``repo``)."""
    from tests.local_slurm import missing, slurm_session

    def build(folder: Path) -> None:
        repo = copy_repo(folder / "repo")
        study = yaml.safe_load((repo / "params.yaml").read_text())["study"]
        results = repo / "results" / study
        last = [*evaluation_targets(study), f"results/{study}/figures/fig07_roc_curves.png"]
        if missing() is not None:
            run(["snakemake", "--cores", "2", *last], repo)
            return
        with slurm_session(repo, folder / "cluster") as slurm:
            slurm.make(slurm_targets(study))
            made = digests(results)
            run(["snakemake", "--cores", "2", *last, "--omit-from", *EVALUATION_RULES], repo)
            before = digests(results)
            slurm.make(last)
            made |= {name: sha for name, sha in digests(results).items() if before.get(name) != sha}
            record = slurm.record()
        (folder / "slurm.json").write_text(json.dumps({**record, "outputs": made}))

    return shared(tmp_path_factory, "second_run", build)


@pytest.fixture(scope="session")
def tiny_results(tiny_run: Path) -> Path:
    study = yaml.safe_load((tiny_run / "params.yaml").read_text())["study"]
    return tiny_run / "results" / study


@pytest.fixture(scope="session")
def tiny_study_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny synthetic study (data contract plus truth/), generated once per session (read only)."""
    from lsm.synthetic.settings import SyntheticSettings
    from lsm.synthetic.write import generate_study

    block = yaml.safe_load((REPO / "params.yaml").read_text())["synthetic"]

    def build(folder: Path) -> None:
        generate_study(
            SyntheticSettings.from_config({**block, "preset": "tiny"}), folder / "tiny", progress=False
        )

    return shared(tmp_path_factory, "tiny_study", build) / "tiny"
