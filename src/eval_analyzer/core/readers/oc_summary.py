"""OpenCompass summary CSV (SPEC §3.4). STUB: to be implemented."""

from __future__ import annotations

from eval_analyzer.core.document import SourceDocument


def looks_like_summary(text: str) -> bool:
    return False


def parse_summary_csv(text: str, file_name: str) -> list[SourceDocument]:
    raise NotImplementedError
