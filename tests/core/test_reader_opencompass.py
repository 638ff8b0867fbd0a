"""OpenCompass data-station files, read through `load_files` as users load them."""

from __future__ import annotations

import io
import zipfile

import pytest

from conftest import as_bytes
from eval_analyzer.core.errors import ReadError
from eval_analyzer.core.formats.opencompass_names import metric_scale, split_abbr
from eval_analyzer.core.formats.opencompass_station import looks_like_station, parse_station
from eval_analyzer.core.loader import load_files

MODEL_CFG = {
    "abbr": "internlm-chat-7b-hf", "path": "internlm/internlm-chat-7b", "type": "HuggingFaceCausalLM",
    "tokenizer_path": "internlm/internlm-chat-7b", "max_out_len": 100, "max_seq_len": 2048, "batch_size": 8,
    "model_kwargs": {"trust_remote_code": True, "device_map": "auto"}, "run_cfg": {"num_gpus": 1, "num_procs": 1},
}


def station(abbr: str = "ceval-computer_network", name: str | None = "computer_network",
            results: dict | None = None, model: dict | None = None, **cfg_extra) -> dict:
    """A station file as OpenCompass's `save_to_station` writes it (predictions, results, cfg)."""
    datasets = {"abbr": abbr, "path": "./data/ceval/formal_ceval", "type": "CEvalDataset",
                "reader_cfg": {"input_columns": ["question", "A", "B", "C", "D"], "output_column": "answer",
                               "train_split": "dev", "test_split": "val"},
                "eval_cfg": {"evaluator": {"type": "AccEvaluator"}, "pred_postprocessor": {"type": "first-capital"}}}
    if name is not None:
        datasets["name"] = name
    if results is None:
        results = {"accuracy": 52.63157894736842,
                   "details": {"0": {"pred": ["B"], "answer": "B", "correct": True},
                               "1": {"pred": ["A"], "answer": "C", "correct": False},
                               "2": {"pred": ["D"], "answer": "D", "correct": True}}}
    return {
        "predictions": [{"origin_prompt": "以下是中国关于计算机网络考试的单项选择题…", "prediction": "B",
                         "gold": "B"}],
        "results": results,
        "cfg": {"models": MODEL_CFG if model is None else model, "datasets": datasets, **cfg_extra},
    }


def load(*files: tuple[str, dict]):
    return load_files([(name, as_bytes(doc)) for name, doc in files])


def test_objective_file_gives_one_unit_scale_category():
    loaded = load(("station/ceval-computer_network/internlm-chat-7b-hf.json", station()))
    assert loaded.problems == []
    row = loaded.table.iloc[0]
    assert len(loaded.table) == 1
    assert (row.dataset, row.category, row.metric) == ("ceval", "computer_network", "accuracy")
    assert row.score == pytest.approx(0.5263157894736842)
    assert row.primary and row.unit_scale and row.higher_is_better
    assert (row.model, row.source_label, row.format) == ("internlm-chat-7b-hf", "internlm-chat-7b-hf",
                                                         "opencompass-station")


def test_correct_flags_of_details_are_kept_in_question_order():
    results = {"accuracy": 50.0, "details": {str(i): {"correct": i % 3 == 0} for i in (10, 2, 0, 1, 3)}}
    loaded = load(("s/ceval-law/m.json", station("ceval-law", "law", results)))
    samples = loaded.samples
    assert set(zip(samples["source_label"], samples["dataset"], samples["category"], samples["metric"],
                   strict=True)) == {("internlm-chat-7b-hf", "ceval", "law", "accuracy")}
    assert list(samples["question_id"].astype(str)) == ["0", "1", "2", "3", "10"]
    assert samples["value"].tolist() == [1.0, 0.0, 0.0, 1.0, 0.0]


def test_details_as_a_list_and_is_correct_flags():
    results = {"accuracy": 50.0, "details": [{"is_correct": True}, {"is_correct": False}]}
    loaded = load(("s/ceval-law/m.json", station("ceval-law", "law", results)))
    assert loaded.samples["value"].tolist() == [1.0, 0.0]


@pytest.mark.parametrize("details", [
    {"0": {"correct": True}, "1": {"pred": "A"}},  # one question without a flag: pairing would shift
    {"0": {"correct": [True, False]}},
    "not details",
    [],
])
def test_partial_or_odd_details_are_not_kept_but_the_score_is(details):
    loaded = load(("s/ceval-law/m.json", station("ceval-law", "law", {"accuracy": 40.0, "details": details})))
    assert loaded.samples.empty
    assert loaded.table["score"].tolist() == [pytest.approx(0.4)]


def test_files_of_one_model_merge_into_one_source():
    loaded = load(
        ("station/ceval-computer_network/internlm-chat-7b-hf.json", station()),
        ("station/ceval-law/internlm-chat-7b-hf.json", station("ceval-law", "law", {"accuracy": 25.0})),
        ("station/lukaemon_mmlu_college_biology/internlm-chat-7b-hf.json",
         station("lukaemon_mmlu_college_biology", "college_biology", {"accuracy": 61.8})),
    )
    assert loaded.problems == []
    assert loaded.sources["source_label"].tolist() == ["internlm-chat-7b-hf"]
    pairs = set(zip(loaded.table["dataset"], loaded.table["category"], strict=True))
    assert pairs == {("ceval", "computer_network"), ("ceval", "law"), ("mmlu", "college_biology")}
    ceval = loaded.overall[loaded.overall["dataset"] == "ceval"].iloc[0]
    assert not ceval.reported and ceval.score == pytest.approx((0.5263157894736842 + 0.25) / 2)


def test_a_zipped_station_loads_as_one_source_per_model():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for model in ("internlm-chat-7b-hf", "qwen-7b-chat-hf"):
            for abbr, name in (("ceval-law", "law"), ("ceval-logic", "logic")):
                archive.writestr(f"station/{abbr}/{model}.json",
                                 as_bytes(station(abbr, name, {"accuracy": 30.0}, {**MODEL_CFG, "abbr": model})))
    loaded = load_files([("station.zip", buffer.getvalue())])
    assert loaded.problems == []
    assert sorted(loaded.sources["source_label"]) == ["internlm-chat-7b-hf", "qwen-7b-chat-hf"]
    assert len(loaded.table) == 4


def test_primary_metric_order_scale_and_dropped_keys():
    results = {"bp": 1.0, "sys_len": 1200, "ref_len": 1180, "type": "bleu", "pass": 3, "f1": 41.5,
               "accuracy": 55.0, "bleurt_diff": -0.12, "details": {"0": {"correct": True}}}
    loaded = load(("s/x/m.json", station("squad", None, results)))
    table = loaded.table.set_index("metric")
    assert list(table.index) == ["accuracy", "bleurt_diff", "f1", "pass"]
    assert table.loc["accuracy", "primary"] and not table["primary"].iloc[1:].any()
    assert table.loc["accuracy", "score"] == pytest.approx(0.55)
    assert table.loc["f1", "score"] == pytest.approx(0.415) and table.loc["f1", "unit_scale"]
    assert table.loc["bleurt_diff", "score"] == pytest.approx(-0.12) and not table.loc["bleurt_diff", "unit_scale"]
    assert table.loc["pass", "score"] == 3 and not table.loc["pass", "unit_scale"]
    assert set(table["dataset"]) == {"squad"} and set(table["category"]) == {"squad"}


def test_toxicity_is_a_fraction_where_lower_is_better():
    results = {"expected_max_toxicity": 0.91, "valid_frac": 1.0, "toxic_frac_valid": 0.2,
               "avg_toxicity_score": 0.0712}
    row = load(("s/real-toxicity-prompts/m.json", station("real-toxicity-prompts", None, results))).table.iloc[0]
    assert (row.metric, row.score, row.unit_scale, row.higher_is_better) == ("avg_toxicity_score", 0.0712, True,
                                                                             False)


def test_subjective_file_names_the_judge_and_keeps_every_numeric_result():
    results = {"总分": 5.82, "专业能力": 6.41, "数学计算": 4.9,
               "dimensions": {"事实正确性": 6.1, "满足用户需求": 5.7}, "details": {"0": {"score": 6}}}
    doc = station("alignment_bench", "alignment_bench", results,
                  judge_models=[{"abbr": "gpt-4", "path": "gpt-4-1106-preview", "type": "OpenAI"}])
    loaded = load(("station/alignment_bench/internlm-chat-7b-hf_judged-by--gpt-4.json", doc))
    assert loaded.problems == []
    table = loaded.table
    assert set(table["model"]) == {"internlm-chat-7b-hf (judged by gpt-4)"}
    assert table["metric"].tolist() == ["总分", "专业能力", "数学计算", "dimensions/事实正确性",
                                        "dimensions/满足用户需求"]
    assert table["score"].tolist() == [5.82, 6.41, 4.9, 6.1, 5.7]
    assert table["primary"].tolist() == [True, False, False, False, False]
    assert not table["unit_scale"].any()
    assert set(table["dataset"]) == {"alignment_bench"}


@pytest.mark.parametrize("cfg_extra, expected", [
    ({}, "internlm-chat-7b-hf (judged by qwen-72b)"),  # judge from the file name only
    ({"judge_models": {"path": "Qwen/Qwen-72B-Chat"}}, "internlm-chat-7b-hf (judged by Qwen/Qwen-72B-Chat)"),
    ({"judge_models": []}, "internlm-chat-7b-hf (judged by qwen-72b)"),
])
def test_judge_name_fallbacks(cfg_extra, expected):
    doc = station("alignment_bench", None, {"总分": 5.0}, **cfg_extra)
    loaded = load(("s/alignment_bench/internlm-chat-7b-hf_judged-by--qwen-72b.json", doc))
    assert loaded.sources["model"].tolist() == [expected]


def test_pairwise_subjective_file_names_the_base_model():
    doc = station("alpaca_eval", None, {"win_rate": 61.0}, judge_models=[{"abbr": "gpt-4"}])
    loaded = load(("s/alpaca_eval/gpt4-turbo_internlm-chat-7b-hf_judged-by--gpt-4.json", doc))
    assert loaded.sources["model"].tolist() == ["internlm-chat-7b-hf vs gpt4-turbo (judged by gpt-4)"]


def test_results_error_skips_the_file_with_a_clear_problem_and_others_still_load():
    broken = station("ceval-law", "law", {"error": "predictions and references have different length. "
                                                   "len(predictions): 10, len(references): 12"})
    loaded = load(("station/ceval-law/m.json", broken), ("station/ceval-computer_network/m.json", station()))
    [problem] = loaded.problems
    assert problem.file == "station/ceval-law/m.json" and problem.severity == "error"
    assert "different length" in problem.what and "re-run" in problem.fix
    assert loaded.table["category"].tolist() == ["computer_network"]


def test_no_numeric_result_is_a_problem():
    loaded = load(("s/ceval-law/m.json", station("ceval-law", "law", {"details": {}, "type": "acc"})))
    assert loaded.table.empty
    assert "no numeric score" in loaded.problems[0].what and loaded.problems[0].fix


def test_missing_abbrs_fall_back_to_path_and_folder():
    doc = station(results={"accuracy": 20.0}, model={"path": "internlm/internlm-chat-7b", "type": "HF"})
    doc["cfg"]["datasets"].pop("abbr")
    loaded = load(("station/ceval-operating_system/whatever.json", doc))
    row = loaded.table.iloc[0]
    assert row.model == "internlm/internlm-chat-7b"
    # The config's name no longer matches the folder's abbr, so the known prefix splits it.
    assert (row.dataset, row.category) == ("ceval", "operating_system")
    assert [p.severity for p in loaded.problems] == ["warning"] and "folder" in loaded.problems[0].what


def test_model_without_abbr_or_path_is_named_after_the_file():
    loaded = load(("station\\ceval-law\\my-model.json", station("ceval-law", "law", {"accuracy": 1.0}, {})))
    assert loaded.table["model"].tolist() == ["my-model"]
    assert loaded.problems[0].severity == "warning" and loaded.problems[0].fix


def test_detection_needs_the_station_shape():
    assert looks_like_station(station())
    for broken in ({**station(), "predictions": {}}, {**station(), "results": []},
                   {**station(), "cfg": {"models": [], "datasets": {}}}, [], "x"):
        assert not looks_like_station(broken)


def test_parse_station_keeps_the_raw_document_and_merges_same_label():
    doc = parse_station(station(), "s/ceval-computer_network/m.json")
    assert doc.merge_same_label and doc.timestamp == "<no-ts>" and doc.label == "internlm-chat-7b-hf"
    with pytest.raises(ReadError):
        parse_station(station(results={"error": "boom"}), "f.json")


@pytest.mark.parametrize("abbr, name, expected", [
    ("ceval-computer_network", "computer_network", ("ceval", "computer_network")),
    ("lukaemon_mmlu_college_biology", "college_biology", ("mmlu", "college_biology")),
    ("agieval-gaokao-chinese", "gaokao-chinese", ("agieval", "gaokao-chinese")),
    ("cmmlu-agronomy", "agronomy", ("cmmlu", "agronomy")),
    ("bbh-temporal_sequences", "temporal_sequences", ("bbh", "temporal_sequences")),
    ("my_suite-part_a", "part_a", ("my_suite", "part_a")),  # unknown dataset: the name rule still splits
    ("gsm8k", "8k", ("gsm8k", "gsm8k")),  # no separator before the name: not a split
    ("hellaswag", "hellaswag", ("hellaswag", "hellaswag")),
    ("ceval-computer_network", None, ("ceval", "computer_network")),
    ("ceval-test-computer_network", None, ("ceval-test", "computer_network")),
    ("lukaemon_mmlu_college_biology", None, ("mmlu", "college_biology")),
    ("mmlu_pro_math", None, ("mmlu_pro", "math")),
    ("mmlu-humanities", None, ("mmlu", "humanities")),
    ("GaokaoBench_2010-2022_Math_II_MCQs", None, ("GaokaoBench", "2010-2022_Math_II_MCQs")),
    ("tmmluplus-accounting", None, ("tmmluplus", "accounting")),
    ("gsm8k", None, ("gsm8k", "gsm8k")),
    ("ceval", None, ("ceval", "ceval")),
    ("ceval-", None, ("ceval-", "ceval-")),
])
def test_split_abbr(abbr, name, expected):
    assert split_abbr(abbr, name) == expected


@pytest.mark.parametrize("metric, value, expected", [
    ("accuracy", 52.0, (0.52, True, True)),
    ("humaneval_pass@1", 30.0, (0.3, True, True)),
    ("humaneval_plus_pass@10", 40.0, (0.4, True, True)),
    ("rougeL", 25.0, (0.25, True, True)),
    ("avg_toxicity_score", 0.1, (0.1, True, False)),
    ("bleurt_diff", -0.5, (-0.5, False, True)),
    ("sum", 300.0, (300.0, False, True)),
])
def test_metric_scale(metric, value, expected):
    assert metric_scale(metric, value) == pytest.approx(expected)
