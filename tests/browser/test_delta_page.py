"""Δ analysis in the browser: two candidates, summary equals core, min |Δ|, CSV contents, messages."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from eval_analyzer.core import delta as delta_math
from eval_analyzer.core.loader import load_files
from eval_analyzer.core.scores import dataset_rows, wide_scores

from .conftest import open_page

pytestmark = pytest.mark.browser

BASE = "gpt-oss-120b @ 20250806_1543"
RUN1 = "gpt-oss-120b @ 20250806_1543 run1"
ALT = "alt-model @ 20250901_0000"
STATS = ["n", "ci_low", "ci_high", "p_value", "p_adjusted", "test", "significant", "mde"]
QUERY = urlencode([("tab", "delta"), ("ds", "mmlu"), ("scale", "100"), ("base", BASE), ("cands", RUN1),
                   ("cands", ALT)])


@pytest.fixture(scope="module")
def page(browser, server):
    page = open_page(browser, server.url(QUERY), ready=".ea-summary")
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def expected(files):
    rows = dataset_rows(load_files(files).table, "mmlu")
    wide = wide_scores(rows)
    deltas = delta_math.delta_table(wide, BASE, [RUN1, ALT], scale=100)
    return deltas, delta_math.delta_summary(deltas, [RUN1, ALT], len(wide), 0.0, BASE)


def summary_rows(page) -> list[list[str]]:
    rows = page.locator(".ea-summary tbody tr")
    return [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]


def download(page, css: str) -> tuple[str, list[list[str]]]:
    with page.expect_download() as info:
        page.locator(f"{css} .bk-btn").first.click()
    data = open(info.value.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")
    return info.value.suggested_filename, list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_summary_equals_core(page, expected):
    _deltas, summary = expected
    rows = summary_rows(page)
    assert [row[0] for row in rows] == [RUN1, ALT]
    for row, item in zip(rows, summary.itertuples(), strict=True):
        assert row[1].split(" ")[0] == f"{item.mean_delta:+.2f}"
        assert row[2] == f"{item.median_delta:+.2f}"
        assert row[6] == f"{item.wins} / {item.losses} / {item.ties}"
        assert row[7] == f"{item.paired}/{item.total}"
    assert rows[1][7] != rows[0][7]  # alt-model misses categories: coverage differs
    assert "regardless of the minimum |Δ|" in page.locator(".ea-summary-note").inner_text()


def test_ranking_csv_and_min_delta(page, expected):
    deltas, _summary = expected
    name, rows = download(page, ".ea-csv-ranking")
    assert rows[0] == ["category", "candidate", "baseline", "baseline_score", "candidate_score", "delta", "units",
                       *STATS]
    assert len(rows) - 1 == len(deltas)
    assert " " not in name and "@" not in name
    box = page.locator(".ea-w-dmin input")
    box.fill("2")
    box.press("Enter")
    kept = int((deltas["delta"].abs() >= 2).sum())
    page.locator(".ea-note", has_text=f"{len(deltas) - kept} row(s) with |Δ| below 2").wait_for()
    _name, rows = download(page, ".ea-csv-ranking")
    assert len(rows) - 1 == kept
    assert all(abs(float(row[5])) >= 2 for row in rows[1:])
    # the summary still covers every paired category
    assert summary_rows(page)[0][7].startswith(f"{int((deltas['candidate'] == RUN1).sum())}/")
    box.fill("0")
    box.press("Enter")
    expect(page.locator(".ea-note", has_text="below")).to_have_count(0)


def test_summary_and_topbottom_csv(page, expected):
    summary = expected[1]
    _name, rows = download(page, ".ea-csv-summary")
    assert rows[0][:len(delta_math.SUMMARY_COLUMNS)] == list(delta_math.SUMMARY_COLUMNS)
    assert rows[0][len(delta_math.SUMMARY_COLUMNS):] == ["ci_low", "ci_high", "p_value", "test", "sig_wins",
                                                         "sig_losses", "indistinguishable", "n_samples"]
    assert [row[0] for row in rows[1:]] == [RUN1, ALT]
    assert float(rows[1][2]) == pytest.approx(summary["mean_delta"].iloc[0])
    _name, rows = download(page, ".ea-csv-topbottom")
    assert rows[0] == ["list", "category", "candidate", "baseline", "baseline_score", "candidate_score", "delta",
                       "units", *STATS]
    tops = [row for row in rows[1:] if row[0] == "top"]
    bottoms = [row for row in rows[1:] if row[0] == "bottom"]
    deltas = expected[0]
    for candidate in (RUN1, ALT):  # N = 10 per candidate, gains only on top, regressions only at the bottom
        mine = deltas[deltas["candidate"] == candidate]["delta"]
        assert sum(row[2] == candidate for row in tops) == min(10, int((mine > 0).sum()))
        assert sum(row[2] == candidate for row in bottoms) == min(10, int((mine < 0).sum()))
    assert all(float(row[6]) > 0 for row in tops) and all(float(row[6]) < 0 for row in bottoms)
    run1_top = [float(row[6]) for row in tops if row[2] == RUN1]
    assert run1_top == sorted(run1_top, reverse=True)


def test_top_n_and_cards(page):
    box = page.locator(".ea-w-topn input")
    box.fill("3")
    box.press("Enter")
    page.locator(".ea-top-card", has_text="Top 3").wait_for()
    # one candidate at a time (the first), not the rows of every candidate interleaved
    expect(page.locator(".ea-top tbody tr")).to_have_count(3)
    expect(page.locator(".ea-bottom tbody tr")).to_have_count(3)
    page.locator(".ea-top-card", has_text=RUN1).wait_for()


def test_no_candidate_message_and_baseline_not_offered(page):
    labels = page.locator(".ea-w-cands label").all_inner_texts()
    assert BASE not in [label.strip() for label in labels]
    for box in page.locator(".ea-w-cands input[type=checkbox]").all():
        if box.is_checked():
            box.uncheck()
    page.locator(".ea-msg-no-candidates").wait_for()
    page.locator(".ea-w-cands input[type=checkbox]").first.check()
    page.locator(".ea-summary").wait_for()
