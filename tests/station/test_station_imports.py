"""The station is shared by the CLI, the server and the tests: it never imports the UI stack."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

STATION = Path(__file__).parents[2] / "src" / "eval_analyzer" / "station"
FORBIDDEN = {"panel", "param", "holoviews", "bokeh"}


@pytest.mark.parametrize("path", sorted(STATION.glob("*.py")), ids=lambda p: p.name)
def test_station_module_imports_no_ui_library(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    names += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    bad = [name for name in names if name.split(".")[0] in FORBIDDEN or name.startswith("eval_analyzer.dashboard")]
    assert not bad, f"{path.name} imports {bad}"
