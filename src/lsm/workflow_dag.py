"""The one place that reads Snakemake's job graph, whose calls are partly private.

Snakemake 9 has no public call that returns a workflow's jobs: `snakemake --dag` prints them and a
dry run logs them. The costs table, the audit, the no-stale tests and the benchmarks need them as
data, so this module builds the DAG through Snakemake's API and reads it through the few private
attributes named here (``WorkflowApi._workflow``, ``Workflow._prepare_dag`` / ``_build_dag``,
``DAG.jobs`` / ``dependencies`` / ``depending`` / ``_needrun``). Snakemake is pinned in the lock;
``tests/workflow/test_workflow_dag.py`` runs every function here on a small workflow of its own, so a
Snakemake that changes these internals fails there first, by name.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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


@dataclass(frozen=True)
class Plan:
    """What a dry run would do, by job name (``rule:first output``): the jobs that would run, the
    jobs downstream of each, each job's (params, files) text, and the jobs that run only to make
    again the temp() files a rerunning job consumes."""

    needrun: set[str]
    downstream: dict[str, set[str]]
    params: dict[str, tuple[str, str]]
    regenerated: set[str]


def job_key(job: Any) -> str:
    """``rule[wildcard=value,...]``: a job's name that stays the same from run to run."""
    wildcards = ",".join(f"{k}={v}" for k, v in sorted(dict(job.wildcards).items()))
    return f"{job.rule.name}[{wildcards}]"


@contextlib.contextmanager
def parsed_workflow(
    repo: Path, configfiles: Iterable[Path] = (), config: Mapping[str, Any] | None = None
) -> Iterator[Any]:
    """The workflow of ``repo`` parsed in this process (a dry-run session), with ``repo`` as the
    working directory meanwhile; yields Snakemake's WorkflowApi. One parse serves several DAGs
    while only files change (:func:`dry_run`)."""
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import ConfigSettings, OutputSettings, ResourceSettings

    settings = ConfigSettings(configfiles=[Path(c) for c in configfiles], config=dict(config or {}))
    with contextlib.chdir(repo), SnakemakeApi(OutputSettings(dryrun=True, quiet={"all"})) as api:
        yield api.workflow(
            resource_settings=ResourceSettings(cores=1),
            config_settings=settings,
            snakefile=repo / "Snakefile",
            workdir=repo,
        )


def rules(workflow_api: Any) -> list[Any]:
    """The parsed rules (Snakemake's Rule objects: ``.name``, ``.script``, ``.input``...)."""
    return list(workflow_api._workflow.rules)


def dry_run_dag(workflow_api: Any, forceall: bool = False) -> Any:
    """Snakemake's DAG after a dry run from the files on disk (built afresh at each call)."""
    from snakemake.settings.types import DAGSettings

    dag_api = workflow_api.dag(DAGSettings(forceall=forceall))
    dag_api.execute_workflow(executor="dryrun")
    return dag_api.workflow_api._workflow.dag


def dry_run(workflow_api: Any) -> Plan:
    """What a plain ``snakemake`` would run now, and why it could (see :class:`Plan`)."""
    from snakemake.io import is_flagged

    dag = dry_run_dag(workflow_api)
    name = {job: f"{job.rule.name}:{job.output[0] if job.output else ''}" for job in dag.jobs}
    return Plan(
        needrun={name[job] for job in dag._needrun},
        downstream={name[job]: {name[d] for d in dag.depending[job]} for job in dag.jobs},
        params={
            name[job]: (
                repr(dict(job.params.items())),
                repr(sorted(map(str, job.input))) + repr(sorted(map(str, job.output))),
            )
            for job in dag.jobs
        },
        regenerated={
            name[job]
            for job in dag._needrun
            if job.output
            and all(is_flagged(f, "temp") for f in job.output)
            and any(d in dag._needrun for d in dag.depending[job])
        },
    )


def workflow_jobs(
    workdir: Path, config: Mapping[str, Any] | None = None, targets: Iterable[str] = ("all",)
) -> list[JobNode]:
    """Every job that ``snakemake --forceall <targets>`` would run in ``workdir``, with ``config``
    (the run's whole configuration, so that overrides such as ``--configfile`` are kept). Built as
    ``Workflow.printdag`` builds it, which also works where a lock or incomplete files would stop a
    dry run."""
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
                key=job_key(job),
                rule=job.rule.name,
                inputs=tuple(str(f) for f in job.input),
                outputs=tuple(str(f) for f in job.output),
                benchmark=str(job.benchmark) if job.benchmark else None,
                needs=tuple(sorted({job_key(d) for d in dag.dependencies[job]})),
                logs=tuple(str(f) for f in job.log),
                temporary=tuple(str(f) for f in job.output if is_flagged(f, "temp")),
            )
            for job in dag.jobs
        ]
