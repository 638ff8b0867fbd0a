"""Publish, then read the station back: the same scores under the same names, whatever the names are.

Also a writer killed mid-publish (SIGKILL, no cleanup code runs) leaves no entry and nothing a reader would list.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import as_bytes, make_twinkle
from eval_analyzer.core.loader import load_files, load_paths
from eval_analyzer.station import store as store_module
from eval_analyzer.station.store import Station

names = st.text(min_size=1, max_size=30).filter(lambda text: text.strip() and text == text.strip())
scores = st.floats(min_value=0, max_value=1, allow_nan=False)
runs = st.lists(
    st.tuples(names, st.dictionaries(names.filter(lambda text: "/" not in text and "\\" not in text
                                                  and "." not in text), scores, min_size=1, max_size=4)),
    min_size=1, max_size=3, unique_by=lambda pair: pair[0])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=names, datasets=runs)
def test_whatever_the_names_the_station_reads_back_the_same_scores(model, datasets):
    document = make_twinkle(model, "20250101_0000", {})
    document["dataset_results"] = {
        dataset: {"results": [{"file": f"{category}.csv", "accuracy_mean": score}
                              for category, score in categories.items()]}
        for dataset, categories in datasets}
    original = load_files([("r.json", as_bytes(document))])
    with tempfile.TemporaryDirectory() as folder:
        station = Station(Path(folder) / "station")
        results = station.publish(original.documents)
        written = [result for result in results if result.status == "written"]
        back = load_paths([station.root])
        entries = station.entries()
    assert {(entry.dataset, entry.model) for entry in entries} == {(r.dataset, r.model) for r in written}
    key = ["model", "dataset", "category", "score"]
    mine = back.table[key].sort_values(key[1:3]).reset_index(drop=True)
    theirs = original.table[key].sort_values(key[1:3]).reset_index(drop=True)
    assert mine.equals(theirs)
    assert back.sources["source_label"].tolist() == original.sources["source_label"].tolist()


def _killed_writer(root: str, ready) -> None:
    """Publish, but stop dead after the temp file is written: the parent SIGKILLs this process there."""
    real_fsync = os.fsync

    def fsync_then_hang(descriptor):
        real_fsync(descriptor)
        ready.set()
        signal.pause()

    store_module.os.fsync = fsync_then_hang
    documents = load_files([("r.json", as_bytes(make_twinkle("m", "t", {"mmlu": {"a": 0.5}})))]).documents
    Station(root).publish(documents)


def test_a_writer_killed_mid_publish_leaves_no_entry(tmp_path):
    root = tmp_path / "station"
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    writer = context.Process(target=_killed_writer, args=(str(root), ready))
    writer.start()
    assert ready.wait(60)
    os.kill(writer.pid, signal.SIGKILL)
    writer.join()
    assert not (root / "mmlu" / "m.json").exists()
    [temp] = [path for path in root.rglob("*") if path.is_file()]
    assert temp.name.startswith(".tmp-") and json.loads(temp.read_bytes())  # complete, but never published
    assert Station(root).entries() == [] and load_paths([root]).documents == []
