"""Heatmaps tab: scores models × categories, and Δ vs the baseline on a diverging map."""

from __future__ import annotations

import panel as pn

from eval_analyzer.dashboard.heatmap_chart import HeatmapChart
from eval_analyzer.dashboard.htmltext import esc
from eval_analyzer.dashboard.store import DELTA_OUTPUTS, OVERVIEW_OUTPUTS, SIGNIFICANCE_OUTPUTS
from eval_analyzer.dashboard.views.base import TabView


class HeatmapView(TabView):
    """Drawn only while its tab is open (two large figures are the slowest thing to render)."""

    tab = "heatmap"

    def __init__(self, **params):
        super().__init__(**params)
        self.scores_title = pn.pane.HTML("")
        self.delta_title = pn.pane.HTML("")
        # One chart per map, kept while its frame (scale, language, marks) holds: a change of the data redraws
        # it in place.
        self.scores: HeatmapChart | None = None
        self.delta: HeatmapChart | None = None
        self.scores_pane = pn.pane.Bokeh(None, css_classes=["ea-heat-scores"], sizing_mode="stretch_width")
        self.delta_pane = pn.pane.Bokeh(None, css_classes=["ea-heat-delta"], sizing_mode="stretch_width")
        self.scores_box = pn.Column(self.scores_pane, sizing_mode="stretch_width", styles={"overflow-x": "auto"})
        self.delta_box = pn.Column(self.delta_pane, sizing_mode="stretch_width", styles={"overflow-x": "auto"})
        self._layout = pn.Column(self.scores_title, self.scores_box, self.delta_title, self.delta_box,
                                 sizing_mode="stretch_width")
        self._redraw_on([*OVERVIEW_OUTPUTS, *DELTA_OUTPUTS, *SIGNIFICANCE_OUTPUTS])
        self.relabel()  # draws now if the view was built because its tab opened

    def _chart(self, current: HeatmapChart | None, pane: pn.pane.Bokeh, kind: str, marks: bool = False
               ) -> HeatmapChart:
        """`current` if its frame still holds, else a new chart, put in `pane`."""
        scale = self.store.overview.scale
        if current is not None and current.frame == HeatmapChart.frame_of(kind, scale, self.lang, marks):
            return current
        chart = HeatmapChart(kind, scale, self.lang, marks)
        pane.object = chart.figure
        return chart

    def _refresh(self) -> None:
        a = self.store
        self.scores_title.object = f"<b>{esc(self.t('heatmap_scores'))}</b>"
        if a.heatmap is not None and a.heatmap.size:
            self.scores = self._chart(self.scores, self.scores_pane, "scores")
            self.scores.show(a.heatmap)
            self.scores_box.visible = True
        else:
            self.scores_box.visible = False
        ok = a.delta_status == "ok" and len(a.delta_all)
        tested = a.stats_status == "ok"
        text = (self.t("heatmap_sig_note", alpha=f"{a.delta.alpha:g}") if tested
                else self.t("stats_loading") if a.stats_status == "loading" else "")
        note = f'<div class="ea-heat-sig-note" style="font-size:13px">{esc(text)}</div>' if text else ""
        self.delta_title.object = (f"<b>{esc(self.t('heatmap_delta', baseline=a.delta.baseline))}</b>{note}"
                                   if ok else "")
        if ok:
            self.delta = self._chart(self.delta, self.delta_pane, "delta", marks=tested)
            self.delta.show(a.delta_matrix, a.stat_matrix if tested else None, self.t("yes"))
        self.delta_box.visible = bool(ok)

    def relabel(self) -> None:
        self._changed()

    def __panel__(self):
        return self._layout
