"""Inspect AI eval logs: the `.json` log and the `.eval` zip (one source per log).

A log is one task run on one model. The dataset is the task (without a `pkg/` prefix), the source is
`eval.model @ eval.created`. Every metric of every scorer in `results.scores` is a selectable metric: named as
Inspect names it (`accuracy`) when the log has one score entry, `<score>/<metric>` (`match/accuracy`) when it has
several, so two scorers' accuracies never merge. `stderr` is not a metric of its own: it is the standard error
of the entry's `accuracy` / `mean` and is kept in their rows.

Categories, in order of preference:
1. a `grouped(metric, "<key>")` metric (how Inspect tasks report per-category scores): its per-group values are
   Inspect's own numbers, used as reported; its `all` value is the reported overall.
2. a conventional category field (`metadata.category`, then `metadata.subject`) on every sample, with two or
   more values: `accuracy` / `mean` per category are computed from the samples (the same per-sample values
   Inspect's metrics use: its `reductions` across epochs, else the mean over epochs); the log's own value is
   kept as the reported overall, and metrics that cannot be split by category (std, var, custom) are overall
   values only.
3. otherwise one category named like the task.

Per-sample values are mapped as Inspect's `value_to_float` does (C=1, P=0.5, I=N=0, yes/true=1, no/false=0,
numeric strings, numbers, booleans; a dict-valued score gives one value per key, matching the score entry Inspect
made for that key). The per-question table's `metric` is the category rows' metric of the same score entry.
"""

from __future__ import annotations

import importlib
import json
import math
import re
import struct
import zipfile
import zlib
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from eval_analyzer.core.document import NO_TIMESTAMP, OverallRow, ScoreRow, SourceDocument, as_finite_float
from eval_analyzer.core.errors import ReadError, problem
from eval_analyzer.core.formats.base import Format
from eval_analyzer.core.samples import SampleColumns

NAME = "inspect"
#: Keys beside `eval` that only an Inspect log has together (an interrupted `.eval` header has `plan` only).
_LOG_KEYS = ("results", "samples", "status", "plan", "stats")
#: Metrics whose value is the mean of the per-sample values, so a category's value can be computed.
MEAN_METRICS = ("accuracy", "mean")
#: Metrics that are the standard error of the others, not scores.
STDERR_METRICS = frozenset({"stderr", "bootstrap_stderr"})
#: Sample metadata keys taken as the category when no grouped metric declares one.
CATEGORY_KEYS = ("category", "subject")
#: The zip compression method of zstd; Python's zipfile reads it only from 3.14.
ZSTD_METHOD = 93
_EPOCH_MEMBER = re.compile(r"^samples/[^/]+_epoch_\d+(?:\.json|/sample\.json)$")
_ZIP_HEADER = struct.Struct("<4s5H3L2H")


# -- detection ---------------------------------------------------------------------------------------------------
def _spec(obj: Any) -> dict | None:
    spec = obj.get("eval") if isinstance(obj, dict) else None
    if isinstance(spec, dict) and isinstance(spec.get("task"), str) and isinstance(spec.get("model"), str):
        return spec
    return None


def looks_like_log(obj: Any) -> bool:
    """An `eval` object naming a task and a model, plus any of the log's other parts."""
    return _spec(obj) is not None and any(key in obj for key in _LOG_KEYS)


def looks_like_index(obj: Any) -> bool:
    """`logs.json` (log headers keyed by file name) or `eval-set.json` (`eval_set_id` and its tasks), which
    `inspect eval-set` writes beside the logs: they repeat the logs' headers, so they are not read."""
    if not isinstance(obj, dict) or not obj:
        return False
    if isinstance(obj.get("eval_set_id"), str) and isinstance(obj.get("tasks"), list):
        return True
    return all(isinstance(key, str) and key.endswith((".eval", ".json")) and _spec(value) is not None
               for key, value in obj.items())


def is_eval_zip(names: list[str]) -> bool:
    return "header.json" in names or "_journal/start.json" in names


# -- small readers -----------------------------------------------------------------------------------------------
def timestamp_of(spec: dict) -> str:
    """`eval.created` as `YYYYMMDD_HHMMSS` in the clock time it was written with (the log's file name uses the
    same), else `<no-ts>`."""
    created = spec.get("created")
    if not isinstance(created, str):
        return NO_TIMESTAMP
    try:
        return datetime.fromisoformat(created.strip().replace("Z", "+00:00")).strftime("%Y%m%d_%H%M%S")
    except ValueError:
        return NO_TIMESTAMP


def task_name(spec: dict) -> str:
    """The task without its package (`inspect_evals/gpqa_diamond` -> `gpqa_diamond`)."""
    name = spec["task"].strip().rsplit("/", 1)[-1].strip()
    return name or "inspect"


def value_to_float(value: Any) -> float | None:
    """A sample score as Inspect's default `value_to_float` maps it; None for NaN (Inspect's "unscored") and for
    a missing value. Values Inspect cannot convert count as 0, as in Inspect's metrics."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        number = float(value)
        return None if math.isnan(number) else (number if math.isfinite(number) else None)
    if value is None:
        return None
    if value == "C":
        return 1.0
    if value == "P":
        return 0.5
    if value in ("I", "N"):
        return 0.0
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("yes", "true"):
            return 1.0
        if lowered in ("no", "false"):
            return 0.0
        try:
            number = float(lowered)
        except ValueError:
            return 0.0
        return number if math.isfinite(number) else 0.0
    return 0.0


def _text(content: Any, attachments: dict) -> str | None:
    """The text of a message's content (a string, or a list of content parts), attachments resolved."""
    if isinstance(content, str):
        if content.startswith("attachment://"):
            resolved = attachments.get(content[len("attachment://"):])
            return resolved if isinstance(resolved, str) else content
        return content
    if isinstance(content, list):
        parts = [_text(part.get("text"), attachments) for part in content
                 if isinstance(part, dict) and part.get("type", "text") == "text"]
        texts = [part for part in parts if part]
        return "\n".join(texts) if texts else None
    return None


def _question(sample: dict, attachments: dict) -> str | None:
    raw = sample.get("input")
    if isinstance(raw, list):
        texts = [_text(message.get("content"), attachments) for message in raw if isinstance(message, dict)]
        joined = "\n\n".join(text for text in texts if text)
        return joined or None
    return _text(raw, attachments)


def _gold(sample: dict) -> str | None:
    target = sample.get("target")
    if isinstance(target, list):
        return " | ".join(str(item) for item in target)
    return target if isinstance(target, str) else None


def _output(sample: dict, attachments: dict) -> str | None:
    output = sample.get("output")
    if isinstance(output, dict):
        if isinstance(output.get("completion"), str) and output["completion"]:
            return _text(output["completion"], attachments)
        choices = output.get("choices")
        if isinstance(choices, list) and choices and isinstance(choices[0], dict):
            message = choices[0].get("message")
            if isinstance(message, dict) and (text := _text(message.get("content"), attachments)):
                return text
    messages = sample.get("messages")
    if isinstance(messages, list):
        for message in reversed(messages):
            if isinstance(message, dict) and message.get("role") == "assistant":
                return _text(message.get("content"), attachments)
    return None


def _message_reasoning(message: dict, attachments: dict) -> str | None:
    """The reasoning of an assistant message: its `reasoning` content blocks (`ContentReasoning`: the text, or
    the summary when the text is redacted or empty), or the `reasoning` field logs before those blocks had."""
    content = message.get("content")
    texts = []
    for part in content if isinstance(content, list) else ():
        if not isinstance(part, dict) or part.get("type") != "reasoning":
            continue
        text = part.get("reasoning") if part.get("redacted") is not True else None
        if not isinstance(text, str) or not text:
            text = part.get("summary")
        if isinstance(text, str) and text and (text := _text(text, attachments)):
            texts.append(text)
    if not texts and isinstance(message.get("reasoning"), str) and message["reasoning"]:
        texts.append(_text(message["reasoning"], attachments))
    return "\n\n".join(texts) if texts else None


def _reasoning(sample: dict, attachments: dict) -> str | None:
    """The reasoning of the message the output is: the output's first choice, else the last assistant message."""
    output = sample.get("output")
    choices = output.get("choices") if isinstance(output, dict) else None
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        message = choices[0].get("message")
        if isinstance(message, dict):
            return _message_reasoning(message, attachments)
    messages = sample.get("messages")
    if isinstance(messages, list):
        for message in reversed(messages):
            if isinstance(message, dict) and message.get("role") == "assistant":
                return _message_reasoning(message, attachments)
    return None


# -- score entries -----------------------------------------------------------------------------------------------
class _Entry:
    """One `results.scores[]` item: a scorer (or one key of a dict-valued scorer) under one reducer."""

    def __init__(self, raw: dict, index: int):
        name = raw.get("name")
        scorer = raw.get("scorer")
        self.name = name if isinstance(name, str) and name else scorer if isinstance(scorer, str) else f"score{index}"
        self.scorer = scorer if isinstance(scorer, str) and scorer else self.name
        self.reducer = raw.get("reducer") if isinstance(raw.get("reducer"), str) else None
        self.label = self.name
        #: (metric key, value) of the plain metrics, in file order.
        self.plain: list[tuple[str, float]] = []
        self.stderr = math.nan
        #: (inner metric, {group: value}, all value or None, group key) of a grouped metric.
        self.grouped: list[tuple[str, dict[str, float], float | None, str]] = []
        metrics = raw.get("metrics")
        if not isinstance(metrics, dict):
            return
        for key, metric in metrics.items():
            if not isinstance(metric, dict) or (value := as_finite_float(metric.get("value"))) is None:
                continue
            params = metric.get("params") if isinstance(metric.get("params"), dict) else {}
            leaf = metric.get("name") if isinstance(metric.get("name"), str) else str(key)
            if isinstance(params.get("group_key"), str):
                self._add_group(params, leaf, value)
            elif _base(leaf) in STDERR_METRICS or _base(str(key)) in STDERR_METRICS:
                if math.isnan(self.stderr):
                    self.stderr = value
            else:
                self.plain.append((str(key), value))

    def _add_group(self, params: dict, group: str, value: float) -> None:
        inner = params.get("metric")
        inner_name = _base(inner["name"]) if isinstance(inner, dict) and isinstance(inner.get("name"), str) else (
            "grouped")
        all_label = params.get("all_label") if isinstance(params.get("all_label"), str) else "all"
        found = next((item for item in self.grouped if item[0] == inner_name), None)
        if found is None:
            found = (inner_name, {}, None, params["group_key"])
            self.grouped.append(found)
        if group == all_label:
            self.grouped[self.grouped.index(found)] = (found[0], found[1], value, found[3])
        else:
            found[1][group] = value

    def metric(self, key: str) -> str:
        return f"{self.label}/{key}" if self.label else key

    def sample_metric(self) -> str:
        """The metric the per-question values of this entry stand for (its mean-like metric if it has one)."""
        if self.grouped:
            return self.metric(self.grouped[0][0])
        keys = [key for key, _value in self.plain]
        mean = next((key for key in keys if _base(key) in MEAN_METRICS), None)
        if mean is not None:
            return self.metric(mean)
        return self.metric(keys[0]) if keys else self.metric(self.name)

    def sample_value(self, scores: dict) -> float | None:
        score = scores.get(self.scorer)
        if not isinstance(score, dict):
            return None
        value = score.get("value")
        if isinstance(value, dict):
            if self.name == self.scorer or self.name not in value:
                return None
            value = value[self.name]
        return value_to_float(value)


def _base(metric: str) -> str:
    return metric.rsplit("/", 1)[-1]


def _entries(results: Any) -> list[_Entry]:
    if not isinstance(results, dict):
        return []
    raw = results.get("scores")
    if raw is None and isinstance(results.get("scorer"), dict):  # logs before `scores` (Inspect < 0.3.2)
        raw = [{**results["scorer"], "metrics": results.get("metrics")}]
    entries = [_Entry(item, index) for index, item in enumerate(raw if isinstance(raw, list) else [])
               if isinstance(item, dict)]
    entries = [entry for entry in entries if entry.plain or entry.grouped]
    if len(entries) == 1:
        entries[0].label = ""
    names = [entry.name for entry in entries]
    for entry in entries:
        if names.count(entry.name) > 1 and entry.reducer:
            entry.label = f"{entry.name}[{entry.reducer}]"
    return entries


# -- the document ------------------------------------------------------------------------------------------------
def parse_log(obj: dict, file_name: str, where: str = "") -> SourceDocument:
    """One log (a `.json` log, or a `.eval` header with its samples joined in) as one document."""
    spec = _spec(obj)
    if spec is None:
        raise ReadError(problem(file_name, "inspect.no_scores", where, status="?"))
    status = obj.get("status") if isinstance(obj.get("status"), str) else "?"
    entries = _entries(obj.get("results"))
    if not entries:
        raise ReadError(problem(file_name, "inspect.no_scores", where, status=status))
    dataset = task_name(spec)
    doc = SourceDocument(format=NAME, model=spec["model"].strip() or "<unknown>", timestamp=timestamp_of(spec),
                         source_file=file_name)
    if status != "success":
        error = obj.get("error")
        message = error.get("message") if isinstance(error, dict) else None
        doc.problems.append(problem(file_name, "inspect.not_finished", where, "warning", status=status,
                                    error=f": {message.strip()[:200]}" if isinstance(message, str) else ""))
    raw_samples = obj.get("samples")
    samples = [sample for sample in raw_samples if isinstance(sample, dict)] if isinstance(raw_samples, list) else []
    skipped = len(raw_samples) - len(samples) if isinstance(raw_samples, list) else 0
    if skipped:
        doc.problems.append(problem(file_name, "inspect.bad_samples", where, "warning", count=skipped))
    grouped_key = next((group[3] for entry in entries for group in entry.grouped), None)
    key = grouped_key or _category_key(samples)
    categories = [_category(sample, key, dataset) for sample in samples]
    columns = _sample_columns(samples, categories, entries, dataset)
    if grouped_key is not None:
        _grouped_rows(doc, entries, dataset)
    elif key is not None and len(columns):
        _computed_rows(doc, entries, dataset, columns, obj.get("reductions"), samples, categories)
    else:
        _plain_rows(doc, entries, dataset)
    if not doc.rows:
        raise ReadError(problem(file_name, "inspect.no_scores", where, status=status))
    if len(columns):
        doc.samples = columns.frame()
    return doc


def _category_key(samples: list[dict]) -> str | None:
    """A conventional metadata field every sample has, with at least two values."""
    if not samples:
        return None
    for key in CATEGORY_KEYS:
        values = set()
        for sample in samples:
            metadata = sample.get("metadata")
            value = metadata.get(key) if isinstance(metadata, dict) else None
            if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
                break
            values.add(str(value).strip())
        else:
            if len(values) > 1:
                return key
    return None


def _category(sample: dict, key: str | None, dataset: str) -> str:
    metadata = sample.get("metadata")
    value = metadata.get(key) if key is not None and isinstance(metadata, dict) else None
    return str(value).strip() if isinstance(value, (str, int)) and str(value).strip() else dataset


def _sample_id(sample: dict, index: int) -> str:
    value = sample.get("id")
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else f"#{index + 1}"


def _epoch(sample: dict) -> int:
    value = sample.get("epoch")
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else 1


def _sample_columns(samples: list[dict], categories: list[str], entries: list[_Entry], dataset: str) -> SampleColumns:
    columns = SampleColumns()
    names = [(entry, entry.sample_metric()) for entry in entries]
    for index, (sample, category) in enumerate(zip(samples, categories, strict=True)):
        scores = sample.get("scores")
        if not isinstance(scores, dict):
            continue
        attachments = sample.get("attachments") if isinstance(sample.get("attachments"), dict) else {}
        texts = None
        for entry, metric in names:
            value = entry.sample_value(scores)
            if value is None:
                continue
            if texts is None:
                texts = (_question(sample, attachments), _gold(sample), _output(sample, attachments),
                         _reasoning(sample, attachments))
            columns.add(dataset, category, _sample_id(sample, index), _epoch(sample) - 1, metric, value, *texts)
    return columns


def _unit(key: str, value: float) -> bool:
    """Accuracy is a fraction; a mean is taken as one when it lies in 0–1; other metrics keep their scale."""
    base = _base(key)
    return base == "accuracy" or (base == "mean" and 0.0 <= value <= 1.0)


def _plain_rows(doc: SourceDocument, entries: list[_Entry], dataset: str) -> None:
    for entry in entries:
        for key, value in entry.plain:
            doc.rows.append(ScoreRow(dataset=dataset, category=dataset, score=value, metric=entry.metric(key),
                                     file=entry.scorer, primary=not doc.rows, unit_scale=_unit(key, value),
                                     stderr=entry.stderr if _base(key) in MEAN_METRICS else math.nan))


def _overall_rows(doc: SourceDocument, entries: list[_Entry], dataset: str, skip: set[str]) -> None:
    """The log's own values of the metrics that are not split by category, as reported overall values."""
    for entry in entries:
        for key, value in entry.plain:
            metric = entry.metric(key)
            if metric not in skip:
                skip.add(metric)
                doc.overall.append(OverallRow(dataset=dataset, group=dataset, score=value, metric=metric,
                                              reported=True, unit_scale=_unit(key, value)))


def _grouped_rows(doc: SourceDocument, entries: list[_Entry], dataset: str) -> None:
    done: set[str] = set()
    for entry in entries:
        for inner, groups, overall, _key in entry.grouped:
            metric = entry.metric(inner)
            unit = all(_unit(inner, value) for value in groups.values())
            for category, value in groups.items():
                doc.rows.append(ScoreRow(dataset=dataset, category=category, score=value, metric=metric,
                                         file=entry.scorer, primary=not doc.rows, unit_scale=unit))
            if overall is not None and metric not in done:
                done.add(metric)
                doc.overall.append(OverallRow(dataset=dataset, group=dataset, score=overall, metric=metric,
                                              reported=True, unit_scale=unit))
    _overall_rows(doc, entries, dataset, done)


def _reduced(entry: _Entry, reductions: Any, samples: list[dict], categories: list[str],
             frame: pd.DataFrame) -> pd.DataFrame:
    """(question_id, category, value) per sample as Inspect's metrics saw them: the log's reductions of this
    scorer when present, else the mean over epochs."""
    category_of = {_sample_id(sample, index): category
                   for index, (sample, category) in enumerate(zip(samples, categories, strict=True))}
    for reduction in reductions if isinstance(reductions, list) else []:
        if not (isinstance(reduction, dict) and reduction.get("scorer") == entry.scorer
                and reduction.get("reducer") in (entry.reducer, None) and isinstance(reduction.get("samples"), list)):
            continue
        rows = []
        for item in reduction["samples"]:
            if not isinstance(item, dict) or not isinstance(item.get("sample_id"), (str, int)):
                continue
            value = entry.sample_value({entry.scorer: item})
            question = str(item["sample_id"])
            if value is not None and question in category_of:
                rows.append((question, category_of[question], value))
        if rows:
            return pd.DataFrame(rows, columns=["question_id", "category", "value"])
    mine = frame[frame["metric"] == entry.sample_metric()]
    return (mine.groupby(["question_id", "category"], observed=True, sort=False)["value"].mean().reset_index())


def _computed_rows(doc: SourceDocument, entries: list[_Entry], dataset: str, columns: SampleColumns,
                   reductions: Any, samples: list[dict], categories: list[str]) -> None:
    frame = columns.frame()
    done: set[str] = set()
    for entry in entries:
        keys = [key for key, _value in entry.plain if _base(key) in MEAN_METRICS]
        if not keys:
            continue
        reduced = _reduced(entry, reductions, samples, categories, frame)
        if not len(reduced):
            continue
        stats = reduced.groupby("category", sort=False)["value"].agg(["mean", "std", "count"])
        stderr = (stats["std"] / np.sqrt(stats["count"])).where(stats["count"] > 1)
        for key in keys:
            metric = entry.metric(key)
            unit = all(_unit(key, value) for value in stats["mean"])
            for category, value in stats["mean"].items():
                error = float(stderr[category]) if not math.isnan(entry.stderr) else math.nan
                doc.rows.append(ScoreRow(dataset=dataset, category=str(category), score=float(value),
                                         metric=metric, file=entry.scorer, primary=not doc.rows, unit_scale=unit,
                                         stderr=error))
    _overall_rows(doc, entries, dataset, done)


# -- the .eval zip -----------------------------------------------------------------------------------------------
class _ZstdMissing(Exception):
    pass


def _zstandard() -> Any:
    """The optional `zstandard` module, or None (Pyodide 0.27 does not ship it)."""
    try:
        return importlib.import_module("zstandard")
    except ImportError:
        return None


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes; zstd members (method 93, Inspect's default writer) through `zstandard` when it is
    installed, since Python's zipfile reads them only from 3.14."""
    try:
        return archive.read(info)
    except NotImplementedError:
        if info.compress_type != ZSTD_METHOD:
            raise
    zstandard = _zstandard()
    if zstandard is None:
        raise _ZstdMissing
    archive.fp.seek(info.header_offset)
    header = _ZIP_HEADER.unpack(archive.fp.read(_ZIP_HEADER.size))
    if header[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    archive.fp.seek(info.header_offset + _ZIP_HEADER.size + header[9] + header[10])
    raw = archive.fp.read(info.compress_size)
    data = zstandard.ZstdDecompressor().decompressobj().decompress(raw)
    if zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"CRC mismatch in {info.filename}")
    return data


def parse_eval_zip(archive: zipfile.ZipFile, file_name: str, max_member_bytes: int,
                   max_total_bytes: int) -> SourceDocument:
    """A `.eval` log: `header.json` (or, for a run that was interrupted, `_journal/start.json`) joined with the
    `samples/<id>_epoch_<n>.json` entries and `reductions.json`, then read like a `.json` log."""
    infos = {info.filename: info for info in archive.infolist() if not info.is_dir()}
    total = 0
    unreadable: list[str] = []

    def load(name: str) -> Any:
        nonlocal total
        info = infos[name]
        total += info.file_size
        if info.file_size > max_member_bytes or total > max_total_bytes:
            raise ValueError("over the size limit")
        return json.loads(read_member(archive, info))

    header_name = "header.json" if "header.json" in infos else "_journal/start.json"
    try:
        header = load(header_name)
        sample_names = sorted(name for name in infos if _EPOCH_MEMBER.match(name))
        samples = []
        for name in sample_names:
            try:
                samples.append(load(name))
            except (ValueError, zipfile.BadZipFile, OSError, RuntimeError) as error:
                unreadable.append(f"{name}: {error}")
        reductions = None
        if "reductions.json" in infos:
            try:
                reductions = load("reductions.json")
            except (ValueError, zipfile.BadZipFile, OSError, RuntimeError) as error:
                unreadable.append(f"reductions.json: {error}")
    except _ZstdMissing:
        short = file_name.replace("\\", "/").rsplit("/", 1)[-1]
        raise ReadError(problem(file_name, "inspect.zstd", name=short)) from None
    except (ValueError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
        raise ReadError(problem(file_name, "inspect.bad_header", member=header_name,
                                error=str(error)[:200])) from None
    if not isinstance(header, dict) or _spec(header) is None:
        raise ReadError(problem(file_name, "inspect.bad_header", member=header_name, error="no eval task and model"))
    samples.sort(key=_sample_order)
    log = {**header, "samples": samples}
    if reductions is not None and "reductions" not in header:
        log["reductions"] = reductions
    doc = parse_log(log, file_name)
    if unreadable:
        doc.problems.append(problem(file_name, "inspect.samples_unreadable", severity="warning",
                                    count=len(unreadable), first=unreadable[0][:200]))
    return doc


def _sample_order(sample: Any) -> tuple:
    """Inspect's own order (`sort_samples`: epoch, then id with numbers zero-filled), so a `.eval` log reads
    exactly like its `.json` conversion; zip entries are in the order they were flushed."""
    if not isinstance(sample, dict):
        return (0, "")
    identifier = sample.get("id")
    return (_epoch(sample), identifier if isinstance(identifier, str) else str(identifier).zfill(20))


class Inspect(Format):
    name = NAME
    title = "Inspect AI"

    def detect(self, obj: Any) -> bool:
        return looks_like_log(obj) or looks_like_index(obj)

    def read(self, obj: Any, file_name: str, where: str = "") -> list[SourceDocument]:
        if not looks_like_log(obj):
            return []  # logs.json / eval-set.json: the logs themselves carry the scores
        return [parse_log(obj, file_name, where)]

    def detect_zip(self, names: list[str]) -> bool:
        return is_eval_zip(names)

    def read_zip(self, archive: zipfile.ZipFile, file_name: str, max_member_bytes: int,
                 max_total_bytes: int) -> list[SourceDocument]:
        return [parse_eval_zip(archive, file_name, max_member_bytes, max_total_bytes)]
