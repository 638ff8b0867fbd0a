"""The settings in the address bar: read, validated, written and watched, all derived from the settings
classes' parameters and their `url_keys` (dashboard/state.py).

Panel's `location.sync` rejects every value when one is bad, so each key is parsed and validated here on its
own: an invalid value leaves that one setting at its current value and is reported back, never an exception.
A value is valid when its parameter accepts it — a Selector's `objects`, a Number's or Integer's `bounds` — and,
for names of the loaded data, when the `UrlKey` says which list holds them. Lists are written as repeated keys
(`models=a&models=b`); reading also accepts one comma-separated value when it is not itself a valid name.

Panel's `Location` writes with `history.pushState`, which piles one history entry per click; here a hidden
widget carries the query string to the browser, where a small callback calls `history.replaceState` (no reload,
no new entry). Reading happens once the page's location is known: at session start under `panel serve`, and
when the worker first receives it in Pyodide (Panel sends the location after the first render there).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import panel as pn
import param

from eval_analyzer.core.document import parse_finite
from eval_analyzer.core.scores import source_matches
from eval_analyzer.dashboard.htmltext import esc
from eval_analyzer.dashboard.i18n import t
from eval_analyzer.dashboard.state import SETTINGS, UrlKey
from eval_analyzer.dashboard.store import DerivedData

#: (settings attribute of DerivedData, parameter name, UrlKey) of every setting the URL carries, in the order
#: they are written and applied: class order, then the `last` ones.
FIELDS: tuple[tuple[str, str, UrlKey], ...] = tuple(sorted(
    ((owner, name, spec) for owner, cls in SETTINGS.items() for name, spec in cls.url_keys.items()),
    key=lambda item: item[2].last))
KEYS = tuple(spec.key for _owner, _name, spec in FIELDS)
#: Parameters the address bar follows, per settings attribute.
WATCHED: dict[str, list[str]] = {owner: [n for o, n, _s in FIELDS if o == owner] for owner in SETTINGS}
#: Keys the page reads but never writes: result files by URL (static page only).
SOURCE_KEY = "src"
_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"0", "false", "off", "no"}


def parse_search(search: str) -> dict[str, list[str]]:
    """`?a=1&b=x&b=y` → {'a': ['1'], 'b': ['x', 'y']} (blank values kept, so `cands=` means "none")."""
    return parse_qs((search or "").lstrip("?"), keep_blank_values=True)


def _integer(text: str) -> int | None:
    value = parse_finite(text)
    return int(value) if value is not None and value == int(value) else None


def _resolve(store: DerivedData, name: str, among: list[str] | None = None) -> str | None:
    """A source label of the dataset (or of `among`), or a model name naming exactly one of those sources."""
    matches = source_matches(store.data.loaded.table, name, list(store.sources if among is None else among))
    return matches[0] if len(matches) == 1 else None


def _names(store: DerivedData, spec: UrlKey, valid: list, values: list[str]) -> list[str] | None:
    def one(value: str) -> str | None:
        return _resolve(store, value, valid) if spec.sources else value if value in valid else None

    if len(values) == 1 and one(values[0]) is None and "," in values[0]:
        values = values[0].split(",")
    resolved = [one(value.strip()) for value in values if value.strip()]
    good = list(dict.fromkeys(name for name in resolved if name))
    return good if good or values == [""] else None


def _within(value, bounds) -> bool:
    low, high = bounds or (None, None)
    return (low is None or value >= low) and (high is None or value <= high)


def parse_value(store: DerivedData, owner: str, name: str, spec: UrlKey, values: list[str],
                tabs: tuple[str, ...], scale: int):
    """The setting's value from its URL values, or None when invalid — judged by the parameter itself."""
    parameter = getattr(store, owner).param[name]
    text = values[-1]
    valid = (list(tabs) if spec.names == "tabs" else ["", *getattr(store, spec.names)] if spec.omit_when == "default"
             else list(getattr(store, spec.names))) if spec.names else None
    if isinstance(parameter, param.List):
        return _names(store, spec, valid or [], values)
    if isinstance(parameter, param.Boolean):
        return True if text.lower() in _TRUE else False if text.lower() in _FALSE else None
    if isinstance(parameter, param.Selector):
        objects = list(parameter.objects)
        if spec.aliases:
            spelled = {str(o).lower(): o for o in objects} | {k.lower(): v for k, v in spec.aliases.items()}
            return spelled.get(text.lower())
        numbers = bool(objects) and all(isinstance(o, int | float) and not isinstance(o, bool) for o in objects)
        integers = numbers and all(isinstance(o, int) for o in objects)
        value = _integer(text) if integers else parse_finite(text) if numbers else text
        return value if value in objects and (valid is None or value in valid) else None
    if isinstance(parameter, param.Integer):
        value = _integer(text)
        return value if value is not None and _within(value, parameter.bounds) else None
    if isinstance(parameter, param.Number):
        value = parse_finite(text)
        if value is None or not _within(value, parameter.bounds):
            return None
        return value if not spec.upper or value <= getattr(store, spec.upper)(scale) else None
    if spec.sources:
        return _resolve(store, text)
    return text if valid is None or text in valid else None


def apply_query(store: DerivedData, query: dict[str, list[str]], tabs: tuple[str, ...]) -> list[str]:
    """Set every valid setting of `query` (the frames are derived once); return the keys whose values were
    ignored. Keys marked `alone` are set at once: the names valid for the keys after them depend on them."""
    ignored: list[str] = []
    changes: dict[param.Parameterized, dict] = {}
    for owner, name, spec in FIELDS:
        if spec.key not in query:
            continue
        scale = changes.get(store.overview, {}).get("scale", store.overview.scale)
        value = parse_value(store, owner, name, spec, query[spec.key], tabs, scale)
        if value is None:
            ignored.append(spec.key)
        elif spec.alone:
            setattr(getattr(store, owner), name, value)
        else:
            changes.setdefault(getattr(store, owner), {})[name] = value
    store.update_settings(changes)
    return ignored


def _text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return format(value, ".10g")
    return str(value)


def query_pairs(store: DerivedData) -> list[tuple[str, str]]:
    """The current settings as (key, value) pairs, in `KEYS` order."""
    pairs: list[tuple[str, str]] = []
    for owner, name, spec in FIELDS:
        settings = getattr(store, owner)
        value = getattr(settings, name)
        if spec.omit_when == "default" and value == settings.param[name].default:
            continue
        if spec.omit_when and spec.omit_when != "default" and list(value) == list(getattr(store, spec.omit_when)):
            continue
        if isinstance(value, list):
            pairs += [(spec.key, item) for item in value] or [(spec.key, "")]
        else:
            pairs.append((spec.key, _text(value)))
    return pairs


def build_search(store: DerivedData, extra: list[tuple[str, str]] | None = None) -> str:
    """`?lang=en&tab=overview&…`; `extra` pairs (such as `src=`) are kept at the end."""
    return "?" + urlencode(query_pairs(store) + list(extra or []))


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


class UrlSync(pn.viewable.Viewer):
    """Owns the link widgets; applies the URL once it is known and writes it after every change."""

    store = param.ClassSelector(class_=DerivedData, doc="The session state mirrored in the URL")
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
        a = self.store
        for owner, names in WATCHED.items():
            getattr(a, owner).param.watch(lambda *_e: self.write(), names)
        a.param.watch(lambda *_e: self.write(), "all_sources")  # `models` is left out while it equals them
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
        query = parse_search(search)
        self.sources = list(query.get(SOURCE_KEY, []))
        self.ignored = apply_query(self.store, query, tuple(self.tabs))
        self.ready = True
        self.write()

    def reapply(self) -> None:
        """After data arrived later (URL sources), restore the settings that needed it."""
        location = pn.state.location
        if location is not None and location.search:
            self.ignored = apply_query(self.store, parse_search(location.search),
                                                  tuple(self.tabs))
            self.write()

    def search(self) -> str:
        return build_search(self.store, [(SOURCE_KEY, src) for src in self.sources])

    def write(self) -> None:
        search = self.search()
        location = pn.state.location
        base = (location.href or "").split("?")[0].split("#")[0] if location is not None else ""
        self.text.object = f'<code class="ea-link">{esc(base + search)}</code>'
        if self.ready and self._rendered:
            self._writer.value = search

    def relabel(self) -> None:
        lang = self.store.ui.lang
        self.title.object = f"<b>{esc(t('link_title', lang))}</b>"
        self.copy.name = t("copy_link", lang)

    def __panel__(self):
        return self._layout
