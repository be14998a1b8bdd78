"""Snakemake script: the realism report of the study beside the reference studies (lsm.data.realism)."""

from lsm.data.realism import realism_with_references
from lsm.logs import run_logged


def main(smk) -> None:
    realism_with_references(
        smk.params.study_dir,
        smk.input.factors,
        dict(smk.params.grid),
        list(smk.params.references),
        smk.output.realism,
        river_area_km2=float(smk.params.river_area_km2),
    )


run_logged(snakemake.log[0], main, snakemake)
