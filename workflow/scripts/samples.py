"""Snakemake script: samples with patches, sequences and tabular rows (lsm.data.prepare.samples_step)."""

from pathlib import Path

from lsm.data.prepare import samples_step
from lsm.logs import run_logged

out = snakemake.output
run_logged(
    snakemake.log[0],
    samples_step,
    Path(snakemake.params.study_dir),
    dict(snakemake.params.config),
    Path(snakemake.input.factors),
    Path(out.samples),
    Path(out.tensors),
    Path(out.summary),
    Path(out.balance),
    dict(snakemake.params.plan),
)
