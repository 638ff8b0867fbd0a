"""The Questions tab in the browser: bucket filter, search, paging, deep-link restore and escaped outputs."""

from __future__ import annotations

import random
from urllib.parse import parse_qs, urlencode, urlparse, urlsplit

import pytest
from playwright.sync_api import expect

import datagen

from .conftest import Server, open_page

pytestmark = pytest.mark.browser

HOSTILE = ['<script>window.__pwned = 1; alert(1)</script>', '<img src=x onerror="window.__pwned = 2; alert(2)">',
           '<a href="javascript:window.__pwned = 3; alert(3)">click me</a>', "[md link](javascript:alert(4))"]


def _flags(seed: int, sizes=(70, 45)) -> dict[str, list[list[bool]]]:
    rng = random.Random(seed)
    return {f"cat{c}": [[rng.random() < 0.6 for _ in range(size)]] for c, size in enumerate(sizes)}


BASE_FLAGS, CAND_FLAGS = _flags(1), _flags(2)
NAMES = {(True, False): "regressed", (False, True): "fixed", (False, False): "both_wrong", (True, True): "both_right"}
LABELS = {"regressed": "Regressed", "fixed": "Fixed", "both_wrong": "Both wrong", "both_right": "Both right"}


def expected(bucket: str = "all", category: str = "") -> list[tuple[str, str]]:
    """(category, id) in the tab's default order, from the flags the files were written from."""
    return [(c, str(q)) for c in sorted(BASE_FLAGS) if not category or c == category
            for q, pair in enumerate(zip(BASE_FLAGS[c][0], CAND_FLAGS[c][0], strict=True))
            if bucket == "all" or NAMES[pair] == bucket]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    outputs = {("cat0", i): text for i, text in enumerate(HOSTILE)}
    files = (datagen.twinkle_with_answers("base", "20250101_0000", BASE_FLAGS, folder="a")
             + datagen.twinkle_with_answers("cand", "20250102_0000", CAND_FLAGS, outputs=outputs, folder="b"))
    folder = tmp_path_factory.mktemp("questions")
    for name, data in files:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    server = Server([folder])
    yield server
    server.stop()


QUERY = urlencode([("tab", "questions"), ("base", "base"), ("q_cand", "cand")])


@pytest.fixture
def page(browser, server):
    page = open_page(browser, server.url(QUERY), ready=".ea-q-range")
    yield page
    page.context.close()


def wait_range(page, text: str) -> None:
    page.locator(".ea-q-range", has_text=text).wait_for()


def shown(page) -> list[tuple[str, str]]:
    rows = page.locator(".ea-q-table tbody tr")
    return [tuple(rows.nth(i).locator("td").all_inner_texts()[:2][::-1]) for i in range(rows.count())]


def test_bucket_filter_shows_exactly_that_bucket(page):
    wait_range(page, f"questions 1–25 of {len(expected())}")
    assert shown(page) == expected()[:25]
    regressed = expected("regressed")
    page.locator(".ea-w-qbucket select").select_option(label=f"Regressed ({len(regressed)})")
    wait_range(page, f"of {len(regressed)}")
    assert shown(page) == regressed[:25]
    assert set(page.locator(".ea-q-table tbody tr td:nth-child(3)").all_inner_texts()) == {"Regressed"}
    matrix = page.locator(".ea-q-matrix tbody tr").nth(0).locator("td").all_inner_texts()
    assert matrix == ["Baseline right", str(len(expected("both_right"))), str(len(regressed))]
    assert parse_qs(urlparse(page.url).query)["q_bucket"] == ["regressed"]


def test_search_matches_outputs_and_pages_turn_on_the_server(page):
    wait_range(page, "questions 1–25")
    page.locator(".ea-q-next button").click()
    wait_range(page, f"questions 26–50 of {len(expected())}")
    assert shown(page) == expected()[25:50]
    assert parse_qs(urlparse(page.url).query)["q_page"] == ["2"]
    box = page.locator(".ea-w-qsearch input")
    box.fill("ONERROR")
    box.press("Enter")
    wait_range(page, "questions 1–1 of 1")  # a new search starts at page 1
    assert shown(page) == [("cat0", "1")]
    box.fill("cand answers")
    box.press("Enter")
    hits = [key for key in expected() if not (key[0] == "cat0" and int(key[1]) < len(HOSTILE))]
    wait_range(page, f"of {len(hits)}")
    assert page.locator(".ea-q-table tbody tr").count() == 25  # one page, never all questions


def test_deep_link_restores_category_bucket_sort_and_page(browser, server):
    fixed = expected("fixed", "cat0")
    query = urlencode([("tab", "questions"), ("base", "base"), ("q_cand", "cand"), ("q_cat", "cat0"),
                       ("q_bucket", "fixed"), ("q_sort", "id"), ("q_page", "1")])
    page = open_page(browser, server.url(query), ready=".ea-q-range")
    try:
        wait_range(page, f"of {len(fixed)}")
        assert shown(page) == sorted(fixed, key=lambda key: int(key[1]))
        expect(page.locator(".ea-w-qcat select")).to_have_value(
            page.locator(".ea-w-qcat select option", has_text="cat0").get_attribute("value"))
        assert "Fixed" in page.locator(".ea-w-qbucket select option:checked").inner_text()
    finally:
        page.context.close()


DEEP_FIND_JS = """(sel) => {
  const out = [];
  const walk = (root) => {
    root.querySelectorAll(sel).forEach((e) => out.push(e));
    root.querySelectorAll("*").forEach((e) => { if (e.shadowRoot) walk(e.shadowRoot); });
  };
  walk(document);
  return out.length;
}"""


def test_hostile_outputs_are_plain_text(page):
    dialogs, navigations = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # A link followed loads a document, or leaves the page; the app's own URL sync (settings in the query,
    # written with the history API once a view has drawn) does neither.
    here = urlsplit(page.url)
    page.on("load", lambda loaded: navigations.append(f"load {loaded.url}"))
    page.on("framenavigated", lambda frame: navigations.append(frame.url)
            if urlsplit(frame.url)[:3] != here[:3] else None)
    wait_range(page, "questions 1–25")
    cells = page.locator(".ea-q-table tbody tr").nth(0).locator("td")
    outputs = [page.locator(".ea-q-table tbody tr").nth(i).locator("td").nth(9).inner_text()
               for i in range(len(HOSTILE))]
    assert outputs == HOSTILE  # shown as the very text the model wrote
    for i in range(len(HOSTILE)):
        summary = page.locator(".ea-q-table tbody tr").nth(i).locator("td").nth(9).locator("summary")
        summary.click()  # expands the text; must not follow or run anything
        expect(page.locator(".ea-q-table tbody tr").nth(i).locator("td").nth(9).locator("details")).to_have_attribute(
            "open", "")
    assert cells.count() == 10
    table_js = ".ea-q-table "
    for selector in ("script", "img", "a", "iframe", "[onerror]", "[href]"):
        assert page.evaluate(DEEP_FIND_JS, table_js + selector) == 0, selector
    assert page.evaluate("() => window.__pwned === undefined")
    assert dialogs == [] and navigations == []


TAP_JS = """(category) => {
  for (const doc of Bokeh.documents) {
    for (const model of doc._all_models.values()) {
      const data = model.data;
      if (data && data.category && Array.from(data.category).includes(category) && model.selected) {
        model.selected.indices = [Array.from(data.category).indexOf(category)];  // what the tap tool sets
        return true;
      }
    }
  }
  return false;
}"""


def test_a_delta_bar_opens_the_questions_tab_on_its_category(browser, server):
    query = urlencode([("tab", "delta"), ("base", "base"), ("cands", "cand")])
    page = open_page(browser, server.url(query), ready=".ea-delta-chart")
    try:
        assert page.evaluate(TAP_JS, "cat1")
        wait_range(page, f"of {len(expected('all', 'cat1'))}")
        assert shown(page) == expected("all", "cat1")[:25]
        query = parse_qs(urlparse(page.url).query)
        assert query["tab"] == ["questions"] and query["q_cat"] == ["cat1"]
    finally:
        page.context.close()


def test_a_top_or_bottom_row_opens_the_questions_tab_on_its_category(browser, server):
    query = urlencode([("tab", "delta"), ("base", "base"), ("cands", "cand")])
    page = open_page(browser, server.url(query), ready=".ea-top-pane")
    try:
        link = page.locator(".ea-top .ea-q-link, .ea-bottom .ea-q-link").first
        category = link.inner_text()
        assert category in BASE_FLAGS
        link.focus()
        page.keyboard.press("Enter")  # a link: reachable and opened from the keyboard too
        wait_range(page, f"of {len(expected('all', category))}")
        assert shown(page) == expected("all", category)[:25]
        query = parse_qs(urlparse(page.url).query)
        assert query["tab"] == ["questions"] and query["q_cat"] == [category]
        assert query["q_cand"] == ["cand @ 20250102_0000"]  # the row's candidate
        # Back on the Δ tab, the same link works a second time (the hidden box was emptied).
        page.locator(".ea-tabs .bk-tab", has_text="Δ analysis").click()
        page.locator(".ea-q-link", has_text=category).first.click()
        expect(page.locator(".ea-tabs .bk-tab.bk-active")).to_have_text("Questions")
    finally:
        page.context.close()
