"""Find references in the offline site that would make the browser load something from another host.

The rule, precisely. A *load reference* is text that makes a browser (page or worker) request a URL:
- an `src`, `href`, `data`, `poster` or `srcset` attribute of a `script`, `link`, `img`, `iframe`, `source`,
  `embed`, `object`, `audio`, `video`, `track`, `image` or `use` element;
- the first argument of `importScripts(`, `fetch(`, `new Worker(`, `import(` and a JS `from "…"` module source
  when it is a string literal; an `indexURL:` / `lockFileURL:` string;
- CSS `url(…)` and `@import`;
- any quoted absolute URL whose path ends in a fetched file type (.js .mjs .css .wasm .whl .zip .json, fonts,
  images): that is how JSON documents (pre-rendered Bokeh stylesheets, `pyodide-lock.json`) and the
  `micropip.install([...])` list name what gets loaded.
A load reference is *external* when it is absolute with a host (`http://`, `https://`, `//`). Relative URLs and
`data:` / `blob:` URLs are local. Everything else, e.g. a licence URL in a comment or an `xmlns`, is not a load
reference, so it does not fail the build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Suffixes of files the browser may read as text (others are wheels, wasm, zips, images).
TEXT_SUFFIXES = (".html", ".htm", ".js", ".mjs", ".cjs", ".css", ".json", ".svg", ".webmanifest")
_Q = "[\"'`]"
_ELEMENTS = "script|link|img|iframe|source|embed|object|audio|video|track|image|use"
_FETCHED_TYPES = r"js|mjs|css|wasm|whl|zip|json|woff2?|ttf|otf|eot|png|jpe?g|gif|svg|ico|data|tar|gz"
RULES: dict[str, re.Pattern[str]] = {
    "attribute": re.compile(
        rf"<(?:{_ELEMENTS})\b[^>]*?\s(?:src|href|data|poster|srcset|xlink:href)\s*=\s*[\"']?([^\"'\s>]+)",
        re.IGNORECASE),
    "js call": re.compile(rf"\b(?:importScripts|fetch|new\s+Worker|import)\s*\(\s*{_Q}([^\"'`]+){_Q}"),
    "js module": re.compile(rf"\bfrom\s*{_Q}((?:https?:)?//[^\"'`]+){_Q}"),
    "pyodide option": re.compile(rf"\b(?:indexURL|lockFileURL)\s*[:=]\s*{_Q}([^\"'`]+){_Q}"),
    "css url": re.compile(r"\burl\(\s*[\"']?([^\"')\s]+)"),
    "css import": re.compile(r"@import\s+[\"']([^\"']+)"),
    "fetched file": re.compile(
        rf"{_Q}((?:https?:)?//[^\"'`\s]+?\.(?:{_FETCHED_TYPES})(?:[?#][^\"'`\s]*)?){_Q}", re.IGNORECASE),
}
_EXTERNAL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)


@dataclass(frozen=True)
class ExternalReference:
    file: Path
    line: int
    rule: str
    url: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.rule}: {self.url}"


def external_references(text: str, file: Path) -> list[ExternalReference]:
    """External load references in `text`, one per (position, URL) even when several rules match it."""
    text = text.replace("\\/", "/")  # JSON may escape slashes; newlines are untouched, so line numbers hold
    found: dict[tuple[int, str], ExternalReference] = {}
    for rule, pattern in RULES.items():
        for match in pattern.finditer(text):
            url = match.group(1)
            if _EXTERNAL.match(url) and (match.start(1), url) not in found:
                line = text.count("\n", 0, match.start(1)) + 1
                found[(match.start(1), url)] = ExternalReference(file, line, rule, url)
    return sorted(found.values(), key=lambda ref: (ref.line, ref.url))


def scan_site(root: Path) -> list[ExternalReference]:
    """Every external load reference in the text files under `root`."""
    found: list[ExternalReference] = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8", errors="replace")
            found.extend(external_references(text, path.relative_to(root)))
    return found
