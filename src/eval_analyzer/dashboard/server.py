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
                  limits: Limits | None = None) -> dict:
    """The keyword arguments of `pn.serve`."""
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
    return kwargs


def serve(files: Sequence[tuple[str, bytes]] | None = None, *, station=None, read_only: bool = False,
          limits: Limits | None = None, port: int = 5006, address: str = "127.0.0.1", show: bool = False,
          allow_websocket_origin: Sequence[str] = (), auth: Mapping[str, str] | None = None) -> None:
    """Run the dashboard until the server stops. `files`: (name, bytes) pairs every session starts with
    (`core.loader.file_pairs` reads them from paths), None for the demo data; `station`: a
    `station.store.Station` or its folder; `auth`: Panel's options named in `AUTH_OPTIONS`."""
    import panel as pn

    if station is not None and not hasattr(station, "entries"):
        from eval_analyzer.station.store import Station

        station = Station(station, create=not read_only, limits=limits)
    factory = app_factory(files, station=station, read_only=read_only, limits=limits)
    pn.serve({"/": factory}, **serve_options(port=port, address=address, show=show,
                                             allow_websocket_origin=allow_websocket_origin, auth=auth,
                                             limits=limits))
