"""Deep links: a URL restores every setting; a change rewrites the URL in place; a bad value is ignored alone."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from playwright.sync_api import expect

from eval_analyzer.core.loader import load_files
from eval_analyzer.core.overview import apply_threshold
from eval_analyzer.core.scores import dataset_rows, wide_scores

from .conftest import open_page

pytestmark = pytest.mark.browser

BASE = "gpt-oss-120b @ 20250806_1543"
RUN1 = "gpt-oss-120b @ 20250806_1543 run1"
ALT = "alt-model @ 20250901_0000"
SETTINGS = [("ds", "tmmluplus"), ("scale", "100"), ("sort", "alpha"), ("size", "10"), ("page", "2"),
            ("thr_on", "1"), ("thr", "40"), ("op", "ge"), ("mode", "model"), ("tmodel", ALT), ("base", RUN1),
            ("cands", BASE), ("dsort", "name"), ("dmin", "1.5"), ("eps", "0.5"), ("topn", "5")]


@pytest.fixture(scope="module")
def page(browser, server):
    page = open_page(browser, server.url(urlencode(SETTINGS)))
    yield page
    page.context.close()


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query, keep_blank_values=True)


def test_every_control_shows_the_url(page, files):
    wide = wide_scores(dataset_rows(load_files(files).table, "tmmluplus"))
    total = len(apply_threshold(wide, 40, "ge", "model", ALT, scale=100))
    page.locator(".ea-range", has_text=f"categories 11–20 of {total}").wait_for()
    assert page.locator(".ea-w-ds select").input_value() == "tmmluplus"
    assert page.locator(".ea-w-sort select").input_value() == "Alphabetical"
    assert page.locator(".ea-w-size select").input_value() == "10"
    expect(page.locator(".ea-w-scale button.bk-active")).to_have_text("0–100")
    expect(page.locator(".ea-w-thr-on input")).to_be_checked()
    assert float(page.locator(".ea-w-thr input").input_value()) == 40
    expect(page.locator(".ea-w-op button.bk-active")).to_contain_text("≥")
    expect(page.locator(".ea-w-mode button.bk-active")).to_have_text("A specific model")
    assert page.locator(".ea-w-tmodel select").input_value() == ALT
    assert page.locator(".ea-w-base select").input_value() == RUN1
    checked = [box.locator("xpath=..").inner_text().strip()
               for box in page.locator(".ea-w-cands input[type=checkbox]").all() if box.is_checked()]
    assert checked == [BASE]
    assert page.locator(".ea-w-dsort select").input_value() == "Category name"
    assert float(page.locator(".ea-w-dmin input").input_value()) == 1.5
    assert float(page.locator(".ea-w-eps input").input_value()) == 0.5
    assert page.locator(".ea-w-topn input").input_value() == "5"
    restored = query(page)
    for key, value in SETTINGS:
        assert restored[key] == [value] or (key in ("thr", "dmin", "eps") and float(restored[key][0]) == float(value))


def test_change_rewrites_url_without_new_history_entry(page):
    length = page.evaluate("history.length")
    page.locator(".ea-w-sort select").select_option(label="Mean, high → low")
    page.wait_for_function("new URLSearchParams(location.search).get('sort') === 'mean_desc'")
    assert query(page)["page"] == ["1"]
    page.locator(".ea-w-scale button", has_text="0–1").first.click()
    page.wait_for_function("(() => { const q = new URLSearchParams(location.search); return q.get('scale') === '1'"
                           " && q.get('thr') === '0.4' && q.get('dmin') === '0.015' && q.get('eps') === '0.005'; })()")
    assert page.evaluate("history.length") == length


def test_copy_link_shows_and_copies_the_current_url(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    link = page.locator(".ea-link").inner_text()
    assert "sort=mean_desc" in link and link.startswith("http://127.0.0.1:")
    page.locator(".ea-copy-link button").click()
    expect(page.locator(".ea-copy-link button")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == page.url


def test_invalid_value_is_ignored_for_that_parameter_only(browser, server):
    page = open_page(browser, server.url("sort=bogus&size=10&scale=7&thr_on=maybe&topn=-3&ds=nope&models=zzz&page=2"))
    try:
        page.locator(".ea-range", has_text="categories 11–20 of 57").wait_for()
        assert page.locator(".ea-w-sort select").input_value() == "Mean, high → low"
        assert page.locator(".ea-w-size select").input_value() == "10"
        restored = query(page)
        assert restored["scale"] == ["1"] and restored["thr_on"] == ["0"] and restored["topn"] == ["10"]
        assert restored["ds"] == ["mmlu"] and "models" not in restored
    finally:
        page.context.close()
