"""From the tidy score table to the frames the views work on: one dataset, one metric, display scale.

The central shape is the *wide* frame: index = category, columns = source labels, values = score on the unit
scale (NaN where a source has no score). Every other computation starts from it.
"""

from __future__ import annotations

import pandas as pd

#: Display scales: 1 shows scores as 0–1, 100 as 0–100 (percentage points for Δ).
SCALES = (1, 100)


#: Decimals kept in display-scale values. (0.55 − 0.50) × 100 is 5.000000000000004 in binary floating point;
#: users see 5.00 and expect it to tie with ε = 5 and to sort with the other 5.00s. 12 decimals remove such
#: residue and keep far more precision than any evaluation has.
DISPLAY_DECIMALS = 12


def to_display(values, scale: int):
    """Unit-scale values (array, Series or frame) in the display scale, without floating-point residue."""
    return (values * scale).round(DISPLAY_DECIMALS)


def check_scale(scale: int) -> int:
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
    return scale


def dataset_rows(table: pd.DataFrame, dataset: str, metric: str | None = None) -> pd.DataFrame:
    """Rows of one dataset: its primary metric, or the named metric."""
    rows = table[table["dataset"] == dataset]
    return rows[rows["primary"]] if metric is None else rows[rows["metric"] == metric]


def dataset_metrics(table: pd.DataFrame, dataset: str) -> list[str]:
    """A dataset's metrics: each file's primary one first (in load order), then the others (SPEC §3.3, §3.5:
    the other metrics stay selectable)."""
    rows = table[table["dataset"] == dataset]
    return list(dict.fromkeys(rows.loc[rows["primary"], "metric"].tolist() + rows["metric"].tolist()))


def sources_of(table: pd.DataFrame, dataset: str | None = None) -> list[str]:
    """Source labels in load order (optionally only those with scores in `dataset`)."""
    rows = table if dataset is None else table[table["dataset"] == dataset]
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
                wide: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each source's overall average for a dataset: `source_label, score, reported` (unit scale).

    The score table only computes averages of primary metrics; for another `metric`, the mean of each source's
    categories in `wide` (category × source, that metric) fills in where the file reports none, as computed.
    """
    rows = overall[(overall["dataset"] == dataset) & (overall["group"] == dataset)]
    if metric is not None:
        rows = rows[rows["metric"] == metric]
    rows = rows.drop_duplicates("source_label").set_index("source_label")
    result = rows.reindex(sources)[["score", "reported"]].reset_index()
    result["reported"] = result["reported"].fillna(False).astype(bool)
    if wide is not None:
        missing = result["score"].isna()
        result.loc[missing, "score"] = result.loc[missing, "source_label"].map(wide.mean()).astype("float64")
    return result
