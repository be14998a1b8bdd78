"""Snakemake script: class shares, rate curves and map summaries in one table each."""

from lsm.logs import run_logged
from lsm.maps.jobs import collect_tables


def main(smk) -> None:
    collect_tables(
        list(smk.input.class_tables),
        list(smk.input.curves),
        list(smk.input.summaries),
        list(smk.input.class_changes),
        dict(smk.output.items()),
    )


run_logged(snakemake.log[0], main, snakemake)
