"""Inspect AI eval logs: the real `.json` log, generated variants of it, and the same logs as `.eval` zips.

Every expected number is computed here from the file with plain Python (Inspect's C/I/P/N mapping written out
again below), never taken from the reader.
"""

from __future__ import annotations

import copy
import io
import json
import math
import statistics
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eval_analyzer.core.formats import inspect as inspect_format
from eval_analyzer.core.loader import expand_paths, load_files
from eval_analyzer.core.messages import render

DATA = Path(__file__).parent.parent / "data"
LOG = DATA / "inspect_2025-05-12T20-28-13-04-00_popularity.json"
MAPPED = {"C": 1.0, "I": 0.0, "P": 0.5, "N": 0.0}


def real_log() -> dict:
    return json.loads(LOG.read_text(encoding="utf-8"))


def load(name: str, data: bytes):
    return load_files([(name, data)])


def dumps(obj: dict) -> bytes:
    return json.dumps(obj).encode()


def eval_zip(log: dict, method: int = zipfile.ZIP_DEFLATED, journal: bool = False) -> bytes:
    """A `.eval` archive laid out as Inspect's EvalRecorder writes it."""
    header = {key: value for key, value in log.items() if key not in ("samples", "reductions")}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        if journal:
            archive.writestr("_journal/start.json", json.dumps({key: header[key] for key in ("version", "eval",
                                                                                              "plan")}))
        else:
            archive.writestr("header.json", json.dumps(header))
        for sample in log.get("samples") or []:
            archive.writestr(f"samples/{sample['id']}_epoch_{sample['epoch']}.json", json.dumps(sample))
        if log.get("reductions") is not None:
            archive.writestr("reductions.json", json.dumps(log["reductions"]))
        archive.writestr("summaries.json", "[]")
    return buffer.getvalue()


def as_zstd_method(data: bytes) -> bytes:
    """A stored zip with every entry's method field (local and central headers) set to 93, zstd's number."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = 0
        while (found := raw.find(signature, start)) >= 0:
            raw[found + offset:found + offset + 2] = (93).to_bytes(2, "little")
            start = found + 4
    return bytes(raw)


# -- the real log ------------------------------------------------------------------------------------------------
def test_real_log_scores_equal_a_plain_computation_over_the_file():
    log = real_log()
    loaded = load(LOG.name, LOG.read_bytes())
    values = [MAPPED[sample["scores"]["match"]["value"]] for sample in log["samples"]]
    reported = log["results"]["scores"][0]["metrics"]
    assert len(values) == 3
    assert math.isclose(statistics.mean(values), reported["accuracy"]["value"])
    assert math.isclose(statistics.stdev(values) / math.sqrt(len(values)), reported["stderr"]["value"])

    table = loaded.table
    assert len(table) == 1  # stderr is not a metric of its own
    row = table.iloc[0]
    assert (row.model, row.timestamp, row.dataset, row.category) == (
        "openai/gpt-4o-mini", "20250512_202813", "popularity", "popularity")
    assert row.metric == "accuracy" and row.primary and row.unit_scale and row.format == "inspect"
    assert math.isclose(row.score, statistics.mean(values))
    assert math.isclose(row.stderr, reported["stderr"]["value"])


def test_a_cancelled_run_is_read_with_one_warning():
    loaded = load(LOG.name, LOG.read_bytes())
    assert [(p.code, p.severity, p.params["status"]) for p in loaded.problems] == [
        ("inspect.not_finished", "warning", "cancelled")]
    assert LOG.name in str(loaded.problems[0]) and "eval-retry" in str(loaded.problems[0])


def test_real_log_samples_table():
    log = real_log()
    samples = load(LOG.name, LOG.read_bytes()).documents[0].samples
    assert list(samples["question_id"]) == [str(sample["id"]) for sample in log["samples"]]
    assert list(samples["run"]) == [sample["epoch"] - 1 for sample in log["samples"]]
    assert list(samples["metric"]) == ["accuracy"] * 3
    assert list(samples["value"]) == [MAPPED[sample["scores"]["match"]["value"]] for sample in log["samples"]]
    assert list(samples["question"]) == [sample["input"] for sample in log["samples"]]
    assert list(samples["gold"]) == [sample["target"] for sample in log["samples"]]
    assert list(samples["output"]) == [sample["output"]["choices"][0]["message"]["content"]
                                       for sample in log["samples"]]


def reasoning_log() -> dict:
    """The real log with reasoning as Inspect writes it (`ContentReasoning` blocks before the text): sample 1
    with two blocks, the second's text in the attachments; sample 2 redacted, once with a summary and once
    without (an encrypted text, not shown); sample 3 without output choices, its last assistant message with the
    `reasoning` field of logs before those blocks."""
    log = real_log()
    first, second, third = log["samples"]
    answer = first["output"]["choices"][0]["message"]["content"]
    first["attachments"] = {**(first.get("attachments") or {}), "r1": "then <script>alert(1)</script> checked"}
    first["output"]["choices"][0]["message"]["content"] = [
        {"type": "reasoning", "reasoning": "People like it."}, {"type": "reasoning", "reasoning": "attachment://r1"},
        {"type": "text", "text": answer}]
    second["output"]["choices"][0]["message"]["content"] = [
        {"type": "reasoning", "reasoning": "gAAAAencrypted", "redacted": True, "summary": "A short summary."},
        {"type": "reasoning", "reasoning": "gAAAAencrypted", "redacted": True},
        {"type": "text", "text": "No"}]
    third["output"] = {"model": log["eval"]["model"], "choices": []}
    third["messages"][-1] = {**third["messages"][-1], "reasoning": "An old log's reasoning."}
    return log


@pytest.mark.parametrize("form", ["json", "eval"])
def test_reasoning_content_blocks_are_the_reasoning_column(form):
    log = reasoning_log()
    name, data = ("r.json", dumps(log)) if form == "json" else ("r.eval", eval_zip(log))
    samples = load(name, data).documents[0].samples
    by_id = samples.set_index(samples["question_id"].astype(str))
    first, second, third = (str(sample["id"]) for sample in log["samples"])
    assert by_id.loc[first, "reasoning"] == "People like it.\n\nthen <script>alert(1)</script> checked"
    assert by_id.loc[second, "reasoning"] == "A short summary."
    assert by_id.loc[third, "reasoning"] == "An old log's reasoning."
    # the output is the text block alone
    assert by_id.loc[first, "output"] == real_log()["samples"][0]["output"]["choices"][0]["message"]["content"]
    assert by_id.loc[second, "output"] == "No"
    assert by_id.loc[third, "output"] == log["samples"][2]["messages"][-1]["content"]


def test_a_log_without_reasoning_has_an_empty_reasoning_column():
    loaded = load(LOG.name, LOG.read_bytes())
    assert "reasoning" not in loaded.documents[0].samples.columns  # the reader adds no column of nothing
    assert list(loaded.samples["reasoning"]) == [""] * 3  # the loaded table has every text column


def test_timestamp_keeps_the_written_clock_time_and_says_when_missing():
    assert inspect_format.timestamp_of({"created": "2025-05-12T20:28:13-04:00"}) == "20250512_202813"
    assert inspect_format.timestamp_of({"created": "2024-08-29T15:11:17Z"}) == "20240829_151117"
    for created in (None, "", "yesterday", 17):
        assert inspect_format.timestamp_of({"created": created}) == "<no-ts>"
    log = real_log()
    del log["eval"]["created"]
    assert load("x.json", dumps(log)).table["timestamp"].tolist() == ["<no-ts>"]


def test_task_package_prefix_is_dropped():
    log = real_log()
    log["eval"]["task"] = "inspect_evals/gpqa_diamond"
    assert load("x.json", dumps(log)).table["dataset"].tolist() == ["gpqa_diamond"]


# -- generated logs ----------------------------------------------------------------------------------------------
def two_scorer_log() -> dict:
    """The real log with 6 questions in two categories, 2 epochs, and a second, dict-valued scorer; samples in
    the order Inspect writes them (epoch, then id), ids chosen so that zip entry names sort differently."""
    log = real_log()
    template = log["samples"][0]
    answers = {1: ("C", "I"), 2: ("P", "C"), 3: ("I", "N"), 10: ("C", "C"), 11: (True, False), 12: ("0.25", 1)}
    samples = []
    for question, pair in answers.items():
        for epoch, value in enumerate(pair, start=1):
            sample = copy.deepcopy(template)
            sample.update(id=question, epoch=epoch, target=["Yes", "Sure"],
                          metadata={"category": "social" if question <= 3 else "self"},
                          scores={"match": {"value": value},
                                  "judge": {"value": {"helpful": question / 10, "honest": epoch - 1}}})
            sample["input"] = [{"role": "system", "content": "Be brief."},
                               {"role": "user", "content": [{"type": "text", "text": f"Question {question}?"}]}]
            samples.append(sample)
    log["samples"] = sorted(samples, key=lambda sample: (sample["epoch"], str(sample["id"]).zfill(20)))
    log["reductions"] = None
    log["status"] = "success"
    log["results"]["scores"] = [
        {"name": "match", "scorer": "match", "reducer": "mean",
         "metrics": {"accuracy": {"name": "accuracy", "value": 0.6}, "stderr": {"name": "stderr", "value": 0.1},
                     "std": {"name": "std", "value": 0.4}}},
        {"name": "helpful", "scorer": "judge", "metrics": {"mean": {"name": "mean", "value": 0.35}}},
        {"name": "honest", "scorer": "judge", "metrics": {"mean": {"name": "mean", "value": 0.5}}},
    ]
    return log


def plain_value(value):
    if isinstance(value, str) and value in MAPPED:
        return MAPPED[value]
    return float(value)


def per_category(log: dict, pick) -> dict[str, list[float]]:
    """Per category, each question's value averaged over its epochs (Inspect's default mean reducer)."""
    by_question: dict[tuple[str, object], list[float]] = {}
    for sample in log["samples"]:
        key = (sample["metadata"]["category"], sample["id"])
        by_question.setdefault(key, []).append(plain_value(pick(sample["scores"])))
    result: dict[str, list[float]] = {}
    for (category, _question), values in by_question.items():
        result.setdefault(category, []).append(statistics.mean(values))
    return result


def test_category_scores_are_computed_from_samples_per_scorer():
    log = two_scorer_log()
    loaded = load("two.json", dumps(log))
    assert loaded.problems == []
    table = loaded.table.set_index(["category", "metric"])
    assert sorted(loaded.table["metric"].unique()) == ["helpful/mean", "honest/mean", "match/accuracy"]
    assert loaded.table["primary"].tolist().count(True) == 1
    assert table.loc[("social", "match/accuracy"), "primary"]
    picks = {"match/accuracy": lambda scores: scores["match"]["value"],
             "helpful/mean": lambda scores: scores["judge"]["value"]["helpful"],
             "honest/mean": lambda scores: scores["judge"]["value"]["honest"]}
    for metric, pick in picks.items():
        for category, values in per_category(log, pick).items():
            assert math.isclose(table.loc[(category, metric), "score"], statistics.mean(values)), (metric, category)
    social = per_category(log, picks["match/accuracy"])["social"]
    assert math.isclose(table.loc[("social", "match/accuracy"), "stderr"],
                        statistics.stdev(social) / math.sqrt(len(social)))
    assert math.isnan(table.loc[("social", "helpful/mean"), "stderr"])  # the log reports no stderr for it


def test_metrics_not_split_by_category_stay_the_logs_overall_values():
    log = two_scorer_log()
    overall = load("two.json", dumps(log)).overall
    reported = overall[overall["reported"]].set_index("metric")["score"].to_dict()
    assert reported == {"match/accuracy": 0.6, "match/std": 0.4, "helpful/mean": 0.35, "honest/mean": 0.5}


def test_samples_carry_the_category_metric_of_their_scorer():
    log = two_scorer_log()
    samples = load("two.json", dumps(log)).documents[0].samples
    assert len(samples) == 12 * 3
    match = samples[samples["metric"] == "match/accuracy"]
    assert sorted(zip(match["question_id"], match["run"], match["value"], strict=True)) == sorted(
        (str(s["id"]), s["epoch"] - 1, plain_value(s["scores"]["match"]["value"])) for s in log["samples"])
    honest = samples[samples["metric"] == "honest/mean"]
    assert sorted(honest["value"]) == sorted(float(s["epoch"] - 1) for s in log["samples"])
    assert set(samples["category"]) == {"social", "self"}
    first = samples.iloc[0]
    assert first["question"] == "Be brief.\n\nQuestion 1?"
    assert first["gold"] == "Yes | Sure"


def test_reductions_are_the_per_question_values_when_the_log_has_them():
    log = two_scorer_log()
    log["reductions"] = [{"scorer": "match", "reducer": "mean", "samples": [
        {"sample_id": question, "value": 1.0 if question in (1, 10) else 0.0} for question in (1, 2, 3, 10, 11, 12)]}]
    table = load("two.json", dumps(log)).table.set_index(["category", "metric"])
    assert math.isclose(table.loc[("social", "match/accuracy"), "score"], 1 / 3)
    assert math.isclose(table.loc[("self", "match/accuracy"), "score"], 1 / 3)


def grouped_log() -> dict:
    log = two_scorer_log()
    params = {"metric": {"type": "metric", "name": "accuracy", "params": {}}, "group_key": "category",
              "all": "samples", "all_label": "all"}
    log["results"]["scores"] = [{"name": "match", "scorer": "match", "metrics": {
        "social": {"name": "social", "value": 0.25, "params": params},
        "self": {"name": "self", "value": 0.75, "params": params},
        "all": {"name": "all", "value": 0.5, "params": params},
        "stderr": {"name": "stderr", "value": 0.2, "params": {}}}}]
    return log


def test_a_grouped_metric_gives_reported_categories_and_overall():
    loaded = load("grouped.json", dumps(grouped_log()))
    rows = loaded.table.set_index("category")
    assert rows["score"].to_dict() == {"social": 0.25, "self": 0.75}
    assert set(rows["metric"]) == {"accuracy"}
    overall = loaded.overall[loaded.overall["reported"]]
    assert overall[["metric", "score"]].values.tolist() == [["accuracy", 0.5]]
    samples = loaded.documents[0].samples
    assert set(samples["metric"]) == {"accuracy"} and set(samples["category"]) == {"social", "self"}


def test_a_log_without_samples_still_gives_its_scores():
    log = real_log()
    del log["samples"]
    loaded = load("header.json", dumps(log))
    assert loaded.table["score"].tolist() == [log["results"]["scores"][0]["metrics"]["accuracy"]["value"]]
    assert loaded.documents[0].samples is None


def test_scores_of_a_run_that_failed_before_scoring_are_an_error():
    log = real_log()
    log["status"] = "error"
    log["results"] = None
    loaded = load("failed.json", dumps(log))
    assert [(p.code, p.severity) for p in loaded.problems] == [("inspect.no_scores", "error")]
    assert len(loaded.table) == 0


def test_value_to_float_follows_inspect():
    cases = {"C": 1.0, "I": 0.0, "P": 0.5, "N": 0.0, True: 1.0, False: 0.0, 3: 3.0, 0.25: 0.25, "yes": 1.0,
             "False": 0.0, "0.75": 0.75, "maybe": 0.0}
    for value, expected in cases.items():
        assert inspect_format.value_to_float(value) == expected, value
    assert inspect_format.value_to_float(float("nan")) is None
    assert inspect_format.value_to_float(None) is None


# -- .eval archives ----------------------------------------------------------------------------------------------
def comparable(loaded):
    table = loaded.table.drop(columns=["source_file"])
    samples = loaded.documents[0].samples.sort_values(["question_id", "run", "metric"]).reset_index(drop=True)
    return table, samples.astype(str)


@pytest.mark.parametrize("make", [real_log, two_scorer_log, grouped_log])
def test_eval_zip_reads_as_the_json_log(make):
    log = make()
    from_json = load("log.json", dumps(log))
    from_eval = load("log.eval", eval_zip(log))
    assert [p.code for p in from_eval.problems] == [p.code for p in from_json.problems]
    for left, right in zip(comparable(from_json), comparable(from_eval), strict=True):
        assert left.equals(right)
    assert from_eval.documents[0].source_file == "log.eval"


def test_eval_zip_in_a_bundle_and_in_a_folder(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("logs/run.eval", eval_zip(real_log()))
        bundle.writestr("logs/logs.json", json.dumps({"run.eval": {k: v for k, v in real_log().items()
                                                                   if k != "samples"}}))
    loaded = load("bundle.zip", buffer.getvalue())
    assert len(loaded.table) == 1 and [p.code for p in loaded.problems] == ["inspect.not_finished"]
    (tmp_path / "run.eval").write_bytes(eval_zip(real_log()))
    found, problems = expand_paths([tmp_path])
    assert [path.name for path in found] == ["run.eval"] and problems == []


def test_an_interrupted_eval_with_only_its_journal_has_no_scores():
    loaded = load("run.eval", eval_zip(real_log(), journal=True))
    assert [p.code for p in loaded.problems] == ["inspect.no_scores"]


def test_zstd_entries_without_zstandard_give_one_clear_problem(monkeypatch):
    monkeypatch.setattr(inspect_format, "_zstandard", lambda: None)
    data = as_zstd_method(eval_zip(real_log(), method=zipfile.ZIP_STORED))
    loaded = load("logs/2025-05-12_popularity.eval", data)
    assert [p.code for p in loaded.problems] == ["inspect.zstd"]
    text = str(loaded.problems[0])
    assert text.startswith("logs/2025-05-12_popularity.eval:")
    assert "inspect log convert 2025-05-12_popularity.eval --to json --output-dir" in text
    assert "zstandard" in text
    assert "inspect log convert" in render("inspect.zstd", {"name": "x.eval"}, "zh-TW")[1]


def test_zstd_entries_are_read_through_zstandard_when_it_is_installed(monkeypatch):
    class Passthrough:  # the entries are stored: "decompressing" them is returning them
        def decompressobj(self):
            return self

        def decompress(self, raw):
            return raw

    class FakeZstandard:
        ZstdDecompressor = Passthrough

    monkeypatch.setattr(inspect_format, "_zstandard", lambda: FakeZstandard)
    data = as_zstd_method(eval_zip(real_log(), method=zipfile.ZIP_STORED))
    with pytest.raises(NotImplementedError):
        zipfile.ZipFile(io.BytesIO(data)).read("header.json")  # what Python 3.11 does with method 93
    from_eval = load("run.eval", data)
    from_json = load("run.json", LOG.read_bytes())
    for left, right in zip(comparable(from_json), comparable(from_eval), strict=True):
        assert left.equals(right)


def test_damaged_eval_members_are_problems():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("header.json", "{not json")
    loaded = load("bad.eval", buffer.getvalue())
    assert [p.code for p in loaded.problems] == ["inspect.bad_header"]
    assert "header.json" in str(loaded.problems[0])

    data = eval_zip(real_log())
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            content = b"[1, 2" if info.filename == "samples/2_epoch_1.json" else source.read(info)
            archive.writestr(info.filename, content)
    loaded = load("part.eval", buffer.getvalue())
    assert [p.code for p in loaded.problems] == ["inspect.not_finished", "inspect.samples_unreadable"]
    assert "samples/2_epoch_1.json" in str(loaded.problems[1])
    assert sorted(loaded.documents[0].samples["question_id"]) == ["1", "3"]
    assert len(loaded.table) == 1


# -- index files and damaged logs --------------------------------------------------------------------------------
def test_index_files_are_passed_over_quietly():
    header = {key: value for key, value in real_log().items() if key != "samples"}
    logs_json = {"2025-05-12T20-28-13-04-00_popularity_abc.eval": header, "other.json": header}
    eval_set = {"eval_set_id": "abc", "tasks": [{"name": "popularity", "task_id": "x", "task_args": {},
                                                 "model": "openai/gpt-4o-mini", "model_args": {}, "sequence": 0}]}
    for name, obj in (("logs.json", logs_json), ("eval-set.json", eval_set)):
        loaded = load(name, dumps(obj))
        assert loaded.problems == [] and len(loaded.table) == 0 and loaded.documents == [], name


@pytest.mark.parametrize("damage", [
    lambda log: log.update(results="all good"),
    lambda log: log.update(results={"scores": "many"}),
    lambda log: log["results"]["scores"][0].update(metrics=[1, 2]),
    lambda log: log["results"]["scores"][0]["metrics"]["accuracy"].update(value="high"),
    lambda log: log.update(samples="three"),
    lambda log: log.update(samples=[1, None, {"scores": "C"}, {"id": [1], "epoch": "one", "scores": {"match": 5}}]),
    lambda log: log["samples"][0].update(input={"odd": 1}, target=7, output="text", metadata=[]),
    lambda log: log.update(reductions={"scorer": "match"}),
    lambda log: log["eval"].update(created=12),
])
def test_damaged_logs_give_problems_not_crashes(damage):
    log = real_log()
    damage(log)
    loaded = load("damaged.json", dumps(log))
    for item in loaded.problems:
        assert item.code.startswith("inspect."), str(item)
    assert loaded.table["score"].notna().all()


JUNK = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6)
                    | st.sampled_from(["C", "I", "category", "accuracy", "stderr", "match", "value", "group_key"]),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(["value", "name", "params", "metrics", "scorer", "scores",
                                                       "metadata", "category", "id", "epoch", "group_key", "all"]),
                                      inner, max_size=4), max_leaves=20)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results=JUNK, samples=JUNK, reductions=JUNK, status=JUNK)
def test_any_inspect_shaped_junk_is_read_or_refused_cleanly(results, samples, reductions, status):
    log = {"eval": {"task": "t", "model": "m", "created": "2025-01-01T00:00:00Z"}, "results": results,
           "samples": samples, "reductions": reductions, "status": status}
    for name, data in (("j.json", dumps(log)), ("j.eval", eval_zip({**log, "samples": None}))):
        loaded = load(name, data)
        assert all("could not be read (" not in item.what for item in loaded.problems)
        assert loaded.table["score"].notna().all()
