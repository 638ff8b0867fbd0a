"""The background scipy load of the static page, outside a browser: Pyodide's loader is replaced by one that makes
scipy importable, and Panel's "page rendered" signal (DocumentReady) is fired by hand, as Panel's worker fires it.

What the real page does is checked in tests/static/test_lazy_stats.py.
"""

from __future__ import annotations

import asyncio
import sys

import panel as pn
import pytest
from bokeh.document import Document
from bokeh.events import DocumentReady
from panel.io.state import set_curdoc

from eval_analyzer.dashboard import lazy_stats
from eval_analyzer.dashboard.lazy_stats import ensure_statistics, load_after_first_render


@pytest.fixture
def no_scipy(monkeypatch):
    """scipy cannot be imported (as in Pyodide before the load); the fake load below makes it importable."""
    for name in ("scipy", "scipy.stats"):
        monkeypatch.setitem(sys.modules, name, None)
    return monkeypatch


class FakePyodide:
    """`_install` as on the page: each call is counted; the first `failures` calls fail like a lost network."""

    def __init__(self, monkeypatch, failures: int = 0):
        self.calls, self.failures, self.monkeypatch = 0, failures, monkeypatch
        self.announced: list[tuple[bool, str | None]] = []
        monkeypatch.setattr(lazy_stats, "_in_pyodide", lambda: True)
        monkeypatch.setattr(lazy_stats, "_PAGE", lazy_stats._PageLoad())
        monkeypatch.setattr(lazy_stats, "_install", self.install)
        monkeypatch.setattr(lazy_stats, "_announce", lambda ready, _s, error: self.announced.append((ready, error)))

    async def install(self) -> None:
        self.calls += 1
        await asyncio.sleep(0)
        if self.calls <= self.failures:
            raise OSError("could not load pyodide/scipy-1.14.1-cp312-cp312-pyodide_2024_0_wasm32.whl")
        for name in ("scipy", "scipy.stats"):
            self.monkeypatch.delitem(sys.modules, name)


def rendered_page() -> tuple[Document, pn.pane.HTML]:
    pane = pn.pane.HTML("statistics: waiting")
    doc = Document()
    doc.add_root(pane.get_root(doc))
    return doc, pane


def test_with_scipy_installed_statistics_are_ready_at_once():
    called = []
    assert ensure_statistics(lambda: called.append(1)) is True
    assert called == []


def test_outside_pyodide_without_scipy_nothing_loads_and_no_one_is_called(no_scipy):
    called = []
    assert ensure_statistics(lambda: called.append(1)) is False
    load_after_first_render()
    assert lazy_stats._PAGE.task is None and lazy_stats._PAGE.waiting == []
    assert called == []


def test_pyodide_loads_once_after_the_first_render_and_calls_each_waiter_once(no_scipy):
    fake = FakePyodide(no_scipy)
    doc, pane = rendered_page()
    model = pane.get_root(doc)
    seen: list[object] = []

    def show_ready() -> None:
        from scipy import stats

        seen.append(pn.state.curdoc)
        pane.object = f"statistics: ready, Φ(1.96) = {stats.norm.cdf(1.96):.3f}"

    async def page() -> None:
        with set_curdoc(doc):
            load_after_first_render()  # the app, while it is built
            assert ensure_statistics(show_ready) is False  # the Δ tab, before the first render
            assert ensure_statistics(show_ready) is False  # asked again: still called once
            assert ensure_statistics(lambda: seen.append("second")) is False
        await asyncio.sleep(0)
        assert fake.calls == 0 and lazy_stats._PAGE.task is None  # nothing loads before the page is live
        doc.callbacks.trigger_event(DocumentReady())  # Panel's worker: the page has rendered the document
        doc.callbacks.trigger_event(DocumentReady())
        await lazy_stats._PAGE.task

    asyncio.run(page())
    assert fake.calls == 1
    assert seen == [doc, "second"]
    assert "Φ(1.96) = 0.975" in model.text  # the callback's change reached the document the page mirrors
    assert fake.announced == [(True, None)]
    assert ensure_statistics(lambda: seen.append("late")) is True and seen == [doc, "second"]


def test_a_failed_load_is_reported_and_the_next_ask_tries_again(no_scipy):
    fake = FakePyodide(no_scipy, failures=1)
    doc, _pane = rendered_page()
    called = []

    async def page() -> None:
        with set_curdoc(doc):
            ensure_statistics(lambda: called.append(1))
        doc.callbacks.trigger_event(DocumentReady())
        await lazy_stats._PAGE.task
        assert called == [] and fake.announced[0][0] is False and "scipy-1.14.1" in fake.announced[0][1]
        with set_curdoc(doc):
            assert ensure_statistics(lambda: called.append(2)) is False
        await lazy_stats._PAGE.task

    asyncio.run(page())
    assert fake.calls == 2
    assert called == [1, 2]
    assert fake.announced[-1] == (True, None)
