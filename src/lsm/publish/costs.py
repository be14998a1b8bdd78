"""The command and the cost of every result: for each figure, table and the claims, the command that
rebuilds it alone and what that costs, summed over the jobs it needs (``results/<study>/costs.csv``).

The jobs each result needs come from Snakemake's own DAG of the workflow (built through its API, as
``snakemake --forceall --dag`` does, so the closure is exactly what ``--forceall <target>`` runs);
their costs from the ``benchmark:`` files the run wrote (wall seconds, CPU seconds, peak resident
memory). Light rules keep no benchmark file: the table says how many of the jobs had one.

The DAG is read through ``snakemake.workflow.Workflow._prepare_dag`` and ``_build_dag`` (what
``Workflow.printdag`` calls; Snakemake 9.27 has no public call that returns the jobs), so a change of
Snakemake's internals shows here first: ``tests/publish/test_costs.py`` checks the closure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

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


@dataclass(frozen=True)
class JobNode:
    """One job of the DAG: its rule and wildcards, inputs, outputs, log and benchmark files and the
    jobs it needs."""

    key: str
    rule: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    benchmark: str | None
    needs: tuple[str, ...]
    logs: tuple[str, ...] = ()
    temporary: tuple[str, ...] = ()  # outputs Snakemake removes once their consumers ran (temp())

    @property
    def written(self) -> tuple[str, ...]:
        """Every file the job writes: outputs, logs and its benchmark file."""
        return (*self.outputs, *self.logs, *([self.benchmark] if self.benchmark else []))


def _key(job: Any) -> str:
    wildcards = ",".join(f"{k}={v}" for k, v in sorted(dict(job.wildcards).items()))
    return f"{job.rule.name}[{wildcards}]"


def workflow_jobs(
    workdir: Path, config: Mapping[str, Any] | None = None, targets: Iterable[str] = ("all",)
) -> list[JobNode]:
    """Every job that ``snakemake --forceall <targets>`` would run in ``workdir``, with ``config``
    (the run's whole configuration, so that overrides such as ``--configfile`` are kept)."""
    from snakemake.api import SnakemakeApi
    from snakemake.io import is_flagged
    from snakemake.settings.types import (
        ConfigSettings,
        DAGSettings,
        DeploymentSettings,
        OutputSettings,
        ResourceSettings,
        StorageSettings,
        WorkflowSettings,
    )

    with SnakemakeApi(OutputSettings(quiet={"all"})) as api:
        workflow_api = api.workflow(
            resource_settings=ResourceSettings(cores=1),
            config_settings=ConfigSettings(config=dict(config or {})),
            storage_settings=StorageSettings(),
            workflow_settings=WorkflowSettings(),
            deployment_settings=DeploymentSettings(),
            snakefile=workdir / "Snakefile",
            workdir=workdir,
        )
        dag_api = workflow_api.dag(DAGSettings(targets=set(targets), forceall=True))
        workflow = workflow_api._workflow
        workflow.dag_settings = dag_api.dag_settings
        workflow._prepare_dag(forceall=True, ignore_incomplete=True, lock_warn_only=True)
        workflow._build_dag()
        dag = workflow.dag
        return [
            JobNode(
                key=_key(job),
                rule=job.rule.name,
                inputs=tuple(str(f) for f in job.input),
                outputs=tuple(str(f) for f in job.output),
                benchmark=str(job.benchmark) if job.benchmark else None,
                needs=tuple(sorted({_key(d) for d in dag.dependencies[job]})),
                logs=tuple(str(f) for f in job.log),
                temporary=tuple(str(f) for f in job.output if is_flagged(f, "temp")),
            )
            for job in dag.jobs
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
