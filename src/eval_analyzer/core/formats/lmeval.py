"""lm-evaluation-harness `results_<date>.json` (docs/formats.md).

lm-eval reports every task (leaf) and every group (an aggregate over tasks) side by side in `results`; the tree
is in `group_subtasks`. The dashboard's dataset is a root group (`mmlu`), its categories are the leaf tasks below
it (`mmlu_philosophy`, shown by its `dataset_name`, `philosophy`), and the groups' own numbers are reported
overall averages, never categories, or they would be counted twice in every mean. Tasks no group claims (all of
an lm-eval 0.3 file) join datasets through the family table in `lmeval_tasks.py`, so `hendrycksTest-philosophy`
lands where 0.4's `mmlu_philosophy` does. Metric keys are kept as lm-eval writes them (`acc,none`): the filter
after the comma tells `exact_match,strict-match` from `exact_match,flexible-extract`, which are different
measurements. Scale and direction come from `core/metrics.py`, the file's `higher_is_better` winning.
"""

from __future__ import annotations

import math
import posixpath
import re
from datetime import UTC, datetime
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
from eval_analyzer.core.formats.base import Format
from eval_analyzer.core.formats.lmeval_tasks import family_of
from eval_analyzer.core.messages import kind_of
from eval_analyzer.core.metrics import Scale, higher_is_better, scale_for, scales_of

NAME = "lm-eval"

#: Any of these next to a dict `results` marks an lm-eval file (`config` alone: lm-eval 0.3).
_MARKER_KEYS = ("versions", "configs", "group_subtasks", "n-shot", "config")
#: The headline metric, in order of preference; the bare names are lm-eval 0.3's.
PREFERRED_METRICS = ("acc,none", "exact_match,strict-match", "acc", "exact_match")
#: Numbers in a task's results that are not scores.
_NOT_METRICS = frozenset({"alias", "sample_len", "samples", "sample_count", "num_samples"})
#: lm-eval names its output `results_<isoformat with ':' replaced by '-'>.json`.
_FILE_DATE = re.compile(r"results_(.+?)\.jsonl?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})")
_COMPACT_DATE = re.compile(r"(19|20)\d{6}([_T-]?\d{4,6})?")
_PRETRAINED = re.compile(r"(?:^|,)\s*pretrained\s*=\s*([^,]+)")
_MODEL_ARG = re.compile(r"(?:^|,)\s*model\s*=\s*([^,]+)")


def looks_like_lmeval(obj: Any) -> bool:
    """Detection by content: a dict `results` plus any of lm-eval's bookkeeping keys."""
    return isinstance(obj, dict) and isinstance(obj.get("results"), dict) and any(k in obj for k in _MARKER_KEYS)


def model_name(obj: dict) -> str:
    """`model_name`, else `pretrained=` (or an API model's `model=`) of `config.model_args`."""
    name = obj.get("model_name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    config = obj.get("config")
    args = config.get("model_args") if isinstance(config, dict) else None
    if isinstance(args, dict):
        for key in ("pretrained", "model"):
            if isinstance(args.get(key), str) and args[key].strip():
                return args[key].strip()
    if isinstance(args, str):
        for pattern in (_PRETRAINED, _MODEL_ARG):
            match = pattern.search(args)
            if match and match.group(1).strip():
                return match.group(1).strip()
    return UNKNOWN_MODEL


def timestamp_of(obj: dict, file_name: str) -> str:
    """`YYYYMMDD_HHMMSS` (UTC) from `date` (epoch seconds), else from the file name, else `<no-ts>`."""
    date = as_finite_float(obj.get("date"))
    if date is not None:
        try:
            return datetime.fromtimestamp(date, tz=UTC).strftime("%Y%m%d_%H%M%S")
        except (OverflowError, OSError, ValueError):
            pass
    match = _FILE_DATE.search(posixpath.basename(file_name.replace("\\", "/")))
    if not match:
        return NO_TIMESTAMP
    iso = _ISO_DATE.match(match.group(1))
    if iso:
        return "{}{}{}_{}{}{}".format(*iso.groups())
    # `results_<something>.json` that is not a date (`results_bloom-1b1_xnli.json`) names no run time.
    return match.group(1) if _COMPACT_DATE.fullmatch(match.group(1)) else NO_TIMESTAMP


def _tree(obj: dict) -> dict[str, list[str]]:
    """`group_subtasks` with everything that is not a name dropped."""
    raw = obj.get("group_subtasks")
    if not isinstance(raw, dict):
        return {}
    return {str(group): [child for child in children if isinstance(child, str)]
            for group, children in raw.items() if isinstance(children, list)}


def _walk(root: str, tree: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(groups, leaves) below `root`, in file order; a name seen twice (or a cycle) is visited once."""
    groups: list[str] = []
    leaves: list[str] = []
    seen: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        children = tree.get(node, [])
        if children:
            groups.append(node)
            stack.extend(reversed(children))
        else:
            leaves.append(node)
    return groups, leaves


def _is_metric_key(key: Any, filtered: bool) -> bool:
    return (isinstance(key, str) and bool(key.strip()) and key not in _NOT_METRICS and "_stderr" not in key
            and (not filtered or "," in key))


def _metrics(entry: dict) -> tuple[list[tuple[str, float]], list[tuple[str, Any]]]:
    """(scores, skipped) of one task, headline score first. Skipped are metric keys whose value is not a finite
    number (`Infinity`, NaN, "N/A", null…), kept so the reader can say what it left out. When lm-eval 0.4's
    `metric,filter` keys are present, bare keys are bookkeeping (`sample_len`) and left out."""
    filtered = any("," in str(key) for key in entry)
    found: list[tuple[str, float]] = []
    skipped: list[tuple[str, Any]] = []
    for key, value in entry.items():
        if _is_metric_key(key, filtered):
            number = as_finite_float(value)
            if number is None:
                skipped.append((key, value))
            else:
                found.append((key, number))
    names = [key for key, _value in found]
    first = next((name for name in PREFERRED_METRICS if name in names), None)
    return (sorted(found, key=lambda item: item[0] != first) if first else found), skipped


def _scales(obj: dict) -> dict[str, Scale]:
    """The scale of every metric of the file, by base name, decided over all its values in `results` and
    `groups` together, so one file's `exact_match` is all fractions or all percentages."""
    return scales_of(pair for table in (obj.get("results"), obj.get("groups"))
                     for entry in (table.values() if isinstance(table, dict) else ())
                     if isinstance(entry, dict) for pair in _metrics(entry)[0])


def _stderr(entry: dict, metric: str) -> float:
    base, comma, flt = metric.partition(",")
    value = as_finite_float(entry.get(f"{base}_stderr{comma}{flt}"))
    return math.nan if value is None else value


def _stated_direction(obj: dict, task: str, metric: str) -> Any:
    table = obj.get("higher_is_better")
    per_task = table.get(task) if isinstance(table, dict) else None
    return per_task.get(metric.split(",", 1)[0]) if isinstance(per_task, dict) else None


def _label(obj: dict, task: str) -> str:
    """A grouped leaf's category label: its family's category (`mmlu_anatomy` → `anatomy`, exactly as a 0.3
    `hendrycksTest-anatomy` is labelled, so the two pair), else `configs[task].dataset_name`, else its alias
    without lm-eval's tree indent."""
    family = family_of(task)
    if family:
        return family[1]
    configs = obj.get("configs")
    config = configs.get(task) if isinstance(configs, dict) else None
    name = config.get("dataset_name") if isinstance(config, dict) else None
    if isinstance(name, str) and name.strip():
        return name.strip()
    results = obj.get("results")
    entry = results.get(task) if isinstance(results, dict) else None
    alias = entry.get("alias") if isinstance(entry, dict) else None
    if isinstance(alias, str) and alias.strip(" -"):
        return re.sub(r"^[\s-]+", "", alias).strip()
    return task


def _unique_labels(assigned: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """(task, dataset, label) with no label used twice in a dataset: where two leaves would share one (gsm8k
    and gsm8k_cot are both 'main'), both fall back to their task names so neither hides the other."""
    labels = {task: label for task, _dataset, label in assigned}
    datasets = {task: dataset for task, dataset, _label in assigned}
    while True:
        counts: dict[tuple[str, str], int] = {}
        for task, label in labels.items():
            counts[(datasets[task], label)] = counts.get((datasets[task], label), 0) + 1
        clashing = [task for task, label in labels.items() if counts[(datasets[task], label)] > 1 and label != task]
        if not clashing:
            return [(task, datasets[task], labels[task]) for task, _dataset, _label in assigned]
        for task in clashing:
            labels[task] = task


def parse_lmeval(obj: dict, file_name: str, where: str = "") -> SourceDocument:
    """Parse one lm-eval results document. Raises `ReadError` when it holds no numeric score."""
    results = obj.get("results")
    if not isinstance(results, dict):
        raise ReadError(problem(file_name, "lmeval.results_not_object", where))
    doc = SourceDocument(format=NAME, model=model_name(obj), timestamp=timestamp_of(obj, file_name),
                         source_file=file_name)
    if doc.model == UNKNOWN_MODEL:
        doc.problems.append(problem(file_name, "lmeval.no_model", where, "warning"))
    reader = _Reader(obj, doc, where)
    tree = _tree(obj)
    children = {child for kids in tree.values() for child in kids}
    covered: set[str] = set()
    assigned: list[tuple[str, str, str]] = []
    grouped: list[tuple[str, str]] = []
    for root in (name for name in tree if name not in children and tree[name]):
        groups, leaves = _walk(root, tree)
        covered.update(groups, leaves)
        assigned.extend((leaf, root, _label(obj, leaf)) for leaf in leaves if leaf in results)
        grouped.extend((group, root) for group in groups)
    for task in results:
        if isinstance(task, str) and task not in covered:
            assigned.append((task, *(family_of(task) or (task, task))))
    for task, dataset, label in _unique_labels(assigned):
        reader.add_task(task, dataset, label)
    for group, root in grouped:
        reader.add_group(group, root)
    if not doc.rows:
        raise ReadError(problem(file_name, "lmeval.no_scores", where))
    return doc


class _Reader:
    """What every task of one file shares: the file, its metric scales, where problems are filed."""

    def __init__(self, obj: dict, doc: SourceDocument, where: str):
        self.obj, self.doc, self.where = obj, doc, where
        self.results: dict = obj["results"]  # parse_lmeval checked it is a dict
        self.scales = _scales(obj)

    def _where(self, task: str) -> str:
        return f"{self.where}, task '{task}'" if self.where else f"task '{task}'"

    def add_task(self, task: str, dataset: str, category: str) -> None:
        entry = self.results.get(task)
        if not isinstance(entry, dict):
            return
        found, skipped = _metrics(entry)
        for metric, value in skipped:
            self.doc.problems.append(problem(self.doc.source_file, "lmeval.value_skipped", self._where(task),
                                             "notice", metric=metric, kind=kind_of(value)))
        if skipped and not found:
            self.doc.problems.append(problem(self.doc.source_file, "lmeval.task_skipped", self._where(task),
                                             "notice"))
        for index, (metric, value) in enumerate(found):
            scale = scale_for(self.scales, metric)
            direction = higher_is_better(metric, _stated_direction(self.obj, task, metric))
            self.doc.rows.append(ScoreRow(
                dataset=dataset, category=category, score=value * scale.factor, metric=metric, file=task,
                primary=index == 0, higher_is_better=direction, unit_scale=scale.unit_scale,
                stderr=_stderr(entry, metric) * scale.factor, scale_assumed=scale.assumed))

    def add_group(self, group: str, dataset: str) -> None:
        """A group's own number (lm-eval 0.4 puts it in `results`, 0.4.0–0.4.2 also in `groups`)."""
        entry = self.results.get(group)
        if not isinstance(entry, dict) or not _metrics(entry)[0]:
            groups = self.obj.get("groups")
            entry = groups.get(group) if isinstance(groups, dict) else None
        metrics = _metrics(entry)[0] if isinstance(entry, dict) else []
        if metrics:
            metric, value = metrics[0]
            scale = scale_for(self.scales, metric)
            self.doc.overall.append(OverallRow(dataset=dataset, group=group, score=value * scale.factor,
                                               metric=metric, reported=True, unit_scale=scale.unit_scale))


class LmEval(Format):
    name = NAME
    title = "lm-evaluation-harness"

    def detect(self, obj: Any) -> bool:
        return looks_like_lmeval(obj)

    def read(self, obj: Any, file_name: str, where: str = "") -> list[SourceDocument]:
        return [parse_lmeval(obj, file_name, where)]
