"""The Station tab without a browser: set a widget or call an action, check the table, the callbacks and reports."""

from __future__ import annotations

import pytest

from conftest import FIXTURE, as_bytes, make_twinkle
from eval_analyzer.core.loader import load_files, load_paths
from eval_analyzer.dashboard.station_view import StationView
from eval_analyzer.station.store import Station


@pytest.fixture
def station(tmp_path):
    return Station(tmp_path / "station")


def make_view(station, documents=(), read_only=False):
    loaded: list[list[tuple[str, bytes]]] = []
    view = StationView(store=station, read_only=read_only, on_load=loaded.append,
                       documents=lambda: list(documents))
    return view, loaded


def test_lists_entries_and_loads_the_selection_and_everything(station):
    station.publish(load_paths([FIXTURE]).documents)
    view, loaded = make_view(station)
    assert view.table.value["dataset"].tolist() == ["mmlu", "tmmluplus", "tw-legal-benchmark-v1"]
    assert set(view.table.value["format"]) == {"twinkle"}
    view.load_selected()
    assert loaded == [] and "Select" in view._message.object
    view.table.selection = [1]
    view.load_selected()
    [[(name, data)]] = loaded
    assert name == "station/tmmluplus/gpt-oss-120b.json"
    assert data == (station.root / "tmmluplus" / "gpt-oss-120b.json").read_bytes()
    view.load_all()
    assert [name for name, _data in loaded[1]] == [f"station/{d}/gpt-oss-120b.json"
                                                     for d in ("mmlu", "tmmluplus", "tw-legal-benchmark-v1")]
    # what was loaded from the station reads back as the original run
    assert load_files(loaded[1]).sources["source_label"].tolist() == ["gpt-oss-120b @ 20250806_1543"]


def test_publish_reports_written_skipped_replaced_and_refreshes(station):
    documents = load_paths([FIXTURE]).documents
    view, _loaded = make_view(station, documents)
    assert [r.status for r in view.publish()] == ["written"] * 3
    assert len(view.table.value) == 3 and "3 written" in view._message.object
    assert [r.status for r in view.publish()] == ["skipped"] * 3
    assert "skipped" in view._report.object
    view.overwrite.value = True
    assert [r.status for r in view.publish()] == ["replaced"] * 3


def test_another_sessions_publish_appears_on_refresh_and_keeps_the_selection(station):
    station.publish(load_files([("a.json", as_bytes(make_twinkle("model-a")))]).documents)
    view, _loaded = make_view(station)
    view.table.selection = [0]
    other, _ = make_view(station, load_files([("b.json", as_bytes(make_twinkle("model-0")))]).documents)
    other.publish()
    assert len(view.table.value) == 1
    view.refresh()
    assert view.table.value["model"].tolist() == ["model-0", "model-a"]
    assert view.table.selection == [1]


def test_read_only_hides_publishing_and_refuses_it(station):
    view, _loaded = make_view(station, load_paths([FIXTURE]).documents, read_only=True)
    assert view.publish() == [] and list(station.root.iterdir()) == []
    assert not view.publish_button.visible or not view._layout[4].visible
    assert view._read_only_note.visible


def test_names_are_plain_text_and_labels_follow_the_language(station):
    station.publish(load_files([("x.json", as_bytes(make_twinkle("<img src=x onerror=alert(1)>")))]).documents)
    view, _loaded = make_view(station)
    assert view.table.value["model"].tolist() == ["<img src=x onerror=alert(1)>"]
    assert all(spec == {"type": "plaintext"} for spec in view.table.formatters.values())
    view.lang = "zh-TW"
    assert view.refresh_button.name == "重新整理" and view.table.titles["model"] == "模型"
    assert "資料站" in view._title.object


def test_nothing_loaded_means_nothing_to_publish(station):
    view, _loaded = make_view(station)
    assert view.publish() == [] and "Nothing" in view._message.object
