"""lm-evaluation-harness `results_<date>.json` (SPEC §3.5).

lm-eval reports every task (leaf) and every group (an aggregate over tasks) side by side in `results`; the tree
is in `group_subtasks`. The dashboard's dataset is a root group (`mmlu`), its categories are the leaf tasks below
it (`mmlu_philosophy`, shown by its `dataset_name`, `philosophy`), and the groups' own numbers are reported
overall averages, never categories, or they would be counted twice in every mean. Metric keys are kept as lm-eval
writes them (`acc,none`): the filter after the comma tells `exact_match,strict-match` from
`exact_match,flexible-extract`, which are different measurements.
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

NAME = "lm-eval"

#: Any of these next to a dict `results` marks an lm-eval file (`config` alone: lm-eval 0.3).
_MARKER_KEYS = ("versions", "configs", "group_subtasks", "n-shot", "config")
#: The headline metric, in order of preference (SPEC §3.5); the bare names are lm-eval 0.3's.
PREFERRED_METRICS = ("acc,none", "exact_match,strict-match", "acc", "exact_match")
#: Numbers in a task's results that are not scores.
_NOT_METRICS = frozenset({"alias", "sample_len", "samples", "sample_count", "num_samples"})
#: Metrics lm-eval reports as fractions (0–1); others (perplexity, BLEU 0–100…) keep their own scale, flagged.
UNIT_METRICS = frozenset({
    "acc", "acc_norm", "acc_mutual_info", "exact_match", "f1", "mcc", "em", "contains", "pass@1", "pass_at_1",
    "prompt_level_strict_acc", "inst_level_strict_acc", "prompt_level_loose_acc", "inst_level_loose_acc",
})
#: Metrics where a smaller value is better, used when the file has no `higher_is_better` entry for them.
LOWER_IS_BETTER = frozenset({"perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte", "brier_score",
                             "ter"})
#: lm-eval names its output `results_<isoformat with ':' replaced by '-'>.json`.
_FILE_DATE = re.compile(r"results_(.+?)\.jsonl?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})")
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
    return "{}{}{}_{}{}{}".format(*iso.groups()) if iso else match.group(1)


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


def _base(metric: str) -> str:
    return metric.split(",", 1)[0]


def _metrics(entry: dict) -> list[tuple[str, float]]:
    """Score metrics of one task, headline first. When lm-eval 0.4's `metric,filter` keys are present, bare
    numeric keys are bookkeeping (`sample_len`) and left out."""
    filtered = any("," in str(key) for key in entry)
    found = [(key, number) for key, value in entry.items()
             if isinstance(key, str) and key not in _NOT_METRICS and "_stderr" not in key
             and (not filtered or "," in key) and (number := as_finite_float(value)) is not None]
    names = [key for key, _value in found]
    first = next((name for name in PREFERRED_METRICS if name in names), None)
    return sorted(found, key=lambda item: item[0] != first) if first else found


def _stderr(entry: dict, metric: str) -> float:
    base, comma, flt = metric.partition(",")
    value = as_finite_float(entry.get(f"{base}_stderr{comma}{flt}"))
    return math.nan if value is None else value


def _higher_is_better(obj: dict, task: str, metric: str) -> bool:
    table = obj.get("higher_is_better")
    per_task = table.get(task) if isinstance(table, dict) else None
    stated = per_task.get(_base(metric)) if isinstance(per_task, dict) else None
    return stated if isinstance(stated, bool) else _base(metric) not in LOWER_IS_BETTER


def _is_unit(metric: str) -> bool:
    base = _base(metric)
    return base in UNIT_METRICS or base.endswith("_acc")


def _label(obj: dict, task: str) -> str:
    """A leaf's category label: `configs[task].dataset_name`, else its alias without lm-eval's tree indent."""
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


def _labels(obj: dict, leaves: list[str]) -> dict[str, str]:
    """Labels of one dataset's leaves; where two leaves share one (gsm8k and gsm8k_cot are both 'main'),
    both fall back to their task names so neither hides the other."""
    labels = {leaf: _label(obj, leaf) for leaf in leaves}
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    return {leaf: leaf if counts[label] > 1 else label for leaf, label in labels.items()}


def parse_lmeval(obj: dict, file_name: str, where: str = "") -> SourceDocument:
    """Parse one lm-eval results document. Raises `ReadError` when it holds no numeric score."""
    results = obj.get("results")
    if not isinstance(results, dict):
        raise ReadError(problem(file_name, "lmeval.results_not_object", where))
    doc = SourceDocument(format=NAME, model=model_name(obj), timestamp=timestamp_of(obj, file_name),
                         source_file=file_name)
    if doc.model == UNKNOWN_MODEL:
        doc.problems.append(problem(file_name, "lmeval.no_model", where, "warning"))
    tree = _tree(obj)
    children = {child for kids in tree.values() for child in kids}
    covered: set[str] = set()
    for root in (name for name in tree if name not in children and tree[name]):
        groups, leaves = _walk(root, tree)
        covered.update(groups, leaves)
        labels = _labels(obj, [leaf for leaf in leaves if leaf in results])
        for leaf, label in labels.items():
            _add_task(doc, obj, leaf, root, label)
        for group in groups:
            _add_group(doc, obj, group, root)
    for task in results:
        if isinstance(task, str) and task not in covered:
            _add_task(doc, obj, task, task, task)
    if not doc.rows:
        raise ReadError(problem(file_name, "lmeval.no_scores", where))
    return doc


def _add_task(doc: SourceDocument, obj: dict, task: str, dataset: str, category: str) -> None:
    entry = obj["results"].get(task)  # parse_lmeval checked it is a dict
    if not isinstance(entry, dict):
        return
    for index, (metric, value) in enumerate(_metrics(entry)):
        doc.rows.append(ScoreRow(dataset=dataset, category=category, score=value, metric=metric, file=task,
                                 primary=index == 0, higher_is_better=_higher_is_better(obj, task, metric),
                                 unit_scale=_is_unit(metric), stderr=_stderr(entry, metric)))


def _add_group(doc: SourceDocument, obj: dict, group: str, dataset: str) -> None:
    """A group's own number (lm-eval 0.4 puts it in `results`, 0.4.0–0.4.2 also in `groups`)."""
    entry = obj["results"].get(group)  # parse_lmeval checked it is a dict
    if not isinstance(entry, dict) or not _metrics(entry):
        groups = obj.get("groups")
        entry = groups.get(group) if isinstance(groups, dict) else None
    metrics = _metrics(entry) if isinstance(entry, dict) else []
    if metrics:
        metric, value = metrics[0]
        doc.overall.append(OverallRow(dataset=dataset, group=group, score=value, metric=metric, reported=True,
                                      unit_scale=_is_unit(metric)))


class LmEval(Format):
    name = NAME
    title = "lm-evaluation-harness"

    def detect(self, obj: Any) -> bool:
        return looks_like_lmeval(obj)

    def read(self, obj: Any, file_name: str, where: str = "") -> list[SourceDocument]:
        return [parse_lmeval(obj, file_name, where)]
