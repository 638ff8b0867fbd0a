"""One candidate's Δ facet: horizontal diverging bars as a Bokeh figure that is updated in place.

A baseline, candidate, sort or min |Δ| change redraws every facet, so, like the Overview's bars, they are built
directly in Bokeh: a change replaces one data source and the category factors. Through HoloViews each facet's
update re-derived the element first, most of the server time of a baseline change. Each facet has its own
categorical axis (what `shared_axes=False` gives a HoloViews layout): a candidate's categories are its own
largest |Δ|, in the ranking's order. The Δ axis is an explicit range, by default one for every facet (bar
lengths compare across candidates), set in the same message as the bars.

Each bar carries its confidence interval as a whisker; a bar whose Δ is significant (adjusted p < α) is solid,
the others pale and hatched, so "real" and "maybe noise" differ without relying on colour alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from bokeh.models import (
    CategoricalAxis,
    CategoricalScale,
    ColumnDataSource,
    FactorRange,
    Grid,
    HBar,
    LinearAxis,
    Plot,
    Range1d,
    ResetTool,
    SaveTool,
    Span,
    Title,
    Whisker,
)

from eval_analyzer.dashboard.chart_style import hover, number_format
from eval_analyzer.dashboard.htmltext import ci_text, digits_for, p_text
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
#: Fill of a significant bar and of the others (with a hatch): pale enough to read as "not shown to be real".
SOLID_ALPHA = 0.95
PALE_ALPHA = 0.28
PALE_HATCH = "/"
#: Room beyond the largest |Δ| or CI end, as a fraction of the range.
RANGE_PADDING = 0.08
COLUMNS = ("category", "delta", "baseline_score", "candidate_score", "color", "fill_alpha", "hatch", "ci_low",
           "ci_high", "ci", "n", "p", "p_adjusted", "mde", "test", "significant")


def cap_rows(rows: pd.DataFrame, max_rows: int = MAX_DELTA_ROWS) -> pd.DataFrame:
    """The `max_rows` rows of largest |Δ|, in their given (ranking) order."""
    if len(rows) <= max_rows:
        return rows
    keep = rows["delta"].abs().rank(method="first", ascending=False) <= max_rows
    return rows[keep]


def _column(rows: pd.DataFrame, name: str, default=np.nan) -> np.ndarray:
    return rows[name].to_numpy() if name in rows else np.full(len(rows), default, dtype=object)


def facet_data(rows: pd.DataFrame, digits: int = 2, tested: bool = True
               ) -> tuple[dict[str, np.ndarray], list[str]]:
    """Data-source columns of one candidate's ranking rows (already capped, with the statistics columns of
    `core.significance.ROW_COLUMNS` when `tested`), and the category factors.

    Bokeh draws the first factor at the bottom of a categorical y axis, so the factors are reversed: the
    ranking's first row is on top. Untested rows (statistics still loading) are drawn solid, without whiskers.
    """
    categories = rows["category"].astype(str).to_numpy(dtype=object)
    delta = rows["delta"].to_numpy(dtype="float64")
    significant = (_column(rows, "significant", False).astype(bool) if tested
                   else np.ones(len(rows), dtype=bool))
    low = pd.to_numeric(pd.Series(_column(rows, "ci_low")), errors="coerce").to_numpy(dtype="float64")
    high = pd.to_numeric(pd.Series(_column(rows, "ci_high")), errors="coerce").to_numpy(dtype="float64")
    if not tested:
        low = high = np.full(len(rows), np.nan)
    n = pd.to_numeric(pd.Series(_column(rows, "n")), errors="coerce").to_numpy(dtype="float64")
    mde = pd.to_numeric(pd.Series(_column(rows, "mde")), errors="coerce").to_numpy(dtype="float64")
    data = {
        "category": categories,
        "delta": delta,
        "baseline_score": rows["baseline_score"].to_numpy(dtype="float64"),
        "candidate_score": rows["candidate_score"].to_numpy(dtype="float64"),
        # Blue gain, red loss (colour-blind safe); Δ is already signed so that positive means better.
        "color": np.where(delta >= 0, GAIN_COLOR, LOSS_COLOR).astype(object),
        "fill_alpha": np.where(significant, SOLID_ALPHA, PALE_ALPHA),
        "hatch": np.where(significant, " ", PALE_HATCH).astype(object),
        "ci_low": low,
        "ci_high": high,
        # Tooltip texts: "—" where a value is unknown rather than Bokeh's "NaN".
        "ci": np.array([ci_text(a, b, digits) for a, b in zip(low, high, strict=True)], dtype=object),
        "n": np.array(["—" if np.isnan(v) else f"{int(v)}" for v in n], dtype=object),
        "p": np.array([p_text(v) for v in _column(rows, "p_value")], dtype=object),
        "p_adjusted": np.array([p_text(v) for v in _column(rows, "p_adjusted")], dtype=object),
        "mde": np.array(["—" if np.isnan(v) else f"{v:.{digits}f}" for v in mde], dtype=object),
        "test": np.array([str(v) if isinstance(v, str) else "—" for v in _column(rows, "test", "—")],
                         dtype=object),
        "significant": significant,
    }
    return data, list(categories[::-1])


def delta_bounds(rows: pd.DataFrame) -> tuple[float, float]:
    """The Δ axis that holds every bar, every whisker and 0, padded; (−1, 1) when there is nothing."""
    values = [rows[name].to_numpy(dtype="float64") for name in ("delta", "ci_low", "ci_high") if name in rows]
    finite = np.concatenate([v[np.isfinite(v)] for v in values] + [np.zeros(1)]) if values else np.zeros(1)
    low, high = float(finite.min()), float(finite.max())
    if low == high:
        return -1.0, 1.0
    pad = (high - low) * RANGE_PADDING
    return low - pad, high + pad


class DeltaFacet:
    """One facet's figure for a fixed frame (rows shown, scale, language); `show` swaps in a candidate's rows."""

    def __init__(self, candidate: str, scale: int, lang: str = "en", n_rows: int = 1, label: str | None = None):
        """`label` names the Δ axis with its units (the view's `delta_label`); plain "Δ" when None."""
        self.source = ColumnDataSource(data={name: [] for name in COLUMNS})
        fmt = number_format(scale)
        self.digits = digits_for(scale)
        tip = hover(lang, [("category", "@category"), ("delta", f"@delta{fmt}"), ("ci_col", "@ci"),
                           ("p_adjusted_col", "@p_adjusted"), ("p_col", "@p"), ("n_col", "@n"), ("mde_col", "@mde"),
                           ("test_col", "@test"),
                           ("baseline_score", f"@baseline_score{fmt}"), ("candidate_score", f"@candidate_score{fmt}")])
        self.figure = Plot(x_range=Range1d(-1, 1), y_range=FactorRange(factors=[]),
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
        renderer = self.figure.add_glyph(self.source, HBar(
            y="category", left=0, right="delta", height=0.8, fill_color="color", line_color="color",
            fill_alpha="fill_alpha", hatch_pattern="hatch", hatch_color="color", hatch_alpha=0.7,
            hatch_scale=8))
        # Whiskers over the bars: drawn after them, in a dark grey that reads on blue, red and pale fills.
        self.whisker = Whisker(source=self.source, base="category", lower="ci_low", upper="ci_high",
                               dimension="width", line_color="#111111", line_width=1.5)
        self.whisker.upper_head.size = self.whisker.lower_head.size = 7
        self.figure.add_layout(self.whisker)
        tip.renderers = [renderer]

    def show(self, rows: pd.DataFrame, candidate: str | None = None, tested: bool = True,
             bounds: tuple[float, float] | None = None) -> None:
        """Show these rows (and, when given, this candidate's name: a baseline change moves facets along) on
        the Δ range `bounds` (the facets' shared one), or on their own range when None."""
        if candidate is not None:
            self.title.text = candidate
        data, factors = facet_data(rows, self.digits, tested)
        low, high = bounds if bounds is not None else delta_bounds(rows if tested else rows[["delta"]])
        self.figure.x_range.update(start=low, end=high)
        self.figure.y_range.factors = factors
        self.source.data = data
