"""What every chart shares: number formats and tooltips with translated labels.

Tooltips use Bokeh `@{field}` placeholders, which Bokeh HTML-escapes (only the `{safe}` format would not),
so hostile names show as text.
"""

from __future__ import annotations

import html

from bokeh.models import HoverTool

from eval_analyzer.core.scores import SHOWN_DECIMALS
from eval_analyzer.dashboard.i18n import t

#: The look of Bokeh's own tooltip rows (label in its blue, value after it), for tooltips written as HTML.
_ROW = '<div style="white-space:nowrap"><span style="color:#26aae1">{label}:</span> {value}</div>'


def hover(lang: str, fields: list[tuple[str, str]]) -> HoverTool:
    """A hover tool with translated labels; `fields` pairs a text key with a Bokeh `@field{format}` spec."""
    return HoverTool(tooltips=[(t(label, lang), spec) for label, spec in fields])


def number_format(scale: int) -> str:
    """Bokeh number format with the tables' decimals (core.scores.SHOWN_DECIMALS)."""
    return "{0." + "0" * SHOWN_DECIMALS[scale] + "}"


def tooltip_rows(lang: str, fields: list[tuple[str, str]], lines: tuple[str, ...] = ()) -> str:
    """A tooltip template like `hover`'s table, plus `lines`: data-source columns of ready text, each shown as a
    row of its own and not at all when empty — a row Bokeh's table of tooltips cannot leave out (a score without
    std showed "± std: NaN"). A template, not a tool: a chart that changes scale in place swaps it. Bokeh
    HTML-escapes `@field` values in the template as it does in the table; the labels are escaped here."""
    rows = [_ROW.format(label=html.escape(t(label, lang)), value=spec) for label, spec in fields]
    rows += [f"<div>@{{{column}}}</div>" for column in lines]
    return "<div>" + "".join(rows) + "</div>"
