"""Snakemake script: train/test splits per validation scheme (lsm.prepare.splits_step)."""

from pathlib import Path

from lsm.logs import run_logged
from lsm.prepare import splits_step

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
