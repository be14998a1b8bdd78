"""Snakemake script: mosaic, classify and summarise one model's map (lsm.maps.jobs.gather_job)."""

from lsm.logs import run_logged
from lsm.maps.jobs import gather_job


def main(smk) -> None:
    gather_job(
        list(smk.input.tiles),
        smk.input.factors,
        smk.input.samples,
        smk.input.splits,
        smk.params.study_dir,
        smk.input.summary,
        smk.wildcards.model,
        smk.wildcards.date,
        dict(smk.params.mapping),
        dict(smk.output.items()),
    )


run_logged(snakemake.log[0], main, snakemake)
