"""A closed session's state can be freed: nothing process-wide keeps its store, files and frames alive, and the
server discards it as soon as it was told to.

Measured before the fixes: every closed session (100 Twinkle files ≈ 30 MiB) stayed in the server for its
lifetime, held through Panel's JS-link registry by the threshold slider; later, `serve(session_cleanup_ms=…)`
passed option names Bokeh does not read, so a closed session lived 15–32 s whatever was asked
(benchmarks/session_memory.py measured those sessions as memory not given back).
"""

from __future__ import annotations

import gc
import inspect
import time
import weakref

import panel as pn
from bokeh.client import pull_session

import datagen
from chromium import free_port, wait_for_port
from eval_analyzer.dashboard.app import create_app, release_session
from eval_analyzer.dashboard.server import app_factory, serve_options


def test_a_released_session_becomes_unreachable():
    from panel.links import Callback

    before = set(map(id, Callback.registry.keys()))
    template = create_app(datagen.standard_files())
    store, files = weakref.ref(template.store), weakref.ref(template.store.data)
    linked = [weakref.ref(source) for source in Callback.registry.keys() if id(source) not in before]
    assert linked  # the session registered JS links (what the release must drop)
    release_session(template)  # what the server calls when it discards the session
    del template
    gc.collect()
    assert store() is None and files() is None
    # Nothing of the session left in Panel's JS-link registry either: without the release, the URL bar's
    # "Copy link" button (a JS click callback) stayed there for the life of the server, one per session.
    assert all(source() is None for source in linked)


def test_session_cleanup_options_are_ones_bokeh_reads():
    """`pn.serve` hands keywords it does not know on to Tornado's settings without a word: the `panel serve` flag
    names used before (`check_unused_sessions`) were ignored, and a closed session lived 15–32 s, not 1 s."""
    from bokeh.server.tornado import BokehTornado

    known = inspect.signature(BokehTornado.__init__).parameters
    kwargs = serve_options(session_cleanup_ms=250)
    cleanup = {name: value for name, value in kwargs.items() if "session" in name}
    assert cleanup == {"check_unused_sessions_milliseconds": 250, "unused_session_lifetime_milliseconds": 250}
    assert set(cleanup) <= set(known)
    assert not any("session" in name for name in serve_options())  # Bokeh's defaults unless asked


def test_a_served_session_is_freed_soon_after_its_page_closes():
    """A real server: a session opened over the websocket (as a browser does), closed, and then its store and
    files are gone, with no collection run by the test (the server's destroy hook collects), within a few
    cleanup intervals; before the fix the same session was still alive 15 s later."""
    refs = []
    build = app_factory(datagen.standard_files())

    def factory():
        app = build()
        refs.append((weakref.ref(app.store), weakref.ref(app.store.data)))
        return app

    port = free_port()
    server = pn.serve({"/": factory}, **serve_options(port=port, session_cleanup_ms=200), threaded=True)
    try:
        wait_for_port(None, port, 30)
        with pull_session(url=f"http://127.0.0.1:{port}/"):
            assert len(refs) == 1 and refs[0][0]() is not None  # the session's app exists while it is open
        deadline = time.monotonic() + 10
        while any(ref() is not None for ref in refs[0]) and time.monotonic() < deadline:
            time.sleep(0.1)  # polling until the server discarded the session (every 200 ms)
        assert all(ref() is None for ref in refs[0])
    finally:
        server.stop()
