"""The registry of result formats: one module per format, tried in this order.

The loader (`core/loader.py`) and the station (`station/store.py`) both detect formats only through `FORMATS`, so a
file is the same format wherever it is read. Order matters where detections overlap: more specific first
(a Twinkle per-question record before a Twinkle results document). Per-question formats (`per_question`, or
documents with `attach_to`) are linked to their results documents by `core/link.py`.
"""

from __future__ import annotations

from typing import Any

from eval_analyzer.core.formats.base import Format, Payload
from eval_analyzer.core.formats.inspect import Inspect
from eval_analyzer.core.formats.lmeval import LmEval
from eval_analyzer.core.formats.lmeval_samples import LmEvalSamples, LmEvalWriteOut
from eval_analyzer.core.formats.lmeval_table import LmEvalTable
from eval_analyzer.core.formats.opencompass_predictions import OpenCompassPredictions
from eval_analyzer.core.formats.opencompass_station import OpenCompassStation
from eval_analyzer.core.formats.opencompass_summary import OpenCompassSummary
from eval_analyzer.core.formats.twinkle import Twinkle
from eval_analyzer.core.formats.twinkle_samples import TwinklePerQuestion

FORMATS: tuple[Format, ...] = (
    TwinklePerQuestion(),
    Twinkle(),
    OpenCompassStation(),
    # Before lm-eval: an Inspect log also has a `results` object; only the `eval` object (task, model) tells.
    Inspect(),
    LmEval(),
    LmEvalSamples(),
    LmEvalWriteOut(),
    OpenCompassPredictions(),
    LmEvalTable(),
    OpenCompassSummary(),
)
BY_NAME: dict[str, Format] = {fmt.name: fmt for fmt in FORMATS}


def format_of_json(obj: Any) -> Format | None:
    """The format of a parsed JSON value, or None."""
    return next((fmt for fmt in FORMATS if fmt.detect(obj)), None)


def format_of_text(text: str, file_name: str) -> Format | None:
    """The format of a text that is not JSON, or None."""
    return next((fmt for fmt in FORMATS if fmt.detect_text(text, file_name)), None)


def format_of_zip(names: list[str]) -> Format | None:
    """The format that reads a whole zip archive as one document (by its member names), or None for a bundle."""
    return next((fmt for fmt in FORMATS if fmt.detect_zip(names)), None)


def titles() -> str:
    """The formats' names for messages, "Twinkle Eval, OpenCompass, …", each once (formats without a title are
    parts of another one)."""
    return ", ".join(dict.fromkeys(fmt.title for fmt in FORMATS if fmt.title))


__all__ = ["BY_NAME", "FORMATS", "Format", "Payload", "format_of_json", "format_of_text", "format_of_zip", "titles"]
