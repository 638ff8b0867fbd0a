"""lm-evaluation-harness results files, read through `load_files` as users load them."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

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
    doc = {"results": {"g": {"alias": "g"}, "g_a": {"alias": "  - Part A", "acc,none": 0.5}},
           "group_subtasks": {"g": ["g_a"]}, "versions": {}}
    assert load(doc).table["category"].tolist() == ["Part A"]


def test_a_grouped_leaf_of_a_known_family_is_labelled_by_its_family():
    doc = {"results": {"lambada": {"alias": "lambada"}, "lambada_openai": {"acc,none": 0.7, "alias": " - x"},
                       "lambada_standard": {"acc,none": 0.6}, "agieval_nous": {"alias": "agieval_nous"},
                       "agieval_lsat_ar": {"acc,none": 0.2}},
           "group_subtasks": {"lambada": ["lambada_openai", "lambada_standard"], "agieval_nous": ["agieval_lsat_ar"]},
           "configs": {"lambada_openai": {"dataset_name": "default"}}, "versions": {}}
    table = load(doc).table
    assert sorted(zip(table["dataset"], table["category"], strict=True)) == [
        ("agieval_nous", "lsat_ar"), ("lambada", "openai"), ("lambada", "standard")]


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
    ({"date": 1e300}, "results_custom.json", "<no-ts>"),
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


# -- real files of every harness era ------------------------------------------------------------------------------
REAL = Path(__file__).parent.parent / "data" / "lmeval"
#: What each real file's tasks become, written out by hand: 0.3's xnli_<lang> joins 0.4's `xnli` dataset.
REAL_DATASETS = {
    "v03_llama-7B_gsm8k_8-shot.json": {"gsm8k"},
    "v03_xglm-564M_xnli_0-shot.json": {"xnli"},
    "jp03_open-calm-1b_result.jaqket_v1.json": {"jaqket_v1-0.1-0.2"},
    "openllm_Llama-3-8B-Instruct_gsm8k.json": {"gsm8k"},
    "v04_gpt2_results_2024-09-30T13-37-24.988855.json": {"beep"},
    "v04_african_gemma-2b_results_2026-01-16T15-23-47.285735.json": {"masakhaner_luo_prompt_1"},
    "v04_allorig_results_2025-12-17T20-28-43.535870.json": {"nl2foam_perplexity_original"},
    "v04_asdiv_cot_Llama-3-8B-Instruct_results_2024-08-21T03-41-58.320355.json": {"asdiv"},
}
_PERPLEXITY_LIKE = {"word_perplexity", "byte_perplexity", "bits_per_byte"}


def _expected_rows(raw: dict) -> dict[tuple[str, str], tuple[float, bool, bool]]:
    """(task, metric) → (score, unit_scale, higher_is_better), by plain Python over the file: every real file's
    scores are fractions or perplexities, so nothing is rescaled."""
    stated = raw.get("higher_is_better", {})
    expected = {}
    for task, entry in raw["results"].items():
        for key, value in entry.items():
            if key == "alias" or "_stderr" in key or not isinstance(value, float):
                continue
            base = key.split(",")[0]
            higher = stated.get(task, {}).get(base, base not in _PERPLEXITY_LIKE)
            expected[(task, key)] = (value, base not in _PERPLEXITY_LIKE, higher)
    return expected


@pytest.mark.parametrize("name", sorted(REAL_DATASETS))
def test_real_files_load_with_their_datasets_units_and_directions(name):
    raw_bytes = (REAL / name).read_bytes()
    loaded = load_files([(name, raw_bytes)])
    assert [p for p in loaded.problems if p.severity != "notice"] == []
    table = loaded.table
    assert set(table["dataset"]) == REAL_DATASETS[name]
    assert len(loaded.sources) == 1 and not table["scale_assumed"].any()
    got = {(row.file, row.metric): (row.score, row.unit_scale, row.higher_is_better)
           for row in table.itertuples()}
    expected = _expected_rows(json.loads(raw_bytes))
    assert got.keys() == expected.keys()
    for key, (score, unit, higher) in expected.items():
        assert got[key] == (pytest.approx(score), unit, higher), key


def test_real_03_xnli_file_has_one_category_per_language():
    raw = json.loads((REAL / "v03_xglm-564M_xnli_0-shot.json").read_bytes())
    table = load_files([("x.json", json.dumps(raw).encode())]).table
    by_category = dict(zip(table["category"], table["score"], strict=True))
    assert by_category == {task.removeprefix("xnli_"): entry["acc"] for task, entry in raw["results"].items()}


# -- lm-eval 0.3 grouping -----------------------------------------------------------------------------------------
def lmeval03(model: str, tasks: dict[str, dict]) -> dict:
    """An lm-eval 0.3 results file: `results`, `versions`, `config`, no date, no groups."""
    return {"results": tasks, "versions": {task: 0 for task in tasks},
            "config": {"model": "hf-causal", "model_args": f"pretrained={model}", "num_fewshot": 5}}


MMLU_03 = lmeval03("meta-llama/Llama-2-7b-hf", {
    "hendrycksTest-abstract_algebra": {"acc": 0.28, "acc_stderr": 0.045, "acc_norm": 0.27, "acc_norm_stderr": 0.04},
    "hendrycksTest-anatomy": {"acc": 0.42, "acc_stderr": 0.043, "acc_norm": 0.40, "acc_norm_stderr": 0.04},
    "hendrycksTest-philosophy": {"acc": 0.55, "acc_stderr": 0.028, "acc_norm": 0.50, "acc_norm_stderr": 0.03},
    "hendrycksTest-world_religions": {"acc": 0.67, "acc_stderr": 0.036, "acc_norm": 0.66, "acc_norm_stderr": 0.04},
})


def test_03_mmlu_pairs_with_04_mmlu_category_by_category():
    loaded = load_files([("old/results.json", as_bytes(MMLU_03)), (FILE, as_bytes(RESULTS))])
    primary = loaded.table[(loaded.table["dataset"] == "mmlu") & loaded.table["primary"]]
    wide = primary.pivot(index="category", columns="source_label", values="score")
    assert wide.shape == (4, 2) and not wide.isna().any().any()  # every category of one run has its pair
    old = next(label for label in wide.columns if "@" not in label)
    new = next(label for label in wide.columns if "@" in label)
    for task, entry in MMLU_03["results"].items():
        assert wide.loc[task.removeprefix("hendrycksTest-"), old] == pytest.approx(entry["acc"])
    for task in ("mmlu_philosophy", "mmlu_anatomy"):
        assert wide.loc[task.removeprefix("mmlu_"), new] == pytest.approx(RESULTS["results"][task]["acc,none"])
    old_rows = loaded.table[loaded.table["source_label"] == old]
    assert set(old_rows["metric"]) == {"acc", "acc_norm"} and old_rows["unit_scale"].all()
    computed = loaded.overall.query("source_label == @old and dataset == 'mmlu' and metric == 'acc'")
    assert computed["score"].tolist() == pytest.approx([(0.28 + 0.42 + 0.55 + 0.67) / 4])


def test_a_04_tag_run_groups_like_the_03_family():
    doc = {"results": {"lambada_openai": {"acc,none": 0.7, "perplexity,none": 3.4, "alias": "lambada_openai"},
                       "lambada_standard": {"acc,none": 0.6, "perplexity,none": 4.1, "alias": "lambada_standard"}},
           "group_subtasks": {"lambada_openai": [], "lambada_standard": []}, "model_name": "m",
           "higher_is_better": {"lambada_openai": {"acc": True, "perplexity": False}}}
    old = lmeval03("m", {"lambada_openai": {"ppl": 3.5, "ppl_stderr": 0.07, "acc": 0.71, "acc_stderr": 0.006}})
    loaded = load_files([("new.json", as_bytes(doc)), ("old.json", as_bytes(old))])
    table = loaded.table
    assert set(table["dataset"]) == {"lambada"} and set(table["category"]) == {"openai", "standard"}
    ppl = table[table["metric"].isin(["ppl", "perplexity,none"])]
    assert not ppl["unit_scale"].any() and not ppl["higher_is_better"].any()  # lambada_standard: by the table
    assert table.query("metric == 'ppl'")["stderr"].tolist() == [0.07]


def test_unknown_03_tasks_stay_datasets_of_their_own():
    doc = lmeval03("m", {"jcommonsenseqa-1.1-0.2": {"acc": 0.8}, "hendrycksTest-not_a_subject": {"acc": 0.3}})
    table = load_files([("r.json", as_bytes(doc))]).table
    assert sorted(zip(table["dataset"], table["category"], strict=True)) == [
        ("hendrycksTest-not_a_subject", "hendrycksTest-not_a_subject"), ("jcommonsenseqa-1.1-0.2",
                                                                        "jcommonsenseqa-1.1-0.2")]


def test_two_tasks_of_one_family_never_share_a_category():
    doc = lmeval03("m", {"pawsx_de": {"acc": 0.5}, "paws_de": {"acc": 0.6}})  # 0.3 and 0.4 names of one leaf
    table = load_files([("r.json", as_bytes(doc))]).table
    assert sorted(table["category"]) == ["paws_de", "pawsx_de"] and set(table["dataset"]) == {"pawsx"}


# -- scale and direction, per file --------------------------------------------------------------------------------
def test_a_fork_that_writes_percentages_is_divided_by_100_for_the_whole_file():
    doc = lmeval03("cyberagent/open-calm-1b", {
        "jsquad-1.1-0.2": {"exact_match": 45.79, "exact_match_stderr": 1.2, "f1": 60.12},
        "jaqket_v2-0.1-0.2": {"exact_match": 0.8, "f1": 1.5},
        "marc_ja-1.1-0.2": {"acc": 0.81, "acc_stderr": 0.005},
    })
    table = load_files([("r.json", as_bytes(doc))]).table.set_index(["file", "metric"])
    assert table.loc[("jsquad-1.1-0.2", "exact_match"), "score"] == pytest.approx(0.4579)
    assert table.loc[("jsquad-1.1-0.2", "exact_match"), "stderr"] == pytest.approx(0.012)
    assert table.loc[("jsquad-1.1-0.2", "f1"), "score"] == pytest.approx(0.6012)
    assert table.loc[("jaqket_v2-0.1-0.2", "exact_match"), "score"] == pytest.approx(0.008)  # same file: percent
    assert table.loc[("marc_ja-1.1-0.2", "acc"), "score"] == pytest.approx(0.81)  # acc is its own metric
    assert table["unit_scale"].all() and not table["scale_assumed"].any()


def test_bleu_keeps_its_0_100_units_and_an_unknown_metric_in_0_1_is_assumed_unit_scale():
    doc = lmeval03("m", {"wmt14-en-fr": {"bleu": 27.3, "chrf": 55.1, "ter": 61.0},
                         "judge": {"judge_score": 0.62}, "rate_me": {"stars": 4.5}})
    table = load_files([("r.json", as_bytes(doc))]).table.set_index("metric")
    assert table.loc["bleu", "score"] == 27.3 and not table.loc["bleu", "unit_scale"]
    assert table.loc["bleu", "higher_is_better"] and not table.loc["ter", "higher_is_better"]
    assert table.loc["judge_score", "unit_scale"] and table.loc["judge_score", "scale_assumed"]
    assert not table.loc["stars", "unit_scale"] and not table.loc["stars", "scale_assumed"]


def test_mcc_keeps_its_sign():
    doc = lmeval03("m", {"cola": {"mcc": -0.04, "mcc_stderr": 0.03}})
    row = load_files([("r.json", as_bytes(doc))]).table.iloc[0]
    assert (row.score, row.unit_scale, row.higher_is_better) == (-0.04, True, True)


def test_group_averages_are_rescaled_like_their_leaves():
    doc = {"results": {"suite": {"exact_match,none": 50.0, "alias": "suite"},
                       "suite_a": {"exact_match,none": 40.0}, "suite_b": {"exact_match,none": 60.0}},
           "group_subtasks": {"suite": ["suite_a", "suite_b"]}, "model_name": "m"}
    loaded = load(doc)
    assert sorted(loaded.table["score"]) == pytest.approx([0.4, 0.6])
    assert loaded.overall.query("reported")["score"].tolist() == pytest.approx([0.5])


# -- nothing dropped silently -------------------------------------------------------------------------------------
def test_every_skipped_value_has_a_notice_that_says_what_it_is():
    text = json.dumps({"results": {
        "wikitext": {"word_perplexity,none": math.inf, "word_perplexity_stderr,none": "N/A", "alias": "wikitext"},
        "arc_easy": {"acc,none": 0.7, "acc_stderr,none": "N/A", "acc_norm,none": "0.71", "alias": "arc_easy"},
        "piqa": {"acc,none": math.nan, "acc_norm,none": None, "alias": "piqa"},
    }, "group_subtasks": {"wikitext": [], "arc_easy": [], "piqa": []}, "model_name": "m"})
    assert "Infinity" in text and "NaN" in text  # what lm-eval's json.dump writes
    loaded = load_files([("r.json", text.encode())])
    assert loaded.table["file"].tolist() == ["arc_easy"]
    skipped = {(p.where, p.params["metric"], p.params["kind"]) for p in loaded.problems
               if p.code == "lmeval.value_skipped"}
    assert skipped == {("task 'wikitext'", "word_perplexity,none", "inf"), ("task 'arc_easy'", "acc_norm,none", "str"),
                       ("task 'piqa'", "acc,none", "nan"), ("task 'piqa'", "acc_norm,none", "NoneType")}
    assert {p.where for p in loaded.problems if p.code == "lmeval.task_skipped"} == {"task 'wikitext'", "task 'piqa'"}
    assert all(p.severity == "notice" and p.file == "r.json" for p in loaded.problems)
    inf = next(p for p in loaded.problems if p.params.get("kind") == "inf")
    assert "infinite" in inf.what and "word_perplexity,none" in inf.what and inf.fix
    assert "無限大" in inf.text("zh-TW")[0]
    string = next(p for p in loaded.problems if p.params.get("kind") == "str")
    assert "a string" in string.what


def test_na_stderr_needs_no_notice():
    assert load(RESULTS).problems == []  # RESULTS' wikitext stderrs are all "N/A"


# -- suites of one model ------------------------------------------------------------------------------------------
def test_files_of_one_undated_model_with_other_tasks_form_one_source():
    gsm8k = lmeval03("org/m", {"gsm8k": {"acc": 0.08, "acc_stderr": 0.007}})
    xnli = lmeval03("org/m", {"xnli_de": {"acc": 0.44}, "xnli_en": {"acc": 0.48}})
    again = lmeval03("org/m", {"gsm8k": {"acc": 0.09}})
    other = lmeval03("org/other", {"gsm8k": {"acc": 0.5}})
    loaded = load_files([("a.json", as_bytes(gsm8k)), ("b.json", as_bytes(xnli)), ("c.json", as_bytes(again)),
                         ("d.json", as_bytes(other))])
    sources = loaded.sources.set_index("source_label")
    assert sorted(sources.index) == ["org/m", "org/m (2)", "org/other"]
    assert sources.loc["org/m", "datasets"] == ["gsm8k", "xnli"] and sources.loc["org/m", "n_scores"] == 3
    assert sources.loc["org/m", "source_file"] == "a.json, b.json"
    assert [p.code for p in loaded.problems] == ["source.renamed"] and loaded.problems[0].file == "c.json"


def test_runs_of_one_model_on_different_dates_stay_different_sources():
    one = dict(lmeval03("org/m", {"gsm8k": {"acc": 0.08}}), date=1714564800.0)
    two = dict(lmeval03("org/m", {"arc_easy": {"acc": 0.7}}), date=1714651200.0)
    loaded = load_files([("a.json", as_bytes(one)), ("b.json", as_bytes(two))])
    assert len(loaded.sources) == 2 and loaded.problems == []


@pytest.mark.parametrize("name, expected", [
    ("results_2024-09-30T13-37-24.988855.json", "20240930_133724"),
    ("results_20240930_1337.json", "20240930_1337"),
    ("results_bloom-1b1_xnli_0-shot.json", "<no-ts>"),
    ("results_final.json", "<no-ts>"),
])
def test_only_a_date_in_the_file_name_becomes_the_timestamp(name, expected):
    assert timestamp_of({}, f"runs/{name}") == expected
