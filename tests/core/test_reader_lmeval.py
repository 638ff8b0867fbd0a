"""SPEC §3.5: lm-evaluation-harness results files, read through `load_files` as users load them."""

from __future__ import annotations

import copy
import json
import math

import pandas as pd
import pytest

from conftest import as_bytes
from eval_analyzer.core.formats.lmeval import looks_like_lmeval, model_name, timestamp_of
from eval_analyzer.core.loader import load_files
from eval_analyzer.core.scores import dataset_metrics, dataset_rows, overall_for, wide_scores

FILE = "lm_eval_out/meta-llama__Llama-2-7b-hf/results_2024-05-01T12-00-00.123456.json"


def leaf(alias: str, acc: float, stderr: float) -> dict:
    return {"alias": alias, "acc,none": acc, "acc_stderr,none": stderr}


def mmlu_config(task: str, subject: str) -> dict:
    return {"task": task, "task_alias": subject, "group": "mmlu_humanities", "dataset_path": "hails/mmlu_no_train",
            "dataset_name": subject, "test_split": "test", "fewshot_split": "dev", "output_type": "multiple_choice",
            "metric_list": [{"metric": "acc", "aggregation": "mean", "higher_is_better": True}],
            "metadata": {"version": 0.0}}


#: The shape lm-eval 0.4.2 writes with `--tasks mmlu,wikitext,gsm8k,arc_easy`.
RESULTS = {
    "results": {
        "mmlu": {"acc,none": 0.4587, "acc_stderr,none": 0.0041, "alias": "mmlu"},
        "mmlu_humanities": {"alias": " - humanities", "acc,none": 0.4310, "acc_stderr,none": 0.0069},
        "mmlu_philosophy": leaf("  - philosophy", 0.5691, 0.0281),
        "mmlu_world_religions": leaf("  - world_religions", 0.6842, 0.0356),
        "mmlu_stem": {"alias": " - stem", "acc,none": 0.3695, "acc_stderr,none": 0.0085},
        "mmlu_abstract_algebra": leaf("  - abstract_algebra", 0.30, 0.0461),
        "mmlu_anatomy": leaf("  - anatomy", 0.4444, 0.0429),
        "wikitext": {"word_perplexity,none": 8.7071, "word_perplexity_stderr,none": "N/A",
                     "byte_perplexity,none": 1.4979, "byte_perplexity_stderr,none": "N/A",
                     "bits_per_byte,none": 0.5829, "bits_per_byte_stderr,none": "N/A", "alias": "wikitext"},
        "gsm8k": {"exact_match,flexible-extract": 0.1463, "exact_match_stderr,flexible-extract": 0.0097,
                  "exact_match,strict-match": 0.1334, "exact_match_stderr,strict-match": 0.0094, "alias": "gsm8k"},
        "arc_easy": {"acc,none": 0.7626, "acc_stderr,none": 0.0087, "acc_norm,none": 0.7449,
                     "acc_norm_stderr,none": 0.0089, "alias": "arc_easy"},
    },
    "groups": {
        "mmlu": {"acc,none": 0.4587, "acc_stderr,none": 0.0041, "alias": "mmlu"},
        "mmlu_humanities": {"alias": " - humanities", "acc,none": 0.4310, "acc_stderr,none": 0.0069},
        "mmlu_stem": {"alias": " - stem", "acc,none": 0.3695, "acc_stderr,none": 0.0085},
    },
    "group_subtasks": {
        "mmlu_humanities": ["mmlu_world_religions", "mmlu_philosophy"],
        "mmlu_stem": ["mmlu_anatomy", "mmlu_abstract_algebra"],
        "mmlu": ["mmlu_stem", "mmlu_humanities"],
        "wikitext": [], "gsm8k": [], "arc_easy": [],
    },
    "configs": {
        "mmlu_philosophy": mmlu_config("mmlu_philosophy", "philosophy"),
        "mmlu_world_religions": mmlu_config("mmlu_world_religions", "world_religions"),
        "mmlu_abstract_algebra": mmlu_config("mmlu_abstract_algebra", "abstract_algebra"),
        "mmlu_anatomy": mmlu_config("mmlu_anatomy", "anatomy"),
        "wikitext": {"task": "wikitext", "dataset_path": "EleutherAI/wikitext_document_level",
                     "dataset_name": "wikitext-2-raw-v1", "output_type": "loglikelihood_rolling"},
        "gsm8k": {"task": "gsm8k", "dataset_path": "gsm8k", "dataset_name": "main"},
        "arc_easy": {"task": "arc_easy", "dataset_path": "allenai/ai2_arc", "dataset_name": "ARC-Easy"},
    },
    "versions": {"mmlu": "N/A", "mmlu_philosophy": 0.0, "wikitext": 2.0, "gsm8k": 3.0, "arc_easy": 1.0},
    "n-shot": {"mmlu": 0, "mmlu_philosophy": 0, "wikitext": 0, "gsm8k": 5, "arc_easy": 0},
    "higher_is_better": {
        "mmlu": {"acc": True}, "mmlu_philosophy": {"acc": True},
        "wikitext": {"word_perplexity": False, "byte_perplexity": False, "bits_per_byte": False},
        "gsm8k": {"exact_match": True}, "arc_easy": {"acc": True, "acc_norm": True},
    },
    "n-samples": {"mmlu_philosophy": {"original": 311, "effective": 311}},
    "config": {"model": "hf", "model_args": "pretrained=meta-llama/Llama-2-7b-hf,dtype=bfloat16", "batch_size": "8",
               "device": "cuda:0", "limit": None, "bootstrap_iters": 100000},
    "git_hash": "4600d6bf",
    "date": 1714564800.0,
    "transformers_version": "4.40.1",
    "model_source": "hf",
    "model_name": "meta-llama/Llama-2-7b-hf",
    "model_name_sanitized": "meta-llama__Llama-2-7b-hf",
}


def load(doc: dict, name: str = FILE):
    return load_files([(name, as_bytes(doc))])


@pytest.fixture(scope="module")
def loaded():
    return load(RESULTS)


def test_source_is_model_at_run_date(loaded):
    assert loaded.problems == []
    assert loaded.sources["source_label"].tolist() == ["meta-llama/Llama-2-7b-hf @ 20240501_120000"]
    assert set(loaded.table["format"]) == {"lm-eval"}


def test_root_groups_are_datasets_and_leaves_are_categories(loaded):
    primary = loaded.table[loaded.table["primary"]]
    mmlu = primary[primary["dataset"] == "mmlu"].set_index("category")
    assert sorted(mmlu.index) == ["abstract_algebra", "anatomy", "philosophy", "world_religions"]
    assert mmlu.loc["philosophy", "score"] == pytest.approx(0.5691)
    assert mmlu.loc["philosophy", "stderr"] == pytest.approx(0.0281)
    assert mmlu.loc["philosophy", "file"] == "mmlu_philosophy"
    assert set(mmlu["metric"]) == {"acc,none"} and mmlu["unit_scale"].all() and mmlu["higher_is_better"].all()
    assert "mmlu_humanities" not in set(loaded.table["category"])  # a group is never a category


def test_tasks_outside_groups_are_their_own_dataset(loaded):
    primary = loaded.table[loaded.table["primary"]].set_index("dataset")
    for task in ("wikitext", "gsm8k", "arc_easy"):
        assert primary.loc[task, "category"] == task
    assert primary.loc["gsm8k", "metric"] == "exact_match,strict-match"
    assert primary.loc["gsm8k", "score"] == pytest.approx(0.1334)
    assert primary.loc["arc_easy", "metric"] == "acc,none"


def test_other_metrics_stay_selectable(loaded):
    extra = loaded.table[~loaded.table["primary"]].set_index("metric")
    assert extra.loc["exact_match,flexible-extract", "stderr"] == pytest.approx(0.0097)
    assert extra.loc["acc_norm,none", "score"] == pytest.approx(0.7449)


def test_perplexity_is_lower_is_better_on_its_own_scale(loaded):
    wikitext = loaded.table[loaded.table["dataset"] == "wikitext"].set_index("metric")
    assert wikitext.loc["word_perplexity,none", "primary"]  # the first number in the file
    assert not wikitext["unit_scale"].any() and not wikitext["higher_is_better"].any()
    assert math.isnan(wikitext.loc["word_perplexity,none", "stderr"])  # "N/A" is not a number


def test_group_rows_are_reported_overall_averages(loaded):
    overall = loaded.overall[loaded.overall["dataset"] == "mmlu"].set_index("group")
    assert overall.loc["mmlu", "score"] == pytest.approx(0.4587) and overall.loc["mmlu", "reported"]
    assert overall.loc["mmlu_humanities", "score"] == pytest.approx(0.4310)
    assert overall.loc["mmlu_stem", "metric"] == "acc,none"
    assert len(overall) == 3  # the reported mmlu average replaces the computed one


def test_higher_is_better_from_the_file_wins():
    doc = copy.deepcopy(RESULTS)
    doc["higher_is_better"]["arc_easy"] = {"acc": False}
    row = load(doc).table.query("dataset == 'arc_easy' and primary").iloc[0]
    assert not row.higher_is_better


def test_colliding_labels_fall_back_to_task_names():
    doc = {"results": {"math_suite": {"alias": "math_suite"},
                       "gsm8k": {"exact_match,strict-match": 0.3}, "gsm8k_cot": {"exact_match,strict-match": 0.4},
                       "arc_easy": {"acc,none": 0.7}},
           "group_subtasks": {"math_suite": ["gsm8k", "gsm8k_cot", "arc_easy"]},
           "configs": {"gsm8k": {"dataset_name": "main"}, "gsm8k_cot": {"dataset_name": "main"},
                       "arc_easy": {"dataset_name": "ARC-Easy"}},
           "model_name": "m"}
    loaded = load(doc)
    assert sorted(loaded.table["category"]) == ["ARC-Easy", "gsm8k", "gsm8k_cot"]
    assert set(loaded.table["dataset"]) == {"math_suite"}
    assert not loaded.overall["reported"].any()  # the group has no number of its own: only computed means


def test_alias_labels_lose_the_tree_indent():
    doc = {"results": {"g": {"alias": "g"}, "part_a": {"alias": "  - Part A", "acc,none": 0.5}},
           "group_subtasks": {"g": ["part_a"]}, "versions": {}}
    assert load(doc).table["category"].tolist() == ["Part A"]


def test_a_leaf_named_after_its_group_is_labelled_without_the_prefix():
    doc = {"results": {"suite": {"alias": "suite"}, "suite_a": {"alias": "  - Part A", "acc,none": 0.5},
                       "suite-b": {"acc,none": 0.4}, "other": {"acc,none": 0.3}},
           "group_subtasks": {"suite": ["suite_a", "suite-b", "other"]}, "versions": {}}
    assert sorted(load(doc).table["category"]) == ["a", "b", "other"]


def test_cycles_and_odd_group_lists_do_not_hang_or_crash():
    doc = {"results": {"a": {"acc,none": 0.1}, "b": {"acc,none": 0.2}, "c": {"acc,none": 0.3}},
           "group_subtasks": {"a": ["b"], "b": ["a", 3, None], "c": "not a list"}, "versions": {}}
    loaded = load(doc)
    assert sorted(loaded.table["dataset"]) == ["a", "b", "c"]


def test_legacy_lm_eval_03_results():
    doc = {"results": {"hellaswag": {"acc": 0.5004, "acc_stderr": 0.005, "acc_norm": 0.6729,
                                     "acc_norm_stderr": 0.0047}},
           "versions": {"hellaswag": 0}, "config": {"model": "hf-causal", "model_args": "pretrained=gpt2"}}
    loaded = load(doc, "results.json")
    row = loaded.table.query("primary").iloc[0]
    assert (row.model, row.metric, row.stderr) == ("gpt2", "acc", 0.005)
    assert loaded.sources["source_label"].tolist() == ["gpt2"]  # no date, no date in the file name


def test_bookkeeping_numbers_are_not_metrics():
    doc = {"results": {"t": {"sample_len": 32, "acc,none": 0.5, "alias": "t"}}, "versions": {}, "model_name": "m"}
    assert load(doc).table["metric"].tolist() == ["acc,none"]


def test_no_numeric_score_is_a_problem_naming_the_file():
    loaded = load({"results": {"t": {"alias": "t", "acc,none": "N/A"}}, "versions": {}}, "r.json")
    assert loaded.table.empty
    [problem] = loaded.problems
    assert problem.file == "r.json" and "no numeric score" in problem.what and problem.fix


def test_unknown_model_is_a_warning():
    loaded = load({"results": {"t": {"acc,none": 0.5}}, "config": {"model": "hf"}}, "r.json")
    assert loaded.table["model"].tolist() == ["<unknown>"]
    assert loaded.problems[0].severity == "warning" and loaded.problems[0].fix


@pytest.mark.parametrize("doc, expected", [
    ({"model_name": "org/m", "config": {"model_args": "pretrained=other"}}, "org/m"),
    ({"config": {"model_args": "dtype=bfloat16, pretrained=EleutherAI/pythia-160m,revision=step1"}},
     "EleutherAI/pythia-160m"),
    ({"config": {"model_args": {"pretrained": "Qwen/Qwen2-7B", "dtype": "auto"}}}, "Qwen/Qwen2-7B"),
    ({"config": {"model_args": {"model": "gpt-4o", "num_concurrent": 4}}}, "gpt-4o"),
    ({"config": {"model_args": "model=gpt-4o,base_url=http://x"}}, "gpt-4o"),
    ({"model_name": "", "config": {"model_args": None}}, "<unknown>"),
])
def test_model_name(doc, expected):
    assert model_name(doc) == expected


@pytest.mark.parametrize("doc, name, expected", [
    ({"date": 1714564800.0}, "results_2023-01-01T00-00-00.json", "20240501_120000"),
    ({}, "out/results_2024-05-01T12-00-00.123456.json", "20240501_120000"),
    ({"date": "yesterday"}, "results_2024-05-01T12-00-00.json", "20240501_120000"),
    ({"date": 1e300}, "results_custom.json", "custom"),
    ({}, "r.json", "<no-ts>"),
])
def test_timestamp(doc, name, expected):
    assert timestamp_of(doc, name) == expected


def test_detection():
    assert looks_like_lmeval(RESULTS)
    assert looks_like_lmeval({"results": {}, "n-shot": {}})
    assert not looks_like_lmeval({"results": {}})
    assert not looks_like_lmeval({"results": [], "versions": {}})
    assert not looks_like_lmeval(["results"])


def test_a_loaded_document_keeps_its_json_compressed_not_parsed():
    loaded = load_files([(FILE, json.dumps(RESULTS).encode())])
    doc = loaded.documents[0]
    assert isinstance(doc.original, bytes) and len(doc.original) < len(json.dumps(RESULTS))
    assert doc.parsed() == RESULTS and not doc.merge_same_label


def test_a_dataset_lists_its_primary_metric_first_and_any_metric_gives_overall_averages(loaded):
    assert dataset_metrics(loaded.table, "gsm8k") == ["exact_match,strict-match", "exact_match,flexible-extract"]
    assert dataset_metrics(loaded.table, "arc_easy")[0] == "acc,none"
    assert "acc_norm,none" in dataset_metrics(loaded.table, "arc_easy")
    assert dataset_metrics(loaded.table, "no-such-dataset") == []
    rows = dataset_rows(loaded.table, "arc_easy", "acc_norm,none")
    label = rows["source_label"].iloc[0]
    plain = overall_for(loaded.overall, "arc_easy", [label], "acc_norm,none")
    assert plain["score"].isna().all()  # no average of a secondary metric is stored …
    filled = overall_for(loaded.overall, "arc_easy", [label], "acc_norm,none", wide=wide_scores(rows))
    assert filled["score"].tolist() == pytest.approx([0.7449]) and not filled["reported"].any()  # … it is computed
    zeros = pd.DataFrame({label: [0.0]}, index=["abstract_algebra"])
    reported = overall_for(loaded.overall, "mmlu", [label], "acc,none", wide=zeros)
    assert reported["score"].tolist() == pytest.approx([0.4587]) and reported["reported"].all()  # reported wins
