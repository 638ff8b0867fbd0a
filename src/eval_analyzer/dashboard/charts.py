"""HoloViews elements of the dashboard: one function per chart, frames in, element out (STYLE 7).

No arithmetic on scores happens here beyond what a chart needs to draw (reshaping, capping rows, colour
classes); the numbers come from `core`. Tooltips use Bokeh `@{field}` placeholders, which Bokeh HTML-escapes
(only the `{safe}` format would not), so hostile names show as text.
"""

from __future__ import annotations

import math

import holoviews as hv
import numpy as np
import pandas as pd
from bokeh.models import HoverTool

from eval_analyzer.dashboard.i18n import t

#: Rows per Δ facet: with 125 categories a full facet is unreadable, so the largest |Δ| are shown with a note.
MAX_DELTA_ROWS = 40
#: Pixels per horizontal bar in a Δ facet, and the facet's frame around them.
DELTA_ROW_PX = 16
DELTA_FACET_EXTRA_PX = 90
#: Diverging colours, colour-blind safe (ColorBrewer RdBu ends): gain blue, loss red.
GAIN_COLOR = "#2166ac"
LOSS_COLOR = "#b2182b"
DIVERGING_CMAP = "RdBu"
#: Heatmap row height, and room for the rotated category names below the cells.
HEATMAP_ROW_PX = 34
HEATMAP_AXIS_PX = 260
SCORE_CMAP = "viridis"
#: Pixels per bar in the Overview: wide pages scroll sideways rather than squeeze bars below readability.
BAR_PX = 9
#: Models per legend row above the Overview chart.
LEGEND_COLUMNS = 4
#: d3's Category20, darker shade first so neighbouring models differ clearly.
CATEGORY20 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
              "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7",
              "#dbdb8d", "#9edae5")


def _hover(lang: str, fields: list[tuple[str, str]]) -> HoverTool:
    return HoverTool(tooltips=[(t(label, lang), spec) for label, spec in fields])


def _fmt(scale: int) -> str:
    return "{0.0000}" if scale == 1 else "{0.00}"


def overview_bars(page_wide: pd.DataFrame, files: pd.DataFrame, std: pd.DataFrame, scale: int,
                  lang: str = "en", slots: int | None = None, palette_order: list[str] | None = None) -> hv.Bars:
    """Grouped bars of one page: x = category (display order), one bar per model.

    `files` and `std` are category × source frames aligned with `page_wide` (file name, run std on unit scale).
    `slots` (the page size) fixes the width, so every page of a size has the same frame and can be updated in
    place. `palette_order` (every source of the dataset) keeps a model's colour when others are hidden.
    """
    categories = list(page_wide.index)
    sources = list(page_wide.columns)
    long = pd.DataFrame({
        "category": np.repeat(np.array(categories, dtype=object), len(sources)),
        "source_label": np.tile(np.array(sources, dtype=object), len(categories)),
        "score": page_wide.to_numpy(dtype="float64").reshape(-1) * scale,
        "file": files.reindex(index=categories, columns=sources).to_numpy(dtype=object).reshape(-1),
        "std": std.reindex(index=categories, columns=sources).to_numpy(dtype="float64").reshape(-1) * scale,
    })
    long = long[long["score"].notna()]
    long["file"] = long["file"].fillna("").astype(str)
    fmt = _fmt(scale)
    hover = _hover(lang, [("model", "@source_label"), ("category", "@category"), ("file", "@file"),
                          ("score", f"@score{fmt}"), ("std", f"@std{fmt}")])
    bars = hv.Bars(long, kdims=[hv.Dimension("category", label=t("category", lang)),
                                # `values` fixes the model order, hence each model's colour, on every page.
                                hv.Dimension("source_label", label=t("model", lang), values=list(sources))],
                   vdims=[hv.Dimension("score", label=t("score", lang)), "file", "std"])
    bars_count = (slots or len(categories)) * max(1, len(sources))
    width = max(900, BAR_PX * bars_count + 200)
    return bars.opts(
        tools=[hover], xrotation=60, responsive=False, width=min(width, 2400), height=520,
        ylim=(0, scale), show_legend=True, legend_position="top",
        # HoloViews' legend_cols sets Bokeh's *rows*: up to LEGEND_COLUMNS models side by side.
        legend_cols=max(1, math.ceil(len(sources) / LEGEND_COLUMNS)),
        multi_level=False, color=hv.Cycle(model_palette(sources, palette_order)), active_tools=[],
        default_tools=["save", "reset"], toolbar="right", xlabel=t("category", lang), ylabel=t("score", lang),
        framewise=True,
    )


def model_palette(sources: list[str], order: list[str] | None = None) -> list[str]:
    """Colours of `sources`, each fixed by the model's place in `order` (every source of the dataset), so a
    model keeps its colour when others are hidden. Category20 repeats after 20 models."""
    order = list(order or sources)
    return [CATEGORY20[(order.index(name) if name in order else i) % len(CATEGORY20)]
            for i, name in enumerate(sources)]


def cap_rows(rows: pd.DataFrame, max_rows: int = MAX_DELTA_ROWS) -> pd.DataFrame:
    """The `max_rows` rows of largest |Δ|, in their given (ranking) order."""
    if len(rows) <= max_rows:
        return rows
    keep = rows["delta"].abs().rank(method="first", ascending=False) <= max_rows
    return rows[keep]


def delta_facet(rows: pd.DataFrame, candidate: str, scale: int, lang: str = "en", n_rows: int | None = None) -> hv.Bars:
    """Horizontal diverging bars of one candidate's ranking rows (already capped), first row on top.

    `n_rows` fixes the height (the cap), so the facet keeps its frame when updated in place.
    """
    fmt = _fmt(scale)
    frame = pd.DataFrame({
        "category": rows["category"].astype(str).to_numpy(),
        "delta": rows["delta"].to_numpy(dtype="float64"),
        "baseline_score": rows["baseline_score"].to_numpy(dtype="float64"),
        "candidate_score": rows["candidate_score"].to_numpy(dtype="float64"),
        "direction": np.where(rows["delta"].to_numpy() >= 0, "gain", "loss"),
    })
    # Bokeh draws the first factor at the bottom of an inverted axis: reverse so row 1 is on top.
    frame = frame.iloc[::-1]
    hover = _hover(lang, [("category", "@category"), ("delta", f"@delta{fmt}"),
                          ("baseline_score", f"@baseline_score{fmt}"), ("candidate_score", f"@candidate_score{fmt}")])
    bars = hv.Bars(frame, kdims=[hv.Dimension("category", label=t("category", lang))],
                   vdims=[hv.Dimension("delta", label=t("delta", lang)), "baseline_score", "candidate_score",
                          "direction"])
    return bars.opts(
        invert_axes=True, color="direction", cmap={"gain": GAIN_COLOR, "loss": LOSS_COLOR}, tools=[hover],
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
    hover = _hover(lang, [("model", "@source_label"), ("category", "@category"), ("score", f"@score{_fmt(scale)}")])
    heat = hv.HeatMap(long, kdims=[hv.Dimension("category", label=t("category", lang)),
                                   hv.Dimension("source_label", label=t("model", lang))],
                      vdims=[hv.Dimension("score", label=t("score", lang))])
    return heat.opts(cmap=SCORE_CMAP, clim=(0, scale), colorbar=True, tools=[hover], xrotation=60,
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
    hover = _hover(lang, [("candidate", "@candidate"), ("category", "@category"), ("delta", f"@delta{_fmt(scale)}")])
    heat = hv.HeatMap(long, kdims=[hv.Dimension("category", label=t("category", lang)),
                                   hv.Dimension("candidate", label=t("candidate", lang))],
                      vdims=[hv.Dimension("delta", label=t("delta", lang))])
    return heat.opts(cmap=DIVERGING_CMAP, clim=(-bound, bound), colorbar=True, tools=[hover], xrotation=60,
                     width=max(600, min(2400, 14 * matrix.shape[1] + 300)),
                     height=max(320, HEATMAP_ROW_PX * matrix.shape[0] + HEATMAP_AXIS_PX), default_tools=["save", "reset"],
                     toolbar="above", invert_yaxis=True)
