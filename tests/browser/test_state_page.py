"""State defects that live in the browser: the Overview's hover after a language switch, the threshold box."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import open_page, overview_frame

pytestmark = pytest.mark.browser

#: The Overview's bar chart: its canvas lives in the Bokeh pane's shadow root (Playwright's CSS pierces it).
CHART = ".ea-ov-chart"
TOOLTIP = ".bk-tooltip-content"


@pytest.fixture
def page(browser, server):
    page = open_page(browser, server.url())
    page.errors = []  # what the page threw or logged as an error
    page.on("pageerror", lambda error: page.errors.append(f"pageerror: {error}"))
    page.on("console", lambda message: page.errors.append(f"console: {message.text}")
            if message.type == "error" else None)
    yield page
    page.context.close()


def hover_a_bar(page) -> str:
    """Move the mouse along the lower half of the plot until a bar's tooltip shows; its text."""
    box = page.locator(f"{CHART} canvas").first.bounding_box()
    assert box is not None
    frame_height = overview_frame(page)[1]
    # In the frame's lower half (the plot's top border is Bokeh's 5 px): every bar reaches there (score > 0.5).
    y = box["y"] + 5 + frame_height * 0.55
    for x in range(int(box["x"] + 60), int(box["x"] + box["width"] - 60), 3):
        page.mouse.move(x, y)
        tip = page.locator(TOOLTIP).first
        if tip.count() and tip.is_visible():
            return tip.inner_text()
    return ""


def switch_language(page, label: str, range_text: str) -> None:
    page.locator(".ea-w-lang select").select_option(label=label)
    page.locator(".ea-range", has_text=range_text).wait_for()


def test_the_overview_hover_works_after_every_language_switch(page):
    page.locator(".ea-range", has_text="categories 1–20 of 57").wait_for()
    text = hover_a_bar(page)
    assert "Model:" in text and "Category:" in text and "NaN" not in text
    switch_language(page, "繁體中文", "類別 1–20，共 57 個")
    page.locator(CHART).wait_for()
    text = hover_a_bar(page)
    assert "模型:" in text and "類別:" in text, page.errors
    switch_language(page, "English", "categories 1–20 of 57")
    text = hover_a_bar(page)
    assert "Model:" in text, page.errors
    assert page.errors == []


def test_a_typed_threshold_above_the_range_is_clamped_in_the_box(page):
    page.locator(".ea-w-scale button", has_text="0–100").click()
    page.locator(".ea-w-thr-on input").check()
    page.locator(".ea-msg-filter", has_text="≥ 50").wait_for()
    box = page.locator(".ea-w-thr input")
    expect(box).to_be_enabled()
    box.fill("150")
    box.press("Enter")
    page.locator(".ea-thr-clamped", has_text="150 is outside the range 0–100").wait_for()
    page.locator(".ea-msg-no-match", has_text="≥ 100").wait_for()  # no category has every score at 100
    expect(box).to_have_value("100")
    box.fill("40")
    box.press("Enter")
    page.locator(".ea-msg-filter", has_text="≥ 40").wait_for()
    expect(page.locator(".ea-thr-clamped")).to_have_count(0)
    assert page.errors == []
