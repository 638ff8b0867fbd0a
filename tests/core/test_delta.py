"""Baseline Δ: Δ table, sorts, minimum |Δ|, summary (mean, median, W/L/T with ε, coverage), top/bottom-N."""

from __future__ import annotations

import statistics

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eval_analyzer.core.delta import (
    delta_matrix,
    delta_status,
    delta_summary,
    delta_table,
    filter_min_delta,
    sort_delta,
    top_bottom,
)

WIDE = pd.DataFrame(
    {"base": [0.50, 0.60, 0.70, np.nan, 0.40], "c1": [0.55, 0.50, 0.70, 0.90, 0.45], "c2": [np.nan] * 5},
    index=pd.Index(["a", "b", "c", "d", "e"], name="category"),
)


def test_delta_is_candidate_minus_baseline_on_paired_categories_in_display_scale():
    table = delta_table(WIDE, "base", ["c1"], scale=100)
    assert table["category"].tolist() == ["a", "b", "c", "e"]
    assert table["delta"].round(6).tolist() == [5.0, -10.0, 0.0, 5.0]
    assert table.loc[0, "baseline_score"] == pytest.approx(50) and table.loc[0, "candidate_score"] == pytest.approx(55)


def test_lower_is_better_flips_the_sign():
    table = delta_table(WIDE, "base", ["c1"], scale=1, higher_is_better=False)
    assert table["delta"].round(6).tolist() == [-0.05, 0.1, 0.0, -0.05]


def test_baseline_is_never_a_candidate():
    table = delta_table(WIDE, "base", ["base", "c1"])
    assert set(table["candidate"]) == {"c1"}


def test_summary_counts_wins_losses_ties_and_coverage():
    table = delta_table(WIDE, "base", ["c1", "c2"], scale=100)
    summary = delta_summary(table, ["c1", "c2"], total=5, eps=0, baseline="base").set_index("candidate")
    c1 = summary.loc["c1"]
    assert c1["mean_delta"] == pytest.approx(0.0) and c1["median_delta"] == pytest.approx(2.5)
    assert (c1["wins"], c1["losses"], c1["ties"], c1["paired"], c1["total"]) == (2, 1, 1, 4, 5)
    assert c1["coverage"] == pytest.approx(0.8)
    c2 = summary.loc["c2"]
    assert (c2["paired"], c2["wins"]) == (0, 0) and np.isnan(c2["mean_delta"])


def test_epsilon_turns_small_deltas_into_ties():
    table = delta_table(WIDE, "base", ["c1"], scale=100)
    summary = delta_summary(table, ["c1"], total=5, eps=5).iloc[0]
    assert (summary["wins"], summary["losses"], summary["ties"]) == (0, 1, 3)


def test_min_delta_hides_rows_but_the_summary_uses_all_pairs():
    table = delta_table(WIDE, "base", ["c1"], scale=100)
    shown = filter_min_delta(table, 6)
    assert shown["category"].tolist() == ["b"]
    assert filter_min_delta(table, 5)["category"].tolist() == ["a", "b", "e"]  # inclusive


@pytest.mark.parametrize(("mode", "expected"), [
    ("abs_desc", ["b", "a", "e", "c"]),
    ("delta_desc", ["a", "e", "c", "b"]),
    ("delta_asc", ["b", "c", "a", "e"]),
    ("name", ["a", "b", "c", "e"]),
])
def test_four_sort_modes(mode, expected):
    table = delta_table(WIDE, "base", ["c1"], scale=100)
    assert sort_delta(table, mode)["category"].tolist() == expected


def test_top_and_bottom_n_per_candidate():
    wide = WIDE.assign(c2=[0.1, 0.9, 0.8, 0.2, 0.3])
    table = delta_table(wide, "base", ["c1", "c2"], scale=100)
    top, bottom = top_bottom(table, 2)
    assert top.groupby("candidate").size().to_dict() == {"c1": 2, "c2": 2}
    assert top[top["candidate"] == "c2"]["category"].tolist() == ["b", "c"]
    assert bottom[bottom["candidate"] == "c2"]["category"].tolist() == ["a", "e"]
    assert top["candidate"].tolist() == ["c1", "c1", "c2", "c2"]  # one block per candidate, not interleaved


def test_top_lists_only_gains_and_bottom_only_regressions():
    wide = pd.DataFrame({"base": [0.5, 0.5, 0.5, 0.5], "up": [0.6, 0.7, 0.5, 0.8],
                         "mixed": [0.4, 0.9, 0.5, 0.45]}, index=pd.Index(list("abcd"), name="category"))
    table = delta_table(wide, "base", ["up", "mixed"], scale=100)
    top, bottom = top_bottom(table, 10)
    assert bottom[bottom["candidate"] == "up"].empty  # improved everywhere: no "regressions" to list
    assert (top["delta"] > 0).all() and (bottom["delta"] < 0).all()
    assert top[top["candidate"] == "up"]["category"].tolist() == ["d", "b", "a"]  # the tie (c) is in neither
    assert bottom["category"].tolist() == ["a", "d"]


def test_noise_marks_deltas_within_run_to_run_spread():
    std = pd.DataFrame({"base": [0.03, 0.0, 0.0, 0.0, 0.0], "c1": [0.04, 0.0, 0.0, 0.0, 0.0]}, index=WIDE.index)
    table = delta_table(WIDE, "base", ["c1"], scale=100, std=std)
    assert table.loc[0, "noise"] == pytest.approx(5.0)
    assert bool(table.loc[0, "within_noise"]) is True  # |Δ| = 5 ≤ √(3² + 4²)
    assert bool(table.loc[1, "within_noise"]) is False


def test_delta_matrix_for_the_heatmap():
    table = delta_table(WIDE, "base", ["c1"], scale=100)
    matrix = delta_matrix(table, ["e", "a", "b", "c", "d"])
    assert matrix.columns.tolist() == ["e", "a", "b", "c", "d"] and np.isnan(matrix.loc["c1", "d"])


def test_missing_baseline_gives_an_empty_table():
    assert delta_table(WIDE, "nobody", ["c1"]).empty


@pytest.mark.parametrize(("baseline", "candidates", "expected"), [
    ("base", ["c1"], "ok"),
    ("nobody", ["c1"], "no_baseline"),
    ("c2", ["c1"], "no_baseline"),  # the baseline is there but has no score in this dataset
    ("base", [], "no_candidates"),
    ("base", ["base"], "no_candidates"),
])
def test_delta_status_says_why_a_comparison_cannot_run(baseline, candidates, expected):
    assert delta_status(WIDE, baseline, candidates) == expected
    assert delta_status(WIDE.iloc[:, :0], baseline, candidates) == "no_data"


# -- the summary, the sorts and top/bottom against plain Python, over generated Δ tables ---------------------

_deltas = st.lists(st.tuples(st.sampled_from(["Alg", "alg", "bio", "Chem", "law", "x/y"]),
                             st.sampled_from(["m1", "m2", "m3"]),
                             st.one_of(st.sampled_from([0.0, 0.5, -0.5, 1.0]), st.floats(-5, 5, allow_nan=False)),
                             st.sampled_from(["pp", "BLEU"])),
                   max_size=30, unique_by=lambda row: (row[0], row[1]))


def _table(rows) -> pd.DataFrame:
    return pd.DataFrame({"category": [r[0] for r in rows], "candidate": [r[1] for r in rows], "baseline": "b",
                         "baseline_score": 0.0, "candidate_score": 0.0, "delta": [r[2] for r in rows],
                         "noise": np.nan, "within_noise": False, "units": [r[3] for r in rows]})


def _pairs(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(frame["category"], frame["candidate"], strict=True))


@settings(max_examples=150, deadline=None)
@given(rows=_deltas, eps=st.sampled_from([0.0, 0.5]), n=st.integers(1, 4))
def test_summary_and_top_bottom_agree_with_plain_python(rows, eps, n):
    summary = delta_summary(_table(rows), ["m1", "m2", "m3", "m4"], total=6, eps=eps, baseline="m3", units="pp")
    assert summary["candidate"].tolist() == ["m1", "m2", "m4"]
    for _, got in summary.iterrows():
        mine = [r for r in rows if r[1] == got["candidate"]]
        values = [r[2] for r in mine]
        assert got["paired"] == len(values) and got["coverage"] == pytest.approx(len(values) / 6)
        assert (got["wins"], got["losses"], got["ties"]) == (sum(v > eps for v in values),
                                                              sum(v < -eps for v in values),
                                                              sum(abs(v) <= eps for v in values))
        if values:
            assert got["mean_delta"] == pytest.approx(statistics.mean(values))
            assert got["median_delta"] == pytest.approx(statistics.median(values))
            assert got["units"] == "; ".join(sorted({r[3] for r in mine}))
        else:
            assert np.isnan(got["mean_delta"]) and got["units"] == "pp"

    top, bottom = top_bottom(_table(rows), n)
    order = list(dict.fromkeys(r[1] for r in rows))
    want_top, want_bottom = [], []
    for name in order:
        mine = [r for r in rows if r[1] == name]
        want_top += sorted((r for r in mine if r[2] > 0), key=lambda r: (-r[2], r[0].casefold()))[:n]
        want_bottom += sorted((r for r in mine if r[2] < 0), key=lambda r: (r[2], r[0].casefold()))[:n]
    assert _pairs(top) == [(r[0], r[1]) for r in want_top]
    assert _pairs(bottom) == [(r[0], r[1]) for r in want_bottom]

    keys = {"abs_desc": lambda r: (-abs(r[2]), r[0].casefold(), r[1]),
            "delta_desc": lambda r: (-r[2], r[0].casefold(), r[1]),
            "delta_asc": lambda r: (r[2], r[0].casefold(), r[1]), "name": lambda r: (r[0].casefold(), r[1])}
    for mode, key in keys.items():
        ranked = sort_delta(_table(rows), mode)
        assert _pairs(ranked) == [(r[0], r[1]) for r in sorted(rows, key=key)]
