"""Twinkle Eval's per-question logs, `eval_results_<timestamp>_run<N>.jsonl`, attached to `results_<timestamp>.json`.

Twinkle appends one file per run: for every dataset file, in the order of the results' `results` lists, the
records of that file, written when all its answers are in, in completion order (`as_completed`), with
`question_id` the question's index in its file (from 0, restarting for every file) and `sample_id` the answer's
index when a question is asked several times. Current versions write no field that names the file, so the
records are assigned to the results' items BY ORDER: the record sequence is split into consecutive blocks, one
per item, each holding every (question_id, sample_id) of 0..n-1 exactly once, and an assignment is accepted only
when it is the one split where every block's accuracy equals the run accuracy the results file reports for its
item (`individual_runs.accuracies`). Older versions wrote `file`: then records go to the item of that file.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

import pandas as pd

from eval_analyzer.core.document import NO_TIMESTAMP, UNKNOWN_MODEL, ScoreRow, SourceDocument
from eval_analyzer.core.errors import Problem, ReadError, problem
from eval_analyzer.core.formats.base import Format
from eval_analyzer.core.formats.twinkle import NAME as RESULTS_NAME
from eval_analyzer.core.formats.twinkle import dataset_name, looks_like_per_question
from eval_analyzer.core.samples import MAX_TEXT_CHARS, SampleColumns, clip_text, concat_samples, scores_of

NAME = "twinkle-per-question"
_RUN_FILE = re.compile(r"eval_results_(.+?)_run(\d+)(?:_node[^/\\]*)?\.jsonl?$")
_RESULTS_FILE = re.compile(r"results_(.+?)\.json$")
#: How far a block's accuracy may be from the reported one: both are a count divided by a count in Python
#: floats, so they agree to the last bits; anything looser would accept wrong splits of small files.
TOLERANCE = 1e-9
#: Dataset and category of records that name no file and have no results file to be placed by.
UNPLACED_DATASET = "eval_results"
UNPLACED_CATEGORY = "all"


def _folder(file_name: str) -> str:
    return posixpath.dirname(file_name.replace("\\", "/"))


def _base(file_name: str) -> str:
    return posixpath.basename(file_name.replace("\\", "/"))


@dataclass
class _Records:
    """One run file's records in file order, as few Python objects as possible."""

    run: int
    qids: list[Any] = field(default_factory=list)
    sids: list[int] = field(default_factory=list)
    correct: list[float] = field(default_factory=list)
    files: list[str | None] = field(default_factory=list)
    question: list[str] = field(default_factory=list)
    gold: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    #: `llm_reasoning_output` per record ('' when absent); `has_reasoning` once any record had one.
    reasoning: list[str] = field(default_factory=list)
    has_reasoning: bool = False


def _flag(value: Any) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)) and math.isfinite(value) and 0 <= value <= 1:
        return float(value)
    return None


def read_records(records: Iterable[Any], file_name: str) -> SourceDocument:
    match = _RUN_FILE.search(_base(file_name))
    stamp, run = (match.group(1), int(match.group(2))) if match else (None, 0)
    data = _Records(run=run)
    # Names bound once and short str texts kept without a call: this loop runs once per record of logs that can
    # be 1 GB, next to a json.loads it should not outweigh.
    add_qid, add_sid, add_correct, add_file = data.qids.append, data.sids.append, data.correct.append, data.files.append
    add_question, add_gold, add_output = data.question.append, data.gold.append, data.output.append
    add_reasoning = data.reasoning.append
    has_reasoning = False
    limit = MAX_TEXT_CHARS
    skipped = 0
    for obj in records:
        if not isinstance(obj, dict):
            skipped += 1
            continue
        flag = obj.get("is_correct")
        if flag is True:
            flag = 1.0
        elif flag is False:
            flag = 0.0
        else:
            flag = _flag(flag)
        qid = obj.get("question_id") if flag is not None else None
        if flag is None or qid is None or isinstance(qid, (dict, list)):
            skipped += 1
            continue
        if stamp is None and isinstance(obj.get("timestamp"), str):
            stamp = obj["timestamp"]
        sid = obj.get("sample_id")
        path = obj.get("file") or obj.get("source_file")
        add_qid(qid)
        add_sid(sid if type(sid) is int and sid >= 0 else 0)
        add_correct(flag)
        add_file(path if isinstance(path, str) else None)
        text = obj.get("question")
        add_question(text if text.__class__ is str and len(text) <= limit else clip_text(text))
        text = obj.get("correct_answer")
        add_gold(text if text.__class__ is str and len(text) <= limit else clip_text(text))
        text = obj.get("llm_output")
        if text is None:
            text = obj.get("predicted_answer")
        add_output(text if text.__class__ is str and len(text) <= limit else clip_text(text))
        # Twinkle writes `llm_reasoning_output` (None for a model without reasoning); its HTML exporter read
        # the misspelt `llm_resoning_output`, so files written by forks that followed it may have that key.
        text = obj.get("llm_reasoning_output")
        if text.__class__ is not str or not text:
            text = obj.get("llm_resoning_output")
        if text.__class__ is str and text:
            has_reasoning = True
            add_reasoning(text if len(text) <= limit else clip_text(text))
        else:
            add_reasoning("")
    data.has_reasoning = has_reasoning
    if not data.qids:
        raise ReadError(problem(file_name, "twinkle_samples.no_records"))
    stamp = stamp or NO_TIMESTAMP
    doc = SourceDocument(format=NAME, model=UNKNOWN_MODEL, timestamp=stamp, source_file=file_name,
                         attach_to=(NAME, _folder(file_name), stamp), pending=data)
    if skipped:
        doc.problems.append(problem(file_name, "samples.skipped_records", severity="warning", count=skipped))
    return doc


# -- attaching ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Item:
    """One `results` item of the results document, in its order: where its records go and what they must give."""

    dataset: str
    category: str
    path: str
    run_scores: tuple[float, ...]
    score: float
    run_files: tuple[str, ...]


def _items(target: SourceDocument) -> list[_Item]:
    rows = [row for row in target.rows if row.primary and row.metric == "accuracy"]
    raw = target.parsed()
    results = raw.get("dataset_results") if isinstance(raw, dict) else None
    by_base: dict[tuple[str, str], list[dict]] = {}
    for key, block in (results.items() if isinstance(results, dict) else ()):
        for item in (block.get("results") or []) if isinstance(block, dict) else ():
            if isinstance(item, dict) and isinstance(item.get("file"), str):
                by_base.setdefault((dataset_name(str(key)), _base(item["file"])), []).append(item)
    found = []
    for row in rows:
        matches = by_base.get((row.dataset, row.file), [])
        item = matches[0] if len(matches) == 1 else {}
        runs = item.get("individual_runs") if isinstance(item.get("individual_runs"), dict) else {}
        files = runs.get("results") if isinstance(runs.get("results"), list) else []
        found.append(_Item(row.dataset, row.category, item.get("file", row.file), row.run_scores, row.score,
                           tuple(_base(str(path)) for path in files)))
    return found


def _expected(item: _Item, file_name: str, run: int) -> float | None:
    """The accuracy `item` reports for the run in `file_name`, or None when the item was not in that run."""
    if item.run_files:
        if _base(file_name) not in item.run_files:
            return None
        run = item.run_files.index(_base(file_name))
    if item.run_scores:
        return item.run_scores[run] if run < len(item.run_scores) else None
    return item.score if run == 0 else None


def _int_ids(qids: list[Any]) -> list[int] | None:
    ids = []
    for qid in qids:
        if type(qid) is int and qid >= 0:
            ids.append(qid)
        elif isinstance(qid, str) and qid.isdigit():
            ids.append(int(qid))
        else:
            return None
    return ids


def split_by_order(qids: list[int], sids: list[int], correct: list[float], expected: list[float]
                   ) -> tuple[int, list[int]]:
    """(number of fitting splits, capped at 2; the block ends of the split when there is exactly one).

    A block starting at `pos` can end wherever the records so far hold each (question_id, sample_id) of
    {0..n-1} × {0..k-1} exactly once; it stops being extendable at the first repeated pair. The blocks follow the
    items in order, and only ends whose accuracy is the item's reported one are kept: a forward search over the
    few positions that survive each item.
    """
    prefix = [0.0, *accumulate(correct)]
    total = len(qids)
    cache: dict[int, list[int]] = {}

    width = max(sids, default=0) + 1

    def ends(pos: int) -> list[int]:
        # Distinct pairs inside the box {0..top_q} × {0..top_s} fill it exactly when there are as many as it
        # holds, so counting them tells a complete block; a pair is one int, qid * width + sid.
        if pos in cache:
            return cache[pos]
        found: list[int] = []
        pairs: set[int] = set()
        add = pairs.add
        top_q = top_s = -1
        for index in range(pos, total):
            question, sample = qids[index], sids[index]
            key = question * width + sample
            if key in pairs:
                break
            add(key)
            if question > top_q:
                top_q = question
            if sample > top_s:
                top_s = sample
            if len(pairs) == (top_q + 1) * (top_s + 1):
                found.append(index + 1)
        cache[pos] = found
        return found

    states: dict[int, tuple[int, int]] = {0: (1, -1)}
    steps: list[dict[int, tuple[int, int]]] = []
    for accuracy in expected:
        following: dict[int, tuple[int, int]] = {}
        for pos, (count, _previous) in states.items():
            for end in ends(pos):
                if abs((prefix[end] - prefix[pos]) / (end - pos) - accuracy) <= TOLERANCE:
                    ways, previous = following.get(end, (0, pos))
                    following[end] = (min(2, ways + count), previous)
        steps.append(following)
        states = following
        if not states:
            return 0, []
    count = states.get(total, (0, -1))[0]
    if count != 1:
        return count, []
    bounds = [total]
    for step in reversed(steps):
        bounds.append(step[bounds[-1]][1])
    return 1, bounds[::-1]


def _frame(data: _Records, keep: list[int] | None, datasets: list[str], categories: list[str],
           samples_per_question: int, question_ids: list[str] | None = None) -> pd.DataFrame:
    """The kept records (indices `keep`, None for all) as a per-question frame; a run of k samples per question
    becomes k runs."""
    base = data.run * samples_per_question
    # Reasoning only when some record had one: a file without it gets no column of empty strings (the table
    # fills it in as one categorical "").
    text_lists = (data.question, data.gold, data.output, *((data.reasoning,) if data.has_reasoning else ()))
    if keep is None:  # every record, in order: the collected lists as they are, not copied index by index
        qids, sids, correct, texts = data.qids, data.sids, data.correct, text_lists
    else:
        qids, sids = [data.qids[i] for i in keep], [data.sids[i] for i in keep]
        correct = [data.correct[i] for i in keep]
        texts = tuple([column[i] for i in keep] for column in text_lists)
    columns = SampleColumns(
        dataset=datasets, category=categories,
        question_id=question_ids if question_ids is not None else [str(qid) for qid in qids],
        run=[base + sid for sid in sids] if base else sids, metric=["accuracy"] * len(correct),
        value=correct, question=texts[0], gold=texts[1], output=texts[2],
        reasoning=texts[3] if len(texts) > 3 else None,
    )
    return columns.frame()


def _by_field(doc: SourceDocument, data: _Records, items: list[_Item], k: int,
              problems: list[Problem]) -> pd.DataFrame:
    by_path = {item.path.replace("\\", "/"): item for item in items}
    by_base: dict[str, list[_Item]] = {}
    for item in items:
        by_base.setdefault(_base(item.path), []).append(item)
    keep, datasets, categories = [], [], []
    unknown: list[str] = []
    for index, path in enumerate(data.files):
        normalised = (path or "").replace("\\", "/")
        item = by_path.get(normalised)
        if item is None and len(by_base.get(_base(normalised), [])) == 1:
            item = by_base[_base(normalised)][0]
        if item is None:
            unknown.append(normalised)
            continue
        keep.append(index)
        datasets.append(item.dataset)
        categories.append(item.category)
    if unknown:
        problems.append(problem(doc.source_file, "twinkle_samples.unknown_files", severity="warning",
                                count=len(unknown), files=", ".join(list(dict.fromkeys(unknown))[:3]),
                                results=_base(_results_name(doc))))
    return _frame(data, keep, datasets, categories, k)


def _results_name(doc: SourceDocument) -> str:
    return f"results_{doc.timestamp}.json"


def _by_order(doc: SourceDocument, data: _Records, items: list[_Item], target: SourceDocument, k: int,
              problems: list[Problem]) -> pd.DataFrame | None:
    placed = [(item, value) for item in items if (value := _expected(item, doc.source_file, data.run)) is not None]
    ids = _int_ids(data.qids)
    results = _base(target.source_file)
    if ids is None or not placed:
        problems.append(problem(doc.source_file, "twinkle_samples.no_fit", count=len(data.qids), results=results,
                                run=data.run, files=len(placed)))
        return None
    count, bounds = split_by_order(ids, data.sids, data.correct, [value for _item, value in placed])
    if count != 1:
        code = "twinkle_samples.no_fit" if count == 0 else "twinkle_samples.ambiguous"
        problems.append(problem(doc.source_file, code, count=len(data.qids), results=results, run=data.run,
                                files=len(placed)))
        return None
    datasets: list[str] = []
    categories: list[str] = []
    for (item, _value), start, end in zip(placed, bounds, bounds[1:], strict=False):
        datasets.extend([item.dataset] * (end - start))
        categories.extend([item.category] * (end - start))
    return _frame(data, None, datasets, categories, k)


def _samples_per_question(docs: list[SourceDocument]) -> int:
    return max(max(doc.pending.sids) for doc in docs) + 1


def attach(docs: list[SourceDocument], target: SourceDocument) -> list[Problem]:
    problems: list[Problem] = []
    items = _items(target)
    k = _samples_per_question(docs)
    frames = [target.samples] if target.samples is not None else []
    for doc in sorted(docs, key=lambda doc: doc.pending.run):
        data: _Records = doc.pending
        if all(path is not None for path in data.files):
            frame = _by_field(doc, data, items, k, problems)
        else:
            frame = _by_order(doc, data, items, target, k, problems)
        if frame is not None:
            frames.append(frame)
    target.samples = concat_samples(frames)
    return problems


def standalone(docs: list[SourceDocument]) -> SourceDocument:
    """The runs of one timestamp without their results file: categories from `file` fields where every record
    has one, else one category of all records (question ids are then the record's position: blocks cannot be told
    apart, so nothing is paired across runs)."""
    k = _samples_per_question(docs)
    frames = []
    problems = []
    for doc in sorted(docs, key=lambda doc: doc.pending.run):
        data: _Records = doc.pending
        count = len(data.qids)
        if all(path is not None for path in data.files):
            paths = [path.replace("\\", "/") for path in data.files]
            datasets = [dataset_name(posixpath.dirname(path)) if "/" in path else UNPLACED_DATASET
                        for path in paths]
            categories = [posixpath.basename(path).rpartition(".")[0] or posixpath.basename(path) for path in paths]
            frames.append(_frame(data, None, datasets, categories, k))
        else:
            problems.append(problem(doc.source_file, "twinkle_samples.unplaced", severity="warning",
                                    results=_results_name(doc)))
            frames.append(_frame(data, None, [UNPLACED_DATASET] * count, [UNPLACED_CATEGORY] * count, k,
                                 question_ids=[f"record {index}" for index in range(count)]))
    first = docs[0]
    frame = concat_samples(frames)
    source = SourceDocument(format=NAME, model=UNKNOWN_MODEL, timestamp=first.timestamp,
                            source_file=", ".join(doc.source_file for doc in docs), samples=frame)
    for score in scores_of(frame):
        source.rows.append(ScoreRow(score.dataset, score.category, score.score, "accuracy", score.category,
                                    score.std, score.run_scores))
    source.problems = [problem(first.source_file, "samples.scores_computed", severity="notice",
                               results=_results_name(first)), *problems]
    return source


def companion_keys(doc: SourceDocument) -> list[tuple]:
    if doc.format != RESULTS_NAME:
        return []
    folder = _folder(doc.source_file)
    keys = [(NAME, folder, doc.timestamp)]
    match = _RESULTS_FILE.search(_base(doc.source_file))
    if match and match.group(1) != doc.timestamp:
        keys.append((NAME, folder, match.group(1)))
    return keys


class TwinklePerQuestion(Format):
    name = NAME
    title = ""
    per_question = True

    def detect(self, obj: Any) -> bool:
        return looks_like_per_question(obj)

    def read(self, obj: Any, file_name: str, where: str = "") -> list[SourceDocument]:
        return [read_records([obj], file_name)]

    def read_records(self, records: Iterable[Any], file_name: str) -> list[SourceDocument]:
        return [read_records(records, file_name)]

    def companion_keys(self, doc: SourceDocument) -> list[tuple]:
        return companion_keys(doc)

    def attach(self, docs: list[SourceDocument], target: SourceDocument) -> list[Problem]:
        return attach(docs, target)

    def standalone(self, docs: list[SourceDocument]) -> SourceDocument:
        return standalone(docs)
