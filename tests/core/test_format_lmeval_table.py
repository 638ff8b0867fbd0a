"""lm-evaluation-harness's printed results table in .md/.txt files, read as users load them.

Two independent producers of tables: `make_table` below, ported from lm-eval's `lm_eval/utils.py` (0.3's
evaluator, 0.4.0, 0.4.3+ with the arrow column, and 0.5's indent-from-`group_subtasks`) and run over real
results JSON (tests/data/lmeval/*.json, see /work/shared/fixtures/README.md for their sources); and three tables
lm-eval itself printed, copied byte for byte from EleutherAI/lm-evaluation-harness `tests/testdata/*_10_hf_
pretrained-EleutherAI-pythia-14m-deduped-dtype-float32-device-cpu.txt` (commit 4e7e0d47). Expected numbers come
from the JSON with plain Python, and from the JSON reader, which a table of the same run must agree with.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from pathlib import Path

import pytest

from eval_analyzer.core.formats.lmeval_table import looks_like_table, timestamp_from_name
from eval_analyzer.core.formats.lmeval_tasks import family_of
from eval_analyzer.core.loader import load_files, load_paths

DATA = Path(__file__).parent.parent / "data" / "lmeval"
GPT2 = DATA / "v04_gpt2_results_2024-09-30T13-37-24.988855.json"
ALLORIG = DATA / "v04_allorig_results_2025-12-17T20-28-43.535870.json"
AFRICAN = DATA / "v04_african_gemma-2b_results_2026-01-16T15-23-47.285735.json"
GSM8K = DATA / "openllm_Llama-3-8B-Instruct_gsm8k.json"
XNLI = DATA / "v03_xglm-564M_xnli_0-shot.json"
PRINTED = "_10_hf_pretrained-EleutherAI-pythia-14m-deduped-dtype-float32-device-cpu.txt"
ARROWS = {True: "↑", False: "↓"}
HEADLINES = ("acc,none", "exact_match,strict-match", "acc", "exact_match")


# -- the independent producer: lm-eval's make_table and pytablewriter's Markdown, ported ------------------------
def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def markdown(headers: list[str], rows: list[list[str]]) -> str:
    """pytablewriter's MarkdownTableWriter layout: centred headers, numbers right-aligned, text left-aligned."""
    cells = [[str(cell) for cell in row] for row in rows]
    numeric = [any(_is_number(row[i]) for row in cells) and all(_is_number(row[i]) or not row[i].strip()
                                                                 for row in cells) for i in range(len(headers))]
    widths = [max(3, len(header), *(len(row[i]) for row in cells)) for i, header in enumerate(headers)]
    lines = ["|" + "|".join(header.center(width) for header, width in zip(headers, widths, strict=True)) + "|",
             "|" + "|".join("-" * (width - 1) + ":" if num else "-" * width
                            for width, num in zip(widths, numeric, strict=True)) + "|"]
    for row in cells:
        lines.append("|" + "|".join(cell.rjust(width) if num else cell.ljust(width)
                                    for cell, width, num in zip(row, widths, numeric, strict=True)) + "|")
    return "\n".join(lines)


def make_table(result: dict, column: str = "results", layout: str = "0.4.3") -> str:
    """`make_table` of the lm-eval version `layout` ("0.3", "0.4.0", "0.4.3", "0.5")."""
    if layout == "0.3":
        headers = ["Task", "Version", "Metric", "Value", "", "Stderr"]
    elif layout == "0.4.0":
        headers = ["Groups" if column == "groups" else "Tasks", "Version", "Filter", "n-shot", "Metric", "Value", "",
                   "Stderr"]
    else:
        headers = ["Groups" if column == "groups" else "Tasks", "Version", "Filter", "n-shot", "Metric", "", "Value",
                   "", "Stderr"]
    depth = _depths(result.get("group_subtasks", {})) if layout == "0.5" else {}
    rows = []
    for key, entry in result[column].items():
        entry = dict(entry)
        name = entry.pop("alias", key)
        if depth.get(key):
            name = " " * depth[key] + "- " + name
        version = result["versions"].get(key, "    N/A")
        shots = str(result.get("n-shot", {}).get(key, " "))
        arrows = result.get("higher_is_better", {}).get(key, {})
        entry.pop("sample_len", None)
        items = entry.items() if layout in ("0.3", "0.4.0") else sorted(entry.items())
        for metric_filter, value in items:
            metric, _comma, flt = metric_filter.partition(",")
            if metric.endswith("_stderr"):
                continue
            stderr_key = f"{metric}_stderr,{flt}" if layout != "0.3" else f"{metric}_stderr"
            stderr = entry.get(stderr_key)
            stderr_cell = "" if stderr is None else "   N/A" if stderr == "N/A" else f"{stderr:.4f}"
            plus = "±" if stderr is not None else ""
            value_cell = f"{value:.4f}"
            if layout == "0.3":
                rows.append([name, version, metric, value_cell, plus, stderr_cell])
            elif layout == "0.4.0":
                rows.append([name, version, flt, shots, metric, value_cell, plus, stderr_cell])
            else:
                rows.append([name, version, flt, shots, metric, ARROWS.get(arrows.get(metric), ""), value_cell, plus,
                             stderr_cell])
            name, version = "", ""
    return markdown(headers, rows)


def _depths(tree: dict[str, list[str]]) -> dict[str, int]:
    children = {child for kids in tree.values() for child in kids}
    found: dict[str, int] = {}

    def visit(name: str, depth: int) -> None:
        found[name] = depth
        for child in tree.get(name, []):
            visit(child, depth + 1)

    for name in tree:
        if name not in children:
            visit(name, 0)
    return found


def run_line(result: dict, layout: str = "0.4.3") -> str:
    """The line lm-eval prints above its table (model_args as given: a string, or a dict in newer versions)."""
    config = result["config"]
    if layout == "0.3":
        return (f"{config['model']} ({config['model_args']}), limit: {config.get('limit')}, provide_description: "
                f"False, num_fewshot: {config.get('num_fewshot')}, batch_size: {config.get('batch_size')}")
    return (f"{config['model']} ({config['model_args']}), gen_kwargs: (None), limit: {config.get('limit')}, "
            f"num_fewshot: None, batch_size: {config.get('batch_size')}")


# -- helpers ------------------------------------------------------------------------------------------------------
def load_text(text: str, name: str = "notes/run.md"):
    return load_files([(name, text.encode())])


def by_key(table) -> dict[tuple[str, str, str], dict]:
    return {(row["dataset"], row["category"], row["metric"]): row for row in table.to_dict("records")}


def expected_leaves(result: dict, filtered: bool = True) -> dict[tuple[str, str, str], tuple[float, float]]:
    """(dataset, category, metric) -> (value, stderr) of every task without subtasks, straight from the JSON."""
    found = {}
    for task, entry in result["results"].items():
        for key, value in entry.items():
            if key == "alias" or "_stderr" in key or not isinstance(value, (int, float)):
                continue
            metric, _comma, flt = key.partition(",")
            stderr = entry.get(f"{metric}_stderr,{flt}" if filtered else f"{metric}_stderr")
            dataset, category = family_of(task) or (task, task)  # the family table has its own tests
            found[(dataset, category, key)] = (value, stderr if isinstance(stderr, float) else math.nan)
    return found


def assert_close(actual: float, expected: float) -> None:
    """The table prints four decimals."""
    if math.isnan(expected):
        assert math.isnan(actual)
    else:
        assert abs(actual - expected) <= 5e-5 + 1e-12, (actual, expected)


# -- a table of a real run reads like its JSON ---------------------------------------------------------------------
@pytest.mark.parametrize(("path", "layout"), [
    (GPT2, "0.4.3"), (ALLORIG, "0.4.3"), (AFRICAN, "0.4.3"), (GSM8K, "0.4.0"), (GSM8K, "0.5"), (XNLI, "0.3"),
])
def test_the_table_of_a_real_run_gives_the_scores_of_its_json(path, layout):
    result = json.loads(path.read_text(encoding="utf-8"))
    text = run_line(result, layout) + "\n" + make_table(result, layout=layout) + "\n"
    from_table = load_text(text, f"pasted/{path.stem}.md")
    from_json = load_files([(path.name, path.read_bytes())])
    assert [p for p in from_table.problems if p.severity != "notice"] == []

    expected = expected_leaves(result, filtered=layout != "0.3")
    table, json_table = by_key(from_table.table), by_key(from_json.table)
    assert set(table) == set(expected) == set(json_table)
    for key, (value, stderr) in expected.items():
        assert_close(table[key]["score"], value)
        assert_close(table[key]["stderr"], stderr)
        for column in ("higher_is_better", "unit_scale"):
            assert table[key][column] == json_table[key][column], (key, column)
    # The headline: lm-eval's usual one (acc, strict-match) as the JSON reader picks it; else the first metric
    # printed, since 0.4.3 sorts the metrics and the JSON's own order is not in the table.
    for task in result["results"]:
        leaf = family_of(task) or (task, task)
        metrics = [key[2] for key in expected if key[:2] == leaf]
        printed = metrics if layout in ("0.3", "0.4.0") else sorted(metrics)
        headline = next((name for name in HEADLINES if name in metrics), printed[0])
        assert [key[2] for key in expected if key[:2] == leaf and table[key]["primary"]] == [headline]
        if headline in HEADLINES:
            assert json_table[(*leaf, headline)]["primary"]
    assert from_table.sources["model"].tolist() == from_json.sources["model"].tolist()
    assert from_table.datasets == from_json.datasets
    assert set(from_table.table["format"]) == {"lm-eval-table"}


def test_the_run_line_names_the_model_and_a_dated_file_name_the_timestamp():
    result = json.loads(ALLORIG.read_text(encoding="utf-8"))  # model_args is a dict: lm-eval prints its repr
    text = run_line(result) + "\n" + make_table(result) + "\n"
    loaded = load_text(text, "runs/results_2025-12-17T20-28-43.535870.md")
    [label] = loaded.sources["source_label"]
    assert label == "/scratch/hieu/nl2foam_sft_0/outputs/nl2foam_sft_0__8__1765350318 @ 20251217_202843"
    assert timestamp_from_name("eval_20240501.txt") == "20240501"
    assert timestamp_from_name("README.md") == "<no-ts>"


def test_without_a_run_line_the_file_name_names_the_model_and_says_so():
    result = json.loads(GPT2.read_text(encoding="utf-8"))
    loaded = load_text(make_table(result), "docs/gpt2-small.md")
    assert loaded.sources["source_label"].tolist() == ["gpt2-small"]  # no date in the name: no timestamp
    [notice] = loaded.problems
    assert notice.code == "lmeval_table.model_from_name" and notice.severity == "notice"
    assert "gpt2-small" in notice.what


# -- groups: the tree, the Groups table ----------------------------------------------------------------------------
def leaf(alias: str, acc: float, stderr: float) -> dict:
    return {"alias": alias, "acc,none": acc, "acc_stderr,none": stderr}


#: An lm-eval 0.4 run of a group tree (as `prepare_print_tasks` orders and indents it) and a task on its own.
TREE = {
    "results": {
        "mmlu": {"acc,none": 0.4587, "acc_stderr,none": 0.0041, "alias": "mmlu"},
        "mmlu_humanities": {"acc,none": 0.6266, "acc_stderr,none": 0.0069, "alias": " - humanities"},
        "mmlu_philosophy": leaf("  - philosophy", 0.5691, 0.0281),
        "mmlu_world_religions": leaf("  - world_religions", 0.6842, 0.0356),
        "mmlu_stem": {"acc,none": 0.3722, "acc_stderr,none": 0.0085, "alias": " - stem"},
        "mmlu_abstract_algebra": leaf("  - abstract_algebra", 0.30, 0.0461),
        "mmlu_anatomy": leaf("  - anatomy", 0.4444, 0.0429),
        "arc_easy": {"acc,none": 0.7626, "acc_stderr,none": 0.0087, "acc_norm,none": 0.7449,
                     "acc_norm_stderr,none": 0.0089, "alias": "arc_easy"},
    },
    "groups": {
        "mmlu": {"acc,none": 0.4587, "acc_stderr,none": 0.0041, "alias": "mmlu"},
        "mmlu_humanities": {"acc,none": 0.6266, "acc_stderr,none": 0.0069, "alias": " - humanities"},
        "mmlu_stem": {"acc,none": 0.3722, "acc_stderr,none": 0.0085, "alias": " - stem"},
    },
    "group_subtasks": {"mmlu_humanities": ["mmlu_philosophy", "mmlu_world_religions"],
                       "mmlu_stem": ["mmlu_abstract_algebra", "mmlu_anatomy"],
                       "mmlu": ["mmlu_humanities", "mmlu_stem"], "arc_easy": []},
    "configs": {task: {"task": task, "dataset_name": task.removeprefix("mmlu_")}
                for task in ("mmlu_philosophy", "mmlu_world_religions", "mmlu_abstract_algebra", "mmlu_anatomy")},
    "versions": {"mmlu": 2, "mmlu_philosophy": 1.0, "arc_easy": 1.0},
    "n-shot": {"mmlu_philosophy": 0, "arc_easy": 0},
    "higher_is_better": {"mmlu": {"acc": True}, "arc_easy": {"acc": True, "acc_norm": True}},
    "config": {"model": "hf", "model_args": "pretrained=meta-llama/Llama-2-7b-hf,dtype=bfloat16"},
}


def tree_text(layout: str = "0.4.3") -> str:
    return (f"{run_line(TREE)}\n{make_table(TREE, layout=layout)}\n\n{make_table(TREE, 'groups', layout=layout)}\n")


def unindented(result: dict) -> dict:
    """lm-eval 0.5 stores aliases without the indent and indents while printing."""
    copy = json.loads(json.dumps(result))
    for entries in (copy["results"], copy["groups"]):
        for entry in entries.values():
            entry["alias"] = entry["alias"].lstrip(" -")
    return copy


@pytest.mark.parametrize("layout", ["0.4.0", "0.4.3", "0.5"])
def test_groups_are_overall_averages_and_their_subtasks_the_categories(layout):
    source = unindented(TREE) if layout == "0.5" else TREE
    text = f"{run_line(source)}\n{make_table(source, layout=layout)}\n\n{make_table(source, 'groups', layout=layout)}"
    loaded = load_text(text)
    from_json = load_files([("results_2024-05-01T12-00-00.json", json.dumps(TREE).encode())])
    assert loaded.problems == []
    table = loaded.table
    assert sorted(table["dataset"].unique()) == sorted(from_json.table["dataset"].unique()) == ["arc_easy", "mmlu"]
    mmlu = table[table["dataset"] == "mmlu"]
    json_mmlu = from_json.table[from_json.table["dataset"] == "mmlu"]
    assert sorted(mmlu["category"]) == sorted(json_mmlu["category"]) == [
        "abstract_algebra", "anatomy", "philosophy", "world_religions"]
    for category, score in zip(mmlu["category"], mmlu["score"], strict=True):
        assert_close(score, TREE["results"][f"mmlu_{category}"]["acc,none"])
    # The groups' own numbers are reported averages, once each (the Groups table repeats them), never categories.
    overall = loaded.overall[loaded.overall["reported"]]
    assert sorted(zip(overall["group"], overall["score"], strict=True)) == [
        ("humanities", 0.6266), ("mmlu", 0.4587), ("stem", 0.3722)]
    assert set(overall["dataset"]) == {"mmlu"} and set(overall["metric"]) == {"acc,none"}
    json_overall = from_json.overall[from_json.overall["reported"]]
    assert sorted(json_overall["score"]) == sorted(overall["score"])


def test_lm_evals_own_printed_group_table_reads_its_subtasks_and_its_average():
    text = (DATA / f"mmlu_stem{PRINTED}").read_text(encoding="utf-8")
    loaded = load_text(text, f"tests/testdata/mmlu_stem{PRINTED}")
    rows = [line.split("|") for line in text.splitlines() if line.startswith("| - ")]
    assert loaded.datasets == ["stem"]
    assert sorted(loaded.table["category"]) == sorted(row[1].strip(" -") for row in rows)
    assert loaded.table["stderr"].isna().all()  # N/A
    assert loaded.table["higher_is_better"].all() and loaded.table["unit_scale"].all()
    [stem] = loaded.overall[loaded.overall["reported"]].to_dict("records")
    assert (stem["group"], stem["score"]) == ("stem", 0.2474)
    # lm-eval averaged 19 subjects of 10 questions each: the reported number is their plain mean.
    assert abs(sum(float(row[7]) for row in rows) / len(rows) - stem["score"]) < 5e-5


def test_a_groups_table_pasted_right_under_the_tasks_table_is_still_the_groups_table():
    text = f"{make_table(TREE)}\n{make_table(TREE, 'groups')}\n"
    loaded = load_text(text, "run.md")
    assert [p.code for p in loaded.problems] == ["lmeval_table.model_from_name"]
    assert sorted(loaded.overall[loaded.overall["reported"]]["group"]) == ["humanities", "mmlu", "stem"]
    assert len(loaded.table) == 6  # four subjects, arc_easy's acc and acc_norm


def test_a_reformatted_table_keeps_its_groups_out_of_the_categories():
    """prettier pads every cell and trims the indent, so `  - philosophy` and ` - humanities` look alike; the
    Groups table still says which rows are groups."""
    text = tree_text()
    pretty = "\n".join("| " + " | ".join(cell.strip() for cell in line.strip("|").split("|")) + " |"
                       if line.startswith("|") else line for line in text.splitlines())
    loaded = load_text(pretty)
    mmlu = loaded.table[loaded.table["dataset"] == "mmlu"]
    assert sorted(mmlu["category"]) == ["abstract_algebra", "anatomy", "philosophy", "world_religions"]
    assert sorted(loaded.overall[loaded.overall["reported"]]["group"]) == ["humanities", "mmlu", "stem"]


def test_a_groups_table_alone_is_one_clear_problem():
    text = make_table(TREE, "groups")
    loaded = load_text(text, "groups.md")
    assert loaded.table.empty
    [only] = loaded.problems
    assert only.code == "lmeval_table.only_groups" and only.severity == "error" and only.fix


# -- cells: arrows, N/A, continuation rows, bad values ------------------------------------------------------------
def test_arrows_give_the_direction_and_no_arrow_falls_back_to_the_metric_rule():
    text = (DATA / f"lambada_openai{PRINTED}").read_text(encoding="utf-8")
    rows = by_key(load_text(text, "lambada.txt").table)
    assert rows[("lambada", "openai", "perplexity,none")]["higher_is_better"] is False
    assert rows[("lambada", "openai", "perplexity,none")]["score"] == 605.3866
    assert rows[("lambada", "openai", "perplexity,none")]["unit_scale"] is False
    assert rows[("lambada", "openai", "acc,none")]["higher_is_better"] is True
    # A metric of its own with ↓: the arrow wins over the name rule; no arrow column: the name rule decides.
    custom = ("|Tasks|Version|Filter|n-shot|Metric| |Value| |Stderr|\n|---|--:|---|--:|---|---|--:|---|--:|\n"
              "|mytask|1|none|0|edit_distance|↓|3.5000|±|0.1000|\n")
    [row] = load_text(custom).table.to_dict("records")
    assert row["higher_is_better"] is False and row["stderr"] == 0.1
    old = ("|Task|Version|Metric|Value| |Stderr|\n|----|------:|------|-----:|---|-----:|\n"
           "|wikitext|1|word_perplexity|12.3400| | |\n|lambada|0|acc|0.6|±|0.0100|\n")
    rows = by_key(load_text(old).table)
    assert rows[("wikitext", "wikitext", "word_perplexity")]["higher_is_better"] is False
    assert math.isnan(rows[("wikitext", "wikitext", "word_perplexity")]["stderr"])
    assert rows[("lambada", "lambada", "acc")]["higher_is_better"] is True


def test_empty_name_cells_continue_the_task_above():
    text = (DATA / f"ai2_arc{PRINTED}").read_text(encoding="utf-8")  # pytablewriter printed 0.3000 as 0.3
    rows = by_key(load_text(text, "arc.txt").table)
    assert {key: row["score"] for key, row in rows.items()} == {
        ("arc_challenge", "arc_challenge", "acc,none"): 0.0, ("arc_challenge", "arc_challenge", "acc_norm,none"): 0.0,
        ("arc_easy", "arc_easy", "acc,none"): 0.3, ("arc_easy", "arc_easy", "acc_norm,none"): 0.1}
    assert rows[("arc_easy", "arc_easy", "acc,none")]["primary"]
    assert not rows[("arc_easy", "arc_easy", "acc_norm,none")]["primary"]


def test_a_row_that_is_not_a_number_is_a_warning_naming_its_line():
    text = ("hf (pretrained=m), gen_kwargs: (None), limit: None, num_fewshot: None, batch_size: 1\n"
            "|Tasks|Version|Filter|n-shot|Metric| |Value| |Stderr|\n|---|--:|---|--:|---|---|--:|---|--:|\n"
            "|a|1|none|0|acc|↑|0.5000|±|0.0100|\n"
            "|b|1|none|0|acc|↑|n/a|±|0.0100|\n"
            "|c|1|none|0|acc|↑|0.7000|±|0.0100|\n"
            "|d|1|none|0|acc\n")
    loaded = load_text(text, "bad.md")
    assert sorted(loaded.table["dataset"]) == ["a", "c"]
    bad, short = loaded.problems
    assert (bad.code, bad.where, bad.severity) == ("lmeval_table.not_a_number", "line 5", "warning")
    assert "'n/a'" in bad.what and "'b'" in bad.what
    assert (short.code, short.where) == ("lmeval_table.row_width", "line 7")


def test_a_table_with_no_usable_rows_is_one_error():
    text = ("|Tasks|Version|Filter|n-shot|Metric| |Value| |Stderr|\n|---|--:|---|--:|---|---|--:|---|--:|\n"
            "|a|1|none|0|acc|↑|-|±|0.0100|\n")
    loaded = load_text(text, "empty.md")
    [only] = loaded.problems
    assert only.code == "lmeval_table.no_rows" and only.severity == "error"
    assert "line 3" in only.what  # the first bad row, so the user sees why


# -- text around the table ----------------------------------------------------------------------------------------
def test_prose_and_other_tables_around_the_table_are_ignored():
    result = json.loads(GSM8K.read_text(encoding="utf-8"))
    text = ("# Llama 3 8B Instruct\n\nWe evaluated with `lm_eval --tasks gsm8k`. Scores | are | below.\n\n"
            "| Model | Params | Notes |\n|---|---|---|\n| Llama-3 | 8B | instruct |\n\n```\n"
            f"{run_line(result)}\n{make_table(result)}\n```\n\nThe strict match is lower than the flexible one.\n")
    assert looks_like_table(text)
    loaded = load_text(text, "README.md")
    assert loaded.problems == []
    assert loaded.sources["model"].tolist() == ["meta-llama/Meta-Llama-3-8B-Instruct"]
    rows = by_key(loaded.table)
    assert_close(rows[("gsm8k", "gsm8k", "exact_match,strict-match")]["score"],
                 result["results"]["gsm8k"]["exact_match,strict-match"])
    assert rows[("gsm8k", "gsm8k", "exact_match,strict-match")]["primary"]  # the JSON reader's headline


def test_two_runs_in_one_file_are_two_sources():
    one = json.loads(GPT2.read_text(encoding="utf-8"))
    other = json.loads(json.dumps(one))
    other["config"]["model_args"] = "pretrained=gpt2-medium"
    other["results"]["beep"]["acc,none"] = 0.61
    text = f"## small\n{run_line(one)}\n{make_table(one)}\n\n## medium\n{run_line(other)}\n{make_table(other)}\n"
    loaded = load_text(text, "comparison.md")
    assert loaded.sources["model"].tolist() == ["gpt2", "gpt2-medium"]
    scores = dict(zip(loaded.table["model"], loaded.table["score"], strict=True))
    assert scores == {"gpt2": round(one["results"]["beep"]["acc,none"], 4), "gpt2-medium": 0.61}


# -- files in folders and zips ------------------------------------------------------------------------------------
def test_notes_in_a_folder_are_passed_over_and_tables_read(tmp_path):
    result = json.loads(GPT2.read_text(encoding="utf-8"))
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "gpt2.md").write_text(run_line(result) + "\n" + make_table(result), encoding="utf-8")
    (tmp_path / "README.md").write_text("# Our evaluations\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("lm_eval==0.4.3\ntorch\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    loaded = load_paths([tmp_path])
    assert loaded.problems == []
    assert loaded.sources["model"].tolist() == ["gpt2"]
    assert [report.name for report in loaded.files] == [str(tmp_path / "runs" / "gpt2.md")]
    # Named directly, the same notes are explained: one problem each.
    named = load_paths([tmp_path / "requirements.txt", tmp_path / "README.md"])
    assert [(p.code, p.severity) for p in named.problems] == [("text.no_results_table", "error")] * 2
    assert "lm-evaluation-harness" in named.problems[0].what


def test_an_uploaded_text_without_a_table_is_one_problem():
    loaded = load_files([("notes.txt", b"remember to run mmlu\nand gsm8k\n")])
    [only] = loaded.problems
    assert only.code == "text.no_results_table" and only.fix


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_reads_its_tables_and_passes_over_its_notes():
    table = (DATA / f"lambada_openai{PRINTED}").read_bytes()
    loaded = load_files([("bundle.zip", _zip({"run/README.md": b"# notes", "run/table.txt": table}))])
    assert loaded.problems[0].code == "lmeval_table.model_from_name"  # the only one: the README said nothing
    assert len(loaded.problems) == 1 and loaded.datasets == ["lambada"]
    notes_only = load_files([("notes.zip", _zip({"README.md": b"# notes", "todo.txt": b"- run mmlu"}))])
    [only] = notes_only.problems
    assert only.code == "zip.no_results"
