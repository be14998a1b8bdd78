"""The artefact manifest (``workflow/manifest.yaml``): every figure and table, in manuscript order.

One list from which the workflow takes each artefact's outputs and report entry, the manuscript its
floats, and the tests what to check. :func:`load_manifest` reads and checks it; an
:class:`Artefact` knows its outputs, its caption as reStructuredText (for the report) and as LaTeX
(for the manuscript).
"""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsm.data.io import read_yaml, write_text
from lsm.errors import InputError
from lsm.names import CAPABILITIES

ID_PATTERN = re.compile(r"^(fig|tab)(\d{2})_[a-z][a-z0-9_]*$")
FIELDS = {"id", "category", "title", "notebook", "caption", "requires", "inputs", "study_files", "params"}
KINDS = {"fig": "figure", "tab": "table"}


@dataclass(frozen=True)
class Artefact:
    """One figure or table: its id (also the name of the rule that makes it), its notebook, caption,
    category, and what the notebook reads: input patterns, study files and params (see the header of
    workflow/manifest.yaml)."""

    id: str
    category: str
    notebook: str
    caption: str
    title: str = ""
    requires: tuple[str, ...] = ()  # what the study must support (lsm.plan.CAPABILITIES)
    inputs: Mapping[str, str | list[str]] = field(default_factory=dict)
    study_files: tuple[str, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def rule(self) -> str:
        """The rule that makes it: one per artefact, generated from the manifest, named by the id."""
        return self.id

    @property
    def kind(self) -> str:
        """``figure`` or ``table``."""
        return KINDS[self.id[:3]]

    @property
    def number(self) -> int:
        """The figure's or table's number (fig07 -> 7)."""
        return int(self.id[3:5])

    def outputs(self, results: str) -> dict[str, str]:
        """Every file the artefact's rule writes under ``results`` (``results/<study>``), by name."""
        if self.kind == "figure":
            main = {"png": f"{results}/figures/{self.id}.png", "pdf": f"{results}/figures/{self.id}.pdf"}
        else:
            main = {"csv": f"{results}/tables/{self.id}.csv", "tex": f"{results}/tables/{self.id}.tex"}
        return {
            **main,
            "notebook": f"{results}/notebooks/{self.id}.ipynb",
            "html": f"{results}/notebooks/{self.id}.html",
            "parameters": f"{results}/notebooks/{self.id}.parameters.yaml",
        }

    def products(self, results: str) -> list[str]:
        """The artefact itself: PNG and PDF, or CSV and LaTeX."""
        outputs = self.outputs(results)
        return [outputs[k] for k in (("png", "pdf") if self.kind == "figure" else ("csv", "tex"))]

    def manuscript_file(self) -> str:
        """What the manuscript includes, relative to ``results/<study>``."""
        return f"figures/{self.id}.pdf" if self.kind == "figure" else f"tables/{self.id}.tex"

    def report_main(self) -> str:
        """The output shown in the report (PNG or CSV)."""
        return "png" if self.kind == "figure" else "csv"

    def caption_rst(self, root: str | Path = ".") -> str:
        """The caption as written in its .rst file, without a trailing "Made by ..." sentence
        (the report and the manuscript add where it comes from themselves)."""
        path = Path(root) / self.caption
        text = path.read_text(encoding="utf-8").strip()
        return MADE_BY.sub("", text).strip()

    def report_caption(self, root: str | Path = ".") -> str:
        """Caption of the report entry: the caption, then the rule, the notebook and a link to the
        executed notebook's entry (the report resolves `<file>`_ to that entry)."""
        return (
            f"{self.caption_rst(root)}\n\nMade by rule ``{self.rule}`` from ``{self.notebook}``. "
            f"Executed notebook: `{self.id}.html`_.\n"
        )

    def notebook_caption(self) -> str:
        """Caption of the executed notebook's report entry, linking back to the artefact."""
        main = f"{self.id}.{self.report_main()}"
        return (
            f"``{self.notebook}`` as executed by rule ``{self.rule}`` (papermill), with the parameters "
            f"it ran with; it made `{main}`_.\n"
        )

    def caption_latex(self, root: str | Path = ".") -> str:
        """The caption in LaTeX, ending with the notebook that made the artefact."""
        return f"{rst_to_latex(self.caption_rst(root))} Made by \\texttt{{{latex_escape(self.notebook)}}}."


MADE_BY = re.compile(r"\s*Made by\s+``[^`]+``\.?\s*$")


def _check_entry(raw: object, index: int, source: Path) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InputError(source, f"entry {index + 1} is not a mapping", "write '- id: ...' entries")
    unknown = set(raw) - FIELDS
    if unknown:
        raise InputError(
            source,
            f"entry {raw.get('id', index + 1)}: unknown field(s) {', '.join(sorted(unknown))}",
            f"use only {', '.join(sorted(FIELDS))}",
        )
    for key in ("id", "category"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise InputError(source, f"entry {raw.get('id', index + 1)}: no {key}", f"give '{key}:'")
    requires = raw.get("requires", [])
    unknown_needs = set(requires) - set(CAPABILITIES) if isinstance(requires, list) else {repr(requires)}
    if unknown_needs:
        raise InputError(
            source,
            f"entry {raw['id']}: requires {', '.join(sorted(unknown_needs))}",
            f"list only {', '.join(CAPABILITIES)}",
        )
    _check_shapes(raw, source)
    if not ID_PATTERN.match(raw["id"]):
        raise InputError(
            source,
            f"id {raw['id']!r} is not figNN_<slug> or tabNN_<slug>",
            "use two digits and a lower-case slug, e.g. fig15_my_figure",
        )
    return raw


def _check_shapes(raw: dict, source: Path) -> None:
    """inputs: name -> pattern or list of patterns; params: name -> key; study_files: list of names."""
    name = raw["id"]
    inputs, params = raw.get("inputs", {}), raw.get("params", {})
    patterns_ok = isinstance(inputs, dict) and all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
        for v in inputs.values()
    )
    if not patterns_ok:
        raise InputError(source, f"entry {name}: inputs is not name: pattern(s)", "write 'name: <pattern>'")
    if not (isinstance(params, dict) and all(isinstance(v, str) for v in params.values())):
        raise InputError(source, f"entry {name}: params is not name: key", "write 'dpi: figures.dpi'")
    if not all(isinstance(v, str) for v in raw.get("study_files", [])):
        raise InputError(source, f"entry {name}: study_files is not a list of names", "list file names")
    clash = {"notebook", "code"} & set(inputs)
    if clash:
        raise InputError(source, f"entry {name}: input name(s) {sorted(clash)} are reserved", "rename them")


# -- an artefact's inputs and params, resolved for its rule ----------------------------------------
def resolve_pattern(pattern: str, values: Mapping[str, str | list[str]]) -> str | list[str]:
    """Fill a pattern's ``{placeholders}``: a placeholder whose value is a list expands the pattern
    over it (the product over several, the first placeholder outermost), and then the result is a
    list, as Snakemake's ``expand``; with single values only it stays one path."""
    names = list(dict.fromkeys(f for _, f, _, _ in string.Formatter().parse(pattern) if f))
    unknown = [n for n in names if n not in values]
    if unknown:
        raise KeyError(f"{pattern}: unknown placeholder(s) {', '.join(unknown)}; known: {', '.join(values)}")
    if not any(isinstance(values[n], list) for n in names):
        return pattern.format(**{n: values[n] for n in names})
    choices = [values[n] if isinstance(values[n], list) else [values[n]] for n in names]
    return [pattern.format(**dict(zip(names, combo, strict=True))) for combo in itertools.product(*choices)]


def resolve_inputs(artefact: Artefact, values: Mapping[str, str | list[str]]) -> dict[str, Any]:
    """The artefact's named inputs as paths: each pattern resolved, a list of patterns concatenated."""
    resolved: dict[str, Any] = {}
    for name, patterns in artefact.inputs.items():
        if isinstance(patterns, str):
            resolved[name] = resolve_pattern(patterns, values)
        else:
            resolved[name] = [path for p in patterns for path in _as_list(resolve_pattern(p, values))]
    return resolved


def resolve_params(artefact: Artefact, config: Mapping[str, Any], plan_values: Mapping[str, Any]) -> dict:
    """The artefact's params: ``plan.<name>`` from the run plan, any other key a dotted path into
    the configuration (``figures.dpi``), so the notebook sees only what its entry declares."""
    params = {}
    for name, key in artefact.params.items():
        if key.startswith("plan."):
            params[name] = plan_values[key.removeprefix("plan.")]
            continue
        value: Any = config
        for part in key.split("."):
            if not isinstance(value, Mapping) or part not in value:
                raise KeyError(f"{artefact.id}: params {name}: no key {key!r} in the configuration")
            value = value[part]
        params[name] = value
    return params


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def load_manifest(
    path: str | Path, root: str | Path | None = None, check_files: bool = True
) -> list[Artefact]:
    """Read and check the manifest; ``root`` is the repository (default: the manifest's grandparent).

    Checks: known fields, ids figNN_/tabNN_ unique and numbered upwards in list order per kind,
    and (with ``check_files``) that each notebook and caption file exists.
    """
    path = Path(path)
    root = Path(root) if root is not None else path.resolve().parents[1]
    data = read_yaml(path) or {}
    entries = data.get("artefacts") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise InputError(path, "no 'artefacts:' list", "list the artefacts under 'artefacts:'")
    artefacts: list[Artefact] = []
    last: dict[str, int] = {}
    for index, raw in enumerate(entries):
        raw = _check_entry(raw, index, path)
        artefact = Artefact(
            id=raw["id"],
            category=raw["category"].strip(),
            notebook=raw.get("notebook", f"notebooks/{raw['id']}.py"),
            caption=raw.get("caption", f"workflow/report/{raw['id']}.rst"),
            title=raw.get("title", raw["id"]),
            requires=tuple(raw.get("requires", ())),
            inputs=raw.get("inputs", {}),
            study_files=tuple(raw.get("study_files", ())),
            params=raw.get("params", {}),
        )
        prefix = artefact.id[:3]
        if artefact.number <= last.get(prefix, -1):
            raise InputError(
                path,
                f"{artefact.id} comes after {prefix}{last[prefix]:02d}: numbers must grow in list order",
                "number artefacts in manuscript order and list them in that order",
            )
        last[prefix] = artefact.number
        if check_files:
            for field, file in (("notebook", artefact.notebook), ("caption", artefact.caption)):
                if not (root / file).is_file():
                    raise InputError(path, f"{artefact.id}: {field} {file} does not exist", f"write {file}")
        artefacts.append(artefact)
    ids = [a.id for a in artefacts]
    twice = sorted({v for v in ids if ids.count(v) > 1})
    if twice:
        raise InputError(path, f"id listed more than once: {', '.join(twice)}", "list each once")
    return artefacts


def by_id(artefacts: Iterable[Artefact]) -> dict[str, Artefact]:
    """The artefacts by id."""
    return {a.id: a for a in artefacts}


# -- captions: reStructuredText to LaTeX -----------------------------------------------------------
LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}


def latex_escape(text: str) -> str:
    """Plain text to LaTeX: the special characters escaped, nothing else changed."""
    return "".join(LATEX_SPECIAL.get(c, c) for c in text)


RST_INLINE = re.compile(
    r"``(?P<literal>[^`]+)``"  # ``literal``
    r"|\*\*(?P<strong>[^*]+)\*\*"  # **strong**
    r"|\*(?P<emph>[^*]+)\*"  # *emphasis*
    r"|`(?P<link>[^`<]+?)\s*(?:<[^>]+>)?`__?"  # `text <url>`_ or `target`_
)


def rst_to_latex(text: str) -> str:
    """The inline reStructuredText of a caption (literals, emphasis, links) in LaTeX.

    Captions are one or a few paragraphs of inline markup; anything else (directives, Jinja
    templates) is refused, so that a caption never reaches the manuscript half converted.
    """
    if "{{" in text or "{%" in text or re.search(r"^\s*\.\. ", text, flags=re.M):
        raise ValueError("caption uses Jinja or rst directives; only inline markup converts to LaTeX")
    out, pos = [], 0
    for match in RST_INLINE.finditer(text):
        out.append(latex_escape(text[pos : match.start()]))
        if match.group("literal"):
            out.append(r"\texttt{" + latex_escape(match.group("literal")) + "}")
        elif match.group("strong"):
            out.append(r"\textbf{" + latex_escape(match.group("strong")) + "}")
        elif match.group("emph"):
            out.append(r"\emph{" + latex_escape(match.group("emph")) + "}")
        else:
            out.append(latex_escape(match.group("link")))
        pos = match.end()
    out.append(latex_escape(text[pos:]))
    return re.sub(r"\s*\n\s*\n\s*", r" \\par ", "".join(out)).replace("\n", " ").strip()


def write_if_changed(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` (atomically) unless the file already holds it; return the path.

    For files written while Snakemake parses the workflow (every job parses it again).
    """
    path = Path(path)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_text(path, text)
    return path
