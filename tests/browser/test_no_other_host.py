"""Nothing is loaded from another host under `eval-analyzer serve`: every request and websocket a whole walk of
the dashboard causes (every tab, both language switches, every card, every control type, the CSV buttons,
an upload, the station) goes to the server's own 127.0.0.1:port.

Panel builds its stylesheet links as CDN addresses and rewrites them per document; a model updated while it is
outside the document (a hidden tab, the Tabs a language switch replaces) kept the CDN address, so the browser
fetched five stylesheets from cdn.holoviz.org after a language switch.
"""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest

import datagen

from .conftest import ACTION_TIMEOUT_MS, READY_TIMEOUT_MS, Server

pytestmark = pytest.mark.browser

#: Schemes that never leave the browser (CSV downloads are blob/data URLs).
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-extension"}
#: The server's reply to an action is complete once no websocket message arrived for this long.
QUIET_S = 0.4


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    files = [*datagen.standard_files(), datagen.lmeval_perplexity_file("m1"), datagen.lmeval_perplexity_file("m2")]
    station = tmp_path_factory.mktemp("station") / "shared"
    server = Server(datagen.write(files, tmp_path_factory.mktemp("results")), ["--station", str(station)])
    yield server
    server.stop()


class Walk:
    """One page whose every request and websocket address is recorded, with a wait for the server's reply."""

    def __init__(self, browser, server):
        self.own = f"127.0.0.1:{server.port}"
        self.urls: list[str] = []
        self.last_frame = time.monotonic()
        self.context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
        self.context.on("request", lambda request: self.urls.append(request.url))
        self.page = self.context.new_page()
        self.page.set_default_timeout(ACTION_TIMEOUT_MS)
        self.page.on("websocket", self._websocket)
        self.page.goto(server.url())
        self.page.wait_for_selector(".ea-range", timeout=READY_TIMEOUT_MS)
        self.settle()

    def _websocket(self, socket) -> None:
        self.urls.append(socket.url)
        socket.on("framereceived", lambda _frame: setattr(self, "last_frame", time.monotonic()))

    def settle(self) -> None:
        """Wait until the server's messages stopped (polling the recorded frames), then for a painted frame."""
        deadline = time.monotonic() + ACTION_TIMEOUT_MS / 1000
        while time.monotonic() - self.last_frame < QUIET_S and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
        self.page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")

    def do(self, action) -> None:
        self.last_frame = time.monotonic()
        action()
        self.settle()

    def foreign(self) -> list[str]:
        out = []
        for url in self.urls:
            parsed = urlparse(url)
            if parsed.scheme not in LOCAL_SCHEMES and parsed.netloc != self.own:
                out.append(url)
        return sorted(set(out))

    # -- controls, by widget type --

    def select_each(self, css: str) -> None:
        """A select: every other option, then back to the first value."""
        select = self.page.locator(f"{css} select")
        if not select.count() or not select.is_visible():
            return
        first = select.input_value()
        values = [v for v in select.locator("option").evaluate_all("(os) => os.map((o) => o.value)") if v != first]
        for value in values[:2]:
            self.do(lambda value=value: select.select_option(value=value))
        self.do(lambda: select.select_option(value=first))

    def click(self, css: str, index: int = 0) -> None:
        button = self.page.locator(css).nth(index)
        if button.count() and button.is_visible() and button.is_enabled():
            self.do(button.click)

    def toggle(self, css: str, index: int = 0) -> None:
        """A checkbox (or one box of a group): off and on again."""
        box = self.page.locator(f"{css} input[type=checkbox]").nth(index)
        if box.count() and box.is_visible() and box.is_enabled():
            self.do(box.click)
            self.do(box.click)

    def type_number(self, css: str, value: str) -> None:
        box = self.page.locator(f"{css} input").first
        if box.count() and box.is_visible() and box.is_enabled():
            def _type() -> None:
                box.fill(value)
                box.press("Enter")

            self.do(_type)

    def download(self, css: str) -> None:
        button = self.page.locator(f"{css} .bk-btn").first
        if button.count() and button.is_visible():
            with self.page.expect_download():
                button.click()
            self.settle()

    def card(self, css: str) -> None:
        """Collapse and open a card again."""
        header = self.page.locator(f"{css} .card-header").first
        if header.count() and header.is_visible():
            self.do(header.click)
            self.do(header.click)

    def tab(self, index: int) -> None:
        self.do(lambda: self.page.locator(".ea-tabs .bk-tab").nth(index).click())

    def language(self, index: int) -> None:
        self.do(lambda: self.page.locator(".ea-w-lang select").select_option(index=index))


def walk_sidebar(walk: Walk) -> None:
    page = walk.page
    walk.select_each(".ea-w-ds")
    walk.select_each(".ea-w-metric")  # only on the lm-eval dataset: shown when a dataset has several metrics
    walk.toggle(".ea-w-models", 1)
    walk.click(".ea-w-scale button", 1)
    walk.click(".ea-w-scale button", 0)
    walk.select_each(".ea-w-sort")
    walk.select_each(".ea-w-size")
    walk.card(".ea-filter-card")
    walk.toggle(".ea-w-thr-on")
    walk.do(lambda: page.locator(".ea-w-thr-on input").check())
    walk.click(".ea-w-op button", 1)
    walk.type_number(".ea-w-thr", "0.5")
    handle = page.locator(".ea-w-thr .noUi-handle").first
    if handle.count():
        walk.do(lambda: (handle.focus(), handle.press("ArrowRight")))
    walk.click(".ea-w-mode button", 1)
    walk.select_each(".ea-w-tmodel")
    walk.click(".ea-w-mode button", 0)
    walk.click(".ea-w-op button", 0)
    walk.do(lambda: page.locator(".ea-w-thr-on input").uncheck())
    walk.card(".ea-delta-card")
    walk.select_each(".ea-w-base")
    walk.toggle(".ea-w-cands", 0)
    walk.select_each(".ea-w-dsort")
    walk.type_number(".ea-w-dmin", "0.01")
    walk.type_number(".ea-w-dmin", "0")
    walk.type_number(".ea-w-eps", "0.02")
    walk.type_number(".ea-w-topn", "5")
    walk.type_number(".ea-w-alpha", "0.1")
    walk.select_each(".ea-w-ci")
    walk.select_each(".ea-w-corr")
    walk.toggle(".ea-w-dshared")


def walk_tabs(walk: Walk) -> None:
    """Every tab and what it holds: pagers, cards, CSV buttons, the station's table and buttons."""
    walk.tab(0)
    walk.click(".ea-next button")
    walk.click(".ea-prev button")
    walk.download(".ea-csv-page")
    walk.download(".ea-csv-all")
    walk.tab(1)
    walk.page.locator(".ea-summary-pane").wait_for(state="attached")
    walk.card(".ea-top-card")
    walk.card(".ea-bottom-card")
    for css in (".ea-csv-ranking", ".ea-csv-summary", ".ea-csv-topbottom"):
        walk.download(css)
    walk.card(".ea-stats-help")
    walk.select_each(".ea-w-tbcand")
    walk.tab(2)
    walk.page.locator(".ea-q-vs, .ea-q-message").first.wait_for(state="attached")
    for css in (".ea-w-qcand", ".ea-w-qcat", ".ea-w-qbucket", ".ea-w-qsort"):
        walk.select_each(css)
    walk.click(".ea-q-next button")
    walk.click(".ea-q-prev button")
    walk.download(".ea-q-csv")
    walk.tab(3)
    walk.page.locator(".ea-heat-scores canvas").first.wait_for(timeout=READY_TIMEOUT_MS)
    walk.tab(4)
    walk.page.locator(".ea-files").first.wait_for(state="attached")
    walk.tab(5)
    walk.page.locator(".ea-station-count").wait_for(timeout=READY_TIMEOUT_MS)
    walk.click(".ea-station-publish button")
    walk.click(".ea-station-refresh button")
    row = walk.page.locator(".ea-station-table .tabulator-row").first
    if row.count():
        walk.do(row.click)
    walk.toggle(".ea-station-overwrite")


def test_a_whole_walk_requests_only_the_own_server(browser, server):
    walk = Walk(browser, server)
    try:
        upload = ("results_upload.json", datagen.dump(datagen.renamed(datagen.fixture_document(), "up-model",
                                                                      "20250303_0000")))
        walk.do(lambda: walk.page.locator(".ea-upload input[type=file]").set_input_files(
            [{"name": upload[0], "mimeType": "application/json", "buffer": upload[1]}]))
        walk.page.locator(".ea-loaded", has_text="7 file(s)").wait_for()
        walk_tabs(walk)
        walk_sidebar(walk)
        # Language switches while a tab other than the Overview is open (the hidden Overview's models were
        # updated outside the document), both ways, and a walk of every tab in each language.
        walk.tab(3)
        walk.language(1)
        walk_tabs(walk)
        walk.tab(1)
        walk.language(0)
        walk_tabs(walk)
        walk.tab(0)
        # Removing a file is a control too (the Files tab's buttons).
        walk.tab(4)
        walk.click(".ea-remove button", 0)
        walk.tab(0)
        assert len(walk.urls) > 10  # the recorder saw the page's own requests
        assert walk.foreign() == []
    finally:
        walk.context.close()
