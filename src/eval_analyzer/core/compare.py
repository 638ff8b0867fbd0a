"""The headless Δ comparison behind `eval-analyzer compare`: `core.frames.delta_frames` per dataset, the same
pipeline as the dashboard's Δ tab.

`compare` resolves names, picks datasets and candidates, and returns the per-candidate summary and the ranking
for every dataset, as frames with a `dataset` column. Both carry `units` ("pp", "fraction" or
"<metric> (own units)"): the scale applies to 0–1 metrics only. Both also carry the statistics of
`core.significance` (the same call the dashboard's Δ tab makes): the ranking its `ROW_COLUMNS` (n, CI, p,
adjusted p, test, significant, MDE), the summary its `SUMMARY_COLUMNS` (CI, p, test, significant W/L).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from eval_analyzer.core import delta as delta_math
from eval_analyzer.core import significance as sig
from eval_analyzer.core.delta import without_baseline
from eval_analyzer.core.errors import UsageError
from eval_analyzer.core.frames import DeltaQuery, dataset_frames, delta_frames
from eval_analyzer.core.scores import check_scale, source_matches, sources_of
from eval_analyzer.core.stats import StatsQuery
from eval_analyzer.core.table import LoadedData


def resolve_source(table: pd.DataFrame, name: str) -> str:
    """A full source label, or a model name that names exactly one source."""
    by_model = source_matches(table, name)
    if len(by_model) == 1:
        return by_model[0]
    if by_model:
        raise UsageError(f"'{name}' names {len(by_model)} sources; give the full label, one of: "
                         + "; ".join(by_model))
    raise UsageError(f"no source is called '{name}'. Loaded sources: " + ("; ".join(sources_of(table)) or "none"))


NO_SCIPY = "no confidence intervals or p-values: they need scipy (pip install scipy)."


@dataclass
class Comparison:
    summary: pd.DataFrame
    ranking: pd.DataFrame
    notes: list[str]


def compare(loaded: LoadedData, baseline: str, candidates: list[str] | None = None, dataset: str | None = None,
            scale: int = 100, eps: float = 0.0, min_delta: float = 0.0, sort: str = "abs_desc",
            metric: str | None = None, stats: StatsQuery | None = None) -> Comparison:
    """Δ summary (over all paired categories) and ranking (after min |Δ|) per dataset, on each file's primary
    metric or on `metric`, with the significance of every Δ under `stats` (default `StatsQuery()`).

    The statistics are computed on the whole Δ table of a dataset, so `min_delta` hides ranking rows without
    changing any p-value or its multiplicity adjustment."""
    check_scale(scale)
    stats = stats if stats is not None else StatsQuery()
    table = loaded.table
    if metric is not None and metric not in set(table["metric"]):
        raise UsageError(f"no metric '{metric}'. Metrics: {', '.join(sorted(set(table['metric'])))}")
    base = resolve_source(table, baseline)
    chosen = [resolve_source(table, name) for name in candidates] if candidates else None
    datasets = [dataset] if dataset else sorted(table.loc[table["source_label"] == base, "dataset"].unique())
    if dataset and dataset not in set(table["dataset"]):
        raise UsageError(f"no dataset '{dataset}'. Datasets: {', '.join(sorted(set(table['dataset'])))}")
    notes: list[str] = []
    summaries, rankings = [], []
    for name in datasets:
        data = dataset_frames(loaded, name, metric or "")
        if not data.rows:
            notes.append(f"{name}: no scores for the metric '{metric}'.")
            continue
        cands = without_baseline(chosen if chosen is not None else data.sources, base)
        frames = delta_frames(data, DeltaQuery(baseline=base, candidates=tuple(cands), scale=scale, sort=sort,
                                               min_delta=min_delta, eps=eps))
        if frames.status in ("no_data", "no_baseline"):
            notes.append(f"{name}: the baseline '{base}' has no scores in this dataset.")
            continue
        if frames.status == "no_candidates":
            notes.append(f"{name}: no candidate to compare with the baseline.")
            continue
        try:
            found = sig.significance(loaded, data, base, frames.deltas, scale, eps, stats)
        except sig.StatsUnavailable:
            found = sig.Significance()  # the columns stay, empty: the Δ itself needs no scipy
            if NO_SCIPY not in notes:
                notes.append(NO_SCIPY)
        summary, ranking = _counts(found.on_summary(frames.summary)), _counts(found.on_rows(frames.ranking))
        for cand in summary.loc[summary["paired"] == 0, "candidate"]:
            notes.append(f"{name}: '{cand}' shares no category with the baseline.")
        summary.insert(0, "dataset", name)
        ranking.insert(0, "dataset", name)
        summaries.append(summary)
        rankings.append(ranking)
    summary = pd.concat(summaries, ignore_index=True) if summaries else pd.DataFrame(
        columns=["dataset", *delta_math.SUMMARY_COLUMNS, *sig.SUMMARY_COLUMNS])
    ranking = pd.concat(rankings, ignore_index=True) if rankings else pd.DataFrame(
        columns=["dataset", *delta_math.DELTA_COLUMNS, *sig.ROW_COLUMNS])
    return Comparison(summary=summary, ranking=ranking, notes=notes)


def _counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Question and run counts as integers (missing where a fallback has none): JSON and CSV then print `50`,
    not `50.0`."""
    for name in ("n", "n_samples"):
        if name in frame.columns:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").round().astype("Int64")
    return frame
