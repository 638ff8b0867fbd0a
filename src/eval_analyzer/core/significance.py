"""The statistics of one Δ comparison: which per-question data and which fallback each (candidate, category) gets.

`core.stats` holds the tests; this module decides what they run on, so that the dashboard's Δ tab and the CLI's
`compare` give the same answer. For each (candidate, category) the Δ table pairs:

1. per-question answers on both sides (the score rows' own metric) → a paired test over the shared questions;
2. otherwise run-level scores on both sides → Welch's t on the runs; a standard error on both sides → unpaired z;
3. otherwise nothing: no CI and no p, and the `test` column says `none`.

Then p-values are adjusted across the categories of each candidate and summarised per candidate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from eval_analyzer.core import stats as st
from eval_analyzer.core.scores import dataset_rows, display_factor

#: Columns a ranking / Δ row gains.
ROW_COLUMNS = ["n", "ci_low", "ci_high", "p_value", "p_adjusted", "test", "significant", "mde"]
#: Columns a summary row gains.
SUMMARY_COLUMNS = ["ci_low", "ci_high", "p_value", "test", "sig_wins", "sig_losses", "indistinguishable",
                   "n_samples"]


class StatsUnavailable(RuntimeError):
    """The statistics library (scipy) is not loaded yet (the static page fetches it after the first render)."""


def statistics_ready() -> bool:
    """Whether scipy can be imported here; the static page loads it in the background."""
    try:
        import scipy.stats  # noqa: F401, PLC0415 - a probe, not a use
    except ImportError:
        return False
    return True


@dataclass(frozen=True, eq=False)
class Significance:
    """Per (candidate, category) statistics (`st.ADJUSTED_COLUMNS`) and their per-candidate summary."""

    rows: pd.DataFrame = field(default_factory=lambda: st._empty(st.ADJUSTED_COLUMNS))
    summary: pd.DataFrame = field(default_factory=lambda: st._empty(st.SUMMARY_COLUMNS))

    @cached_property
    def _joinable(self) -> tuple[dict, dict[str, np.ndarray]]:
        """Each row's position by (candidate, category), and the `ROW_COLUMNS` as arrays. Built once per result
        for every frame joined onto it (ranking, top, bottom): a MultiIndex lookup and a column-by-column copy
        per frame were half of the statistics' share of a baseline change."""
        rows = self.rows
        columns = {name: (rows[name].fillna(_MISSING[name]) if name in _MISSING else rows[name]).to_numpy()
                   for name in ROW_COLUMNS}
        columns["significant"] = columns["significant"].astype(bool)
        return {key: i for i, key in enumerate(_keys(rows))}, columns

    def on_rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        """`frame` (rows with `candidate`, `category`) with the `ROW_COLUMNS` beside its own, in its order."""
        if not len(frame):
            return frame.assign(**{name: pd.Series(dtype=self.rows[name].dtype) for name in ROW_COLUMNS})
        at, columns = self._joinable
        positions = np.fromiter((at.get(key, -1) for key in _keys(frame)), dtype=np.intp, count=len(frame))
        absent = bool((positions < 0).any())
        joined = {}
        for name, values in columns.items():
            if absent:  # one element more at the end, what position -1 takes: NaN, test "none", not significant
                values = np.append(values, _MISSING.get(name, np.nan))
            joined[name] = values[positions]
        return frame.reset_index(drop=True).assign(**joined)

    def on_summary(self, summary: pd.DataFrame) -> pd.DataFrame:
        """The Δ summary with the `SUMMARY_COLUMNS` (NaN / `none` for candidates without a paired category)."""
        keyed = self.summary.set_index("candidate")[SUMMARY_COLUMNS]
        joined = keyed.reindex(summary["candidate"].astype(object))
        out = summary.reset_index(drop=True).copy()
        for name in SUMMARY_COLUMNS:
            out[name] = joined[name].to_numpy()
        out["test"] = out["test"].fillna("none")
        for name in ("sig_wins", "sig_losses", "indistinguishable"):
            out[name] = out[name].fillna(0).astype("int64")
        return out


#: What a row without statistics shows in these columns (the others: NaN).
_MISSING = {"test": "none", "significant": False}


def _keys(frame: pd.DataFrame):
    """Each row's (candidate, category), as plain Python values."""
    return zip(frame["candidate"].tolist(), frame["category"].tolist(), strict=True)


def _pairs(deltas: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([deltas["candidate"].astype(object), deltas["category"].astype(object)])


def significance(loaded, data, baseline: str, deltas: pd.DataFrame, scale: int, eps: float = 0.0,
                 query: st.StatsQuery | None = None) -> Significance:
    """Statistics for every row of the Δ table `deltas` (`core.delta.delta_table` of `data`, a `DatasetFrames`).

    Raises `StatsUnavailable` where scipy cannot be imported yet."""
    query = query if query is not None else st.StatsQuery()
    return judged(tested(loaded, data, baseline, deltas, scale, query), eps, query)


def judged(found: pd.DataFrame, eps: float = 0.0, query: st.StatsQuery | None = None) -> Significance:
    """`tested` rows adjusted, thresholded and summarised under `query`'s α and correction: the cheap step, so
    that an α or correction change re-judges the same tests (the MDE, which depends on α, is recomputed too)."""
    query = query if query is not None else st.StatsQuery()
    if not len(found):
        return Significance()
    dist = st._dists()
    factor = dist.norm.ppf(1 - query.alpha / 2) + dist.norm.ppf(st.POWER)
    n = found["n"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        found = found.assign(mde=np.where(n >= 2, factor * found["sd"].to_numpy(dtype="float64") / np.sqrt(n),
                                          np.nan))
    adjusted = st.with_adjusted(found, query)
    return Significance(rows=adjusted, summary=st.summary_stats(adjusted, eps, query))


def tested(loaded, data, baseline: str, deltas: pd.DataFrame, scale: int,
           query: st.StatsQuery | None = None) -> pd.DataFrame:
    """The tests of every row of `deltas` (`st.STAT_COLUMNS`), before any adjustment: the costly step, which
    depends on the data, the scale, the CI level and the test, not on α or the correction."""
    if not statistics_ready():
        raise StatsUnavailable("scipy is not loaded")
    query = query if query is not None else st.StatsQuery()
    if not len(deltas):
        return st._empty(st.STAT_COLUMNS)
    candidates = list(dict.fromkeys(deltas["candidate"].astype(object)))
    sources = [baseline, *candidates]
    rows = dataset_rows(loaded.table, data.dataset, data.metric or None)
    rows = rows[rows["source_label"].isin(sources)].drop_duplicates(["category", "source_label"])
    sign = 1.0 if data.higher_is_better else -1.0
    base_units = data.units[baseline] if baseline in data.units.columns else pd.Series(dtype=object)
    factor_of = pd.Series(display_factor(base_units.to_numpy(dtype=object), scale), index=base_units.index)
    parts = [_paired(loaded.samples, data.dataset, rows, baseline, candidates, deltas, factor_of, sign, query)]
    done = _pairs(parts[0]) if len(parts[0]) else pd.MultiIndex.from_arrays([[], []])
    rest = deltas[~_pairs(deltas).isin(done)]
    if len(rest):
        parts.append(_fallback(rows, baseline, rest, factor_of, query))
    return pd.concat([part for part in parts if len(part)], ignore_index=True) if any(map(len, parts)) \
        else st._empty(st.STAT_COLUMNS)


def scored_answers(samples: pd.DataFrame, dataset: str, rows: pd.DataFrame) -> pd.DataFrame:
    """The per-question rows of `dataset` on the metric each (source, category) of the score rows `rows` is
    scored on: what a paired test (and the Questions tab, whose buckets are its b and c) compares."""
    if not len(samples) or not len(rows):
        return samples.iloc[:0]
    mine = samples[samples["dataset"] == dataset]
    if not len(mine):
        return mine
    wanted = pd.MultiIndex.from_arrays([rows["source_label"].astype(object), rows["category"].astype(object),
                                        rows["metric"].astype(object)])
    keys = pd.MultiIndex.from_arrays([mine["source_label"].astype(object), mine["category"].astype(object),
                                      mine["metric"].astype(object)])
    return mine[keys.isin(wanted)]


def _paired(samples: pd.DataFrame, dataset: str, rows: pd.DataFrame, baseline: str, candidates: list[str],
            deltas: pd.DataFrame, factor_of: pd.Series, sign: float, query: st.StatsQuery) -> pd.DataFrame:
    """Paired tests where both sides have answers on the metric of their score row, one call per display factor
    (own-units categories are not multiplied by the scale)."""
    mine = scored_answers(samples, dataset, rows)
    if not len(mine):
        return st._empty(st.STAT_COLUMNS)
    paired_categories = set(deltas["category"].astype(object))
    results = []
    factors = factor_of.reindex(list(paired_categories))
    for factor, categories in factors.groupby(factors).groups.items():
        part = mine[mine["category"].astype(object).isin(set(categories))]
        if len(part):
            results.append(st.paired_stats(part, baseline, candidates, float(factor), sign, query))
    found = pd.concat(results, ignore_index=True) if results else st._empty(st.STAT_COLUMNS)
    # Only pairs the Δ table has (its units agree on both sides).
    return found[_pairs(found).isin(_pairs(deltas))].reset_index(drop=True)


def _fallback(rows: pd.DataFrame, baseline: str, deltas: pd.DataFrame, factor_of: pd.Series,
              query: st.StatsQuery) -> pd.DataFrame:
    """Run-level or standard-error tests for the pairs without per-question data on both sides."""
    by_source = {name: group.set_index(group["category"].astype(object))
                 for name, group in rows.groupby("source_label", sort=False, observed=True)}
    base = by_source.get(baseline)
    if base is None:
        return st._empty(st.STAT_COLUMNS)
    results = []
    for factor, part in deltas.groupby(deltas["category"].astype(object).map(factor_of), sort=False):
        matrix = part.pivot(index="category", columns="candidate", values="delta")
        cand_runs = pd.DataFrame({name: by_source[name]["run_scores"] for name in matrix.columns}
                                 ).reindex(matrix.index)
        cand_stderr = pd.DataFrame({name: by_source[name]["stderr"] for name in matrix.columns}
                                   ).reindex(matrix.index)
        base_runs = base["run_scores"].reindex(matrix.index)
        base_stderr = base["stderr"].reindex(matrix.index)
        cand_runs = cand_runs.apply(lambda column: column.map(lambda runs: runs if isinstance(runs, tuple) else ()))
        base_runs = base_runs.map(lambda runs: runs if isinstance(runs, tuple) else ())
        results.append(st.fallback_stats(base_runs, cand_runs, base_stderr, cand_stderr, matrix, float(factor),
                                         query))
    return pd.concat(results, ignore_index=True) if results else st._empty(st.STAT_COLUMNS)
