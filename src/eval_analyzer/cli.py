"""`eval-analyzer`: table, compare, serve, build, publish.

This module owns everything of the command line: argument parsing, the size limits (built from the arguments
once, in `main`), printing, and the one exit-code policy of every command (README "Command line"):

- 0: done, and every input was read cleanly (notices may be printed);
- 1: some inputs had errors or warnings, or part of the work failed (a station entry not written, a site not
  built); whatever could be done is still done and printed;
- 2: usage error (unknown option or name, no paths, an unusable station folder);
- 3: `compare --fail-on-regression` tripped.

Every line on stderr is `eval-analyzer: <level>: <text>`, level `error`, `warning` or `notice` (a problem's
severity). The commands call typed library functions (`core.compare.compare`, `dashboard.server.serve`,
`site.builder.build_site`, `station.store.Station.publish`); Panel is imported only by `serve` and `build`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from eval_analyzer.core.delta import DELTA_SORTS
from eval_analyzer.core.errors import EvalAnalyzerError, Problem, UsageError
from eval_analyzer.core.export import csv_number, to_csv_text
from eval_analyzer.core.loader import MB, Limits, load_paths
from eval_analyzer.core.scores import SCALES, SHOWN_DECIMALS, is_fraction_units
from eval_analyzer.core.table import LoadedData

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_REGRESSION = 0, 1, 2, 3
#: Problem severities that make a command exit 1; a notice (duplicate skipped, label renamed) never does.
FAILING_SEVERITIES = ("error", "warning")
PROG = "eval-analyzer"


def say(level: str, text: str) -> None:
    """One line on stderr in the one format of every command."""
    print(f"{PROG}: {level}: {text}", file=sys.stderr)


def report_problems(problems: Iterable[Problem]) -> int:
    """Print each problem; EXIT_PROBLEMS when any is an error or a warning."""
    status = EXIT_OK
    for item in problems:
        say(item.severity, str(item))
        if item.severity in FAILING_SEVERITIES:
            status = EXIT_PROBLEMS
    return status


class _Parser(argparse.ArgumentParser):
    """argparse with the one stderr format: `eval-analyzer: error: ...` after the usage line, exit 2."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        say("error", message)
        self.exit(EXIT_USAGE)


def _add_limits(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-file-mb", type=_positive, default=50, help="per-file size limit in MB (default 50)")
    parser.add_argument("--max-total-mb", type=_positive, default=500,
                        help="total size limit in MB (default 500)")


def _limits(args: argparse.Namespace) -> Limits:
    if not hasattr(args, "max_file_mb"):
        return Limits()
    return Limits(max_file_bytes=int(args.max_file_mb * MB), max_total_bytes=int(args.max_total_mb * MB))


def _json_value(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value]
    if hasattr(value, "item"):  # numpy scalars
        return _json_value(value.item())
    if value is pd.NA:
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    columns = list(frame.columns)
    return [{column: _json_value(value) for column, value in zip(columns, row, strict=True)}
            for row in frame.itertuples(index=False, name=None)]


def _load(args: argparse.Namespace) -> LoadedData:
    paths = list(args.paths)
    station = getattr(args, "station", None)
    if station:
        paths.append(station)
    if not paths:
        raise UsageError("give at least one file or folder (or --station DIR)")
    return load_paths(paths, args.limits)


def cmd_table(args: argparse.Namespace) -> int:
    from eval_analyzer.api import score_table

    loaded = _load(args)
    table = score_table(loaded)
    if args.format == "json":
        json.dump(_records(table), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        csv_table = table.assign(run_scores=table["run_scores"].map(
            lambda runs: " ".join(repr(csv_number(run)) for run in runs)))
        sys.stdout.write(to_csv_text(csv_table))
    return report_problems(loaded.problems)


def _text_table(frame: pd.DataFrame, markdown: bool) -> str:
    cells = [[str(column) for column in frame.columns]]
    for row in frame.itertuples(index=False, name=None):
        cells.append(["" if value is None else str(value) for value in row])
    if markdown:
        escape = [[cell.replace("|", "\\|") for cell in row] for row in cells]
        lines = ["| " + " | ".join(escape[0]) + " |", "|" + "|".join("---" for _ in escape[0]) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in escape[1:]]
        return "\n".join(lines) + "\n"
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines) + "\n"


def _signed(value: float, units: str) -> str:
    """Percentage points with the decimals of scale 100, fractions and own units (a perplexity Δ of 0.0312) with
    those of scale 1 (core.scores.SHOWN_DECIMALS)."""
    return f"{value:+.{SHOWN_DECIMALS[100 if units == 'pp' else 1]}f}" if pd.notna(value) else "—"


def _display_summary(summary: pd.DataFrame) -> pd.DataFrame:
    pairs = list(zip(summary["mean_delta"], summary["median_delta"], summary["units"], strict=True))
    return pd.DataFrame({
        "dataset": summary["dataset"],
        "candidate": summary["candidate"],
        "mean Δ": [_signed(mean, units) for mean, _median, units in pairs],
        "median Δ": [_signed(median, units) for _mean, median, units in pairs],
        "W/L/T": [f"{w}/{lo}/{t}" for w, lo, t in zip(summary["wins"], summary["losses"], summary["ties"],
                                                       strict=True)],
        "coverage": [f"{p}/{t}" for p, t in zip(summary["paired"], summary["total"], strict=True)],
        # Named per row: a perplexity Δ is in perplexity, never in pp.
        "Δ units": summary["units"],
    })


def _regressions(summary: pd.DataFrame, gate: float, scale: int) -> pd.DataFrame:
    """Rows whose mean Δ is below −`gate` pp. The gate is in percentage points, so only 0–1 metrics are
    judged; an own-units metric (perplexity) is skipped with a notice rather than compared with pp."""
    fraction = summary["units"].map(is_fraction_units).astype(bool)
    for row in summary[~fraction].itertuples():
        say("notice", f"--fail-on-regression skips {row.candidate} on {row.dataset}: its Δ is in {row.units}, "
                      "not percentage points")
    judged = summary[fraction]
    mean_pp = judged["mean_delta"] * (100 / scale)
    return judged[mean_pp < -gate]


def cmd_compare(args: argparse.Namespace) -> int:
    from eval_analyzer.core.compare import compare

    loaded = _load(args)
    status = report_problems(loaded.problems)
    result = compare(loaded, args.baseline, args.candidates, args.dataset, scale=args.scale, eps=args.eps,
                     min_delta=args.min_delta, sort=args.sort, metric=args.metric)
    for note in result.notes:
        say("notice", note)
    if args.dataset and result.summary.empty:
        raise UsageError(result.notes[0] if result.notes else "nothing to compare")
    if args.format == "json":
        document = {
            "baseline": result.summary["baseline"].iloc[0] if len(result.summary) else args.baseline,
            "scale": args.scale, "eps": args.eps, "min_delta": args.min_delta,
            "summary": _records(result.summary),
        }
        if args.ranking:
            document["ranking"] = _records(result.ranking)
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif args.format == "csv":
        sys.stdout.write(to_csv_text(result.summary))
        if args.ranking:
            sys.stdout.write("\r\n" + to_csv_text(result.ranking))
    else:
        markdown = args.format == "markdown"
        sys.stdout.write(_text_table(_display_summary(result.summary), markdown))
        if args.ranking:
            ranking = result.ranking[["dataset", "category", "candidate", "baseline_score", "candidate_score",
                                      "delta", "units"]].round(4)
            sys.stdout.write("\n" + _text_table(ranking, markdown))
    if args.fail_on_regression is not None and len(result.summary):
        failing = _regressions(result.summary, args.fail_on_regression, args.scale)
        for row in failing.itertuples():
            say("error", f"regression: {row.candidate} on {row.dataset}: mean Δ "
                         f"{row.mean_delta * 100 / args.scale:+.2f} pp < -{args.fail_on_regression} pp")
        if len(failing):
            return EXIT_REGRESSION
    return status


def _open_station(folder: str, create: bool = True, limits: Limits | None = None):
    """A station folder, or a usage error that names the folder (it is a file, say)."""
    from eval_analyzer.station.store import Station, StationError

    try:
        return Station(folder, create=create, limits=limits)
    except StationError as error:
        raise UsageError(str(error)) from None


def cmd_serve(args: argparse.Namespace) -> int:
    from eval_analyzer.core.loader import file_pairs
    from eval_analyzer.dashboard.server import AUTH_OPTIONS, serve

    files, status = None, EXIT_OK
    if args.paths:
        # Browser users see these names (Files tab, problems): never the server's absolute paths.
        files, problems = file_pairs(args.paths, args.limits, relative=True)
        status = report_problems(problems)
    station = _open_station(args.station, not args.read_only, args.limits) if args.station else None
    auth = {name: getattr(args, name) for name in AUTH_OPTIONS if getattr(args, name, None)}
    try:
        serve(files, station=station, read_only=args.read_only, limits=args.limits, port=args.port,
              address=args.address, show=args.show, allow_websocket_origin=args.allow_websocket_origin, auth=auth)
    except KeyboardInterrupt:
        pass
    return status


def _describe(out: Path, files: list[Path]) -> str:
    """One line per output of the build: its path, file count and size."""
    from eval_analyzer.site.builder import OUTPUTS

    lines = []
    for name in OUTPUTS:
        top = out / name
        inside = [f for f in files if f == top or top in f.parents]
        if inside:
            size = sum(f.stat().st_size for f in inside) / 1e6
            count = f"{len(inside)} files, " if top.is_dir() else ""
            lines.append(f"  {top}{os.sep if top.is_dir() else ''}  ({count}{size:.1f} MB)")
    return "\n".join(lines)


def cmd_build(args: argparse.Namespace) -> int:
    from eval_analyzer.site.builder import build_site

    out = Path(args.out)
    files = build_site(out, offline=args.offline, wheels=args.wheels)
    total = sum(f.stat().st_size for f in files) / 1e6
    mode = "offline (no other hosts)" if args.offline else "loads Pyodide, Bokeh and Panel from public CDNs"
    print(f"wrote {len(files)} files ({total:.1f} MB) to {out}, {mode}:\n{_describe(out, files)}")
    print(f"serve the folder over http, e.g.: python -m http.server -d {out} 8000")
    return EXIT_OK


def _printable(text: str) -> str:
    """Control characters shown as `\\xNN`: a name with a newline must not break the one-line-per-entry output."""
    return "".join(f"\\x{ord(char):02x}" if ord(char) < 32 or ord(char) == 127 else char for char in text)


def cmd_publish(args: argparse.Namespace) -> int:
    """One line per entry, `<status>  <dataset>/<model>  <path or message>`, then a count line."""
    from eval_analyzer.station.store import FAILED, REPLACED, SKIPPED, WRITTEN

    station = _open_station(args.station, limits=args.limits)
    loaded = load_paths(args.paths, args.limits)
    status = report_problems(loaded.problems)
    results = station.publish(loaded.documents, overwrite=args.overwrite)
    width = max(len(name) for name in (WRITTEN, SKIPPED, REPLACED, FAILED))
    for result in results:
        where = str(result.path) if result.status != FAILED else result.message
        name = f"{result.dataset}/{result.model}" if result.dataset else result.model
        print(f"{result.status:<{width}}  {_printable(name)}  {_printable(where)}")
    counts = Counter(result.status for result in results)
    print(", ".join(f"{counts[name]} {name}" for name in (WRITTEN, REPLACED, SKIPPED, FAILED))
          + f" ({len(results)} entries into {station.root})")
    if not results and status == EXIT_OK:
        say("error", "nothing to publish in the given paths")
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if counts[FAILED] else status


def _positive(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError("must be a number ≥ 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    table = commands.add_parser("table", help="print the score table of result files")
    table.add_argument("paths", nargs="*", metavar="PATH", help="result files, folders or .zip archives")
    table.add_argument("--format", choices=("csv", "json"), default="csv")
    table.add_argument("--station", metavar="DIR", help="also read every entry of this station")
    _add_limits(table)
    table.set_defaults(func=cmd_table)

    comp = commands.add_parser("compare", help="Δ summary of candidates against a baseline (CI gates)")
    comp.add_argument("paths", nargs="*", metavar="PATH")
    comp.add_argument("--baseline", required=True, metavar="LABEL", help="source label, or an unambiguous model name")
    comp.add_argument("--candidates", nargs="+", metavar="LABEL", help="default: every other source")
    comp.add_argument("--dataset", metavar="D", help="default: every dataset of the baseline")
    comp.add_argument("--metric", metavar="M", help="default: each file's primary metric (e.g. acc_norm,none)")
    comp.add_argument("--scale", type=int, choices=SCALES, default=100,
                      help="display scale of 0–1 metrics (default 100: Δ in pp); metrics with their own units "
                           "(perplexity, BLEU) are never scaled")
    comp.add_argument("--eps", type=_positive, default=0.0, help="tie tolerance in the units of Δ (default 0)")
    comp.add_argument("--min-delta", type=_positive, default=0.0, help="hide ranking rows with |Δ| below this")
    comp.add_argument("--sort", choices=DELTA_SORTS, default="abs_desc", help="ranking order")
    comp.add_argument("--ranking", action="store_true", help="also print the per-category Δ table")
    comp.add_argument("--format", choices=("table", "csv", "json", "markdown"), default="table")
    comp.add_argument("--fail-on-regression", type=_positive, metavar="PP",
                      help="exit 3 when a candidate's mean Δ is below −PP percentage points; applies to 0–1 "
                           "metrics only (own-units metrics such as perplexity are skipped with a note on stderr)")
    comp.add_argument("--station", metavar="DIR", help="also read every entry of this station")
    _add_limits(comp)
    comp.set_defaults(func=cmd_compare)

    serve = commands.add_parser("serve", help="run the dashboard (demo data when no paths are given)")
    serve.add_argument("paths", nargs="*", metavar="PATH", help="result files or folders to preload")
    serve.add_argument("--port", type=int, default=5006)
    serve.add_argument("--address", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--station", metavar="DIR", help="shared result station folder (README \"Team server and "
                                                        "station\")")
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
    _add_limits(serve)
    serve.set_defaults(func=cmd_serve)

    build = commands.add_parser("build", help="build the static (Pyodide) site")
    build.add_argument("--out", default="build/site", help="output folder (default build/site)")
    build.add_argument("--offline", metavar="PYODIDE_DIST", help="self-contained site from this Pyodide folder")
    build.add_argument("--wheels", metavar="DIR", help="folder of pure wheels to use instead of downloading")
    build.set_defaults(func=cmd_build)

    publish = commands.add_parser("publish", help="publish result files into a station folder")
    publish.add_argument("paths", nargs="+", metavar="PATH")
    publish.add_argument("--station", required=True, metavar="DIR")
    publish.add_argument("--overwrite", action="store_true", help="replace entries that exist")
    _add_limits(publish)
    publish.set_defaults(func=cmd_publish)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.limits = _limits(args)
    try:
        return args.func(args)
    except UsageError as error:
        say("error", str(error))
        return EXIT_USAGE
    except EvalAnalyzerError as error:
        say("error", str(error))
        return EXIT_PROBLEMS
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
