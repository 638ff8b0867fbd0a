"""The Overview's grouped bars as a Bokeh figure that is updated in place.

Every control of the Overview (threshold, sort, page) redraws these bars, so they are the one chart built
directly in Bokeh: a change replaces one data source and the axis factors. Through HoloViews the same update
spent about 120 ms re-deriving the element (grouping, cloning, option resolution) before Bokeh saw new data,
which alone made a click miss the 300 ms budget. The figure looks like HoloViews' grouped `Bars`
(`multi_level=False`): one bar per model within each category, category names under the groups.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from bokeh.models import (
    CategoricalAxis,
    CategoricalColorMapper,
    CategoricalScale,
    ColumnDataSource,
    FactorRange,
    Grid,
    Legend,
    LegendItem,
    LinearAxis,
    Plot,
    Range1d,
    ResetTool,
    SaveTool,
    Segment,
    VBar,
)

from eval_analyzer.core.scores import SHOWN_DECIMALS
from eval_analyzer.dashboard.chart_style import hover_rows, number_format
from eval_analyzer.dashboard.i18n import t

#: Pixels per bar: wide pages scroll sideways rather than squeeze bars below readability.
BAR_PX = 9
#: Models per legend row above the chart, at most; fewer when long names would not fit the chart's width.
LEGEND_COLUMNS = 4
#: Legend entry width estimate: pixels per character of the label, plus the colour swatch and the gaps.
LEGEND_CHAR_PX = 7
LEGEND_ITEM_PX = 40
#: Columns of the data source: the bar's (category, model) factor, what the tooltip shows (`std_text`: the
#: "± std" line, empty without runs), the error bar's ends.
COLUMNS = ("x", "category", "source_label", "score", "file", "std", "std_text", "low", "high")
#: Error bars (score ± run-to-run std): dark and thin, so they read over any model colour.
ERROR_BAR_COLOR = "#333333"
#: d3's Category20, darker shade first so neighbouring models differ clearly.
CATEGORY20 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
              "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7",
              "#dbdb8d", "#9edae5")


def bars_data(page_wide: pd.DataFrame, files: pd.DataFrame,
              std: pd.DataFrame) -> tuple[dict[str, list | np.ndarray], list[tuple[str, str]]]:
    """Data-source columns for one page (a bar per model and category with a score) and the axis factors.

    `page_wide` and `std` are in the display scale already (`core.frames.OverviewFrames.page_shown` and
    `page_spread`): a chart draws numbers, it does not scale them. `files` is category × source file names;
    rows and columns missing from `files` and `std` show as an empty file and no std (and no error bar). The factors hold every (category, model) slot, so
    each category keeps the same width when a model has no score in it.
    """
    categories = [str(c) for c in page_wide.index]
    sources = [str(s) for s in page_wide.columns]
    n_sources = len(sources)
    category = np.repeat(np.array(categories, dtype=object), n_sources)
    source = np.tile(np.array(sources, dtype=object), len(categories))
    score = page_wide.to_numpy(dtype="float64").reshape(-1)
    file = files.reindex(index=page_wide.index, columns=page_wide.columns).to_numpy(dtype=object).reshape(-1)
    spread = std.reindex(index=page_wide.index, columns=page_wide.columns).to_numpy(dtype="float64").reshape(-1)
    keep = ~np.isnan(score)
    spread = spread[keep]
    file_text = np.array(["" if pd.isna(name) else str(name) for name in file[keep]], dtype=object)
    data = {
        "x": list(zip(category[keep].tolist(), source[keep].tolist(), strict=True)),
        # Arrays, not lists: Bokeh walks every list it is given in search of models, on each update.
        "category": category[keep],
        "source_label": source[keep],
        "score": score[keep],
        "file": file_text,
        "std": spread,
        # No std (a single run): NaN ends, and Bokeh draws no error bar.
        "low": score[keep] - spread,
        "high": score[keep] + spread,
    }
    return data, [(c, s) for c in categories for s in sources]


def std_lines(std: np.ndarray, scale: int, lang: str) -> np.ndarray:
    """The tooltip's "± std: 0.0123" per bar, with the tables' decimals; empty where there is no std (a file
    of one run), so the tooltip shows no std line rather than "NaN"."""
    label, digits = t("std", lang), SHOWN_DECIMALS[scale]
    return np.array([f"{label}: {value:.{digits}f}" if np.isfinite(value) else "" for value in std], dtype=object)


def model_palette(sources: list[str], order: list[str] | None = None) -> list[str]:
    """Colours of `sources`, each fixed by the model's place in `order` (every source of the dataset), so a
    model keeps its colour when others are hidden. Category20 repeats after 20 models."""
    order = list(order or sources)
    return [CATEGORY20[(order.index(name) if name in order else i) % len(CATEGORY20)]
            for i, name in enumerate(sources)]


def legend_columns(sources: list[str], width: int) -> int:
    """How many legend entries fit side by side in `width` pixels (1 to LEGEND_COLUMNS), so no name is cut off."""
    # CJK characters are about twice as wide as Latin ones (many users name models in Traditional Chinese).
    longest = max((sum(2 if ord(ch) >= 0x2E80 else 1 for ch in name) for name in sources), default=0)
    return max(1, min(LEGEND_COLUMNS, (width - 60) // (LEGEND_CHAR_PX * longest + LEGEND_ITEM_PX)))


class OverviewBars:
    """One figure for a fixed frame (models shown, page size, scale, language); `show` swaps in a page.

    `slots` (the page size) fixes the width, so every page of a size has the same frame. `palette_order`
    (every source of the dataset) keeps a model's colour when others are hidden.
    """

    def __init__(self, sources: list[str], scale: int, lang: str = "en", slots: int = 20,
                 palette_order: list[str] | None = None):
        self.scale = scale
        sources = [str(s) for s in sources]
        width = min(2400, max(900, BAR_PX * slots * max(1, len(sources)) + 200))
        self.source = ColumnDataSource(data={name: [] for name in COLUMNS})
        fmt = number_format(scale)
        self.lang = lang
        tip = hover_rows(lang, [("model", "@source_label"), ("category", "@category"), ("file", "@file"),
                                ("score", f"@score{fmt}")], lines=("std_text",))
        # Built from bokeh.models, not bokeh.plotting: the page does not import bokeh.plotting at start-up
        # (~0.1 s in Pyodide) for one figure.
        self.figure = Plot(x_range=FactorRange(factors=[]), x_scale=CategoricalScale(), y_range=Range1d(0, scale),
                           width=width, height=520, toolbar_location="right", min_border_left=40)
        self.figure.add_tools(SaveTool(), ResetTool(), tip)
        x_axis = CategoricalAxis(
            axis_label=t("category", lang),
            # Category names under each group; the per-bar model names would be unreadable (the legend has
            # them). 1px, not 0pt: Safari ignores a zero font size.
            separator_line_width=0, major_tick_line_alpha=0, major_label_text_font_size="1px",
            major_label_text_alpha=0, major_label_text_line_height=0, group_text_color="black",
            group_text_font_style="normal", group_text_align="center", group_label_orientation=math.radians(60),
        )
        y_axis = LinearAxis(axis_label=t("score", lang))
        self.figure.add_layout(x_axis, "below")
        self.figure.add_layout(y_axis, "left")
        self.figure.add_layout(Grid(dimension=1, ticker=y_axis.ticker), "center")
        mapper = CategoricalColorMapper(factors=sources, palette=model_palette(sources, palette_order))
        colour = {"field": "source_label", "transform": mapper}
        renderer = self.figure.add_glyph(self.source, VBar(x="x", top="score", width=0.8, fill_color=colour,
                                                           line_color=colour))
        self.figure.add_glyph(self.source, Segment(x0="x", y0="low", x1="x", y1="high", line_color=ERROR_BAR_COLOR,
                                                   line_width=1.2))
        tip.renderers = [renderer]  # the tooltip belongs to the bar, not to its error bar
        # Up to LEGEND_COLUMNS models side by side, above the plot where it never hides a bar; one entry per
        # model found in the data (Bokeh groups `source_label` in the browser).
        per_row = legend_columns(sources, width)
        legend = Legend(items=[LegendItem(label={"field": "source_label"}, renderers=[renderer])],
                        orientation="horizontal", nrows=max(1, math.ceil(len(sources) / per_row)),
                        location="top_left")
        self.figure.add_layout(legend, "above")

    def show(self, page_wide: pd.DataFrame, files: pd.DataFrame, std: pd.DataFrame) -> None:
        """Swap in a page: scores and std in the display scale (see `bars_data`)."""
        data, factors = bars_data(page_wide, files, std)
        # Own-units scores (a BLEU of 31 at scale 1) may pass the scale: the axis grows to keep them in view.
        tops = data["score"][np.isfinite(data["score"])]
        top = float(tops.max()) if tops.size else 0.0
        end = self.scale if top <= self.scale else top * 1.05
        if self.figure.y_range.end != end:
            self.figure.y_range.end = end
        data["std_text"] = std_lines(data["std"], self.scale, self.lang)
        self.figure.x_range.factors = factors
        self.source.data = data
