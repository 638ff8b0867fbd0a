"""The Twinkle Eval results format, on the real fixture and on generated variants."""

from __future__ import annotations

import json
import math

import pytest

from conftest import as_bytes, make_twinkle
from eval_analyzer.core.formats.twinkle import dataset_name, split_runs
from eval_analyzer.core.loader import load_files


def test_real_fixture_gives_three_datasets_and_125_categories(fixture_bytes, fixture_doc):
    loaded = load_files([("results_20250806_1543.json", fixture_bytes)])
    table = loaded.table
    assert loaded.problems == []
    assert sorted(table["dataset"].unique()) == ["mmlu", "tmmluplus", "tw-legal-benchmark-v1"]
    assert table.groupby("dataset").size().to_dict() == {"mmlu": 57, "tmmluplus": 67, "tw-legal-benchmark-v1": 1}
    assert set(table["source_label"]) == {"gpt-oss-120b @ 20250806_1543"}
    first = fixture_doc["dataset_results"]["datasets/mmlu/"]["results"][0]
    row = table[table["category"] == "logical_fallacies_test"].iloc[0]
    assert row["file"] == "logical_fallacies_test.csv"
    assert row["score"] == first["accuracy_mean"]
    assert row["std"] == first["accuracy_std"]
    assert list(row["run_scores"]) == first["individual_runs"]["accuracies"]
    assert row["n_runs"] == 3


def test_overall_average_reported_when_present_else_computed(fixture_doc):
    reported = make_twinkle("a", datasets={"mmlu": {"x": 0.2, "y": 0.4}})
    reported["dataset_results"]["datasets/mmlu/"]["average_accuracy"] = 0.9
    computed = make_twinkle("b", datasets={"mmlu": {"x": 0.2, "y": 0.4}})
    overall = load_files([("a.json", as_bytes(reported)), ("b.json", as_bytes(computed))]).overall
    by_source = overall.set_index("source_label")
    assert by_source.loc["a @ 20250101_0000", "score"] == 0.9
    assert bool(by_source.loc["a @ 20250101_0000", "reported"]) is True
    assert by_source.loc["b @ 20250101_0000", "score"] == pytest.approx(0.3)
    assert bool(by_source.loc["b @ 20250101_0000", "reported"]) is False


@pytest.mark.parametrize(("key", "expected"), [("datasets/mmlu/", "mmlu"), ("datasets/tmmluplus", "tmmluplus"),
                                                ("/datasets/x/", "x"), ("custom/set", "custom/set"), ("ab", "ab")])
def test_dataset_key_normalisation(key, expected):
    assert dataset_name(key) == expected


def test_missing_model_and_timestamp_fall_back_and_are_reported():
    document = make_twinkle()
    del document["timestamp"]
    document["config"] = {}
    loaded = load_files([("r.json", as_bytes(document))])
    assert set(loaded.table["source_label"]) == {"<unknown>"} and set(loaded.table["timestamp"]) == {"<no-ts>"}
    assert any("timestamp" in p.what for p in loaded.problems)


def test_missing_dataset_results_is_an_error_naming_the_field():
    loaded = load_files([("r.json", as_bytes({"timestamp": "t", "config": {}}))])
    assert loaded.table.empty
    assert len(loaded.problems) == 1 and "dataset_results" in loaded.problems[0].what
    assert loaded.problems[0].file == "r.json"


@pytest.mark.parametrize("bad", [None, "0.5", float("nan"), float("inf"), True, [0.5], {}])
def test_items_with_unusable_accuracy_are_skipped_with_a_notice(bad):
    document = make_twinkle(datasets={"mmlu": {"good": 0.5, "bad": 0.1}})
    document["dataset_results"]["datasets/mmlu/"]["results"][1]["accuracy_mean"] = bad
    loaded = load_files([("r.json", json.dumps(document, allow_nan=True).encode())])
    assert loaded.table["category"].tolist() == ["good"]
    problem = next(p for p in loaded.problems if "accuracy_mean" in p.what)
    assert problem.file == "r.json" and "bad.csv" in problem.where


def test_accuracy_used_when_accuracy_mean_absent_and_said_so():
    document = make_twinkle(datasets={"mmlu": {"x": 0.5}})
    item = document["dataset_results"]["datasets/mmlu/"]["results"][0]
    item["accuracy"] = item.pop("accuracy_mean")
    loaded = load_files([("r.json", as_bytes(document))])
    assert loaded.table["score"].tolist() == [0.5]
    assert any("'accuracy'" in p.what for p in loaded.problems)


def test_same_file_name_in_two_folders_uses_the_path_under_the_dataset():
    document = make_twinkle(datasets={"mmlu": {}})
    document["dataset_results"]["datasets/mmlu/"]["results"] = [
        {"file": "datasets/mmlu/dev/algebra.csv", "accuracy_mean": 0.1},
        {"file": "datasets/mmlu/test/algebra.csv", "accuracy_mean": 0.2},
        {"file": "datasets/mmlu/biology.csv", "accuracy_mean": 0.3},
    ]
    table = load_files([("r.json", as_bytes(document))]).table
    assert sorted(table["category"]) == ["biology", "dev/algebra", "test/algebra"]


def test_category_strips_only_the_last_extension_and_windows_paths():
    document = make_twinkle(datasets={"mmlu": {}})
    document["dataset_results"]["datasets/mmlu/"]["results"] = [
        {"file": "datasets\\mmlu\\a.b_test.csv", "accuracy_mean": 0.1}]
    table = load_files([("r.json", as_bytes(document))]).table
    assert table["category"].tolist() == ["a.b_test"] and table["file"].tolist() == ["a.b_test.csv"]


def test_same_label_different_documents_are_renamed_with_a_notice():
    one = make_twinkle("m", "t", {"mmlu": {"x": 0.1}})
    two = make_twinkle("m", "t", {"mmlu": {"x": 0.2}})
    three = make_twinkle("m", "t", {"mmlu": {"x": 0.3}})
    loaded = load_files([("1.json", as_bytes(one)), ("2.json", as_bytes(two)), ("3.json", as_bytes(three))])
    assert loaded.sources["source_label"].tolist() == ["m @ t", "m @ t (2)", "m @ t (3)"]
    assert sum("same label" in p.what for p in loaded.problems) == 2


def test_documents_of_one_label_with_other_datasets_join_one_source():
    one = make_twinkle("m", "t", {"mmlu": {"x": 0.1}, "tmmluplus": {"y": 0.2}})
    two = make_twinkle("m", "t", {"tw-legal": {"z": 0.3}})
    later = make_twinkle("m", "t2", {"mmlu": {"x": 0.4}})
    loaded = load_files([("1.json", as_bytes(one)), ("2.json", as_bytes(two)), ("3.json", as_bytes(later))])
    sources = loaded.sources.set_index("source_label")
    assert sorted(sources.index) == ["m @ t", "m @ t2"] and loaded.problems == []
    assert sources.loc["m @ t", "datasets"] == ["mmlu", "tmmluplus", "tw-legal"]


def test_byte_identical_duplicates_load_once_with_a_notice():
    data = as_bytes(make_twinkle())
    loaded = load_files([("1.json", data), ("copy.json", data)])
    assert len(loaded.sources) == 1 and len(loaded.table) == 2
    notice = next(p for p in loaded.problems if "identical" in p.what)
    assert notice.file == "copy.json" and notice.severity == "notice"


def test_optional_fields_are_kept_as_extra_metrics():
    document = make_twinkle(datasets={"mmlu": {"x": 0.5}})
    item = document["dataset_results"]["datasets/mmlu/"]["results"][0]
    item.update(pass_at_k_mean=0.7, unparsed_rate=0.01)
    table = load_files([("r.json", as_bytes(document))]).table
    primary = table[table["primary"]]
    assert primary["metric"].tolist() == ["accuracy"]
    extra = table[~table["primary"]].set_index("metric")
    assert extra.loc["pass_at_k", "score"] == 0.7
    assert bool(extra.loc["unparsed_rate", "higher_is_better"]) is False


def test_split_runs_makes_one_real_source_per_run(fixture_doc):
    runs = split_runs(fixture_doc)
    assert len(runs) == 3
    loaded = load_files([(f"run{i}.json", as_bytes(run)) for i, run in enumerate(runs)])
    assert loaded.sources["model"].unique().tolist() == ["gpt-oss-120b"]
    item = fixture_doc["dataset_results"]["datasets/mmlu/"]["results"][0]
    category = item["file"].split("/")[-1][:-4]
    scores = loaded.table[loaded.table["category"] == category].sort_values("source_label")["score"].tolist()
    assert scores == item["individual_runs"]["accuracies"]
    assert all(math.isfinite(s) for s in loaded.table["score"])


@pytest.mark.parametrize(("key", "path", "expected"), [
    ("datasets/mmlu/", "datasets/mmlu/stem/physics.csv", "stem/physics"),  # a subfolder is part of the name
    ("datasets/mmlu/", "datasets/mmlu/a/b/c.csv", "a/b/c"),
    ("datasets/mmlu/", "/home/u/twinkle/datasets/mmlu/law/intl.csv", "law/intl"),  # below the folder elsewhere
    ("datasets/mmlu/", "datasets/mmlu/plain.csv", "plain"),
    ("datasets/mmlu/", "elsewhere/other.csv", "other"),  # not below the dataset folder: the file name
    ("mmlu", "datasets/mmlu/x/y.csv", "x/y"),
])
def test_a_category_in_a_subfolder_keeps_its_whole_name(key, path, expected):
    document = make_twinkle(datasets={"mmlu": {}})
    block = document["dataset_results"].pop("datasets/mmlu/")
    block["results"] = [{"file": path, "accuracy_mean": 0.4}]
    document["dataset_results"][key] = block
    loaded = load_files([("r.json", as_bytes(document))])
    assert loaded.table["category"].tolist() == [expected]
