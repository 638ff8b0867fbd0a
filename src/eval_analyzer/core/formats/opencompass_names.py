"""OpenCompass naming and metric conventions shared by the station reader and the summary-CSV reader.

OpenCompass names every leaf dataset with one flat abbr (`ceval-computer_network`, `lukaemon_mmlu_anatomy`);
the dashboard wants (dataset, category). Both readers must split the same abbr the same way, or the station
file and the summary of one run would land in different datasets and could never be compared.
The metric tables live here for the same reason: a score read from either format must get the same scale.
"""

from __future__ import annotations

import re

from eval_analyzer.core.metrics import lower_is_better

#: Known dataset prefixes of leaf abbrs → the dataset name shown. Keys are matched case-insensitively and
#: longest first, so `mmlu_pro_math` is MMLU-Pro and `ceval-test-law` is the C-Eval test split.
#: `ceval-test` stays its own dataset: its questions differ from the validation split's (`ceval-*`), and
#: merging them would put two different measurements under the same category names.
DATASET_ALIASES: dict[str, str] = {
    "lukaemon_mmlu": "mmlu",
    "mmlu": "mmlu",
    "mmlu_pro": "mmlu_pro",
    "cmmlu": "cmmlu",
    "ceval": "ceval",
    "ceval-test": "ceval-test",
    "bbh": "bbh",
    "agieval": "agieval",
    "tmmluplus": "tmmluplus",
    "GaokaoBench": "GaokaoBench",
    "hellaswag": "hellaswag",
    "LongBench": "LongBench",
}
_ALIASES_FOLDED = {key.lower(): value for key, value in DATASET_ALIASES.items()}
_PREFIXES_LONGEST_FIRST = sorted(_ALIASES_FOLDED, key=len, reverse=True)
_SEPARATORS = "-_"

#: Metrics OpenCompass evaluators report as percentages (0–100): their evaluators multiply by 100
#: (AccEvaluator, AUCROCEvaluator, MccEvaluator, RougeEvaluator, HumanEvaluator, EM/F1 evaluators).
PERCENT_METRICS = frozenset({
    "score", "auc_score", "accuracy", "humaneval_pass@1", "rouge1", "rouge2", "rougeL", "rougeLsum", "f1",
    "exact_match", "extract_rate", "matthews_correlation", "acc", "em",
    # Summary group rows average leaf percentages.
    "naive_average", "weighted_average", "harmonic_mean", "standard_deviation",
})
#: `humaneval_pass@10`, `pass@1`, `humaneval_plus_pass@1`…: pass rates, also ×100 in OpenCompass.
_PASS_AT_K = re.compile(r"^(?:\w+_)?pass@\d+$")
#: Perspective-API toxicity metrics are already fractions (0–1), and lower means better.
LOWER_IS_BETTER_UNIT_METRICS = frozenset({"avg_toxicity_score", "expected_max_toxicity", "toxic_frac_valid"})

#: Summary rows with these metrics are averages over other rows (OpenCompass `summary_groups`), not leaves.
GROUP_METRICS = frozenset({"naive_average", "weighted_average", "sum", "standard_deviation", "harmonic_mean"})


def metric_scale(metric: str, value: float) -> tuple[float, bool, bool]:
    """(score, unit_scale, higher_is_better) for an OpenCompass metric value as written in its files.

    Known percentages become fractions so they compare with Twinkle and lm-eval scores; anything unknown
    keeps its own scale and is flagged (unit_scale False) rather than guessed: OpenCompass writes percentages,
    so a value in [0, 1] is no evidence of a fraction here, unlike in lm-eval (`core/metrics.py`). The direction
    of an unknown metric comes from the same lower-is-better table as every other format's.
    """
    if metric in PERCENT_METRICS or _PASS_AT_K.match(metric):
        return value / 100.0, True, True
    if metric in LOWER_IS_BETTER_UNIT_METRICS:
        return value, True, False
    return value, False, not lower_is_better(metric)


def _alias(dataset: str) -> str:
    return _ALIASES_FOLDED.get(dataset.lower(), dataset)


def split_abbr(abbr: str, name: str | None = None) -> tuple[str, str]:
    """A leaf abbr → (dataset, category).

    With the dataset config's `name` (station files), the abbr is `<dataset><sep><name>`; without it (summary
    CSV), a known prefix followed by `-`/`_` marks the dataset. An abbr with neither is a dataset of one
    category named like itself, so single-file datasets (`gsm8k`) still show up.
    """
    if name and abbr.endswith(name) and len(abbr) > len(name):
        rest = abbr[: -len(name)]
        if rest[-1] in _SEPARATORS and rest.rstrip(_SEPARATORS):
            return _alias(rest.rstrip(_SEPARATORS)), name
    folded = abbr.lower()
    for prefix in _PREFIXES_LONGEST_FIRST:
        if folded == prefix:
            return _ALIASES_FOLDED[prefix], _ALIASES_FOLDED[prefix]
        if folded.startswith(prefix) and len(abbr) > len(prefix) + 1 and abbr[len(prefix)] in _SEPARATORS:
            return _ALIASES_FOLDED[prefix], abbr[len(prefix) + 1:]
    return abbr, abbr
