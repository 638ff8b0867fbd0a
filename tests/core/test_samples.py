"""Per-question data: read from each format's logs and attached to the results file of the same run.

Expected numbers are computed here in plain Python over the files, never taken from the reader.
"""

from __future__ import annotations

import gc
import json
import random
import tracemalloc
from pathlib import Path

import pytest

from eval_analyzer.core.loader import load_files, load_paths

DATA = Path(__file__).parents[1] / "data"
LMEVAL_RUN = DATA / "lmeval_run" / "meta-llama__Meta-Llama-3-8B-Instruct"
SAMPLES = LMEVAL_RUN / "samples_asdiv_2024-08-21T03-44-09.494230.jsonl"
RESULTS = LMEVAL_RUN / "results_2024-08-21T03-44-09.494230.json"
TS = "20250101_1200"


# -- lm-eval ------------------------------------------------------------------------------------------------------
def test_real_lmeval_samples_attach_to_their_results_and_average_to_its_score():
    records = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    reported = json.loads(RESULTS.read_text(encoding="utf-8"))["results"]["asdiv"]["acc,none"]
    assert sum(record["acc"] for record in records) / len(records) == pytest.approx(reported)

    loaded = load_paths([LMEVAL_RUN])
    assert [p for p in loaded.problems if p.severity != "notice"] == []
    assert len(loaded.sources) == 1  # the samples joined the results file's source
    samples = loaded.samples
    assert len(samples) == len(records)
    assert set(samples["source_label"]) == set(loaded.table["source_label"])
    assert set(zip(samples["dataset"], samples["category"], samples["metric"], strict=True)) == {
        ("asdiv", "asdiv", "acc,none")}
    assert samples["value"].mean() == pytest.approx(reported)
    by_id = dict(zip(samples["question_id"].astype(str), samples["value"], strict=True))
    assert by_id == {str(record["doc_id"]): float(record["acc"]) for record in records}
    first = samples[samples["question_id"] == str(records[0]["doc_id"])].iloc[0]
    assert first["question"] == records[0]["doc"]["question"] and first["gold"] == records[0]["target"]
    report = next(f for f in loaded.files if f.name.endswith(".jsonl"))
    assert report.sources == loaded.sources["source_label"].tolist()


def test_lmeval_samples_without_results_form_a_source_named_after_the_run_folder():
    loaded = load_paths([SAMPLES])
    records = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    row = loaded.table.iloc[0]
    assert row.model == "meta-llama/Meta-Llama-3-8B-Instruct" and row.timestamp == "20240821_034409"
    assert (row.dataset, row.category, row.metric) == ("asdiv", "asdiv", "acc,none")
    assert row.score == pytest.approx(sum(r["acc"] for r in records) / len(records))
    assert [p.code for p in loaded.problems] == ["samples.scores_computed"]


def test_lmeval_filters_become_metrics_named_like_the_score_table():
    lines = []
    for doc_id in range(4):
        for flt, right in (("strict-match", doc_id < 1), ("flexible-extract", doc_id < 3)):
            lines.append(json.dumps({"doc_id": doc_id, "doc": {"question": f"q{doc_id}"}, "target": "1",
                                     "arguments": {}, "resps": [["x"]], "filtered_resps": ["1" if right else "2"],
                                     "filter": flt, "metrics": ["exact_match"], "exact_match": float(right)}))
    loaded = load_files([("m/samples_gsm8k_2025-01-01T10-00-00.000001.jsonl", "\n".join(lines).encode())])
    scores = dict(zip(loaded.table["metric"], loaded.table["score"], strict=True))
    assert scores == {"exact_match,strict-match": 0.25, "exact_match,flexible-extract": 0.75}
    assert loaded.table.set_index("metric").loc["exact_match,strict-match", "primary"]


def test_lmeval_leaf_task_samples_go_to_their_root_group():
    results = {"results": {"mmlu": {"acc,none": 0.5}, "mmlu_law": {"acc,none": 0.5, "alias": " - law"}},
               "group_subtasks": {"mmlu": ["mmlu_law"]}, "configs": {"mmlu_law": {"dataset_name": "law"}},
               "config": {"model_args": "pretrained=m"}}
    lines = [json.dumps({"doc_id": i, "doc": {}, "target": "A", "resps": [], "filtered_resps": [], "acc": i % 2})
             for i in range(4)]
    date = "2025-02-03T04-05-06.123456"
    loaded = load_files([(f"run/results_{date}.json", json.dumps(results).encode()),
                         (f"run/samples_mmlu_law_{date}.jsonl", "\n".join(lines).encode())])
    assert set(zip(loaded.samples["dataset"], loaded.samples["category"], strict=True)) == {("mmlu", "law")}
    assert len(loaded.sources) == 1


def test_write_out_file_with_string_metrics_is_per_question_data():
    entries = [{"doc_id": i, "prompt_0": f"Question {i}?", "logit_0": -1.5, "truth": " yes",
                "acc": "True" if i in (0, 2, 3) else "False"} for i in range(5)]
    results = {"results": {"boolq": {"acc": 0.6, "acc_stderr": 0.01}}, "versions": {"boolq": 1},
               "config": {"model_args": "pretrained=m"}}
    loaded = load_files([("out/boolq_write_out_info.json", json.dumps(entries).encode()),
                         ("out/results.json", json.dumps(results).encode())])
    assert len(loaded.sources) == 1
    samples = loaded.samples
    assert samples["value"].tolist() == [1.0, 0.0, 1.0, 1.0, 0.0]
    assert set(samples["metric"]) == {"acc"} and samples["question"].iloc[1] == "Question 1?"
    assert set(samples["source_label"]) == set(loaded.table["source_label"])


# -- Twinkle ------------------------------------------------------------------------------------------------------
def reasoning_of(path: str, qid: int, run: int) -> str | None:
    """The reasoning generated records carry: every third question has one, the others None (as Twinkle
    writes for a model without reasoning)."""
    return f"why {path} q{qid} run{run}" if qid % 3 == 0 else None


def _twinkle_run(sizes: dict[str, list[int]], runs: int, seed: int = 7, with_file: bool = False,
                 folder: str = "", reasoning_key: str | None = None) -> tuple[list[tuple[str, bytes]], dict]:
    """A Twinkle run as Twinkle writes it: results_<ts>.json and eval_results_<ts>_run<N>.jsonl, each run file
    the blocks of every dataset file in results order, each block shuffled (completion order); with
    `reasoning_key`, records carry `reasoning_of` under that key."""
    rng = random.Random(seed)
    truth: dict[tuple[str, str, int], list[bool]] = {}
    dataset_results = {}
    run_files: list[list[str]] = [[] for _ in range(runs)]
    for dataset, file_sizes in sizes.items():
        items = []
        for index, size in enumerate(file_sizes):
            path = f"datasets/{dataset}/part{index}.csv"
            accuracies = []
            for run in range(runs):
                flags = [rng.random() < 0.6 for _ in range(size)]
                truth[(dataset, f"part{index}", run)] = flags
                accuracies.append(sum(flags) / size)
                order = list(range(size))
                rng.shuffle(order)
                for qid in order:
                    record = {"question_id": qid, "sample_id": 0, "question": f"{path} q{qid}",
                              "correct_answer": "A", "llm_output": "A" if flags[qid] else "B",
                              "predicted_answer": "A" if flags[qid] else "B", "is_correct": flags[qid]}
                    if with_file:
                        record["file"] = path
                    if reasoning_key:
                        record[reasoning_key] = reasoning_of(path, qid, run)
                    run_files[run].append(json.dumps(record, ensure_ascii=False))
            items.append({"file": path, "accuracy_mean": sum(accuracies) / runs, "accuracy_std": 0.0,
                          "individual_runs": {"accuracies": accuracies,
                                              "results": [f"results/eval_results_{TS}_run{run}.jsonl"
                                                          for run in range(runs)]}})
        dataset_results[f"datasets/{dataset}"] = {"results": items,
                                                  "average_accuracy": sum(i["accuracy_mean"] for i in items)
                                                  / len(items)}
    results = {"timestamp": TS, "config": {"model": {"name": "model-x"}}, "dataset_results": dataset_results}
    prefix = f"{folder}/" if folder else ""
    files = [(f"{prefix}results_{TS}.json", json.dumps(results).encode())]
    files += [(f"{prefix}eval_results_{TS}_run{run}.jsonl", ("\n".join(lines) + "\n").encode())
              for run, lines in enumerate(run_files)]
    return files, truth


SIZES = {"mmlu": [12, 30, 7, 25], "tmmlu": [18, 9, 40]}


def _assert_attached(loaded, truth: dict, runs: int) -> None:
    assert len(loaded.sources) == 1
    samples = loaded.samples
    assert len(samples) == sum(len(flags) for flags in truth.values())
    assert set(samples["source_label"]) == {f"model-x @ {TS}"}
    for (dataset, category, run), flags in truth.items():
        part = samples[(samples["dataset"] == dataset) & (samples["category"] == category) & (samples["run"] == run)]
        got = dict(zip(part["question_id"].astype(int), part["value"], strict=True))
        assert got == {qid: float(flag) for qid, flag in enumerate(flags)}, (dataset, category, run)
    # the per-question means equal the scores of the results file
    means = samples.groupby(["dataset", "category", "run"], observed=True)["value"].mean()
    for (dataset, category, run), flags in truth.items():
        assert means[(dataset, category, run)] == pytest.approx(sum(flags) / len(flags))
    assert set(samples["run"]) == set(range(runs))


def test_twinkle_runs_without_file_field_are_attached_by_order():
    files, truth = _twinkle_run(SIZES, runs=3)
    loaded = load_files(files)
    assert [p for p in loaded.problems if p.severity != "notice"] == []
    _assert_attached(loaded, truth, 3)
    text = loaded.samples[loaded.samples["question"] == "datasets/tmmlu/part2.csv q5"]
    assert len(text) == 3 and set(text["category"]) == {"part2"}


def test_twinkle_runs_with_file_field_are_attached_by_field():
    files, truth = _twinkle_run(SIZES, runs=3, with_file=True)
    loaded = load_files(files)
    assert [p for p in loaded.problems if p.severity != "notice"] == []
    _assert_attached(loaded, truth, 3)


@pytest.mark.parametrize("with_file", [False, True])
@pytest.mark.parametrize("key", ["llm_reasoning_output", "llm_resoning_output"])
def test_twinkle_reasoning_is_read_into_the_reasoning_column(key, with_file):
    # Twinkle's writer spells it `llm_reasoning_output`; its HTML exporter read `llm_resoning_output`
    files, truth = _twinkle_run(SIZES, runs=2, with_file=with_file, reasoning_key=key)
    loaded = load_files(files)
    _assert_attached(loaded, truth, 2)
    samples = loaded.samples
    for row in samples.itertuples(index=False):
        path = f"datasets/{row.dataset}/{row.category}.csv"
        assert row.reasoning == (reasoning_of(path, int(row.question_id), row.run) or "")
        assert row.output in ("A", "B")  # the reasoning is not mixed into the output
    assert (samples["reasoning"] != "").sum() == sum(len(range(0, len(flags), 3)) for flags in truth.values())


def test_twinkle_reasoning_without_results_file_and_long_or_odd_values():
    from eval_analyzer.core.samples import MAX_TEXT_CHARS

    long = "think " * 1000
    values = [long, "", None, 7, {"a": 1}, "short"]
    lines = [json.dumps({"question_id": qid, "sample_id": 0, "question": f"q{qid}", "correct_answer": "A",
                         "llm_output": "A", "is_correct": True, "file": "datasets/mmlu/alg.csv",
                         "llm_reasoning_output": value, **({"llm_resoning_output": "misspelt"} if qid == 1 else {})})
             for qid, value in enumerate(values)]
    loaded = load_files([(f"eval_results_{TS}_run0.jsonl", "\n".join(lines).encode())])
    reasoning = dict(zip(loaded.samples["question_id"].astype(int), loaded.samples["reasoning"], strict=True))
    assert reasoning[0] == long[:MAX_TEXT_CHARS - 1] + "…" and len(reasoning[0]) == MAX_TEXT_CHARS
    # an empty correct spelling falls back to the misspelt key; what is not a string is no reasoning
    assert [reasoning[qid] for qid in range(1, 6)] == ["misspelt", "", "", "", "short"]


def test_twinkle_files_without_reasoning_have_an_empty_reasoning_column():
    files, _truth = _twinkle_run(SIZES, runs=1)
    samples = load_files(files).samples
    assert "reasoning" in samples.columns and set(samples["reasoning"]) == {""}


def test_twinkle_attachment_needs_the_same_folder_when_there_are_two_runs_with_one_timestamp():
    files_a, truth_a = _twinkle_run(SIZES, runs=1, seed=1, folder="a")
    files_b, _truth_b = _twinkle_run(SIZES, runs=1, seed=2, folder="b")
    results_b = [(name, data.replace(b"model-x", b"model-y")) for name, data in files_b if "/results_" in name]
    loaded = load_files([files_a[0], results_b[0], files_a[1]])
    assert [p.code for p in loaded.problems if p.severity != "notice"] == []
    assert set(loaded.samples["source_label"]) == {f"model-x @ {TS}"}
    assert len(loaded.samples) == sum(len(flags) for flags in truth_a.values())


def test_contradicting_twinkle_records_give_one_message_and_keep_the_reported_scores():
    files, _truth = _twinkle_run(SIZES, runs=1)
    name, data = files[1]
    lines = data.decode().splitlines()
    record = json.loads(lines[3])
    record["is_correct"] = not record["is_correct"]  # one answer no longer fits the reported accuracy
    lines[3] = json.dumps(record)
    loaded = load_files([files[0], (name, "\n".join(lines).encode())])
    problems = [p for p in loaded.problems if p.file == name]
    assert [p.code for p in problems] == ["twinkle_samples.no_fit"]
    assert f"results_{TS}.json" in problems[0].what and "not attached" in problems[0].what
    assert loaded.samples.empty
    assert len(loaded.sources) == 1 and loaded.table["source_label"].unique().tolist() == [f"model-x @ {TS}"]


def test_ambiguous_twinkle_split_is_refused_with_one_message():
    # Three files at accuracy 1.0 and records with ids 0,1,0,1,0: blocks of sizes (1,2,2), (2,1,2) and (2,2,1)
    # all hold ids {0..n-1} and all fit, so no split can be trusted.
    results = {"timestamp": TS, "config": {"model": {"name": "model-x"}}, "dataset_results": {
        "datasets/d": {"results": [
            {"file": "datasets/d/a.csv", "accuracy_mean": 1.0, "individual_runs": {"accuracies": [1.0]}},
            {"file": "datasets/d/b.csv", "accuracy_mean": 1.0, "individual_runs": {"accuracies": [1.0]}},
            {"file": "datasets/d/c.csv", "accuracy_mean": 1.0, "individual_runs": {"accuracies": [1.0]}},
        ]}}}
    lines = [json.dumps({"question_id": qid, "is_correct": True, "llm_output": "A"}) for qid in (0, 1, 0, 1, 0)]
    name = f"eval_results_{TS}_run0.jsonl"
    loaded = load_files([(f"results_{TS}.json", json.dumps(results).encode()), (name, "\n".join(lines).encode())])
    assert [p.code for p in loaded.problems if p.file == name] == ["twinkle_samples.ambiguous"]
    assert loaded.samples.empty


def test_twinkle_runs_without_results_form_a_source_with_computed_scores():
    files, truth = _twinkle_run({"mmlu": [10, 20]}, runs=3, with_file=True)
    loaded = load_files(files[1:])
    assert loaded.sources["source_label"].tolist() == [f"<unknown> @ {TS}"]
    assert "samples.scores_computed" in [p.code for p in loaded.problems]
    table = loaded.table.set_index("category")
    for index in range(2):
        run_scores = [sum(truth[("mmlu", f"part{index}", run)]) / len(truth[("mmlu", f"part{index}", run)])
                      for run in range(3)]
        row = table.loc[f"part{index}"]
        assert row.dataset == "mmlu" and row.n_runs == 3
        assert row.score == pytest.approx(sum(run_scores) / 3)
        assert list(row.run_scores) == pytest.approx(run_scores)


def test_twinkle_runs_without_results_or_file_field_are_one_category_with_a_warning():
    files, truth = _twinkle_run({"mmlu": [10, 20]}, runs=1)
    loaded = load_files(files[1:])
    flags = [flag for flags in truth.values() for flag in flags]
    assert loaded.table["score"].tolist() == [pytest.approx(sum(flags) / len(flags))]
    assert "twinkle_samples.unplaced" in [p.code for p in loaded.problems]


# -- streaming ----------------------------------------------------------------------------------------------------
def test_a_big_samples_file_is_streamed_without_holding_its_lines(tmp_path):
    folder = tmp_path / "org__model"
    folder.mkdir()
    path = folder / "samples_bigtask_2025-01-01T00-00-00.000001.jsonl"
    padding = "x" * 3000  # the prompt lm-eval logs in `arguments`: most of a real line, never kept
    correct = 0
    count = 6000
    with open(path, "w", encoding="utf-8") as handle:
        for doc_id in range(count):
            right = doc_id % 3 != 0
            correct += right
            handle.write(json.dumps({"doc_id": doc_id, "doc": {"question": f"question {doc_id}"}, "target": "1",
                                     "arguments": {"gen_args_0": {"arg_0": padding}}, "resps": [["1"]],
                                     "filtered_resps": ["1" if right else "0"], "filter": "none",
                                     "metrics": ["exact_match"], "exact_match": float(right)}) + "\n")
    size = path.stat().st_size
    assert size > 15 * 1024 * 1024
    gc.collect()
    tracemalloc.start()
    loaded = load_paths([path])
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert loaded.table["score"].tolist() == [pytest.approx(correct / count)]
    assert len(loaded.samples) == count
    assert peak < size / 4, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"


def test_a_per_question_log_over_the_file_limit_is_read_from_disk(tmp_path):
    from eval_analyzer.core.loader import Limits

    path = tmp_path / f"eval_results_{TS}_run0.jsonl"
    path.write_text("\n".join(json.dumps({"question_id": i, "is_correct": True, "llm_output": "A" * 100,
                                          "file": "datasets/d/a.csv"}) for i in range(2000)), encoding="utf-8")
    limits = Limits(max_file_bytes=10_000, max_log_bytes=10 * 1024 * 1024)
    loaded = load_paths([path], limits)
    assert loaded.table["score"].tolist() == [1.0]
    refused = load_paths([path], Limits(max_file_bytes=10_000, max_log_bytes=20_000))
    assert [p.code for p in refused.problems] == ["file.too_big"]


def test_the_file_list_counts_each_logs_answers_and_names_the_source_they_joined():
    lines = (LMEVAL_RUN / "samples_asdiv_2024-08-21T03-44-09.494230.jsonl").read_text(encoding="utf-8").splitlines()
    loaded = load_paths([LMEVAL_RUN])
    by_name = {Path(report.name).name: report for report in loaded.files}
    log = by_name["samples_asdiv_2024-08-21T03-44-09.494230.jsonl"]
    results = by_name["results_2024-08-21T03-44-09.494230.json"]
    assert log.n_questions == sum(1 for line in lines if line.strip()) and log.n_scores == 0
    assert results.n_questions == 0 and log.sources == results.sources
