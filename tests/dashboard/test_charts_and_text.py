"""Chart elements (dimensions, capping, colour limits), escaping, translations, the app factory."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import panel as pn
import pytest

import datagen
from eval_analyzer.core.delta import delta_matrix
from eval_analyzer.core.overview import heatmap_matrix
from eval_analyzer.dashboard import heatmap_chart as charts
from eval_analyzer.dashboard import htmltext
from eval_analyzer.dashboard.app import create_app
from eval_analyzer.dashboard.delta_chart import (
    GAIN_COLOR,
    LOSS_COLOR,
    MAX_DELTA_ROWS,
    DeltaFacet,
    cap_rows,
    facet_data,
)
from eval_analyzer.dashboard.i18n import TEXTS, t
from eval_analyzer.dashboard.overview_chart import OverviewBars, bars_data, legend_columns, model_palette
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


def test_legend_puts_fewer_models_per_row_when_names_are_long():
    assert legend_columns(["a", "b", "c", "d", "e"], 900) == 4
    long_names = [f"gpt-oss-120b @ 20250806_1543 run{i}" for i in range(4)]  # ~270 px each
    assert legend_columns(long_names, 900) == 3
    assert legend_columns([f"{name} (judged)" for name in long_names], 900) == 2
    assert legend_columns(["x" * 400], 900) == 1
    assert legend_columns(["台灣模型" * 5] * 4, 900) < legend_columns(["abcd" * 5] * 4, 900)  # CJK is wider


def test_overview_bars_update_in_place_and_colour_by_model(store):
    sources = list(store.page_wide.columns)
    bars = OverviewBars(sources, 1, "zh-TW", slots=20, palette_order=list(store.sources))
    figure, source = bars.figure, bars.source
    bars.show(store.page_wide, store.files_all, store.std_all)
    assert bars.figure is figure and bars.source is source and len(source.data["x"])
    assert max(source.data["score"]) <= 1
    mapper = figure.renderers[0].glyph.fill_color.transform
    assert list(mapper.factors) == sources and list(mapper.palette) == model_palette(sources, list(store.sources))
    assert figure.xaxis[0].axis_label == t("category", "zh-TW")
    shown = store.page_wide.iloc[:3, :2]
    bars.show(shown, store.files_all, store.std_all)
    assert list(figure.x_range.factors) == [(str(c), str(s)) for c in shown.index for s in shown.columns]


def test_delta_facet_keeps_the_largest_deltas_first_row_on_top_and_colours_by_sign(store):
    candidate = store.delta.candidates[0]
    ranking = store.ranking[store.ranking["candidate"] == candidate]
    assert len(ranking) > MAX_DELTA_ROWS  # 57 rows: capped
    rows = cap_rows(ranking)
    assert len(rows) == MAX_DELTA_ROWS
    assert np.abs(rows["delta"]).min() >= np.sort(np.abs(ranking["delta"]))[-MAX_DELTA_ROWS] - 1e-12
    data, factors = facet_data(rows)
    assert factors == list(rows["category"].astype(str))[::-1]  # Bokeh's first factor is at the bottom
    assert list(data["color"]) == [GAIN_COLOR if d >= 0 else LOSS_COLOR for d in rows["delta"]]
    facet = DeltaFacet(candidate, 1, "zh-TW", len(rows))
    figure, source = facet.figure, facet.source
    facet.show(rows)
    assert facet.figure is figure and facet.source is source and list(figure.y_range.factors) == factors
    assert figure.above[0].text == candidate and figure.xaxis[0].axis_label == t("delta", "zh-TW")
    facet.show(rows.iloc[:3], "another")  # a smaller update for another candidate: the same figure
    assert list(figure.y_range.factors) == list(rows["category"].astype(str))[:3][::-1]
    assert figure.above[0].text == "another"


def test_delta_heatmap_is_centred_on_zero(store):
    heat = charts.delta_heatmap(delta_matrix(store.delta_all), 1)
    low, high = heat.opts.get().kwargs["clim"]
    assert low == -high and high == pytest.approx(store.delta_all["delta"].abs().max())
    scores = charts.score_heatmap(heatmap_matrix(store.sorted_wide), 1)
    assert [d.name for d in scores.kdims] == ["category", "source_label"]


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
    heatmaps = slots[3].select(pn.pane.HoloViews)
    assert len(heatmaps) == 2 and all(heatmap.object is not None for heatmap in heatmaps)
    app.store.ui.tab = "delta"
    assert any('class="ea-summary"' in str(pane.object) for pane in slots[1].select(pn.pane.HTML))
    app.store.ui.tab = "overview"
    assert len(slots[1].objects) == 1  # opening a tab again reuses its view


def test_the_overview_starts_without_importing_holoviews():
    """HoloViews is the app's slowest import; the heatmap tab imports it when it first draws."""
    code = ("import sys\nfrom bokeh.document import Document\nfrom eval_analyzer.dashboard.app import create_app\n"
            "create_app().server_doc(Document())\nprint('holoviews' in sys.modules)")
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
    assert store.overview.dataset == "mmlu" and store.delta_status == "ok"
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
