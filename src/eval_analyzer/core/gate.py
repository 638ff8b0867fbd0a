"""`compare --gate PP`: a CI gate with three answers, from each (candidate, dataset) summary's confidence interval.

- ALLOW: `ci_low` ≥ −PP — with confidence, the candidate is not worse than PP points;
- REJECT: `ci_high` < 0 and mean Δ < −PP — a real regression larger than PP;
- INCONCLUSIVE: anything else, including no interval at all — the data cannot tell yet. The verdict says how many
  paired questions would settle it at the same mean Δ and spread (SE shrinks as 1/√n).

The worst verdict decides the exit code: REJECT 3, else INCONCLUSIVE 4, else 0; a gate that judged nothing
is INCONCLUSIVE too (4), so a CI job never passes on an empty comparison.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

ALLOW, REJECT, INCONCLUSIVE = "ALLOW", "REJECT", "INCONCLUSIVE"
EXIT_CODES = {ALLOW: 0, REJECT: 3, INCONCLUSIVE: 4}
VERDICT_COLUMNS = ["dataset", "candidate", "verdict", "mean_delta", "ci_low", "ci_high", "n_samples", "needed_n",
                   "test", "units"]


def needed_n(n: float, se: float, mean: float, pp: float, z: float) -> float:
    """Paired questions needed to reach a verdict at the same mean Δ and spread: ALLOW needs mean − z·SE ≥ −pp,
    REJECT (mean < −pp) needs mean + z·SE < 0. NaN when it cannot be known (no SE, no question count, or a mean
    exactly on the bound)."""
    if not all(map(math.isfinite, (n, se, mean))) or se <= 0 or n <= 0:
        return math.nan
    if mean > -pp:
        margin = mean + pp
    elif mean < -pp:
        margin = -mean
    else:  # exactly on the bound: no n reaches either verdict
        return math.nan
    if margin <= 0:
        return math.nan
    return float(math.ceil(n * (z * se / margin) ** 2))


def verdicts(summary: pd.DataFrame, pp: float, ci: float = 0.95) -> pd.DataFrame:
    """One verdict per summary row (`compare`'s summary with the statistics columns)."""
    from scipy.stats import norm  # noqa: PLC0415 - only a gate needs it

    z = float(norm.ppf(1 - (1 - ci) / 2))
    pp = float(pp)
    rows = []
    # Missing numbers (None, NaN, pandas' NA of a nullable count) all become NaN.
    numbers = summary.reindex(columns=["ci_low", "ci_high", "mean_delta", "n_samples"]).apply(
        lambda column: pd.to_numeric(column, errors="coerce").astype("float64"))
    for row, (low, high, mean, n_samples) in zip(summary.itertuples(index=False),
                                                 numbers.itertuples(index=False, name=None), strict=True):
        if np.isfinite(low) and low >= -pp:
            verdict = ALLOW
        elif np.isfinite(high) and high < 0 and mean < -pp:
            verdict = REJECT
        else:
            verdict = INCONCLUSIVE
        se = (high - low) / (2 * z) if np.isfinite(low) and np.isfinite(high) else math.nan
        need = needed_n(n_samples, se, mean, pp, z) if verdict == INCONCLUSIVE else math.nan
        rows.append((getattr(row, "dataset", ""), row.candidate, verdict, mean, low, high, n_samples, need,
                     row.test, getattr(row, "units", "")))
    return pd.DataFrame(rows, columns=VERDICT_COLUMNS)


def exit_code(verdict_frame: pd.DataFrame) -> int:
    """3 if any REJECT, else 4 if any INCONCLUSIVE or nothing was judged, else 0."""
    found = set(verdict_frame["verdict"])
    if not found:
        return EXIT_CODES[INCONCLUSIVE]
    if REJECT in found:
        return EXIT_CODES[REJECT]
    if INCONCLUSIVE in found:
        return EXIT_CODES[INCONCLUSIVE]
    return EXIT_CODES[ALLOW]
