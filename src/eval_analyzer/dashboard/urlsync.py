"""Mirror the settings in the address bar, and restore them from it (SPEC §6).

Panel's `Location` writes with `history.pushState`, which piles one history entry per click; here a hidden
widget carries the query string to the browser, where a small callback calls `history.replaceState` (no reload,
no new entry). Reading happens once the page's location is known: at session start under `panel serve`, and
when the worker first receives it in Pyodide (Panel sends the location after the first render there).
"""

from __future__ import annotations

import sys

import panel as pn
import param

from eval_analyzer.dashboard import urlstate
from eval_analyzer.dashboard.analysis import Analysis
from eval_analyzer.dashboard.htmltext import esc
from eval_analyzer.dashboard.i18n import t

_REPLACE_JS = """
const search = cb_obj.value;
if (search && window.location.search !== search) {
  window.history.replaceState(window.history.state, "", window.location.pathname + search + window.location.hash);
}
"""
_COPY_JS = """
const url = window.location.href;
const label = button.label;
const copied = label === "複製連結" ? "已複製" : "Copied";
const done = () => { button.label = copied; setTimeout(() => { button.label = label; }, 1500); };
if (navigator.clipboard && window.isSecureContext) {
  navigator.clipboard.writeText(url).then(done, () => {});
} else {
  const area = document.createElement("textarea");
  area.value = url; document.body.appendChild(area); area.select();
  try { document.execCommand("copy"); done(); } finally { document.body.removeChild(area); }
}
"""
IN_PYODIDE = sys.platform == "emscripten"


class UrlSync(pn.viewable.Viewer):
    """Owns the link widgets; applies the URL once it is known and writes it after every change."""

    analysis = param.ClassSelector(class_=Analysis, doc="The session state mirrored in the URL")
    tabs = param.List(default=["overview", "delta", "heatmap", "files"], item_type=str,
                      doc="Tab keys of this page (with 'station' when a station is configured)")
    ready = param.Boolean(default=False, doc="True once the initial URL has been applied; writes wait for it")
    ignored = param.List(default=[], doc="Keys of the last applied URL whose values were invalid")
    sources = param.List(default=[], doc="The `src=` values of the URL (result files to fetch)")

    def __init__(self, **params):
        super().__init__(**params)
        self._writer = pn.widgets.TextInput(value="", visible=False, css_classes=["ea-url-writer"])
        self._writer.jscallback(value=_REPLACE_JS)
        self.title = pn.pane.HTML("")
        self.copy = pn.widgets.Button(button_type="light", css_classes=["ea-copy-link"], width=120)
        self.copy.js_on_click(args={"button": self.copy}, code=_COPY_JS)
        self.text = pn.pane.HTML("", css_classes=["ea-link-pane"], sizing_mode="stretch_width",
                                 styles={"word-break": "break-all", "font-size": "11px"})
        self._layout = pn.Column(self.title, self.copy, self.text, self._writer, sizing_mode="stretch_width")
        a = self.analysis
        for obj, names in ((a.overview, ["dataset", "models", "scale", "sort", "page_size", "page"]),
                           (a.filter, ["on", "op", "mode", "threshold", "model"]),
                           (a.delta, ["baseline", "candidates", "sort", "min_delta", "eps", "top_n"]),
                           (a.ui, ["tab", "lang"])):
            obj.param.watch(lambda *_e: self.write(), names)
        # A batch of changes (URL restore, scale conversion) ends with a recomputation: write once, then.
        a.param.watch(lambda *_e: self.write(), ["overview_version", "delta_version"])
        a.ui.param.watch(lambda *_e: self.relabel(), "lang")
        self._rendered = False
        pn.state.onload(self._on_render)
        location = pn.state.location
        if location is not None:
            location.param.watch(self._on_location, ["search", "href"])
            if location.href or location.search:
                self.apply(location.search)
        self.relabel()

    def _on_render(self) -> None:
        # The first value must reach the browser as a change, or the replaceState callback never runs.
        self._rendered = True
        self.write()

    def _on_location(self, *_events) -> None:
        # Pyodide: the location arrives after the first render. Apply it once; later changes are our own.
        # The worker sets href and search in one batch, so param passes both events at once.
        if not self.ready:
            self.apply(pn.state.location.search)

    def apply(self, search: str) -> None:
        query = urlstate.parse_search(search)
        self.sources = list(query.get(urlstate.SOURCE_KEY, []))
        self.ignored = urlstate.apply_query(self.analysis, query, tuple(self.tabs))
        self.ready = True
        self.write()

    def reapply(self) -> None:
        """After data arrived later (URL sources), restore the settings that needed it."""
        location = pn.state.location
        if location is not None and location.search:
            self.ignored = urlstate.apply_query(self.analysis, urlstate.parse_search(location.search),
                                                  tuple(self.tabs))
            self.write()

    def search(self) -> str:
        return urlstate.build_search(self.analysis, [(urlstate.SOURCE_KEY, src) for src in self.sources])

    def write(self) -> None:
        if self.analysis.held:
            return
        search = self.search()
        location = pn.state.location
        base = (location.href or "").split("?")[0].split("#")[0] if location is not None else ""
        self.text.object = f'<code class="ea-link">{esc(base + search)}</code>'
        if self.ready and self._rendered:
            self._writer.value = search

    def relabel(self) -> None:
        lang = self.analysis.ui.lang
        self.title.object = f"<b>{esc(t('link_title', lang))}</b>"
        self.copy.name = t("copy_link", lang)

    def __panel__(self):
        return self._layout
