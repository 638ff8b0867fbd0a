"""The metric rules of core/metrics.py and the task families of core/formats/lmeval_tasks.py, rule by rule."""

from __future__ import annotations

import math

import pytest

from eval_analyzer.core.formats.lmeval_tasks import BLIMP_PHENOMENA, MMLU_SUBJECTS, family_of
from eval_analyzer.core.formats.opencompass_names import metric_scale
from eval_analyzer.core.metrics import (
    FRACTION,
    OWN_UNITS,
    SIGNED,
    UNKNOWN,
    higher_is_better,
    lower_is_better,
    name_kind,
    scale_of,
)


# -- scale -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("metric", [
    "acc", "acc,none", "acc_norm,none", "acc_mutual_info", "exact_match,strict-match", "em", "f1", "macro_f1",
    "multiple_choice_grade", "exact_str_match", "pass@1", "pass_at_10", "humaneval_pass@1,create_test", "mc2",
    "prompt_level_strict_acc,none", "bleu_acc", "rouge1_max", "error_rate", "pct_stereotype", "contains",
])
def test_fraction_like_names(metric):
    assert name_kind(metric) == FRACTION


@pytest.mark.parametrize("metric", [
    "perplexity", "ppl", "word_perplexity,none", "byte_perplexity", "bits_per_byte,none", "loss", "bleu",
    "bleu_max", "sacrebleu", "chrf", "chrf++", "ter", "rouge1_diff", "bleurt_diff", "likelihood_diff", "wer",
    "mean_absolute_error", "brier_score", "best_exact_thresh", "HasAns_total",
])
def test_own_unit_names(metric):
    assert name_kind(metric) == OWN_UNITS


@pytest.mark.parametrize("metric", ["mcc", "matthews_correlation", "pearson", "spearman_correlation"])
def test_signed_names(metric):
    assert name_kind(metric) == SIGNED


@pytest.mark.parametrize("metric", ["score", "judge", "bertscore", "llm_as_judge_score", "winrate_vs_gpt4"])
def test_unknown_names(metric):
    assert name_kind(metric) == UNKNOWN


def test_fraction_like_within_0_1_is_a_fraction():
    scale = scale_of("acc", [0.0, 0.25, 1.0])
    assert (scale.factor, scale.unit_scale, scale.assumed) == (1.0, True, False)


def test_fraction_like_above_1_is_a_percentage_divided_by_100():
    scale = scale_of("exact_match", [45.79, 0.8])  # one value above 1 makes every value of the file a percent
    assert (scale.unit_scale, scale.assumed) == (True, False)
    assert 45.79 * scale.factor == pytest.approx(0.4579) and 0.8 * scale.factor == pytest.approx(0.008)


def test_fraction_like_beyond_100_or_negative_keeps_its_units():
    assert not scale_of("acc", [150.0]).unit_scale
    assert not scale_of("acc", [-0.1, 0.5]).unit_scale


def test_perplexity_keeps_its_units_even_within_0_1():
    for values in ([8.7, 1.5], [0.58]):
        scale = scale_of("bits_per_byte", values)
        assert (scale.factor, scale.unit_scale, scale.assumed) == (1.0, False, False)


def test_bleu_on_0_100_is_not_unit_scale():
    for values in ([27.3, 31.0], [0.27]):
        scale = scale_of("bleu,none", values)
        assert (scale.factor, scale.unit_scale) == (1.0, False)


def test_unknown_within_0_1_is_assumed_unit_scale():
    scale = scale_of("judge_score", [0.2, 0.9])
    assert (scale.factor, scale.unit_scale, scale.assumed) == (1.0, True, True)


def test_unknown_outside_0_1_keeps_its_units():
    scale = scale_of("judge_score", [0.2, 7.5])
    assert (scale.factor, scale.unit_scale, scale.assumed) == (1.0, False, False)


def test_mcc_is_signed_in_minus_1_to_1_and_a_percentage_beyond():
    assert scale_of("mcc", [-0.31, 0.42]) == (1.0, True, False)
    assert scale_of("matthews_correlation", [-31.0, 42.0]).factor == pytest.approx(0.01)
    assert not scale_of("mcc", [-130.0]).unit_scale


def test_non_finite_values_do_not_decide_the_scale():
    assert scale_of("acc", [0.5, math.inf, math.nan]) == (1.0, True, False)


# -- direction ---------------------------------------------------------------------------------------------------
def test_the_files_higher_is_better_wins():
    assert higher_is_better("acc", stated=False) is False
    assert higher_is_better("perplexity", stated=True) is True
    assert higher_is_better("perplexity", stated="no") is False  # not a bool: the table decides


@pytest.mark.parametrize("metric", [
    "perplexity", "ppl", "word_perplexity,none", "byte_perplexity", "bits_per_byte", "loss", "eval_loss",
    "mean_squared_error", "error_rate", "wer", "cer,none", "ter", "rmse", "brier_score", "likelihood_diff",
    "pct_stereotype", "ppl_argmax", "avg_toxicity_score",
])
def test_lower_is_better_table(metric):
    assert lower_is_better(metric) and not higher_is_better(metric)


@pytest.mark.parametrize("metric", ["acc", "exact_match,flexible-extract", "f1", "bleu", "mcc", "bleu_diff",
                                    "acc_norm", "multiple_choice_grade"])
def test_everything_else_is_higher_is_better(metric):
    assert higher_is_better(metric)


def test_opencompass_keeps_its_percent_rule_and_shares_the_direction_table():
    assert metric_scale("accuracy", 45.0) == (pytest.approx(0.45), True, True)
    assert metric_scale("accuracy", 0.5)[0] == pytest.approx(0.005)  # OpenCompass writes percentages
    assert metric_scale("word_perplexity", 12.0) == (12.0, False, False)


# -- task families -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("task, expected", [
    ("hendrycksTest-abstract_algebra", ("mmlu", "abstract_algebra")),
    ("mmlu_abstract_algebra", ("mmlu", "abstract_algebra")),
    ("xnli_de", ("xnli", "de")),
    ("pawsx_de", ("pawsx", "de")), ("paws_de", ("pawsx", "de")),
    ("xcopa_et", ("xcopa", "et")),
    ("xstory_cloze_en", ("xstorycloze", "en")), ("xstorycloze_en", ("xstorycloze", "en")),
    ("xwinograd_jp", ("xwinograd", "jp")),
    ("lambada_openai", ("lambada", "openai")), ("lambada_standard", ("lambada", "standard")),
    ("lambada_openai_cloze", ("lambada_cloze", "openai")),
    ("lambada_openai_mt_de", ("lambada_multilingual", "de")),
    ("blimp_adjunct_island", ("blimp", "adjunct_island")),
    ("arithmetic_2da", ("arithmetic", "2da")), ("arithmetic_1dc", ("arithmetic", "1dc")),
    ("bigbench_causal_judgement", ("bigbench", "causal_judgement")),
    ("bigbench_anachronisms_multiple_choice", ("bigbench_multiple_choice", "anachronisms")),
    ("agieval_lsat_ar", ("agieval", "lsat_ar")),
    ("Ceval-valid-computer_network", ("ceval-valid", "computer_network")),
    ("ceval-valid_computer_network", ("ceval-valid", "computer_network")),
    ("cmmlu-agronomy", ("cmmlu", "agronomy")), ("cmmlu_agronomy", ("cmmlu", "agronomy")),
    ("math_num_theory", ("hendrycks_math", "num_theory")),
    ("hendrycks_math_num_theory", ("hendrycks_math", "num_theory")),
    ("ethics_cm", ("hendrycks_ethics", "cm")), ("anli_r2", ("anli", "r2")),
    ("wmt14-en-fr", ("wmt14", "en-fr")), ("pile_pile-cc", ("pile", "pile-cc")),
])
def test_known_families(task, expected):
    assert family_of(task) == expected


@pytest.mark.parametrize("task", ["gsm8k", "mmlu_pro_biology", "mmlu_flan_n_shot_generative_philosophy",
                                  "math_asdiv", "pile_10k", "mgsm_direct_de", "jaqket_v1-0.1-0.2", "arc_easy",
                                  "blimp_nl_adjunct_island", "hellaswag"])
def test_other_tasks_are_in_no_family(task):
    assert family_of(task) is None


def test_the_member_lists_are_complete_and_distinct():
    assert len(set(MMLU_SUBJECTS)) == 57 and len(set(BLIMP_PHENOMENA)) == 67


def test_filters_of_one_metric_share_one_scale_decision():
    from eval_analyzer.core.metrics import scale_for, scales_of

    scales = scales_of([("exact_match,strict-match", 0.45), ("exact_match,flexible-extract", 47.0)])
    assert scale_for(scales, "exact_match,strict-match") == scale_for(scales, "exact_match,flexible-extract")
    assert scale_for(scales, "exact_match,strict-match").factor == 0.01
    assert scale_for(scales, "never_seen,none").unit_scale
