"""Snakemake script: the factor stack of the study (lsm.prepare.factors_step)."""

from pathlib import Path

from lsm.logs import run_logged
from lsm.prepare import factors_step

out = snakemake.output
run_logged(
    snakemake.log[0],
    factors_step,
    Path(snakemake.params.study_dir),
    dict(snakemake.params.config),
    Path(out.factors),
    Path(out.statistics),
    Path(out.collinearity),
)
