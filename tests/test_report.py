"""The Snakemake report of the tiny study: every artefact of the manifest in it, with its caption and
a link to the executed notebook, and (in headless Chromium) every image loads and every link opens."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lsm.manifest import load_manifest
from tests.conftest import REPO, require_tool, run

pytestmark = pytest.mark.integration
ARTEFACTS = load_manifest(REPO / "workflow" / "manifest.yaml", REPO)


@pytest.fixture(scope="module")
def report(tiny_run: Path, tiny_results: Path) -> Path:
    path = tiny_results / "report.html"
    run(["snakemake", "--report", str(path.relative_to(tiny_run))], tiny_run)
    return path


def embedded(report: Path, name: str) -> dict:
    match = re.search(rf'<script id="{name}">\s*var \w+ = (.*?);\s*</script>', report.read_text(), flags=re.S)
    assert match, f"no {name} in the report"
    return json.loads(match.group(1))


def test_report_has_every_artefact_with_caption_and_notebook(report: Path, tiny_results: Path) -> None:
    results = embedded(report, "results")
    categories = embedded(report, "categories")
    study = tiny_results.name
    for a in ARTEFACTS:
        main = f"results/{study}/{'figures' if a.kind == 'figure' else 'tables'}/{a.id}.{a.report_main()}"
        notebook = f"results/{study}/notebooks/{a.id}.html"
        assert main in results and notebook in results, a.id
        assert results[main]["job_properties"]["rule"] == a.rule
        assert f"showResultInfo('{notebook}')" in results[main]["caption"], f"{a.id}: no link to its notebook"
        assert f"notebooks/{a.id}.py" in results[main]["caption"]
        assert set(categories[a.category][a.id]) == {main, notebook}
        assert results[notebook]["mime_type"] == "text/html"


def test_report_opens_in_chromium_with_every_image(report: Path) -> None:
    require_tool("chromium", "chromium-browser", "google-chrome")
    from lsm.browser import check_report

    seen = check_report(report)
    assert seen.app_rendered, seen.errors
    assert not seen.errors, seen.errors
    figures = {f"results/{report.parent.name}/figures/{a.id}.png" for a in ARTEFACTS if a.kind == "figure"}
    assert figures <= set(seen.images), figures - set(seen.images)
    assert not seen.broken_images, seen.broken_images
    assert all(seen.images[f]["width"] > 100 for f in figures)
    unlinked = [f for f in figures if not seen.notebooks[f].get("ok")]
    assert not unlinked, {f: seen.notebooks[f] for f in unlinked}
