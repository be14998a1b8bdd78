"""Snakemake script: train/test splits per validation scheme (lsm.data.prepare.splits_step)."""

from pathlib import Path

from lsm.data.prepare import splits_step
from lsm.logs import run_logged

run_logged(
    snakemake.log[0],
    splits_step,
    dict(snakemake.params.config),
    Path(snakemake.input.samples),
    Path(snakemake.input.summary),
    Path(snakemake.output.splits),
    Path(snakemake.output.info),
    list(snakemake.params.schemes),
)
