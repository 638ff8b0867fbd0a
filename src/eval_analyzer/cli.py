"""`eval-analyzer`: table, compare, serve, build, publish.

The CLI parses arguments, makes one core call, prints, and maps errors to exit codes in one place:
0 everything read cleanly, 1 some inputs had problems (what could be read is still printed), 2 usage error,
3 `--fail-on-regression` tripped.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence

import pandas as pd

from eval_analyzer.core.compare import compare
from eval_analyzer.core.delta import DELTA_SORTS
from eval_analyzer.core.errors import EvalAnalyzerError, UsageError
from eval_analyzer.core.export import to_csv_text
from eval_analyzer.core.loader import MB, Limits, load_paths
from eval_analyzer.core.scores import is_fraction_units, score_units, unit_keys
from eval_analyzer.core.table import TABLE_COLUMNS, LoadedData

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_REGRESSION = 0, 1, 2, 3


def _add_limits(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-file-mb", type=float, default=50, help="per-file size limit in MB (default 50)")
    parser.add_argument("--max-total-mb", type=float, default=500, help="total size limit in MB (default 500)")


def _limits(args: argparse.Namespace) -> Limits:
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


def _report_problems(loaded: LoadedData) -> int:
    for problem in loaded.problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)
    return EXIT_PROBLEMS if any(p.severity in ("error", "warning") for p in loaded.problems) else EXIT_OK


def _load(args: argparse.Namespace) -> LoadedData:
    paths = list(args.paths)
    station = getattr(args, "station", None)
    if station:
        paths.append(station)
    if not paths:
        raise UsageError("give at least one file or folder (or --station DIR)")
    return load_paths(paths, _limits(args))


def cmd_table(args: argparse.Namespace) -> int:
    loaded = _load(args)
    table = loaded.table[TABLE_COLUMNS]
    # Scores are stored as 0–1 fractions except for own-units metrics: say which, row by row.
    keys = pd.Series(unit_keys(table), index=table.index, dtype=object)
    table = table.assign(units=keys.map({key: score_units(key, 1) for key in keys.unique()}))
    if args.format == "json":
        json.dump(_records(table), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        csv_table = table.assign(run_scores=table["run_scores"].map(lambda runs: " ".join(map(repr, runs))))
        sys.stdout.write(to_csv_text(csv_table))
    return _report_problems(loaded)


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
    """Two decimals for percentage points, four for fractions and own units (a perplexity Δ of 0.0312)."""
    return f"{value:+.{2 if units == 'pp' else 4}f}" if pd.notna(value) else "—"


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
        print(f"note: --fail-on-regression skips {row.candidate} on {row.dataset}: its Δ is in {row.units}, "
              "not percentage points", file=sys.stderr)
    judged = summary[fraction]
    mean_pp = judged["mean_delta"] * (100 / scale)
    return judged[mean_pp < -gate]


def cmd_compare(args: argparse.Namespace) -> int:
    loaded = _load(args)
    status = _report_problems(loaded)
    result = compare(loaded, args.baseline, args.candidates, args.dataset, args.scale, args.eps, args.min_delta,
                     args.sort, args.metric)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
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
            print(f"regression: {row.candidate} on {row.dataset}: mean Δ {row.mean_delta * 100 / args.scale:+.2f} pp "
                  f"< -{args.fail_on_regression} pp", file=sys.stderr)
        if len(failing):
            return EXIT_REGRESSION
    return status


def _positive(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError("must be a number ≥ 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eval-analyzer", description=__doc__.splitlines()[0])
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
    comp.add_argument("--scale", type=int, choices=(1, 100), default=100,
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

    from eval_analyzer import cli_extra  # serve / build / publish live with their own modules

    cli_extra.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as error:
        print(f"eval-analyzer: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except EvalAnalyzerError as error:
        print(f"eval-analyzer: error: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
