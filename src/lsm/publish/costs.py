"""The command and the cost of every result: for each figure, table and the claims, the command that
rebuilds it alone and what that costs, summed over the jobs it needs (``results/<study>/costs.csv``).

The jobs each result needs come from Snakemake's own DAG of the workflow (built through its API, as
``snakemake --forceall --dag`` does, so the closure is exactly what ``--forceall <target>`` runs);
their costs from the ``benchmark:`` files the run wrote (wall seconds, CPU seconds, peak resident
memory). Light rules keep no benchmark file: the table says how many of the jobs had one.

The DAG is read through :mod:`lsm.workflow_dag`, the one module that touches Snakemake's internals;
``tests/publish/test_costs.py`` checks the closure against Snakemake's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from lsm.workflow_dag import JobNode

COLUMNS = [
    "result",
    "target",
    "command",
    "jobs",
    "jobs_with_benchmark",
    "wall_s_summed",
    "cpu_s",
    "peak_memory_mb",
]


def needed_jobs(jobs: Iterable[JobNode], target: str) -> list[JobNode]:
    """The job that makes ``target`` and every job it needs, directly or not."""
    by_key = {job.key: job for job in jobs}
    maker = next((job for job in by_key.values() if target in job.outputs), None)
    if maker is None:
        raise KeyError(f"no job of the workflow makes {target}")
    seen: dict[str, JobNode] = {}
    todo = [maker.key]
    while todo:
        key = todo.pop()
        if key not in seen:
            seen[key] = by_key[key]
            todo += seen[key].needs
    return list(seen.values())


def read_benchmark(path: str | Path) -> dict[str, float] | None:
    """Wall seconds, CPU seconds and peak memory (MB) of one benchmark file; None if absent."""
    path = Path(path)
    if not path.is_file():
        return None
    table = pd.read_csv(path, sep="\t")
    if table.empty:
        return None
    row = table.iloc[-1]  # a repeated benchmark keeps one line per repeat; the last is the run's
    rss = pd.to_numeric(pd.Series([row.get("max_rss")]), errors="coerce").iloc[0]
    return {"wall_s": float(row["s"]), "cpu_s": float(row["cpu_time"]), "rss_mb": float(rss)}


def costs_table(jobs: list[JobNode], results: Mapping[str, str], root: Path) -> pd.DataFrame:
    """Per result (name -> target file): the command that rebuilds it alone and its summed cost."""
    rows = []
    for name, target in results.items():
        needed = needed_jobs(jobs, target)
        costs = [c for c in (read_benchmark(root / j.benchmark) for j in needed if j.benchmark) if c]
        rows.append(
            {
                "result": name,
                "target": target,
                "command": f"snakemake --cores all --forceall {target}",
                "jobs": len(needed),
                "jobs_with_benchmark": len(costs),
                "wall_s_summed": round(sum(c["wall_s"] for c in costs), 1),
                "cpu_s": round(sum(c["cpu_s"] for c in costs), 1),
                "peak_memory_mb": round(max((c["rss_mb"] for c in costs), default=float("nan")), 0),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
