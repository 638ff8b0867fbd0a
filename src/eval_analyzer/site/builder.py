"""`eval-analyzer build`: the dashboard as a static Pyodide site (README "Static site").

Steps: build a wheel of this project, write a short entry script, let Panel's own converter (`panel convert
--to pyodide-worker`) turn it into `index.html` + `index.js` with the wheel packed beside them, then add the
loading status line. The page embeds no pre-rendered snapshot of the app (`--skip-embed`): rendering it on the
main thread competed with Pyodide for the CPU (the live app came ~0.4 s later on 2 cores), and it looked
clickable for the 10 s it was not; the status line says what is loading instead. By default the page loads
Pyodide, Bokeh and Panel from the public CDNs, exactly as `panel convert` emits. With `offline=PYODIDE_DIST`
everything is copied next to the page, every URL is made local, and the build fails if any text file still
makes the browser load from another host.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

from eval_analyzer.core.errors import EvalAnalyzerError, UsageError
from eval_analyzer.site import offline as offline_bundle
from eval_analyzer.site.page import add_status, patch_worker
from eval_analyzer.site.pyodide_dist import cache_root
from eval_analyzer.site.urlcheck import scan_site
from eval_analyzer.site.wheels import WheelSource, write_wheel

ENTRY_NAME = "index"  # Panel names its output after the script: index.py -> index.html, index.js
ENTRY = '''"""Entry of the static site; Panel's converter runs it in the browser (Pyodide)."""

import panel as pn

from eval_analyzer.dashboard.app import create_app, serve_in_worker

app = create_app()
serve_in_worker(app)  # servable(), minus the held changes write_doc's snapshot already holds
'''
DATA_FILE = "eval_analyzer/data/demo_results_20250806_1543.json"
# Everything a build writes at the top of the output folder; a rebuild removes exactly these first.
OUTPUTS = (f"{ENTRY_NAME}.html", f"{ENTRY_NAME}.js", f"{ENTRY_NAME}.resources.zip", "favicon.ico",
           offline_bundle.PYODIDE_DIR, offline_bundle.BOKEH_DIR, offline_bundle.PANEL_DIR)


class BuildError(EvalAnalyzerError):
    """The static site could not be built."""


def _project_root() -> Path | None:
    """The source checkout this package runs from, if any (an editable install)."""
    import eval_analyzer

    for folder in Path(eval_analyzer.__file__).resolve().parents:
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and 'name = "eval-analyzer"' in pyproject.read_text(encoding="utf-8"):
            return folder
    return None


def _repack_installed(into: Path) -> Path:
    """A wheel of the installed package's files, for installs without a source checkout."""
    import eval_analyzer

    package = Path(eval_analyzer.__file__).parent
    files = {f"eval_analyzer/{p.relative_to(package).as_posix()}": p.read_bytes() for p in package.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    dist = metadata.distribution("eval-analyzer")
    return write_wheel(into, "eval-analyzer", dist.version, files, requires=tuple(dist.requires or ()),
                       summary=dist.metadata["Summary"] or "")


def build_project_wheel(into: Path) -> Path:
    """A pure wheel of this project, holding the demo data file the dashboard opens on."""
    root = _project_root()
    if root is None:
        wheel = _repack_installed(into)
    else:
        completed = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(into),
                                    str(root)], capture_output=True, text=True)
        if completed.returncode != 0:
            raise BuildError(f"pip wheel {root} failed:\n{completed.stderr.strip()}")
        wheel = next(into.glob("eval_analyzer-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        if DATA_FILE not in archive.namelist():
            raise BuildError(f"{wheel.name} lacks {DATA_FILE}; the site would open without demo data")
    return wheel


def convert(entry: Path, requirements: Path, into: Path) -> None:
    """Run `panel convert` in its own process (it executes the app, which sets global state)."""
    command = [sys.executable, "-m", "panel", "convert", str(entry), "--to", "pyodide-worker",
               "--out", str(into), "--requirements", str(requirements), "--skip-embed"]
    completed = subprocess.run(command, cwd=entry.parent, capture_output=True, text=True)
    if completed.returncode != 0 or not (into / f"{ENTRY_NAME}.html").is_file():
        raise BuildError(f"panel convert failed:\n{completed.stdout.strip()}\n{completed.stderr.strip()}")


def _panel_paths() -> tuple[Path, str, Path]:
    import bokeh
    import panel
    from panel.io.resources import JS_VERSION

    bokeh_js = Path(bokeh.__file__).parent / "server" / "static" / "js"
    return Path(panel.__file__).parent / "dist", JS_VERSION, bokeh_js


def build_site(out: Path | str, offline: Path | str | None = None, wheels: Path | str | None = None,
               *, entry: str = ENTRY, with_project: bool = True) -> list[Path]:
    """Build the site into `out`; return the files written. `offline`: a Pyodide folder to bundle, making the
    site self-contained; `wheels`: a folder of pure wheels to bundle instead of downloading them (offline only).

    `entry` / `with_project` exist for the benchmark's baseline: a minimal Panel page built the same way.
    """
    if wheels is not None and offline is None:
        raise UsageError("--wheels only applies with --offline (the default build loads wheels from the CDNs)")
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="eval-analyzer-site-") as tmp:
        work = Path(tmp)
        wheel = build_project_wheel(work / "dist") if with_project else None
        script = work / f"{ENTRY_NAME}.py"
        script.write_text(entry, encoding="utf-8")
        requirements = work / "requirements.txt"
        requirements.write_text(f"./dist/{wheel.name}\n" if wheel else "", encoding="utf-8")
        site = work / "site"
        site.mkdir()
        convert(script, requirements, site)

        page = site / f"{ENTRY_NAME}.html"
        page.write_text(add_status(page.read_text(encoding="utf-8")), encoding="utf-8")
        panel_dist, panel_version, bokeh_js = _panel_paths()
        # Panel's template links ./favicon.ico, which `panel serve` answers; a static host would send a 404 that
        # shows as an error in every visitor's console.
        shutil.copy2(panel_dist / "images" / "favicon.ico", site / "favicon.ico")
        if offline is None:
            worker = site / f"{ENTRY_NAME}.js"
            worker.write_text(patch_worker(worker.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            source = WheelSource(cache_root(), Path(wheels) if wheels else None)
            offline_bundle.bundle_pyodide(site, Path(offline), wheel, source)
            offline_bundle.bundle_assets(site, bokeh_js, panel_dist, panel_version)
            external = scan_site(site)
            if external:
                listed = "\n".join(f"  {reference}" for reference in external[:30])
                raise BuildError(f"the offline site would load from other hosts ({len(external)} references):\n"
                                 f"{listed}")

        out.mkdir(parents=True, exist_ok=True)
        for name in OUTPUTS:
            previous = out / name
            if previous.is_dir():
                shutil.rmtree(previous)
            elif previous.exists():
                previous.unlink()
        for item in sorted(site.iterdir()):
            shutil.move(str(item), out / item.name)
    return sorted(path for name in OUTPUTS for path in _files(out / name))


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return [p for p in path.rglob("*") if p.is_file()]
    return [path] if path.is_file() else []
