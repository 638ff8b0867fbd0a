"""OpenCompass summary CSV, `summary_<YYYYMMDD_HHMMSS>.csv` (docs/formats.md).

`dataset,version,metric,mode,<model>...`: one row per leaf dataset or summary group, one column per model, values
0–100 with two decimals, `-` where a model has no result. One document per model column, so each model of the
run is its own source. Leaf rows become categories through the same abbr split as the station files; group rows
(averages the summarizer computed) are reported overall averages, never categories, or they would be counted
twice in every mean.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
import re

from eval_analyzer.core.document import (
    NO_TIMESTAMP,
    OverallRow,
    ScoreRow,
    SourceDocument,
    parse_finite,
)
from eval_analyzer.core.errors import Problem, ReadError, problem
from eval_analyzer.core.formats.base import Format, Payload
from eval_analyzer.core.formats.opencompass_names import GROUP_METRICS, metric_scale, split_abbr

NAME = "opencompass-summary"
HEADER = ("dataset", "version", "metric", "mode")
MISSING = "-"
#: OpenCompass names summaries `summary_<YYYYMMDD_HHMMSS>.csv` after the run's work-dir timestamp.
_TIMESTAMP = re.compile(r"summary_(\d{8}_\d{6})")
#: How many malformed lines are quoted one by one; past that a single line says how many more there were.
_MAX_LINE_PROBLEMS = 20


def _cells(line: str) -> list[str]:
    try:
        return [cell.strip() for cell in next(csv.reader([line]), [])]
    except csv.Error:
        return []


def looks_like_summary(text: str) -> bool:
    """Detection by content: the first non-blank line is `dataset,version,metric,mode,<at least one model>`."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    cells = _cells(first)
    return len(cells) > len(HEADER) and tuple(cell.lower() for cell in cells[: len(HEADER)]) == HEADER


def timestamp_from_name(file_name: str) -> str:
    match = _TIMESTAMP.search(posixpath.basename(file_name.replace("\\", "/")))
    return match.group(1) if match else NO_TIMESTAMP


class _Model:
    """What one model column collects while the rows are read."""

    def __init__(self, name: str):
        self.name = name
        self.rows: list[ScoreRow] = []
        self.groups: list[tuple[str, str, float, str]] = []  # (dataset, group, value, metric)
        self.problems: list[Problem] = []
        self.missing = 0
        self.seen: set[tuple[str, str]] = set()
        self.seen_metric: set[tuple[str, str, str]] = set()


def parse_summary_csv(text: str, file_name: str) -> list[SourceDocument]:
    """One document per model column. Raises `ReadError` when no column holds a usable value."""
    try:
        records = list(_records(text))
    except csv.Error as error:
        raise ReadError(problem(file_name, "oc_summary.bad_csv", error=str(error))) from None
    if not records:
        raise ReadError(problem(file_name, "oc_summary.empty"))
    _header_line, header = records[0]
    models = [_Model(name or f"<column {index + 1}>") for index, name in enumerate(header[len(HEADER):],
                                                                                   start=len(HEADER))]
    shared: list[Problem] = []
    for line, row in records[1:]:
        _read_row(file_name, line, row, len(header), models, shared)
    if len(shared) > _MAX_LINE_PROBLEMS:
        extra = len(shared) - _MAX_LINE_PROBLEMS
        shared = shared[:_MAX_LINE_PROBLEMS] + [problem(file_name, "oc_summary.more_lines", count=extra)]
    timestamp = timestamp_from_name(file_name)
    documents: list[SourceDocument] = []
    for model in models:
        doc = _document(model, file_name, timestamp)
        if doc is None:
            shared.append(problem(file_name, "oc_summary.empty_column", severity="warning", model=model.name))
        else:
            documents.append(doc)
    if not documents:
        first = f" ({shared[0].where or ''} {shared[0].what})" if shared else ""
        raise ReadError(problem(file_name, "oc_summary.no_scores", detail=first))
    documents[0].problems[:0] = shared
    return documents


def _records(text: str):
    """(line number, stripped cells) of every non-blank CSV record; the csv module handles quoted commas."""
    reader = csv.reader(io.StringIO(text))
    for cells in reader:
        stripped = [cell.strip() for cell in cells]
        if any(stripped):
            yield reader.line_num, stripped


def _read_row(file_name: str, line: int, row: list[str], width: int, models: list[_Model],
              shared: list[Problem]) -> None:
    where = f"line {line}"
    if len(row) > width and not any(row[width:]):
        row = row[:width]  # a trailing comma (Excel round-trips add one)
    if len(row) != width:
        shared.append(problem(file_name, "oc_summary.row_width", where, "warning", count=len(row), width=width))
        return
    abbr, version, metric = row[0], row[1], row[2]
    values = row[len(HEADER):]
    if all(value in ("", MISSING) for value in values):
        if abbr.startswith(MISSING) or metric in ("", MISSING):
            return  # a `----- Exam -----` section line, or a dataset no model was evaluated on
    if not abbr:
        shared.append(problem(file_name, "oc_summary.no_dataset", where, "warning"))
        return
    is_group = metric in GROUP_METRICS or (version == MISSING and metric not in ("", MISSING))
    for model, cell in zip(models, values, strict=True):
        if cell in ("", MISSING):
            model.missing += 1
            continue
        value = parse_finite(cell)
        if value is None:
            model.problems.append(problem(file_name, "oc_summary.not_a_number", f"{where}, column '{model.name}'",
                                          "warning", cell=cell))
            continue
        if is_group:
            dataset, category = split_abbr(abbr)
            model.groups.append((dataset, dataset if category == dataset else abbr, value, metric))
        else:
            _add_leaf(model, file_name, where, abbr, metric, value)


def _add_leaf(model: _Model, file_name: str, where: str, abbr: str, metric: str, value: float) -> None:
    dataset, category = split_abbr(abbr)
    if (dataset, category, metric) in model.seen_metric:
        model.problems.append(problem(file_name, "oc_summary.repeated_row", f"{where}, column '{model.name}'",
                                      "warning", abbr=abbr, metric=metric))
        return
    score, unit_scale, higher = metric_scale(metric, value)
    model.rows.append(ScoreRow(dataset=dataset, category=category, score=score, metric=metric, file=abbr,
                               primary=(dataset, category) not in model.seen, higher_is_better=higher,
                               unit_scale=unit_scale))
    model.seen.add((dataset, category))
    model.seen_metric.add((dataset, category, metric))


def _document(model: _Model, file_name: str, timestamp: str) -> SourceDocument | None:
    if not model.rows and not model.groups:
        return None
    doc = SourceDocument(format=NAME, model=model.name, timestamp=timestamp, source_file=file_name,
                         rows=model.rows, problems=model.problems)
    leaf_metrics: dict[str, set[str]] = {}
    for row in model.rows:
        if row.primary:
            leaf_metrics.setdefault(row.dataset, set()).add(row.metric)
    for dataset, group, value, group_metric in model.groups:
        score, unit_scale, _higher = metric_scale(group_metric, value)
        # A `naive_average` of accuracies is an accuracy: naming it after its leaves lets the overall table
        # match it with the categories it summarises (and with other formats' overall accuracy).
        metrics = leaf_metrics.get(dataset, set())
        metric = next(iter(metrics)) if len(metrics) == 1 else group_metric
        doc.overall.append(OverallRow(dataset=dataset, group=group, score=score, metric=metric, reported=True,
                                      unit_scale=unit_scale))
    if model.missing:
        doc.problems.append(problem(file_name, "oc_summary.not_evaluated", severity="notice",
                                    count=model.missing, model=model.name))
    return doc


#: Digits kept when a summary value is scaled back to OpenCompass's 0–100 (the CSV has two decimals).
_SUMMARY_DIGITS = 10


def station_entries(doc: SourceDocument) -> list[Payload]:
    """Each leaf row of one model becomes a minimal OpenCompass station file (`{"predictions": [], "results":
    {metric: value}, "cfg": {...}}`) with the value as the CSV had it (0–100), the layout OpenCompass itself
    writes with `-sp`. Group rows (averages) are not published: they are derived."""
    by_leaf: dict[str, dict[str, float]] = {}
    for row in doc.rows:
        factor = metric_scale(row.metric, 1.0)[0]  # 0.01 for OpenCompass percentages: scale back to 0–100
        by_leaf.setdefault(row.file, {})[row.metric] = round(row.score / factor, _SUMMARY_DIGITS)
    found = []
    for leaf, results in by_leaf.items():
        station_file = {
            "predictions": [],
            "results": results,
            "cfg": {"models": {"abbr": doc.model}, "datasets": {"abbr": leaf}},
            "eval_analyzer": {"converted_from": NAME, "source_file": doc.source_file,
                              "timestamp": doc.timestamp},
        }
        found.append(Payload(leaf, doc.model, (json.dumps(station_file, ensure_ascii=False, indent=4) + "\n")
                             .encode("utf-8")))
    return found


class OpenCompassSummary(Format):
    name = NAME
    title = "OpenCompass"

    def detect_text(self, text: str, file_name: str) -> bool:
        return looks_like_summary(text)

    def read_text(self, text: str, file_name: str) -> list[SourceDocument]:
        return parse_summary_csv(text, file_name)

    def station_entries(self, doc: SourceDocument) -> list[Payload]:
        return station_entries(doc)
