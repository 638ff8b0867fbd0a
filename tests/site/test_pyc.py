"""Bytecode for the offline site's wheels, compiled by the distribution's own Pyodide (Python 3.12) under node."""

from __future__ import annotations

import shutil
import zipfile

import pytest

from eval_analyzer.site.pyc import precompile
from eval_analyzer.site.pyodide_dist import MARKER, cache_root
from eval_analyzer.site.wheels import write_wheel

DIST = cache_root() / "pyodide-0.27.7"
needs_node_and_pyodide = pytest.mark.skipif(
    shutil.which("node") is None or not (DIST / MARKER).exists(),
    reason="needs node and the pinned Pyodide (make pyodide-dist)")


@needs_node_and_pyodide
def test_wheel_gains_unchecked_hash_pycs_and_is_cached(tmp_path):
    wheel = write_wheel(tmp_path / "in", "demo", "1.0", {"demo/__init__.py": b"X = 1\n", "demo/sub/m.py": b"Y = 2\n"})
    compiled = precompile([wheel], DIST, tmp_path / "cache")[wheel]
    assert compiled != wheel and compiled.name == wheel.name
    with zipfile.ZipFile(compiled) as archive:
        names = set(archive.namelist())
        pyc = archive.read("demo/sub/__pycache__/m.cpython-312.pyc")
        record = archive.read("demo-1.0.dist-info/RECORD").decode()
    assert {"demo/__init__.py", "demo/__pycache__/__init__.cpython-312.pyc"} <= names  # source kept
    assert int.from_bytes(pyc[4:8], "little") == 0b01  # PEP 552: hash-based, source not checked
    assert "demo/sub/__pycache__/m.cpython-312.pyc,sha256=" in record
    assert precompile([wheel], DIST, tmp_path / "cache")[wheel] == compiled  # cached: no second compile


def test_without_node_wheels_are_used_as_they_are(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    wheel = write_wheel(tmp_path, "demo", "1.0", {"demo/__init__.py": b""})
    assert precompile([wheel], DIST, tmp_path / "cache") == {wheel: wheel}
