"""Everything a tab draws, built whole from the loaded table and frozen settings: the one pipeline of the
dashboard and the command line.

Three steps, each a pure function of its inputs so that a caller can tell from the inputs alone whether its
frames are stale (the query dataclasses are frozen and compare by value):

- `dataset_frames(loaded, dataset, metric)`: one dataset's wide score, std, file and units frames;
- `overview_frames(loaded, data, OverviewQuery)`: filtered and sorted categories, the page, the overall
  averages, the pivot and the score heatmap, in the display scale;
- `delta_frames(data, DeltaQuery)`: the Δ table, ranking, summary, top/bottom-N and the Δ heatmap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from eval_analyzer.core import delta as delta_math
from eval_analyzer.core import overview as ov
from eval_analyzer.core.scores import (
    FRACTION,
    dataset_metrics,
    dataset_rows,
    display_factor,
    higher_is_better,
    overall_for,
    sources_of,
    to_display,
    units_aligned,
    units_note,
    units_summary,
    wide_scores,
    wide_units,
)
from eval_analyzer.core.table import LoadedData

#: Why the Δ tab is empty, if it is ("ok" when it is not).
DELTA_STATUSES = ("ok", "no_data", "no_baseline", "no_candidates", "no_paired")


def empty_wide() -> pd.DataFrame:
    """A category × source frame with no rows and no columns, typed like `scores.wide_scores`."""
    frame = pd.DataFrame(index=pd.Index([], dtype=object, name="category"), dtype="float64")
    frame.columns = pd.Index([], dtype=object, name="source_label")
    return frame


# -- one dataset ----------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class DatasetFrames:
    """One dataset on one metric ("" = each file's primary one), every source, the unit scale."""

    dataset: str = ""
    metric: str = ""
    metrics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    wide: pd.DataFrame = field(default_factory=empty_wide)
    std: pd.DataFrame = field(default_factory=empty_wide)
    files: pd.DataFrame = field(default_factory=empty_wide)
    units: pd.DataFrame = field(default_factory=empty_wide)
    higher_is_better: bool = True
    #: Score rows of the dataset on that metric (a metric no file of the dataset reports has none).
    rows: int = 0

    def units_of(self, names) -> tuple[tuple[str, ...], bool]:
        """The own-units metrics among the scores of `names` (which a view names next to its numbers), and
        whether those scores mix them with 0–1 fractions."""
        units = self.units[[name for name in names if name in self.units.columns]]
        own = tuple(units_note(units))
        return own, bool(own) and bool((units.to_numpy(dtype=object) == FRACTION).any())


def dataset_frames(loaded: LoadedData, dataset: str, metric: str = "") -> DatasetFrames:
    """The frames of `dataset`; an unknown dataset gives empty frames, an unknown metric no scores (the caller
    falls back to the primary metrics, which `metrics` lists)."""
    table = loaded.table
    if dataset not in loaded.datasets:
        return DatasetFrames(dataset=dataset, metric=metric)
    metrics = tuple(dataset_metrics(table, dataset))
    rows = dataset_rows(table, dataset, metric or None)
    sources = sources_of(rows)
    if not len(rows):
        return DatasetFrames(dataset=dataset, metric=metric, metrics=metrics)
    return DatasetFrames(dataset=dataset, metric=metric, metrics=metrics, sources=tuple(sources), rows=len(rows),
                         wide=wide_scores(rows, sources), std=wide_scores(rows, sources, value="std"),
                         files=wide_scores(rows, sources, value="file"), units=wide_units(rows, sources),
                         higher_is_better=higher_is_better(rows))


# -- Overview -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OverviewQuery:
    """The settings the Overview and the score heatmap depend on (threshold in the display scale)."""

    dataset: str = ""
    metric: str = ""
    models: tuple[str, ...] = ()
    scale: int = 1
    sort: str = "mean_desc"
    page_size: int = ov.DEFAULT_PAGE_SIZE
    page: int = 1
    filter_on: bool = False
    op: str = "ge"
    mode: str = "any"
    threshold: float = 0.5
    filter_model: str = ""

    def pages_hold(self) -> tuple:
        """What decides which categories the pages hold: when it changes, the user starts again at page 1."""
        return (self.dataset, self.metric, self.models, self.sort, self.page_size, self.filter_on, self.op,
                self.mode, self.threshold, self.filter_model)


@dataclass(frozen=True, eq=False)
class OverviewFrames:
    """What the Overview and the score heatmap draw."""

    sorted_wide: pd.DataFrame = field(default_factory=empty_wide)
    page_wide: pd.DataFrame = field(default_factory=empty_wide)
    page_info: ov.Page = ov.Page(1, 1, 0, 0, 0)
    overall: pd.DataFrame = field(default_factory=pd.DataFrame)
    filter_empty: bool = False
    pivot: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["category"]))
    #: The page's scores and run-to-run std in the display scale (own-units metrics unscaled): the bars.
    page_shown: pd.DataFrame = field(default_factory=empty_wide)
    page_spread: pd.DataFrame = field(default_factory=empty_wide)
    heatmap: pd.DataFrame = field(default_factory=pd.DataFrame)
    own_units: tuple[str, ...] = ()
    mixed_units: bool = False


@dataclass(frozen=True, eq=False)
class OverviewOrder:
    """The part of the Overview that does not depend on the page: a page turn reuses it."""

    sorted_wide: pd.DataFrame
    shown: pd.DataFrame
    factor: object
    overall: pd.DataFrame
    filter_empty: bool
    own_units: tuple[str, ...]
    mixed_units: bool


def overview_order(loaded: LoadedData, data: DatasetFrames, query: OverviewQuery) -> OverviewOrder:
    """Filter and sort `data` by `query` (its page is ignored), in the unit and the display scale."""
    wide = data.wide[[name for name in query.models if name in data.wide.columns]]
    if query.filter_on:
        wide = ov.apply_threshold(wide, query.threshold, query.op, query.mode, query.filter_model or None,
                                  query.scale, data.units)
    filter_empty = bool(query.filter_on and not len(wide) and len(data.wide))
    ordered = ov.sort_categories(wide, query.sort)
    metric = query.metric or None
    overall = overall_for(loaded.overall, query.dataset, list(wide.columns), metric,
                          data.wide if metric else None, data.units)
    overall["shown"] = overall["score"] * display_factor(overall["units"], query.scale)
    # The display scale once for every shown category: the heatmap shows them all, a page is a slice.
    factor = display_factor(units_aligned(ordered, data.units), query.scale)
    own, mixed = data.units_of(query.models)
    return OverviewOrder(sorted_wide=ordered, shown=to_display(ordered, factor), factor=factor, overall=overall,
                         filter_empty=filter_empty, own_units=own, mixed_units=mixed)


def overview_frames(loaded: LoadedData, data: DatasetFrames, query: OverviewQuery,
                    order: OverviewOrder | None = None) -> OverviewFrames:
    """Filter, sort and page `data` by `query`; `page_info.page` is the page actually shown (clamped).
    `order` is `overview_order(loaded, data, query)` when the caller kept it from another page."""
    order = order if order is not None else overview_order(loaded, data, query)
    ordered = order.sorted_wide
    page, info = ov.paginate(ordered, query.page_size, query.page)
    rows = slice(info.first - 1 if info.total else 0, info.last)
    page_shown = order.shown.iloc[rows]
    pivot = pd.DataFrame(columns=["category"])
    if len(page):  # as core.overview.pivot_table(page, scale, units), from the values scaled above
        pivot = page_shown.copy()
        pivot.index.name = "category"
        pivot["units"] = ov.category_units(page, data.units, query.scale)
        pivot = pivot.reset_index()
    spread = data.std.reindex(index=page.index, columns=page.columns) * order.factor[rows]
    return OverviewFrames(sorted_wide=ordered, page_wide=page, page_info=info, overall=order.overall,
                          filter_empty=order.filter_empty, pivot=pivot, page_shown=page_shown, page_spread=spread,
                          heatmap=order.shown.T, own_units=order.own_units, mixed_units=order.mixed_units)


def export_pivot(data: DatasetFrames, rows: pd.DataFrame, scale: int) -> pd.DataFrame:
    """The pivot of `rows` (a page, or every filtered category) for a CSV: display scale, a `units` column."""
    return ov.pivot_table(rows, scale, data.units.reindex(columns=rows.columns))


# -- Δ --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeltaQuery:
    """The settings the Δ tab and the Δ heatmap depend on (min |Δ| and ε in the display scale)."""

    baseline: str = ""
    candidates: tuple[str, ...] = ()
    scale: int = 1
    sort: str = "abs_desc"
    min_delta: float = 0.0
    eps: float = 0.0
    top_n: int = delta_math.DEFAULT_TOP_N


@dataclass(frozen=True, eq=False)
class DeltaFrames:
    """What the Δ tab and the Δ heatmap draw; `status` says why they are empty, if they are."""

    deltas: pd.DataFrame
    ranking: pd.DataFrame
    summary: pd.DataFrame
    top: pd.DataFrame
    bottom: pd.DataFrame
    matrix: pd.DataFrame
    status: str = "ok"
    own_units: tuple[str, ...] = ()
    mixed_units: bool = False


def delta_frames(data: DatasetFrames, query: DeltaQuery) -> DeltaFrames:
    """Δ of every candidate against the baseline over `data` (the CLI's `compare` and the dashboard's Δ tab)."""
    wide = data.wide
    candidates = delta_math.without_baseline(query.candidates, query.baseline)
    status = delta_math.delta_status(wide, query.baseline, candidates)
    if status == "ok":
        deltas = delta_math.delta_table(wide, query.baseline, candidates, query.scale, data.higher_is_better,
                                        std=data.std, units=data.units)
        if not len(deltas):
            status = "no_paired"
    else:
        deltas = delta_math.delta_table(empty_wide(), "", [], query.scale)
    compared = data.units.reindex(columns=list(dict.fromkeys([query.baseline, *candidates])))
    summary = delta_math.delta_summary(deltas, candidates, len(wide.index), query.eps, query.baseline,
                                       units_summary(compared, query.scale))
    ranking = delta_math.sort_delta(delta_math.filter_min_delta(deltas, query.min_delta), query.sort)
    top, bottom = delta_math.top_bottom(deltas, query.top_n)
    paired = set(deltas["category"])
    matrix = (delta_math.delta_matrix(deltas, [c for c in wide.index if c in paired]) if len(deltas)
              else pd.DataFrame(dtype="float64"))
    own, mixed = data.units_of([query.baseline, *query.candidates])
    return DeltaFrames(deltas=deltas, ranking=ranking, summary=summary, top=top, bottom=bottom, matrix=matrix,
                       status=status, own_units=own, mixed_units=mixed)
