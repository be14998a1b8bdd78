"""Snakemake script: the study's plan (lsm.plan) as results/<study>/plan.json."""

from lsm.data.io import write_json
from lsm.logs import run_logged


def write(smk) -> None:
    write_json(smk.output.plan, dict(smk.params.plan))


run_logged(snakemake.log[0], write, snakemake)
