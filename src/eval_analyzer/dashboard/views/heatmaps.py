"""Heatmaps tab: scores models × categories, and Δ vs the baseline on a diverging map."""

from __future__ import annotations

import panel as pn

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
        # The HoloViews panes are made on first draw: creating one imports HoloViews, the app's slowest import.
        self.scores: pn.pane.HoloViews | None = None
        self.delta: pn.pane.HoloViews | None = None
        self.scores_box = pn.Column(sizing_mode="stretch_width", styles={"overflow-x": "auto"})
        self.delta_box = pn.Column(sizing_mode="stretch_width", styles={"overflow-x": "auto"})
        self._layout = pn.Column(self.scores_title, self.scores_box, self.delta_title, self.delta_box,
                                 sizing_mode="stretch_width")
        self._redraw_on([*OVERVIEW_OUTPUTS, *DELTA_OUTPUTS, *SIGNIFICANCE_OUTPUTS])
        self.relabel()  # draws now if the view was built because its tab opened

    def _refresh(self) -> None:
        from eval_analyzer.dashboard import (
            heatmap_chart as charts,  # HoloViews: imported when the tab is first drawn
        )

        if self.scores is None:
            self.scores = pn.pane.HoloViews(None, linked_axes=False, css_classes=["ea-heat-scores"],
                                            sizing_mode="stretch_width")
            self.delta = pn.pane.HoloViews(None, linked_axes=False, css_classes=["ea-heat-delta"],
                                           sizing_mode="stretch_width")
            self.scores_box.append(self.scores)
            self.delta_box.append(self.delta)
        a = self.store
        scale = a.overview.scale
        self.scores_title.object = f"<b>{esc(self.t('heatmap_scores'))}</b>"
        if a.heatmap is not None and a.heatmap.size:
            self.scores.object = charts.score_heatmap(a.heatmap, scale, self.lang)
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
            self.delta.object = charts.delta_heatmap(a.delta_matrix, scale, self.lang,
                                                     a.stat_matrix if tested else None)
        self.delta_box.visible = bool(ok)

    def relabel(self) -> None:
        self._changed()

    def __panel__(self):
        return self._layout
