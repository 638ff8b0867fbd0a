"""Escaped HTML for tables and messages: every user-controlled string goes through `html.escape` here.

Markdown panes and Panel's optional `sanitize_html` (nh3, missing in Pyodide) are not used for user text: a
model, category or file name such as `<img src=x onerror=alert(1)>` must always show as text.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence

import pandas as pd

from eval_analyzer.core.scores import SHOWN_DECIMALS

#: Each table carries its own style element: the HTML panes render in shadow DOM, so page CSS does not reach
#: them, and a rule per cell (inline styles) made a 100-model page's table 184 KB on every change, and made the
#: browser parse 2,000 style attributes; with the rules once per table it is a third of that.
_STYLE = ("<style>table.ea-t{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}"
          "table.ea-t td,table.ea-t th{border:1px solid #ddd;padding:2px 6px}"
          "table.ea-t th{background:#f3f3f3;text-align:left;position:sticky;top:0}"
          "table.ea-t td.nw{white-space:nowrap}</style>")


def size_text(size: int) -> str:
    """A file size for people: kB below one MB, else MB, one decimal."""
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.1f} kB"


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def number(value: object, digits: int, signed: bool = False) -> str:
    """A number with fixed digits; an em dash for missing values."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    try:
        return f"{float(value):+.{digits}f}" if signed else f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return esc(value)


def digits_for(scale: int) -> int:
    """Decimals that keep 0–1 scores and 0–100 points equally precise (core.scores.SHOWN_DECIMALS)."""
    return SHOWN_DECIMALS[scale]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], css_class: str = "",
          raw_cells: bool = False, nowrap_from: int | None = None) -> str:
    """An HTML table. Headers are escaped here; cells are escaped too unless `raw_cells` (already escaped).
    Cells from column `nowrap_from` on keep to one line (numbers and intervals broken over lines misread)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    opening = ["<td>" if nowrap_from is None or i < nowrap_from else '<td class="nw">' for i in range(len(headers))]
    body = []
    for row in rows:
        cells = "".join(f"{opening[i] if i < len(opening) else '<td>'}{cell if raw_cells else esc(cell)}</td>"
                        for i, cell in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    cls = f"ea-t {esc(css_class)}" if css_class else "ea-t"
    return f'{_STYLE}<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def frame_table(frame: pd.DataFrame, headers: Sequence[str] | None = None, css_class: str = "",
                formats: dict[str, Callable[[object], str]] | None = None) -> str:
    """Render a frame: text columns escaped, columns in `formats` formatted (and then escaped)."""
    formats = formats or {}
    columns = list(frame.columns)
    values = [frame[column].tolist() for column in columns]
    rows = []
    for i in range(len(frame)):
        rows.append([formats[c](values[j][i]) if c in formats else ("" if values[j][i] is None else
                     str(values[j][i])) for j, c in enumerate(columns)])
    return table(headers or [str(c) for c in columns], rows, css_class)


def message(text: str, kind: str = "info", css_class: str = "") -> str:
    """A message box with escaped text. `kind` picks the colour: info, warning, error."""
    colours = {"info": ("#e7f1fb", "#0b5394"), "warning": ("#fff4e5", "#8a4b00"), "error": ("#fdecea", "#a30000")}
    background, colour = colours.get(kind, colours["info"])
    cls = f' class="{esc(css_class)}"' if css_class else ""
    return (f'<div{cls} role="status" style="background:{background};color:{colour};padding:8px 12px;'
            f'border-radius:4px">{esc(text)}</div>')


def p_text(value: object) -> str:
    """A p-value as people read it: three decimals, "< 0.001" below that (more digits are not information),
    an em dash when there is none."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    value = float(value)
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def ci_text(low: object, high: object, digits: int) -> str:
    """`[low, high]` with signed numbers; an em dash when the interval is unknown."""
    if any(v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) for v in (low, high)):
        return "—"
    return f"[{float(low):+.{digits}f}, {float(high):+.{digits}f}]"
