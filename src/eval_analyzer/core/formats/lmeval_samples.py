"""lm-evaluation-harness per-question logs, attached to the run's `results_<date>.json`.

`--log_samples` writes `samples_<task>_<date>.jsonl` next to `results_<date>.json`, both with the one `date_id`
of the run (`EvaluationTracker`), in the model's folder: one record per (document, filter) with `doc_id`, `doc`,
`target`, `resps`, `filtered_resps`, `filter` (0.4.3+; `none` before) and each metric's per-document value under
its name. A value becomes the metric `<name>,<filter>`, the score table's name for it (`exact_match,strict-match`),
so a task's per-question mean is the score its results file reports. Values that are not numbers (BLEU's
(reference, prediction) pairs, aggregated over the corpus) are not per-question scores and are left out.

lm-eval 0.3's `--write_out` wrote `<task>_write_out_info.json` instead: one JSON list of `doc_id`, `prompt_<i>`,
`logit_<i>`, `truth` and each metric's value as a string (`"True"`, `"0"`); it attaches to the results document
of the same folder that reports that task.

A task's dataset and category are those the results document gives it (a leaf's dataset is its root group);
without a results document the task is its own dataset.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Iterable
from math import isfinite
from typing import Any

import pandas as pd

from eval_analyzer.core.document import NO_TIMESTAMP, UNKNOWN_MODEL, ScoreRow, SourceDocument
from eval_analyzer.core.errors import Problem, ReadError, problem
from eval_analyzer.core.formats.base import Format
from eval_analyzer.core.formats.lmeval import NAME as RESULTS_NAME
from eval_analyzer.core.formats.lmeval import PREFERRED_METRICS, timestamp_of
from eval_analyzer.core.metrics import higher_is_better, scale_for, scales_of
from eval_analyzer.core.samples import (
    MAX_TEXT_CHARS,
    SampleColumns,
    categorical,
    clip_text,
    concat_samples,
    scores_of,
)

NAME = "lm-eval-samples"
WRITE_OUT_NAME = "lm-eval-write-out"
_DATE = r"(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?)"
_SAMPLES_FILE = re.compile(rf"^samples_(.+)_{_DATE}\.jsonl?$")
_RESULTS_DATE = re.compile(rf"_{_DATE}\.json$")
_WRITE_OUT_FILE = re.compile(r"^(.+)_write_out_info\.json$")
#: Keys of a samples record that are not metrics (when the record has no `metrics` list naming them).
_NOT_METRICS = frozenset({"doc_id", "doc", "target", "arguments", "resps", "filtered_resps", "filter", "metrics",
                          "doc_hash", "prompt_hash", "target_hash"})
#: Keys of a `doc` that hold the question, in order of preference; else the whole doc is shown.
_QUESTION_KEYS = ("question", "query", "problem", "prompt", "input", "text", "sentence", "ctx", "context",
                  "passage", "premise")
_MISSING = object()
_WRITE_OUT_FIXED = re.compile(r"^(doc_id|truth|prompt_\d+|logit_\d+)$")


def _parts(file_name: str) -> tuple[str, str]:
    path = file_name.replace("\\", "/")
    return posixpath.dirname(path), posixpath.basename(path)


def _number(value: Any) -> float | None:
    """A per-question value as a float; None when it is not a finite number (BLEU's pairs, NaN)."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    return None


def _texts(obj: dict, doc_id: Any, limit: int) -> tuple[str, str, str, str]:
    """(question id, question, gold answer, filtered answer) of a samples record, a short str kept as it is."""
    doc = obj.get("doc")
    question = doc.get("question") if doc.__class__ is dict else None  # the first of _QUESTION_KEYS
    if question.__class__ is not str or len(question) > limit:
        question = _question(doc)
    gold = obj.get("target")
    if gold.__class__ is not str or len(gold) > limit:
        gold = clip_text(gold)
    output = obj.get("filtered_resps")
    while isinstance(output, list) and len(output) == 1:  # one list per request; a generation has one str
        output = output[0]
    if output.__class__ is not str or len(output) > limit:
        output = clip_text(output)
    return str(doc_id), question, gold, output


def _question(doc: Any) -> str:
    if isinstance(doc, dict):
        for key in _QUESTION_KEYS:
            text = doc.get(key)
            if isinstance(text, str):
                return text if len(text) <= MAX_TEXT_CHARS else clip_text(text)
    return clip_text(doc)


def looks_like_samples(obj: Any) -> bool:
    return isinstance(obj, dict) and "doc_id" in obj and ("filtered_resps" in obj or "resps" in obj)


def read_samples(records: Iterable[Any], file_name: str) -> SourceDocument:
    folder, base = _parts(file_name)
    match = _SAMPLES_FILE.match(base)
    if match:
        task, date = match.group(1), match.group(2)
    else:
        task, date = re.sub(r"^samples_|\.jsonl?$", "", base) or base, NO_TIMESTAMP
    columns = SampleColumns(question=[], gold=[], output=[])
    # Appended directly (not `columns.add`), names bound once and texts kept without a call when they are
    # already short str: this loop runs once per line of a log that can be 1 GB, next to a json.loads it should
    # not outweigh.
    add_qid, add_metric, add_value = columns.question_id.append, columns.metric.append, columns.value.append
    add_question, add_gold, add_output = columns.question.append, columns.gold.append, columns.output.append
    limit = MAX_TEXT_CHARS
    metric_names: dict[str, dict[str, str]] = {}  # filter -> name -> "name,filter": one string per metric
    skipped = 0
    for obj in records:
        doc_id = obj.get("doc_id", _MISSING) if isinstance(obj, dict) else _MISSING
        if doc_id is _MISSING:
            skipped += 1
            continue
        flt = obj.get("filter")
        if not isinstance(flt, str) or not flt:
            flt = "none"
        names = obj.get("metrics")
        if not isinstance(names, list):
            names = [key for key in obj if key not in _NOT_METRICS]
        metrics = metric_names.get(flt)
        if metrics is None:
            metrics = metric_names[flt] = {}
        texts = None  # (id, question, gold, output), made for the record's first value
        for name in names:
            if not isinstance(name, str):
                continue
            value = obj.get(name)
            if value.__class__ is not float or not isfinite(value):
                value = _number(value)
                if value is None:
                    continue
            metric = metrics.get(name)
            if metric is None:
                metric = metrics[name] = f"{name},{flt}"
            if texts is None:
                texts = _texts(obj, doc_id, limit)
            add_qid(texts[0])
            add_metric(metric)
            add_value(value)
            add_question(texts[1])
            add_gold(texts[2])
            add_output(texts[3])
        if texts is None:
            skipped += 1
    values_column = columns.value
    columns.dataset = columns.category = [task] * len(values_column)
    columns.run = [0] * len(values_column)
    if not len(columns):
        raise ReadError(problem(file_name, "lmeval_samples.no_records"))
    doc = SourceDocument(format=NAME, model=UNKNOWN_MODEL, timestamp=date, source_file=file_name,
                         attach_to=(NAME, folder, date), pending=task, samples=columns.frame())
    if skipped:
        doc.problems.append(problem(file_name, "samples.skipped_records", severity="warning", count=skipped))
    return doc


def looks_like_write_out(obj: Any) -> bool:
    return (isinstance(obj, list) and bool(obj) and isinstance(obj[0], dict) and "doc_id" in obj[0]
            and ("truth" in obj[0] or "prompt_0" in obj[0]))


def _text_number(value: Any) -> float | None:
    """A write_out metric value: lm-eval 0.3 stored `str(value)`."""
    if isinstance(value, str):
        if value in ("True", "False"):
            return 1.0 if value == "True" else 0.0
        try:
            number = float(value)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return _number(value)


def read_write_out(obj: list, file_name: str, where: str = "") -> SourceDocument:
    folder, base = _parts(file_name)
    match = _WRITE_OUT_FILE.match(base)
    task = match.group(1) if match else re.sub(r"\.json$", "", base)
    columns = SampleColumns()
    skipped = 0
    for entry in obj:
        if not isinstance(entry, dict) or "doc_id" not in entry:
            skipped += 1
            continue
        values = [(key, number) for key, value in entry.items()
                  if not _WRITE_OUT_FIXED.match(str(key)) and (number := _text_number(value)) is not None]
        if not values:
            skipped += 1
            continue
        question, gold, output = (clip_text(entry.get("prompt_0")), clip_text(entry.get("truth")),
                                  clip_text(entry.get("logit_0")))
        for metric, value in values:
            columns.add(task, task, entry["doc_id"], 0, metric, value, question, gold, output)
    if not len(columns):
        raise ReadError(problem(file_name, "lmeval_samples.no_records", where))
    doc = SourceDocument(format=WRITE_OUT_NAME, model=UNKNOWN_MODEL, timestamp=NO_TIMESTAMP,
                         source_file=file_name, attach_to=(WRITE_OUT_NAME, folder, task), pending=task,
                         samples=columns.frame())
    if skipped:
        doc.problems.append(problem(file_name, "samples.skipped_records", where, "warning", count=skipped))
    return doc


# -- attaching ---------------------------------------------------------------------------------------------------
def _placed(frame: pd.DataFrame, dataset: str, category: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["dataset"] = categorical([dataset] * len(frame))
    frame["category"] = categorical([category] * len(frame))
    return frame


def _computed_rows(frame: pd.DataFrame) -> list[ScoreRow]:
    scores = scores_of(frame)
    primary: dict[tuple[str, str], str] = {}
    for score in scores:
        key = (score.dataset, score.category)
        current = primary.get(key)
        rank = PREFERRED_METRICS.index(score.metric) if score.metric in PREFERRED_METRICS else len(PREFERRED_METRICS)
        if current is None or rank < (PREFERRED_METRICS.index(current) if current in PREFERRED_METRICS
                                       else len(PREFERRED_METRICS)):
            primary[key] = score.metric
    scales = scales_of((score.metric, score.score) for score in scores)  # the JSON reader's rule
    rows = []
    for score in scores:
        scale = scale_for(scales, score.metric)
        rows.append(ScoreRow(score.dataset, score.category, score.score * scale.factor, score.metric,
                             score.category, primary=primary[(score.dataset, score.category)] == score.metric,
                             higher_is_better=higher_is_better(score.metric), unit_scale=scale.unit_scale,
                             scale_assumed=scale.assumed))
    rows.sort(key=lambda row: not row.primary)
    return rows


def attach(docs: list[SourceDocument], target: SourceDocument) -> list[Problem]:
    problems: list[Problem] = []
    places = {}
    for row in target.rows:
        places.setdefault(row.file, (row.dataset, row.category))
    frames = [target.samples] if target.samples is not None else []
    for doc in docs:
        task = doc.pending
        place = places.get(task)
        if place is None:
            frame = doc.samples
            target.rows.extend(_computed_rows(frame))
            problems.append(problem(doc.source_file, "lmeval_samples.task_not_in_results", severity="warning",
                                    task=task, results=posixpath.basename(target.source_file)))
        else:
            frame = _placed(doc.samples, *place)
        frames.append(frame)
        doc.samples = None
    target.samples = concat_samples(frames)
    return problems


def standalone(docs: list[SourceDocument]) -> SourceDocument:
    first = docs[0]
    folder, _base = _parts(first.source_file)
    # lm-eval names the run's folder after the model, '/' written as '__' (`sanitize_model_name`).
    model = posixpath.basename(folder).replace("__", "/") or UNKNOWN_MODEL
    stamp = first.timestamp if first.format == WRITE_OUT_NAME else timestamp_of({}, f"results_{first.timestamp}.json")
    frame = concat_samples([doc.samples for doc in docs])
    for doc in docs:
        doc.samples = None
    source = SourceDocument(format=first.format, model=model, timestamp=stamp,
                            source_file=", ".join(doc.source_file for doc in docs), samples=frame,
                            rows=_computed_rows(frame))
    results = "results_*.json" if first.format == WRITE_OUT_NAME else f"results_{first.timestamp}.json"
    source.problems = [problem(first.source_file, "samples.scores_computed", severity="notice", results=results)]
    return source


class LmEvalSamples(Format):
    name = NAME
    title = ""
    per_question = True

    def detect(self, obj: Any) -> bool:
        return looks_like_samples(obj)

    def read(self, obj: Any, file_name: str, where: str = "") -> list[SourceDocument]:
        return [read_samples([obj], file_name)]

    def read_records(self, records: Iterable[Any], file_name: str) -> list[SourceDocument]:
        return [read_samples(records, file_name)]

    def companion_keys(self, doc: SourceDocument) -> list[tuple]:
        if doc.format != RESULTS_NAME:
            return []
        folder, base = _parts(doc.source_file)
        match = _RESULTS_DATE.search(base)
        return [(NAME, folder, match.group(1))] if match else []

    def attach(self, docs: list[SourceDocument], target: SourceDocument) -> list[Problem]:
        return attach(docs, target)

    def standalone(self, docs: list[SourceDocument]) -> SourceDocument:
        return standalone(docs)


class LmEvalWriteOut(Format):
    name = WRITE_OUT_NAME
    title = ""

    def detect(self, obj: Any) -> bool:
        return looks_like_write_out(obj)

    def read(self, obj: Any, file_name: str, where: str = "") -> list[SourceDocument]:
        return [read_write_out(obj, file_name, where)]

    def companion_keys(self, doc: SourceDocument) -> list[tuple]:
        if doc.format != RESULTS_NAME:
            return []
        folder, _base = _parts(doc.source_file)
        return [(WRITE_OUT_NAME, folder, task) for task in dict.fromkeys(row.file for row in doc.rows)]

    def attach(self, docs: list[SourceDocument], target: SourceDocument) -> list[Problem]:
        return attach(docs, target)

    def standalone(self, docs: list[SourceDocument]) -> SourceDocument:
        return standalone(docs)
