"""OpenCompass work-dir predictions, `<work_dir>/predictions/<model>/<dataset>.json`: recognised, not scores.

OpenCompass writes the model's answers there (`{"0": {"origin_prompt": …, "prediction": …, "gold": …}, …}`)
before it evaluates them; the scores of the same run are in `results/<model>/<dataset>.json` and in the
summary CSV. Users upload the predictions folder by mistake, so it gets one message that says which files hold
the scores, instead of "not a known format".
"""

from __future__ import annotations

from typing import Any

from eval_analyzer.core.document import SourceDocument
from eval_analyzer.core.errors import ReadError, problem
from eval_analyzer.core.formats.base import Format

#: Keys every prediction entry has (OpenCompass's inferencers write them).
_ENTRY_KEYS = ("origin_prompt", "prediction")
#: Entries looked at to recognise the file: enough to be sure, cheap on a file of 10,000 answers.
_SNIFF = 5


def looks_like_predictions(obj: Any) -> bool:
    if not isinstance(obj, dict) or not obj:
        return False
    keys = list(obj)[:_SNIFF]
    return all(isinstance(key, str) and key.isdigit() for key in keys) and all(
        isinstance(obj[key], dict) and all(name in obj[key] for name in _ENTRY_KEYS) for key in keys)


class OpenCompassPredictions(Format):
    name = "opencompass-predictions"

    def detect(self, obj: Any) -> bool:
        return looks_like_predictions(obj)

    def read(self, obj: Any, file_name: str, where: str = "") -> list[SourceDocument]:
        raise ReadError(problem(file_name, "oc_predictions.not_scores", where, count=len(obj)))
