"""Concurrent publishes of one entry: never a torn or mixed file, never a lost winner, one creator without overwrite."""

from __future__ import annotations

import json
import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from eval_analyzer.station.store import Station

WRITERS = 16
#: Big enough that a write takes a while, so interleaved (torn) writes would show if they could happen.
PAYLOAD_ITEMS = 20_000


def payload(writer: int) -> bytes:
    document = {"writer": writer, "items": [writer] * PAYLOAD_ITEMS}
    return json.dumps(document).encode()


def _write(root: str, writer: int, overwrite: bool, start) -> str:
    start.wait()
    return Station(root).write_entry("mmlu", "model-a", payload(writer), overwrite)


def _process_writer(root: str, writer: int, overwrite: bool, start, statuses) -> None:
    statuses.put((writer, _write(root, writer, overwrite, start)))


def check_file(path, winners: set[int]) -> int:
    document = json.loads(path.read_bytes())
    assert document["writer"] in winners and document["items"] == [document["writer"]] * PAYLOAD_ITEMS
    return document["writer"]


def no_temp_files(root) -> bool:
    return not [path for path in root.rglob("*") if path.name.startswith(".")]


@pytest.mark.parametrize("overwrite", [False, True])
def test_threads_publishing_one_entry(tmp_path, overwrite):
    root = tmp_path / "station"
    start = threading.Barrier(WRITERS)
    seen: list[int] = []
    done = threading.Event()

    def reader():  # a session refreshing while others publish sees a whole file or none, never a torn one
        path = root / "mmlu" / "model-a.json"
        while not done.is_set():
            if path.exists():
                seen.append(check_file(path, set(range(WRITERS))))

    watcher = threading.Thread(target=reader)
    watcher.start()
    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = list(pool.map(lambda writer: _write(str(root), writer, overwrite, start), range(WRITERS)))
    done.set()
    watcher.join()
    final = check_file(root / "mmlu" / "model-a.json", set(range(WRITERS)))
    if overwrite:
        assert set(statuses) <= {"written", "replaced"}
    else:
        assert statuses.count("written") == 1 and statuses.count("skipped") == WRITERS - 1
        assert final == statuses.index("written")  # the winner's data, not anybody else's
        assert set(seen) <= {final}
    assert no_temp_files(root)


@pytest.mark.parametrize("overwrite", [False, True])
def test_processes_publishing_one_entry(tmp_path, overwrite):
    root = tmp_path / "station"
    context = multiprocessing.get_context("fork")  # start in milliseconds; the children only write files
    writers = WRITERS
    start = context.Barrier(writers)
    statuses = context.Queue()
    processes = [context.Process(target=_process_writer, args=(str(root), writer, overwrite, start, statuses))
                 for writer in range(writers)]
    for process in processes:
        process.start()
    results = dict(statuses.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    final = check_file(root / "mmlu" / "model-a.json", set(range(writers)))
    if overwrite:
        assert set(results.values()) <= {"written", "replaced"}
    else:
        winners = [writer for writer, status in results.items() if status == "written"]
        assert winners == [final] and list(results.values()).count("skipped") == writers - 1
    assert no_temp_files(root)
