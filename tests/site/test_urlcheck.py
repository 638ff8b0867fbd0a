"""The offline build's URL rule: what counts as a load from another host, and what does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval_analyzer.site.urlcheck import external_references, scan_site

EXTERNAL = [
    ('<script src="https://cdn.bokeh.org/bokeh/release/bokeh-3.9.2.min.js"></script>', "attribute"),
    ("<link rel='stylesheet' href='//cdn.holoviz.org/panel/1.9.4/dist/css/a.css'>", "attribute"),
    ('<img alt="x" src=https://example.com/logo>', "attribute"),
    ('importScripts("https://cdn.jsdelivr.net/pyodide/v0.29.3/full/pyodide.js");', "js call"),
    ("const r = await fetch('https://pypi.org/pypi/param/json')", "js call"),
    ("loadPyodide({indexURL: 'https://cdn.jsdelivr.net/pyodide/v0.27.7/full/'})", "pyodide option"),
    ('import x from "https://esm.sh/react"', "js module"),
    (".a { background: url(https://fonts.gstatic.com/s/x.woff2) }", "css url"),
    ('@import "https://fonts.googleapis.com/css2?family=Roboto";', "css import"),
    ('{"stylesheets": ["https://cdn.holoviz.org/panel/1.9.4/dist/css/listpanel.css"]}', "fetched file"),
    ("micropip.install(['https://cdn.holoviz.org/panel/wheels/bokeh-3.9.2-py3-none-any.whl'])", "fetched file"),
    ('{"url": "https:\\/\\/cdn.example.org\\/lib.js"}', "fetched file"),
]
LOCAL_OR_NOT_A_LOAD = [
    '<script src="bokeh/bokeh.min.js"></script>',
    '<a href="https://github.com/holoviz/panel">docs</a>',  # navigation, not a load
    "/*! license: https://github.com/x/y/blob/main/LICENSE */",
    '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    "importScripts(new URL('pyodide/pyodide.js', self.location).href)",
    ".a { background: url(\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>\") }",
    "fetch('index.resources.zip')",
    '{"file_name": "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"}',
    "see https://example.com/docs.js in a comment",  # not quoted: not a string the code loads
]


@pytest.mark.parametrize(("text", "rule"), EXTERNAL)
def test_external_load_references_are_found(text, rule):
    found = external_references(text, Path("x.html"))
    assert [ref.rule for ref in found] == [rule] or rule in [ref.rule for ref in found]


@pytest.mark.parametrize("text", LOCAL_OR_NOT_A_LOAD)
def test_local_urls_and_mere_mentions_pass(text):
    assert external_references(text, Path("x.html")) == []


def test_scan_reports_file_and_line(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.js").write_text("// ok\nfetch('https://evil.example/x.json')\n")
    (tmp_path / "b.whl").write_bytes(b"https://not.scanned/x.js")  # binary files are not text
    [ref] = scan_site(tmp_path)
    assert (ref.file, ref.line, ref.url) == (Path("sub/a.js"), 2, "https://evil.example/x.json")
