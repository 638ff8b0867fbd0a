"""Answers grouped by (source, category, question) with integer codes, for `np.bincount`.

The per-question statistics and the Questions tab both count, sum and average a million answers per
(source, question); a pandas group-by and merge over them took a second, integer codes and `bincount` take a
few milliseconds. A question is a (category, question id) pair: ids repeat across categories."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd


def codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(integer codes, the values they stand for) of a column, categorical or not."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(dtype="int64"), np.asarray(column.cat.categories, dtype=object)
    found, uniques = pd.factorize(column, sort=False)
    return found.astype("int64"), np.asarray(uniques, dtype=object)


class QuestionCells(NamedTuple):
    #: Per answer: `source * n_pairs + question`, as `intp`: `bincount` takes nothing else, and the static
    #: page's WebAssembly numpy has a 32-bit `intp` and refuses to cast int64 down (a no-op on 64-bit machines).
    cell: np.ndarray
    #: Per answer: its question's index among the `n_pairs` questions.
    pair: np.ndarray
    n_pairs: int
    pairs: np.ndarray
    cat_values: np.ndarray
    qid_values: np.ndarray

    def grid(self, weights: np.ndarray | None, sources: int) -> np.ndarray:
        """Per (source, question): the number of answers, or the sum of `weights`."""
        return np.bincount(self.cell, weights=weights, minlength=sources * self.n_pairs).reshape(sources, self.n_pairs)

    def split(self, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(category codes, question id codes) of the questions at `columns`."""
        return np.divmod(self.pairs[columns], len(self.qid_values) + 1)

    def questions(self, columns: np.ndarray) -> dict[str, pd.Categorical]:
        """The category and question id of the questions at `columns`, as categoricals built from codes (without
        an object array of a million strings)."""
        cat, qid = self.split(columns)
        return {"category": pd.Categorical.from_codes(cat, categories=pd.Index(self.cat_values, dtype=object)),
                "question_id": pd.Categorical.from_codes(qid, categories=pd.Index(self.qid_values, dtype=object))}


def question_cells(source: np.ndarray, answers: pd.DataFrame) -> QuestionCells:
    """`source`: each answer's source code (0, 1, …); `answers` has `category` and `question_id`."""
    cat, cat_values = codes(answers["category"])
    qid, qid_values = codes(answers["question_id"])
    pair, pairs = pd.factorize(cat * (len(qid_values) + 1) + qid, sort=False)
    cell = (source * len(pairs) + pair).astype(np.intp, copy=False)
    return QuestionCells(cell, pair, len(pairs), pairs, cat_values, qid_values)
