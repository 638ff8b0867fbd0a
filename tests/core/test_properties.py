"""Hypothesis properties: readers never raise anything but our error; Δ math invariants; no lost categories."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eval_analyzer.core.delta import delta_summary, delta_table, sort_delta
from eval_analyzer.core.loader import load_files, read_file
from eval_analyzer.core.overview import paginate, sort_categories

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=25,
)
ITEM = st.fixed_dictionaries({}, optional={
    "file": JSON | st.text(max_size=12), "accuracy_mean": JSON, "accuracy": JSON, "accuracy_std": JSON,
    "individual_runs": JSON | st.fixed_dictionaries({"accuracies": st.lists(JSON, max_size=3)})})
TWINKLE_LIKE = st.fixed_dictionaries({"dataset_results": st.dictionaries(
    st.text(max_size=10), JSON | st.fixed_dictionaries({"results": st.lists(ITEM | JSON, max_size=5)},
                                                       optional={"average_accuracy": JSON}), max_size=3)},
    optional={"timestamp": JSON, "config": JSON | st.fixed_dictionaries({"model": JSON})})
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data):
    result = read_file("x.json", data)
    assert result.documents or result.problems


@FAST
@given(JSON | TWINKLE_LIKE)
def test_arbitrary_json_never_raises(obj):
    for data in (json.dumps(obj).encode(), (json.dumps(obj) + "\n" + json.dumps(obj)).encode()):
        loaded = load_files([("x.json", data)])
        assert loaded.table["score"].map(np.isfinite).all()


CATEGORIES = st.lists(st.text(min_size=1, max_size=5), min_size=1, max_size=30, unique=True)
SCORE = st.one_of(st.none(), st.floats(0, 1))


@st.composite
def wide_frames(draw, columns=3):
    categories = draw(CATEGORIES)
    data = {f"m{i}": [draw(SCORE) for _ in categories] for i in range(columns)}
    return pd.DataFrame(data, index=pd.Index(categories, name="category"), dtype="float64")


@FAST
@given(wide_frames(), st.sampled_from([1, 100]))
def test_delta_is_antisymmetric(wide, scale):
    ab = delta_table(wide, "m0", ["m1"], scale).set_index("category")["delta"]
    ba = delta_table(wide, "m1", ["m0"], scale).set_index("category")["delta"]
    pd.testing.assert_series_equal(ab, -ba, check_names=False)


@FAST
@given(wide_frames(), st.floats(0, 50), st.sampled_from([1, 100]))
def test_wins_losses_ties_add_up_to_paired_and_coverage_at_most_one(wide, eps, scale):
    table = delta_table(wide, "m0", ["m1", "m2"], scale)
    summary = delta_summary(table, ["m1", "m2"], len(wide), eps, "m0")
    paired = wide[["m0"]].notna().to_numpy() & wide[["m1", "m2"]].notna().to_numpy()
    assert summary["paired"].tolist() == paired.sum(axis=0).tolist()
    assert (summary["wins"] + summary["losses"] + summary["ties"] == summary["paired"]).all()
    assert (summary["coverage"] <= 1).all()


@FAST
@given(wide_frames(), st.sampled_from(["mean_desc", "mean_asc", "alpha"]), st.sampled_from([10, 20, 30, 50, 100, 3]))
def test_sorting_and_pagination_never_lose_or_duplicate_a_category(wide, mode, size):
    ordered = sort_categories(wide, mode)
    pages = paginate(ordered, size, 1)[1].pages
    seen = [category for page in range(1, pages + 1) for category in paginate(ordered, size, page)[0].index]
    assert sorted(seen) == sorted(wide.index) and len(seen) == len(set(seen))


@FAST
@given(wide_frames(), st.sampled_from(["abs_desc", "delta_desc", "delta_asc", "name"]))
def test_delta_sorting_keeps_every_row(wide, mode):
    table = delta_table(wide, "m0", ["m1", "m2"], 100)
    ordered = sort_delta(table, mode)
    assert sorted(zip(ordered["category"], ordered["candidate"], strict=True)) == sorted(
        zip(table["category"], table["candidate"], strict=True))
