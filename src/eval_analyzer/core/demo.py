"""Bundled demo data: the real Twinkle fixture and its three real runs as separate sources.

No model name is invented: every source is gpt-oss-120b; the runs are marked in the timestamp (`run1`…).
"""

from __future__ import annotations

import json
from importlib import resources

from eval_analyzer.core.formats.twinkle import split_runs

DEMO_FILE = "demo_results_20250806_1543.json"


def demo_files() -> list[tuple[str, bytes]]:
    """(name, bytes) pairs ready for `load_files`: the document itself, then one file per run."""
    data = resources.files("eval_analyzer.data").joinpath(DEMO_FILE).read_bytes()
    document = json.loads(data)
    files = [("results_20250806_1543.json", data)]
    for number, run in enumerate(split_runs(document), start=1):
        files.append((f"results_20250806_1543_run{number}.json", json.dumps(run, ensure_ascii=False).encode()))
    return files
