"""Server memory over browser sessions in a row (issue 13): does a closed session give its memory back?

Starts the dashboard server (demo data) in a subprocess, then runs N sessions one after another in headless
Chromium: each opens the page, uploads 100 generated Twinkle files (`tests/datagen.many_sources`, 125
categories each) through the upload widget, waits until the Overview shows them, and closes the page. Prints
the server's RSS (/proc/PID/status VmRSS) idle, after each session, and after all sessions closed and Panel's
session cleanup ran. "Idle" is measured twice: right after start, and after one warm-up session closed (the
first session imports the readers, touches code pages and builds Panel's and Bokeh's per-process caches once,
~14 MiB; scipy.stats, ~55 MiB, `serve` imports at start; that is not a leak, and the targets are judged
against the warm idle; the return is printed against the cold idle too). The cleanup interval is shortened
for the benchmark (`serve(session_cleanup_ms=1000)`: Bokeh discards a closed session 1–2 s after it closed
instead of 15–32 s; until that option reached Bokeh under its own names, the warm idle still held the warm-up
session and the last sessions were still alive at the end). Targets: growth ≤ 60 MB
per 100-file session; back to within 10 % of the idle RSS after all sessions close. Asserts nothing.

Run alone on small machines:
`flock /tmp/eval-analyzer-browser.lock .venv/bin/python benchmarks/session_memory.py [SESSIONS]`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
import datagen  # noqa: E402
from chromium import free_port, launch, wait_for_port  # noqa: E402

SESSIONS = 10
FILES = 100
CLEANUP_MS = 1000
#: After the last page closed: how long to watch RSS settle (cleanup runs every CLEANUP_MS).
SETTLE_S = 30
GROWTH_TARGET_MB = 60
RETURN_TARGET = 0.10

SERVER = """
import sys
from eval_analyzer.dashboard.server import serve
serve(None, port=int(sys.argv[1]), session_cleanup_ms=int(sys.argv[2]))
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def start_server() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(port), str(CLEANUP_MS)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, wait_for_port(process, port, 60)


def steady_rss(pid: int, seconds: float = 3.0) -> float:
    """RSS once it stopped moving (sampled every 0.5 s, at most `seconds`)."""
    last = rss_mb(pid)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = rss_mb(pid)
        if abs(now - last) < 0.5:
            return now
        last = now
    return last


def one_session(browser, url: str, payload: list[dict]) -> float:
    """Seconds from the upload to the Overview showing the uploaded files."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(".ea-range", timeout=60_000)
    demo = page.locator(".ea-loaded").inner_text()
    before = int(demo.split(" ", 1)[0])
    start = time.perf_counter()
    page.locator(".ea-upload input[type=file]").set_input_files(payload)
    page.locator(".ea-loaded", has_text=f"{before + len(payload)} file(s)").wait_for(timeout=120_000)
    page.wait_for_selector(".ea-range", timeout=60_000)
    seconds = time.perf_counter() - start
    page.close()
    context.close()
    return seconds


def main() -> None:
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else SESSIONS
    payload = [{"name": name, "mimeType": "application/json", "buffer": data}
               for name, data in datagen.many_sources(FILES)]
    process, url = start_server()
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            cold = steady_rss(process.pid)
            print(f"Server RSS, {sessions} sessions in a row, each uploading {FILES} Twinkle files "
                  f"({sum(len(p['buffer']) for p in payload) / 1e6:.1f} MB) and closing; MiB:")
            print(f"  idle (started, no session)        {cold:7.1f}")
            one_session(browser, url, payload)
            time.sleep(CLEANUP_MS / 1000 * 3)  # the warm-up session discarded (checked every CLEANUP_MS)
            idle = steady_rss(process.pid)
            print(f"  idle after one warm-up session    {idle:7.1f}")
            after = []
            for i in range(sessions):
                seconds = one_session(browser, url, payload)
                after.append(steady_rss(process.pid))
                print(f"  after session {i + 1:2d} closed            {after[-1]:7.1f}   (upload → Overview "
                      f"{seconds:.1f} s)")
            browser.close()
        # Closed sessions are discarded by the server's periodic check; watch RSS until it settles.
        deadline = time.monotonic() + SETTLE_S
        samples = [rss_mb(process.pid)]
        while time.monotonic() < deadline:
            time.sleep(1)
            samples.append(rss_mb(process.pid))
        final = samples[-1]
    finally:
        process.terminate()
        process.wait()
    growth = (after[-1] - idle) / sessions
    back = (final - idle) / idle
    back_cold = (final - cold) / cold
    print(f"  {SETTLE_S} s after the last close          {final:7.1f}   (min while settling {min(samples):.1f})")
    print(f"  growth per session (last − idle) / {sessions}: {growth:5.1f} MiB "
          f"(target ≤ {GROWTH_TARGET_MB}: {'met' if growth <= GROWTH_TARGET_MB else 'missed'})")
    print(f"  after all closed vs idle: {back * 100:+5.1f} % "
          f"(target ≤ {RETURN_TARGET * 100:.0f} %: {'met' if back <= RETURN_TARGET else 'missed'})")
    print(f"  after all closed vs the cold idle (no session yet): {back_cold * 100:+5.1f} % "
          f"({'within' if back_cold <= RETURN_TARGET else 'over'} {RETURN_TARGET * 100:.0f} %)")


if __name__ == "__main__":
    main()
