"""`eval-analyzer build` without --offline: Panel's converter output, CDN URLs untouched, project wheel packed."""

from __future__ import annotations

import io
import zipfile
from email.parser import HeaderParser

import pytest
from packaging.requirements import Requirement

from eval_analyzer import cli
from eval_analyzer.core.errors import UsageError
from eval_analyzer.site import builder
from eval_analyzer.site.builder import DATA_FILE, build_site
from eval_analyzer.site.wheels import PYODIDE_MARKERS


@pytest.fixture(scope="module")
def cdn_site(tmp_path_factory):
    """One real build through the CLI, as a user runs it."""
    out = tmp_path_factory.mktemp("cdn-site")
    (out / "pyodide").mkdir()  # left over from an earlier offline build: a rebuild removes it
    (out / "pyodide" / "stale.txt").write_text("x")
    (out / "keep.txt").write_text("not ours")
    code = cli.main(["build", "--out", str(out)])
    assert code == 0
    return out


def test_writes_page_worker_and_packed_wheel(cdn_site):
    assert sorted(p.name for p in cdn_site.iterdir()) == ["favicon.ico", "index.html", "index.js",
                                                           "index.resources.zip", "keep.txt"]
    assert 'href="./favicon.ico"' in (cdn_site / "index.html").read_text(encoding="utf-8")  # what it answers
    with zipfile.ZipFile(cdn_site / "index.resources.zip") as packed:
        [name] = packed.namelist()
        assert name.startswith("packed_wheels/eval_analyzer-")
        with zipfile.ZipFile(io.BytesIO(packed.read(name))) as wheel:
            assert DATA_FILE in wheel.namelist()


def test_default_build_uses_the_public_cdns(cdn_site):
    page = (cdn_site / "index.html").read_text(encoding="utf-8")
    worker = (cdn_site / "index.js").read_text(encoding="utf-8")
    assert "https://cdn.bokeh.org/bokeh/release/bokeh-" in page
    assert "https://cdn.holoviz.org/panel/" in page
    assert 'importScripts("https://cdn.jsdelivr.net/pyodide/' in worker
    assert "emfs:packed_wheels/eval_analyzer-" in worker
    assert "from eval_analyzer.dashboard.app import create_app" in worker


def test_page_embeds_no_prerendered_snapshot(cdn_site):
    """A snapshot is rendered on the main thread while Pyodide loads, and delays the live app on 2 cores."""
    page = (cdn_site / "index.html").read_text(encoding="utf-8")
    assert "Bokeh.embed.embed_items(docs_json, render_items)" in page  # the live app's render stays
    assert 'type="application/json"' not in page and "embed_document" not in page


def test_page_reports_progress_and_failures(cdn_site):
    page = (cdn_site / "index.html").read_text(encoding="utf-8")
    for text in ("Loading Python runtime…", "Installing packages…", "Starting app…", "Could not start the app"):
        assert text in page
    assert "window.eaWatchWorker(pyodideWorker)" in page
    worker = (cdn_site / "index.js").read_text(encoding="utf-8")
    assert "type: 'ea-error'" in worker


def test_wheels_without_offline_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["build", "--out", str(tmp_path), "--wheels", str(tmp_path)]) == cli.EXIT_USAGE
    assert "eval-analyzer: error: --wheels only applies with --offline" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(UsageError):
        build_site(tmp_path, wheels=tmp_path)  # the same rule without the command line


def test_the_cli_calls_build_site_with_typed_arguments(tmp_path, monkeypatch, capsys):
    calls = []

    def fake_build(out, offline=None, wheels=None):
        calls.append((out, offline, wheels))
        (out / "index.html").parent.mkdir(parents=True, exist_ok=True)
        (out / "index.html").write_text("x")
        return [out / "index.html"]

    monkeypatch.setattr(builder, "build_site", fake_build)
    out = tmp_path / "site"
    assert cli.main(["build", "--out", str(out), "--offline", "dist", "--wheels", "w"]) == cli.EXIT_OK
    assert calls == [(out, "dist", "w")]
    assert f"wrote 1 files (0.0 MB) to {out}, offline" in capsys.readouterr().out


def test_a_failed_build_exits_1_with_the_one_error_prefix(tmp_path, monkeypatch, capsys):
    def failing(out, offline=None, wheels=None):
        raise builder.BuildError("panel convert failed: boom")

    monkeypatch.setattr(builder, "build_site", failing)
    assert cli.main(["build", "--out", str(tmp_path)]) == cli.EXIT_PROBLEMS
    assert capsys.readouterr().err == "eval-analyzer: error: panel convert failed: boom\n"


def test_project_wheel_leaves_scipy_to_the_background_load_in_pyodide(cdn_site):
    """micropip evaluates Requires-Dist markers (sys_platform is 'emscripten' there): scipy is not installed at
    start; the page loads it from the same CDN as Pyodide after the first render (dashboard/lazy_stats.py)."""
    with zipfile.ZipFile(cdn_site / "index.resources.zip") as packed:
        [name] = packed.namelist()
        with zipfile.ZipFile(io.BytesIO(packed.read(name))) as wheel:
            [metadata] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
            requires = HeaderParser().parsestr(wheel.read(metadata).decode()).get_all("Requires-Dist")
    [scipy] = [Requirement(line) for line in requires if Requirement(line).name == "scipy"]
    assert not scipy.marker.evaluate(PYODIDE_MARKERS)
    assert scipy.marker.evaluate()
    worker = (cdn_site / "index.js").read_text(encoding="utf-8")
    assert "scipy" not in worker  # neither its install list nor anything else the worker runs at start
