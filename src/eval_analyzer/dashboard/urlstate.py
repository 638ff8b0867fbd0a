"""Every setting in the query string (SPEC §6), read and written per key.

Panel's `location.sync` rejects every value when one is bad, so each key is parsed and validated here on its
own: an invalid value leaves that one setting at its current value and is reported back, never an exception.
Lists are written as repeated keys (`models=a&models=b`); reading also accepts one comma-separated value when
it is not itself a valid name. `models` is left out when every model of the dataset is shown (the default), and
`metric` when each file's primary metric is shown (the default).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlencode

from eval_analyzer.core.delta import DELTA_SORTS
from eval_analyzer.core.document import parse_finite
from eval_analyzer.core.overview import FILTER_MODES, OPERATORS, PAGE_SIZES, SORT_MODES
from eval_analyzer.dashboard.analysis import Analysis
from eval_analyzer.dashboard.state import LANGUAGES

#: The URL parameters, in the order they are written and applied. `page` is last: every other change resets it.
KEYS = ("lang", "tab", "ds", "metric", "scale", "models", "sort", "size", "thr_on", "op", "mode", "tmodel",
        "thr", "base", "cands", "dsort", "dmin", "eps", "topn", "page")
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


def _resolve(analysis: Analysis, name: str) -> str | None:
    """A source label of the dataset, or a model name naming exactly one of its sources."""
    sources = analysis.sources
    if name in sources:
        return name
    table = analysis.data.loaded.table
    rows = table[(table["model"] == name) & table["source_label"].isin(sources)]
    labels = list(dict.fromkeys(rows["source_label"].tolist()))
    return labels[0] if len(labels) == 1 else None


def _names(analysis: Analysis, values: list[str]) -> list[str] | None:
    if len(values) == 1 and _resolve(analysis, values[0]) is None and "," in values[0]:
        values = values[0].split(",")
    resolved = [_resolve(analysis, value.strip()) for value in values if value.strip()]
    good = list(dict.fromkeys(name for name in resolved if name))
    return good if good or values == [""] else None


def _choice(options) -> Callable[[str], object | None]:
    return lambda text: text if text in options else None


def apply_query(analysis: Analysis, query: dict[str, list[str]], tabs: tuple[str, ...]) -> list[str]:
    """Set every valid setting of `query`; return the keys whose values were ignored."""
    a = analysis
    ignored: list[str] = []

    def one(key: str, parse: Callable[[str], object | None], setter: Callable[[object], None]) -> None:
        if key not in query:
            return
        value = parse(query[key][-1])
        if value is None:
            ignored.append(key)
            return
        try:
            setter(value)
        except (ValueError, TypeError):
            ignored.append(key)

    def many(key: str, setter: Callable[[list[str]], None]) -> None:
        if key not in query:
            return
        names = _names(a, query[key])
        if names is None:
            ignored.append(key)
        else:
            setter(names)

    def lang(text: str) -> str | None:
        lowered = {code.lower(): code for code in LANGUAGES}
        return lowered.get(text.lower()) or ("zh-TW" if text.lower() in ("zh", "zh-hant", "zh_tw") else None)

    def flag(text: str) -> bool | None:
        return True if text.lower() in _TRUE else False if text.lower() in _FALSE else None

    def in_range(upper: Callable[[], float]) -> Callable[[str], float | None]:
        def parse(text: str) -> float | None:
            value = parse_finite(text)
            return value if value is not None and 0 <= value <= upper() else None
        return parse

    def non_negative(text: str) -> float | None:
        value = parse_finite(text)
        return value if value is not None and value >= 0 else None

    def source(text: str) -> str | None:
        return _resolve(a, text)

    with a.hold():
        one("lang", lang, lambda v: setattr(a.ui, "lang", v))
        one("tab", _choice(tabs), lambda v: setattr(a.ui, "tab", v))
        one("ds", _choice(a.datasets), lambda v: setattr(a.overview, "dataset", v))
        one("metric", _choice(["", *a.metrics]), lambda v: setattr(a.overview, "metric", v))
        one("scale", lambda s: _integer(s) if _integer(s) in (1, 100) else None,
            lambda v: setattr(a.overview, "scale", v))
        many("models", lambda v: setattr(a.overview, "models", v))
        one("sort", _choice(SORT_MODES), lambda v: setattr(a.overview, "sort", v))
        one("size", lambda s: _integer(s) if _integer(s) in PAGE_SIZES else None,
            lambda v: setattr(a.overview, "page_size", v))
        one("thr_on", flag, lambda v: setattr(a.filter, "on", v))
        one("op", _choice(OPERATORS), lambda v: setattr(a.filter, "op", v))
        one("mode", _choice(FILTER_MODES), lambda v: setattr(a.filter, "mode", v))
        one("tmodel", source, lambda v: setattr(a.filter, "model", v))
        one("thr", in_range(a.threshold_end), lambda v: setattr(a.filter, "threshold", v))
        one("base", source, lambda v: setattr(a.delta, "baseline", v))
        many("cands", lambda v: setattr(a.delta, "candidates", [c for c in v if c != a.delta.baseline]))
        one("dsort", _choice(DELTA_SORTS), lambda v: setattr(a.delta, "sort", v))
        one("dmin", non_negative, lambda v: setattr(a.delta, "min_delta", v))
        one("eps", non_negative, lambda v: setattr(a.delta, "eps", v))
        one("topn", lambda s: _integer(s) if (_integer(s) or 0) >= 1 and _integer(s) <= 1000 else None,
            lambda v: setattr(a.delta, "top_n", v))
        one("page", lambda s: _integer(s) if (_integer(s) or 0) >= 1 else None,
            lambda v: setattr(a.overview, "page", v))
    return ignored


def _num(value: float) -> str:
    return format(float(value), ".10g")


def query_pairs(analysis: Analysis) -> list[tuple[str, str]]:
    """The current settings as (key, value) pairs, in `KEYS` order."""
    a = analysis
    ov, f, d = a.overview, a.filter, a.delta
    pairs = [("lang", a.ui.lang), ("tab", a.ui.tab), ("ds", ov.dataset)]
    if ov.metric:  # left out for the default, each file's primary metric
        pairs.append(("metric", ov.metric))
    pairs.append(("scale", str(ov.scale)))
    if list(ov.models) != list(a.sources):
        pairs += [("models", name) for name in ov.models] or [("models", "")]
    pairs += [("sort", ov.sort), ("size", str(ov.page_size)), ("thr_on", "1" if f.on else "0"), ("op", f.op),
              ("mode", f.mode), ("tmodel", f.model), ("thr", _num(f.threshold)), ("base", d.baseline)]
    pairs += [("cands", name) for name in d.candidates] or [("cands", "")]
    pairs += [("dsort", d.sort), ("dmin", _num(d.min_delta)), ("eps", _num(d.eps)), ("topn", str(d.top_n)),
              ("page", str(ov.page))]
    return pairs


def build_search(analysis: Analysis, extra: list[tuple[str, str]] | None = None) -> str:
    """`?lang=en&tab=overview&…`; `extra` pairs (such as `src=`) are kept at the end."""
    return "?" + urlencode(query_pairs(analysis) + list(extra or []))
