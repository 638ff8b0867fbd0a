"""Per-question logs streamed from disk: chunked reading gives what a line-by-line read gives, and copies of a log
are still found although only logs that could be copies are hashed.

Expected values are computed here in plain Python over the lines written, never taken from the reader.
"""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest

from eval_analyzer.core import loader
from eval_analyzer.core.loader import load_paths

SAMPLES_NAME = "samples_task_2025-01-01T00-00-00.000001.jsonl"


def _record(doc_id: int, right: bool, question: str) -> dict:
    return {"doc_id": doc_id, "doc": {"question": question}, "target": "1", "resps": [["x"]],
            "filtered_resps": ["1" if right else "0"], "filter": "none", "metrics": ["acc"], "acc": float(right)}


def _awkward_log(path) -> dict[str, tuple[float, str]]:
    """A samples log with everything a chunk boundary can cut, and {doc_id: (value, question)} of its good lines."""
    expected: dict[str, tuple[float, str]] = {}
    pieces = [b"\xef\xbb\xbf"]  # a BOM before the first record
    for doc_id in range(60):
        right = doc_id % 3 != 0
        # CJK text: 3-byte characters that 64-byte chunks cut in the middle; one line longer than many chunks
        question = f"題目 {doc_id} " + ("很長的問題" * 200 if doc_id == 7 else "問題" * (doc_id % 5))
        line = json.dumps(_record(doc_id, right, question), ensure_ascii=False).encode()
        if doc_id == 11:
            line = line[:20] + b"\xff\xfe" + line[20:]  # not UTF-8: this line only is bad
        else:
            if doc_id == 40:
                line = b"\xef\xbb\xbf" + line  # a BOM mid-file, which json.loads takes in bytes
            expected[str(doc_id)] = (float(right), question)
        ending = b"\r\n" if doc_id % 4 == 1 else b",\n" if doc_id == 20 else b"\n"
        pieces.append(line + ending)
        if doc_id == 30:
            pieces.append(b"\n   \n")  # blank lines between records
    pieces[-1] = pieces[-1].rstrip(b"\n")  # no newline after the last record
    path.write_bytes(b"".join(pieces))
    return expected


@pytest.mark.parametrize("chunk", [64, 1000, loader._CHUNK_BYTES])
def test_chunked_reading_gives_every_good_line_and_names_the_bad_ones(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(loader, "_CHUNK_BYTES", chunk)
    folder = tmp_path / "org__model"
    folder.mkdir()
    expected = _awkward_log(folder / SAMPLES_NAME)
    loaded = load_paths([folder / SAMPLES_NAME])
    samples = loaded.samples
    got = {qid: (value, question) for qid, value, question
           in zip(samples["question_id"].astype(str), samples["value"], samples["question"], strict=True)}
    assert got == expected
    assert loaded.table["score"].tolist() == [pytest.approx(sum(v for v, _q in expected.values()) / len(expected))]
    by_code = {p.code: p for p in loaded.problems}
    # line 12: doc 11 (the blank lines come after doc 30, so the numbering before them is doc_id + 1)
    assert by_code["jsonl.bad_line"].where == "line 12"
    assert by_code["jsonl.trailing_comma"].severity == "notice"
    assert "21" in by_code["jsonl.trailing_comma"].params["lines"]


def _samples_folder(tmp_path, name: str, rights: list[bool]):
    folder = tmp_path / name
    folder.mkdir()
    path = folder / SAMPLES_NAME
    path.write_text("".join(json.dumps(_record(i, right, f"q{i}")) + "\n" for i, right in enumerate(rights)),
                    encoding="utf-8")
    return path


def test_a_copy_of_a_log_loads_once_and_a_log_of_the_same_size_is_not_taken_for_one(tmp_path):
    rights = [i % 2 == 0 for i in range(40)]
    original = _samples_folder(tmp_path, "org__model", rights)
    copy = tmp_path / "copy" / "org__model"
    copy.parent.mkdir()
    shutil.copytree(original.parent, copy)
    loaded = load_paths([original, copy / SAMPLES_NAME])
    assert len(loaded.sources) == 1
    assert [p.code for p in loaded.problems if p.code == "source.duplicate"] == ["source.duplicate"]

    # the same size, other answers (1.0 ↔ 0.0 keeps every line's length): two runs to compare, not a copy
    other = _samples_folder(tmp_path, "org__other", [not right for right in rights])
    assert other.stat().st_size == original.stat().st_size
    loaded = load_paths([original, other])
    assert sorted(loaded.table["score"].tolist()) == [pytest.approx(0.5), pytest.approx(0.5)]
    assert len(loaded.sources) == 2 and "source.duplicate" not in [p.code for p in loaded.problems]


def test_a_log_on_disk_and_its_copy_inside_a_zip_load_once(tmp_path):
    log = _samples_folder(tmp_path, "org__model", [True, False, True])
    bundle = tmp_path / "bundle.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.write(log, f"org__model/{SAMPLES_NAME}")
    loaded = load_paths([log, bundle])
    assert len(loaded.sources) == 1
    assert "source.duplicate" in [p.code for p in loaded.problems]


@pytest.mark.parametrize("values", [[], ["a"], ["b", "a", "b"], [str(i) for i in range(300, 0, -7)], ["x"] * 20,
                                    [None, "b", "a", None], ["é", "e", "Z", "題", "a\x00", "a", ""], [2, "a", 1]])
def test_the_per_question_columns_are_the_categoricals_pandas_makes(values):
    import pandas as pd

    from eval_analyzer.core.samples import categorical

    made, expected = categorical(values), pd.Categorical(values)
    assert list(made.categories) == list(expected.categories)  # sorted as pandas sorts them (or not, like pandas)
    assert made.categories.dtype == expected.categories.dtype and made.codes.dtype == expected.codes.dtype
    pd.testing.assert_series_equal(pd.Series(made), pd.Series(expected))


def _splits_by_brute_force(qids, sids, correct, expected):
    """Every split of the records into consecutive complete blocks {0..n-1} × {0..k-1}, one per expected accuracy."""
    found = []

    def walk(pos, item, bounds):
        if item == len(expected):
            if pos == len(qids):
                found.append(bounds)
            return
        for end in range(pos + 1, len(qids) + 1):
            pairs = list(zip(qids[pos:end], sids[pos:end], strict=True))
            n, k = max(q for q, _s in pairs) + 1, max(s for _q, s in pairs) + 1
            if len(set(pairs)) == len(pairs) == n * k and abs(sum(correct[pos:end]) / (end - pos)
                                                              - expected[item]) <= 1e-9:
                walk(end, item + 1, [*bounds, end])

    walk(0, 0, [0])
    return found


@pytest.mark.parametrize("seed", range(60))
def test_twinkle_records_split_by_order_as_a_brute_force_search_finds(seed):
    import random

    from eval_analyzer.core.formats.twinkle_samples import split_by_order

    rng = random.Random(seed)
    qids, sids, correct, expected = [], [], [], []
    k = rng.choice([1, 1, 2, 3])
    for _item in range(rng.randint(1, 5)):  # small blocks: some records split more than one way
        block = [(q, s) for q in range(rng.randint(1, 3)) for s in range(k)]
        rng.shuffle(block)
        flags = [float(rng.random() < 0.5) for _ in block]
        qids += [q for q, _s in block]
        sids += [s for _q, s in block]
        correct += flags
        expected.append(sum(flags) / len(flags))
    if seed % 5 == 0:  # a reported accuracy no block gives
        expected[-1] += 0.01
    splits = _splits_by_brute_force(qids, sids, correct, expected)
    count, bounds = split_by_order(qids, sids, correct, expected)
    assert count == min(2, len(splits))
    assert bounds == (splits[0] if len(splits) == 1 else [])
