"""Writing tables: CSV for reading, a LaTeX tabular for the manuscript, both atomically.

The LaTeX file is a bare ``tabular`` (booktabs rules) with its caption as a comment on top: the
manuscript wraps it in a float whose caption comes from the artefact manifest, so that the caption
is written once (``workflow/report/<id>.rst``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lsm.data.io import write_text


def latex_tabular(table: pd.DataFrame, column_format: str | None = None) -> str:
    """``table`` as a booktabs tabular, text escaped, missing values empty."""
    return table.to_latex(index=False, escape=True, na_rep="", column_format=column_format)


def save_table(
    table: pd.DataFrame,
    csv: str | Path,
    tex: str | Path,
    caption: str,
    latex: pd.DataFrame | None = None,
    column_format: str | None = None,
) -> None:
    """Write ``table`` as CSV and a LaTeX tabular (``latex``, another layout for print, if given)."""
    write_text(csv, table.to_csv(index=False))
    comment = "".join(f"% {line}\n" for line in caption.splitlines())
    write_text(tex, comment + latex_tabular(table if latex is None else latex, column_format))
