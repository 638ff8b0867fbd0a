"""Overview: threshold filter, sorting, pagination, pivot — checked against hand calculations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from eval_analyzer.core.overview import (
    apply_threshold,
    heatmap_matrix,
    paginate,
    pivot_table,
    sort_categories,
    threshold_mask,
)
from eval_analyzer.core.scores import dataset_rows, overall_for, wide_scores

WIDE = pd.DataFrame(
    {"A": [0.90, 0.29, 0.50, np.nan], "B": [0.10, 0.80, 0.50, 0.70]},
    index=pd.Index(["bio", "chem", "art", "dance"], name="category"),
)


def test_sort_by_mean_high_to_low_low_to_high_and_alphabetical():
    # means: bio 0.5, chem 0.545, art 0.5, dance 0.7 (NaN ignored); ties broken by name.
    assert sort_categories(WIDE, "mean_desc").index.tolist() == ["dance", "chem", "art", "bio"]
    assert sort_categories(WIDE, "mean_asc").index.tolist() == ["art", "bio", "chem", "dance"]
    assert sort_categories(WIDE, "alpha").index.tolist() == ["art", "bio", "chem", "dance"]


def test_sort_by_mean_uses_only_the_shown_models():
    assert sort_categories(WIDE[["A"]], "mean_desc").index.tolist() == ["bio", "art", "chem", "dance"]


@pytest.mark.parametrize(("op", "threshold", "scale", "expected"), [
    ("ge", 0.8, 1, ["bio", "chem"]),
    ("ge", 80, 100, ["bio", "chem"]),
    ("le", 0.29, 1, ["bio", "chem"]),
    ("le", 29, 100, ["bio", "chem"]),  # 0.29 * 100 is 28.999999999999996: inclusive all the same
    ("ge", 0.95, 1, []),
])
def test_threshold_any_model(op, threshold, scale, expected):
    assert apply_threshold(WIDE, threshold, op, "any", scale=scale).index.tolist() == expected


def test_threshold_specific_model_and_inclusive_bounds():
    assert apply_threshold(WIDE, 0.5, "ge", "model", "A").index.tolist() == ["bio", "art"]
    assert apply_threshold(WIDE, 0.5, "le", "model", "A").index.tolist() == ["chem", "art"]
    assert apply_threshold(WIDE, 0.5, "ge", "model", "missing").empty
    # Every column stays: the filter chooses categories, not models.
    assert apply_threshold(WIDE, 0.5, "ge", "model", "A").columns.tolist() == ["A", "B"]


def test_threshold_mask_is_a_boolean_per_category():
    mask = threshold_mask(WIDE, 0.7, "ge")
    assert mask.dtype == bool and mask.to_dict() == {"bio": True, "chem": True, "art": False, "dance": True}


@pytest.mark.parametrize(("size", "page", "rows", "info"), [
    (3, 1, ["bio", "chem", "art"], (1, 2, 1, 3, 4)),
    (3, 2, ["dance"], (2, 2, 4, 4, 4)),
    (3, 9, ["dance"], (2, 2, 4, 4, 4)),  # clamped
    (3, 0, ["bio", "chem", "art"], (1, 2, 1, 3, 4)),
    (10, 1, ["bio", "chem", "art", "dance"], (1, 1, 1, 4, 4)),
])
def test_pagination_slices_and_says_a_to_b_of_n(size, page, rows, info):
    shown, where = paginate(WIDE, size, page)
    assert shown.index.tolist() == rows
    assert (where.page, where.pages, where.first, where.last, where.total) == info


def test_pagination_of_nothing():
    shown, where = paginate(WIDE.iloc[:0], 20, 3)
    assert shown.empty and (where.page, where.pages, where.first, where.last, where.total) == (1, 1, 0, 0, 0)


def test_pivot_and_heatmap_follow_the_display_scale_and_order():
    ordered = sort_categories(WIDE, "alpha")
    pivot = pivot_table(ordered, 100)
    assert pivot["category"].tolist() == ["art", "bio", "chem", "dance"]
    assert pivot.loc[1, "A"] == pytest.approx(90.0)
    heat = heatmap_matrix(ordered, 1)
    assert heat.index.tolist() == ["A", "B"] and heat.columns.tolist() == ["art", "bio", "chem", "dance"]


def test_wide_scores_and_overall_from_a_loaded_table(fixture_bytes):
    from eval_analyzer.core.loader import load_files

    loaded = load_files([("r.json", fixture_bytes)])
    wide = wide_scores(dataset_rows(loaded.table, "tmmluplus"))
    assert wide.shape == (67, 1)
    overall = overall_for(loaded.overall, "tmmluplus", list(wide.columns))
    assert overall["reported"].tolist() == [True]


def test_wide_scores_keeps_text_values_for_file_names(fixture_bytes):
    from eval_analyzer.core.loader import load_files

    rows = dataset_rows(load_files([("r.json", fixture_bytes)]).table, "mmlu")
    files = wide_scores(rows, value="file")
    assert files.loc["econometrics_test"].tolist() == ["econometrics_test.csv"]
    assert wide_scores(rows).dtypes.tolist() == ["float64"]
