"""Snakemake script: the manuscript's numbers as LaTeX macros (lsm.publish.paper.macros)."""

import logging
from pathlib import Path

from lsm.data.io import write_text
from lsm.logs import run_logged
from lsm.publish.macros import macros


def write_macros(smk) -> None:
    inputs = {name: Path(path) for name, path in smk.input.items() if name != "code"}
    result = macros(inputs, smk.params.config, smk.params.study)
    write_text(smk.output.macros, result.tex(", ".join(str(p) for p in inputs.values())))
    logging.getLogger("lsm").info("%d macros written to %s", len(result), smk.output.macros)


run_logged(snakemake.log[0], write_macros, snakemake)
