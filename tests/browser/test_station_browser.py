"""The station in the browser: two isolated sessions share results only by publishing them.

Session A publishes its loaded run; session B sees the entries after Refresh and loads them; duplicates are skipped
without overwrite and replaced with it; a read-only server offers no publishing at all.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from conftest import FIXTURE, as_bytes, make_twinkle
from eval_analyzer.core.loader import load_files, load_paths
from eval_analyzer.dashboard.station_view import StationView
from eval_analyzer.station.store import Station

from .conftest import READY_TIMEOUT_MS, Server

pytestmark = pytest.mark.browser

DATASETS = ["mmlu", "tmmluplus", "tw-legal-benchmark-v1"]


@pytest.fixture(scope="module")
def station_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("station") / "shared"


@pytest.fixture(scope="module")
def server(station_dir):
    server = Server([FIXTURE], ["--station", str(station_dir)])
    yield server
    server.stop()


def open_station(browser, url: str):
    """A page in a fresh browser context (its own session), on the Station tab, once the tab has rendered."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    page.locator(".ea-station-count").wait_for(timeout=READY_TIMEOUT_MS)
    return page


def click(page, css: str) -> None:
    page.locator(f"{css} button").click()


def station_rows(page) -> list[str]:
    return page.locator(".ea-station-table .tabulator-row [tabulator-field='dataset']").all_inner_texts()


def test_publish_in_one_session_appears_in_the_other_after_refresh(browser, server, station_dir):
    first = open_station(browser, server.url("tab=station"))
    second = open_station(browser, server.url("tab=station"))
    expect(second.locator(".ea-station-count")).to_contain_text("empty")

    click(first, ".ea-station-publish")
    expect(first.locator(".ea-station-message")).to_contain_text("3 written, 0 replaced, 0 skipped, 0 failed")
    expect(first.locator(".ea-station-report")).to_contain_text("mmlu/gpt-oss-120b")
    assert sorted(path.parent.name for path in station_dir.rglob("*.json")) == DATASETS
    expect(first.locator(".ea-station-count")).to_contain_text("3 entries")

    click(second, ".ea-station-refresh")
    expect(second.locator(".ea-station-count")).to_contain_text("3 entries")
    assert station_rows(second) == DATASETS

    second.locator(".ea-station-table .tabulator-row", has_text="tmmluplus").locator("input[type=checkbox]").check()
    click(second, ".ea-station-load")
    expect(second.locator(".ea-station-message")).to_contain_text("Loaded 1 entries")
    click(second, ".ea-station-load-all")
    expect(second.locator(".ea-station-message")).to_contain_text("Loaded 3 entries")
    second.goto(server.url("tab=files"))  # the loaded entries are files of this session now
    second.locator(".ea-file").first.wait_for(timeout=READY_TIMEOUT_MS)

    click(first, ".ea-station-publish")
    expect(first.locator(".ea-station-message")).to_contain_text("0 written, 0 replaced, 3 skipped")
    expect(first.locator(".ea-station-report")).to_contain_text("already in the station")

    first.locator(".ea-station-overwrite input").check()
    click(first, ".ea-station-publish")
    expect(first.locator(".ea-station-message")).to_contain_text("0 written, 3 replaced, 0 skipped")
    for path in station_dir.rglob("*.json"):
        assert json.loads(path.read_bytes())["config"]["model"]["name"] == "gpt-oss-120b"
    for page in (first, second):
        page.context.close()


def test_read_only_server_lists_and_loads_but_offers_no_publishing(browser, tmp_path):
    station_dir = tmp_path / "read-only"
    Station(station_dir).publish(load_paths([FIXTURE]).documents)
    read_only = Server([FIXTURE], ["--station", str(station_dir), "--read-only"])
    try:
        page = open_station(browser, read_only.url("tab=station"))
        expect(page.locator(".ea-station-read-only")).to_contain_text("read-only")
        expect(page.locator(".ea-station-publish")).to_be_hidden()
        expect(page.locator(".ea-station-count")).to_contain_text("3 entries")
        assert station_rows(page) == DATASETS
        click(page, ".ea-station-load-all")
        expect(page.locator(".ea-station-message")).to_contain_text("Loaded")
        # another process publishes: the open page shows it by itself (periodic refresh, every 10 s)
        other = make_twinkle("another-model", "t", {"mmlu": {"algebra": 0.5}})
        Station(station_dir).publish(load_files([("other.json", as_bytes(other))]).documents)
        expect(page.locator(".ea-station-count")).to_contain_text("4 entries",
                                                                  timeout=StationView.REFRESH_SECONDS * 1000 + 5000)
        page.context.close()
    finally:
        read_only.stop()
