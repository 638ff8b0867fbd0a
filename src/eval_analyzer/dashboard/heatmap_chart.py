"""The heatmaps: scores models × categories, Δ candidates × categories, as Bokeh figures updated in place.

Like the Overview's bars and the Δ facets they are built directly in Bokeh. Through HoloViews the first open of
the tab at 100 models spent about 0.65 s importing HoloViews and its Bokeh backend, and 0.35 s more deriving the
two elements (aggregating the grid, resolving options) before Bokeh saw any data; a control change while the tab
was open re-sent both figures whole. Here a map is one rect glyph over a data source of one row per cell; a
change of the matrix replaces that source and the axis factors.

No arithmetic on scores happens here beyond what a map needs to draw (reshaping, colour limits); the numbers come
from `core`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from bokeh.models import (
    BasicTicker,
    CategoricalAxis,
    CategoricalScale,
    ColorBar,
    ColumnDataSource,
    FactorRange,
    LinearColorMapper,
    Plot,
    Rect,
    ResetTool,
    SaveTool,
    Text,
)
from bokeh.palettes import RdBu11, Viridis256, interp_palette

from eval_analyzer.dashboard.chart_style import hover, number_format
from eval_analyzer.dashboard.i18n import t

#: Colours: sequential for scores; diverging for Δ (loss red, gain blue, as the Δ chart's bars), centred on 0 by
#: symmetric limits. Bokeh's RdBu runs blue to red; reversed, low (a loss) is red.
SCORE_PALETTE = Viridis256
DIVERGING_PALETTE = interp_palette(RdBu11[::-1], 256)
#: A cell without a number (a model without that category): pale grey, not a colour of the scale.
MISSING_COLOR = "#eeeeee"
#: Heatmap row height (less for many rows, never below the labels' height), and the least height of the cells'
#: area, which the colour bar beside it shares.
HEATMAP_ROW_PX = 34
HEATMAP_MIN_ROW_PX = 16
HEATMAP_MIN_FRAME_PX = 150
#: A map taller than this (rows × row height) is "tall": rows get thinner, down to HEATMAP_MIN_ROW_PX, and the
#: category names are printed above the cells as well, so a column is named where the map starts.
TALL_PX = 700
#: Width of the plot beside the colour bar: the map stretches to the main area and never below this.
HEATMAP_MIN_WIDTH = 500
#: The colour bar: wide enough to see; Bokeh's tick labels pick their own precision (0.2 for scores, 0.005 for
#: a Δ), which the bar shows in full now that the map fits the main area (they were cut to "-0.0" past it).
COLORBAR = {"width": 14, "major_label_text_font_size": "11px"}
COLORBAR_TALL_PX = 320
#: Category names below (and above) the cells, rotated like the Overview's.
X_LABEL_ANGLE = math.radians(60)
#: The mark of a significant Δ cell, drawn over its colour (dark on the pale middle, light on the dark ends).
SIGNIFICANT_MARK = "●"
MARK_LIGHT, MARK_DARK = "#ffffff", "#111111"


def is_tall(rows: int) -> bool:
    return rows * HEATMAP_ROW_PX > TALL_PX


def row_px(rows: int) -> int:
    """Height of one row: thinner on a tall map, so it fits about TALL_PX, never under HEATMAP_MIN_ROW_PX."""
    return max(HEATMAP_MIN_ROW_PX, TALL_PX // max(rows, 1)) if is_tall(rows) else HEATMAP_ROW_PX


def frame_height(rows: int) -> int:
    """Height of the cells' area: its rows, never so low that the colour bar beside it has no room for its
    numbers (one model's map was a 34 px strip with "0 0.4 0.8" squeezed beside it). Bokeh adds the borders
    (the category names below and, when tall, above) around it, sized to the names."""
    return max(HEATMAP_MIN_FRAME_PX, row_px(rows) * rows)


def cells(matrix: pd.DataFrame, value: str) -> dict[str, np.ndarray]:
    """One row per cell of `matrix` (rows × categories, row-major): its category, its row, and its value."""
    n_rows, n_cols = matrix.shape
    return {"category": np.tile(matrix.columns.astype(str).to_numpy(dtype=object), n_rows),
            "row": np.repeat(matrix.index.astype(str).to_numpy(dtype=object), n_cols),
            value: matrix.to_numpy(dtype="float64").ravel()}


class HeatmapChart:
    """One map for a fixed frame (its language, scale, and whether it marks significant cells): `show` swaps
    in a matrix, its colour limits and its height.

    Its key (`frame`) says when the view needs a new one; everything else changes in place. A tall map (see
    `is_tall`) also names its columns above the cells, an axis added or hidden by `show`."""

    def __init__(self, kind: str, scale: int, lang: str = "en", marks: bool = False):
        """`kind` is "scores" (models × categories) or "delta" (candidates × categories, diverging colours,
        with `marks` a ● on each significant cell)."""
        self.kind, self.scale, self.frame = kind, scale, self.frame_of(kind, scale, lang, marks)
        self.value = "score" if kind == "scores" else "delta"
        row_key = "model" if kind == "scores" else "candidate"
        fmt = number_format(scale)
        self.source = ColumnDataSource(data={"category": [], "row": [], self.value: [], "significant": []})
        self.mapper = LinearColorMapper(palette=SCORE_PALETTE if kind == "scores" else DIVERGING_PALETTE,
                                        low=0, high=1, nan_color=MISSING_COLOR)
        self.figure = Plot(x_range=FactorRange(factors=[]), y_range=FactorRange(factors=[]),
                           x_scale=CategoricalScale(), y_scale=CategoricalScale(), width=None,
                           sizing_mode="stretch_width", min_width=HEATMAP_MIN_WIDTH, frame_height=frame_height(1),
                           toolbar_location="above", min_border_right=10)
        cells_renderer = self.figure.add_glyph(self.source, Rect(
            x="category", y="row", width=1, height=1, fill_color={"field": self.value, "transform": self.mapper},
            line_color=None, dilate=True))  # dilate: no pale seams between neighbouring cells
        fields = [(row_key, "@row"), ("category", "@category"), (self.value, f"@{self.value}{fmt}")]
        if marks:
            fields.append(("significant_col", "@significant"))
        tip = hover(lang, fields)
        tip.renderers = [cells_renderer]
        self.figure.add_tools(SaveTool(), ResetTool(), tip)
        self.x_axis = CategoricalAxis(axis_label=t("category", lang), major_label_orientation=X_LABEL_ANGLE,
                                      major_label_text_font_size="10px")
        self.y_axis = CategoricalAxis(axis_label=t(row_key, lang))
        self.figure.add_layout(self.x_axis, "below")
        self.figure.add_layout(self.y_axis, "left")
        # A tall map repeats the category names above it (no title, so the cells start right under them).
        self.top_axis = CategoricalAxis(major_label_orientation=X_LABEL_ANGLE, major_label_text_font_size="10px",
                                        visible=False)
        self.figure.add_layout(self.top_axis, "above")
        self.colorbar = ColorBar(color_mapper=self.mapper, ticker=BasicTicker(), **COLORBAR)
        self.figure.add_layout(self.colorbar, "right")
        self.marks = ColumnDataSource(data={"category": [], "row": [], "text": [], "color": []})
        if marks:
            self.figure.add_glyph(self.marks, Text(x="category", y="row", text="text", text_color="color",
                                                   text_font_size="12pt", text_align="center",
                                                   text_baseline="middle"))

    @staticmethod
    def frame_of(kind: str, scale: int, lang: str, marks: bool) -> tuple:
        """What a chart is built for: a chart whose `frame` differs must be replaced, not updated."""
        return (kind, scale, lang, marks)

    def show(self, matrix: pd.DataFrame, significant: pd.DataFrame | None = None, yes: str = "") -> None:
        """Draw `matrix` (rows × categories, in the order to show: the first row on top); on a Δ map with marks,
        `significant` (a boolean frame shaped like it, may be partial) marks cells with `yes` in the tooltip."""
        data = cells(matrix, self.value)
        values = data[self.value]
        finite = values[np.isfinite(values)]
        scale = self.scale
        if self.kind == "scores":
            # Own-units scores (a BLEU of 31 at scale 1) may pass the scale: the colour range grows to hold them.
            low, high = 0.0, max(float(scale), float(finite.max()) if finite.size else 0.0)
        else:
            bound = float(np.abs(finite).max()) if finite.size else 0.0
            low, high = -(bound or 0.01 * scale), bound or 0.01 * scale
        sig = np.zeros(len(values), dtype=bool)
        if significant is not None and significant.size:
            sig = (significant.reindex(index=matrix.index, columns=matrix.columns).fillna(False).astype(bool)
                   .to_numpy().ravel())
        data["significant"] = np.where(sig, yes, "").astype(object)
        rows = matrix.shape[0]
        tall, px = is_tall(rows), row_px(rows)
        self.mapper.update(low=low, high=high)
        categories, names = [str(c) for c in matrix.columns], [str(r) for r in matrix.index]
        self.figure.x_range.factors = categories
        self.figure.y_range.factors = names[::-1]  # Bokeh draws the first factor at the bottom
        self.figure.frame_height = frame_height(rows)
        self.y_axis.major_label_text_font_size = "10px" if px < 24 else "11px"
        self.top_axis.visible = tall
        # A tall map's colour bar keeps a readable height at the top, next to the first rows, instead of
        # spreading its few numbers over the whole map.
        self.colorbar.update(height=COLORBAR_TALL_PX if tall else "auto", location="top" if tall else "center")
        self.source.data = data
        # Light on strong colours (|Δ| above half the range), dark on the pale middle.
        strong = np.abs(values[sig]) > high / 2
        self.marks.data = {"category": data["category"][sig], "row": data["row"][sig],
                           "text": np.full(int(sig.sum()), SIGNIFICANT_MARK, dtype=object),
                           "color": np.where(strong, MARK_LIGHT, MARK_DARK).astype(object)}


def score_heatmap(matrix: pd.DataFrame, scale: int, lang: str = "en") -> HeatmapChart:
    """models × categories: `matrix` is source × category in the display scale (DerivedData.heatmap)."""
    chart = HeatmapChart("scores", scale, lang)
    chart.show(matrix)
    return chart


def delta_heatmap(matrix: pd.DataFrame, scale: int, lang: str = "en",
                  significant: pd.DataFrame | None = None) -> HeatmapChart:
    """candidates × categories of Δ, diverging colours centred on 0 (symmetric colour limits); with
    `significant` (a boolean frame shaped like `matrix`), a mark on every significant cell."""
    chart = HeatmapChart("delta", scale, lang, marks=significant is not None)
    chart.show(matrix, significant, t("yes", lang))
    return chart
