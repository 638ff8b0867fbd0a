"""The static page's worker document (README "Static site"): every change Panel sends after the first render
names a model the browser has, so BokehJS logs no "reference … isn't known" error on page load.

Panel's Pyodide worker holds its document from `init_doc` until the browser has rendered `write_doc`'s snapshot,
then sends every held change. These tests run that sequence in CPython (no `js` module here): a held document
with Panel's mock session, the entry script, the snapshot, then the changes that would be sent.
"""

from __future__ import annotations

import json

import pytest
from bokeh.document import Document
from bokeh.document.events import ModelChangedEvent
from bokeh.embed.util import standalone_docs_json_and_render_items
from panel.io.document import MockSessionContext
from panel.io.state import set_curdoc

import datagen
from eval_analyzer.dashboard.app import create_app, serve_in_worker


@pytest.fixture
def worker_doc():
    """Panel's `init_doc()`, made current for the test only."""
    doc = Document()
    doc.hold()
    doc._session_context = lambda: MockSessionContext(document=doc)
    with set_curdoc(doc):
        yield doc


def snapshot_ids(doc: Document) -> set[str]:
    """Ids of every model in what `write_doc` sends the browser to render."""
    docs_json, _items = standalone_docs_json_and_render_items(doc.roots, suppress_callback_warning=True)
    ids: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "id" in node:
                ids.add(node["id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(json.dumps(docs_json)))
    return ids


def sent_after_render(doc: Document) -> list:
    """The changes Panel's `_link_docs_worker` sends once the browser has rendered: the held ones, on unhold."""
    sent = []
    doc.on_change(sent.append)
    doc.unhold()
    return sent


def unknown_models(events: list, known: set[str]) -> list[str]:
    return [f"{type(e.model).__name__}.{e.attr}" for e in events
            if isinstance(e, ModelChangedEvent) and e.model.id not in known]


def test_panel_alone_sends_a_change_to_a_model_the_browser_never_gets(worker_doc):
    """The cause, kept visible: `servable()` on the held document styles the template's hidden
    pre-processing root, which is on the document but not in the snapshot."""
    app = create_app(datagen.standard_files()[:1])
    with worker_doc.models.freeze():
        app.servable()
    known = snapshot_ids(worker_doc)
    assert unknown_models(sent_after_render(worker_doc), known) == ["Column.stylesheets"]


def test_the_entry_sends_only_changes_to_models_of_the_snapshot(worker_doc):
    app = create_app(datagen.standard_files()[:1])
    serve_in_worker(app)
    assert worker_doc.callbacks.hold_value == "combine"  # still held: later changes wait for the render
    known = snapshot_ids(worker_doc)
    assert worker_doc.roots and {root.id for root in worker_doc.roots} <= known
    app.store.ui.tab = "questions"  # a change between the snapshot and the render is still sent
    sent = sent_after_render(worker_doc)
    assert any(isinstance(event, ModelChangedEvent) for event in sent)
    assert unknown_models(sent, known) == []
