"""A served page prepares the Δ tab once it is idle: its first open shows what a tab built on the click shows.

The preparation runs from Panel's onload under a server session only; here a document with a session context
stands in for one; the test runs what the server would (`pn.state._on_load` once the browser has rendered the
page, then the timeout callback that it schedules).
"""

from __future__ import annotations

import panel as pn
import pytest
from bokeh.models import ColumnDataSource
from panel.io.state import set_curdoc

import datagen
from eval_analyzer.dashboard.app import create_app
from eval_analyzer.dashboard.views.delta import DeltaView
from eval_analyzer.dashboard.views.heatmaps import HeatmapView

from .served import served_document


def _served(files, loaded: bool = True):
    """An app on a document that looks served; `loaded`: the browser has rendered it (onload has run)."""
    doc = served_document()
    with set_curdoc(doc):
        app = create_app(files)
        app.server_doc(doc)
        if loaded:
            pn.state._on_load(doc)  # what the server calls once the browser rendered the page
            while doc.session_callbacks:  # and, half a second later, the preparation (a tab per turn)
                callback = doc.session_callbacks[0]
                doc.callbacks.remove_session_callback(callback)
                callback.callback()
    return app, doc


def _open(app, doc, index: int):
    """Click tab `index`; its HTML panes' texts and its charts' data, read from the Bokeh models on the page
    (what the browser is sent), not from the panes."""
    tabs = app.main[0][0]
    with set_curdoc(doc):
        tabs.active = index  # the tab a user clicks
    (ref,) = (ref for ref in tabs._models if ref not in pn.state._fake_roots)  # the page's (the template's alias)
    on_page = {id(model) for model in tabs._models[ref][0].tabs[index].child.references()}
    texts, charts = [], []
    for pane in tabs[index].select(pn.pane.HTML):
        model = pane._models[ref][0]
        assert id(model) in on_page  # the pane's model is the one the tab holds
        texts.append((pane.css_classes, model.text))
    for pane in tabs[index].select(pn.pane.Bokeh):
        figure = pane._models[ref][0]
        assert id(figure) in on_page
        sources = [{name: [str(value) for value in values] for name, values in source.data.items()}  # NaN-safe
                   for source in figure.select(ColumnDataSource)]
        charts.append(sorted(sources, key=repr))  # `select` walks a set: no order of its own
    return texts, charts


def _open_delta(app, doc) -> dict[str, str]:
    """Click the Δ tab; the texts its summary and top-N panes show on the page, by the pane's CSS class."""
    texts, _charts = _open(app, doc, 1)
    return {name: text for classes, text in texts for name in classes if name in ("ea-summary-pane", "ea-top-pane")}


@pytest.fixture
def files():
    return datagen.standard_files()


def test_an_idle_served_page_has_the_delta_view_ready_before_its_tab_opens(files, monkeypatch):
    app, doc = _served(files)
    store = app.store
    assert store.ui.tab == "overview" and not store.delta_shown
    assert store.ranking is not None and len(store.ranking)  # derived while the Overview was shown
    built = []
    monkeypatch.setattr(DeltaView, "_refresh", lambda self: built.append(self))
    models_built = []
    for kind in (pn.pane.HTML, pn.Column, pn.Card, pn.pane.Bokeh):
        monkeypatch.setattr(kind, "_get_model", lambda *args, _kind=kind, **kwargs: models_built.append(_kind))
    shown = _open_delta(app, doc)
    assert built == []  # the first open drew nothing: the prepared view was put on the page as it was
    assert models_built == []  # nor built any Bokeh model: the ones built while idle were attached
    monkeypatch.undo()
    plain, plain_doc = _served(files, loaded=False)
    reference = _open_delta(plain, plain_doc)
    assert shown == reference and "ea-summary" in shown["ea-summary-pane"] and "ea-t" in shown["ea-top-pane"]


def test_an_idle_served_page_has_the_heatmaps_ready_before_their_tab_opens(files, monkeypatch):
    app, doc = _served(files)
    built, models_built = [], []
    monkeypatch.setattr(HeatmapView, "_refresh", lambda self: built.append(self))
    for kind in (pn.pane.HTML, pn.Column, pn.pane.Bokeh):
        monkeypatch.setattr(kind, "_get_model", lambda *args, _kind=kind, **kwargs: models_built.append(_kind))
    shown = _open(app, doc, 3)
    assert built == [] and models_built == []  # drawn and built while the page was idle
    monkeypatch.undo()
    plain, plain_doc = _served(files, loaded=False)
    reference = _open(plain, plain_doc, 3)
    texts, charts = shown
    assert shown == reference and len(charts) == 2 and all(len(chart) for chart in charts)
    cells = max(charts[0], key=len)  # the score map's cells: a row each, every model × category shown
    assert len(next(iter(cells.values()))) == app.store.heatmap.size


def test_a_change_on_the_overview_after_the_preparation_is_shown_when_heatmaps_open(files):
    app, doc = _served(files)
    with set_curdoc(doc):
        app.store.overview.scale = 100
    shown = _open(app, doc, 3)
    plain, plain_doc = _served(files, loaded=False)
    with set_curdoc(plain_doc):
        plain.store.overview.scale = 100
    assert shown == _open(plain, plain_doc, 3)


def test_a_change_on_the_overview_after_the_preparation_is_shown_when_the_delta_tab_opens(files):
    app, doc = _served(files)
    before = app.store.ranking
    with set_curdoc(doc):
        app.store.overview.scale = 100  # after the preparation, while the Overview is shown
    assert app.store.ranking is before  # not followed while no Δ view is shown
    shown = _open_delta(app, doc)
    plain, plain_doc = _served(files, loaded=False)
    with set_curdoc(plain_doc):
        plain.store.overview.scale = 100
    reference = _open_delta(plain, plain_doc)
    assert shown == reference and "percentage points" in shown["ea-summary-pane"]


def test_a_language_switch_after_the_preparation_reaches_the_delta_tab_when_it_opens(files):
    app, doc = _served(files)
    with set_curdoc(doc):
        app.store.ui.lang = "zh-TW"  # after the preparation, while the Overview is shown
    shown = _open_delta(app, doc)
    plain, plain_doc = _served(files, loaded=False)
    with set_curdoc(plain_doc):
        plain.store.ui.lang = "zh-TW"
    reference = _open_delta(plain, plain_doc)
    assert shown == reference and "尺度" in shown["ea-summary-pane"]


def test_a_page_that_is_not_served_prepares_nothing(files):
    app = create_app(files)  # a store on no served document: the static page's worker, a test, a script
    assert app.store.ranking is None or not len(app.store.ranking)
