"""Overview in the browser: dataset switch, sort, pagination, scale, threshold filter, CSV downloads."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from eval_analyzer.core.loader import load_files
from eval_analyzer.core.overview import sort_categories
from eval_analyzer.core.scores import dataset_rows, wide_scores

from .conftest import open_page, overview_frame

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(browser, server):
    page = open_page(browser, server.url())
    yield page
    page.context.close()


def pivot_categories(page) -> list[str]:
    return page.locator(".ea-pivot tbody tr td:first-child").all_inner_texts()


def range_text(page) -> str:
    return page.locator(".ea-range").inner_text()


def wait_range(page, text: str) -> None:
    page.locator(".ea-range", has_text=text).wait_for()


def expected_order(files, dataset: str, mode: str) -> list[str]:
    loaded = load_files(files)
    return list(sort_categories(wide_scores(dataset_rows(loaded.table, dataset)), mode).index)


def select(page, css: str, label: str) -> None:
    page.locator(f"{css} select").select_option(label=label)


def test_first_page_follows_default_sort(page, files):
    wait_range(page, "categories 1–20 of 57")
    assert pivot_categories(page) == expected_order(files, "mmlu", "mean_desc")[:20]


def test_sort_modes_change_category_order(page, files):
    select(page, ".ea-w-sort", "Alphabetical")
    expected = expected_order(files, "mmlu", "alpha")[:20]
    page.locator(".ea-pivot tbody tr:first-child td:first-child", has_text=expected[0]).wait_for()
    assert pivot_categories(page) == expected
    select(page, ".ea-w-sort", "Mean, low → high")
    expected = expected_order(files, "mmlu", "mean_asc")[:20]
    page.locator(".ea-pivot tbody tr:first-child td:first-child", has_text=expected[0]).wait_for()
    assert pivot_categories(page) == expected
    select(page, ".ea-w-sort", "Mean, high → low")
    page.locator(".ea-pivot tbody tr:first-child td:first-child",
                 has_text=expected_order(files, "mmlu", "mean_desc")[0]).wait_for()


def test_pagination(page, files):
    order = expected_order(files, "mmlu", "mean_desc")
    page.locator(".ea-next button").click()
    wait_range(page, "categories 21–40 of 57")
    assert pivot_categories(page) == order[20:40]
    select(page, ".ea-w-size", "30")
    wait_range(page, "categories 1–30 of 57")
    page.locator(".ea-next button").click()
    wait_range(page, "categories 31–57 of 57")
    assert pivot_categories(page) == order[30:]
    # 50 categories of 4 models would draw bars of about 2 px: the page holds fewer and says why.
    select(page, ".ea-w-size", "50")
    page.locator(".ea-page-fit", has_text="(of 50 chosen)").wait_for()
    shown = int(range_text(page).split("–")[1].split(" ")[0])
    assert 20 < shown < 50 and pivot_categories(page) == order[:shown]
    select(page, ".ea-w-size", "20")
    wait_range(page, "categories 1–20 of 57")


def test_the_charts_frame_keeps_its_size_across_pages_and_scales(page):
    """Bokeh sizes the borders around the frame from what they hold: with the borders fitted to each page's
    category names (and each scale's score labels), the frame changed size on a page turn, so bars moved
    under the pointer, and the browser reported the new size to the server after every redraw."""
    wait_range(page, "categories 1–20 of 57")
    first = overview_frame(page)
    for step, shown in ((lambda: page.locator(".ea-next button").click(), "categories 21–40"),
                        (lambda: page.locator(".ea-next button").click(), "categories 41–57"),
                        (lambda: page.locator(".ea-prev button").click(), "categories 21–40")):
        step()
        wait_range(page, shown)
        assert overview_frame(page) == first
    page.locator(".ea-w-scale button", has_text="0–100").click()
    page.locator(".ea-pivot td", has_text=re.compile(r"^\d\d\.\d\d$")).first.wait_for()
    assert overview_frame(page) == first
    page.locator(".ea-w-scale button", has_text="0–1").first.click()
    page.locator(".ea-pivot td", has_text=re.compile(r"^0\.\d{4}$")).first.wait_for()
    page.locator(".ea-prev button").click()
    wait_range(page, "categories 1–20 of 57")
    assert overview_frame(page) == first


def test_dataset_switch(page, files):
    select(page, ".ea-w-ds", "tmmluplus")
    wait_range(page, "of 67")
    assert pivot_categories(page) == expected_order(files, "tmmluplus", "mean_desc")[:20]
    select(page, ".ea-w-ds", "mmlu")
    wait_range(page, "of 57")


def threshold_input(page):
    return page.locator(".ea-w-thr input")


def set_threshold(page, value: str) -> None:
    box = threshold_input(page)
    expect(box).to_be_enabled()
    box.fill(value)
    box.press("Enter")


def test_scale_switch_converts_threshold(page):
    page.locator(".ea-w-thr-on input").check()
    page.locator(".ea-msg-filter").wait_for()
    set_threshold(page, "0.9")
    page.locator(".ea-msg-filter", has_text="≥ 0.90").wait_for()
    page.locator(".ea-w-scale button", has_text="0–100").click()
    page.locator(".ea-msg-filter", has_text="≥ 90").wait_for()
    assert float(threshold_input(page).input_value()) == pytest.approx(90)
    page.locator(".ea-w-scale button", has_text="0–1").first.click()
    page.locator(".ea-msg-filter", has_text="≥ 0.90").wait_for()
    assert float(threshold_input(page).input_value()) == pytest.approx(0.9)


def shown_total(page) -> int:
    return int(range_text(page).rsplit(" ", 1)[-1])


def test_filter_modes_and_operators(page, files):
    loaded = load_files(files)
    wide = wide_scores(dataset_rows(loaded.table, "mmlu"))
    alt = "alt-model @ 20250901_0000"
    set_threshold(page, "0.85")
    expected_any_ge = int((wide >= 0.85 - 1e-9).any(axis=1).sum())
    wait_range(page, f"of {expected_any_ge}")
    page.locator(".ea-w-op button", has_text="≤").click()
    expected_any_le = int((wide <= 0.85 + 1e-9).any(axis=1).sum())
    wait_range(page, f"of {expected_any_le}")
    page.locator(".ea-w-mode button", has_text="A specific model").click()
    page.locator(".ea-w-tmodel select").select_option(label=alt)
    expected_model_le = int((wide[alt] <= 0.85 + 1e-9).sum())
    wait_range(page, f"of {expected_model_le}")
    page.locator(".ea-w-op button", has_text="≥").click()
    expected_model_ge = int((wide[alt] >= 0.85 - 1e-9).sum())
    wait_range(page, f"of {expected_model_ge}")
    # the data makes every switch visible: each one changed the number of categories shown
    assert len({expected_any_ge, expected_any_le, expected_model_le, expected_model_ge}) == 4
    categories = pivot_categories(page)
    assert all(wide.loc[c, alt] >= 0.85 - 1e-9 for c in categories)


def test_no_match_message(page):
    set_threshold(page, "1")
    message = page.locator(".ea-msg-no-match")
    message.wait_for()
    text = message.inner_text()
    assert "alt-model @ 20250901_0000" in text and "≥ 1.00" in text and "lower the threshold" in text
    # the Δ tab keeps working while nothing matches
    page.locator(".ea-tabs .bk-tab", has_text="Δ analysis").click()
    page.locator(".ea-summary").wait_for()
    page.locator(".ea-tabs .bk-tab", has_text="Overview").click()
    page.locator(".ea-w-thr-on input").uncheck()
    wait_range(page, "of 57")


def download_csv(page, css: str) -> tuple[str, list[list[str]]]:
    with page.expect_download() as info:
        page.locator(f"{css} .bk-btn, {css} a, {css} button").first.click()
    download = info.value
    data = open(download.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")
    return download.suggested_filename, list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_downloads(page, files):
    wait_range(page, "categories 1–20 of 57")
    order = expected_order(files, "mmlu", "mean_desc")
    name, rows = download_csv(page, ".ea-csv-page")
    assert name.endswith(".csv") and " " not in name and "@" not in name
    assert rows[0][0] == "category" and len(rows[0]) == 6 and rows[0][-1] == "units"
    assert len({row[-1] for row in rows[1:]}) == 1 and rows[1][-1] in ("0–1", "0–100")  # every score is 0–1
    assert [row[0] for row in rows[1:]] == order[:20]
    name, rows = download_csv(page, ".ea-csv-all")
    assert [row[0] for row in rows[1:]] == order
    loaded = load_files(files)
    wide = wide_scores(dataset_rows(loaded.table, "mmlu"))
    first = rows[1]
    assert float(first[1]) == pytest.approx(wide.loc[first[0], rows[0][1]])
