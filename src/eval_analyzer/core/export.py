"""CSV exports that open correctly in Excel and cannot run formulas (README "CSV exports").

UTF-8 with BOM, so Excel shows Chinese text; text cells starting with `=`, `+`, `-`, `@`, tab or CR get a
leading apostrophe, so a hostile model or category name cannot become a formula; numbers stay numbers, rounded
to `CSV_SIGNIFICANT_DIGITS` significant digits (a mean Δ of 0.05 is written `0.05`, not the binary residue
`0.049999999999999996`).
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_UNSAFE_NAME = re.compile(r"[^\w.-]+")
#: Significant digits of a number in a CSV. Means, differences and scale conversions leave residue in the 16th
#: or 17th digit that users read as a different number; 12 digits drop it and keep more precision than any
#: evaluation has (the dashboard shows 4 decimals on 0–1, 2 on 0–100).
CSV_SIGNIFICANT_DIGITS = 12


def csv_number(value: float) -> float:
    """`value` rounded to CSV_SIGNIFICANT_DIGITS significant digits (NaN and infinities unchanged)."""
    return float(f"{value:.{CSV_SIGNIFICANT_DIGITS}g}")


def guard_cell(value: object) -> object:
    """Neutralise one cell against formula injection; non-text and numeric text pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value.strip()):
        return "'" + value
    return value


def guard_frame(frame: pd.DataFrame) -> pd.DataFrame:
    guarded = frame.copy()
    for column in guarded.columns:
        if pd.api.types.is_float_dtype(guarded[column]):
            # Per value: a decimal rounding of the binary value (np.round would leave new residue).
            guarded[column] = [csv_number(value) for value in guarded[column].to_numpy(dtype="float64")]
        elif not pd.api.types.is_numeric_dtype(guarded[column]) and not pd.api.types.is_bool_dtype(guarded[column]):
            guarded[column] = guarded[column].astype(object).map(guard_cell)
    guarded.columns = [guard_cell(str(column)) for column in guarded.columns]
    return guarded


def to_csv_text(frame: pd.DataFrame) -> str:
    """CSV text (no BOM) with guarded cells; floats to CSV_SIGNIFICANT_DIGITS significant digits."""
    buffer = io.StringIO()
    guard_frame(frame).to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    return buffer.getvalue()


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """What a download button serves: UTF-8 with BOM."""
    return to_csv_text(frame).encode("utf-8-sig")


def safe_filename(*parts: str, extension: str = "csv") -> str:
    """`eval_mmlu_gpt-oss-120b_20250806_1543.csv`: no spaces, `@`, separators or control characters."""
    cleaned = [_UNSAFE_NAME.sub("_", str(part)).strip("._") for part in parts]
    stem = "_".join(part for part in cleaned if part) or "export"
    return f"{stem[:150]}.{extension}"
