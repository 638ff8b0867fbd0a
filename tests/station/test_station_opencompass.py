"""A station written by OpenCompass itself (`-sp DIR`) is listed and read as is, problems included."""

from __future__ import annotations

import json

import pytest

from eval_analyzer.core.loader import load_paths
from eval_analyzer.station.store import Station

MODEL = {"abbr": "internlm-chat-7b-hf", "path": "internlm/internlm-chat-7b", "type": "HuggingFaceCausalLM",
         "max_out_len": 100, "batch_size": 8, "run_cfg": {"num_gpus": 1, "num_procs": 1}}
JUDGE = {"abbr": "gpt-4", "path": "gpt-4-1106-preview", "type": "OpenAI"}


def dataset_cfg(abbr: str, name: str | None) -> dict:
    cfg = {"abbr": abbr, "path": "./data/ceval/formal_ceval", "type": "CEvalDataset",
           "eval_cfg": {"evaluator": {"type": "AccEvaluator"}}}
    return {**cfg, "name": name} if name else cfg


def write_like_opencompass(root, abbr: str, file_stem: str, results: dict, cfg: dict) -> None:
    """What `opencompass.utils.result_station.save_to_station` does: json.dump(indent=4, ensure_ascii=False)."""
    folder = root / abbr
    folder.mkdir(parents=True, exist_ok=True)
    document = {"predictions": [{"origin_prompt": "以下是中国关于法律考试的单项选择题", "prediction": "A",
                                 "gold": "A"}], "results": results, "cfg": cfg}
    with open(folder / f"{file_stem}.json", "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=4)


@pytest.fixture
def oc_station(tmp_path):
    root = tmp_path / "oc"
    write_like_opencompass(root, "ceval-computer_network", "internlm-chat-7b-hf",
                           {"accuracy": 52.63, "details": {"0": {"correct": True}}},
                           {"models": MODEL, "datasets": dataset_cfg("ceval-computer_network", "computer_network")})
    write_like_opencompass(root, "ceval-law", "internlm-chat-7b-hf",
                           {"error": "predictions and references have different length. len(predictions): 10"},
                           {"models": MODEL, "datasets": dataset_cfg("ceval-law", "law")})
    write_like_opencompass(root, "alignment_bench", "internlm-chat-7b-hf_judged-by--gpt-4",
                           {"总分": 5.82, "专业能力": 6.41},
                           {"models": MODEL, "datasets": dataset_cfg("alignment_bench", None), "judge_models": JUDGE})
    return root


def test_every_entry_is_listed_with_its_format_and_problem(oc_station):
    entries = Station(oc_station, create=False).entries()
    assert [(e.dataset, e.model, e.format) for e in entries] == [
        ("alignment_bench", "internlm-chat-7b-hf_judged-by--gpt-4", "opencompass-station"),
        ("ceval-computer_network", "internlm-chat-7b-hf", "opencompass-station"),
        ("ceval-law", "internlm-chat-7b-hf", "opencompass-station"),
    ]
    assert [bool(e.problem) for e in entries] == [False, False, True]
    assert "different length" in entries[2].problem


def test_the_folder_loads_with_the_error_entry_reported(oc_station):
    loaded = load_paths([oc_station])
    assert sorted(loaded.sources["model"]) == ["internlm-chat-7b-hf", "internlm-chat-7b-hf (judged by gpt-4)"]
    [problem] = [p for p in loaded.problems if p.severity == "error"]
    assert "ceval-law" in problem.file and "different length" in problem.what


def test_republishing_keeps_opencompass_names_and_content(oc_station, tmp_path):
    loaded = load_paths([oc_station])
    mine = Station(tmp_path / "mine")
    results = mine.publish(loaded.documents)
    assert sorted((r.dataset, r.model, r.status) for r in results) == [
        ("alignment_bench", "internlm-chat-7b-hf_judged-by--gpt-4", "written"),
        ("ceval-computer_network", "internlm-chat-7b-hf", "written"),
    ]
    for result in results:
        relative = result.path.relative_to(mine.root)
        original = oc_station / relative
        assert json.loads(result.path.read_bytes()) == json.loads(original.read_bytes())
        assert result.path.read_bytes() == original.read_bytes().rstrip(b"\n") + b"\n"
