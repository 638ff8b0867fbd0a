"""Defects users met in state and small texts (issue 13): each test fails on the old behaviour."""

from __future__ import annotations

import csv
import io

import datagen
from eval_analyzer.dashboard.state import DataState
from eval_analyzer.dashboard.store import DerivedData
from eval_analyzer.dashboard.views.delta import DeltaView


def _csv_rows(download) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(download.callback().getvalue().decode("utf-8-sig"))))


def test_summary_csv_writes_the_mean_delta_people_compute_not_its_binary_residue():
    files = [datagen.lmeval_file("base", 0.50, 0.30), datagen.lmeval_file("cand", 0.60, 0.50)]
    store = DerivedData(data=DataState(files=files))
    view = DeltaView(store=store)
    view.refresh()
    assert repr(float(store.summary["mean_delta"].iloc[0])) != "0.15"  # the residue the old CSV wrote
    (row,) = _csv_rows(view.csv_summary)
    # By hand: the categories gain 0.1 and 0.2, so the mean and median Δ are 0.15.
    assert row["mean_delta"] == "0.15" and row["median_delta"] == "0.15"
    assert sorted(r["delta"] for r in _csv_rows(view.csv_ranking)) == ["0.1", "0.2"]
    store.overview.scale = 100
    (row,) = _csv_rows(view.csv_summary)
    assert row["mean_delta"] == "15.0" and row["units"] == "pp"


def test_one_source_says_load_another_instead_of_asking_for_a_candidate():
    store = DerivedData(data=DataState(files=[datagen.lmeval_file("only", 0.5, 0.3)]))
    store.ui.tab = "delta"
    view = DeltaView(store=store)
    view.refresh()
    text = view.message.object
    assert "ea-msg-one-source" in text and "No candidate chosen" not in text
    assert "Only one source (“only”)" in text and "Load another result file" in text
    store.ui.lang = "zh-TW"
    assert "只有一個來源" in view.message.object
    # With two sources and none ticked, the old message is still the right one.
    two = DerivedData(data=DataState(files=[datagen.lmeval_file("a", 0.5, 0.3), datagen.lmeval_file("b", 0.6, 0.3)]))
    view = DeltaView(store=two)
    two.delta.candidates = []
    view.refresh()
    assert "ea-msg-no-candidates" in view.message.object and "No candidate chosen" in view.message.object
