"""What a loaded document becomes in the station: one file per (dataset, model), in the document's own format.

- Twinkle Eval: the document reduced to one dataset — same `timestamp`, `config` and other top-level keys, only
  that dataset's `dataset_results` entry (with its `average_accuracy` when it had one). Still a valid Twinkle
  results file, so any tool that reads Twinkle reads it.
- OpenCompass station file: written as it was read (its parsed JSON), under `cfg.datasets.abbr` / the model abbr
  (`<model>_judged-by--<judge>` for subjective results, as OpenCompass names them).
- OpenCompass summary CSV: each leaf row of one model becomes a minimal OpenCompass station file
  (`{"predictions": [], "results": {metric: value}, "cfg": {...}}`) with the value as the CSV had it (0–100), the
  same layout OpenCompass itself writes with `-sp`. Group rows (averages) are not published: they are derived.
- lm-evaluation-harness: refused with a message, until the station has an lm-eval layout.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass

from eval_analyzer.core.document import (
    LM_EVAL,
    OPENCOMPASS_STATION,
    OPENCOMPASS_SUMMARY,
    TWINKLE,
    SourceDocument,
)
from eval_analyzer.core.readers.oc_names import metric_scale
from eval_analyzer.core.readers.opencompass import JUDGE_MARKER
from eval_analyzer.core.readers.twinkle import dataset_name
from eval_analyzer.station.names import unescape_name

#: Digits kept when a summary value is scaled back to OpenCompass's 0–100 (the CSV has two decimals).
_SUMMARY_DIGITS = 10


@dataclass(frozen=True)
class Payload:
    """The bytes of one station entry, or why the document part cannot be published (`data` is None)."""

    dataset: str
    model: str
    data: bytes | None
    problem: str = ""


def _dump(obj: object, indent: int) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")


def payloads(doc: SourceDocument) -> list[Payload]:
    """Every station entry of one document."""
    if doc.format == TWINKLE:
        return _twinkle(doc)
    if doc.format == OPENCOMPASS_STATION:
        return [_opencompass(doc)]
    if doc.format == OPENCOMPASS_SUMMARY:
        return _summary(doc)
    what = "lm-evaluation-harness results" if doc.format == LM_EVAL else f"'{doc.format}' documents"
    return [Payload("", doc.model, None, f"{doc.source_file}: {what} cannot be published to the station yet; it "
                    "stores Twinkle Eval and OpenCompass files. The file can still be loaded directly.")]


def _twinkle(doc: SourceDocument) -> list[Payload]:
    raw = doc.raw if isinstance(doc.raw, dict) else {}
    results = raw.get("dataset_results")
    if not isinstance(results, dict):
        return [Payload("", doc.model, None, f"{doc.source_file}: the parsed document is not available.")]
    config = raw.get("config")
    model_cfg = config.get("model") if isinstance(config, dict) else None
    if not isinstance(model_cfg, dict) or model_cfg.get("name") in (None, ""):
        return [Payload("", doc.model, None, f"{doc.source_file}: has no model name (config.model.name); it "
                        "would collide with every other unnamed result. Add the name, then publish.")]
    keys_by_dataset: dict[str, list[str]] = {}
    for key in results:
        keys_by_dataset.setdefault(dataset_name(str(key)), []).append(key)
    used = {row.dataset for row in doc.rows}
    found = []
    for dataset, keys in keys_by_dataset.items():
        if dataset not in used:
            found.append(Payload(dataset, doc.model, None,
                                 f"{doc.source_file}: dataset '{dataset}' has no usable score; not published."))
            continue
        # Rebuild in the original key order, so the file reads like the one Twinkle wrote.
        reduced = {key: ({k: results[k] for k in keys} if key == "dataset_results" else value)
                   for key, value in raw.items()}
        found.append(Payload(dataset, doc.model, _dump(reduced, 2)))
    return found


def _cfg_name(section: object) -> str:
    if not isinstance(section, dict):
        return ""
    for key in ("abbr", "path"):
        value = section.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def opencompass_names(raw: object, source_file: str) -> tuple[str, str]:
    """(dataset abbr, model file stem) of an OpenCompass station document, as OpenCompass names its files."""
    cfg = raw.get("cfg") if isinstance(raw, dict) else None
    cfg = cfg if isinstance(cfg, dict) else {}
    path = source_file.replace("\\", "/")
    folder = posixpath.basename(posixpath.dirname(path))
    stem = posixpath.basename(path)
    stem = stem[:-5] if stem.lower().endswith(".json") else stem
    dataset = _cfg_name(cfg.get("datasets")) or (unescape_name(folder) or "")
    model = _cfg_name(cfg.get("models"))
    file_stem = unescape_name(stem) or ""
    if JUDGE_MARKER in file_stem:
        model = file_stem
    elif "judge_models" in cfg and model:
        judges = cfg["judge_models"]
        judge = _cfg_name(judges[0] if isinstance(judges, list) and judges else judges)
        model = f"{model}{JUDGE_MARKER}{judge}" if judge else model
    return dataset, model or file_stem


def _opencompass(doc: SourceDocument) -> Payload:
    dataset, model = opencompass_names(doc.raw, doc.source_file)
    if not dataset or not model:
        return Payload(dataset, model, None, f"{doc.source_file}: no dataset or model abbr in cfg; not published.")
    return Payload(dataset, model, _dump(doc.raw, 4))


def _summary(doc: SourceDocument) -> list[Payload]:
    by_leaf: dict[str, dict[str, float]] = {}
    for row in doc.rows:
        factor = metric_scale(row.metric, 1.0)[0]  # 0.01 for OpenCompass percentages: scale back to 0–100
        by_leaf.setdefault(row.file, {})[row.metric] = round(row.score / factor, _SUMMARY_DIGITS)
    found = []
    for leaf, results in by_leaf.items():
        station_file = {
            "predictions": [],
            "results": results,
            "cfg": {"models": {"abbr": doc.model}, "datasets": {"abbr": leaf}},
            "eval_analyzer": {"converted_from": "opencompass-summary", "source_file": doc.source_file,
                              "timestamp": doc.timestamp},
        }
        found.append(Payload(leaf, doc.model, _dump(station_file, 4)))
    return found
