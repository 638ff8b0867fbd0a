"""`eval-analyzer serve`: placeholder until the dashboard lands."""

from __future__ import annotations

import argparse


def serve_from_args(args: argparse.Namespace) -> int:
    import panel as pn

    pn.serve({"/": lambda: pn.pane.Markdown("# Eval Analyzer\nThe dashboard is coming.")}, port=args.port,
             address=args.address, show=args.show)
    return 0
