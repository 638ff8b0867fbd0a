"""Defects users met in state and small texts (issue 13): each test fails on the old behaviour."""

from __future__ import annotations

import csv
import html
import io
import math
import re

from bokeh.models import HoverTool

import datagen
from eval_analyzer.dashboard import urlsettings
from eval_analyzer.dashboard.overview_chart import OverviewBars
from eval_analyzer.dashboard.state import DataState
from eval_analyzer.dashboard.store import DerivedData
from eval_analyzer.dashboard.views.controls import DeltaSettingsView, FilterView, SettingsView
from eval_analyzer.dashboard.views.delta import DeltaView
from eval_analyzer.dashboard.views.overview import OverviewView


def shown(layout, target) -> bool:
    """Whether `target` is drawn: it and every layout holding it are visible."""
    if layout is target:
        return layout.visible
    children = getattr(layout, "objects", None) or []
    return layout.visible and any(shown(child, target) for child in children)


def _csv_rows(download) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(download.callback().getvalue().decode("utf-8-sig"))))


def test_summary_csv_writes_the_mean_delta_people_compute_not_its_binary_residue():
    files = [datagen.lmeval_file("base", 0.50, 0.30), datagen.lmeval_file("cand", 0.60, 0.50)]
    store = DerivedData(data=DataState(files=files))
    view = DeltaView(store=store)
    view.refresh()
    assert repr(float(store.summary["mean_delta"].iloc[0])) != "0.15"  # the residue the old CSV wrote
    (row,) = _csv_rows(view.csv_summary)
    # By hand: the categories gain 0.1 and 0.2, so the mean and median Δ are 0.15.
    assert row["mean_delta"] == "0.15" and row["median_delta"] == "0.15"
    assert sorted(r["delta"] for r in _csv_rows(view.csv_ranking)) == ["0.1", "0.2"]
    store.overview.scale = 100
    (row,) = _csv_rows(view.csv_summary)
    assert row["mean_delta"] == "15.0" and row["units"] == "pp"


def test_one_source_says_load_another_instead_of_asking_for_a_candidate():
    store = DerivedData(data=DataState(files=[datagen.lmeval_file("only", 0.5, 0.3)]))
    store.ui.tab = "delta"
    view = DeltaView(store=store)
    view.refresh()
    text = view.message.object
    assert "ea-msg-one-source" in text and "No candidate chosen" not in text
    assert "Only one source (“only”)" in text and "Load another result file" in text
    store.ui.lang = "zh-TW"
    assert "只有一個來源" in view.message.object
    # With two sources and none ticked, the old message is still the right one.
    two = DerivedData(data=DataState(files=[datagen.lmeval_file("a", 0.5, 0.3), datagen.lmeval_file("b", 0.6, 0.3)]))
    view = DeltaView(store=two)
    two.delta.candidates = []
    view.refresh()
    assert "ea-msg-no-candidates" in view.message.object and "No candidate chosen" in view.message.object


def test_no_match_shows_one_message_not_an_empty_page_with_csv_buttons():
    store = DerivedData(data=DataState(files=datagen.standard_files()))
    view = OverviewView(store=store)
    parts = (view.range, view.csv_page, view.csv_all, view.pivot)
    assert all(shown(view._layout, part) for part in parts)
    store.filter.param.update(on=True, op="ge", threshold=1.0)  # no category has every score at 1
    wide = store.wide_all[store.overview.models]
    assert not (wide >= 1.0).any(axis=1).any()  # the data has none, by an independent look
    assert "ea-msg-no-match" in view.message.object
    assert not any(shown(view._layout, part) for part in (*parts, view.chart))
    store.filter.on = False
    assert all(shown(view._layout, part) for part in parts) and "categories 1–20 of 57" in view.range.object


def render_tooltip(tool, data: dict, index: int) -> str:
    """The text Bokeh shows for bar `index`: its tooltip with `@field{format}` filled in as BokehJS does
    (NaN shown as "NaN"), tags stripped. Handles both the (label, spec) table and an HTML template."""
    def fill(spec: str) -> str:
        def one(match):
            value = data[match.group(1) or match.group(2)][index]
            if isinstance(value, float) and math.isnan(value):
                return "NaN"
            if match.group(3) and isinstance(value, float):
                return f"{value:.{len(match.group(3)) - 2}f}"  # "{0.0000}" → 4 decimals
            return str(value)
        return re.sub(r"@(?:\{(\w+)\}|(\w+))(\{[^}]*\})?", one, spec)

    if isinstance(tool.tooltips, str):
        text = re.sub(r"<div[^>]*>", "\n", fill(tool.tooltips))
        return html.unescape(re.sub(r"<[^>]+>", "", text))
    return "\n".join(f"{label}: {fill(spec)}" for label, spec in tool.tooltips)


def test_tooltip_has_no_std_line_for_a_score_without_runs_and_one_with_decimals_otherwise():
    store = DerivedData(data=DataState(files=datagen.standard_files()))
    bars = OverviewBars(list(store.page_wide.columns), 1, "en", slots=20)
    bars.show(store.page_shown, store.files_all, store.page_spread)
    (tool,) = [tool for tool in bars.figure.tools if isinstance(tool, HoverTool)]
    data = bars.source.data
    std = store.page_spread  # independent of the chart: the run std of each (category, model)
    single = next(i for i, (c, m) in enumerate(zip(data["category"], data["source_label"], strict=True))
                  if math.isnan(std.loc[c, m]))
    runs = next(i for i, (c, m) in enumerate(zip(data["category"], data["source_label"], strict=True))
                if not math.isnan(std.loc[c, m]))
    text = render_tooltip(tool, data, single)
    assert "NaN" not in text and "std" not in text and data["source_label"][single] in text
    text = render_tooltip(tool, data, runs)
    category, model = data["category"][runs], data["source_label"][runs]
    assert f"± std: {std.loc[category, model]:.4f}" in text
    bars = OverviewBars(list(store.page_wide.columns), 100, "zh-TW", slots=20)
    bars.show(store.page_shown * 100, store.files_all, store.page_spread * 100)
    assert f"± 標準差: {std.loc[category, model] * 100:.2f}" in render_tooltip(bars.figure.tools[-1], bars.source.data,
                                                                              runs)


def test_a_category_with_a_slash_is_whole_in_the_table_chart_delta_and_csv():
    document = datagen.fixture_document()
    items = document["dataset_results"]["datasets/mmlu/"]["results"]
    items[0]["file"] = "datasets/mmlu/stem/physics/mechanics.csv"
    other = datagen.renamed(document, "other", "20250101_0000")
    store = DerivedData(data=DataState(files=[("a.json", datagen.dump(document)), ("b.json", datagen.dump(other))]))
    store.overview.param.update(sort="alpha", page_size=100)
    name = "stem/physics/mechanics"
    assert name in list(store.sorted_wide.index) and "mechanics" not in list(store.sorted_wide.index)
    assert name in set(store.ranking["category"])
    view = OverviewView(store=store)
    assert name in {row["category"] for row in _csv_rows(view.csv_all)}
    assert f"<td>{name}</td>" in view.pivot.object


def type_into(box, value) -> None:
    """What the browser sends when the user types into a number box and presses Enter."""
    try:
        box._process_events({"value": value, "value_throttled": value})  # as Panel applies a browser message
    except ValueError:
        pass  # Panel's own slider raises here (in a callback the user never sees)


def test_a_typed_threshold_outside_the_range_is_clamped_and_the_box_shows_it():
    store = DerivedData(data=DataState(files=datagen.standard_files()))
    view = FilterView(store=store)
    store.overview.scale = 100
    store.filter.param.update(on=True, threshold=50)
    box = view.threshold._value_edit
    # The browser's number box drops a value outside its own bounds without a word: it must have none.
    assert box.start is None and box.end is None
    type_into(box, 150)
    assert store.filter.threshold == 100 and box.value == 100 and view.threshold.value == 100
    assert "150 is outside the range 0–100: the threshold is 100." in view.note.object
    type_into(box, 150)  # again, with the threshold already at the end: the box still shows 100
    assert box.value == 100 and store.filter.threshold == 100
    type_into(box, -5)
    assert store.filter.threshold == 0 and box.value == 0 and "threshold is 0" in view.note.object
    type_into(box, 42)
    assert store.filter.threshold == 42 and box.value == 42 and view.note.object == ""
    store.overview.scale = 1  # a new slider for the new range: its box has no bounds either
    assert view.threshold._value_edit.end is None and view.threshold.fixed_end == 1
    assert store.page_info.total == int((store.wide_all[store.overview.models] * 100 >= 42).any(axis=1).sum())


def test_delta_number_boxes_show_the_value_in_use_after_a_value_out_of_range():
    store = DerivedData(data=DataState(files=datagen.standard_files()))
    view = DeltaSettingsView(store=store)
    for box, typed, used in ((view.min_delta, -1.0, 0.0), (view.eps, -0.5, 0.0), (view.top_n, 5000, 1000)):
        name = {id(view.min_delta): "min_delta", id(view.eps): "eps", id(view.top_n): "top_n"}[id(box)]
        if name == "top_n":
            store.delta.top_n = 1000  # already at the end: the setting does not change
        type_into(box, typed)
        assert getattr(store.delta, name) == used and box.value == used, name


MMLU_ONLY = "mmlu-only @ 20250303_0000"
RUN2 = "gpt-oss-120b @ 20250806_1543 run2"


def files_with_a_model_of_one_dataset() -> list[tuple[str, bytes]]:
    document = datagen.renamed(datagen.fixture_document(), "mmlu-only", "20250303_0000")
    document["dataset_results"] = {"datasets/mmlu/": document["dataset_results"]["datasets/mmlu/"]}
    return [*datagen.standard_files(), ("results_mmlu_only.json", datagen.dump(document))]


def test_the_model_choice_survives_a_dataset_without_some_models_and_the_url_keeps_it():
    files = files_with_a_model_of_one_dataset()
    store = DerivedData(data=DataState(files=files))
    settings = SettingsView(store=store)
    assert store.overview.dataset == "mmlu" and MMLU_ONLY in store.sources
    settings.models.value = [name for name in store.sources if name != RUN2]  # the user unticks run2
    chosen = list(store.overview.models)
    assert RUN2 not in chosen and MMLU_ONLY in chosen
    store.overview.dataset = "tmmluplus"  # mmlu-only has no scores there
    assert MMLU_ONLY not in store.sources
    assert MMLU_ONLY not in settings.models.options and RUN2 not in settings.models.value
    assert list(store.page_wide.columns) == [name for name in store.sources if name != RUN2]  # drawn: the rest
    search = urlsettings.build_search(store)
    assert ("models", MMLU_ONLY) in urlsettings.query_pairs(store) and RUN2 not in search.replace("+", " ")
    store.overview.dataset = "mmlu"  # back: the same models as before, mmlu-only included
    assert store.overview.models == chosen and settings.models.value == chosen
    assert list(store.page_wide.columns) == chosen
    # A link made on tmmluplus restores the whole choice, for the way back too.
    other = DerivedData(data=DataState(files=files))
    assert urlsettings.apply_query(other, urlsettings.parse_search(search), ("overview",)) == []
    assert other.overview.dataset == "tmmluplus" and other.overview.models == chosen
    other.overview.dataset = "mmlu"
    assert list(other.page_wide.columns) == chosen


def test_unticking_on_one_dataset_leaves_the_choice_of_models_it_lacks():
    store = DerivedData(data=DataState(files=files_with_a_model_of_one_dataset()))
    settings = SettingsView(store=store)
    settings.models.value = [name for name in store.sources if name != MMLU_ONLY]  # on mmlu: hide mmlu-only
    store.overview.dataset = "tmmluplus"  # every model shown there
    store.overview.dataset = "mmlu"
    assert MMLU_ONLY not in store.overview.models and MMLU_ONLY not in settings.models.value
    store.overview.dataset = "tmmluplus"
    settings.models.value = [name for name in store.sources if name != RUN2]  # there: hide run2
    store.overview.dataset = "mmlu"
    assert MMLU_ONLY not in store.overview.models and RUN2 not in store.overview.models
    assert RUN2 not in list(store.page_wide.columns) and MMLU_ONLY not in list(store.page_wide.columns)
    settings.models.value = []  # nothing ticked: the message, even though other datasets' choices remain
    view = OverviewView(store=store)
    assert "ea-msg-no-models" in view.message.object


def test_a_model_added_later_is_shown_and_a_new_dataset_shows_its_models():
    store = DerivedData(data=DataState(files=datagen.standard_files()))
    SettingsView(store=store)
    store.overview.models = [name for name in store.sources if name != RUN2]
    store.data.add_files(files_with_a_model_of_one_dataset()[-1:])  # a new model: ticked
    assert MMLU_ONLY in store.overview.models and RUN2 not in store.overview.models
    assert MMLU_ONLY in list(store.page_wide.columns)


def test_a_language_switch_renames_the_tabs_in_place_and_leaves_the_charts_where_they_are():
    """The Overview's hover broke after a language switch when the whole Tabs were rebuilt around the views
    (the browser test hovers; this one checks the server sends no new parents for the charts)."""
    from bokeh.document import Document
    from bokeh.models import Plot, Tabs
    from panel.io.state import set_curdoc

    from eval_analyzer.dashboard.app import create_app

    doc = Document()
    with set_curdoc(doc):
        app = create_app(datagen.standard_files())
        app.server_doc(doc)
        (tabs,) = [model for model in doc.models if isinstance(model, Tabs)]
        overview = tabs.tabs[0].child
        app.store.ui.lang = "zh-TW"
        (after,) = [model for model in doc.models if isinstance(model, Tabs)]
        assert after is tabs and tabs.tabs[0].child is overview
        assert [panel.title for panel in tabs.tabs] == ["總覽", "Δ 分析", "逐題比較", "熱力圖", "檔案與問題"]
        (plot,) = [model for model in doc.models if isinstance(model, Plot)]
        assert plot.xaxis[0].axis_label == "類別"  # the chart follows the language
        app.store.ui.tab = "delta"  # a tab drawn later keeps the new title
        assert [panel.title for panel in tabs.tabs][:2] == ["總覽", "Δ 分析"]
        app.store.ui.lang = "en"
        assert [panel.title for panel in tabs.tabs] == ["Overview", "Δ analysis", "Questions", "Heatmaps", "Files & problems"]
