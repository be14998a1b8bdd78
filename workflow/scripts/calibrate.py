"""Snakemake script: calibration and thresholds of every run of one scheme
(lsm.evaluate.calibration_runs.calibrate_scheme)."""

from lsm.evaluate.calibration_runs import calibrate_scheme
from lsm.logs import run_logged


def main(smk) -> None:
    calibrate_scheme(
        (smk.input.samples, smk.input.tensors, smk.input.summary),
        smk.input.splits,
        smk.wildcards.scheme,
        {model: list(dirs) for model, dirs in smk.params.run_dirs.items()},
        smk.input.reported,
        dict(smk.output.items()),
        bins=int(smk.params.bins),
    )


run_logged(snakemake.log[0], main, snakemake)
