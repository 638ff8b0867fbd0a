"""The app factory: fresh state and views for every session. Only entry scripts call `.servable()`.

`create_app(files)` works the same under `panel serve` and in Pyodide: no threads, no file system (besides the
package's demo data), no module-level mutable state. Two sessions never share a `DataState`.
"""

from __future__ import annotations

import asyncio
import posixpath
import sys
from urllib.parse import urlparse

import panel as pn
from bokeh.models import TabPanel
from panel.theme.bootstrap import Bootstrap

from eval_analyzer.core.demo import demo_files
from eval_analyzer.core.errors import problem
from eval_analyzer.core.loader import Limits
from eval_analyzer.dashboard.i18n import t
from eval_analyzer.dashboard.lazy_stats import load_after_first_render
from eval_analyzer.dashboard.state import TABS, DataState
from eval_analyzer.dashboard.store import DerivedData
from eval_analyzer.dashboard.urlsettings import UrlSync
from eval_analyzer.dashboard.views.base import BUSY_MIN_MS, batched, forget_js_links, update
from eval_analyzer.dashboard.views.controls import DeltaSettingsView, FilterView, LoadView, SettingsView
from eval_analyzer.dashboard.views.delta import DeltaView
from eval_analyzer.dashboard.views.files import FilesView
from eval_analyzer.dashboard.views.heatmaps import HeatmapView
from eval_analyzer.dashboard.views.overview import OverviewView
from eval_analyzer.dashboard.views.questions import QuestionsView

#: Sidebar width in px: room for full source labels such as "gpt-oss-120b @ 20250806_1543 run1".
SIDEBAR_WIDTH = 360


def retitle_tabs(tabs: pn.Tabs, titles: list[str]) -> None:
    """Rename the tabs in place, keeping every view and chart where it is.

    Panel reuses a rendered tab's header, so a new title needs new Bokeh tab panels around the same children
    (the browser keeps the children's views). Building new Tabs around the same views instead re-attached every
    Bokeh figure to a new parent in the same message that replaced the Overview's figure for the new language:
    BokehJS then kept a half-built view of that figure, and every hover over a bar threw
    `TypeError: Cannot read properties of undefined` in `get_anchor_point`."""
    for index, (title, obj) in enumerate(zip(titles, list(tabs), strict=True)):
        tabs[index] = (title, obj)  # Panel's names, used when it builds a tab panel again (dynamic tabs)
    for ref, (model, _parent) in list(tabs._models.items()):
        cached = tabs._panels.get(ref, {})
        panels = []
        for title, obj, old in zip(titles, tabs, model.tabs, strict=True):
            panel = TabPanel(**{**old.properties_with_values(include_defaults=False), "title": title})
            if cached.get(id(obj)) is old:
                cached[id(obj)] = panel
            panels.append(panel)
        model.tabs = panels


def render_hidden_tab(tabs: pn.Tabs, content: pn.viewable.Viewable) -> None:
    """Build and style the Bokeh models of a hidden tab's content for every page `tabs` is on, without sending
    them: Panel's dynamic Tabs keeps a hidden tab's content as an empty spacer, and reuses the models it
    rendered before (`Tabs._rendered`) when that tab opens again. Filled here ahead of a first open, the open
    attaches models that exist instead of building them, the way it re-opens a tab.

    Detached models follow later changes (Panel updates them in place; the document sends nothing for them)
    and are released with the tabs (`Tabs._cleanup` drops `_rendered`; the content's own cleanup drops its)."""
    for ref, (tabs_model, _parent) in list(tabs._models.items()):
        if ref not in pn.state._views or ref in pn.state._fake_roots:  # a template's alias of the page's root
            continue
        root_view, root, doc, comm = pn.state._views[ref]
        model = content._get_model(doc, root, tabs_model, comm)
        root_view._preprocess(root, content)  # the design's stylesheets, as when a layout adds a child
        tabs._rendered[ref][id(content)] = model


def release_session(template) -> None:
    """What process-wide registries hold of a session, dropped: called when the server discards it."""
    for area in (template.sidebar, template.main, template.header, template.modal):
        for item in area:
            forget_js_links(item)


def _return_memory() -> None:
    """Free a discarded session now and hand the pages back to the system.

    A session's objects form reference cycles (widgets, watchers, models): only a full collection frees them,
    which Python may not run for a long while on an idle server; and glibc keeps freed small blocks in its
    arenas, so RSS stayed at its peak after every session closed."""
    import gc

    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (musl): nothing to trim
            pass


class PageBootstrap(Bootstrap):
    """Panel's Bootstrap design for components that always live in the template's page.

    Panel styles a component as if it stood alone ("isolated") when its model is built after the page first
    rendered: every pane, widget and card of a tab opened later carried the whole of bootstrap.min.css (220 KB,
    under a URL the page had not loaded: one more download) in its own shadow root, and the browser matched it
    against each of them: some 30 copies on the Δ tab's first open. The components of the first render get
    the page's styles without it; every component here is on that page, so all are styled that way."""

    @classmethod
    def _get_modifiers(cls, viewable, theme=None, isolated: bool = True):
        return super()._get_modifiers(viewable, theme, isolated=False)


def _release_on_destroy(template) -> None:
    """Under a server, release the session when Bokeh discards its document (its page closed); collect once
    Bokeh and Panel dropped their own references (the next turn of the event loop)."""
    doc = pn.state.curdoc
    if doc is None or doc.session_context is None:
        return

    def _destroyed(_session_context) -> None:
        release_session(template)
        asyncio.get_event_loop().call_later(0.5, _return_memory)

    doc.on_session_destroyed(_destroyed)


def _station_view(station, read_only: bool, data: DataState):
    """The station tab, when the station module is installed and a station is configured."""
    if station is None:
        return None
    try:
        from eval_analyzer.dashboard.station_view import StationView
    except ImportError:
        return None
    if isinstance(station, str | bytes) or hasattr(station, "__fspath__"):
        from eval_analyzer.station.store import Station

        station = Station(station, create=not read_only)
    return StationView(store=station, read_only=read_only, on_load=data.add_files,
                       documents=lambda: list(data.loaded.documents))


def _station_sources(station, names: list[str]) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Serve mode: `src=` may only name station entries (`dataset/model.json`); the server fetches no URLs."""
    if station is None or not hasattr(station, "entries"):
        return [], names
    entries = {entry.key: entry for entry in station.entries()}
    found, unknown = [], []
    for name in names:
        entry = entries.get(name)
        if entry is None:
            unknown.append(name)
        else:
            found.append((entry.key, station.read(entry)))
    return found, unknown


async def _fetch_sources(urls: list[str], data: DataState, sync: UrlSync, replace: bool) -> None:
    """Pyodide: fetch `src=` URLs in the browser, then load them and restore the URL settings that need them."""
    from pyodide.http import pyfetch  # only importable in Pyodide

    pairs, problems = [], []
    for url in urls:
        try:
            response = await pyfetch(url)
            if not response.ok:
                raise OSError(f"HTTP {response.status}")
            name = posixpath.basename(urlparse(url).path) or "download.json"
            pairs.append((name, await response.bytes()))
        except Exception as error:  # noqa: BLE001 - every failure becomes a message next to the files
            problems.append(problem(url, "src.failed", error=str(error) or type(error).__name__))
    data.extra_problems = problems
    if pairs:
        if replace:
            data.files = pairs
        else:
            data.add_files(pairs)
    sync.reapply()


def _load_url_sources(sync: UrlSync, data: DataState, station, is_demo: bool) -> None:
    """`src=`: fetched by the browser in Pyodide; on a server only station entries are loaded (no SSRF)."""
    if sys.platform == "emscripten":
        def _fetch(_event=None) -> None:
            if sync.sources:
                asyncio.ensure_future(_fetch_sources(list(sync.sources), data, sync, replace=is_demo))

        # The location may reach the worker only after the first render: fetch when `src=` becomes known.
        sync.param.watch(_fetch, "sources")
        _fetch()
        return
    if not sync.sources:
        return
    found, unknown = _station_sources(station, list(sync.sources))
    if found:
        data.add_files(found)
        sync.reapply()
    if unknown:
        data.extra_problems = [problem(", ".join(unknown), "src.ignored", severity="notice")]


#: The tabs that draw the store's Δ outputs; elsewhere they are not derived.
DELTA_TABS = ("delta", "heatmap")
#: How long after a served page rendered the Δ tab and Heatmaps are prepared (`_prepare_delta_tabs`), in ms.
PREPARE_AFTER_MS = 500


def create_app(files: list[tuple[str, bytes]] | None = None, *, station=None, read_only: bool = False,
               limits: Limits | None = None) -> pn.template.BootstrapTemplate:
    """A complete dashboard for one session. `files=None` loads the bundled demo data."""
    is_demo = files is None
    data = DataState(files=list(demo_files() if is_demo else files), limits=limits or Limits())
    store = DerivedData(data=data, delta_shown=False)  # until a Δ tab opens (see `_delta_on_screen`)
    station_view = _station_view(station, read_only, data)
    tab_keys = tuple(key for key in TABS if key != "station" or station_view is not None)

    load = LoadView(store=store)
    settings = SettingsView(store=store)
    filter_view = FilterView(store=store)
    delta_settings = DeltaSettingsView(store=store)
    view_classes = {"overview": OverviewView, "delta": DeltaView, "questions": QuestionsView, "heatmap": HeatmapView,
                    "files": FilesView}
    # Each tab's view is built when the tab first opens (most sessions never open some tabs): the page goes
    # live sooner, in Pyodide above all, where building every view took a third of the app's start-up.
    slots = {key: pn.Column(sizing_mode="stretch_width") for key in tab_keys}

    def _open_tab(_event=None) -> None:
        key = store.ui.tab if store.ui.tab in tab_keys else tab_keys[0]
        if not slots[key].objects:
            slots[key].append(station_view if key == "station" else view_classes[key](store=store))

    def _prepare_delta_tabs(keys: tuple[str, ...] = DELTA_TABS) -> None:
        """Once a served page is idle: derive the Δ outputs, build and draw the Δ and Heatmaps views in their
        hidden tabs, and build their Bokeh models off the page, so that a tab's first open only attaches them.
        At 100 models the Δ tab's first open spent ~0.1 s of server time deriving and drawing, and another
        ~0.1 s building and styling the models, before the browser got anything. Nothing is sent before the
        click: a view sent to the browser in a hidden tab made BokehJS lay out more on every later change
        (README, interaction latency). One tab per turn of the server's loop, so that an event arriving
        meanwhile waits for one tab's work only (~0.15 s each at 100 models)."""
        if store.ui.tab in DELTA_TABS:
            return
        key, *rest = keys
        if not slots[key].objects:
            with batched():
                store.prepare_delta()
                view = view_classes[key](store=store)
                view.refresh()  # drawn while hidden: its first open finds nothing to redraw
                slots[key].append(view)  # a hidden tab's content has no models yet: nothing to update
                render_hidden_tab(tabs, slots[key])
        if rest:
            doc.add_next_tick_callback(lambda: _prepare_delta_tabs(tuple(rest)))

    if station_view is not None:
        if "lang" in station_view.param:
            station_view.lang = store.ui.lang
            store.ui.param.watch(lambda event: setattr(station_view, "lang", event.new), "lang")
    sync = UrlSync(store=store, tabs=list(tab_keys))

    def _build_tabs() -> pn.Tabs:
        index = tab_keys.index(store.ui.tab) if store.ui.tab in tab_keys else 0
        tabs = pn.Tabs(*[(t(f"tab_{key}", store.ui.lang), slots[key]) for key in tab_keys], active=index,
                       dynamic=True, css_classes=["ea-tabs"], sizing_mode="stretch_width")
        # One frozen batch: building a tab's view and putting it on the page walked Bokeh's models three times.
        tabs.param.watch(lambda event: update(store.ui, tab=tab_keys[event.new]), "active")
        return tabs

    tabs = _build_tabs()
    holder = pn.Column(tabs, sizing_mode="stretch_width")

    def _tab_to_widget(_event=None) -> None:
        index = tab_keys.index(store.ui.tab) if store.ui.tab in tab_keys else 0
        if tabs.active != index:
            tabs.active = index

    def _delta_on_screen(_event=None) -> None:
        store.delta_shown = store.ui.tab in DELTA_TABS

    # Before the tab's view is built or drawn, so it draws the Δ outputs once, up to date.
    _delta_on_screen()
    store.ui.param.watch(_delta_on_screen, "tab")
    _open_tab()
    store.ui.param.watch(_open_tab, "tab")
    store.ui.param.watch(_tab_to_widget, "tab")
    store.ui.param.watch(lambda *_e: retitle_tabs(tabs, [t(f"tab_{key}", store.ui.lang) for key in tab_keys]),
                         "lang")

    _load_url_sources(sync, data, station, is_demo)
    doc = pn.state.curdoc
    if doc is not None and doc.session_context is not None and not pn.state._is_pyodide:
        # Half a second after the page rendered: the browser's first messages (its size, language, time zone)
        # and what they update are answered first. The static page keeps its worker free for start-up and scipy.
        pn.state.onload(lambda: doc.add_timeout_callback(_prepare_delta_tabs, PREPARE_AFTER_MS))
    load_after_first_render()  # the static page: scipy, in the background once the page is live
    template = pn.template.BootstrapTemplate(
        design=PageBootstrap,
        title=t("app_title", "en"), sidebar_width=SIDEBAR_WIDTH,
        sidebar=[load, settings, filter_view, delta_settings, sync], main=[holder],
    )
    template.busy_indicator.throttle = BUSY_MIN_MS
    _release_on_destroy(template)
    template.store = store  # for tests and entry scripts: the session's state
    template.url_sync = sync
    return template


def serve_in_worker(template) -> None:
    """The static page's entry (Pyodide worker): put the app on Panel's held document, as `app.servable()`
    does, and drop the changes made so far, which the snapshot Panel's `write_doc` takes next already holds.

    Panel holds the worker's document from `init_doc` until the browser has rendered that snapshot, then sends
    every held change as a patch. One of them names a model the browser never gets: the template styles its
    hidden pre-processing root (a Column on the document but not among its roots) while held, so BokehJS threw
    "reference … isn't known" on every page load. Under `panel serve` the same changes go nowhere (they are
    made before the browser connects and fetches the whole document); unholding here, before any coroutine can
    run, gives the page that behaviour, and holding again keeps the changes made until the render for Panel.
    """
    doc = pn.state.curdoc
    # Frozen: Bokeh walks the page's model graph once, not once per template root (a live page ~0.2 s sooner).
    with doc.models.freeze():
        template.servable()
    policy = doc.callbacks.hold_value
    if policy is not None:
        doc.unhold()
        doc.hold(policy)
