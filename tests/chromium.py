"""The browser every browser test and benchmark drives, shared so they all launch it the same way.

Debian's `/usr/bin/chromium`, headless (Playwright's own browser download does not work here), with the
background services that would reach the internet switched off. Servers are bound to 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import socket
import time

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
#: The static page is live once Panel's worker has rendered the app (or the page reported a failure).
LIVE = "() => !document.body.classList.contains('pn-loading') || !!window.eaLoadFailed"


def launch(playwright):
    """Headless system Chromium from a started Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(process, port: int, timeout_s: float) -> str:
    """The address of a server `process` once it accepts connections on `port` (a TCP probe: a page request
    would leave a session of its own behind); the process is killed if it does not within `timeout_s`
    (`process=None`: a server in this process, nothing to kill)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                return f"http://127.0.0.1:{port}/"
        except OSError:
            time.sleep(0.2)  # polling interval while the port opens
    if process is not None:
        process.kill()
    raise RuntimeError("server did not start")
