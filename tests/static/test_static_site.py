"""The offline static site in headless Chromium: goes live with zero requests leaving 127.0.0.1, reacts to
controls, restores settings from the URL, loads `src=` files, downloads CSV (README "Static site", "Deep links").

One live page is shared by the checks of the main flow (a fresh page takes ~25 s to go live); the deep link and
the `src=` link each need their own page load.
"""

from __future__ import annotations

import csv
import io
import random
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from playwright.sync_api import expect

import datagen
import heldout
from chromium import launch
from eval_analyzer.core import delta as delta_math
from eval_analyzer.core.demo import demo_files
from eval_analyzer.core.loader import load_files
from eval_analyzer.core.overview import apply_threshold, sort_categories
from eval_analyzer.core.scores import dataset_rows, wide_scores
from eval_analyzer.dashboard.htmltext import number
from eval_analyzer.dashboard.i18n import t
from eval_analyzer.site.builder import build_site
from eval_analyzer.site.pyodide_dist import ensure_pyodide_dist

from .conftest import LIVE_TIMEOUT_MS, Guard, SiteServer, open_live, playwright_sync

pytestmark = pytest.mark.static

FIXTURE_DATASETS = ["mmlu", "tmmluplus", "tw-legal-benchmark-v1"]
ALT = "alt-model @ 20250901_0000"
FIXTURE_MODEL = "gpt-oss-120b @ 20250806_1543"
SRC_FILE = "data/results_alt.json"


# Records every text the loading status line shows, from the first moment of each page.
STATUS_LOG_JS = """
window.eaStatusLog = [];
new MutationObserver(() => {
  const el = document.getElementById('ea-status');
  const text = el ? el.textContent : null;
  if (text && window.eaStatusLog[window.eaStatusLog.length - 1] !== text) { window.eaStatusLog.push(text) }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    build_site(out, offline=ensure_pyodide_dist())
    alt = datagen.renamed(datagen.fixture_document(), "alt-model", "20250901_0000", drop_every=5)
    (out / "data").mkdir()
    (out / SRC_FILE).write_bytes(datagen.dump(alt))
    return out


@pytest.fixture(scope="module")
def server(site):
    server = SiteServer(site)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def guard(server):
    return Guard(server.origin)


@pytest.fixture(scope="module")
def static_context(server, guard):
    with playwright_sync.sync_playwright() as playwright:
        chromium = launch(playwright)
        static_context = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        static_context.route("**/*", guard)
        static_context.add_init_script(STATUS_LOG_JS)
        yield static_context
        static_context.close()
        chromium.close()


@pytest.fixture(scope="module")
def live_page(static_context, server):
    page = open_live(static_context, server.url())
    yield page
    page.close()


@pytest.fixture(scope="module")
def demo():
    return load_files(demo_files())


def wide(loaded, dataset: str):
    return wide_scores(dataset_rows(loaded.table, dataset))


def pivot_categories(page) -> list[str]:
    return page.locator(".ea-pivot tbody tr td:first-child").all_inner_texts()


def select_options(page, css: str) -> list[str]:
    return page.locator(f"{css} select option").all_inner_texts()


def test_goes_live_offline_with_no_external_request(live_page, server, guard):
    page = live_page
    page.locator(".ea-range", has_text="of 57").wait_for()
    expect(page.locator("#ea-status")).to_have_count(0)  # the loading status line is gone once live
    assert page.evaluate("() => !!pyodideWorker.jsdoc")  # the live Bokeh document of the worker
    assert guard.blocked == []
    assert server.failures() == []
    assert any(path.startswith("/pyodide/pandas-") for path, _status in server.requests)
    print(f"live after {page.live_after_s:.1f} s")


def test_status_line_said_what_was_happening(live_page):
    log = live_page.evaluate("() => window.eaStatusLog")
    steps = ["Loading Python runtime…", "Installing packages…", "Starting app…"]
    assert [text for text in log if text in steps] == steps, log


@pytest.mark.parametrize(("blocked", "says"), [
    ("**/index.js", "the Python worker failed"),  # the worker script does not load
    ("**/pyodide/pyodide.asm.wasm", "pyodide.asm.wasm"),  # Pyodide itself would wait forever
    ("**/pyodide/pandas-*.whl", "pandas-2.2.3"),  # a package download fails
])
def test_a_failed_load_is_reported_not_spun_forever(static_context, server, guard, blocked, says):
    context = static_context.browser.new_context()
    context.route("**/*", guard)
    context.route(blocked, lambda route: route.abort())  # registered last, so it runs first
    try:
        page = context.new_page()
        page.goto(server.url())
        failed = page.locator("#ea-status.ea-failed")
        expect(failed).to_contain_text("Could not start the app", timeout=LIVE_TIMEOUT_MS)
        expect(failed).to_contain_text(says)
        assert failed.get_attribute("role") == "alert"
    finally:
        context.close()


def test_threshold_changes_what_is_shown(live_page, demo):
    page = live_page
    total = len(apply_threshold(wide(demo, "mmlu"), 0.97, "ge", "any", scale=1))
    assert 0 < total < 57
    page.locator(".ea-w-thr-on input").check()
    box = page.locator(".ea-w-thr input")
    expect(box).to_be_enabled()
    box.fill("0.97")
    box.press("Enter")
    page.locator(".ea-msg-filter", has_text="≥ 0.97").wait_for()
    page.locator(".ea-range", has_text=f"of {total}").wait_for()
    page.locator(".ea-w-thr-on input").uncheck()
    page.locator(".ea-range", has_text="of 57").wait_for()


def summary_rows(page) -> list[list[str]]:
    rows = page.locator(".ea-summary tbody tr")
    return [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]


def test_baseline_change_updates_delta(live_page, demo):
    page = live_page
    page.locator(".ea-tabs .bk-tab", has_text="Δ analysis").click()
    cells = page.locator(".ea-summary tbody tr td:first-child")
    cells.first.wait_for()
    before = cells.all_inner_texts()
    current = page.locator(".ea-w-base select").input_value()
    new_base = before[0]  # a candidate becomes the baseline, so it leaves the candidates
    page.locator(".ea-w-base select").select_option(label=new_base)
    candidates = [name for name in before if name != new_base]
    expect(cells).to_have_text(candidates)
    assert current not in before
    scores = wide(demo, "mmlu")
    deltas = delta_math.delta_table(scores, new_base, candidates, scale=1)
    expected = delta_math.delta_summary(deltas, candidates, len(scores), 0.0, new_base)
    for row, item in zip(summary_rows(page), expected.itertuples(), strict=True):
        assert row[0] == item.candidate
        mean = row[1].split()[0]  # "mean [CI]" (the CI fills in once statistics are loaded)
        assert mean == number(item.mean_delta, len(mean.split(".")[-1]), True)
        assert row[6] == f"{item.wins} / {item.losses} / {item.ties}"
        assert row[7] == f"{item.paired}/{item.total}"
    page.locator(".ea-tabs .bk-tab", has_text="Overview").click()
    page.locator(".ea-range").wait_for()


def test_csv_download_content(live_page, demo):
    page = live_page
    page.locator(".ea-range", has_text="categories 1–20 of 57").wait_for()
    with page.expect_download() as info:
        page.locator(".ea-csv-page .bk-btn, .ea-csv-page a, .ea-csv-page button").first.click()
    data = open(info.value.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    order = list(sort_categories(wide(demo, "mmlu"), "mean_desc").index)
    assert rows[0][0] == "category"
    assert [row[0] for row in rows[1:]] == order[:20]
    first = rows[1]
    assert float(first[1]) == pytest.approx(wide(demo, "mmlu").loc[first[0], rows[0][1]])
    assert " " not in info.value.suggested_filename and "@" not in info.value.suggested_filename


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query, keep_blank_values=True)


def test_deep_link_restores_settings(static_context, server, demo, guard):
    settings = [("ds", "tmmluplus"), ("scale", "100"), ("sort", "alpha"), ("lang", "zh-TW")]
    page = open_live(static_context, server.url(urlencode(settings)))
    try:
        expected = list(sort_categories(wide(demo, "tmmluplus"), "alpha").index)[:20]
        page.locator(".ea-pivot tbody tr:first-child td:first-child", has_text=expected[0]).wait_for()
        assert pivot_categories(page) == expected
        assert page.locator(".ea-w-ds select").input_value() == "tmmluplus"
        expect(page.locator(".ea-w-scale button.bk-active")).to_have_text("0–100")
        page.locator(".ea-tabs .bk-tab", has_text=t("tab_overview", "zh-TW")).wait_for()
        restored = query(page)
        for key, value in settings:
            assert restored[key] == [value]
        assert guard.blocked == []
    finally:
        page.close()


@pytest.fixture(scope="module")
def src_page(static_context, server):
    page = open_live(static_context, server.url(urlencode([("src", SRC_FILE)])))
    yield page
    page.close()


def test_src_link_loads_a_file_from_the_same_server(src_page, server, guard):
    page = src_page
    page.locator(".ea-w-models label", has_text=ALT).wait_for()
    alt = load_files([("results_alt.json", (server.root / SRC_FILE).read_bytes())])
    total = len(wide(alt, "mmlu"))
    page.locator(".ea-range", has_text=f"of {total}").wait_for()
    assert [label.strip() for label in page.locator(".ea-w-models label").all_inner_texts()] == [ALT]
    assert (f"/{SRC_FILE}", 200) in server.requests
    assert query(page)["src"] == [SRC_FILE]


def test_upload_real_fixture_shows_its_datasets(src_page):
    """On the `src=` page, which holds only alt-model: the upload brings the fixture's model and datasets."""
    page = src_page
    page.locator(".ea-upload input[type=file]").set_input_files(str(datagen.FIXTURE))
    page.locator(".ea-w-models label", has_text=FIXTURE_MODEL).wait_for()
    assert sorted(select_options(page, ".ea-w-ds")) == FIXTURE_DATASETS
    page.locator(".ea-tabs .bk-tab", has_text="Files & problems").click()
    page.locator(".ea-file[data-file='results_20250806_1543.json']").wait_for()
    sources = page.locator(".ea-file[data-file='results_20250806_1543.json'] .ea-file-sources").inner_text()
    assert FIXTURE_MODEL in sources


def test_questions_tab_in_the_worker_names_the_files_that_would_give_answers(static_context, server, guard):
    """The Questions tab is built and drawn by the worker; the demo has no per-question answers, so it says
    which files would provide them instead of an empty table."""
    page = open_live(static_context, server.url("tab=questions&ds=mmlu"))
    try:
        message = page.locator(".ea-q-msg-missing", has_text="eval_results_")
        message.wait_for()
        assert "--log_samples" in message.inner_text()
    finally:
        page.close()


def _upload_flags(seed: int, sizes: tuple[int, ...]) -> dict[str, list[list[bool]]]:
    rng = random.Random(seed)
    return {f"cat{c}": [[rng.random() < 0.6 for _ in range(size)]] for c, size in enumerate(sizes)}


BUCKET_OF = {(True, False): "regressed", (False, True): "fixed", (False, False): "both_wrong", (True, True): "both_right"}


def expected_rows(base: dict[str, list[bool]], cand: dict[str, list[bool]]) -> dict[str, list[tuple[str, str]]]:
    """Plain Python over the uploaded answers: (category, id) of each bucket, in the tab's default order."""
    found: dict[str, list[tuple[str, str]]] = {name: [] for name in ("all", *BUCKET_OF.values())}
    for category in sorted(base):
        for qid, pair in enumerate(zip(base[category], cand[category], strict=True)):
            found["all"].append((category, str(qid)))
            found[BUCKET_OF[pair]].append((category, str(qid)))
    return found


def question_rows(page) -> list[tuple[str, str]]:
    rows = page.locator(".ea-q-table tbody tr")
    return [tuple(rows.nth(i).locator("td").all_inner_texts()[:2][::-1]) for i in range(rows.count())]


def check_questions(page, base_label: str, cand_label: str, expected: dict[str, list[tuple[str, str]]]) -> None:
    """Choose the pair as a user does, then the 2×2 table, the bucket counts and the rows equal `expected`."""
    page.locator(".ea-w-base select").select_option(label=base_label)
    page.locator(".ea-w-qcand select option", has_text=cand_label).wait_for(state="attached")
    page.locator(".ea-w-qcand select").select_option(label=cand_label)
    page.locator(".ea-q-heading", has_text=f"{base_label}").wait_for()
    page.locator(".ea-q-range", has_text=f"of {len(expected['all'])}").wait_for()
    assert question_rows(page) == expected["all"][:25]
    matrix = [row.locator("td").all_inner_texts() for row in page.locator(".ea-q-matrix tbody tr").all()]
    assert matrix == [["Baseline right", str(len(expected["both_right"])), str(len(expected["regressed"]))],
                      ["Baseline wrong", str(len(expected["fixed"])), str(len(expected["both_wrong"]))]]
    options = select_options(page, ".ea-w-qbucket")
    for name, label in (("regressed", "Regressed"), ("fixed", "Fixed"), ("both_wrong", "Both wrong"),
                        ("both_right", "Both right")):
        assert f"{label} ({len(expected[name])})" in options
    regressed = expected["regressed"]
    page.locator(".ea-w-qbucket select").select_option(label=f"Regressed ({len(regressed)})")
    page.locator(".ea-q-range", has_text=f"of {len(regressed)}").wait_for()
    assert question_rows(page) == regressed[:25]
    page.locator(".ea-w-qbucket select").select_option(label=f"All questions ({len(expected['all'])})")
    page.locator(".ea-q-range", has_text=f"of {len(expected['all'])}").wait_for()


def test_uploaded_answers_of_two_models_fill_the_questions_tab(static_context, server, guard, tmp_path):
    """Issue 11 on the static page: per-question files uploaded while the Questions tab is open (Twinkle
    `eval_results_*_run0.jsonl` with their results files, then lm-eval `samples_<task>_<date>.jsonl` with
    theirs) give the tab its buckets and rows, counted as plain Python counts them from the uploaded answers
    (pairing failed in WebAssembly's 32-bit numpy before), and the page logs no error (BokehJS threw
    "reference … isn't known" on every load before)."""
    page = open_live(static_context, server.url("tab=questions"))
    try:
        page.locator(".ea-q-msg-missing").wait_for()  # the demo has no per-question answers
        base, cand = _upload_flags(11, (40, 33)), _upload_flags(12, (40, 33))
        files = (datagen.twinkle_with_answers("base", "20250101_0000", base)
                 + datagen.twinkle_with_answers("cand", "20250102_0000", cand))
        page.locator(".ea-upload input[type=file]").set_input_files(
            [{"name": name, "mimeType": "application/json", "buffer": data} for name, data in files])
        page.locator(".ea-w-models label", has_text="cand @ 20250102_0000").wait_for()
        check_questions(page, "base @ 20250101_0000", "cand @ 20250102_0000",
                        expected_rows({c: runs[0] for c, runs in base.items()},
                                      {c: runs[0] for c, runs in cand.items()}))

        # lm-eval: one task is one category of the group's dataset; its doc_id is the question's id.
        rng = random.Random(13)
        lm_base = {task: [rng.random() < 0.5 for _ in range(n)] for task, n in (("task_a", 30), ("task_b", 21))}
        lm_cand = {task: [rng.random() < 0.5 for _ in range(len(flags))] for task, flags in lm_base.items()}
        heldout.lmeval_run(tmp_path, "org/lm-base", "2025-01-01T00-00-00.000000", "grp", lm_base)
        heldout.lmeval_run(tmp_path, "org/lm-cand", "2025-01-02T00-00-00.000000", "grp", lm_cand)
        lm_files = sorted(path for path in tmp_path.rglob("*") if path.is_file())
        assert len(lm_files) == 6  # per model: results_<date>.json and one samples file per task
        page.locator(".ea-upload input[type=file]").set_input_files(
            [{"name": path.name, "mimeType": "application/json", "buffer": path.read_bytes()} for path in lm_files])
        # The model boxes list the selected dataset's models: the lm-eval ones appear once "grp" is chosen.
        page.locator(".ea-w-ds select option", has_text="grp").wait_for(state="attached")
        page.locator(".ea-w-ds select").select_option(label="grp")
        # Labelled by the results file's own `date` (a Unix time), not the date in the file name.
        page.locator(".ea-w-models label", has_text="org/lm-cand @ ").wait_for()
        labels = [label.strip() for label in page.locator(".ea-w-models label").all_inner_texts()]
        [lm_base_label] = [label for label in labels if label.startswith("org/lm-base @ ")]
        [lm_cand_label] = [label for label in labels if label.startswith("org/lm-cand @ ")]
        check_questions(page, lm_base_label, lm_cand_label, expected_rows(lm_base, lm_cand))
        assert page.page_errors == []
    finally:
        page.close()


def test_the_shared_page_threw_no_error(live_page):
    """After every check on the main page: no uncaught error (BokehJS threw "reference … isn't known" just after
    every page load, for a change Panel held to a model the page never got)."""
    assert live_page.page_errors == []


def test_no_request_left_the_machine(server, guard):
    """Last: over every page load and interaction above, nothing went to another host and nothing was missing."""
    assert guard.blocked == []
    assert server.failures() == []
