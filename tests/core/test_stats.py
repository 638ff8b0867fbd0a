"""Paired statistics against independent implementations: scipy, statsmodels and plain Python."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests

from eval_analyzer.core.stats import (
    StatsQuery,
    adjust,
    fallback_stats,
    paired_stats,
    summary_stats,
    with_adjusted,
)


def samples_of(values: dict[str, dict[str, list]], runs: int = 1) -> pd.DataFrame:
    """Per-question rows: values[source][category] = per-question values (a list per question when runs > 1)."""
    rows = []
    for source, categories in values.items():
        for category, answers in categories.items():
            for qid, answer in enumerate(answers):
                for run, value in enumerate(answer if runs > 1 else [answer]):
                    rows.append((source, category, str(qid), run, "accuracy", float(value)))
    frame = pd.DataFrame(rows, columns=["source_label", "category", "question_id", "run", "metric", "value"])
    for name in ("source_label", "category", "question_id", "metric"):
        frame[name] = frame[name].astype("category")
    return frame


binary_lists = st.integers(min_value=5, max_value=60).flatmap(
    lambda n: st.tuples(st.lists(st.integers(0, 1), min_size=n, max_size=n),
                        st.lists(st.integers(0, 1), min_size=n, max_size=n)))


@settings(max_examples=60, deadline=None)
@given(binary_lists)
def test_mcnemar_exact_matches_statsmodels(pair):
    base, cand = pair
    result = paired_stats(samples_of({"B": {"x": base}, "C": {"x": cand}}), "B", ["C"]).iloc[0]
    b = sum(1 for x, y in zip(base, cand, strict=True) if x == 1 and y == 0)
    c = sum(1 for x, y in zip(base, cand, strict=True) if x == 0 and y == 1)
    expected = 1.0 if b + c == 0 else mcnemar([[0, b], [c, 0]], exact=True).pvalue
    assert result["test"] == "mcnemar-exact" and (result["b"], result["c"]) == (b, c)
    assert result["p_value"] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert result["delta"] == pytest.approx(100 * (sum(cand) - sum(base)) / len(base))
    assert result["n"] == len(base)


float_lists = st.integers(min_value=3, max_value=40).flatmap(
    lambda n: st.tuples(st.lists(st.floats(0, 1, allow_nan=False), min_size=n, max_size=n),
                        st.lists(st.floats(0, 1, allow_nan=False), min_size=n, max_size=n)))


@settings(max_examples=60, deadline=None)
@given(float_lists)
def test_paired_t_and_its_ci_match_scipy(pair):
    base, cand = pair
    base = [round(x, 3) for x in base]
    cand = [round(x, 3) for x in cand]
    result = paired_stats(samples_of({"B": {"x": base}, "C": {"x": cand}}), "B", ["C"],
                          query=StatsQuery(ci=0.9)).iloc[0]
    d = [100 * (y - x) for x, y in zip(base, cand, strict=True)]
    assert result["test"] in ("paired-t", "mcnemar-exact")
    if result["test"] == "mcnemar-exact":  # rounding can make every value 0 or 1
        return
    assert result["delta"] == pytest.approx(sum(d) / len(d), abs=1e-9)
    if all(abs(x) < 1e-12 for x in d):
        assert result["p_value"] == 1.0
        return
    reference = sps.ttest_rel([100 * y for y in cand], [100 * x for x in base])
    if np.std(d) < 1e-9:  # constant non-zero differences: scipy answers NaN, the difference is certain
        assert result["p_value"] == 0.0
        return
    assert result["p_value"] == pytest.approx(reference.pvalue, rel=1e-6, abs=1e-12)
    low, high = reference.confidence_interval(0.9)
    assert (result["ci_low"], result["ci_high"]) == (pytest.approx(low, abs=1e-7), pytest.approx(high, abs=1e-7))
    sd = float(np.std(d, ddof=1))
    assert result["se"] == pytest.approx(sd / math.sqrt(len(d)))
    assert result["mde"] == pytest.approx((sps.norm.ppf(0.975) + sps.norm.ppf(0.8)) * sd / math.sqrt(len(d)))


def test_repeated_runs_are_averaged_per_question_before_pairing():
    base = [[1, 1, 0], [0, 0, 0], [1, 1, 1], [0, 1, 0]]
    cand = [[1, 1, 1], [1, 0, 0], [1, 1, 1], [1, 1, 0]]
    result = paired_stats(samples_of({"B": {"x": base}, "C": {"x": cand}}, runs=3), "B", ["C"]).iloc[0]
    per_question = [100 * (sum(c) / 3 - sum(b) / 3) for b, c in zip(base, cand, strict=True)]
    assert result["test"] == "paired-t" and result["n"] == 4
    assert result["delta"] == pytest.approx(sum(per_question) / 4)
    assert result["p_value"] == pytest.approx(sps.ttest_1samp(per_question, 0).pvalue)


def test_only_questions_both_answered_are_paired_and_lower_is_better_flips_the_sign():
    frame = samples_of({"B": {"x": [0.5, 0.2, 0.9]}, "C": {"x": [0.4, 0.1]}})
    result = paired_stats(frame, "B", ["C"], factor=1.0, sign=-1.0).iloc[0]
    assert result["n"] == 2 and result["delta"] == pytest.approx(0.1)


def test_identical_models_give_p_one_and_an_empty_pair_no_row():
    same = [1, 0, 1, 1, 0]
    result = paired_stats(samples_of({"B": {"x": same}, "C": {"x": same}}), "B", ["C"]).iloc[0]
    assert result["p_value"] == 1.0 and result["delta"] == 0.0
    assert paired_stats(samples_of({"B": {"x": same}, "C": {"y": same}}), "B", ["C"]).empty


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=30), st.sampled_from(["holm", "bh"]))
def test_holm_and_bh_match_statsmodels(p_values, method):
    expected = multipletests(p_values, method="holm" if method == "holm" else "fdr_bh")[1]
    assert adjust(np.array(p_values), method) == pytest.approx(expected, abs=1e-12)


def test_adjust_keeps_missing_p_values_out_of_the_count():
    adjusted = adjust(np.array([0.01, np.nan, 0.04]), "holm")
    assert math.isnan(adjusted[1]) and adjusted[0] == pytest.approx(0.02) and adjusted[2] == pytest.approx(0.04)
    assert adjust(np.array([0.2, 0.3]), "none").tolist() == [0.2, 0.3]


def test_summary_combines_categories_as_independent_strata():
    rng = np.random.default_rng(1)
    base = {f"c{i}": rng.integers(0, 2, 80).tolist() for i in range(4)}
    cand = {key: [v if rng.random() > 0.3 else 1 for v in values] for key, values in base.items()}
    query = StatsQuery(alpha=0.05, correction="holm")
    stats = with_adjusted(paired_stats(samples_of({"B": base, "C": cand}), "B", ["C"], query=query), query)
    summary = summary_stats(stats, eps=0.0, query=query).iloc[0]
    se = math.sqrt(sum(value ** 2 for value in stats["se"])) / len(stats)
    mean = stats["delta"].mean()
    assert summary["mean_delta"] == pytest.approx(mean) and summary["se"] == pytest.approx(se)
    assert summary["ci_low"] == pytest.approx(mean - sps.norm.ppf(0.975) * se)
    assert summary["p_value"] == pytest.approx(2 * sps.norm.sf(abs(mean) / se))
    significant = stats["significant"]
    assert summary["sig_wins"] == int((significant & (stats["delta"] > 0)).sum())
    assert summary["sig_wins"] + summary["sig_losses"] + summary["indistinguishable"] == 4
    assert summary["n_samples"] == 320


def test_bootstrap_is_seeded_and_brackets_the_delta():
    rng = np.random.default_rng(3)
    base = rng.random(200).round(2).tolist()
    cand = [min(1.0, x + 0.05) for x in base]
    frame = samples_of({"B": {"x": base}, "C": {"x": cand}})
    query = StatsQuery(test="bootstrap", seed=7)
    first, second = paired_stats(frame, "B", ["C"], query=query), paired_stats(frame, "B", ["C"], query=query)
    pd.testing.assert_frame_equal(first, second)
    row = first.iloc[0]
    assert row["test"] == "paired-bootstrap" and row["ci_low"] < row["delta"] < row["ci_high"]
    assert 0 <= row["p_value"] < 0.05


def test_fallbacks_welch_on_runs_and_unpaired_z_on_stderrs():
    delta = pd.DataFrame({"C": [100 * (0.62 - 0.55), 100 * (0.70 - 0.66), 1.0]}, index=["runs", "stderr", "none"])
    base_runs = pd.Series({"runs": (0.54, 0.55, 0.56), "stderr": (), "none": ()})
    cand_runs = pd.DataFrame({"C": [(0.61, 0.62, 0.63), (), ()]}, index=delta.index)
    base_se = pd.Series({"runs": np.nan, "stderr": 0.01, "none": np.nan})
    cand_se = pd.DataFrame({"C": [np.nan, 0.012, np.nan]}, index=delta.index)
    result = fallback_stats(base_runs, cand_runs, base_se, cand_se, delta).set_index("category")
    welch = sps.ttest_ind([61, 62, 63], [54, 55, 56], equal_var=False)
    assert result.loc["runs", "test"] == "welch-runs"
    assert result.loc["runs", "p_value"] == pytest.approx(welch.pvalue)
    low, high = welch.confidence_interval(0.95)
    assert result.loc["runs", "ci_low"] == pytest.approx(low) and result.loc["runs", "ci_high"] == pytest.approx(high)
    se = 100 * math.sqrt(0.01 ** 2 + 0.012 ** 2)
    assert result.loc["stderr", "test"] == "unpaired-z"
    assert result.loc["stderr", "p_value"] == pytest.approx(2 * sps.norm.sf(4.0 / se))
    assert result.loc["none", "test"] == "none" and math.isnan(result.loc["none", "p_value"])


def test_settings_are_checked():
    with pytest.raises(ValueError):
        StatsQuery(alpha=1.5)
    with pytest.raises(ValueError):
        StatsQuery(correction="bonferroni")
    with pytest.raises(ValueError):
        StatsQuery(test="bootstrap", resamples=100)
