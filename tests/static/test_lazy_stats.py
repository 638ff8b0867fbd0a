"""The offline static page loads scipy in the background once it is live (README "Static site"): not one byte of
scipy or openblas before the first render, then `import scipy.stats` works in the worker, a waiting `on_ready`
callback runs once and its change reaches the page, and no request leaves 127.0.0.1.

The site is the real app plus a probe pane that asks for statistics while the app is built (as the Δ tab does).
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from chromium import launch
from eval_analyzer.site.builder import ENTRY, build_site
from eval_analyzer.site.pyodide_dist import ensure_pyodide_dist

from .conftest import LIVE_TIMEOUT_MS, Guard, SiteServer, open_live, playwright_sync

pytestmark = pytest.mark.static

PROBE = '''app = create_app()

from eval_analyzer.dashboard.lazy_stats import ensure_statistics

probe = pn.pane.HTML("", css_classes=["ea-test-statistics"])
calls = []


def show_ready():
    from scipy import stats

    calls.append(1)
    probe.object = f"statistics ready: calls {len(calls)}, Φ(1.96) = {stats.norm.cdf(1.96):.4f}"


probe.object = f"statistics waiting: ready at start {ensure_statistics(show_ready)}"
app.main.append(probe)
'''
PROBE_ENTRY = ENTRY.replace("app = create_app()\n", PROBE)
# The moment the page went live (Panel removes `pn-loading` from <body>), in the browser's wall clock.
LIVE_AT_JS = """
window.eaLiveAt = null;
new MutationObserver(() => {
  if (window.eaLiveAt === null && document.body && !document.body.classList.contains('pn-loading')
      && document.body.querySelector('[data-root-id]')) { window.eaLiveAt = Date.now() }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['class']});
"""


class TimedGuard(Guard):
    """The conftest guard, also noting when (wall clock, ms) each local request was made."""

    def __init__(self, origin: str):
        super().__init__(origin)
        self.times: list[tuple[str, float]] = []

    def __call__(self, route) -> None:
        self.times.append((route.request.url, time.time() * 1000))
        super().__call__(route)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    out = tmp_path_factory.mktemp("lazy-stats-site")
    build_site(out, offline=ensure_pyodide_dist(), entry=PROBE_ENTRY)
    assert PROBE_ENTRY != ENTRY
    server = SiteServer(out)
    yield server
    server.stop()


def test_scipy_loads_after_the_page_is_live_and_the_callback_reaches_the_page(server):
    guard = TimedGuard(server.origin)
    with playwright_sync.sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", guard)
        context.add_init_script(LIVE_AT_JS)
        try:
            page = open_live(context, server.url())
            probe = page.locator(".ea-test-statistics")
            # The worker's own signal (dashboard/lazy_stats.py → site/assets/status.js), then the callback's text.
            page.wait_for_function("() => window.eaStatistics", timeout=LIVE_TIMEOUT_MS, polling=100)
            after_live_ms = page.evaluate("() => Date.now() - window.eaLiveAt")
            statistics = page.evaluate("() => window.eaStatistics")
            assert statistics["ready"] is True and statistics["error"] is None, statistics
            expect(probe).to_have_text("statistics ready: calls 1, Φ(1.96) = 0.9750")
            live_at = page.evaluate("() => window.eaLiveAt")
            print(f"live after {page.live_after_s:.1f} s; statistics ready {after_live_ms / 1000:.1f} s after "
                  f"that (the load and import took {statistics['seconds']:.1f} s)")
        finally:
            context.close()
            browser.close()

    loads = {name: [at for url, at in guard.times if f"/pyodide/{name}-" in url] for name in ("scipy", "openblas")}
    assert loads["scipy"] and loads["openblas"], "scipy and openblas come from the bundled pyodide/ folder"
    assert live_at is not None
    assert min(loads["scipy"] + loads["openblas"]) >= live_at, "scipy was requested before the page was live"
    assert guard.blocked == []
    assert server.failures() == []
