"""Snakemake script: the provenance of the results as LaTeX macros (lsm.publish.macros.provenance_tex)."""

from lsm.data.io import write_text
from lsm.logs import run_logged
from lsm.publish.macros import provenance_tex
from lsm.publish.provenance import read_manifests


def write(smk) -> None:
    write_text(smk.output.provenance, provenance_tex(read_manifests(smk.input.manifests)))


run_logged(snakemake.log[0], write, snakemake)
