"""Δ analysis tab (README, Dashboard): summary, faceted diverging bars, top/bottom-N, three CSVs, clear messages."""

from __future__ import annotations

import io

import pandas as pd
import panel as pn
from bokeh.models import TapTool

from eval_analyzer.core.export import safe_filename, to_csv_bytes
from eval_analyzer.dashboard.delta_chart import MAX_DELTA_ROWS, DeltaFacet, cap_rows
from eval_analyzer.dashboard.htmltext import digits_for, esc, message, number, table
from eval_analyzer.dashboard.store import DELTA_OUTPUTS
from eval_analyzer.dashboard.views.base import TabView

#: `units` last: "pp", "fraction" or "<metric> (own units)", so an exported Δ of a perplexity is not read as pp.
RANKING_COLUMNS = ["category", "candidate", "baseline", "baseline_score", "candidate_score", "delta", "units"]


class DeltaView(TabView):
    """Draws `DerivedData`'s DELTA_OUTPUTS; owns no settings (they live in the sidebar)."""

    tab = "delta"

    def __init__(self, **params):
        super().__init__(**params)
        self.message = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["ea-delta-message"])
        self.summary_title = pn.pane.HTML("")
        self.summary = pn.pane.HTML("", css_classes=["ea-summary-pane"], sizing_mode="stretch_width")
        self.ranking_title = pn.pane.HTML("")
        self.notes = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["ea-delta-notes"])
        # One pane per facet slot; a facet is updated in place while its frame holds.
        self.chart_box = pn.Column(sizing_mode="stretch_width")
        self._facets: list[tuple[tuple, DeltaFacet, pn.pane.Bokeh]] = []
        self.top = pn.pane.HTML("", css_classes=["ea-top-pane"])
        self.bottom = pn.pane.HTML("", css_classes=["ea-bottom-pane"])
        self.top_card = pn.Card(self.top, collapsed=False, sizing_mode="stretch_width", css_classes=["ea-top-card"])
        self.bottom_card = pn.Card(self.bottom, collapsed=False, sizing_mode="stretch_width",
                                   css_classes=["ea-bottom-card"])
        self.csv_ranking = pn.widgets.FileDownload(callback=self._csv_ranking, filename="ranking.csv",
                                                   css_classes=["ea-csv-ranking"], button_type="primary", width=200)
        self.csv_summary = pn.widgets.FileDownload(callback=self._csv_summary, filename="summary.csv",
                                                   css_classes=["ea-csv-summary"], button_type="primary", width=200)
        self.csv_topbottom = pn.widgets.FileDownload(callback=self._csv_topbottom, filename="topbottom.csv",
                                                     css_classes=["ea-csv-topbottom"], button_type="primary",
                                                     width=200)
        self.body = pn.Column(
            self.summary_title, self.summary,
            pn.Row(self.csv_ranking, self.csv_summary, self.csv_topbottom),
            self.ranking_title, self.notes, self.chart_box,
            pn.Row(self.top_card, self.bottom_card, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )
        self._layout = pn.Column(self.message, self.body, sizing_mode="stretch_width")
        self._redraw_on(DELTA_OUTPUTS)
        self.relabel()

    # -- CSV --------------------------------------------------------------------------------------------------

    def _ranking_frame(self) -> pd.DataFrame:
        return self.store.ranking[RANKING_COLUMNS]

    def _topbottom_frame(self) -> pd.DataFrame:
        a = self.store
        top = a.top[RANKING_COLUMNS].assign(list="top")
        bottom = a.bottom[RANKING_COLUMNS].assign(list="bottom")
        frame = pd.concat([top, bottom], ignore_index=True)
        return frame[["list", *RANKING_COLUMNS]]

    def _name(self, part: str) -> str:
        a = self.store
        return safe_filename("delta", a.overview.dataset, part, f"vs_{a.delta.baseline}", f"scale{a.overview.scale}")

    def _csv_ranking(self) -> io.BytesIO:
        return io.BytesIO(to_csv_bytes(self._ranking_frame()))

    def _csv_summary(self) -> io.BytesIO:
        return io.BytesIO(to_csv_bytes(self.store.summary))

    def _csv_topbottom(self) -> io.BytesIO:
        return io.BytesIO(to_csv_bytes(self._topbottom_frame()))

    # -- rendering --------------------------------------------------------------------------------------------

    def delta_label(self) -> str:
        """What Δ is measured in: "Δ" (0–1), "Δ (pp)" (0–100), or the own-units metric's name, never "pp"
        for a perplexity."""
        a = self.store
        fraction = self.t("delta_pp") if a.overview.scale == 100 else self.t("delta")
        if not a.delta_own_units:
            return fraction
        metric = ", ".join(a.delta_own_units)
        if a.delta_mixed_units:
            return self.t("delta_mixed", fraction="pp" if a.overview.scale == 100 else "0–1", metric=metric)
        return self.t("delta_own_units", metric=metric)

    def _status_message(self) -> str:
        a = self.store
        status = a.delta_status
        if status == "ok":
            return ""
        key = {"no_data": "msg_no_data", "no_baseline": "msg_no_baseline", "no_candidates": "msg_no_candidates",
               "no_paired": "msg_no_paired"}[status]
        if not a.datasets:
            key = "nothing_loaded"
        text = self.t(key, baseline=a.delta.baseline, dataset=a.overview.dataset)
        return message(text, "warning", f"ea-msg-{status.replace('_', '-')}")

    def _rows_table(self, frame: pd.DataFrame, css: str) -> str:
        """Top/bottom rows; a Δ no larger than the run-to-run noise is marked in its own column."""
        digits = digits_for(self.store.overview.scale)
        noise = "within_noise" in frame and bool(frame["within_noise"].any())
        rows = []
        for cat, cand, b, c, d, within in frame[["category", "candidate", "baseline_score", "candidate_score",
                                                 "delta", "within_noise"]].itertuples(index=False):
            row = [cat, cand, number(b, digits), number(c, digits), number(d, digits, signed=True)]
            rows.append([*row, "≈" if within else ""] if noise else row)
        keys = ["category", "candidate", "baseline_score", "candidate_score"]
        headers = [self.t(k) for k in keys] + [self.delta_label()] + ([self.t("within_noise")] if noise else [])
        return table(headers, rows, css)

    def _refresh(self) -> None:
        a = self.store
        self.message.object = self._status_message()
        ok = a.delta_status == "ok"
        self.body.visible = ok
        if not ok:
            return
        scale = a.overview.scale
        digits = digits_for(scale)
        summary = a.summary
        rows = [[cand, number(mean, digits, True), number(median, digits, True), f"{w} / {lo} / {ti}",
                 f"{p}/{tot}"]
                for cand, mean, median, w, lo, ti, p, tot in summary[
                    ["candidate", "mean_delta", "median_delta", "wins", "losses", "ties", "paired", "total"]
                ].itertuples(index=False)]
        headers = [self.t(k) for k in ("candidate", "mean_delta", "median_delta", "wlt", "coverage")]
        paired = int(summary["paired"].max()) if len(summary) else 0
        self.summary.object = (f'<p class="ea-delta-units">{esc(self.delta_label())}</p>'
                               + table(headers, rows, "ea-summary")
                               + f'<p class="ea-summary-note">{esc(self.t("summary_note", n=paired))}</p>')
        capped = self._draw(list(summary["candidate"]), scale)
        notes = [self.t("capped", candidate=c, shown=s, total=n) for c, s, n in capped]
        hidden = len(a.delta_all) - len(a.ranking)
        if hidden:
            notes.append(self.t("hidden_by_min", hidden=hidden, min=f"{a.delta.min_delta:g}"))
        note_html = "".join(f'<div class="ea-note">{esc(note)}</div>' for note in notes)
        if not len(a.ranking):
            note_html += message(self.t("msg_no_rows"), "info", "ea-msg-no-rows")
        self.notes.object = note_html
        self.chart_box.visible = bool(len(a.ranking))
        self.top.object = self._rows_table(a.top, "ea-top")
        self.bottom.object = self._rows_table(a.bottom, "ea-bottom")
        self.csv_ranking.filename = self._name("ranking")
        self.csv_summary.filename = self._name("summary")
        self.csv_topbottom.filename = self._name(f"top{a.delta.top_n}")
        self.top_card.title = self.t("top_title", n=a.delta.top_n)
        self.bottom_card.title = self.t("bottom_title", n=a.delta.top_n)

    def _draw(self, candidates: list[str], scale: int) -> list[tuple[str, int, int]]:
        """Update each facet in place while its frame (rows shown, scale, language) holds; else build it."""
        ranking = self.store.ranking
        facets, capped = [], []
        for candidate in candidates:
            rows = ranking[ranking["candidate"] == candidate]
            if len(rows) > MAX_DELTA_ROWS:
                capped.append((candidate, MAX_DELTA_ROWS, len(rows)))
            if len(rows):
                facets.append((candidate, cap_rows(rows)))
        slots = []
        label = self.delta_label()
        for index, (candidate, rows) in enumerate(facets):
            key = (len(rows), scale, self.lang, label)
            if index < len(self._facets) and self._facets[index][0] == key:
                _key, facet, pane = self._facets[index]
            else:
                facet = DeltaFacet(candidate, scale, self.lang, len(rows), label)
                # On the figure itself: a Bokeh pane renders the figure as its own element.
                facet.figure.css_classes = ["ea-delta-chart"]
                self._link_questions(facet)
                pane = pn.pane.Bokeh(facet.figure)
            facet.show(rows, candidate)
            slots.append((key, facet, pane))
        if [pane for _k, _f, pane in slots] != [pane for _k, _f, pane in self._facets]:
            self.chart_box[:] = [pane for _k, _f, pane in slots]
        self._facets = slots
        return capped

    def _link_questions(self, facet: DeltaFacet) -> None:
        """A click on a bar opens the Questions tab on that candidate (the facet's title) and category."""
        facet.figure.add_tools(TapTool())

        def _open(_attr, _old, new) -> None:
            if new:
                category = facet.source.data["category"][new[0]]
                facet.source.selected.indices = []
                self.store.open_questions(facet.title.text, str(category))

        facet.source.selected.on_change("indices", _open)

    def relabel(self) -> None:
        self.summary_title.object = f"<b>{esc(self.t('summary_title'))}</b>"
        self.ranking_title.object = f"<b>{esc(self.t('ranking_title'))}</b>"
        self.csv_ranking.label = self.t("csv_ranking")
        self.csv_summary.label = self.t("csv_summary")
        self.csv_topbottom.label = self.t("csv_topbottom")
        self._changed()

    def __panel__(self):
        return self._layout
