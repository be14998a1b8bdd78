"""Snakemake script: map one tile of one model at one reference date (lsm.maps.jobs.tile_job)."""

from lsm.logs import run_logged
from lsm.maps.jobs import tile_job


def main(smk) -> None:
    tile_job(
        smk.input.factors,
        smk.wildcards.model,
        list(smk.params.run_dirs),
        smk.input.summary,
        smk.params.study_dir,
        smk.wildcards.date,
        dict(smk.params.mapping),
        smk.output.tile,
        int(smk.wildcards.tile),
        threads=smk.threads,
        calibrators_csv=smk.input.calibrators,
        prevalence=smk.params.prevalence,
    )


run_logged(snakemake.log[0], main, snakemake)
