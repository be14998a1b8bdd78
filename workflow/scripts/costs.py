"""Snakemake script: results/<study>/costs.csv, the command and cost of every result (lsm.publish.costs)."""

from pathlib import Path

from lsm.data.io import write_text
from lsm.logs import run_logged
from lsm.publish.costs import costs_table
from lsm.workflow_dag import workflow_jobs


def costs(smk) -> None:
    root = Path.cwd()
    jobs = workflow_jobs(root, config=smk.params.config)
    write_text(smk.output.table, costs_table(jobs, smk.params.results, root).to_csv(index=False))


run_logged(snakemake.log[0], costs, snakemake)
