"""Snakemake script: one table of all runs' test metrics, and what was skipped and why."""

import json

from lsm.evaluate import runs_table
from lsm.io import write_text
from lsm.logs import run_logged


def table(smk) -> None:
    write_text(smk.output.runs, runs_table(smk.input.metrics).to_csv(index=False, float_format="%.6f"))
    write_text(smk.output.ablation, runs_table(smk.input.ablation).to_csv(index=False, float_format="%.6f"))
    skipped = {"models": dict(smk.params.skipped), "schemes": dict(smk.params.skipped_schemes)}
    write_text(smk.output.skipped, json.dumps(skipped, indent=2) + "\n")


run_logged(snakemake.log[0], table, snakemake)
