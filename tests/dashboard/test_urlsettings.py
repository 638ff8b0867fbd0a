"""Query string ↔ settings: per-key validation, round trip, list forms."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

import datagen
from eval_analyzer.dashboard import urlsettings
from eval_analyzer.dashboard.state import DataState
from eval_analyzer.dashboard.store import DerivedData

TABS = ("overview", "delta", "heatmap", "files")
RUN1 = "gpt-oss-120b @ 20250806_1543 run1"
ALT = "alt-model @ 20250901_0000"


@pytest.fixture(scope="module")
def files():
    return datagen.standard_files()


def fresh(files) -> DerivedData:
    return DerivedData(data=DataState(files=files))


def test_round_trip(files):
    source = fresh(files)
    source.ui.param.update(lang="zh-TW", tab="delta")
    source.overview.param.update(dataset="tmmluplus", scale=100, sort="alpha", page_size=10)
    source.overview.models = [RUN1, ALT]
    source.filter.param.update(on=True, op="le", mode="model", model=ALT, threshold=65)
    source.delta.param.update(baseline=ALT, candidates=[RUN1], sort="name", min_delta=1.5, eps=0.25, top_n=4)
    source.overview.page = 2
    search = urlsettings.build_search(source)
    target = fresh(files)
    assert urlsettings.apply_query(target, urlsettings.parse_search(search), TABS) == []
    assert urlsettings.query_pairs(target) == urlsettings.query_pairs(source)
    assert target.page_info.page == 2


def test_every_key_is_written(files):
    keys = {key for key, _value in urlsettings.query_pairs(fresh(files))}
    # absent: all models, each file's primary metric, the Questions tab's defaults
    assert keys == set(urlsettings.KEYS) - {"models", "metric", "q_cand", "q_cat", "q_bucket", "q_search", "q_sort",
                                            "q_page"}


@pytest.mark.parametrize(("key", "value"), [("ds", "nope"), ("scale", "7"), ("sort", "x"), ("size", "11"),
                                            ("page", "0"), ("page", "1.5"), ("thr_on", "maybe"), ("thr", "-1"),
                                            ("thr", "nan"), ("op", "gt"), ("mode", "all"), ("tmodel", "nobody"),
                                            ("base", "nobody"), ("dsort", "up"), ("dmin", "-2"), ("eps", "inf"),
                                            ("topn", "0"), ("tab", "secret"), ("lang", "fr"), ("models", "zzz"),
                                            ("metric", "nope")])
def test_invalid_value_is_ignored_alone(files, key, value):
    store = fresh(files)
    other, good = ("topn", "7") if key != "topn" else ("size", "50")
    before = dict(urlsettings.query_pairs(store))
    query = urlsettings.parse_search("?" + urlencode([(key, value), (other, good)]))
    assert urlsettings.apply_query(store, query, TABS) == [key]
    after = dict(urlsettings.query_pairs(store))
    assert after.pop(other) == good
    before.pop(other)
    assert after == before


def test_threshold_is_checked_against_the_new_scale(files):
    store = fresh(files)
    assert urlsettings.apply_query(store, urlsettings.parse_search("?scale=100&thr=70"), TABS) == []
    assert store.filter.threshold == 70
    store = fresh(files)
    assert urlsettings.apply_query(store, urlsettings.parse_search("?thr=70"), TABS) == ["thr"]


def test_lists_repeated_or_comma_separated_and_model_names(files):
    store = fresh(files)
    urlsettings.apply_query(store, urlsettings.parse_search("?" + urlencode([("cands", f"{RUN1},alt-model")])), TABS)
    assert store.delta.candidates == [RUN1, ALT]
    urlsettings.apply_query(store, urlsettings.parse_search("?" + urlencode([("models", ALT), ("models", "zzz")])),
                         TABS)
    assert store.overview.models == [ALT]
    urlsettings.apply_query(store, urlsettings.parse_search("?cands="), TABS)
    assert store.delta.candidates == [] and store.delta_status == "no_candidates"


def test_language_aliases(files):
    store = fresh(files)
    urlsettings.apply_query(store, urlsettings.parse_search("?lang=zh-tw"), TABS)
    assert store.ui.lang == "zh-TW"


def test_another_metric_is_shown_everywhere_restored_from_the_url_and_reset_by_a_dataset_without_it(files):
    store = fresh([datagen.lmeval_file("m1", 0.7, 0.4), datagen.lmeval_file("m2", 0.6, 0.5), *files[:1]])
    store.overview.dataset = "arc"
    assert store.metrics == ["acc,none", "acc_norm,none"]
    assert store.wide_all.loc["arc_easy", "m1"] == pytest.approx(0.7)  # the primary metric by default
    store.overview.metric = "acc_norm,none"
    assert store.wide_all.loc["arc_easy", "m1"] == pytest.approx(0.77)
    assert store.overall.set_index("source_label").loc["m1", "score"] == pytest.approx((0.77 + 0.42) / 2)
    assert not store.overall["reported"].any()  # computed, and marked so
    assert store.summary.set_index("candidate").loc["m2", "mean_delta"] == pytest.approx(
        ((0.66 - 0.77) + (0.525 - 0.42)) / 2)  # Δ follows the metric
    search = urlsettings.build_search(store)
    assert "metric=acc_norm%2Cnone" in search
    restored = fresh([datagen.lmeval_file("m1", 0.7, 0.4), datagen.lmeval_file("m2", 0.6, 0.5), *files[:1]])
    assert urlsettings.apply_query(restored, urlsettings.parse_search(search), TABS) == []
    assert restored.overview.metric == "acc_norm,none" and restored.wide_all.equals(store.wide_all)
    store.overview.dataset = "mmlu"  # a Twinkle dataset: one metric, the file's own
    assert store.overview.metric == "" and len(store.metrics) == 1 and len(store.wide_all)
    assert "metric=" not in urlsettings.build_search(store)


def test_the_keys_are_the_settings_classes_own_in_the_order_they_were_always_written():
    assert urlsettings.KEYS == ("lang", "tab", "ds", "metric", "scale", "models", "sort", "size", "thr_on", "op",
                                "mode", "tmodel", "thr", "base", "cands", "dsort", "dmin", "eps", "topn", "alpha", "ci",
                                "corr", "dshared", "q_cand", "q_cat", "q_bucket", "q_search", "q_sort", "page",
                                "q_page")
    assert "metric" in urlsettings.WATCHED["overview"]  # once missing from a hand-written list


def test_a_metric_change_reaches_the_address_bar(files):
    import panel as pn

    store = fresh([datagen.lmeval_file("m1", 0.7, 0.4), datagen.lmeval_file("m2", 0.6, 0.5), *files[:1]])
    store.overview.dataset = "arc"
    sync = urlsettings.UrlSync(store=store)
    assert "metric=" not in sync.text.object
    with pn.io.hold():
        store.overview.metric = "acc_norm,none"
    assert "metric=acc_norm%2Cnone" in sync.text.object
