"""A CODECHECK configuration (``codecheck.yml``) for a finished run, and the specification's rules that
can be checked offline.

CODECHECK certifies that a paper's computations can be rerun from its material; its configuration
file lists the outputs a codechecker compares (the manifest) beside the paper's and the check's
metadata. The manifest is generated here from the artefact manifest and the run (every figure and
table the plan made, the report, the manuscript, the claims); the people's part (the paper's authors
and their ORCIDs, the codechecker, the certificate and its report) lives in ``codecheck/metadata.yml``
and is merged in unchanged. The rules are those of the CODECHECK register's list for configuration
specification 2.0, by their identifiers; the ones that need the network or the register (ORCID and
Crossref lookups, Zenodo records, register.csv) are not checked here, and :data:`OFFLINE` says which are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lsm.data.io import atomic_path, read_yaml
from lsm.publish.artefacts import load_manifest

SPEC_VERSION = "https://codecheck.org.uk/spec/config/2.0/"
NAME = "codecheck.yml"  # the file's name, at the root of the bundle (the repository)
METADATA = Path("codecheck") / "metadata.yml"  # the people's part, merged into the generated file
# The run's own files a codechecker compares beside the manifest's figures and tables.
RUN_FILES = {
    "report.html": "the Snakemake report of the run (every figure and table with its code)",
    "paper.pdf": "the manuscript, every number of it generated from the run",
    "metrics/claims.csv": "the claims' verdicts per validation scheme, with their evidence",
    "metrics/summary_by_model.csv": "every model's test metrics, mean and 95 % interval over seeds",
}
ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
CERTIFICATE = re.compile(r"^\d{4}-\d{3}$")
PLACEHOLDER = re.compile(r"FIXME|TODO|XXXXX", re.IGNORECASE)
URL = re.compile(r"^https?://\S+$")
DOI_URL = re.compile(r"^https?://(dx\.)?doi\.org/10\.\d{4,}/\S+$")


@dataclass(frozen=True)
class Finding:
    """A rule the configuration breaks: its identifier, severity and what is wrong."""

    rule: str
    severity: str  # error, warning or info, as the register's list has it
    problem: str

    def line(self) -> str:
        """The finding as one line of the command's output."""
        return f"{self.rule} ({self.severity}): {self.problem}"


# -- the configuration ------------------------------------------------------------------------------
def manifest(repo: Path, results: Path) -> list[dict[str, str]]:
    """Every output of the run a codechecker compares, relative to ``repo`` (the bundle's root), with
    the artefact's title as its comment: the figures and tables the plan made, then the run's files."""
    plan = json.loads((results / "plan.json").read_text()) if (results / "plan.json").is_file() else {}
    skipped = set(plan.get("skipped_artefacts", {}))
    items = []
    for artefact in load_manifest(repo / "workflow" / "manifest.yaml", repo, check_files=False):
        if artefact.id not in skipped:
            products = artefact.products(str(results))
            items += [{"file": _relative(product, repo), "comment": artefact.title} for product in products]
    for name, comment in RUN_FILES.items():
        if (results / name).is_file():
            items.append({"file": _relative(results / name, repo), "comment": comment})
    return items


def _relative(path: str | Path, repo: Path) -> str:
    """``path`` relative to the bundle's root, as the manifest gives it."""
    return Path(path).resolve().relative_to(repo.resolve()).as_posix()


def configuration(repo: Path, results: Path) -> dict[str, Any]:
    """The configuration: the specification's version, the people's part from ``codecheck/metadata.yml``
    and the generated manifest."""
    people = read_yaml(repo / METADATA) if (repo / METADATA).is_file() else {}
    return {"version": SPEC_VERSION, **(people or {}), "manifest": manifest(repo, results)}


def write_configuration(repo: Path, results: Path) -> Path:
    """``codecheck.yml`` at the root of ``repo``, written atomically (YAML with the explicit document
    marker the specification asks for)."""
    path = repo / NAME
    text = "---\n" + yaml.safe_dump(
        configuration(repo, results), sort_keys=False, allow_unicode=False, width=100
    )
    with atomic_path(path) as tmp:
        tmp.write_text(text)
    return path


# -- the offline rules ------------------------------------------------------------------------------
def orcid_valid(orcid: str) -> bool:
    """An ORCID's form and its ISO 7064 MOD 11-2 check digit."""
    if not ORCID.match(orcid):
        return False
    total = 0
    for digit in orcid.replace("-", "")[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return orcid[-1] == ("X" if check == 10 else str(check))


def _strings(node: Any, path: str = "") -> list[tuple[str, str]]:
    """Every string of the configuration with where it sits."""
    if isinstance(node, Mapping):
        return [pair for key, value in node.items() for pair in _strings(value, f"{path}.{key}".lstrip("."))]
    if isinstance(node, list):
        return [pair for i, value in enumerate(node) for pair in _strings(value, f"{path}[{i}]")]
    return [(path, node)] if isinstance(node, str) else []


def check_text(text: str) -> tuple[dict[str, Any] | None, list[Finding]]:
    """CC-CFG-001 and -002: the file parses and starts with the document marker."""
    findings = []
    if not text.startswith("---"):
        findings.append(
            Finding("CC-CFG-002", "error", "the file does not start with the document marker ---")
        )
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError as error:
        return None, [*findings, Finding("CC-CFG-001", "error", f"not well-formed YAML: {error}")]
    return (config if isinstance(config, dict) else {}), findings


def _manifest_rules(config: Mapping[str, Any], root: Path) -> list[Finding]:
    """CC-CFG-004 to -007 and CC-BUN-001: the manifest, its paths and its files."""
    items = config.get("manifest")
    if not isinstance(items, list) or not items:
        return [Finding("CC-CFG-004", "error", "no root-level manifest list")]
    findings = []
    for i, item in enumerate(items):
        file = item.get("file") if isinstance(item, Mapping) else None
        if not file:
            findings.append(Finding("CC-CFG-005", "error", f"manifest item {i} has no file"))
            continue
        if Path(file).is_absolute() or ".." in Path(file).parts:
            findings.append(Finding("CC-CFG-006", "error", f"{file}: not relative to the codecheck.yml"))
        elif not (root / file).is_file():
            findings.append(Finding("CC-BUN-001", "error", f"{file}: no such file in the bundle"))
        if not item.get("comment"):
            findings.append(Finding("CC-CFG-007", "info", f"{file}: no comment"))
    return findings


def _people(people: Any, what: str, rules: tuple[str, str, str], empty: str, no_orcid: str) -> list[Finding]:
    """The rules every list of people shares: the list itself (``rules[0]``), each one's name
    (``rules[1]``) and ORCID (``rules[2]``, at severity ``no_orcid``), and CC-MET-001 on each
    ORCID given. ``what`` names one of them in messages."""
    listed = people if isinstance(people, list) else []
    findings = [] if listed else [Finding(rules[0], "error", empty)]
    for person in listed:
        entry: Mapping[str, Any] = person if isinstance(person, Mapping) else {}
        name, orcid = entry.get("name"), str(entry.get("ORCID") or "")
        if not name:
            findings.append(Finding(rules[1], "error", f"a {what} without a name"))
        if not orcid:
            findings.append(Finding(rules[2], no_orcid, f"{what} {name}: no ORCID"))
        elif not orcid_valid(orcid):
            findings.append(Finding("CC-MET-001", "error", f"{name}: {orcid} is not a valid ORCID"))
    return findings


def _people_rules(config: Mapping[str, Any]) -> list[Finding]:
    """CC-CFG-008 to -010, -016 to -020 and CC-MET-001: the codecheckers, the paper and its authors."""
    rules = ("CC-CFG-008", "CC-CFG-009", "CC-CFG-010")
    findings = _people(config.get("codechecker"), "codechecker", rules, "no codechecker yet", "warning")
    paper = config.get("paper")
    if not isinstance(paper, Mapping):
        return [*findings, Finding("CC-CFG-016", "error", "no root-level paper")]
    if not paper.get("title"):
        findings.append(Finding("CC-CFG-017", "error", "paper.title is missing"))
    empty = "paper.authors is not a list of at least one author"
    rules = ("CC-CFG-018", "CC-CFG-019", "CC-CFG-020")
    return [*findings, *_people(paper.get("authors"), "paper author", rules, empty, "error")]


def _reference_rules(config: Mapping[str, Any]) -> list[Finding]:
    """CC-CFG-021, -022, -027 to -030: the paper's reference and the other references."""
    raw = config.get("paper")
    paper: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    reference = str(paper.get("reference") or "")
    findings = []
    if not reference:
        findings.append(Finding("CC-CFG-021", "error", "paper.reference is missing"))
    elif not URL.match(reference):
        findings.append(Finding("CC-CFG-027", "warning", f"paper.reference is not a URL: {reference}"))
    else:
        if reference.lower().endswith(".pdf"):
            archived = "web.archive.org" in reference
            findings.append(
                Finding("CC-CFG-031", "info", "paper.reference is an archived PDF")
                if archived
                else Finding("CC-CFG-022", "warning", "paper.reference is a bare PDF link")
            )
        if not DOI_URL.match(reference):
            findings.append(Finding("CC-CFG-028", "info", "paper.reference is not a DOI"))
    other = config.get("reference-other")
    if other is not None and not isinstance(other, list):
        findings.append(Finding("CC-CFG-029", "error", "reference-other is not a list"))
    for entry in other if isinstance(other, list) else []:
        if not URL.match(str(entry)):
            findings.append(Finding("CC-CFG-030", "warning", f"reference-other entry is not a URL: {entry}"))
    return findings


def _certificate_rules(config: Mapping[str, Any]) -> list[Finding]:
    """CC-CFG-011 to -015, -023 to -026: the report, the version, the summary, the certificate and
    placeholders anywhere."""
    findings = []
    report = str(config.get("report") or "")
    if not report:
        findings.append(Finding("CC-CFG-011", "error", "no report of a published certificate yet"))
    elif "FIXME" in report.upper():
        findings.append(Finding("CC-CFG-013", "error", f"the report DOI is a placeholder: {report}"))
    elif not URL.match(report):
        findings.append(Finding("CC-CFG-012", "info", f"the report is not a resolvable URL: {report}"))
    version = config.get("version")
    if not version:
        findings.append(Finding("CC-CFG-014", "warning", "no version of the specification"))
    elif not str(version).startswith("https://codecheck.org.uk/spec/config/"):
        findings.append(Finding("CC-CFG-015", "warning", f"unknown specification version {version}"))
    if not config.get("summary"):
        findings.append(Finding("CC-CFG-024", "error", "no summary"))
    certificate = str(config.get("certificate") or "")
    if not certificate:
        findings.append(Finding("CC-CFG-025", "error", "no certificate identifier yet"))
    elif not CERTIFICATE.match(certificate):
        findings.append(Finding("CC-CFG-026", "error", f"certificate {certificate} is not YYYY-NNN"))
    for where, text in _strings(config):
        if PLACEHOLDER.search(text):
            findings.append(Finding("CC-CFG-023", "error", f"{where} holds a placeholder: {text}"))
    return findings


def _bundle_rules(root: Path, config: Mapping[str, Any], path: Path) -> list[Finding]:
    """CC-CFG-003, CC-BUN-002, -003 and -005: where the file sits and what the bundle holds."""
    findings = []
    if path.name != NAME or path.resolve().parent != root.resolve():
        findings.append(Finding("CC-CFG-003", "error", f"{path}: not {NAME} at the root of the bundle"))
    if not (root / "codecheck").is_dir() and not (root / ".codecheck").is_dir():
        findings.append(Finding("CC-BUN-002", "warning", "no codecheck/ directory in the bundle"))
    report = str(config.get("report") or "")
    if report and not URL.match(report) and not (root / report).is_file():
        findings.append(Finding("CC-BUN-003", "warning", f"the report file {report} is not in the bundle"))
    if not any((root / name).is_file() for name in ("LICENSE", "LICENSE.md", "LICENCE", "COPYING")):
        findings.append(Finding("CC-BUN-005", "warning", "the bundle states no licence"))
    return findings


# The rules checked here; every other rule of the list (ORCID and Crossref lookups, the repository's
# reachability, Zenodo records, the register) needs the network or the register.
OFFLINE = (
    *(f"CC-CFG-{n:03d}" for n in range(1, 32)),
    "CC-MET-001",
    "CC-BUN-001",
    "CC-BUN-002",
    "CC-BUN-003",
    "CC-BUN-005",
)
# What only people can give: a codechecker, the certificate and its report, the authors' ORCIDs and
# the published manuscript's reference.
BY_HAND = ("CC-CFG-008", "CC-CFG-011", "CC-CFG-020", "CC-CFG-021", "CC-CFG-025")


def check(path: Path, root: Path | None = None) -> list[Finding]:
    """Every offline rule the configuration at ``path`` breaks in the bundle at ``root`` (the
    repository; by default the file's folder)."""
    config, findings = check_text(path.read_text(encoding="utf-8"))
    if config is None:
        return findings
    root = path.parent if root is None else root
    return [
        *findings,
        *_bundle_rules(root, config, path),
        *_manifest_rules(config, root),
        *_people_rules(config),
        *_reference_rules(config),
        *_certificate_rules(config),
    ]
