"""Snakemake script: every model's area of applicability at one date
(lsm.maps.applicability.applicability_job)."""

from lsm.logs import run_logged
from lsm.maps.applicability import applicability_job


def main(smk) -> None:
    models = list(smk.params.models)
    applicability_job(
        smk.input.factors,
        (smk.input.samples, smk.input.tensors, smk.input.summary),
        smk.input.splits,
        smk.input.splits_info,
        smk.input.importance,
        smk.params.study_dir,
        smk.wildcards.date,
        dict(smk.params.mapping),
        {model: list(files) for model, files in dict(smk.params.spatial_predictions).items()},
        dict(zip(models, smk.output.dissimilarity, strict=True)),
        dict(zip(models, smk.output.masks, strict=True)),
        smk.output.table,
    )


run_logged(snakemake.log[0], main, snakemake)
