"""`eval-analyzer publish PATH... --station DIR [--overwrite]`.

Prints one line per entry, `<status>  <dataset>/<model>  <path or message>`, then a count line. Exit codes as for
the other commands: 0 every entry written, replaced or skipped because it exists; 1 an input had problems or an
entry could not be written; 2 usage (e.g. the station is not a folder).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from eval_analyzer.core.errors import UsageError
from eval_analyzer.core.loader import MB, Limits, load_paths
from eval_analyzer.station.store import FAILED, REPLACED, SKIPPED, WRITTEN, Station, StationError

EXIT_OK, EXIT_PROBLEMS = 0, 1
#: Width of the status column: the longest status word.
_STATUS_WIDTH = max(len(status) for status in (WRITTEN, SKIPPED, REPLACED, FAILED))


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(max_file_bytes=int(getattr(args, "max_file_mb", 50) * MB),
                  max_total_bytes=int(getattr(args, "max_total_mb", 500) * MB))


def _printable(text: str) -> str:
    """Control characters shown as `\\xNN`: a name with a newline must not break the one-line-per-entry output."""
    return "".join(f"\\x{ord(char):02x}" if ord(char) < 32 or ord(char) == 127 else char for char in text)


def publish_from_args(args: argparse.Namespace) -> int:
    try:
        station = Station(args.station)
    except StationError as error:
        raise UsageError(str(error)) from None
    loaded = load_paths(args.paths, _limits(args))
    input_problems = [p for p in loaded.problems if p.severity == "error"]
    for problem in loaded.problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)
    results = station.publish(loaded.documents, overwrite=args.overwrite)
    for result in results:
        where = str(result.path) if result.status != FAILED else result.message
        name = f"{result.dataset}/{result.model}" if result.dataset else result.model
        print(f"{result.status:<{_STATUS_WIDTH}}  {_printable(name)}  {_printable(where)}")
    counts = Counter(result.status for result in results)
    print(", ".join(f"{counts[status]} {status}" for status in (WRITTEN, REPLACED, SKIPPED, FAILED))
          + f" ({len(results)} entries into {station.root})")
    if not results and not input_problems:
        print("eval-analyzer: nothing to publish in the given paths", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if input_problems or counts[FAILED] else EXIT_OK
