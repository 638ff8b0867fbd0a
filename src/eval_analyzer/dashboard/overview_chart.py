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
from bokeh.models import CategoricalColorMapper, ColumnDataSource, FactorRange, Legend, Range1d
from bokeh.plotting import figure

from eval_analyzer.dashboard.chart_style import hover, model_palette, number_format
from eval_analyzer.dashboard.i18n import t

#: Pixels per bar: wide pages scroll sideways rather than squeeze bars below readability.
BAR_PX = 9
#: Models per legend row above the chart.
LEGEND_COLUMNS = 4
#: Columns of the data source: the bar's (category, model) factor, then what the tooltip shows.
COLUMNS = ("x", "category", "source_label", "score", "file", "std")


def bars_data(page_wide: pd.DataFrame, files: pd.DataFrame, std: pd.DataFrame,
              scale: int) -> tuple[dict[str, list], list[tuple[str, str]]]:
    """Data-source columns for one page (a bar per model and category with a score) and the axis factors.

    `files` and `std` are category × source frames (file name, run std on the unit scale); rows and columns
    missing from them show as an empty file and no std. The factors hold every (category, model) slot, so
    each category keeps the same width when a model has no score in it.
    """
    categories = [str(c) for c in page_wide.index]
    sources = [str(s) for s in page_wide.columns]
    n_sources = len(sources)
    category = np.repeat(np.array(categories, dtype=object), n_sources)
    source = np.tile(np.array(sources, dtype=object), len(categories))
    score = page_wide.to_numpy(dtype="float64").reshape(-1) * scale
    file = files.reindex(index=page_wide.index, columns=page_wide.columns).to_numpy(dtype=object).reshape(-1)
    spread = std.reindex(index=page_wide.index, columns=page_wide.columns).to_numpy(dtype="float64").reshape(-1)
    keep = ~np.isnan(score)
    file_text = ["" if pd.isna(name) else str(name) for name in file[keep]]
    data = {
        "x": list(zip(category[keep].tolist(), source[keep].tolist(), strict=True)),
        "category": category[keep].tolist(),
        "source_label": source[keep].tolist(),
        "score": score[keep],
        "file": file_text,
        "std": spread[keep] * scale,
    }
    return data, [(c, s) for c in categories for s in sources]


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
        self.figure = figure(
            x_range=FactorRange(factors=[]), y_range=Range1d(0, scale), width=width, height=520,
            tools="save,reset", toolbar_location="right", x_axis_label=t("category", lang),
            y_axis_label=t("score", lang),
        )
        fmt = number_format(scale)
        self.figure.add_tools(hover(lang, [("model", "@source_label"), ("category", "@category"),
                                           ("file", "@file"), ("score", f"@score{fmt}"), ("std", f"@std{fmt}")]))
        self.figure.toolbar.active_drag = None
        self.figure.toolbar.active_scroll = None
        # Up to LEGEND_COLUMNS models side by side, above the plot where it never hides a bar.
        legend = Legend(orientation="horizontal", nrows=max(1, math.ceil(len(sources) / LEGEND_COLUMNS)),
                        location="top_left")
        self.figure.add_layout(legend, "above")
        mapper = CategoricalColorMapper(factors=sources, palette=model_palette(sources, palette_order))
        colour = {"field": "source_label", "transform": mapper}
        self.figure.vbar(x="x", top="score", width=0.8, source=self.source, fill_color=colour, line_color=colour,
                         legend_field="source_label")
        axis = self.figure.xaxis[0]
        # Category names under each group; the per-bar model names would be unreadable (the legend has them).
        axis.separator_line_width = 0
        axis.major_tick_line_alpha = 0
        axis.major_label_text_font_size = "1px"  # 0pt does not hide labels in Safari
        axis.major_label_text_alpha = 0
        axis.major_label_text_line_height = 0
        axis.group_text_color = "black"
        axis.group_text_font_style = "normal"
        axis.group_text_align = "center"
        axis.group_label_orientation = math.radians(60)
        self.figure.xgrid.grid_line_color = None

    def show(self, page_wide: pd.DataFrame, files: pd.DataFrame, std: pd.DataFrame) -> None:
        data, factors = bars_data(page_wide, files, std, self.scale)
        self.figure.x_range.factors = factors
        self.source.data = data
