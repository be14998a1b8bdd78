"""The papermill notebook pattern, run through its Snakemake rule on the tiny study."""

from __future__ import annotations

import json

import pytest
import yaml

from lsm.errors import InputError
from lsm.notebooks import run_notebook

pytestmark = pytest.mark.integration


def test_figure_rule_writes_png_pdf_and_executed_notebook(tiny_results) -> None:
    png = tiny_results / "figures" / "fig00_paper_reported.png"
    pdf = tiny_results / "figures" / "fig00_paper_reported.pdf"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    executed = json.loads((tiny_results / "notebooks" / "fig00_paper_reported.ipynb").read_text())
    recorded = yaml.safe_load(
        (tiny_results / "notebooks" / "fig00_paper_reported.parameters.yaml").read_text()
    )
    papermill = executed["metadata"]["papermill"]
    assert papermill["parameters"] == recorded
    assert papermill["parameters"]["dpi"] == 60  # the tiny study's value, not the default 200
    assert papermill["parameters"]["outputs"]["png"].endswith("figures/fig00_paper_reported.png")
    assert papermill["exception"] in (None, False)
    injected = [c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1


def test_png_resolution_follows_dpi(tiny_results) -> None:
    from PIL import Image

    with Image.open(tiny_results / "figures" / "fig00_paper_reported.png") as img:
        width_in = img.size[0] / 60
    assert 6.0 < width_in < 8.5  # the figure is about 7 in wide at the tiny study's 60 dpi


def test_notebook_without_parameters_cell_is_rejected(tmp_path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text("# %%\nx = 1\n")
    params = tmp_path / "p.yaml"
    params.write_text("x: 2\n")
    with pytest.raises(InputError, match="no cell tagged 'parameters'"):
        run_notebook(nb, params, tmp_path / "out.ipynb")
    assert not (tmp_path / "out.ipynb").exists()


def test_failing_notebook_leaves_no_output(tmp_path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text('# %% tags=["parameters"]\nx = 1\n\n# %%\nraise ValueError(x)\n')
    params = tmp_path / "p.yaml"
    params.write_text("x: 2\n")
    with pytest.raises(Exception, match="ValueError"):
        run_notebook(nb, params, tmp_path / "out.ipynb", cwd=tmp_path)
    assert not (tmp_path / "out.ipynb").exists()
    assert (tmp_path / "out.failed.ipynb").exists()


@pytest.mark.parametrize(
    "name", ["fig01_study_area", "fig02_forcing_series", "fig03_factors", "fig04_samples"]
)
def test_study_figures_are_made_from_the_study_files(tiny_results, name: str) -> None:
    assert (tiny_results / "figures" / f"{name}.png").stat().st_size > 10_000
    assert (tiny_results / "figures" / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
    params = yaml.safe_load((tiny_results / "notebooks" / f"{name}.parameters.yaml").read_text())
    assert all(path.startswith(("data/raw/tiny/", "results/tiny/")) for path in params["inputs"].values())


def test_preparation_outputs_of_the_tiny_run(tiny_results) -> None:
    import json

    import rasterio

    with rasterio.open(tiny_results / "factors" / "factors.tif") as src:
        assert list(src.descriptions)[:3] == ["elevation", "slope", "aspect"]
    summary = json.loads((tiny_results / "samples" / "summary.json").read_text())
    assert summary["temporal"] is True and summary["positives"] > 20
    splits = json.loads((tiny_results / "samples" / "splits.json").read_text())
    assert splits["random"]["test"] > 0 and splits["temporal"]["test"] > 0
