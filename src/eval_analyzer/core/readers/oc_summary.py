"""OpenCompass summary CSV, `summary_<YYYYMMDD_HHMMSS>.csv` (SPEC §3.4).

`dataset,version,metric,mode,<model>...`: one row per leaf dataset or summary group, one column per model, values
0–100 with two decimals, `-` where a model has no result. One document per model column, so each model of the
run is its own source. Leaf rows become categories through the same abbr split as the station files; group rows
(averages the summarizer computed) are reported overall averages, never categories, or they would be counted
twice in every mean.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re

from eval_analyzer.core.document import (
    OPENCOMPASS_SUMMARY,
    OverallRow,
    ScoreRow,
    SourceDocument,
    parse_finite,
)
from eval_analyzer.core.errors import Problem, ReadError
from eval_analyzer.core.readers.oc_names import GROUP_METRICS, metric_scale, split_abbr

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
    return match.group(1) if match else ""


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
        raise ReadError(Problem(file_name, f"is not a readable CSV ({error}).",
                                "Upload the summary_*.csv exactly as OpenCompass wrote it.")) from None
    if not records:
        raise ReadError(Problem(file_name, "is an empty summary CSV.", "Upload the summary_*.csv of a finished run."))
    _header_line, header = records[0]
    models = [_Model(name or f"<column {index + 1}>") for index, name in enumerate(header[len(HEADER):],
                                                                                   start=len(HEADER))]
    shared: list[Problem] = []
    for line, row in records[1:]:
        _read_row(file_name, line, row, len(header), models, shared)
    if len(shared) > _MAX_LINE_PROBLEMS:
        extra = len(shared) - _MAX_LINE_PROBLEMS
        shared = shared[:_MAX_LINE_PROBLEMS] + [Problem(file_name, f"{extra} more malformed line(s) were skipped.",
                                                        "Check the file in a text editor.")]
    timestamp = timestamp_from_name(file_name)
    documents: list[SourceDocument] = []
    for model in models:
        doc = _document(model, file_name, timestamp)
        if doc is None:
            shared.append(Problem(file_name, f"the column '{model.name}' has no values; it was skipped.", "",
                                  severity="warning"))
        else:
            documents.append(doc)
    if not documents:
        first = f" First problem: {shared[0].where or ''} {shared[0].what}" if shared else ""
        raise ReadError(Problem(file_name, f"an OpenCompass summary CSV with no usable scores.{first}",
                                "Upload the summary_*.csv of a finished run, exactly as OpenCompass wrote it."))
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
        shared.append(Problem(file_name, f"has {len(row)} columns where the header has {width}; the row was "
                              "skipped.", "Re-export the summary from OpenCompass, or fix the quoting of this row.",
                              where, "warning"))
        return
    abbr, version, metric = row[0], row[1], row[2]
    values = row[len(HEADER):]
    if all(value in ("", MISSING) for value in values):
        if abbr.startswith(MISSING) or metric in ("", MISSING):
            return  # a `----- Exam -----` section line, or a dataset no model was evaluated on
    if not abbr:
        shared.append(Problem(file_name, "has no dataset name; the row was skipped.", "", where, "warning"))
        return
    is_group = metric in GROUP_METRICS or (version == MISSING and metric not in ("", MISSING))
    for model, cell in zip(models, values, strict=True):
        if cell in ("", MISSING):
            model.missing += 1
            continue
        value = parse_finite(cell)
        if value is None:
            model.problems.append(Problem(file_name, f"'{cell}' is not a number; the value was skipped.",
                                          "Fix or replace it with '-'.", f"{where}, column '{model.name}'",
                                          "warning"))
            continue
        if is_group:
            dataset, category = split_abbr(abbr)
            model.groups.append((dataset, dataset if category == dataset else abbr, value, metric))
        else:
            _add_leaf(model, file_name, where, abbr, metric, value)


def _add_leaf(model: _Model, file_name: str, where: str, abbr: str, metric: str, value: float) -> None:
    dataset, category = split_abbr(abbr)
    if (dataset, category, metric) in model.seen_metric:
        model.problems.append(Problem(file_name, f"a second '{abbr}' row with metric '{metric}' was skipped.",
                                      "Remove the repeated row.", f"{where}, column '{model.name}'", "warning"))
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
    doc = SourceDocument(format=OPENCOMPASS_SUMMARY, model=model.name, timestamp=timestamp, source_file=file_name,
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
        doc.problems.append(Problem(file_name, f"{model.missing} value(s) of '{model.name}' are '-' (not "
                                    "evaluated) and were skipped.", "", severity="notice"))
    return doc
