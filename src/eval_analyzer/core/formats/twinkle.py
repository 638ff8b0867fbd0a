"""Twinkle Eval `results_<timestamp>.json`, the primary format.

One document is one source: `{model} @ {timestamp}`. `dataset_results` keys (`datasets/mmlu/`) are datasets; their
items become categories named after their file. Publishing writes one station file per dataset: the document
reduced to that dataset, still a valid Twinkle results file.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any

from eval_analyzer.core.document import (
    NO_TIMESTAMP,
    UNKNOWN_MODEL,
    OverallRow,
    ScoreRow,
    SourceDocument,
    as_finite_float,
)
from eval_analyzer.core.errors import ReadError, problem
from eval_analyzer.core.formats.base import Format, Payload
from eval_analyzer.core.messages import kind_of

NAME = "twinkle"
REQUIRED_FIELDS = ("timestamp", "config", "dataset_results")

#: Keys that only Twinkle's per-question `eval_results_*_run{N}.jsonl` records carry.
_PER_QUESTION_KEYS = ("question_id", "is_correct", "llm_output")


def looks_like_twinkle(obj: Any) -> bool:
    """Detection by content: a dict `dataset_results` and a `config` key, or a near miss worth explaining."""
    return isinstance(obj, dict) and (
        isinstance(obj.get("dataset_results"), dict) or sum(key in obj for key in REQUIRED_FIELDS) >= 2
    )


def looks_like_per_question(obj: Any) -> bool:
    """An `eval_results_*.jsonl` record (read by `twinkle_samples`); older versions also name their `file`."""
    return isinstance(obj, dict) and sum(key in obj for key in _PER_QUESTION_KEYS) >= 2


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


def _category(dataset_key: str, path: str) -> str:
    """The category of an item: its path below the dataset folder, without extension, so a category in a
    subfolder keeps every part of its name (`datasets/mmlu/stem/physics.csv` → `stem/physics`, not `physics`);
    the file name alone when the path is not below that folder (an absolute path of another machine)."""
    normalised = path.replace("\\", "/")
    folder = dataset_key.strip("/") + "/"
    start = 0 if normalised.startswith(folder) else normalised.find(f"/{folder}") + 1
    inner = normalised[start + len(folder):].lstrip("/") if start or normalised.startswith(folder) else ""
    return _strip_extension(inner or _basename(path))


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
        raise ReadError(problem(file_name, "twinkle.missing_required", where,
                                fields=", ".join(missing or ["dataset_results (must be an object)"])))
    config = obj.get("config")
    model_cfg = config.get("model") if isinstance(config, dict) else None
    model = model_cfg.get("name") if isinstance(model_cfg, dict) else None
    timestamp = obj.get("timestamp")
    doc = SourceDocument(
        format=NAME,
        model=str(model) if model not in (None, "") else UNKNOWN_MODEL,
        timestamp=str(timestamp) if timestamp not in (None, "") else NO_TIMESTAMP,
        source_file=file_name,
        # A one-dataset document is what the station writes per (dataset, model): the datasets of one run,
        # loaded back from the station, join one source instead of becoming `model @ ts (2)`, `(3)`…
        merge_same_label=len(results) == 1,
    )
    if missing:
        doc.problems.append(problem(file_name, "twinkle.missing_fields", where, "warning",
                                    fields=", ".join(missing), model=doc.model, timestamp=doc.timestamp))
    for dataset_key, block in results.items():
        _parse_dataset(doc, str(dataset_key), block, file_name, prefix)
    if not doc.rows:
        raise ReadError(problem(file_name, "twinkle.no_scores", where))
    return doc


def _parse_dataset(doc: SourceDocument, dataset_key: str, block: Any, file_name: str, prefix: str) -> None:
    dataset = dataset_name(dataset_key)
    items = block.get("results") if isinstance(block, dict) else None
    if not isinstance(items, list):
        doc.problems.append(problem(file_name, "twinkle.no_results_list", f"{prefix}dataset '{dataset}'",
                                    "warning"))
        return
    usable: list[tuple[dict, str, str, float]] = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            doc.problems.append(problem(file_name, "twinkle.item_not_object", f"{prefix}dataset '{dataset}', "
                                        f"item {index}", "warning", kind=kind_of(item)))
            continue
        path = item.get("file")
        if not isinstance(path, str) or not path.strip():
            doc.problems.append(problem(file_name, "twinkle.item_without_file",
                                        f"{prefix}dataset '{dataset}', item {index}", "warning"))
            continue
        base = _basename(path)
        score = as_finite_float(item.get("accuracy_mean"))
        if score is None:
            where = f"{prefix}dataset '{dataset}', item {index} ({base})"
            fallback = as_finite_float(item.get("accuracy")) if "accuracy_mean" not in item else None
            if fallback is None:
                value = item.get("accuracy_mean", item.get("accuracy")) if (
                    "accuracy_mean" in item or "accuracy" in item) else None
                kind = kind_of(value) if ("accuracy_mean" in item or "accuracy" in item) else "missing"
                doc.problems.append(problem(file_name, "twinkle.no_accuracy", where, "warning", kind=kind))
                continue
            score = fallback
            doc.problems.append(problem(file_name, "twinkle.accuracy_fallback", where, "notice"))
        usable.append((item, path, base, score))

    categories = [_category(dataset_key, path) for _item, path, _base, _score in usable]
    counts = Counter(categories) if len(set(categories)) < len(categories) else None
    seen: set[str] = set()
    scores: list[float] = []
    for (item, path, base, score), category in zip(usable, categories, strict=True):
        if counts is not None and counts[category] > 1:
            category = _path_under(dataset_key, path)
            if category in seen:
                doc.problems.append(problem(file_name, "twinkle.repeated_item", f"{prefix}dataset '{dataset}'",
                                            "warning", category=category))
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


def _dump(obj: object, indent: int) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")


def station_entries(doc: SourceDocument) -> list[Payload]:
    """One station file per dataset: the document with only that dataset's `dataset_results` entry (and its
    `average_accuracy`), every other top-level key as it was, in the original key order."""
    raw = doc.parsed()
    results = raw.get("dataset_results") if isinstance(raw, dict) else None
    if not isinstance(results, dict):
        return [Payload("", doc.model, None, f"{doc.source_file}: the parsed document is not available.")]
    config = raw.get("config")
    model_cfg = config.get("model") if isinstance(config, dict) else None
    if not isinstance(model_cfg, dict) or model_cfg.get("name") in (None, ""):
        return [Payload("", doc.model, None, f"{doc.source_file}: has no model name (config.model.name); it "
                        "would collide with every other unnamed result. Add the name, then publish.")]
    keys_by_dataset: dict[str, list[str]] = {}
    for key in results:
        keys_by_dataset.setdefault(dataset_name(str(key)), []).append(key)
    used = {row.dataset for row in doc.rows}
    found = []
    for dataset, keys in keys_by_dataset.items():
        if dataset not in used:
            found.append(Payload(dataset, doc.model, None,
                                 f"{doc.source_file}: dataset '{dataset}' has no usable score; not published."))
            continue
        reduced = {key: ({k: results[k] for k in keys} if key == "dataset_results" else value)
                   for key, value in raw.items()}
        found.append(Payload(dataset, doc.model, _dump(reduced, 2)))
    return found


class Twinkle(Format):
    name = NAME
    title = "Twinkle Eval"

    def detect(self, obj: Any) -> bool:
        return looks_like_twinkle(obj)

    def read(self, obj: Any, file_name: str, where: str = "") -> list[SourceDocument]:
        return [parse_twinkle(obj, file_name, where)]

    def station_entries(self, doc: SourceDocument) -> list[Payload]:
        return station_entries(doc)

    def station_names(self, doc: SourceDocument, path: str) -> tuple[str, str] | None:
        datasets = list(dict.fromkeys(row.dataset for row in doc.rows))
        return (datasets[0] if datasets else "", doc.model)
