"""The artefact manifest: it loads and checks itself, and the rules, notebooks, captions, DVC plots
and the manuscript agree with it (nothing listed twice, nothing left out)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jupytext
import pytest
import yaml

from lsm.errors import InputError
from lsm.publish.artefacts import (
    load_manifest,
    resolve_inputs,
    resolve_params,
    resolve_pattern,
    rst_to_latex,
)
from lsm.publish.notebooks import has_parameters_cell
from lsm.publish.paper import placed_artefacts
from tests.helpers import REPO

MANIFEST = REPO / "workflow" / "manifest.yaml"
ARTEFACTS = load_manifest(MANIFEST, REPO)
IDS = [a.id for a in ARTEFACTS]


def rule_blocks() -> dict[str, str]:
    """Rule name -> body, for every rule of workflow/rules/*.smk."""
    blocks = {}
    for path in sorted((REPO / "workflow" / "rules").glob("*.smk")):
        for m in re.finditer(r"^rule (\w+):\n(.*?)(?=^\S|\Z)", path.read_text(), flags=re.M | re.S):
            blocks[m.group(1)] = m.group(2)
    return blocks


def test_manifest_is_in_manuscript_order() -> None:
    assert IDS[0] == "fig00_paper_reported"
    for kind in ("fig", "tab"):
        numbers = [int(i[3:5]) for i in IDS if i.startswith(kind)]
        assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers), kind
    figures = [a.number for a in ARTEFACTS if a.kind == "figure"]
    assert figures == list(range(len(figures)))  # no gaps: fig00, fig01, ...
    assert [a.id for a in ARTEFACTS if a.kind == "table"][:2] == ["tab01_performance", "tab02_claims"]


def test_artefact_rules_are_generated_from_the_manifest_not_written() -> None:
    hand_written = {name for name in rule_blocks() if re.match(r"^(fig|tab)\d{2}_", name)}
    assert hand_written == set(), "write the artefact's inputs and params in its manifest entry instead"
    publish = (REPO / "workflow" / "rules" / "publish.smk").read_text()
    assert "for artefact in ARTEFACTS.values():" in publish
    notebooks = {p.stem for p in (REPO / "notebooks").glob("*.py")}
    assert notebooks - set(IDS) == set(), "notebooks without a manifest entry"


def parameters_cell(notebook):
    """The notebook's cell tagged ``parameters`` (the defaults papermill overrides)."""
    return next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))


def parameter_names(artefact) -> set[str]:
    """The names the artefact's parameters cell assigns."""
    tree = ast.parse(parameters_cell(jupytext.read(REPO / artefact.notebook)).source)
    return {t.targets[0].id for t in tree.body if isinstance(t, ast.Assign)}


@pytest.mark.parametrize("artefact", ARTEFACTS, ids=IDS)
def test_notebook_reads_only_what_its_entry_declares(artefact) -> None:
    """Its params are exactly the entry's, and every input it reads by name is declared (else the
    rule would not rerun when that file changes, or the notebook fails with a KeyError)."""
    assert parameter_names(artefact) - {"inputs", "outputs"} == set(artefact.params)
    source = (REPO / artefact.notebook).read_text()
    read = set(re.findall(r"inputs(?:\[|\.get\()\s*[\"'](\w+)[\"']", source))
    declared = set(artefact.inputs) | {Path(name).stem for name in artefact.study_files}
    assert read <= declared, f"{artefact.notebook} reads undeclared inputs {sorted(read - declared)}"


VALUES = {"results": "r", "scheme": ["random", "spatial"], "model": ["rf", "svm"], "first_seed": "1"}


def test_patterns_expand_over_the_plan_like_snakemakes_expand() -> None:
    assert resolve_pattern("{results}/metrics/roc.csv", VALUES) == "r/metrics/roc.csv"
    assert resolve_pattern("{results}/{scheme}/{model}/seed{first_seed}", VALUES) == [
        "r/random/rf/seed1",
        "r/random/svm/seed1",
        "r/spatial/rf/seed1",
        "r/spatial/svm/seed1",
    ]
    assert resolve_pattern("paper/reported.yaml", VALUES) == "paper/reported.yaml"
    with pytest.raises(KeyError, match="unknown placeholder"):
        resolve_pattern("{results}/{date}.tif", VALUES)


def test_inputs_and_params_resolve_from_the_entry(tmp_path) -> None:
    entry = {
        "id": "fig00_a",
        "category": "A",
        "inputs": {"roc": "{results}/roc.csv", "runs": ["{scheme}/a.json", "{scheme}/b.json"]},
        "params": {"dpi": "figures.dpi", "models": "plan.model"},
    }
    (artefact,) = load_manifest(write_manifest(tmp_path, [entry]), tmp_path)
    assert resolve_inputs(artefact, VALUES) == {
        "roc": "r/roc.csv",
        "runs": ["random/a.json", "spatial/a.json", "random/b.json", "spatial/b.json"],
    }
    config = {"figures": {"dpi": 150}}
    assert resolve_params(artefact, config, VALUES) == {"dpi": 150, "models": ["rf", "svm"]}
    with pytest.raises(KeyError, match=r"no key 'figures\.dpi'"):
        resolve_params(artefact, {"figures": {}}, VALUES)


@pytest.mark.parametrize("artefact", ARTEFACTS, ids=IDS)
def test_notebook_takes_parameters_and_writes_the_artefact(artefact) -> None:
    nb = jupytext.read(REPO / artefact.notebook)
    assert has_parameters_cell(nb)
    params = parameters_cell(nb)
    keys = ("png", "pdf") if artefact.kind == "figure" else ("csv", "tex")
    assert all(f'"{k}"' in params.source for k in keys), (
        f"{artefact.notebook}: outputs {keys} not in parameters"
    )


@pytest.mark.parametrize("artefact", ARTEFACTS, ids=IDS)
def test_caption_converts_and_leaves_the_provenance_to_the_manifest(artefact) -> None:
    text = (REPO / artefact.caption).read_text()
    assert "Made by" not in text, f"{artefact.caption}: the report and the manuscript add 'Made by'"
    latex = artefact.caption_latex(REPO)
    assert latex.endswith(r"Made by \texttt{notebooks/" + artefact.id.replace("_", r"\_") + ".py}.")
    report = artefact.report_caption(REPO)
    assert f"`{artefact.id}.html`_" in report and f"``{artefact.rule}``" in report


def test_dvc_plots_list_every_manifest_figure() -> None:
    plots = yaml.safe_load((REPO / "dvc.yaml").read_text())["plots"]
    pngs = [p for p in plots if isinstance(p, str) and p.endswith(".png")]
    listed = [Path(p).stem for p in pngs]
    figures = [a.id for a in ARTEFACTS if a.kind == "figure"]
    assert listed == figures


def test_manuscript_places_every_entry_once() -> None:
    placed = placed_artefacts((REPO / "paper" / "manuscript.tex").read_text())
    assert sorted(set(placed)) == sorted(placed), "an artefact placed twice"
    assert set(IDS) <= set(placed), f"not placed in the manuscript: {sorted(set(IDS) - set(placed))}"
    assert set(placed) <= set(IDS), f"unknown ids: {sorted(set(placed) - set(IDS))}"


def test_rst_to_latex() -> None:
    assert rst_to_latex("**as reported** (``paper/reported.yaml``), 95 % ~ *not* `x.html`_") == (
        r"\textbf{as reported} (\texttt{paper/reported.yaml}), 95 \% \textasciitilde{} \emph{not} x.html"
    )
    assert rst_to_latex("one\n\ntwo & three_") == r"one \par two \& three\_"
    with pytest.raises(ValueError, match="Jinja"):
        rst_to_latex("study {{ snakemake.config['study'] }}")


def write_manifest(tmp_path: Path, entries: list[dict]) -> Path:
    for sub in ("notebooks", "workflow/report"):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
    for e in entries:
        (tmp_path / "notebooks" / f"{e['id']}.py").write_text("")
        (tmp_path / "workflow" / "report" / f"{e['id']}.rst").write_text("A caption.\n")
    path = tmp_path / "workflow" / "manifest.yaml"
    path.write_text(yaml.safe_dump({"artefacts": entries}))
    return path


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([{"id": "figure1", "category": "A"}], "is not figNN_<slug>"),
        ([{"id": "fig01_a", "category": "A"}, {"id": "fig00_b", "category": "A"}], "numbers must grow"),
        ([{"id": "fig00_a", "category": "A"}, {"id": "fig00_a", "category": "A"}], "numbers must grow"),
        ([{"id": "fig00_a", "category": "A", "inputs": {"x": 3}}], "inputs is not name: pattern"),
        ([{"id": "fig00_a", "category": "A", "inputs": {"code": "a.py"}}], "reserved"),
        ([{"id": "fig00_a", "category": "A", "params": ["dpi"]}], "params is not name: key"),
        ([{"id": "fig00_a"}], "no category"),
        ([{"id": "fig00_a", "category": "A", "colour": "red"}], "unknown field"),
    ],
)
def test_bad_manifests_fail_with_one_line(tmp_path, entries, message) -> None:
    with pytest.raises(InputError, match=message):
        load_manifest(write_manifest(tmp_path, entries), tmp_path)


def test_missing_notebook_is_named(tmp_path) -> None:
    path = write_manifest(tmp_path, [{"id": "fig00_a", "category": "A"}])
    (tmp_path / "notebooks" / "fig00_a.py").unlink()
    with pytest.raises(InputError, match=r"notebook notebooks/fig00_a\.py does not exist"):
        load_manifest(path, tmp_path)


def test_outputs_follow_the_id(tmp_path) -> None:
    path = write_manifest(tmp_path, [{"id": "fig00_a", "category": "A"}, {"id": "tab01_b", "category": "B"}])
    fig, tab = load_manifest(path, tmp_path)
    assert fig.products("results/s") == ["results/s/figures/fig00_a.png", "results/s/figures/fig00_a.pdf"]
    assert tab.products("results/s") == ["results/s/tables/tab01_b.csv", "results/s/tables/tab01_b.tex"]
    assert set(tab.outputs("r")) == {"csv", "tex", "notebook", "html", "parameters"}
    assert (fig.manuscript_file(), tab.manuscript_file()) == ("figures/fig00_a.pdf", "tables/tab01_b.tex")
