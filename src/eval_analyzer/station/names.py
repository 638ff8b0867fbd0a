"""The reversible escape that turns dataset and model names into safe folder and file names.

Names come from result files, i.e. from anyone who can publish: `../../etc`, `CON`, a newline or 300 CJK
characters must all become one harmless path component on Linux, macOS and Windows shares alike.
Rules: ASCII letters, digits, `_`, `-` and inner `.` stay; every other character is percent-encoded as its UTF-8
bytes (`%2F`); a leading or trailing `.` is encoded (no `.`, `..`, hidden or Windows-trimmed names); a Windows
device name (`CON`, `com1.txt`…) gets its first character encoded; the empty name is `%`. Because `%` itself is
always encoded, `unescape_name(escape_name(s)) == s` for every string.

A name whose escape is longer than `MAX_NAME_CHARS` is cut and ends with `~` and a hash of the whole name
(`~` is never produced by the escape, so it marks such names). Those names are not reversible from the path; the
original names are read from inside the file (Twinkle `config.model.name`, OpenCompass `cfg`).
"""

from __future__ import annotations

import hashlib
import string

#: Characters kept as they are: portable in file names everywhere and never special to a shell or URL.
SAFE_CHARS = frozenset(string.ascii_letters + string.digits + "_-.")
#: Longest escaped name. Filesystems allow 255 bytes per component (eCryptfs about 143); this leaves room for
#: `.json` and keeps paths on Windows shares short.
MAX_NAME_CHARS = 120
#: Marks a shortened name; followed by this many hex digits of the name's SHA-256.
HASH_MARK = "~"
HASH_CHARS = 16
#: The escape of the empty name: a lone `%` cannot come from encoding anything else.
EMPTY_NAME = "%"
#: Device names Windows reserves in every folder, with any extension.
WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{digit}" for digit in range(10)} | {f"LPT{digit}" for digit in range(10)}
)


def _encode_char(char: str) -> str:
    # surrogatepass: a lone surrogate (possible in JSON text) still round-trips instead of raising.
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))


def _full_escape(name: str) -> str:
    last = len(name) - 1
    parts = [
        char if char in SAFE_CHARS and not (char == "." and index in (0, last)) else _encode_char(char)
        for index, char in enumerate(name)
    ]
    escaped = "".join(parts)
    if escaped.split(".", 1)[0].upper() in WINDOWS_RESERVED:
        escaped = _encode_char(escaped[0]) + escaped[1:]
    return escaped


def escape_name(name: str) -> str:
    """One safe, bounded path component for `name` (see the module docstring for the rules)."""
    if name == "":
        return EMPTY_NAME
    escaped = _full_escape(name)
    if len(escaped) <= MAX_NAME_CHARS:
        return escaped
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]
    head = escaped[: MAX_NAME_CHARS - HASH_CHARS - len(HASH_MARK)]
    percent = head.rfind("%", len(head) - 2)
    if percent != -1:  # never cut a %XX in two
        head = head[:percent]
    return f"{head}{HASH_MARK}{digest}"


def is_shortened(component: str) -> bool:
    return HASH_MARK in component


def unescape_name(component: str) -> str | None:
    """The original name of an escaped component; None for a shortened one (its name is inside the file).

    A component that is not a valid escape (a file OpenCompass wrote with its raw names) is returned as is.
    """
    if component == EMPTY_NAME:
        return ""
    if is_shortened(component):
        return None
    data = bytearray()
    index = 0
    while index < len(component):
        char = component[index]
        if char == "%":
            hex_digits = component[index + 1: index + 3]
            if len(hex_digits) != 2 or not all(digit in string.hexdigits for digit in hex_digits):
                return component
            data.append(int(hex_digits, 16))
            index += 3
        else:
            data.extend(char.encode("utf-8", "surrogatepass"))
            index += 1
    try:
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return component
