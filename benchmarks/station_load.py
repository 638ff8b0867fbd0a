"""Station under load (issue 5): 20 concurrent sessions each publish 50 entries into one station.

Each session publishes 40 entries of its own and 10 entries that every session publishes too (the same dataset and
model, different content), so 20 writers race on each shared entry. Two rounds: without overwrite (exactly one
writer may create each shared entry) and with overwrite (the last rename wins). Prints throughput and verifies:
every file is valid JSON, no entry is missing, no temp file is left, each shared entry holds exactly one writer's
bytes (never a mix), and without overwrite exactly one session reports 'written' for it.

    .venv/bin/python benchmarks/station_load.py [--sessions 20] [--entries 50] [--shared 10] [--threads]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from eval_analyzer.core.loader import load_files
from eval_analyzer.station.store import Station

#: Categories per published dataset: about 10 kB per entry, the size of a small real Twinkle dataset.
CATEGORIES = 60
SHARED_MODEL = "shared-model"


def session_document(session: int, model: str, datasets: list[str]) -> bytes:
    """One Twinkle results file of one session; its `session` marks whose bytes an entry holds."""
    document = {
        "timestamp": f"20250101_{session:04d}",
        "config": {"model": {"name": model}, "session": session},
        "dataset_results": {
            f"datasets/{dataset}/": {
                "results": [{"file": f"datasets/{dataset}/cat{c:03d}.csv",
                             "accuracy_mean": round((session * 7919 + c * 104729) % 1000 / 1000, 3)}
                            for c in range(CATEGORIES)],
            } for dataset in datasets
        },
    }
    return json.dumps(document).encode()


def session_files(session: int, entries: int, shared: int) -> list[tuple[str, bytes]]:
    own = [f"own-{session:02d}-{k:03d}" for k in range(entries - shared)]
    common = [f"shared-{k:03d}" for k in range(shared)]
    return [(f"s{session}-own.json", session_document(session, f"model-{session:02d}", own)),
            (f"s{session}-shared.json", session_document(session, SHARED_MODEL, common))]


def expected_entry(session: int, model: str, dataset: str) -> bytes:
    """What a session's publish writes for one entry (the store's own reduction of the same file)."""
    docs = load_files([("x.json", session_document(session, model, [dataset]))]).documents
    with tempfile.TemporaryDirectory(prefix="station-expected-") as folder:
        [result] = Station(folder).publish(docs)
        return result.path.read_bytes()


def run_session(root: str, session: int, entries: int, shared: int, overwrite: bool, start, out) -> None:
    documents = load_files(session_files(session, entries, shared)).documents  # parsing is not timed
    station = Station(root)
    start.wait()
    began = time.perf_counter()
    results = station.publish(documents, overwrite=overwrite)
    ended = time.perf_counter()
    out.put((session, began, ended, [(r.dataset, r.model, r.status) for r in results]))


def run_round(root: Path, sessions: int, entries: int, shared: int, overwrite: bool, threads: bool) -> dict:
    if threads:
        import queue

        start, out = threading.Barrier(sessions), queue.Queue()
        workers = [threading.Thread(target=run_session, args=(str(root), s, entries, shared, overwrite, start, out))
                   for s in range(sessions)]
    else:
        context = multiprocessing.get_context("fork")
        start, out = context.Barrier(sessions), context.Queue()
        workers = [context.Process(target=run_session, args=(str(root), s, entries, shared, overwrite, start, out))
                   for s in range(sessions)]
    for worker in workers:
        worker.start()
    reports = [out.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    began = min(report[1] for report in reports)
    ended = max(report[2] for report in reports)
    statuses = [(session, *result) for session, _b, _e, results in reports for result in results]
    return {"seconds": ended - began, "statuses": statuses}


def verify(root: Path, sessions: int, entries: int, shared: int, statuses: list, overwrite: bool) -> list[str]:
    failures: list[str] = []
    files = sorted(root.rglob("*.json"))
    temps = [path for path in root.rglob("*") if path.name.startswith(".")]
    expected_count = sessions * (entries - shared) + shared
    if len(files) != expected_count:
        failures.append(f"{len(files)} files, expected {expected_count}")
    if temps:
        failures.append(f"{len(temps)} temp files left")
    for path in files:
        try:
            json.loads(path.read_bytes())
        except ValueError:
            failures.append(f"{path} is not valid JSON")
    failed = [status for status in statuses if status[3] == "failed"]
    if failed:
        failures.append(f"{len(failed)} failed publishes, e.g. {failed[0]}")
    for session in range(sessions):  # own entries: exactly the session's bytes
        dataset = f"own-{session:02d}-000"
        path = Station(root).path_for(dataset, f"model-{session:02d}")
        if not path.exists() or path.read_bytes() != expected_entry(session, f"model-{session:02d}", dataset):
            failures.append(f"{path} does not hold session {session}'s bytes")
    for k in range(shared):
        dataset = f"shared-{k:03d}"
        path = Station(root).path_for(dataset, SHARED_MODEL)
        data = path.read_bytes() if path.exists() else b""
        holder = json.loads(data)["config"]["session"] if data else None
        if holder is None or data != expected_entry(holder, SHARED_MODEL, dataset):
            failures.append(f"{path} is not exactly one writer's bytes")
        writers = [s for s, d, _m, status in statuses if d == dataset and status == "written"]
        if not overwrite and writers != [holder]:
            failures.append(f"{dataset}: written by {writers}, file holds session {holder}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--shared", type=int, default=10)
    parser.add_argument("--threads", action="store_true", help="sessions as threads of one process")
    parser.add_argument("--dir", help="make the station under this folder (default: the system temp folder)")
    args = parser.parse_args()
    kind = "threads" if args.threads else "processes"
    total = args.sessions * args.entries
    print(f"{args.sessions} sessions ({kind}) × {args.entries} entries ({args.shared} shared by all), "
          f"{CATEGORIES} categories per entry, under {args.dir or tempfile.gettempdir()}")
    ok = True
    with tempfile.TemporaryDirectory(prefix="station-load-", dir=args.dir) as folder:
        root = Path(folder) / "station"
        for overwrite in (False, True):
            result = run_round(root, args.sessions, args.entries, args.shared, overwrite, args.threads)
            counts = Counter(status[3] for status in result["statuses"])
            failures = verify(root, args.sessions, args.entries, args.shared, result["statuses"], overwrite)
            ok = ok and not failures
            print(f"overwrite={str(overwrite):5}  {total} publishes in {result['seconds']:.2f} s = "
                  f"{total / result['seconds']:.0f} entries/s  {dict(sorted(counts.items()))}  "
                  + ("verified: all valid, none lost, no temp files" if not failures else "FAILED"))
            for failure in failures[:10]:
                print(f"  - {failure}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
