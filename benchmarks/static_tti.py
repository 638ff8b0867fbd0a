"""Time to a live app: the offline static site vs a minimal Panel page (one widget) built and served the same way.

Both pages are built by `eval_analyzer.site.builder.build_site` with `--offline` from the same Pyodide, served by
the same local http server, and opened in fresh Chromium contexts (no HTTP cache), alternating app and baseline.
"Live" = Panel's worker has rendered the app (`document.body` lost the class `pn-loading`).
The baseline installs only what Panel itself needs; the app adds HoloViews and this project, imports pandas
and the dashboard, loads the demo data and builds the Overview. Target: median(app) / median(minimal) ≤ 1.3.
For the app it also reports how long after going live the statistics (scipy, loaded in the background after
the first render, dashboard/lazy_stats.py) were ready: the worker's `ea-statistics` message (`window.eaStatistics`).

Run one browser suite at a time on small machines:
    flock /tmp/eval-analyzer-browser.lock .venv/bin/python benchmarks/static_tti.py [--runs 3]
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

from eval_analyzer.site.builder import build_site
from eval_analyzer.site.pyodide_dist import ensure_pyodide_dist

# The browser tests' launch settings, so benchmarks drive Chromium exactly as the tests do.
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from chromium import LIVE, launch  # noqa: E402

MINIMAL_ENTRY = '''import panel as pn

pn.widgets.IntSlider(name="n", start=0, end=10, value=5).servable()
'''
LIVE_TIMEOUT_MS = 240_000
TARGET_RATIO = 1.3


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".js": "text/javascript"}

    def log_message(self, *args) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # a browser context closed mid-request (e.g. the favicon): not part of the measurement


def serve(root: Path) -> ThreadingHTTPServer:
    httpd = _QuietServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def time_to_live(browser, url: str, blocked: list[str], statistics_s: list[float] | None = None) -> float:
    """Seconds until the page is live; with `statistics_s`, also wait for scipy and append its seconds after live."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    origin = url.split("/index.html")[0] + "/"

    def guard(route) -> None:
        if route.request.url.startswith(origin):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(LIVE, timeout=LIVE_TIMEOUT_MS, polling=100)
    elapsed = time.perf_counter() - started
    failed = page.evaluate("() => window.eaLoadFailed || null")
    if statistics_s is not None and not failed:
        page.wait_for_function("() => window.eaStatistics", timeout=LIVE_TIMEOUT_MS, polling=100)
        if not page.evaluate("() => window.eaStatistics.ready"):
            raise RuntimeError(f"{url}: statistics failed to load: {page.evaluate('() => window.eaStatistics')}")
        statistics_s.append(time.perf_counter() - started - elapsed)
    context.close()
    if failed:
        raise RuntimeError(f"{url}: the page reported a failure: {failed}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    dist = ensure_pyodide_dist()
    with tempfile.TemporaryDirectory(prefix="static-tti-") as tmp:
        sites = {"app": Path(tmp) / "app", "minimal": Path(tmp) / "minimal"}
        build_site(sites["app"], offline=dist)
        build_site(sites["minimal"], offline=dist, entry=MINIMAL_ENTRY, with_project=False)
        servers = {name: serve(root) for name, root in sites.items()}
        times: dict[str, list[float]] = {name: [] for name in sites}
        blocked: list[str] = []
        statistics_s: list[float] = []
        with sync_playwright() as playwright:
            browser = launch(playwright)
            for run in range(args.runs):
                for name, httpd in servers.items():
                    url = f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
                    times[name].append(time_to_live(browser, url, blocked,
                                                   statistics_s if name == "app" else None))
                    later = f", statistics {statistics_s[-1]:4.1f} s later" if name == "app" else ""
                    print(f"run {run + 1}: {name:8s} live after {times[name][-1]:5.1f} s{later}", flush=True)
            browser.close()
        for httpd in servers.values():
            httpd.shutdown()
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["app"] / medians["minimal"]
    print(f"median time to live app: app {medians['app']:.1f} s, minimal Panel page {medians['minimal']:.1f} s, "
          f"ratio {ratio:.2f} (target ≤ {TARGET_RATIO}); statistics ready a median "
          f"{statistics.median(statistics_s):.1f} s after live; requests to other hosts: {len(blocked)}")
    print(json.dumps({"runs": times, "median_s": medians, "ratio": round(ratio, 3),
                      "statistics_after_live_s": statistics_s, "blocked": blocked}))
    return 0 if not blocked else 1


if __name__ == "__main__":
    sys.exit(main())
