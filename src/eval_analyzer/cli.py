"""`eval-analyzer`: table, compare, serve, build, publish.

This module owns everything of the command line: argument parsing, the size limits (built from the arguments
once, in `main`), printing, and the one exit-code policy of every command (README "Command line"):

- 0: done, and every input was read cleanly (notices may be printed);
- 1: some inputs had errors or warnings, or part of the work failed (a station entry not written, a site not
  built); whatever could be done is still done and printed;
- 2: usage error (unknown option or name, no paths, an unusable station folder);
- 3: `compare --fail-on-regression` tripped, or `compare --gate` rejected a candidate;
- 4: `compare --gate` could not decide for some candidate (INCONCLUSIVE) and rejected none.

The gate's and the regression check's codes take precedence over 1; 3 over 4.

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

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_REGRESSION, EXIT_INCONCLUSIVE = 0, 1, 2, 3, 4
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


def _p_text(value) -> str:
    if pd.isna(value):
        return "—"
    return "<0.0001" if value < 0.0001 else f"{value:.4f}"


def _interval(low, high, units: str) -> str:
    return f"[{_signed(low, units)}, {_signed(high, units)}]" if pd.notna(low) and pd.notna(high) else "—"


def _count_text(value) -> str:
    return "—" if pd.isna(value) else str(int(value))


def _display_summary(summary: pd.DataFrame, ci: float) -> pd.DataFrame:
    rows = summary.to_dict("records")
    return pd.DataFrame({
        "dataset": summary["dataset"],
        "candidate": summary["candidate"],
        f"mean Δ [{ci:.0%} CI]": [f"{_signed(r['mean_delta'], r['units'])} "
                                  f"{_interval(r['ci_low'], r['ci_high'], r['units'])}" for r in rows],
        "median Δ": [_signed(r["median_delta"], r["units"]) for r in rows],
        "W/L/T": [f"{r['wins']}/{r['losses']}/{r['ties']}" for r in rows],
        "p": [_p_text(r["p_value"]) for r in rows],
        # Significant wins / losses / the rest: categories whose adjusted p is below α.
        "sig W/L/=": [f"{r['sig_wins']}/{r['sig_losses']}/{r['indistinguishable']}" for r in rows],
        "test": summary["test"],
        "questions": [_count_text(r["n_samples"]) for r in rows],
        "coverage": [f"{r['paired']}/{r['total']}" for r in rows],
        # Named per row: a perplexity Δ is in perplexity, never in pp.
        "Δ units": summary["units"],
    }, columns=["dataset", "candidate", f"mean Δ [{ci:.0%} CI]", "median Δ", "W/L/T", "p", "sig W/L/=", "test",
                "questions", "coverage", "Δ units"])


def _display_ranking(ranking: pd.DataFrame, ci: float) -> pd.DataFrame:
    rows = ranking.to_dict("records")
    return pd.DataFrame({
        "dataset": ranking["dataset"],
        "category": ranking["category"],
        "candidate": ranking["candidate"],
        "baseline_score": ranking["baseline_score"].astype("float64").round(4),
        "candidate_score": ranking["candidate_score"].astype("float64").round(4),
        "delta": ranking["delta"].astype("float64").round(4),
        f"{ci:.0%} CI": [_interval(r["ci_low"], r["ci_high"], r["units"]) for r in rows],
        "n": [_count_text(r["n"]) for r in rows],
        "p": [_p_text(r["p_value"]) for r in rows],
        "p adj.": [_p_text(r["p_adjusted"]) for r in rows],
        "sig": ["yes" if r["significant"] else "no" for r in rows],
        "MDE": [_signed(r["mde"], r["units"]).lstrip("+") for r in rows],
        "test": ranking["test"],
        "units": ranking["units"],
    }, columns=["dataset", "category", "candidate", "baseline_score", "candidate_score", "delta", f"{ci:.0%} CI",
                "n", "p", "p adj.", "sig", "MDE", "test", "units"])


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


def _stats_query(args: argparse.Namespace):
    from eval_analyzer.core.stats import StatsQuery

    return StatsQuery(alpha=args.alpha, ci=args.ci, correction=args.correction, test=args.test)


def _gate(summary: pd.DataFrame, pp: float, scale: int, ci: float) -> pd.DataFrame:
    """Verdicts in percentage points whatever `--scale`, for 0–1 metrics only (like `--fail-on-regression`): an
    own-units Δ (perplexity) is not comparable with PP and is skipped with a notice."""
    from eval_analyzer.core.gate import verdicts

    fraction = summary["units"].map(is_fraction_units).astype(bool) if len(summary) else summary["units"]
    for row in summary[~fraction].itertuples():
        say("notice", f"--gate skips {_printable(row.candidate)} on {_printable(row.dataset)}: its Δ is in "
                      f"{row.units}, not percentage points")
    judged = summary[fraction].copy()
    for name in ("mean_delta", "ci_low", "ci_high"):
        judged[name] = pd.to_numeric(judged[name], errors="coerce").astype("float64") * (100 / scale)
    judged["units"] = "pp"
    return verdicts(judged, pp, ci)


def _needed_text(row) -> str:
    if row.verdict != "INCONCLUSIVE":
        return ""
    if pd.isna(row.ci_low) or pd.isna(row.ci_high):
        return "needed n unknown: no CI (no per-question data, runs or stderr)"
    if pd.isna(row.needed_n):
        return "needed n unknown: no paired question count" if pd.isna(row.n_samples) else "needed n unknown"
    return f"needs n ≈ {int(row.needed_n)} paired questions"


def _gate_lines(verdict_frame: pd.DataFrame, ci: float) -> str:
    """One line per (candidate, dataset): verdict, dataset, candidate, mean Δ, CI, n, test, and the n needed;
    the text columns aligned so that a CI log reads as a table."""
    cells = []
    for row in verdict_frame.itertuples(index=False):
        needed = _needed_text(row)
        cells.append([row.verdict, _printable(str(row.dataset)), _printable(str(row.candidate)),
                      f"mean Δ {_signed(row.mean_delta, 'pp')} pp",
                      f"{ci:.0%} CI {_interval(row.ci_low, row.ci_high, 'pp')}", f"n {_count_text(row.n_samples)}",
                      f"test {row.test}", *([needed] if needed else [])])
    widths = [max((len(line[i]) for line in cells if len(line) > i), default=0) for i in range(8)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in cells]
    return "\n".join(lines) + ("\n" if lines else "")


def _gate_markdown(verdict_frame: pd.DataFrame, pp: float, baseline: str, query, code: int) -> str:
    """A block to paste into a pull-request comment: the overall verdict, one table row per candidate and
    dataset, and how to read it. Names are escaped for Markdown and HTML."""
    from html import escape

    worst = {0: "ALLOW", 3: "REJECT", 4: "INCONCLUSIVE"}[code]
    shown = pd.DataFrame({
        "verdict": [f"**{verdict}**" for verdict in verdict_frame["verdict"]],
        "dataset": [escape(_printable(str(name))) for name in verdict_frame["dataset"]],
        "candidate": [escape(_printable(str(name))) for name in verdict_frame["candidate"]],
        "mean Δ (pp)": [_signed(value, "pp") for value in verdict_frame["mean_delta"]],
        f"{query.ci:.0%} CI (pp)": [_interval(low, high, "pp") for low, high in
                                    zip(verdict_frame["ci_low"], verdict_frame["ci_high"], strict=True)],
        "n": [_count_text(value) for value in verdict_frame["n_samples"]],
        "test": verdict_frame["test"],
        "needed n": [_needed_text(row).removeprefix("needs n ≈ ").removesuffix(" paired questions")
                     for row in verdict_frame.itertuples(index=False)],
    })
    table = _text_table(shown, markdown=True) if len(shown) else "_Nothing was judged._\n"
    return (f"### Eval gate: {worst} (tolerance {pp:g} pp)\n\n"
            f"Baseline: {escape(_printable(baseline))}\n\n{table}\n"
            f"ALLOW: the {query.ci:.0%} CI of the mean Δ lies above −{pp:g} pp. REJECT: the CI lies below 0 and "
            f"the mean Δ is below −{pp:g} pp. INCONCLUSIVE: neither; *needed n* is the number of paired questions "
            f"that would decide at the same mean Δ and spread. Per-category tests at α = {query.alpha:g}, "
            f"correction {query.correction}.\n")


def cmd_compare(args: argparse.Namespace) -> int:
    from eval_analyzer.core.compare import compare
    from eval_analyzer.core.gate import exit_code
    from eval_analyzer.core.significance import statistics_ready

    gating = args.gate is not None
    if gating and not statistics_ready():
        raise UsageError("--gate needs scipy for its confidence intervals: pip install scipy")
    if gating and args.ranking and args.format != "json":
        raise UsageError("--gate prints its verdicts instead of the tables; --ranking goes with it only in "
                         "--format json")
    query = _stats_query(args)
    loaded = _load(args)
    status = report_problems(loaded.problems)
    result = compare(loaded, args.baseline, args.candidates, args.dataset, scale=args.scale, eps=args.eps,
                     min_delta=args.min_delta, sort=args.sort, metric=args.metric, stats=query)
    for note in result.notes:
        say("notice", note)
    if args.dataset and result.summary.empty:
        raise UsageError(result.notes[0] if result.notes else "nothing to compare")
    baseline = result.summary["baseline"].iloc[0] if len(result.summary) else args.baseline
    verdict_frame = _gate(result.summary, args.gate, args.scale, query.ci) if gating else None
    gate_code = exit_code(verdict_frame) if gating else EXIT_OK
    if args.format == "json":
        document = {
            "baseline": baseline, "scale": args.scale, "eps": args.eps, "min_delta": args.min_delta,
            "alpha": query.alpha, "ci": query.ci, "correction": query.correction, "test": query.test,
            "summary": _records(result.summary),
        }
        if args.ranking:
            document["ranking"] = _records(result.ranking)
        if gating:
            document["gate"] = {"pp": args.gate, "exit_code": gate_code, "verdicts": _records(verdict_frame)}
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif gating and args.format == "csv":
        sys.stdout.write(to_csv_text(verdict_frame))
    elif gating and args.format == "markdown":
        sys.stdout.write(_gate_markdown(verdict_frame, args.gate, baseline, query, gate_code))
    elif gating:
        sys.stdout.write(_gate_lines(verdict_frame, query.ci))
    elif args.format == "csv":
        # One rectangular table, so that any CSV reader loads it: the ranking when asked for, else the summary.
        sys.stdout.write(to_csv_text(result.ranking if args.ranking else result.summary))
    else:
        markdown = args.format == "markdown"
        sys.stdout.write(_text_table(_display_summary(result.summary, query.ci), markdown))
        if args.ranking:
            sys.stdout.write("\n" + _text_table(_display_ranking(result.ranking, query.ci), markdown))
    regression = False
    if args.fail_on_regression is not None and len(result.summary):
        failing = _regressions(result.summary, args.fail_on_regression, args.scale)
        for row in failing.itertuples():
            say("error", f"regression: {row.candidate} on {row.dataset}: mean Δ "
                         f"{row.mean_delta * 100 / args.scale:+.2f} pp < -{args.fail_on_regression} pp")
        regression = bool(len(failing))
    if regression or gate_code == EXIT_REGRESSION:
        code = EXIT_REGRESSION
    elif gate_code == EXIT_INCONCLUSIVE:
        code = EXIT_INCONCLUSIVE
    else:
        code = status
    if gating:
        counts = Counter(verdict_frame["verdict"])
        say("notice", f"gate at -{args.gate:g} pp: "
            + ", ".join(f"{counts[name]} {name}" for name in ("ALLOW", "REJECT", "INCONCLUSIVE"))
            + f"; exit {code}")
    return code


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


def _open_fraction(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must lie strictly between 0 and 1, not {text}")
    return value


def _level(text: str) -> float:
    """A confidence level as a fraction (0.95) or a percentage (95)."""
    value = float(text)
    if math.isfinite(value) and 1 < value < 100:
        value = value / 100
    if not math.isfinite(value) or not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be a level such as 0.95 or 95, not {text}")
    return value


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
    comp.add_argument("--alpha", type=_open_fraction, default=0.05,
                      help="significance level of the per-category tests, after --correction (default 0.05)")
    comp.add_argument("--ci", type=_level, default=0.95, metavar="LEVEL",
                      help="confidence level of every interval, 0.95 or 95 (default 0.95)")
    comp.add_argument("--correction", choices=("holm", "bh", "none"), default="holm",
                      help="multiplicity adjustment across the categories of a candidate (default holm)")
    comp.add_argument("--test", choices=("auto", "bootstrap"), default="auto",
                      help="auto: exact McNemar on right/wrong answers, else paired t; bootstrap: paired "
                           "bootstrap (2,000 seeded resamples)")
    comp.add_argument("--gate", type=_positive, metavar="PP",
                      help="CI gate: ALLOW (exit 0) when the mean Δ's CI lies above −PP percentage points, REJECT "
                           "(exit 3) when it lies below 0 with mean Δ < −PP, else INCONCLUSIVE (exit 4); prints "
                           "one verdict per candidate and dataset instead of the tables")
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
