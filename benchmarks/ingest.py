"""Ingestion and Δ benchmarks (issue 2): prints numbers and ratios; asserts nothing.

1. 200 generated Twinkle files shaped like the real fixture (3 datasets, 125 categories, 3 runs each):
   time per file through `load_files` (decode, parse, detect, table) vs bare `json.loads` of the same bytes.
   Target: ratio ≤ 2.
2. Δ summary for 200 sources × 1,000 categories, from the score table: wide frame, Δ table against one
   baseline, summary. Target: < 1 s.
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from eval_analyzer.core.delta import delta_summary, delta_table
from eval_analyzer.core.loader import load_files
from eval_analyzer.core.scores import dataset_rows, wide_scores

FIXTURE = Path(__file__).parents[1] / "tests" / "data" / "results_20250806_1543.json"
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


if __name__ == "__main__":
    bench_ingest()
    bench_delta()
