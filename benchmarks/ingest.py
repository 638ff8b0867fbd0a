"""Ingestion and Δ benchmarks (issue 2): prints numbers and ratios; asserts nothing.

1. 200 generated Twinkle files shaped like the real fixture (3 datasets, 125 categories, 3 runs each):
   time per file through `load_files` (decode, parse, detect, table) vs bare `json.loads` of the same bytes.
   Target: ratio ≤ 2.
2. Δ summary for 200 sources × 1,000 categories, from the score table: wide frame, Δ table against one
   baseline, summary. Target: < 1 s.
3. Per-question logs read from disk (`load_paths`, streamed): a generated 200 MB lm-eval samples file and a
   Twinkle run (results + 3 × 14,000 eval_results records), each loaded in a child process that only loads, vs a
   child that only runs `json.loads` over the same lines: time and peak RSS. Targets: ≤ 1.5× the bare parse time;
   peak RSS ≤ 1.5× the file size for the 200 MB file.
4. A session's memory: the retained size (tracemalloc after gc) of `load_files` of 100 generated Twinkle files,
   at this tree and at commit c9b6f5c (before the format refactor; unpacked with `git archive` to a temp folder).
"""

from __future__ import annotations

import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from eval_analyzer.core.delta import delta_summary, delta_table
from eval_analyzer.core.loader import load_files
from eval_analyzer.core.scores import dataset_rows, wide_scores

ROOT = Path(__file__).parents[1]
FIXTURE = ROOT / "tests" / "data" / "results_20250806_1543.json"
FILES = 200
REPEATS = 5


def generated_files() -> list[tuple[str, bytes]]:
    base = json.loads(FIXTURE.read_bytes())
    rng = random.Random(42)
    files = []
    for number in range(FILES):
        document = json.loads(json.dumps(base))
        document["config"]["model"]["name"] = f"bench-model-{number:03d}"
        for block in document["dataset_results"].values():
            for item in block["results"]:
                runs = [min(1.0, max(0.0, value + rng.uniform(-0.05, 0.05)))
                        for value in item["individual_runs"]["accuracies"]]
                item["individual_runs"]["accuracies"] = runs
                item["accuracy_mean"] = sum(runs) / len(runs)
        files.append((f"results_{number:03d}.json", json.dumps(document, indent=2).encode()))
    return files


def best_of(function, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def timed(function) -> float:
    gc.collect()  # each timing starts from the same heap, not with the other one's garbage
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def bench_ingest(rounds: int = 9) -> None:
    files = generated_files()
    size = sum(len(data) for _name, data in files)
    loaded = load_files(files)
    assert len(loaded.table) == FILES * 125 and not loaded.problems
    # Alternate the two timings and compare within each round: the machine's speed drifts between rounds
    # (2 shared cores), and a ratio of two minimums taken minutes apart is mostly that drift.
    bare, ours = [], []
    for _ in range(rounds):
        bare.append(timed(lambda: [json.loads(data) for _name, data in files]))
        ours.append(timed(lambda: load_files(files)))
    ratios = sorted(o / b for o, b in zip(ours, bare, strict=True))
    print(f"ingest: {FILES} Twinkle files, {size / 1e6:.1f} MB, {len(loaded.table):,} rows, {rounds} rounds")
    print(f"  json.loads only : {statistics.median(bare) / FILES * 1e3:7.3f} ms/file (median)")
    print(f"  load_files      : {statistics.median(ours) / FILES * 1e3:7.3f} ms/file (median)")
    print(f"  ratio           : {statistics.median(ratios):7.2f}x median, {ratios[0]:.2f}-{ratios[-1]:.2f}x range"
          "   (target <= 2.00)")


def bench_delta(sources: int = 200, categories: int = 1000) -> None:
    rng = np.random.default_rng(7)
    labels = np.repeat([f"model-{i:03d}" for i in range(sources)], categories)
    table = pd.DataFrame({
        "source_label": labels,
        "dataset": "bench",
        "category": np.tile([f"category-{j:04d}" for j in range(categories)], sources),
        "score": rng.uniform(0, 1, sources * categories),
        "std": rng.uniform(0, 0.02, sources * categories),
        "primary": True,
        "higher_is_better": True,
    })
    candidates = [f"model-{i:03d}" for i in range(1, sources)]

    def summary():
        rows = dataset_rows(table, "bench")
        wide = wide_scores(rows)
        std = wide_scores(rows, value="std")
        deltas = delta_table(wide, "model-000", candidates, 100, std=std)
        return delta_summary(deltas, candidates, len(wide), 0.5, "model-000")

    result = summary()
    assert len(result) == sources - 1 and (result["paired"] == categories).all()
    times = [best_of(summary, 1) for _ in range(REPEATS)]
    print(f"delta: {sources} sources x {categories} categories ({sources * categories:,} scores)")
    print(f"  wide + Δ table + summary: median {statistics.median(times) * 1e3:.0f} ms, "
          f"best {min(times) * 1e3:.0f} ms   (target < 1000 ms)")


# -- per-question logs ------------------------------------------------------------------------------------------
_CHILD = """
import json, resource, sys, time
from pathlib import Path
mode, paths = sys.argv[1], sys.argv[2:]
from eval_analyzer.core.loader import load_paths  # imported in both modes: the same baseline RSS
start = time.perf_counter()
if mode == "bare":
    for path in paths:
        with open(path, "rb") as handle:
            if path.endswith(".json"):
                json.loads(handle.read())
            else:
                for line in handle:
                    json.loads(line)
    rows = 0
else:
    loaded = load_paths(paths)
    assert not [p for p in loaded.problems if p.severity != "notice"], [str(p) for p in loaded.problems]
    rows = len(loaded.samples)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "rows": rows}))
"""


def _child(mode: str, paths: list[Path], pythonpath: str = "") -> dict:
    env = {**os.environ, "PYTHONPATH": pythonpath or str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", _CHILD, mode, *map(str, paths)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def write_lmeval_samples(path: Path, target_bytes: int = 200 * 1024 * 1024) -> int:
    """A samples_<task>_<date>.jsonl shaped like a generate_until task's: the logged prompt is most of a line."""
    rng = random.Random(3)
    written = 0
    doc_id = 0
    with open(path, "w", encoding="utf-8") as handle:
        while written < target_bytes:
            right = rng.random() < 0.7
            question = f"Question {doc_id}: " + "how many apples " * 20
            record = {"doc_id": doc_id, "doc": {"question": question, "answer": "#### 42"}, "target": "42",
                      "arguments": {"gen_args_0": {"arg_0": "Few-shot example. " * 150 + question,
                                                   "arg_1": {"until": ["Question:"], "do_sample": False}}},
                      "resps": [["Let us think step by step. " * 20 + ("42" if right else "41")]],
                      "filtered_resps": ["42" if right else "41"], "filter": "strict-match",
                      "metrics": ["exact_match"], "doc_hash": "a" * 64, "prompt_hash": "b" * 64,
                      "target_hash": "c" * 64, "exact_match": float(right)}
            line = json.dumps(record) + "\n"
            handle.write(line)
            written += len(line)
            doc_id += 1
    return doc_id


def write_twinkle_run(folder: Path, questions: int = 14_000, runs: int = 3) -> None:
    """results_<ts>.json (125 files, as the fixture) and eval_results_<ts>_run<N>.jsonl, no file field."""
    base = json.loads(FIXTURE.read_bytes())
    ts = base["timestamp"]
    items = [item for block in base["dataset_results"].values() for item in block["results"]]
    sizes = [questions // len(items) + (1 if index < questions % len(items) else 0) for index in range(len(items))]
    rng = random.Random(5)
    handles = [open(folder / f"eval_results_{ts}_run{run}.jsonl", "w", encoding="utf-8") for run in range(runs)]
    try:
        for item, size in zip(items, sizes, strict=True):
            accuracies = []
            for run in range(runs):
                flags = [rng.random() < 0.75 for _ in range(size)]
                accuracies.append(sum(flags) / size)
                order = list(range(size))
                rng.shuffle(order)
                for qid in order:
                    handles[run].write(json.dumps({
                        "question_id": qid, "sample_id": 0, "question": "題目 " * 80 + str(qid),
                        "correct_answer": "A", "llm_output": "推理過程 " * 300 + ("A" if flags[qid] else "B"),
                        "llm_reasoning_output": None, "predicted_answer": "A" if flags[qid] else "B",
                        "is_correct": flags[qid], "usage_completion_tokens": 500, "usage_prompt_tokens": 300,
                        "usage_total_tokens": 800}, ensure_ascii=False) + "\n")
            item["individual_runs"]["accuracies"] = accuracies
            item["individual_runs"]["results"] = [f"results/eval_results_{ts}_run{run}.jsonl" for run in range(runs)]
            item["accuracy_mean"] = sum(accuracies) / runs
    finally:
        for handle in handles:
            handle.close()
    (folder / f"results_{ts}.json").write_text(json.dumps(base, indent=2), encoding="utf-8")


def _report(title: str, paths: list[Path], rss_target: bool) -> None:
    size = sum(path.stat().st_size for path in paths)
    bare = _child("bare", paths)
    ours = _child("load", paths)
    ratio = ours["seconds"] / bare["seconds"]
    print(f"{title}: {size / 1e6:.0f} MB, {ours['rows']:,} per-question rows")
    print(f"  json.loads only : {bare['seconds']:6.2f} s, peak RSS {bare['rss'] / 1e6:6.0f} MB")
    print(f"  load_paths      : {ours['seconds']:6.2f} s, peak RSS {ours['rss'] / 1e6:6.0f} MB   "
          f"time {ratio:.2f}x (target <= 1.50)" + (f", RSS {ours['rss'] / size:.2f}x the file (target <= 1.50)"
                                                    if rss_target else ""))


def bench_logs() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "org__model"
        folder.mkdir()
        samples = folder / "samples_gsm8k_2025-01-01T00-00-00.000001.jsonl"
        write_lmeval_samples(samples)
        _report("lm-eval samples file", [samples], rss_target=True)
        samples.unlink()
        twinkle = Path(tmp) / "twinkle"
        twinkle.mkdir()
        write_twinkle_run(twinkle)
        _report("Twinkle run, 3 x 14,000 records", sorted(twinkle.iterdir()), rss_target=False)


_SESSION_CHILD = """
import gc, json, sys, tracemalloc
from eval_analyzer.core.loader import load_files
files = [(f"results_{i:03d}.json", open(path, "rb").read()) for i, path in enumerate(sys.argv[1:])]
gc.collect()
tracemalloc.start()
loaded = load_files(files)
gc.collect()
print(json.dumps({"retained": tracemalloc.get_traced_memory()[0], "rows": len(loaded.table)}))
"""


def bench_session_memory(count: int = 100, old_commit: str = "c9b6f5c") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for index, (_name, data) in enumerate(generated_files()[:count]):
            path = Path(tmp) / f"results_{index:03d}.json"
            path.write_bytes(data)
            paths.append(path)
        size = sum(path.stat().st_size for path in paths)
        old = Path(tmp) / "old"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", old_commit, "src"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        print(f"session memory: load_files of {count} Twinkle files ({size / 1e6:.1f} MB), retained after gc")
        for label, pythonpath in (("this tree", str(ROOT / "src")), (old_commit, str(old / "src"))):
            env = {**os.environ, "PYTHONPATH": pythonpath}
            out = subprocess.run([sys.executable, "-c", _SESSION_CHILD, *map(str, paths)], env=env, check=True,
                                 capture_output=True, text=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            print(f"  {label:10s}: {result['retained'] / 1e6:7.1f} MB ({result['rows']:,} score rows)")


if __name__ == "__main__":
    bench_ingest()
    bench_delta()
    bench_logs()
    bench_session_memory()
