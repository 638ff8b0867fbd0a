"""The Questions tab without a browser: its settings, the store's page, the URL keys, escaping and the CSV."""

from __future__ import annotations

import csv
import html
import io
import random
import re

import pandas as pd
import pytest

import datagen
from eval_analyzer.dashboard import urlsettings
from eval_analyzer.dashboard.state import DataState
from eval_analyzer.dashboard.store import DerivedData
from eval_analyzer.dashboard.views.questions import QuestionsView

BASE = "base @ 20250101_0000"
CAND = "cand @ 20250102_0000"
OTHER = "other @ 20250103_0000"
HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(2)> <a href="javascript:alert(3)">x</a>'
TABS = ("overview", "delta", "questions", "heatmap", "files")


def _flags(seed: int, sizes=(70, 45), runs: int = 1) -> dict[str, list[list[bool]]]:
    rng = random.Random(seed)
    return {f"cat{c}": [[rng.random() < 0.6 for _ in range(size)] for _ in range(runs)]
            for c, size in enumerate(sizes)}


BASE_FLAGS, CAND_FLAGS = _flags(1), _flags(2)


def files(hostile: bool = True):
    outputs = {("cat0", 3): HOSTILE} if hostile else {}
    return (datagen.twinkle_with_answers("base", "20250101_0000", BASE_FLAGS, folder="a")
            + datagen.twinkle_with_answers("cand", "20250102_0000", CAND_FLAGS, outputs=outputs, folder="b")
            + [datagen.twinkle_with_answers("other", "20250103_0000", _flags(3), folder="c")[0]])


def expected(bucket: str, category: str = "") -> list[tuple[str, str]]:
    names = {(True, False): "regressed", (False, True): "fixed", (False, False): "both_wrong",
             (True, True): "both_right"}
    return [(c, str(q)) for c in sorted(BASE_FLAGS) if not category or c == category
            for q, pair in enumerate(zip(BASE_FLAGS[c][0], CAND_FLAGS[c][0], strict=True))
            if bucket == "all" or names[pair] == bucket]


@pytest.fixture
def store():
    store = DerivedData(data=DataState(files=files()))
    store.delta.param.update(baseline=BASE, candidates=[CAND, OTHER])
    store.ui.tab = "questions"
    return store


def shown(store) -> list[tuple[str, str]]:
    rows = store.question_page.rows
    return list(zip(rows["category"], rows["question_id"], strict=True))


def test_default_candidate_is_the_first_delta_candidate_and_counts_are_the_flags(store):
    assert store.question_candidate == CAND
    counts = store.question_page.counts
    for bucket in ("regressed", "fixed", "both_wrong", "both_right"):
        assert counts[bucket] == len(expected(bucket))
    assert store.question_page.total == len(expected("all")) == 115
    assert shown(store) == expected("all")[:25]


def test_bucket_and_category_filters_and_a_filter_change_goes_back_to_page_1(store):
    store.questions.page = 2
    assert shown(store) == expected("all")[25:50]
    store.questions.bucket = "regressed"
    assert store.questions.page == 1 and shown(store) == expected("regressed")[:25]
    store.questions.category = "cat1"
    assert shown(store) == expected("regressed", "cat1")
    assert store.question_page.counts["regressed"] == len(expected("regressed", "cat1"))


def test_pages_clamp_and_a_hidden_tab_computes_nothing(store):
    store.questions.page = 99
    assert store.questions.page == store.question_page.pages == 5
    store.ui.tab = "overview"
    before = store.question_page
    store.questions.bucket = "fixed"
    assert store.question_page is before
    store.ui.tab = "questions"
    assert shown(store) == expected("fixed")[:25]


def test_the_url_round_trip_restores_every_questions_setting(store):
    store.questions.param.update(candidate=CAND, category="cat0", bucket="fixed", search="answers", sort="d_asc")
    store.questions.page = 1
    search = urlsettings.build_search(store)
    for key in ("q_cand=", "q_cat=cat0", "q_bucket=fixed", "q_search=answers", "q_sort=d_asc"):
        assert key in search
    target = DerivedData(data=DataState(files=files()))
    assert urlsettings.apply_query(target, urlsettings.parse_search(search), TABS) == []
    assert urlsettings.query_pairs(target) == urlsettings.query_pairs(store)
    assert shown(target) == shown(store)


def test_a_page_in_the_url_survives_its_own_restore():
    source = DerivedData(data=DataState(files=files()))
    search = "?tab=questions&base=base&q_cand=cand&q_page=2&q_bucket=all"
    assert urlsettings.apply_query(source, urlsettings.parse_search(search), TABS) == []
    assert source.questions.page == 2 and shown(source) == expected("all")[25:50]


@pytest.mark.parametrize(("key", "value"), [("q_cand", "nobody"), ("q_cat", "nope"), ("q_bucket", "lost"),
                                            ("q_sort", "up"), ("q_page", "0")])
def test_invalid_questions_keys_are_ignored_alone(store, key, value):
    assert urlsettings.apply_query(store, {key: [value], "topn": ["7"]}, TABS) == [key]
    assert store.delta.top_n == 7


def test_outputs_are_escaped_text(store):
    store.questions.search = "onerror"
    view = QuestionsView(store=store)
    view.refresh()
    html = view.table.object
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert 'class="ea-qt"' in html  # collapsed to two lines, expandable
    assert "questions 1–1 of 1" in view.range.object


def test_without_answers_the_tab_names_the_files_that_would_give_them(store):
    store.questions.candidate = OTHER
    view = QuestionsView(store=store)
    view.refresh()
    assert store.question_missing == [OTHER]
    text = view.message.object
    assert "ea-q-msg-missing" in text and "“other @ 20250103_0000”" in text
    assert "eval_results_&lt;timestamp&gt;_run&lt;N&gt;.jsonl" in text and "--log_samples" in text
    assert not view.body.visible
    store.ui.lang = "zh-TW"
    assert "逐題" in view.message.object


def test_the_csv_holds_every_question_of_the_bucket_guarded():
    store = DerivedData(data=DataState(files=files(hostile=False) + []))
    store.delta.param.update(baseline=BASE, candidates=[CAND])
    store.ui.tab = "questions"
    store.questions.bucket = "regressed"
    view = QuestionsView(store=store)
    text = view._csv().getvalue().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["category"], row["question_id"]) for row in rows] == expected("regressed")
    assert {row["baseline_runs"] for row in rows} == {"1"} and {row["candidate_runs"] for row in rows} == {"0"}
    assert view.csv.filename.endswith(".csv") and " " not in view.csv.filename


def test_a_click_on_a_delta_bar_opens_the_questions_of_that_candidate_and_category(store):
    from eval_analyzer.dashboard.views.delta import DeltaView

    store.ui.tab = "delta"
    store.questions.param.update(bucket="fixed", search="x")
    view = DeltaView(store=store)
    view.refresh()
    _key, facet, _pane = view._facets[0]
    assert len(set(facet.source.data["candidate"])) == 2  # one figure holds both candidates' bars
    candidate, category = facet.source.data["candidate"][1], facet.source.data["category"][1]
    facet.source.selected.indices = [1]  # what the tap tool sets
    assert store.ui.tab == "questions"
    assert (store.question_candidate, store.questions.category) == (candidate, category)
    assert store.questions.bucket == "all" and store.questions.search == ""
    assert store.question_page.total == len(expected("all", category))
    assert "q_cat=" + category in urlsettings.build_search(store)


def test_a_top_or_bottom_row_links_to_the_questions_of_its_category_with_names_escaped(store):
    from eval_analyzer.dashboard.views.delta import DeltaView

    store.ui.tab = "delta"
    view = DeltaView(store=store)
    view.refresh()
    listed = pd.concat([store.stat_top, store.stat_bottom], ignore_index=True)
    listed = listed[listed["candidate"] == view.tb_candidate.value]  # the tables show one candidate
    assert len(listed)
    rows = listed.iloc[:1].assign(category='x" onmouseover="alert(1)"><img src=x onerror=alert(2)>')
    html = view._rows_table(rows, "ea-top", noise=False)
    assert "<img" not in html and 'onmouseover="alert' not in html
    assert 'data-cat="x&quot; onmouseover=&quot;alert(1)&quot;&gt;&lt;img' in html
    candidate, category = listed["candidate"].iloc[0], listed["category"].iloc[0]
    shown = view.top.object + view.bottom.object
    assert f'data-cand="{candidate}" data-cat="{category}"' in shown  # every row is a link
    assert shown.count('class="ea-q-link"') == len(listed)
    view.open_box.value = f"{candidate}\x1f{category}"  # what the link's script writes
    assert store.ui.tab == "questions"
    assert (store.question_candidate, store.questions.category) == (candidate, category)
    assert view.open_box.value == ""  # emptied, so the same link works again
    store.ui.tab = "delta"
    view.open_box.value = f"no such model\x1f{category}"  # a stale or forged value is ignored
    assert store.ui.tab == "delta"


def test_a_long_text_is_previewed_and_whole_once_opened():
    from eval_analyzer.dashboard.views.questions import PREVIEW_CHARS, text_cell

    text = " ".join(f"word{i}<b>" for i in range(400))
    cell = text_cell(text)
    summary = cell.split("<summary>")[1].split("</summary>")[0]
    rest = cell.split("<span>")[1].split("</span>")[0]
    assert len(html.unescape(summary)) <= PREVIEW_CHARS and html.unescape(summary + rest) == text  # nothing lost
    assert "<b>" not in cell  # escaped
    assert text_cell("short <i>") == '<details class="ea-qt"><summary>short &lt;i&gt;</summary></details>'
    assert text_cell("") == ""


# -- reasoning -----------------------------------------------------------------------------------------------------

def reasoned_store(with_reasoning: bool = True):
    """BASE and CAND with `llm_reasoning_output` on every question of cat0 (CAND's question 3 hostile), OTHER
    without; the Questions tab open on BASE vs CAND."""
    def reasoning(model):
        return lambda category, qid, _run: (HOSTILE if (model, qid) == ("cand", 3) else f"{model} reasons on {qid}"
                                            ) if category == "cat0" else None

    extra = {"reasoning": reasoning("base")} if with_reasoning else {}
    files = (datagen.twinkle_with_answers("base", "20250101_0000", BASE_FLAGS, folder="a", **extra)
             + datagen.twinkle_with_answers("cand", "20250102_0000", CAND_FLAGS, folder="b",
                                            reasoning=reasoning("cand"))
             + datagen.twinkle_with_answers("other", "20250103_0000", _flags(3), folder="c"))
    store = DerivedData(data=DataState(files=files))
    store.delta.param.update(baseline=BASE, candidates=[CAND, OTHER])
    store.ui.tab = "questions"
    return store


def headers(html: str) -> list[str]:
    return re.findall(r"<th[^>]*>(.*?)</th>", html)


def test_both_sides_reasoning_columns_are_shown_escaped():
    store = reasoned_store()
    store.questions.category = "cat0"
    view = QuestionsView(store=store)
    view.refresh()
    html = view.table.object
    assert headers(html)[-4:] == [f"Output: {BASE}", f"Output: {CAND}", f"Reasoning: {BASE}", f"Reasoning: {CAND}"]
    rows = store.question_page.rows
    assert list(rows["baseline_reasoning"]) == [f"base reasons on {qid}" for qid in rows["question_id"]]
    assert "base reasons on 0" in html and "cand reasons on 0" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert html.count('class="ea-qt"') == 6 * len(rows)  # question, gold, two outputs, two reasonings
    store.ui.lang = "zh-TW"
    view.refresh()
    assert f"推理過程：{BASE}" in headers(view.table.object)


def test_a_search_finds_a_word_only_in_a_reasoning():
    store = reasoned_store()
    store.questions.search = "onerror"  # only in CAND's reasoning of cat0 question 3
    assert shown(store) == [("cat0", "3")]
    store.questions.search = "BASE REASONS ON 4"
    assert shown(store) == [("cat0", str(qid)) for qid in range(len(BASE_FLAGS["cat0"][0]))
                            if "base reasons on 4" in f"base reasons on {qid}"] == [("cat0", "4")] + [
        ("cat0", str(qid)) for qid in range(40, 50)]


def test_the_csv_carries_both_sides_reasoning():
    store = reasoned_store()
    store.questions.bucket = "regressed"
    view = QuestionsView(store=store)
    rows = list(csv.DictReader(io.StringIO(view._csv().getvalue().decode("utf-8-sig"))))
    assert [(row["category"], row["question_id"]) for row in rows] == expected("regressed")
    for row in rows:
        cat0 = row["category"] == "cat0"
        assert row["baseline_reasoning"] == (f"base reasons on {row['question_id']}" if cat0 else "")
        assert row["candidate_reasoning"] == ((HOSTILE if row["question_id"] == "3" else
                                               f"cand reasons on {row['question_id']}") if cat0 else "")


def test_a_pair_without_reasoning_keeps_the_table_without_its_columns(store):
    view = QuestionsView(store=store)
    view.refresh()
    html = view.table.object
    assert headers(html)[-2:] == [f"Output: {BASE}", f"Output: {CAND}"] and "Reasoning" not in html
    assert html.count('class="ea-qt"') == 4 * len(store.question_page.rows)
    # reasoning on one side (CAND's) is enough for the columns; BASE vs OTHER has none on either side
    mixed = reasoned_store(with_reasoning=False)
    view = QuestionsView(store=mixed)
    view.refresh()
    assert mixed.question_pairs.has_reasoning and f"Reasoning: {CAND}" in view.table.object
    mixed.questions.candidate = OTHER
    view.refresh()
    assert not mixed.question_pairs.has_reasoning and "Reasoning" not in view.table.object
