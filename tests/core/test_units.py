"""Metrics off the 0–1 scale (perplexity, BLEU, judge ratings) are shown, filtered and compared in their own units.

Expectations come from the numbers written into the generated files (datagen.PERPLEXITY_SCORES) or read
straight from the real lm-eval file's JSON, never from the code under test.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pandas as pd
import pytest

import datagen
from eval_analyzer.core import delta as delta_math
from eval_analyzer.core.compare import compare
from eval_analyzer.core.loader import load_files
from eval_analyzer.core.overview import apply_threshold, heatmap_matrix, pivot_table, threshold_end
from eval_analyzer.core.scores import (
    FRACTION,
    dataset_rows,
    delta_units,
    display_factor,
    overall_for,
    score_units,
    shows_fractions,
    to_display,
    units_note,
    wide_scores,
    wide_units,
)

PPL = "word_perplexity,none"
ACC = "acc,none"
SCORES = datagen.PERPLEXITY_SCORES
REAL = Path(__file__).parents[1] / "data" / "v04_allorig_results_2025-12-17T20-28-43.535870.json"


@pytest.fixture(scope="module")
def loaded():
    return load_files([datagen.lmeval_perplexity_file("m1"), datagen.lmeval_perplexity_file("m2")])


def frames(loaded, metric, dataset="wiki"):
    rows = dataset_rows(loaded.table, dataset, metric)
    return wide_scores(rows), wide_units(rows)


def test_the_scale_multiplies_fractions_only():
    assert display_factor([FRACTION, "bleu", None], 100).tolist() == [100, 1, 100]
    assert to_display(pd.Series([0.5, 31.2]), 100, [FRACTION, "bleu"]).tolist() == [50.0, 31.2]
    assert (score_units(FRACTION, 100), score_units(FRACTION, 1), score_units("bleu", 100)) == (
        "0–100", "0–1", "bleu (own units)")
    assert (delta_units(FRACTION, 100), delta_units(FRACTION, 1), delta_units("bleu", 100)) == (
        "pp", "fraction", "bleu (own units)")


def test_the_reader_marks_perplexity_as_own_units(loaded):
    """What the rest relies on (the readers decide it): perplexity is own units and lower is better."""
    ppl = loaded.table[loaded.table["metric"] == PPL]
    assert len(ppl) == 6 and not ppl["unit_scale"].any() and not ppl["higher_is_better"].any()
    assert loaded.table.loc[loaded.table["metric"] == ACC, "unit_scale"].all()


def test_compare_on_perplexity_gives_delta_in_perplexity_units_with_the_sign_flipped(loaded):
    result = compare(loaded, "m1", metric=PPL, scale=100)
    row = result.summary.iloc[0]
    # Lower perplexity is better: Δ = baseline − candidate, so that positive still means better.
    deltas = [SCORES["m1"][task][1] - SCORES["m2"][task][1] for task in SCORES["m1"]]
    assert row["mean_delta"] == pytest.approx(statistics.mean(deltas), abs=1e-9)
    assert row["median_delta"] == pytest.approx(statistics.median(deltas), abs=1e-9)
    assert (row["wins"], row["losses"]) == (sum(d > 0 for d in deltas), sum(d < 0 for d in deltas))
    assert row["units"] == f"{PPL} (own units)"
    ranking = result.ranking.set_index("category")
    assert ranking.loc["wiki_c", "baseline_score"] == pytest.approx(31.25)  # not 3125
    assert ranking.loc["wiki_c", "delta"] == pytest.approx(1.25)
    assert set(ranking["units"]) == {f"{PPL} (own units)"}
    # The scale changes nothing for it.
    at_one = compare(loaded, "m1", metric=PPL, scale=1)
    pd.testing.assert_frame_equal(at_one.ranking, result.ranking)


def test_compare_on_acc_still_scales_to_percentage_points(loaded):
    result = compare(loaded, "m1", metric=ACC, scale=100)
    deltas = [(SCORES["m2"][task][0] - SCORES["m1"][task][0]) * 100 for task in SCORES["m1"]]
    row = result.summary.iloc[0]
    assert row["mean_delta"] == pytest.approx(statistics.mean(deltas), abs=1e-9) and row["units"] == "pp"
    assert compare(loaded, "m1", metric=ACC, scale=1).summary.iloc[0]["units"] == "fraction"


def test_pivot_and_heatmap_show_perplexity_raw_at_scale_100_with_a_units_column(loaded):
    wide, units = frames(loaded, PPL)
    pivot = pivot_table(wide, 100, units).set_index("category")
    for task, (_acc, perplexity) in SCORES["m1"].items():
        assert pivot.loc[task, "m1"] == pytest.approx(perplexity)
    assert set(pivot["units"]) == {f"{PPL} (own units)"}
    assert heatmap_matrix(wide, 100, units).loc["m2", "wiki_b"] == pytest.approx(13.1)
    acc_wide, acc_units = frames(loaded, ACC)
    acc = pivot_table(acc_wide, 100, acc_units).set_index("category")
    assert acc.loc["wiki_a", "m2"] == pytest.approx(65.0) and set(acc["units"]) == {"0–100"}
    assert pivot_table(wide, 100).columns.tolist() == ["category", "m1", "m2"]  # no units given: as before


def test_threshold_is_in_the_metrics_own_units(loaded):
    wide, units = frames(loaded, PPL)
    # ≥ 13 perplexity for any model, at scale 100 as at scale 1 (not 0.13 × 100).
    expected = sorted(task for task in SCORES["m1"] if any(SCORES[m][task][1] >= 13 for m in SCORES))
    for scale in (1, 100):
        assert sorted(apply_threshold(wide, 13, "ge", scale=scale, units=units).index) == expected
    assert threshold_end(wide, 1, units) == 32  # the largest perplexity (31.25), rounded up
    acc_wide, acc_units = frames(loaded, ACC)
    assert threshold_end(acc_wide, 100, acc_units) == 100
    assert sorted(apply_threshold(acc_wide, 56, "ge", scale=100, units=acc_units).index) == ["wiki_a"]


def test_sources_with_different_primary_metrics_are_named_and_never_paired():
    """m1 reports acc and perplexity (primary acc); m3 reports perplexity alone (its primary)."""
    loaded = load_files([datagen.lmeval_perplexity_file("m1"),
                         datagen.lmeval_perplexity_file("m3", SCORES["m2"], metrics=("word_perplexity",))])
    wide, units = frames(loaded, None)
    assert units_note(units) == [PPL] and shows_fractions(units)
    pivot = pivot_table(wide, 100, units).set_index("category")
    assert pivot.loc["wiki_a", "m1"] == pytest.approx(60.0) and pivot.loc["wiki_a", "m3"] == pytest.approx(5.2)
    assert pivot.loc["wiki_a", "units"] == f"0–100; {PPL} (own units)"
    # A fraction minus a perplexity means nothing: no category pairs.
    table = delta_math.delta_table(wide, "m1", ["m3"], 100, units=units)
    assert table.empty
    summary = compare(loaded, "m1", scale=100).summary.iloc[0]
    assert summary["paired"] == 0


def test_overall_average_carries_its_units(loaded):
    wide, units = frames(loaded, PPL)
    overall = overall_for(loaded.overall, "wiki", ["m1", "m2"], PPL, wide, units)
    assert overall["units"].tolist() == [PPL, PPL]
    assert overall.loc[0, "score"] == pytest.approx(statistics.mean(v[1] for v in SCORES["m1"].values()))
    assert overall_for(loaded.overall, "wiki", ["m1"])["units"].tolist() == [FRACTION]


def test_real_lmeval_file_with_word_perplexity():
    data = REAL.read_bytes()
    document = json.loads(data)
    task, values = next(iter(document["results"].items()))
    loaded = load_files([(REAL.name, data)])
    rows = dataset_rows(loaded.table, task)
    wide, units = wide_scores(rows), wide_units(rows)
    label = wide.columns[0]
    assert pivot_table(wide, 100, units).loc[0, label] == pytest.approx(values[PPL])
    assert units_note(units) == [PPL] and not shows_fractions(units)
    assert threshold_end(wide, 1, units) == 3  # word perplexity 2.61: the slider must reach it
    assert len(apply_threshold(wide, 2.6, "ge", scale=100, units=units)) == 1
    assert apply_threshold(wide, 2.7, "ge", scale=100, units=units).empty
