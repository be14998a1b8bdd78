"""The register of the paper's open choices (:mod:`lsm.evaluate.open_choices`) as the documentation's
table (a generated block of docs/methods.md, rendered by ``lsm readme``) and as the manuscript's
(a LaTeX macro written by the ``paper_macros`` rule)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lsm.data.io import read_yaml
from lsm.evaluate.open_choices import OpenChoice, load_open_choices, shown
from lsm.publish.artefacts import latex_escape

START = "<!-- open choices: written by `lsm readme` from paper/open_choices.yaml, do not edit -->"
END = "<!-- /open choices -->"
BLOCK = re.compile(re.escape(START) + r"\n.*?" + re.escape(END), re.DOTALL)


def _cell(text: Any) -> str:
    return shown(text).replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def markdown_table(choices: list[OpenChoice]) -> str:
    """One row per choice: what the paper says, the value used and where it is set, why, the range."""
    lines = [
        "| choice | the paper says | used here | why | a careful replicator could choose |",
        "|---|---|---|---|---|",
    ]
    for c in choices:
        source = f" Source: {_cell(c.source)}" if c.source else ""
        used = f"**{_cell(c.used)}** (`{c.home}`)"
        alternatives = "; ".join(_cell(value) for value in c.range)
        lines.append(
            f"| {_cell(c.choice)} | {_cell(c.paper)} | {used} | {_cell(c.why)}{source} | {alternatives} |"
        )
    return "\n".join(lines)


def rendered_open_choices(text: str, register: Path, params: Path) -> str:
    """``text`` with its open-choices block (if any) rendered from ``register`` and the values of
    ``params`` (params.yaml)."""
    if not BLOCK.search(text):
        return text
    table = markdown_table(load_open_choices(register, read_yaml(params)))
    return BLOCK.sub(lambda _: f"{START}\n{table}\n{END}", text)


def latex_table(choices: list[OpenChoice]) -> str:
    """The register as a LaTeX tabular (ASCII: pdfLaTeX reads it): choice, used here, the range
    (ragged right: the manuscript loads array and booktabs)."""
    rows = [
        rf"{latex_escape(c.choice)} & {latex_escape(shown(c.used))} & "
        rf"{latex_escape('; '.join(shown(value) for value in c.range))} \\"
        for c in choices
    ]
    return (
        r"\begin{tabular}{" + r">{\raggedright\arraybackslash}p{0.3\linewidth}" * 3 + "}"
        r"\toprule Choice & Used here & A careful replicator could choose \\ \midrule "
        + " ".join(rows)
        + r" \bottomrule\end{tabular}"
    )
