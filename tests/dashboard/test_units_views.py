"""The dashboard with an own-units metric (word perplexity) next to a 0–1 one (acc), without a browser.

Expected numbers are the ones written into the generated files (datagen.PERPLEXITY_SCORES).
"""

from __future__ import annotations

import csv
import io

import pytest

import datagen
from eval_analyzer.dashboard.state import DataState
from eval_analyzer.dashboard.store import DerivedData
from eval_analyzer.dashboard.views.controls import FilterView
from eval_analyzer.dashboard.views.delta import DeltaView
from eval_analyzer.dashboard.views.overview import OverviewView

PPL = "word_perplexity,none"
SCORES = datagen.PERPLEXITY_SCORES


@pytest.fixture
def store():
    store = DerivedData(data=DataState(files=[datagen.lmeval_perplexity_file("m1"),
                                              datagen.lmeval_perplexity_file("m2")]))
    store.overview.scale = 100
    return store


def csv_rows(download) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(download().getvalue().decode("utf-8-sig"))))


def test_overview_shows_perplexity_raw_at_scale_100_and_names_its_units(store):
    view = OverviewView(store=store)
    store.overview.metric = PPL
    pivot = store.export("all").set_index("category")
    for model in ("m1", "m2"):
        for task, (_acc, perplexity) in SCORES[model].items():
            assert pivot.loc[task, model] == pytest.approx(perplexity)
    assert "31.25" in view.pivot.object and "3125" not in view.pivot.object
    assert "Units" in view.pivot.object  # own units: the pivot names them per category
    assert "word_perplexity,none: shown in the metric&#x27;s own units" in view.units_note.object
    rows = csv_rows(view._csv_all)
    assert {row["units"] for row in rows} == {f"{PPL} (own units)"}
    assert float(next(r for r in rows if r["category"] == "wiki_c")["m1"]) == pytest.approx(31.25)
    # The primary metric, acc: scaled, no note, and the CSV says 0–100.
    store.overview.metric = ""
    assert view.units_note.object == "" and "Units" not in view.pivot.object
    rows = csv_rows(view._csv_all)
    assert {row["units"] for row in rows} == {"0–100"}
    assert float(next(r for r in rows if r["category"] == "wiki_a")["m2"]) == pytest.approx(65.0)
    store.ui.lang = "zh-TW"
    store.overview.metric = PPL
    assert "以指標本身的單位顯示" in view.units_note.object


def test_delta_view_labels_own_units_and_exports_them(store):
    view = DeltaView(store=store)
    store.ui.tab = "delta"
    assert "Δ in percentage points (pp)" in view.summary.object
    store.overview.metric = PPL
    assert view.delta_label() == "Δ (word_perplexity,none, own units)"
    assert "Δ (word_perplexity,none, own units)" in view.summary.object and "(pp)" not in view.summary.object
    assert view._facets[0][1].figure.xaxis[0].axis_label == "Δ (word_perplexity,none, own units)"
    rows = csv_rows(view._csv_ranking)
    deltas = {task: SCORES["m1"][task][1] - SCORES["m2"][task][1] for task in SCORES["m1"]}
    assert {row["category"]: float(row["delta"]) for row in rows} == pytest.approx(deltas)
    assert {row["units"] for row in rows} == {f"{PPL} (own units)"}
    store.overview.scale = 1
    assert view.delta_label() == "Δ (word_perplexity,none, own units)"
    store.overview.metric = ""
    assert view.delta_label() == "Δ"


def test_threshold_filters_own_units_values_and_the_scale_switch_leaves_it(store):
    store.overview.metric = PPL
    store.filter.param.update(on=True, op="ge", mode="any", threshold=13)
    expected = {task for task in SCORES["m1"] if any(SCORES[m][task][1] >= 13 for m in SCORES)}
    assert set(store.sorted_wide.index) == expected
    store.delta.param.update(min_delta=0.5, eps=0.1)
    store.overview.scale = 1  # perplexity looks the same at either scale: nothing to convert
    assert store.filter.threshold == pytest.approx(13)
    assert (store.delta.min_delta, store.delta.eps) == pytest.approx((0.5, 0.1))
    assert set(store.sorted_wide.index) == expected
    # Back on acc, a 0–1 metric, the switch converts again.
    store.overview.metric = ""
    store.filter.threshold = 0.56
    store.overview.scale = 100
    assert store.filter.threshold == pytest.approx(56)


def test_threshold_slider_reaches_own_units_values(store):
    view = FilterView(store=store)
    assert view.threshold.end == 100
    store.overview.metric = PPL
    assert view.threshold.end == 32 and view.threshold.step == 0.01  # largest perplexity 31.25
    store.overview.metric = ""
    assert view.threshold.end == 100


def test_mixed_primary_metrics_are_named_on_the_overview():
    store = DerivedData(data=DataState(files=[
        datagen.lmeval_perplexity_file("m1"),
        datagen.lmeval_perplexity_file("m3", SCORES["m2"], metrics=("word_perplexity",))]))
    store.overview.scale = 100
    view = OverviewView(store=store)
    assert "Mixed units" in view.units_note.object and PPL in view.units_note.object
    pivot = store.export("all").set_index("category")
    assert pivot.loc["wiki_b", "m1"] == pytest.approx(40.0) and pivot.loc["wiki_b", "m3"] == pytest.approx(13.1)
    assert store.delta_status == "no_paired"  # acc minus perplexity is never computed
