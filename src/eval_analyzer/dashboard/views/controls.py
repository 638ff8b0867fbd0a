"""Sidebar controls: loading files, overview settings, the threshold filter, Δ settings, language.

Each control edits one parameter of a settings class; none of them computes anything.
"""

from __future__ import annotations

import asyncio

import panel as pn
import param
from panel.links import Callback

from eval_analyzer.core.delta import DELTA_SORTS, without_baseline
from eval_analyzer.core.overview import FILTER_MODES, OPERATORS, PAGE_SIZES, SORT_MODES
from eval_analyzer.core.scores import SCALES
from eval_analyzer.dashboard.htmltext import esc, message
from eval_analyzer.dashboard.state import ACCEPT, CI_LEVELS, LANGUAGES, DeltaSettings
from eval_analyzer.dashboard.views.base import BUSY_MIN_MS, View, bind, update

#: The corrections offered: the parameter's own objects (core.stats.CORRECTIONS).
CORRECTIONS = tuple(DeltaSettings.param.correction.objects)
#: File types offered by the browser's file picker (detection is still by content).
LANGUAGE_NAMES = {"en": "English", "zh-TW": "繁體中文"}


def _text(value) -> str:
    """A Select with no options has the value None; the settings hold names, so "" means none."""
    return "" if value is None else str(value)


def _options(view: View, prefix: str, values) -> dict[str, object]:
    return {view.t(f"{prefix}{value}"): value for value in values}


class BoundedFloatSlider(pn.widgets.EditableFloatSlider):
    """An editable slider whose box never disagrees with its value. Panel's gives its box the slider's bounds,
    and Bokeh's number box silently drops a typed value outside them: 150 stayed in the box of a 0–100 slider,
    nothing reached the server, and the filter kept 50. Here the box takes any number; one outside
    `fixed_start`–`fixed_end` is clamped to the range, the box shows the clamped value, and `clamped` holds what
    was typed, for the view to say so."""

    clamped = param.Number(default=None, allow_None=True, doc="The last typed value that was clamped, else None")

    def __init__(self, **params):
        self._clamping = False
        super().__init__(**params)
        # Panel widens the slider in the browser to a typed value beyond its end; the clamp replaces that.
        for callback in list(Callback.registry.get(self._value_edit, [])):
            callback.unwatch()

    @param.depends("start", "end", "fixed_start", "fixed_end", watch=True)
    def _update_bounds(self):
        super()._update_bounds()
        self._value_edit.param.update(start=None, end=None)  # the clamp below answers a value out of range

    def _sync_value(self, event):
        if event.name not in ("value", "value_throttled"):
            return
        if event.new is None:  # an emptied box: show the value again
            self._value_edit.value = self.value
            return
        typed = float(event.new)
        low = typed if self.fixed_start is None else self.fixed_start
        high = typed if self.fixed_end is None else self.fixed_end
        bounded = min(max(typed, low), high)
        if bounded == typed:
            if not self._clamping:
                self.clamped = None
            if event.obj is self._value_edit and event.name == "value":
                # A typed value is committed (Enter, or leaving the box): there is no drag to wait for. As the
                # value alone, the filter waited for the browser's second message (`value_throttled`), a
                # second round trip and busy cycle on every typed threshold.
                with param.edit_constant(self):
                    self.param.update(value=typed, value_throttled=typed)
                return
            super()._sync_value(event)
            return
        self._clamping = True
        try:
            self.clamped = typed
            with param.edit_constant(self):
                self.param.update(value=bounded, value_throttled=bounded)
            if self._value_edit.value != bounded:  # unchanged value: Panel would not rewrite the box
                self._value_edit.value = bounded
        finally:
            self._clamping = False


class LoadView(View):
    """Multi-file upload, a progress indication while reading, and a one-line summary of what loaded."""

    def __init__(self, **params):
        super().__init__(**params)
        self.title = pn.pane.HTML("", margin=(0, 5))
        self.upload = pn.widgets.FileInput(accept=ACCEPT, multiple=True, css_classes=["ea-upload"],
                                           sizing_mode="stretch_width")
        self.spinner = pn.indicators.LoadingSpinner(value=False, size=20, visible=False, throttle=BUSY_MIN_MS)
        self.status = pn.pane.HTML("", css_classes=["ea-load-status"], sizing_mode="stretch_width")
        self.upload.param.watch(self._on_upload, "value")
        data = self.store.data
        data.param.watch(lambda *_e: self._refresh(), ["loaded", "busy", "busy_message", "extra_problems"])
        self._layout = pn.Column(self.title, self.upload, pn.Row(self.spinner, self.status),
                                 sizing_mode="stretch_width")
        self.relabel()

    async def _on_upload(self, event) -> None:
        if not event.new:
            return
        values = event.new if isinstance(event.new, list) else [event.new]
        data = self.store.data
        data.busy_message = self.t("reading", n=len(values))
        data.busy = True
        # Let the browser show the indication before the (blocking) read. The names are read after this pause:
        # in the static (Pyodide) page they reach Python in a patch that follows the one with the contents.
        # Under a server 20 ms is enough for the indication to leave (measured: it reaches the page ~0.15 s
        # after the input event, as with 50 ms; after 5 ms it left only with the result): the 30 ms saved were
        # pure waiting in an upload of 100 files.
        await asyncio.sleep(0.05 if pn.state._is_pyodide else 0.02)
        names = self.upload.filename if isinstance(self.upload.filename, list) else [self.upload.filename]
        pairs = [(str(name), bytes(value)) for name, value in zip(names, values, strict=False)]
        # Cleared so that choosing the same file again (after removing it) is a change. Before the read: the
        # browser answers a clear with an empty value, which, sent after the new Overview was drawn, kept the
        # page busy ~0.1 s longer; now it arrives while the files are read.
        self.upload.clear()
        try:
            data.add_files(pairs)
        finally:
            data.busy_message = ""
            data.busy = False

    def _refresh(self) -> None:
        data = self.store.data
        self.spinner.value = self.spinner.visible = data.busy
        if data.busy:
            self.status.object = f'<span class="ea-busy">{esc(data.busy_message)}</span>'
            return
        loaded = data.loaded
        text = self.t("loaded_summary", files=len(data.files), sources=len(loaded.sources),
                      datasets=len(loaded.datasets))
        parts = [f'<div class="ea-loaded">{esc(text)}</div>']
        serious = [p for p in data.problems if p.severity in ("error", "warning")]
        if serious:
            parts.append(message(self.t("problems_summary", n=len(serious)), "warning", "ea-problems-summary"))
        self.status.object = "".join(parts)

    def relabel(self) -> None:
        self.title.object = f"<b>{esc(self.t('load_title'))}</b><br><small>{esc(self.t('load_help'))}</small>"
        self._refresh()

    def __panel__(self):
        return self._layout


class SettingsView(View):
    """Dataset, models, scale, sort, page size and language."""

    def __init__(self, **params):
        super().__init__(**params)
        a = self.store
        ov = a.overview
        self.dataset = pn.widgets.Select(options=list(a.datasets), css_classes=["ea-w-ds"],
                                         sizing_mode="stretch_width")
        bind(self.dataset, ov, "dataset", from_widget=_text)
        # Shown when the dataset has more than one metric (the other metrics stay selectable).
        self.metric = pn.widgets.Select(css_classes=["ea-w-metric"], sizing_mode="stretch_width")
        self._metric_options()
        bind(self.metric, ov, "metric", from_widget=_text)
        a.param.watch(lambda *_e: self._metric_options(), "metrics")
        # CheckBoxGroup, not MultiChoice: Choices.js renders option labels as HTML.
        self.models = pn.widgets.CheckBoxGroup(options=list(a.sources), css_classes=["ea-w-models"])
        # The boxes show the dataset's models; a tick changes only those, the choice of the others stays.
        bind(self.models, ov, "models", to_widget=self._ticked, from_widget=self._chosen)
        self.scale = pn.widgets.RadioButtonGroup(options={f"0–{scale}": scale for scale in SCALES}, css_classes=["ea-w-scale"],
                                                 button_type="default")
        bind(self.scale, ov, "scale")
        self.sort = pn.widgets.Select(options=_options(self, "sort_", SORT_MODES), css_classes=["ea-w-sort"],
                                      sizing_mode="stretch_width")
        bind(self.sort, ov, "sort")
        self.size = pn.widgets.Select(options={str(n): n for n in PAGE_SIZES}, css_classes=["ea-w-size"],
                                      sizing_mode="stretch_width")
        bind(self.size, ov, "page_size")
        self.lang_select = pn.widgets.Select(options={LANGUAGE_NAMES[k]: k for k in LANGUAGES},
                                             css_classes=["ea-w-lang"], sizing_mode="stretch_width")
        bind(self.lang_select, a.ui, "lang")
        a.param.watch(lambda e: setattr(self.dataset, "options", list(e.new)), "datasets")
        a.param.watch(self._on_sources, "sources")
        self.models_label = pn.pane.HTML("", margin=(5, 10, 0, 10))
        self.scale_label = pn.pane.HTML("", margin=(5, 10, 0, 10))
        self._layout = pn.Column(self.dataset, self.metric, self.models_label, self.models, self.scale_label,
                                 self.scale, self.sort, self.size, self.lang_select, sizing_mode="stretch_width")
        self.relabel()

    def _ticked(self, models: list[str]) -> list[str]:
        sources = set(self.store.sources)
        return [name for name in models if name in sources]

    def _chosen(self, ticked: list[str]) -> list[str]:
        """The whole choice after the boxes changed: the ticked ones plus the chosen models of other datasets."""
        a = self.store
        sources = set(a.sources)
        wanted = {name for name in a.overview.models if name not in sources} | set(ticked)
        return [name for name in a.all_sources if name in wanted]

    def _on_sources(self, event) -> None:
        # Options and value in one update: new options alone drop the ticks they no longer list, and that
        # change read as the user unticking every model (the static page showed a new file's model unticked).
        self.models.param.update(options=list(event.new), value=self._ticked(self.store.overview.models))

    def _metric_options(self) -> None:
        metrics = self.store.metrics
        self.metric.options = {self.t("metric_primary"): "", **{name: name for name in metrics}}
        self.metric.value = self.store.overview.metric
        self.metric.visible = len(metrics) > 1

    def relabel(self) -> None:
        self._metric_options()
        self.sort.options = _options(self, "sort_", SORT_MODES)
        for widget, key in ((self.dataset, "dataset"), (self.metric, "metric"), (self.models, "models"),
                            (self.sort, "sort"), (self.size, "page_size"), (self.lang_select, "language")):
            widget.name = self.t(key)
        self.models_label.object = f"<label>{esc(self.t('models'))}</label>"
        self.scale_label.object = f"<label>{esc(self.t('scale'))}</label>"

    def __panel__(self):
        return self._layout


class FilterView(View):
    """Threshold filter: on/off, operator, mode, threshold slider following the scale, model."""

    def __init__(self, **params):
        super().__init__(**params)
        a = self.store
        f = a.filter
        self.on = pn.widgets.Checkbox(css_classes=["ea-w-thr-on"])
        bind(self.on, f, "on")
        self.op = pn.widgets.RadioButtonGroup(options=_options(self, "op_", OPERATORS), css_classes=["ea-w-op"])
        bind(self.op, f, "op")
        self.mode = pn.widgets.RadioButtonGroup(options=_options(self, "mode_", FILTER_MODES),
                                                css_classes=["ea-w-mode"])
        bind(self.mode, f, "mode")
        self.note = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["ea-thr-note"])
        self.threshold = self._new_slider()
        f.param.watch(lambda *_e: self._sync_threshold(), "threshold")
        self.model = pn.widgets.Select(options=list(a.sources), css_classes=["ea-w-tmodel"],
                                       sizing_mode="stretch_width")
        bind(self.model, f, "model", from_widget=_text)
        a.overview.param.watch(lambda *_e: self._sync_threshold(), "scale")
        # An own-units dataset (a BLEU up to 40) needs another slider range than a 0–1 one.
        a.param.watch(lambda *_e: self._sync_threshold(), "wide_all")
        a.param.watch(lambda e: setattr(self.model, "options", list(e.new)), "sources")
        f.param.watch(lambda *_e: self._visibility(), ["on", "mode"])
        self.card = pn.Card(self.on, self.op, self.mode, self.threshold, self.note, self.model, collapsed=False,
                            sizing_mode="stretch_width", css_classes=["ea-filter-card"])
        self.relabel()
        self._visibility()

    def _step(self, end: float) -> float:
        fine = self.store.overview.scale == 1 or end != self.store.overview.scale  # 0–1, or own units (2.61)
        return 0.01 if fine else 1

    def _new_slider(self):
        """A slider for the current scale (`_rescale_slider` moves it to another)."""
        end = self.store.threshold_end()
        value = min(max(0.0, float(self.store.filter.threshold)), end)
        slider = BoundedFloatSlider(
            start=0, end=end, fixed_start=0, fixed_end=end, step=self._step(end), value=value,
            name=self.t("threshold"), disabled=not self.store.filter.on, css_classes=["ea-w-thr"],
            sizing_mode="stretch_width")
        # value_throttled: recompute when the user lets go of the slider, not for every pixel of the drag.
        slider.param.watch(self._from_slider, "value_throttled")
        slider.param.watch(lambda *_e: self._clamp_note(), "clamped")
        return slider

    def _clamp_note(self) -> None:
        typed = self.threshold.clamped
        if typed is None:
            self.note.object = ""
            return
        end = self.threshold.fixed_end
        text = self.t("threshold_clamped", typed=f"{typed:g}", end=f"{end:g}",
                      value=f"{min(max(typed, 0.0), end):g}")
        self.note.object = message(text, "warning", "ea-thr-clamped")

    def _from_slider(self, event) -> None:
        if event.obj is self.threshold and event.new is not None:
            update(self.store.filter, threshold=float(event.new))

    def _sync_threshold(self) -> None:
        end = self.store.threshold_end()
        if self.threshold.fixed_end != end:
            self._rescale_slider(end)
            return
        value = min(max(0.0, float(self.store.filter.threshold)), end)
        if self.threshold.value != value:
            self.threshold.value = value

    def _rescale_slider(self, end: float) -> None:
        """The slider takes a new range in place (a new slider cost the server ~0.1 s and the browser a new
        widget on every scale switch). The order is what keeps the browser from clamping: every step of the
        way the value lies inside the range the browser holds (growing: the range first, then the value;
        shrinking: the fine step, the value, then the range), so it never answers with a clamped value of its own
        that would undo the conversion."""
        slider = self.threshold
        value = min(max(0.0, float(self.store.filter.threshold)), end)
        bounds = dict(start=0, end=end, fixed_start=0, fixed_end=end)
        if end >= (slider.fixed_end or 0):
            slider.param.update(step=self._step(end), **bounds)
            slider.value = value
        else:
            slider.step = self._step(end)
            slider.value = value
            slider.param.update(**bounds)
        self.note.object = ""

    def _visibility(self) -> None:
        f = self.store.filter
        for widget in (self.op, self.mode, self.threshold):
            widget.disabled = not f.on
        self.model.visible = f.mode == "model"
        self.model.disabled = not f.on

    def relabel(self) -> None:
        self.op.options = _options(self, "op_", OPERATORS)
        self.mode.options = _options(self, "mode_", FILTER_MODES)
        self.on.name = self.t("filter_on")
        self.threshold.name = self.t("threshold")
        self.model.name = self.t("filter_model")
        self.card.title = self.t("filter_title")

    def __panel__(self):
        return self.card


class DeltaSettingsView(View):
    """Baseline, candidates (never the baseline), Δ sort, min |Δ|, ε and N."""

    def __init__(self, **params):
        super().__init__(**params)
        a = self.store
        d = a.delta
        self.baseline = pn.widgets.Select(css_classes=["ea-w-base"], sizing_mode="stretch_width")
        self.candidates = pn.widgets.CheckBoxGroup(css_classes=["ea-w-cands"])
        self._options()
        bind(self.baseline, d, "baseline", from_widget=_text)
        bind(self.candidates, d, "candidates")
        self.sort = pn.widgets.Select(options=_options(self, "dsort_", DELTA_SORTS), css_classes=["ea-w-dsort"],
                                      sizing_mode="stretch_width")
        bind(self.sort, d, "sort")
        self.min_delta = pn.widgets.FloatInput(start=0, step=0.01, css_classes=["ea-w-dmin"],
                                               sizing_mode="stretch_width")
        bind(self.min_delta, d, "min_delta", from_widget=lambda v: max(0.0, float(v or 0)), echo=True)
        self.eps = pn.widgets.FloatInput(start=0, step=0.01, css_classes=["ea-w-eps"], sizing_mode="stretch_width")
        bind(self.eps, d, "eps", from_widget=lambda v: max(0.0, float(v or 0)), echo=True)
        self.top_n = pn.widgets.IntInput(start=1, end=1000, css_classes=["ea-w-topn"], sizing_mode="stretch_width")
        bind(self.top_n, d, "top_n", from_widget=lambda v: min(1000, max(1, int(v or 1))), echo=True)
        low, high = DeltaSettings.param.alpha.bounds
        self.alpha = pn.widgets.FloatInput(start=low, end=high, step=0.01, css_classes=["ea-w-alpha"],
                                           sizing_mode="stretch_width")
        bind(self.alpha, d, "alpha", from_widget=lambda v: min(high, max(low, float(v if v is not None else 0.05))),
             echo=True)
        self.ci = pn.widgets.Select(options=self._ci_options(), css_classes=["ea-w-ci"], sizing_mode="stretch_width")
        bind(self.ci, d, "ci")
        self.correction = pn.widgets.Select(options=_options(self, "corr_", CORRECTIONS), css_classes=["ea-w-corr"],
                                            sizing_mode="stretch_width")
        bind(self.correction, d, "correction")
        self.shared_x = pn.widgets.Checkbox(css_classes=["ea-w-dshared"])
        bind(self.shared_x, d, "shared_x")
        a.param.watch(lambda *_e: self._options(), "sources")
        d.param.watch(lambda *_e: self._options(), "baseline")
        a.overview.param.watch(lambda *_e: self._steps(), "scale")
        self.candidates_label = pn.pane.HTML("", margin=(5, 10, 0, 10))
        self.card = pn.Card(self.baseline, self.candidates_label, self.candidates, self.sort, self.min_delta,
                            self.eps, self.top_n, self.alpha, self.ci, self.correction, self.shared_x,
                            sizing_mode="stretch_width", css_classes=["ea-delta-card"])
        self._steps()
        self.relabel()

    def _options(self) -> None:
        a = self.store
        self.baseline.options = list(a.sources)
        if a.delta.baseline in a.sources:
            self.baseline.value = a.delta.baseline
        self.candidates.options = without_baseline(a.sources, a.delta.baseline)
        self.candidates.value = [name for name in a.delta.candidates if name in self.candidates.options]

    def _steps(self) -> None:
        step = 0.01 if self.store.overview.scale == 1 else 0.5
        self.min_delta.step = self.eps.step = step

    def _ci_options(self) -> dict[str, float]:
        return {self.t("ci_level_value", pct=f"{level * 100:g}"): level for level in CI_LEVELS}

    def relabel(self) -> None:
        self.sort.options = _options(self, "dsort_", DELTA_SORTS)
        self.ci.options = self._ci_options()
        self.correction.options = _options(self, "corr_", CORRECTIONS)
        for widget, key in ((self.baseline, "baseline"), (self.candidates, "candidates"), (self.sort, "dsort"),
                            (self.min_delta, "dmin"), (self.eps, "eps"), (self.top_n, "topn"),
                            (self.alpha, "alpha"), (self.ci, "ci_level"), (self.correction, "correction"),
                            (self.shared_x, "shared_x")):
            widget.name = self.t(key)
        self.candidates_label.object = f"<label>{esc(self.t('candidates'))}</label>"
        self.card.title = self.t("delta_title")

    def __panel__(self):
        return self.card
