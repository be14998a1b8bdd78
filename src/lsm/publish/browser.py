"""Open the Snakemake report in headless Chromium and check that it works as a reader sees it.

:func:`check_report` starts Chromium (Debian's ``chromium`` package) with the DevTools protocol,
opens ``report.html``, lets the report's JavaScript app render, then shows every image result the way
a click on it does (``app.setView``) and waits until the browser has decoded it. It also follows the
link in each caption to the executed notebook (``app.showResultInfo``) and loads that notebook page.
Nothing is mocked: a figure that does not load in the browser fails the check.

The DevTools protocol is spoken over a WebSocket with tornado (already a dependency of Jupyter).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsm.errors import InputError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")


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
        return [path for path, seen in self.images.items() if not seen.get("ok")]

    @property
    def unlinked(self) -> list[str]:
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


class _DevTools:
    """The smallest DevTools-protocol client: send a command, wait for its answer, keep events."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    async def call(self, method: str, timeout: float = 60, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        ident = self.next_id
        await self.connection.write_message(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"Chromium did not answer {method} within {timeout:.0f} s")
            raw = await asyncio.wait_for(self.connection.read_message(), remaining)
            if raw is None:
                raise ConnectionError("Chromium closed the DevTools connection")
            message = json.loads(raw)
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def page_errors(self) -> list[str]:
        errors = []
        for event in self.events:
            if event.get("method") == "Runtime.exceptionThrown":
                details = event["params"]["exceptionDetails"]
                errors.append(details.get("exception", {}).get("description") or details.get("text", ""))
            elif event.get("method") == "Runtime.consoleAPICalled" and event["params"].get("type") == "error":
                errors.append(
                    " ".join(str(a.get("value", a.get("description", ""))) for a in event["params"]["args"])
                )
        return errors


async def _check(url: str, port_file: Path, timeout: float) -> ReportCheck:
    from tornado.httpclient import AsyncHTTPClient
    from tornado.websocket import websocket_connect

    deadline = time.monotonic() + timeout
    while not port_file.is_file() or len(port_file.read_text().splitlines()) < 2:
        if time.monotonic() > deadline:
            raise TimeoutError("Chromium did not open its DevTools port")
        await asyncio.sleep(0.1)
    port = port_file.read_text().splitlines()[0]
    targets = json.loads((await AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}/json/list")).body)
    page = next(t for t in targets if t.get("type") == "page")
    connection = await websocket_connect(page["webSocketDebuggerUrl"], max_message_size=1 << 30)
    tools = _DevTools(connection)
    try:
        await tools.call("Runtime.enable")
        await tools.call("Page.enable")
        await tools.call("Page.navigate", url=url)
        # Wait until the report's app has rendered (its scripts define `app` when they are done).
        # Until then `app` may name the <div id="app"> (browsers expose ids as globals), so wait
        # for the app's own method: a large report is still loading when the div already exists.
        rendered = False
        while time.monotonic() < deadline:
            answer = await tools.call(
                "Runtime.evaluate",
                expression=(
                    "typeof app !== 'undefined' && app !== null && typeof app.setView === 'function'"
                    " && typeof results !== 'undefined'"
                ),
                returnByValue=True,
            )
            if answer.get("result", {}).get("value") is True:
                rendered = True
                break
            await asyncio.sleep(0.2)
        check = ReportCheck()
        if not rendered:
            check.errors = tools.page_errors() or ["the report's app did not render"]
            return check
        answer = await tools.call(
            "Runtime.evaluate",
            timeout=max(deadline - time.monotonic(), 10),
            expression=CHECK_SCRIPT,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in answer:
            raise RuntimeError(f"the check script failed in the page: {answer['exceptionDetails']}")
        seen = json.loads(answer["result"]["value"])
        check.app_rendered = bool(seen["app"])
        check.results = int(seen["results"])
        check.images = seen["images"]
        check.notebooks = seen["notebooks"]
        check.errors = tools.page_errors()
        return check
    finally:
        connection.close()


def check_report(report: str | Path, timeout: float = 120, chromium: str | None = None) -> ReportCheck:
    """Open ``report`` in headless Chromium and return what it saw (see the module docstring)."""
    report = Path(report).resolve()
    if not report.is_file():
        raise InputError(report, "report not found", "run `make report` (snakemake --report ...) first")
    browser = chromium or find_chromium()
    if browser is None:
        raise InputError(
            "chromium", "no Chromium on PATH", "install Debian's chromium package (apt-get install chromium)"
        )
    with tempfile.TemporaryDirectory(prefix="lsm-chromium-") as profile:
        command = [
            browser,
            "--headless=new",
            "--no-sandbox",  # CI containers run as root, where Chromium's sandbox cannot start
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--allow-file-access-from-files",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "about:blank",
        ]
        # Its own process group: Chromium's helpers (renderer, network, crash handler) outlive the
        # main process for a moment and keep writing to the profile unless stopped with it.
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        try:
            return asyncio.run(_check(report.as_uri(), Path(profile) / "DevToolsActivePort", timeout))
        except (TimeoutError, ConnectionError) as err:
            _stop_group(process)
            stderr = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"{err}; Chromium said: {stderr[-2000:]}") from err
        finally:
            _stop_group(process)


def _stop_group(process: subprocess.Popen, grace: float = 10) -> None:
    """Terminate Chromium and every helper it started, and wait until all of them are gone (so
    that its profile folder can be removed)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            process.poll()  # reap the main process, else the group never empties
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
    process.wait(timeout=grace)
