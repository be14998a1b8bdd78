"""Spot-check a finished or pulled results folder without a rerun: re-execute a few of its jobs.

``python -m lsm audit --sample N`` draws N jobs of the workflow at random (seeded; one of every rule
first, as far as N allows), and re-executes each alone in a scratch copy of the working tree that
holds only the code, the study's own files and the job's recorded inputs, taken from the folder
under audit. What the job makes is compared with what the folder holds, file by file:

- ``identical``: the same bytes;
- ``equal in content``: the same data where a file stamps its writing (a GeoPackage's time, a PDF's
  dates, a notebook's timings, a provenance record's commit and time, a tuning trial's duration);
- ``not compared``: a file that cannot be compared as such, with the reason (a skops model names its
  members by object ids; an HTML page renders the notebook, which is compared);
- ``different``: anything else: the folder does not hold what its code makes from its inputs.

A difference exits non-zero. A job is re-executed by ``snakemake <its outputs>`` in a copy that
holds everything but them (see :func:`scratch_copy` and :func:`reexecute`), so Snakemake runs that
one job.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsm.data.io.digest import content_digest, frame_digest
from lsm.workflow_dag import JobNode

IDENTICAL, EQUAL, NOT_COMPARED, DIFFERENT = "identical", "equal in content", "not compared", "different"
COLLECTORS = {"all", "verdict_stability"}  # rules that only collect targets: nothing to re-execute
STAMP_KEYS = {"created", "git_commit", "git_dirty", "duration", "seconds"}  # when and where, not what
NOT_COMPARABLE = {
    ".skops": "skops names its zip members by object ids; the run's predictions and metrics are compared",
    ".html": "a rendering of the notebook, which is compared",
}
PDF_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)")


@dataclass(frozen=True)
class FileCheck:
    """One output of a re-executed job, compared with the audited folder's copy."""

    job: str
    path: str
    status: str
    why: str = ""

    def line(self) -> str:
        """The line ``audit`` prints for it."""
        return f"{self.status}: {self.path} ({self.job})" + (f": {self.why}" if self.why else "")


@dataclass(frozen=True)
class Pool:
    """The jobs an audit can draw from a results folder, and why the others cannot be drawn."""

    jobs: list[JobNode]
    missing: list[str]  # outputs absent that a finished run keeps: the run is unfinished or not pulled
    temporary: dict[str, int]  # rule -> jobs left out: they write or read temporary files now gone

    def note(self) -> str:
        """The line that says which jobs the draw leaves out, or ''."""
        if not self.temporary:
            return ""
        counted = ", ".join(f"{rule}: {n}" for rule, n in sorted(self.temporary.items()))
        return (
            f"audit: drawing among {len(self.jobs)} jobs; {sum(self.temporary.values())} left out because "
            f"they write or read temporary files that a finished run no longer holds ({counted})"
        )


def auditable(jobs: Iterable[JobNode], exists: Any) -> Pool:
    """Split ``jobs`` by what the folder holds (``exists(path)``): a job whose temporary outputs, or
    temporary inputs, are gone cannot be re-executed alone (Snakemake removed them after the run, as
    it should); any other missing output means the run is not finished or not pulled."""
    jobs = list(jobs)
    temporary = {name for job in jobs for name in job.temporary}
    gone = {name for name in temporary if not exists(name)}
    pool: list[JobNode] = []
    left_out: dict[str, int] = {}
    missing: list[str] = []
    for job in jobs:
        if gone & {*job.outputs, *job.inputs}:
            left_out[job.rule] = left_out.get(job.rule, 0) + 1
            continue
        absent = [name for name in job.outputs if not exists(name)]
        missing += absent
        pool.append(job)
    return Pool(pool, missing, left_out)


def choose_jobs(jobs: Iterable[JobNode], sample: int, seed: int) -> list[JobNode]:
    """``sample`` jobs drawn with ``seed``: one of every rule first (rules in random order), then
    any others."""
    rng = random.Random(seed)
    by_rule: dict[str, list[JobNode]] = {}
    for job in jobs:
        if job.rule not in COLLECTORS and job.outputs:
            by_rule.setdefault(job.rule, []).append(job)
    rules = sorted(by_rule)
    rng.shuffle(rules)
    first = [rng.choice(by_rule[rule]) for rule in rules][:sample]
    rest = [job for rule in sorted(by_rule) for job in by_rule[rule] if job not in first]
    rng.shuffle(rest)
    return first + rest[: max(sample - len(first), 0)]


def _without_stamps(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_stamps(v) for k, v in value.items() if k not in STAMP_KEYS}
    if isinstance(value, list):
        return [_without_stamps(v) for v in value]
    return value


def _notebook_content(path: Path) -> Any:
    """A notebook's cells (source and outputs), without papermill's timings and execution counts."""
    cells = json.loads(path.read_text())["cells"]
    return [
        {
            "source": cell.get("source"),
            "outputs": [
                {k: v for k, v in out.items() if k != "execution_count"} for out in cell.get("outputs", [])
            ],
        }
        for cell in cells
    ]


def _csv_content(path: Path) -> str:
    import pandas as pd

    table = pd.read_csv(path)
    return frame_digest(table.drop(columns=[c for c in table.columns if c in STAMP_KEYS]))


def compare_file(made: Path, held: Path) -> tuple[str, str]:
    """How the file a job made compares with the one the audited folder holds."""
    if not held.exists():
        return DIFFERENT, "the audited folder does not hold it"
    if not made.exists():
        return DIFFERENT, "the re-executed job did not make it"
    if made.read_bytes() == held.read_bytes():
        return IDENTICAL, ""
    suffix = made.suffix
    if suffix in NOT_COMPARABLE:
        return NOT_COMPARED, NOT_COMPARABLE[suffix]
    if suffix == ".json":
        same = _without_stamps(json.loads(made.read_text())) == _without_stamps(json.loads(held.read_text()))
    elif suffix == ".ipynb":
        same = _notebook_content(made) == _notebook_content(held)
    elif suffix == ".pdf":
        same = PDF_DATES.sub(b"", made.read_bytes()) == PDF_DATES.sub(b"", held.read_bytes())
    elif suffix == ".csv":
        same = _csv_content(made) == _csv_content(held)
    elif suffix in {".tif", ".gpkg", ".npz"}:
        same = content_digest(made) == content_digest(held)
    else:
        same = False
    return (EQUAL, "") if same else (DIFFERENT, "its content differs")


def _working_tree(repo: Path) -> list[str]:
    """The files of the working tree (tracked, and untracked but not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    if listed.returncode != 0:
        from lsm.errors import InputError

        raise InputError(repo, "is not a git working tree", "run the audit in a clone of the workspace")
    return [name for name in listed.stdout.split("\0") if name and (repo / name).is_file()]


def _copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dest, symlinks=True, dirs_exist_ok=True)
    else:
        shutil.copy2(src, dest)


def _symlink(src: str, dest: str) -> None:
    Path(dest).symlink_to(Path(src).resolve())


def _newest(paths: Iterable[Path]) -> float:
    """The latest modification time among ``paths`` and, for links, their targets."""
    return max(
        (max(p.lstat().st_mtime, p.stat().st_mtime) for p in paths if p.exists()),
        default=0.0,
    )


def scratch_copy(repo: Path, job: JobNode, dest: Path, study_dir: Path | None, results: Path) -> Path:
    """The code, the study's own files and the audited results, in ``dest``, without the job's outputs.

    The study's files and the results are linked one by one (symbolic links: a job removes an output
    before it runs and writes a new file, so nothing reaches the audited folder), but for the runs'
    logs and benchmark files, which no job reads and Snakemake would write through a link. Every file
    the job writes is left out. The links' own times are set past every file's time: Snakemake
    compares an output's own time with its inputs' (links and targets alike), so no job but this
    one, whose outputs are missing, has anything newer than its outputs, whatever the audited
    folder's times are (arbitrary after a ``dvc pull``); without Snakemake's records in the copy,
    no other rerun trigger applies.
    """
    for name in _working_tree(repo):
        if name != "dvc.lock":
            _copy(repo / name, dest / name)
    makes_study = study_dir is not None and any(Path(name).is_relative_to(study_dir) for name in job.outputs)
    if study_dir is not None and (repo / study_dir).exists() and not makes_study:
        shutil.copytree((repo / study_dir).resolve(), dest / study_dir, copy_function=_symlink)
    unread = shutil.ignore_patterns("logs", "benchmarks")
    shutil.copytree(repo / results, dest / results, copy_function=_symlink, ignore=unread, dirs_exist_ok=True)
    for name in job.written:
        if (dest / name).is_dir() and not (dest / name).is_symlink():  # a directory() output
            shutil.rmtree(dest / name)
        else:
            (dest / name).unlink(missing_ok=True)
    entries = list(dest.rglob("*"))
    links = [p for p in entries if p.is_symlink()]
    later = _newest(p for p in entries if not p.is_dir() or p.is_symlink()) + 1.0
    for link in links:
        os.utime(link, (later, later), follow_symlinks=False)
    for name in job.inputs:
        if not (dest / name).exists():
            if not (repo / name).exists():
                raise FileNotFoundError(f"{name}: an input of {job.key} is not in {repo}")
            _copy(repo / name, dest / name)
    return dest


def reexecute(
    repo: Path, job: JobNode, scratch: Path, study_dir: Path | None, results: Path, cores: int
) -> list[FileCheck]:
    """Re-execute ``job`` alone in a scratch copy and compare its outputs with ``repo``'s.

    The job runs because its outputs are missing, and it alone: :func:`scratch_copy` leaves no file
    newer than another job's outputs. Snakemake's ``--allowed-rules`` does not do this: it still ran
    the jobs upstream whose inputs looked newer.
    """
    copy = scratch_copy(repo, job, scratch, study_dir, results)
    bin_dir = str(Path(sys.executable).parent)
    command = [f"{bin_dir}/snakemake", "--cores", str(cores), "--quiet", "all"]
    proc = subprocess.run(
        [*command, "--", *job.outputs],
        cwd=copy,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return [FileCheck(job.key, job.outputs[0], DIFFERENT, "re-execution failed: " + " | ".join(tail))]
    return [FileCheck(job.key, name, *compare_file(copy / name, repo / name)) for name in job.outputs]


@dataclass(frozen=True)
class AuditReport:
    """The re-executed jobs and the comparison of every file they made."""

    jobs: list[JobNode]
    checks: list[FileCheck]

    @property
    def ok(self) -> bool:
        """True when no file differs."""
        return not any(c.status == DIFFERENT for c in self.checks)

    def lines(self) -> list[str]:
        """One line per file, then the summary."""
        counts = {
            s: sum(c.status == s for c in self.checks) for s in (IDENTICAL, EQUAL, NOT_COMPARED, DIFFERENT)
        }
        rules = len({job.rule for job in self.jobs})
        summary = (
            f"audit: {len(self.jobs)} jobs of {rules} rules re-executed, {len(self.checks)} files: "
            + ", ".join(f"{n} {s}" for s, n in counts.items())
        )
        return [c.line() for c in self.checks] + [summary]


def audit(
    repo: Path,
    jobs: list[JobNode],
    chosen: list[JobNode],
    study_dir: Path | None,
    results: Path,
    cores: int = 2,
    progress: Any = None,
    keep: Path | None = None,
) -> AuditReport:
    """Re-execute each chosen job in its own scratch copy of ``repo`` (under ``keep``, if given,
    else removed after) and compare what it makes."""
    checks: list[FileCheck] = []
    with tempfile.TemporaryDirectory(prefix="lsm-audit-") as temporary:
        scratch = keep or Path(temporary)
        for i, job in enumerate(chosen):
            if progress:
                progress(f"[{i + 1}/{len(chosen)}] {job.key}")
            checks += reexecute(repo, job, scratch / f"job{i + 1}", study_dir, results, cores)
    return AuditReport(chosen, checks)
