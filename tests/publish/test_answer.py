"""The answer at a glance: the paper's numbers and ours, claim by claim, read from the files, never typed."""

from __future__ import annotations

import copy
from pathlib import Path

from lsm.__main__ import main
from lsm.data.io import read_yaml
from lsm.publish.answer import answer_line, answer_markdown, answer_rst, answer_text, rows
from lsm.publish.findings import collect
from tests.helpers import REPO

FINDINGS = read_yaml(REPO / "paper" / "reference" / "kerman_synthetic.yaml")
REPORTED = read_yaml(REPO / "paper" / "reported.yaml")


def test_each_row_holds_the_papers_number_and_ours_by_scheme() -> None:
    table = {row.name: row for row in rows(FINDINGS, REPORTED)}
    assert list(table) == ["AUC", "C1", "C2", "C3", "C4"]
    assert table["AUC"].paper == "0.980"
    assert table["AUC"].ours == {
        s: f"{FINDINGS['performance'][s]['cnn_lstm']['auc']['mean']:.3f}"
        for s in ("random", "spatial", "temporal")
    }
    assert table["C2"].paper == "+6.0 vs RF"  # 0.980 - 0.92
    rf = FINDINGS["comparisons"]["random"]["rf"]["difference"]
    assert table["C2"].ours["random"] == f"{100 * rf:+.1f} vs RF"
    assert table["C2"].verdicts == FINDINGS["claims"]["C2"]
    assert "cited" in table["C3"].paper  # the branches' AUCs are not the paper's measurements


def test_c1_names_the_closest_baseline() -> None:
    findings = copy.deepcopy(FINDINGS)
    findings["comparisons"]["spatial"]["mlp"]["difference"] = -0.5
    row = next(r for r in rows(findings, REPORTED) if r.name == "C1")
    assert row.ours["spatial"] == "-50.0 vs MLP"


def test_a_changed_paper_number_or_verdict_shows() -> None:
    reported = copy.deepcopy(REPORTED)
    reported["models"]["cnn_lstm"]["auc"]["value"] = 0.95
    findings = copy.deepcopy(FINDINGS)
    findings["claims"]["C1"]["temporal"] = "supported"
    text = "\n".join(answer_text(findings, reported))
    assert "the paper:       0.950" in text and "the paper:       +3.0 vs RF" in text
    assert "ours, temporal:  " in text and "->  supported" in text
    markdown = answer_markdown(findings, reported)
    assert markdown.count("\n") == 6  # header, rule, five rows
    assert "| C1 | The CNN-LSTM has a higher AUC" in markdown and "**supported**" in markdown


def test_a_synthetic_study_says_it_is_not_kerman() -> None:
    assert "not Kerman" in "\n".join(answer_text(FINDINGS, REPORTED))
    real = {**FINDINGS, "study": "hongkong_natural_terrain"}
    assert "a real study" in "\n".join(answer_text(real, REPORTED))


def test_the_command_prints_the_runs_verdicts(tiny_results: Path, capsys) -> None:
    assert main(["answer", str(tiny_results)]) == 0
    out = capsys.readouterr().out
    claims = collect(tiny_results)["claims"]
    for claim, by_scheme in claims.items():
        block = out.split(f"\n{claim} ", 1)[1].split("\nC", 1)[0]  # this claim's lines only
        for scheme, verdict in by_scheme.items():
            assert f"ours, {scheme + ':':9s}" in block and f"->  {verdict}\n" in block + "\n"


def rendered_as_the_report_does(text: str) -> str:
    """The page as Snakemake's report renders a workflow description: Jinja, then docutils to HTML
    (docutils' errors become part of the HTML, so a broken page shows)."""
    from types import SimpleNamespace

    from docutils.core import publish_parts
    from jinja2 import Environment

    snakemake = SimpleNamespace(config={"study": "kerman_synthetic"})
    return publish_parts(Environment().from_string(text).render(snakemake=snakemake), writer_name="html")[
        "html_body"
    ]


def test_the_reports_landing_page_opens_on_the_answer(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = tmp_path / "fig08.png"
    plt.figure(figsize=(8, 4)).savefig(figure)  # a real PNG, large enough to need wrapped base64 lines
    intro = (REPO / "workflow" / "report" / "workflow.rst").read_text()
    page = answer_rst(FINDINGS, REPORTED, {"Figure 8: ours beside the paper's": figure}, intro)
    assert max(len(line) for line in page.splitlines()) < 10_000  # docutils' limit on a line
    html = rendered_as_the_report_does(page)
    assert "system-message" not in html and "ERROR" not in html, html[:2000]
    assert html.index("The answer at a glance") < html.index("Every figure and table")  # the answer first
    for claim, verdicts in FINDINGS["claims"].items():
        assert f"<strong>{claim}</strong>" in html
        assert all(f"<strong>{verdict}</strong>" in html for verdict in verdicts.values())
    assert html.count('<img alt="Figure 8: ours beside the paper\'s" src="data:image/png;base64,') == 1
    assert "study: <tt" in html or "kerman_synthetic" in html  # the workflow's own Jinja still renders


def without(findings: dict, models: set[str], schemes: set[str]) -> dict:
    """The findings of a study that trained only ``models`` under ``schemes``."""
    out = copy.deepcopy(findings)
    out["performance"] = {
        s: {m: v for m, v in by_model.items() if m in models}
        for s, by_model in out["performance"].items()
        if s in schemes
    }
    out["comparisons"] = {
        s: {m: v for m, v in by_model.items() if m in models}
        for s, by_model in out["comparisons"].items()
        if s in schemes
    }
    out["claims"] = {
        c: {s: v for s, v in by_scheme.items() if s in schemes} for c, by_scheme in out["claims"].items()
    }
    return out


def test_a_study_without_some_models_says_what_was_not_run() -> None:
    """A static study trains no CNN-LSTM (Ecuador); a cheap one two models on one scheme (the DVC
    test's): the answer says what was not run instead of failing."""
    static = without(FINDINGS, {"cnn", "svm", "dt", "rf", "mlp"}, {"random", "spatial"})
    table = {row.name: row for row in rows(static, REPORTED)}
    assert table["AUC"].ours == {"random": "not run here", "spatial": "not run here"}
    assert table["C1"].ours["random"] == table["C2"].ours["random"] == "not run here"
    assert "not run here" in answer_line(static)
    two = without(FINDINGS, {"cnn_lstm", "rf"}, {"random"})
    table = {row.name: row for row in rows(two, REPORTED)}
    rf = FINDINGS["comparisons"]["random"]["rf"]["difference"]
    assert table["C1"].ours == table["C2"].ours == {"random": f"{100 * rf:+.1f} vs RF"}
    assert table["C3"].ours == {"random": "not run here"}  # neither branch trained
    assert answer_text(two, REPORTED)[0].startswith("What Teng et al. (2026) claim")


def test_the_landing_page_of_a_static_study(tmp_path: Path) -> None:
    """A study without dates trains no CNN-LSTM: its comparisons table is empty, and the page says
    what was not run (Ecuador runs this end to end: tests/workflow/test_real_study.py)."""
    from lsm.publish.findings import scorecard

    (tmp_path / "summary.csv").write_text(
        "scheme,model,metric,mean,lo,hi,sd,seeds,flag\nrandom,rf,auc,0.8,0.7,0.9,0.05,2,\n"
    )
    (tmp_path / "comparisons.csv").write_text("\n")  # what the evaluation writes for no comparison
    (tmp_path / "claims.csv").write_text(
        "claim,verdict_random\n" + "".join(f"{c},cannot be tested\n" for c in ("C1", "C2", "C3", "C4"))
    )
    findings = scorecard("static", *(tmp_path / f"{n}.csv" for n in ("summary", "comparisons", "claims")))
    assert findings["comparisons"] == {} and findings["performance"]["random"]["rf"]["auc"]["mean"] == 0.8
    html = rendered_as_the_report_does(answer_rst(findings, REPORTED, {}, "intro"))
    assert "system-message" not in html and "random not run here, <strong>cannot be tested</strong>" in html
