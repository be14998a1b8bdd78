"""Snakemake script: one row per results folder from their provenance.json (lsm.publish.provenance)."""

from lsm.data.io import write_text
from lsm.logs import run_logged
from lsm.publish.provenance import read_manifests, summary_table


def table(smk) -> None:
    write_text(smk.output.table, summary_table(read_manifests(smk.input.manifests)).to_csv(index=False))


run_logged(snakemake.log[0], table, snakemake)
