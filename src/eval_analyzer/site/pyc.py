"""Ship the offline site's wheels with bytecode, compiled by the very Pyodide the page runs.

Importing pandas, HoloViews, Panel and Bokeh from source made the worker compile ~3,000 modules on every visit;
with bytecode the app went live ~6 s sooner on 2 cores. Bytecode is specific to the Python version, and this
machine runs 3.11 while the page runs Pyodide's 3.12, so the build runs the distribution's own Pyodide under
Node.js. Each `.py` keeps its source (tracebacks stay readable) and gains an *unchecked-hash* `__pycache__` entry
(PEP 552): Python uses it without comparing timestamps, which a wheel install would not preserve. Results are
cached per input sha256. Without `node` the wheels are copied as they are (the site works, only slower).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

# Runs inside Pyodide: add `__pycache__/<module>.cpython-312.pyc` for every module of every wheel in /io/in.
COMPILE_PY = r'''
import base64, hashlib, importlib.util, os, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

def pyc_path(path):
    head, _, tail = path.rpartition("/")
    name = f"__pycache__/{tail[:-3]}.{sys.implementation.cache_tag}.pyc"
    return f"{head}/{name}" if head else name

def compile_wheel(source, target):
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        present = set(zin.namelist())  # a wheel compiled before (e.g. from --wheels) keeps its bytecode
        record = next((n for n in present if n.endswith(".dist-info/RECORD")), None)
        added = []
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == record:
                continue
            zout.writestr(info, data)
            if not info.filename.endswith(".py") or ".dist-info/" in info.filename or ".data/" in info.filename:
                continue
            if pyc_path(info.filename) in present:
                continue
            try:
                code = compile(data, info.filename, "exec", dont_inherit=True)
            except SyntaxError:
                continue
            pyc = bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False))
            name = pyc_path(info.filename)
            zout.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), pyc)
            digest = base64.urlsafe_b64encode(hashlib.sha256(pyc).digest()).rstrip(b"=").decode()
            added.append(f"{name},sha256={digest},{len(pyc)}\n")
        if record:
            zout.writestr(zin.getinfo(record), zin.read(record).decode() + "".join(added))

for name in sorted(os.listdir("/io/in")):
    compile_wheel(f"/io/in/{name}", f"/io/out/{name}")
'''
RUN_JS = r'''
const path = require("path");
const [dist, io] = process.argv.slice(-2);
const { loadPyodide } = require(path.join(dist, "pyodide.js"));
loadPyodide({ indexURL: dist + "/" }).then((py) => {
  py.FS.mkdirTree("/io");
  py.FS.mount(py.FS.filesystems.NODEFS, { root: io }, "/io");
  py.runPython(require("fs").readFileSync(path.join(io, "compile.py"), "utf8"));
}).catch((error) => { console.error(error); process.exit(1); });
'''
# Compiling every wheel of the site took ~26 s here; a generous bound for a loaded machine.
NODE_TIMEOUT_S = 600


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def precompile(wheels: list[Path], dist: Path, cache: Path) -> dict[Path, Path]:
    """Map each wheel to a copy with bytecode (from `cache`, else compiled now); to itself without node."""
    node = shutil.which("node") or shutil.which("nodejs")
    cached = {wheel: cache / _digest(wheel)[:24] / wheel.name for wheel in wheels}
    missing = [wheel for wheel in wheels if not cached[wheel].is_file()]
    if missing and node is None:
        print("  no node: wheels copied without bytecode (the page compiles on each visit, ~6 s slower)")
        return {wheel: wheel for wheel in wheels}
    if missing:
        print(f"  compiling {len(missing)} wheels to Python 3.12 bytecode with Pyodide under node …", flush=True)
        with tempfile.TemporaryDirectory(prefix="pyc-") as tmp:
            io = Path(tmp)
            (io / "in").mkdir()
            (io / "out").mkdir()
            for wheel in missing:
                shutil.copy2(wheel, io / "in" / wheel.name)
            (io / "compile.py").write_text(COMPILE_PY, encoding="utf-8")
            (io / "run.js").write_text(RUN_JS, encoding="utf-8")
            try:
                subprocess.run([node, str(io / "run.js"), str(dist.resolve()), str(io)], check=True,
                               timeout=NODE_TIMEOUT_S)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
                print(f"  warning: compiling failed ({error}); wheels copied without bytecode")
                return {wheel: wheel for wheel in wheels}
            for wheel in missing:
                cached[wheel].parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(io / "out" / wheel.name), cached[wheel])
    return cached
