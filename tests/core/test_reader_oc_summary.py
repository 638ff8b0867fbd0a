"""OpenCompass summary CSV, with the real C-Eval summary and its full-precision raw values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval_analyzer.core.formats.opencompass_summary import (
    looks_like_summary,
    parse_summary_csv,
    timestamp_from_name,
)
from eval_analyzer.core.loader import load_files

DATA = Path(__file__).parent.parent / "data"
REAL_CSV = DATA / "summary_20240119_225509.csv"
REAL_RAW = DATA / "raw_20240119_225509.json"
REAL_MODEL = "opencompass.models.huggingface.HuggingFace_model_repos_internlm-chat-7b"

MULTI = """dataset,version,metric,mode,internlm-chat-7b-hf,qwen-7b-chat-hf
--------- 考试 Exam ---------,-,-,-,-,-
ceval-computer_network,db9ce2,accuracy,gen,31.58,47.37
ceval-law,a110a1,accuracy,gen,25.00,-
lukaemon_mmlu_college_biology,caec7d,accuracy,gen,50.69,67.36
lukaemon_mmlu_anatomy,72183b,accuracy,gen,45.93,n/a
gsm8k,1d7fe4,accuracy,gen,34.50,52.01
"ifeval, strict",3321a3,Prompt-level-strict-accuracy,gen,40.11,41.00
broken,row
mmlu-stem,-,naive_average,gen,48.31,60.12
ceval,-,naive_average,gen,28.29,47.37
mmlu,-,weighted_average,gen,48.31,67.36
average,-,naive_average,gen,40.0,50.0
nq,-,-,-,-,-
"""


def load_text(text: str, name: str = "outputs/default/20240119_225509/summary/summary_20240119_225509.csv"):
    return load_files([(name, text.encode())])


@pytest.fixture(scope="module")
def real():
    return load_files([(REAL_CSV.name, REAL_CSV.read_bytes())])


def test_real_summary_has_52_ceval_categories(real):
    assert real.problems == []
    table = real.table
    assert len(table) == 52 and set(table["dataset"]) == {"ceval"} and table["category"].is_unique
    assert set(table["metric"]) == {"accuracy"} and table["primary"].all() and table["unit_scale"].all()
    assert "computer_network" in set(table["category"]) and "physician" in set(table["category"])
    assert real.sources["source_label"].tolist() == [f"{REAL_MODEL} @ 20240119_225509"]
    assert set(table["timestamp"]) == {"20240119_225509"} and set(table["format"]) == {"opencompass-summary"}


def test_real_summary_scores_match_the_full_precision_raw_values(real):
    raw = json.loads(REAL_RAW.read_text())
    scores = dict(zip(real.table["file"], real.table["score"], strict=True))
    assert set(scores) == set(raw)
    for abbr, value in raw.items():
        assert scores[abbr] == pytest.approx(value / 100, abs=0.00005), abbr


def test_real_summary_groups_are_reported_overall_not_categories(real):
    overall = real.overall.set_index("group")
    assert set(overall.index) == {"ceval", "ceval-stem", "ceval-social-science", "ceval-humanities",
                                  "ceval-other", "ceval-hard"}
    assert set(overall["dataset"]) == {"ceval"} and overall["reported"].all()
    assert overall.loc["ceval", "score"] == pytest.approx(0.4416)
    assert overall.loc["ceval", "metric"] == "accuracy"  # the naive_average of accuracies, matched to its leaves
    assert overall.loc["ceval-hard", "score"] == pytest.approx(0.2391)
    # The reported dataset average replaces the computed one rather than sitting next to it.
    assert len(real.overall[real.overall["group"] == "ceval"]) == 1


def test_one_document_per_model_column():
    loaded = load_text(MULTI)
    assert sorted(loaded.sources["model"]) == ["internlm-chat-7b-hf", "qwen-7b-chat-hf"]
    table = loaded.table.set_index(["model", "dataset", "category"])
    assert table.loc[("internlm-chat-7b-hf", "ceval", "law"), "score"] == pytest.approx(0.25)
    assert table.loc[("qwen-7b-chat-hf", "mmlu", "college_biology"), "score"] == pytest.approx(0.6736)
    assert table.loc[("internlm-chat-7b-hf", "gsm8k", "gsm8k"), "file"] == "gsm8k"
    assert ("qwen-7b-chat-hf", "ceval", "law") not in table.index  # '-' is missing, not zero
    assert ("qwen-7b-chat-hf", "mmlu", "anatomy") not in table.index


def test_quoted_names_and_unknown_metrics_keep_their_scale():
    row = load_text(MULTI).table.query("category == 'ifeval, strict'").iloc[0]
    assert row.dataset == "ifeval, strict" and row.metric == "Prompt-level-strict-accuracy"
    assert row.score == pytest.approx(40.11) and not row.unit_scale


def test_group_rows_become_overall_rows_per_dataset():
    overall = load_text(MULTI).overall
    qwen = overall[(overall["model"] == "qwen-7b-chat-hf") & overall["reported"]].set_index("group")
    assert qwen.loc["ceval", ["dataset", "score"]].tolist() == ["ceval", pytest.approx(0.4737)]
    assert qwen.loc["mmlu-stem", "dataset"] == "mmlu"
    assert qwen.loc["mmlu", "score"] == pytest.approx(0.6736)
    assert qwen.loc["average", "dataset"] == "average"  # a cross-dataset group is not filed under any dataset
    assert "nq" not in set(overall["dataset"]) and "nq" not in set(load_text(MULTI).table["dataset"])


def test_malformed_rows_and_bad_values_are_problems_with_lines():
    loaded = load_text(MULTI)
    by_what = {problem.what: problem for problem in loaded.problems}
    broken = next(p for p in loaded.problems if "columns" in p.what)
    assert broken.where == "line 9" and "header has 6" in broken.what and broken.fix
    bad = next(p for p in loaded.problems if "'n/a'" in p.what)
    assert bad.where == "line 6, column 'qwen-7b-chat-hf'" and bad.fix
    notices = [what for what, problem in by_what.items() if problem.severity == "notice"]
    assert any("1 value(s) of 'qwen-7b-chat-hf'" in what for what in notices)
    assert all(problem.file.endswith("summary_20240119_225509.csv") for problem in loaded.problems)
    assert len(loaded.table) == 10  # 6 leaves for internlm; qwen lacks law (-) and anatomy (n/a)


def test_a_model_column_without_values_is_skipped_with_a_warning():
    text = "dataset,version,metric,mode,a,b\nceval-law,x,accuracy,gen,10.00,-\n"
    loaded = load_text(text, "summary.csv")
    assert loaded.sources["model"].tolist() == ["a"]
    assert any("'b' has no values" in p.what and p.severity == "warning" for p in loaded.problems)
    assert loaded.sources["timestamp"].tolist() == ["<no-ts>"] and loaded.sources["source_label"].tolist() == ["a"]


def test_a_summary_without_any_value_is_an_error_naming_the_file():
    loaded = load_text("dataset,version,metric,mode,a\nceval-law,x,accuracy,gen,-\n", "s.csv")
    assert loaded.table.empty
    [problem] = loaded.problems
    assert problem.file == "s.csv" and "no usable scores" in problem.what and problem.fix


def test_repeated_leaf_rows_and_second_metrics():
    text = ("dataset,version,metric,mode,a\n"
            "ceval-law,x,accuracy,gen,10.00\nceval-law,x,accuracy,gen,20.00\nceval-law,x,f1,gen,30.00,\n")
    loaded = load_text(text, "s.csv")
    assert loaded.table[["metric", "score", "primary"]].values.tolist() == [["accuracy", 0.1, True],
                                                                            ["f1", 0.3, False]]
    assert [p.where for p in loaded.problems] == ["line 3, column 'a'"]


def test_parse_summary_csv_directly():
    [doc] = parse_summary_csv(REAL_CSV.read_text(), str(REAL_CSV))
    assert doc.model == REAL_MODEL and doc.timestamp == "20240119_225509" and len(doc.rows) == 52
    assert not doc.merge_same_label


@pytest.mark.parametrize("text, expected", [
    ("dataset,version,metric,mode,model-a\n", True),
    ("\n\n  \ndataset,version,metric,mode,a,b\nx,y,z,w,1,2\n", True),
    ("Dataset, Version, Metric, Mode, a\n", True),
    ("dataset,version,metric,mode\n", False),  # no model column
    ("dataset,version,metric\n", False),
    ("model,dataset,score\n", False),
    ("", False),
    ('{"dataset": 1}', False),
])
def test_looks_like_summary(text, expected):
    assert looks_like_summary(text) is expected


@pytest.mark.parametrize("name, expected", [
    ("summary_20240119_225509.csv", "20240119_225509"),
    ("outputs\\default\\summary\\summary_20240119_225509.csv", "20240119_225509"),
    ("bundle.zip/summary/summary_20240119_225509 (1).csv", "20240119_225509"),
    ("summary.csv", "<no-ts>"),
    ("summary_2024.csv", "<no-ts>"),
])
def test_timestamp_from_name(name, expected):
    assert timestamp_from_name(name) == expected


def test_a_summary_of_group_rows_only_gives_reported_averages():
    # Regression: with no category rows at all, building the overall table used to raise a KeyError.
    loaded = load_text("dataset,version,metric,mode,a\nceval,-,naive_average,gen,44.16\n", "s.csv")
    assert loaded.problems == [] and loaded.table.empty
    assert loaded.overall[["dataset", "group", "metric", "reported"]].values.tolist() == [
        ["ceval", "ceval", "naive_average", True]]
    assert loaded.overall["score"].tolist() == [pytest.approx(0.4416)]
