"""State classes without a browser: set a parameter, assert the derived frame."""

from __future__ import annotations

import pandas as pd
import pytest

import datagen
from eval_analyzer.core import delta as delta_math
from eval_analyzer.core.loader import load_files
from eval_analyzer.core.overview import apply_threshold, sort_categories
from eval_analyzer.core.scores import dataset_rows, wide_scores
from eval_analyzer.dashboard.state import DataState
from eval_analyzer.dashboard.store import DerivedData

BASE = "gpt-oss-120b @ 20250806_1543"
RUN1 = "gpt-oss-120b @ 20250806_1543 run1"
RUN2 = "gpt-oss-120b @ 20250806_1543 run2"
ALT = "alt-model @ 20250901_0000"


@pytest.fixture
def files():
    return datagen.standard_files()


@pytest.fixture
def store(files):
    return DerivedData(data=DataState(files=files))


def wide_of(files, dataset="mmlu"):
    return wide_scores(dataset_rows(load_files(files).table, dataset))


def test_defaults_after_load(store):
    assert store.datasets == ["mmlu", "tmmluplus", "tw-legal-benchmark-v1"]
    assert store.overview.dataset == "mmlu"
    assert store.overview.models == [BASE, RUN1, RUN2, ALT]
    assert store.delta.baseline == BASE
    assert store.delta.candidates == [RUN1, RUN2, ALT]
    assert (store.page_info.first, store.page_info.last, store.page_info.total) == (1, 20, 57)
    assert store.delta_status == "ok"


def test_sorted_page_matches_core(store, files):
    expected = sort_categories(wide_of(files), "alpha")
    store.overview.sort = "alpha"
    assert list(store.page_wide.index) == list(expected.index[:20])
    store.overview.page = 3
    assert list(store.page_wide.index) == list(expected.index[40:])
    store.overview.sort = "mean_asc"
    assert store.overview.page == 1  # a new order starts at the first page


def test_out_of_range_page_is_clamped(store):
    store.overview.page = 99
    assert store.overview.page == store.page_info.page == 3


def test_dataset_switch_updates_sources_and_keeps_selection_rules(store):
    store.overview.dataset = "tw-legal-benchmark-v1"
    assert ALT not in store.sources  # alt-model has no score in that dataset
    assert store.shown_models() == store.sources and list(store.sorted_wide.columns) == store.sources
    assert ALT in store.overview.models  # not drawn here, still chosen for the way back
    assert store.page_info.total == 1


def test_model_selection_narrows_columns(store):
    store.overview.models = [RUN1]
    assert list(store.sorted_wide.columns) == [RUN1]
    assert list(store.overall["source_label"]) == [RUN1]


@pytest.mark.parametrize(("op", "mode", "model"), [("ge", "any", ""), ("le", "any", ""), ("ge", "model", ALT),
                                                    ("le", "model", ALT)])
def test_threshold_filter_matches_core(store, files, op, mode, model):
    store.filter.param.update(on=True, op=op, mode=mode, model=model or BASE, threshold=0.85)
    expected = apply_threshold(wide_of(files), 0.85, op, mode, model or None, scale=1)
    assert set(store.sorted_wide.index) == set(expected.index)
    assert list(store.sorted_wide.columns) == [BASE, RUN1, RUN2, ALT]  # every model's bars stay


def test_no_match_sets_flag_and_delta_still_works(store):
    store.filter.param.update(on=True, op="ge", threshold=1.0)
    assert store.filter_empty and store.page_info.total == 0
    assert store.delta_status == "ok" and len(store.summary) == 3


def test_scale_switch_converts_dependent_numbers(store):
    store.filter.threshold = 0.42
    store.delta.min_delta = 0.015
    store.delta.eps = 0.005
    store.overview.scale = 100
    assert store.filter.threshold == pytest.approx(42)
    assert store.delta.min_delta == pytest.approx(1.5)
    assert store.delta.eps == pytest.approx(0.5)
    assert store.ranking["delta"].abs().max() > 1  # percentage points
    store.overview.scale = 1
    assert store.filter.threshold == pytest.approx(0.42)


def test_delta_frames_equal_core(store, files):
    store.overview.scale = 100
    store.delta.param.update(candidates=[RUN1, ALT], eps=0.5, min_delta=2, sort="delta_asc")
    wide = wide_of(files)
    deltas = delta_math.delta_table(wide, BASE, [RUN1, ALT], scale=100)
    summary = delta_math.delta_summary(deltas, [RUN1, ALT], len(wide), 0.5, BASE)
    pd.testing.assert_frame_equal(store.summary, summary)
    ranking = delta_math.sort_delta(delta_math.filter_min_delta(deltas, 2), "delta_asc")
    pd.testing.assert_frame_equal(store.ranking[ranking.columns], ranking, check_dtype=False)


def test_baseline_is_never_a_candidate(store):
    store.delta.baseline = RUN1
    assert RUN1 not in store.delta.candidates


def test_delta_messages(store):
    store.delta.candidates = []
    assert store.delta_status == "no_candidates"
    store.delta.candidates = [RUN1]
    store.delta.baseline = "nobody"
    assert store.delta_status == "no_baseline"


def test_no_paired_categories():
    left = datagen.dump({"timestamp": "t1", "config": {"model": {"name": "a"}},
                         "dataset_results": {"datasets/x/": {"results": [{"file": "p.csv", "accuracy_mean": 0.5}]}}})
    right = datagen.dump({"timestamp": "t2", "config": {"model": {"name": "b"}},
                          "dataset_results": {"datasets/x/": {"results": [{"file": "q.csv", "accuracy_mean": 0.7}]}}})
    store = DerivedData(data=DataState(files=[("a.json", left), ("b.json", right)]))
    assert store.delta_status == "no_paired"


def test_add_and_remove_files(files):
    data = DataState(files=files[:1])
    store = DerivedData(data=data)
    data.add_files(files[1:2])
    assert store.sources == [BASE, RUN1]
    data.add_files(files[1:2])  # the same name again replaces, never duplicates
    assert len(data.files) == 2
    data.remove_file(files[0][0])
    assert store.sources == [RUN1]
    data.remove_file(files[1][0])
    assert store.datasets == [] and store.delta_status == "no_data" and store.page_info.total == 0


def test_bad_file_is_reported_and_others_load(files):
    data = DataState(files=[*files[:2], ("broken.json", b"{nope")])
    assert [report.n_scores for report in data.loaded.files] == [125, 125, 0]
    assert any(problem.file == "broken.json" for problem in data.problems)


# -- each change derives each group once --------------------------------------------------------------------

@pytest.fixture
def counted(monkeypatch, files):
    """A store whose core.frames calls are counted per group."""
    from eval_analyzer.dashboard import store

    calls = {"dataset": 0, "overview": 0, "delta": 0}

    def counting(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(store, "dataset_frames", counting("dataset", store.dataset_frames))
    monkeypatch.setattr(store, "overview_frames", counting("overview", store.overview_frames))
    monkeypatch.setattr(store, "delta_frames", counting("delta", store.delta_frames))
    derived = DerivedData(data=DataState(files=files))
    calls.update(dataset=0, overview=0, delta=0)
    return derived, calls


def test_a_dataset_switch_derives_each_group_once_with_its_settings_in_place(counted):
    derived, calls = counted
    seen = []
    derived.param.watch(lambda e: seen.append((list(derived.overview.models), derived.delta.baseline)), "page_wide")
    derived.overview.dataset = "tmmluplus"
    assert calls == {"dataset": 1, "overview": 1, "delta": 1}
    assert seen == [([BASE, RUN1, RUN2, ALT], BASE)]  # the views were called once, with consistent settings


def test_a_scale_switch_converts_the_thresholds_and_derives_once(counted):
    derived, calls = counted
    derived.filter.param.update(on=True, threshold=0.6)
    derived.delta.min_delta = 0.02
    derived.overview.page = 2
    calls.update(overview=0, delta=0)
    derived.overview.scale = 100
    assert calls == {"dataset": 0, "overview": 1, "delta": 1}
    assert derived.filter.threshold == pytest.approx(60) and derived.delta.min_delta == pytest.approx(2)
    assert derived.overview.page == 2  # the same categories: the page stays


def test_a_baseline_among_the_candidates_leaves_them_before_delta_is_derived(counted):
    derived, calls = counted
    statuses = []
    derived.param.watch(lambda e: statuses.append(list(derived.summary["candidate"])), "summary")
    derived.delta.baseline = RUN1
    assert derived.delta.candidates == [RUN2, ALT]
    assert calls["delta"] == 1 and statuses == [derived.delta.candidates]


def test_restoring_a_whole_url_derives_each_group_at_most_once_after_the_dataset(counted):
    from eval_analyzer.dashboard import urlsettings

    derived, calls = counted
    search = ("?lang=zh-TW&tab=delta&ds=mmlu&scale=100&sort=alpha&size=10&thr_on=1&op=ge&thr=5"
              f"&base={ALT}&cands={RUN1}&dsort=name&dmin=1&eps=0.5&topn=3&page=2")
    assert urlsettings.apply_query(derived, urlsettings.parse_search(search), ("overview", "delta")) == []
    assert calls == {"dataset": 0, "overview": 1, "delta": 1}
    assert derived.overview.page == derived.page_info.page == 2 and derived.filter.threshold == 5


def test_a_page_holds_fewer_categories_when_many_models_would_thin_the_bars():
    """12 models at 100 categories per page: Bokeh would draw 1,200 bars (+ gaps) in the plot's 720 px; the
    page holds as many categories as keep each bar ≥ 3 px, and the pivot, range and pages follow."""
    from eval_analyzer.dashboard.views.overview import OverviewView

    store = DerivedData(data=DataState(files=datagen.many_sources(12)))
    store.overview.page_size = 100
    shown = store.shown_page_size
    slots = shown * 12 + (shown - 1) * 1.4  # bars plus the gaps between categories
    assert 720 * 0.8 / slots >= 3 > 720 * 0.8 / (slots + 12 + 1.4)  # the most categories that keep 3 px
    assert len(store.page_wide) == len(store.pivot) == shown < 57
    assert (store.page_info.last, store.page_info.pages) == (shown, -(-57 // shown))
    view = OverviewView(store=store)
    assert "ea-page-fit" in view.range.object and f"{shown} per page (of 100 chosen)" in view.range.object
    store.overview.models = store.overview.models[:1]  # one model: 100 categories fit
    assert store.shown_page_size == 80 and "ea-page-fit" in view.range.object  # one bar: 80 keep 3 px
    store.overview.page_size = 50
    assert len(store.page_wide) == 50 and "ea-page-fit" not in view.range.object
