"""Components put on the page after its first render are styled like those of the first render.

Panel gave each model built after the template rendered (every tab's view, built on its first open) the whole
of Bootstrap's CSS in its own shadow root, under a URL the page had not loaded: on the Δ tab's first open the
browser downloaded 220 KB and matched it against some 30 components, about a third of that open's time.
"""

from __future__ import annotations

import pytest
from bokeh.document import Document
from bokeh.models import ImportedStyleSheet
from panel.io.state import set_curdoc

import datagen
from eval_analyzer.dashboard.app import create_app
from eval_analyzer.dashboard.state import TABS

from .served import served_document


def _stylesheet_urls(doc: Document) -> dict[str, set[str]]:
    """Every imported stylesheet URL of the document's models, with the model types that carry it."""
    found: dict[str, set[str]] = {}
    for model in doc.models:
        for sheet in getattr(model, "stylesheets", None) or []:
            if isinstance(sheet, ImportedStyleSheet):
                found.setdefault(sheet.url, set()).add(type(model).__name__)
    return found


@pytest.mark.parametrize("tab", [tab for tab in TABS if tab not in ("overview", "station")])
def test_a_tab_opened_later_carries_no_stylesheet_the_first_render_did_not(tab):
    doc = served_document()  # the design's stylesheets resolve as under `panel serve`
    with set_curdoc(doc):
        app = create_app(datagen.standard_files())
        app.server_doc(doc)
        first = _stylesheet_urls(doc)
        tabs = app.main[0][0]
        tabs.active = list(TABS).index(tab)
        later = _stylesheet_urls(doc)
    assert tabs[tabs.active].objects, tab  # the tab's view is on the page
    new = {url: types for url, types in later.items() if url not in first}
    assert not new, f"{tab}: {new}"
    assert not any("bootstrap.min.css" in url for url in later)


