"""Bytes of many files → one `LoadedData` (score table, overall averages, sources, problems).

Per file: size limits, zip expansion, decoding, JSON / JSON Lines / CSV parsing and format detection by content
through the registry in `core/formats/`. Across files (`core/table.py`): byte-identical duplicates are loaded once
and different documents with the same label are renamed ` (2)`, ` (3)`…. A file that cannot be used never stops
the others.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import itertools
import json
import os
import zipfile
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eval_analyzer.core import formats
from eval_analyzer.core.decoding import decode_bytes
from eval_analyzer.core.document import SourceDocument, compress_json
from eval_analyzer.core.errors import EvalAnalyzerError, Problem, ReadError, problem
from eval_analyzer.core.table import LoadedData, build_loaded_data

#: Text files that hold results only when someone pasted lm-eval's printed table into them; inside a folder or
#: zip one without such a table is someone's notes (a README) and is passed over without a problem.
NOTE_EXTENSIONS = (".md", ".txt")
#: Extensions looked at inside folders and zip archives (uploads are detected by content whatever their name).
RESULT_EXTENSIONS = (".json", ".jsonl", ".csv", ".eval", *NOTE_EXTENSIONS)
#: What a folder search and the dashboard's file picker offer: the above and bundles of them.
UPLOAD_EXTENSIONS = (*RESULT_EXTENSIONS, ".zip")
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Size limits: a clear error instead of a hang or an out-of-memory on a huge or hostile upload."""

    max_file_bytes: int = 50 * MB
    max_total_bytes: int = 500 * MB
    #: Per-question logs on disk (`eval_results_*.jsonl`, lm-eval `samples_*.jsonl`) are read line by line,
    #: keeping only ids, values and clipped texts, so they get a limit of their own and do not count towards
    #: `max_total_bytes`. Uploads are bytes in memory and keep `max_file_bytes`.
    max_log_bytes: int = 1024 * MB
    #: A zip may hold a whole station; more members than this is not a results bundle.
    max_zip_members: int = 20_000


@dataclass
class FileResult:
    """What one input file gave: its documents and its problems."""

    name: str
    size: int
    documents: list[SourceDocument] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: A .md/.txt found in a folder that holds no results: not worth a line in the file list.
    passed_over: bool = False


def _fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(name: str, data: bytes, limits: Limits = Limits(), *, in_folder: bool = False) -> FileResult:
    """Read one file's bytes. Never raises: every failure becomes a `Problem` of the result.

    `in_folder`: the file was found in a folder or zip rather than named by the user, so a .md/.txt without
    results is passed over quietly instead of explained.
    """
    result = FileResult(name=name, size=len(data))
    try:
        _read_into(result, name, data, limits, in_folder)
    except ReadError as error:
        result.problems.append(error.problem)
    except RecursionError:
        result.problems.append(problem(name, "file.nested_too_deep"))
    except Exception as error:  # noqa: BLE001 - the safety net that keeps one bad file from stopping the rest
        result.problems.append(problem(name, "file.crashed", kind=type(error).__name__, error=str(error)))
    return result


def _read_into(result: FileResult, name: str, data: bytes, limits: Limits, in_folder: bool) -> None:
    if len(data) > limits.max_file_bytes:
        raise ReadError(problem(name, "file.too_big", size=f"{len(data) / MB:.1f}",
                                limit=f"{limits.max_file_bytes / MB:.0f}"))
    if data[:4] == b"PK\x03\x04":
        _read_zip(result, name, data, limits)
        return
    if not data.strip():
        if in_folder and _is_note(name):
            result.passed_over = True
            return
        raise ReadError(problem(name, "file.empty"))
    text = decode_bytes(data, name)
    fingerprint = _fingerprint(data)
    obj = _json_or_none(text)
    if obj is _NOT_JSON:
        fmt = formats.format_of_text(text, name)
        if fmt is not None:
            for index, doc in enumerate(fmt.read_text(text, name)):
                doc.fingerprint = f"{fingerprint}:{index}:{doc.model}"
                result.documents.append(doc)
            return
        if _is_note(name) and not text.lstrip().startswith("{"):
            if in_folder:
                result.passed_over = True
                return
            raise ReadError(problem(name, "text.no_results_table"))
        if "\n" in text.strip() or text.rstrip().endswith(","):
            _read_jsonl(result, name, _text_lines(text),
                        next((line.strip() for line in _text_lines(text) if line.strip()), ""))
            for doc in result.documents:
                doc.fingerprint = doc.fingerprint or fingerprint
            return
        raise ReadError(_not_a_known_text(name, text))
    for doc in _dispatch(obj, name):
        doc.fingerprint = fingerprint
        if doc.attach_to is None:  # a per-question document's data is in its samples; its JSON is not kept
            doc.original = compress_json(text)
        result.documents.append(doc)


_NOT_JSON = object()


def _is_note(name: str) -> bool:
    return name.lower().endswith(NOTE_EXTENSIONS)


def passed_over(name: str, data: bytes) -> bool:
    """Whether a file found in a folder would be passed over by `read_file(..., in_folder=True)`, for callers that
    keep bytes to read later (the dashboard's preload) and should not keep a folder's READMEs."""
    return _is_note(name) and read_file(name, data, in_folder=True).passed_over


def _json_or_none(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return _NOT_JSON


def _dispatch(obj: object, name: str, where: str = "") -> list[SourceDocument]:
    """The documents of one JSON value, read by the first format of the registry that recognises it."""
    fmt = formats.format_of_json(obj)
    if fmt is None:
        raise ReadError(problem(name, "json.unknown_format", where, formats=formats.titles()))
    return fmt.read(obj, name, where)


#: Line numbers a message names; the counts go on (a 1 GB log must not keep a list of every bad line).
_SHOWN_LINES = 10


class _Lines:
    """The bookkeeping of one JSON Lines file while its records are parsed one at a time.

    `whitespace`: what `str.strip` removes around a str line; a log read from disk passes the ASCII whitespace
    that `bytes.strip` removes, so a line reads the same whether it arrives decoded or as bytes.
    """

    def __init__(self, whitespace: str | None = None) -> None:
        self.bad: list[int] = []
        self.bad_count = 0
        self.commas: list[int] = []
        self.comma_count = 0
        self.whitespace = whitespace

    def parse(self, number: int, line: str | bytes) -> tuple[str | bytes, object]:
        """(JSON text, value) of one line; the value is _BAD for a blank line or one that does not parse (counted
        here). Lines may be str or bytes (which `json.loads` decodes itself, a UTF-8 BOM included)."""
        is_text = line.__class__ is str
        stripped = line.strip(self.whitespace) if is_text else line.strip()
        if not stripped:
            return stripped, _BAD
        if stripped.endswith("," if is_text else b","):
            stripped = stripped[:-1].rstrip(self.whitespace) if is_text else stripped[:-1].rstrip()
            self.comma_count += 1
            if len(self.commas) < _SHOWN_LINES:
                self.commas.append(number)
        try:
            return stripped, json.loads(stripped)
        except ValueError:  # UnicodeDecodeError included
            value = _after_bom(stripped) if is_text else _BAD
            if value is _BAD:
                self.bad_count += 1
                if len(self.bad) < _SHOWN_LINES:
                    self.bad.append(number)
            return stripped, value

    def records(self, numbered: Iterable[tuple[int, str | bytes]]) -> Iterator[tuple[int, str | bytes, object]]:
        """(line number, JSON text, value) of every (number, line) that parses."""
        for number, line in numbered:
            stripped, value = self.parse(number, line)
            if value is not _BAD:
                yield number, stripped, value

    def values(self, numbered: Iterable[tuple[int, str | bytes]]) -> Iterator[object]:
        """The value of every (number, line) that parses, as `records` gives them; a per-question log's loop.

        A decoded line that is one JSON value from its first character to its last (every line of a well-formed
        log) goes straight to the scanner that `json.loads` ends in: its checks (BOM, surrounding whitespace,
        extra data) cannot change the value of such a line, and skipping them saves a fifth of its parse time.
        Any other line (blank, padded, a trailing comma, a BOM, bytes, bad) goes through `parse` and its rules.
        """
        scan = _SCANNER.scan_once
        parse = self.parse
        for number, line in numbered:
            if line.__class__ is str:
                try:
                    value, end = scan(line, 0)
                except (StopIteration, ValueError):
                    pass
                else:
                    if end == len(line):
                        yield value
                        continue
            value = parse(number, line)[1]
            if value is not _BAD:
                yield value


#: The decoder `json.loads` uses (no hooks), for its scanner.
_SCANNER = json.JSONDecoder()
_BAD = object()


def _after_bom(text: str) -> object:
    """The value of a str line that starts with a BOM, as `json.loads` reads the same line as bytes; else _BAD."""
    if not text.startswith("\ufeff"):
        return _BAD
    try:
        return json.loads(text[1:])
    except ValueError:
        return _BAD


def _text_lines(text: str) -> Iterator[str]:
    """The lines of `text`, one at a time: `splitlines()` would hold a second copy of a big log as a list."""
    start = 0
    length = len(text)
    while start < length:
        end = text.find("\n", start)
        if end < 0:
            end = length
        yield text[start:end]
        start = end + 1


def _read_jsonl(result: FileResult, name: str, lines: Iterable[str | bytes], first_line: str = "",
                stats: _Lines | None = None) -> None:
    """Records of a JSON Lines file. When the first record is a per-question format, the whole file is that
    format's (`read_records`, one document); otherwise every record is dispatched on its own."""
    stats = stats or _Lines()
    numbered = enumerate(lines, start=1)  # shared: the per-question loop goes on where the first record ended
    records = stats.records(numbered)
    first = next(records, None)
    unknown: list[int] = []
    fmt = formats.format_of_json(first[2]) if first is not None else None
    if fmt is not None and fmt.per_question:
        values = itertools.chain([first[2]], stats.values(numbered))
        result.documents.extend(fmt.read_records(values, name))
    elif first is not None:
        _dispatch_records(result, name, itertools.chain([first], records), unknown)
    if stats.bad_count and not result.documents and not result.problems and not unknown:
        raise ReadError(_not_a_known_line(name, first_line))
    if unknown:
        where = f"line {unknown[0]}" if len(unknown) == 1 else f"lines {_line_list(unknown, len(unknown))}"
        result.problems.append(problem(name, "json.unknown_format", where, formats=formats.titles()))
    if stats.bad_count == 1:
        result.problems.append(problem(name, "jsonl.bad_line", f"line {stats.bad[0]}"))
    elif stats.bad_count:
        result.problems.append(problem(name, "jsonl.bad_lines", count=stats.bad_count,
                                       lines=_line_list(stats.bad, stats.bad_count)))
    if stats.comma_count and result.documents:
        result.problems.append(problem(name, "jsonl.trailing_comma", severity="notice", count=stats.comma_count,
                                       lines=_line_list(stats.commas, stats.comma_count)))
    if not result.documents and not result.problems:
        raise ReadError(problem(name, "jsonl.no_records"))


def _dispatch_records(result: FileResult, name: str, records: Iterable[tuple[int, str | bytes, object]],
                      unknown: list[int]) -> None:
    """JSON Lines of results documents: each record is a document of its own."""
    for number, stripped, record in records:
        try:
            docs = _dispatch(record, name, where=f"line {number}")
        except ReadError as error:
            if error.problem.code == "json.unknown_format":
                unknown.append(number)
            else:
                result.problems.append(error.problem)
            continue
        text = stripped.decode("utf-8", "replace") if isinstance(stripped, bytes) else stripped
        for doc in docs:
            doc.fingerprint = _fingerprint(text.encode())
            if doc.attach_to is None:
                doc.original = compress_json(text)
            result.documents.append(doc)


def _not_a_known_text(name: str, text: str) -> Problem:
    """One problem for a whole text file that no format reads: a CSV is told it is not a summary."""
    return _not_a_known_line(name, next((line.strip() for line in _text_lines(text) if line.strip()), ""))


def _not_a_known_line(name: str, first: str) -> Problem:
    if name.lower().endswith((".csv", ".tsv")) or first.count(",") >= 2:
        return problem(name, "csv.not_summary", header=first[:120])
    return problem(name, "text.unknown_format")


def _line_list(numbers: list[int], count: int, shown: int = _SHOWN_LINES) -> str:
    """"3, 5, 8" or "3, 5, 8, … (+12 more)": a message names lines without growing with the file."""
    head = ", ".join(map(str, numbers[:shown]))
    return head if count <= shown else f"{head}, … (+{count - shown})"


def _read_zip(result: FileResult, name: str, data: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ReadError(problem(name, "zip.unreadable", error=str(error))) from None
    if len(members) > limits.max_zip_members:
        raise ReadError(problem(name, "zip.too_many_members", count=len(members), limit=limits.max_zip_members))
    whole = formats.format_of_zip([info.filename for info in members])
    if whole is not None:  # one document in zip form (an Inspect .eval log), not a bundle of files
        for doc in whole.read_zip(archive, name, limits.max_file_bytes, limits.max_total_bytes):
            doc.fingerprint = _fingerprint(data)
            result.documents.append(doc)
        return
    total = 0
    notes = 0  # members passed over as someone's notes: a zip of nothing else holds no results
    wanted = [info for info in members
              if info.filename.lower().endswith(RESULT_EXTENSIONS) and "__MACOSX" not in info.filename
              and not os.path.basename(info.filename).startswith(".")]
    if not wanted:
        raise ReadError(problem(name, "zip.no_results"))
    for info in sorted(wanted, key=lambda member: member.filename):
        member_name = f"{name}/{info.filename}"
        total += info.file_size
        if info.file_size > limits.max_file_bytes or total > limits.max_total_bytes:
            result.problems.append(problem(member_name, "zip.member_too_big"))
            continue
        try:
            member_data = archive.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError) as error:
            result.problems.append(problem(member_name, "zip.member_unreadable", error=str(error)))
            continue
        inner = read_file(member_name, member_data, limits, in_folder=True)
        result.documents.extend(inner.documents)
        result.problems.extend(inner.problems)
        notes += inner.passed_over
    if notes == len(wanted):
        raise ReadError(problem(name, "zip.no_results"))


def load_files(files: Iterable[tuple[str, bytes]], limits: Limits = Limits(),
               in_folder: Container[str] = ()) -> LoadedData:
    """Read every (name, bytes) pair and combine them: the one entry point for uploads, the CLI and tests.

    `in_folder`: names of files found below a folder rather than named one by one (see `read_file`).
    """
    results: list[FileResult] = []
    total = 0
    for name, data in files:
        total += len(data)
        _read_within_total(results, name, data, limits, name in in_folder, total)
    return build_loaded_data(results)


def _read_within_total(results: list[FileResult], name: str, data: bytes, limits: Limits, in_folder: bool,
                       total: int) -> None:
    """Read one file into `results`, unless the load's bytes so far (`total`, this file's included) pass the
    total limit; a note passed over in a folder leaves no entry."""
    if total > limits.max_total_bytes:
        result = FileResult(name=name, size=len(data))
        result.problems.append(problem(name, "load.total_limit", limit=f"{limits.max_total_bytes / MB:.0f}"))
        results.append(result)
        return
    result = read_file(name, data, limits, in_folder=in_folder)
    if not result.passed_over:
        results.append(result)


def expand_paths(paths: Sequence[str | os.PathLike]) -> tuple[list[Path], list[Problem]]:
    """Files as given, and result files found below folders (sorted, so the order is stable)."""
    found: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(child for child in path.rglob("*") if child.is_file()
                                and child.suffix.lower() in UPLOAD_EXTENSIONS))
        elif path.is_file():
            found.append(path)
        else:
            problems.append(problem(str(raw), "file.missing"))
    return found, problems


def _walk(paths: Sequence[str | os.PathLike]) -> tuple[list[tuple[Path, bool]], list[Problem]]:
    """(file, found below a folder) for every file `expand_paths` finds: a folder's README is passed over quietly,
    a file the user named is explained (see `read_file`)."""
    found, problems = expand_paths(paths)
    given = {Path(raw) for raw in paths}
    return [(path, path not in given) for path in found], problems


def load_paths(paths: Sequence[str | os.PathLike], limits: Limits = Limits()) -> LoadedData:
    """`load_files` over files and folders on disk (CLI, notebooks); per-question logs are streamed."""
    found, problems = _walk(paths)
    results: list[FileResult] = []
    streamed: list[tuple[Path, FileResult]] = []
    sizes: Counter[int] = Counter()  # of every file read: a streamed log can only be a copy of one of its size
    zipped = False
    total = 0
    for path, in_folder in found:
        name = str(path)
        try:
            size = path.stat().st_size
            fmt = _sniff_per_question(path) if (path.suffix.lower() == ".jsonl"
                                                 or size > limits.max_file_bytes) else None
            limit = limits.max_log_bytes if fmt is not None else limits.max_file_bytes
            if size > limit:
                problems.append(problem(name, "file.too_big", size=f"{size / MB:.1f}", limit=f"{limit / MB:.0f}"))
                continue
            if fmt is not None:
                result = _stream_file(path, size)
                streamed.append((path, result))
                results.append(result)
                sizes[size] += 1
                continue
            data = path.read_bytes()
        except OSError as error:
            problems.append(problem(name, "file.unreadable", error=str(error.strerror or error)))
            continue
        sizes[len(data)] += 1
        zipped = zipped or data[:4] == b"PK\x03\x04"
        total += len(data)
        _read_within_total(results, name, data, limits, in_folder, total)
        del data
    _fingerprint_logs(streamed, sizes, zipped)
    loaded = build_loaded_data(results)
    loaded.problems[:0] = problems
    return loaded


def relative_names(paths: Sequence[str | os.PathLike], found: Sequence[Path]) -> dict[Path, str]:
    """Names of `found` (from `expand_paths(paths)`) that say no more about the machine than the user gave:
    a file below a given folder is `folder/its/path/below` (the folder's own name, then the path inside it), a
    file given by itself is `parent/file` — one folder kept, since some formats read the folder (an OpenCompass
    station's `<dataset>/<model>.json`, an lm-eval model folder). Names that would collide get more of their
    path, never the absolute path's root."""
    roots = [Path(raw) for raw in paths if Path(raw).is_dir()]
    names: dict[Path, str] = {}
    for path in dict.fromkeys(found):
        root = next((root for root in roots if path.is_relative_to(root)), None)
        if root is not None:
            base = root.resolve().name
            inner = path.relative_to(root).as_posix()
            names[path] = f"{base}/{inner}" if base else inner
        else:
            parent = path.resolve().parent.name
            names[path] = f"{parent}/{path.name}" if parent else path.name
    parts = {path: path.resolve().parts[1:] for path in names}  # without the root ("/" or "C:\\")
    depth = {path: name.count("/") + 1 for path, name in names.items()}
    while True:
        counts = Counter(names.values())
        clashing = [path for path, name in names.items() if counts[name] > 1 and depth[path] < len(parts[path])]
        if not clashing:
            return names
        for path in clashing:
            depth[path] += 1
            names[path] = "/".join(parts[path][-depth[path]:])


def file_pairs(paths: Sequence[str | os.PathLike], limits: Limits = Limits(), relative: bool = False
               ) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """The (name, bytes) pairs `load_paths` would read, for callers that keep bytes and read them later with
    `load_files` (the dashboard: each session builds its own state from the same preloaded bytes), and the
    problems of what could not be kept. The same files, limits and pass-over rule as `load_paths`; only the
    per-question logs are not streamed, since the dashboard holds every file in memory as an upload does.

    `relative`: name the pairs by `relative_names`, for a server whose browser users must not see the server's
    absolute paths (the problems keep the paths as given: they are for the server's own console)."""
    found, problems = _walk(paths)
    shown = relative_names(paths, [path for path, _in_folder in found]) if relative else {}
    pairs: list[tuple[str, bytes]] = []
    total = 0
    for path, in_folder in found:
        name = str(path)
        try:
            size = path.stat().st_size
            if size > limits.max_file_bytes:
                problems.append(problem(name, "file.too_big", size=f"{size / MB:.1f}",
                                        limit=f"{limits.max_file_bytes / MB:.0f}"))
                continue
            data = path.read_bytes()
        except OSError as error:
            problems.append(problem(name, "file.unreadable", error=str(error.strerror or error)))
            continue
        if in_folder and passed_over(name, data):
            continue
        total += len(data)
        if total > limits.max_total_bytes:
            problems.append(problem(name, "load.total_limit", limit=f"{limits.max_total_bytes / MB:.0f}"))
            continue
        pairs.append((shown.get(path, name), data))
    return pairs, problems


#: How much of a file's first line the per-question sniff reads; a longer first record is read the usual way.
_SNIFF_BYTES = 16 * MB


def _sniff_per_question(path: Path) -> formats.Format | None:
    """The per-question format of a file whose first record is one, else None (read the file the usual way)."""
    try:
        with open(path, "rb") as handle:
            for _attempt in range(20):
                line = handle.readline(_SNIFF_BYTES).strip()
                if line:
                    break
            else:
                return None
        line = line.removeprefix(b"\xef\xbb\xbf").removesuffix(b",")
        fmt = formats.format_of_json(json.loads(line))
    except (OSError, ValueError, RecursionError):
        return None
    return fmt if fmt is not None and fmt.per_question else None


#: How much of a log is read at a time: big enough that the per-read cost vanishes, small enough that the
#: bytes, their decoded text and its lines stay a small fraction of what the log's columns take.
_CHUNK_BYTES = 256 * 1024
#: The whitespace `bytes.strip` removes (str.strip would also remove Unicode spaces).
_ASCII_WHITESPACE = " \t\n\r\x0b\x0c"


def _log_lines(handle: io.BufferedIOBase) -> Iterator[str | bytes]:
    """The lines of a binary file without their "\n".

    A chunk's whole lines are decoded in one call and split as text, so `json.loads` gets str and neither
    detects the encoding nor decodes line by line (the costs of parsing bytes). A line cut by a chunk boundary,
    the file's first line (which may start with a BOM) and the lines of a chunk that is not UTF-8 are given as
    bytes, exactly as `for line in handle` gives them, and `json.loads` reads them as before.
    """
    pending: list[bytes | memoryview] = []  # the start of a line that a chunk boundary cut
    decode = codecs.utf_8_decode
    while chunk := handle.read(_CHUNK_BYTES):
        first = chunk.find(b"\n")
        if first < 0:
            pending.append(chunk)
            continue
        view = memoryview(chunk)
        pending.append(view[:first])
        yield b"".join(pending)
        last = chunk.rfind(b"\n")
        if last > first:
            block = view[first + 1:last]
            try:
                # surrogatepass: what json.loads decodes bytes with, so a decoded block parses the same
                text = decode(block, "surrogatepass", True)[0]
            except UnicodeDecodeError:
                yield from bytes(block).split(b"\n")
            else:
                yield from text.split("\n")
        pending = [view[last + 1:]] if last + 1 < len(chunk) else []
    if pending:
        yield b"".join(pending)


def _stream_file(path: Path, size: int) -> FileResult:
    """Read a per-question log chunk by chunk: only the reader's columnar values stay in memory. Its documents
    get their fingerprint afterwards (`_fingerprint_logs`)."""
    name = str(path)
    result = FileResult(name=name, size=size)
    try:
        with open(path, "rb") as handle:
            _read_jsonl(result, name, _log_lines(handle), stats=_Lines(_ASCII_WHITESPACE))
    except ReadError as error:
        result.problems.append(error.problem)
    except OSError as error:
        result.problems.append(problem(name, "file.unreadable", error=str(error.strerror or error)))
    except Exception as error:  # noqa: BLE001 - the same safety net as read_file
        result.problems.append(problem(name, "file.crashed", kind=type(error).__name__, error=str(error)))
    return result


def _fingerprint_logs(streamed: list[tuple[Path, FileResult]], sizes: Counter[int], zipped: bool) -> None:
    """Fingerprints for the streamed logs' documents, which exist to drop byte-identical files.

    Byte-identical files have the same size, so a log whose size no other file of this load has cannot be a
    duplicate, and hashing it (a fifth of the time of parsing it) is skipped: it gets a fingerprint no other
    file can have. A log that shares its size, or any log when a zip was read (its members' sizes are not
    counted), is hashed: its sha256, as `read_file` fingerprints bytes, so an uploaded copy matches too.
    """
    for path, result in streamed:
        fingerprint = f"{result.size} bytes, no other file of that size: {result.name}"
        if zipped or sizes[result.size] > 1:
            try:
                with open(path, "rb") as handle:
                    fingerprint = hashlib.file_digest(handle, "sha256").hexdigest()
            except OSError:
                pass  # gone since it was read: nothing left to be a duplicate of
        for doc in result.documents:
            doc.fingerprint = doc.fingerprint or fingerprint


__all__ = ["EvalAnalyzerError", "FileResult", "Limits", "LoadedData", "file_pairs", "load_files", "load_paths",
           "read_file"]
