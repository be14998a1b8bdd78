"""The Snakemake report of the tiny study: every artefact of the manifest in it, with its caption and
a link to the executed notebook, and (in headless Chromium) every image loads and every link opens."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest

from lsm.publish.artefacts import load_manifest
from tests.helpers import REPO, require_tool, run_in_shared

pytestmark = pytest.mark.integration
ARTEFACTS = load_manifest(REPO / "workflow" / "manifest.yaml", REPO)


@pytest.fixture(scope="module")
def report(tiny_run: Path, tiny_results: Path) -> Path:
    path = tiny_results / "report.html"
    run_in_shared(tiny_run, ["snakemake", "--report", str(path.relative_to(tiny_run))])
    return path


def embedded(report: Path, name: str) -> dict:
    match = re.search(rf'<script id="{name}">\s*var \w+ = (.*?);\s*</script>', report.read_text(), flags=re.S)
    assert match, f"no {name} in the report"
    return json.loads(match.group(1))


def test_report_has_every_artefact_with_caption_and_notebook(report: Path, tiny_results: Path) -> None:
    results = embedded(report, "results")
    categories = embedded(report, "categories")
    study = tiny_results.name
    plan = json.loads((tiny_results / "plan.json").read_text())
    for a in ARTEFACTS:
        main = f"results/{study}/{'figures' if a.kind == 'figure' else 'tables'}/{a.id}.{a.report_main()}"
        if a.id in plan["skipped_artefacts"]:  # not made for this study: not in the report either
            assert main not in results, a.id
            continue
        notebook = f"results/{study}/notebooks/{a.id}.html"
        assert main in results and notebook in results, a.id
        assert results[main]["job_properties"]["rule"] == a.rule
        assert f"showResultInfo('{notebook}')" in results[main]["caption"], f"{a.id}: no link to its notebook"
        assert f"notebooks/{a.id}.py" in results[main]["caption"]
        assert set(categories[a.category][a.id]) == {main, notebook}
        assert results[notebook]["mime_type"] == "text/html"


def test_report_opens_on_the_answer(report: Path, tiny_results: Path) -> None:
    """The landing page (rule scorecard_page) is the report's description: the claims' verdicts of
    this run first, then the workflow's own description."""
    import pandas as pd

    text = report.read_text()
    assert "The answer at a glance" in text and text.index("The answer at a glance") < text.index(
        "Every figure"
    )
    claims = pd.read_csv(tiny_results / "metrics" / "claims.csv").set_index("claim")
    assert f"<strong>{claims.loc['C2', 'verdict_random']}</strong>" in text


def test_report_opens_in_chromium_with_every_image(report: Path) -> None:
    require_tool("chromium", "chromium-browser", "google-chrome")
    from lsm.publish.browser import check_report

    seen = check_report(report)
    assert seen.app_rendered, seen.errors
    assert not seen.errors, seen.errors
    made = set(json.loads((report.parent / "plan.json").read_text())["artefacts"])
    figures = {
        f"results/{report.parent.name}/figures/{a.id}.png"
        for a in ARTEFACTS
        if a.kind == "figure" and a.id in made
    }
    assert figures <= set(seen.images), figures - set(seen.images)
    assert not seen.broken_images, seen.broken_images
    assert all(seen.images[f]["width"] > 100 for f in figures)
    unlinked = [f for f in figures if not seen.notebooks[f].get("ok")]
    assert not unlinked, {f: seen.notebooks[f] for f in unlinked}


def test_check_waits_for_the_app_not_its_div(tmp_path: Path) -> None:
    """A large report defines its `app` a while after the page shows <div id="app">, which browsers
    expose as a global of the same name: the check must wait for the app itself (it once ran
    against the div and failed on the default study's 15 MB report)."""
    require_tool("chromium", "chromium-browser", "google-chrome")
    from lsm.publish.browser import check_report

    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    notebook = "PGRpdiBjbGFzcz0nY2VsbCc+eDwvZGl2Pg=="  # <div class='cell'>x</div>
    page = f"""<!DOCTYPE html><html><body><div id="app"><p>loading</p></div>
<script>var results = {{
  "figures/f.png": {{"mime_type": "image/png", "data_uri": "data:image/png;base64,{png}",
                     "caption": "showResultInfo('notebooks/f.html')"}},
  "notebooks/f.html": {{"mime_type": "text/html", "data_uri": "data:text/html;base64,{notebook}",
                        "caption": ""}}}};</script>
<script>setTimeout(() => {{
  const s = document.createElement("script");
  s.text = `let app = {{
    setView(view) {{
      const box = document.querySelector("#app");
      box.innerHTML = view.content === "img" ? '<img src="' + view.contentPath + '">'
                                             : '<iframe src="' + view.contentPath + '"></iframe>';
    }},
    showResultInfo(path) {{}},
  }};`;
  document.body.appendChild(s);
}}, 1500);</script></body></html>"""
    report = tmp_path / "report.html"
    report.write_text(page)
    profiles = set(Path(tempfile.gettempdir()).glob("playwright_chromiumdev_profile-*"))
    seen = check_report(report, timeout=60)
    # Chromium and its helpers are gone and its profile removed.
    assert set(Path(tempfile.gettempdir()).glob("playwright_chromiumdev_profile-*")) <= profiles
    assert not seen.errors, seen.errors
    assert seen.images == {"figures/f.png": {"ok": True, "width": 1, "height": 1}}
    assert seen.notebooks["figures/f.png"]["ok"] is True

    # The same report with the image's bytes broken and a script error: the check sees both.
    report.write_text(
        page.replace(png, png[:20] + "AAAA" + png[24:]).replace(
            "</body>", "<script>nosuch();</script></body>"
        )
    )
    seen = check_report(report, timeout=60)
    assert seen.broken_images == ["figures/f.png"]
    assert any("nosuch" in error for error in seen.errors), seen.errors
