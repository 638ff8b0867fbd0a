"""Result files for dashboard tests and benchmarks, derived from the real Twinkle fixture.

No score is invented: sources are the real document and its real runs (`split_runs`); extra models are the
runs under another model name, sometimes with categories left out (to exercise coverage and pairing).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from eval_analyzer.core.formats.twinkle import split_runs

FIXTURE = Path(__file__).parent / "data" / "results_20250806_1543.json"


def fixture_document() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def renamed(document: dict, model: str, timestamp: str, drop_every: int = 0) -> dict:
    """A copy under another model name; with `drop_every` = k, every k-th item of each dataset is left out."""
    doc = copy.deepcopy(document)
    doc["config"]["model"]["name"] = model
    doc["timestamp"] = timestamp
    if drop_every:
        for block in doc["dataset_results"].values():
            block["results"] = [item for i, item in enumerate(block["results"]) if i % drop_every]
            block.pop("average_accuracy", None)
    return doc


def dump(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def standard_files() -> list[tuple[str, bytes]]:
    """Four sources: the real document, two real runs, and run 3 as `alt-model` missing every 5th category."""
    document = fixture_document()
    runs = split_runs(document)
    return [
        ("results_20250806_1543.json", FIXTURE.read_bytes()),
        ("results_run1.json", dump(runs[0])),
        ("results_run2.json", dump(runs[1])),
        ("results_alt.json", dump(renamed(runs[2], "alt-model", "20250901_0000", drop_every=5))),
    ]


def many_sources(count: int = 20) -> list[tuple[str, bytes]]:
    """`count` sources × 125 categories (the fixture's three datasets): runs under numbered model names."""
    runs = split_runs(fixture_document())
    return [(f"results_m{i:02d}.json", dump(renamed(runs[i % len(runs)], f"model-{i:02d}", f"2025{i:04d}")))
            for i in range(count)]


def write(files: list[tuple[str, bytes]], folder: Path) -> list[Path]:
    paths = []
    for name, data in files:
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def lmeval_file(model: str, easy: float, challenge: float) -> tuple[str, bytes]:
    """An lm-eval result with two metrics per task: acc (primary) and acc_norm (acc × 1.1 and × 1.05)."""
    results = {"arc": {"alias": "arc"},
               "arc_easy": {"alias": "arc_easy", "acc,none": easy, "acc_norm,none": easy * 1.1},
               "arc_challenge": {"alias": "arc_challenge", "acc,none": challenge, "acc_norm,none": challenge * 1.05}}
    document = {"results": results, "group_subtasks": {"arc": ["arc_easy", "arc_challenge"]}, "model_name": model}
    return f"{model}.json", json.dumps(document).encode()


#: lm-eval scores with a 0–1 metric (acc) and one in its own units (word perplexity, lower is better), per
#: model and task: what the units tests compute their expectations from.
PERPLEXITY_SCORES = {
    "m1": {"wiki_a": (0.60, 5.68), "wiki_b": (0.40, 12.5), "wiki_c": (0.55, 31.25)},
    "m2": {"wiki_a": (0.65, 5.20), "wiki_b": (0.38, 13.1), "wiki_c": (0.55, 30.0)},
}


def lmeval_perplexity_file(model: str, scores: dict[str, tuple[float, float]] | None = None,
                           metrics: tuple[str, ...] = ("acc", "word_perplexity")) -> tuple[str, bytes]:
    """An lm-eval 0.4 result of the group `wiki`: per task `acc` and `word_perplexity` (own units, higher is
    not better), with `higher_is_better` as the harness writes it. `metrics` leaves some out: a file of
    perplexity alone has it as its primary metric."""
    scores = scores if scores is not None else PERPLEXITY_SCORES[model]
    results: dict = {"wiki": {"alias": "wiki"}}
    better = {"acc": True, "word_perplexity": False}
    for task, (acc, perplexity) in scores.items():
        values = {"acc": acc, "word_perplexity": perplexity}
        results[task] = {"alias": task, **{f"{name},none": values[name] for name in metrics}}
    document = {"results": results, "group_subtasks": {"wiki": list(scores)},
                "higher_is_better": {task: {name: better[name] for name in metrics} for task in scores},
                "model_name": model}
    return f"{model}.json", json.dumps(document).encode()


def twinkle_with_questions(model: str, timestamp: str, answers: dict[tuple[str, str], list[bool]]
                           ) -> list[tuple[str, bytes]]:
    """One Twinkle run of `model` as Twinkle writes it: results_<ts>.json and eval_results_<ts>_run0.jsonl, with
    `answers[(dataset, category)]` the right/wrong flag of each question (question_id = its index)."""
    blocks: dict[str, list[dict]] = {}
    lines = []
    for (dataset, category), flags in answers.items():
        path = f"datasets/{dataset}/{category}.csv"
        blocks.setdefault(f"datasets/{dataset}", []).append(
            {"file": path, "accuracy_mean": sum(flags) / len(flags), "accuracy_std": 0.0,
             "individual_runs": {"accuracies": [sum(flags) / len(flags)],
                                 "results": [f"results/eval_results_{timestamp}_run0.jsonl"]}})
        for qid, flag in enumerate(flags):
            lines.append(json.dumps({"question_id": qid, "sample_id": 0, "question": f"{path} q{qid}",
                                     "correct_answer": "A", "llm_output": "A" if flag else "B",
                                     "predicted_answer": "A" if flag else "B", "is_correct": bool(flag),
                                     "file": path}, ensure_ascii=False))
    results = {"timestamp": timestamp, "config": {"model": {"name": model}},
               "dataset_results": {name: {"results": items,
                                          "average_accuracy": sum(i["accuracy_mean"] for i in items) / len(items)}
                                   for name, items in blocks.items()}}
    return [(f"results_{timestamp}.json", dump(results)),
            (f"eval_results_{timestamp}_run0.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))]


def paired_answers(effects: dict[str, dict[str, float]], questions: int = 200, dataset: str = "mmlu",
                   seed: int = 3) -> dict[str, dict[tuple[str, str], list[bool]]]:
    """Right/wrong answers of a baseline ("base") and candidates on the same questions, correlated as real
    models are (a shared difficulty per question): `effects[candidate][category]` is the candidate's shift in
    the probability of a right answer (0.25: a large, real gain; 0: the same model, fresh noise)."""
    import random

    rng = random.Random(seed)
    categories = list(dict.fromkeys(category for shifts in effects.values() for category in shifts))
    difficulty = {category: [rng.random() for _ in range(questions)] for category in categories}

    def answer(category: str, shift: float) -> list[bool]:
        return [rng.random() < min(1.0, max(0.0, 0.15 + 0.7 * (1 - level) + shift))
                for level in difficulty[category]]

    found = {"base": {(dataset, category): answer(category, 0.0) for category in categories}}
    for candidate, shifts in effects.items():
        found[candidate] = {(dataset, category): answer(category, shifts.get(category, 0.0))
                            for category in categories}
    return found


def paired_files(effects: dict[str, dict[str, float]], questions: int = 200, seed: int = 3
                 ) -> tuple[list[tuple[str, bytes]], dict[str, dict[tuple[str, str], list[bool]]]]:
    """`paired_answers` written as one Twinkle run per model (timestamps 20250101_0000, …_0001, …)."""
    answers = paired_answers(effects, questions, seed=seed)
    files = []
    for index, (model, flags) in enumerate(answers.items()):
        files += twinkle_with_questions(model, f"20250101_{index:04d}", flags)
    return files, answers
def twinkle_with_answers(model: str, timestamp: str, flags: dict[str, list[list[bool]]],
                         outputs: dict[tuple[str, int], str] | None = None, folder: str = "",
                         question_text=None, reasoning=None,
                         reasoning_key: str = "llm_reasoning_output") -> list[tuple[str, bytes]]:
    """A Twinkle results file and its per-question logs, one `eval_results_<ts>_run<N>.jsonl` per run:
    `flags[category][run][question]` says whether that answer was right; `outputs[(category, question)]`
    replaces the generated output text (the same in every run); `reasoning(category, question, run)`, when
    given, is the `reasoning_key` of each record (None, as Twinkle writes for a model without reasoning, where
    it returns None). Accuracies are computed from the flags, so the logs attach to the results file as
    Twinkle's do."""
    outputs = outputs or {}
    question_text = question_text or (lambda category, qid: f"Question {qid} of {category}")
    runs = max(len(per_run) for per_run in flags.values())
    items, lines = [], [[] for _ in range(runs)]
    for category, per_run in flags.items():
        path = f"datasets/mmlu/{category}.csv"
        accuracies = [sum(marks) / len(marks) for marks in per_run]
        items.append({"file": path, "accuracy_mean": sum(accuracies) / len(accuracies), "accuracy_std": 0.0,
                      "individual_runs": {"accuracies": accuracies}})
        for run, marks in enumerate(per_run):
            for qid, mark in enumerate(marks):
                text = outputs.get((category, qid), f"{model} answers {'A' if mark else 'B'} to {qid}")
                record = {"question_id": qid, "sample_id": 0, "question": question_text(category, qid),
                          "correct_answer": "A", "llm_output": text, "is_correct": bool(mark)}
                if reasoning is not None:
                    record[reasoning_key] = reasoning(category, qid, run)
                lines[run].append(json.dumps(record, ensure_ascii=False))
    results = {"timestamp": timestamp, "config": {"model": {"name": model}},
               "dataset_results": {"datasets/mmlu": {"results": items}}}
    prefix = f"{folder}/" if folder else ""
    return [(f"{prefix}results_{timestamp}.json", json.dumps(results).encode()),
            *[(f"{prefix}eval_results_{timestamp}_run{run}.jsonl", ("\n".join(part) + "\n").encode())
              for run, part in enumerate(lines)]]
