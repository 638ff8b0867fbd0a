"""lm-evaluation-harness results (SPEC §3.5). STUB: to be implemented."""

from __future__ import annotations

from typing import Any

from eval_analyzer.core.document import SourceDocument


def looks_like_lmeval(obj: Any) -> bool:
    return False


def parse_lmeval(obj: dict, file_name: str, where: str = "") -> SourceDocument:
    raise NotImplementedError
