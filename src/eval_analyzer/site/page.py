"""Edits to the page and worker that `panel convert` writes, shared by the CDN and the offline build.

Panel's page shows a spinner and, when anything fails (a script that does not load, a worker error, a failed
package install, a Python exception at start), keeps spinning forever. We add a visible status line that says
what is happening ("Loading Python runtime…", "Installing packages…", "Starting app…") and, on failure, what
failed. The worker's own status messages drive it; the worker is patched so that every failure reaches the page.
"""

from __future__ import annotations

import re
from importlib import resources

from eval_analyzer.core.errors import EvalAnalyzerError

# Where Panel's handler creates the worker; the status script attaches to it in the same task, so no message
# or error event can arrive before the listeners exist.
_WORKER_CREATED = re.compile(r"(const pyodideWorker = new Worker\([^)]*\);?)")
_START_CALL = re.compile(r"^startApplication\(\)\s*;?\s*$", re.MULTILINE)
_LOAD_PYODIDE = "self.pyodide = await loadPyodide();"
_INSTALL_ERROR = "msg: `Error while installing packages`"

# Python run right after Pyodide loads, before micropip installs Panel.
# - PANEL_CDN_ROOT (offline only): Panel's setting for where its CSS/JS live; the document Python builds in the
#   worker links these, and no file rewrite can reach them.
# - pyodide.ffi.jsnull: Panel 1.9 uses it (added in Pyodide 0.28). On older Pyodide a JS null already arrives as
#   None, so a sentinel that never matches anything is the faithful stand-in. Defined only when absent.
WORKER_SETUP = """
import os
import pyodide.ffi
if '_ea_panel_cdn_root' in globals():
    os.environ['PANEL_CDN_ROOT'] = _ea_panel_cdn_root
    del _ea_panel_cdn_root
if not hasattr(pyodide.ffi, 'jsnull'):
    pyodide.ffi.jsnull = type('jsnull', (), {'__repr__': lambda self: 'jsnull'})()
"""


# Prepended to the worker, before Pyodide is imported: a failed fetch (the wasm, the stdlib, the lock, a wheel)
# is reported to the page. Pyodide itself only logs "wasm instantiation failed!" and never settles, and a failed
# package download surfaces, if at all, much later. The page ignores these reports once the app is live (a
# `src=` file that does not load is the app's to report).
WORKER_PROLOGUE = """const eaFetch = self.fetch.bind(self)
self.fetch = async (resource, init) => {
  const url = resource && resource.url ? resource.url : `${resource}`
  let response
  try {
    response = await eaFetch(resource, init)
  } catch (e) {
    self.postMessage({type: 'ea-error', msg: `could not load ${url}: ${e}`})
    throw e
  }
  if (!response.ok) {
    self.postMessage({type: 'ea-error', msg: `could not load ${url}: HTTP ${response.status}`})
  }
  return response
}
"""


class PageError(EvalAnalyzerError):
    """Panel's converted output no longer looks the way this module expects (a Panel upgrade?)."""


def _asset(name: str) -> str:
    return resources.files("eval_analyzer.site").joinpath("assets", name).read_text(encoding="utf-8")


def _replace_once(text: str, old: str, new: str, what: str) -> str:
    if text.count(old) != 1:
        raise PageError(f"expected exactly one {what} in Panel's converted output, found {text.count(old)}")
    return text.replace(old, new)


def add_status(html: str) -> str:
    """Insert the status line (style + script in <head>) and attach it to the worker Panel's page creates."""
    if not _WORKER_CREATED.search(html):
        raise PageError("Panel's page does not create `pyodideWorker` as expected")
    head = f'<style id="ea-status-style">\n{_asset("status.css")}</style>\n<script>\n{_asset("status.js")}</script>\n'
    html = _replace_once(html, "</head>", head + "</head>", "</head>")
    return _WORKER_CREATED.sub(r"\1\n    if (window.eaWatchWorker) { window.eaWatchWorker(pyodideWorker) }", html, count=1)


def patch_worker(js: str, *, offline_pyodide: str | None = None, offline_panel_cdn: str | None = None) -> str:
    """Make failures reach the page, shim `jsnull`, and (offline) point Pyodide and Panel at local folders.

    `offline_pyodide` / `offline_panel_cdn` are folders relative to the worker script, e.g. "pyodide/".
    """
    load = _LOAD_PYODIDE
    if offline_pyodide is not None:
        load = f"self.pyodide = await loadPyodide({{indexURL: new URL('{offline_pyodide}', self.location).href}});"
    if offline_panel_cdn is not None:
        load += (f"\n  self.pyodide.globals.set('_ea_panel_cdn_root', "
                 f"new URL('{offline_panel_cdn}', self.location).href);")
    load += f"\n  self.pyodide.runPython(`{WORKER_SETUP}`);"
    js = _replace_once(js, _LOAD_PYODIDE, load, "loadPyodide() call")
    js = _replace_once(js, _INSTALL_ERROR, _INSTALL_ERROR + ", detail: `${e}`", "package-install error message")
    js = WORKER_PROLOGUE + js
    if len(_START_CALL.findall(js)) != 1:
        raise PageError("expected one top-level startApplication() call in Panel's worker")
    return _START_CALL.sub(
        "startApplication().catch((e) => {\n"
        "  console.error(e)\n"
        "  self.postMessage({type: 'ea-error', msg: `${e && e.message ? e.message : e}`})\n"
        "})\n", js)
