"""What the charts share: colours, number formats, escaped tooltips, and the Δ facets' row cap (the Δ tab's
notes need it before any chart is drawn). Imports no HoloViews, so the Overview (plain Bokeh) draws without it.

Tooltips use Bokeh `@{field}` placeholders, which Bokeh HTML-escapes (only the `{safe}` format would not),
so hostile names show as text.
"""

from __future__ import annotations

import pandas as pd
from bokeh.models import HoverTool

from eval_analyzer.dashboard.i18n import t

#: Rows per Δ facet: with 125 categories a full facet is unreadable, so the largest |Δ| are shown with a note.
MAX_DELTA_ROWS = 40
#: Diverging colours, colour-blind safe (ColorBrewer RdBu ends): gain blue, loss red.
GAIN_COLOR = "#2166ac"
LOSS_COLOR = "#b2182b"
DIVERGING_CMAP = "RdBu"
SCORE_CMAP = "viridis"
#: d3's Category20, darker shade first so neighbouring models differ clearly.
CATEGORY20 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
              "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7",
              "#dbdb8d", "#9edae5")


def hover(lang: str, fields: list[tuple[str, str]]) -> HoverTool:
    """A hover tool with translated labels; `fields` pairs a text key with a Bokeh `@field{format}` spec."""
    return HoverTool(tooltips=[(t(label, lang), spec) for label, spec in fields])


def number_format(scale: int) -> str:
    """Bokeh number format: four decimals on the 0–1 scale, two on 0–100 (as in the tables)."""
    return "{0.0000}" if scale == 1 else "{0.00}"


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
