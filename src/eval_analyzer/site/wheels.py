"""Pure-Python wheels for the offline site: read their metadata, fetch them with pip, make the few PyPI lacks.

Pyodide installs any `py3-none-any` wheel. Three dependencies have none on PyPI:
- markupsafe and pyyaml ship optional C speed-ups next to pure-Python fallbacks, so a wheel holding only the
  sdist's Python files works (they detect the missing extension and fall back);
- nh3 is Rust only. Panel imports it lazily, for `sanitize_html` alone, so the site gets a placeholder whose
  `clean()` escapes everything. The project never relies on nh3: it escapes user-controlled text itself.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from importlib import metadata
from pathlib import Path, PurePosixPath

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
from packaging.version import Version

from eval_analyzer.core.errors import EvalAnalyzerError

# The environment the page runs in (Pyodide 0.27, Python 3.12), for evaluating `Requires-Dist` markers.
PYODIDE_MARKERS = {
    "sys_platform": "emscripten", "platform_system": "Emscripten", "platform_machine": "wasm32",
    "os_name": "posix", "implementation_name": "cpython", "platform_python_implementation": "CPython",
    "python_version": "3.12", "python_full_version": "3.12.7", "implementation_version": "3.12.7",
    "platform_release": "", "platform_version": "", "extra": "",
}
# pip's options for "a wheel that any Python 3.12 can install": no compiled code, no ABI.
PURE_WHEEL_OPTIONS = ["--only-binary=:all:", "--python-version", "3.12", "--platform", "any",
                      "--implementation", "py", "--abi", "none"]
# Packages built from their sdist's Python files: name -> (pinned version, import package inside the sdist).
FROM_SDIST = {"markupsafe": ("3.0.3", "markupsafe"), "pyyaml": ("6.0.3", "yaml")}
NH3_PLACEHOLDER_VERSION = "0.0.0+placeholder"
NH3_PLACEHOLDER = '''"""Placeholder for nh3 in the offline Pyodide site (nh3 is Rust-only; no WebAssembly build exists).

Panel imports nh3 only inside `sanitize_html`. Rather than passing HTML through unsanitised, `clean` escapes all
of it, so a caller that relied on sanitising gets inert text, never live markup.
"""

import html


def clean(text, *args, **kwargs):
    return html.escape(str(text))


def is_html(text):
    return False
'''


class WheelError(EvalAnalyzerError):
    """A wheel the site needs could not be found, fetched or read."""


@dataclass(frozen=True)
class WheelInfo:
    """What `pyodide-lock.json` needs to know about one wheel."""

    path: Path
    name: str  # canonical
    version: str
    requires: tuple[Requirement, ...]  # markers already evaluated for Pyodide; extras dropped
    imports: tuple[str, ...]


def pyodide_requirements(requires_dist: list[str]) -> tuple[Requirement, ...]:
    """The requirements that apply in Pyodide: markers evaluated for emscripten / Python 3.12, no extras."""
    kept = []
    for line in requires_dist:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate(PYODIDE_MARKERS):
            continue
        requirement.marker = None
        requirement.extras = set()
        kept.append(requirement)
    return tuple(kept)


def _top_level_modules(names: list[str]) -> list[str]:
    """Importable top-level names of a wheel without `top_level.txt`: its folders and modules holding Python."""
    tops = set()
    for name in names:
        parts = PurePosixPath(name).parts
        if parts[0].endswith((".dist-info", ".data")) or not name.endswith(".py"):
            continue
        tops.add(parts[0].removesuffix(".py"))
    return sorted(tops)


def read_wheel(path: Path) -> WheelInfo:
    name, version, _build, _tags = parse_wheel_filename(path.name)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        dist_info = next((n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA")), None)
        if dist_info is None:
            raise WheelError(f"{path.name}: no .dist-info/METADATA")
        headers = HeaderParser().parsestr(archive.read(f"{dist_info}/METADATA").decode("utf-8"))
        top_level = f"{dist_info}/top_level.txt"
        if top_level in names:
            imports = [line.strip() for line in archive.read(top_level).decode().splitlines() if line.strip()]
        else:
            imports = _top_level_modules(names)
    requires = pyodide_requirements(headers.get_all("Requires-Dist") or [])
    return WheelInfo(path=path, name=canonicalize_name(name), version=str(version), requires=requires,
                     imports=tuple(imports))


def _record_line(name: str, data: bytes) -> list[str]:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return [name, f"sha256={digest}", str(len(data))]


def write_wheel(directory: Path, name: str, version: str, files: dict[str, bytes],
                requires: tuple[str, ...] = (), summary: str = "") -> Path:
    """Write a minimal valid `py3-none-any` wheel holding `files` (archive path -> bytes)."""
    stem = f"{canonicalize_name(name).replace('-', '_')}-{version}"
    dist_info = f"{stem}.dist-info"
    meta = [f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {summary}\n"]
    meta += [f"Requires-Dist: {requirement}\n" for requirement in requires]
    top_level = sorted({PurePosixPath(path).parts[0].removesuffix(".py") for path in files})
    contents = dict(files)
    contents[f"{dist_info}/METADATA"] = "".join(meta).encode()
    contents[f"{dist_info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: eval-analyzer\nRoot-Is-Purelib: true\n"
                                      b"Tag: py3-none-any\n")
    contents[f"{dist_info}/top_level.txt"] = ("\n".join(top_level) + "\n").encode()
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for path, data in contents.items():
        writer.writerow(_record_line(path, data))
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    contents[f"{dist_info}/RECORD"] = record.getvalue().encode()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in contents.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return target


def pure_wheel_from_sdist(sdist: Path, import_name: str, directory: Path) -> Path:
    """A wheel of the sdist's Python files under its `import_name` package (C sources left out)."""
    name, version = parse_sdist_filename(sdist.name)
    files: dict[str, bytes] = {}
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            parts = PurePosixPath(member.name).parts
            if not member.isfile() or import_name not in parts:
                continue
            inner = parts[parts.index(import_name):]
            if inner[-1].endswith((".py", ".pyi")) or inner[-1] == "py.typed":
                files["/".join(inner)] = archive.extractfile(member).read()
    if f"{import_name}/__init__.py" not in files:
        raise WheelError(f"{sdist.name}: no {import_name}/__init__.py")
    return write_wheel(directory, name, str(version), files, summary=f"{name}: pure-Python files of the sdist")


def nh3_placeholder(directory: Path) -> Path:
    return write_wheel(directory, "nh3", NH3_PLACEHOLDER_VERSION, {"nh3/__init__.py": NH3_PLACEHOLDER.encode()},
                       summary="placeholder: escapes instead of sanitising (see eval_analyzer.site.wheels)")


def _pip_download(args: list[str], into: Path) -> None:
    into.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(into), *args]
    print("  pip download", " ".join(args), flush=True)
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        raise WheelError(f"pip download {' '.join(args)} failed:\n{completed.stderr.strip()}")


def _find(folder: Path | None, name: str, version: str | None, suffix: str) -> Path | None:
    if folder is None or not folder.is_dir():
        return None
    best: tuple[Version, Path] | None = None
    for path in folder.glob(f"*{suffix}"):
        try:
            if suffix == ".whl":
                found_name, found_version, _build, tags = parse_wheel_filename(path.name)
                if not any(tag.abi == "none" and tag.platform == "any" for tag in tags):
                    continue
            else:
                found_name, found_version = parse_sdist_filename(path.name)
        except ValueError:
            continue
        if canonicalize_name(found_name) != name or (version and found_version != Version(version)):
            continue
        if best is None or found_version > best[0]:
            best = (found_version, path)
    return best[1] if best else None


def installed_version(name: str) -> str | None:
    """The version installed here: the site runs the same versions the build pre-rendered with."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


class WheelSource:
    """Finds pure wheels: first in a user folder (`--wheels`), then in the cache, else downloads with pip."""

    def __init__(self, cache: Path, wheels_dir: Path | None = None):
        self.cache = cache
        self.wheels_dir = wheels_dir

    def get(self, name: str) -> WheelInfo:
        name = canonicalize_name(name)
        if name in FROM_SDIST:
            version, import_name = FROM_SDIST[name]
        elif name == "nh3":
            version, import_name = NH3_PLACEHOLDER_VERSION, None
        else:
            version, import_name = installed_version(name), None
        found = _find(self.wheels_dir, name, version, ".whl") or _find(self.cache / "wheels", name, version, ".whl")
        if found is None:
            found = self._make(name, version, import_name)
        return read_wheel(found)

    def _make(self, name: str, version: str | None, import_name: str | None) -> Path:
        wheels = self.cache / "wheels"
        spec = f"{name}=={version}" if version else name
        if name == "nh3":
            return nh3_placeholder(wheels)
        if import_name is not None:
            sdists = self.cache / "sdists"
            sdist = _find(sdists, name, version, ".tar.gz")
            if sdist is None:
                _pip_download(["--no-binary=:all:", spec], sdists)
                sdist = _find(sdists, name, version, ".tar.gz")
            if sdist is None:
                raise WheelError(f"pip saved no sdist for {spec} in {sdists}")
            return pure_wheel_from_sdist(sdist, import_name, wheels)
        _pip_download([*PURE_WHEEL_OPTIONS, spec], wheels)
        found = _find(wheels, name, version, ".whl")
        if found is None:
            raise WheelError(f"no pure (py3-none-any) wheel of {spec} after pip download into {wheels}")
        return found
