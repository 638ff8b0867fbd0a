"""core.frames: the Overview and Δ frames, checked against plain Python over the result files."""

from __future__ import annotations

import statistics

import pytest

import datagen
from eval_analyzer.core.compare import compare
from eval_analyzer.core.frames import DeltaQuery, OverviewQuery, dataset_frames, delta_frames, overview_frames
from eval_analyzer.core.loader import load_files

A, B = "m1", "m2"


def two_sources():
    """Two lm-eval files, arc_easy/arc_challenge, acc 0.7/0.4 and 0.6/0.5."""
    return [datagen.lmeval_file(A, 0.7, 0.4), datagen.lmeval_file(B, 0.6, 0.5)]


def test_overview_frames_page_pivot_and_heatmap_in_the_display_scale():
    files = two_sources()
    loaded = load_files(files)
    data = dataset_frames(loaded, "arc")
    frames = overview_frames(loaded, data, OverviewQuery(dataset="arc", models=data.sources, scale=100,
                                                         sort="alpha", page_size=10))
    expected = {A: {"arc_challenge": 40.0, "arc_easy": 70.0}, B: {"arc_challenge": 50.0, "arc_easy": 60.0}}
    assert list(frames.pivot["category"]) == ["arc_challenge", "arc_easy"]
    for model, tasks in expected.items():
        assert frames.pivot.set_index("category")[model].to_dict() == pytest.approx(tasks)
        assert frames.heatmap.loc[model].to_dict() == pytest.approx(tasks)
        assert frames.page_shown[model].to_dict() == pytest.approx(tasks)
    assert set(frames.pivot["units"]) == {"0–100"}
    assert (frames.page_info.first, frames.page_info.last, frames.page_info.total) == (1, 2, 2)


def test_overview_frames_filter_and_clamped_page():
    loaded = load_files(two_sources())
    data = dataset_frames(loaded, "arc")
    query = OverviewQuery(dataset="arc", models=data.sources, page=9, page_size=10, filter_on=True, op="ge",
                          threshold=0.65)
    frames = overview_frames(loaded, data, query)
    assert list(frames.page_wide.index) == ["arc_easy"] and frames.page_info.page == 1  # only 0.7 ≥ 0.65
    empty = overview_frames(loaded, data, OverviewQuery(dataset="arc", models=data.sources, filter_on=True,
                                                        threshold=0.99))
    assert empty.filter_empty and not len(empty.page_wide)


def test_delta_frames_match_a_hand_computed_delta_and_the_cli():
    files = two_sources()
    loaded = load_files(files)
    data = dataset_frames(loaded, "arc")
    frames = delta_frames(data, DeltaQuery(baseline=A, candidates=(A, B), scale=100))
    deltas = {"arc_easy": (0.6 - 0.7) * 100, "arc_challenge": (0.5 - 0.4) * 100}
    assert frames.status == "ok"
    assert frames.deltas.set_index("category")["delta"].to_dict() == pytest.approx(deltas)
    row = frames.summary.set_index("candidate").loc[B]
    assert row["mean_delta"] == pytest.approx(statistics.mean(deltas.values()))
    assert (row["wins"], row["losses"], row["paired"]) == (1, 1, 2)
    assert list(frames.summary["candidate"]) == [B]  # the baseline is never a candidate
    assert frames.matrix.loc[B].to_dict() == pytest.approx(deltas)
    cli = compare(loaded, A, [B], "arc", scale=100)
    # compare adds the statistics columns after the Δ tab's own, which stay the same numbers.
    assert cli.summary[list(frames.summary.columns)].equals(frames.summary)


def test_delta_frames_say_why_they_are_empty():
    loaded = load_files(two_sources())
    data = dataset_frames(loaded, "arc")
    assert delta_frames(data, DeltaQuery(baseline=A, candidates=(A,))).status == "no_candidates"
    assert delta_frames(data, DeltaQuery(baseline="nobody", candidates=(B,))).status == "no_baseline"
    assert delta_frames(dataset_frames(loaded, "nope"), DeltaQuery(baseline=A)).status == "no_data"
