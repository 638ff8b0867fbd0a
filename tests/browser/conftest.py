"""Browser-test plumbing: a real `eval-analyzer serve` on a free 127.0.0.1 port, and headless system Chromium.

Run browser suites one at a time on small machines:
`flock /tmp/eval-analyzer-browser.lock .venv/bin/pytest tests/browser`.
Readiness is waited for on real signals (HTTP 200, then a DOM element the app renders), never fixed sleeps.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import datagen
from chromium import free_port, launch

playwright_sync = pytest.importorskip("playwright.sync_api")

#: Generous: the first session imports Panel/HoloViews and renders on a 2-core machine.
SERVER_START_TIMEOUT_S = 60
READY_TIMEOUT_MS = 60_000
#: Every later wait: a round trip to the server and a re-render take well under a second here.
ACTION_TIMEOUT_MS = 15_000


class Server:
    """`eval-analyzer serve PATHS` in a subprocess; `url(query)` builds page addresses."""

    def __init__(self, paths: list[Path], extra_args: list[str] | None = None):
        self.port = free_port()
        command = [sys.executable, "-m", "eval_analyzer.cli", "serve", *map(str, paths), "--port", str(self.port),
                   *(extra_args or [])]
        # EA_SERVER_LOG=path keeps the server's output for debugging a failing test.
        self.log = open(os.environ.get("EA_SERVER_LOG", os.devnull), "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url(), timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.2)  # polling interval while the port opens, not a wait for the UI

    def url(self, query: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/" + (f"?{query.lstrip('?')}" if query else "")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def files():
    """The standard result files of the page tests (the real fixture, its runs and other models)."""
    return datagen.standard_files()


@pytest.fixture(scope="module")
def server(tmp_path_factory, files):
    """A server preloaded with `files`; a module that needs other data overrides this fixture."""
    server = Server(datagen.write(files, tmp_path_factory.mktemp("results")))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def open_page(browser, url: str, context=None, ready: str = ".ea-range"):
    """A new page at `url`, returned once `ready` (default: the Overview's range text) is rendered."""
    context = context or browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    page.goto(url)
    page.wait_for_selector(ready, timeout=READY_TIMEOUT_MS)
    return page


#: The Overview plot's frame (the area inside its axes) as BokehJS laid it out, after the next paint. The plot
#: is looked up among the models the page's roots hold: a replaced chart stays in the document's index a while.
FRAME_JS = """() => new Promise((done, fail) => requestAnimationFrame(() => requestAnimationFrame(() => {
  try {
    const live = Bokeh.documents[0].roots().flatMap((root) => [...root.references()]);
    const plot = live.find((model) => model.name === "ea-ov-plot");
    done([plot.inner_width, plot.inner_height]);
  } catch (error) { fail(error); }
})))"""


def overview_frame(page) -> list[int]:
    """[width, height] of the Overview plot's frame."""
    return page.evaluate(FRAME_JS)
