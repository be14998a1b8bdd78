"""The tiny study run locally and on a one-node SLURM cluster of this machine, side by side.

Prints, measured in this run: the jobs each run executed (locally, or submitted through sbatch plus
those of the local rules), the wall time of each, their ratio, and whether the numbers agree byte
for byte. Needs root and Debian's slurm-wlm and munge (the cluster is the one of tests/local_slurm.py,
started for this run and stopped after it).

    .venv/bin/python benchmarks/slurm.py [--workdir DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers import copy_repo, numeric_outputs, run, snakemake_jobs  # noqa: E402
from tests.local_slurm import local_slurm, missing, slurm_command, submitted_jobs  # noqa: E402


def timed(
    cmd: list[str], repo: Path, extra_env: dict[str, str] | None = None
) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    done = run(cmd, repo, extra_env=extra_env)
    return time.perf_counter() - start, snakemake_jobs(done.stdout + done.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workdir", type=Path, help="where the copies and the cluster go (default: a temp dir)"
    )
    args = parser.parse_args()
    reason = missing()
    if reason:
        sys.exit(f"benchmarks/slurm.py: {reason}")
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        tmp = Path(tmp)
        local_repo, slurm_repo = copy_repo(tmp / "local"), copy_repo(tmp / "slurm")
        print("tiny study, local run (snakemake --cores 2) ...", flush=True)
        local_s, local_jobs = timed(["snakemake", "--cores", "2"], local_repo)
        print("tiny study, SLURM run (workflow/profiles/slurm) ...", flush=True)
        with local_slurm(tmp / "cluster") as env:
            slurm_s, slurm_jobs = timed(slurm_command(), slurm_repo, {"SLURM_CONF": env["SLURM_CONF"]})
            sbatch_jobs = len(submitted_jobs(env))
        study = next((local_repo / "results").iterdir()).name
        same = numeric_outputs(local_repo / "results" / study) == numeric_outputs(
            slurm_repo / "results" / study
        )
    total_local, total_slurm = sum(local_jobs.values()), sum(slurm_jobs.values())
    print(f"{'run':<8}{'jobs':>6}{'via sbatch':>12}{'wall s':>9}")
    print(f"{'local':<8}{total_local:>6}{'-':>12}{local_s:>9.0f}")
    print(f"{'SLURM':<8}{total_slurm:>6}{sbatch_jobs:>12}{slurm_s:>9.0f}")
    print(f"SLURM / local wall time: {slurm_s / local_s:.2f}; numbers identical: {same}")


if __name__ == "__main__":
    main()
