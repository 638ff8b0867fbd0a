"""One candidate's Δ facet: horizontal diverging bars as a Bokeh figure that is updated in place.

A baseline, candidate, sort or min |Δ| change redraws every facet, so, like the Overview's bars, they are built
directly in Bokeh: a change replaces one data source and the category factors. Through HoloViews each facet's
update re-derived the element first, most of the server time of a baseline change. Each facet has its own
categorical axis (what `shared_axes=False` gives a HoloViews layout): a candidate's categories are its own
largest |Δ|, in the ranking's order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from bokeh.models import (
    CategoricalAxis,
    CategoricalScale,
    ColumnDataSource,
    DataRange1d,
    FactorRange,
    Grid,
    HBar,
    LinearAxis,
    Plot,
    ResetTool,
    SaveTool,
    Span,
    Title,
)

from eval_analyzer.dashboard.chart_style import hover, number_format
from eval_analyzer.dashboard.i18n import t

#: Rows per facet: with 125 categories a full facet is unreadable, so the largest |Δ| are shown with a note.
MAX_DELTA_ROWS = 40
#: Diverging colours, colour-blind safe (ColorBrewer RdBu ends): gain blue, loss red.
GAIN_COLOR = "#2166ac"
LOSS_COLOR = "#b2182b"
#: Pixels per horizontal bar, and the facet's frame around them (title, axis, toolbar).
DELTA_ROW_PX = 16
DELTA_FACET_EXTRA_PX = 90
DELTA_FACET_WIDTH = 820
COLUMNS = ("category", "delta", "baseline_score", "candidate_score", "color")


def cap_rows(rows: pd.DataFrame, max_rows: int = MAX_DELTA_ROWS) -> pd.DataFrame:
    """The `max_rows` rows of largest |Δ|, in their given (ranking) order."""
    if len(rows) <= max_rows:
        return rows
    keep = rows["delta"].abs().rank(method="first", ascending=False) <= max_rows
    return rows[keep]


def facet_data(rows: pd.DataFrame) -> tuple[dict[str, np.ndarray], list[str]]:
    """Data-source columns of one candidate's ranking rows (already capped), and the category factors.

    Bokeh draws the first factor at the bottom of a categorical y axis, so the factors are reversed: the
    ranking's first row is on top.
    """
    categories = rows["category"].astype(str).to_numpy(dtype=object)
    delta = rows["delta"].to_numpy(dtype="float64")
    data = {
        "category": categories,
        "delta": delta,
        "baseline_score": rows["baseline_score"].to_numpy(dtype="float64"),
        "candidate_score": rows["candidate_score"].to_numpy(dtype="float64"),
        # Blue gain, red loss (colour-blind safe); Δ is already signed so that positive means better.
        "color": np.where(delta >= 0, GAIN_COLOR, LOSS_COLOR).astype(object),
    }
    return data, list(categories[::-1])


class DeltaFacet:
    """One facet's figure for a fixed frame (rows shown, scale, language); `show` swaps in a candidate's rows."""

    def __init__(self, candidate: str, scale: int, lang: str = "en", n_rows: int = 1, label: str | None = None):
        """`label` names the Δ axis with its units (the view's `delta_label`); plain "Δ" when None."""
        self.source = ColumnDataSource(data={name: [] for name in COLUMNS})
        fmt = number_format(scale)
        tip = hover(lang, [("category", "@category"), ("delta", f"@delta{fmt}"),
                           ("baseline_score", f"@baseline_score{fmt}"), ("candidate_score", f"@candidate_score{fmt}")])
        # `DataRange1d` follows the bars in the browser, so the Δ axis fits each update without a server round.
        self.figure = Plot(x_range=DataRange1d(range_padding=0.08), y_range=FactorRange(factors=[]),
                           y_scale=CategoricalScale(), width=DELTA_FACET_WIDTH,
                           height=DELTA_FACET_EXTRA_PX + DELTA_ROW_PX * n_rows, toolbar_location="above",
                           min_border_right=20)
        # Title text is drawn on the canvas: a model name with HTML in it shows as text.
        self.title = Title(text=candidate, text_font_size="13px")
        self.figure.add_layout(self.title, "above")
        self.figure.add_tools(SaveTool(), ResetTool(), tip)
        x_axis = LinearAxis(axis_label=label or t("delta", lang))
        self.figure.add_layout(x_axis, "below")
        self.figure.add_layout(CategoricalAxis(), "left")
        self.figure.add_layout(Grid(dimension=0, ticker=x_axis.ticker), "center")
        self.figure.add_layout(Span(location=0, dimension="height", line_color="#555555", line_width=1))
        renderer = self.figure.add_glyph(self.source, HBar(y="category", left=0, right="delta", height=0.8,
                                                           fill_color="color", line_color="color"))
        tip.renderers = [renderer]

    def show(self, rows: pd.DataFrame, candidate: str | None = None) -> None:
        """Show these rows (and, when given, this candidate's name: a baseline change moves facets along)."""
        if candidate is not None:
            self.title.text = candidate
        data, factors = facet_data(rows)
        self.figure.y_range.factors = factors
        self.source.data = data
