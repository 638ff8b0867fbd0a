"""HoloViews elements of the Δ tab and the heatmaps: one function per chart, frames in, element out (STYLE 7).

No arithmetic on scores happens here beyond what a chart needs to draw (reshaping, capping rows, colour
classes); the numbers come from `core`. The Overview's bars are plain Bokeh (`overview_chart`), so this module,
and HoloViews with it, is imported only when the Δ or heatmap tab is first drawn.
"""

from __future__ import annotations

import holoviews as hv
import numpy as np
import pandas as pd

from eval_analyzer.dashboard import chart_style
from eval_analyzer.dashboard.chart_style import MAX_DELTA_ROWS, cap_rows, hover, number_format
from eval_analyzer.dashboard.i18n import t

#: Pixels per horizontal bar in a Δ facet, and the facet's frame around them.
DELTA_ROW_PX = 16
DELTA_FACET_EXTRA_PX = 90
#: Heatmap row height, and room for the rotated category names below the cells.
HEATMAP_ROW_PX = 34
HEATMAP_AXIS_PX = 260


def delta_facet(rows: pd.DataFrame, candidate: str, scale: int, lang: str = "en",
                n_rows: int | None = None) -> hv.Bars:
    """Horizontal diverging bars of one candidate's ranking rows (already capped), first row on top.

    `n_rows` fixes the height (the cap), so the facet keeps its frame when updated in place.
    """
    fmt = number_format(scale)
    frame = pd.DataFrame({
        "category": rows["category"].astype(str).to_numpy(),
        "delta": rows["delta"].to_numpy(dtype="float64"),
        "baseline_score": rows["baseline_score"].to_numpy(dtype="float64"),
        "candidate_score": rows["candidate_score"].to_numpy(dtype="float64"),
        "direction": np.where(rows["delta"].to_numpy() >= 0, "gain", "loss"),
    })
    # Bokeh draws the first factor at the bottom of an inverted axis: reverse so row 1 is on top.
    frame = frame.iloc[::-1]
    tip = hover(lang, [("category", "@category"), ("delta", f"@delta{fmt}"),
                       ("baseline_score", f"@baseline_score{fmt}"), ("candidate_score", f"@candidate_score{fmt}")])
    bars = hv.Bars(frame, kdims=[hv.Dimension("category", label=t("category", lang))],
                   vdims=[hv.Dimension("delta", label=t("delta", lang)), "baseline_score", "candidate_score",
                          "direction"])
    return bars.opts(
        invert_axes=True, color="direction", cmap={"gain": chart_style.GAIN_COLOR, "loss": chart_style.LOSS_COLOR},
        tools=[tip],
        height=DELTA_FACET_EXTRA_PX + DELTA_ROW_PX * (n_rows or len(frame)), width=820, show_legend=False,
        title=candidate, default_tools=["save", "reset"], toolbar="above", ylabel=t("delta", lang), xlabel="",
        framewise=True,
    )


def delta_facets(ranking: pd.DataFrame, candidates: list[str], scale: int, lang: str = "en",
                 max_rows: int = MAX_DELTA_ROWS) -> tuple[hv.Layout, list[tuple[str, int, int]]]:
    """One facet per candidate (`shared_axes=False`), each capped at `max_rows` rows of largest |Δ|.

    Returns the layout and, per capped facet, (candidate, shown, total) for the note under the chart.
    """
    facets, capped = [], []
    for candidate in candidates:
        rows = ranking[ranking["candidate"] == candidate]
        if not len(rows):
            continue
        if len(rows) > max_rows:
            capped.append((candidate, max_rows, len(rows)))
        facets.append(delta_facet(cap_rows(rows, max_rows), candidate, scale, lang))
    layout = hv.Layout(facets).cols(1).opts(shared_axes=False) if facets else hv.Layout([])
    return layout, capped


def score_heatmap(matrix: pd.DataFrame, scale: int, lang: str = "en") -> hv.HeatMap:
    """models × categories: `matrix` is source × category (core.overview.heatmap_matrix)."""
    long = matrix.rename_axis(index="source_label", columns="category").stack(future_stack=True)
    long = long.rename("score").reset_index()
    tip = hover(lang, [("model", "@source_label"), ("category", "@category"), ("score", f"@score{number_format(scale)}")])
    heat = hv.HeatMap(long, kdims=[hv.Dimension("category", label=t("category", lang)),
                                   hv.Dimension("source_label", label=t("model", lang))],
                      vdims=[hv.Dimension("score", label=t("score", lang))])
    return heat.opts(cmap=chart_style.SCORE_CMAP, clim=(0, scale), colorbar=True, tools=[tip], xrotation=60,
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
    return heat.opts(cmap=chart_style.DIVERGING_CMAP, clim=(-bound, bound), colorbar=True, tools=[tip], xrotation=60,
                     width=max(600, min(2400, 14 * matrix.shape[1] + 300)),
                     height=max(320, HEATMAP_ROW_PX * matrix.shape[0] + HEATMAP_AXIS_PX), default_tools=["save", "reset"],
                     toolbar="above", invert_yaxis=True)


def _load_holoviews_backend() -> None:
    """HoloViews needs its Bokeh plotting backend registered before the first pane renders."""
    if "bokeh" not in hv.Store.renderers:
        import holoviews.plotting.bokeh  # noqa: F401
    hv.Store.set_current_backend("bokeh")
    # HoloViews draws with WebGL by default. For a few thousand bars a 2D canvas is as fast to draw, and
    # copying the WebGL canvas onto the page cost 50-80 ms per update without a GPU (headless, VMs, remote
    # desktops): a fifth of the time from a click to the new chart.
    hv.renderer("bokeh").webgl = False


_load_holoviews_backend()
