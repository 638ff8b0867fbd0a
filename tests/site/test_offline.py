"""Offline bundling without a browser: dependency resolution into the lock, cycles, worker and page edits."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

from eval_analyzer.dashboard.lazy_stats import PACKAGES
from eval_analyzer.site import offline
from eval_analyzer.site.offline import (
    BACKGROUND_PACKAGES,
    CORE_FILES,
    OfflineError,
    break_cycles,
    bundle_pyodide,
    resolve,
)
from eval_analyzer.site.page import PageError, add_status, patch_worker
from eval_analyzer.site.urlcheck import scan_site
from eval_analyzer.site.wheels import pyodide_requirements, read_wheel, write_wheel

LOCK = {
    "micropip": {"version": "0.9.0", "depends": ["packaging"]},
    "packaging": {"version": "24.2", "depends": []},
    "numpy": {"version": "2.0.2", "depends": []},
    "pandas": {"version": "2.2.3", "depends": ["numpy"]},
}


class FakeSource:
    """Wheels made on the fly, as `WheelSource.get` would return them."""

    def __init__(self, folder, wheels: dict[str, tuple[str, tuple[str, ...]]]):
        self.folder, self.wheels, self.asked = folder, wheels, []

    def get(self, name):
        self.asked.append(name)
        version, requires = self.wheels[name]
        return read_wheel(write_wheel(self.folder, name, version, {f"{name}/__init__.py": b""}, requires))


def test_resolve_uses_the_lock_first_and_fetches_the_rest(tmp_path):
    source = FakeSource(tmp_path, {"panel": ("1.9.4", ("pandas>=1.2", "param")), "param": ("2.4.2", ())})
    from_lock, added = resolve([Requirement("panel==1.9.4")], LOCK, source)
    assert from_lock == {"micropip", "packaging", "numpy", "pandas"}
    assert sorted(added) == ["panel", "param"]
    assert sorted(source.asked) == ["panel", "param"]  # nothing in the lock is fetched


def test_resolve_refuses_a_version_the_lock_cannot_satisfy(tmp_path):
    source = FakeSource(tmp_path, {"app": ("1.0", ("pandas>=3",))})
    with pytest.raises(OfflineError, match="pandas>=3"):
        resolve([Requirement("app")], LOCK, source)


def test_break_cycles_keeps_every_package_and_drops_one_edge():
    entries = {"panel": {"depends": ["panel-material-ui", "bokeh"]},
               "panel-material-ui": {"depends": ["panel", "bokeh"]}, "bokeh": {"depends": ["numpy"]}}
    dropped = break_cycles(entries)
    assert dropped == [("panel-material-ui", "panel")]
    assert entries["panel"]["depends"] == ["panel-material-ui", "bokeh"]
    assert entries["panel-material-ui"]["depends"] == ["bokeh"]
    assert break_cycles(entries) == []


WORKER = """importScripts("https://cdn.jsdelivr.net/pyodide/v0.29.3/full/pyodide.js");
async function startApplication() {
  self.pyodide = await loadPyodide();
  try {
  } catch(e) {
    self.postMessage({
      type: 'status',
      msg: `Error while installing packages`
    });
  }
}
startApplication()
"""


def test_patch_worker_offline():
    js = patch_worker(WORKER, offline_pyodide="pyodide/", offline_panel_cdn="panel-cdn/")
    assert "loadPyodide({indexURL: new URL('pyodide/', self.location).href})" in js
    assert "_ea_panel_cdn_root', new URL('panel-cdn/', self.location).href" in js
    assert "pyodide.ffi.jsnull" in js and "if not hasattr(pyodide.ffi, 'jsnull')" in js
    assert "detail: `${e}`" in js
    assert "startApplication().catch(" in js and "type: 'ea-error'" in js
    assert js.index("self.fetch = async") < js.index("importScripts(")  # failed downloads reach the page


def test_patch_worker_cdn_keeps_the_cdn():
    js = patch_worker(WORKER)
    assert 'importScripts("https://cdn.jsdelivr.net/pyodide/' in js
    assert "PANEL_CDN_ROOT" in js and "_ea_panel_cdn_root'," not in js  # only set when offline


def test_unexpected_panel_output_is_an_error():
    with pytest.raises(PageError):
        patch_worker(WORKER.replace("await loadPyodide();", "await loadPyodide({});"))
    with pytest.raises(PageError):
        add_status("<html><head></head><body>no worker</body></html>")


def test_add_status_attaches_to_the_worker():
    html = add_status('<html><head></head><body><script>const pyodideWorker = new Worker("./index.js");'
                      "</script></body></html>")
    assert html.index("eaWatchWorker = function") < html.index("window.eaWatchWorker(pyodideWorker)")
    assert 'id="ea-status-style"' in html


# What Pyodide 0.27.7's own pyodide-lock.json says of these packages (file names, dependencies, types).
DIST_LOCK = {
    "micropip": {"version": "0.9.0", "file_name": "micropip-0.9.0-py3-none-any.whl", "depends": ["packaging"]},
    "packaging": {"version": "24.2", "file_name": "packaging-24.2-py3-none-any.whl", "depends": []},
    "numpy": {"version": "2.0.2", "file_name": "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl", "depends": []},
    "pandas": {"version": "2.2.3", "file_name": "pandas-2.2.3-cp312-cp312-pyodide_2024_0_wasm32.whl",
               "depends": ["numpy"]},
    "openblas": {"version": "0.3.26", "file_name": "openblas-0.3.26.zip", "depends": [],
                 "install_dir": "dynlib", "package_type": "shared_library"},
    "scipy": {"version": "1.14.1", "file_name": "scipy-1.14.1-cp312-cp312-pyodide_2024_0_wasm32.whl",
              "depends": ["numpy", "openblas"], "imports": ["scipy"], "package_type": "package"},
    "matplotlib": {"version": "3.8.4", "file_name": "matplotlib-3.8.4-cp312-cp312-pyodide_2024_0_wasm32.whl",
                   "depends": ["numpy"]},
}
PROJECT_WHEEL = "eval_analyzer-0.1.0-py3-none-any.whl"
OFFLINE_WORKER = WORKER.replace("  try {\n", f"  try {{\n    await micropip.install(['emfs:packed_wheels/{PROJECT_WHEEL}']);\n")


def project_requirements() -> list[str]:
    """The `dependencies` of pyproject.toml, as the project wheel's Requires-Dist carries them."""
    pyproject = Path(__file__).parents[2] / "pyproject.toml"
    return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]


def test_scipy_is_a_dependency_everywhere_but_in_pyodide():
    [scipy] = [Requirement(line) for line in project_requirements() if Requirement(line).name == "scipy"]
    assert scipy.specifier.contains("1.11") and not scipy.specifier.contains("1.10")
    assert scipy.marker.evaluate()  # this machine: pip installs it
    assert scipy.marker.evaluate({**default_environment(), "sys_platform": "emscripten"}) is False  # micropip
    assert "scipy" not in {r.name for r in pyodide_requirements(project_requirements())}


@pytest.fixture
def fake_dist(tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    for name in CORE_FILES:
        (dist / name).write_bytes(name.encode())
    packages = {}
    for name, entry in DIST_LOCK.items():
        (dist / entry["file_name"]).write_bytes(f"{name} {entry['version']}".encode())
        packages[name] = {"name": name, "install_dir": "site", "package_type": "package", "imports": [name],
                          "sha256": "0" * 64, **entry}
    lock = {"info": {"version": "0.27.7", "python": "3.12.7"}, "packages": packages}
    (dist / "pyodide-lock.json").write_text(json.dumps(lock), encoding="utf-8")
    return dist


def bundle(tmp_path, dist, monkeypatch) -> tuple[dict, str, list[str]]:
    """bundle_pyodide on a site Panel would write, with the real project's requirements; no Node.js, no pip."""
    monkeypatch.setattr(offline, "precompile", lambda wheels, dist, cache: {})
    monkeypatch.setattr(offline, "slim", lambda wheel, cache: wheel)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.js").write_text(OFFLINE_WORKER, encoding="utf-8")
    wheel = write_wheel(tmp_path / "project", "eval-analyzer", "0.1.0", {"eval_analyzer/__init__.py": b""},
                        tuple(project_requirements()))
    pure = {"panel": ("1.9.4", ()), "holoviews": ("1.22.0", ()), "bokeh": ("3.8.0", ()), "param": ("2.2.0", ())}
    source = FakeSource(tmp_path / "pure", pure)
    source.cache = tmp_path / "cache"
    installed = bundle_pyodide(site, dist, wheel, source)
    lock = json.loads((site / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert scan_site(site) == []  # the lock names files, never another host
    return lock["packages"], (site / "index.js").read_text(encoding="utf-8"), installed


def test_offline_lock_holds_scipy_and_its_dependencies_for_after_the_first_render(tmp_path, fake_dist, monkeypatch):
    packages, worker, installed = bundle(tmp_path, fake_dist, monkeypatch)
    assert {"scipy", "openblas", "numpy"} <= set(packages)
    assert packages["scipy"]["depends"] == ["numpy", "openblas"]
    assert packages["openblas"]["package_type"] == "shared_library"
    for name in ("scipy", "openblas"):
        copied = tmp_path / "site" / "pyodide" / DIST_LOCK[name]["file_name"]
        assert packages[name]["sha256"] == hashlib.sha256(copied.read_bytes()).hexdigest()
    assert "matplotlib" not in packages  # only what the page needs
    assert set(BACKGROUND_PACKAGES) == set(PACKAGES)  # the lock holds what the page loads later
    # ... but the worker's start installs only the project (and what it requires in Pyodide): no scipy.
    assert installed == [f"emfs:packed_wheels/{PROJECT_WHEEL}"]
    assert "scipy" not in worker


def test_a_distribution_without_scipy_is_refused(tmp_path, fake_dist, monkeypatch):
    lock = json.loads((fake_dist / "pyodide-lock.json").read_text(encoding="utf-8"))
    del lock["packages"]["scipy"]
    (fake_dist / "pyodide-lock.json").write_text(json.dumps(lock), encoding="utf-8")
    with pytest.raises(OfflineError, match="no scipy in its pyodide-lock.json"):
        bundle(tmp_path, fake_dist, monkeypatch)
