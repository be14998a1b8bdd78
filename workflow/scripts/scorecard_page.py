"""Snakemake script: the report's landing page, the answer first (lsm.publish.answer.answer_rst)."""

from pathlib import Path

from lsm.data.io import read_yaml, write_text
from lsm.logs import run_logged
from lsm.publish.answer import answer_rst
from lsm.publish.findings import scorecard


def write(smk) -> None:
    findings = scorecard(
        smk.params.study, Path(smk.input.summary), Path(smk.input.comparisons), Path(smk.input.claims)
    )
    figures = dict(zip(smk.params.titles, map(Path, smk.input.figures), strict=True))
    intro = Path(smk.input.intro).read_text()
    write_text(smk.output.page, answer_rst(findings, read_yaml(smk.input.reported), figures, intro))


run_logged(snakemake.log[0], write, snakemake)
