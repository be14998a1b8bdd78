"""Snakemake script: the study's plan (lsm.plan) as results/<study>/plan.json."""

import json

from lsm.io import write_text
from lsm.logs import run_logged


def write(smk) -> None:
    write_text(smk.output.plan, json.dumps(dict(smk.params.plan), indent=2) + "\n")


run_logged(snakemake.log[0], write, snakemake)
