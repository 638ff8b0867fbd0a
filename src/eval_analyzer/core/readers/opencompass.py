"""OpenCompass data-station files (SPEC §3.3). STUB: to be implemented."""

from __future__ import annotations

from typing import Any

from eval_analyzer.core.document import SourceDocument


def looks_like_station(obj: Any) -> bool:
    return False


def parse_station(obj: dict, file_name: str, where: str = "") -> SourceDocument:
    raise NotImplementedError
