"""From the tidy score table to the frames the views work on: one dataset, one metric, display scale.

The central shape is the *wide* frame: index = category, columns = source labels, values = score on the unit
scale (NaN where a source has no score). Every other computation starts from it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Display scales: 1 shows scores as 0–1, 100 as 0–100 (percentage points for Δ). The one list of them: the
#: settings, the URL and the CLI take their choices from here.
SCALES = (1, 100)
#: Decimals a score or Δ is *shown* with per scale (tables, chart tooltips): four on 0–1 and two on 0–100 keep
#: both equally precise.
SHOWN_DECIMALS = {1: 4, 100: 2}


#: Decimals kept in display-scale values. (0.55 − 0.50) × 100 is 5.000000000000004 in binary floating point;
#: users see 5.00 and expect it to tie with ε = 5 and to sort with the other 5.00s. 12 decimals remove such
#: residue and keep far more precision than any evaluation has.
DISPLAY_DECIMALS = 12


#: The unit key of a score on the 0–1 scale. Any other key is the name of a metric that keeps its own units
#: (perplexity 5.68, BLEU 31.2, a judge's 1–10 rating): the 0–100 switch must not multiply those.
FRACTION = ""


def to_display(values, scale: int, units=None):
    """Values (array, Series or frame) in the display scale, without floating-point residue.

    `units` (unit keys of the same shape, see `wide_units`) leaves own-units values as they are; without it
    every value is taken to be a 0–1 fraction.
    """
    factor = scale if units is None else display_factor(units, scale)
    return (values * factor).round(DISPLAY_DECIMALS)


def is_own_units(units) -> np.ndarray:
    """True where a unit key names an own-units metric (missing keys count as fractions: no score there)."""
    keys = np.asarray(units, dtype=object)
    return np.asarray(pd.notna(keys), dtype=bool) & np.asarray(keys != FRACTION, dtype=bool)


def display_factor(units, scale: int) -> np.ndarray:
    """The one rule of the display scale: 0–1 fractions are multiplied by `scale`, own-units metrics by 1."""
    return np.where(is_own_units(units), 1.0, float(scale))


def unit_keys(rows: pd.DataFrame) -> np.ndarray:
    """Each score row's unit key: FRACTION where `unit_scale`, else the row's metric name."""
    return np.where(rows["unit_scale"].to_numpy(dtype=bool), FRACTION, rows["metric"].to_numpy(dtype=object))


def wide_units(rows: pd.DataFrame, sources: list[str] | None = None) -> pd.DataFrame:
    """category × source frame of unit keys, aligned with `wide_scores(rows, sources)` (NaN where no score).

    Per cell, not per dataset: sources of one dataset may use different primary metrics, and an lm-eval group
    may mix perplexity and accuracy subtasks.
    """
    scored = rows[rows["score"].notna()]
    return wide_scores(scored.assign(units=unit_keys(scored)), sources, value="units")


def units_aligned(wide: pd.DataFrame, units: pd.DataFrame | None) -> np.ndarray | None:
    """`units` as an array of `wide`'s shape (None stays None: all fractions)."""
    if units is None:
        return None
    return units.reindex(index=wide.index, columns=wide.columns).to_numpy(dtype=object)


def score_units(key, scale: int) -> str:
    """How a score with this unit key is shown: "0–1", "0–100" or "<metric> (own units)"."""
    if is_own_units([key])[0]:
        return f"{key} (own units)"
    return "0–100" if scale == 100 else "0–1"


def delta_units(key, scale: int) -> str:
    """How a Δ with this unit key is shown: "pp" (percentage points), "fraction" or "<metric> (own units)".

    A Δ of an own-units metric is a difference in that metric's units: calling it "pp" would compare
    perplexity points with percentage points.
    """
    if is_own_units([key])[0]:
        return f"{key} (own units)"
    return "pp" if scale == 100 else "fraction"


def is_fraction_units(label: str) -> bool:
    """Whether a `delta_units` label is one of the 0–1 scale's ("pp", "fraction")."""
    return label in ("pp", "fraction")


def units_summary(units: pd.DataFrame | None, scale: int, label=delta_units) -> str:
    """The units of every shown value in one text ("; "-joined when they mix), by `label` (`delta_units` or
    `score_units`)."""
    keys = [FRACTION] if units is None else pd.unique(units.to_numpy(dtype=object).reshape(-1))
    names = sorted({label(key, scale) for key in keys if pd.notna(key)})
    return "; ".join(names) or label(FRACTION, scale)


def shows_fractions(units: pd.DataFrame | None) -> bool:
    """Whether any shown score is a 0–1 fraction: only then does the scale switch change what is shown (and
    the numbers that go with it, thresholds and Δ limits). No scores at all counts as fractions."""
    if units is None:
        return True
    keys = units.to_numpy(dtype=object).reshape(-1)
    keys = keys[pd.notna(keys)]
    return not len(keys) or bool((keys == FRACTION).any())


def units_note(units: pd.DataFrame | None) -> list[str]:
    """The own-units metrics among shown scores (sorted): what a view names so that nobody reads them as
    percentages."""
    if units is None:
        return []
    keys = units.to_numpy(dtype=object).reshape(-1)
    return sorted({str(key) for key in keys[is_own_units(keys)]})


def check_scale(scale: int) -> int:
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
    return scale


def dataset_rows(table: pd.DataFrame, dataset: str, metric: str | None = None) -> pd.DataFrame:
    """Rows of one dataset: its primary metric, or the named metric."""
    rows = table[table["dataset"] == dataset]
    return rows[rows["primary"]] if metric is None else rows[rows["metric"] == metric]


def dataset_metrics(table: pd.DataFrame, dataset: str) -> list[str]:
    """A dataset's metrics: each file's primary one first (in load order), then the others (the
    other metrics stay selectable)."""
    rows = table[table["dataset"] == dataset]
    return list(dict.fromkeys(rows.loc[rows["primary"], "metric"].tolist() + rows["metric"].tolist()))


def sources_of(table: pd.DataFrame, dataset: str | None = None) -> list[str]:
    """Source labels in load order (optionally only those with scores in `dataset`)."""
    rows = table if dataset is None else table[table["dataset"] == dataset]
    return list(dict.fromkeys(rows["source_label"].tolist()))


def source_matches(table: pd.DataFrame, name: str, sources: list[str] | None = None) -> list[str]:
    """The one rule of naming a source (CLI arguments, URL keys): its full label, or a model name, which names
    every source of that model. Among `sources` (default: every loaded source); one match is a name, several
    are ambiguous, none is unknown — callers say which to their user."""
    labels = sources if sources is not None else sources_of(table)
    if name in labels:
        return [name]
    rows = table[(table["model"] == name) & table["source_label"].isin(labels)]
    return list(dict.fromkeys(rows["source_label"].tolist()))


def wide_scores(rows: pd.DataFrame, sources: list[str] | None = None, value: str = "score") -> pd.DataFrame:
    """category × source frame of `value` (unit scale). Columns follow `sources` (default: load order).

    Numeric values come back as float64 (NaN where missing); text values such as `file` stay as they are.
    """
    order = sources if sources is not None else list(dict.fromkeys(rows["source_label"].tolist()))
    if sources is not None:
        rows = rows[rows["source_label"].isin(sources)]
    # The first value per (category, source), missing values skipped, as pivot_table(aggfunc="first") keeps,
    # at half its cost (the dashboard builds three of these per dataset switch).
    rows = rows[rows[value].notna()].drop_duplicates(["category", "source_label"])
    wide = rows.pivot(index="category", columns="source_label", values=value).sort_index()
    wide = wide.reindex(columns=order)
    wide.index = wide.index.astype(object)
    wide.columns = pd.Index(list(wide.columns), dtype=object, name="source_label")
    wide.index.name = "category"
    return wide.astype("float64") if pd.api.types.is_numeric_dtype(rows[value]) else wide


def higher_is_better(rows: pd.DataFrame) -> bool:
    """Whether a larger value is better for these rows' metric (lm-eval perplexity is not)."""
    return bool(rows["higher_is_better"].all()) if len(rows) else True


def overall_for(overall: pd.DataFrame, dataset: str, sources: list[str], metric: str | None = None,
                wide: pd.DataFrame | None = None, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each source's overall average for a dataset: `source_label, score, reported, units` (score as stored:
    unit scale for fractions; `units` is its unit key, so `to_display(score, scale, units)` shows it).

    The score table only computes averages of primary metrics; for another `metric`, the mean of each source's
    categories in `wide` (category × source, that metric) fills in where the file reports none, as computed;
    `units` (the unit keys of `wide`) then gives those averages' units.
    """
    rows = overall[(overall["dataset"] == dataset) & (overall["group"] == dataset)]
    if metric is not None:
        rows = rows[rows["metric"] == metric]
    rows = rows.drop_duplicates("source_label").set_index("source_label")
    rows = rows.assign(units=unit_keys(rows) if len(rows) else pd.Series(dtype=object))
    result = rows.reindex(sources)[["score", "reported", "units"]].reset_index()
    result["reported"] = result["reported"].fillna(False).astype(bool)
    if wide is not None:
        missing = result["score"].isna()
        result.loc[missing, "score"] = result.loc[missing, "source_label"].map(wide.mean()).astype("float64")
        if units is not None:
            first = units.apply(lambda column: column.dropna().iloc[0] if column.notna().any() else FRACTION)
            result.loc[missing, "units"] = result.loc[missing, "source_label"].map(first)
    result["units"] = result["units"].where(result["units"].notna(), FRACTION).astype(object)
    return result
