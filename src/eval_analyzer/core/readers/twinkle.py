"""Twinkle Eval `results_*.json` (SPEC §3.2), the primary format.

One document is one source: `{model} @ {timestamp}`. Items become categories named after their file.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from eval_analyzer.core.document import TWINKLE, OverallRow, ScoreRow, SourceDocument, as_finite_float
from eval_analyzer.core.errors import Problem, ReadError

REQUIRED_FIELDS = ("timestamp", "config", "dataset_results")
UNKNOWN_MODEL = "<unknown>"
NO_TIMESTAMP = "<no-ts>"

#: Keys that only Twinkle's per-question `eval_results_*_run{N}.jsonl` records carry.
_PER_QUESTION_KEYS = ("question_id", "is_correct", "llm_output")


def looks_like_twinkle(obj: Any) -> bool:
    """Detection by content: a dict `dataset_results` and a `config` key, or a near miss worth explaining."""
    return isinstance(obj, dict) and (
        isinstance(obj.get("dataset_results"), dict) or sum(key in obj for key in REQUIRED_FIELDS) >= 2
    )


def looks_like_per_question(obj: Any) -> bool:
    return isinstance(obj, dict) and "file" not in obj and sum(key in obj for key in _PER_QUESTION_KEYS) >= 2


def per_question_problem(file_name: str) -> Problem:
    return Problem(
        file=file_name,
        what="this is a per-question eval_results_*.jsonl file (one answer per line), not a results file.",
        fix="Upload the results_*.json file from the same Twinkle Eval run instead.",
    )


def dataset_name(key: str) -> str:
    """`datasets/mmlu/` → `mmlu`; any other key is used as is."""
    name = key.strip("/")
    if name.startswith("datasets/"):
        return name[len("datasets/"):].strip("/") or key
    return key


def _basename(path: str) -> str:
    return path[max(path.rfind("/"), path.rfind("\\")) + 1:]


def _strip_extension(name: str) -> str:
    stem, _dot, _ext = name.rpartition(".")
    return stem if stem else name


def _path_under(dataset_key: str, path: str) -> str:
    """The item's path below its dataset folder, without extension (used to tell same-named files apart)."""
    normalised = path.replace("\\", "/")
    folder = dataset_key.strip("/") + "/"
    if normalised.startswith(folder):
        normalised = normalised[len(folder):]
    return _strip_extension(normalised.lstrip("/"))


def _runs(item: dict) -> tuple[float, ...]:
    runs = item.get("individual_runs")
    accuracies = runs.get("accuracies") if isinstance(runs, dict) else None
    if not isinstance(accuracies, list):
        return ()
    if set(map(type, accuracies)) == {float} and math.isfinite(sum(accuracies)):  # the common case, fast
        return tuple(accuracies)
    values = [as_finite_float(value) for value in accuracies]
    return tuple(value for value in values if value is not None)


def parse_twinkle(obj: dict, file_name: str, where: str = "") -> SourceDocument:
    """Parse one Twinkle results document. Raises `ReadError` only when nothing of it can be used."""
    prefix = f"{where}, " if where else ""
    results = obj.get("dataset_results")
    missing = [key for key in REQUIRED_FIELDS if key not in obj]
    if not isinstance(results, dict):
        raise ReadError(
            Problem(
                file=file_name,
                where=where,
                what=(
                    "looks like a Twinkle Eval results file but is missing the required field(s): "
                    + ", ".join(missing or ["dataset_results (must be an object)"])
                    + "."
                ),
                fix="Upload the unmodified results_*.json written by Twinkle Eval.",
            )
        )
    config = obj.get("config")
    model_cfg = config.get("model") if isinstance(config, dict) else None
    model = model_cfg.get("name") if isinstance(model_cfg, dict) else None
    timestamp = obj.get("timestamp")
    doc = SourceDocument(
        format=TWINKLE,
        model=str(model) if model not in (None, "") else UNKNOWN_MODEL,
        timestamp=str(timestamp) if timestamp not in (None, "") else NO_TIMESTAMP,
        source_file=file_name,
        raw=obj,
        # A one-dataset document is what the station writes per (dataset, model): the datasets of one run,
        # loaded back from the station, join one source instead of becoming `model @ ts (2)`, `(3)`…
        merge_same_label=len(results) == 1,
    )
    if missing:
        doc.problems.append(
            Problem(
                file=file_name,
                where=where,
                severity="warning",
                what=f"missing field(s) {', '.join(missing)}; loaded with model '{doc.model}' and "
                f"timestamp '{doc.timestamp}'.",
                fix="Use the unmodified results_*.json written by Twinkle Eval to get the real names.",
            )
        )
    for dataset_key, block in results.items():
        _parse_dataset(doc, str(dataset_key), block, file_name, prefix)
    if not doc.rows:
        raise ReadError(
            Problem(
                file=file_name,
                where=where,
                what="a Twinkle Eval results file with no usable scores.",
                fix="Check that dataset_results holds items with a numeric accuracy_mean.",
            )
        )
    return doc


def _parse_dataset(doc: SourceDocument, dataset_key: str, block: Any, file_name: str, prefix: str) -> None:
    dataset = dataset_name(dataset_key)
    items = block.get("results") if isinstance(block, dict) else None
    if not isinstance(items, list):
        doc.problems.append(
            Problem(
                file=file_name,
                where=f"{prefix}dataset '{dataset}'",
                what="has no list of results; the dataset was skipped.",
                fix="Each dataset_results entry needs a 'results' list.",
                severity="warning",
            )
        )
        return
    usable: list[tuple[dict, str, str, float]] = []
    for index, item in enumerate(items, start=1):
        path = item.get("file") if isinstance(item, dict) else None
        if not isinstance(path, str) or not path.strip():
            doc.problems.append(Problem(file_name, "an item without a 'file' name was skipped.",
                                        "Give every item its file path.",
                                        f"{prefix}dataset '{dataset}', item {index}", "warning"))
            continue
        base = _basename(path)
        score = as_finite_float(item.get("accuracy_mean"))
        if score is None:
            where = f"{prefix}dataset '{dataset}', item {index} ({base})"
            fallback = as_finite_float(item.get("accuracy")) if "accuracy_mean" not in item else None
            if fallback is None:
                doc.problems.append(Problem(
                    file_name, "accuracy_mean is missing, empty or not a finite number; the item was skipped.",
                    "Re-run the evaluation for this file or fix the value.", where, "warning"))
                continue
            score = fallback
            doc.problems.append(Problem(file_name, "has no accuracy_mean; its 'accuracy' value was used instead.",
                                        "", where, "notice"))
        usable.append((item, path, base, score))

    categories = [_strip_extension(base) for _item, _path, base, _score in usable]
    counts = Counter(categories) if len(set(categories)) < len(categories) else None
    seen: set[str] = set()
    scores: list[float] = []
    for (item, path, base, score), category in zip(usable, categories, strict=True):
        if counts is not None and counts[category] > 1:
            category = _path_under(dataset_key, path)
            if category in seen:
                doc.problems.append(
                    Problem(file_name, f"a second item for '{category}' was skipped.", "Remove the repeated item.",
                            f"{prefix}dataset '{dataset}'", "warning")
                )
                continue
        seen.add(category)
        std = as_finite_float(item.get("accuracy_std"))
        doc.rows.append(
            # Positional on purpose: this line runs once per score, and keywords cost a third more.
            ScoreRow(dataset, category, score, "accuracy", base, math.nan if std is None else std, _runs(item))
        )
        scores.append(score)
        if "pass_at_k_mean" in item or "unparsed_rate" in item:
            _extra_metrics(doc, item, dataset, category, base)
    reported = as_finite_float(block.get("average_accuracy"))
    if scores and reported is not None:
        # Computed averages are filled in by the loader for every format alike.
        doc.overall.append(OverallRow(dataset=dataset, group=dataset, metric="accuracy", score=reported,
                                      reported=True))


def _extra_metrics(doc: SourceDocument, item: dict, dataset: str, category: str, base: str) -> None:
    for key, metric, higher in (("pass_at_k_mean", "pass_at_k", True), ("unparsed_rate", "unparsed_rate", False)):
        extra = as_finite_float(item.get(key))
        if extra is not None:
            doc.rows.append(ScoreRow(dataset=dataset, category=category, score=extra, metric=metric, file=base,
                                     primary=False, higher_is_better=higher))


def split_runs(obj: dict) -> list[dict]:
    """One Twinkle document per run of a multi-run document, for the demo and tests.

    The runs are real, separate measurements; each copy keeps the real model name and marks the run in its
    timestamp (`20250806_1543 run1`), so no model name is invented.
    """
    run_count = 0
    for block in obj.get("dataset_results", {}).values():
        for item in block.get("results", []):
            run_count = max(run_count, len(_runs(item)))
    documents = []
    for run in range(run_count):
        copy = {**obj, "timestamp": f"{obj.get('timestamp', NO_TIMESTAMP)} run{run + 1}", "dataset_results": {}}
        for key, block in obj["dataset_results"].items():
            items = []
            for item in block.get("results", []):
                runs = _runs(item)
                if len(runs) > run:
                    items.append({"file": item["file"], "accuracy_mean": runs[run]})
            copy["dataset_results"][key] = {"results": items}
        documents.append(copy)
    return documents
