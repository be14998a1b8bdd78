"""The replication manuscript: no typed numbers, every macro generated from the metrics, every
included file made by a rule, and (with latexmk) a PDF built on the tiny study."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lsm.publish.artefacts import load_manifest
from lsm.publish.macros import Macros, macro_name, number, p_value
from lsm.publish.paper import included_files, pdf_pages, strip_comments
from tests.helpers import REPO, require_tool, run_in_shared

MANUSCRIPT = REPO / "paper" / "manuscript.tex"
ARTEFACTS = load_manifest(REPO / "workflow" / "manifest.yaml", REPO)


def planned_artefacts(results: Path) -> set[str]:
    """The artefacts the run plan made for this study (the others are skipped with a reason)."""
    return set(json.loads((results / "plan.json").read_text())["artefacts"])


# Commands the manuscript may use that start with a capital letter and are LaTeX's own.
LATEX_CAPITALISED = {"LaTeX", "TeX"}


def body(tex: str) -> str:
    """The text of the document: from \\begin{document} to the bibliography, comments off."""
    tex = strip_comments(tex)
    start = tex.index(r"\begin{document}")
    end = tex.index(r"\begin{thebibliography}")
    return tex[start:end]


def test_macro_names_and_numbers() -> None:
    assert macro_name("auc", "random", "cnn_lstm") == "AucRandomCnnLstm"
    assert macro_name("Verdict", "C1", "spatial") == "VerdictCOneSpatial"
    assert number(1090.4, 0) == "1{,}090"
    assert number(-0.0551, 3) == "$-$0.055"
    assert number(0.0004, 1, sign=True) == "+0.0"
    assert number(None) == number(float("nan")) == "n/a"
    assert p_value(0.0002) == "$<$0.001" and p_value(0.0312) == "0.031"
    macros = Macros()
    macros.add("1", "Num", "runs")
    with pytest.raises(ValueError, match="defined twice"):
        macros.add("2", "NumRuns")


def test_manuscript_types_no_numbers() -> None:
    """Every number of the text is a macro: after removing commands, labels, references, file
    names and claim ids (C1-C4), no digit is left."""
    text = body(MANUSCRIPT.read_text())
    text = re.sub(
        r"\\(label|ref|Artefact|IfArtefact|FigRef|TabRef|input|includegraphics|code)\{[^}]*\}", "", text
    )
    text = re.sub(r"\\[A-Za-z]+", "", text)  # commands (macro names have no digits)
    text = re.sub(r"\b(C[1-9]|F1)\b", "", text)  # claim ids, the F1 score
    digits = [m.group(0) for m in re.finditer(r".{0,30}\d.{0,30}", text)]
    assert not digits, f"typed numbers in paper/manuscript.tex: {digits}"


def test_manuscript_is_guarded_by_the_manifest() -> None:
    tex = strip_comments(MANUSCRIPT.read_text())
    ids = {a.id for a in ARTEFACTS}
    # \ref to an artefact only through \FigRef/\TabRef (which print nothing for ids not listed).
    assert not re.findall(r"\\ref\{(?:fig|tab):", body(tex)), "use \\FigRef{id}/\\TabRef{id}"
    for command, file in included_files(tex):
        assert file.startswith("paper/") and command == "input", (command, file)
    referenced = set(re.findall(r"\\(?:FigRef|TabRef|IfArtefact|Artefact)\{([^}]+)\}", body(tex)))
    unknown = {i for i in referenced - ids if not re.match(r"^(fig|tab)\d{2}_[a-z0-9_]+$", i)}
    assert not unknown


# -- on the tiny study --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def paper_inputs(tiny_run: Path) -> Path:
    """macros.tex and artefacts.tex of the tiny study (no TeX needed)."""
    study = yaml.safe_load((tiny_run / "params.yaml").read_text())["study"]
    results = tiny_run / "results" / study
    run_in_shared(
        tiny_run,
        [
            "snakemake",
            "--cores",
            "2",
            f"results/{study}/paper/macros.tex",
            f"results/{study}/paper/artefacts.tex",
            f"results/{study}/paper/provenance.tex",
        ],
    )
    return results


def defined_macros(results: Path) -> dict[str, str]:
    text = "".join((results / "paper" / name).read_text() for name in ("macros.tex", "provenance.tex"))
    return dict(re.findall(r"\\newcommand\{\\(\w+)\}\{(.*)\}$", text, flags=re.M))


@pytest.mark.integration
def test_every_macro_of_the_text_is_generated(paper_inputs: Path) -> None:
    macros = defined_macros(paper_inputs)
    tex = strip_comments(MANUSCRIPT.read_text())
    own = set(re.findall(r"\\newcommand\{\\(\w+)\}", tex)) | set(re.findall(r"\\newif\\if(\w+)", tex))
    flags = set(re.findall(r"\\newif\\if(\w+)", (paper_inputs / "paper" / "macros.tex").read_text()))
    used = {m for m in re.findall(r"\\([A-Z][A-Za-z]+)", tex)}
    used = {m for m in used if not any(m == f"if{f}" for f in flags)}
    missing = used - set(macros) - own - flags - LATEX_CAPITALISED
    assert not missing, f"macros the manuscript uses but nobody defines: {sorted(missing)}"


@pytest.mark.integration
def test_macros_carry_the_metrics(paper_inputs: Path) -> None:
    macros = defined_macros(paper_inputs)
    summary = pd.read_csv(paper_inputs / "metrics" / "summary_by_model.csv")
    row = summary[
        (summary["scheme"] == "random") & (summary["model"] == "cnn_lstm") & (summary["metric"] == "auc")
    ]
    assert macros["AucRandomCnnLstm"] == f"{row['mean'].iloc[0]:.3f}"
    assert macros["AucCIRandomCnnLstm"].startswith(f"{row['mean'].iloc[0]:.3f} [{row['lo'].iloc[0]:.3f}, ")
    assert macros["NumRuns"] == str(len(pd.read_csv(paper_inputs / "metrics" / "runs.csv")))
    params = yaml.safe_load((paper_inputs.parents[1] / "params.yaml").read_text())
    assert macros["NumSeeds"] == str(len(params["models"]["seeds"]))  # the tiny study's 2, not 5
    assert macros["PaperAucCnnLstm"] == "0.980"
    claims = pd.read_csv(paper_inputs / "metrics" / "claims.csv")
    assert macros["VerdictCOneRandom"] == claims.loc[claims["claim"] == "C1", "verdict_random"].iloc[0]
    supported = int((claims["verdict_random"] == "supported").sum())
    assert macros["NumClaimsSupportedRandom"] == str(supported)
    assert r"\Synthetictrue" in (paper_inputs / "paper" / "macros.tex").read_text()


@pytest.mark.integration
def test_every_included_file_is_made_by_a_rule(tiny_run: Path, paper_inputs: Path) -> None:
    """Every \\input and \\includegraphics of the manuscript and of its generated artefacts.tex is a
    file Snakemake knows how to make, and an input of the `paper` rule (so the PDF follows it)."""
    study = paper_inputs.name
    files = included_files(MANUSCRIPT.read_text()) + included_files(
        (paper_inputs / "paper" / "artefacts.tex").read_text()
    )
    targets = [f"results/{study}/{file}" for _, file in files]
    made = [a for a in ARTEFACTS if a.id in planned_artefacts(paper_inputs)]
    assert {f"results/{study}/{a.manuscript_file()}" for a in made} <= set(targets)
    assert len(targets) == len(made) + 3  # the artefacts, macros.tex, artefacts.tex, provenance.tex
    # A dry run that must find a rule for every file (Snakemake fails on a file no rule makes).
    run_in_shared(tiny_run, ["snakemake", "-n", "--forceall", *targets])
    # Rerunning the rules that make them reruns the paper, because each file is one of its inputs.
    producers = [
        {"macros": "paper_macros", "artefacts": "paper_artefacts", "provenance": "paper_provenance"}.get(
            Path(t).stem, Path(t).stem
        )
        for t in targets
    ]
    dry = run_in_shared(tiny_run, ["snakemake", "-n", "--forcerun", *producers, "--", "paper"])
    reason = re.search(r"with latexmk\nReason: ([^\n]*)", dry.stdout + dry.stderr)
    assert reason, dry.stdout[-2000:]
    missing = [t for t in targets if t not in reason.group(1)]
    assert not missing, f"not inputs of the paper rule: {missing}"


@pytest.mark.integration
def test_paper_pdf_builds_with_latexmk(tiny_run: Path, paper_inputs: Path) -> None:
    require_tool("latexmk")
    require_tool("pdflatex")
    study = paper_inputs.name
    run_in_shared(tiny_run, ["snakemake", "--cores", "2", "paper"])
    pdf = paper_inputs / "paper.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    log = (paper_inputs / "paper" / "build" / "paper.log").read_text(errors="replace")
    assert "undefined" not in log.lower().replace("\n", " "), "undefined references or macros"
    assert "multiply defined" not in log
    pages = pdf_pages(paper_inputs / "paper" / "build" / "paper.log")
    assert 8 <= pages <= 40, pages
    used = (paper_inputs / "paper" / "build" / "paper.fls").read_text()
    for a in ARTEFACTS:  # every artefact the study has went into the PDF; a skipped one says why
        if a.id in planned_artefacts(paper_inputs):
            assert f"results/{study}/{a.manuscript_file()}" in used or a.manuscript_file() in used, a.id
        else:
            assert a.manuscript_file() not in used, a.id
            assert rf"\ArtefactSkipped{{{a.id}}}" in (paper_inputs / "paper" / "artefacts.tex").read_text()
