"""Snakemake script: one table of all runs' test metrics, and what was skipped and why."""

from lsm.data.io import write_json, write_text
from lsm.evaluate.metrics import runs_table
from lsm.logs import run_logged


def table(smk) -> None:
    write_text(smk.output.runs, runs_table(smk.input.metrics).to_csv(index=False, float_format="%.6f"))
    write_text(smk.output.ablation, runs_table(smk.input.ablation).to_csv(index=False, float_format="%.6f"))
    skipped = {"models": dict(smk.params.skipped), "schemes": dict(smk.params.skipped_schemes)}
    write_json(smk.output.skipped, skipped)


run_logged(snakemake.log[0], table, snakemake)
