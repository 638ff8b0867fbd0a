"""The Python API for notebooks and scripts (README "Python API"): `ea.load(...)` → `Results`.

The same core calls as the command line, so `results.compare(...)` returns exactly the frames
`eval-analyzer compare` prints, and `results.app()` is the dashboard `eval-analyzer serve` shows. Panel is
imported only by `app()`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import pandas as pd

from eval_analyzer.core.compare import Comparison, compare
from eval_analyzer.core.errors import Problem
from eval_analyzer.core.loader import Limits, file_pairs, load_files, load_paths
from eval_analyzer.core.scores import score_units, unit_keys
from eval_analyzer.core.stats import StatsQuery
from eval_analyzer.core.table import TABLE_COLUMNS, LoadedData

Source = str | os.PathLike | tuple[str, bytes]


def score_table(loaded: LoadedData) -> pd.DataFrame:
    """The score table's documented columns (README "The score table") plus `units`: scores are 0–1 fractions
    except for metrics with their own units (perplexity), named row by row."""
    table = loaded.table[TABLE_COLUMNS]
    keys = pd.Series(unit_keys(table), index=table.index, dtype=object)
    return table.assign(units=keys.map({key: score_units(key, 1) for key in keys.unique()}))


class Results:
    """What `load` read: frames to inspect, `compare` for Δ tables, `app` for the dashboard."""

    def __init__(self, loaded: LoadedData, files: list[tuple[str, bytes]] | None = None,
                 paths: list[str | os.PathLike] | None = None, limits: Limits | None = None):
        self.loaded = loaded
        self.limits = limits or Limits()
        self._files = files
        self._paths = paths

    @property
    def table(self) -> pd.DataFrame:
        """One row per (source, dataset, category, metric), as `eval-analyzer table` prints it."""
        return score_table(self.loaded)

    @property
    def samples(self) -> pd.DataFrame:
        """The per-question table of every source (empty when no file carries per-question data)."""
        return self.loaded.samples

    @property
    def sources(self) -> pd.DataFrame:
        """One row per source (a model's run), with the label every other frame uses."""
        return self.loaded.sources

    @property
    def problems(self) -> list[Problem]:
        """What could not be read, or was read with a fallback; `str(p)` names the file and the fix."""
        return list(self.loaded.problems)

    def compare(self, baseline: str, candidates: Sequence[str] | None = None, dataset: str | None = None,
                metric: str | None = None, scale: int = 100, eps: float = 0.0, min_delta: float = 0.0,
                sort: str = "abs_desc", stats: StatsQuery | None = None) -> Comparison:
        """Δ of each candidate against `baseline`: `.summary` and `.ranking` DataFrames (with a `dataset`
        column, and the statistics of `stats`: α, CI level, correction, test) and `.notes`, the same as
        `eval-analyzer compare --format json` writes. Unknown names raise `UsageError` with the names that
        exist."""
        return compare(self.loaded, baseline, list(candidates) if candidates else None, dataset, scale, eps,
                       min_delta, sort, metric, stats)

    def files(self) -> list[tuple[str, bytes]]:
        """The (name, bytes) pairs behind these results (read again from disk for paths)."""
        if self._files is None:
            self._files = file_pairs(self._paths or [], self.limits)[0]
        return list(self._files)

    def app(self):
        """The dashboard on these files, a Panel viewable: display it in a notebook after `pn.extension()`,
        or call `.servable()` in a script run by `panel serve`."""
        from eval_analyzer.dashboard.app import create_app

        return create_app(self.files(), limits=self.limits)

    def __repr__(self) -> str:
        return (f"<Results: {len(self.loaded.sources)} sources, {len(self.loaded.table)} scores, "
                f"{len(self.loaded.problems)} problems>")


def load(sources: Source | Iterable[Source], limits: Limits | None = None) -> Results:
    """Read result files: paths of files, folders or .zip archives, or (name, bytes) pairs (e.g. downloaded in
    the notebook). A file that cannot be used never stops the others; see `Results.problems`."""
    limits = limits or Limits()
    items = [sources] if isinstance(sources, str | os.PathLike) or _is_pair(sources) else list(sources)
    pairs = [item for item in items if _is_pair(item)]
    paths = [item for item in items if not _is_pair(item)]
    if pairs and paths:
        read, path_problems = file_pairs(paths, limits)
        loaded = load_files(pairs + read, limits)
        loaded.problems[:0] = path_problems
        return Results(loaded, files=pairs + read, limits=limits)
    if pairs:
        return Results(load_files(pairs, limits), files=pairs, limits=limits)
    return Results(load_paths(paths, limits), paths=paths, limits=limits)


def _is_pair(item: object) -> bool:
    return isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str) and isinstance(item[1], bytes)
