"""`eval-analyzer serve` wiring without starting a server: preload, per-session factory, options for pn.serve."""

from __future__ import annotations

import argparse

import datagen
from eval_analyzer.cli import build_parser
from eval_analyzer.core.loader import MB, Limits
from eval_analyzer.dashboard.server import make_app_factory, read_preload, serve_kwargs


def parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["serve", *argv])


def test_preload_reads_files_and_folders_once(tmp_path):
    datagen.write(datagen.standard_files()[:2], tmp_path)
    (tmp_path / "notes.txt").write_text("ignored: not a result extension")
    pairs, messages = read_preload([str(tmp_path), str(tmp_path / "missing.json")], Limits())
    assert sorted(name.rsplit("/", 1)[-1] for name, _data in pairs) == ["results_20250806_1543.json",
                                                                       "results_run1.json"]
    assert any("missing.json" in message for message in messages)


def test_factory_builds_a_fresh_app_per_session(tmp_path):
    datagen.write(datagen.standard_files()[:1], tmp_path)
    factory, limits = make_app_factory(parse(str(tmp_path), "--max-file-mb", "5"))
    first, second = factory(), factory()
    assert first.analysis is not second.analysis
    assert first.analysis.data.files == second.analysis.data.files  # same preloaded bytes, separate state
    assert limits.max_file_bytes == 5 * MB


def test_auth_options_pass_through():
    args = parse("--basic-auth", "secret.json", "--cookie-secret", "c", "--oauth-provider", "github",
                 "--oauth-key", "k", "--oauth-secret", "s", "--oauth-redirect-uri", "https://x/cb",
                 "--oauth-encryption-key", "e", "--allow-websocket-origin", "example.org:5006", "--port", "7000")
    _factory, limits = make_app_factory(argparse.Namespace(**{**vars(args), "paths": []}))
    kwargs = serve_kwargs(args, limits)
    assert kwargs["basic_auth"] == "secret.json" and kwargs["cookie_secret"] == "c"
    assert kwargs["oauth_provider"] == "github" and kwargs["oauth_key"] == "k" and kwargs["oauth_secret"] == "s"
    assert kwargs["oauth_redirect_uri"] == "https://x/cb" and kwargs["oauth_encryption_key"] == "e"
    assert kwargs["websocket_origin"] == ["example.org:5006"] and kwargs["port"] == 7000
    assert kwargs["websocket_max_message_size"] > limits.max_total_bytes


def test_no_auth_options_by_default():
    args = parse()
    kwargs = serve_kwargs(args, make_app_factory(args)[1])
    assert not {"basic_auth", "cookie_secret", "oauth_provider"} & set(kwargs)
    assert kwargs["address"] == "127.0.0.1"


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
