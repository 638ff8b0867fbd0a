"""A served page prepares the Δ tab once it is idle: its first open shows what a tab built on the click shows.

The preparation runs from Panel's onload under a server session only; here a document with a session context
stands in for one; the test runs what the server would (`pn.state._on_load` once the browser has rendered the
page, then the timeout callback that it schedules).
"""

from __future__ import annotations

import panel as pn
import pytest
from panel.io.state import set_curdoc

import datagen
from eval_analyzer.dashboard.app import create_app
from eval_analyzer.dashboard.views.delta import DeltaView

from .served import served_document


def _served(files, loaded: bool = True):
    """An app on a document that looks served; `loaded`: the browser has rendered it (onload has run)."""
    doc = served_document()
    with set_curdoc(doc):
        app = create_app(files)
        app.server_doc(doc)
        if loaded:
            pn.state._on_load(doc)  # what the server calls once the browser rendered the page
            for callback in list(doc.session_callbacks):  # and, half a second later, the preparation
                doc.remove_timeout_callback(callback)
                callback.callback()
    return app, doc


def _open_delta(app, doc) -> dict[str, str]:
    """Click the Δ tab; the texts its summary and top-N panes then show, by the pane's CSS class: read from the
    Bokeh models on the page (what the browser is sent), not from the panes."""
    tabs = app.main[0][0]
    with set_curdoc(doc):
        tabs.active = 1  # the tab a user clicks
    (ref,) = (ref for ref in tabs._models if ref not in pn.state._fake_roots)  # the page's (the template's alias)
    on_page = {id(model) for model in tabs._models[ref][0].tabs[1].child.references()}
    shown = {}
    for pane in tabs[1].select(pn.pane.HTML):
        model = pane._models[ref][0]
        assert id(model) in on_page  # the pane's model is the one the tab holds
        shown.update({name: model.text for name in pane.css_classes if name in ("ea-summary-pane", "ea-top-pane")})
    return shown


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
