"""Held-out per-question runs written exactly as the harnesses write them, with the answers kept as truth.

Twinkle Eval: `results_<ts>.json` (`dataset_results`, per file `accuracy_mean`, `accuracy_std`,
`individual_runs.accuracies` / `.results`) and one `eval_results_<ts>_run<N>.jsonl` per run, each the blocks of
every dataset file in results order, a block shuffled (completion order), with or without the `file` field.
lm-evaluation-harness 0.4: `<org>__<model>/results_<date>.json` (`results`, `group_subtasks`, `higher_is_better`,
`n-samples`, `config`, `model_name`) and one `samples_<task>_<date>.jsonl` per task.

The truth returned is what the statistics tests compute their expectations from (scipy, statsmodels, plain
Python), never the code under test.
"""

from __future__ import annotations

import json
import math
import random
import statistics
from pathlib import Path


def twinkle_run(folder: Path, model: str, timestamp: str, answers: dict[str, dict[str, list[list[bool]]]],
                with_file: bool = True, write_samples: bool = True, seed: int = 0) -> None:
    """answers[dataset][category] = per run, per question, right or wrong."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    runs = len(next(iter(next(iter(answers.values())).values())))
    run_lines: list[list[str]] = [[] for _ in range(runs)]
    dataset_results = {}
    for dataset, categories in answers.items():
        items = []
        for category, per_run in categories.items():
            path = f"datasets/{dataset}/{category}.csv"
            accuracies = [sum(flags) / len(flags) for flags in per_run]
            for run, flags in enumerate(per_run):
                order = list(range(len(flags)))
                rng.shuffle(order)
                for qid in order:
                    record = {"question_id": qid, "sample_id": 0, "question": f"{category}: question {qid}",
                              "correct_answer": "A",
                              "llm_output": f"{model} thinks... " + ("\\box{A}" if flags[qid] else "\\box{C}"),
                              "predicted_answer": "A" if flags[qid] else "C", "is_correct": flags[qid]}
                    if with_file:
                        record["file"] = path
                    run_lines[run].append(json.dumps(record, ensure_ascii=False))
            items.append({"file": path, "accuracy_mean": statistics.mean(accuracies),
                          "accuracy_std": statistics.pstdev(accuracies) if runs > 1 else 0.0,
                          "individual_runs": {"accuracies": accuracies,
                                              "results": [f"results/details/eval_results_{timestamp}_run{run}.jsonl"
                                                          for run in range(runs)]}})
        dataset_results[f"datasets/{dataset}/"] = {
            "results": items, "average_accuracy": statistics.mean(item["accuracy_mean"] for item in items),
            "average_std": statistics.mean(item["accuracy_std"] for item in items)}
    results = {"timestamp": timestamp,
               "config": {"model": {"name": model, "temperature": 0},
                          "evaluation": {"dataset_paths": [f"datasets/{name}/" for name in answers],
                                         "repeat_runs": runs, "shuffle_options": True}},
               "dataset_results": dataset_results, "duration_seconds": 12.5}
    (folder / f"results_{timestamp}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    if write_samples:
        for run, lines in enumerate(run_lines):
            (folder / f"eval_results_{timestamp}_run{run}.jsonl").write_text("\n".join(lines) + "\n")


def lmeval_run(folder: Path, model: str, date: str, group: str, answers: dict[str, list[bool]],
               metric: str = "acc", higher_is_better: bool = True, write_samples: bool = True,
               stderr: bool = True) -> Path:
    """answers[task] = per document, the metric's 0/1 value; the group `group` holds every task."""
    run_folder = folder / model.replace("/", "__")
    run_folder.mkdir(parents=True, exist_ok=True)
    results = {group: {"alias": group}}
    for task, values in answers.items():
        row = {"alias": f" - {task}", f"{metric},none": sum(values) / len(values)}
        if stderr:
            row[f"{metric}_stderr,none"] = statistics.stdev(values) / len(values) ** 0.5
        results[task] = row
    document = {
        "results": results,
        "group_subtasks": {group: list(answers), **{task: [] for task in answers}},
        "configs": {task: {"task": task, "output_type": "multiple_choice", "repeats": 1,
                           "metric_list": [{"metric": metric, "aggregation": "mean",
                                            "higher_is_better": higher_is_better}]} for task in answers},
        "versions": {task: 1.0 for task in answers},
        "n-shot": {task: 0 for task in answers},
        "higher_is_better": {task: {metric: higher_is_better} for task in answers},
        "n-samples": {task: {"original": len(values), "effective": len(values)} for task, values in answers.items()},
        "config": {"model": "hf", "model_args": f"pretrained={model}", "batch_size": "8", "limit": None},
        "git_hash": "0123abc", "date": 1724211849.0, "model_name": model,
        "model_name_sanitized": model.replace("/", "__"),
    }
    (run_folder / f"results_{date}.json").write_text(json.dumps(document, indent=2))
    if write_samples:
        for task, values in answers.items():
            lines = []
            for doc_id, value in enumerate(values):
                lines.append(json.dumps({
                    "doc_id": doc_id, "doc": {"question": f"{task} #{doc_id}", "answer": "A"}, "target": "A",
                    "arguments": {"gen_args_0": {"arg_0": f"{task} #{doc_id}", "arg_1": " A"}},
                    # Log-likelihoods are the model's own: two models' logs never have the same bytes.
                    "resps": [[[logprob(model, doc_id), bool(value)]]],
                    "filtered_resps": [[logprob(model, doc_id), bool(value)]],
                    "filter": "none", "metrics": [metric], "doc_hash": f"{doc_id:064x}",
                    "prompt_hash": f"{doc_id + 1:064x}", "target_hash": f"{doc_id + 2:064x}",
                    metric: int(value) if metric != "pct_stereotype" else bool(value)}))
            (run_folder / f"samples_{task}_{date}.jsonl").write_text("\n".join(lines) + "\n")
    return run_folder


def logprob(model: str, doc_id: int) -> str:
    return repr(-random.Random(f"{model}/{doc_id}").random())


def flags(rng: random.Random, n: int, rate: float) -> list[bool]:
    return [rng.random() < rate for _ in range(n)]


def correlated(rng: random.Random, base: list[bool], flip_down: float, flip_up: float) -> list[bool]:
    """A second model's answers on the same questions: it mostly agrees with `base` (shared difficulty)."""
    return [(not answer) if rng.random() < (flip_down if answer else flip_up) else answer for answer in base]


def paired_answers(n: int, base_right: int, down: int, up: int) -> tuple[list[bool], list[bool]]:
    """Baseline right on the first `base_right` questions; the candidate loses `down` of those and wins `up` of
    the others, so McNemar's discordant counts are b = down, c = up."""
    base = [q < base_right for q in range(n)]
    cand = [(q >= down) if q < base_right else (q < base_right + up) for q in range(n)]
    return base, cand


# -- expectations, from scipy / statsmodels / plain Python only ------------------------------------------------

def expected_category(base_runs: list[list[bool]], cand_runs: list[list[bool]], sign: float = 1.0,
                      alpha: float = 0.05, level: float = 0.95, factor: float = 100.0) -> dict:
    """n, Δ, CI, p, test, MDE of one (candidate, category): per-question means over runs, then the test."""
    from scipy import stats as sps
    from statsmodels.stats.contingency_tables import mcnemar

    n = len(base_runs[0])
    mean_b = [statistics.mean(float(run[q]) for run in base_runs) for q in range(n)]
    mean_c = [statistics.mean(float(run[q]) for run in cand_runs) for q in range(n)]
    d = [sign * factor * (c - b) for b, c in zip(mean_b, mean_c, strict=True)]
    sd = statistics.stdev(d)
    se = sd / math.sqrt(n)
    test = sps.ttest_rel(mean_c, mean_b)
    low, high = (factor * x for x in test.confidence_interval(level))
    if sign < 0:
        low, high = -high, -low
    if len(base_runs) == 1 and len(cand_runs) == 1:
        b = sum(1 for x, y in zip(base_runs[0], cand_runs[0], strict=True) if x and not y)
        c = sum(1 for x, y in zip(base_runs[0], cand_runs[0], strict=True) if not x and y)
        p = 1.0 if b + c == 0 else float(mcnemar([[0, b], [c, 0]], exact=True).pvalue)
        name = "mcnemar-exact"
    else:
        p = 1.0 if all(x == 0 for x in d) else float(test.pvalue)
        name = "paired-t"
    mde = (sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(0.8)) * sd / math.sqrt(n)
    return {"n": n, "delta": statistics.mean(d), "se": se, "ci_low": low, "ci_high": high, "p_value": p,
            "test": name, "mde": mde}


def expected_adjusted(rows: list[dict], method: str = "holm", alpha: float = 0.05) -> None:
    """Adds `p_adjusted` and `significant` to the rows of one (candidate, dataset), by statsmodels."""
    from statsmodels.stats.multitest import multipletests

    adjusted = multipletests([row["p_value"] for row in rows], alpha=alpha,
                             method={"holm": "holm", "bh": "fdr_bh"}[method])[1]
    for row, value in zip(rows, adjusted, strict=True):
        row["p_adjusted"] = float(value)
        row["significant"] = bool(value < alpha)


def expected_summary(rows: list[dict], eps: float = 0.0, level: float = 0.95) -> dict:
    """Mean Δ over categories, SE = √(Σ SE²)/C, normal CI and p, significant W/L, paired questions."""
    from scipy.stats import norm

    count = len(rows)
    mean = statistics.mean(row["delta"] for row in rows)
    se = math.sqrt(sum(row["se"] ** 2 for row in rows)) / count
    z = norm.ppf(1 - (1 - level) / 2)
    wins = sum(1 for row in rows if row["significant"] and row["delta"] > eps)
    losses = sum(1 for row in rows if row["significant"] and row["delta"] < -eps)
    return {"mean_delta": mean, "se": se, "ci_low": mean - z * se, "ci_high": mean + z * se,
            "p_value": 2 * norm.sf(abs(mean) / se), "sig_wins": wins, "sig_losses": losses,
            "indistinguishable": count - wins - losses, "n_samples": sum(row["n"] for row in rows)}


def expected_verdict(summary: dict, pp: float, level: float = 0.95) -> tuple[str, float | None]:
    """The gate's verdict by its rule, and for INCONCLUSIVE the paired questions that would decide at the same
    mean and spread: SE shrinks as 1/√n, so n' = n·(z·SE/margin)², margin = mean + pp (towards ALLOW) or −mean
    (towards REJECT, when mean < −pp)."""
    from scipy.stats import norm

    z = norm.ppf(1 - (1 - level) / 2)
    if summary["ci_low"] >= -pp:
        return "ALLOW", None
    if summary["ci_high"] < 0 and summary["mean_delta"] < -pp:
        return "REJECT", None
    margin = summary["mean_delta"] + pp if summary["mean_delta"] > -pp else -summary["mean_delta"]
    return "INCONCLUSIVE", math.ceil(summary["n_samples"] * (z * summary["se"] / margin) ** 2)


# -- scenarios: folders written as the harnesses write them, and what each comparison must give ----------------

def expected_comparison(truth: dict, baseline: str, sign: float = 1.0, method: str = "holm", alpha: float = 0.05,
                        level: float = 0.95, eps: float = 0.0) -> dict:
    """{(dataset, candidate): {"rows": {category: expected}, "summary": expected}} from truth[source][dataset]
    [category] = per run, per question right or wrong."""
    out = {}
    for source, datasets in truth.items():
        if source == baseline:
            continue
        for dataset, categories in datasets.items():
            rows = {category: expected_category(truth[baseline][dataset][category], runs, sign, alpha, level)
                    for category, runs in categories.items()}
            expected_adjusted(list(rows.values()), method, alpha)
            out[(dataset, source)] = {"rows": rows, "summary": expected_summary(list(rows.values()), eps, level)}
    return out


def assert_comparison(summary: list[dict], ranking: list[dict], expected: dict, rel: float = 1e-9) -> None:
    """Every n, Δ, CI, p, adjusted p, test, significant, MDE and summary number of `compare`'s records."""
    import pytest

    approx = lambda value: pytest.approx(value, rel=rel, abs=1e-9)  # noqa: E731
    by_pair = {(row["dataset"], row["candidate"]): row for row in summary}
    assert set(by_pair) == set(expected)
    seen = set()
    for row in ranking:
        want = expected[(row["dataset"], row["candidate"])]["rows"][row["category"]]
        seen.add((row["dataset"], row["candidate"], row["category"]))
        assert row["test"] == want["test"] and row["n"] == want["n"], row
        for name in ("delta", "ci_low", "ci_high", "p_value", "p_adjusted", "mde"):
            assert row[name] == approx(want[name]), (name, row)
        assert bool(row["significant"]) is want["significant"], row
    assert seen == {(dataset, candidate, category) for (dataset, candidate), item in expected.items()
                    for category in item["rows"]}
    for pair, item in expected.items():
        got, want = by_pair[pair], item["summary"]
        for name in ("mean_delta", "ci_low", "ci_high", "p_value"):
            assert got[name] == approx(want[name]), (name, got)
        for name in ("sig_wins", "sig_losses", "indistinguishable", "n_samples"):
            assert got[name] == want[name], (name, got)


TWINKLE_SPEC = {  # dataset → category → (questions, baseline right)
    "mmlu": {"algebra": (120, 80), "biology": (90, 60), "law": (150, 70)},
    "tmmlu": {"civics": (100, 55), "geography": (80, 50)},
}
#: per candidate and category: (right → wrong, wrong → right)
TWINKLE_CHANGES = {
    "model-b": {"algebra": (4, 20), "biology": (6, 9), "law": (5, 30), "civics": (3, 4), "geography": (2, 12)},
    "model-c": {"algebra": (25, 3), "biology": (8, 7), "law": (40, 6), "civics": (30, 2), "geography": (9, 8)},
}


GATE_SPEC = {"gate": {"c1": (300, 210), "c2": (300, 180), "c3": (300, 150)}}
#: A candidate that is better (ALLOW), one clearly worse (REJECT) and one a hair worse with a wide CI.
GATE_CHANGES = {
    "allow": {"c1": (10, 30), "c2": (8, 25), "c3": (12, 28)},
    "reject": {"c1": (60, 10), "c2": (50, 8), "c3": (70, 12)},
    "unsure": {"c1": (12, 10), "c2": (10, 9), "c3": (11, 10)},
}


def twinkle_single_runs(folder: Path, spec: dict = TWINKLE_SPEC, changes: dict = TWINKLE_CHANGES,
                        write_samples: bool = True) -> tuple[dict, str]:
    """The baseline `model-a` and the candidates of `changes`, one run each, per-question files: the
    baseline's records without the `file` field (placed by order), the candidates' with it."""
    truth: dict = {}
    for index, model in enumerate(["model-a", *changes]):
        stamp = f"202501{index + 1:02d}_0900"
        answers = {}
        for dataset, categories in spec.items():
            answers[dataset] = {}
            for category, (n, right) in categories.items():
                down, up = changes.get(model, {}).get(category, (0, 0))
                base, cand = paired_answers(n, right, down, up)
                answers[dataset][category] = [cand if model != "model-a" else base]
        twinkle_run(folder / model, model, stamp, answers, with_file=model != "model-a", seed=index,
                    write_samples=write_samples)
        truth[f"{model} @ {stamp}"] = answers
    return truth, "model-a @ 20250101_0900"


def twinkle_repeated_runs(folder: Path, write_samples: bool = True, runs: int = 3) -> tuple[dict, str]:
    """Two models, `runs` runs each, answers correlated through a shared per-question difficulty."""
    rng = random.Random(11)
    sizes = {"mmlu": {"algebra": 70, "biology": 55, "law": 90}}
    difficulty = {(d, c): [rng.random() for _ in range(n)] for d, cats in sizes.items() for c, n in cats.items()}
    truth: dict = {}
    for model, stamp, skill in (("model-a", "20250101_0900", 0.55), ("model-b", "20250102_0900", 0.68)):
        answers = {dataset: {category: [[rng.random() < skill * 0.5 + (1 - difficulty[(dataset, category)][q]) * 0.5
                                         for q in range(n)] for _run in range(runs)]
                             for category, n in categories.items()} for dataset, categories in sizes.items()}
        twinkle_run(folder / model, model, stamp, answers, with_file=True, write_samples=write_samples,
                    seed=len(truth))
        truth[f"{model} @ {stamp}"] = answers
    return truth, "model-a @ 20250101_0900"


LMEVAL_DATES = {"org/m1": "2024-08-21T03-44-09.494230", "org/m2": "2024-08-22T10-01-30.123456",
                "org/m3": "2024-08-23T11-12-13.000001"}


def lmeval_runs(folder: Path, group: str, spec: dict[str, tuple[int, int]], changes: dict[str, dict],
                metric: str = "acc", higher_is_better: bool = True, write_samples: bool = True,
                stderr: bool = True) -> tuple[dict, dict]:
    """lm-eval runs of the models of `changes` ("org/m1" the baseline, no changes) on the tasks of `spec`
    (task → (documents, baseline value 1)); truth as for Twinkle, the dataset being the group."""
    truth: dict = {}
    values_of: dict = {}
    for model, per_task in changes.items():
        answers = {}
        for task, (n, ones) in spec.items():
            down, up = per_task.get(task, (0, 0))
            base, cand = paired_answers(n, ones, down, up)
            answers[task] = cand
        lmeval_run(folder, model, LMEVAL_DATES[model], group, answers, metric, higher_is_better, write_samples,
                   stderr)
        truth[model] = {group: {task: [values] for task, values in answers.items()}}
        values_of[model] = answers
    return truth, values_of


def relabel(truth: dict, table) -> dict:
    """truth keyed by the loaded source labels and categories: an lm-eval model's label has its run's time, a
    task's category is the name the reader gives it (its `file` column is the task)."""
    out: dict = {}
    for model, datasets in truth.items():
        labels = sorted(set(table.loc[table["model"] == model, "source_label"])) or [model]
        assert len(labels) == 1, labels
        rows = table[table["source_label"] == labels[0]]
        category_of = dict(zip(rows["file"], rows["category"], strict=True))
        out[labels[0]] = {dataset: {category_of.get(task, task): runs for task, runs in tasks.items()}
                          for dataset, tasks in datasets.items()}
    return out
