"""The tidy score table and its companions, built from the documents of every file.

`table` has one row per (source, dataset, category, metric):
`source_label, model, timestamp, dataset, category, file, score, std, n_runs, run_scores, stderr, metric,
primary, higher_is_better, unit_scale, scale_assumed, format, source_file`. Scores are on the unit scale (0–1)
where `unit_scale` is True (`scale_assumed`: inferred from the values alone, the metric's name being unknown);
metrics with no known scale keep theirs and say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from eval_analyzer.core.document import ScoreRow, SourceDocument
from eval_analyzer.core.errors import Problem, problem
from eval_analyzer.core.link import link_documents
from eval_analyzer.core.samples import SAMPLE_COLUMNS, concat_samples, empty_samples, with_texts

TABLE_COLUMNS = [
    "source_label", "model", "timestamp", "dataset", "category", "file", "score", "std", "n_runs", "run_scores",
    "stderr", "metric", "primary", "higher_is_better", "unit_scale", "scale_assumed",
    "format", "source_file",
]
OVERALL_COLUMNS = ["source_label", "model", "dataset", "group", "metric", "score", "reported", "unit_scale"]
SOURCE_COLUMNS = ["source_label", "model", "timestamp", "format", "source_file", "datasets", "n_scores"]


@dataclass
class FileReport:
    """Per input file, for the 'Files & problems' list: what it gave and what went wrong."""

    name: str
    size: int
    sources: list[str]
    n_scores: int
    problems: list[Problem]
    #: Per-question values the file gave (answers of a per-question log, or details inside a results file).
    n_questions: int = 0


@dataclass
class LoadedData:
    """Everything loaded: the score table, overall averages, sources, per-file reports and all problems."""

    table: pd.DataFrame
    overall: pd.DataFrame
    sources: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)
    documents: list[SourceDocument] = field(default_factory=list)
    #: The per-question table of every source (`core/samples.py`), per-question logs merged into their source.
    samples: pd.DataFrame = field(default_factory=empty_samples)

    @property
    def datasets(self) -> list[str]:
        return sorted(self.table["dataset"].unique().tolist()) if len(self.table) else []


def _assign_labels(documents: list[SourceDocument], problems: list[Problem]) -> list[SourceDocument]:
    """Identical bytes load once. Documents of one label (same model, same run date or both undated) are one run
    split over files (an OpenCompass station file per dataset, one lm-eval file per task, a one-dataset Twinkle
    document) while no (dataset, category) appears twice; a document repeating one is a second measurement of the
    same thing, which must stay a source of its own to be compared: it gets ` (2)`, ` (3)`…"""
    kept: list[SourceDocument] = []
    by_fingerprint: dict[str, SourceDocument] = {}
    #: The (dataset, category) pairs each label holds so far: a station of thousands of files of one model
    #: compares each file with one set, not with every file before it.
    pairs_by_label: dict[str, set[tuple[str, str]]] = {}
    for doc in documents:
        first = by_fingerprint.get(doc.fingerprint) if doc.fingerprint else None
        if first is not None:
            problems.append(problem(doc.source_file, "source.duplicate", severity="notice", other=first.source_file))
            continue
        label = doc.label
        mine = {(row.dataset, row.category) for row in doc.rows}
        if label in pairs_by_label and mine & pairs_by_label[label]:
            number = 2
            while f"{label} ({number})" in pairs_by_label:
                number += 1
            new_label = f"{label} ({number})"
            problems.append(problem(doc.source_file, "source.renamed", severity="notice", label=label,
                                    new_label=new_label))
            label = new_label
        doc.source_label = label
        pairs_by_label.setdefault(label, set()).update(mine)
        if doc.fingerprint:
            by_fingerprint[doc.fingerprint] = doc
        kept.append(doc)
    return kept


def _table(documents: list[SourceDocument]) -> pd.DataFrame:
    rows = [row for doc in documents for row in doc.rows]
    frame = pd.DataFrame.from_records(rows, columns=ScoreRow._fields) if rows else pd.DataFrame(
        columns=list(ScoreRow._fields))
    counts = [len(doc.rows) for doc in documents]
    for name in ("source_label", "model", "timestamp", "format", "source_file"):
        frame[name] = np.repeat(np.array([getattr(doc, name) for doc in documents], dtype=object), counts)
    frame["n_runs"] = [max(1, len(runs)) for runs in frame["run_scores"]]
    frame = frame[TABLE_COLUMNS]
    for name in ("score", "std", "stderr"):
        frame[name] = frame[name].astype("float64")
    frame["n_runs"] = frame["n_runs"].astype("int64")
    for name in ("primary", "higher_is_better", "unit_scale", "scale_assumed"):
        frame[name] = frame[name].astype(bool)
    for name in ("source_label", "model", "timestamp", "format", "source_file", "dataset", "category", "file",
                 "metric"):
        frame[name] = frame[name].astype(str)
    return frame


def _overall(documents: list[SourceDocument], table: pd.DataFrame) -> pd.DataFrame:
    reported = pd.DataFrame(
        [
            (doc.source_label, doc.model, row.dataset, row.group, row.metric, row.score, row.reported,
             row.unit_scale)
            for doc in documents
            for row in doc.overall
        ],
        columns=OVERALL_COLUMNS,
    )
    primary = table[table["primary"]]
    computed = (
        primary.groupby(["source_label", "model", "dataset", "metric"], sort=False)
        .agg(score=("score", "mean"), unit_scale=("unit_scale", "all"))
        .reset_index()
    )
    computed["group"] = computed["dataset"]
    computed["reported"] = False
    if len(reported):
        have = set(zip(reported["source_label"], reported["group"], reported["metric"], strict=True))
        missing = [key not in have for key in zip(computed["source_label"], computed["group"], computed["metric"],
                                                  strict=True)]
        computed = computed.loc[missing]  # .loc: an empty list must select no rows, not no columns
    frames = [frame for frame in (reported, computed[OVERALL_COLUMNS]) if len(frame)]
    if not frames:
        return reported
    overall = pd.concat(frames, ignore_index=True)
    overall["score"] = overall["score"].astype("float64")
    overall["reported"] = overall["reported"].astype(bool)
    return overall


def _sources(documents: list[SourceDocument]) -> pd.DataFrame:
    rows: dict[str, list] = {}
    for doc in documents:
        entry = rows.setdefault(doc.source_label, [doc.source_label, doc.model, doc.timestamp, doc.format, [], set(),
                                                   0])
        entry[4].append(doc.source_file)
        entry[5].update(row.dataset for row in doc.rows)
        entry[6] += sum(row.primary for row in doc.rows)
    return pd.DataFrame(
        [[*entry[:4], ", ".join(entry[4]), sorted(entry[5]), entry[6]] for entry in rows.values()],
        columns=SOURCE_COLUMNS,
    )


def build_loaded_data(results: list) -> LoadedData:
    """Combine per-file results (see `loader.read_file`) into the tables every view works from."""
    problems = [problem for result in results for problem in result.problems]
    # Counted before linking, which moves a log's answers into its results document.
    questions = [sum(len(doc.samples) for doc in result.documents if doc.samples is not None) for result in results]
    linked, owner = link_documents([doc for result in results for doc in result.documents], problems)
    documents = _assign_labels(linked, problems)
    problems.extend(problem for doc in documents for problem in doc.problems)
    table = _table(documents)
    kept = {id(doc) for doc in documents}
    reports = []
    for result, n_questions in zip(results, questions, strict=True):
        own = [doc for doc in result.documents if id(doc) in kept]
        docs = [holder for doc in result.documents if id(holder := owner.get(id(doc), doc)) in kept]
        names = {result.name}
        reports.append(FileReport(
            name=result.name, size=result.size, sources=list(dict.fromkeys(doc.source_label for doc in docs)),
            n_scores=sum(sum(row.primary for row in doc.rows) for doc in own),
            problems=[p for p in problems if p.file in names or p.file.startswith(f"{result.name}/")],
            n_questions=n_questions,
        ))
    return LoadedData(table=table, overall=_overall(documents, table), sources=_sources(documents),
                      problems=problems, files=reports, documents=documents, samples=_samples(documents))


def _samples(documents: list[SourceDocument]) -> pd.DataFrame:
    frames = []
    for doc in documents:
        if doc.samples is not None and len(doc.samples):
            frame = doc.samples.copy(deep=False)
            frame.insert(0, "source_label", pd.Categorical([doc.source_label] * len(frame)))
            frames.append(frame)
    if not frames:
        return empty_samples()
    combined = with_texts(concat_samples(frames))
    return combined[SAMPLE_COLUMNS]


def empty_loaded_data() -> LoadedData:
    return build_loaded_data([])
