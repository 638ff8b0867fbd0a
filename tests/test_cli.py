"""`eval-analyzer table` and `compare` as a script or CI job uses them: output shapes and exit codes."""

from __future__ import annotations

import csv
import io
import json
import statistics
import subprocess
import sys

import pytest

import datagen
from conftest import FIXTURE, as_bytes, make_twinkle
from eval_analyzer.core.formats.twinkle import split_runs
from eval_analyzer.core.table import TABLE_COLUMNS


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eval_analyzer.cli", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory, fixture_doc):
    folder = tmp_path_factory.mktemp("runs")
    for number, document in enumerate(split_runs(fixture_doc), start=1):
        (folder / f"results_run{number}.json").write_bytes(as_bytes(document))
    return folder


def test_table_json_lists_rows_with_the_documented_columns():
    result = run("table", FIXTURE, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 125 and list(rows[0]) == [*TABLE_COLUMNS, "units"]
    assert rows[0]["run_scores"] and rows[0]["stderr"] is None


def test_table_says_where_the_unit_scale_is_only_assumed(tmp_path):
    path = tmp_path / "results.json"
    path.write_bytes(as_bytes({"results": {"judge": {"judge_score": 0.62}, "arc_easy": {"acc": 0.7}},
                               "versions": {}, "config": {"model_args": "pretrained=m"}}))
    rows = {row["metric"]: row for row in json.loads(run("table", path, "--format", "json").stdout)}
    assert rows["judge_score"]["scale_assumed"] is True and rows["judge_score"]["unit_scale"] is True
    assert rows["acc"]["scale_assumed"] is False
    csv_rows = {row["metric"]: row for row in csv.DictReader(io.StringIO(run("table", path).stdout))}
    assert csv_rows["judge_score"]["scale_assumed"] == "True" and csv_rows["acc"]["scale_assumed"] == "False"


def test_table_csv_and_problems_on_stderr_with_exit_1(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    result = run("table", FIXTURE, bad)
    assert result.returncode == 1
    assert "bad.json" in result.stderr and "not valid JSON" in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 125 and rows[0]["source_label"] == "gpt-oss-120b @ 20250806_1543"


def test_usage_errors_exit_2(tmp_path):
    assert run("table").returncode == 2
    assert run("table", FIXTURE, "--format", "xml").returncode == 2
    assert run("compare", FIXTURE).returncode == 2  # no --baseline
    result = run("compare", FIXTURE, "--baseline", "nobody")
    assert result.returncode == 2 and "nobody" in result.stderr


def test_compare_json_matches_an_independent_calculation(runs_dir, fixture_doc):
    result = run("compare", runs_dir, "--baseline", "gpt-oss-120b @ 20250806_1543 run1", "--dataset", "mmlu",
                 "--format", "json", "--ranking", "--eps", "0.5", "--min-delta", "2")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["baseline"] == "gpt-oss-120b @ 20250806_1543 run1" and document["scale"] == 100
    items = fixture_doc["dataset_results"]["datasets/mmlu/"]["results"]
    by_candidate = {row["candidate"]: row for row in document["summary"]}
    for run_index in (1, 2):
        deltas = [(item["individual_runs"]["accuracies"][run_index] - item["individual_runs"]["accuracies"][0]) * 100
                  for item in items]
        row = by_candidate[f"gpt-oss-120b @ 20250806_1543 run{run_index + 1}"]
        assert row["mean_delta"] == pytest.approx(statistics.mean(deltas), abs=1e-9)
        assert row["median_delta"] == pytest.approx(statistics.median(deltas), abs=1e-9)
        assert row["wins"] == sum(d > 0.5 + 1e-9 for d in deltas)
        assert row["losses"] == sum(d < -0.5 - 1e-9 for d in deltas)
        assert row["wins"] + row["losses"] + row["ties"] == row["paired"] == row["total"] == 57
    assert document["ranking"] and all(abs(r["delta"]) >= 2 for r in document["ranking"])
    assert list(document["ranking"][0]) == ["dataset", "category", "candidate", "baseline", "baseline_score",
                                            "candidate_score", "delta", "noise", "within_noise", "units"]


def test_compare_baseline_by_unambiguous_model_name_and_text_formats(tmp_path):
    (tmp_path / "a.json").write_bytes(as_bytes(make_twinkle("alpha", "1", {"d": {"x": 0.5, "y": 0.5}})))
    (tmp_path / "b.json").write_bytes(as_bytes(make_twinkle("beta", "1", {"d": {"x": 0.6, "y": 0.3}})))
    table = run("compare", tmp_path, "--baseline", "alpha")
    assert table.returncode == 0 and "beta @ 1" in table.stdout and "1/1/0" in table.stdout
    markdown = run("compare", tmp_path, "--baseline", "alpha", "--format", "markdown", "--ranking")
    assert markdown.stdout.startswith("| dataset | candidate |") and "| d | y |" in markdown.stdout
    as_csv = run("compare", tmp_path, "--baseline", "alpha", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert float(rows[0]["mean_delta"]) == pytest.approx(-5.0)


def test_fail_on_regression_exits_3_only_below_the_gate(tmp_path):
    (tmp_path / "a.json").write_bytes(as_bytes(make_twinkle("alpha", "1", {"d": {"x": 0.5, "y": 0.5}})))
    (tmp_path / "b.json").write_bytes(as_bytes(make_twinkle("beta", "1", {"d": {"x": 0.47, "y": 0.49}})))
    # mean Δ = -2 pp
    assert run("compare", tmp_path, "--baseline", "alpha", "--fail-on-regression", "1").returncode == 3
    assert run("compare", tmp_path, "--baseline", "alpha", "--fail-on-regression", "3").returncode == 0
    # The gate is in percentage points whatever the display scale.
    assert run("compare", tmp_path, "--baseline", "alpha", "--scale", "1", "--fail-on-regression", "1").returncode == 3


def test_compare_reports_a_dataset_without_baseline_scores(tmp_path):
    (tmp_path / "a.json").write_bytes(as_bytes(make_twinkle("alpha", "1", {"d": {"x": 0.5}})))
    (tmp_path / "b.json").write_bytes(as_bytes(make_twinkle("beta", "1", {"d": {"x": 0.6}, "e": {"x": 0.1}})))
    result = run("compare", tmp_path, "--baseline", "alpha", "--dataset", "e")
    assert result.returncode == 2 and "no scores" in result.stderr


def test_compare_on_another_metric_and_an_unknown_metric_is_a_usage_error(tmp_path):
    for model, easy, challenge in (("m1", 0.7, 0.4), ("m2", 0.6, 0.5)):
        name, data = datagen.lmeval_file(model, easy, challenge)
        (tmp_path / name).write_bytes(data)
    primary = json.loads(run("compare", tmp_path, "--baseline", "m1", "--format", "json").stdout)
    norm = json.loads(run("compare", tmp_path, "--baseline", "m1", "--metric", "acc_norm,none", "--format",
                          "json").stdout)
    assert primary["summary"][0]["mean_delta"] == pytest.approx(((0.6 - 0.7) + (0.5 - 0.4)) / 2 * 100)
    assert norm["summary"][0]["mean_delta"] == pytest.approx(((0.66 - 0.77) + (0.525 - 0.42)) / 2 * 100)
    assert norm["summary"][0]["mean_delta"] != primary["summary"][0]["mean_delta"]
    unknown = run("compare", tmp_path, "--baseline", "m1", "--metric", "f1")
    assert unknown.returncode == 2 and "no metric 'f1'" in unknown.stderr and "acc_norm,none" in unknown.stderr


def test_every_command_and_option_is_documented_in_the_readme():
    from pathlib import Path

    from eval_analyzer.cli import build_parser

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(action for action in parser._actions if action.dest == "command").choices
    for name, command in commands.items():
        assert f"eval-analyzer {name}" in readme, f"README does not document `eval-analyzer {name}`"
        for action in command._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in readme, f"README does not mention {name} {flag}"


@pytest.fixture
def perplexity_dir(tmp_path):
    for model in ("m1", "m2"):
        name, data = datagen.lmeval_perplexity_file(model)
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_compare_on_perplexity_prints_delta_in_perplexity_units_not_pp(perplexity_dir):
    scores = datagen.PERPLEXITY_SCORES
    # Lower is better: positive Δ = baseline − candidate. Independent of the code: the files' own numbers.
    deltas = {task: scores["m1"][task][1] - scores["m2"][task][1] for task in scores["m1"]}
    text = run("compare", perplexity_dir, "--baseline", "m1", "--metric", "word_perplexity,none", "--ranking")
    assert text.returncode == 0, text.stderr
    assert f"{statistics.mean(deltas.values()):+.4f}" in text.stdout
    assert "word_perplexity,none (own units)" in text.stdout and "pp" not in text.stdout.split()
    for task, delta in deltas.items():
        cells = next(line.split() for line in text.stdout.splitlines() if line.split()[:2] == ["wiki", task])
        assert float(cells[5]) == pytest.approx(round(delta, 4))
        assert float(cells[3]) == pytest.approx(scores["m1"][task][1])  # the baseline's perplexity, not × 100
    markdown = run("compare", perplexity_dir, "--baseline", "m1", "--metric", "word_perplexity,none", "--format",
                   "markdown")
    assert "| Δ units |" in markdown.stdout and "| word_perplexity,none (own units) |" in markdown.stdout
    document = json.loads(run("compare", perplexity_dir, "--baseline", "m1", "--metric", "word_perplexity,none",
                              "--format", "json", "--ranking").stdout)
    row = document["summary"][0]
    assert row["units"] == "word_perplexity,none (own units)"
    assert row["mean_delta"] == pytest.approx(statistics.mean(deltas.values()), abs=1e-9)
    assert {r["category"]: r["delta"] for r in document["ranking"]} == pytest.approx(deltas)


def test_compare_on_acc_of_the_same_files_stays_in_pp(perplexity_dir):
    scores = datagen.PERPLEXITY_SCORES
    deltas = [(scores["m2"][task][0] - scores["m1"][task][0]) * 100 for task in scores["m1"]]
    text = run("compare", perplexity_dir, "--baseline", "m1")
    assert text.returncode == 0 and f"{statistics.mean(deltas):+.2f}" in text.stdout and " pp" in text.stdout
    document = json.loads(run("compare", perplexity_dir, "--baseline", "m1", "--format", "json").stdout)
    assert document["summary"][0]["units"] == "pp"
    assert document["summary"][0]["mean_delta"] == pytest.approx(statistics.mean(deltas), abs=1e-9)
    at_one = json.loads(run("compare", perplexity_dir, "--baseline", "m1", "--format", "json", "--scale", "1").stdout)
    assert at_one["summary"][0]["units"] == "fraction"


def test_fail_on_regression_skips_own_units_metrics_with_a_note(tmp_path):
    worse = {task: (acc, perplexity * 3) for task, (acc, perplexity) in datagen.PERPLEXITY_SCORES["m1"].items()}
    for model, scores in (("m1", None), ("m2", worse)):
        name, data = datagen.lmeval_perplexity_file(model, scores)
        (tmp_path / name).write_bytes(data)
    # Perplexity tripled: a huge regression in its own units, yet not a number of pp to compare with the gate.
    gated = run("compare", tmp_path, "--baseline", "m1", "--metric", "word_perplexity,none",
                "--fail-on-regression", "1")
    assert gated.returncode == 0
    assert "skips m2 on wiki" in gated.stderr and "word_perplexity,none (own units)" in gated.stderr
    # acc is unchanged there (Δ 0 pp): the gate still judges it, and passes.
    assert run("compare", tmp_path, "--baseline", "m1", "--fail-on-regression", "1").returncode == 0
    assert "own units" in build_help()


def build_help() -> str:
    from eval_analyzer.cli import build_parser

    commands = next(action for action in build_parser()._actions if action.dest == "command").choices
    return commands["compare"].format_help()


def test_table_names_each_rows_units(perplexity_dir):
    rows = list(csv.DictReader(io.StringIO(run("table", perplexity_dir).stdout)))
    units = {row["metric"]: row["units"] for row in rows}
    assert units == {"acc,none": "0–1", "word_perplexity,none": "word_perplexity,none (own units)"}
    perplexity = next(row for row in rows if row["metric"] == "word_perplexity,none" and row["category"] == "wiki_c")
    assert float(perplexity["score"]) == pytest.approx(datagen.PERPLEXITY_SCORES[perplexity["model"]]["wiki_c"][1])


# --- one exit-code policy (README "Command line"): 0 clean or notices only, 1 errors or warnings, 2 usage ------


@pytest.fixture
def policy_inputs(tmp_path):
    """A clean file, a notice-only pair (the same bytes twice), a warning-only file and an unreadable file."""
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "results.json").write_bytes(FIXTURE.read_bytes())
    notice = tmp_path / "notice"
    notice.mkdir()
    for name in ("a.json", "b.json"):
        (notice / name).write_bytes(FIXTURE.read_bytes())
    warning = tmp_path / "warning"
    warning.mkdir()
    # An OpenCompass summary with a model column left empty: the other model is read, with a warning.
    lines = FIXTURE.with_name("summary_20240119_225509.csv").read_text(encoding="utf-8").splitlines()
    (warning / "summary_20240119_225509.csv").write_text(
        "\n".join([lines[0] + ",empty-model", *(line + "," for line in lines[1:])]) + "\n", encoding="utf-8")
    error = tmp_path / "error"
    error.mkdir()
    (error / "results.json").write_bytes(FIXTURE.read_bytes())
    (error / "bad.json").write_text("{oops")
    return {"clean": clean, "notice": notice, "warning": warning, "error": error}


def _stderr_levels(err: str) -> set[str]:
    lines = [line for line in err.splitlines() if line.strip()]
    assert all(line.startswith("eval-analyzer: ") for line in lines), err  # one prefix for every line
    return {line.split(": ", 2)[1] for line in lines}


#: The OpenCompass summary's model, the baseline of the warning case.
OC_MODEL = "opencompass.models.huggingface.HuggingFace_model_repos_internlm-chat-7b @ 20240119_225509"


@pytest.mark.parametrize("command", ["table", "compare", "publish"])
@pytest.mark.parametrize(("case", "code", "level"), [("clean", 0, None), ("notice", 0, "notice"),
                                                     ("warning", 1, "warning"), ("error", 1, "error")])
def test_every_command_exits_by_the_worst_problem_severity(policy_inputs, tmp_path, capsys, command, case, code,
                                                           level):
    from eval_analyzer import cli

    baseline = OC_MODEL if case == "warning" else "gpt-oss-120b"
    extra = {"table": [], "compare": ["--baseline", baseline], "publish": ["--station", str(tmp_path / "st")]}
    assert cli.main([command, str(policy_inputs[case]), *extra[command]]) == code
    levels = _stderr_levels(capsys.readouterr().err)
    assert (level in levels) if level else not levels - {"notice"}


def _exit_code(argv: list[str]) -> int:
    """`cli.main`'s return value, or argparse's exit code for what it rejects itself."""
    from eval_analyzer import cli

    try:
        return cli.main(argv)
    except SystemExit as exited:
        return exited.code


def test_usage_errors_exit_2_for_every_command(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    for argv in (["table"], ["compare", str(FIXTURE)], ["compare", str(FIXTURE), "--baseline", "nobody"],
                 ["compare", str(FIXTURE), "--baseline", "gpt-oss-120b", "--metric", "f1"],
                 ["publish", str(FIXTURE), "--station", str(tmp_path / "file")], ["serve", "--port", "x"],
                 ["serve", "--station", str(tmp_path / "file")],
                 ["build", "--out", str(tmp_path / "o"), "--wheels", str(tmp_path)], ["nonsense"],
                 ["table", str(FIXTURE), "--max-file-mb", "-1"]):
        assert _exit_code(argv) == 2, argv
        assert "eval-analyzer: error: " in capsys.readouterr().err, argv


def test_limits_are_built_from_the_arguments(capsys):
    assert _exit_code(["table", str(FIXTURE), "--max-file-mb", "0.01"]) == 1
    captured = capsys.readouterr()
    assert f"eval-analyzer: error: {FIXTURE}: is " in captured.err and "over the 0 MB limit per file" in captured.err
    assert captured.out.count("\n") == 1  # the CSV header only: the file was not read
