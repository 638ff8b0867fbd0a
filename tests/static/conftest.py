"""Plumbing for the static-site tests: build the offline site, serve it on 127.0.0.1, drive system Chromium.

Every request that is not to the local server is aborted and recorded (the guard sits on the browser context,
so it also sees the Pyodide worker's requests). Run browser suites one at a time on small machines:
`flock /tmp/eval-analyzer-browser.lock .venv/bin/pytest tests/static`.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from chromium import LIVE

playwright_sync = pytest.importorskip("playwright.sync_api")

#: A fresh page went live after 20–35 s on 2 cores (Pyodide, 36 packages, importing pandas/HoloViews/Panel,
#: building the app); the margin covers a loaded machine.
LIVE_TIMEOUT_MS = 180_000
#: Every later wait: a page → worker → page round trip takes well under a second here.
ACTION_TIMEOUT_MS = 20_000


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".js": "text/javascript", ".mjs": "text/javascript"}

    def log_request(self, code="-", size="-") -> None:
        self.server.requests.append((self.path, int(code) if str(code).isdigit() else 0))

    def log_message(self, *args) -> None:  # quiet: requests are recorded above
        pass


@dataclass
class SiteServer:
    """`python -m http.server` in a thread, recording (path, status) of every request."""

    root: Path
    requests: list[tuple[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(self.root)))
        self.httpd.requests = self.requests
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, query: str = "") -> str:
        return f"{self.origin}/index.html" + (f"?{query.lstrip('?')}" if query else "")

    def failures(self) -> list[tuple[str, int]]:
        """Requests that failed (the favicon too: Panel's page links ./favicon.ico, and the build ships it)."""
        return [(path, status) for path, status in self.requests if status >= 400]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Guard:
    """Aborts and records every request that does not go to the local server."""

    def __init__(self, origin: str):
        self.origin = origin + "/"
        self.blocked: list[str] = []

    def __call__(self, route) -> None:
        url = route.request.url
        if url.startswith(self.origin):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


def open_live(context, url: str):
    """A new page at `url`, returned once Panel's worker has rendered the live app."""
    page = context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    started = time.monotonic()
    page.goto(url)
    page.wait_for_function(LIVE, timeout=LIVE_TIMEOUT_MS, polling=250)
    page.live_after_s = time.monotonic() - started
    failed = page.evaluate("() => window.eaLoadFailed || null")
    if failed:
        raise AssertionError(f"the static page reported a failure: {failed}; page errors: {errors}")
    page.page_errors = errors
    return page
