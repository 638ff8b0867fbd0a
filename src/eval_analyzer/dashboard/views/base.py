"""What every view shares: the session's `DerivedData`, the language, and two-way widget binding."""

from __future__ import annotations

from contextlib import contextmanager
from typing import ClassVar

import panel as pn
import param

from eval_analyzer.dashboard.i18n import t
from eval_analyzer.dashboard.store import DerivedData

#: How long a spinner (the header's, the upload's) stays busy at least, in ms. Panel's boolean indicators
#: default to 500: after every control change the header's spinner kept turning for half a second after the chart
#: had its new data, and its idle message was the last one the server sent (benchmarks/interaction.py, 20 models:
#: sort painted in ~300 ms, idle at ~690 ms; now idle with the paint). The upload's spinner, on for a 0.4 s read,
#: likewise sent its idle 0.5 s after it turned on: the last message of every upload of 100 files.
BUSY_MIN_MS = 0


@contextmanager
def batched():
    """Hold the session's document: the chart, table and pane updates made inside reach the browser as one
    message, and Bokeh walks the document's models at most once for all of them, and only when one of them
    changed which models the document holds.

    Bokeh re-collects every model of the document (some 60 ms with 20 models) whenever a value that holds models
    is set, and `pn.io.hold(freeze=True)` defers that to its end but then always does it. Most changes (new
    data, texts, ranges) hold no model; their batch needs no walk. A set value that holds models calls
    `document.models.invalidate()` (Bokeh's `Model.trigger`), which is recorded here and honoured at the end.
    """
    doc = pn.state.curdoc
    models = getattr(doc, "models", None)
    if models is None or "invalidate" in vars(models):  # no document, or an outer batch records already
        with pn.io.hold():
            yield
        return
    requested = []
    models._push_freeze()  # nested freezes (Panel's own) never reach zero, so never recompute by themselves
    models.invalidate = lambda: requested.append(True)
    try:
        with pn.io.hold():
            yield
    finally:
        del models.invalidate
        models._freeze_count -= 1
        if requested:
            models.invalidate()


def update(obj: param.Parameterized, **values) -> None:
    """Set settings in one batch (`batched`)."""
    with batched():
        obj.param.update(**values)


def bind(widget, obj: param.Parameterized, name: str, to_widget=lambda v: v, from_widget=lambda v: v,
         event: str = "value", echo: bool = False) -> None:
    """Keep `widget.value` and `obj.<name>` equal in both directions (param skips equal values, so no loop).

    `echo`: write the setting back into the widget when `from_widget` changed what was entered (a number box
    clamped to its range): the setting may not change, so without it the box would keep showing the typed -1."""
    widget.value = to_widget(getattr(obj, name))

    def _from_widget(change):
        update(obj, **{name: from_widget(change.new)})
        value = to_widget(getattr(obj, name))
        if echo and widget.value != value:
            widget.value = value

    def _to_widget(change):
        value = to_widget(change.new)
        if widget.value != value:
            widget.value = value

    widget.param.watch(_from_widget, event)
    obj.param.watch(_to_widget, name)


def forget_js_links(viewable) -> None:
    """Drop Panel's JS-link registrations of `viewable` and everything inside it.

    `panel.links.Callback.registry` is a process-wide WeakKeyDictionary keyed by the link's source widget, but its
    values hold the source alive: an EditableFloatSlider links its number box to its slider, whose watchers lead
    back to the slider, to the threshold view and so to the session's whole state. Every closed session (~30 MiB
    with 100 files) and every slider rebuilt on a scale switch stayed in memory for the life of the server."""
    from panel.links import Callback

    if isinstance(viewable, pn.viewable.Viewer):
        viewable = viewable.__panel__()
    for obj in viewable.select():
        Callback.registry.pop(obj, None)


class View(pn.viewable.Viewer):
    """Base of every view: holds the session state; subclasses build their layout once in `__init__`."""

    store = param.ClassSelector(class_=DerivedData, doc="The session's derived data and settings")

    def __init__(self, **params):
        super().__init__(**params)
        self.store.ui.param.watch(lambda *_e: self.relabel(), "lang")

    @property
    def lang(self) -> str:
        return self.store.ui.lang

    def t(self, key: str, **fmt) -> str:
        return t(key, self.lang, **fmt)

    def relabel(self) -> None:
        """Rewrite every text after a language switch; subclasses extend it."""

    def refresh(self) -> None:
        """Redraw in one batch (`batched`): one message to the browser."""
        with batched():
            self._refresh()

    def _refresh(self) -> None:
        """Update the panes in place; subclasses that draw override it."""


class TabView(View):
    """A view drawn only while its tab is open: changes made while it is hidden are drawn when it opens.

    Subclasses set `tab`, call `_redraw_on(outputs)` (names of `DerivedData` outputs, such as
    `store.DELTA_OUTPUTS`) at the end of `__init__`, then `_changed()` (directly or through `relabel`): the app
    builds a tab's view when the tab first opens, so it must draw at once.
    """

    #: The `UIState.tab` key of this view's tab.
    tab: ClassVar[str] = ""

    def _redraw_on(self, outputs) -> None:
        self._dirty = True
        self.store.param.watch(lambda *_e: self._changed(), list(outputs))
        self.store.ui.param.watch(lambda *_e: self._on_tab(), "tab")

    def _changed(self) -> None:
        self._dirty = True
        if self.store.ui.tab == self.tab:
            self.refresh()

    def _on_tab(self) -> None:
        if self.store.ui.tab == self.tab and self._dirty:
            self.refresh()

    def refresh(self) -> None:
        self._dirty = False
        super().refresh()
