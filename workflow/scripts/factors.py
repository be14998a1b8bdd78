"""Snakemake script: the factor stack of the study (lsm.data.prepare.factors_step)."""

from pathlib import Path

from lsm.data.prepare import factors_step
from lsm.logs import run_logged

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
