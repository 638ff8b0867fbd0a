"""The results table lm-evaluation-harness prints, pasted into a README, a pull request or a `.txt`.

lm-eval prints `hf (pretrained=NAME,…), gen_kwargs: …, limit: …, num_fewshot: …, batch_size: …` and then
`make_table`'s Markdown: a `Tasks` table (every task and group, one row per metric; an empty name cell continues
the task above; subtasks indented ` - name`, `  - name`…) and, when the run has groups, a `Groups` table of the
groups alone. The columns changed over the versions: 0.3 `Task|Version|Metric|Value||Stderr`, 0.4.0
`Tasks|Version|Filter|n-shot|Metric|Value||Stderr`, 0.4.3+ an arrow column (↑ higher is better, ↓ lower) after
`Metric`. Columns are found by their header, so every variant reads the same way.

The rows map to the score table as the JSON reader (`lmeval.py`) maps `results`: the dataset is the root group,
its categories are the leaves (the alias without the indent), groups' numbers are reported overall averages, and
metric keys are `metric,filter` as in the JSON. The table has neither task names nor `dataset_name`, so labels are
the aliases the table shows; values have the table's four decimals.
"""

from __future__ import annotations

import math
import posixpath
import re
from dataclasses import dataclass, field

from eval_analyzer.core.document import NO_TIMESTAMP, OverallRow, ScoreRow, SourceDocument, parse_finite
from eval_analyzer.core.errors import Problem, ReadError, problem
from eval_analyzer.core.formats import lmeval
from eval_analyzer.core.formats.base import Format
from eval_analyzer.core.formats.lmeval_tasks import family_of
from eval_analyzer.core.metrics import higher_is_better, scale_for, scales_of

NAME = "lm-eval-table"
_NAME_HEADERS = {"tasks": "tasks", "task": "tasks", "groups": "groups"}
_ARROWS = {"↑": True, "↓": False}
_SEPARATOR_CELL = re.compile(r"^\s*:?-+:?\s*$")
#: lm-eval's line before the table: `hf (pretrained=gpt2,dtype=float32), gen_kwargs: (None), limit: None, …`
#: (0.3: `hf-causal (pretrained=gpt2), limit: None, provide_description: False, …`).
_RUN_LINE = re.compile(r"[\w.\-]+ \((?P<args>.*?)\), (?:gen_kwargs: |limit: )")
#: `pretrained=NAME` in a model_args string, or `'pretrained': 'NAME'` where lm-eval printed a dict.
_ARG = r"""(?:^|[,{{]\s*)['"]?{key}['"]?\s*[=:]\s*['"]?(?P<value>[^,'"}}]+)"""
_ARG_PATTERNS = tuple(re.compile(_ARG.format(key=key)) for key in ("pretrained", "model"))
#: A date in a file name: `2024-05-01T12-00-00`, `20240501_120000`, `2024-05-01`.
_FILE_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])"
                        r"(?:[T_ -]?([01]\d|2[0-3])[-:]?([0-5]\d)[-:]?([0-5]\d))?(?!\d)")
#: How many malformed rows are named one by one; past that one line says how many more there were.
_MAX_LINE_PROBLEMS = 20


def _score_metrics(entry: dict[str, float]) -> list[tuple[str, float]]:
    """The JSON reader's choice of score metrics (no `sample_len`…), headline first."""
    return lmeval._metrics(entry)[0]


def _apply_scales(doc: SourceDocument) -> None:
    """Scale every metric as the JSON reader does (`core/metrics.py` `scales_of`): decided per base name over
    all of the document's values of it, groups included, so a table and its JSON agree."""
    scales = scales_of((row.metric, row.score) for row in [*doc.rows, *doc.overall])
    rows = []
    for row in doc.rows:
        scale = scale_for(scales, row.metric)
        rows.append(row._replace(score=row.score * scale.factor, stderr=row.stderr * scale.factor,
                                 unit_scale=scale.unit_scale, scale_assumed=scale.assumed))
    doc.rows = rows
    for row in doc.overall:
        scale = scale_for(scales, row.metric)
        row.score *= scale.factor
        row.unit_scale = scale.unit_scale


# -- finding the tables ----------------------------------------------------------------------------------------
def _cells(line: str) -> list[str]:
    """The raw cells of a pipe-table line (not stripped: the name cell's indent is the tree)."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return body.split("|")


@dataclass
class _Columns:
    kind: str  # "tasks" or "groups"
    name: int
    metric: int
    value: int
    width: int
    filter: int | None = None
    arrow: int | None = None
    stderr: int | None = None


def _columns(header: str) -> _Columns | None:
    """The columns of an lm-eval header line, or None when the line is not one."""
    if not header.lstrip().startswith("|"):
        return None
    names = [cell.strip().lower() for cell in _cells(header)]
    name = next((index for index, cell in enumerate(names) if cell in _NAME_HEADERS), None)
    if name is None or "metric" not in names or "value" not in names:
        return None
    metric, value = names.index("metric"), names.index("value")
    arrow = next((index for index in range(metric + 1, value) if not names[index]), None)
    return _Columns(kind=_NAME_HEADERS[names[name]], name=name, metric=metric, value=value, width=len(names),
                    filter=names.index("filter") if "filter" in names else None, arrow=arrow,
                    stderr=names.index("stderr") if "stderr" in names else None)


def _is_separator(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("|") and all(_SEPARATOR_CELL.match(cell) for cell in _cells(stripped))


@dataclass
class _Table:
    columns: _Columns
    line: int  # of the header, 1-based
    rows: list[tuple[int, list[str]]]  # (line number, raw cells)
    model: str | None  # from lm-eval's run line above the table


def _tables(text: str) -> list[_Table]:
    """Every lm-eval table of a text, in order; prose and other tables around them are passed over."""
    lines = text.splitlines()
    found: list[_Table] = []
    model: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        columns = _header_at(lines, index)
        if columns is None:
            model = _model_of_line(line) or model
            index += 1
            continue
        start = index
        index += 2
        rows = []
        while index < len(lines) and lines[index].lstrip().startswith("|") and _header_at(lines, index) is None:
            rows.append((index + 1, _cells(lines[index])))
            index += 1
        found.append(_Table(columns, start + 1, rows, model))
        model = None
    return found


def _header_at(lines: list[str], index: int) -> _Columns | None:
    """The columns when `lines[index]` is an lm-eval header over a `|---|` line (a Groups table pasted right
    under the Tasks table starts there, it is not one of its rows)."""
    if "|" not in lines[index] or index + 1 >= len(lines):
        return None
    columns = _columns(lines[index])
    return columns if columns is not None and _is_separator(lines[index + 1]) else None


def looks_like_table(text: str) -> bool:
    """Detection by content: an lm-eval header (`Tasks`/`Task`/`Groups`, `Metric`, `Value`) over a separator."""
    lines = text.splitlines()
    return any(_header_at(lines, index) is not None for index in range(len(lines)))


def _model_of_line(line: str) -> str | None:
    match = _RUN_LINE.search(line) if "limit: " in line else None
    if not match:
        return None
    args = match.group("args")
    for pattern in _ARG_PATTERNS:
        found = pattern.search(args)
        if found and found.group("value").strip():
            return found.group("value").strip()
    return None


def timestamp_from_name(file_name: str) -> str:
    """`YYYYMMDD_HHMMSS` (or `YYYYMMDD`) from a date in the file name, else `<no-ts>`: a table has no date."""
    match = _FILE_DATE.search(posixpath.basename(file_name.replace("\\", "/")))
    if not match:
        return NO_TIMESTAMP
    date = "".join(match.groups()[:3])
    return f"{date}_{''.join(match.groups()[3:])}" if match.group(4) else date


def _stem(file_name: str) -> str:
    base = posixpath.basename(file_name.replace("\\", "/"))
    return base.rsplit(".", 1)[0] if "." in base.strip(".") else base


# -- rows into a tree --------------------------------------------------------------------------------------------
@dataclass
class _Entry:
    """One task or group of a table: its name cell, its depth in the tree and its metric rows."""

    label: str
    depth: int
    line: int
    metrics: dict[str, float] = field(default_factory=dict)
    stderr: dict[str, float] = field(default_factory=dict)
    arrows: dict[str, bool] = field(default_factory=dict)
    parent: _Entry | None = None
    children: list[_Entry] = field(default_factory=list)

    @property
    def root(self) -> _Entry:
        entry = self
        while entry.parent is not None:
            entry = entry.parent
        return entry


def _indent(cell: str) -> tuple[int, str, bool]:
    """(leading spaces, label, whether the cell carries lm-eval's `- ` subtask marker)."""
    stripped = cell.lstrip(" ")
    marker = stripped.startswith("-")
    label = re.sub(r"^[\s-]+", "", stripped).strip() if marker else stripped.strip()
    return len(cell) - len(stripped), label, marker


def _entries(file_name: str, table: _Table, problems: list[Problem]) -> list[_Entry]:
    """The table's tasks in order with their metrics; malformed rows become warnings naming their line."""
    cols = table.columns
    names = [(number, cells[cols.name]) for number, cells in table.rows
             if len(cells) == cols.width and cells[cols.name].strip()]
    # A reformatter (prettier) pads every cell alike: depth is the indent beyond the least indented name.
    baseline = min((_indent(cell)[0] for _number, cell in names), default=0)
    entries: list[_Entry] = []
    stack: list[_Entry] = []
    for number, cells in table.rows:
        where = f"line {number}"
        if len(cells) != cols.width:
            problems.append(problem(file_name, "lmeval_table.row_width", where, "warning", count=len(cells),
                                    width=cols.width))
            continue
        if cells[cols.name].strip():
            lead, label, marker = _indent(cells[cols.name])
            depth = max(lead - baseline, 1) if marker else 0
            while stack and stack[-1].depth >= depth:
                stack.pop()
            entry = _Entry(label=label, depth=depth, line=number, parent=stack[-1] if stack else None)
            if entry.parent is not None:
                entry.parent.children.append(entry)
            entries.append(entry)
            stack.append(entry)
        elif not entries:
            problems.append(problem(file_name, "lmeval_table.no_task", where, "warning"))
            continue
        _add_metric(file_name, where, cols, cells, entries[-1], problems)
    return entries


def _add_metric(file_name: str, where: str, cols: _Columns, cells: list[str], entry: _Entry,
                problems: list[Problem]) -> None:
    metric = cells[cols.metric].strip()
    if not metric:
        problems.append(problem(file_name, "lmeval_table.no_metric", where, "warning", task=entry.label))
        return
    flt = cells[cols.filter].strip() if cols.filter is not None else ""
    key = f"{metric},{flt}" if flt else metric
    cell = cells[cols.value].strip()
    value = parse_finite(cell)
    if value is None:
        problems.append(problem(file_name, "lmeval_table.not_a_number", where, "warning", cell=cell,
                                task=entry.label, metric=key))
        return
    if key in entry.metrics:
        problems.append(problem(file_name, "lmeval_table.repeated_metric", where, "warning", task=entry.label,
                                metric=key))
        return
    entry.metrics[key] = value
    stderr = parse_finite(cells[cols.stderr].strip()) if cols.stderr is not None else None
    entry.stderr[key] = math.nan if stderr is None else stderr  # `N/A`: lm-eval had no standard error
    arrow = _ARROWS.get(cells[cols.arrow].strip()) if cols.arrow is not None else None
    if arrow is not None:
        entry.arrows[key] = arrow


# -- one run: a Tasks table and its Groups table -----------------------------------------------------------------
@dataclass
class _Run:
    line: int
    model: str | None
    tasks: list[_Entry] = field(default_factory=list)
    groups: list[_Entry] = field(default_factory=list)
    has_tasks: bool = False


def _runs(file_name: str, text: str, problems: list[Problem]) -> list[_Run]:
    """A `Tasks` table starts a run; a `Groups` table right after it (no new run line between) belongs to it."""
    runs: list[_Run] = []
    for table in _tables(text):
        entries = _entries(file_name, table, problems)
        if table.columns.kind == "tasks":
            runs.append(_Run(table.line, table.model, tasks=entries, has_tasks=True))
        elif runs and table.model is None:
            runs[-1].groups.extend(entries)
        else:
            runs.append(_Run(table.line, table.model, groups=entries))
    return runs


def _document(file_name: str, run: _Run, timestamp: str, problems: list[Problem]) -> SourceDocument | None:
    model = run.model or _stem(file_name)
    doc = SourceDocument(format=NAME, model=model, timestamp=timestamp, source_file=file_name)
    group_labels = {entry.label for entry in run.groups}
    overall: dict[tuple[str, str], OverallRow] = {}
    categories: dict[str, set[str]] = {}
    for entry in run.tasks:
        if not entry.metrics:
            continue
        if entry.children or entry.label in group_labels:
            _add_overall(overall, entry.root.label, entry)
            continue
        if entry.parent is None:
            # A task no group claims joins its family's dataset, as in the JSON reader (0.3's xnli_en → xnli).
            dataset, category = family_of(entry.label) or (entry.label, entry.label)
        else:
            dataset, category = entry.root.label, entry.label
            if category in categories.get(dataset, set()):
                category = f"{entry.parent.label}/{entry.label}"  # two subtasks with one alias: keep both
        if category in categories.setdefault(dataset, set()):
            problems.append(problem(file_name, "lmeval_table.repeated_task", f"line {entry.line}", "warning",
                                    task=entry.label, dataset=dataset))
            continue
        categories[dataset].add(category)
        _add_rows(doc, entry, dataset, category)
    for entry in run.groups:
        if entry.metrics:
            _add_overall(overall, entry.root.label, entry)
    doc.overall = list(overall.values())
    _apply_scales(doc)
    if not doc.rows:
        code = "lmeval_table.only_groups" if doc.overall and not run.has_tasks else "lmeval_table.no_rows"
        problems.append(problem(file_name, code, f"line {run.line}", "warning", detail=""))
        return None
    if run.model is None:
        doc.problems.append(problem(file_name, "lmeval_table.model_from_name", f"line {run.line}", "notice",
                                    model=model))
    return doc


def _add_rows(doc: SourceDocument, entry: _Entry, dataset: str, category: str) -> None:
    for index, (metric, value) in enumerate(_score_metrics(entry.metrics)):
        doc.rows.append(ScoreRow(dataset=dataset, category=category, score=value, metric=metric, file=entry.label,
                                 primary=index == 0,
                                 higher_is_better=entry.arrows.get(metric, higher_is_better(metric)),
                                 stderr=entry.stderr[metric]))


def _add_overall(overall: dict[tuple[str, str], OverallRow], dataset: str, entry: _Entry) -> None:
    """A group's headline number, once: the Groups table repeats the groups of the Tasks table."""
    metrics = _score_metrics(entry.metrics)
    if metrics and (dataset, entry.label) not in overall:
        metric, value = metrics[0]
        overall[(dataset, entry.label)] = OverallRow(dataset=dataset, group=entry.label, score=value, metric=metric,
                                                     reported=True)


def parse_table_text(text: str, file_name: str) -> list[SourceDocument]:
    """One document per run (a Tasks table, with its Groups table). Raises `ReadError` when no row is usable."""
    problems: list[Problem] = []
    runs = _runs(file_name, text, problems)
    timestamp = timestamp_from_name(file_name)
    documents = [doc for run in runs if (doc := _document(file_name, run, timestamp, problems)) is not None]
    if not documents:
        raise ReadError(_nothing_usable(file_name, problems))
    if len(problems) > _MAX_LINE_PROBLEMS:
        extra = len(problems) - _MAX_LINE_PROBLEMS
        problems = problems[:_MAX_LINE_PROBLEMS] + [problem(file_name, "lmeval_table.more_lines", count=extra)]
    documents[0].problems[:0] = problems
    return documents


def _nothing_usable(file_name: str, problems: list[Problem]) -> Problem:
    """The one error of a file whose tables gave nothing: what the tables held, and the first bad row."""
    empty = next((p for p in problems if p.code in _EMPTY_CODES), None)
    bad_row = next((p for p in problems if p.code not in _EMPTY_CODES), None)
    detail = f" ({bad_row.where}: {bad_row.what})" if bad_row is not None else ""
    if empty is None:  # every table was only a header
        return problem(file_name, "lmeval_table.no_rows", detail=detail)
    return problem(file_name, empty.code, empty.where, detail=detail)


_EMPTY_CODES = ("lmeval_table.only_groups", "lmeval_table.no_rows")


class LmEvalTable(Format):
    name = NAME
    title = "lm-evaluation-harness"

    def detect_text(self, text: str, file_name: str) -> bool:
        return looks_like_table(text)

    def read_text(self, text: str, file_name: str) -> list[SourceDocument]:
        return parse_table_text(text, file_name)
