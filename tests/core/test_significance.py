"""`compare()` with statistics on held-out runs written as Twinkle Eval and lm-eval write them, checked against
scipy, statsmodels and plain Python (tests/heldout.py), and what `Significance` does with rows it lacks."""

from __future__ import annotations

import math
import statistics

import pandas as pd
import pytest
from scipy import stats as sps

import heldout as h
from eval_analyzer.core.compare import compare
from eval_analyzer.core.frames import DeltaQuery, dataset_frames, delta_frames
from eval_analyzer.core.loader import load_paths
from eval_analyzer.core.significance import ROW_COLUMNS, SUMMARY_COLUMNS, significance
from eval_analyzer.core.stats import StatsQuery

LMEVAL_SPEC = {"arc_easy": (120, 80), "arc_challenge": (100, 40)}
LMEVAL_CHANGES = {"org/m1": {}, "org/m2": {"arc_easy": (3, 15), "arc_challenge": (10, 12)},
                  "org/m3": {"arc_easy": (20, 2), "arc_challenge": (4, 25)}}


def records(frame: pd.DataFrame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def baseline_of(truth: dict, model: str) -> str:
    return next(label for label in truth if label.startswith(f"{model} @ "))


@pytest.fixture(scope="module")
def twinkle_single(tmp_path_factory):
    folder = tmp_path_factory.mktemp("twinkle_single")
    truth, base = h.twinkle_single_runs(folder)
    loaded = load_paths([folder])
    assert [p for p in loaded.problems if p.severity != "notice"] == []
    return loaded, truth, base


@pytest.fixture(scope="module")
def lmeval_three(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lmeval")
    truth, _values = h.lmeval_runs(folder, "arc", LMEVAL_SPEC, LMEVAL_CHANGES)
    loaded = load_paths([folder])
    assert [p for p in loaded.problems if p.severity != "notice"] == []
    truth = h.relabel(truth, loaded.table)
    return loaded, truth, baseline_of(truth, "org/m1")


def test_twinkle_single_runs_get_exact_mcnemar_holm_and_the_summary(twinkle_single):
    loaded, truth, base = twinkle_single
    result = compare(loaded, base)
    assert set(result.ranking["test"]) == {"mcnemar-exact"}
    h.assert_comparison(records(result.summary), records(result.ranking), h.expected_comparison(truth, base))
    # The data have significant wins for model-b and losses for model-c: W/L are not trivially 0.
    by = result.summary.set_index(["dataset", "candidate"])
    assert by.loc[("mmlu", "model-b @ 20250102_0900"), "sig_wins"] == 2
    assert by.loc[("mmlu", "model-c @ 20250103_0900"), "sig_losses"] == 2


def test_repeated_twinkle_runs_are_averaged_per_question_then_paired_t(tmp_path):
    truth, base = h.twinkle_repeated_runs(tmp_path)
    result = compare(load_paths([tmp_path]), base)
    assert set(result.ranking["test"]) == {"paired-t"}
    h.assert_comparison(records(result.summary), records(result.ranking), h.expected_comparison(truth, base))


def test_lmeval_samples_of_three_models_with_bh_alpha_and_ci_level(lmeval_three):
    loaded, truth, base = lmeval_three
    query = StatsQuery(alpha=0.1, ci=0.9, correction="bh")
    result = compare(loaded, base, stats=query)
    expected = h.expected_comparison(truth, base, method="bh", alpha=0.1, level=0.9)
    h.assert_comparison(records(result.summary), records(result.ranking), expected)
    assert len(result.summary) == 2 and set(result.ranking["test"]) == {"mcnemar-exact"}


def test_no_correction_leaves_p_as_it_is_and_eps_moves_only_the_significant_wins(lmeval_three):
    loaded, truth, base = lmeval_three
    result = compare(loaded, base, eps=15.0, stats=StatsQuery(correction="none"))
    assert (result.ranking["p_adjusted"] == result.ranking["p_value"]).all()
    expected = h.expected_comparison(truth, base, method="holm", eps=15.0)
    for (dataset, candidate), item in expected.items():
        rows = list(item["rows"].values())
        for row in rows:  # "none": p_adjusted = p
            row["significant"] = row["p_value"] < 0.05
        wins = sum(1 for row in rows if row["significant"] and row["delta"] > 15.0)
        got = result.summary.set_index(["dataset", "candidate"]).loc[(dataset, candidate)]
        assert got["sig_wins"] == wins


def test_a_lower_is_better_metric_flips_delta_and_its_interval(tmp_path):
    spec = {"crows_pairs_english_age": (90, 60), "crows_pairs_english_gender": (130, 80)}
    changes = {"org/m1": {}, "org/m2": {"crows_pairs_english_age": (25, 3), "crows_pairs_english_gender": (30, 5)}}
    truth, _values = h.lmeval_runs(tmp_path, "crows_pairs_english", spec, changes, metric="pct_stereotype",
                                   higher_is_better=False)
    loaded = load_paths([tmp_path])
    truth = h.relabel(truth, loaded.table)
    base = baseline_of(truth, "org/m1")
    result = compare(loaded, base, metric="pct_stereotype,none")
    h.assert_comparison(records(result.summary), records(result.ranking),
                        h.expected_comparison(truth, base, sign=-1.0))
    # m2 is stereotyped less often: better, so Δ and its whole interval are positive.
    row = result.summary.iloc[0]
    assert row["mean_delta"] > 0 and row["ci_low"] > 0 and row["sig_wins"] == 2


def test_twinkle_runs_without_per_question_files_fall_back_to_welch_on_the_runs(tmp_path):
    truth, base = h.twinkle_repeated_runs(tmp_path, write_samples=False)
    result = compare(load_paths([tmp_path]), base)
    assert set(result.ranking["test"]) == {"welch-runs"}
    cand = next(label for label in truth if label != base)
    ses = []
    for row in result.ranking.itertuples():
        runs_b = [100 * statistics.mean(run) for run in truth[base]["mmlu"][row.category]]
        runs_c = [100 * statistics.mean(run) for run in truth[cand]["mmlu"][row.category]]
        welch = sps.ttest_ind(runs_c, runs_b, equal_var=False)
        low, high = welch.confidence_interval(0.95)
        assert row.delta == pytest.approx(statistics.mean(runs_c) - statistics.mean(runs_b))
        assert (row.ci_low, row.ci_high) == (pytest.approx(low), pytest.approx(high))
        assert row.p_value == pytest.approx(welch.pvalue)
        assert row.n == len(runs_b) + len(runs_c) and pd.isna(row.mde)
        ses.append(math.sqrt(statistics.variance(runs_b) / 3 + statistics.variance(runs_c) / 3))
    summary = result.summary.iloc[0]
    se = math.sqrt(sum(se ** 2 for se in ses)) / len(ses)
    assert summary["ci_high"] - summary["ci_low"] == pytest.approx(2 * sps.norm.ppf(0.975) * se)
    assert pd.isna(summary["n_samples"]) and summary["test"] == "welch-runs"


def test_lmeval_stderrs_without_samples_fall_back_to_an_unpaired_z(tmp_path):
    _truth, values = h.lmeval_runs(tmp_path, "arc", LMEVAL_SPEC, LMEVAL_CHANGES, write_samples=False)
    loaded = load_paths([tmp_path])
    base = next(label for label in loaded.table["source_label"].unique() if label.startswith("org/m1 @"))
    result = compare(loaded, base)
    assert set(result.ranking["test"]) == {"unpaired-z"} and result.ranking["n"].isna().all()
    by_model = {label: label.split(" @ ")[0] for label in loaded.table["source_label"].unique()}
    task_of = dict(zip(loaded.table["category"], loaded.table["file"], strict=False))
    for row in result.ranking.itertuples():
        task = task_of[row.category]
        b, c = values["org/m1"][task], values[by_model[row.candidate]][task]
        se = 100 * math.hypot(statistics.stdev(b) / math.sqrt(len(b)), statistics.stdev(c) / math.sqrt(len(c)))
        delta = 100 * (statistics.mean(c) - statistics.mean(b))
        assert row.delta == pytest.approx(delta)
        assert row.p_value == pytest.approx(2 * sps.norm.sf(abs(delta) / se))
        assert row.ci_low == pytest.approx(delta - sps.norm.ppf(0.975) * se)
        assert pd.isna(row.mde)


def test_without_samples_runs_or_stderrs_there_is_no_interval_and_no_p(tmp_path):
    h.lmeval_runs(tmp_path, "arc", LMEVAL_SPEC, LMEVAL_CHANGES, write_samples=False, stderr=False)
    loaded = load_paths([tmp_path])
    base = next(label for label in loaded.table["source_label"].unique() if label.startswith("org/m1 @"))
    result = compare(loaded, base)
    assert set(result.ranking["test"]) == {"none"} and not result.ranking["significant"].any()
    assert result.ranking[["ci_low", "ci_high", "p_value", "p_adjusted", "mde", "n"]].isna().all().all()
    assert result.summary[["ci_low", "ci_high", "p_value", "n_samples"]].isna().all().all()
    assert (result.summary["indistinguishable"] == 2).all() and set(result.summary["test"]) == {"none"}


def test_min_delta_hides_rows_but_keeps_every_p_value_and_its_adjustment(twinkle_single):
    loaded, _truth, base = twinkle_single
    full = compare(loaded, base).ranking.set_index(["dataset", "candidate", "category"])
    shown = compare(loaded, base, min_delta=10).ranking.set_index(["dataset", "candidate", "category"])
    assert 0 < len(shown) < len(full)
    pd.testing.assert_frame_equal(shown[ROW_COLUMNS], full.loc[shown.index, ROW_COLUMNS])


def test_paired_bootstrap_is_seeded_and_close_to_the_t_interval(twinkle_single):
    loaded, _truth, base = twinkle_single
    auto = compare(loaded, base, dataset="mmlu").ranking
    boot = compare(loaded, base, dataset="mmlu", stats=StatsQuery(test="bootstrap")).ranking
    again = compare(loaded, base, dataset="mmlu", stats=StatsQuery(test="bootstrap")).ranking
    assert set(boot["test"]) == {"paired-bootstrap"}
    pd.testing.assert_frame_equal(boot, again)
    width = (auto["ci_high"] - auto["ci_low"]).to_numpy()
    assert abs(boot["ci_low"] - auto["ci_low"]).max() < 0.15 * width.max()
    assert ((boot["p_value"] < 0.05) == (auto["p_value"] < 0.05)).mean() >= 0.8


def test_significance_joins_its_columns_onto_rows_and_summaries_it_lacks(twinkle_single):
    loaded, _truth, base = twinkle_single
    data = dataset_frames(loaded, "mmlu")
    frames = delta_frames(data, DeltaQuery(baseline=base, candidates=tuple(data.sources), scale=100))
    found = significance(loaded, data, base, frames.deltas, 100)
    reversed_rows = frames.ranking.iloc[::-1].reset_index(drop=True)
    extra = pd.DataFrame({"candidate": ["nobody"], "category": ["algebra"]})
    joined = found.on_rows(pd.concat([reversed_rows, extra], ignore_index=True))
    assert list(joined["category"][:-1]) == list(reversed_rows["category"])  # the frame's order, kept
    assert joined.iloc[-1]["test"] == "none" and not joined.iloc[-1]["significant"]
    assert pd.isna(joined.iloc[-1]["p_value"]) and list(joined.columns[-len(ROW_COLUMNS):]) == ROW_COLUMNS
    summary = found.on_summary(pd.concat([frames.summary, pd.DataFrame({"candidate": ["nobody"]})],
                                         ignore_index=True))
    assert list(summary.columns[-len(SUMMARY_COLUMNS):]) == SUMMARY_COLUMNS
    assert summary.iloc[-1]["test"] == "none" and summary.iloc[-1]["sig_wins"] == 0


def test_without_scipy_compare_still_gives_the_deltas_and_says_why_there_is_no_interval(twinkle_single,
                                                                                      monkeypatch):
    from eval_analyzer.core import significance as sig
    from eval_analyzer.core.compare import NO_SCIPY

    loaded, _truth, base = twinkle_single
    with_stats = compare(loaded, base)
    monkeypatch.setattr(sig, "statistics_ready", lambda: False)
    result = compare(loaded, base)
    assert result.notes.count(NO_SCIPY) == 1
    pd.testing.assert_series_equal(result.ranking["delta"], with_stats.ranking["delta"])
    assert list(result.ranking.columns) == list(with_stats.ranking.columns)
    assert result.ranking["p_value"].isna().all() and set(result.ranking["test"]) == {"none"}
    assert result.summary["ci_low"].isna().all()
