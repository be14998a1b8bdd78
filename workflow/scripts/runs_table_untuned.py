"""Snakemake script: one table of the untuned runs' test metrics (the grid with the settings of models:)."""

from lsm.data.io import write_text
from lsm.evaluate.metrics import runs_table
from lsm.logs import run_logged


def table(smk) -> None:
    write_text(smk.output.runs, runs_table(smk.input.metrics).to_csv(index=False, float_format="%.6f"))


run_logged(snakemake.log[0], table, snakemake)
