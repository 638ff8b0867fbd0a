"""`eval-analyzer serve` wiring without starting a server: preload, per-session factory, options for pn.serve."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import datagen
from eval_analyzer import cli
from eval_analyzer.core.loader import MB, Limits, file_pairs
from eval_analyzer.dashboard import server
from eval_analyzer.dashboard.server import app_factory, serve_options


def test_preload_reads_files_and_folders_once(tmp_path):
    datagen.write(datagen.standard_files()[:2], tmp_path)
    (tmp_path / "notes.txt").write_text("ignored: a folder's note without a results table")
    pairs, problems = file_pairs([str(tmp_path), str(tmp_path / "missing.json")], Limits())
    assert sorted(name.rsplit("/", 1)[-1] for name, _data in pairs) == ["results_20250806_1543.json",
                                                                       "results_run1.json"]
    assert [(p.file.rsplit("/", 1)[-1], p.code) for p in problems] == [("missing.json", "file.missing")]


def test_preload_keeps_a_note_named_by_the_user_and_skips_files_over_the_limit(tmp_path):
    note = tmp_path / "README.md"
    note.write_text("# just notes")
    big = tmp_path / "big.json"
    big.write_bytes(b"{" + b" " * (2 * MB) + b"}")
    pairs, problems = file_pairs([note, big], Limits(max_file_bytes=MB))
    assert [name for name, _data in pairs] == [str(note)]  # named: the dashboard explains it is not results
    assert [p.code for p in problems] == ["file.too_big"]


def test_factory_builds_a_fresh_app_per_session(tmp_path):
    datagen.write(datagen.standard_files()[:1], tmp_path)
    pairs, _problems = file_pairs([tmp_path])
    factory = app_factory(pairs, limits=Limits(max_file_bytes=5 * MB))
    first, second = factory(), factory()
    assert first.store is not second.store
    assert first.store.data.files == second.store.data.files == pairs  # same bytes, separate state
    assert first.store.data.limits.max_file_bytes == 5 * MB


def test_auth_options_pass_through():
    auth = {"basic_auth": "secret.json", "cookie_secret": "c", "oauth_provider": "github", "oauth_key": "k",
            "oauth_secret": "s", "oauth_redirect_uri": "https://x/cb", "oauth_encryption_key": "e"}
    kwargs = serve_options(port=7000, allow_websocket_origin=["example.org:5006"], auth=auth, limits=Limits())
    assert {name: kwargs[name] for name in auth} == auth
    assert kwargs["websocket_origin"] == ["example.org:5006"] and kwargs["port"] == 7000
    assert kwargs["websocket_max_message_size"] > Limits().max_total_bytes


def test_no_auth_options_by_default_and_a_public_address_allows_its_own_origin():
    kwargs = serve_options()
    assert not {"basic_auth", "cookie_secret", "oauth_provider"} & set(kwargs)
    assert kwargs["address"] == "127.0.0.1" and "websocket_origin" not in kwargs
    assert serve_options(address="10.0.0.5", port=8000)["websocket_origin"] == ["10.0.0.5:8000"]


def test_the_cli_calls_serve_with_typed_arguments(tmp_path, monkeypatch):
    """`serve(...)` takes Python values, not an argparse namespace: the CLI builds them, limits once."""
    datagen.write(datagen.standard_files()[:1], tmp_path)
    calls = []
    monkeypatch.setattr(server, "serve", lambda files, **kwargs: calls.append((files, kwargs)))
    code = cli.main(["serve", str(tmp_path), "--port", "7001", "--address", "0.0.0.0", "--max-file-mb", "5",
                     "--basic-auth", "pw", "--allow-websocket-origin", "a.org", "--station", str(tmp_path / "st")])
    assert code == cli.EXIT_OK
    [(files, kwargs)] = calls
    assert [name.rsplit("/", 1)[-1] for name, _data in files] == ["results_20250806_1543.json"]
    assert kwargs["port"] == 7001 and kwargs["address"] == "0.0.0.0" and kwargs["show"] is False
    assert kwargs["limits"] == Limits(max_file_bytes=5 * MB) and kwargs["auth"] == {"basic_auth": "pw"}
    assert kwargs["allow_websocket_origin"] == ["a.org"] and kwargs["read_only"] is False
    assert kwargs["station"].root == tmp_path / "st"


def test_serve_exit_codes_follow_the_policy(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(server, "serve", lambda files, **kwargs: None)
    assert cli.main(["serve"]) == cli.EXIT_OK  # the demo data
    assert cli.main(["serve", str(tmp_path / "missing.json")]) == cli.EXIT_PROBLEMS
    assert "eval-analyzer: error: " in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert cli.main(["serve", "--station", str(tmp_path / "file")]) == cli.EXIT_USAGE


def test_src_on_a_server_loads_only_station_entries(tmp_path):
    from eval_analyzer.core.loader import load_files
    from eval_analyzer.dashboard.app import _station_sources
    from eval_analyzer.station.store import Station

    station = Station(tmp_path / "station")
    station.publish(load_files(datagen.standard_files()[:1]).documents)
    key = station.entries()[0].key
    found, unknown = _station_sources(station, [key, "http://169.254.169.254/latest", "../etc/passwd"])
    assert [name for name, _data in found] == [key] and found[0][1]
    assert unknown == ["http://169.254.169.254/latest", "../etc/passwd"]
    assert _station_sources(None, ["http://example.org/x.json"]) == ([], ["http://example.org/x.json"])


def test_served_names_never_show_the_servers_absolute_paths(tmp_path):
    """What `serve` hands to browser sessions: names as the user gave them, not /home/…/results/…."""
    folder = tmp_path / "results"
    (folder / "mmlu").mkdir(parents=True)
    (folder / "other").mkdir()
    standard = datagen.standard_files()
    (folder / "mmlu" / "a.json").write_bytes(standard[0][1])
    (folder / "other" / "a.json").write_bytes(standard[1][1])  # same file name, another folder
    alone = tmp_path / "single" / "results_alt.json"
    alone.parent.mkdir()
    alone.write_bytes(standard[3][1])
    pairs, _problems = file_pairs([folder, alone], relative=True)
    names = [name for name, _data in pairs]
    assert names == ["results/mmlu/a.json", "results/other/a.json", "single/results_alt.json"]
    assert not any(str(tmp_path) in name or name.startswith("/") for name in names)
    # Two given files of the same folder and file name elsewhere get one more folder each, not their full path.
    twin = tmp_path / "x" / "single" / "results_alt.json"
    twin.parent.mkdir(parents=True)
    twin.write_bytes(standard[2][1])
    names = [name for name, _data in file_pairs([alone, twin], relative=True)[0]]
    assert len(set(names)) == 2 and names[1] == "x/single/results_alt.json" and str(tmp_path) not in names[0]


def test_the_files_tab_of_a_served_session_shows_no_server_path(tmp_path):
    from eval_analyzer.dashboard.views.files import FilesView

    datagen.write(datagen.standard_files()[:2], tmp_path)
    bad = tmp_path / "broken.json"
    bad.write_bytes(b"{nope")
    app = app_factory(file_pairs([tmp_path, bad], relative=True)[0])()
    view = FilesView(store=app.store)
    html = "".join(row[0].object for row in view._layout if hasattr(row, "__getitem__"))
    assert f"{tmp_path.name}/results_run1.json" in html and "broken.json" in html
    assert str(tmp_path.parent) not in html


def test_serve_preloads_with_names_relative_to_what_was_given(tmp_path, monkeypatch):
    datagen.write(datagen.standard_files()[:1], tmp_path)
    seen = {}
    monkeypatch.setattr(server, "serve", lambda files, **_kw: seen.setdefault("files", files))
    cli.main(["serve", str(tmp_path)])
    assert [name for name, _data in seen["files"]] == [f"{tmp_path.name}/results_20250806_1543.json"]


def test_a_detached_models_stylesheets_name_the_server_of_the_session():
    """A model outside its document (a hidden tab) is updated with Panel's CDN address as the fallback; inside a
    session's callback the session's document names this server, and the link must follow it."""
    import panel as pn
    from bokeh.document import Document
    from bokeh.models import ImportedStyleSheet
    from panel.io import resources
    from panel.io.state import set_curdoc

    server.keep_stylesheets_on_server()
    server.keep_stylesheets_on_server()  # idempotent: one wrapper, however often serve() runs
    doc = Document()
    doc._template_variables["dist_url"] = resources.LOCAL_DIST
    html = pn.pane.HTML("x")
    with set_curdoc(doc):
        properties = html._get_properties(None)  # no document: what a hidden tab's pane gets
    urls = [sheet.url for sheet in properties["stylesheets"] if isinstance(sheet, ImportedStyleSheet)]
    assert urls and all(url.startswith(resources.LOCAL_DIST) for url in urls), urls
    assert all("cdn.holoviz.org" not in url for url in urls)


def test_a_served_widget_change_is_handled_without_panels_50_ms_wait(monkeypatch):
    """Panel schedules the callbacks of a browser event 50 ms after it arrives (to merge bursts): a fixed third
    of a 150 ms control change. Under serve the wait is gone; a burst is still merged into one callback."""
    import panel as pn
    from bokeh.document import Document
    from panel.reactive import Syncable

    monkeypatch.setattr(Syncable, "_debounce", Syncable._debounce)  # restored after the test
    select = pn.widgets.Select(options=["a", "b", "c"])
    doc = Document()
    model = select.get_root(doc)
    doc._session_context = lambda: object()  # a served document has one (the branch Panel takes under a server)
    delays = []
    monkeypatch.setattr(doc, "add_timeout_callback", lambda callback, ms: delays.append(ms))

    select._server_change(doc, model.ref["id"], None, "value", "a", "b")
    assert delays == [50]  # Panel's default, so the test below measures our change
    select._events.clear()

    server.answer_without_delay()
    select._server_change(doc, model.ref["id"], None, "value", "a", "b")
    select._server_change(doc, model.ref["id"], None, "value", "b", "c")  # arrives before the callback ran
    assert delays == [50, 0]
    assert select._events == {"value": "c"}


def test_a_patch_made_while_a_reply_is_written_leaves_when_the_reply_is_written(monkeypatch):
    """Bokeh writes its OK to a browser event under the socket's write lock, and the event's callbacks run while it
    does: their patch is queued. Panel looked at the lock again every 10 ms, and every control change waited for
    that poll; now the patch is written as soon as the lock is free, without a poll."""
    import asyncio

    import panel.io.document as document
    from bokeh.document import Document
    from tornado.locks import Lock

    class Socket:
        def __init__(self):
            self.write_lock = Lock()

    class Connection:
        def __init__(self):
            self._socket = Socket()

    written, polls = [], []
    real_sleep = asyncio.sleep

    async def sleep(delay, *args, **kwargs):
        polls.append(delay)
        await real_sleep(0)

    monkeypatch.setitem(document.extra_socket_handlers, Socket, lambda connection, msg: written.append(msg) or [])
    monkeypatch.setattr(document.asyncio, "sleep", sleep)
    monkeypatch.setattr(document, "_dispatch_msgs", document._dispatch_msgs)  # restored after the test
    server.send_as_soon_as_the_socket_frees()
    server.send_as_soon_as_the_socket_frees()  # idempotent: one wrapper, however often serve() runs

    async def run() -> list:
        doc, connection = Document(), Connection()
        await connection._socket.write_lock.acquire()  # Bokeh's OK, half written
        document._WRITE_BLOCK[doc] = True
        document._WRITE_MSGS[doc] = {connection: ["patch"]}
        task = asyncio.ensure_future(document._dispatch_msgs(doc))
        for _ in range(5):
            await real_sleep(0)
        before = list(written)
        connection._socket.write_lock.release()  # the OK is written
        await task
        return before

    assert asyncio.run(run()) == []  # nothing is written into the middle of the OK
    assert written == ["patch"]
    assert polls == []


def test_serve_imports_the_statistics_before_the_first_session():
    """A fresh process: scipy.stats is loaded when the server starts listening, not by the first visitor."""
    script = ("import sys, panel\n"
              "panel.serve = lambda *args, **kwargs: print('scipy.stats' in sys.modules)\n"
              "from eval_analyzer.dashboard.server import serve\n"
              "print('scipy.stats' in sys.modules)\n"
              "serve(None)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.split() == ["False", "True"]


def test_a_full_garbage_collection_of_a_served_session_walks_only_what_sessions_made():
    """A fresh process started as `serve` starts: the collector no longer walks the ~220,000 objects of the
    imports at each full collection (~100 ms, landing at random in an upload or a tab's first open); a session
    of 100 files is still collected when it closes."""
    script = (
        "import gc, sys, time, weakref\n"
        "sys.path.insert(0, 'tests')\n"
        "import panel\n"
        "panel.serve = lambda *args, **kwargs: None\n"
        "from eval_analyzer.dashboard.server import serve\n"
        "import datagen\n"
        "from eval_analyzer.dashboard.app import create_app\n"
        "files = datagen.many_sources(100)\n"
        "serve(None)\n"
        "app = create_app(files)\n"
        "gone = weakref.ref(app.store)\n"
        "print(len(gc.get_objects()), gc.get_freeze_count())\n"
        "del app\n"
        "gc.collect()\n"
        "print(gone() is None)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180, check=True,
                            cwd=str(Path(__file__).parents[2]))
    walked, frozen, freed = result.stdout.split()
    assert int(frozen) > 150_000 and int(walked) < int(frozen) / 2
    assert freed == "True"  # what a closed session leaves in cycles is still collected
