"""Snakemake script: calibration scores, threshold metrics and reliability points over seeds
(lsm.evaluate.calibration_runs.summarise_calibration)."""

from lsm.evaluate.calibration_runs import summarise_calibration
from lsm.logs import run_logged


def main(smk) -> None:
    summarise_calibration(
        list(smk.input.scores),
        list(smk.input.thresholds),
        list(smk.input.reliability),
        dict(smk.output.items()),
    )


run_logged(snakemake.log[0], main, snakemake)
