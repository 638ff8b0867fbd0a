"""What every chart shares: number formats and tooltips with translated labels.

Tooltips use Bokeh `@{field}` placeholders, which Bokeh HTML-escapes (only the `{safe}` format would not),
so hostile names show as text.
"""

from __future__ import annotations

from bokeh.models import HoverTool

from eval_analyzer.core.scores import SHOWN_DECIMALS
from eval_analyzer.dashboard.i18n import t


def hover(lang: str, fields: list[tuple[str, str]]) -> HoverTool:
    """A hover tool with translated labels; `fields` pairs a text key with a Bokeh `@field{format}` spec."""
    return HoverTool(tooltips=[(t(label, lang), spec) for label, spec in fields])


def number_format(scale: int) -> str:
    """Bokeh number format with the tables' decimals (core.scores.SHOWN_DECIMALS)."""
    return "{0." + "0" * SHOWN_DECIMALS[scale] + "}"
