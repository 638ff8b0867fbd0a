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
#: Heatmap row height, and room for the rotated category names below the cells.
HEATMAP_ROW_PX = 34
HEATMAP_AXIS_PX = 260


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
    return heat.opts(cmap=SCORE_CMAP, clim=(0, max(scale, top)), colorbar=True, tools=[tip], xrotation=60,
                     width=max(600, min(2400, 14 * matrix.shape[1] + 300)),
                     height=max(320, HEATMAP_ROW_PX * matrix.shape[0] + HEATMAP_AXIS_PX), default_tools=["save", "reset"],
                     toolbar="above", invert_yaxis=True)


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
    heat = heat.opts(cmap=DIVERGING_CMAP, clim=(-bound, bound), colorbar=True, tools=[tip], xrotation=60,
                     width=max(600, min(2400, 14 * matrix.shape[1] + 300)),
                     height=max(320, HEATMAP_ROW_PX * matrix.shape[0] + HEATMAP_AXIS_PX), default_tools=["save", "reset"],
                     toolbar="above", invert_yaxis=True)
    if significant is None:
        return heat
    marked = long[sig]
    # Light on strong colours (|Δ| above half the range), dark on the pale middle.
    strong = marked["delta"].abs().to_numpy(dtype="float64") > bound / 2
    marks = pd.DataFrame({"category": marked["category"], "candidate": marked["candidate"],
                          "mark": SIGNIFICANT_MARK, "color": np.where(strong, "#ffffff", "#111111")})
    labels = hv.Labels(marks, kdims=["category", "candidate"], vdims=["mark", "color"]).opts(
        text_color="color", text_font_size="12pt", default_tools=[])  # no pan / zoom tools of its own
    return heat * labels


def _load_holoviews_backend() -> None:
    """HoloViews needs its Bokeh plotting backend registered before the first pane renders."""
    if "bokeh" not in hv.Store.renderers:
        import holoviews.plotting.bokeh  # noqa: F401
    hv.Store.set_current_backend("bokeh")
    # HoloViews draws with WebGL by default; like the Bokeh figures, these draw on a 2D canvas: copying a WebGL
    # canvas onto the page cost 50-80 ms per redraw without a GPU (headless browsers, VMs, remote desktops).
    hv.renderer("bokeh").webgl = False


_load_holoviews_backend()
