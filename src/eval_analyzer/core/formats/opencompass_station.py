"""OpenCompass data-station files, `<station>/<dataset_abbr>/<model_abbr>.json` (docs/formats.md).

OpenCompass writes one file per (leaf dataset, model): `{"predictions": [...], "results": {...}, "cfg": {"models":
{...}, "datasets": {...}}}`. Each file is one category of one model, so documents of the same model merge
into one source (`merge_same_label`) instead of becoming `model (2)`, `model (3)`… for every subject.
The configs are mmengine dumps (nested dicts, `type` strings, sometimes lists): every piece is checked before
use, and a missing piece falls back to the file path or becomes a `Problem`, never an exception.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from eval_analyzer.core.document import NO_TIMESTAMP, ScoreRow, SourceDocument, as_finite_float
from eval_analyzer.core.errors import ReadError, problem
from eval_analyzer.core.formats.base import Format, Payload
from eval_analyzer.core.formats.opencompass_names import metric_scale, split_abbr
from eval_analyzer.core.samples import SampleColumns

NAME = "opencompass-station"

#: Result keys that are not scores: BLEU's brevity penalty and lengths, and an evaluator's type string.
_NOT_METRICS = frozenset({"bp", "sys_len", "ref_len", "type", "details"})
#: Which metric is the headline when a result has several; the rest follow in file order.
METRIC_PRIORITY = (
    "score", "auc_score", "accuracy", "humaneval_pass@1", "rouge1", "avg_toxicity_score", "bleurt_diff",
    "matthews_correlation", "truth", "f1", "exact_match", "extract_rate",
)
#: The marker OpenCompass puts between the model and the judge in subjective result names.
JUDGE_MARKER = "_judged-by--"
#: Longest error text quoted back to the user; OpenCompass errors can embed whole tracebacks.
_MAX_ERROR_CHARS = 300
#: Per-question flags OpenCompass evaluators write into `details` (AccwithDetailsEvaluator uses `is_correct`).
_CORRECT_KEYS = ("correct", "is_correct")
UNKNOWN = "<unknown>"
#: How deep subjective results nest their scores (AlignmentBench: dimension → score); deeper is not a score.
_SUBJECTIVE_DEPTH = 3


def looks_like_station(obj: Any) -> bool:
    """Detection by content: `predictions` list, `results` dict, `cfg` holding dicts `models` and `datasets`."""
    if not isinstance(obj, dict):
        return False
    cfg = obj.get("cfg")
    return (
        isinstance(obj.get("predictions"), list)
        and isinstance(obj.get("results"), dict)
        and isinstance(cfg, dict)
        and isinstance(cfg.get("models"), dict)
        and isinstance(cfg.get("datasets"), dict)
    )


def _text(value: Any) -> str:
    """A config value usable as a name: a non-blank string (or number), else ''."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _path_parts(file_name: str) -> tuple[str, str]:
    """(parent folder, stem) of a station path, whatever the separator."""
    path = file_name.replace("\\", "/")
    stem = posixpath.basename(path)
    if stem.lower().endswith(".json"):
        stem = stem[: -len(".json")]
    return posixpath.basename(posixpath.dirname(path)), stem


def _judge_abbr(judges: Any, stem: str) -> str:
    """The judge's abbr: from `cfg.judge_models` (a list or one dict), else from the file name."""
    candidates = judges if isinstance(judges, list) else [judges]
    for judge in candidates:
        if isinstance(judge, dict):
            name = _text(judge.get("abbr")) or _text(judge.get("path"))
            if name:
                return name
    if JUDGE_MARKER in stem:
        return stem.split(JUDGE_MARKER, 1)[1] or UNKNOWN
    return UNKNOWN


def _subjective_label(model: str, judges: Any, stem: str) -> str:
    """`model (judged by J)`; a pairwise file `<base>_<model>_judged-by--J` also names the base model, so
    comparisons against different bases stay separate sources."""
    judge = _judge_abbr(judges, stem)
    before = stem.split(JUDGE_MARKER, 1)[0] if JUDGE_MARKER in stem else ""
    if before.endswith(f"_{model}") and len(before) > len(model) + 1:
        return f"{model} vs {before[: -len(model) - 1]} (judged by {judge})"
    return f"{model} (judged by {judge})"


def _numeric_items(results: dict, depth: int, prefix: str = "") -> list[tuple[str, float]]:
    """Numeric scalars of `results` in file order; `depth` > 0 also takes nested dicts, as `outer/inner`."""
    found: list[tuple[str, float]] = []
    for key, value in results.items():
        if str(key) in _NOT_METRICS:
            continue
        number = as_finite_float(value)
        if number is not None:
            found.append((f"{prefix}{key}", number))
        elif depth > 0 and isinstance(value, dict):
            found.extend(_numeric_items(value, depth - 1, f"{prefix}{key}/"))
    return found


def _ordered(metrics: list[tuple[str, float]]) -> list[tuple[str, float]]:
    rank = {name: index for index, name in enumerate(METRIC_PRIORITY)}
    return sorted(metrics, key=lambda item: rank.get(item[0], len(rank)))  # stable: file order breaks ties


def _correct_flags(details: Any) -> tuple[list[str], list[bool]] | None:
    """(question ids, correctness) in question order, only when every question has a boolean flag.

    A partial list would shift questions against another model's list and pair the wrong answers (§5.2).
    """
    if isinstance(details, dict):
        keys = list(details)
        if all(isinstance(key, str) and key.isdigit() for key in keys):
            keys.sort(key=int)
        entries = [details[key] for key in keys]
        ids = [str(key) for key in keys]
    elif isinstance(details, list):
        entries = details
        ids = [str(index) for index in range(len(details))]
    else:
        return None
    flags: list[bool] = []
    for entry in entries:
        flag = next((entry[key] for key in _CORRECT_KEYS if isinstance(entry, dict) and key in entry), None)
        if isinstance(flag, bool) or (isinstance(flag, int) and flag in (0, 1)):
            flags.append(bool(flag))
        else:
            return None
    return (ids, flags) if flags else None


def _samples(doc: SourceDocument, dataset: str, category: str, results: dict, predictions: Any) -> None:
    """`results.details` flags as the per-question table, with `predictions` (`origin_prompt`, `prediction`,
    `gold`, in the same order: OpenCompass writes both from the one dataset) as texts when they line up."""
    found = _correct_flags(results.get("details"))
    if found is None:
        return
    ids, flags = found
    texts = predictions if isinstance(predictions, list) and len(predictions) == len(flags) else None
    metric = doc.rows[0].metric
    columns = SampleColumns()
    for index, (qid, flag) in enumerate(zip(ids, flags, strict=True)):
        entry = texts[index] if texts is not None and isinstance(texts[index], dict) else None
        if entry is None:
            columns.add(dataset, category, qid, 0, metric, 1.0 if flag else 0.0)
        else:
            columns.add(dataset, category, qid, 0, metric, 1.0 if flag else 0.0, entry.get("origin_prompt", ""),
                        entry.get("gold", ""), entry.get("prediction", ""))
    doc.samples = columns.frame()


def parse_station(obj: dict, file_name: str, where: str = "") -> SourceDocument:
    """Parse one station file into a one-category document. Raises `ReadError` when it holds no score."""
    cfg = obj.get("cfg") if isinstance(obj.get("cfg"), dict) else {}
    results = obj.get("results") if isinstance(obj.get("results"), dict) else {}
    models = cfg.get("models") if isinstance(cfg.get("models"), dict) else {}
    datasets = cfg.get("datasets") if isinstance(cfg.get("datasets"), dict) else {}
    folder, stem = _path_parts(file_name)

    if "error" in results:
        message = str(results.get("error"))
        if len(message) > _MAX_ERROR_CHARS:
            message = message[:_MAX_ERROR_CHARS] + "…"
        raise ReadError(problem(file_name, "oc_station.error", where, error=message))

    warnings = []
    model = _text(models.get("abbr")) or _text(models.get("path"))
    if not model:
        model = stem.split(JUDGE_MARKER, 1)[0] or UNKNOWN
        warnings.append(problem(file_name, "oc_station.no_model", where, "warning", model=model))
    abbr = _text(datasets.get("abbr"))
    if not abbr:
        abbr = folder or UNKNOWN
        warnings.append(problem(file_name, "oc_station.no_dataset", where, "warning", dataset=abbr))
    dataset, category = split_abbr(abbr, _text(datasets.get("name")) or None)

    subjective = "judge_models" in cfg or JUDGE_MARKER in stem
    if subjective:
        model = _subjective_label(model, cfg.get("judge_models"), stem)
    metrics = _ordered(_numeric_items(results, _SUBJECTIVE_DEPTH if subjective else 0))
    if not metrics:
        raise ReadError(problem(file_name, "oc_station.no_scores", where))

    doc = SourceDocument(format=NAME, model=model, timestamp=NO_TIMESTAMP, source_file=file_name,
                         merge_same_label=True, problems=warnings)
    for index, (metric, value) in enumerate(metrics):
        if subjective:
            # Judge scores (1–10 ratings, win rates…) have no common scale: shown as written, flagged.
            score, unit_scale, higher = value, False, True
        else:
            score, unit_scale, higher = metric_scale(metric, value)
        doc.rows.append(ScoreRow(dataset=dataset, category=category, score=score, metric=metric, file=abbr,
                                 primary=index == 0, higher_is_better=higher, unit_scale=unit_scale))
    _samples(doc, dataset, category, results, obj.get("predictions"))
    return doc



def _cfg_name(section: object) -> str:
    if not isinstance(section, dict):
        return ""
    for key in ("abbr", "path"):
        value = section.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def station_names(raw: object, source_file: str) -> tuple[str, str]:
    """(dataset abbr, model file stem) of a station document, as OpenCompass names its files.

    `source_file` is the file's logical path: the station passes its names with its own escaping undone.
    """
    cfg = raw.get("cfg") if isinstance(raw, dict) else None
    cfg = cfg if isinstance(cfg, dict) else {}
    path = source_file.replace("\\", "/")
    folder = posixpath.basename(posixpath.dirname(path))
    stem = posixpath.basename(path)
    stem = stem[:-5] if stem.lower().endswith(".json") else stem
    dataset = _cfg_name(cfg.get("datasets")) or folder
    model = _cfg_name(cfg.get("models"))
    file_stem = stem
    if JUDGE_MARKER in file_stem:
        model = file_stem
    elif "judge_models" in cfg and model:
        judges = cfg["judge_models"]
        judge = _cfg_name(judges[0] if isinstance(judges, list) and judges else judges)
        model = f"{model}{JUDGE_MARKER}{judge}" if judge else model
    return dataset, model or file_stem


class OpenCompassStation(Format):
    """A station file is written back as it was read, under its dataset abbr and model abbr."""

    name = NAME
    title = "OpenCompass"

    def detect(self, obj: Any) -> bool:
        return looks_like_station(obj)

    def read(self, obj: Any, file_name: str, where: str = "") -> list[SourceDocument]:
        return [parse_station(obj, file_name, where)]

    def station_entries(self, doc: SourceDocument) -> list[Payload]:
        raw = doc.parsed()
        dataset, model = station_names(raw, doc.source_file)
        if not dataset or not model:
            return [Payload(dataset, model, None,
                            f"{doc.source_file}: no dataset or model abbr in cfg; not published.")]
        return [Payload(dataset, model, (json.dumps(raw, ensure_ascii=False, indent=4) + "\n").encode("utf-8"))]

    def station_names(self, doc: SourceDocument, path: str) -> tuple[str, str] | None:
        return station_names(doc.parsed(), path)
