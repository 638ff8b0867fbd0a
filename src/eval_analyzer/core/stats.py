"""Is a Δ real? Paired, per-question significance for every (candidate, category), and its summary per candidate.

Pairing on the same questions removes most of the variance of a comparison (two models agree on most
questions), so a paired test sees differences an unpaired one cannot. Everything here is on the display scale
(`factor`: 100 for percentage points of a 0–1 metric, 1 for own units) with the sign that makes a positive Δ
better (`sign` = −1 for lower-is-better metrics), and vectorised: no Python loop over questions.

Per (candidate, category), over the questions both sides answered (repeated runs / epochs first averaged per
question): d = candidate − baseline; Δ = mean(d); SE = sd(d, ddof=1)/√n; CI = Δ ± t(1 − (1−level)/2, n−1)·SE;
MDE = (z(1 − α/2) + z(0.8))·sd(d)/√n, the smallest Δ this category could detect with 80 % power.

- `mcnemar-exact` for right/wrong scores with one run on each side: p = min(1, 2·P(X ≤ min(b, c))),
  X ~ Binomial(b + c, ½), b and c the discordant counts (p = 1 when b + c = 0);
- `paired-t` otherwise: t = Δ/SE with n − 1 degrees of freedom (p = 1 when every d is 0);
- `paired-bootstrap` on request: percentile CI and p from seeded resamples of the questions.

Without per-question data, `fallback_stats` uses what the score table has: run-level scores on both sides →
Welch's t on the runs (`welch-runs`); a standard error on both sides (lm-eval) → unpaired z (`unpaired-z`,
which overstates the uncertainty of a paired design); nothing → no CI and no p (`none`).

Multiplicity across the categories of one candidate: Holm (default), Benjamini–Hochberg or none.
scipy gives the distributions; it is imported when a computation first needs it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from eval_analyzer.core.cells import question_cells
from eval_analyzer.core.delta import rows_by_candidate

CORRECTIONS = ("holm", "bh", "none")
TESTS = ("auto", "bootstrap")
#: Tests that pair answers question by question (their `n` counts questions; the fallbacks' do not).
PAIRED_TESTS = ("mcnemar-exact", "paired-t", "paired-bootstrap")
#: Power the minimum detectable effect is computed for.
POWER = 0.8

STAT_COLUMNS = ["candidate", "category", "n", "delta", "sd", "se", "ci_low", "ci_high", "p_value", "test", "mde",
                "b", "c"]
ADJUSTED_COLUMNS = [*STAT_COLUMNS, "p_adjusted", "significant"]
SUMMARY_COLUMNS = ["candidate", "mean_delta", "se", "ci_low", "ci_high", "p_value", "test", "sig_wins",
                   "sig_losses", "indistinguishable", "n_samples", "categories"]


@dataclass(frozen=True)
class StatsQuery:
    """The settings of a significance computation."""

    alpha: float = 0.05
    ci: float = 0.95
    correction: str = "holm"
    test: str = "auto"
    resamples: int = 2000
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1 or not 0 < self.ci < 1:
            raise ValueError("alpha and ci must lie strictly between 0 and 1")
        if self.correction not in CORRECTIONS or self.test not in TESTS:
            raise ValueError(f"correction must be one of {CORRECTIONS}, test one of {TESTS}")
        if self.resamples < 2000:
            raise ValueError("a bootstrap needs at least 2,000 resamples")


def _dists():
    from scipy import stats  # noqa: PLC0415 - the slowest import of the page; only statistics need it

    return stats


def _empty(columns: list[str]) -> pd.DataFrame:
    """No rows, the text columns typed as text (the summary has no `category`)."""
    return pd.DataFrame({name: pd.Series(dtype=object if name in ("candidate", "category", "test") else "float64")
                         for name in columns})


#: Above this many (source, question) cells the per-question means are found by sorting, not in a dense array.
_DENSE_CELLS = 30_000_000


def per_question_differences(samples: pd.DataFrame, baseline: str, candidates: list[str], factor: float = 100.0,
                             sign: float = 1.0) -> pd.DataFrame:
    """One row per (candidate, category, question) both sides answered: `d`, the two sides' per-question means,
    and whether both sides are a single right/wrong answer (`binary`).

    `samples` holds the per-question rows of one dataset and one metric (`source_label, category, question_id,
    run, value`). Repeated runs of a question are averaged first. Integer codes and `bincount` do the grouping:
    a pandas group-by and merge over 2 million answers took a second."""
    sources = [baseline, *[name for name in dict.fromkeys(candidates) if name != baseline]]
    wanted = samples[samples["source_label"].isin(sources)]
    empty = pd.DataFrame({"candidate": pd.Series(dtype=object), "category": pd.Series(dtype=object),
                          "question_id": pd.Series(dtype=object), "candidate_value": pd.Series(dtype="float64"),
                          "baseline_value": pd.Series(dtype="float64"), "d": pd.Series(dtype="float64"),
                          "binary": pd.Series(dtype=bool)})
    if not len(wanted) or baseline not in set(wanted["source_label"]):
        return empty
    source_index = pd.Series(range(len(sources)), index=sources)
    src = source_index.reindex(wanted["source_label"].astype(object)).to_numpy(dtype="int64")
    cells = question_cells(src, wanted)
    n_pairs = cells.n_pairs
    value = wanted["value"].to_numpy(dtype="float64")
    if len(sources) * n_pairs <= _DENSE_CELLS:
        counts = cells.grid(None, len(sources))
        sums = cells.grid(value, len(sources))
        odd = cells.grid(~np.isin(value, (0.0, 1.0)), len(sources))
    else:
        found, inverse = np.unique(cells.cell, return_inverse=True)
        counts = np.zeros((len(sources), n_pairs))
        sums = np.zeros((len(sources), n_pairs))
        odd = np.zeros((len(sources), n_pairs))
        rows, columns = np.divmod(found, n_pairs)
        counts[rows, columns] = np.bincount(inverse)
        sums[rows, columns] = np.bincount(inverse, weights=value)
        odd[rows, columns] = np.bincount(inverse, weights=~np.isin(value, (0.0, 1.0)))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    single = (counts == 1) & (odd == 0)
    answered = counts > 0
    cand_rows, pair_columns = np.nonzero(answered[1:] & answered[0])
    cand_rows = cand_rows + 1
    base_value = means[0, pair_columns]
    cand_value = means[cand_rows, pair_columns]
    return pd.DataFrame({
        "candidate": pd.Categorical.from_codes(cand_rows, categories=pd.Index(sources, dtype=object)),
        **cells.questions(pair_columns),
        "candidate_value": cand_value,
        "baseline_value": base_value,
        "d": (cand_value - base_value) * factor * sign,
        "binary": single[cand_rows, pair_columns] & single[0, pair_columns],
    })


def paired_stats(samples: pd.DataFrame, baseline: str, candidates: list[str], factor: float = 100.0,
                 sign: float = 1.0, query: StatsQuery = StatsQuery()) -> pd.DataFrame:
    """Per (candidate, category): n, Δ, sd, SE, CI, p, the test used, MDE and the discordant counts b, c
    (b: baseline right, candidate wrong; c: the reverse; counted on right/wrong data only)."""
    diffs = per_question_differences(samples, baseline, candidates, factor, sign)
    if not len(diffs):
        return _empty(STAT_COLUMNS)
    cand_codes = diffs["candidate"].cat.codes.to_numpy(dtype="int64")
    cat_codes = diffs["category"].cat.codes.to_numpy(dtype="int64")
    n_cats = len(diffs["category"].cat.categories)
    keys = (cand_codes * n_cats + cat_codes).astype(np.intp, copy=False)  # for `bincount`, as above
    present = np.bincount(keys, minlength=len(diffs["candidate"].cat.categories) * n_cats) > 0
    groups_present = np.flatnonzero(present)
    # Groups in (candidate, category) order, found in O(n).
    group_codes = (np.cumsum(present) - 1).astype(np.intp, copy=False)[keys]
    groups = len(groups_present)
    d = diffs["d"].to_numpy()
    binary = diffs["binary"].to_numpy()
    base, cand = diffs["baseline_value"].to_numpy(), diffs["candidate_value"].to_numpy()
    n = np.bincount(group_codes, minlength=groups)
    mean = np.bincount(group_codes, weights=d, minlength=groups) / n
    squares = np.bincount(group_codes, weights=(d - mean[group_codes]) ** 2, minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(squares / (n - 1))
    result = pd.DataFrame({
        "candidate": np.asarray(diffs["candidate"].cat.categories, dtype=object)[groups_present // n_cats],
        "category": np.asarray(diffs["category"].cat.categories, dtype=object)[groups_present % n_cats],
        "n": n, "delta": mean, "sd": np.where(n > 1, sd, np.nan),
        "binary": np.bincount(group_codes, weights=~binary, minlength=groups) == 0,
        "b": np.bincount(group_codes, weights=binary & (base == 1) & (cand == 0), minlength=groups),
        "c": np.bincount(group_codes, weights=binary & (base == 0) & (cand == 1), minlength=groups),
    })
    resampled = diffs.assign(group=group_codes) if query.test == "bootstrap" else None
    return _tests(result, resampled, query)


def _tests(result: pd.DataFrame, diffs: pd.DataFrame | None, query: StatsQuery) -> pd.DataFrame:
    dist = _dists()
    n = result["n"].to_numpy(dtype="float64")
    delta = result["delta"].to_numpy(dtype="float64")
    sd = np.nan_to_num(result["sd"].to_numpy(dtype="float64"), nan=0.0)
    enough = n >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.where(enough, sd / np.sqrt(n), np.nan)
        t_crit = dist.t.ppf(1 - (1 - query.ci) / 2, np.maximum(n - 1, 1))
        ci_low, ci_high = delta - t_crit * se, delta + t_crit * se
        t_value = np.where(se > 0, delta / se, np.where(delta == 0, 0.0, np.inf))
        p_t = np.where(enough, 2 * dist.t.sf(np.abs(t_value), np.maximum(n - 1, 1)), np.nan)
        mde = (dist.norm.ppf(1 - query.alpha / 2) + dist.norm.ppf(POWER)) * sd / np.sqrt(n)
    p_t = np.where(enough & (sd == 0) & (delta == 0), 1.0, p_t)
    b = result["b"].to_numpy(dtype="int64")
    c = result["c"].to_numpy(dtype="int64")
    discordant = b + c
    p_mcnemar = np.where(discordant > 0, np.minimum(1.0, 2 * dist.binom.cdf(np.minimum(b, c), discordant, 0.5)),
                         1.0)
    binary = result["binary"].to_numpy(dtype=bool)
    test = np.where(binary, "mcnemar-exact", "paired-t").astype(object)
    p_value = np.where(binary, p_mcnemar, p_t)
    if query.test == "bootstrap":
        ci_low, ci_high, p_value = _bootstrap(diffs, query, ci_low, ci_high, p_value)
        test = np.full(len(result), "paired-bootstrap", dtype=object)
    out = result.assign(se=se, ci_low=np.where(enough, ci_low, np.nan), ci_high=np.where(enough, ci_high, np.nan),
                        p_value=p_value, test=test, mde=np.where(enough, mde, np.nan))
    out[["b", "c"]] = out[["b", "c"]].astype("int64")
    return out[STAT_COLUMNS]


def _bootstrap(diffs: pd.DataFrame, query: StatsQuery, ci_low, ci_high, p_value):
    """Percentile CI and two-sided p of the mean of d, from `resamples` seeded resamples per category."""
    rng = np.random.default_rng(query.seed)
    low, high, p = ci_low.copy(), ci_high.copy(), p_value.copy()
    tail = (1 - query.ci) / 2
    for index, group in diffs.groupby("group", sort=True):  # one vectorised resampling per category
        d = group["d"].to_numpy()
        if len(d) < 2:
            continue
        means = d[rng.integers(0, len(d), size=(query.resamples, len(d)))].mean(axis=1)
        low[index], high[index] = np.quantile(means, [tail, 1 - tail])
        p[index] = 1.0 if np.all(d == 0) else min(1.0, 2 * min((means <= 0).mean(), (means >= 0).mean()))
    return low, high, p


def fallback_stats(base_runs: pd.Series, cand_runs: pd.DataFrame, base_stderr: pd.Series,
                   cand_stderr: pd.DataFrame, delta: pd.DataFrame, factor: float = 100.0,
                   query: StatsQuery | None = None) -> pd.DataFrame:
    """Per (candidate, category) without per-question data, from the score table's run scores or stderrs.

    `base_runs` (category → tuple of run scores) and `cand_runs` (category × candidate of tuples); the stderrs
    likewise, as floats (NaN: none); `delta` (category × candidate) is the display-scale Δ to test. All values
    but `delta` are on the unit scale; `factor` converts them. One scipy call per distribution for all rows:
    a call per row cost ~0.4 s on a 20-model baseline change."""
    query = query if query is not None else StatsQuery()
    long = delta.rename_axis(index="category", columns="candidate").stack(future_stack=True).dropna()
    if not len(long):
        return _empty(STAT_COLUMNS)
    dist = _dists()
    categories = long.index.get_level_values(0)
    candidates = long.index.get_level_values(1)
    value = long.to_numpy(dtype="float64")
    keys = list(zip(categories, candidates, strict=True))
    runs_c = cand_runs.rename_axis(index="category", columns="candidate").stack(future_stack=True)
    runs_c = runs_c.reindex(long.index).to_numpy(dtype=object)
    runs_b = base_runs.reindex(categories).to_numpy(dtype=object)
    se_b = base_stderr.reindex(categories).to_numpy(dtype="float64")
    se_c = cand_stderr.rename_axis(index="category", columns="candidate").stack(future_stack=True).reindex(
        long.index).to_numpy(dtype="float64")
    n_b, var_b = _run_moments(runs_b, factor)
    n_c, var_c = _run_moments(runs_c, factor)
    upper = 1 - (1 - query.ci) / 2
    welch = (n_b >= 2) & (n_c >= 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_b, share_c = var_b / n_b, var_c / n_c
        se_w = np.sqrt(share_b + share_c)
        df = (share_b + share_c) ** 2 / (share_b ** 2 / (n_b - 1) + share_c ** 2 / (n_c - 1))
        t_crit = dist.t.ppf(upper, np.where(welch & (se_w > 0), df, 1.0))
        p_w = 2 * dist.t.sf(np.abs(value) / se_w, np.where(welch & (se_w > 0), df, 1.0))
        se_z = np.hypot(se_b, se_c) * factor
        p_z = 2 * dist.norm.sf(np.abs(value) / se_z)
    flat_p = np.where(value == 0, 1.0, 0.0)  # no spread at all: a Δ is certain, or there is none
    z_ci = dist.norm.ppf(upper)
    unpaired = ~welch & np.isfinite(se_b) & np.isfinite(se_c)
    se = np.where(welch, se_w, np.where(unpaired, se_z, np.nan))
    half = np.where(welch, np.where(se_w > 0, t_crit * se_w, 0.0), np.where(unpaired, z_ci * se_z, np.nan))
    p = np.where(welch, np.where(se_w > 0, p_w, flat_p), np.where(unpaired, np.where(se_z > 0, p_z, flat_p),
                                                                   np.nan))
    frame = pd.DataFrame({
        "candidate": np.array([key[1] for key in keys], dtype=object),
        "category": np.array([key[0] for key in keys], dtype=object),
        "n": np.where(welch, n_b + n_c, np.nan), "delta": value, "sd": np.nan, "se": se,
        "ci_low": value - half, "ci_high": value + half, "p_value": p,
        "test": np.where(welch, "welch-runs", np.where(unpaired, "unpaired-z", "none")).astype(object),
        "mde": np.nan, "b": 0, "c": 0,
    })
    return frame[STAT_COLUMNS]


def _run_moments(runs: np.ndarray, factor: float) -> tuple[np.ndarray, np.ndarray]:
    """(count, sample variance with ddof=1) of each row's run scores, in the display scale; a row without a
    tuple of runs counts 0."""
    counts = np.array([len(r) if isinstance(r, tuple) else 0 for r in runs], dtype="float64")
    variances = np.array([np.var(np.asarray(r, dtype="float64") * factor, ddof=1)
                          if isinstance(r, tuple) and len(r) >= 2 else np.nan for r in runs], dtype="float64")
    return counts, variances


def adjust(p_values: np.ndarray, method: str = "holm") -> np.ndarray:
    """p-values adjusted for testing them together (NaN stays NaN and does not count as a test)."""
    p = np.asarray(p_values, dtype="float64")
    out = np.full(p.shape, np.nan)
    valid = ~np.isnan(p)
    m = int(valid.sum())
    if m == 0:
        return out
    if method == "none":
        out[valid] = p[valid]
        return out
    order = np.argsort(p[valid], kind="stable")
    sorted_p = p[valid][order]
    ranks = np.arange(1, m + 1)
    if method == "holm":
        adjusted = np.maximum.accumulate(np.minimum(1.0, (m - ranks + 1) * sorted_p))
    elif method == "bh":
        adjusted = np.minimum.accumulate(np.minimum(1.0, m / ranks * sorted_p)[::-1])[::-1]
    else:
        raise ValueError(f"correction must be one of {CORRECTIONS}, not {method!r}")
    result = np.empty(m)
    result[order] = adjusted
    out[valid] = result
    return out


def with_adjusted(stats: pd.DataFrame, query: StatsQuery = StatsQuery()) -> pd.DataFrame:
    """`stats` with `p_adjusted` (across the categories of each candidate) and `significant` (p_adjusted < α)."""
    out = stats.copy()
    p = out["p_value"].to_numpy(dtype="float64")
    adjusted = np.full(len(out), np.nan)
    for rows in rows_by_candidate(out["candidate"]):
        adjusted[rows] = adjust(p[rows], query.correction)
    out["p_adjusted"] = adjusted
    out["significant"] = adjusted < query.alpha
    return out[ADJUSTED_COLUMNS]


def summary_stats(stats: pd.DataFrame, eps: float = 0.0, query: StatsQuery = StatsQuery()) -> pd.DataFrame:
    """Per candidate: mean Δ over categories, SE = √(Σ SE_c²)/C (categories are independent strata),
    CI = mean ± z·SE, p = 2·(1 − Φ(|mean/SE|)), significant wins / losses (beyond ε) and the rest."""
    if not len(stats):
        return _empty(SUMMARY_COLUMNS)
    dist = _dists()
    adjusted = stats if "significant" in stats.columns else with_adjusted(stats, query)
    z_ci = dist.norm.ppf(1 - (1 - query.ci) / 2)
    delta = adjusted["delta"].to_numpy(dtype="float64")
    se_of = adjusted["se"].to_numpy(dtype="float64")
    sig = adjusted["significant"].to_numpy(dtype=bool)
    tests = adjusted["test"].to_numpy(dtype=object)
    per_question = adjusted["test"].isin(PAIRED_TESTS).to_numpy()
    samples = adjusted["n"].to_numpy(dtype="float64")
    candidates = adjusted["candidate"].to_numpy(dtype=object)
    rows = []
    for at in rows_by_candidate(adjusted["candidate"]):
        count = len(at)
        mean = float(pd.Series(delta[at]).mean())
        se_values = se_of[at]
        if np.isnan(se_values).any():
            se = low = high = p = np.nan
        else:
            se = float(np.sqrt(np.square(se_values).sum()) / count)
            low, high = mean - z_ci * se, mean + z_ci * se
            p = float(2 * dist.norm.sf(abs(mean) / se)) if se > 0 else (1.0 if mean == 0 else 0.0)
        wins = int((sig[at] & (delta[at] > eps)).sum())
        losses = int((sig[at] & (delta[at] < -eps)).sum())
        counted = samples[at][per_question[at]]
        counted = counted[~np.isnan(counted)]
        n_samples = float(counted.sum()) if len(counted) else np.nan
        rows.append((candidates[at[0]], mean, se, low, high, p, "+".join(dict.fromkeys(tests[at])), wins, losses,
                     count - wins - losses, n_samples, count))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
