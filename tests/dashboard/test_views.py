"""Views without a browser: set a setting, assert the text a pane shows."""

from __future__ import annotations

import pytest

import datagen
from eval_analyzer.dashboard.state import DataState
from eval_analyzer.dashboard.store import DerivedData
from eval_analyzer.dashboard.views.controls import SettingsView
from eval_analyzer.dashboard.views.delta import DeltaView
from eval_analyzer.dashboard.views.files import FilesView
from eval_analyzer.dashboard.views.heatmaps import HeatmapView
from eval_analyzer.dashboard.views.overview import OverviewView

ALT = "alt-model @ 20250901_0000"


@pytest.fixture
def store():
    return DerivedData(data=DataState(files=datagen.standard_files()))


def test_range_text_and_overall_marks(store):
    view = OverviewView(store=store)
    assert "categories 1–20 of 57" in view.range.object
    assert "(reported)" in view.overall.object and "(computed)" in view.overall.object  # alt-model: computed
    store.overview.page = 3
    assert "categories 41–57 of 57" in view.range.object


def test_no_match_message_names_the_condition_and_the_way_out(store):
    view = OverviewView(store=store)
    store.overview.scale = 100
    store.filter.param.update(on=True, op="le", mode="model", model=ALT, threshold=1)
    text = view.message.object
    assert "ea-msg-no-match" in text and "“alt-model @ 20250901_0000”" in text and "≤ 1" in text
    assert "raise the threshold" in text
    store.ui.lang = "zh-TW"
    assert "提高門檻" in view.message.object


def test_delta_messages_and_summary_note(store):
    view = DeltaView(store=store)
    view.refresh()
    assert "regardless of the minimum |Δ|" in view.summary.object
    store.delta.candidates = []
    view.refresh()
    assert "ea-msg-no-candidates" in view.message.object and not view.body.visible


def test_capped_facet_note(store):
    view = DeltaView(store=store)
    view.refresh()
    assert "showing the 40 largest |Δ| of 57" in view.notes.object
    # One note per capped candidate, in the order the chart shows them (the summary's), not the ranking's.
    noted = [name for name in store.stat_summary["candidate"] if f"{name}: showing" in view.notes.object]
    assert sorted(noted, key=view.notes.object.index) == view._facets[0][1].candidates[:len(noted)] and noted
    store.delta.min_delta = 0.02
    view.refresh()
    assert "below 0.02 are hidden" in view.notes.object


def test_files_view_lists_problems_in_plain_words():
    data = DataState(files=[*datagen.standard_files()[:1], ("<b>bad</b>.json", b"{nope")])
    view = FilesView(store=DerivedData(data=data))
    html = "".join(row[0].object for row in view._layout if hasattr(row, "__getitem__"))
    assert "&lt;b&gt;bad&lt;/b&gt;.json" in html and "<b>bad</b>" not in html
    assert "not valid JSON" in html and "What to do:" in html


@pytest.mark.parametrize("view_class", [DeltaView, HeatmapView])
def test_tab_views_draw_when_opened_and_only_when_something_changed(store, monkeypatch, view_class):
    view = view_class(store=store)
    draws = []
    monkeypatch.setattr(view, "_refresh", lambda: draws.append(store.delta.baseline))
    other = next(key for key in ("overview", "files") if key != view.tab)
    store.ui.tab = other
    store.delta.eps = 0.5  # a change while hidden: nothing is drawn yet
    assert draws == []
    store.ui.tab = view.tab  # opening the tab draws the pending change
    assert len(draws) == 1
    store.ui.tab = other
    store.ui.tab = view.tab  # back again with nothing changed: no redraw of large figures
    assert len(draws) == 1
    store.delta.eps = 1.0  # a change while shown is drawn at once
    assert len(draws) == 2


def test_metric_selector_appears_for_datasets_with_several_metrics_and_drives_the_overview():
    store = DerivedData(data=DataState(files=[datagen.lmeval_file("m1", 0.7, 0.4), datagen.lmeval_file("m2", 0.6, 0.5),
                                              *datagen.standard_files()[:1]]))
    settings, overview = SettingsView(store=store), OverviewView(store=store)
    store.overview.dataset = "mmlu"
    assert not settings.metric.visible  # one metric: nothing to choose
    store.overview.dataset = "arc"
    assert settings.metric.visible and list(settings.metric.options.values()) == ["", "acc,none", "acc_norm,none"]
    assert "Primary metric of each file" in settings.metric.options
    settings.metric.value = "acc_norm,none"
    assert store.overview.metric == "acc_norm,none"
    assert "0.7700" in overview.pivot.object and "(computed)" in overview.overall.object
    store.ui.lang = "zh-TW"
    assert settings.metric.name == "指標" and "各檔案的主要指標" in settings.metric.options
    assert settings.metric.value == "acc_norm,none"  # relabelling keeps the choice


def test_a_scale_switch_rescales_the_threshold_slider_in_place(store):
    """The slider keeps its widget (a new one cost ~0.1 s of server time and a new browser widget per switch)
    and takes the converted value, range and step; switching back restores them."""
    from eval_analyzer.dashboard.views.controls import FilterView

    view = FilterView(store=store)
    slider = view.threshold
    store.filter.threshold = 0.85
    store.overview.scale = 100
    assert view.threshold is slider and view.threshold in view.card.objects
    assert (slider.fixed_end, slider.end, slider.step) == (100, 100, 1)
    assert slider.value == pytest.approx(85) and store.filter.threshold == pytest.approx(85)
    store.overview.scale = 1
    assert (slider.fixed_end, slider.step) == (1, 0.01) and slider.value == pytest.approx(0.85)
    assert store.filter.threshold == pytest.approx(0.85)


def test_a_typed_threshold_filters_at_once(store):
    """A value typed in the box (committed with Enter) reaches the filter with that one message; before, the
    filter waited for the browser's second message (`value_throttled`), a second round trip per typed value."""
    from eval_analyzer.dashboard.views.controls import FilterView

    view = FilterView(store=store)
    store.filter.on = True
    view.threshold._value_edit.value = 0.7  # what the browser's first message sets
    assert store.filter.threshold == pytest.approx(0.7)
    expected = int((store.wide_all >= 0.7 - 1e-9).any(axis=1).sum())
    assert store.page_info.total == expected
    view.threshold._value_edit.value = 1.5  # out of range: clamped, and said so
    assert store.filter.threshold == 1 and view.threshold.clamped == 1.5
