"""Questions tab (README, Dashboard): which questions flipped between the Δ baseline and one candidate.

Draws `DerivedData`'s QUESTION_OUTPUTS: the 2×2 table of the buckets and one page of the question table, built
on the server (`core.questions.question_page`), so only that page's rows reach the browser. Every text — model
names, categories, questions, gold answers, outputs, reasoning — is escaped and shown as plain text, two lines until
clicked (a `<details>` element: no script).
"""

from __future__ import annotations

import asyncio
import io

import panel as pn

from eval_analyzer.core.export import safe_filename, to_csv_bytes
from eval_analyzer.core.questions import BUCKET_CHOICES, QUESTION_PAGE_SIZE, QUESTION_SORTS
from eval_analyzer.dashboard.htmltext import esc, message, table
from eval_analyzer.dashboard.store import QUESTION_OUTPUTS
from eval_analyzer.dashboard.views.base import TabView, update

#: The panes render in shadow DOM: the clamp rules travel with the pane that needs them.
TEXT_CSS = """
details.ea-qt > summary { max-height: 2.6em; line-height: 1.3em; overflow: hidden; white-space: pre-wrap;
  word-break: break-word; cursor: pointer; list-style: none; }
details.ea-qt > summary::-webkit-details-marker { display: none; }
details.ea-qt[open] > summary { max-height: none; }
details.ea-qt > span { white-space: pre-wrap; word-break: break-word; }
.ea-q-table td { vertical-align: top; max-width: 320px; }
"""
BUCKET_COLOURS = {"regressed": "#a30000", "fixed": "#1b7a1b", "flaky": "#8a4b00"}


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.3f}"


def score_text(share: str, runs: tuple) -> str:
    """`1` / `0` for one right/wrong answer; `2/3 (1 1 0)` over runs; other scores as numbers, per run."""
    if len(runs) == 1:
        return _number(runs[0])
    values = " ".join(_number(value) for value in runs)
    return f"{share} ({values})" if share else values


#: Characters of a text in its two-line preview; the rest is laid out only when the cell is opened. With whole
#: texts in the previews, a page of 25 questions made the browser lay out 100 texts of up to 2,000 characters
#: (50 ms of a page change).
PREVIEW_CHARS = 320


def text_cell(text: str) -> str:
    """A text collapsed to two lines, whole when clicked: the preview in the summary, the rest after it."""
    if not text:
        return ""
    cut = len(text)
    if cut > PREVIEW_CHARS:
        space = text.rfind(" ", PREVIEW_CHARS // 2, PREVIEW_CHARS)
        cut = space + 1 if space >= 0 else PREVIEW_CHARS
    rest = f"<span>{esc(text[cut:])}</span>" if cut < len(text) else ""
    return f'<details class="ea-qt"><summary>{esc(text[:cut])}</summary>{rest}</details>'


class QuestionsView(TabView):
    """Sets only `questions.*` (its own controls); the baseline is the Δ settings'."""

    tab = "questions"

    def __init__(self, **params):
        super().__init__(**params)
        q = self.store.questions
        self._syncing = False
        self._warmed = None  # the pair whose search texts were scheduled
        self.heading = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["ea-q-vs"])
        self.candidate = pn.widgets.Select(css_classes=["ea-w-qcand"], width=300)
        self.category = pn.widgets.Select(css_classes=["ea-w-qcat"], width=240)
        self.bucket = pn.widgets.Select(css_classes=["ea-w-qbucket"], width=220)
        self.sort = pn.widgets.Select(css_classes=["ea-w-qsort"], width=260)
        self.search = pn.widgets.TextInput(value=q.search, css_classes=["ea-w-qsearch"], width=300)
        for widget, name in ((self.candidate, "candidate"), (self.category, "category"), (self.bucket, "bucket"),
                             (self.sort, "sort"), (self.search, "search")):
            widget.param.watch(lambda event, name=name: self._from_widget(name, event.new), "value")
        q.param.watch(lambda *_e: self._sync_search(), "search")
        self.message = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["ea-q-message"])
        self.matrix = pn.pane.HTML("", css_classes=["ea-q-matrix-pane"])
        self.prev = pn.widgets.Button(css_classes=["ea-q-prev"], width=120)
        self.next = pn.widgets.Button(css_classes=["ea-q-next"], width=120)
        self.prev.on_click(lambda _e: self._step(-1))
        self.next.on_click(lambda _e: self._step(+1))
        self.range = pn.pane.HTML("", css_classes=["ea-q-range-pane"])
        self.table = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["ea-q-table-pane"],
                                  stylesheets=[TEXT_CSS])
        self.csv = pn.widgets.FileDownload(callback=self._csv, filename="questions.csv", css_classes=["ea-q-csv"],
                                           button_type="primary", width=240)
        self.body = pn.Column(self.matrix, pn.Row(self.prev, self.next, self.range), self.table, self.csv,
                              sizing_mode="stretch_width")
        # The filters wrap onto a second line instead of pushing the main area sideways (five fixed-width
        # controls are 1,420 px; the main area is 1,080 px at 1440 px).
        controls = pn.FlexBox(self.candidate, self.category, self.bucket, self.sort, self.search,
                              flex_wrap="wrap", sizing_mode="stretch_width", css_classes=["ea-q-controls"])
        self._layout = pn.Column(self.heading, controls, self.message, self.body, sizing_mode="stretch_width")
        self._redraw_on(QUESTION_OUTPUTS)
        self.relabel()

    # -- controls ---------------------------------------------------------------------------------------------

    def _from_widget(self, name: str, value) -> None:
        if not self._syncing:
            update(self.store.questions, **{name: "" if value is None else value})

    def _sync_search(self) -> None:
        if self.search.value != self.store.questions.search:
            self._set(self.search, value=self.store.questions.search)

    def _set(self, widget, **values) -> None:
        """Set a widget from the settings without writing back (a default must not become an explicit value);
        options are sent again only when they changed (a category list of hundreds is costly to re-render)."""
        if "options" in values and values["options"] == widget.options:
            del values["options"]
        values = {name: value for name, value in values.items() if getattr(widget, name) != value}
        if not values:
            return
        self._syncing = True
        try:
            widget.param.update(**values)
        finally:
            self._syncing = False
        self._warmed = None  # the pair whose search texts were scheduled

    def _step(self, step: int) -> None:
        page = self.store.question_page
        if page is not None:
            update(self.store.questions, page=min(max(1, page.page + step), page.pages))

    def _csv(self) -> io.BytesIO:
        return io.BytesIO(to_csv_bytes(self.store.question_export()))

    # -- rendering --------------------------------------------------------------------------------------------

    def _controls(self) -> None:
        a, q = self.store, self.store.questions
        baseline = a.delta.baseline
        candidates = [name for name in a.sources if name != baseline]
        self._set(self.candidate, options=candidates, value=a.question_candidate or None)
        categories = {self.t("q_all_categories"): "", **{name: name for name in a.question_categories}}
        self._set(self.category, options=categories, value=q.category if q.category in categories.values() else "")
        counts = a.question_page.counts if a.question_page is not None else {}
        total = sum(counts.values())
        buckets = {}
        for name in BUCKET_CHOICES:
            count = total if name == "all" else counts.get(name, 0)
            if name == "tied" and not count and q.bucket != "tied":
                continue
            if name == "flaky" and not count and q.bucket != "flaky":
                continue
            buckets[f"{self.t(f'bucket_{name}')} ({count})"] = name
        self._set(self.bucket, options=buckets, value=q.bucket)
        self._set(self.sort, options={self.t(f"q_sort_{name}"): name for name in QUESTION_SORTS}, value=q.sort)
        self._sync_search()

    def _status_message(self) -> str:
        a = self.store
        pairs, dataset = a.question_pairs, a.overview.dataset
        if not a.datasets:
            return message(self.t("nothing_loaded"), "warning", "ea-q-msg-nothing")
        if pairs.status == "no_candidate":
            return message(self.t("q_no_candidate"), "warning", "ea-q-msg-no-candidate")
        if pairs.status == "no_shared":
            return message(self.t("q_no_shared", baseline=a.delta.baseline, candidate=a.question_candidate,
                                  dataset=dataset), "warning", "ea-q-msg-no-shared")
        names = ", ".join(f"“{name}”" for name in a.question_missing) or "?"
        return message(self.t("q_missing", names=names, dataset=dataset), "warning", "ea-q-msg-missing")

    def _matrix(self) -> str:
        counts = self.store.question_page.counts
        rows = [[self.t("q_base_right"), counts["both_right"], counts["regressed"]],
                [self.t("q_base_wrong"), counts["fixed"], counts["both_wrong"]]]
        html = table(["", self.t("q_cand_right"), self.t("q_cand_wrong")], rows, "ea-q-matrix")
        notes = [self.t("q_matrix_note", b=counts["regressed"], c=counts["fixed"])]
        pairs = self.store.question_pairs
        several = pairs.base is not None and (int(pairs.base.runs.max()) > 1 or int(pairs.cand.runs.max()) > 1)
        if several or counts["flaky"]:
            notes.append(self.t("q_matrix_runs", flaky=counts["flaky"]))
        if counts["tied"]:
            notes.append(self.t("q_matrix_tied", fixed=counts["fixed"], regressed=counts["regressed"],
                                tied=counts["tied"]))
        return (f"<b>{esc(self.t('q_matrix_title'))}</b>" + html
                + "".join(f'<p class="ea-q-note">{esc(note)}</p>' for note in notes))

    def _table(self) -> str:
        a = self.store
        page = a.question_page
        if not len(page.rows):
            return message(self.t("q_no_rows"), "info", "ea-q-no-rows")
        base, cand = a.delta.baseline, a.question_candidate
        texts = a.question_pairs.has_texts
        # Reasoning columns only for a pair that has some: models without it keep the table as it was.
        reasoning = texts and a.question_pairs.has_reasoning
        headers = [self.t("q_id"), self.t("q_category"), self.t("q_bucket_col"), self.t("q_score_of", model=base),
                   self.t("q_score_of", model=cand), self.t("q_diff")]
        if texts:
            headers += [self.t("q_question"), self.t("q_gold"), self.t("q_output", model=base),
                        self.t("q_output", model=cand)]
        if reasoning:
            headers += [self.t("q_reasoning", model=base), self.t("q_reasoning", model=cand)]
        rows = []
        for row in page.rows.itertuples(index=False):
            colour = BUCKET_COLOURS.get(row.bucket, "inherit")
            cells = [esc(row.question_id), esc(row.category),
                     f'<span class="ea-q-bucket" style="color:{colour}">{esc(self.t(f"bucket_{row.bucket}"))}'
                     "</span>",
                     esc(score_text(row.baseline_right, row.baseline_runs)),
                     esc(score_text(row.candidate_right, row.candidate_runs)), esc(f"{row.d:+.3g}")]
            if texts:
                cells += [text_cell(row.question), text_cell(row.gold), text_cell(row.baseline_output),
                          text_cell(row.candidate_output)]
            if reasoning:
                cells += [text_cell(row.baseline_reasoning), text_cell(row.candidate_reasoning)]
            rows.append(cells)
        note = f'<p class="ea-q-note">{esc(self.t("q_expand"))}</p>' if texts else ""
        return note + table(headers, rows, "ea-q-table", raw_cells=True)

    def _refresh(self) -> None:
        a = self.store
        page = a.question_page
        if page is None:
            return
        self._controls()
        ok = a.question_pairs.status == "ok"
        heading = self.t("q_vs", baseline=a.delta.baseline, candidate=a.question_candidate or "—",
                         dataset=a.overview.dataset)
        self.heading.object = f'<p class="ea-q-heading">{esc(heading)}</p>'
        self.message.object = "" if ok else self._status_message()
        self.body.visible = ok
        if not ok:
            self.range.object = ""
            return
        self.matrix.object = self._matrix()
        self.table.object = self._table()
        self.prev.disabled = page.page <= 1
        self.next.disabled = page.page >= page.pages
        q = a.questions
        self.csv.filename = safe_filename("questions", a.overview.dataset, q.category, q.bucket,
                                          f"{a.delta.baseline}_vs_{a.question_candidate}")
        first = (page.page - 1) * QUESTION_PAGE_SIZE + 1 if page.total else 0
        last = first + len(page.rows) - 1 if page.total else 0
        # Last: tests take the range text as the sign that the page is drawn.
        self.range.object = (f'<span class="ea-q-range"><span class="ea-q-page">'
                             f'{esc(self.t("page_of", page=page.page, pages=page.pages))}</span> · '
                             f'{esc(self.t("q_range", first=first, last=last, total=page.total))}</span>')
        self._warm_search()

    def _warm_search(self) -> None:
        """A second after the page was sent, build the pair's search texts (about a second for 100,000
        questions a side), so that the user's first search is as quick as the next ones."""
        pairs = self.store.question_pairs
        if pairs is self._warmed or not pairs.has_texts or pn.state.curdoc is None:
            return
        self._warmed = pairs

        async def _build() -> None:
            await asyncio.sleep(1.0)
            self.store.warm_question_search(pairs)

        try:
            pn.state.execute(_build)
        except RuntimeError:  # no running event loop (the static page's worker, in some callbacks)
            self._warmed = None  # the first search builds them

    def relabel(self) -> None:
        self.candidate.name = self.t("q_candidate")
        self.category.name = self.t("q_category")
        self.bucket.name = self.t("q_bucket")
        self.sort.name = self.t("q_sort")
        self.search.name = self.t("q_search")
        self.search.placeholder = self.t("q_search_hint")
        self.prev.name = self.t("prev")
        self.next.name = self.t("next")
        self.csv.label = self.t("q_csv")
        self._changed()

    def __panel__(self):
        return self._layout
