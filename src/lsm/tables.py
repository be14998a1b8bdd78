"""Writing tables: CSV for reading, LaTeX for the manuscript, both atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lsm.io import write_text


def save_table(table: pd.DataFrame, csv: str | Path, tex: str | Path, caption: str) -> None:
    write_text(csv, table.to_csv(index=False))
    latex = table.to_latex(index=False, caption=caption, escape=True, longtable=False)
    write_text(tex, latex)
