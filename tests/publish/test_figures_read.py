"""Every figure of the tiny run, drawn again from its executed notebook (the cells and the parameters
papermill ran, read as data), checked as a reader sees it: no text over another text or off the
figure (:func:`lsm.publish.plots.style.text_overlaps`) and no bar or point outside its axes
(:func:`lsm.publish.plots.style.hidden_values`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import nbformat
import pytest
import yaml

from lsm.publish.plots import style
from tests.helpers import finished_copy

# Problems known and not fixed yet, by figure (issue #42): a figure that shows a problem not listed
# here fails, and a listed problem that is gone must be removed from the list. None on the tiny study.
KNOWN: dict[str, set[str]] = {}


def draw_again(notebook: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The problems of every figure the notebook saves, its code run again in ``workdir``."""
    problems: list[str] = []

    def check(fig: Any, paths: Any, dpi: int = 200) -> None:
        problems.extend(style.text_overlaps(fig) + style.hidden_values(fig) + style.legends_over_data(fig))
        plt.close(fig)

    monkeypatch.setattr(style, "save_figure", check)
    monkeypatch.chdir(workdir)
    namespace: dict[str, Any] = {"__name__": "__notebook__"}
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, str(notebook), "exec"), namespace)  # the notebook's own code
    return problems


def test_every_figure_of_the_tiny_run_reads_cleanly(tiny_run: Path, tmp_path: Path, monkeypatch) -> None:
    repo = finished_copy(tiny_run, tmp_path / "repo")  # a notebook may write beside its figure
    study = yaml.safe_load((repo / "params.yaml").read_text())["study"]
    notebooks = sorted((repo / "results" / study / "notebooks").glob("fig*.ipynb"))
    assert len(notebooks) >= 15
    found = {nb.stem: set(draw_again(nb, repo, monkeypatch)) for nb in notebooks}
    new = {name: problems - KNOWN.get(name, set()) for name, problems in found.items()}
    gone = {name: problems - found.get(name, set()) for name, problems in KNOWN.items()}
    assert not any(new.values()), {name: sorted(p) for name, p in new.items() if p}
    assert not any(gone.values()), f"fixed, remove from KNOWN: {gone}"
