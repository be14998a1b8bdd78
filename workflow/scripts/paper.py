"""Snakemake script: build the manuscript with latexmk (lsm.publish.paper.build_pdf)."""

import logging

from lsm.logs import run_logged
from lsm.publish.paper import build_pdf


def build(smk) -> None:
    pages = build_pdf(smk.input.manuscript, smk.params.results, smk.output.pdf, smk.params.latexmk_log)
    logging.getLogger("lsm").info("%s: %d pages", smk.output.pdf, pages)


run_logged(snakemake.log[0], build, snakemake)
