"""`eval-analyzer serve`: the dashboard under Panel's Tornado server.

Preloaded files are read from disk once, at start; every session then builds its own state from those bytes
(`create_app`), so what one browser uploads is never visible in another.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eval_analyzer.core.loader import MB, Limits, expand_paths, passed_over

#: Panel's auth options passed through unchanged from the CLI (see README "Serve").
AUTH_OPTIONS = ("basic_auth", "cookie_secret", "oauth_provider", "oauth_key", "oauth_secret", "oauth_redirect_uri",
                "oauth_encryption_key")


def read_preload(paths: list[str], limits: Limits) -> tuple[list[tuple[str, bytes]], list[str]]:
    """(name, bytes) of every result file under `paths`, and messages for what could not be read."""
    found, problems = expand_paths(paths)
    given = {Path(raw) for raw in paths}
    messages = [str(problem) for problem in problems]
    pairs = []
    for path in found:
        try:
            if path.stat().st_size > limits.max_file_bytes:
                messages.append(f"{path}: over the per-file limit; skipped (raise --max-file-mb).")
                continue
            data = path.read_bytes()
        except OSError as error:
            messages.append(f"{path}: could not be read ({error.strerror or error}).")
            continue
        if path in given or not passed_over(str(path), data):  # a README found in a folder holds no results
            pairs.append((str(path), data))
    return pairs, messages


def make_app_factory(args: argparse.Namespace):
    """A zero-argument callable that builds one session's app (what `pn.serve` calls per session)."""
    from eval_analyzer.dashboard.app import create_app

    limits = Limits(max_file_bytes=int(args.max_file_mb * MB), max_total_bytes=int(args.max_total_mb * MB))
    files = None
    if args.paths:
        files, messages = read_preload(list(args.paths), limits)
        for text in messages:
            print(f"eval-analyzer: {text}", file=sys.stderr)
    station = None
    if getattr(args, "station", None):
        from eval_analyzer.station.store import Station

        station = Station(args.station, create=not args.read_only, limits=limits)

    def factory():
        return create_app(None if files is None else list(files), station=station, read_only=args.read_only,
                          limits=limits)

    return factory, limits


def serve_kwargs(args: argparse.Namespace, limits: Limits) -> dict:
    kwargs = {"port": args.port, "address": args.address, "show": args.show, "title": "Eval Analyzer",
              # Uploads travel over the websocket: let a message carry the configured total.
              "websocket_max_message_size": int(max(limits.max_total_bytes, limits.max_file_bytes)) + MB}
    origins = list(getattr(args, "allow_websocket_origin", []) or [])
    if origins:
        kwargs["websocket_origin"] = origins
    elif args.address not in ("127.0.0.1", "localhost", "0.0.0.0", "::"):
        kwargs["websocket_origin"] = [f"{args.address}:{args.port}"]
    for name in AUTH_OPTIONS:
        value = getattr(args, name, None)
        if value:
            kwargs[name] = value
    return kwargs


def serve_from_args(args: argparse.Namespace) -> int:
    import panel as pn

    factory, limits = make_app_factory(args)
    pn.serve({"/": factory}, **serve_kwargs(args, limits))
    return 0
