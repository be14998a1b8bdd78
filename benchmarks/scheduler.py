"""How much CPU Snakemake's own process takes beside its jobs, on a study run from a clean copy.

Runs the workflow (``snakemake --cores N all``) in a fresh copy of the working tree, once per
variant of Snakemake's settings, and reads the main process's own CPU time and that of the jobs it
ran (its waited-for children) from ``/proc/<pid>/stat`` just before it exits. Prints, per variant:
wall time, the jobs' CPU, Snakemake's own CPU and its share of all CPU used, and the run's CPU
utilisation (all CPU over wall x cores). Linux only (``/proc``).

    python benchmarks/scheduler.py                       # the tiny study, default and greedy scheduler
    python benchmarks/scheduler.py --study default       # the default study (about 20 min per variant)
    python benchmarks/scheduler.py --variant default     # one variant only
    python benchmarks/scheduler.py --keep /tmp/runs      # keep the runs' copies (to compare outputs)

The variants differ only in Snakemake's command line, so their outputs must be identical: the script
checks that the numeric outputs of every variant equal the first one's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers import copy_repo, digests, tool_env  # noqa: E402

VARIANTS = {
    "default": [],  # what `make replicate` runs (the workflow profile's settings, ILP scheduler)
    "greedy": ["--scheduler", "greedy"],
    # The rate limiter re-plans every `timespan` while jobs run (and Snakemake waits for its last
    # timer at exit). The profile sets 1000/5s; Snakemake's own default is 100/1s.
    "every1s": ["--max-jobs-per-timespan", "100/1s"],
    "every10s": ["--max-jobs-per-timespan", "1000/10s"],
}
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> tuple[float, float] | None:
    """(own, waited-for children's) CPU seconds of a live process, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return (utime + stime) / TICKS, (cutime + cstime) / TICKS


def run_variant(study: str, extra: list[str], cores: int, folder: Path) -> dict[str, float]:
    """One clean run of ``study`` with ``extra`` Snakemake arguments; its times and CPU."""
    repo = copy_repo(folder / "repo", tiny=study == "tiny")
    command = [
        "snakemake",
        "--cores",
        str(cores),
        "--workflow-profile",
        "workflow/profiles/default",
        "--quiet",
        "all",
        *extra,
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=repo, env=tool_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    last = (0.0, 0.0)
    while proc.poll() is None:
        last = cpu_seconds(proc.pid) or last
        time.sleep(0.2)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"snakemake failed ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
    own, jobs = last
    return {"wall": wall, "own": own, "jobs": jobs, "cores": cores, "repo": str(repo)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", choices=("tiny", "default"), default="tiny")
    parser.add_argument("--variant", choices=sorted(VARIANTS), action="append")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", type=Path, help="keep the runs' copies here (default: removed)")
    args = parser.parse_args()
    variants = args.variant or list(VARIANTS)
    rows, first = [], None
    with tempfile.TemporaryDirectory(prefix="lsm-scheduler-") as temporary:
        scratch = args.keep or Path(temporary)
        for name in variants:
            result = run_variant(args.study, VARIANTS[name], args.cores, Path(scratch) / name)
            study = yaml.safe_load((Path(result["repo"]) / "params.yaml").read_text())["study"]
            results = Path(result["repo"]) / "results" / study
            numbers = digests(results)
            if first is None:
                first = numbers
            elif numbers != first:
                changed = sorted(k for k in first.keys() | numbers.keys() if first.get(k) != numbers.get(k))
                raise SystemExit(f"variant {name} changed outputs: {changed[:10]}")
            rows.append((name, result))
    print(f"study {args.study}, {args.cores} cores, from a clean copy of the working tree")
    header = ("variant", "wall s", "jobs CPU s", "Snakemake CPU s", "its share", "utilisation")
    widths = (8, 11, 16, 10, 12)
    print(f"{header[0]:10s} " + " ".join(f"{h:>{w}s}" for h, w in zip(header[1:], widths, strict=True)))
    for name, r in rows:
        share = r["own"] / (r["own"] + r["jobs"])
        use = (r["own"] + r["jobs"]) / (r["wall"] * r["cores"])
        print(f"{name:10s} {r['wall']:8.0f} {r['jobs']:11.0f} {r['own']:16.1f} {share:10.1%} {use:12.0%}")
    if len(rows) > 1:
        base = rows[0][1]["own"]
        for name, r in rows[1:]:
            print(f"Snakemake's own CPU, {name} / {rows[0][0]}: {r['own'] / base:.2f}")


if __name__ == "__main__":
    main()
