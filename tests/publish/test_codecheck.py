"""The CODECHECK configuration (lsm.publish.codecheck): the manifest generated from the artefact
manifest and a run's folder, and the offline rules of CODECHECK's list, each caught on a planted
defect and silent on a complete configuration."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from lsm.publish.artefacts import load_manifest
from lsm.publish.codecheck import BY_HAND, OFFLINE, check, manifest, orcid_valid, write_configuration
from tests.helpers import REPO

# A configuration a codechecker has completed (ORCIDs with valid check digits: ORCID's own examples).
COMPLETE = {
    "version": "https://codecheck.org.uk/spec/config/2.0/",
    "paper": {
        "title": "A paper",
        "authors": [{"name": "Josiah Carberry", "ORCID": "0000-0002-1825-0097"}],
        "reference": "https://doi.org/10.1038/s41598-026-43927-5",
    },
    "codechecker": [{"name": "A. Checker", "ORCID": "0000-0001-5109-3700"}],
    "summary": "Every figure rebuilt.",
    "certificate": "2026-017",
    "report": "https://doi.org/10.5281/zenodo.1234567",
    "manifest": [{"file": "results/fig.png", "comment": "a figure"}],
}


def bundle(tmp_path: Path, config: dict, header: str = "---\n") -> Path:
    (tmp_path / "results").mkdir(exist_ok=True)
    (tmp_path / "results" / "fig.png").write_bytes(b"png")
    (tmp_path / "codecheck").mkdir(exist_ok=True)
    (tmp_path / "LICENSE").write_text("MIT")
    path = tmp_path / "codecheck.yml"
    path.write_text(header + yaml.safe_dump(config, sort_keys=False))
    return path


def rules(path: Path, root: Path | None = None) -> set[str]:
    return {finding.rule for finding in check(path, root)}


def test_a_complete_configuration_breaks_no_offline_rule(tmp_path: Path) -> None:
    assert check(bundle(tmp_path, COMPLETE)) == []


def edited(change) -> dict:
    config = json.loads(json.dumps(COMPLETE))
    change(config)
    return config


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (lambda c: c.pop("manifest"), "CC-CFG-004"),
        (lambda c: c["manifest"].append({"comment": "no file"}), "CC-CFG-005"),
        (lambda c: c["manifest"].append({"file": "/etc/passwd", "comment": "absolute"}), "CC-CFG-006"),
        (lambda c: c["manifest"][0].pop("comment"), "CC-CFG-007"),
        (lambda c: c["manifest"].append({"file": "results/gone.png", "comment": "x"}), "CC-BUN-001"),
        (lambda c: c.update(codechecker=[]), "CC-CFG-008"),
        (lambda c: c["codechecker"][0].pop("name"), "CC-CFG-009"),
        (lambda c: c["codechecker"][0].pop("ORCID"), "CC-CFG-010"),
        (lambda c: c.pop("report"), "CC-CFG-011"),
        (lambda c: c.update(report="10.5281/zenodo.1234567"), "CC-CFG-012"),
        (lambda c: c.update(report="https://doi.org/10.5281/zenodo.FIXME"), "CC-CFG-013"),
        (lambda c: c.pop("version"), "CC-CFG-014"),
        (lambda c: c.update(version="https://example.org/v9"), "CC-CFG-015"),
        (lambda c: c.pop("paper"), "CC-CFG-016"),
        (lambda c: c["paper"].pop("title"), "CC-CFG-017"),
        (lambda c: c["paper"].update(authors=[]), "CC-CFG-018"),
        (lambda c: c["paper"]["authors"][0].pop("name"), "CC-CFG-019"),
        (lambda c: c["paper"]["authors"][0].pop("ORCID"), "CC-CFG-020"),
        (lambda c: c["paper"].pop("reference"), "CC-CFG-021"),
        (lambda c: c["paper"].update(reference="https://example.org/paper.pdf"), "CC-CFG-022"),
        (lambda c: c.update(summary="TODO: write it"), "CC-CFG-023"),
        (lambda c: c.pop("summary"), "CC-CFG-024"),
        (lambda c: c.pop("certificate"), "CC-CFG-025"),
        (lambda c: c.update(certificate="2026-17"), "CC-CFG-026"),
        (lambda c: c["paper"].update(reference="Teng et al. 2026, Sci. Rep."), "CC-CFG-027"),
        (lambda c: c["paper"].update(reference="https://example.org/landing"), "CC-CFG-028"),
        (lambda c: c.update({"reference-other": "https://doi.org/10.1/x"}), "CC-CFG-029"),
        (lambda c: c.update({"reference-other": ["a book"]}), "CC-CFG-030"),
        (
            lambda c: c["paper"].update(reference="https://web.archive.org/web/1/https://x.org/p.pdf"),
            "CC-CFG-031",
        ),
        (lambda c: c["paper"]["authors"][0].update(ORCID="0000-0002-1825-0098"), "CC-MET-001"),
    ],
)
def test_each_rule_catches_its_planted_defect(tmp_path: Path, change, rule: str) -> None:
    assert rule in OFFLINE
    assert rule in rules(bundle(tmp_path, edited(change)))


def test_a_codecheckers_orcid_is_checked_without_a_paper_and_odd_lists_are_reported(tmp_path: Path) -> None:
    def no_paper_bad_checker(config: dict) -> None:
        config.pop("paper")
        config["codechecker"][0]["ORCID"] = "0000-0001-5109-3701"

    assert {"CC-CFG-016", "CC-MET-001"} <= rules(bundle(tmp_path, edited(no_paper_bad_checker)))
    odd = rules(bundle(tmp_path, edited(lambda c: c["paper"].update(authors="Josiah Carberry"))))
    assert "CC-CFG-018" in odd
    unnamed = rules(bundle(tmp_path, edited(lambda c: c.update(codechecker=["A. Checker"]))))
    assert {"CC-CFG-009", "CC-CFG-010"} <= unnamed


def test_the_file_its_place_and_the_bundle(tmp_path: Path) -> None:
    assert {"CC-CFG-002"} == rules(bundle(tmp_path, COMPLETE, header=""))
    broken = tmp_path / "codecheck.yml"
    broken.write_text("---\nmanifest: [unclosed\n")
    assert rules(broken) == {"CC-CFG-001"}
    elsewhere = tmp_path / "results" / "codecheck.yml"
    shutil.copy(bundle(tmp_path, COMPLETE), elsewhere)
    assert "CC-CFG-003" in rules(elsewhere, tmp_path)  # not at the root of its bundle
    path = bundle(tmp_path, COMPLETE)
    shutil.rmtree(tmp_path / "codecheck")
    (tmp_path / "LICENSE").unlink()
    assert rules(path) == {"CC-BUN-002", "CC-BUN-005"}


def test_orcid_check_digits() -> None:
    assert orcid_valid("0000-0002-1825-0097") and orcid_valid("0000-0002-1694-233X")
    assert not orcid_valid("0000-0002-1825-0098") and not orcid_valid("https://orcid.org/0000-0002-1825-0097")


def fake_run(repo: Path, skipped: dict[str, str]) -> Path:
    """A results folder holding every product of the artefact manifest (but the skipped ones) and
    the run's files, as a finished run has them."""
    results = repo / "results" / "s"
    results.mkdir(parents=True)
    (results / "plan.json").write_text(json.dumps({"skipped_artefacts": skipped}))
    for artefact in load_manifest(REPO / "workflow" / "manifest.yaml", REPO):
        if artefact.id not in skipped:
            for product in artefact.products(str(results)):
                Path(product).parent.mkdir(parents=True, exist_ok=True)
                Path(product).write_bytes(b"x")
    for name in ("report.html", "metrics/claims.csv"):
        (results / name).parent.mkdir(parents=True, exist_ok=True)
        (results / name).write_text("x")
    return results


def test_the_generated_configuration_lists_the_run_and_leaves_only_the_peoples_part(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "workflow").mkdir(parents=True)
    shutil.copy(REPO / "workflow" / "manifest.yaml", repo / "workflow" / "manifest.yaml")
    shutil.copytree(REPO / "codecheck", repo / "codecheck")
    shutil.copy(REPO / "LICENSE", repo / "LICENSE")
    results = fake_run(repo, {"fig03_forcing_series": "the study has no series"})
    files = [item["file"] for item in manifest(repo, results)]
    assert "results/s/figures/fig08_model_comparison.png" in files and "results/s/report.html" in files
    assert not any("fig03" in f for f in files) and "results/s/paper.pdf" not in files  # skipped, not made
    path = write_configuration(repo, results)
    assert path == repo / "codecheck.yml" and path.read_text().startswith("---\n")
    found = check(path)
    assert {f.rule for f in found if f.severity == "error"} <= set(BY_HAND), [f.line() for f in found]
    assert {"CC-CFG-008", "CC-CFG-011", "CC-CFG-025"} <= {f.rule for f in found}  # no codechecker yet
    (results / "figures" / "fig08_model_comparison.png").unlink()
    assert "CC-BUN-001" in rules(path)  # an output gone after the configuration was written
