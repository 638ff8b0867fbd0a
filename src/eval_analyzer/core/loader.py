"""Bytes of many files → one `LoadedData` (score table, overall averages, sources, problems).

Per file: size limits, zip expansion, decoding, JSON / JSON Lines / CSV parsing and format detection by content
(SPEC §3.1). Across files: byte-identical duplicates are loaded once and different documents with the same label
are renamed ` (2)`, ` (3)`… (SPEC §3.2). A file that cannot be used never stops the others.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eval_analyzer.core.decoding import decode_bytes
from eval_analyzer.core.document import SourceDocument
from eval_analyzer.core.errors import EvalAnalyzerError, Problem, ReadError
from eval_analyzer.core.readers import lmeval, oc_summary, opencompass, twinkle
from eval_analyzer.core.table import LoadedData, build_loaded_data

#: Extensions looked at inside folders and zip archives (uploads are detected by content whatever their name).
RESULT_EXTENSIONS = (".json", ".jsonl", ".csv")
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Size limits: a clear error instead of a hang or an out-of-memory on a huge or hostile upload."""

    max_file_bytes: int = 50 * MB
    max_total_bytes: int = 500 * MB
    #: A zip may hold a whole station; more members than this is not a results bundle.
    max_zip_members: int = 20_000


@dataclass
class FileResult:
    """What one input file gave: its documents and its problems."""

    name: str
    size: int
    documents: list[SourceDocument] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _problem(name: str, what: str, fix: str, where: str = "") -> Problem:
    return Problem(file=name, what=what, fix=fix, where=where)


def read_file(name: str, data: bytes, limits: Limits = Limits()) -> FileResult:
    """Read one file's bytes. Never raises: every failure becomes a `Problem` of the result."""
    result = FileResult(name=name, size=len(data))
    try:
        _read_into(result, name, data, limits)
    except ReadError as error:
        result.problems.append(error.problem)
    except RecursionError:
        result.problems.append(_problem(name, "the JSON is nested too deeply to be a results file.",
                                        "Check that this is the right file."))
    except Exception as error:  # noqa: BLE001 - the safety net that keeps one bad file from stopping the rest
        result.problems.append(
            _problem(name, f"could not be read ({type(error).__name__}: {error}).",
                     "Check that this is an unmodified results file; if it is, please report this file.")
        )
    return result


def _read_into(result: FileResult, name: str, data: bytes, limits: Limits) -> None:
    if len(data) > limits.max_file_bytes:
        raise ReadError(_problem(
            name, f"is {len(data) / MB:.1f} MB, over the {limits.max_file_bytes / MB:.0f} MB limit per file.",
            "Split it, or raise the limit (--max-file-mb)."))
    if data[:4] == b"PK\x03\x04":
        _read_zip(result, name, data, limits)
        return
    if not data.strip():
        raise ReadError(_problem(name, "is empty.", "Upload the results file itself."))
    text = decode_bytes(data, name)
    fingerprint = _fingerprint(data)
    obj = _json_or_none(text)
    if obj is _NOT_JSON:
        if oc_summary.looks_like_summary(text):
            for doc in oc_summary.parse_summary_csv(text, name):
                doc.fingerprint = f"{fingerprint}:{doc.model}"
                result.documents.append(doc)
            return
        if "\n" in text.strip():
            _read_jsonl(result, name, text, fingerprint)
            return
        raise ReadError(_problem(name, "is not valid JSON, JSON Lines or an OpenCompass summary CSV.",
                                 "Upload a results_*.json, a .jsonl of results, a summary_*.csv or a .zip of them."))
    doc = _dispatch(obj, name)
    doc.fingerprint = fingerprint
    result.documents.append(doc)


_NOT_JSON = object()


def _json_or_none(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return _NOT_JSON


def _dispatch(obj: object, name: str, where: str = "") -> SourceDocument:
    """Format detection by content, in the order of SPEC §3.2–3.5."""
    if twinkle.looks_like_per_question(obj):
        raise ReadError(twinkle.per_question_problem(name))
    if twinkle.looks_like_twinkle(obj):
        return twinkle.parse_twinkle(obj, name, where)
    if opencompass.looks_like_station(obj):
        return opencompass.parse_station(obj, name, where)
    if lmeval.looks_like_lmeval(obj):
        return lmeval.parse_lmeval(obj, name, where)
    raise ReadError(_problem(
        name, "is JSON but not a results file of a known format (Twinkle Eval, OpenCompass, lm-evaluation-harness).",
        "Upload a Twinkle results_*.json, an OpenCompass station file or summary_*.csv, or an lm-eval "
        "results_*.json.", where))


def _read_jsonl(result: FileResult, name: str, text: str, fingerprint: str) -> None:
    per_question = False
    bad_lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.endswith(","):
            stripped = stripped[:-1].rstrip()
        try:
            record = json.loads(stripped)
        except ValueError:
            bad_lines.append(number)
            continue
        if twinkle.looks_like_per_question(record):
            per_question = True
            break
        try:
            doc = _dispatch(record, name, where=f"line {number}")
        except ReadError as error:
            result.problems.append(error.problem)
            continue
        doc.fingerprint = _fingerprint(stripped.encode())
        result.documents.append(doc)
    if per_question and not result.documents:
        raise ReadError(twinkle.per_question_problem(name))
    for number in bad_lines:
        result.problems.append(_problem(name, "is not valid JSON; the line was skipped.",
                                        "Fix or remove this line; the other records were loaded.", f"line {number}"))
    if not result.documents and not result.problems:
        raise ReadError(_problem(name, "holds no records.", "Upload a file with at least one results record."))


def _read_zip(result: FileResult, name: str, data: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ReadError(_problem(name, f"is not a readable zip archive ({error}).", "Re-create the zip.")) from None
    if len(members) > limits.max_zip_members:
        raise ReadError(_problem(name, f"holds {len(members)} files, more than {limits.max_zip_members}.",
                                 "Zip only the results files."))
    total = 0
    wanted = [info for info in members
              if info.filename.lower().endswith(RESULT_EXTENSIONS) and "__MACOSX" not in info.filename
              and not os.path.basename(info.filename).startswith(".")]
    if not wanted:
        raise ReadError(_problem(name, "holds no .json, .jsonl or .csv files.", "Zip the results folder itself."))
    for info in sorted(wanted, key=lambda member: member.filename):
        member_name = f"{name}/{info.filename}"
        total += info.file_size
        if info.file_size > limits.max_file_bytes or total > limits.max_total_bytes:
            result.problems.append(_problem(member_name, "is over the size limit once unpacked; it was skipped.",
                                            "Split the archive, or raise the limit."))
            continue
        try:
            member_data = archive.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError) as error:
            result.problems.append(_problem(member_name, f"could not be unpacked ({error}).", "Re-create the zip."))
            continue
        inner = read_file(member_name, member_data, limits)
        result.documents.extend(inner.documents)
        result.problems.extend(inner.problems)


def load_files(files: Iterable[tuple[str, bytes]], limits: Limits = Limits()) -> LoadedData:
    """Read every (name, bytes) pair and combine them: the one entry point for uploads, the CLI and tests."""
    results: list[FileResult] = []
    total = 0
    for name, data in files:
        total += len(data)
        if total > limits.max_total_bytes:
            result = FileResult(name=name, size=len(data))
            result.problems.append(_problem(
                name, f"was not read: together the files exceed the {limits.max_total_bytes / MB:.0f} MB total "
                "limit.", "Load fewer files at once, or raise the limit (--max-total-mb)."))
            results.append(result)
            continue
        results.append(read_file(name, data, limits))
    return build_loaded_data(results)


def expand_paths(paths: Sequence[str | os.PathLike]) -> tuple[list[Path], list[Problem]]:
    """Files as given, and result files found below folders (sorted, so the order is stable)."""
    found: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(child for child in path.rglob("*") if child.is_file()
                                and child.suffix.lower() in (*RESULT_EXTENSIONS, ".zip")))
        elif path.is_file():
            found.append(path)
        else:
            problems.append(_problem(str(raw), "does not exist.", "Check the path."))
    return found, problems


def load_paths(paths: Sequence[str | os.PathLike], limits: Limits = Limits()) -> LoadedData:
    """`load_files` over files and folders on disk (CLI, `serve PATH...`)."""
    found, problems = expand_paths(paths)
    pairs = []
    for path in found:
        try:
            size = path.stat().st_size
            if size > limits.max_file_bytes:
                problems.append(_problem(str(path), f"is {size / MB:.1f} MB, over the per-file limit.",
                                         "Raise the limit (--max-file-mb) or split the file."))
                continue
            pairs.append((str(path), path.read_bytes()))
        except OSError as error:
            problems.append(_problem(str(path), f"could not be read ({error.strerror or error}).",
                                     "Check the file's permissions."))
    loaded = load_files(pairs, limits)
    loaded.problems[:0] = problems
    return loaded


__all__ = ["EvalAnalyzerError", "FileResult", "Limits", "LoadedData", "load_files", "load_paths", "read_file"]
