"""Snakemake script: map one tile of one model at one reference date (lsm.maps.jobs.tile_job)."""

from lsm.logs import run_logged
from lsm.maps.jobs import tile_job


def main(smk) -> None:
    tile_job(
        smk.input.factors,
        list(smk.params.run_dirs),
        smk.input.summary,
        smk.params.study_dir,
        smk.wildcards.date,
        dict(smk.params.mapping),
        smk.output.tile,
        int(smk.wildcards.tile),
        threads=smk.threads,
    )


run_logged(snakemake.log[0], main, snakemake)
