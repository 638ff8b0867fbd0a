"""Statistics (scipy) on the static page: loaded in the background once the page is live, not before.

scipy and its openblas are ~20 MB of WebAssembly for Pyodide, a large share of what the page would download and
load before its first render. So the project's wheel leaves scipy out of its requirements in Pyodide (the
`sys_platform != 'emscripten'` marker in pyproject.toml, which micropip evaluates), and the page loads it right
after the first render, whether or not anyone has asked yet, so that the Δ tab rarely has to wait.

One load per page: a Pyodide page is one document in one worker, hence the module-level `_PAGE`. Pyodide's
`loadPackage` reads scipy from the lock of the Pyodide that runs the page: the bundled `pyodide/` folder of an
offline site (site/offline.py puts scipy and its dependencies in that lock), the CDN otherwise.

On a server or the command line scipy is an ordinary dependency; without it there is nothing to load, and
`ensure_statistics` returns False and never calls back.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
import time
from collections.abc import Callable

import panel as pn
from bokeh.events import DocumentReady
from panel.io.state import set_curdoc

#: What the page loads after its first render; site/offline.py `BACKGROUND_PACKAGES` puts the same in the lock.
PACKAGES = ("scipy",)
#: The worker's message to the page when the load has settled (site/assets/status.js sets `window.eaStatistics`).
MESSAGE_TYPE = "ea-statistics"


def _in_pyodide() -> bool:
    return sys.platform == "emscripten"


def statistics_ready() -> bool:
    """core.significance's probe, imported on first use: the app's start imports no statistics module."""
    from eval_analyzer.core.significance import statistics_ready as ready  # noqa: PLC0415

    return ready()


async def _install() -> None:
    """Load PACKAGES (and their dependencies, e.g. openblas) from the running Pyodide's lock."""
    import pyodide_js  # noqa: PLC0415 - exists only in Pyodide

    await pyodide_js.loadPackage(list(PACKAGES))


def _announce(ready: bool, seconds: float, error: str | None) -> None:
    """Tell the page (worker → main thread) that statistics are ready or failed: a signal tests can wait on."""
    try:
        import js  # noqa: PLC0415 - exists only in Pyodide
        from pyodide.ffi import to_js  # noqa: PLC0415
    except ImportError:
        return
    if hasattr(js, "document"):  # Pyodide on the main thread: no worker, nobody to post to
        return
    message = {"type": MESSAGE_TYPE, "ready": ready, "seconds": round(seconds, 3), "error": error}
    js.postMessage(to_js(message, dict_converter=js.Object.fromEntries))


class _PageLoad:
    """The page's one background load and the callbacks waiting for it."""

    def __init__(self) -> None:
        self.waiting: list[tuple[Callable[[], None], object]] = []  # (on_ready, its session's document)
        self.task: asyncio.Future | None = None
        self.rendered = False
        self.hooked = False

    def wait(self, on_ready: Callable[[], None]) -> None:
        if not any(callback == on_ready for callback, _doc in self.waiting):  # asked again: still called once
            self.waiting.append((on_ready, pn.state.curdoc))

    def after_first_render(self) -> None:
        if self.rendered:
            self.start()
            return
        doc = pn.state.curdoc
        if doc is None:  # no document to wait for: nothing is being rendered
            self.rendered = True
            self.start()
        elif not self.hooked:
            self.hooked = True
            # Panel's worker fires DocumentReady once the page has rendered the document (panel/io/pyodide.py
            # `_link_docs_worker`). `pn.state.onload` is no help here: in Pyodide it runs its callback at once.
            doc.on_event(DocumentReady, self._on_rendered)

    def _on_rendered(self, _event) -> None:
        self.rendered = True
        self.start()

    def start(self) -> None:
        """Start the load unless one is running or succeeded; a failed one (a network error) is tried again."""
        if self.task is not None and not (self.task.done() and not statistics_ready()):
            return
        self.task = asyncio.ensure_future(self._load())

    async def _load(self) -> None:
        started = time.monotonic()
        error = None
        try:
            await _install()
        except Exception as failure:  # noqa: BLE001 - reported to the page; the next ask tries again
            error = f"{type(failure).__name__}: {failure}"
        importlib.invalidate_caches()
        ready = statistics_ready()  # imports scipy.stats: the slow part, now off the page's start
        if ready:
            self._notify()
        elif error is None:
            error = f"{', '.join(PACKAGES)} loaded but scipy.stats cannot be imported"
        _announce(ready, time.monotonic() - started, error)

    def _notify(self) -> None:
        waiting, self.waiting = self.waiting, []
        for callback, doc in waiting:
            # With the session's document current and held, the callback's changes reach the page as one patch
            # (Panel's worker sends the document's changes to the page while it is linked).
            with set_curdoc(doc), pn.io.hold(doc):
                pn.state.execute(callback, schedule=False)


_PAGE = _PageLoad()


def ensure_statistics(on_ready: Callable[[], None]) -> bool:
    """True when scipy can be imported now. Otherwise, in Pyodide, `on_ready()` is called once it can be (in the
    worker's event loop, with the caller's document current); elsewhere False and never a call back."""
    if statistics_ready():
        return True
    if not _in_pyodide():
        return False
    _PAGE.wait(on_ready)
    _PAGE.after_first_render()
    return False


def load_after_first_render() -> None:
    """Pyodide: start loading scipy as soon as the page has rendered, before anyone asks (the app calls this)."""
    if _in_pyodide():
        _PAGE.after_first_render()
