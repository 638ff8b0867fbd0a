"""Overview tab (README, Dashboard): grouped bars of one page, overall averages, pager, pivot table, CSV."""

from __future__ import annotations

import io

import pandas as pd
import panel as pn

from eval_analyzer.core.export import safe_filename, to_csv_bytes
from eval_analyzer.dashboard.htmltext import digits_for, esc, frame_table, message, number, table
from eval_analyzer.dashboard.overview_chart import BAR_MIN_PX, OverviewBars, use_dots
from eval_analyzer.dashboard.store import OVERVIEW_OUTPUTS
from eval_analyzer.dashboard.views.base import View, update

#: The page's table (a row per category, a column per model: 2,000 cells at 100 models) lies far below the first
#: screen, under the chart and the overall averages. `content-visibility: auto` lets the browser skip its style
#: and layout until it nears the screen: every layout the browser makes while it applies an upload or a change
#: then leaves out 40 % of the page's elements. The height reserved for it until then (its usual header of
#: model names over two or three lines, and a line per category) keeps the page's length close. The table
#: scrolls sideways in this box, which clips what it paints.
_OFFSCREEN = ('<div class="ea-pivot-box" style="overflow-x:auto;content-visibility:auto;'
              'contain-intrinsic-block-size:auto {height}px">{table}</div>')
_HEADER_PX, _ROW_PX = 60, 23


def threshold_text(value: float, scale: int) -> str:
    return f"{value:g}" if scale == 100 else f"{value:.2f}"


class OverviewView(View):
    """Draws `DerivedData`'s OVERVIEW_OUTPUTS; sets only `overview.page` (its pager)."""

    def __init__(self, **params):
        super().__init__(**params)
        self.message = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["ea-ov-message"])
        self.units_note = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["ea-units-note"])
        self.prev = pn.widgets.Button(css_classes=["ea-prev"], width=120)
        self.next = pn.widgets.Button(css_classes=["ea-next"], width=120)
        self.prev.on_click(lambda _e: self._step(-1))
        self.next.on_click(lambda _e: self._step(+1))
        self.range = pn.pane.HTML("", css_classes=["ea-range-pane"], margin=(12, 10))
        self.chart = pn.pane.Bokeh(None, css_classes=["ea-ov-chart"], sizing_mode="stretch_width")
        self.chart_box = pn.Column(self.chart, sizing_mode="stretch_width", styles={"overflow-x": "auto"})
        self.overall_title = pn.pane.HTML("")
        self.overall = pn.pane.HTML("", css_classes=["ea-overall-pane"])
        self.pivot_title = pn.pane.HTML("")
        # The pane's own overflow stays though the table scrolls in its box (`_OFFSCREEN`): without it the browser
        # never skipped the table (tests/browser/test_layout.py, the page table test).
        self.pivot = pn.pane.HTML("", css_classes=["ea-pivot-pane"], sizing_mode="stretch_width",
                                  styles={"overflow-x": "auto"})
        self.csv_page = pn.widgets.FileDownload(callback=self._csv_page, filename="page.csv",
                                                css_classes=["ea-csv-page"], button_type="primary", width=220)
        self.csv_all = pn.widgets.FileDownload(callback=self._csv_all, filename="all.csv",
                                               css_classes=["ea-csv-all"], button_type="primary", width=220)
        self.pager = pn.Row(self.prev, self.next, self.range)
        self.csv_row = pn.Row(self.csv_page, self.csv_all)
        # What only makes sense while some category is shown: hidden when none is (the message says why),
        # instead of "categories 0–0 of 0", an empty table and two CSVs of nothing.
        self.pivot_box = pn.Column(self.pivot_title, self.pivot, sizing_mode="stretch_width")
        self._layout = pn.Column(
            self.message,
            self.units_note,
            self.pager,
            self.chart_box,
            self.overall_title, self.overall,
            self.csv_row,
            self.pivot_box,
            sizing_mode="stretch_width",
        )
        self._chart_key: str | None = None
        self._bars: OverviewBars | None = None
        self.store.param.watch(lambda *_e: self.refresh(), list(OVERVIEW_OUTPUTS))
        self.relabel()

    # -- events -----------------------------------------------------------------------------------------------

    def _step(self, step: int) -> None:
        info = self.store.page_info
        update(self.store.overview, page=min(max(1, info.page + step), info.pages))

    def _csv_page(self) -> io.BytesIO:
        return io.BytesIO(to_csv_bytes(self.store.export("page")))

    def _csv_all(self) -> io.BytesIO:
        return io.BytesIO(to_csv_bytes(self.store.export("all")))

    # -- rendering --------------------------------------------------------------------------------------------

    def _message(self) -> str:
        a = self.store
        f, scale = a.filter, a.overview.scale
        if not a.datasets:
            return message(self.t("nothing_loaded"), "info", "ea-msg-empty")
        if not a.shown_models():
            return message(self.t("no_models"), "warning", "ea-msg-no-models")
        if not f.on:
            return ""
        who = self.t("who_any") if f.mode == "any" else self.t("who_model", model=f.model)
        op = "≥" if f.op == "ge" else "≤"
        value = threshold_text(f.threshold, scale)
        if a.filter_empty:
            hint = self.t("hint_lower" if f.op == "ge" else "hint_raise")
            return message(self.t("no_match", who=who, op=op, threshold=value, hint=hint), "warning",
                           "ea-msg-no-match")
        total = len(a.wide_all) if a.wide_all is not None else 0
        return message(self.t("filter_active", who=who, op=op, threshold=value, n=a.page_info.total, total=total),
                       "info", "ea-msg-filter")

    def _units_note(self) -> str:
        """Names the metrics that keep their own units, so a perplexity of 5.68 is not read as 5.68 %."""
        a = self.store
        if not a.own_units:
            return ""
        metric = ", ".join(a.own_units)
        if a.mixed_units:
            text = self.t("units_note_mixed", metric=metric, scale=self.t(f"scale_{a.overview.scale}"))
        else:
            text = self.t("units_note", metric=metric)
        return message(text, "info", "ea-msg-units")

    def _refresh(self) -> None:
        a = self.store
        scale, info = a.overview.scale, a.page_info
        digits = digits_for(scale)
        self.message.object = self._message()
        self.units_note.object = self._units_note()
        self.prev.disabled = info.page <= 1
        self.next.disabled = info.page >= info.pages
        page = a.page_wide if a.page_wide is not None else pd.DataFrame()
        shown = bool(info.total) and bool(a.shown_models())
        self.pager.visible = self.csv_row.visible = self.pivot_box.visible = shown
        if len(page) and len(page.columns):
            self._draw(page, scale)
            self.chart_box.visible = True
        else:
            self.chart_box.visible = False
        rows = []
        if a.overall is not None:
            for label, shown, reported in a.overall[["source_label", "shown", "reported"]].itertuples(index=False):
                mark = self.t("reported") if reported else self.t("computed")
                rows.append([label, number(shown, digits), mark])
        self.overall.object = table([self.t("model"), self.t("score"), ""], rows, "ea-overall")
        pivot = a.pivot if a.pivot is not None else pd.DataFrame(columns=["category"])
        if "units" in pivot and not a.own_units:
            pivot = pivot.drop(columns="units")  # all fractions: the scale switch says it; the CSV keeps it
        formats = {column: (lambda v, d=digits: number(v, d)) for column in pivot.columns
                   if column not in ("category", "units")}
        headers = [self.t("category"), *(self.t("units") if c == "units" else str(c) for c in pivot.columns[1:])]
        self.pivot.object = _OFFSCREEN.format(height=_HEADER_PX + _ROW_PX * len(pivot),
                                              table=frame_table(pivot, headers, "ea-pivot", formats))
        dataset = a.overview.dataset
        self.csv_page.filename = safe_filename("eval", dataset, f"page{info.page}", f"scale{scale}")
        self.csv_all.filename = safe_filename("eval", dataset, "all", f"scale{scale}")
        # Last: tests and users take the range text as the sign that the page is up to date.
        page_text = self.t("page_of", page=info.page, pages=info.pages)
        range_text = self.t("range", first=info.first, last=info.last, total=info.total)
        fit = ""
        if a.shown_page_size < a.overview.page_size:
            key = "page_fit_dots" if use_dots(len(a.overview.models)) else "page_fit"
            note = self.t(key, n=a.shown_page_size, chosen=a.overview.page_size, px=BAR_MIN_PX)
            fit = f' · <span class="ea-page-fit">{esc(note)}</span>'
        self.range.object = (f'<span class="ea-page">{esc(page_text)}</span> · '
                             f'<span class="ea-range">{esc(range_text)}</span>{fit}')

    def _draw(self, page: pd.DataFrame, scale: int) -> None:
        """Update the bars in place unless their frame changes: a new figure costs ~3× more to build on the
        server and to lay out in the browser."""
        a = self.store
        sources = [str(s) for s in page.columns]
        key = a.overview.dataset
        rebuilt = self._bars is None or key != self._chart_key or not self._bars.fits(sources, self.lang,
                                                                                      a.shown_page_size)
        if rebuilt:
            self._chart_key = key
            self._bars = OverviewBars(sources, scale, self.lang, a.shown_page_size)
        else:
            self._bars.restyle(sources, scale)
        self._bars.fit_labels(a.wide_all.index)
        self._bars.show(a.page_shown, a.files_all, a.page_spread)
        if rebuilt:
            self.chart.object = self._bars.layout

    def relabel(self) -> None:
        self.prev.name, self.next.name = self.t("prev"), self.t("next")
        self.overall_title.object = f"<b>{esc(self.t('overall_title'))}</b>"
        self.pivot_title.object = f"<b>{esc(self.t('pivot_title'))}</b>"
        self.csv_page.label, self.csv_all.label = self.t("csv_page"), self.t("csv_all")
        self.refresh()

    def __panel__(self):
        return self._layout
