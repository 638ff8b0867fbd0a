"""The per-question table: one row per (source, dataset, category, question, run, metric).

Separate from the score table (a category has one score but thousands of questions). Readers that find
per-question data build a `SampleColumns`, which becomes a columnar frame with categorical strings, so 100,000
questions of a model cost a few MB. Question text, gold answer, model output and the model's reasoning (its
chain of thought, when the file keeps it apart from the output) are optional columns, cut past `MAX_TEXT_CHARS`
(the Questions view shows them as plain text; a whole chain of thought is not needed to see why an answer
flipped).

Columns: `source_label, dataset, category, question_id, run, metric, value` and, when the file has them,
`question, gold, output, reasoning`. `run` is the repeated run (Twinkle `run<N>`) or Inspect epoch, from 0; `value` is the
per-question score on the unit scale (1.0 / 0.0 for right / wrong).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

KEY_COLUMNS = ["dataset", "category", "question_id", "run", "metric"]
TEXT_COLUMNS = ["question", "gold", "output", "reasoning"]
SAMPLE_COLUMNS = ["source_label", *KEY_COLUMNS, "value", *TEXT_COLUMNS]
#: Longest question / answer / output / reasoning text kept per cell; longer ones end with "…".
MAX_TEXT_CHARS = 2000


def clip_text(value: object) -> str:
    """A text cell as kept: str(value) cut to `MAX_TEXT_CHARS`; None and missing values become ''."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= MAX_TEXT_CHARS else text[: MAX_TEXT_CHARS - 1] + "…"


def categorical(values: list) -> pd.Categorical:
    """`pd.Categorical(values)` (categories sorted) in half its time or less on the long lists of a log:
    factorised by hash, and only the distinct values sorted, as Python sorts str (pandas sorts them as objects)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    distinct = uniques.tolist()
    try:
        order = sorted(range(len(distinct)), key=distinct.__getitem__)
    except TypeError:  # values that do not sort together: pandas keeps them in order of appearance
        return pd.Categorical(values)
    if order != list(range(len(distinct))):
        rank = np.empty(len(order), dtype=codes.dtype)
        rank[order] = np.arange(len(order), dtype=codes.dtype)
        codes = np.where(codes >= 0, rank[codes], codes)
        uniques = uniques[order]
    return pd.Categorical.from_codes(codes, categories=uniques)


@dataclass
class SampleColumns:
    """Per-question values as a reader collects them: parallel lists, appended one question at a time."""

    dataset: list[str] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    question_id: list[str] = field(default_factory=list)
    run: list[int] = field(default_factory=list)
    metric: list[str] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    question: list[str] | None = None
    gold: list[str] | None = None
    output: list[str] | None = None
    reasoning: list[str] | None = None

    def add(self, dataset: str, category: str, question_id: object, run: int, metric: str, value: float,
            question: object = None, gold: object = None, output: object = None, reasoning: object = None) -> None:
        self.dataset.append(dataset)
        self.category.append(category)
        self.question_id.append(str(question_id))
        self.run.append(run)
        self.metric.append(metric)
        self.value.append(value)
        for name, text in (("question", question), ("gold", gold), ("output", output), ("reasoning", reasoning)):
            column = getattr(self, name)
            if text is not None and column is None:
                column = [""] * (len(self.value) - 1)
                setattr(self, name, column)
            if column is not None:
                column.append(clip_text(text))

    def __len__(self) -> int:
        return len(self.value)

    def frame(self) -> pd.DataFrame:
        """The collected values as a frame with `KEY_COLUMNS`, `value` and the text columns it has."""
        data: dict[str, object] = {
            "dataset": categorical(self.dataset),
            "category": categorical(self.category),
            "question_id": categorical(self.question_id),
            "run": np.asarray(self.run, dtype="int32"),
            "metric": categorical(self.metric),
            "value": np.asarray(self.value, dtype="float64"),
        }
        for name in TEXT_COLUMNS:
            column = getattr(self, name)
            if column is not None:
                data[name] = column
        return pd.DataFrame(data)


def empty_samples() -> pd.DataFrame:
    """The per-question table with no rows (and every column, so code never checks for them)."""
    frame = SampleColumns().frame()
    frame.insert(0, "source_label", pd.Categorical([]))
    for name in TEXT_COLUMNS:
        frame[name] = pd.Series([], dtype=object)
    return frame


def with_texts(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text column (empty strings where it had none), so frames of any reader concatenate."""
    missing = [name for name in TEXT_COLUMNS if name not in frame.columns]
    if not missing:
        return frame
    frame = frame.copy()
    for name in missing:
        frame[name] = pd.Categorical([""] * len(frame)) if len(frame) else pd.Series([], dtype=object)
    return frame


def concat_samples(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames of one layout as one, string columns categorical again (pandas makes mixed categories object)."""
    frames = [frame for frame in frames if frame is not None and len(frame)]
    if not frames:
        return SampleColumns().frame()
    if len(frames) == 1:
        return frames[0]
    frames = [with_texts(frame) for frame in frames] if any(
        set(TEXT_COLUMNS) & set(frame.columns) for frame in frames) else frames
    combined = pd.concat(frames, ignore_index=True)
    for name in ("source_label", *KEY_COLUMNS):
        if name in combined.columns and name != "run" and combined[name].dtype != "category":
            combined[name] = combined[name].astype("category")
    return combined


@dataclass(frozen=True)
class ComputedScore:
    """A category score computed from per-question values: the mean of each run's mean, as Twinkle reports."""

    dataset: str
    category: str
    metric: str
    score: float
    run_scores: tuple[float, ...]
    std: float
    n_questions: int


def scores_of(frame: pd.DataFrame) -> list[ComputedScore]:
    """Per (dataset, category, metric), in first-seen order: used when no results file reports the scores."""
    if not len(frame):
        return []
    keys = ["dataset", "category", "metric"]
    per_run = frame.groupby([*keys, "run"], sort=False, observed=True)["value"].mean().reset_index()
    counts = frame.groupby(keys, sort=False, observed=True)["question_id"].nunique()
    found = []
    for (dataset, category, metric), group in per_run.groupby(keys, sort=False, observed=True):
        runs = tuple(float(value) for value in group.sort_values("run")["value"])
        found.append(ComputedScore(str(dataset), str(category), str(metric), float(np.mean(runs)),
                                   runs if len(runs) > 1 else (), float(np.std(runs)) if len(runs) > 1 else np.nan,
                                   int(counts[(dataset, category, metric)])))
    return found
