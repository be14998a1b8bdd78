"""Snakemake script: claim C4 on the CNN-LSTM's maps (lsm.maps.contrast.contrast_job)."""

from lsm.logs import run_logged
from lsm.maps.contrast import DatedMap, contrast_job


def main(smk) -> None:
    evaluation = smk.params.evaluation
    maps = [
        DatedMap(label, classes, probability)
        for label, classes, probability in zip(
            smk.params.date_labels, smk.input.classes, smk.input.probability, strict=True
        )
    ]
    contrast_job(
        maps,
        smk.input.factors,
        smk.params.study_dir,
        int(smk.params.window_days),
        float(evaluation["reservoir_reach_m"]),
        int(smk.params.patch_size),
        int(evaluation["bootstrap"]),
        int(evaluation["seed"]),
        smk.output.contrast,
    )


run_logged(snakemake.log[0], main, snakemake)
