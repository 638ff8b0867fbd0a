"""Offline bundling without a browser: dependency resolution into the lock, cycles, worker and page edits."""

from __future__ import annotations

import pytest
from packaging.requirements import Requirement

from eval_analyzer.site.offline import OfflineError, break_cycles, resolve
from eval_analyzer.site.page import PageError, add_status, patch_worker
from eval_analyzer.site.wheels import read_wheel, write_wheel

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
