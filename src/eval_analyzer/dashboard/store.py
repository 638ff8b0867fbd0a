"""The session's derived data: the frames of `core.frames`, held as parameters for the views to watch.

`DerivedData` owns *when* to compute, never *what*: every frame comes from `core.frames` given the loaded table
and a frozen query built from the settings classes (dashboard/state.py). Three dependency-declared methods
recompute the three groups of outputs, each set in one `param.update`, so a view watching a group is called
once per change with all its new frames:

    data.loaded, overview.dataset/metric  ─ _derive_dataset ─▶ DATASET_OUTPUTS (wide_all, sources, …)
    dataset frames + overview, filter     ─ _derive_overview ─▶ OVERVIEW_OUTPUTS (page_wide, pivot, …)
    dataset frames + delta, scale         ─ _derive_delta ─▶ DELTA_OUTPUTS (ranking, summary, …)
    Δ frames + α, CI level, correction    ─ _derive_significance ─▶ SIGNIFICANCE_OUTPUTS (stat_ranking, …)

A method recomputes only when its query differs from the one its outputs were built from (queries compare by
value), so one user change computes each group at most once, however many watchers it reaches. Settings that
move together (the baseline leaves the candidates, the scale converts the thresholds, a new dataset picks its
models) are set by `_settle`, in one `batch_call_watchers` over the settings objects: their watchers, these
methods included, run after every value is in place, and the method that settled returns at once.
"""

from __future__ import annotations

from collections import OrderedDict
from contextlib import ExitStack, contextmanager
from dataclasses import replace

import pandas as pd
import param

from eval_analyzer.core import overview as ov
from eval_analyzer.core import questions as qs
from eval_analyzer.core.delta import without_baseline
from eval_analyzer.core.frames import (
    DELTA_STATUSES,
    DatasetFrames,
    DeltaQuery,
    OverviewOrder,
    OverviewQuery,
    dataset_frames,
    delta_frames,
    empty_wide,
    export_pivot,
    overview_frames,
    overview_order,
)
from eval_analyzer.core.scores import shows_fractions
from eval_analyzer.core.significance import Significance, judged, tested
from eval_analyzer.core.stats import StatsQuery
from eval_analyzer.core.table import LoadedData
from eval_analyzer.dashboard.lazy_stats import ensure_statistics
from eval_analyzer.dashboard.overview_chart import fitted_page_size, plot_width
from eval_analyzer.dashboard.state import (
    SETTINGS,
    DataState,
    DeltaSettings,
    FilterSettings,
    OverviewSettings,
    QuestionSettings,
    UIState,
)

#: Candidates chosen by default: every other source up to this many, so the faceted Δ chart stays readable.
DEFAULT_MAX_CANDIDATES = 5

#: The outputs of each group, set together: a view watches the names of the group it draws.
DATASET_OUTPUTS = ("datasets", "metrics", "sources", "wide_all", "std_all", "files_all", "units_all")
OVERVIEW_OUTPUTS = ("sorted_wide", "page_wide", "page_info", "overall", "filter_empty", "pivot", "page_shown",
                    "page_spread", "heatmap", "own_units", "mixed_units")
DELTA_OUTPUTS = ("delta_all", "ranking", "summary", "top", "bottom", "delta_matrix", "delta_status",
                 "delta_own_units", "delta_mixed_units")
#: The Δ frames with their statistics; set together with DELTA_OUTPUTS on a Δ change, alone on an α change.
SIGNIFICANCE_OUTPUTS = ("stats_status", "stat_ranking", "stat_summary", "stat_top", "stat_bottom", "stat_matrix")
#: Why the statistics are missing, if they are: "loading" while scipy is fetched (static page), "empty" when
#: there is no Δ to test.
STATS_STATUSES = ("ok", "loading", "empty")
#: Significance results kept per session: switching α, the CI level or the correction back is free.
STATS_CACHE_SIZE = 16
QUESTION_OUTPUTS = ("question_pairs", "question_page", "question_candidate", "question_missing")


@contextmanager
def batch(*objects: param.Parameterized):
    """Set parameters of several objects; every watcher of them runs after the last value is in place, the last
    object's watchers first."""
    with ExitStack() as stack:
        for obj in objects:
            stack.enter_context(param.parameterized.batch_call_watchers(obj))
        yield


class DerivedData(param.Parameterized):
    """Derived data of one session. Views read these parameters and watch them to draw."""

    data = param.ClassSelector(class_=DataState, doc="Loaded files")
    overview = param.ClassSelector(class_=OverviewSettings, doc="Overview settings")
    filter = param.ClassSelector(class_=FilterSettings, doc="Threshold filter settings")
    delta = param.ClassSelector(class_=DeltaSettings, doc="Δ settings")
    ui = param.ClassSelector(class_=UIState, doc="Tab and language")
    questions = param.ClassSelector(class_=QuestionSettings, doc="Questions tab settings")

    frames = param.ClassSelector(class_=DatasetFrames, doc="core.frames.DatasetFrames of the selected dataset")
    datasets = param.List(default=[], doc="Datasets of the loaded data, sorted")
    metrics = param.List(default=[], doc="Metrics of the selected dataset, primary ones first")
    sources = param.List(default=[], doc="Source labels with scores in the selected dataset, in load order")
    all_sources = param.List(default=[], doc="Source labels of every dataset, in load order (what `models` "
                                            "chooses from: a choice outlives a dataset that lacks the model)")
    wide_all = param.DataFrame(default=None, allow_None=True, doc="category × every source of the dataset (unit)")
    std_all = param.DataFrame(default=None, allow_None=True, doc="Run-to-run std, same shape as wide_all")
    files_all = param.DataFrame(default=None, allow_None=True, doc="category × source: the item's file name")
    units_all = param.DataFrame(default=None, allow_None=True,
                                doc="category × source unit keys (core.scores.wide_units): which scores keep "
                                    "their own units instead of following the scale")

    sorted_wide = param.DataFrame(default=None, allow_None=True,
                                  doc="Shown models' scores after threshold filter and sort (unit scale)")
    page_wide = param.DataFrame(default=None, allow_None=True, doc="The rows of `sorted_wide` on the current page")
    page_info = param.Parameter(default=ov.Page(1, 1, 0, 0, 0), doc="core.overview.Page of the current page")
    overall = param.DataFrame(default=None, allow_None=True,
                              doc="Overall average per shown model (`score` unit scale, `shown` display scale)")
    filter_empty = param.Boolean(default=False, doc="True when the filter is on and no category meets it")
    pivot = param.DataFrame(default=None, allow_None=True, doc="The page in the display scale, with `units`")
    page_shown = param.DataFrame(default=None, allow_None=True, doc="The page's scores in the display scale")
    page_spread = param.DataFrame(default=None, allow_None=True, doc="The page's run std in the display scale")
    heatmap = param.DataFrame(default=None, allow_None=True, doc="source × category scores, display scale")
    own_units = param.List(default=[], doc="Own-units metrics among the shown models' scores")
    mixed_units = param.Boolean(default=False, doc="The shown scores mix fractions and own-units metrics")

    delta_all = param.DataFrame(default=None, allow_None=True, doc="Δ for every paired (candidate, category)")
    ranking = param.DataFrame(default=None, allow_None=True, doc="Δ rows after min |Δ|, in the chosen order")
    summary = param.DataFrame(default=None, allow_None=True, doc="Per-candidate Δ summary over all paired rows")
    top = param.DataFrame(default=None, allow_None=True, doc="Top-N most improved per candidate")
    bottom = param.DataFrame(default=None, allow_None=True, doc="Bottom-N most regressed per candidate")
    delta_matrix = param.DataFrame(default=None, allow_None=True, doc="candidate × category Δ (the Δ heatmap)")
    delta_status = param.Selector(default="ok", objects=list(DELTA_STATUSES), doc="Why the Δ tab is empty, if it is")
    delta_own_units = param.List(default=[], doc="Own-units metrics among the baseline's and candidates' scores")
    delta_mixed_units = param.Boolean(default=False, doc="Those scores mix fractions and own-units metrics")

    stats_status = param.Selector(default="empty", objects=list(STATS_STATUSES),
                                  doc="Whether the statistics below are computed, loading or not applicable")
    stat_ranking = param.DataFrame(default=None, allow_None=True,
                                   doc="`ranking` with n, CI, p, p_adjusted, test, significant and MDE")
    stat_summary = param.DataFrame(default=None, allow_None=True,
                                   doc="`summary` with the CI of the mean Δ, p, test and significant W/L")
    stat_top = param.DataFrame(default=None, allow_None=True, doc="`top` with the row statistics")
    stat_bottom = param.DataFrame(default=None, allow_None=True, doc="`bottom` with the row statistics")
    stat_matrix = param.DataFrame(default=None, allow_None=True,
                                  doc="candidate × category: significant (bool), shaped like delta_matrix")
    delta_shown = param.Boolean(default=True, doc="Whether a view that draws Δ outputs (the Δ tab, Heatmaps) is "
                                "on screen. While False a Δ setting change derives nothing; the outputs catch up "
                                "when it turns True. The app follows the open tab: a scale, model or data change "
                                "on the Overview then skips the Δ table and its tests (half a scale switch's "
                                "server time at 20 models). A store on its own derives everything.")
    question_pairs = param.ClassSelector(class_=qs.QuestionPairs, default=qs.QuestionPairs(),
                                         doc="core.questions.QuestionPairs of the baseline and the candidate")
    question_page = param.ClassSelector(class_=qs.QuestionPage, default=None, allow_None=True,
                                        doc="The question table's page, bucket counts and totals")
    question_candidate = param.String(default="", doc="The candidate the Questions tab compares (the default "
                                                      "resolved: the first Δ candidate)")
    question_missing = param.List(default=[], doc="Of baseline and candidate, the sources without per-question "
                                                  "answers in the dataset")

    def __init__(self, **params):
        # Only the missing ones are built (`setdefault` would build an empty DataState even when one is given).
        params = {name: cls() for name, cls in SETTINGS.items() if name not in params} | params
        if "data" not in params:
            params["data"] = DataState()
        super().__init__(**params)
        self._loaded: LoadedData | None = None  # the data `frames` was built from
        self._scale = self.overview.scale  # the scale the thresholds are written in
        self._overview: tuple[OverviewQuery, DatasetFrames] | None = None  # what OVERVIEW_OUTPUTS come from
        self._order: tuple[OverviewQuery, DatasetFrames, OverviewOrder] | None = None  # ...but for the page
        self._delta: tuple[DeltaQuery, DatasetFrames] | None = None  # what DELTA_OUTPUTS come from
        self._stats_key: tuple | None = None  # what SIGNIFICANCE_OUTPUTS come from, with this ranking:
        self._stats_ranking: pd.DataFrame | None = None
        self._stats_cache: OrderedDict[tuple, Significance] = OrderedDict()
        self._stats_loaded: LoadedData | None = None  # the data the cache's results were computed on
        self._offered: set[str] = set()  # source labels the model boxes have offered (a new one is ticked)
        self._pairs_key: tuple | None = None  # what `question_pairs` was built from
        self._question: tuple | None = None  # (pair key, query) `question_page` comes from
        self._question_filters: tuple | None = None  # the last filters seen, to send a new filter to page 1
        self._derive_dataset()

    # -- the three groups -------------------------------------------------------------------------------------

    @param.depends("data.loaded", "overview.dataset", "overview.metric", watch=True)
    def _derive_dataset(self) -> None:
        loaded, ov_settings = self.data.loaded, self.overview
        if loaded is not self._loaded:
            self.datasets = loaded.datasets
            self.all_sources = loaded.sources["source_label"].tolist()
            if ov_settings.dataset not in loaded.datasets and loaded.datasets:
                self._loaded = None
                ov_settings.dataset = loaded.datasets[0]  # re-enters with the new dataset
                return
        frames = self.frames
        if (frames is not None and loaded is self._loaded and frames.dataset == ov_settings.dataset
                and frames.metric == ov_settings.metric):
            return
        new = dataset_frames(loaded, ov_settings.dataset, ov_settings.metric)
        if ov_settings.metric and ov_settings.metric not in new.metrics:
            ov_settings.metric = ""  # this dataset lacks it: back to the primary metrics (re-enters)
            return
        fresh = loaded is not self._loaded
        self._loaded = loaded
        previous = list(self.sources)
        # The store last, so its events reach their watchers first: the widgets' options (`sources`) are in
        # place before the settings' new values reach the widgets.
        with batch(self.overview, self.filter, self.delta, self):
            self.param.update(frames=new, metrics=list(new.metrics), sources=list(new.sources),
                              units_all=new.units, wide_all=new.wide, std_all=new.std, files_all=new.files)
            self._pick_for_dataset(list(new.sources), previous, fresh)
        self._derive_overview()
        self._derive_delta()

    def _pick_for_dataset(self, sources: list[str], previous: list[str], fresh: bool) -> None:
        """A new dataset keeps the threshold model, baseline and candidates it has, picks defaults for the
        others, and starts at page 1.

        The models chosen are kept whole, those without scores here included (they are just not drawn), so
        switching to a dataset that lacks a model and back shows it again, and the URL keeps the choice. A model
        the user has not been offered yet (a first load, a file added, a dataset of models not seen before) is
        shown; so is every model of the dataset when none of the chosen has scores in it."""
        chosen = [name for name in self.overview.models if name in self.all_sources]
        new = [name for name in sources if name not in self._offered]
        if not any(name in sources for name in chosen):
            new = sources
        if new:
            wanted = set(chosen) | set(new)
            chosen = [name for name in self.all_sources if name in wanted]
        self._offered.update(sources)
        self.overview.param.update(models=chosen, page=1)
        if self.filter.model not in sources:
            self.filter.model = sources[0] if sources else ""
        baseline = self.delta.baseline if self.delta.baseline in sources else sources[0] if sources else ""
        candidates = [name for name in without_baseline(self.delta.candidates, baseline) if name in sources]
        if not candidates and (fresh or previous != sources):
            candidates = without_baseline(sources, baseline)[:DEFAULT_MAX_CANDIDATES]
        self.delta.param.update(baseline=baseline, candidates=candidates)

    @param.depends("overview.models", "overview.scale", "overview.sort", "overview.page_size", "overview.page",
                   "filter.on", "filter.op", "filter.mode", "filter.threshold", "filter.model", watch=True)
    def _derive_overview(self) -> None:
        if self._settle():
            return
        query, frames = self.overview_query(), self.frames
        last = self._overview
        if last is not None and last[0] == query and last[1] is frames:
            return
        if (last is not None and last[1] is frames and query.pages_hold() != last[0].pages_hold()
                and query.page == last[0].page and query.page != 1):
            self.overview.page = 1  # what the pages hold changed: back to page 1 (re-enters)
            return
        # A page turn keeps the filtered, sorted categories: only the slice is new.
        unpaged = replace(query, page=1)
        if self._order is None or self._order[0] != unpaged or self._order[1] is not frames:
            self._order = (unpaged, frames, overview_order(self.data.loaded, frames, query))
        result = overview_frames(self.data.loaded, frames, query, self._order[2])
        self._overview = (replace(query, page=result.page_info.page), frames)
        if result.page_info.page != query.page:
            self.overview.page = result.page_info.page  # clamped; re-enters and finds the query unchanged
        self.param.update(sorted_wide=result.sorted_wide, page_wide=result.page_wide, page_info=result.page_info,
                          overall=result.overall, filter_empty=result.filter_empty, pivot=result.pivot,
                          page_shown=result.page_shown, page_spread=result.page_spread,
                          heatmap=result.heatmap, own_units=list(result.own_units),
                          mixed_units=result.mixed_units)

    @param.depends("overview.scale", "delta.baseline", "delta.candidates", "delta.sort", "delta.min_delta",
                   "delta.eps", "delta.top_n", "delta_shown", watch=True)
    def _derive_delta(self) -> None:
        if self._settle() or not self.delta_shown:
            return
        self._publish_delta()

    def prepare_delta(self) -> None:
        """Derive the Δ outputs (with their statistics) for the settings as they are, though no Δ view is shown:
        the app calls it once a served page is idle, so that the first open of the Δ tab or Heatmaps finds them
        ready. Changes made afterwards on the Overview are not followed (`delta_shown`); a first open then
        derives what changed, as without this."""
        if not self._settle():
            self._publish_delta()

    def _publish_delta(self) -> None:
        query, frames = self.delta_query(), self.frames
        if self._delta is not None and self._delta[0] == query and self._delta[1] is frames:
            return
        result = delta_frames(frames, query)
        self._delta = (query, frames)
        outputs = dict(delta_all=result.deltas, ranking=result.ranking, summary=result.summary,
                       top=result.top, bottom=result.bottom, delta_matrix=result.matrix,
                       delta_status=result.status, delta_own_units=list(result.own_units),
                       delta_mixed_units=result.mixed_units)
        # One update with the statistics: a view of both groups draws once per change.
        self.param.update(**outputs, **self._significance_outputs(outputs))

    # -- statistics -------------------------------------------------------------------------------------------

    def stats_query(self) -> StatsQuery:
        d = self.delta
        return StatsQuery(alpha=float(d.alpha), ci=float(d.ci), correction=d.correction)

    @param.depends("delta.alpha", "delta.ci", "delta.correction", watch=True)
    def _derive_significance(self) -> None:
        """An α, CI-level or correction change: new statistics on the Δ table as it is (not recomputed)."""
        if self._delta is None:
            return
        current = dict(delta_all=self.delta_all, ranking=self.ranking, summary=self.summary, top=self.top,
                       bottom=self.bottom, delta_matrix=self.delta_matrix, delta_status=self.delta_status)
        outputs = self._significance_outputs(current)
        if outputs:
            self.param.update(**outputs)

    def _statistics_ready(self) -> None:
        """scipy has arrived (static page): compute what was waiting for it."""
        self._stats_key = None
        self._derive_significance()

    def _significance_outputs(self, delta: dict) -> dict:
        """SIGNIFICANCE_OUTPUTS for these Δ outputs; {} when they would be what is shown already."""
        query, frames = self._delta
        stats_query = self.stats_query()
        key = (frames, query, stats_query)
        if key == self._stats_key and delta["ranking"] is self._stats_ranking:
            return {}
        if delta["delta_status"] != "ok" or delta["delta_all"] is None or not len(delta["delta_all"]):
            found, status = Significance(), "empty"
        elif not ensure_statistics(self._statistics_ready):
            found, status = Significance(), "loading"
        else:
            found, status = self._significance(frames, query, stats_query, delta["delta_all"]), "ok"
        self._stats_key, self._stats_ranking = (key if status != "loading" else None), delta["ranking"]
        matrix = delta["delta_matrix"]
        significant = found.rows.pivot(index="candidate", columns="category", values="significant") \
            if len(found.rows) else pd.DataFrame()
        significant = significant.reindex(index=matrix.index, columns=matrix.columns).fillna(False).astype(bool) \
            if matrix is not None and len(matrix) else pd.DataFrame(dtype=bool)
        return dict(stats_status=status, stat_ranking=found.on_rows(delta["ranking"]),
                    stat_summary=found.on_summary(delta["summary"]), stat_top=found.on_rows(delta["top"]),
                    stat_bottom=found.on_rows(delta["bottom"]), stat_matrix=significant)

    def _significance(self, frames: DatasetFrames, query: DeltaQuery, stats_query: StatsQuery,
                      deltas: pd.DataFrame) -> Significance:
        """The statistics of one (data, Δ, statistics settings). The tests run once per (data, Δ, CI level):
        a sort, min |Δ|, N, ε, α or correction change only re-judges them (adjusted p, significance, summary)."""
        loaded = self.data.loaded
        if loaded is not self._stats_loaded:
            self._stats_cache.clear()
            self._stats_loaded = loaded
        # The tests do not depend on α or the correction: changing those only re-judges them.
        key = (frames, query.baseline, query.candidates, query.scale, stats_query.ci, stats_query.test)
        found = self._stats_cache.get(key)
        if found is None:
            found = tested(loaded, frames, query.baseline, deltas, query.scale, stats_query)
            self._stats_cache[key] = found
            while len(self._stats_cache) > STATS_CACHE_SIZE:
                self._stats_cache.popitem(last=False)
        self._stats_cache.move_to_end(key)
        return judged(found, query.eps, stats_query)

    @param.depends("frames", "delta.baseline", "delta.candidates", "questions.candidate", "questions.category",
                   "questions.bucket", "questions.search", "questions.sort", "questions.page", "ui.tab",
                   watch=True)
    def _derive_questions(self) -> None:
        """Pairs the baseline's and the candidate's answers once per pair, and only while the Questions tab is
        open (100,000 questions a side take a tenth of a second); a filter change goes back to page 1."""
        frames, settings = self.frames, self.questions
        if frames is None:
            return
        candidate = self.question_candidate_for(settings.candidate)
        category = settings.category if settings.category in self.question_categories else ""
        filters = (id(frames), self.delta.baseline, candidate, category, settings.bucket, settings.search.strip(),
                   settings.sort)
        last, self._question_filters = self._question_filters, (filters, settings.page)
        if last is not None and last[0] != filters and last[1] == settings.page and settings.page != 1:
            self._question_filters = (filters, 1)
            settings.page = 1  # re-enters
            return
        if self.ui.tab != "questions":
            return
        key = (id(self.data.loaded), frames.dataset, frames.metric, self.delta.baseline, candidate)
        pairs = self.question_pairs
        if key != self._pairs_key:
            pairs = qs.question_pairs(self.data.loaded, frames.dataset, frames.metric, self.delta.baseline,
                                      candidate, frames.higher_is_better)
        query = qs.QuestionQuery(category=category, bucket=settings.bucket, search=settings.search.strip(),
                                 sort=settings.sort, page=settings.page)
        if self._question is not None and self._question == (key, query) and pairs is self.question_pairs:
            return
        page = qs.question_page(pairs, query)
        self._question = (key, replace(query, page=page.page))
        self._pairs_key = key
        answered = qs.sources_with_answers(self.data.loaded.samples, frames.dataset) if pairs.status != "ok" \
            else set()
        missing = [name for name in (self.delta.baseline, candidate) if name and pairs.status != "ok"
                   and name not in answered]
        self.param.update(question_pairs=pairs, question_page=page, question_candidate=candidate,
                          question_missing=missing)
        if page.page != settings.page:
            self._question_filters = (filters, page.page)
            settings.page = page.page  # clamped; re-enters and finds the query unchanged

    def question_candidate_for(self, name: str) -> str:
        """The Questions tab's candidate: `name` when it is a source of the dataset other than the baseline,
        else the first Δ candidate, else the first other source."""
        baseline, sources = self.delta.baseline, list(self.sources)
        if name and name != baseline and name in sources:
            return name
        others = [*[c for c in self.delta.candidates if c in sources], *without_baseline(sources, baseline)]
        others = [c for c in others if c != baseline]
        return others[0] if others else ""

    @property
    def question_categories(self) -> list[str]:
        """Categories the Questions tab may be narrowed to: the dataset's."""
        return [str(name) for name in self.wide_all.index] if self.wide_all is not None else []

    def open_questions(self, candidate: str, category: str) -> None:
        """The Questions tab on one candidate and category (a click on a Δ bar), every question, page 1."""
        with batch(self.ui, self.questions):
            self.questions.param.update(candidate=candidate, category=category, bucket="all", search="", page=1)
            self.ui.tab = "questions"

    def warm_question_search(self, pairs: qs.QuestionPairs) -> None:
        """Build the search texts of `pairs` if they are still the tab's pair (the view calls this right after
        the first page is drawn, so the first search does not pay for lower-casing every output)."""
        if pairs is self.question_pairs and pairs.status == "ok" and pairs.has_texts:
            qs.search_texts(pairs)

    def question_export(self) -> pd.DataFrame:
        """Every question of the current filters (all pages), for the CSV."""
        query = self._question[1] if self._question is not None else qs.QuestionQuery()
        return qs.export_rows(self.question_pairs, query)

    # -- settings that move together --------------------------------------------------------------------------

    def _settle(self) -> bool:
        """Make the settings consistent; True when that changed any (their watchers then derived everything)."""
        changes = self.scale_changes(self.overview.scale)
        if self.delta.baseline in self.delta.candidates:
            changes.setdefault(self.delta, {})["candidates"] = without_baseline(self.delta.candidates,
                                                                                self.delta.baseline)
        self._scale = self.overview.scale
        if not changes:
            return False
        with batch(self.filter, self.delta):
            for obj, values in changes.items():
                obj.param.update(**values)
        return True

    def scale_changes(self, scale: int) -> dict[param.Parameterized, dict[str, float]]:
        """A switch to `scale` converts every number written in the display scale instead of resetting it —
        when it changes what is shown: a dataset whose metric keeps its own units (perplexity) looks the same
        at either scale, and so do its threshold, min |Δ| and ε."""
        if scale == self._scale or not shows_fractions(self.units_all):
            return {}
        factor = scale / self._scale
        threshold = round(self.filter.threshold * factor, 10)
        if self._overview is not None:  # the same categories: the page stays
            self._overview = (replace(self._overview[0], threshold=threshold), self._overview[1])
        changes: dict[param.Parameterized, dict[str, float]] = {}
        if threshold != self.filter.threshold:
            changes[self.filter] = {"threshold": threshold}
        values = {name: round(getattr(self.delta, name) * factor, 10) for name in ("min_delta", "eps")}
        values = {name: value for name, value in values.items() if value != getattr(self.delta, name)}
        if values:
            changes[self.delta] = values
        return changes

    def update_settings(self, changes: dict[param.Parameterized, dict]) -> None:
        """Set several settings at once (the URL restore): the frames are derived once, from all of them. A
        scale among them converts the other numbers first, and explicit values win over converted ones."""
        scale = changes.get(self.overview, {}).get("scale", self.overview.scale)
        merged: dict[param.Parameterized, dict] = {}
        for obj, values in self.scale_changes(scale).items():
            merged[obj] = dict(values)
        for obj, values in changes.items():
            merged.setdefault(obj, {}).update(values)
        self._scale = scale
        if "models" in changes.get(self.overview, {}):
            self._offered.update(self.all_sources)  # a link's choice covers every model it was made with
        with batch(self.ui, self.overview, self.filter, self.delta, self.questions):
            for obj, values in merged.items():
                obj.param.update(**values)

    # -- queries and helpers ----------------------------------------------------------------------------------

    def overview_query(self) -> OverviewQuery:
        o, f = self.overview, self.filter
        return OverviewQuery(dataset=o.dataset, metric=o.metric, models=tuple(self.shown_models()), scale=o.scale,
                             sort=o.sort, page_size=self.shown_page_size, page=o.page, filter_on=f.on, op=f.op,
                             mode=f.mode, threshold=f.threshold, filter_model=f.model)

    def shown_models(self) -> list[str]:
        """The chosen models with scores in the selected dataset: the ones drawn."""
        sources = set(self.sources)
        return [name for name in self.overview.models if name in sources]

    @property
    def shown_page_size(self) -> int:
        """Categories per page shown: the chosen size, fewer when bars would get too thin at this many
        models (`overview_chart.fitted_page_size`, README "Overview at many models")."""
        models = self.shown_models()
        return fitted_page_size(self.overview.page_size, len(models), plot_width(models))

    def delta_query(self) -> DeltaQuery:
        d = self.delta
        return DeltaQuery(baseline=d.baseline, candidates=tuple(d.candidates), scale=self.overview.scale,
                          sort=d.sort, min_delta=d.min_delta, eps=d.eps, top_n=d.top_n)

    def threshold_end(self, scale: int | None = None) -> float:
        """The threshold slider's end: the scale, or the largest own-units value shown when it is larger."""
        wide = self.wide_all if self.wide_all is not None else empty_wide()
        return ov.threshold_end(wide, self.overview.scale if scale is None else scale, self.units_all)

    def export(self, which: str) -> pd.DataFrame:
        """The pivot of the current page ("page") or of every filtered category ("all") for a CSV."""
        rows = self.page_wide if which == "page" else self.sorted_wide
        return export_pivot(self.frames, rows, self.overview.scale)
