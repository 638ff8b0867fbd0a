"""Bytes → text with the encodings our users' files really come in.

Order: a BOM wins; then UTF-16 when the NUL pattern says so (UTF-16 ASCII is valid UTF-8, so this
check must come before UTF-8); then strict UTF-8; then Big5/CP950, common for Traditional Chinese files saved
on Windows. Every attempt is strict: bytes are never dropped or replaced silently.
"""

from __future__ import annotations

import codecs

from eval_analyzer.core.errors import ReadError, problem

#: Share of NUL bytes at even (or odd) positions above which a BOM-less file is taken as UTF-16 BE (or LE).
#: ASCII-range text in UTF-16 has a NUL in every other byte; 0.3 still accepts text with much CJK.
_UTF16_NUL_SHARE = 0.3
#: How many leading bytes the NUL check looks at: enough to be sure, cheap on a 50 MB file.
_SNIFF_BYTES = 4096


def _utf16_guess(data: bytes) -> str | None:
    head = data[:_SNIFF_BYTES]
    half = len(head) // 2
    if half == 0:
        return None
    even_nuls = head[0::2].count(0) / half
    odd_nuls = head[1::2].count(0) / half
    if odd_nuls >= _UTF16_NUL_SHARE and even_nuls < odd_nuls / 4:
        return "utf-16-le"
    if even_nuls >= _UTF16_NUL_SHARE and odd_nuls < even_nuls / 4:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, file_name: str) -> str:
    """Decode `data` or raise `ReadError` naming `file_name`."""
    boms = (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    )
    attempts: list[str] = []
    for bom, encoding in boms:
        if data.startswith(bom):
            attempts = [encoding]
            data = data[len(bom):]
            break
    else:
        utf16 = _utf16_guess(data)
        attempts = [utf16] if utf16 else ["utf-8", "cp950"]
    for encoding in attempts:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(problem(file_name, "decode.failed", encodings=", ".join(attempts)))
