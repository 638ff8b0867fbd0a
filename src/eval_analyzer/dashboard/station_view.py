"""The Station tab (README "Team server and station"): list the shared store, load entries into this session, publish this session's results.

The view only talks to a `Station` (listing, reading, writing) and to two callables the app hands it: `on_load`
(add (name, bytes) pairs to this session) and `documents` (this session's loaded documents). It never parses a
file and never reads another session's state: what a user loaded but did not publish stays theirs.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import pandas as pd
import panel as pn
import param

from eval_analyzer.dashboard.htmltext import esc, size_text
from eval_analyzer.dashboard.htmltext import table as html_table
from eval_analyzer.dashboard.i18n import t
from eval_analyzer.station.store import FAILED, PublishResult, Station, StationError

TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Station: shared results", "zh-TW": "資料站：共享結果"},
    "help": {"en": "Results everyone on this server can load. Select rows and load them into your session.",
             "zh-TW": "此伺服器上所有人都能載入的結果。勾選列後載入到您的工作階段。"},
    "read_only": {"en": "This station is read-only: publishing is turned off.",
                  "zh-TW": "此資料站為唯讀：已停用發布。"},
    "refresh": {"en": "Refresh", "zh-TW": "重新整理"},
    "load_selected": {"en": "Load selected", "zh-TW": "載入所選"},
    "load_all": {"en": "Load all", "zh-TW": "全部載入"},
    "overwrite": {"en": "Overwrite existing", "zh-TW": "覆寫既有項目"},
    "publish": {"en": "Publish loaded results", "zh-TW": "發布已載入的結果"},
    "empty": {"en": "The station is empty.", "zh-TW": "資料站目前是空的。"},
    "count": {"en": "{n} entries in the station.", "zh-TW": "資料站共有 {n} 個項目。"},
    "nothing_selected": {"en": "Select at least one row first.", "zh-TW": "請先勾選至少一列。"},
    "loaded": {"en": "Loaded {n} entries into this session.", "zh-TW": "已將 {n} 個項目載入此工作階段。"},
    "nothing_to_publish": {"en": "Nothing loaded to publish.", "zh-TW": "沒有可發布的已載入結果。"},
    "published": {"en": "{written} written, {replaced} replaced, {skipped} skipped, {failed} failed.",
                  "zh-TW": "寫入 {written} 個、取代 {replaced} 個、略過 {skipped} 個、失敗 {failed} 個。"},
    "col_dataset": {"en": "dataset", "zh-TW": "資料集"},
    "col_model": {"en": "model", "zh-TW": "模型"},
    "col_format": {"en": "format", "zh-TW": "格式"},
    "col_size": {"en": "size", "zh-TW": "大小"},
    "col_modified": {"en": "modified", "zh-TW": "修改時間"},
    "col_problem": {"en": "problem", "zh-TW": "問題"},
    "col_status": {"en": "status", "zh-TW": "狀態"},
    "col_entry": {"en": "entry", "zh-TW": "項目"},
    "col_message": {"en": "message", "zh-TW": "訊息"},
    "written": {"en": "written", "zh-TW": "已寫入"},
    "skipped": {"en": "skipped", "zh-TW": "已略過"},
    "replaced": {"en": "replaced", "zh-TW": "已取代"},
    "failed": {"en": "failed", "zh-TW": "失敗"},
}
COLUMNS = ("dataset", "model", "format", "size", "modified", "problem")


def _time(stamp: float) -> str:
    return dt.datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S")


class StationView(pn.viewable.Viewer):
    """Entries table, load buttons and (unless read-only) the publish controls, built once."""

    store = param.ClassSelector(class_=Station, doc="The shared station this server was started with")
    read_only = param.Boolean(default=False, doc="List and load only; publishing is refused (serve --read-only)")
    on_load = param.Callable(default=None, doc="Adds [(name, bytes)] to this session (DataState.add_files)")
    documents = param.Callable(default=None, doc="Returns this session's loaded SourceDocuments, for publishing")
    lang = param.Selector(default="en", objects=["en", "zh-TW"], doc="Interface language")
    report = param.List(default=[], item_type=PublishResult, doc="What the last publish did, per entry")

    #: Seconds between automatic refreshes under `panel serve`: new entries from other sessions show up without a
    #: click, while a station of thousands of files is still only re-stat'ed (see Station.entries' cache).
    REFRESH_SECONDS: ClassVar[int] = 10
    #: Rows per table page: the table stays responsive with a station of thousands of entries.
    PAGE_SIZE: ClassVar[int] = 25

    def __init__(self, **params):
        super().__init__(**params)
        self._entries = []
        self._signature: tuple = ()
        self._title = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["ea-station-title"])
        self._count = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["ea-station-count"])
        self.table = pn.widgets.Tabulator(
            pd.DataFrame(columns=list(COLUMNS)), show_index=False, selectable="checkbox", disabled=True,
            pagination="local", page_size=self.PAGE_SIZE, header_filters=True, sizing_mode="stretch_width",
            # plaintext: Tabulator escapes the text, so a model named `<img onerror=…>` is shown, not run
            formatters={column: {"type": "plaintext"} for column in COLUMNS}, css_classes=["ea-station-table"],
        )
        self.refresh_button = pn.widgets.Button(css_classes=["ea-station-refresh"])
        self.load_selected_button = pn.widgets.Button(button_type="primary", css_classes=["ea-station-load"])
        self.load_all_button = pn.widgets.Button(css_classes=["ea-station-load-all"])
        self.overwrite = pn.widgets.Checkbox(value=False, css_classes=["ea-station-overwrite"])
        self.publish_button = pn.widgets.Button(button_type="success", css_classes=["ea-station-publish"])
        self._message = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["ea-station-message"])
        self._report = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["ea-station-report"])
        self.refresh_button.on_click(lambda _event: self.refresh())
        self.load_selected_button.on_click(lambda _event: self.load_selected())
        self.load_all_button.on_click(lambda _event: self.load_all())
        self.publish_button.on_click(lambda _event: self.publish())
        publish_row = pn.Row(self.overwrite, self.publish_button, visible=not self.read_only)
        self._read_only_note = pn.pane.HTML(visible=self.read_only, css_classes=["ea-station-read-only"])
        self._layout = pn.Column(
            self._title, pn.Row(self.refresh_button, self.load_selected_button, self.load_all_button),
            self._count, self.table, publish_row, self._read_only_note, self._message, self._report,
            sizing_mode="stretch_width", css_classes=["ea-station"],
        )
        self.relabel()
        self.refresh()
        if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
            pn.state.add_periodic_callback(self.refresh, period=self.REFRESH_SECONDS * 1000)

    def t(self, key: str, **fmt) -> str:
        return t(key, self.lang, TEXTS, **fmt)

    @param.depends("lang", watch=True)
    def relabel(self) -> None:
        self._title.object = f"<h3>{esc(self.t('title'))}</h3><p>{esc(self.t('help'))}</p>"
        self._read_only_note.object = f"<p><i>{esc(self.t('read_only'))}</i></p>"
        self.refresh_button.name = self.t("refresh")
        self.load_selected_button.name = self.t("load_selected")
        self.load_all_button.name = self.t("load_all")
        self.overwrite.name = self.t("overwrite")
        self.publish_button.name = self.t("publish")
        self.table.titles = {column: self.t(f"col_{column}") for column in COLUMNS}
        self._show_count()
        self._show_report()

    # --- listing and loading ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-list the station; the table (and its selection) only changes when the station did."""
        try:
            entries = self.store.entries()
        except StationError as error:
            self._say(str(error), "error")
            return
        signature = tuple((entry.key, entry.size, entry.modified) for entry in entries)
        if signature == self._signature:
            return
        selected = {self._entries[index].key for index in self.table.selection if index < len(self._entries)}
        self._entries, self._signature = entries, signature
        self.table.value = pd.DataFrame(
            [(e.dataset, e.model, e.format, size_text(e.size), _time(e.modified), e.problem) for e in entries],
            columns=list(COLUMNS))
        self.table.selection = [index for index, entry in enumerate(entries) if entry.key in selected]
        self._show_count()

    def _show_count(self) -> None:
        text = self.t("count", n=len(self._entries)) if self._entries else self.t("empty")
        self._count.object = f"<p>{esc(text)}</p>"

    def load_selected(self) -> None:
        chosen = [self._entries[index] for index in self.table.selection if index < len(self._entries)]
        if not chosen:
            self._say(self.t("nothing_selected"), "warning")
            return
        self._load(chosen)

    def load_all(self) -> None:
        self._load(list(self._entries))

    def _load(self, entries) -> None:
        pairs, errors = [], []
        for entry in entries:
            try:
                pairs.append((f"station/{entry.key}", self.store.read(entry)))
            except StationError as error:
                errors.append(str(error))  # removed by another session since the last refresh
        if pairs and self.on_load is not None:
            self.on_load(pairs)
        self._say(" ".join([self.t("loaded", n=len(pairs)), *errors]), "error" if errors else "info")
        if errors:
            self.refresh()

    # --- publishing ------------------------------------------------------------------------------------------

    def publish(self) -> list[PublishResult]:
        """Publish every loaded document; refused in read-only mode whatever the widgets say."""
        if self.read_only:
            self._say(self.t("read_only"), "warning")
            return []
        documents = list(self.documents()) if self.documents is not None else []
        if not documents:
            self._say(self.t("nothing_to_publish"), "warning")
            return []
        self.publish_button.loading = True
        try:
            self.report = self.store.publish(documents, overwrite=self.overwrite.value)
        finally:
            self.publish_button.loading = False
        self._show_report()
        self.refresh()
        return self.report

    def _show_report(self) -> None:
        if not self.report:
            self._report.object = ""
            return
        counts = {status: sum(r.status == status for r in self.report)
                  for status in ("written", "replaced", "skipped", FAILED)}
        self._say(self.t("published", **counts), "error" if counts[FAILED] else "info")
        rows = [(self.t(r.status), f"{r.dataset}/{r.model}" if r.dataset else r.model, r.message)
                for r in self.report]
        self._report.object = html_table([self.t("col_status"), self.t("col_entry"), self.t("col_message")], rows,
                                         css_class="ea-station-report-table")

    def _say(self, text: str, kind: str = "info") -> None:
        colour = {"info": "#0b5394", "warning": "#8a4b00", "error": "#a30000"}[kind]
        self._message.object = f'<p role="status" style="color:{colour}">{esc(text)}</p>'

    def __panel__(self):
        return self._layout
