"""Make a converted page self-contained: Pyodide, wheels, Bokeh and Panel assets next to it, all URLs local.

What the page loads, and from where once this has run (folders relative to index.html):
- `pyodide/`: Pyodide's core files, a `pyodide-lock.json` listing exactly the packages the app needs (the
  distribution's compiled ones plus every pure wheel, each with its sha256, imports and Pyodide-evaluated
  dependencies), and those wheels. Every requirement resolves inside the lock, so micropip never asks PyPI.
  The wheels are slimmed (`slim`) and carry Python 3.12 bytecode (`pyc`), so each visit unzips and compiles less.
  The lock also holds `BACKGROUND_PACKAGES` (scipy and what it needs, e.g. openblas), which the page does not
  install at start but loads after its first render (`dashboard/lazy_stats.py`); Pyodide's `loadPackage` reads
  them from this lock, so they too come from `pyodide/`.
- `bokeh/`: the Bokeh JS bundles of the installed bokeh (the same version the page was rendered with).
- `panel-cdn/<version>/dist/`: the installed Panel's dist files that the page or Panel's CSS reference; the
  worker sets `PANEL_CDN_ROOT` to `panel-cdn/`, so documents built in Python link here too.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

from eval_analyzer.core.errors import EvalAnalyzerError
from eval_analyzer.site.page import patch_worker
from eval_analyzer.site.pyc import precompile
from eval_analyzer.site.slim import slim
from eval_analyzer.site.wheels import WheelInfo, WheelSource, read_wheel

PYODIDE_DIR, BOKEH_DIR, PANEL_DIR = "pyodide", "bokeh", "panel-cdn"
# Pyodide's own files a worker needs (the `.mjs` build, tests and type stubs are not loaded).
CORE_FILES = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
PYODIDE_CDN = re.compile(r"https://cdn\.jsdelivr\.net/pyodide/v[^/\"']+/(?:full|pyc)/")
BOKEH_CDN = re.compile(r"https://cdn\.bokeh\.org/bokeh/release/(bokeh(?:-[a-z]+)?)-[0-9][^\"']*?(\.min)?\.js")
PANEL_CDN = "https://cdn.holoviz.org/panel/"
# Bokeh's CDNProvider loads MathJax from a CDN only when the page lacks Bokeh's own mathjax bundle. The page loads
# that bundle, so this is never requested; pointing it at a local path that does not exist makes sure an offline
# page can never reach a CDN through it (the provider then reports "failed" instead).
BOKEH_CDN_FALLBACKS = {"https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-svg.js": f"{BOKEH_DIR}/mathjax-not-offline.js"}
# Panel dist folders every page may use at runtime (widget CSS, icons, loading spinners) besides what it names.
PANEL_ALWAYS = ("panel.min.js", "css", "assets", "images")
# Developer files in Panel's dist that no page loads.
PANEL_SKIP = ("*.map", "*.ts", "*.scss", "*.less")
# Compiled packages of the distribution's lock that the page loads after its first render, not at start: the
# project's wheel excludes them from its requirements in Pyodide (`sys_platform != 'emscripten'`), so the
# requirements alone would leave them out of the lock. Kept equal to dashboard/lazy_stats.py `PACKAGES`.
BACKGROUND_PACKAGES = ("scipy",)
_INSTALL_LIST = re.compile(r"micropip\.install\(\[(.*?)\]\)", re.DOTALL)
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")


class OfflineError(EvalAnalyzerError):
    """The offline site cannot be assembled (missing file, unresolvable dependency, unexpected Panel output)."""


def _install_list(worker: str) -> tuple[re.Match, list[str]]:
    match = _INSTALL_LIST.search(worker)
    if match is None:
        raise OfflineError("no micropip.install([...]) in Panel's worker script")
    return match, [a or b for a, b in _QUOTED.findall(match.group(1))]


def resolve(roots: list[Requirement], lock_packages: dict, source: WheelSource) -> tuple[set[str], dict]:
    """Names of lock packages and pure wheels (name -> WheelInfo) that satisfy `roots` and their dependencies."""
    from_lock: set[str] = set()
    added: dict[str, WheelInfo] = {}
    queue = [*roots, Requirement("micropip")]
    while queue:
        requirement = queue.pop(0)
        name = canonicalize_name(requirement.name)
        if name not in from_lock and name not in added:
            if name in lock_packages:
                from_lock.add(name)
                queue.extend(Requirement(dep) for dep in lock_packages[name].get("depends", []))
            else:
                added[name] = source.get(name)
                queue.extend(added[name].requires)
        version = lock_packages[name]["version"] if name in from_lock else added[name].version
        if requirement.specifier and not requirement.specifier.contains(Version(version), prereleases=True):
            raise OfflineError(f"{requirement} is required but the site has {name} {version}; micropip would "
                               f"fetch another version from PyPI")
    return from_lock, added


def _lock_entry(info: WheelInfo) -> dict:
    return {
        "name": info.name, "version": info.version, "file_name": info.path.name, "install_dir": "site",
        "package_type": "package", "imports": list(info.imports),
        "depends": sorted({canonicalize_name(r.name) for r in info.requires}), "unvendored_tests": False,
    }


def break_cycles(entries: dict[str, dict]) -> list[tuple[str, str]]:
    """Drop dependency edges that close a cycle (e.g. panel -> panel-material-ui -> panel); return them.

    Pyodide's `loadPackage` loads a package only after its `depends` have loaded, so a cycle waits forever with
    no error. Every package of the cycle is still installed; only the order constraint goes.
    """
    dropped: list[tuple[str, str]] = []
    state: dict[str, str] = {}  # "active" while on the DFS stack, then "done"

    def visit(name: str) -> None:
        state[name] = "active"
        for dep in list(entries[name].get("depends", [])):
            if dep not in entries:
                continue
            if state.get(dep) == "active":
                entries[name]["depends"] = [d for d in entries[name]["depends"] if d != dep]
                dropped.append((name, dep))
            elif dep not in state:
                visit(dep)
        state[name] = "done"

    for name in sorted(entries):
        if name not in state:
            visit(name)
    return dropped


def bundle_pyodide(site: Path, dist: Path, project_wheel: Path | None, source: WheelSource) -> list[str]:
    """Copy Pyodide and the wheels into `site/pyodide/`, write its lock; rewrite the worker's install list.

    Returns the names the worker installs by name (in place of the CDN wheel URLs).
    """
    lock_path = dist / "pyodide-lock.json"
    missing = [name for name in (*CORE_FILES, "pyodide-lock.json") if not (dist / name).is_file()]
    if missing:
        raise OfflineError(f"{dist} is not a Pyodide distribution: missing {', '.join(missing)}")
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    packages = {canonicalize_name(name): entry for name, entry in lock["packages"].items()}

    worker_path = site / "index.js"
    worker = worker_path.read_text(encoding="utf-8")
    match, items = _install_list(worker)
    roots, by_name = [], []
    for item in items:
        if item.startswith("emfs:"):  # the project wheel, packed by Panel next to the page
            if project_wheel is None:
                raise OfflineError(f"the worker installs {item} but no project wheel was built")
            roots.extend(read_wheel(project_wheel).requires)
            by_name.append(item)
        elif item.endswith(".whl"):  # Panel's CDN wheels of panel and bokeh: install the same version by name
            name, version, _build, _tags = parse_wheel_filename(item.rsplit("/", 1)[-1])
            roots.append(Requirement(f"{name}=={version}"))
            by_name.append(f"{canonicalize_name(name)}=={version}")
        else:
            roots.append(Requirement(item))
            by_name.append(item)
    absent = [name for name in BACKGROUND_PACKAGES if canonicalize_name(name) not in packages]
    if absent:
        raise OfflineError(f"{dist} has no {', '.join(absent)} in its pyodide-lock.json; the page loads "
                           f"{'them' if len(absent) > 1 else 'it'} after the first render for statistics")
    from_lock, added = resolve([*roots, *map(Requirement, BACKGROUND_PACKAGES)], packages, source)

    target = site / PYODIDE_DIR
    target.mkdir(parents=True, exist_ok=True)
    for name in CORE_FILES:
        shutil.copy2(dist / name, target / name)
    sources = {name: dist / packages[name]["file_name"] for name in from_lock}
    sources.update({name: slim(info.path, source.cache / "slim") for name, info in added.items()})
    compiled = precompile([path for path in sources.values() if path.suffix == ".whl"], dist, source.cache / "pyc")
    entries = {}
    for name, path in sorted(sources.items()):
        copied = target / path.name
        shutil.copy2(compiled.get(path, path), copied)
        entry = {**packages[name], "file_name": path.name} if name in from_lock else _lock_entry(added[name])
        entry["sha256"] = hashlib.sha256(copied.read_bytes()).hexdigest()
        entries[name] = entry
    break_cycles(entries)
    (target / "pyodide-lock.json").write_text(json.dumps({"info": lock["info"], "packages": entries}, indent=1),
                                              encoding="utf-8")
    install = ", ".join(repr(item) for item in by_name)
    worker = worker[:match.start(1)] + install + worker[match.end(1):]
    worker = PYODIDE_CDN.sub(f"{PYODIDE_DIR}/", worker)
    worker = patch_worker(worker, offline_pyodide=f"{PYODIDE_DIR}/", offline_panel_cdn=f"{PANEL_DIR}/")
    worker_path.write_text(worker, encoding="utf-8")
    return by_name


def _copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*PANEL_SKIP))


def bundle_assets(site: Path, bokeh_js: Path, panel_dist: Path, panel_version: str) -> None:
    """Copy the Bokeh bundles and Panel dist files the page names, and point the page at them."""
    page_path = site / "index.html"
    page = page_path.read_text(encoding="utf-8")
    for bundle in sorted({m.group(1) + (m.group(2) or "") for m in BOKEH_CDN.finditer(page)}):
        source = bokeh_js / f"{bundle}.js"
        if not source.is_file():
            raise OfflineError(f"the page loads {bundle}.js but {bokeh_js} has no such file")
        (site / BOKEH_DIR).mkdir(exist_ok=True)
        text = source.read_text(encoding="utf-8")
        for cdn_url, local in BOKEH_CDN_FALLBACKS.items():
            text = text.replace(cdn_url, local)
        (site / BOKEH_DIR / source.name).write_text(text, encoding="utf-8")
    page = BOKEH_CDN.sub(lambda m: f"{BOKEH_DIR}/{m.group(1)}{m.group(2) or ''}.js", page)
    page = page.replace(PANEL_CDN, f"{PANEL_DIR}/")
    page_path.write_text(page, encoding="utf-8")

    local_dist = site / PANEL_DIR / panel_version / "dist"
    for name in PANEL_ALWAYS:
        source = panel_dist / name
        if source.is_dir():
            _copy_tree(source, local_dist / name)
        else:
            local_dist.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, local_dist / name)
    named = re.findall(rf"{PANEL_DIR}/{re.escape(panel_version)}/dist/([^\"'?#\s)]+)", page)
    for relative in sorted(set(named)):
        source = panel_dist / relative
        if not source.is_file():
            raise OfflineError(f"the page loads {relative} but Panel's dist ({panel_dist}) has no such file")
        parts = Path(relative).parts
        if parts[0] == "bundled":  # a bundled library: copy all of it (its CSS names fonts and images beside it)
            _copy_tree(panel_dist / "bundled" / parts[1], local_dist / "bundled" / parts[1])
        else:
            (local_dist / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, local_dist / relative)
