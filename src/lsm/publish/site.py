"""The documentation site (``make docs``, MkDocs) opened in headless Chromium as a reader opens it.

Every page of the built site is loaded from the file system: it must render its article, every image
on it must decode, every link to another file of the site must reach one, and the page must raise no
script error. MkDocs' ``--strict`` build already refuses a broken Markdown link; this checks what the
theme and the browser make of the pages, which no build step sees.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsm.errors import InputError
from lsm.publish.browser import CHROMIUM_ARGS, find_chromium

# Runs in each page: whether the article rendered, each image's decoded size, each local link.
PAGE_SCRIPT = r"""
(async () => {
  const images = {};
  for (const img of document.querySelectorAll("article img")) {
    try { await img.decode(); } catch (e) {}
    images[img.getAttribute("src")] = img.complete && img.naturalWidth > 0;
  }
  const links = Array.from(document.querySelectorAll("a[href]")).map((a) => a.href)
    .filter((h) => h.startsWith("file:"));
  const title = document.querySelector("article h1");
  return JSON.stringify({title: title ? title.textContent.replace("\u00b6", "").trim() : "", images, links});
})()
"""


@dataclass
class SiteCheck:
    """What the browser saw on every page of the site."""

    pages: dict[str, str] = field(default_factory=dict)  # page -> its article's title ("" if none)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every page rendered its article, with no broken image, link or script error."""
        return bool(self.pages) and not self.problems


def pages_of(site: Path) -> list[Path]:
    """The site's pages a reader can reach (MkDocs' 404 page is a template, not a page)."""
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def _link_problem(page: Path, link: str) -> str | None:
    target = Path(unquote(urlparse(link).path))
    if target.is_dir():
        target = target / "index.html"
    return None if target.exists() else f"{page.name}: a link to {target} leads nowhere"


def check_site(site: str | Path, timeout: float = 60, chromium: str | None = None) -> SiteCheck:
    """Open every page of the built ``site`` folder in headless Chromium (see the module docstring)."""
    from playwright.sync_api import sync_playwright

    site = Path(site).resolve()
    if not (site / "index.html").is_file():
        raise InputError(site, "no index.html: the site is not built", "run `make docs`")
    browser_path = chromium or find_chromium()
    if browser_path is None:
        raise InputError("chromium", "no Chromium on PATH", "install Debian's chromium package")
    check = SiteCheck()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        try:
            for path in pages_of(site):
                _check_page(browser, path, path.relative_to(site).as_posix(), check, timeout)
        finally:
            browser.close()
    return check


def _check_page(browser: Any, path: Path, name: str, check: SiteCheck, timeout: float) -> None:
    """Open one page and add what it shows (its title) and what is wrong with it to ``check``."""
    page = browser.new_page()
    page.set_default_timeout(timeout * 1000)
    page.on("pageerror", lambda error: check.problems.append(f"{name}: {error}"))
    page.goto(path.as_uri())
    seen = json.loads(page.evaluate(PAGE_SCRIPT))
    page.close()
    check.pages[name] = seen["title"]
    if not seen["title"]:
        check.problems.append(f"{name}: no article title rendered")
    check.problems += [f"{name}: image {src} did not load" for src, ok in seen["images"].items() if not ok]
    check.problems += [p for link in seen["links"] if (p := _link_problem(path, link))]
