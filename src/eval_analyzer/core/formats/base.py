"""What every result format provides to the rest of the project: the `Format` interface.

The loader asks the registry (`core/formats/__init__.py`) which format a file is, then lets that format read
it; the station asks the same format how to publish what was read. Nothing outside a format's module knows its
keys, so adding a format is one module plus one line in the registry (see docs/architecture.md).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from eval_analyzer.core.document import SourceDocument
from eval_analyzer.core.errors import Problem


@dataclass(frozen=True)
class Payload:
    """The bytes of one station entry, or why the document part cannot be published (`data` is None)."""

    dataset: str
    model: str
    data: bytes | None
    problem: str = ""


class Format:
    """One result format. Override what the format has; the defaults say "not this format"."""

    #: The value of the score table's `format` column.
    name: str = ""
    #: How messages name the format.
    title: str = ""

    def detect(self, obj: Any) -> bool:
        """Whether a parsed JSON value (a whole file, or one JSON Lines record) is this format."""
        return False

    def read(self, obj: Any, file_name: str, where: str = "") -> list[SourceDocument]:
        """The documents of one detected JSON value; raises `ReadError` when nothing of it can be used.

        A kind the project recognises but does not use returns no documents: quietly (an index file written
        beside the logs), or raising the one `ReadError` that says what the file is and what to upload instead.
        """
        raise NotImplementedError

    def detect_text(self, text: str, file_name: str) -> bool:
        """Whether a text that is not JSON (a CSV, a Markdown table) is this format."""
        return False

    def read_text(self, text: str, file_name: str) -> list[SourceDocument]:
        raise NotImplementedError

    def detect_zip(self, names: list[str]) -> bool:
        """Whether a zip archive, by its member names, is one document of this format (an Inspect `.eval` log)
        rather than a bundle of result files, which the loader would read member by member."""
        return False

    def read_zip(self, archive: zipfile.ZipFile, file_name: str, max_member_bytes: int,
                 max_total_bytes: int) -> list[SourceDocument]:
        """The documents of a detected archive; `max_*_bytes` are the loader's limits on unpacked sizes."""
        raise NotImplementedError

    # -- per-question logs ---------------------------------------------------------------------------------------
    #: A per-question format reads a whole JSON Lines file (`read_records`), streamed from disk when it is big,
    #: and its documents set `attach_to`; the linker (`core/link.py`) then calls `companion_keys`, `attach` and
    #: `standalone`.
    per_question: bool = False

    def read_records(self, records: Iterable[Any], file_name: str) -> list[SourceDocument]:
        """The documents of a JSON Lines file whose first record `detect` recognised. `records` yields each
        parsed line once (the loader reports unparsable lines), so the reader keeps only what it needs."""
        raise NotImplementedError

    def companion_keys(self, doc: SourceDocument) -> list[tuple]:
        """The `attach_to` keys under which a (results) document of any format takes this format's data."""
        return []

    def attach(self, docs: list[SourceDocument], target: SourceDocument) -> list[Problem]:
        """Merge the per-question data of `docs` (all with one key) into `target`; the problems found."""
        raise NotImplementedError

    def standalone(self, docs: list[SourceDocument]) -> SourceDocument:
        """One source made of `docs` (all with one key) when no results document was loaded for them."""
        raise NotImplementedError

    # -- the station -------------------------------------------------------------------------------------------
    def station_entries(self, doc: SourceDocument) -> list[Payload] | None:
        """The station files of one document, or None when the station cannot hold this format."""
        return None

    def station_names(self, doc: SourceDocument, path: str) -> tuple[str, str] | None:
        """(dataset, model) a station file of this format names inside itself."""
        return None

