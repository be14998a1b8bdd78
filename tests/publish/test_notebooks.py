"""The papermill notebook pattern, run through its Snakemake rule on the tiny study."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from lsm.errors import InputError
from lsm.publish.artefacts import load_manifest
from lsm.publish.notebooks import run_notebook
from tests.helpers import RECORD_THE_CONFIGURATION, REPO, run_in_shared

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


def kernel_connection(tmp_path: Path) -> tuple[str, str]:
    """Run a notebook that prints its kernel's transport and address (as the kernel sees them)."""
    nb = tmp_path / "nb.py"
    nb.write_text(
        '# %% tags=["parameters"]\nx = 1\n\n# %%\n'
        "from ipykernel.connect import get_connection_info\n"
        "info = get_connection_info(unpack=True)\n"
        "print(info['transport'], info['ip'])\n"
    )
    params = tmp_path / "p.yaml"
    params.write_text("x: 2\n")
    run_notebook(nb, params, tmp_path / "out.ipynb", cwd=tmp_path)
    executed = json.loads((tmp_path / "out.ipynb").read_text())
    transport, address = "".join(executed["cells"][-1]["outputs"][0]["text"]).split()
    return transport, address


def test_the_kernel_talks_over_unix_sockets_that_are_removed_afterwards(tmp_path) -> None:
    """Over TCP a port the client picked can be taken before the kernel binds it (seen here: a
    figure job died with "Address already in use" while other notebooks ran beside it)."""
    transport, prefix = kernel_connection(tmp_path)
    assert transport == "ipc"
    assert Path(prefix).name == "kernel" and Path(prefix).parent.name.startswith("lsm-kernel-")
    assert not Path(prefix).parent.exists()


def test_where_no_unix_socket_can_be_made_the_kernel_keeps_tcp(tmp_path, monkeypatch) -> None:
    """A temporary directory whose path is too long for a socket (as on some clusters): the probe
    fails, the notebook still runs, over TCP."""
    import tempfile

    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    transport, _ = kernel_connection(tmp_path)
    assert transport == "tcp"
    assert list(deep.iterdir()) == []


@pytest.mark.parametrize(
    "name", ["fig01_study_area", "fig03_forcing_series", "fig02_factors", "fig04_samples"]
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


# -- every artefact of the manifest, and what reruns when a parameter changes ----------------------
MANIFEST = load_manifest(REPO / "workflow" / "manifest.yaml", REPO)


def planned(results: Path) -> set[str]:
    """The artefacts the run plan made for this study (the others are skipped with a reason)."""
    return set(json.loads((results / "plan.json").read_text())["artefacts"])


@pytest.mark.parametrize("artefact", MANIFEST, ids=[a.id for a in MANIFEST])
def test_every_artefact_is_made_through_papermill(tiny_results, artefact) -> None:
    plan = json.loads((tiny_results / "plan.json").read_text())
    if artefact.id not in plan["artefacts"]:
        assert artefact.id in plan["skipped_artefacts"] and artefact.id == "tab04_verdict_stability"
        assert not any(Path(p).exists() for p in artefact.products(str(tiny_results)))
        return
    outputs = artefact.outputs(str(tiny_results))
    for product in artefact.products(str(tiny_results)):
        data = Path(product).read_bytes()
        assert (data[:5] == b"%PDF-") if product.endswith(".pdf") else (len(data) > 100), product
    executed = json.loads(Path(outputs["notebook"]).read_text())
    recorded = yaml.safe_load(Path(outputs["parameters"]).read_text())
    assert executed["metadata"]["papermill"]["parameters"] == recorded
    assert executed["metadata"]["jupytext"]["source_file"] == artefact.notebook
    assert set(recorded["outputs"]) == ({"png", "pdf"} if artefact.kind == "figure" else {"csv", "tex"})
    html = Path(outputs["html"]).read_text()
    code_cells = sum(c["cell_type"] == "code" for c in executed["cells"])
    # nbconvert's rendering: every code cell, papermill's injected one tagged (and labelled by the style).
    assert len(re.findall(r'<div class="cell [^"]*code_cell', html)) == code_cells
    assert "celltag_injected-parameters" in html and "parameters injected by papermill" in html


def test_tables_are_tabulars_for_the_manuscript(tiny_results) -> None:
    for artefact in (a for a in MANIFEST if a.kind == "table" and a.id in planned(tiny_results)):
        tex = Path(artefact.outputs(str(tiny_results))["tex"]).read_text()
        assert tex.startswith("% ") and "\\begin{tabular}" in tex and "\\begin{table}" not in tex
    claims = (tiny_results / "tables" / "tab02_claims.tex").read_text()
    assert claims.count("\\\\\n") == 1 + 4 * 3  # header + one row per claim and scheme


def jobs_of_dry_run(repo, *args: str) -> set[str]:
    """Rules of the jobs a dry run would run (from Snakemake's job stats table)."""
    out = run_in_shared(repo, ["snakemake", "-n", "--cores", "2", *args])
    table = re.search(r"Job stats:\njob\s+count\n[-\s]+\n(.*?)\ntotal", out.stdout + out.stderr, flags=re.S)
    return {line.split()[0] for line in table.group(1).splitlines()} if table else set()


@pytest.mark.integration
def test_a_changed_parameter_reruns_only_what_depends_on_it(tiny_run, tmp_path) -> None:
    assert jobs_of_dry_run(tiny_run) == set()  # the tiny run is complete
    dpi = tmp_path / "dpi.yaml"
    dpi.write_text("figures: {dpi: 61}\n")
    figures = {name for name in jobs_of_dry_run(tiny_run, "--forceall") if name.startswith("fig")}
    assert {a.rule for a in MANIFEST if a.kind == "figure"} <= figures
    # The figures, and the provenance of their folders (figures/ and notebooks/) and its table, and
    # the report's landing page, which embeds two of the figures.
    expected = figures | RECORD_THE_CONFIGURATION | {"scorecard_page"}
    assert jobs_of_dry_run(tiny_run, "--configfile", str(dpi)) == expected
    # The manuscript follows its figures, not its numbers: a dpi change leaves the macros alone.
    study = yaml.safe_load((tiny_run / "params.yaml").read_text())["study"]
    inputs = [f"results/{study}/paper/{name}" for name in ("macros.tex", "artefacts.tex")]
    run_in_shared(tiny_run, ["snakemake", "--cores", "2", *inputs])
    paper = jobs_of_dry_run(tiny_run, "paper", "--configfile", str(dpi))
    assert "paper" in paper and "paper_macros" not in paper and "paper_artefacts" not in paper
