"""What a format reader returns: one parsed source document, before it joins the score table.

Every reader turns one JSON document (or CSV) into a `SourceDocument`; the loader then applies the cross-file
rules (same-label renaming, byte-identical duplicates) and concatenates the rows into the score table.
"""

from __future__ import annotations

import json
import math
import zlib
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from eval_analyzer.core.errors import Problem

#: Set where a file names no model or no date (never an empty string: the label must say it is missing).
UNKNOWN_MODEL = "<unknown>"
NO_TIMESTAMP = "<no-ts>"


def compress_json(text: str) -> bytes:
    """What `SourceDocument.original` holds: level 1 is fast and still shrinks JSON ~8x."""
    return zlib.compress(text.encode("utf-8"), 1)


class ScoreRow(NamedTuple):
    """One score of one category. `score` is on the unit scale (0–1) unless `unit_scale` is False;
    `scale_assumed` says the unit scale was inferred from the values alone (a metric name no rule knows).

    A NamedTuple, not a dataclass: tens of thousands are made per upload and pandas builds the score table
    from tuples in C.
    """

    dataset: str
    category: str
    score: float
    metric: str
    file: str = ""
    std: float = math.nan
    run_scores: tuple[float, ...] = ()
    primary: bool = True
    higher_is_better: bool = True
    unit_scale: bool = True
    stderr: float = math.nan
    scale_assumed: bool = False


@dataclass
class OverallRow:
    """A dataset-level (or group-level) average. `reported` says whether the file stated it."""

    dataset: str
    group: str
    score: float
    metric: str
    reported: bool
    unit_scale: bool = True


@dataclass
class SourceDocument:
    """One source (a model's run) as read from one document."""

    format: str
    model: str
    timestamp: str
    source_file: str
    rows: list[ScoreRow] = field(default_factory=list)
    overall: list[OverallRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Per-question values (`core/samples.py`: KEY_COLUMNS, value, optional texts), or None.
    samples: Any = None
    #: Set on a per-question document (an `eval_results_*.jsonl`, an lm-eval `samples_*.jsonl`): the key of the
    #: results document its data belongs to, `(format name, folder, stamp)`. `core/link.py` merges the data into
    #: that document once every file is read, or makes a source of its own when no such document was loaded.
    attach_to: tuple | None = None
    #: A per-question reader's records until they are linked (format-private; None afterwards).
    pending: Any = None
    #: The document's JSON text, zlib-compressed: what publishing needs to write the station entries. Keeping
    #: the parsed JSON instead cost each session ~10x the file's size (OpenCompass predictions included).
    original: bytes = b""
    #: Whether the reader expects this document to be one part of a run split over files (a station file, a
    #: one-dataset Twinkle document). Informational only: the same-label rule (`core/table.py` `_assign_labels`) now
    #: joins ANY documents of one label whose (dataset, category) pairs do not overlap.
    merge_same_label: bool = False
    #: Hash of the bytes the document came from: byte-identical duplicates are loaded once.
    fingerprint: str = ""
    #: Set by the loader: the label after the same-label rule (` (2)`…).
    source_label: str = ""

    def parsed(self) -> Any:
        """The document's JSON as it was read (None when the format keeps none, e.g. a CSV)."""
        return json.loads(zlib.decompress(self.original)) if self.original else None

    @property
    def label(self) -> str:
        """`model @ timestamp`; the model alone when the file has no date."""
        return self.model if self.timestamp in ("", NO_TIMESTAMP) else f"{self.model} @ {self.timestamp}"


def parse_finite(text: str) -> float | None:
    """Text (a CSV cell, a URL parameter) as a finite float; None for anything else, NaN and ±inf included."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def as_finite_float(value: Any) -> float | None:
    """A real, finite number as float; None for bools, strings, NaN, ±inf and everything else."""
    if type(value) is float:  # the common case first: this runs once per score
        return value if math.isfinite(value) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None
