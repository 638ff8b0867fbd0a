"""Which questions flipped between a baseline and one candidate, and how stable each side was over its runs.

`question_pairs` pairs the two sides' per-question answers once per (dataset, metric, baseline, candidate),
on the answers a paired test uses (`core.significance.scored_answers`: the metric each (source, category) is
scored on), so that with one right/wrong run on each side *regressed* and *fixed* are exactly McNemar's b and
c (`core.stats.paired_stats`). `question_page(pairs, QuestionQuery)` then filters, sorts and slices it and
builds the texts of that page only: a page turn or a search over 100,000 questions per model touches integer
arrays and one vectorised `str.contains`, never a Python loop over the questions.

Buckets, per paired question (each in exactly one):

- right/wrong answers on both sides, every run of each side agreeing: *regressed* (baseline right, candidate
  wrong), *fixed* (the reverse), *both_wrong*, *both_right*;
- right/wrong answers where some model was right in some runs and wrong in others: *flaky*;
- any other score (a partial credit, a BLEU): by the sign of d = (candidate − baseline mean), positive when
  the candidate is better (`sign` = −1 for lower-is-better metrics): *regressed* (d < 0), *fixed* (d > 0),
  *tied* (d = 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from eval_analyzer.core.cells import question_cells
from eval_analyzer.core.scores import dataset_rows
from eval_analyzer.core.significance import scored_answers

BUCKETS = ("regressed", "fixed", "both_wrong", "both_right", "flaky", "tied")
#: What the bucket filter offers: every question, or one bucket.
BUCKET_CHOICES = ("all", *BUCKETS)
#: category (then id), id (then category), difference ascending (most regressed first) or descending.
QUESTION_SORTS = ("category", "id", "d_asc", "d_desc")
#: Rows per page: each row may hold four texts of up to 2,000 characters; the browser's time grows with rows.
QUESTION_PAGE_SIZE = 25
#: Why there is no question table, if there is none ("ok" when there is one).
QUESTION_STATUSES = ("ok", "no_candidate", "no_samples", "no_baseline_samples", "no_candidate_samples",
                     "no_shared")
#: The page's and the CSV's columns, texts last.
PAGE_COLUMNS = ["category", "question_id", "bucket", "d", "baseline_score", "candidate_score", "baseline_right",
                "candidate_right", "baseline_runs", "candidate_runs", "question", "gold", "baseline_output",
                "candidate_output", "baseline_reasoning", "candidate_reasoning"]
#: Per-answer texts shown per side as `baseline_<name>` / `candidate_<name>` (each run's under a `[run N]` line).
SIDE_TEXTS = ("output", "reasoning")


@dataclass(frozen=True)
class QuestionQuery:
    """What the question table shows: filters, order and the page (1-based, clamped to the last page)."""

    category: str = ""
    bucket: str = "all"
    search: str = ""
    sort: str = "category"
    page: int = 1
    page_size: int = QUESTION_PAGE_SIZE

    def __post_init__(self) -> None:
        if self.bucket not in BUCKET_CHOICES or self.sort not in QUESTION_SORTS or self.page_size < 1:
            raise ValueError(f"bucket must be one of {BUCKET_CHOICES}, sort one of {QUESTION_SORTS}")


class Side(NamedTuple):
    """One side's per-question aggregates, aligned with `QuestionPairs.questions`."""

    runs: np.ndarray  # answers (runs / epochs) per question
    right: np.ndarray  # answers scored exactly 1
    wrong: np.ndarray  # answers scored exactly 0
    mean: np.ndarray


@dataclass(frozen=True, eq=False)
class QuestionPairs:
    """The paired questions of a baseline and a candidate in one dataset, and what it takes to show their texts."""

    baseline: str = ""
    candidate: str = ""
    status: str = "no_samples"
    #: One row per paired question: category, question_id, bucket, d (candidate better > 0, value scale).
    questions: pd.DataFrame = field(default_factory=lambda: _empty_questions())
    base: Side | None = None
    cand: Side | None = None
    #: The answers of both sides (rows of the per-question table), and per question the slice of `order`
    #: (answers sorted by question, side, run) that holds its answers.
    answers: pd.DataFrame | None = None
    answer_question: np.ndarray | None = None
    order: np.ndarray | None = None
    starts: np.ndarray | None = None
    #: Sort keys per question: category rank (Python string order) and question-id rank (numeric ids by value).
    category_rank: np.ndarray | None = None
    id_rank: np.ndarray | None = None
    has_texts: bool = False
    #: Whether any answer of either side has a reasoning text (the view shows its columns only then).
    has_reasoning: bool = False
    #: The search texts and the last searches' results (computed on demand; they never change a result).
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def categories(self) -> list[str]:
        return sorted(set(self.questions["category"].astype(object))) if len(self.questions) else []


@dataclass(frozen=True)
class QuestionPage:
    """The rows of one page (`PAGE_COLUMNS`), which page it is, and how many questions pass the filters."""

    rows: pd.DataFrame
    page: int
    pages: int
    total: int
    counts: dict[str, int]


def _empty_questions() -> pd.DataFrame:
    return pd.DataFrame({"category": pd.Series(dtype=object), "question_id": pd.Series(dtype=object),
                         "bucket": pd.Series(dtype=object), "d": pd.Series(dtype="float64")})


def _ranks(values: np.ndarray, numeric_first: bool = False) -> np.ndarray:
    """Rank of each distinct value in Python's string order; with `numeric_first`, ids that are integers come
    first, by value (question 2 before question 10), then the others as strings."""
    text = [str(value) for value in values]
    if numeric_first:
        numbers = pd.to_numeric(pd.Series(text, dtype=object), errors="coerce").to_numpy(dtype="float64")
        key = sorted(range(len(text)), key=lambda i: (0, numbers[i], text[i]) if np.isfinite(numbers[i])
                     else (1, 0.0, text[i]))
    else:
        key = sorted(range(len(text)), key=text.__getitem__)
    rank = np.empty(len(text), dtype="int64")
    rank[key] = np.arange(len(text))
    return rank


def sources_with_answers(samples: pd.DataFrame, dataset: str) -> set[str]:
    """Sources with any per-question answer in `dataset`."""
    if not len(samples):
        return set()
    mine = samples.loc[samples["dataset"] == dataset, "source_label"]
    return set(mine.astype(object).unique())


def question_pairs(loaded, dataset: str, metric: str, baseline: str, candidate: str,
                   higher_is_better: bool = True) -> QuestionPairs:
    """The paired questions of `baseline` and `candidate` in `dataset` on `metric` ("" = each file's primary
    metric), bucketed; `status` says why there are none."""
    if not candidate or candidate == baseline:
        return QuestionPairs(baseline, candidate, "no_candidate")
    rows = dataset_rows(loaded.table, dataset, metric or None)
    rows = rows[rows["source_label"].isin([baseline, candidate])].drop_duplicates(["category", "source_label"])
    answers = scored_answers(loaded.samples, dataset, rows)
    answers = answers[answers["source_label"].isin([baseline, candidate])]
    present = set(answers["source_label"].astype(object).unique()) if len(answers) else set()
    if baseline not in present or candidate not in present:
        status = ("no_samples" if not present else "no_baseline_samples" if baseline not in present
                  else "no_candidate_samples")
        return QuestionPairs(baseline, candidate, status)
    return _pair(answers.reset_index(drop=True), baseline, candidate, 1.0 if higher_is_better else -1.0)


def pair_answers(answers: pd.DataFrame, baseline: str, candidate: str, sign: float = 1.0) -> QuestionPairs:
    """`question_pairs` on answers already chosen (one dataset, one metric per (source, category))."""
    answers = answers[answers["source_label"].isin([baseline, candidate])].reset_index(drop=True)
    present = set(answers["source_label"].astype(object).unique()) if len(answers) else set()
    if baseline not in present or candidate not in present:
        return QuestionPairs(baseline, candidate, "no_samples" if not present else
                             "no_baseline_samples" if baseline not in present else "no_candidate_samples")
    return _pair(answers, baseline, candidate, sign)


def _pair(answers: pd.DataFrame, baseline: str, candidate: str, sign: float) -> QuestionPairs:
    side = (answers["source_label"].astype(object) == candidate).to_numpy(dtype="int64")
    cells = question_cells(side, answers)
    n_pairs = cells.n_pairs
    value = answers["value"].to_numpy(dtype="float64")
    counts = cells.grid(None, 2)
    sums = cells.grid(value, 2)
    right = cells.grid(value == 1.0, 2).astype("int64")
    wrong = cells.grid(value == 0.0, 2).astype("int64")
    paired = np.flatnonzero((counts[0] > 0) & (counts[1] > 0))
    if not len(paired):
        return QuestionPairs(baseline, candidate, "no_shared")
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    sides = [Side(counts[s, paired], right[s, paired], wrong[s, paired], means[s, paired]) for s in (0, 1)]
    base, cand = sides
    d = (cand.mean - base.mean) * sign
    binary = (base.right + base.wrong == base.runs) & (cand.right + cand.wrong == cand.runs)
    flaky = binary & (((base.right > 0) & (base.wrong > 0)) | ((cand.right > 0) & (cand.wrong > 0)))
    steady = binary & ~flaky
    base_right, cand_right = base.right == base.runs, cand.right == cand.runs
    bucket = np.select(
        [flaky, steady & base_right & ~cand_right, steady & ~base_right & cand_right, steady & ~base_right,
         steady, d < 0, d > 0],
        [4, 0, 1, 2, 3, 0, 1], default=5)
    pair_cat, pair_qid = cells.split(paired)
    questions = pd.DataFrame({
        **cells.questions(paired),
        "bucket": pd.Categorical.from_codes(bucket, categories=pd.Index(BUCKETS, dtype=object)),
        "d": d,
    })
    # Answers of paired questions, by question then side then run: a question's answers are one slice.
    position = np.full(n_pairs, -1, dtype="int64")
    position[paired] = np.arange(len(paired))
    answer_question = position[cells.pair]
    keep = np.flatnonzero(answer_question >= 0)
    run = answers["run"].to_numpy(dtype="int64")
    order = keep[np.lexsort((run[keep], side[keep], answer_question[keep]))]
    starts = np.searchsorted(answer_question[order], np.arange(len(paired) + 1))
    has_reasoning = "reasoning" in answers.columns and _nonempty(answers["reasoning"])
    has_texts = has_reasoning or any(name in answers.columns and _nonempty(answers[name])
                                     for name in ("question", "gold", "output"))
    return QuestionPairs(baseline, candidate, "ok", questions, base, cand, answers, answer_question, order, starts,
                         _ranks(cells.cat_values)[pair_cat], _ranks(cells.qid_values, numeric_first=True)[pair_qid],
                         has_texts, has_reasoning)


def _nonempty(column: pd.Series) -> bool:
    """Whether any row has a non-empty text (of a categorical, only the categories these rows use: the answers
    of a pair keep the categories of every source's texts)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        if not any(str(value) for value in categories):
            return False
        codes = column.cat.codes.to_numpy()
        used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(categories)))
        return any(str(categories[index]) for index in used.tolist())
    return bool(len(column)) and bool(column.fillna("").astype(bool).any())


def bucket_counts(pairs: QuestionPairs, category: str = "") -> dict[str, int]:
    """Questions per bucket (every bucket present, 0 when empty), in one category or all."""
    questions = pairs.questions
    codes = questions["bucket"].cat.codes.to_numpy() if len(questions) else np.array([], dtype="int64")
    if category and len(questions):
        codes = codes[(questions["category"].astype(object) == category).to_numpy()]
    found = np.bincount(codes, minlength=len(BUCKETS)) if len(codes) else np.zeros(len(BUCKETS), dtype="int64")
    return {name: int(found[i]) for i, name in enumerate(BUCKETS)}


def search_texts(pairs: QuestionPairs) -> list[str]:
    """Per question, its question text and every output (and reasoning) of both sides (all runs), lower-cased,
    NUL-separated: built once per pair (the first search, or right after the tab is drawn) and kept, so a
    search is one substring test per question instead of lower-casing 200,000 outputs each time."""
    found = pairs._cache.get("texts")
    if found is not None:
        return found
    order, starts = pairs.order, pairs.starts
    n = len(pairs.questions)
    questions = _take(pairs.answers, "question", order[starts[:-1]]) if n else np.array([], dtype=object)
    outputs = _take(pairs.answers, "output", order)
    if pairs.has_reasoning:  # an answer's output and reasoning as one text: the same layout, one answer each
        outputs = _joined(outputs, _take(pairs.answers, "reasoning", order))
    if len(order) == 2 * n:  # one answer a side: base output at 2i, candidate's at 2i + 1
        texts = [f"{q}\0{b}\0{c}".lower() for q, b, c in zip(questions.tolist(), outputs[0::2].tolist(),
                                                              outputs[1::2].tolist(), strict=True)]
    else:
        flat = outputs.tolist()
        texts = ["\0".join([q, *flat[start:end]]).lower()
                 for q, start, end in zip(questions.tolist(), starts[:-1].tolist(), starts[1:].tolist(), strict=True)]
    pairs._cache["texts"] = texts
    return texts


def _joined(outputs: np.ndarray, reasoning: np.ndarray) -> np.ndarray:
    """Per answer "output NUL reasoning" (the output alone where there is no reasoning), vectorised."""
    joined = pd.Series(outputs, dtype=object).str.cat(pd.Series(reasoning, dtype=object), sep="\0")
    return np.where(reasoning.astype(bool), joined.to_numpy(dtype=object), outputs)


def search_mask(pairs: QuestionPairs, term: str, positions: np.ndarray | None = None) -> np.ndarray:
    """Per question (of `positions`, default all): whether `term` occurs, in any case and as plain text (no
    pattern), in its question text or in either model's output or reasoning of any run."""
    term = term.strip().lower().replace("\0", "")
    chosen = np.arange(len(pairs.questions)) if positions is None else positions
    if not term:
        return np.ones(len(chosen), dtype=bool)
    texts = search_texts(pairs)
    return np.fromiter((term in texts[i] for i in chosen.tolist()), dtype=bool, count=len(chosen))


def filtered_positions(pairs: QuestionPairs, query: QuestionQuery) -> np.ndarray:
    """Positions (into `pairs.questions`) of the questions passing the filters, in the query's order."""
    questions = pairs.questions
    if not len(questions):
        return np.array([], dtype="int64")
    mask = np.ones(len(questions), dtype=bool)
    if query.category:
        mask &= (questions["category"].astype(object) == query.category).to_numpy()
    if query.bucket != "all":
        mask &= questions["bucket"].cat.codes.to_numpy() == BUCKETS.index(query.bucket)
    chosen = np.flatnonzero(mask)
    if query.search.strip():
        # The filters first: a search within a bucket reads only that bucket's texts. Kept per filter, so a
        # page turn does not search again.
        key = ("search", query.search.strip().lower(), query.category, query.bucket)
        found = pairs._cache.get(key)
        if found is None:
            found = chosen[search_mask(pairs, query.search, chosen)]
            for old in [name for name in pairs._cache if name[0] == "search"][:-7]:
                del pairs._cache[old]
            pairs._cache[key] = found
        chosen = found
    cat, qid = pairs.category_rank[chosen], pairs.id_rank[chosen]
    if query.sort == "category":
        keys = (qid, cat)
    elif query.sort == "id":
        keys = (cat, qid)
    else:
        d = questions["d"].to_numpy()[chosen]
        keys = (qid, cat, d if query.sort == "d_asc" else -d)
    return chosen[np.lexsort(keys)]


def _rows(pairs: QuestionPairs, positions: np.ndarray) -> pd.DataFrame:
    """`PAGE_COLUMNS` for the questions at `positions`; each side's runs in run order, and with several runs
    each run's output (and reasoning) under a `[run N]` line. Texts are taken with one `take` per column."""
    questions = pairs.questions.iloc[positions]
    answers, order, starts = pairs.answers, pairs.order, pairs.starts
    base, cand = pairs.base, pairs.cand
    values = answers["value"].to_numpy(dtype="float64")
    first = order[starts[positions]] if len(positions) else np.array([], dtype="int64")
    cand_first = order[starts[positions] + base.runs[positions]] if len(positions) else first
    out: dict[str, object] = {
        "question": _take(answers, "question", first), "gold": _take(answers, "gold", first),
    }
    for name in SIDE_TEXTS:
        out[f"baseline_{name}"] = _take(answers, name, first)
        out[f"candidate_{name}"] = _take(answers, name, cand_first)
    several = np.flatnonzero((base.runs[positions] > 1) | (cand.runs[positions] > 1))
    base_runs = [(value,) for value in values[first].tolist()]
    cand_runs = [(value,) for value in values[cand_first].tolist()]
    if len(several):
        runs = answers["run"].to_numpy(dtype="int64")
        names = [name for name in SIDE_TEXTS if name in answers.columns]
        for name in names:
            for side in ("baseline", "candidate"):
                out[f"{side}_{name}"] = list(out[f"{side}_{name}"])
        for index in several:
            position = positions[index]
            split = starts[position] + base.runs[position]
            for rows, side, target in ((order[starts[position]:split], "baseline", base_runs),
                                       (order[split:starts[position + 1]], "candidate", cand_runs)):
                target[index] = tuple(values[rows].tolist())
                if len(rows) <= 1:
                    continue
                for name in names:
                    texts = _take(answers, name, rows)
                    if name == "reasoning" and not any(texts):
                        continue  # no run reasoned: an empty cell, not a list of empty runs
                    out[f"{side}_{name}"][index] = "\n".join(
                        f"[run {run}] {text}" for run, text in zip(runs[rows], texts, strict=True))
    return pd.DataFrame({
        "category": questions["category"].astype(object).to_numpy(),
        "question_id": questions["question_id"].astype(object).to_numpy(),
        "bucket": questions["bucket"].astype(object).to_numpy(),
        "d": questions["d"].to_numpy(),
        "baseline_score": base.mean[positions], "candidate_score": cand.mean[positions],
        "baseline_right": _shares(base, positions), "candidate_right": _shares(cand, positions),
        "baseline_runs": base_runs, "candidate_runs": cand_runs, **out,
    }, columns=PAGE_COLUMNS)


def _shares(side: Side, positions: np.ndarray) -> np.ndarray:
    """"k/n" (right in k of n runs) for right/wrong answers, "" for other scores."""
    right, runs = side.right[positions], side.runs[positions]
    text = pd.Series(right).astype(str).str.cat(pd.Series(runs).astype(str), sep="/").to_numpy(dtype=object)
    return np.where(right + side.wrong[positions] == runs, text, "")


def _take(answers: pd.DataFrame, name: str, rows: np.ndarray) -> np.ndarray:
    if name not in answers.columns:
        return np.full(len(rows), "", dtype=object)
    taken = answers[name].take(rows)
    if isinstance(taken.dtype, pd.CategoricalDtype):
        taken = taken.astype(object)
    return taken.fillna("").astype(str).to_numpy(dtype=object)


def question_page(pairs: QuestionPairs, query: QuestionQuery) -> QuestionPage:
    """One page of the question table and the bucket counts of the chosen category."""
    counts = bucket_counts(pairs, query.category)
    if pairs.status != "ok":
        return QuestionPage(pd.DataFrame(columns=PAGE_COLUMNS), 1, 1, 0, counts)
    positions = filtered_positions(pairs, query)
    total = len(positions)
    pages = max(1, -(-total // query.page_size))
    page = min(max(1, query.page), pages)
    start = (page - 1) * query.page_size
    return QuestionPage(_rows(pairs, positions[start:start + query.page_size]), page, pages, total, counts)


def export_rows(pairs: QuestionPairs, query: QuestionQuery) -> pd.DataFrame:
    """Every question passing the filters (all pages), for a CSV: runs as `1;0;1`."""
    if pairs.status != "ok":
        return pd.DataFrame(columns=PAGE_COLUMNS)
    rows = _rows(pairs, filtered_positions(pairs, query))
    for name in ("baseline_runs", "candidate_runs"):
        rows[name] = [";".join(f"{value:g}" for value in runs) for runs in rows[name]]
    return rows
