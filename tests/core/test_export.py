"""CSV exports (README "CSV exports"): BOM, safe names, formula-injection guard."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from eval_analyzer.core.export import guard_cell, safe_filename, to_csv_bytes


def test_csv_starts_with_a_bom_and_keeps_chinese():
    data = to_csv_bytes(pd.DataFrame({"category": ["會計學"], "score": [61.5]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["category,score", "會計學,61.5"]


@pytest.mark.parametrize(("cell", "expected"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-0.5", "-0.5"), ("+3", "+3"), ("1e-3", "1e-3"), ("normal", "normal"), ("a=b", "a=b"),
])
def test_formula_guard(cell, expected):
    assert guard_cell(cell) == expected


def test_numbers_stay_numbers_and_text_cells_are_guarded_in_the_file():
    frame = pd.DataFrame({"candidate": ["=cmd|' /C calc'!A0", "ok"], "delta": [-1.5, 2.0]})
    rows = list(csv.reader(io.StringIO(to_csv_bytes(frame).decode("utf-8-sig"))))
    assert rows[1] == ["'=cmd|' /C calc'!A0", "-1.5"]
    assert rows[2] == ["ok", "2.0"]


def test_quotes_commas_and_newlines_survive_a_round_trip():
    frame = pd.DataFrame({"category": ['a,"b"\nc'], "score": [1.0]})
    back = pd.read_csv(io.BytesIO(to_csv_bytes(frame)), encoding="utf-8-sig")
    assert back.loc[0, "category"] == 'a,"b"\nc'


@pytest.mark.parametrize("parts", [("eval", "mmlu", "gpt-oss-120b @ 20250806_1543"), ("a/b\\c", "..", "x y"),
                                   ("會計 學",), ("",)])
def test_safe_filenames(parts):
    name = safe_filename(*parts)
    assert name.endswith(".csv")
    assert not any(ch in name for ch in " @/\\\0\n") and ".." not in name.replace(".csv", "")


def test_csv_numbers_drop_binary_residue_but_keep_twelve_significant_digits():
    # 0.55 − 0.5 and 0.35 − 0.3 are 0.05 to a person, 0.04999999999999999 / 0.05000000000000004 in binary.
    deltas = [0.55 - 0.5, 0.35 - 0.3, (0.55 - 0.5 + 0.35 - 0.3) / 2]
    assert repr(deltas[2]) != "0.05"  # the residue the old CSV wrote
    frame = pd.DataFrame({"delta": deltas + [123456.789012345678, 1e-20, float("nan")], "n": range(6)})
    rows = list(csv.reader(io.StringIO(to_csv_bytes(frame).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["0.05", "0.05", "0.05", "123456.789012", "1e-20", ""]
