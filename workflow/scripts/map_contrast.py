"""Snakemake script: claim C4 on the CNN-LSTM's map (lsm.maps.contrast.contrast_job)."""

from lsm.logs import run_logged
from lsm.maps.contrast import contrast_job


def main(smk) -> None:
    evaluation = smk.params.evaluation
    contrast_job(
        smk.input.classes,
        smk.input.factors,
        smk.params.study_dir,
        smk.params.date_label,
        int(smk.params.window_days),
        float(evaluation["reservoir_reach_m"]),
        int(smk.params.patch_size),
        int(evaluation["bootstrap"]),
        int(evaluation["seed"]),
        smk.output.contrast,
    )


run_logged(snakemake.log[0], main, snakemake)
