"""What the jobs of a run pay before they do any work: the start-up of each kind of job, summed
over the jobs of a plan, beside the CPU its jobs took in a finished run.

For every rule of the plan (a dry run of the tiny study, or ``--study default``) the CPU seconds of a
fresh Python process that only imports what the rule's script imports (and, for a notebook rule,
what its notebook imports, plus papermill's kernel: an empty notebook executed through papermill),
the median of ``--repeat`` processes. Modules a script imports inside a function (torch in a map
tile's prediction) are not counted, nor Snakemake's own preamble of a script job (about 0.8 CPU s,
measured here by forcing one small job). Printed per rule: jobs, start-up per job, start-up of all its
jobs; then the plan's total start-up and, with ``--run RESULTS`` (a finished run's results folder),
the ratio of that start-up to the CPU its jobs measured (``benchmarks/*.tsv``). This is where
fewer, larger jobs or lighter imports would save time (issue #45), measured in one run.

    python benchmarks/startup.py                              # the tiny study's plan
    python benchmarks/startup.py --run results/tiny           # and the share of a finished run's CPU
"""

from __future__ import annotations

import argparse
import ast
import csv
import resource
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lsm.workflow_dag import dry_run_dag, parsed_workflow, rules  # noqa: E402

EMPTY_NOTEBOOK = '# %% tags=["parameters"]\nx = 1\n# %%\nprint(x)\n'


def import_lines(path: Path) -> str:
    """The module-level import statements of a script or jupytext notebook, as one program."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    keep = [n for n in imports if getattr(n, "module", None) != "__future__"]
    return "\n".join(ast.unparse(n) for n in keep) or "pass"


def child_cpu(program: str, *args: str) -> float:
    """CPU seconds (user + system) of a fresh interpreter running ``program`` with ``args``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", program, *args], check=True, cwd=REPO)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_cpu(program: str, repeat: int, *args: str) -> float:
    return statistics.median(child_cpu(program, *args) for _ in range(repeat))


def kernel_cpu(repeat: int) -> float:
    """CPU of an empty notebook executed by papermill beyond papermill's own import (the kernel)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "empty.py"
        source.write_text(EMPTY_NOTEBOOK)
        run = (
            "import sys, jupytext, papermill\n"
            "nb = jupytext.read(sys.argv[1])\n"
            "spec = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}\n"
            "nb.metadata['kernelspec'] = spec\n"
            "papermill.execute_notebook(nb, sys.argv[2], progress_bar=False)\n"
        )
        executed = median_cpu(run, repeat, str(source), str(Path(folder) / "out.ipynb"))
        return executed - median_cpu("import jupytext, papermill", repeat)


def plan(configfiles: tuple[Path, ...]) -> tuple[Counter[str], dict[str, tuple[str | None, str | None]]]:
    """Jobs per rule of a dry run from scratch, and each rule's script and notebook."""
    with parsed_workflow(REPO, configfiles) as workflow:
        jobs = Counter(job.rule.name for job in dry_run_dag(workflow, forceall=True).jobs)
        code = {
            rule.name: (rule.script and Path(rule.script).name, rule.input.get("notebook"))
            for rule in rules(workflow)
        }
    return jobs, code


def measured_cpu(results: Path) -> float:
    """The CPU seconds the benchmarked jobs of a finished run took (every ``*.tsv`` under benchmarks/)."""
    total = 0.0
    for path in (results / "benchmarks").rglob("*.tsv"):
        with path.open() as handle:
            total += sum(float(row["cpu_time"] or 0) for row in csv.DictReader(handle, delimiter="\t"))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--study", choices=("tiny", "default"), default="tiny")
    parser.add_argument("--run", type=Path, help="a finished run's results folder, for the share of its CPU")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    configfiles = (REPO / ".test" / "params.yaml",) if args.study == "tiny" else ()
    jobs, code = plan(configfiles)
    baseline = median_cpu("pass", args.repeat)
    kernel = kernel_cpu(args.repeat)
    print(f"python alone {baseline:.2f} CPU s; papermill's kernel {kernel:.2f} CPU s per notebook job")
    print(f"{'rule':32} {'jobs':>5} {'per job':>8} {'all jobs':>9}")
    cache: dict[tuple[str | None, str | None], float] = {}
    total = 0.0
    for rule, count in sorted(jobs.items(), key=lambda item: -item[1]):
        script, notebook = code.get(rule, (None, None))
        if not script:
            continue
        if (script, notebook) not in cache:
            program = import_lines(REPO / "workflow" / "scripts" / script)
            cost = median_cpu(program, args.repeat)
            if notebook:
                cost += median_cpu(import_lines(REPO / notebook), args.repeat) + kernel
            cache[(script, notebook)] = cost
        cost = cache[(script, notebook)]
        total += cost * count
        print(f"{rule:32} {count:5d} {cost:8.2f} {cost * count:9.1f}")
    jobs_count = sum(jobs.values())
    print(f"start-up of the plan's {jobs_count} jobs: {total:.0f} CPU s (without Snakemake's preamble)")
    if args.run:
        cpu = measured_cpu(args.run)
        print(f"CPU of the run's benchmarked jobs: {cpu:.0f} s; start-up / job CPU = {total / cpu:.2f}")


if __name__ == "__main__":
    main()
