"""Sidebar controls: loading files, overview settings, the threshold filter, Δ settings, language.

Each control edits one parameter of a settings class; none of them computes anything.
"""

from __future__ import annotations

import asyncio

import panel as pn

from eval_analyzer.core.delta import DELTA_SORTS, without_baseline
from eval_analyzer.core.overview import FILTER_MODES, OPERATORS, PAGE_SIZES, SORT_MODES
from eval_analyzer.core.scores import SCALES
from eval_analyzer.dashboard.htmltext import esc, message
from eval_analyzer.dashboard.state import ACCEPT, LANGUAGES
from eval_analyzer.dashboard.views.base import View, bind, forget_js_links, update

#: File types offered by the browser's file picker (detection is still by content).
LANGUAGE_NAMES = {"en": "English", "zh-TW": "繁體中文"}


def _text(value) -> str:
    """A Select with no options has the value None; the settings hold names, so "" means none."""
    return "" if value is None else str(value)


def _options(view: View, prefix: str, values) -> dict[str, object]:
    return {view.t(f"{prefix}{value}"): value for value in values}


class LoadView(View):
    """Multi-file upload, a progress indication while reading, and a one-line summary of what loaded."""

    def __init__(self, **params):
        super().__init__(**params)
        self.title = pn.pane.HTML("", margin=(0, 5))
        self.upload = pn.widgets.FileInput(accept=ACCEPT, multiple=True, css_classes=["ea-upload"],
                                           sizing_mode="stretch_width")
        self.spinner = pn.indicators.LoadingSpinner(value=False, size=20, visible=False)
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
        await asyncio.sleep(0.05)
        names = self.upload.filename if isinstance(self.upload.filename, list) else [self.upload.filename]
        pairs = [(str(name), bytes(value)) for name, value in zip(names, values, strict=False)]
        try:
            data.add_files(pairs)
        finally:
            data.busy_message = ""
            data.busy = False
            self.upload.clear()  # so choosing the same file again (after removing it) is a change

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
        bind(self.models, ov, "models")
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

    def _on_sources(self, event) -> None:
        self.models.options = list(event.new)
        self.models.value = list(self.store.overview.models)

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
        self.card = pn.Card(self.on, self.op, self.mode, self.threshold, self.model, collapsed=False,
                            sizing_mode="stretch_width", css_classes=["ea-filter-card"])
        self.relabel()
        self._visibility()

    def _new_slider(self):
        """A slider for the current scale. Rebuilt on a scale switch: changing a live slider's range makes the
        browser echo its old value back, which would undo the conversion."""
        scale, end = self.store.overview.scale, self.store.threshold_end()
        value = min(max(0.0, float(self.store.filter.threshold)), end)
        fine = scale == 1 or end != scale  # 0–1, or own units (a perplexity of 2.61)
        slider = pn.widgets.EditableFloatSlider(
            start=0, end=end, fixed_start=0, fixed_end=end, step=0.01 if fine else 1, value=value,
            name=self.t("threshold"), disabled=not self.store.filter.on, css_classes=["ea-w-thr"],
            sizing_mode="stretch_width")
        # value_throttled: recompute when the user lets go of the slider, not for every pixel of the drag.
        slider.param.watch(self._from_slider, "value_throttled")
        return slider

    def _from_slider(self, event) -> None:
        if event.obj is self.threshold and event.new is not None:
            update(self.store.filter, threshold=float(event.new))

    def _sync_threshold(self) -> None:
        end = self.store.threshold_end()
        if self.threshold.fixed_end != end:
            old, self.threshold = self.threshold, self._new_slider()
            index = self.card.objects.index(old) if hasattr(self, "card") else -1
            if index >= 0:
                self.card[index] = self.threshold
            forget_js_links(old)  # Panel's link registry would keep the old slider, and this view, alive
            return
        value = min(max(0.0, float(self.store.filter.threshold)), end)
        if self.threshold.value != value:
            self.threshold.value = value

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
        bind(self.min_delta, d, "min_delta", from_widget=lambda v: max(0.0, float(v or 0)))
        self.eps = pn.widgets.FloatInput(start=0, step=0.01, css_classes=["ea-w-eps"], sizing_mode="stretch_width")
        bind(self.eps, d, "eps", from_widget=lambda v: max(0.0, float(v or 0)))
        self.top_n = pn.widgets.IntInput(start=1, end=1000, css_classes=["ea-w-topn"], sizing_mode="stretch_width")
        bind(self.top_n, d, "top_n", from_widget=lambda v: min(1000, max(1, int(v or 1))))
        a.param.watch(lambda *_e: self._options(), "sources")
        d.param.watch(lambda *_e: self._options(), "baseline")
        a.overview.param.watch(lambda *_e: self._steps(), "scale")
        self.candidates_label = pn.pane.HTML("", margin=(5, 10, 0, 10))
        self.card = pn.Card(self.baseline, self.candidates_label, self.candidates, self.sort, self.min_delta,
                            self.eps, self.top_n, sizing_mode="stretch_width", css_classes=["ea-delta-card"])
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

    def relabel(self) -> None:
        self.sort.options = _options(self, "dsort_", DELTA_SORTS)
        for widget, key in ((self.baseline, "baseline"), (self.candidates, "candidates"), (self.sort, "dsort"),
                            (self.min_delta, "dmin"), (self.eps, "eps"), (self.top_n, "topn")):
            widget.name = self.t(key)
        self.candidates_label.object = f"<label>{esc(self.t('candidates'))}</label>"
        self.card.title = self.t("delta_title")

    def __panel__(self):
        return self.card
