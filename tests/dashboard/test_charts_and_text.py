"""Chart elements (dimensions, capping, colour limits), escaping, translations, the app factory."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import panel as pn
import pytest
from bokeh.models import ColorBar

import datagen
from eval_analyzer.core.delta import delta_matrix
from eval_analyzer.core.overview import heatmap_matrix
from eval_analyzer.dashboard import heatmap_chart as charts
from eval_analyzer.dashboard import htmltext
from eval_analyzer.dashboard import overview_chart as oc
from eval_analyzer.dashboard.app import create_app
from eval_analyzer.dashboard.delta_chart import (
    DELTA_FACET_EXTRA_PX,
    DELTA_ROW_PX,
    GAIN_COLOR,
    LOSS_COLOR,
    MAX_DELTA_ROWS,
    SEP,
    DeltaFacet,
    cap_rows,
    facet_data,
)
from eval_analyzer.dashboard.i18n import TEXTS, t
from eval_analyzer.dashboard.overview_chart import OverviewBars, bars_data, fitted_page_size, model_style
from eval_analyzer.dashboard.state import DataState
from eval_analyzer.dashboard.station_view import TEXTS as STATION_TEXTS
from eval_analyzer.dashboard.store import DerivedData

DASHBOARD = Path(__file__).parents[2] / "src" / "eval_analyzer" / "dashboard"


@pytest.fixture(scope="module")
def store():
    return DerivedData(data=DataState(files=datagen.standard_files()))


def test_overview_bars_keep_display_order_scale_and_every_slot(store):
    page = store.page_wide
    data, factors = bars_data(page * 100, store.files_all, store.std_all * 100)
    assert list(dict.fromkeys(data["category"])) == [str(c) for c in page.index]  # display order kept
    assert factors == [(str(c), str(s)) for c in page.index for s in page.columns]  # empty slots keep width
    assert data["x"] == list(zip(data["category"], data["source_label"], strict=True))
    first, model = data["category"][0], data["source_label"][0]
    assert data["score"][0] == pytest.approx(page.loc[first, model] * 100)
    assert len(data["score"]) == int(page.notna().to_numpy().sum())  # a missing score draws no bar
    assert "logical_fallacies_test.csv" in data["file"] or all(isinstance(f, str) for f in data["file"])
    # Error bars: score ± run std where the source has runs, none (NaN ends) where it has one run.
    spread = store.std_all.reindex(index=page.index, columns=page.columns).loc[first, model]
    assert data["high"][0] - data["low"][0] == pytest.approx(2 * spread * 100, nan_ok=True)
    with_runs = ~np.isnan(data["std"])
    assert with_runs.any() and (~with_runs).any()  # the standard files hold both kinds
    assert np.isnan(data["low"][~with_runs]).all() and (data["low"][with_runs] <= data["score"][with_runs]).all()


def test_dots_sit_in_their_categorys_band_by_number():
    """At many models a dot's x is a number on Bokeh's one-level factor range (a factor's centre is its index
    + 0.5), spread within ±0.35 in legend order; bars keep their (category, model) factors."""
    models = [f"m{i:02d}" for i in range(oc.BARS_MAX_MODELS + 3)]
    page = pd.DataFrame(np.linspace(0.1, 0.9, 4 * len(models)).reshape(4, -1), index=list("abcd"), columns=models)
    page.iloc[1, 2] = np.nan
    data, _factors = bars_data(page, pd.DataFrame(), pd.DataFrame())
    assert "x" not in data and data["xd"].dtype == np.float64
    for x, category, model in zip(data["xd"], data["category"], data["source_label"], strict=True):
        centre = list(page.index).index(category) + 0.5
        assert x == pytest.approx(centre - 0.35 + 0.7 * models.index(model) / (len(models) - 1))
    assert len(data["xd"]) == 4 * len(models) - 1
    few, _ = bars_data(page[models[:3]], pd.DataFrame(), pd.DataFrame())
    assert "xd" not in few and few["x"][0] == ("a", "m00")


def test_pages_hold_fewer_categories_when_bars_would_get_thinner_than_3_px():
    def bar_px(categories: int, models: int) -> float:  # Bokeh's grouped factors: models + group gap per category
        slots = categories * models + (categories - 1) * oc.GROUP_PADDING
        return oc.PLOT_PX / slots * oc.BAR_FILL

    for models in range(1, oc.BARS_MAX_MODELS + 1):
        for chosen in (10, 20, 30, 50, 100):
            shown = fitted_page_size(chosen, models)
            assert shown <= chosen and bar_px(shown, models) >= oc.BAR_MIN_PX, (models, chosen)
            assert shown == chosen or bar_px(shown + 1, models) < oc.BAR_MIN_PX  # no smaller than needed
    assert fitted_page_size(20, 20) == 20 and fitted_page_size(20, 100) == 20  # dots: no bar to thin
    assert fitted_page_size(100, 100) * oc.DOT_CATEGORY_PX <= oc.PLOT_PX < (fitted_page_size(100, 100) + 1) * 14
    # The old chart at 20 models × 100 categories drew bars of 2400 px / 2000 slots: sub-pixel.
    assert fitted_page_size(100, 12) < 100
    # Long names widen the legend (so no name is cut) and the plot beside it is narrower: fewer categories.
    long_names = [f"gpt-oss-120b @ 20250806_1543 run{i}" for i in range(4)]
    assert oc.legend_width(long_names) > oc.LEGEND_PX == oc.legend_width(["model-00 @ 20250000"])
    assert oc.legend_width(["台灣模型" * 5]) > oc.legend_width(["abcd" * 5])  # CJK is wider
    assert oc.legend_width(["x" * 400]) == oc.LEGEND_MAX_PX
    assert fitted_page_size(100, 4, oc.plot_width(long_names)) < fitted_page_size(100, 4)


def test_models_shown_get_distinct_colours_and_at_many_models_distinct_colour_marker_pairs():
    for count in (1, 12, oc.BARS_MAX_MODELS, 21, 100, 144):
        colours, markers, chars = model_style(count)
        pairs = list(zip(colours, markers, strict=True))
        assert len(set(pairs)) == count, count  # the old palette repeated after 20 models
        assert len(set(chars)) == len(set(markers))  # the legend shows each marker as its own character
        if count <= oc.BARS_MAX_MODELS:
            assert len(set(colours)) == count  # bars have colour only
    # Colours far apart: no two of the palette closer than 40 in RGB distance, and none so light it vanishes
    # on white.
    rgb = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in oc.PALETTE]
    closest = min(sum((a - b) ** 2 for a, b in zip(p, q, strict=True)) ** 0.5
                  for i, p in enumerate(rgb) for q in rgb[i + 1:])
    assert closest > 40
    assert all(0.2126 * r + 0.7152 * g + 0.0722 * b < 0.8 * 255 for r, g, b in rgb)


def test_many_models_draw_a_dot_plot_with_a_legend_beside_it(store):
    from bokeh.models import DataTable, Scatter, TextInput, VBar

    few = OverviewBars(list(store.page_wide.columns), 1, "en", slots=20)
    assert isinstance(few.figure.renderers[0].glyph, VBar) and not few.dots
    sources = [f"m{i}" for i in range(oc.BARS_MAX_MODELS + 1)]
    many = OverviewBars(sources, 1, "zh-TW", slots=20)
    assert many.dots and isinstance(many.figure.renderers[0].glyph, Scatter)
    # The legend is a model beside the plot in one row, never a Legend inside the plot.
    assert many.layout.children[0] is many.figure and not many.figure.legend
    legend = many.layout.children[1]
    assert any(isinstance(child, TextInput) and child.placeholder == t("legend_search", "zh-TW")
               for child in legend.children)
    table = next(child for child in legend.children if isinstance(child, DataTable))
    assert list(table.source.data["name"]) == sources  # every model listed (the old legend stopped at 87)
    assert table.source.data["color"] == model_style(len(sources))[0]
    # Highlighting fades what is not selected, and is wired in the browser, on the legend and on a new page.
    assert many.figure.renderers[0].nonselection_glyph.fill_alpha == oc.FADED_ALPHA
    assert table.source.selected.js_property_callbacks and many.source.js_property_callbacks


def test_the_chart_keeps_room_below_for_the_datasets_longest_category_name(store):
    """The view gives the chart every category of the dataset, so a page of short names keeps the border a
    long name on another page needs (the browser test checks that the frame then keeps its size)."""
    names = list(store.wide_all.index)
    longest = max(names, key=len)
    assert oc.label_border(names) == oc.label_border([longest]) > oc.label_border([names[0][:5]])
    assert oc.label_border(["類別" * 10]) > oc.label_border(["ab" * 10])  # CJK names take more room
    bars = OverviewBars(list(store.page_wide.columns), 1, "en", slots=20)
    bars.fit_labels(names)
    assert bars.figure.min_border_bottom == oc.label_border(names)


def test_a_model_change_restyles_the_legend_without_a_walk_of_the_whole_document():
    """The legend's scripts read every model from a data source: new script arguments would hold models, and
    Bokeh walks every model of the document again after such a change (~30 ms at 20 models, more at 100)."""
    from bokeh.document import Document

    sources = [f"m{i}" for i in range(30)]
    bars = OverviewBars(sources, 1, "en", slots=20)
    doc = Document()
    doc.add_root(bars.layout)
    walks = []
    doc.models.recompute = lambda: walks.append(True)
    bars.restyle(sources[:-3], 1)
    assert walks == []
    assert list(bars.models_source.data["name"]) == sources[:-3]
    assert bars.models_source.data["color"] == model_style(len(sources) - 3)[0]
    scripts = [*bars._search.js_property_callbacks["change:value_input"],
               *bars.legend_source.selected.js_property_callbacks["change:indices"]]
    assert len(scripts) == 2
    for script in scripts:
        assert script.args["models"] is bars.models_source and "models.data" in script.code


def test_delta_facet_keeps_the_largest_deltas_first_row_on_top_and_colours_by_sign(store):
    candidate = store.delta.candidates[0]
    ranking = store.ranking[store.ranking["candidate"] == candidate]
    assert len(ranking) > MAX_DELTA_ROWS  # 57 rows: capped
    rows = cap_rows(ranking)
    assert len(rows) == MAX_DELTA_ROWS
    assert np.abs(rows["delta"]).min() >= np.sort(np.abs(ranking["delta"]))[-MAX_DELTA_ROWS] - 1e-12
    data, factors, headers = facet_data(rows)
    assert headers["text"] == [candidate]
    assert factors[-1] == headers["y"][0]  # the header row on top (Bokeh's first factor is at the bottom)
    assert factors[:-1] == list(data["y"])[::-1] and len(set(factors)) == len(factors)
    assert list(data["category"]) == list(rows["category"].astype(str))
    assert list(data["color"]) == [GAIN_COLOR if d >= 0 else LOSS_COLOR for d in rows["delta"]]
    facet = DeltaFacet(1, "zh-TW")
    figure, source = facet.figure, facet.source
    facet.show(rows)
    assert facet.figure is figure and facet.source is source and list(figure.y_range.factors) == factors
    assert facet.candidates == [candidate] and figure.xaxis[0].axis_label == t("delta", "zh-TW")
    # The axis names a bar by what follows the separator (its category; the browser test reads the drawn labels).
    assert [key.partition(SEP)[2] for key in factors[::-1]] == ["", *rows["category"].astype(str)]
    # Two candidates in one figure: a block each, under its own header row, in the rows' order.
    other = store.delta.candidates[1]
    both = pd.concat([rows.iloc[:3], cap_rows(store.ranking[store.ranking["candidate"] == other]).iloc[:2]])
    facet.show(both)
    assert facet.figure is figure and facet.candidates == [candidate, other]
    shown = [key.partition(SEP)[2] for key in figure.y_range.factors[::-1]]
    assert shown == ["", *both["category"].iloc[:3].astype(str), "", *both["category"].iloc[3:].astype(str)]
    assert figure.height == DELTA_FACET_EXTRA_PX + DELTA_ROW_PX * 7


def test_delta_heatmap_is_centred_on_zero(store):
    heat = charts.delta_heatmap(delta_matrix(store.delta_all), 1)
    assert heat.mapper.low == -heat.mapper.high
    assert heat.mapper.high == pytest.approx(store.delta_all["delta"].abs().max())
    matrix = heatmap_matrix(store.sorted_wide)
    scores = charts.score_heatmap(matrix, 1)
    # Rows top to bottom in the matrix's order (Bokeh lists factors bottom up), every cell once.
    assert scores.figure.y_range.factors[::-1] == [str(name) for name in matrix.index]
    assert len(scores.source.data["score"]) == matrix.size
    cell = scores.source.data
    first = next(i for i, value in enumerate(cell["score"]) if value == value)
    assert cell["score"][first] == matrix.loc[cell["row"][first], cell["category"][first]]


def test_a_heatmap_redraws_in_place_and_paints_a_missing_cell_grey_not_a_colour_of_the_scale():
    """A control change while the tab is open swaps the map's data: the figure, and so the browser's view of it,
    stays (HoloViews re-sent both figures whole)."""
    matrix = pd.DataFrame([[0.5, float("nan")], [0.9, 0.1]], index=["m1", "m2"], columns=["a", "b"])
    chart = charts.score_heatmap(matrix, 1)
    figure = chart.figure
    assert chart.mapper.nan_color == charts.MISSING_COLOR and charts.MISSING_COLOR not in charts.SCORE_PALETTE
    assert (chart.mapper.low, chart.mapper.high) == (0, 1)
    chart.show(matrix * 100)  # own-units scores past the scale widen the colour range to hold them
    assert chart.figure is figure and chart.mapper.high == pytest.approx(90)
    chart.show(matrix.iloc[:1, :1])
    assert figure.x_range.factors == ["a"] and figure.y_range.factors == ["m1"]


def test_heatmaps_stretch_to_the_page_and_a_tall_one_names_its_columns_above_and_keeps_a_short_colour_bar():
    """The maps had a fixed width of 14 px per category + 300 (1,098 px at 57 categories, wider than the
    1,080 px main area at 1440×900): the colour bar's numbers were past the edge and the page scrolled."""
    few = DerivedData(data=DataState(files=datagen.many_sources(3)))
    chart = charts.score_heatmap(few.heatmap, 1)
    figure = chart.figure
    assert figure.sizing_mode == "stretch_width" and figure.width is None
    bar = next(model for model in figure.right if isinstance(model, ColorBar))
    assert bar.width >= 12 and bar.major_label_text_font_size == "11px"
    assert not chart.top_axis.visible
    many = DerivedData(data=DataState(files=datagen.many_sources(40)))
    tall = charts.score_heatmap(many.heatmap, 1)
    assert tall.top_axis.visible and tall.top_axis in tall.figure.above  # category names above the cells
    assert next(model for model in tall.figure.right if isinstance(model, ColorBar)).height == charts.COLORBAR_TALL_PX
    assert tall.figure.frame_height < 40 * charts.HEATMAP_ROW_PX  # thinner rows when tall
    assert chart.figure.frame_height >= charts.HEATMAP_MIN_FRAME_PX  # 3 rows: room for the colour bar's numbers
    delta = charts.delta_heatmap(delta_matrix(many.delta_all), 1)
    assert delta.figure.sizing_mode == "stretch_width"


def test_escaping():
    hostile = "<img src=x onerror=alert(1)>"
    html = htmltext.table([hostile], [[hostile]])
    assert "<img" not in html and "&lt;img" in html
    assert "<img" not in htmltext.message(hostile)
    assert htmltext.number(float("nan"), 2) == "—"


def test_every_text_has_both_languages_and_the_same_placeholders():
    for key, entry in [*TEXTS.items(), *STATION_TEXTS.items()]:
        assert set(entry) == {"en", "zh-TW"}, key
        assert set(re.findall(r"{(\w+)}", entry["en"])) == set(re.findall(r"{(\w+)}", entry["zh-TW"])), key
    assert t("range", "zh-TW", first=1, last=20, total=57) == "類別 1–20，共 57 個"
    assert t("no-such-key") == "no-such-key"


def test_views_never_parse_files():
    forbidden = {"json", "csv", "zipfile", "eval_analyzer.core.loader", "eval_analyzer.core.formats"}
    for path in (DASHBOARD / "views").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not any(name == f or name.startswith(f + ".") for f in forbidden), (path.name, name)


def test_create_app_builds_fresh_state_per_call():
    first, second = create_app(datagen.standard_files()[:1]), create_app(datagen.standard_files()[:1])
    assert isinstance(first, pn.template.BootstrapTemplate)
    assert first.store is not second.store and first.store.data is not second.store.data
    first.store.data.add_files(datagen.standard_files()[1:2])
    assert len(second.store.sources) == 1


def test_create_app_without_files_uses_demo_data():
    app = create_app()
    assert len(app.store.data.files) == 4 and app.store.datasets


def test_station_tab_when_a_station_is_given(tmp_path):
    app = create_app(datagen.standard_files()[:1], station=str(tmp_path / "station"))
    assert app.url_sync.tabs == ["overview", "delta", "questions", "heatmap", "files", "station"]
    app.store.ui.tab = "station"  # a valid tab for the URL too
    assert "tab=station" in app.url_sync.search()


def test_a_tab_view_is_built_and_drawn_when_its_tab_first_opens():
    app = create_app(datagen.standard_files())
    slots = list(app.main[0][0].objects)  # the Tabs' panels: overview, delta, questions, heatmap, files
    assert slots[0].objects and not any(slot.objects for slot in slots[1:])
    app.store.ui.tab = "heatmap"
    heatmaps = slots[3].select(pn.pane.Bokeh)
    assert len(heatmaps) == 2 and all(heatmap.object is not None for heatmap in heatmaps)
    app.store.ui.tab = "delta"
    assert any('class="ea-t ea-summary"' in str(pane.object) for pane in slots[1].select(pn.pane.HTML))
    app.store.ui.tab = "overview"
    assert len(slots[1].objects) == 1  # opening a tab again reuses its view


def test_no_tab_imports_holoviews():
    """HoloViews was the app's slowest import (~0.65 s, paid by the first open of Heatmaps); every chart is now
    drawn with Bokeh itself."""
    code = ("import sys\nfrom bokeh.document import Document\nfrom eval_analyzer.dashboard.app import create_app\n"
            "app = create_app()\napp.server_doc(Document())\n"
            "for tab in ('delta', 'questions', 'heatmap', 'files'):\n    app.store.ui.tab = tab\n"
            "print('holoviews' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("files", [[], [("bad.json", b"{x")]])
def test_app_renders_with_nothing_loaded_then_loads(files):
    from bokeh.document import Document

    app = create_app(files)
    app.server_doc(Document())  # every widget with empty options, every view with empty frames
    store = app.store
    for tab in ("delta", "heatmap", "files", "overview"):
        store.ui.tab = tab
    assert store.delta_status == "no_data" and store.overview.dataset == ""
    store.data.add_files(datagen.standard_files()[:2])
    assert store.overview.dataset == "mmlu"
    store.ui.tab = "delta"
    assert store.delta_status == "ok"
    for name, _data in list(store.data.files):
        store.data.remove_file(name)
    assert store.datasets == [] and store.page_info.total == 0



def test_the_upload_picker_offers_every_extension_a_folder_search_reads():
    from eval_analyzer.core.loader import UPLOAD_EXTENSIONS
    from eval_analyzer.dashboard.state import DataState
    from eval_analyzer.dashboard.store import DerivedData
    from eval_analyzer.dashboard.views.controls import LoadView

    offered = set(LoadView(store=DerivedData(data=DataState())).upload.accept.split(","))
    assert {".md", ".txt", ".eval", ".zip", ".json", ".jsonl", ".csv"} <= offered
    assert offered == set(UPLOAD_EXTENSIONS)


def test_the_delta_outputs_are_derived_only_while_a_delta_tab_is_open():
    """On the Overview a scale switch or a new baseline derives no Δ table (half a scale switch's server time);
    the Δ tab and Heatmaps then open on the Δ of the current settings, checked against plain Python."""
    from bokeh.document import Document

    files = datagen.standard_files()
    app = create_app(files)
    app.server_doc(Document())
    store = app.store
    assert store.ui.tab == "overview" and store.summary is None
    store.overview.scale = 100
    baseline, candidate = store.sources[1], store.sources[0]
    store.delta.param.update(baseline=baseline, candidates=[candidate])
    assert store.summary is None  # nothing derived yet
    store.ui.tab = "heatmap"
    wide = store.wide_all
    paired = wide[[baseline, candidate]].dropna()
    expected = {category: (row[candidate] - row[baseline]) * 100 for category, row in paired.iterrows()}
    got = store.delta_all[store.delta_all["candidate"] == candidate]
    assert dict(zip(got["category"], got["delta"], strict=True)) == pytest.approx(expected)
    store.ui.tab = "overview"
    store.overview.scale = 1
    assert store.delta_all["delta"].abs().max() > 1  # still the 0–100 table: not derived on the Overview
    store.ui.tab = "delta"
    assert store.delta_all["delta"].abs().max() <= 1
