"""Overview computations (README "Dashboard"): threshold filter, sorting, pagination, pivot.

Every function takes the wide frame (category × source, unit scale) and plain settings, and returns a new frame.
Thresholds are in the display scale, the one the user sees: 0–1 or 0–100 for fractions, the metric's own units
for the others (`units`, the unit keys of `scores.wide_units`; None means every score is a fraction).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from eval_analyzer.core.scores import check_scale, score_units, shows_fractions, to_display, units_aligned

SORT_MODES = ("mean_desc", "mean_asc", "alpha")
PAGE_SIZES = (10, 20, 30, 50, 100)
DEFAULT_PAGE_SIZE = 20
OPERATORS = ("ge", "le")
FILTER_MODES = ("any", "model")
#: Slack for the inclusive comparison: 0.29 × 100 is 28.999999999999996 in binary floating point, yet a user
#: who asks for ≥ 29 expects to see the category scored 29.
_TOLERANCE = 1e-9


def threshold_mask(wide: pd.DataFrame, threshold: float, op: str = "ge", mode: str = "any",
                   model: str | None = None, scale: int = 1, units: pd.DataFrame | None = None) -> pd.Series:
    """Which categories meet `score op threshold` (inclusive) for any shown model, or for `model`."""
    check_scale(scale)
    if op not in OPERATORS:
        raise ValueError(f"op must be one of {OPERATORS}")
    values = wide if mode == "any" else wide[[model]] if model in wide.columns else wide.iloc[:, :0]
    shown = to_display(values.to_numpy(dtype="float64"), scale, units_aligned(values, units))
    with np.errstate(invalid="ignore"):
        meets = shown >= threshold - _TOLERANCE if op == "ge" else shown <= threshold + _TOLERANCE
    return pd.Series(meets.any(axis=1), index=wide.index, name="meets")


def apply_threshold(wide: pd.DataFrame, threshold: float, op: str = "ge", mode: str = "any",
                    model: str | None = None, scale: int = 1, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Keep the categories that meet the condition; every model's column stays."""
    return wide[threshold_mask(wide, threshold, op, mode, model, scale, units)]


def threshold_end(wide: pd.DataFrame, scale: int = 1, units: pd.DataFrame | None = None) -> float:
    """The largest threshold worth offering: the scale for fractions; for own-units metrics (a perplexity of
    2.6, a BLEU of 31) the largest shown value rounded up, whatever the scale (and never below the scale when
    fractions are shown too)."""
    check_scale(scale)
    if units is None or not len(wide):
        return float(scale)
    shown = to_display(wide.to_numpy(dtype="float64"), scale, units_aligned(wide, units))
    top = float(math.ceil(np.nanmax(shown))) if np.isfinite(shown).any() else 0.0
    return float(max(scale, top)) if shows_fractions(units.reindex(columns=wide.columns)) else max(1.0, top)


def sort_categories(wide: pd.DataFrame, mode: str = "mean_desc") -> pd.DataFrame:
    """Order categories by the mean over the shown models (NaN ignored) or by name.

    Ties and categories with no score keep a stable, name-based order, so paging never shows a category twice.
    """
    if mode not in SORT_MODES:
        raise ValueError(f"sort mode must be one of {SORT_MODES}")
    names = pd.Index(wide.index.astype(str))
    if mode == "alpha" or wide.empty:
        order = np.argsort(names.str.casefold().to_numpy(dtype=object), kind="stable")
        return wide.iloc[order]
    means = wide.mean(axis=1, skipna=True).to_numpy(dtype="float64")
    key = -means if mode == "mean_desc" else means
    # lexsort: last key is primary. NaN means sort last either way.
    order = np.lexsort((names.str.casefold().to_numpy(dtype=object).astype(str), np.nan_to_num(key, nan=np.inf),
                        np.isnan(key)))
    return wide.iloc[order]


@dataclass(frozen=True)
class Page:
    """Which slice of the categories is shown: 1-based `first`…`last` of `total` (0, 0 when empty)."""

    page: int
    pages: int
    first: int
    last: int
    total: int


def page_count(total: int, page_size: int) -> int:
    return max(1, math.ceil(total / page_size))


def paginate(wide: pd.DataFrame, page_size: int = DEFAULT_PAGE_SIZE, page: int = 1) -> tuple[pd.DataFrame, Page]:
    """The rows of one page; an out-of-range page is clamped, never an error."""
    if page_size < 1:
        raise ValueError("page size must be at least 1")
    total = len(wide)
    pages = page_count(total, page_size)
    page = min(max(1, int(page)), pages)
    start = (page - 1) * page_size
    rows = wide.iloc[start:start + page_size]
    return rows, Page(page=page, pages=pages, first=start + 1 if total else 0, last=start + len(rows), total=total)


def pivot_table(wide: pd.DataFrame, scale: int = 1, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows = categories in display order, columns = models, values in the display scale.

    With `units`, a last column `units` says per category what its numbers are ("0–100",
    "word_perplexity (own units)", "; "-joined where models differ), so an export is never ambiguous.
    """
    check_scale(scale)
    table = to_display(wide, scale, units_aligned(wide, units))
    table.index.name = "category"
    if units is not None:
        table["units"] = category_units(wide, units, scale)
    return table.reset_index()


def category_units(wide: pd.DataFrame, units: pd.DataFrame, scale: int) -> pd.Series:
    """Per category of `wide`, the units of its shown scores ("; "-joined when models differ)."""
    keys = units.reindex(index=wide.index, columns=wide.columns).to_numpy(dtype=object)
    scored = wide.notna().to_numpy(dtype=bool) & pd.notna(keys).astype(bool)
    rows = np.repeat(np.arange(len(wide)), wide.shape[1]).reshape(wide.shape)
    long = pd.DataFrame({"category": rows[scored], "key": keys[scored]}).drop_duplicates()
    long["label"] = long["key"].map({key: score_units(key, scale) for key in long["key"].unique()})
    joined = long.sort_values("label").groupby("category", sort=False)["label"].agg("; ".join)
    return pd.Series(joined.reindex(range(len(wide))).fillna("").to_numpy(dtype=object), index=wide.index)


def heatmap_matrix(wide: pd.DataFrame, scale: int = 1, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """source × category matrix in the display scale, categories in the order given."""
    check_scale(scale)
    return to_display(wide, scale, units_aligned(wide, units)).T
