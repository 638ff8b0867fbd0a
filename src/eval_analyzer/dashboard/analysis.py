"""Derived frames, computed once per change and shared by every view (STYLE 6).

`Analysis` watches the settings classes and stores what the views show: the dataset's wide score frame, the
filtered and sorted categories, the current page, overall averages and the Δ frames. All arithmetic is a call
into `eval_analyzer.core`; this class only decides *when* to call and keeps settings consistent with the data
(a dataset that vanished, a baseline that is also a candidate, a scale switch that converts thresholds).
"""

from __future__ import annotations

from contextlib import contextmanager

import pandas as pd
import param

from eval_analyzer.core import delta as delta_math
from eval_analyzer.core import overview as ov
from eval_analyzer.core.scores import (
    dataset_metrics,
    dataset_rows,
    higher_is_better,
    overall_for,
    shows_fractions,
    sources_of,
    units_note,
    units_summary,
    wide_scores,
    wide_units,
)
from eval_analyzer.dashboard.state import DataState, DeltaSettings, FilterSettings, OverviewSettings, UIState

#: Candidates chosen by default: every other source up to this many, so the faceted Δ chart stays readable.
DEFAULT_MAX_CANDIDATES = 5


def _empty_wide() -> pd.DataFrame:
    frame = pd.DataFrame(index=pd.Index([], dtype=object, name="category"), dtype="float64")
    frame.columns = pd.Index([], dtype=object, name="source_label")
    return frame


class Analysis(param.Parameterized):
    """Derived data of one session. Views read these parameters and watch them to refresh."""

    data = param.ClassSelector(class_=DataState, doc="Loaded files")
    overview = param.ClassSelector(class_=OverviewSettings, doc="Overview settings")
    filter = param.ClassSelector(class_=FilterSettings, doc="Threshold filter settings")
    delta = param.ClassSelector(class_=DeltaSettings, doc="Δ settings")
    ui = param.ClassSelector(class_=UIState, doc="Tab and language")

    datasets = param.List(default=[], doc="Datasets of the loaded data, sorted")
    metrics = param.List(default=[], doc="Metrics of the selected dataset, primary ones first")
    sources = param.List(default=[], doc="Source labels with scores in the selected dataset, in load order")
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
    overall = param.DataFrame(default=None, allow_None=True, doc="Overall average per shown model (unit scale)")
    filter_empty = param.Boolean(default=False, doc="True when the filter is on and no category meets it")
    delta_all = param.DataFrame(default=None, allow_None=True, doc="Δ for every paired (candidate, category)")
    ranking = param.DataFrame(default=None, allow_None=True, doc="Δ rows after min |Δ|, in the chosen order")
    summary = param.DataFrame(default=None, allow_None=True, doc="Per-candidate Δ summary over all paired rows")
    top = param.DataFrame(default=None, allow_None=True, doc="Top-N most improved per candidate")
    bottom = param.DataFrame(default=None, allow_None=True, doc="Bottom-N most regressed per candidate")
    delta_status = param.Selector(default="ok", objects=["ok", "no_data", "no_baseline", "no_candidates",
                                                         "no_paired"], doc="Why the Δ tab is empty, if it is")
    overview_version = param.Integer(default=0, doc="Bumped after every overview recomputation")
    delta_version = param.Integer(default=0, doc="Bumped after every Δ recomputation")

    def __init__(self, **params):
        # Only the missing ones are built (`setdefault` would build an empty DataState even when one is given).
        defaults = {"data": DataState, "overview": OverviewSettings, "filter": FilterSettings,
                    "delta": DeltaSettings, "ui": UIState}
        params = {name: make() for name, make in defaults.items() if name not in params} | params
        super().__init__(**params)
        self._held = 0
        self.overview.param.watch(self._on_scale, "scale")
        self.overview.param.watch(self._settings_changed, ["sort", "page_size", "models"])
        self.filter.param.watch(self._settings_changed, ["on", "op", "mode", "threshold", "model"])
        self.delta.param.watch(self._on_baseline, "baseline")
        self._on_loaded()

    @property
    def held(self) -> bool:
        """True inside `hold()`: settings are mid-change and derived frames are stale."""
        return self._held > 0

    @contextmanager
    def hold(self, overview: bool = True, delta: bool = True):
        """Change several settings, then recompute once (used by the URL restore and by consistency fixes)."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
        if not self._held:
            if overview:
                self._compute_overview()
            if delta:
                self._compute_delta()

    # -- data and dataset -------------------------------------------------------------------------------------

    @param.depends("data.loaded", watch=True)
    def _on_loaded(self) -> None:
        loaded = self.data.loaded
        self.datasets = loaded.datasets
        with self.hold():
            if self.overview.dataset not in self.datasets and self.datasets:
                self.overview.dataset = self.datasets[0]  # the watcher below recomputes the dataset's frames
            else:
                self._on_dataset(force=True)

    @param.depends("overview.dataset", "overview.metric", watch=True)
    def _on_dataset(self, force: bool = False) -> None:
        table = self.data.loaded.table
        dataset = self.overview.dataset
        metrics = dataset_metrics(table, dataset) if dataset in self.datasets else []
        if self.overview.metric and self.overview.metric not in metrics:
            # This dataset lacks it: back to the primary metrics, silently (this method is that change's
            # watcher); the metric selector follows `metrics`, set next.
            with param.parameterized.discard_events(self.overview):
                self.overview.metric = ""
        self.metrics = metrics
        metric = self.overview.metric or None
        rows = dataset_rows(table, dataset, metric) if dataset in self.datasets else table.iloc[:0]
        previous = list(self.sources)
        sources = sources_of(rows)
        self.sources = sources
        self._hib = higher_is_better(rows)
        if len(rows):
            # Units first: watchers of `wide_all` (the threshold slider's range) read them.
            self.units_all = wide_units(rows, sources)
            self.wide_all = wide_scores(rows, sources)
            self.std_all = wide_scores(rows, sources, value="std")
            self.files_all = wide_scores(rows, sources, value="file")
        else:
            self.units_all = _empty_wide()
            self.wide_all, self.std_all, self.files_all = _empty_wide(), _empty_wide(), _empty_wide()
        with self.hold():
            models = [name for name in self.overview.models if name in sources]
            if not models or set(previous) <= set(self.overview.models):
                models = list(sources)
            self.overview.models = models
            if self.filter.model not in sources:
                self.filter.model = sources[0] if sources else ""
            if self.delta.baseline not in sources:
                self.delta.baseline = sources[0] if sources else ""
            candidates = [name for name in self.delta.candidates if name in sources and name != self.delta.baseline]
            if not candidates and (force or previous != sources):
                candidates = [name for name in sources if name != self.delta.baseline][:DEFAULT_MAX_CANDIDATES]
            self.delta.candidates = candidates
            self.overview.page = 1

    def threshold_end(self) -> float:
        """The threshold slider's end: the scale, or the largest own-units value shown when it is larger."""
        wide = self.wide_all if self.wide_all is not None else _empty_wide()
        return ov.threshold_end(wide, self.overview.scale, self.units_all)

    def own_units(self) -> list[str]:
        """The own-units metrics of the dataset's shown scores, which the views name."""
        units = self.units_all
        if units is None:
            return []
        return units_note(units[[name for name in self.overview.models if name in units.columns]])

    # -- settings that move together --------------------------------------------------------------------------

    def _on_scale(self, event) -> None:
        """SPEC §4.1: switching the scale converts every dependent number instead of resetting it — when it
        changes what is shown: a dataset whose metric keeps its own units (perplexity) looks the same at either
        scale, and so do its threshold, min |Δ| and ε."""
        factor = event.new / event.old if shows_fractions(self.units_all) else 1
        with self.hold():
            self.filter.threshold = round(self.filter.threshold * factor, 10)
            self.delta.min_delta = round(self.delta.min_delta * factor, 10)
            self.delta.eps = round(self.delta.eps * factor, 10)

    def _settings_changed(self, *_events) -> None:
        """What the pages hold changed: back to page 1 (without a render of the stale page), then recompute."""
        if self._held:
            return
        self._held += 1
        try:
            self.overview.page = 1
        finally:
            self._held -= 1
        self._compute_overview()

    def _on_baseline(self, _event=None) -> None:
        """The baseline is never a candidate: drop it, then compute Δ once (not once before and once after)."""
        with self.hold(overview=False):
            if self.delta.baseline in self.delta.candidates:
                self.delta.candidates = [name for name in self.delta.candidates if name != self.delta.baseline]

    # -- overview ---------------------------------------------------------------------------------------------

    def _compute_overview(self) -> None:
        if self._held:
            return
        settings, flt = self.overview, self.filter
        wide = self.wide_all if self.wide_all is not None else _empty_wide()
        wide = wide[[name for name in settings.models if name in wide.columns]]
        if flt.on:
            wide = ov.apply_threshold(wide, flt.threshold, flt.op, flt.mode, flt.model or None, settings.scale,
                                      self.units_all)
        self.filter_empty = bool(flt.on and len(wide) == 0 and self.wide_all is not None and len(self.wide_all))
        self.sorted_wide = ov.sort_categories(wide, settings.sort)
        metric = settings.metric or None
        self.overall = overall_for(self.data.loaded.overall, settings.dataset, list(wide.columns), metric,
                                   self.wide_all if metric else None, self.units_all)
        self._compute_page()

    @param.depends("overview.page", watch=True)
    def _compute_page(self) -> None:
        if self._held or self.sorted_wide is None:
            return
        rows, page = ov.paginate(self.sorted_wide, self.overview.page_size, self.overview.page)
        self.page_info = page
        self.page_wide = rows
        if page.page != self.overview.page:
            self._held += 1
            try:
                self.overview.page = page.page
            finally:
                self._held -= 1
        self.overview_version += 1

    # -- Δ ----------------------------------------------------------------------------------------------------

    # Not on "delta.baseline" (see _on_baseline) nor "overview.scale": a scale switch converts min |Δ| and ε first, then recomputes (see _on_scale).
    @param.depends("delta.candidates", "delta.sort", "delta.min_delta", "delta.eps",
                   "delta.top_n", watch=True)
    def _compute_delta(self) -> None:
        if self._held:
            return
        settings, scale = self.delta, self.overview.scale
        wide, std = self.wide_all, self.std_all
        candidates = [name for name in settings.candidates if name != settings.baseline]
        status = "no_data" if wide is None else delta_math.delta_status(wide, settings.baseline, candidates)
        if status == "ok":
            deltas = delta_math.delta_table(wide, settings.baseline, candidates, scale, self._hib, std=std,
                                            units=self.units_all)
            if not len(deltas):
                status = "no_paired"
        else:
            deltas = delta_math.delta_table(_empty_wide(), "", [], scale)
        total = len(wide.index) if wide is not None else 0
        self.delta_all = deltas
        self.summary = delta_math.delta_summary(deltas, candidates, total, settings.eps, settings.baseline,
                                                units_summary(self.units_all, scale))
        self.ranking = delta_math.sort_delta(delta_math.filter_min_delta(deltas, settings.min_delta), settings.sort)
        self.top, self.bottom = delta_math.top_bottom(deltas, settings.top_n)
        self.delta_status = status
        self.delta_version += 1
