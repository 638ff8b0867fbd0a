"""HoloViews elements of the heatmaps: one function per chart, frames in, element out.

No arithmetic on scores happens here beyond what a chart needs to draw (reshaping, colour limits); the numbers
come from `core`. The charts redrawn on every control change (the Overview's bars, the Δ facets) are plain
Bokeh figures updated in place (`overview_chart`, `delta_chart`), so this module, and HoloViews with it, is
imported only when the heatmap tab is first drawn.
"""

from __future__ import annotations

import holoviews as hv
import numpy as np
import pandas as pd

from eval_analyzer.dashboard.chart_style import hover, number_format
from eval_analyzer.dashboard.i18n import t

#: Colour maps: sequential for scores; diverging for Δ, centred on 0 by symmetric limits.
SCORE_CMAP = "viridis"
DIVERGING_CMAP = "RdBu"
#: Heatmap row height (less for many rows, never below the labels' height), and room for the rotated category
#: names below the cells and, on a tall map, above them.
HEATMAP_ROW_PX = 34
HEATMAP_MIN_ROW_PX = 16
HEATMAP_AXIS_PX = 260
#: A map taller than this (rows × row height) is "tall": rows get thinner, down to HEATMAP_MIN_ROW_PX, and the
#: category names are printed above the cells as well, so a column is named where the map starts.
TALL_PX = 700
#: Width of the plot beside the colour bar: the map stretches to the main area and never below this.
HEATMAP_MIN_WIDTH = 500
#: The colour bar: wide enough to see; Bokeh's tick labels pick their own precision (0.2 for scores, 0.005 for
#: a Δ), which the bar shows in full now that the map fits the main area (they were cut to "-0.0" past it).
COLORBAR = {"width": 14, "major_label_text_font_size": "11px"}
COLORBAR_TALL_PX = 320


def fitted_size(rows: int) -> dict:
    """HoloViews sizing of a map of `rows` rows: stretching to the main area's width (a fixed width was ~28 px
    wider than it and the page scrolled sideways) with a height from its rows."""
    row_px = HEATMAP_ROW_PX
    if rows * row_px > TALL_PX:
        row_px = max(HEATMAP_MIN_ROW_PX, TALL_PX // max(rows, 1))
    height = max(320, row_px * rows + HEATMAP_AXIS_PX + (HEATMAP_AXIS_PX if is_tall(rows) else 0))
    return {"responsive": True, "min_width": HEATMAP_MIN_WIDTH, "height": height,
            "fontsize": {"yticks": "10px" if row_px < 24 else "11px", "xticks": "10px"}}


def is_tall(rows: int) -> bool:
    return rows * HEATMAP_ROW_PX > TALL_PX


def _top_axis(plot, _element) -> None:
    """A tall map names its categories above the cells too (HoloViews hook: runs on the Bokeh figure)."""
    from bokeh.models import CategoricalAxis

    figure = plot.state
    if any(isinstance(axis, CategoricalAxis) for axis in figure.above):
        return
    below = figure.below[0]
    figure.add_layout(CategoricalAxis(major_label_orientation=below.major_label_orientation,
                                      major_label_text_font_size=below.major_label_text_font_size,
                                      ticker=below.ticker), "above")


def _fit(heat: hv.HeatMap, rows: int, scale: int, **opts) -> hv.HeatMap:
    # A tall map's colour bar keeps a readable height at the top, next to the first rows, instead of spreading
    # its few numbers over the whole map.
    bar = {**COLORBAR, **({"height": COLORBAR_TALL_PX, "location": "top"} if is_tall(rows) else {})}
    return heat.opts(colorbar=True, colorbar_opts=bar, xrotation=60, toolbar="above",
                     invert_yaxis=True, default_tools=["save", "reset"],
                     hooks=[_top_axis] if is_tall(rows) else [], **fitted_size(rows), **opts)


def score_heatmap(matrix: pd.DataFrame, scale: int, lang: str = "en") -> hv.HeatMap:
    """models × categories: `matrix` is source × category in the display scale (DerivedData.heatmap)."""
    long = matrix.rename_axis(index="source_label", columns="category").stack(future_stack=True)
    long = long.rename("score").reset_index()
    tip = hover(lang, [("model", "@source_label"), ("category", "@category"), ("score", f"@score{number_format(scale)}")])
    heat = hv.HeatMap(long, kdims=[hv.Dimension("category", label=t("category", lang)),
                                   hv.Dimension("source_label", label=t("model", lang))],
                      vdims=[hv.Dimension("score", label=t("score", lang))])
    # Own-units scores (a BLEU of 31 at scale 1) may pass the scale: the colour range grows to hold them.
    values = long["score"].to_numpy(dtype="float64")
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 0.0
    return _fit(heat, matrix.shape[0], scale, cmap=SCORE_CMAP, clim=(0, max(scale, top)), tools=[tip])


#: The mark of a significant Δ cell, drawn over its colour (dark on the pale middle, light on the dark ends).
SIGNIFICANT_MARK = "●"


def delta_heatmap(matrix: pd.DataFrame, scale: int, lang: str = "en",
                  significant: pd.DataFrame | None = None) -> hv.HeatMap | hv.Overlay:
    """candidates × categories of Δ, diverging colours centred on 0 (symmetric colour limits); with
    `significant` (a boolean frame shaped like `matrix`), a mark on every significant cell."""
    long = matrix.rename_axis(index="candidate", columns="category").stack(future_stack=True)
    long = long.rename("delta").reset_index()
    sig = (significant.reindex(index=matrix.index, columns=matrix.columns).fillna(False).astype(bool)
           .to_numpy().ravel() if significant is not None and significant.size else np.zeros(len(long), bool))
    long["significant"] = np.where(sig, t("yes", lang), "")
    values = long["delta"].to_numpy(dtype="float64")
    finite = values[np.isfinite(values)]
    bound = float(np.abs(finite).max()) if finite.size else 0.0
    bound = bound or 0.01 * scale
    fields = [("candidate", "@candidate"), ("category", "@category"), ("delta", f"@delta{number_format(scale)}")]
    if significant is not None:
        fields.append(("significant_col", "@significant"))
    tip = hover(lang, fields)
    heat = hv.HeatMap(long, kdims=[hv.Dimension("category", label=t("category", lang)),
                                   hv.Dimension("candidate", label=t("candidate", lang))],
                      vdims=[hv.Dimension("delta", label=t("delta", lang)), "significant"])
    heat = _fit(heat, matrix.shape[0], scale, cmap=DIVERGING_CMAP, clim=(-bound, bound), tools=[tip])
    if significant is None:
        return heat
    marked = long[sig]
    # Light on strong colours (|Δ| above half the range), dark on the pale middle.
    strong = marked["delta"].abs().to_numpy(dtype="float64") > bound / 2
    marks = pd.DataFrame({"category": marked["category"], "candidate": marked["candidate"],
                          "mark": SIGNIFICANT_MARK, "color": np.where(strong, "#ffffff", "#111111")})
    labels = hv.Labels(marks, kdims=["category", "candidate"], vdims=["mark", "color"]).opts(
        text_color="color", text_font_size="12pt", default_tools=[])  # no pan / zoom tools of its own
    # The overlay sizes the figure: it gets the map's fitted size too.
    size = fitted_size(matrix.shape[0])
    return (heat * labels).opts(responsive=size["responsive"], min_width=size["min_width"], height=size["height"])


def _load_holoviews_backend() -> None:
    """HoloViews needs its Bokeh plotting backend registered before the first pane renders."""
    if "bokeh" not in hv.Store.renderers:
        import holoviews.plotting.bokeh  # noqa: F401
    hv.Store.set_current_backend("bokeh")
    # HoloViews draws with WebGL by default; like the Bokeh figures, these draw on a 2D canvas: copying a WebGL
    # canvas onto the page cost 50-80 ms per redraw without a GPU (headless browsers, VMs, remote desktops).
    hv.renderer("bokeh").webgl = False


_load_holoviews_backend()
