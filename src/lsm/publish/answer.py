"""The answer at a glance: each claim of the paper in its own words, the paper's number beside ours under
each validation scheme, and the verdict.

Read from a study's findings (:func:`lsm.publish.findings.collect` of a finished run, or its reference
``paper/reference/<study>.yaml``) and the paper's numbers (``paper/reported.yaml``), never typed: the
same rows end ``make replicate`` in the terminal (:func:`answer_text`) and open the README and the
documentation site (:func:`answer_markdown`, rendered by ``make reference``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsm.data.io import read_yaml
from lsm.errors import InputError
from lsm.evaluate.claims import BRANCHES
from lsm.names import HYBRID, LABELS, SCHEMES, SKLEARN_MODELS

REPORTED = Path("paper/reported.yaml")
# What a synthetic world can and cannot say, for the studies whose name says they are synthetic.
SYNTHETIC_CAVEAT = (
    "a synthetic Kerman-like world with known truth, not Kerman (whose data are not public): it tests\n"
    "whether the paper's claims hold where the physics is known, not what the paper measured in Kerman"
)


@dataclass(frozen=True)
class Row:
    """One line of the answer: a claim (or the headline), the paper's number, ours by scheme, verdicts."""

    name: str
    statement: str
    paper: str
    ours: dict[str, str]
    verdicts: dict[str, str]


def _label(model: str) -> str:
    return LABELS.get(model, model).replace(" (standalone)", "")


def _points(value: float) -> str:
    return f"{100 * value:+.1f}"


NOT_RUN = "not run here"  # a model (or every baseline of a claim) the study's plan did not train


def _auc(findings: Mapping[str, Any], scheme: str, model: str) -> float:
    return float(findings["performance"][scheme][model]["auc"]["mean"])


def _hybrid_auc(findings: Mapping[str, Any], scheme: str) -> str:
    """The CNN-LSTM's mean AUC under ``scheme``, or that it was not trained (a study without dates)."""
    trained = HYBRID in findings["performance"][scheme]
    return f"{_auc(findings, scheme, HYBRID):.3f}" if trained else NOT_RUN


def _closest(findings: Mapping[str, Any], scheme: str, baselines: tuple[str, ...]) -> str:
    """The CNN-LSTM minus its closest baseline (the smallest difference), in AUC points, among the
    baselines the study trained."""
    compared = findings["comparisons"].get(scheme, {})
    diffs = {m: compared[m]["difference"] for m in baselines if m in compared}
    if not diffs or HYBRID not in findings["performance"][scheme]:
        return NOT_RUN
    model = min(diffs, key=lambda m: diffs[m])
    return f"{_points(diffs[model])} vs {_label(model)}"


def _gain(findings: Mapping[str, Any], scheme: str) -> str:
    """The CNN-LSTM minus the best traditional model the study trained, in AUC points."""
    trained = [m for m in SKLEARN_MODELS if m in findings["performance"][scheme]]
    compared = findings["comparisons"].get(scheme, {})
    if not trained or HYBRID not in findings["performance"][scheme]:
        return NOT_RUN
    best = max(trained, key=lambda m: _auc(findings, scheme, m))
    return f"{_points(compared[best]['difference'])} vs {_label(best)}" if best in compared else NOT_RUN


def rows(findings: Mapping[str, Any], reported: Mapping[str, Any]) -> list[Row]:
    """The headline and C1-C4, each with the paper's number and ours under every scheme of the run."""
    schemes = [s for s in SCHEMES if s in findings["performance"]]
    paper_auc = {m: float(v["auc"]["value"]) for m, v in reported["models"].items()}
    claims, words = findings["claims"], reported["claims"]
    baselines = tuple(m for m in reported["models"] if m != HYBRID)
    paper_best = max(SKLEARN_MODELS, key=lambda m: paper_auc[m])
    branch = max(BRANCHES, key=lambda m: paper_auc[m])
    cited = (
        " (its AUC cited from Hamedi et al. 2022)"
        if reported["models"][branch]["auc"]["source"] == "cited"
        else ""
    )
    none = dict.fromkeys(schemes, "")
    return [
        Row(
            "AUC",
            f"the {LABELS[HYBRID]}'s AUC (area under the ROC curve, 1 = perfect, 0.5 = chance)",
            f"{paper_auc[HYBRID]:.3f}",
            {s: _hybrid_auc(findings, s) for s in schemes},
            none,
        ),
        Row(
            "C1",
            words["C1"],
            f"{_points(paper_auc[HYBRID] - max(paper_auc[m] for m in baselines))} vs "
            f"{_label(max(baselines, key=lambda m: paper_auc[m]))}",
            {s: _closest(findings, s, baselines) for s in schemes},
            claims["C1"],
        ),
        Row(
            "C2",
            words["C2"],
            f"{_points(paper_auc[HYBRID] - paper_auc[paper_best])} vs {_label(paper_best)}",
            {s: _gain(findings, s) for s in schemes},
            claims["C2"],
        ),
        Row(
            "C3",
            words["C3"],
            f"{_points(paper_auc[HYBRID] - paper_auc[branch])} vs {_label(branch)}{cited}",
            {s: _closest(findings, s, BRANCHES) for s in schemes},
            claims["C3"],
        ),
        Row("C4", words["C4"], "read off its map", dict.fromkeys(schemes, "on the maps"), claims["C4"]),
    ]


def _caveat(study: str) -> str:
    return SYNTHETIC_CAVEAT if "synthetic" in study or study == "tiny" else "a real study, with its own data"


def answer_text(findings: Mapping[str, Any], reported: Mapping[str, Any]) -> list[str]:
    """The answer as terminal lines: per claim its words, then per scheme our number and the verdict."""
    table = rows(findings, reported)
    schemes = list(table[0].ours)
    lines = [
        f"What Teng et al. (2026) claim, and what this run of {findings['study']} finds:",
        f"{_caveat(findings['study'])}.",
        "Differences are the CNN-LSTM's AUC minus a baseline's, in AUC points (0.01 AUC = 1 point).",
        "",
    ]
    for row in table:
        lines.append(f"{row.name:5s}{row.statement}")
        lines.append(f"      the paper:       {row.paper}")
        for s in schemes:
            verdict = f"  ->  {row.verdicts[s]}" if row.verdicts[s] else ""
            lines.append(f"      ours, {s + ':':9s}  {row.ours[s]}{verdict}")
    lines += [
        "",
        "Verdicts: supported / not significant / contradicted / cannot be tested; why, claim by claim:",
        "tables/tab02_claims.csv.",
    ]
    return lines


def answer_markdown(findings: Mapping[str, Any], reported: Mapping[str, Any]) -> str:
    """The answer as the README's table: one row per claim, a column per scheme (ours, then verdict)."""
    table = rows(findings, reported)
    schemes = list(table[0].ours)
    head = "| | the paper says | the paper's number | " + " | ".join(schemes) + " |"
    lines = [head, "|---|---|---|" + "---|" * len(schemes)]
    for row in table:
        cells = [f"{row.ours[s]}" + (f": **{row.verdicts[s]}**" if row.verdicts[s] else "") for s in schemes]
        lines.append(f"| {row.name} | {row.statement} | {row.paper} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def answer_for(findings: Mapping[str, Any], reported: str | Path = REPORTED) -> list[str]:
    """:func:`answer_text` with the paper's numbers read from ``reported``."""
    return answer_text(findings, read_yaml(reported))


def answer_line(findings: Mapping[str, Any]) -> str:
    """One line on a study: its CNN-LSTM's AUC by scheme and the claims' verdicts."""
    schemes = [s for s in SCHEMES if s in findings["performance"]]
    aucs = " / ".join(_hybrid_auc(findings, s) for s in schemes)
    verdicts = "; ".join(
        f"{claim} "
        + (
            next(iter(set(v.values())))
            if len(set(v.values())) == 1
            else ", ".join(f"{word} ({s})" for s, word in v.items())
        )
        for claim, v in findings["claims"].items()
    )
    return (
        f"**{findings['study']}** ({findings['inventory']['positives']:,} landslides): the CNN-LSTM's AUC "
        f"{aucs} ({' / '.join(schemes)}; the paper 0.980); {verdicts}."
    )


# <!-- answer table kerman_synthetic: ... --> ... <!-- /answer kerman_synthetic -->, or "line"
ANSWER = re.compile(r"<!-- answer (table|line) (\S+?): .*? -->\n(.*?)<!-- /answer \2 -->", re.DOTALL)


def rendered_answers(text: str, references: Path, reported: Path) -> str:
    """``text`` with every answer block rendered from ``references/<study>.yaml`` and ``reported``."""

    def block(match: re.Match[str]) -> str:
        kind, study = match.group(1), match.group(2)
        path = references / f"{study}.yaml"
        if not path.is_file():
            raise InputError(
                path, "missing, but a document has an answer block for it", "run `make reference`"
            )
        findings = read_yaml(path)
        body = answer_markdown(findings, read_yaml(reported)) if kind == "table" else answer_line(findings)
        start = f"<!-- answer {kind} {study}: written by `make reference`, do not edit -->"
        return f"{start}\n{body}\n<!-- /answer {study} -->"

    return ANSWER.sub(block, text)


# -- the report's landing page ----------------------------------------------------------------------
RST_SPECIAL = re.compile(r"([\\*`|_])")


def _rst(text: str) -> str:
    """Plain text in reStructuredText: its markup characters escaped."""
    return RST_SPECIAL.sub(r"\\\1", text)


def _image(path: Path, alt: str) -> list[str]:
    """The PNG at ``path`` embedded in the page (the report is one self-contained file)."""
    import base64

    data = base64.b64encode(path.read_bytes()).decode("ascii")
    # docutils refuses lines over 10,000 characters; a URI may span lines (whitespace is dropped)
    wrapped = [f"   {data[i : i + 76]}" for i in range(0, len(data), 76)]
    return [".. image::", "   data:image/png;base64,", *wrapped, f"   :alt: {alt}", "   :width: 100%", ""]


def answer_rst(
    findings: Mapping[str, Any], reported: Mapping[str, Any], figures: Mapping[str, Path], intro: str
) -> str:
    """The report's landing page: the answer claim by claim (its words, the paper's number, ours and the
    verdict by scheme), the figures named in ``figures`` (title -> PNG), then
    ``intro`` (the workflow's description, whose Jinja the report renders; the generated part is
    kept from it)."""
    table = rows(findings, reported)
    schemes = list(table[0].ours)
    lines = [
        "The answer at a glance",
        "======================",
        "",
        f"What Teng et al. (2026) claim, and what this run of ``{findings['study']}`` finds "
        f"({_rst(_caveat(findings['study']).replace(chr(10), ' '))}). Differences are the CNN-LSTM's AUC "
        "minus a baseline's, in AUC points (0.01 AUC = 1 point). Why each verdict: the table "
        "*Table 2: the claims, tested* (category Scorecard).",
        "",
    ]
    # one item per claim, not a table: the report shows this page in a narrow column
    for row in table:
        ours = "; ".join(
            f"{scheme} {_rst(row.ours[scheme])}"
            + (f", **{row.verdicts[scheme]}**" if row.verdicts[scheme] else "")
            for scheme in schemes
        )
        lines += [
            f"- **{row.name}**: {_rst(row.statement)}",
            "",
            f"  *The paper:* {_rst(row.paper)}. *Ours:* {ours}.",
            "",
        ]
    lines.append("")
    for title, path in figures.items():
        lines += [f"**{_rst(title)}**", "", *_image(path, title)]
    body = "\n".join(lines)
    # the generated part is not a template: the report renders the page with Jinja
    return "{% raw %}\n" + body + "\n{% endraw %}\n\n" + intro
