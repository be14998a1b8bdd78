"""The documentation site builds strictly (a broken link fails the build) and every page opens in
headless Chromium with its article, images and links; a planted broken image and link are caught."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from lsm.publish.findings import documents, update_documents
from lsm.publish.site import check_site
from tests.helpers import REPO, require_tool, run


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    run(["mkdocs", "build", "--strict", "--site-dir", str(out)], REPO, extra_env={"NO_MKDOCS_2_WARNING": "1"})
    return out


def _nav_pages(nav: list) -> list[str]:
    pages = []
    for entry in nav:
        for value in entry.values():
            pages += _nav_pages(value) if isinstance(value, list) else [value]
    return pages


def test_every_page_in_the_nav_opens_with_its_images_and_links(site: Path) -> None:
    require_tool("chromium", "chromium-browser")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text())
    expected = {page.removesuffix(".md") + ".html" for page in _nav_pages(config["nav"])}
    check = check_site(site)
    assert check.ok, "\n".join(check.problems)
    assert set(check.pages) == expected
    assert check.pages["index.html"].startswith("Replicating Teng et al. (2026)")


def test_a_broken_image_and_link_are_caught(site: Path, tmp_path: Path) -> None:
    require_tool("chromium", "chromium-browser")
    planted = shutil.copytree(site, tmp_path / "site")
    page = planted / "glossary.html"
    html = page.read_text()
    html = html.replace("<h1", '<img src="missing.png"><a href="nowhere.html">x</a><h1', 1)
    page.write_text(html)
    problems = check_site(planted).problems
    assert any("glossary.html: image missing.png did not load" in p for p in problems)
    assert any("glossary.html: a link to" in p and "nowhere.html leads nowhere" in p for p in problems)


def test_the_answer_on_the_first_screen_is_generated() -> None:
    """The README and the site's first page open on the answer table, rendered from the reference."""
    assert update_documents(REPO, REPO / "paper" / "reference", check=True) == []
    readme = (REPO / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:45])
    assert "<!-- answer table kerman_synthetic" in first_screen and "| C4 |" in first_screen
    assert len(readme.splitlines()) <= 150
    assert REPO / "docs" / "index.md" in documents(REPO)
