"""Session state: one `param.Parameterized` class per concern, and the one schema of the settings.

These classes hold settings only; the frames derived from them live in `store.DerivedData`, and the widgets that
edit them live in the views. Every instance belongs to one browser session (`app.create_app` builds fresh ones).

Each settings class lists in `url_keys` the settings the address bar carries, as `UrlKey`s: the URL key and
what the parameter cannot say itself. Everything else — how a value is read and validated (the parameter's
type, `objects` and `bounds`), how it is written, which parameters the address bar watches — is derived from
the parameters by `dashboard/urlsettings.py`. A new setting is a parameter plus, if the URL should carry it,
one `url_keys` entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import param

from eval_analyzer.core.delta import DEFAULT_TOP_N, DELTA_SORTS
from eval_analyzer.core.errors import Problem
from eval_analyzer.core.loader import UPLOAD_EXTENSIONS, Limits, load_files
from eval_analyzer.core.overview import DEFAULT_PAGE_SIZE, FILTER_MODES, OPERATORS, PAGE_SIZES, SORT_MODES
from eval_analyzer.core.questions import BUCKET_CHOICES, QUESTION_SORTS
from eval_analyzer.core.scores import SCALES
from eval_analyzer.core.stats import CORRECTIONS
from eval_analyzer.core.table import LoadedData, empty_loaded_data

#: Tab keys, in display order. "station" only appears when a station is configured.
TABS = ("overview", "delta", "questions", "heatmap", "files", "station")
LANGUAGES = ("en", "zh-TW")
#: What the upload picker offers: every extension the loader reads (a browser hides the others from the user).
ACCEPT = ",".join(UPLOAD_EXTENSIONS)
#: Confidence levels offered for the Δ whiskers.
CI_LEVELS = (0.8, 0.9, 0.95, 0.99)
#: Default threshold on the unit scale: the middle of the range, a neutral starting point.
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class UrlKey:
    """How one setting is carried in the address bar."""

    #: The query-string key.
    key: str
    #: For a name of the loaded data: the `DerivedData` list (or "tabs", the page's tabs) of the valid names.
    names: str = ""
    #: Names of sources also accept a model name that names exactly one source of the dataset.
    sources: bool = False
    #: Other spellings accepted when read (compared case-insensitively), e.g. "zh" for "zh-TW".
    aliases: dict[str, str] = field(default_factory=dict)
    #: Left out of the URL while equal to this `DerivedData` attribute ("all_sources": every model chosen) or,
    #: with "default", to the parameter's default.
    omit_when: str = ""
    #: A `DerivedData` method giving the largest valid value at the scale being applied (the parameter's own
    #: upper bound is open).
    upper: str = ""
    #: Set at once when read, before the keys after it are validated (their valid names depend on it).
    alone: bool = False
    #: Written and applied after every other key (every other change resets it).
    last: bool = False


class DataState(param.Parameterized):
    """The files of this session and what `core` made of them."""

    files = param.List(default=[], doc="(name, bytes) pairs in load order; re-adding a name replaces that file")
    loaded = param.ClassSelector(class_=LoadedData, doc="What core.loader.load_files made of `files`")
    extra_problems = param.List(default=[], item_type=Problem,
                                doc="Problems that are not about one loaded file (URL sources that failed, …)")
    busy = param.Boolean(default=False, doc="True while files are being read, for the progress indication")
    busy_message = param.String(default="", doc="What is being read right now")
    limits = param.ClassSelector(class_=Limits, default=Limits(), doc="Per-file and total size limits")

    def __init__(self, **params):
        if "loaded" not in params and not params.get("files"):
            params["loaded"] = empty_loaded_data()
        super().__init__(**params)
        if self.files:
            self._load()

    def add_files(self, pairs: list[tuple[str, bytes]]) -> None:
        """Add (name, bytes) pairs: the one entry point for upload, station loading and URL sources."""
        incoming = {name: data for name, data in pairs}
        kept = [(name, data) for name, data in self.files if name not in incoming]
        self.files = kept + list(incoming.items())

    def remove_file(self, name: str) -> None:
        self.files = [(other, data) for other, data in self.files if other != name]

    @param.depends("files", watch=True)
    def _load(self) -> None:
        self.busy = True
        try:
            self.loaded = load_files(self.files, self.limits)
        finally:
            self.busy = False

    @property
    def problems(self) -> list[Problem]:
        return [*self.extra_problems, *self.loaded.problems]


class OverviewSettings(param.Parameterized):
    """What the Overview shows."""

    dataset = param.String(default="", doc="Selected dataset; empty when nothing is loaded")
    metric = param.String(default="", doc="Metric shown; empty means each file's primary metric")
    models = param.List(default=[], item_type=str,
                        doc="Chosen source labels, in load order, of every dataset (those without scores in the "
                            "selected one are not drawn); set to all on load")
    scale = param.Selector(default=1, objects=list(SCALES), doc="Display scale: 1 → 0–1, 100 → 0–100")
    sort = param.Selector(default="mean_desc", objects=list(SORT_MODES), doc="Category order")
    page_size = param.Selector(default=DEFAULT_PAGE_SIZE, objects=list(PAGE_SIZES), doc="Categories per page")
    page = param.Integer(default=1, bounds=(1, None), doc="1-based page; clamped to the last page when shown")

    url_keys: ClassVar[dict[str, UrlKey]] = {
        "dataset": UrlKey("ds", names="datasets", alone=True),
        "metric": UrlKey("metric", names="metrics", omit_when="default", alone=True),
        "scale": UrlKey("scale"),
        "models": UrlKey("models", names="all_sources", sources=True, omit_when="all_sources"),
        "sort": UrlKey("sort"),
        "page_size": UrlKey("size"),
        "page": UrlKey("page", last=True),
    }


class FilterSettings(param.Parameterized):
    """Score-threshold filter. The threshold is in the display scale."""

    on = param.Boolean(default=False, doc="Whether the filter applies")
    op = param.Selector(default="ge", objects=list(OPERATORS), doc="ge: score ≥ threshold; le: score ≤ threshold")
    mode = param.Selector(default="any", objects=list(FILTER_MODES),
                          doc="any: some shown model meets it; model: the chosen model meets it")
    threshold = param.Number(default=DEFAULT_THRESHOLD, bounds=(0, None), doc="Threshold in the display scale")
    model = param.String(default="", doc="The model of mode 'model' (a source label of the dataset)")

    url_keys: ClassVar[dict[str, UrlKey]] = {
        "on": UrlKey("thr_on"), "op": UrlKey("op"), "mode": UrlKey("mode"),
        "model": UrlKey("tmodel", names="sources", sources=True),
        "threshold": UrlKey("thr", upper="threshold_end"),
    }


class DeltaSettings(param.Parameterized):
    """Baseline Δ store. min |Δ| and ε are in the display scale."""

    baseline = param.String(default="", doc="Baseline source label")
    candidates = param.List(default=[], item_type=str, doc="Candidate source labels (never the baseline)")
    sort = param.Selector(default="abs_desc", objects=list(DELTA_SORTS), doc="Ranking order")
    min_delta = param.Number(default=0.0, bounds=(0, None), doc="Hide ranking rows with |Δ| below this")
    eps = param.Number(default=0.0, bounds=(0, None), doc="Tie tolerance: |Δ| ≤ ε counts as a tie")
    top_n = param.Integer(default=DEFAULT_TOP_N, bounds=(1, 1000), doc="N of the top/bottom-N lists")
    # Beyond 0.2 "significant" stops meaning much; below 0.001 few evaluation sets could ever reach it.
    alpha = param.Number(default=0.05, bounds=(0.001, 0.2), doc="Significance level α (after the correction)")
    ci = param.Selector(default=0.95, objects=list(CI_LEVELS), doc="Confidence level of the CI whiskers")
    correction = param.Selector(default="holm", objects=list(CORRECTIONS),
                                doc="Multiplicity correction across the categories of a candidate")
    shared_x = param.Boolean(default=True, doc="Every candidate's facet on one Δ range, so bars compare across")

    url_keys: ClassVar[dict[str, UrlKey]] = {
        "baseline": UrlKey("base", names="sources", sources=True),
        "candidates": UrlKey("cands", names="sources", sources=True),
        "sort": UrlKey("dsort"), "min_delta": UrlKey("dmin"), "eps": UrlKey("eps"), "top_n": UrlKey("topn"),
        "alpha": UrlKey("alpha"), "ci": UrlKey("ci"), "correction": UrlKey("corr"), "shared_x": UrlKey("dshared"),
    }


class QuestionSettings(param.Parameterized):
    """What the Questions tab shows: the baseline is the Δ settings' one; empty names mean the defaults."""

    candidate = param.String(default="", doc="Candidate source label; empty: the first Δ candidate")
    category = param.String(default="", doc="One category of the dataset; empty: all of them")
    bucket = param.Selector(default="all", objects=list(BUCKET_CHOICES), doc="Questions of one bucket, or all")
    search = param.String(default="", doc="Case-insensitive text in the question or either output")
    sort = param.Selector(default="category", objects=list(QUESTION_SORTS), doc="Question order")
    page = param.Integer(default=1, bounds=(1, None), doc="1-based page; clamped to the last page when shown")

    url_keys: ClassVar[dict[str, UrlKey]] = {
        "candidate": UrlKey("q_cand", names="sources", sources=True, omit_when="default"),
        "category": UrlKey("q_cat", names="question_categories", omit_when="default"),
        "bucket": UrlKey("q_bucket", omit_when="default"),
        "search": UrlKey("q_search", omit_when="default"),
        "sort": UrlKey("q_sort", omit_when="default"),
        "page": UrlKey("q_page", omit_when="default", last=True),
    }


class UIState(param.Parameterized):
    """Which tab is open and in which language the page is written."""

    tab = param.Selector(default="overview", objects=list(TABS), doc="Open tab")
    lang = param.Selector(default="en", objects=list(LANGUAGES), doc="Interface language")

    url_keys: ClassVar[dict[str, UrlKey]] = {
        "lang": UrlKey("lang", aliases={"zh": "zh-TW", "zh-hant": "zh-TW", "zh_tw": "zh-TW"}),
        "tab": UrlKey("tab", names="tabs"),
    }


#: The settings of a session by their `DerivedData` attribute, in the order the URL writes them.
SETTINGS: dict[str, type[param.Parameterized]] = {"ui": UIState, "overview": OverviewSettings,
                                                  "filter": FilterSettings, "delta": DeltaSettings,
                                                  "questions": QuestionSettings}
