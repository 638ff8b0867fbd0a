"""What a metric's numbers mean: their scale (fractions 0–1, or the metric's own units) and their direction.

Files name their metrics but rarely say how to read them: lm-eval writes `acc` as a fraction, a fork writes
`exact_match` as a percentage, `word_perplexity` is unbounded and lower is better. Every reader that meets a
metric it does not define itself asks here, so one metric name means one thing whatever file it came from.

Scale is decided per (file, metric) from the metric's name AND every value the file holds for it, never from one
value: a file whose `exact_match` is 45.79 somewhere is a percent file, so its 0.8 elsewhere is 0.8 %, not 80 %.

Name kinds come from the name's parts (split at `_`, `-`, spaces; `pass_at_1` read as `pass@1`), read from the
right: the first part that is in one of the tables below decides, the others (`norm`, `max`, `score`, `none`…)
are neutral. So `bleu_acc` is a fraction (an accuracy of BLEU comparisons), `bleu_max` is BLEU, `rouge1_diff`
is a difference and `error_rate` a fraction.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import NamedTuple

#: Parts that make a name fraction-like: a share of items (accuracy, matches, F1, grades, pass@k, rates…).
FRACTION_PARTS = frozenset({
    "acc", "accuracy", "em", "exact", "match", "f1", "grade", "mc1", "mc2", "mc3", "precision", "recall",
    "correct", "contains", "pct", "rate", "frac", "fraction", "rouge", "rouge1", "rouge2", "rougel", "rougelsum",
    "auc", "auroc", "toxicity",
})
_PASS_AT_K = re.compile(r"^pass@\d+$")
#: Parts of signed bounded metrics, in [-1, 1] as fractions (Matthews correlation and its kin).
SIGNED_PARTS = frozenset({"mcc", "matthews", "correlation", "pearson", "spearman", "kendall", "kappa"})
#: Parts of metrics with units of their own: unbounded (perplexity, loss, differences, lengths, counts) or on a
#: conventional 0–100 scale that is not a share of items (BLEU, chrF, TER). These are never put on the 0–1 scale.
OWN_UNIT_PARTS = frozenset({
    "perplexity", "ppl", "bits", "bpb", "bpc", "loss", "nll", "logprob", "logprobs", "likelihood", "diff",
    "bleu", "sacrebleu", "chrf", "ter", "bleurt", "wer", "cer", "mae", "mse", "rmse", "error", "brier", "len",
    "length", "count", "total", "tokens", "thresh", "threshold", "time", "seconds",
})

FRACTION, SIGNED, OWN_UNITS, UNKNOWN = "fraction", "signed", "own units", "unknown"

#: Lower-is-better names, used when the file does not say (lm-eval's `higher_is_better`). Matched on the base
#: name (before lm-eval's `,filter`), lower-cased: exactly, or by one of the suffixes or prefixes.
LOWER_IS_BETTER_NAMES = frozenset({
    "perplexity", "ppl", "word_perplexity", "byte_perplexity", "token_perplexity", "bits_per_byte",
    "bits_per_token", "bits_per_char", "bpb", "bpc", "loss", "nll", "error", "error_rate", "wer", "cer", "ter",
    "mer", "mae", "mse", "rmse", "brier_score", "ece", "likelihood_diff", "pct_stereotype", "avg_toxicity_score",
    "expected_max_toxicity", "toxic_frac_valid",
})
LOWER_IS_BETTER_SUFFIXES = ("_perplexity", "_ppl", "_loss", "_nll", "_error", "_error_rate", "_wer", "_cer",
                            "_ter", "_mae", "_mse", "_rmse")
LOWER_IS_BETTER_PREFIXES = ("perplexity_", "ppl_", "loss_", "nll_", "wer_", "cer_", "ter_")

_SPLIT = re.compile(r"[_\-\s/]+")
_PASS_AT = re.compile(r"pass_at_(\d+)")


class Scale(NamedTuple):
    """How to store a metric's values: multiply by `factor`; `unit_scale` says the result is a 0–1 fraction;
    `assumed` says that was inferred from the values alone (an unknown name), so the table can say so."""

    factor: float
    unit_scale: bool
    assumed: bool


OWN = Scale(1.0, False, False)
UNIT = Scale(1.0, True, False)
PERCENT = Scale(0.01, True, False)
ASSUMED_UNIT = Scale(1.0, True, True)


def base_name(metric: str) -> str:
    """`exact_match,strict-match` → `exact_match`: the filter names how an answer was extracted, not what was
    measured."""
    return metric.split(",", 1)[0].strip().lower()


def name_kind(metric: str) -> str:
    """FRACTION, SIGNED, OWN_UNITS or UNKNOWN, from the rightmost part of the name that is in a table."""
    parts = [part.replace("+", "") for part in _SPLIT.split(_PASS_AT.sub(r"pass@\1", base_name(metric)))]
    for part in reversed(parts):
        if part in OWN_UNIT_PARTS:
            return OWN_UNITS
        if part in FRACTION_PARTS or _PASS_AT_K.match(part):
            return FRACTION
        if part in SIGNED_PARTS:
            return SIGNED
    return UNKNOWN


def scale_of(metric: str, values: Iterable[float]) -> Scale:
    """The scale of one metric of one file, from its name and all of the file's values for it.

    A fraction-like name whose values all lie in [0, 1] is a fraction; one value above 1 (up to 100) proves a
    percentage, so every value is divided by 100. Signed metrics (MCC) are fractions within [-1, 1] and
    percentages within [-100, 100]. Own-unit names keep their units whatever the values. An unknown name counts as
    a fraction only when every value lies in [0, 1], and that is flagged as assumed.
    """
    kind = name_kind(metric)
    if kind == OWN_UNITS:
        return OWN
    finite = [value for value in values if math.isfinite(value)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 0.0)
    if kind == FRACTION:
        if low >= 0 and high <= 1:
            return UNIT
        return PERCENT if low >= 0 and high <= 100 else OWN
    if kind == SIGNED:
        if low >= -1 and high <= 1:
            return UNIT
        return PERCENT if low >= -100 and high <= 100 else OWN
    return ASSUMED_UNIT if low >= 0 and high <= 1 else OWN


def scales_of(values: Iterable[tuple[str, float]]) -> dict[str, Scale]:
    """The scale of every metric of one file, by base name (`scale_for` looks one up), from (metric, value)
    pairs: `exact_match,strict-match` and `exact_match,flexible-extract` share one decision."""
    by_name: dict[str, list[float]] = {}
    for metric, value in values:
        by_name.setdefault(base_name(metric), []).append(value)
    return {name: scale_of(name, numbers) for name, numbers in by_name.items()}


def scale_for(scales: dict[str, Scale], metric: str) -> Scale:
    """`metric`'s entry of `scales_of`; a metric without values is taken as a fraction."""
    return scales.get(base_name(metric), UNIT)


def lower_is_better(metric: str) -> bool:
    """Whether a smaller value of this metric is better, by the lower-is-better table."""
    name = base_name(metric)
    return (name in LOWER_IS_BETTER_NAMES or name.endswith(LOWER_IS_BETTER_SUFFIXES)
            or name.startswith(LOWER_IS_BETTER_PREFIXES))


def higher_is_better(metric: str, stated: object = None) -> bool:
    """The file's own word (`stated`, when it is a bool) wins; otherwise the lower-is-better table decides."""
    return stated if isinstance(stated, bool) else not lower_is_better(metric)
