"""Tables written twice (lsm.publish.tables): CSV for reading, a LaTeX tabular for the manuscript."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lsm.publish.tables import save_table


def test_a_table_as_csv_and_as_an_escaped_tabular(tmp_path: Path) -> None:
    table = pd.DataFrame({"model": ["CNN-LSTM", "RF_1"], "share %": [74.2, np.nan], "note": ["a & b", "x"]})
    save_table(table, tmp_path / "t.csv", tmp_path / "t.tex", "Class shares\nof the map")
    assert pd.read_csv(tmp_path / "t.csv").equals(table)
    tex = (tmp_path / "t.tex").read_text()
    assert tex.startswith("% Class shares\n% of the map\n\\begin{tabular}")
    assert r"RF\_1" in tex and r"share \%" in tex and r"a \& b" in tex
    assert "\\toprule" in tex and "nan" not in tex.lower()  # a missing value is an empty cell


def test_another_layout_for_print(tmp_path: Path) -> None:
    table = pd.DataFrame({"a": [1, 2], "b": [3, 4]})
    save_table(table, tmp_path / "t.csv", tmp_path / "t.tex", "x", latex=table[["b"]], column_format="r")
    tex = (tmp_path / "t.tex").read_text()
    assert "\\begin{tabular}{r}" in tex and " a " not in tex
    assert list(pd.read_csv(tmp_path / "t.csv").columns) == ["a", "b"]
