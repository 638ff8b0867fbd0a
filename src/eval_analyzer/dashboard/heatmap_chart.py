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


def delta_heatmap(matrix: pd.DataFrame, scale: int, lang: str = "en") -> hv.HeatMap:
    """candidates × categories of Δ, diverging colours centred on 0 (symmetric colour limits)."""
    long = matrix.rename_axis(index="candidate", columns="category").stack(future_stack=True)
    long = long.rename("delta").reset_index()
    values = long["delta"].to_numpy(dtype="float64")
    finite = values[np.isfinite(values)]
    bound = float(np.abs(finite).max()) if finite.size else 0.0
    bound = bound or 0.01 * scale
    tip = hover(lang, [("candidate", "@candidate"), ("category", "@category"), ("delta", f"@delta{number_format(scale)}")])
    heat = hv.HeatMap(long, kdims=[hv.Dimension("category", label=t("category", lang)),
                                   hv.Dimension("candidate", label=t("candidate", lang))],
                      vdims=[hv.Dimension("delta", label=t("delta", lang))])
    return heat.opts(cmap=DIVERGING_CMAP, clim=(-bound, bound), colorbar=True, tools=[tip], xrotation=60,
                     width=max(600, min(2400, 14 * matrix.shape[1] + 300)),
                     height=max(320, HEATMAP_ROW_PX * matrix.shape[0] + HEATMAP_AXIS_PX), default_tools=["save", "reset"],
                     toolbar="above", invert_yaxis=True)


def _load_holoviews_backend() -> None:
    """HoloViews needs its Bokeh plotting backend registered before the first pane renders."""
    if "bokeh" not in hv.Store.renderers:
        import holoviews.plotting.bokeh  # noqa: F401
    hv.Store.set_current_backend("bokeh")
    # HoloViews draws with WebGL by default; like the Bokeh figures, these draw on a 2D canvas: copying a WebGL
    # canvas onto the page cost 50-80 ms per redraw without a GPU (headless browsers, VMs, remote desktops).
    hv.renderer("bokeh").webgl = False


_load_holoviews_backend()
