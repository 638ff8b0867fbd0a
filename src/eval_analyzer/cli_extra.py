"""The CLI commands that start servers or write files: serve, build, publish.

Kept apart from `cli.py` so `table` / `compare` never import Panel (fast start, usable in CI images).
Each command imports its implementation lazily.
"""

from __future__ import annotations

import argparse


def add_commands(commands) -> None:
    serve = commands.add_parser("serve", help="run the dashboard (demo data when no paths are given)")
    serve.add_argument("paths", nargs="*", metavar="PATH", help="result files or folders to preload")
    serve.add_argument("--port", type=int, default=5006)
    serve.add_argument("--address", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--station", metavar="DIR", help="shared result station folder (SPEC §7)")
    serve.add_argument("--read-only", action="store_true", help="station: list and load, never publish")
    serve.add_argument("--show", action="store_true", help="open a browser tab")
    serve.add_argument("--allow-websocket-origin", action="append", default=[], metavar="HOST[:PORT]")
    serve.add_argument("--basic-auth", metavar="PASSWORD_OR_FILE", help="Panel's basic auth (see README)")
    serve.add_argument("--cookie-secret", metavar="SECRET", help="Panel's cookie secret (for auth)")
    serve.add_argument("--oauth-provider", metavar="NAME", help="Panel's OAuth provider (see README)")
    serve.add_argument("--oauth-key", metavar="KEY")
    serve.add_argument("--oauth-secret", metavar="SECRET")
    serve.add_argument("--oauth-redirect-uri", metavar="URI")
    serve.add_argument("--oauth-encryption-key", metavar="KEY")
    serve.add_argument("--max-file-mb", type=float, default=50)
    serve.add_argument("--max-total-mb", type=float, default=500)
    serve.set_defaults(func=_serve)

    build = commands.add_parser("build", help="build the static (Pyodide) site")
    build.add_argument("--out", default="build/site", help="output folder (default build/site)")
    build.add_argument("--offline", metavar="PYODIDE_DIST", help="self-contained site from this Pyodide folder")
    build.add_argument("--wheels", metavar="DIR", help="folder of pure wheels to use instead of downloading")
    build.set_defaults(func=_build)

    publish = commands.add_parser("publish", help="publish result files into a station folder")
    publish.add_argument("paths", nargs="+", metavar="PATH")
    publish.add_argument("--station", required=True, metavar="DIR")
    publish.add_argument("--overwrite", action="store_true", help="replace entries that exist")
    publish.set_defaults(func=_publish)


def _serve(args: argparse.Namespace) -> int:
    from eval_analyzer.dashboard.server import serve_from_args

    return serve_from_args(args)


def _build(args: argparse.Namespace) -> int:
    from eval_analyzer.site.builder import build_from_args

    return build_from_args(args)


def _publish(args: argparse.Namespace) -> int:
    from eval_analyzer.station.cli import publish_from_args

    return publish_from_args(args)
