"""The Overview's chart: grouped bars, or a dot plot at many models, as Bokeh models updated in place.

Every control of the Overview (threshold, sort, page) redraws this chart, so it is built directly in Bokeh: a
change replaces one data source and the axis factors. Through HoloViews the same update spent about 120 ms
re-deriving the element before Bokeh saw new data, which alone made a click miss the 300 ms budget.

How it stays readable from 1 to 100+ models (README, "Overview at many models"):
- up to `BARS_MAX_MODELS` models: grouped bars, one per model within each category, in legend order;
- above it: a dot plot, one marker per model within each category's band, colour *and* marker shape naming
  the model (`PALETTE` × `MARKERS` give 144 distinct pairs);
- the legend is a list beside the plot, never over it: searchable, scrolling, and a click on a model (or a
  search) highlights its bars or dots and fades the others, in the browser, without a server round trip;
- the categories per page shrink when the chosen page size would make bars thinner than `BAR_MIN_PX` at the
  plot's nominal width, or crowd the dot plot's category names (`fitted_page_size`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from bokeh.models import (
    CategoricalAxis,
    CategoricalColorMapper,
    CategoricalScale,
    Column,
    ColumnDataSource,
    CustomJS,
    DataTable,
    Div,
    FactorRange,
    Grid,
    HoverTool,
    LinearAxis,
    Plot,
    Range1d,
    ResetTool,
    Row,
    SaveTool,
    Scatter,
    Segment,
    StringFormatter,
    TableColumn,
    TextInput,
    VBar,
)

from eval_analyzer.core.scores import SHOWN_DECIMALS
from eval_analyzer.dashboard.chart_style import number_format, tooltip_rows
from eval_analyzer.dashboard.i18n import t

#: Grouped bars up to this many models; above it the dot plot. Chosen from screenshots at 1440 px: at 20 models
#: bars of 3 px left 8 categories per page, a wall of colours nobody could follow across groups, while the dot
#: plot keeps 20+ categories per page and a highlighted model reads across them.
BARS_MAX_MODELS = 12
#: Width of the plot area the page-size rule is computed for: what is left at 1440 px beside the sidebar, the
#: y axis and a legend of LEGEND_PX (a wider legend, for long names, takes its extra width from here). Wider
#: windows draw wider bars; narrower ones scroll the chart sideways.
PLOT_PX = 720
#: A bar is never drawn thinner than this at `PLOT_PX`.
BAR_MIN_PX = 3
#: Bar width as a share of its slot; Bokeh's gap between category groups, in slots.
BAR_FILL = 0.8
GROUP_PADDING = 1.4
#: The dot plot's band per category: room for its rotated name without overlapping the next one.
DOT_CATEGORY_PX = 14
#: Chart height, the legend's width and its list's row height.
HEIGHT = 520
LEGEND_PX = 240
LEGEND_MAX_PX = 380
#: Legend width estimate: pixels per character of a name (CJK characters count twice), plus the swatch column,
#: the cell padding and the list's scroll bar.
LEGEND_CHAR_PX = 7.5
LEGEND_EXTRA_PX = 64
LEGEND_ROW_PX = 22
#: The legend list's swatch column.
LEGEND_MARK_PX = 22
#: Columns of the data source: the bar's (category, model) factor, the dot's position (see `bars_data`), what
#: the tooltip shows (`std_text`: the "± std" line, empty without runs), the error bar's ends, and the dot's
#: marker.
COLUMNS = ("x", "xd", "category", "source_label", "score", "file", "std", "std_text", "low", "high", "marker")
#: Error bars (score ± run-to-run std): dark and thin, so they read over any model colour.
ERROR_BAR_COLOR = "#333333"
#: What is not highlighted while a model is: faded, still in place.
FADED_ALPHA = 0.12
#: colorcet's glasbey_category10 (Category10, then colours chosen to be as far apart as possible), without
#: the light ones that vanish on white: 24 colours that stay distinct side by side.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#3a0183", "#004301", "#5e0040", "#d8afa2", "#b80080", "#004e53", "#6b6500", "#7d0200",
           "#6126ff", "#574964", "#8cb894", "#028268", "#8300a0", "#ad8944")
#: The dot plot's second channel: Bokeh marker and the character the legend shows for it.
MARKERS = (("circle", "●"), ("square", "■"), ("triangle", "▲"), ("diamond", "◆"), ("inverted_triangle", "▼"),
           ("star", "★"))
#: The legend's swatch for a bar.
BAR_SWATCH = "■"


def use_dots(n_models: int) -> bool:
    return n_models > BARS_MAX_MODELS


def legend_width(sources: list[str]) -> int:
    """The legend's width: LEGEND_PX, wider (up to LEGEND_MAX_PX) when a name would not fit in it."""
    longest = max((sum(2 if ord(ch) >= 0x2E80 else 1 for ch in str(name)) for name in sources), default=0)
    return int(min(LEGEND_MAX_PX, max(LEGEND_PX, longest * LEGEND_CHAR_PX + LEGEND_EXTRA_PX)))


#: The plot's frame keeps one size while the dataset does. Bokeh sizes the borders around the frame from what is
#: in them (the category names below, the score labels left), and the browser reports every new frame size back
#: to the server, which answers: with the names of each page measured anew, a page turn, sort or threshold
#: change ended with that extra round trip (~50 ms at 20 models) after the page was drawn. So the borders are
#: set for the dataset's longest category name and for the widest score labels, and only grow past that.
LABEL_FONT_PX = 11
#: Width of a character of the names, in font sizes: a little over DejaVu Sans's (a name should not outgrow its
#: border), a full one for CJK; and the rest of the border below: axis title, ticks, offsets.
LABEL_CHAR_EM = {"narrow": 0.52, "upper": 0.7, "wide": 1.0}
LABEL_AXIS_PX = 40
#: Left of the frame: the score axis's title and its labels at either scale ("1.0" or "100", a dot plot's
#: "0.625"), so a scale switch keeps the frame's width.
BORDER_LEFT_PX = 64


def label_border(categories) -> int:
    """Room below the frame for category names rotated 60°, as `CategoricalAxis` draws them."""
    def width(name: str) -> float:
        return sum(LABEL_CHAR_EM["wide" if ord(ch) >= 0x2E80 else "upper" if ch.isupper() else "narrow"]
                   for ch in name) * LABEL_FONT_PX

    longest = max((width(str(name)) for name in categories), default=0.0)
    angle = math.radians(60)
    return int(math.ceil(longest * math.sin(angle) + 1.3 * LABEL_FONT_PX * math.cos(angle))) + LABEL_AXIS_PX


def plot_width(sources: list[str]) -> int:
    """The plot area's nominal width beside a legend for `sources` (what the page-size rule divides)."""
    return PLOT_PX - (legend_width(sources) - LEGEND_PX)


def fitted_page_size(page_size: int, n_models: int, plot_px: int = PLOT_PX) -> int:
    """Categories per page actually shown: the chosen `page_size`, fewer when that many would make a bar
    thinner than BAR_MIN_PX (bars) or a category's band narrower than DOT_CATEGORY_PX (dots) at `plot_px`
    (`plot_width` of the models shown).

    Bars: `k` categories of `m` models take k·m bar slots and k−1 gaps of GROUP_PADDING slots (Bokeh's
    grouped factors), and a bar fills BAR_FILL of its slot, so bars are plot_px · BAR_FILL / (k·m + (k−1)·g)
    px wide: at least BAR_MIN_PX while k ≤ (plot_px · BAR_FILL / BAR_MIN_PX + g) / (m + g).
    """
    n = max(1, n_models)
    if use_dots(n):
        fit = plot_px // DOT_CATEGORY_PX
    else:
        fit = math.floor((plot_px * BAR_FILL / BAR_MIN_PX + GROUP_PADDING) / (n + GROUP_PADDING))
    return max(1, min(page_size, fit))


def model_style(n_models: int) -> tuple[list[str], list[str], list[str]]:
    """Colour, Bokeh marker and legend character of the i-th model shown.

    By place among the models *shown*, so the models on screen get the most distinct colours; the legend is
    the key. Bars: PALETTE's colours (BARS_MAX_MODELS ≤ its 24). Dots: the colour cycles fastest and the
    marker changes every 24 models, so no two of up to 144 models share both.
    """
    colours = [PALETTE[i % len(PALETTE)] for i in range(n_models)]
    if not use_dots(n_models):
        return colours, ["square"] * n_models, [BAR_SWATCH] * n_models
    kinds = [MARKERS[(i // len(PALETTE)) % len(MARKERS)] for i in range(n_models)]
    return colours, [kind for kind, _ in kinds], [char for _, char in kinds]


def bars_data(page_wide: pd.DataFrame, files: pd.DataFrame,
              std: pd.DataFrame) -> tuple[dict[str, list | np.ndarray], list[tuple[str, str]]]:
    """Data-source columns for one page (a bar or dot per model and category with a score) and the bars' axis
    factors.

    Bars are placed by their (category, model) factor (`x`); dots, at many models, by a number (`xd`): the
    category's synthetic coordinate on Bokeh's one-level factor range (index + 0.5) plus the model's offset.
    A number goes as a binary array; 2,000 (category, offset) pairs were 94 KB of JSON on every page at 100
    models, and `x` is left out where no glyph reads it (another 100 KB).

    `page_wide` and `std` are in the display scale already (`core.frames.OverviewFrames.page_shown` and
    `page_spread`): a chart draws numbers, it does not scale them. `files` is category × source file names;
    rows and columns missing from `files` and `std` show as an empty file and no std (and no error bar). The
    factors hold every (category, model) slot, so each category keeps the same width when a model has no score
    in it; a dot sits at the same place of its category's band (`xd`, a categorical offset) for the same reason.
    """
    categories = [str(c) for c in page_wide.index]
    sources = [str(s) for s in page_wide.columns]
    n_sources = len(sources)
    category = np.repeat(np.array(categories, dtype=object), n_sources)
    source = np.tile(np.array(sources, dtype=object), len(categories))
    # Dots spread over 70 % of the band in legend order (an offset from the band's centre), so neighbours
    # overlap less and the band reads as a distribution; one model sits in the middle.
    spread_at = np.linspace(-0.35, 0.35, n_sources) if n_sources > 1 else np.zeros(1)
    position = (np.repeat(np.arange(len(categories), dtype="float64") + 0.5, n_sources)
                + np.tile(spread_at, len(categories)))
    markers = np.tile(np.array(model_style(n_sources)[1], dtype=object), len(categories))
    score = page_wide.to_numpy(dtype="float64").reshape(-1)
    file = files.reindex(index=page_wide.index, columns=page_wide.columns).to_numpy(dtype=object).reshape(-1)
    spread = std.reindex(index=page_wide.index, columns=page_wide.columns).to_numpy(dtype="float64").reshape(-1)
    keep = ~np.isnan(score)
    spread = spread[keep]
    file_text = np.array(["" if pd.isna(name) else str(name) for name in file[keep]], dtype=object)
    place = ({"xd": position[keep]} if use_dots(n_sources) else
             {"x": list(zip(category[keep].tolist(), source[keep].tolist(), strict=True))})
    data = {
        **place,
        # Arrays, not lists: Bokeh walks every list it is given in search of models, on each update.
        "category": category[keep],
        "source_label": source[keep],
        "score": score[keep],
        "file": file_text,
        "std": spread,
        # No std (a single run): NaN ends, and Bokeh draws no error bar.
        "low": score[keep] - spread,
        "high": score[keep] + spread,
        "marker": markers[keep],
    }
    return data, [(c, s) for c in categories for s in sources]


def std_lines(std: np.ndarray, scale: int, lang: str) -> np.ndarray:
    """The tooltip's "± std: 0.0123" per bar, with the tables' decimals; empty where there is no std (a file
    of one run), so the tooltip shows no std line rather than "NaN"."""
    label, digits = t("std", lang), SHOWN_DECIMALS[scale]
    return np.array([f"{label}: {value:.{digits}f}" if np.isfinite(value) else "" for value in std], dtype=object)


#: Browser side of the legend: the models clicked in the list (or, with none clicked, every model a search
#: lists) are highlighted: every bar or dot of theirs is selected, and Bokeh draws the rest with the faded
#: `nonselection_glyph`. Run on a click, a search and when a page is swapped in.
HIGHLIGHT_JS = """
let chosen = legend.selected.indices.map((i) => legend.data.name[i]);
if (!chosen.length && (search.value_input || "").trim()) chosen = legend.data.name.slice();
chosen = new Set(chosen);
const labels = bars.data.source_label;
const picked = [];
if (chosen.size && chosen.size < models.data.name.length) {
  for (let i = 0; i < labels.length; i++) {
    if (chosen.has(labels[i])) picked.push(i);
  }
}
bars.selected.indices = picked;
"""
#: The search box lists the models whose name contains the text (case-insensitive). It leaves the list's
#: selection alone unless one is set: selecting rows moves the focus to the list, away from the typing.
SEARCH_JS = """
const query = (search.value_input || "").trim().toLowerCase();
const {name: names, mark: marks, color: colors} = models.data;
const keep = [];
for (let i = 0; i < names.length; i++) {
  if (!query || names[i].toLowerCase().includes(query)) keep.push(i);
}
if (legend.selected.indices.length) legend.selected.indices = [];
legend.data = {name: keep.map((i) => names[i]), mark: keep.map((i) => marks[i]),
               color: keep.map((i) => colors[i])};
""" + HIGHLIGHT_JS


class OverviewBars:
    """One chart for a fixed frame (models shown, page size, scale, language); `show` swaps in a page.

    `figure` is the plot; `layout` is the plot with its legend beside it (what the page shows). `slots` (the
    page size shown) fixes the bars' frame, so every page of a size looks the same.
    """

    def __init__(self, sources: list[str], scale: int, lang: str = "en", slots: int = 20):
        self.scale, self.slots = scale, slots
        sources = [str(s) for s in sources]
        self.dots = use_dots(len(sources))
        colours, _markers, chars = model_style(len(sources))
        self.source = ColumnDataSource(data={name: [] for name in COLUMNS}, name="ea-ov-source")
        self.lang = lang
        tip = self._tip = HoverTool(tooltips=self._tooltips(scale))
        # Built from bokeh.models, not bokeh.plotting: the page does not import bokeh.plotting at start-up
        # (~0.1 s in Pyodide) for one figure. It stretches to the main area's width; below PLOT_PX (plus the
        # axis) the box around it scrolls instead of squeezing the bars.
        x_range = FactorRange(factors=[], group_padding=GROUP_PADDING, range_padding=0.02 if self.dots else 0)
        self.figure = Plot(x_range=x_range, x_scale=CategoricalScale(), y_range=Range1d(0, scale),
                           height=HEIGHT, min_width=plot_width(sources) + 80, sizing_mode="stretch_width",
                           toolbar_location="right", min_border_left=BORDER_LEFT_PX, min_border_bottom=40,
                           name="ea-ov-plot")
        self.figure.add_tools(SaveTool(), ResetTool(), tip)
        x_axis = CategoricalAxis(
            axis_label=t("category", lang), group_text_color="black", group_text_font_style="normal",
            group_text_align="center", group_label_orientation=math.radians(60),
            major_label_orientation=math.radians(60), major_label_text_font_size="11px",
        )
        if not self.dots:
            # Category names under each group; the per-bar model names would be unreadable (the legend has
            # them). 1px, not 0pt: Safari ignores a zero font size.
            x_axis.update(separator_line_width=0, major_tick_line_alpha=0, major_label_text_font_size="1px",
                          major_label_text_alpha=0, major_label_text_line_height=0)
        y_axis = LinearAxis(axis_label=t("score", lang))
        self.figure.add_layout(x_axis, "below")
        self.figure.add_layout(y_axis, "left")
        self.figure.add_layout(Grid(dimension=1, ticker=y_axis.ticker), "center")
        self._mapper = CategoricalColorMapper(factors=sources, palette=colours)
        colour = {"field": "source_label", "transform": self._mapper}
        if self.dots:
            glyph = Scatter(x="xd", y="score", marker="marker", size=8, fill_color=colour, line_color=colour,
                            fill_alpha=0.85)
            faded = glyph.clone(fill_alpha=FADED_ALPHA, line_alpha=FADED_ALPHA)
            renderer = self.figure.add_glyph(self.source, glyph, nonselection_glyph=faded)
        else:
            glyph = VBar(x="x", top="score", width=BAR_FILL, fill_color=colour, line_color=colour)
            faded = glyph.clone(fill_alpha=FADED_ALPHA, line_alpha=FADED_ALPHA)
            renderer = self.figure.add_glyph(self.source, glyph, nonselection_glyph=faded)
            error = Segment(x0="x", y0="low", x1="x", y1="high", line_color=ERROR_BAR_COLOR, line_width=1.2)
            self.figure.add_glyph(self.source, error, nonselection_glyph=error.clone(line_alpha=FADED_ALPHA))
        tip.renderers = [renderer]  # the tooltip belongs to the bar or dot, not to its error bar
        self.legend_source = ColumnDataSource(data={"name": sources, "mark": chars, "color": colours},
                                              name="ea-ov-legend")
        # Every model shown, whatever the search lists: what the legend's scripts read. A model change gives
        # it new data; new script arguments would hold models, and Bokeh then walks the whole document again
        # (~30 ms at 20 models) to find what they refer to.
        self.models_source = ColumnDataSource(data=dict(self.legend_source.data), name="ea-ov-models")
        self._labelled = None  # the categories `fit_labels` measured last
        self.layout = Row(self.figure, self._legend(lang, legend_width(sources)), sizing_mode="stretch_width",
                          name="ea-ov-layout")

    def _legend(self, lang: str, box_width: int) -> Column:
        """The models beside the plot: a search box and a scrolling list (colour and marker, then the name)."""
        table = self._legend_table = DataTable(
            source=self.legend_source, index_position=None, header_row=False, selectable=True,
            sortable=False, reorderable=False, row_height=LEGEND_ROW_PX,
            height=HEIGHT - 100, name="ea-ov-legend-table", css_classes=["ea-ov-legend-table"],
            columns=[TableColumn(field="mark", width=LEGEND_MARK_PX,
                                 formatter=StringFormatter(text_color={"field": "color"}, text_align="center")),
                     TableColumn(field="name")],
        )
        search = self._search = TextInput(placeholder=t("legend_search", lang), name="ea-ov-legend-search",
                                          css_classes=["ea-ov-legend-search"])
        args = {"search": search, "legend": self.legend_source, "bars": self.source, "models": self.models_source}
        search.js_on_change("value_input", CustomJS(code=SEARCH_JS, args=args))
        highlight = CustomJS(args=args, code=HIGHLIGHT_JS)
        self.legend_source.selected.js_on_change("indices", highlight)
        self.source.js_on_change("data", highlight)
        title = self._legend_title = Div(text=t("legend_title", lang), styles={"font-size": "12px", "color": "#444"})
        self._legend_box = Column(title, search, table, name="ea-ov-legend-box", css_classes=["ea-ov-legend"])
        self._fit_legend(box_width)
        return self._legend_box

    def _fit_legend(self, box_width: int) -> None:
        """The legend box and what is in it at `box_width` (`legend_width` of the models shown)."""
        width = box_width - 10
        self._legend_box.width = box_width
        self._legend_title.width = self._search.width = self._legend_table.width = width
        self._legend_table.columns[1].width = width - LEGEND_MARK_PX

    def _tooltips(self, scale: int) -> str:
        return tooltip_rows(self.lang, [("model", "@source_label"), ("category", "@category"), ("file", "@file"),
                                        ("score", f"@score{number_format(scale)}")], lines=("std_text",))

    def fits(self, sources: list[str], lang: str, slots: int) -> bool:
        """Whether `restyle` can take this frame, or a new chart is needed (bars ↔ dots, language, page size)."""
        return (use_dots(len(sources)), lang, slots) == (self.dots, self.lang, self.slots)

    def restyle(self, sources: list[str], scale: int) -> None:
        """Take other models or another scale in place: a new figure costs the server ~0.1 s to build and the
        browser ~0.2 s to lay out (a model tick or a scale switch took 0.4–0.6 s at 20 models). Call `show`
        next; the bars of the models gone stay until it swaps in the page."""
        sources = [str(s) for s in sources]
        if scale != self.scale:
            self.scale = scale
            self._tip.tooltips = self._tooltips(scale)
        if sources == list(self._mapper.factors):
            return
        colours, _markers, chars = model_style(len(sources))
        chosen = set(self.legend_source.data["name"][i] for i in self.legend_source.selected.indices
                     if i < len(self.legend_source.data["name"]))
        self._mapper.update(factors=sources, palette=colours)
        data = {"name": sources, "mark": chars, "color": colours}
        self.legend_source.selected.indices = [i for i, name in enumerate(sources) if name in chosen]
        self.legend_source.data = data
        self.models_source.data = dict(data)
        self.figure.min_width = plot_width(sources) + 80
        self._fit_legend(legend_width(sources))

    def fit_labels(self, categories) -> None:
        """Room below the plot for the longest of `categories` (every category of the dataset): the frame then
        keeps its size from page to page (`label_border`). Measured once per index: the view passes the same
        one on every change of a dataset."""
        if categories is self._labelled:
            return
        self._labelled = categories
        border = label_border(categories)
        if self.figure.min_border_bottom != border:
            self.figure.min_border_bottom = border

    def show(self, page_wide: pd.DataFrame, files: pd.DataFrame, std: pd.DataFrame) -> None:
        """Swap in a page: scores and std in the display scale (see `bars_data`)."""
        data, factors = bars_data(page_wide, files, std)
        # Own-units scores (a BLEU of 31 at scale 1) may pass the scale: the axis grows to keep them in view.
        tops = data["score"][np.isfinite(data["score"])]
        top = float(tops.max()) if tops.size else 0.0
        start, end = 0.0, (self.scale if top <= self.scale else top * 1.05)
        if self.dots and tops.size:
            # A dot's position, not a bar's length, carries the score: the axis spans the page's scores, so
            # 100 models within 5 points of each other spread over the plot instead of one line at its top.
            low, pad = float(tops.min()), max((top - float(tops.min())) * 0.08, 0.01 * self.scale)
            start, end = max(0.0, low - pad), min(end, top + pad)
        if (self.figure.y_range.start, self.figure.y_range.end) != (start, end):
            self.figure.y_range.update(start=start, end=end)
        self.figure.x_range.factors = [str(c) for c in page_wide.index] if self.dots else factors
        data["std_text"] = std_lines(data["std"], self.scale, self.lang)
        self.source.data = data
