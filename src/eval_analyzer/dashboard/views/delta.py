"""Δ analysis tab (README, Dashboard): summary, faceted diverging bars, top/bottom-N, three CSVs, clear messages.

Every Δ is shown with its statistics (`DerivedData.stat_*`: CI, p, adjusted p, the test, MDE): a whisker and a
solid or pale bar in the facets, columns in the tables and CSVs. While the statistics library loads (static
page) the tab says so and draws the plain Δ.
"""

from __future__ import annotations

import io
from collections import namedtuple

import pandas as pd
import panel as pn
from bokeh.models import TapTool
from panel.theme.bootstrap import Bootstrap

from eval_analyzer.core.export import safe_filename, to_csv_bytes
from eval_analyzer.dashboard.delta_chart import (
    GAIN_COLOR,
    LOSS_COLOR,
    MAX_DELTA_ROWS,
    PALE_ALPHA,
    SEP,
    DeltaFacet,
    cap_rows,
    delta_bounds,
)
from eval_analyzer.dashboard.htmltext import ci_text, digits_for, esc, message, number, p_text, table
from eval_analyzer.dashboard.store import DELTA_OUTPUTS, SIGNIFICANCE_OUTPUTS
from eval_analyzer.dashboard.views.base import TabView

#: `units` last: "pp", "fraction" or "<metric> (own units)", so an exported Δ of a perplexity is not read as pp.
RANKING_COLUMNS = ["category", "candidate", "baseline", "baseline_score", "candidate_score", "delta", "units"]
#: The statistics every exported Δ row carries (core.significance.ROW_COLUMNS), after its own columns.
STAT_COLUMNS = ["n", "ci_low", "ci_high", "p_value", "p_adjusted", "test", "significant", "mde"]
#: The margin Panel's Bootstrap design gives a card's children (unless they have one of their own), read from the
#: design so the two cannot drift apart.
CARD_CHILD_MARGIN = Bootstrap.modifiers[pn.Card]["children"]["margin"]
#: Wraps a table so that it scrolls inside its card instead of printing over its neighbours.
_SCROLL = '<div style="max-width:100%;overflow-x:auto">{}</div>'
#: A top/bottom row's category opens the Questions tab on it: the link writes "candidate<US>category" into the
#: hidden `open_box` (found by its CSS class among the page's Bokeh models), whose change reaches the server, or
#: the Pyodide worker, like any widget's. The names travel in data attributes (escaped); the script is constant.
_OPEN_JS = ("event.preventDefault();for(const d of Bokeh.documents){for(const m of d.all_models){"
            "if(m.css_classes&&m.css_classes.includes('ea-open-q')){m.value=this.dataset.cand+"
            f"'\\u{ord(SEP):04x}'+this.dataset.cat;}}}}}}return false;")
_OPEN_LINK = ('<a href="#" role="button" class="ea-q-link" title="{title}" data-cand="{cand}" data-cat="{cat}" '
              'onclick="{js}">{text}</a>')


def _records(frame: pd.DataFrame, columns: tuple[str, ...]):
    """The rows of `frame` as named tuples of `columns`, from one list per column: pandas' itertuples reads every
    column through `.iloc`, a third of drawing the top and bottom tables on each baseline change."""
    row = namedtuple("Row", columns)
    return map(row._make, zip(*(frame[name].tolist() for name in columns), strict=True))


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
        self.stats_message = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["ea-stats-message"])
        self.legend = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["ea-delta-legend"])
        # Inside cards: the design's margin for a card's children, given here, or every redraw of the pane sent
        # its own default margin back to the browser (a new layout of the page after each Δ change).
        self.help = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["ea-stats-help-text"],
                                 margin=CARD_CHILD_MARGIN)
        self.help_card = pn.Card(self.help, collapsed=True, sizing_mode="stretch_width",
                                 css_classes=["ea-stats-help"])
        # Top and bottom N of one candidate at a time, stacked: side by side, ten columns did not fit.
        self.tb_candidate = pn.widgets.Select(css_classes=["ea-w-tbcand"], width=360)
        self.tb_candidate.param.watch(lambda *_e: self._draw_top_bottom(), "value")
        self.open_box = pn.widgets.TextInput(visible=False, css_classes=["ea-open-q"])
        self.open_box.param.watch(self._open_from_link, "value")
        self.top = pn.pane.HTML("", css_classes=["ea-top-pane"], sizing_mode="stretch_width",
                                margin=CARD_CHILD_MARGIN)
        self.bottom = pn.pane.HTML("", css_classes=["ea-bottom-pane"], sizing_mode="stretch_width",
                                   margin=CARD_CHILD_MARGIN)
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
            self.summary_title, self.stats_message, self.summary,
            pn.Row(self.csv_ranking, self.csv_summary, self.csv_topbottom),
            self.help_card,
            self.ranking_title, self.legend, self.notes, self.chart_box,
            self.tb_candidate, self.top_card, self.bottom_card, self.open_box,
            sizing_mode="stretch_width",
        )
        self._layout = pn.Column(self.message, self.body, sizing_mode="stretch_width")
        self._redraw_on([*DELTA_OUTPUTS, *SIGNIFICANCE_OUTPUTS])
        self.store.delta.param.watch(lambda *_e: self._changed(), "shared_x")  # a drawing choice, no new data
        self.relabel()

    # -- CSV --------------------------------------------------------------------------------------------------

    @staticmethod
    def _with_stats(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[[*RANKING_COLUMNS, *STAT_COLUMNS]]

    def _ranking_frame(self) -> pd.DataFrame:
        return self._with_stats(self.store.stat_ranking)

    def _topbottom_frame(self) -> pd.DataFrame:
        a = self.store
        top = self._with_stats(a.stat_top).assign(list="top")
        bottom = self._with_stats(a.stat_bottom).assign(list="bottom")
        frame = pd.concat([top, bottom], ignore_index=True)
        return frame[["list", *RANKING_COLUMNS, *STAT_COLUMNS]]

    def _name(self, part: str) -> str:
        a = self.store
        return safe_filename("delta", a.overview.dataset, part, f"vs_{a.delta.baseline}", f"scale{a.overview.scale}")

    def _csv_ranking(self) -> io.BytesIO:
        return io.BytesIO(to_csv_bytes(self._ranking_frame()))

    def _csv_summary(self) -> io.BytesIO:
        return io.BytesIO(to_csv_bytes(self.store.stat_summary))

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
        css = f"ea-msg-{status.replace('_', '-')}"
        if not a.datasets:
            key = "nothing_loaded"
        elif status == "no_candidates" and len(a.sources) <= 1:
            # Nothing to choose: asking for a candidate would send the user looking for a control that is empty.
            key, css = "msg_one_source", "ea-msg-one-source"
        text = self.t(key, baseline=a.delta.baseline, dataset=a.overview.dataset)
        return message(text, "info" if css == "ea-msg-one-source" else "warning", css)

    def _rows_table(self, frame: pd.DataFrame, css: str, noise: bool) -> str:
        """One candidate's top or bottom rows with their statistics; `noise` adds the within-run-noise column
        (decided for both tables together, so they have the same columns). Each category links to its
        questions (`_OPEN_LINK`)."""
        digits = digits_for(self.store.overview.scale)
        title = esc(self.t("open_questions"))
        rows = []
        for item in _records(frame, ("candidate", "category", "baseline_score", "candidate_score", "delta", "ci_low",
                                     "ci_high", "p_adjusted", "n", "mde", "significant", "within_noise")):
            link = _OPEN_LINK.format(title=title, cand=esc(item.candidate), cat=esc(item.category), js=esc(_OPEN_JS),
                                     text=esc(item.category))
            cells = [number(item.baseline_score, digits), number(item.candidate_score, digits),
                     number(item.delta, digits, signed=True), ci_text(item.ci_low, item.ci_high, digits),
                     p_text(item.p_adjusted), "—" if pd.isna(item.n) else f"{int(item.n)}",
                     number(item.mde, digits), "✓" if item.significant else ""]
            cells += ["≈" if item.within_noise else ""] if noise else []
            rows.append([link, *map(esc, cells)])
        keys = ["category", "baseline_score", "candidate_score"]
        headers = ([self.t(k) for k in keys] + [self.delta_label()]
                   + [self.t(k) for k in ("ci_col", "p_adjusted_col", "n_col", "mde_col", "significant_col")]
                   + ([self.t("within_noise")] if noise else []))
        return _SCROLL.format(table(headers, rows, css, raw_cells=True, nowrap_from=1))

    def _open_from_link(self, event) -> None:
        """A top/bottom row's category was clicked: open its questions, and empty the box so that the same
        link works again."""
        candidate, sep, category = (event.new or "").partition(SEP)
        if not sep:
            return
        self.open_box.value = ""
        if candidate in self.store.sources:
            self.store.open_questions(candidate, category)

    def _summary_table(self, summary: pd.DataFrame, digits: int, tested: bool) -> str:
        pct = f"{self.store.delta.ci * 100:g}"
        rows = []
        for item in _records(summary, ("candidate", "mean_delta", "ci_low", "ci_high", "median_delta", "p_value",
                                       "test", "sig_wins", "sig_losses", "indistinguishable", "wins", "losses",
                                       "ties", "paired", "total", "n_samples")):
            mean = number(item.mean_delta, digits, True)
            ci = ci_text(item.ci_low, item.ci_high, digits) if tested else "…"
            rows.append([item.candidate, f"{mean} {ci}", number(item.median_delta, digits, True),
                         p_text(item.p_value) if tested else "…", item.test if tested else "…",
                         f"{item.sig_wins} / {item.sig_losses} / {item.indistinguishable}" if tested else "…",
                         f"{item.wins} / {item.losses} / {item.ties}", f"{item.paired}/{item.total}",
                         "—" if pd.isna(item.n_samples) else f"{int(item.n_samples)}"])
        headers = [self.t("candidate"), self.t("mean_ci", pct=pct), self.t("median_delta"), self.t("p_col"),
                   self.t("test_col"), self.t("sig_wl"), self.t("wlt"), self.t("coverage"), self.t("n_samples")]
        return _SCROLL.format(table(headers, rows, "ea-summary", nowrap_from=1))

    def _legend(self, tested: bool) -> str:
        """What solid, pale and the whisker mean, with swatches drawn like the bars."""
        d = self.store.delta
        swatch = ('<span class="{cls}" style="display:inline-block;width:22px;height:12px;margin:0 4px 0 12px;'
                  'vertical-align:middle;border:1px solid {color};{fill}"></span>')
        solid = swatch.format(cls="ea-swatch-solid", color=GAIN_COLOR, fill=f"background:{GAIN_COLOR}")
        if not tested:
            return f'<div class="ea-legend" style="font-size:13px">{solid}{esc(self.t("legend_untested"))}</div>'
        pale_fill = (f"background:repeating-linear-gradient(45deg,{GAIN_COLOR}55 0 2px,"
                     f"rgba(33,102,172,{PALE_ALPHA}) 2px 6px)")
        pale = swatch.format(cls="ea-swatch-pale", color=GAIN_COLOR, fill=pale_fill)
        loss = swatch.format(cls="ea-swatch-loss", color=LOSS_COLOR, fill=f"background:{LOSS_COLOR}")
        whisker = ('<span style="display:inline-block;width:22px;height:0;margin:0 4px 3px 12px;'
                   'border-top:2px solid #333;vertical-align:middle"></span>')
        correction = self.t(f"corr_{d.correction}").split(" (")[0].split("（")[0]
        parts = [f'{solid}{loss}{esc(self.t("legend_solid", alpha=f"{d.alpha:g}", correction=correction))}',
                 f'{pale}{esc(self.t("legend_pale"))}',
                 f'{whisker}{esc(self.t("legend_whisker", pct=f"{d.ci * 100:g}"))}']
        return f'<div class="ea-legend" style="font-size:13px;line-height:1.8">{"".join(parts)}</div>'

    def _stats_notes(self) -> str:
        a = self.store
        if a.stats_status == "loading":
            return message(self.t("stats_loading"), "info", "ea-msg-stats-loading")
        rows = a.stat_ranking if a.stat_ranking is not None else pd.DataFrame(columns=["test"])
        tests = list(dict.fromkeys(rows["test"])) if len(rows) else []
        notes = [self.t("tests_used", tests=", ".join(tests))] if tests else []
        if "unpaired-z" in tests:
            notes.append(self.t("unpaired_note"))
        untested = int((rows["test"] == "none").sum()) if len(rows) else 0
        if untested:
            notes.append(self.t("none_note", n=untested))
        return "".join(f'<div class="ea-stats-note" style="font-size:13px">{esc(note)}</div>' for note in notes)

    def _refresh(self) -> None:
        a = self.store
        self.message.object = self._status_message()
        ok = a.delta_status == "ok"
        self.body.visible = ok
        if not ok:
            return
        scale = a.overview.scale
        digits = digits_for(scale)
        tested = a.stats_status == "ok"
        summary = a.stat_summary
        paired = int(summary["paired"].max()) if len(summary) else 0
        units = (self.delta_label() if a.delta_own_units
                 else self.t("delta_pp_line" if scale == 100 else "delta_fraction_line"))
        self.summary.object = (f'<p class="ea-delta-units">{esc(units)}</p>'
                               + self._summary_table(summary, digits, tested)
                               + f'<p class="ea-summary-note">{esc(self.t("summary_note", n=paired))}</p>')
        self.stats_message.object = self._stats_notes()
        self.legend.object = self._legend(tested)
        capped = self._draw(list(summary["candidate"]), scale, tested)
        notes = [self.t("capped", candidate=c, shown=s, total=n) for c, s, n in capped]
        hidden = len(a.delta_all) - len(a.ranking)
        if hidden:
            notes.append(self.t("hidden_by_min", hidden=hidden, min=f"{a.delta.min_delta:g}"))
        note_html = "".join(f'<div class="ea-note">{esc(note)}</div>' for note in notes)
        if not len(a.ranking):
            note_html += message(self.t("msg_no_rows"), "info", "ea-msg-no-rows")
        self.notes.object = note_html
        self.chart_box.visible = bool(len(a.ranking))
        candidates = [str(name) for name in summary["candidate"]]
        keep = self.tb_candidate.value if self.tb_candidate.value in candidates else (candidates or [None])[0]
        self.tb_candidate.options = candidates
        self.tb_candidate.visible = len(candidates) > 1
        if self.tb_candidate.value != keep:
            self.tb_candidate.value = keep  # draws the tables
        else:
            self._draw_top_bottom()
        self.csv_ranking.filename = self._name("ranking")
        self.csv_summary.filename = self._name("summary")
        self.csv_topbottom.filename = self._name(f"top{a.delta.top_n}")

    def _draw_top_bottom(self) -> None:
        a = self.store
        if a.stat_top is None or a.delta_status != "ok":
            return
        candidate = self.tb_candidate.value
        top = a.stat_top[a.stat_top["candidate"] == candidate]
        bottom = a.stat_bottom[a.stat_bottom["candidate"] == candidate]
        # The noise column in both tables or neither: where this candidate's Δ has a run-to-run spread.
        noise = bool((pd.concat([top["noise"], bottom["noise"]]) > 0).any())
        self.top.object = (self._rows_table(top, "ea-top", noise) if len(top)
                           else message(self.t("top_none", candidate=candidate), "info", "ea-msg-no-gains"))
        self.bottom.object = (self._rows_table(bottom, "ea-bottom", noise) if len(bottom)
                              else message(self.t("bottom_none", candidate=candidate), "info",
                                           "ea-msg-no-regressions"))
        n, name = a.delta.top_n, "" if candidate is None else f" — {candidate}"
        self.top_card.title = self.t("top_title", n=n) + name
        self.bottom_card.title = self.t("bottom_title", n=n) + name

    def _draw(self, candidates: list[str], scale: int, tested: bool) -> list[tuple[str, int, int]]:
        """One figure for every candidate on one Δ range, or (shared axis off) one per candidate on its own;
        a figure is updated in place while its frame (scale, language, axis label) holds, else built."""
        ranking = self.store.stat_ranking
        groups = dict(tuple(ranking.groupby("candidate", sort=False)))
        blocks, capped = [], []
        for candidate in candidates:  # the summary's order, top to bottom, notes too
            rows = groups.get(candidate)
            if rows is None:
                continue
            if len(rows) > MAX_DELTA_ROWS:
                capped.append((candidate, MAX_DELTA_ROWS, len(rows)))
            blocks.append((candidate, cap_rows(rows)))
        shared = self.store.delta.shared_x
        if shared:
            figures = [pd.concat([rows for _c, rows in blocks])] if blocks else []
        else:
            figures = [rows for _c, rows in blocks]
        slots = []
        key = (scale, self.lang, self.delta_label())
        for index, rows in enumerate(figures):
            if index < len(self._facets) and self._facets[index][0] == key:
                _key, facet, pane = self._facets[index]
            else:
                facet = DeltaFacet(scale, self.lang, key[2])
                # On the figure itself: a Bokeh pane renders the figure as its own element.
                facet.figure.css_classes = ["ea-delta-chart"]
                self._link_questions(facet)
                pane = pn.pane.Bokeh(facet.figure)
            # The shared range holds every bar and whisker shown; without it, each figure its own.
            facet.show(rows, tested, delta_bounds(rows if tested else rows[["delta"]]) if shared else None)
            slots.append((key, facet, pane))
        if [pane for _k, _f, pane in slots] != [pane for _k, _f, pane in self._facets]:
            self.chart_box[:] = [pane for _k, _f, pane in slots]
        self._facets = slots
        return capped

    def _link_questions(self, facet: DeltaFacet) -> None:
        """A click on a bar opens the Questions tab on that bar's candidate and category."""
        facet.figure.add_tools(TapTool())

        def _open(_attr, _old, new) -> None:
            if new:
                data = facet.source.data
                candidate, category = data["candidate"][new[0]], data["category"][new[0]]
                facet.source.selected.indices = []
                self.store.open_questions(str(candidate), str(category))

        facet.source.selected.on_change("indices", _open)

    def relabel(self) -> None:
        self.summary_title.object = f"<b>{esc(self.t('summary_title'))}</b>"
        self.ranking_title.object = f"<b>{esc(self.t('ranking_title'))}</b>"
        self.csv_ranking.label = self.t("csv_ranking")
        self.csv_summary.label = self.t("csv_summary")
        self.csv_topbottom.label = self.t("csv_topbottom")
        self.tb_candidate.name = self.t("tb_candidate")
        self.help_card.title = self.t("stats_help_title")
        self.help.object = "".join(f'<p style="margin:4px 0;font-size:13px">{esc(line)}</p>'
                                   for line in self.t("stats_help").split("\n"))
        self._changed()

    def __panel__(self):
        return self._layout
