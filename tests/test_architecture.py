"""The layers: `core/` never imports panel, param, holoviews, bokeh or the CLI; views and charts never compute."""

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


# -- views only draw ----------------------------------------------------------------------------------------

DASHBOARD = CORE.parent / "dashboard"
#: Modules that draw: every view, and the chart and HTML helpers they draw with.
DRAWING = sorted([*DASHBOARD.joinpath("views").glob("*.py"), DASHBOARD / "overview_chart.py",
                  DASHBOARD / "delta_chart.py", DASHBOARD / "heatmap_chart.py", DASHBOARD / "chart_style.py",
                  DASHBOARD / "htmltext.py"])
#: The only names of `core` a drawing module may import: constants (the choices a widget offers, the shown
#: decimals), types, the export helpers a download button calls and the one rule a widget's options follow.
#: Every computation is `core.frames`' job, reached through `dashboard/store.py`'s DerivedData.
ALLOWED_CORE = {
    "eval_analyzer.core.delta": {"DELTA_SORTS", "without_baseline"},
    "eval_analyzer.core.overview": {"FILTER_MODES", "OPERATORS", "PAGE_SIZES", "SORT_MODES"},
    "eval_analyzer.core.questions": {"BUCKET_CHOICES", "QUESTION_PAGE_SIZE", "QUESTION_SORTS"},
    "eval_analyzer.core.scores": {"SCALES", "SHOWN_DECIMALS"},
    "eval_analyzer.core.export": {"safe_filename", "to_csv_bytes"},
    "eval_analyzer.core.errors": {"Problem"},
    "eval_analyzer.core.messages": {"render_where"},
}


def core_imports_not_allowed(source: str) -> list[str]:
    """Imports of `core` outside ALLOWED_CORE (whole modules count as computations)."""
    bad = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            bad += [alias.name for alias in node.names if alias.name.startswith("eval_analyzer.core")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("eval_analyzer.core"):
            allowed = ALLOWED_CORE.get(node.module, set())
            bad += [f"{node.module}.{alias.name}" for alias in node.names if alias.name not in allowed]
    return bad


@pytest.mark.parametrize("path", DRAWING, ids=lambda p: str(p.relative_to(DASHBOARD)))
def test_drawing_module_imports_no_core_computation(path):
    bad = core_imports_not_allowed(path.read_text(encoding="utf-8"))
    assert not bad, f"{path.name} computes: it imports {bad}; put the frame in core/frames.py and read it from " \
                    "DerivedData"


@pytest.mark.parametrize("source", [
    "from eval_analyzer.core.overview import heatmap_matrix",
    "from eval_analyzer.core.scores import SCALES, display_factor",
    "from eval_analyzer.core import delta",
    "import eval_analyzer.core.frames",
])
def test_the_view_check_catches_a_view_that_computes(source):
    assert core_imports_not_allowed(source)


def test_the_view_check_passes_constants():
    assert not core_imports_not_allowed("from eval_analyzer.core.overview import SORT_MODES, PAGE_SIZES")
