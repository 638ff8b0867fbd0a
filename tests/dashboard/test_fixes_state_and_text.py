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
