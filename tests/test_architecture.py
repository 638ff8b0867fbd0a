"""STYLE.md rule 1: `core/` never imports panel, param, holoviews, bokeh or the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).parents[1] / "src" / "eval_analyzer" / "core"
FORBIDDEN = {"panel", "param", "holoviews", "bokeh", "eval_analyzer.cli", "eval_analyzer.dashboard"}


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_imports_no_ui_library(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    names += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    bad = [name for name in names if name.split(".")[0] in FORBIDDEN or name in FORBIDDEN
           or any(name.startswith(f"{prefix}.") for prefix in FORBIDDEN)]
    assert not bad, f"{path.name} imports {bad}"
