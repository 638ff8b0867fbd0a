"""Shared test data: the real Twinkle fixture, and a factory for Twinkle documents the tests need."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "results_20250806_1543.json"


def make_twinkle(model: str = "model-a", timestamp: str = "20250101_0000",
                 datasets: dict[str, dict[str, float]] | None = None, **extra) -> dict:
    """A Twinkle results document: {dataset: {category: accuracy_mean}}."""
    datasets = datasets if datasets is not None else {"mmlu": {"algebra": 0.5, "biology": 0.7}}
    return {
        "timestamp": timestamp,
        "config": {"model": {"name": model}},
        "dataset_results": {
            f"datasets/{name}/": {"results": [{"file": f"datasets/{name}/{category}.csv", "accuracy_mean": score}
                                              for category, score in items.items()]}
            for name, items in datasets.items()
        },
        **extra,
    }


def as_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


@pytest.fixture(scope="session")
def fixture_bytes() -> bytes:
    return FIXTURE.read_bytes()


@pytest.fixture(scope="session")
def fixture_doc(fixture_bytes) -> dict:
    return json.loads(fixture_bytes)
