"""`eval-analyzer publish` and `table --station` as a script uses them: output lines and exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURE, as_bytes, make_twinkle

EXECUTABLE = Path(sys.executable).parent / "eval-analyzer"
ENTRIES = ["mmlu/gpt-oss-120b", "tmmluplus/gpt-oss-120b", "tw-legal-benchmark-v1/gpt-oss-120b"]


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXECUTABLE), *map(str, args)], capture_output=True, text=True, encoding="utf-8",
                          timeout=120)


def entry_lines(stdout: str) -> list[tuple[str, str, str]]:
    """(status, dataset/model, path) of each entry line: columns are separated by two or more spaces."""
    return [tuple(re.split(r"\s{2,}", line, maxsplit=2)) for line in stdout.splitlines()[:-1]]


def test_publish_skip_overwrite_and_read_back(tmp_path):
    station = tmp_path / "station"
    first = run("publish", FIXTURE, "--station", station)
    assert first.returncode == 0, first.stderr
    lines = entry_lines(first.stdout)
    assert [(status.strip(), name) for status, name, _path in lines] == [("written", name) for name in ENTRIES]
    assert [path for _s, _n, path in lines] == [str(station / f"{name}.json") for name in ENTRIES]
    assert first.stdout.splitlines()[-1].startswith("3 written, 0 replaced, 0 skipped, 0 failed")

    again = run("publish", FIXTURE, "--station", station)
    assert again.returncode == 0
    assert [status.strip() for status, _n, _p in entry_lines(again.stdout)] == ["skipped"] * 3

    replaced = run("publish", FIXTURE, "--station", station, "--overwrite")
    assert replaced.returncode == 0
    assert [status.strip() for status, _n, _p in entry_lines(replaced.stdout)] == ["replaced"] * 3

    table = run("table", "--station", station, "--format", "json")
    assert table.returncode == 0, table.stderr
    rows = json.loads(table.stdout)
    assert len(rows) == 125 and {row["source_label"] for row in rows} == {"gpt-oss-120b @ 20250806_1543"}
    assert {row["dataset"] for row in rows} == {"mmlu", "tmmluplus", "tw-legal-benchmark-v1"}


def test_problems_in_inputs_give_exit_1_and_the_good_files_are_published(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = run("publish", FIXTURE, broken, tmp_path / "missing.json", "--station", tmp_path / "station")
    assert result.returncode == 1
    assert "broken.json" in result.stderr and "missing.json" in result.stderr
    assert result.stdout.splitlines()[-1].startswith("3 written")


def test_a_station_that_is_a_file_is_a_usage_error(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    result = run("publish", FIXTURE, "--station", not_a_folder)
    assert result.returncode == 2 and "not a folder" in result.stderr


def test_compare_reads_the_station_too(tmp_path):
    station = tmp_path / "station"
    assert run("publish", FIXTURE, "--station", station).returncode == 0
    result = run("compare", "--station", station, "--baseline", "gpt-oss-120b", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["baseline"].startswith("gpt-oss-120b")


def test_tricky_names_print_on_one_line_and_read_back(tmp_path):
    document = make_twinkle("模型\nv2/../x", "t", {"法律": {"a": 0.5}})
    source = tmp_path / "r.json"
    source.write_bytes(as_bytes(document))
    station = tmp_path / "station"
    result = run("publish", source, "--station", station)
    assert result.returncode == 0, result.stderr
    [line, _count] = result.stdout.splitlines()
    assert line.startswith("written   法律/模型\\x0av2/../x  ")
    assert [path.relative_to(station).as_posix() for path in station.rglob("*.json")] == [
        "%E6%B3%95%E5%BE%8B/%E6%A8%A1%E5%9E%8B%0Av2%2F..%2Fx.json"]
    rows = json.loads(run("table", "--station", station, "--format", "json").stdout)
    assert {(row["model"], row["dataset"]) for row in rows} == {("模型\nv2/../x", "法律")}
