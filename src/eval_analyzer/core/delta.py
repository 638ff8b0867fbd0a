"""Baseline Δ analysis (README "compare" and "Dashboard"): the Δ table, its sorts, minimum |Δ|, summary, top/bottom-N, Δ heatmap.

Δ = candidate − baseline per category where both have a score, in the display scale (percentage points at 100)
for 0–1 metrics and in the metric's own units for the others (`scores.display_factor`); every row says which in
`units`. For a metric where lower is better (perplexity) the sign is flipped, so a positive Δ always means
"better".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from eval_analyzer.core.scores import (
    FRACTION,
    check_scale,
    delta_units,
    display_factor,
    to_display,
    units_aligned,
)

DELTA_SORTS = ("abs_desc", "delta_desc", "delta_asc", "name")
DELTA_COLUMNS = ["category", "candidate", "baseline", "baseline_score", "candidate_score", "delta", "noise",
                 "within_noise", "units"]
SUMMARY_COLUMNS = ["candidate", "baseline", "mean_delta", "median_delta", "wins", "losses", "ties", "paired",
                   "total", "coverage", "units"]
_TEXT_COLUMNS = ("category", "candidate", "baseline", "within_noise", "units")
DEFAULT_TOP_N = 10


def without_baseline(names, baseline: str) -> list[str]:
    """The one rule "the baseline is never a candidate": `names` in order, the baseline left out."""
    return [name for name in names if name != baseline]


def delta_status(wide: pd.DataFrame, baseline: str, candidates: list[str]) -> str:
    """Why a Δ comparison cannot run — "no_data", "no_baseline" (no scores in this dataset), "no_candidates" —
    or "ok". The UI and the CLI turn these into their messages; "no paired categories" shows only
    once the Δ table is built."""
    if not len(wide.columns):
        return "no_data"
    if baseline not in wide.columns or wide[baseline].isna().all():
        return "no_baseline"
    if not without_baseline(candidates, baseline):
        return "no_candidates"
    return "ok"


def delta_table(wide: pd.DataFrame, baseline: str, candidates: list[str], scale: int = 1,
                higher_is_better: bool = True, std: pd.DataFrame | None = None,
                units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Long frame of Δ for every (candidate, category) pair with both scores.

    `std` (same shape as `wide`, run-to-run std on the unit scale) adds `noise` = √(σ_b² + σ_c²) and flags a
    Δ no larger than it as `within_noise`: the difference may be run-to-run noise.
    `units` (unit keys, `scores.wide_units`; None: all 0–1) keeps own-units metrics unscaled, and pairs a
    category only where both sides have the same units: a fraction minus a perplexity means nothing.
    """
    check_scale(scale)
    candidates = [name for name in without_baseline(candidates, baseline) if name in wide.columns]
    if baseline not in wide.columns or not candidates:
        return pd.DataFrame({name: pd.Series(dtype="float64" if name not in _TEXT_COLUMNS else object)
                             for name in DELTA_COLUMNS})
    base = wide[baseline].to_numpy(dtype="float64")
    cand = wide[candidates].to_numpy(dtype="float64")
    keys = units_aligned(wide, units)
    if keys is None:
        keys = np.full(wide.shape, FRACTION, dtype=object)
    base_keys = keys[:, list(wide.columns).index(baseline)]
    cand_keys = keys[:, [list(wide.columns).index(name) for name in candidates]]
    base_factor = display_factor(base_keys, scale)
    factor = display_factor(cand_keys, scale)
    sign = 1.0 if higher_is_better else -1.0
    # Missing keys (no score) never match, and those cells have no Δ anyway.
    delta = np.where(cand_keys == base_keys[:, None], to_display(cand - base[:, None], factor * sign), np.nan)
    flat_keys = pd.Series(cand_keys.T.reshape(-1), dtype=object).fillna(FRACTION)
    labels = flat_keys.map({key: delta_units(key, scale) for key in flat_keys.unique()}).to_numpy(dtype=object)
    n_cat, n_cand = cand.shape
    frame = pd.DataFrame({
        "category": np.tile(wide.index.to_numpy(dtype=object), n_cand),
        "candidate": np.repeat(np.array(candidates, dtype=object), n_cat),
        "baseline": baseline,
        "baseline_score": np.tile(to_display(base, base_factor), n_cand),
        "candidate_score": to_display(cand, factor).T.reshape(-1),
        "delta": delta.T.reshape(-1),
    })
    if std is not None and baseline in std.columns:
        std_base = std[baseline].reindex(wide.index).to_numpy(dtype="float64")
        std_cand = std.reindex(index=wide.index, columns=candidates).to_numpy(dtype="float64")
        noise = to_display(np.sqrt(std_base[:, None] ** 2 + std_cand ** 2), factor)
        frame["noise"] = noise.T.reshape(-1)
    else:
        frame["noise"] = np.nan
    frame["units"] = labels
    frame = frame[frame["delta"].notna()].reset_index(drop=True)
    frame["within_noise"] = (frame["delta"].abs() <= frame["noise"]).astype(bool)
    return frame[DELTA_COLUMNS]


def sort_delta(delta: pd.DataFrame, mode: str = "abs_desc") -> pd.DataFrame:
    """Order rows by |Δ| high→low, Δ high→low (most improved), Δ low→high (most regressed) or category name.

    Ties fall back to category then candidate, so the order is stable across runs.
    """
    return delta.take(_sorted_positions(delta, mode)).reset_index(drop=True)


def _sorted_positions(delta: pd.DataFrame, mode: str, first: np.ndarray | None = None) -> np.ndarray:
    """Row positions in `sort_delta`'s order; with `first` (an int key per row), by that key before all others.

    numpy's lexsort over integer ranks, not a sort of a frame of keys: a baseline change sorts the Δ table three
    times (ranking, top, bottom), and a pandas sort with its key frame cost a millisecond and more each time."""
    if mode not in DELTA_SORTS:
        raise ValueError(f"Δ sort must be one of {DELTA_SORTS}")
    values = delta["delta"].to_numpy(dtype="float64")
    name = _ranks([str(value).casefold() for value in delta["category"]])
    cand = _ranks([str(value) for value in delta["candidate"]])
    # np.lexsort sorts by its last key first, stably; NaN sorts last, as in pandas.
    keys = {"abs_desc": (cand, name, -np.abs(values)), "delta_desc": (cand, name, -values),
            "delta_asc": (cand, name, values), "name": (cand, name)}[mode]
    return np.lexsort(keys if first is None else (*keys, first))


def _ranks(texts: list[str]) -> np.ndarray:
    """Each text's place in sorted order (equal texts share one): an integer sort key for np.lexsort."""
    return pd.factorize(np.array(texts, dtype=object), sort=True)[0]


def filter_min_delta(delta: pd.DataFrame, min_abs: float = 0.0) -> pd.DataFrame:
    """Hide rows with |Δ| < `min_abs` (display scale). The summary is never computed from this subset."""
    if not min_abs or min_abs <= 0:
        return delta
    return delta[delta["delta"].abs() >= min_abs - 1e-12].reset_index(drop=True)


def delta_summary(delta: pd.DataFrame, candidates: list[str], total: int, eps: float = 0.0,
                  baseline: str = "", units: str = "") -> pd.DataFrame:
    """Per candidate over ALL paired categories: mean, median, wins/losses/ties (tie when |Δ| ≤ ε), coverage,
    and the units of its Δ (the `units` of its rows, "; "-joined if they mix; `units` where none are paired).

    `total` is the number of categories of the dataset, so coverage = paired / total.
    """
    eps = max(0.0, float(eps))
    values = delta["delta"].to_numpy(dtype="float64")
    names = delta["candidate"].to_numpy(dtype=object)
    labels = delta["units"].to_numpy(dtype=object)
    found = {}
    for run in rows_by_candidate(delta["candidate"]):
        shown = values[run]
        scored = shown[~np.isnan(shown)]
        found[names[run[0]]] = (
            float(np.mean(scored)) if len(scored) else np.nan, float(np.median(scored)) if len(scored) else np.nan,
            int((shown > eps).sum()), int((shown < -eps).sum()), int((np.abs(shown) <= eps).sum()), len(run),
            "; ".join(sorted({str(label) for label in labels[run]})))
    unpaired = (np.nan, np.nan, 0, 0, 0, 0, units)
    summary = pd.DataFrame([(name, baseline, *found.get(name, unpaired))
                            for name in without_baseline(candidates, baseline)],
                           columns=["candidate", "baseline", "mean_delta", "median_delta", "wins", "losses", "ties",
                                    "paired", "units"])
    summary = summary.astype({"mean_delta": "float64", "median_delta": "float64", "wins": "int64",
                              "losses": "int64", "ties": "int64", "paired": "int64", "units": object})
    summary["total"] = int(total)
    summary["coverage"] = summary["paired"] / total if total else 0.0
    return summary[SUMMARY_COLUMNS]


def rows_by_candidate(candidates: pd.Series) -> list[np.ndarray]:
    """The row positions of each candidate, candidates in order of first appearance, rows in table order (a
    row without a candidate in none): numpy slices of one stable sort, where a pandas groupby built a frame per
    candidate, on every baseline change."""
    codes = pd.factorize(candidates.to_numpy(dtype=object))[0]
    order = np.argsort(codes, kind="stable")
    order = order[codes[order] >= 0]
    return np.split(order, np.flatnonzero(np.diff(codes[order])) + 1) if len(order) else []


def top_bottom(delta: pd.DataFrame, n: int = DEFAULT_TOP_N) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per candidate, the N most improved (Δ > 0) and the N most regressed (Δ < 0) categories, candidates
    in their order of first appearance: a "most regressed" list that shows gains when a candidate improved
    everywhere tells the user something false, so a list may be shorter than N or empty."""
    n = max(1, int(n))
    codes = pd.factorize(delta["candidate"].to_numpy(dtype=object))[0]  # numbered in order of first appearance

    def ranked(keep: np.ndarray, mode: str) -> pd.DataFrame:
        rows = delta[keep]
        order = _sorted_positions(rows, mode, first=codes[keep])
        group = codes[keep][order]
        # The place of each row within its candidate's run: the first N of each run are kept.
        starts = np.r_[0, np.flatnonzero(group[1:] != group[:-1]) + 1]
        place = np.arange(len(group)) - np.repeat(starts, np.diff(np.r_[starts, len(group)]))
        return rows.take(order[place < n]).reset_index(drop=True)

    values = delta["delta"].to_numpy(dtype="float64")
    return ranked(values > 0, "delta_desc"), ranked(values < 0, "delta_asc")


def delta_matrix(delta: pd.DataFrame, categories: list[str] | None = None) -> pd.DataFrame:
    """candidate × category matrix of Δ for the Δ heatmap (NaN where not paired)."""
    # One row per (candidate, category) (delta_table builds it so): a plain pivot, at a fraction of
    # pivot_table's cost. Candidates keep their order of first appearance.
    order = list(dict.fromkeys(delta["candidate"]))
    matrix = delta.pivot(index="candidate", columns="category", values="delta").reindex(index=order)
    if categories is None:
        matrix = matrix.reindex(columns=list(dict.fromkeys(delta["category"])))
    else:
        matrix = matrix.reindex(columns=categories)
    return matrix.astype("float64")
