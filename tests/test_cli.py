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
import heldout
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
                                            "candidate_score", "delta", "noise", "within_noise", "units", "n",
                                            "ci_low", "ci_high", "p_value", "p_adjusted", "test", "significant",
                                            "mde"]


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


# --- statistics and the CI gate, on held-out runs written as Twinkle Eval and lm-eval write them ----------------

def _main(capsys, *argv) -> tuple[int, str, str]:
    code = _exit_code([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _strict_json(text: str) -> dict:
    """JSON as any strict reader parses it: NaN or Infinity are an error."""
    def refuse(name):
        raise AssertionError(f"{name} in JSON output")
    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def heldout_twinkle(tmp_path_factory):
    folder = tmp_path_factory.mktemp("heldout_twinkle")
    truth, base = heldout.twinkle_single_runs(folder)
    return folder, truth, base


@pytest.fixture(scope="module")
def heldout_gate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("heldout_gate")
    truth, base = heldout.twinkle_single_runs(folder, heldout.GATE_SPEC, heldout.GATE_CHANGES)
    return folder, truth, base


def test_compare_json_carries_every_statistic_of_held_out_twinkle_runs(heldout_twinkle, capsys):
    folder, truth, base = heldout_twinkle
    code, out, err = _main(capsys, "compare", folder, "--baseline", "model-a", "--format", "json", "--ranking")
    assert code == 0, err
    document = _strict_json(out)
    assert (document["alpha"], document["ci"], document["correction"], document["test"]) == (0.05, 0.95, "holm",
                                                                                             "auto")
    heldout.assert_comparison(document["summary"], document["ranking"], heldout.expected_comparison(truth, base))
    assert list(document["ranking"][0])[-8:] == ["n", "ci_low", "ci_high", "p_value", "p_adjusted", "test",
                                                  "significant", "mde"]
    assert list(document["summary"][0])[-8:] == ["ci_low", "ci_high", "p_value", "test", "sig_wins", "sig_losses",
                                                  "indistinguishable", "n_samples"]


def test_compare_json_of_lmeval_samples_with_bh_alpha_ci_and_a_lower_is_better_metric(tmp_path, capsys):
    spec = {"crows_pairs_english_age": (90, 60), "crows_pairs_english_gender": (130, 80),
            "crows_pairs_english_race": (110, 50)}
    changes = {"org/m1": {}, "org/m2": {"crows_pairs_english_age": (25, 3), "crows_pairs_english_gender": (9, 5),
                                        "crows_pairs_english_race": (4, 16)},
               "org/m3": {"crows_pairs_english_age": (2, 12), "crows_pairs_english_gender": (6, 6)}}
    truth, _values = heldout.lmeval_runs(tmp_path, "crows_pairs_english", spec, changes, metric="pct_stereotype",
                                         higher_is_better=False)
    code, out, err = _main(capsys, "compare", tmp_path, "--baseline", "org/m1", "--metric", "pct_stereotype,none",
                           "--format", "json", "--ranking", "--alpha", "0.1", "--ci", "90", "--correction", "bh")
    assert code == 0, err
    document = _strict_json(out)
    from eval_analyzer.core.loader import load_paths

    truth = heldout.relabel(truth, load_paths([tmp_path]).table)
    expected = heldout.expected_comparison(truth, document["baseline"], sign=-1.0, method="bh", alpha=0.1,
                                           level=0.9)
    heldout.assert_comparison(document["summary"], document["ranking"], expected)
    age = next(row for row in document["ranking"]
               if row["category"].endswith("age") and row["candidate"].startswith("org/m2"))
    assert age["delta"] > 0 and age["significant"]  # stereotyped less often: better


def test_compare_json_fallbacks_are_named_and_null_where_nothing_is_known(tmp_path, capsys):
    runs = tmp_path / "runs"
    heldout.twinkle_repeated_runs(runs, write_samples=False)
    code, out, _err = _main(capsys, "compare", runs, "--baseline", "model-a", "--format", "json", "--ranking")
    document = _strict_json(out)
    assert code == 0 and {row["test"] for row in document["ranking"]} == {"welch-runs"}
    assert document["summary"][0]["n_samples"] is None and document["ranking"][0]["mde"] is None
    assert document["ranking"][0]["n"] == 6  # runs, not questions
    stderr_only, bare = tmp_path / "stderr", tmp_path / "bare"
    spec = {"arc_easy": (120, 80), "arc_challenge": (100, 40)}
    changes = {"org/m1": {}, "org/m2": {"arc_easy": (3, 15), "arc_challenge": (10, 12)}}
    heldout.lmeval_runs(stderr_only, "arc", spec, changes, write_samples=False)
    heldout.lmeval_runs(bare, "arc", spec, changes, write_samples=False, stderr=False)
    z_doc = _strict_json(_main(capsys, "compare", stderr_only, "--baseline", "org/m1", "--format", "json",
                               "--ranking")[1])
    assert {row["test"] for row in z_doc["ranking"]} == {"unpaired-z"}
    assert all(row["n"] is None and row["ci_low"] is not None for row in z_doc["ranking"])
    none_doc = _strict_json(_main(capsys, "compare", bare, "--baseline", "org/m1", "--format", "json",
                                  "--ranking")[1])
    for row in none_doc["ranking"]:
        assert row["test"] == "none" and row["significant"] is False
        assert [row[name] for name in ("n", "ci_low", "ci_high", "p_value", "p_adjusted", "mde")] == [None] * 6
    summary = none_doc["summary"][0]
    assert [summary[name] for name in ("ci_low", "ci_high", "p_value", "n_samples")] == [None] * 4
    assert (summary["test"], summary["sig_wins"], summary["indistinguishable"]) == ("none", 0, 2)


def test_compare_ranking_csv_is_one_rectangular_table(heldout_twinkle, capsys):
    folder, _truth, _base = heldout_twinkle
    _code, out, _err = _main(capsys, "compare", folder, "--baseline", "model-a", "--format", "csv", "--ranking")
    rows = list(csv.reader(io.StringIO(out)))
    assert len({len(row) for row in rows}) == 1 and len(rows) == 1 + 2 * 5  # header + 2 candidates × 5 categories
    assert rows[0][-8:] == ["n", "ci_low", "ci_high", "p_value", "p_adjusted", "test", "significant", "mde"]
    summary = list(csv.DictReader(io.StringIO(_main(capsys, "compare", folder, "--baseline", "model-a",
                                                    "--format", "csv")[1])))
    assert len(summary) == 4 and {"sig_wins", "n_samples", "ci_low"} <= set(summary[0])


def test_compare_table_and_markdown_show_the_interval_p_and_significant_wins(heldout_twinkle, capsys):
    folder, truth, base = heldout_twinkle
    expected = heldout.expected_comparison(truth, base)
    want = expected[("mmlu", "model-b @ 20250102_0900")]["summary"]
    _code, out, _err = _main(capsys, "compare", folder, "--baseline", "model-a", "--dataset", "mmlu")
    line = next(line for line in out.splitlines() if "model-b" in line)
    assert f"{want['mean_delta']:+.2f} [{want['ci_low']:+.2f}, {want['ci_high']:+.2f}]" in line
    assert f"{want['sig_wins']}/{want['sig_losses']}/{want['indistinguishable']}" in line
    assert "mean Δ [95% CI]" in out and "sig W/L/=" in out
    _code, markdown, _err = _main(capsys, "compare", folder, "--baseline", "model-a", "--format", "markdown",
                                  "--ranking", "--ci", "0.9")
    assert "| mean Δ [90% CI] |" in markdown and "| p adj. |" in markdown and "| mcnemar-exact |" in markdown


@pytest.mark.parametrize(("flag", "value"), [("--alpha", "0"), ("--alpha", "1.5"), ("--alpha", "x"),
                                             ("--ci", "100"), ("--ci", "0"), ("--ci", "1"),
                                             ("--correction", "bonferroni"), ("--test", "wilcoxon"),
                                             ("--gate", "-1")])
def test_statistics_options_are_validated_with_a_usage_error(flag, value, capsys):
    code, _out, err = _main(capsys, "compare", FIXTURE, "--baseline", "gpt-oss-120b", flag, value)
    assert code == 2 and flag in err and "eval-analyzer: error: " in err


def _gate_line(out: str, candidate: str) -> str:
    return next(line for line in out.splitlines() if f"  {candidate} @ " in line)


def test_gate_gives_each_verdict_with_its_numbers_and_the_worst_exit_code(heldout_gate, capsys):
    folder, truth, base = heldout_gate
    expected = heldout.expected_comparison(truth, base)
    code, out, err = _main(capsys, "compare", folder, "--baseline", "model-a", "--gate", "1")
    assert code == 3, err  # REJECT beats INCONCLUSIVE
    assert len(out.splitlines()) == 3  # one line per candidate and dataset
    seen = set()
    for (_dataset, candidate), item in expected.items():
        want = item["summary"]
        verdict, needed = heldout.expected_verdict(want, 1.0)
        seen.add(verdict)
        line = _gate_line(out, candidate.split(" @ ")[0])
        assert line.startswith(verdict) and "gate" in line
        assert f"mean Δ {want['mean_delta']:+.2f} pp" in line
        assert f"95% CI [{want['ci_low']:+.2f}, {want['ci_high']:+.2f}]" in line
        assert f"n {want['n_samples']}" in line and "test mcnemar-exact" in line
        assert (f"needs n ≈ {needed}" in line) == (needed is not None)
    assert seen == {"ALLOW", "REJECT", "INCONCLUSIVE"}
    assert "1 ALLOW, 1 REJECT, 1 INCONCLUSIVE; exit 3" in err
    assert _main(capsys, "compare", folder, "--baseline", "model-a", "--gate", "1", "--candidates", "allow",
                 "unsure")[0] == 4
    assert _main(capsys, "compare", folder, "--baseline", "model-a", "--gate", "1", "--candidates", "allow")[0] == 0
    # A tolerance wider than the loss turns the small loss into ALLOW.
    assert _main(capsys, "compare", folder, "--baseline", "model-a", "--gate", "5", "--candidates", "unsure")[0] == 0


def test_gate_exit_codes_as_a_ci_job_sees_them(heldout_gate):
    folder, _truth, _base = heldout_gate
    rejected = run("compare", folder, "--baseline", "model-a", "--gate", "1")
    assert rejected.returncode == 3 and rejected.stdout.startswith(("ALLOW", "REJECT", "INCONCLUSIVE"))
    assert run("compare", folder, "--baseline", "model-a", "--gate", "1", "--candidates", "unsure").returncode == 4


def test_gate_is_in_points_whatever_the_scale_and_combines_with_fail_on_regression(heldout_gate, capsys):
    folder, _truth, _base = heldout_gate
    at_100 = _main(capsys, "compare", folder, "--baseline", "model-a", "--gate", "1", "--format", "json")
    at_1 = _main(capsys, "compare", folder, "--baseline", "model-a", "--gate", "1", "--format", "json",
                 "--scale", "1")
    verdicts_100 = _strict_json(at_100[1])["gate"]["verdicts"]
    verdicts_1 = _strict_json(at_1[1])["gate"]["verdicts"]
    assert [row["verdict"] for row in verdicts_100] == [row["verdict"] for row in verdicts_1]
    assert [row["mean_delta"] for row in verdicts_1] == pytest.approx([row["mean_delta"] for row in verdicts_100])
    assert _strict_json(at_1[1])["gate"]["exit_code"] == 3 == at_1[0]
    # INCONCLUSIVE alone is 4, but a mean Δ below --fail-on-regression still exits 3.
    unsure = ["compare", folder, "--baseline", "model-a", "--candidates", "unsure", "--gate", "1"]
    assert _main(capsys, *unsure)[0] == 4
    assert _main(capsys, *unsure, "--fail-on-regression", "0.1")[0] == 3
    assert _main(capsys, *unsure, "--fail-on-regression", "2")[0] == 4
    # --fail-on-regression alone keeps its documented meaning.
    assert _main(capsys, "compare", folder, "--baseline", "model-a", "--candidates", "unsure",
                 "--fail-on-regression", "0.1")[0] == 3


def test_gate_markdown_is_a_block_for_a_pull_request_comment(heldout_gate, capsys):
    folder, truth, base = heldout_gate
    code, out, _err = _main(capsys, "compare", folder, "--baseline", "model-a", "--gate", "1", "--format",
                            "markdown")
    assert code == 3 and out.startswith("### Eval gate: REJECT (tolerance 1 pp)")
    rows = [line for line in out.splitlines() if line.startswith("| **")]
    assert len(rows) == 3 and any(row.startswith("| **INCONCLUSIVE** |") for row in rows)
    unsure = heldout.expected_comparison(truth, base)[("gate", "unsure @ 20250104_0900")]["summary"]
    assert f"| {heldout.expected_verdict(unsure, 1.0)[1]} |" in next(row for row in rows if "unsure" in row)


def test_gate_csv_json_and_what_it_refuses(heldout_gate, perplexity_dir, capsys):
    folder, _truth, _base = heldout_gate
    rows = list(csv.DictReader(io.StringIO(_main(capsys, "compare", folder, "--baseline", "model-a", "--gate",
                                                 "1", "--format", "csv")[1])))
    assert [row["verdict"] for row in rows] == ["ALLOW", "REJECT", "INCONCLUSIVE"]
    code, _out, err = _main(capsys, "compare", folder, "--baseline", "model-a", "--gate", "1", "--ranking")
    assert code == 2 and "--ranking" in err
    code, out, _err = _main(capsys, "compare", folder, "--baseline", "model-a", "--gate", "1", "--ranking",
                            "--format", "json")
    assert code == 3 and "ranking" in _strict_json(out)
    # An own-units Δ is not judged in points: skipped with a notice; nothing judged is INCONCLUSIVE.
    code, out, err = _main(capsys, "compare", perplexity_dir, "--baseline", "m1", "--metric",
                           "word_perplexity,none", "--gate", "1")
    assert code == 4 and out == "" and "--gate skips m2" in err
