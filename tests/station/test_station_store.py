"""Station storage rules: one valid file per (dataset, model), skip/overwrite, atomic writes, clear failures."""

from __future__ import annotations

import errno
import json
import os

import pytest

from conftest import DATA, FIXTURE, as_bytes, make_twinkle
from eval_analyzer.core.document import SourceDocument
from eval_analyzer.core.formats.lmeval import NAME as LM_EVAL
from eval_analyzer.core.loader import load_files, load_paths
from eval_analyzer.station import store as store_module
from eval_analyzer.station.store import Station, StationError, StationWriteError


def documents(*named: tuple[str, dict]) -> list[SourceDocument]:
    return load_files([(name, as_bytes(doc)) for name, doc in named]).documents


def leftovers(root) -> list[str]:
    """Temp files anywhere in the station (there must never be any after a publish returns)."""
    return [str(path) for path in root.rglob("*") if path.name.startswith(".")]


@pytest.fixture
def station(tmp_path):
    return Station(tmp_path / "station")


def test_fixture_becomes_three_valid_reduced_twinkle_files(station, fixture_doc):
    results = station.publish(load_paths([FIXTURE]).documents)
    assert [(r.dataset, r.model, r.status) for r in results] == [
        ("mmlu", "gpt-oss-120b", "written"), ("tmmluplus", "gpt-oss-120b", "written"),
        ("tw-legal-benchmark-v1", "gpt-oss-120b", "written")]
    for result, key in zip(results, fixture_doc["dataset_results"], strict=True):
        written = json.loads(result.path.read_text(encoding="utf-8"))
        assert result.path == station.root / result.dataset / "gpt-oss-120b.json"
        assert list(written) == list(fixture_doc)  # same top-level keys, same order
        assert written["timestamp"] == fixture_doc["timestamp"] and written["config"] == fixture_doc["config"]
        assert written["dataset_results"] == {key: fixture_doc["dataset_results"][key]}
        assert "average_accuracy" in written["dataset_results"][key]
    assert leftovers(station.root) == []


def test_station_reads_back_as_the_original_run(station):
    original = load_paths([FIXTURE])
    station.publish(original.documents)
    back = load_paths([station.root])
    assert back.sources["source_label"].tolist() == ["gpt-oss-120b @ 20250806_1543"]
    assert back.problems == []
    columns = ["dataset", "category", "score", "std", "run_scores"]
    key = ["dataset", "category"]
    assert back.table[columns].sort_values(key).reset_index(drop=True).equals(
        original.table[columns].sort_values(key).reset_index(drop=True))


def test_average_accuracy_is_only_there_when_it_was(station):
    station.publish(documents(("r.json", make_twinkle("m", "t", {"mmlu": {"a": 0.5}}))))
    written = json.loads((station.root / "mmlu" / "m.json").read_bytes())
    assert written["dataset_results"] == {"datasets/mmlu/": {"results": [
        {"file": "datasets/mmlu/a.csv", "accuracy_mean": 0.5}]}}


def test_existing_entries_are_skipped_unless_overwrite(station):
    first = documents(("1.json", make_twinkle("m", "t1", {"mmlu": {"a": 0.1}})))
    second = documents(("2.json", make_twinkle("m", "t2", {"mmlu": {"a": 0.2}})))
    assert [r.status for r in station.publish(first)] == ["written"]
    [skipped] = station.publish(second)
    assert skipped.status == "skipped" and "already" in skipped.message
    assert json.loads(skipped.path.read_bytes())["timestamp"] == "t1"
    [replaced] = station.publish(second, overwrite=True)
    assert replaced.status == "replaced"
    assert json.loads(replaced.path.read_bytes())["timestamp"] == "t2"
    assert leftovers(station.root) == []


def test_entries_list_original_names_format_size_and_time(station):
    tricky = make_twinkle("../模型 v1/CON", "t", {"a/b..": {"x": 0.5}})
    tricky["dataset_results"] = {"a/b..": tricky["dataset_results"]["datasets/a/b../"]}
    station.publish(documents(("r.json", tricky)))
    [entry] = station.entries()
    assert (entry.dataset, entry.model, entry.format, entry.problem) == ("a/b..", "../模型 v1/CON", "twinkle", "")
    assert entry.path.parent.parent == station.root
    assert entry.size == entry.path.stat().st_size and entry.modified == entry.path.stat().st_mtime
    assert station.read(entry) == entry.path.read_bytes()


def test_long_names_are_listed_by_the_names_inside_the_file(station):
    model, dataset = "m" * 300, "數據集" * 60
    station.publish(documents(("r.json", make_twinkle(model, "t", {dataset: {"x": 0.5}}))))
    [entry] = station.entries()
    assert (entry.dataset, entry.model) == (dataset, model)
    assert all(len(part) <= 130 for part in (entry.path.name, entry.path.parent.name))


def test_station_folder_is_created_and_a_file_is_refused(tmp_path):
    Station(tmp_path / "new" / "station")
    assert (tmp_path / "new" / "station").is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(StationError, match="not a folder"):
        Station(tmp_path / "file")


def test_temp_and_hidden_files_are_not_entries(station):
    (station.root / "mmlu").mkdir()
    (station.root / "mmlu" / ".tmp-abc.part").write_text("{")
    (station.root / "mmlu" / "notes.txt").write_text("x")
    (station.root / ".git").mkdir()
    assert station.entries() == []


def test_a_failure_mid_write_leaves_no_partial_and_no_temp_file(station, monkeypatch):
    real_fsync = os.fsync

    def failing_fsync(descriptor):
        if os.path.basename(os.readlink(f"/proc/self/fd/{descriptor}")).startswith(".tmp-"):
            raise OSError(errno.EIO, "Input/output error")
        return real_fsync(descriptor)

    monkeypatch.setattr(store_module.os, "fsync", failing_fsync)
    [result] = station.publish(documents(("r.json", make_twinkle("m", "t", {"mmlu": {"a": 0.5}}))))
    assert result.status == "failed" and "mmlu/m" in result.message
    assert not (station.root / "mmlu" / "m.json").exists()
    assert leftovers(station.root) == []


@pytest.mark.parametrize("function", ["link", "replace"])
@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "disk is full"), (errno.EACCES, "permission denied")])
def test_disk_full_and_permission_errors_are_clear_and_leave_nothing(station, monkeypatch, function, code, words):
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code)) if code != errno.EACCES else PermissionError(code, os.strerror(code))

    monkeypatch.setattr(store_module.os, function, refuse)
    overwrite = function == "replace"
    with pytest.raises(StationWriteError, match=words) as raised:
        station.write_entry("mmlu", "m", b"{}", overwrite=overwrite)
    assert "mmlu/m" in str(raised.value) and "nothing was written" in str(raised.value)
    [result] = station.publish(documents(("r.json", make_twinkle("m", "t", {"mmlu": {"a": 0.5}}))),
                               overwrite=overwrite)
    assert result.status == "failed" and words in result.message
    assert list(station.root.rglob("*.json")) == [] and leftovers(station.root) == []


def test_filesystems_without_hard_links_still_create_exactly_once(station, monkeypatch):
    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(store_module.os, "link", no_links)
    assert station.write_entry("d", "m", b'{"a": 1}') == "written"
    assert station.write_entry("d", "m", b'{"a": 2}') == "skipped"
    assert (station.root / "d" / "m.json").read_bytes() == b'{"a": 1}'
    assert leftovers(station.root) == []


def test_a_model_really_named_unknown_is_published(station):
    [result] = station.publish(documents(("r.json", make_twinkle("<unknown>", "t", {"mmlu": {"a": 0.5}}))))
    assert result.status == "written" and result.model == "<unknown>"


def test_unnamed_models_and_lm_eval_are_refused_with_a_reason(station):
    unnamed = make_twinkle()
    del unnamed["config"]["model"]
    lm_eval = SourceDocument(format=LM_EVAL, model="m", timestamp="", source_file="lm.json")
    results = station.publish([*documents(("u.json", unnamed)), lm_eval])
    assert [r.status for r in results] == ["failed", "failed"]
    assert "model name" in results[0].message and "lm-evaluation-harness" in results[1].message
    assert list(station.root.rglob("*.json")) == []


def test_summary_csv_rows_become_opencompass_station_files(station):
    original = load_paths([DATA / "summary_20240119_225509.csv"])
    results = station.publish(original.documents)
    assert results and {r.status for r in results} == {"written"}
    entry = next(e for e in station.entries() if e.dataset == "ceval-computer_network")
    assert entry.format == "opencompass-station" and entry.problem == ""
    back = load_paths([station.root])
    key = ["model", "dataset", "category", "metric"]
    mine = back.table.sort_values(key).reset_index(drop=True)
    theirs = original.table.sort_values(key).reset_index(drop=True)
    assert mine[key].equals(theirs[key])
    assert (mine["score"] - theirs["score"]).abs().max() < 1e-9


def test_temp_files_of_killed_writers_are_removed_once_stale(station):
    folder = station.root / "mmlu"
    folder.mkdir()
    stale, fresh = folder / ".tmp-old.part", folder / ".tmp-new.part"
    stale.write_text("{")
    fresh.write_text("{")
    old = stale.stat().st_mtime - store_module.STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    Station(station.root, create=False).entries()  # a read-only server never deletes anything
    assert stale.exists()
    assert station.entries() == []
    assert not stale.exists() and fresh.exists()  # a live write is never touched
