"""Loading rules: decoding, JSON Lines, zip bundles, size limits, per-file problems that never stop other files."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from conftest import as_bytes, make_twinkle
from eval_analyzer.core.decoding import decode_bytes
from eval_analyzer.core.errors import ReadError
from eval_analyzer.core.loader import Limits, load_files, load_paths

CHINESE = make_twinkle("台灣模型", "t", {"tmmluplus": {"會計學": 0.61, "法律": 0.42}})
TEXT = json.dumps(CHINESE, ensure_ascii=False)


@pytest.mark.parametrize("encoded", [
    TEXT.encode("utf-8"),
    TEXT.encode("utf-8-sig"),
    TEXT.encode("utf-16"),  # with BOM
    TEXT.encode("utf-16-le"),  # no BOM: NUL pattern
    TEXT.encode("utf-16-be"),
    TEXT.encode("big5"),
    TEXT.encode("cp950"),
], ids=["utf8", "utf8-bom", "utf16-bom", "utf16le", "utf16be", "big5", "cp950"])
def test_every_supported_encoding_reads_chinese_names(encoded):
    loaded = load_files([("r.json", encoded)])
    assert loaded.problems == []
    assert set(loaded.table["category"]) == {"會計學", "法律"}
    assert set(loaded.table["model"]) == {"台灣模型"}


def test_undecodable_bytes_name_the_file():
    with pytest.raises(ReadError) as error:
        decode_bytes(b"{\"a\": \"\x81\xff\xfe\x80\"}", "weird.json")
    assert "weird.json" in str(error.value) and "UTF-8" in error.value.problem.fix


def test_jsonl_loads_every_valid_record_and_names_bad_lines():
    lines = [json.dumps(make_twinkle("a", "1")), "", json.dumps(make_twinkle("b", "2")) + ",", "{not json",
             json.dumps(make_twinkle("c", "3"))]
    loaded = load_files([("runs.jsonl", "\n".join(lines).encode())])
    assert loaded.sources["source_label"].tolist() == ["a @ 1", "b @ 2", "c @ 3"]
    bad = [p for p in loaded.problems if p.severity == "error"]
    assert len(bad) == 1 and bad[0].file == "runs.jsonl" and bad[0].where == "line 4"


def test_per_question_jsonl_without_its_results_file_is_a_source_of_its_own():
    records = [{"question_id": i, "is_correct": i != 1, "llm_output": "A", "correct_answer": "A"} for i in range(3)]
    data = "\n".join(json.dumps(r) for r in records).encode()
    loaded = load_files([("eval_results_20250806_1543_run0.jsonl", data), ("r.json", as_bytes(make_twinkle()))])
    assert sorted(loaded.sources["source_label"]) == ["<unknown> @ 20250806_1543", "model-a @ 20250101_0000"]
    own = loaded.table[loaded.table["source_label"] == "<unknown> @ 20250806_1543"]
    assert own["score"].tolist() == [pytest.approx(2 / 3)]
    notice = next(p for p in loaded.problems if p.code == "samples.scores_computed")
    assert notice.file == "eval_results_20250806_1543_run0.jsonl" and "results_20250806_1543.json" in notice.fix


def test_a_bad_file_never_stops_the_others():
    files = [("empty.json", b""), ("junk.json", b"\x00\x01garbage"), ("list.json", b"[1, 2]"),
             ("ok.json", as_bytes(make_twinkle())), ("csv.csv", b"a,b\n1,2\n")]
    loaded = load_files(files)
    assert loaded.sources["source_label"].tolist() == ["model-a @ 20250101_0000"]
    assert {p.file for p in loaded.problems} == {"empty.json", "junk.json", "list.json", "csv.csv"}
    assert all(p.fix for p in loaded.problems)


def test_detection_is_by_content_not_name():
    loaded = load_files([("notes.txt", as_bytes(make_twinkle()))])
    assert len(loaded.table) == 2 and loaded.problems == []


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bundle_reads_every_results_member_and_reports_bad_ones():
    data = _zip({"run/a.json": as_bytes(make_twinkle("a")), "run/b.json": as_bytes(make_twinkle("b")),
                 "run/bad.json": b"{", "run/readme.md": b"hello", "__MACOSX/run/._a.json": b"junk"})
    loaded = load_files([("bundle.zip", data)])
    assert sorted(loaded.sources["model"]) == ["a", "b"]
    assert [p.file for p in loaded.problems] == ["bundle.zip/run/bad.json"]


def test_corrupt_zip_is_a_clear_problem():
    loaded = load_files([("broken.zip", b"PK\x03\x04" + b"\x00" * 20)])
    assert loaded.problems[0].file == "broken.zip" and "zip" in loaded.problems[0].what


def test_per_file_and_total_size_limits():
    big = as_bytes(make_twinkle())
    limits = Limits(max_file_bytes=len(big) - 1, max_total_bytes=10 * len(big))
    loaded = load_files([("big.json", big)], limits)
    assert loaded.table.empty and "limit" in loaded.problems[0].what
    limits = Limits(max_file_bytes=len(big) * 2, max_total_bytes=int(len(big) * 1.5))
    loaded = load_files([("1.json", big), ("2.json", as_bytes(make_twinkle("other")))], limits)
    assert len(loaded.sources) == 1 and loaded.problems[0].file == "2.json" and "total" in loaded.problems[0].what


def test_zip_member_over_the_limit_is_skipped_not_unpacked():
    data = _zip({"a.json": as_bytes(make_twinkle("a")), "huge.json": b" " * 5_000_000})
    loaded = load_files([("z.zip", data)], Limits(max_file_bytes=1_000_000))
    assert loaded.sources["model"].tolist() == ["a"]
    assert loaded.problems[0].file == "z.zip/huge.json"


def test_load_paths_reads_folders_and_reports_missing_paths(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.json").write_bytes(as_bytes(make_twinkle("a")))
    (tmp_path / "b.jsonl").write_bytes(as_bytes(make_twinkle("b")))
    (tmp_path / "ignore.txt").write_text("not results")
    loaded = load_paths([tmp_path, tmp_path / "missing.json"])
    assert sorted(loaded.sources["model"]) == ["a", "b"]
    assert [p.file for p in loaded.problems] == [str(tmp_path / "missing.json")]


def test_deeply_nested_json_is_a_problem_not_a_crash():
    data = b"[" * 100_000 + b"]" * 100_000
    loaded = load_files([("deep.json", data)])
    assert loaded.table.empty and loaded.problems[0].file == "deep.json"


def test_file_reports_say_what_each_file_gave():
    loaded = load_files([("a.json", as_bytes(make_twinkle("a"))), ("bad.json", b"{")])
    reports = {report.name: report for report in loaded.files}
    assert reports["a.json"].sources == ["a @ 20250101_0000"] and reports["a.json"].n_scores == 2
    assert reports["bad.json"].sources == [] and len(reports["bad.json"].problems) == 1


def test_an_opencompass_prediction_file_says_what_it_is_once():
    predictions = {str(i): {"origin_prompt": f"Q{i}", "prediction": "A", "gold": "B"} for i in range(40)}
    loaded = load_files([("predictions/m/ceval-law.json", json.dumps(predictions).encode())])
    assert loaded.table.empty and len(loaded.problems) == 1
    assert loaded.problems[0].code == "oc_predictions.not_scores" and "40 answers" in loaded.problems[0].what
    assert "summary" in loaded.problems[0].fix


def test_a_csv_that_is_not_a_summary_says_so_once():
    text = "model,score,notes\n" + "".join(f"m{i},{i / 10},x\n" for i in range(30))
    loaded = load_files([("scores.csv", text.encode())])
    assert [p.code for p in loaded.problems] == ["csv.not_summary"]
    assert "model,score,notes" in loaded.problems[0].what


def test_json_lines_of_unknown_records_get_one_problem_naming_the_lines():
    lines = "".join(json.dumps({"id": i, "text": "hello"}) + "\n" for i in range(50))
    loaded = load_files([("notes.jsonl", lines.encode())])
    assert len(loaded.problems) == 1 and loaded.problems[0].code == "json.unknown_format"
    assert loaded.problems[0].where.startswith("lines 1, 2, 3") and "+40" in loaded.problems[0].where


def test_a_trailing_comma_is_tolerated_with_a_notice():
    from conftest import make_twinkle

    record = json.dumps(make_twinkle("m", "1", {"d": {"x": 0.5}}))
    loaded = load_files([("runs.jsonl", (record + ",\n").encode())])
    assert len(loaded.sources) == 1
    notice = next(p for p in loaded.problems if p.code == "jsonl.trailing_comma")
    assert notice.severity == "notice" and "line 1" not in notice.where and "1" in notice.what
