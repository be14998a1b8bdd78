"""What the tests share besides fixtures: the repository and the real studies, running commands and
the workflow in throw-away copies of the repository, digests of a run's outputs, tools that CI installs."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from filelock import FileLock

from lsm.config import deep_update

T = TypeVar("T")
REPO = Path(__file__).resolve().parents[1]
TINY_PARAMS = REPO / ".test" / "params.yaml"
# Real public studies, read in place (never copied here): LSM_REAL_STUDIES, or ../shared/real beside
# the repository.
REAL_STUDIES = Path(os.environ.get("LSM_REAL_STUDIES", REPO.parent / "shared" / "real"))
ECUADOR = REAL_STUDIES / "ecuador_sanfrancisco"
HONGKONG = REAL_STUDIES / "hongkong_natural_terrain"


def require_real_study(path: Path = ECUADOR) -> Path:
    """``path`` if present; otherwise skip with the reason (fail in CI, where LSM_REQUIRE_TOOLS is set)."""
    if not path.is_dir():
        skip_or_fail(f"the real study {path} is absent (set LSM_REAL_STUDIES to the folder holding it)")
    return path


def tool_env() -> dict[str, str]:
    """Environment whose PATH starts with the interpreter's bin dir (snakemake, dvc, papermill)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.pop("SNAKEMAKE_PROFILE", None)
    return env


def run(
    cmd: list[str], cwd: Path, check: bool = True, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command (in :func:`tool_env` plus ``extra_env``), returning its output; on failure show
    the tail of what it printed."""
    env = {**tool_env(), **(extra_env or {})}
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
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


def shared(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """A folder built once per test session and shared by every pytest-xdist worker (the first one to
    ask builds it under a file lock; the others wait and reuse it). A build that fails leaves nothing
    behind, so the next worker tries again and fails with the same message."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    target = root / name
    with FileLock(str(root / f"{name}.lock")):
        if not (target / ".built").is_file():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            try:
                build(target)
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            (target / ".built").touch()
    return target


def run_in_shared(repo: Path, cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    """Run a command in a shared repository copy, one at a time (Snakemake locks its directory)."""
    with FileLock(str(repo / ".test-run.lock")):
        return run(cmd, repo, **kwargs)


def kill_while_training_then_resume(repo: Path, results: Path, command: list[str]) -> None:
    """Run ``command`` in ``repo``, kill it and every job at once (SIGKILL) when a few training runs
    are done, then resume the documented way (``--unlock``, then ``--rerun-incomplete``)."""
    proc = subprocess.Popen(
        command,
        cwd=repo,
        env=tool_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 600
    try:
        while time.time() < deadline and len(list(results.glob("runs*/*/*/seed*/metrics.json"))) < 3:
            assert proc.poll() is None, "the workflow ended before it could be killed"
            time.sleep(0.5)
        assert len(list(results.glob("runs*/*/*/seed*/metrics.json"))) >= 3
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert not (results / "metrics" / "summary.json").exists(), "killed too late to test resuming"
    run(["snakemake", "--unlock"], repo)
    run([*command, "--rerun-incomplete"], repo)


# The jobs that rerun whenever any key changes: the provenance of every results folder records the
# configuration's digest, the costs table builds the DAG from the whole configuration (both take it
# as a parameter), and the checklist and the default target read the provenance table.
RECORD_THE_CONFIGURATION = frozenset({"provenance", "provenance_table", "costs", "checklist", "all"})


# The rules of the evaluation: downstream of every run of both grids, they run on SLURM once the
# grid is complete (see second_run).
EVALUATION_RULES = ["runs_table", "runs_table_untuned", "evaluate", "evaluate_untuned", "map_contrast"]


def slurm_targets(study: str) -> list[str]:
    """One job of each kind on the way to a tuned CNN-LSTM's map (synthesis, factors, samples, splits,
    tuning, torch training, map tiles and mosaic), an untuned scikit-learn run, a figure through
    papermill and the samples' provenance (a local rule)."""
    results = f"results/{study}"
    return [
        f"{results}/maps/wettest/cnn_lstm_probability.tif",
        f"{results}/runs_untuned/random/rf/seed1/metrics.json",
        f"{results}/figures/fig04_samples.png",
        f"{results}/samples/provenance.json",
    ]


def digests(results: Path) -> dict[str, str]:
    """The SHA-256 of every numeric file of a run (:func:`numeric_outputs`)."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in numeric_outputs(results).items()}


def evaluation_targets(study: str) -> list[str]:
    """The targets of a run up to the evaluation, tuned and untuned (tuning, both grids, the
    CNN-LSTM's map, every metric): what the second run makes (see second_run)."""
    return [f"results/{study}/metrics/summary.json", f"results/{study}/metrics/untuned/claims.csv"]


def finished_copy(repo: Path, dest: Path) -> Path:
    """A copy of a finished run (results, Snakemake's records, the code) that a test may change."""
    shutil.copytree(repo, dest, symlinks=True, ignore=shutil.ignore_patterns(".test-run.lock", "*.lock"))
    return dest


def require_tool(*names: str) -> str:
    """The path of the first of ``names`` on PATH; without any, skip the test with the reason, or
    fail it where LSM_REQUIRE_TOOLS is set (CI installs the tools, so there it must not skip)."""
    found = next((path for name in names if (path := shutil.which(name))), None)
    if found is None:
        skip_or_fail(f"{' or '.join(names)} not installed (Debian packages: see .ci/run)")
    return found


def skip_or_fail(reason: str) -> None:
    """Skip the test for ``reason``, or fail it where LSM_REQUIRE_TOOLS is set (in CI)."""
    if os.environ.get("LSM_REQUIRE_TOOLS"):
        pytest.fail(f"{reason}, but LSM_REQUIRE_TOOLS is set")
    pytest.skip(reason)


def numeric_outputs(results: Path) -> dict[str, bytes]:
    """Every file that carries numbers of the run (not notebooks, logs or timings): name -> bytes."""
    keep = [
        *results.glob("runs*/*/*/seed*/predictions.csv"),
        *results.glob("runs*/*/*/seed*/metrics.json"),
        # The networks' weights, byte for byte (model.skops is left out: skops stamps its zip
        # entries with the time of writing, so the same fitted model differs in bytes).
        *results.glob("runs*/*/*/seed*/model.pt"),
        *results.glob("tuning/*/*/best.yaml"),  # not trials.csv: it records how long each trial took
        *results.glob("tuning/*/*/samples.json"),
    ]
    keep += [p for p in results.rglob("metrics/*") if p.is_file()]
    keep += [*results.glob("samples/*.csv"), *results.glob("samples/*.json"), *results.glob("factors/*.csv")]
    keep += [p for p in results.glob("maps/*/*") if p.suffix in (".tif", ".csv", ".json")]
    # provenance.json records when it was written: its time differs between runs, by design.
    keep = [p for p in keep if p.name != "provenance.json"]
    return {str(p.relative_to(results)): p.read_bytes() for p in sorted(keep)}


@contextlib.contextmanager
def snakemake_workflow(repo: Path, configfiles: tuple[Path, ...] = ()) -> Iterator[Any]:
    """The workflow of ``repo`` parsed in this process (lsm.workflow_dag.parsed_workflow: a fresh
    process per look would cost seconds), with ``repo`` as the working directory meanwhile."""
    from lsm.workflow_dag import parsed_workflow

    with parsed_workflow(repo, configfiles) as workflow:
        yield workflow


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


PARAMS = yaml.safe_load((REPO / "params.yaml").read_text())  # the repository's configuration
RIVER_AREA_KM2 = PARAMS["factors"]["river_area_km2"]  # where a study has no rivers.gpkg, as the workflow


def from_params(cls: type[T], block: str, **changes: Any) -> T:
    """A settings class built from a block of params.yaml (``block``: dotted, as ``models.torch``),
    with ``changes``: tests take every other value from the one place that holds the defaults."""
    config: Any = PARAMS
    for key in block.split("."):
        config = config[key]
    return dataclasses.replace(cls.from_config(config), **changes)  # type: ignore[attr-defined]


def assert_applicability_follows_its_rasters(results: Path, date: str = "wettest") -> Any:
    """Every model's area-of-applicability table against its rasters: the mask is 1 exactly where the
    dissimilarity index is at most the threshold, 2 above it, 0 where the map has no value; the
    share outside is the mask's (over the whole map when no surveyed area limits it). The table."""
    import numpy as np
    import pandas as pd
    import rasterio

    from lsm.maps.applicability import INSIDE, OUTSIDE

    folder = results / "maps" / date
    table = pd.read_csv(folder / "applicability.csv")
    assert table["threshold"].gt(0).all() and table["outside_percent"].between(0, 100).all()
    for row in table.itertuples():
        with rasterio.open(folder / f"{row.model}_dissimilarity.tif") as src:
            di = src.read(1)
        with rasterio.open(folder / f"{row.model}_applicability.tif") as src:
            mask = src.read(1)
        mapped = np.isfinite(di)
        assert (mask[~mapped] == 0).all(), row.model
        assert np.array_equal(mask[mapped] == INSIDE, di[mapped] <= np.float32(row.threshold)), row.model
        assert np.isin(mask[mapped], [INSIDE, OUTSIDE]).all(), row.model
        if not row.surveyed_only:
            assert row.pixels == mapped.sum(), row.model
            assert np.isclose(row.outside_percent, 100 * (mask == OUTSIDE).sum() / mapped.sum(), atol=1e-3)
    return table


def assert_calibration_follows_the_runs(results: Path) -> Any:
    """Every run's calibration against its run: held out from training only (a scikit-learn run's
    out-of-fold rows are its whole training split, a network's part of it), one calibrator per run,
    three thresholds per run, and the summary's means are the runs' means. The summary table."""
    import json

    import numpy as np
    import pandas as pd

    from lsm.evaluate.calibration import THRESHOLD_KINDS
    from lsm.names import SKLEARN_MODELS, TRAIN

    plan = json.loads((results / "plan.json").read_text())
    splits = pd.read_csv(results / "samples" / "splits.csv").set_index("sample_id")
    runs = len(plan["models"]) * len(plan["seeds"])
    for scheme in plan["schemes"]:
        folder = results / "metrics" / "calibration" / scheme
        calibrators = pd.read_csv(folder / "calibrators.csv")
        assert len(calibrators) == runs and calibrators[["slope", "intercept"]].notna().all().all(), scheme
        held_out = pd.read_csv(folder / "held_out.csv")
        assert (splits.loc[held_out["sample_id"], scheme] == TRAIN).all(), scheme  # never a test sample
        for (model, seed), group in held_out.groupby(["model", "seed"]):
            assert group["sample_id"].is_unique, (scheme, model, seed)
            if model in SKLEARN_MODELS:  # out of fold: every training sample, once
                assert set(group["sample_id"]) == set(splits.index[splits[scheme] == TRAIN]), (scheme, model)
            else:  # the part training validated on: its loss at the kept epoch is the curve's
                run = results / "runs" / scheme / model / f"seed{seed}"
                best = json.loads((run / "metrics.json").read_text())["best_epoch"]
                curve = pd.read_csv(run / "learning_curve.csv").set_index("epoch")
                p = group["probability"].clip(1e-7, 1 - 1e-7)
                loss = -np.mean(group["label"] * np.log(p) + (1 - group["label"]) * np.log(1 - p))
                assert abs(loss - curve.loc[best, "val_loss"]) < 1e-4, (scheme, model, seed)
        thresholds = pd.read_csv(folder / "thresholds.csv")
        assert (thresholds.groupby(["model", "seed"])["threshold"].apply(tuple) == THRESHOLD_KINDS).all()
        assert thresholds["value"].dropna().between(0, 1).all()
    summary = pd.read_csv(results / "metrics" / "calibration.csv")
    scores = pd.concat(
        pd.read_csv(results / "metrics" / "calibration" / s / "scores.csv") for s in plan["schemes"]
    )
    means = scores.groupby(["scheme", "model", "version"])[["brier", "ece"]].mean()
    merged = summary.set_index(["scheme", "model", "version"])[["brier", "ece"]].join(means, rsuffix="_runs")
    assert np.allclose(merged["brier"], merged["brier_runs"], atol=1e-5)
    assert np.allclose(merged["ece"], merged["ece_runs"], atol=1e-5)
    return summary


def assert_seed_maps_follow_their_tables(results: Path, date: str = "wettest") -> Any:
    """Every model's calibrated and spread maps against its probability map and tables: mapped
    exactly where the probability is, probabilities in [0, 1], a spread no larger than a probability
    can spread, and the class-change table's pixels those of the class table. The change table."""
    import numpy as np
    import pandas as pd
    import rasterio

    folder = results / "maps" / date
    changes = pd.read_csv(results / "metrics" / "map_class_changes.csv", keep_default_na=False)
    shares = pd.read_csv(results / "metrics" / "map_class_shares.csv", keep_default_na=False)
    for model in set(changes["model"]):
        with rasterio.open(folder / f"{model}_probability.tif") as src:
            mapped = np.isfinite(src.read(1))
        for kind in ("calibrated", "uncertainty"):
            with rasterio.open(folder / f"{model}_{kind}.tif") as src:
                values = src.read(1)
            assert np.array_equal(np.isfinite(values), mapped), (model, kind)
            assert values[mapped].min() >= 0 and values[mapped].max() <= (1 if kind == "calibrated" else 0.71)
        assert (folder / f"{model}_uncertainty.qml").is_file()
        own = changes[(changes["model"] == model) & (changes["date_label"] == date)].set_index("class")
        classes = shares[(shares["model"] == model) & (shares["date_label"] == date)].set_index("class")
        assert (own["pixels"] == classes.loc[own.index, "pixels"]).all(), model
        assert own["seeds_disagree_percent"].between(0, 100).all(), model
    return changes
