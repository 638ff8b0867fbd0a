"""Uploads, problems in plain words, removing a file, HTML-injection names, session isolation, zh-TW."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

import datagen

from .conftest import Server, open_page

pytestmark = pytest.mark.browser

HOSTILE_MODEL = "<img src=x onerror=alert(1)>"
HOSTILE_CATEGORY = "<img src=x onerror=alert(2)>"
HOSTILE_FILE = "<img src=x onerror=alert(3)>.json"
#: Finds elements in the page and in every (open) shadow root: Panel renders panes in shadow DOM.
FIND_IMG_JS = """() => { let n = 0; const walk = (root) => { root.querySelectorAll('*').forEach(e => {
  if (e.tagName === 'IMG' && e.getAttribute('src') === 'x') n += 1; if (e.shadowRoot) walk(e.shadowRoot); }); };
  walk(document); return n; }"""


def hostile_document() -> bytes:
    document = datagen.renamed(datagen.fixture_document(), HOSTILE_MODEL, "20250101_0000")
    items = document["dataset_results"]["datasets/mmlu/"]["results"]
    items[0]["file"] = f"datasets/mmlu/{HOSTILE_CATEGORY}.csv"
    return datagen.dump(document)


def payload(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "application/json", "buffer": data}


@pytest.fixture(scope="module")
def server():
    server = Server([])  # no paths: the bundled demo data
    yield server
    server.stop()


def upload(page, files: list[tuple[str, bytes]]) -> None:
    page.locator(".ea-upload input[type=file]").set_input_files([payload(n, d) for n, d in files])


def open_tab(page, label: str) -> None:
    page.locator(".ea-tabs .bk-tab", has_text=label).click()


def test_upload_several_files_with_a_bad_one(browser, server):
    page = open_page(browser, server.url())
    try:
        other = datagen.renamed(datagen.fixture_document(), "other-model", "20250202_0000")
        files = [datagen.standard_files()[3], ("results_other.json", datagen.dump(other))]
        # A per-question log without its results file is a source of its own, with a warning that says so.
        alone = ("eval_results_20990101_0000_run0.jsonl",
                 b'{"question_id": 0, "is_correct": true, "llm_output": "A"}\n')
        broken = ("notes.json", b"{not json")
        upload(page, [*files, alone, broken])
        page.locator(".ea-loaded", has_text="8 file(s), 7 source(s)").wait_for()
        page.locator(".ea-problems-summary", has_text="2 problem(s)").wait_for()
        open_tab(page, "Files & problems")
        problem = page.locator(".ea-file", has_text="eval_results_20990101_0000_run0.jsonl")
        expect(problem).to_contain_text("computed from the per-question data")
        expect(problem).to_contain_text("Load results_20990101_0000.json")
        expect(page.locator(".ea-file", has_text="notes.json")).to_contain_text("not valid JSON")
        expect(page.locator(".ea-file", has_text="results_other.json")).to_contain_text("125")
        # remove a file: its source disappears
        row = page.locator(".ea-file-row", has=page.locator(".ea-file", has_text="notes.json"))
        row.locator(".ea-remove button").click()
        page.locator(".ea-loaded", has_text="7 file(s), 7 source(s)").wait_for()
        expect(page.locator(".ea-file", has_text="notes.json")).to_have_count(0)
    finally:
        page.context.close()


def test_html_in_names_renders_as_text(browser, server):
    page = open_page(browser, server.url())
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        upload(page, [(HOSTILE_FILE, hostile_document())])
        page.locator(".ea-loaded", has_text="5 file(s), 5 source(s)").wait_for()
        label = f"{HOSTILE_MODEL} @ 20250101_0000"
        page.locator(".ea-pivot th", has_text=label).wait_for()
        page.locator(".ea-w-sort select").select_option(label="Alphabetical")
        page.locator(".ea-pivot tbody tr:first-child td:first-child", has_text=HOSTILE_CATEGORY).wait_for()
        expect(page.locator(".ea-overall")).to_contain_text(label)
        page.locator(".ea-w-base select").select_option(label=label)
        open_tab(page, "Δ analysis")
        page.locator(".ea-summary").wait_for()
        open_tab(page, "Heatmaps")
        page.locator(".ea-heat-scores canvas").first.wait_for()
        open_tab(page, "Files & problems")
        page.locator(".ea-file-name", has_text=HOSTILE_FILE).wait_for()
        page.locator(".ea-w-thr-on input").check()
        page.locator(".ea-w-mode button", has_text="A specific model").click()
        page.locator(".ea-w-tmodel select").select_option(label=label)
        open_tab(page, "Overview")
        page.locator(".ea-msg-filter", has_text=label).wait_for()
        assert page.evaluate(FIND_IMG_JS) == 0
        assert dialogs == []
    finally:
        page.context.close()


def test_two_sessions_are_isolated(browser, server):
    first = open_page(browser, server.url())
    second = open_page(browser, server.url())
    try:
        upload(first, [("results_alt.json", datagen.standard_files()[3][1])])
        first.locator(".ea-loaded", has_text="5 file(s), 5 source(s)").wait_for()
        expect(second.locator(".ea-loaded")).to_have_text("4 file(s), 4 source(s), 3 dataset(s).")
        labels = second.locator(".ea-w-models label").all_inner_texts()
        assert not any("alt-model" in label for label in labels)
        third = open_page(browser, server.url())
        expect(third.locator(".ea-loaded")).to_have_text("4 file(s), 4 source(s), 3 dataset(s).")
        third.context.close()
    finally:
        first.context.close()
        second.context.close()


def test_traditional_chinese(browser, server):
    page = open_page(browser, server.url("lang=zh-TW"))
    try:
        page.locator(".ea-range", has_text="類別 1–20，共 57 個").wait_for()
        expect(page.locator(".ea-tabs .bk-tab").first).to_have_text("總覽")
        expect(page.locator(".ea-prev button")).to_have_text("◀ 上一頁")
        expect(page.locator(".ea-filter-card")).to_contain_text("分數篩選")
        page.locator(".ea-w-lang select").select_option(label="English")
        page.locator(".ea-range", has_text="categories 1–20 of 57").wait_for()
        expect(page.locator(".ea-tabs .bk-tab").first).to_have_text("Overview")
        page.wait_for_function("new URLSearchParams(location.search).get('lang') === 'en'")
    finally:
        page.context.close()


def test_demo_data_is_the_default(browser, server):
    page = open_page(browser, server.url("tab=files"), ready=".ea-file")
    try:
        names = page.locator(".ea-file-name").all_inner_texts()
        assert names[0] == "results_20250806_1543.json" and len(names) == 4
        assert json.loads(json.dumps(names))  # plain text names
    finally:
        page.context.close()


def test_same_file_can_be_uploaded_again_after_removal(browser, server):
    page = open_page(browser, server.url())
    try:
        alt = [("results_alt.json", datagen.standard_files()[3][1])]
        upload(page, alt)
        page.locator(".ea-loaded", has_text="5 file(s), 5 source(s)").wait_for()
        open_tab(page, "Files & problems")
        page.locator(".ea-file-row", has=page.locator(".ea-file", has_text="results_alt.json")).locator(
            ".ea-remove button").click()
        page.locator(".ea-loaded", has_text="4 file(s), 4 source(s)").wait_for()
        upload(page, alt)
        page.locator(".ea-loaded", has_text="5 file(s), 5 source(s)").wait_for()
    finally:
        page.context.close()
