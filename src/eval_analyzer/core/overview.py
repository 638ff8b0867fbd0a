"""Overview computations (SPEC §4.1, §4.2): threshold filter, sorting, pagination, pivot.

Every function takes the wide frame (category × source, unit scale) and plain settings, and returns a new frame.
Thresholds are in the display scale, the one the user sees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from eval_analyzer.core.scores import check_scale, to_display

SORT_MODES = ("mean_desc", "mean_asc", "alpha")
PAGE_SIZES = (10, 20, 30, 50, 100)
DEFAULT_PAGE_SIZE = 20
OPERATORS = ("ge", "le")
FILTER_MODES = ("any", "model")
#: Slack for the inclusive comparison: 0.29 × 100 is 28.999999999999996 in binary floating point, yet a user
#: who asks for ≥ 29 expects to see the category scored 29.
_TOLERANCE = 1e-9


def threshold_mask(wide: pd.DataFrame, threshold: float, op: str = "ge", mode: str = "any",
                   model: str | None = None, scale: int = 1) -> pd.Series:
    """Which categories meet `score op threshold` (inclusive) for any shown model, or for `model`."""
    check_scale(scale)
    if op not in OPERATORS:
        raise ValueError(f"op must be one of {OPERATORS}")
    values = wide if mode == "any" else wide[[model]] if model in wide.columns else wide.iloc[:, :0]
    shown = to_display(values.to_numpy(dtype="float64"), scale)
    with np.errstate(invalid="ignore"):
        meets = shown >= threshold - _TOLERANCE if op == "ge" else shown <= threshold + _TOLERANCE
    return pd.Series(meets.any(axis=1), index=wide.index, name="meets")


def apply_threshold(wide: pd.DataFrame, threshold: float, op: str = "ge", mode: str = "any",
                    model: str | None = None, scale: int = 1) -> pd.DataFrame:
    """Keep the categories that meet the condition; every model's column stays (SPEC §4.2)."""
    return wide[threshold_mask(wide, threshold, op, mode, model, scale)]


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


def pivot_table(wide: pd.DataFrame, scale: int = 1) -> pd.DataFrame:
    """Rows = categories in display order, columns = models, values in the display scale."""
    check_scale(scale)
    table = to_display(wide, scale)
    table.index.name = "category"
    return table.reset_index()


def heatmap_matrix(wide: pd.DataFrame, scale: int = 1) -> pd.DataFrame:
    """source × category matrix in the display scale, categories in the order given."""
    check_scale(scale)
    return to_display(wide, scale).T
