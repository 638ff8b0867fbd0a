"""The station: a folder of result files laid out `<root>/<dataset>/<model>.json` (OpenCompass's "data station").

Many sessions and processes share one station, so every write is atomic and race-free:
the bytes go to a temp file in the entry's own folder (fsynced), then
- without overwrite: `os.link(temp, final)` — the kernel creates `final` only if it does not exist, so of any
  number of concurrent writers exactly one wins and nobody replaces the winner's file;
- with overwrite: `os.replace(temp, final)` — readers see the old file or the new one, never a mix.
The temp file is removed in every case. Temp names start with `.` and end in `.part`, so nothing that lists the
station (here, or `load_paths` on the folder) ever picks one up.

No Panel here: the CLI, the dashboard and the tests share this module.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from eval_analyzer.core import formats
from eval_analyzer.core.document import SourceDocument
from eval_analyzer.core.errors import EvalAnalyzerError
from eval_analyzer.core.formats.base import Payload
from eval_analyzer.core.loader import MB, Limits, read_file
from eval_analyzer.station.names import escape_name, is_shortened, unescape_name

ENTRY_SUFFIX = ".json"
TEMP_PREFIX = ".tmp-"
TEMP_SUFFIX = ".part"
#: Age after which a temp file is taken for the leftover of a killed writer (a live write takes milliseconds).
STALE_TEMP_SECONDS = 3600
WRITTEN, SKIPPED, REPLACED, FAILED = "written", "skipped", "replaced", "failed"
#: errno values of `os.link` that mean "this filesystem has no hard links" (FAT, some network mounts).
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS})


class StationError(EvalAnalyzerError):
    """The station folder cannot be used (missing, not a folder, unreadable)."""


class StationWriteError(StationError):
    """One entry could not be written; nothing partial was left behind."""


@dataclass(frozen=True)
class Entry:
    """One file of the station. `dataset` / `model` are the original names; `problem` is '' for a usable file."""

    dataset: str
    model: str
    format: str
    size: int
    modified: float
    path: Path
    problem: str = ""

    @property
    def key(self) -> str:
        """`<dataset folder>/<file name>` as on disk: unique within the station."""
        return f"{self.path.parent.name}/{self.path.name}"


@dataclass(frozen=True)
class PublishResult:
    dataset: str
    model: str
    path: Path | None
    status: str
    message: str = ""


def _os_message(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the disk is full (no space left on device)"
    if error.errno == errno.EDQUOT:
        return "the disk quota is exceeded"
    if error.errno in (errno.EACCES, errno.EPERM) or isinstance(error, PermissionError):
        return "permission denied: the server's user cannot write to the station folder"
    if error.errno == errno.EROFS:
        return "the station is on a read-only filesystem"
    return error.strerror or str(error)


class Station:
    """A station folder: list, read and publish entries. Safe to share between threads and processes."""

    def __init__(self, root: str | os.PathLike, create: bool = True, limits: Limits | None = None):
        self.root = Path(root)
        self.limits = limits or Limits()
        #: A read-only server never writes, not even to tidy up (see `_remove_if_stale`).
        self.writable = create
        self._cache: dict[Path, tuple[tuple[int, int, int], Entry]] = {}
        self._cache_lock = threading.Lock()
        if self.root.exists() and not self.root.is_dir():
            raise StationError(f"the station {self.root} is not a folder")
        if create:
            try:
                self.root.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StationError(f"cannot create the station folder {self.root}: {_os_message(error)}") from None

    def __repr__(self) -> str:
        return f"Station({str(self.root)!r})"

    # --- reading ---------------------------------------------------------------------------------------------

    def path_for(self, dataset: str, model: str) -> Path:
        return self.root / escape_name(dataset) / (escape_name(model) + ENTRY_SUFFIX)

    def entries(self) -> list[Entry]:
        """Every `<dataset>/<model>.json` of the station, sorted by dataset then model.

        Files are parsed to detect their format (by content, with the core reader) and their problems; the
        result is cached per (inode, size, mtime), so refreshing a large station re-reads only what changed.
        """
        if not self.root.is_dir():
            return []
        found: list[Entry] = []
        seen: set[Path] = set()
        try:
            folders = sorted(os.scandir(self.root), key=lambda item: item.name)
        except OSError as error:
            raise StationError(f"cannot list the station {self.root}: {_os_message(error)}") from None
        for folder in folders:
            if folder.name.startswith(".") or not folder.is_dir(follow_symlinks=False):
                continue
            try:
                files = sorted(os.scandir(folder.path), key=lambda item: item.name)
            except OSError:
                continue
            for item in files:
                if item.name.startswith(TEMP_PREFIX) and item.name.endswith(TEMP_SUFFIX):
                    self._remove_if_stale(Path(item.path))
                    continue
                if (item.name.startswith(".") or not item.name.lower().endswith(ENTRY_SUFFIX)
                        or not item.is_file(follow_symlinks=False)):
                    continue
                entry = self._entry(Path(item.path))
                if entry is not None:
                    found.append(entry)
                    seen.add(entry.path)
        with self._cache_lock:
            for path in [path for path in self._cache if path not in seen]:
                del self._cache[path]
        return sorted(found, key=lambda entry: (entry.dataset.lower(), entry.model.lower(), entry.key))

    def _remove_if_stale(self, path: Path) -> None:
        """A temp file is normally gone within milliseconds; an old one is what a killed writer left behind."""
        if not self.writable:
            return
        try:
            if time.time() - path.stat().st_mtime > STALE_TEMP_SECONDS:
                path.unlink()
        except OSError:
            pass  # another session removed it, or we may not: it stays hidden either way

    def _entry(self, path: Path) -> Entry | None:
        try:
            stat = path.stat()
        except OSError:
            return None  # removed or replaced while listing: the next refresh shows the new state
        stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        with self._cache_lock:
            cached = self._cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        entry = self._describe(path, stat)
        with self._cache_lock:
            self._cache[path] = (stamp, entry)
        return entry

    def _describe(self, path: Path, stat: os.stat_result) -> Entry:
        dataset = unescape_name(path.parent.name)
        model = unescape_name(path.name[: -len(ENTRY_SUFFIX)])
        fmt, problem = "unknown", ""
        if stat.st_size > self.limits.max_file_bytes:
            problem = f"is {stat.st_size / MB:.1f} MB, over the per-file limit; not read."
        else:
            try:
                data = path.read_bytes()
            except OSError as error:
                data, problem = b"", f"cannot be read: {_os_message(error)}"
            if not problem:
                fmt, problem, names = _detect(path, data)
                if names is not None and (dataset is None or model is None):
                    dataset = names[0] if dataset is None else dataset
                    model = names[1] if model is None else model
        return Entry(dataset=path.parent.name if dataset is None else dataset,
                     model=path.stem if model is None else model,
                     format=fmt, size=stat.st_size, modified=stat.st_mtime, path=path, problem=problem)

    def read(self, entry: Entry) -> bytes:
        """The bytes of an entry (only paths inside the station)."""
        path = Path(entry.path)
        if path.resolve().parent.parent != self.root.resolve():
            raise StationError(f"{path} is not an entry of the station {self.root}")
        try:
            return path.read_bytes()
        except OSError as error:
            raise StationError(f"cannot read {entry.key}: {_os_message(error)}") from None

    # --- writing ---------------------------------------------------------------------------------------------

    def publish(self, documents: Iterable[SourceDocument], overwrite: bool = False) -> list[PublishResult]:
        """Write every (dataset, model) of the documents as its own file. Never raises for one bad entry."""
        results: list[PublishResult] = []
        written_now: set[Path] = set()
        for doc in documents:
            for payload in payloads(doc):
                if payload.data is None:
                    results.append(PublishResult(payload.dataset, payload.model, None, FAILED, payload.problem))
                    continue
                path = self.path_for(payload.dataset, payload.model)
                try:
                    status = self.write_entry(payload.dataset, payload.model, payload.data, overwrite)
                except StationWriteError as error:
                    results.append(PublishResult(payload.dataset, payload.model, path, FAILED, str(error)))
                    continue
                message = {
                    WRITTEN: "published",
                    SKIPPED: "already in the station; not written (choose overwrite to replace it)",
                    REPLACED: "replaced the existing entry",
                }[status]
                if path in written_now:
                    # The station keeps one file per (dataset, model): two loaded runs of one model share it.
                    message = ("another loaded result of the same dataset and model was "
                               + ("published just before" if status == SKIPPED else "replaced by this one"))
                written_now.add(path)
                results.append(PublishResult(payload.dataset, payload.model, path, status, message))
        return results

    def write_entry(self, dataset: str, model: str, data: bytes, overwrite: bool = False) -> str:
        """Atomically write one entry; returns WRITTEN, SKIPPED or REPLACED, raises `StationWriteError`."""
        final = self.path_for(dataset, model)
        name = f"{dataset}/{model}"
        temp: str | None = None
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=final.parent)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if overwrite:
                existed = final.exists()
                os.replace(temp, final)
                temp = None
                status = REPLACED if existed else WRITTEN
            else:
                status = _link_if_absent(temp, final)
            _fsync_folder(final.parent)
            return status
        except OSError as error:
            raise StationWriteError(f"could not publish {name} to {final}: {_os_message(error)}; nothing was "
                                    "written.") from None
        finally:
            if temp is not None:
                try:
                    os.unlink(temp)
                except OSError:
                    pass


def _link_if_absent(temp: str, final: Path) -> str:
    """Create `final` from `temp` only if it does not exist; exactly one concurrent caller gets WRITTEN."""
    try:
        os.link(temp, final)
        return WRITTEN
    except FileExistsError:
        return SKIPPED
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:  # EACCES, ENOSPC…: a real failure, reported to the caller
            raise
    # No hard links on this filesystem: claim the name with O_EXCL, then move the complete file over the claim.
    # Readers may see an empty file for that instant, never a partial one.
    try:
        claim = os.open(final, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return SKIPPED
    os.close(claim)
    try:
        os.replace(temp, final)
    except OSError:
        os.unlink(final)
        raise
    return WRITTEN


def payloads(doc: SourceDocument) -> list[Payload]:
    """Every station entry of one document, as its format writes them; one refusal when it has none."""
    fmt = formats.BY_NAME.get(doc.format)
    entries = fmt.station_entries(doc) if fmt is not None else None
    if entries is not None:
        return entries
    title = fmt.title if fmt is not None and fmt.title else f"'{doc.format}'"
    return [Payload("", doc.model, None, f"{doc.source_file}: {title} results cannot be published to the station "
                    "yet; it stores Twinkle Eval and OpenCompass files. The file can still be loaded directly.")]


def _fsync_folder(folder: Path) -> None:
    """Make the new name durable (POSIX); a no-op where folders cannot be opened (Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _detect(path: Path, data: bytes) -> tuple[str, str, tuple[str, str] | None]:
    """(format, problem, names from the content) of one station file, through the formats' registry."""
    result = read_file(f"{path.parent.name}/{path.name}", data)
    names = None
    if result.documents:
        doc = result.documents[0]
        fmt = doc.format
        logical = f"{unescape_name(path.parent.name) or ''}/{unescape_name(path.stem) or ''}.json"
        names = formats.BY_NAME[fmt].station_names(doc, logical)
    else:
        fmt = _format_of(data)
    errors = [problem for problem in result.problems if problem.severity == "error"]
    problem = errors[0].what if errors else ""
    return fmt, problem, names


def _format_of(data: bytes) -> str:
    """The format of a file the reader rejected (e.g. an OpenCompass entry holding `results.error`)."""
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return "unknown"
    fmt = formats.format_of_json(obj)
    return fmt.name if fmt is not None else "unknown"


__all__ = ["Entry", "PublishResult", "Station", "StationError", "StationWriteError", "is_shortened"]
