"""The README's two commands timed as a newcomer meets them: a fresh clone, the set-up, then
`make replicate` or `make test`, with nothing else running.

Clones the repository's HEAD into a scratch folder (uncommitted changes are not measured: commit
first), runs `make setup` and then the target, and records what it measured in
``benchmarks/measured/<target>.yaml``: the date, the commit, the machine (CPU model, cores), the
set-up's and the target's wall time, and

- for ``replicate``: the jobs run, Snakemake's own CPU seconds against its jobs' (read from
  ``/proc`` through psutil until it exits: the scheduler's share), the run's CPU utilisation, and
  the jobs' wall and CPU seconds summed per rule from the rules' ``benchmark:`` files;
- for ``test``: pytest's summary line and its slowest tests.

The README's timing paragraphs are rendered from these records (``python -m lsm readme``; a test
fails when they disagree), so a time in the README always names its commit, date and machine.

    python benchmarks/newcomer.py replicate              # about 25 min on 2 cores
    python benchmarks/newcomer.py test                   # about 40 min on 2 cores (CI=true: tools required)
    python benchmarks/newcomer.py replicate --keep /tmp/newcomer   # keep the clone
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import psutil
import yaml

REPO = Path(__file__).resolve().parents[1]
MEASURED = REPO / "benchmarks" / "measured"
sys.path.insert(0, str(REPO / "benchmarks"))

from cpu_spread import cpu_name  # noqa: E402

from lsm.publish.costs import read_benchmark  # noqa: E402


def clean_env() -> dict[str, str]:
    """The environment a newcomer's shell has: this script's virtual environment left out."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    venv = os.environ.get("VIRTUAL_ENV") or str(Path(sys.executable).parent.parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(venv))
    # The clone is not beside shared/ as the repository is: point its tests at the real studies.
    real = REPO.parent / "shared" / "real"
    if real.is_dir():
        env.setdefault("LSM_REAL_STUDIES", str(real))
    return env


def timed(command: list[str], cwd: Path, log: Path, env: dict[str, str]) -> tuple[float, int, dict]:
    """Run ``command``, its output to ``log``; wall seconds, exit status, and the CPU of the
    Snakemake main process among its descendants (own and its jobs', the last reading)."""
    start = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        parent = psutil.Process(proc.pid)
        readings: dict[int, tuple[float, float]] = {}
        while proc.poll() is None:
            try:
                for child in parent.children(recursive=True):
                    line = " ".join(child.cmdline())
                    if "bin/snakemake" in line and "--cores" in line and "--report" not in line:
                        t = child.cpu_times()
                        readings[child.pid] = (t.user + t.system, t.children_user + t.children_system)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                pass
            time.sleep(0.5)
    wall = time.perf_counter() - start
    snakemake = {}
    if readings:
        own, jobs = max(readings.values(), key=lambda r: r[0] + r[1])
        snakemake = {"snakemake_cpu_s": round(own, 1), "jobs_cpu_s": round(jobs, 1)}
    return wall, proc.returncode, snakemake


def per_rule(results: Path) -> list[dict]:
    """Job wall and CPU seconds summed per rule from the run's benchmark files (read as costs.csv
    reads them; the rule is the file's folder under ``benchmarks/``, or its name)."""
    sums: dict[str, dict[str, float]] = defaultdict(lambda: {"jobs": 0, "wall_s": 0.0, "cpu_s": 0.0})
    for path in sorted((results / "benchmarks").rglob("*.tsv")):
        cost = read_benchmark(path)
        if cost is None:
            continue
        parts = path.relative_to(results / "benchmarks").parts
        rule = parts[0] if len(parts) > 1 else path.stem
        sums[rule]["jobs"] += 1
        sums[rule]["wall_s"] += cost["wall_s"]
        sums[rule]["cpu_s"] += cost["cpu_s"]
    rows = [
        {"rule": r, "jobs": int(v["jobs"]), "wall_s": round(v["wall_s"]), "cpu_s": round(v["cpu_s"])}
        for r, v in sums.items()
    ]
    return sorted(rows, key=lambda r: -r["wall_s"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=("replicate", "test"))
    parser.add_argument(
        "--keep", type=Path, help="clone here and keep it (default: a removed scratch folder)"
    )
    parser.add_argument(
        "--record", type=Path, help="where to write the record (default: benchmarks/measured/<target>.yaml)"
    )
    args = parser.parse_args()
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True
    )
    if status.stdout.strip():
        print(
            "newcomer: tracked files have uncommitted changes; the clone measures HEAD without them",
            flush=True,
        )
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="lsm-newcomer-") as temporary:
        folder = args.keep or Path(temporary)
        clone = folder / "clone"
        if clone.exists():
            shutil.rmtree(clone)
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
        env = clean_env()
        print(f"newcomer: {clone} at {commit[:7]}: make setup", flush=True)
        setup_s, code, _ = timed(["make", "setup"], clone, folder / "setup.log", env)
        if code:
            raise SystemExit(f"newcomer: make setup failed ({code}): see {folder / 'setup.log'}")
        print(f"newcomer: make setup took {setup_s:.0f} s; make {args.target}", flush=True)
        run_s, code, snakemake = timed(["make", args.target], clone, folder / f"{args.target}.log", env)
        output = (folder / f"{args.target}.log").read_text()
        memory_gib = round(psutil.virtual_memory().total / 2**30)
        record: dict = {
            "target": args.target,
            "commit": commit,
            "date": dt.date.today().isoformat(),
            "machine": f"{cpu_name()}, {os.cpu_count()} cores, {memory_gib} GiB",
            "conditions": "a fresh clone, nothing else running (benchmarks/newcomer.py)",
            "setup_s": round(setup_s),
            "run_s": round(run_s),
            "exit_status": code,
        }
        if args.target == "replicate":
            study = yaml.safe_load((clone / "params.yaml").read_text())["study"]
            steps = re.findall(r"^(\d+) of (\d+) steps \(100%\) done", output, flags=re.M)
            record["jobs"] = int(steps[0][1]) if steps else None
            if snakemake:
                total = snakemake["snakemake_cpu_s"] + snakemake["jobs_cpu_s"]
                record |= snakemake | {"snakemake_share": round(snakemake["snakemake_cpu_s"] / total, 3)}
                busy = snakemake["jobs_cpu_s"] / (run_s * (os.cpu_count() or 1))
                record["cpu_utilisation"] = round(busy, 3)  # the jobs' CPU over wall time x cores
            verify = [line for line in output.splitlines() if " items reproduced " in line]
            record["verify"] = verify[-1].split(": ", 1)[-1] if verify else None
            record["per_rule"] = per_rule(clone / "results" / study)
        else:
            summary = re.findall(r"^=+ (.*(?:passed|failed).*) =+$", output, flags=re.M)
            record["pytest"] = summary[-1] if summary else None
            slow = re.findall(r"^([\d.]+)s (setup|call|teardown)\s+(\S+)$", output, flags=re.M)
            record["slowest"] = [{"seconds": round(float(s)), "phase": p, "test": t} for s, p, t in slow[:8]]
        path = args.record or MEASURED / f"{args.target}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(record, sort_keys=False, width=100))
        print(
            yaml.safe_dump(
                {k: v for k, v in record.items() if k not in ("per_rule", "slowest")}, sort_keys=False
            )
        )
        print(f"newcomer: wrote {path}")
        if code:
            raise SystemExit(
                f"newcomer: make {args.target} failed ({code}): see {folder / f'{args.target}.log'}"
            )


if __name__ == "__main__":
    main()
