"""The Δ chart: horizontal diverging bars of one or more candidates as one Bokeh figure updated in place.

A baseline, candidate, sort or min |Δ| change redraws the chart, so, like the Overview's bars, it is built
directly in Bokeh: a change replaces one data source and the category factors. By default every candidate is in
one figure, a block of rows each under a header row with its name, on one Δ axis: bar lengths compare across
candidates, and the browser lays out and paints one canvas. One figure per candidate (five with the default
candidates) made a 20-model baseline change take 0.46 s, 0.26 s of it laying out and painting the five; one
holding the same rows takes about a third of that. With the shared axis switched off (`dshared=0`) each
candidate gets a figure of its own on its own range. A candidate's categories are its largest |Δ|, in the
ranking's order.

Each bar carries its confidence interval as a whisker; a bar whose Δ is significant (adjusted p < α) is solid,
the others pale and hatched, so "real" and "maybe noise" differ without relying on colour alone. The hatch is
drawn by two overlay glyphs (gain, loss) whose hatch properties are all scalar, each over a filtered view of the
same source: with a hatch column, BokehJS builds one pattern canvas per bar on every update (0.2 s a change).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from bokeh.core.properties import field
from bokeh.models import (
    CategoricalAxis,
    CategoricalColorMapper,
    CategoricalScale,
    CDSView,
    ColumnDataSource,
    CustomJSTickFormatter,
    FactorRange,
    Grid,
    GroupFilter,
    HBar,
    LabelSet,
    LinearAxis,
    Plot,
    Range1d,
    ResetTool,
    SaveTool,
    Span,
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
#: Pixels per horizontal bar (and per candidate's header row), and the frame around them (axis, toolbar).
DELTA_ROW_PX = 16
DELTA_FACET_EXTRA_PX = 90
DELTA_FACET_WIDTH = 820
#: Fill of a significant bar and of the others (with a hatch): pale enough to read as "not shown to be real".
SOLID_ALPHA = 0.95
PALE_ALPHA = 0.28
PALE_HATCH = "/"
#: Room beyond the largest |Δ| or CI end, as a fraction of the range.
RANGE_PADDING = 0.08
#: Factor keys: a bar's is candidate + SEP + category, a header row's HEADER + candidate (no name holds them).
SEP, HEADER = "\x1f", "\x1e"
COLUMNS = ("y", "candidate", "category", "delta", "baseline_score", "candidate_score", "color", "fill_alpha", "hatch", "ci_low",
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
               ) -> tuple[dict[str, np.ndarray], list[str], dict[str, list[str]]]:
    """Data-source columns of ranking rows (already capped; one or more candidates, each candidate's rows
    together; with the statistics columns of `core.significance.ROW_COLUMNS` when `tested`), the y factors and
    the header rows (their factor and text).

    Each candidate's block starts with a header row that holds its name and no bar. Bokeh draws the first factor
    at the bottom of a categorical y axis, so the factors are reversed: the ranking's first row is on top.
    Untested rows (statistics still loading) are drawn solid, without whiskers.
    """
    categories = rows["category"].astype(str).to_numpy(dtype=object)
    candidates = rows["candidate"].astype(str).to_numpy(dtype=object)
    keys = candidates + SEP + categories
    factors, headers = [], {"y": [], "text": []}
    for candidate, key in zip(candidates, keys, strict=True):
        if not headers["text"] or headers["text"][-1] != candidate:
            headers["y"].append(HEADER + candidate)
            headers["text"].append(candidate)
            factors.append(HEADER + candidate)
        factors.append(key)
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
        "y": keys,
        "candidate": candidates,
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
    return data, factors[::-1], headers


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
    """One Δ figure for a fixed frame (scale, language, axis label); `show` swaps in the rows of one or more
    candidates and sizes the figure to them."""

    def __init__(self, scale: int, lang: str = "en", label: str | None = None):
        """`label` names the Δ axis with its units (the view's `delta_label`); plain "Δ" when None."""
        self.source = ColumnDataSource(data={name: [] for name in COLUMNS})
        self.headers = ColumnDataSource(data={"y": [], "text": []})
        fmt = number_format(scale)
        self.digits = digits_for(scale)
        tip = hover(lang, [("candidate", "@candidate"), ("category", "@category"), ("delta", f"@delta{fmt}"),
                           ("ci_col", "@ci"), ("p_adjusted_col", "@p_adjusted"), ("p_col", "@p"), ("n_col", "@n"),
                           ("mde_col", "@mde"), ("test_col", "@test"),
                           ("baseline_score", f"@baseline_score{fmt}"), ("candidate_score", f"@candidate_score{fmt}")])
        self.figure = Plot(x_range=Range1d(-1, 1), y_range=FactorRange(factors=[]),
                           y_scale=CategoricalScale(), width=DELTA_FACET_WIDTH,
                           height=DELTA_FACET_EXTRA_PX + DELTA_ROW_PX, toolbar_location="above",
                           min_border_right=20)
        self.figure.add_tools(SaveTool(), ResetTool(), tip)
        x_axis = LinearAxis(axis_label=label or t("delta", lang))
        self.figure.add_layout(x_axis, "below")
        # The axis names a bar by its category alone and leaves the header rows blank: the factor keys are
        # unique per candidate, the text is the part after the separator (computed in the browser, once).
        self.y_axis = CategoricalAxis(formatter=CustomJSTickFormatter(
            code=f"const i = tick.indexOf({SEP!r}); return i < 0 ? '' : tick.slice(i + 1);"))
        self.figure.add_layout(self.y_axis, "left")
        self.figure.add_layout(Grid(dimension=0, ticker=x_axis.ticker), "center")
        self.figure.add_layout(Span(location=0, dimension="height", line_color="#555555", line_width=1))
        # The colour column holds only the two colours: mapped as factors, the browser looks each bar's colour up
        # instead of parsing its CSS text (a tenth of applying a baseline change's new bars).
        color = field("color", CategoricalColorMapper(factors=[GAIN_COLOR, LOSS_COLOR],
                                                      palette=[GAIN_COLOR, LOSS_COLOR]))
        renderer = self.figure.add_glyph(self.source, HBar(
            y="y", left=0, right="delta", height=0.8, fill_color=color, line_color=color, fill_alpha="fill_alpha"))
        pale = GroupFilter(column_name="hatch", group=PALE_HATCH)
        # BokehJS draws a new hatch pattern for every glyph a renderer keeps (selected, not selected, muted,
        # decimated) on every data change: the overlays keep theirs for the drawn bars only. A tapped bar opens
        # the Questions tab and is unselected at once, so the overlay shows no selection state.
        bare = HBar(y="y", left=0, right="delta", height=0.8, fill_alpha=0, line_alpha=0)
        for hatch_color in (GAIN_COLOR, LOSS_COLOR):
            self.figure.add_glyph(
                self.source,
                HBar(y="y", left=0, right="delta", height=0.8, fill_alpha=0, line_alpha=0,
                     hatch_pattern=PALE_HATCH, hatch_color=hatch_color, hatch_alpha=0.7, hatch_scale=8),
                selection_glyph=bare, nonselection_glyph=bare, muted_glyph=bare,
                view=CDSView(filter=pale & GroupFilter(column_name="color", group=hatch_color)))
        # Whiskers over the bars: drawn after them, in a dark grey that reads on blue, red and pale fills.
        self.whisker = Whisker(source=self.source, base="y", lower="ci_low", upper="ci_high",
                               dimension="width", line_color="#111111", line_width=1.5)
        self.whisker.upper_head.size = self.whisker.lower_head.size = 7
        self.figure.add_layout(self.whisker)
        # Candidate names are drawn on the canvas, inside the frame on their header rows: a model name with
        # HTML in it shows as text, and a long one does not widen the axis.
        self.figure.add_layout(LabelSet(source=self.headers, x=6, x_units="screen", y="y", text="text",
                                        text_font_size="13px", text_font_style="bold", text_color="#222222",
                                        text_baseline="middle"))
        tip.renderers = [renderer]

    @property
    def candidates(self) -> list[str]:
        """The candidates shown, top to bottom."""
        return list(self.headers.data["text"])

    def show(self, rows: pd.DataFrame, tested: bool = True, bounds: tuple[float, float] | None = None) -> None:
        """Show these rows on the Δ range `bounds` (the one every figure shares), or on their own range when
        None."""
        data, factors, headers = facet_data(rows, self.digits, tested)
        low, high = bounds if bounds is not None else delta_bounds(rows if tested else rows[["delta"]])
        self.figure.x_range.update(start=low, end=high)
        self.figure.height = DELTA_FACET_EXTRA_PX + DELTA_ROW_PX * len(factors)
        self.figure.y_range.factors = factors
        self.headers.data = headers
        # As lists: each numpy column would be a binary buffer, two websocket frames apiece (28 per change with
        # five candidates), about 50 ms of a baseline change; a few hundred numbers a column are less as JSON.
        self.source.data = {name: values.tolist() for name, values in data.items()}
