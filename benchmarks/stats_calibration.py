"""Calibration, power and speed of the paired statistics (`core/stats.py`). Prints numbers; asserts nothing.

1. False positives: 2,000 simulated comparisons of two *equal* models whose per-question correctness is
   correlated through a shared difficulty (each question has a chance p ~ Beta(2, 2) of being answered right, the
   same for both models). The summary test at α = 0.05 should reject in 3–7 % of them.
2. Power: the same with a true +3 pp effect on 500 questions (5 categories × 100), and what an unpaired
   two-proportion z-test concludes on the same data.
3. Speed: 20 candidates × 200 categories × 500 questions, every statistic (paired tests, Holm, summary).

Run: `.venv/bin/python benchmarks/stats_calibration.py [--trials N]`.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd
from scipy import stats as sps

from eval_analyzer.core.stats import StatsQuery, paired_stats, summary_stats, with_adjusted

CATEGORIES = 5
QUESTIONS = 100  # per category: 500 questions per comparison


def simulate(rng: np.random.Generator, effect: float) -> pd.DataFrame:
    """Per-question rows of a baseline and a candidate answering the same questions."""
    n = CATEGORIES * QUESTIONS
    difficulty = rng.beta(2, 2, n)
    base = rng.random(n) < difficulty
    cand = rng.random(n) < np.clip(difficulty + effect, 0, 1)
    category = np.repeat([f"c{i}" for i in range(CATEGORIES)], QUESTIONS)
    qid = np.tile(np.arange(QUESTIONS).astype(str), CATEGORIES)
    return pd.DataFrame({
        "source_label": pd.Categorical(["B"] * n + ["C"] * n),
        "category": pd.Categorical(np.concatenate([category, category])),
        "question_id": pd.Categorical(np.concatenate([qid, qid])),
        "run": np.zeros(2 * n, dtype="int32"),
        "value": np.concatenate([base, cand]).astype("float64"),
    }), base, cand


def unpaired_p(base: np.ndarray, cand: np.ndarray) -> float:
    """Two-proportion z-test over all questions, ignoring that they are the same questions."""
    p1, p2, n = base.mean(), cand.mean(), len(base)
    pooled = (p1 + p2) / 2
    se = np.sqrt(2 * pooled * (1 - pooled) / n)
    return float(2 * sps.norm.sf(abs(p2 - p1) / se)) if se > 0 else 1.0


def rejection_rates(trials: int, effect: float, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    query = StatsQuery()
    paired = unpaired = 0
    for _ in range(trials):
        frame, base, cand = simulate(rng, effect)
        stats = with_adjusted(paired_stats(frame, "B", ["C"], query=query), query)
        summary = summary_stats(stats, query=query).iloc[0]
        paired += summary["p_value"] < query.alpha
        unpaired += unpaired_p(base, cand) < query.alpha
    return paired / trials, unpaired / trials


def speed(rounds: int = 5) -> float:
    rng = np.random.default_rng(0)
    sources, categories, questions = 21, 200, 500
    n = categories * questions
    difficulty = rng.beta(2, 2, n)
    values = (rng.random((sources, n)) < difficulty).astype("float64").reshape(-1)
    labels = [f"m{i:02d}" for i in range(sources)]
    frame = pd.DataFrame({
        "source_label": pd.Categorical(np.repeat(labels, n)),
        "category": pd.Categorical(np.tile(np.repeat([f"c{i}" for i in range(categories)], questions), sources)),
        "question_id": pd.Categorical(np.tile(np.arange(questions).astype(str), categories * sources)),
        "run": np.zeros(sources * n, dtype="int32"),
        "value": values,
    })
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        stats = with_adjusted(paired_stats(frame, labels[0], labels[1:]))
        summary_stats(stats)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=2000)
    args = parser.parse_args()
    false_paired, false_unpaired = rejection_rates(args.trials, 0.0, seed=1)
    print(f"equal models, {args.trials} comparisons: false-positive rate paired {false_paired:.3f} "
          f"(target 0.03–0.07), unpaired {false_unpaired:.3f}")
    power_paired, power_unpaired = rejection_rates(args.trials, 0.03, seed=2)
    print(f"+3 pp on 500 questions: power paired {power_paired:.3f}, unpaired {power_unpaired:.3f}")
    print(f"20 candidates × 200 categories × 500 questions: all statistics {speed():.3f} s median (target < 0.5 s)")


if __name__ == "__main__":
    main()
