"""Slimming wheels for the offline site: drop what no page reads, keep RECORD consistent, leave others alone."""

from __future__ import annotations

import zipfile

from eval_analyzer.site.slim import slim
from eval_analyzer.site.wheels import write_wheel


def test_panel_loses_bundles_and_tests_but_keeps_css(tmp_path):
    wheel = write_wheel(tmp_path / "in", "panel", "1.9.4", {
        "panel/__init__.py": b"", "panel/dist/css/button.css": b"a{}", "panel/dist/bundled/x/y.js": b"1",
        "panel/dist/panel.min.js": b"1", "panel/tests/test_x.py": b""})
    slimmed = slim(wheel, tmp_path / "cache")
    with zipfile.ZipFile(slimmed) as archive:
        names = set(archive.namelist())
        record = archive.read("panel-1.9.4.dist-info/RECORD").decode()
    assert {"panel/__init__.py", "panel/dist/css/button.css"} <= names
    assert not names & {"panel/dist/bundled/x/y.js", "panel/dist/panel.min.js", "panel/tests/test_x.py"}
    assert "bundled" not in record and "panel/dist/css/button.css," in record
    assert slim(wheel, tmp_path / "cache") == slimmed  # cached


def test_bokeh_keeps_its_templates(tmp_path):
    wheel = write_wheel(tmp_path / "in", "bokeh", "3.9.2", {
        "bokeh/__init__.py": b"", "bokeh/server/static/js/bokeh.min.js": b"1",
        "bokeh/core/_templates/x.js": b"1"})
    with zipfile.ZipFile(slim(wheel, tmp_path / "cache")) as archive:
        names = set(archive.namelist())
    assert "bokeh/core/_templates/x.js" in names and "bokeh/server/static/js/bokeh.min.js" not in names


def test_other_wheels_are_untouched(tmp_path):
    wheel = write_wheel(tmp_path, "param", "2.4.2", {"param/__init__.py": b""})
    assert slim(wheel, tmp_path / "cache") == wheel
