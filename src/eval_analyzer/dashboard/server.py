"""The dashboard under Panel's Tornado server (`eval-analyzer serve`, or `serve(...)` from Python).

Preloaded files are read from disk once, at start (`core.loader.file_pairs`); every session then builds its own
state from those bytes (`create_app`), so what one browser uploads is never visible in another. Argument parsing,
messages and exit codes are the CLI's (`eval_analyzer/cli.py`); this module only starts the server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from eval_analyzer.core.loader import MB, Limits

#: Panel's auth options passed through unchanged (see README "Team server and station").
AUTH_OPTIONS = ("basic_auth", "cookie_secret", "oauth_provider", "oauth_key", "oauth_secret", "oauth_redirect_uri",
                "oauth_encryption_key")
#: Addresses a browser on this machine reaches without naming an allowed websocket origin.
LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "0.0.0.0", "::")


def keep_stylesheets_on_server() -> None:
    """Stylesheet links of models updated outside their document name this server, not cdn.holoviz.org.

    Panel writes every stylesheet link as a CDN address and rewrites it to the server's copy with the
    document's `dist_url`; a model updated while it is outside the document (a hidden tab, the Tabs a language
    switch replaces) has no document, so its links kept the CDN address and the browser fetched five
    stylesheets from cdn.holoviz.org. Such updates run inside a session's callback: that session's document
    (`pn.state.curdoc`) knows the server's address. Server only: the static page keeps Panel's behaviour.
    """
    import panel.io.resources as resources
    import panel.reactive as reactive
    from panel.io.state import state

    original = resources.patch_stylesheet
    if getattr(original, "keeps_server", False):
        return

    def patch_stylesheet(stylesheet, dist_url):
        if dist_url == resources.CDN_DIST and state.curdoc is not None:
            dist_url = state.curdoc._template_variables.get("dist_url", dist_url)
        return original(stylesheet, dist_url)

    patch_stylesheet.keeps_server = True
    resources.patch_stylesheet = reactive.patch_stylesheet = patch_stylesheet


def answer_without_delay() -> None:
    """A browser event is handled as soon as it arrives, not 50 ms later.

    Panel waits `Syncable._debounce` (50 ms) after a widget event before it runs the callbacks, so that a burst
    of events becomes one update; every control here sends one event per action (a slider only when it is let
    go, `value_throttled`), so the wait was a fixed third of a 150 ms sort or page change. Events that arrive
    while one is being handled are still merged (Panel queues them until its callback runs).
    """
    import panel.reactive as reactive

    reactive.Syncable._debounce = 0


def send_as_soon_as_the_socket_frees() -> None:
    """A change's patch leaves when the socket is free again, not at Panel's next 10 ms poll.

    Bokeh answers each browser event with an OK written in three parts under the socket's write lock, and
    yields to the event loop between the parts: the event's callbacks run there, and the patch they make finds
    the lock held. Panel then queues it and looks again every 10 ms (`asyncio.sleep(0.01)`), so on every control
    change the patch left 10–13 ms after the work ended. Waiting on the lock itself sends it right after the
    OK; Panel's own dispatcher still writes it (and still polls if another writer took the lock first).
    """
    import panel.io.document as document

    original = document._dispatch_msgs
    if getattr(original, "waits_for_the_socket", False):
        return

    async def dispatch_msgs(doc):
        for connection in list(document._WRITE_MSGS.get(doc, {})):
            lock = getattr(connection._socket, "write_lock", None)
            if lock is not None:
                async with lock:
                    pass
        await original(doc)

    dispatch_msgs.waits_for_the_socket = True
    document._dispatch_msgs = dispatch_msgs


def app_factory(files: Sequence[tuple[str, bytes]] | None = None, *, station=None, read_only: bool = False,
                limits: Limits | None = None) -> Callable[[], object]:
    """A zero-argument callable that builds one session's app (what `pn.serve` calls per session).
    `files=None`: every session opens on the bundled demo data."""
    from eval_analyzer.dashboard.app import create_app

    preload = None if files is None else list(files)

    def factory():
        return create_app(None if preload is None else list(preload), station=station, read_only=read_only,
                          limits=limits)

    return factory


def serve_options(*, port: int = 5006, address: str = "127.0.0.1", show: bool = False,
                  allow_websocket_origin: Sequence[str] = (), auth: Mapping[str, str] | None = None,
                  limits: Limits | None = None, session_cleanup_ms: int | None = None) -> dict:
    """The keyword arguments of `pn.serve`. `session_cleanup_ms`: see `serve`."""
    limits = limits or Limits()
    unknown = set(auth or {}) - set(AUTH_OPTIONS)
    if unknown:
        raise TypeError(f"unknown auth options {sorted(unknown)}; known: {', '.join(AUTH_OPTIONS)}")
    kwargs = {"port": port, "address": address, "show": show, "title": "Eval Analyzer",
              # Uploads travel over the websocket: let a message carry the configured total.
              "websocket_max_message_size": int(max(limits.max_total_bytes, limits.max_file_bytes)) + MB}
    if allow_websocket_origin:
        kwargs["websocket_origin"] = list(allow_websocket_origin)
    elif address not in LOCAL_ADDRESSES:
        kwargs["websocket_origin"] = [f"{address}:{port}"]
    kwargs.update({name: value for name, value in (auth or {}).items() if value})
    if session_cleanup_ms is not None:
        # Bokeh's own names: `pn.serve` hands unknown keywords on to Tornado's settings without a word, so the
        # `panel serve` flag names (`check_unused_sessions`) were ignored and closed sessions lived 15–32 s.
        kwargs.update(check_unused_sessions_milliseconds=int(session_cleanup_ms),
                      unused_session_lifetime_milliseconds=int(session_cleanup_ms))
    return kwargs


def freeze_startup_objects() -> None:
    """Import what every session uses, then exempt everything alive from Python's cyclic garbage collector.

    A full collection walks every object the collector tracks: some 220,000 after the imports (Panel, Bokeh,
    pandas, scipy), which cost ~100 ms at every full collection, and one fell inside an upload of 100 files,
    a tab's first open or a control change, at random. Modules, classes and functions live as long as the
    process anyway; frozen (`gc.freeze`), a collection walks only the sessions' objects (~6 ms with one
    session of 100 files). Reference counting still frees them as usual; closed sessions are not frozen."""
    import gc

    import bokeh.server.server  # noqa: F401  (what pn.serve and the first session import)
    import panel.io.server  # noqa: F401

    import eval_analyzer.dashboard.app  # noqa: F401

    gc.collect()
    gc.freeze()


def serve(files: Sequence[tuple[str, bytes]] | None = None, *, station=None, read_only: bool = False,
          limits: Limits | None = None, port: int = 5006, address: str = "127.0.0.1", show: bool = False,
          allow_websocket_origin: Sequence[str] = (), auth: Mapping[str, str] | None = None,
          session_cleanup_ms: int | None = None) -> None:
    """Run the dashboard until the server stops. `files`: (name, bytes) pairs every session starts with
    (`core.loader.file_pairs` reads them from paths), None for the demo data; `station`: a
    `station.store.Station` or its folder; `auth`: Panel's options named in `AUTH_OPTIONS`;
    `session_cleanup_ms`: how soon a closed session is discarded (Bokeh checks every 17 s for sessions unused
    for 15 s; benchmarks shorten both)."""
    import panel as pn

    from eval_analyzer.core.significance import statistics_ready

    keep_stylesheets_on_server()
    answer_without_delay()
    send_as_soon_as_the_socket_frees()
    # The first Δ tab opened computes the statistics, and the first one in this process imported scipy.stats
    # (~55 MiB, 0.7 s) while its visitor waited. Imported here, the memory a started server reports is what it
    # keeps between sessions, and no page waits for the import.
    statistics_ready()
    freeze_startup_objects()

    if station is not None and not hasattr(station, "entries"):
        from eval_analyzer.station.store import Station

        station = Station(station, create=not read_only, limits=limits)
    if station is not None:
        # The Station tab's table is a Tabulator built when the tab first opens, after the page's resources were
        # chosen: without the extension named here, a Station tab opened by a click stayed empty.
        pn.extension("tabulator")
    factory = app_factory(files, station=station, read_only=read_only, limits=limits)
    pn.serve({"/": factory}, **serve_options(port=port, address=address, show=show,
                                             allow_websocket_origin=allow_websocket_origin, auth=auth,
                                             limits=limits, session_cleanup_ms=session_cleanup_ms))
