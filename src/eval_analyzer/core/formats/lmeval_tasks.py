"""lm-eval task families: which dataset, and which category in it, a task name belongs to when the file
does not group it.

lm-eval 0.4 writes its task tree (`group_subtasks`: `mmlu` → `mmlu_stem` → `mmlu_anatomy`), and the reader
makes the root group the dataset and the leaves its categories. lm-eval 0.3 wrote no tree: `hendrycksTest-anatomy`
and 56 siblings sit side by side, and a 0.4 run of a tag (`--tasks lambada`, `arithmetic`) lists its tasks
ungrouped too. Without this table each would be a dataset of one category, and a 0.3 MMLU run could never be
compared with a 0.4 one. Each family maps the task names of every harness version to ONE dataset (the name
0.4 gives the group) and a category (the leaf's name without the family prefix), so the two runs pair category
by category. A task in no family stays a dataset of its own.

Member lists are exact where a looser pattern would catch other benchmarks (`mmlu_pro_biology` is MMLU-Pro,
`pile_10k` is not a Pile subset); the lists are copied from the harness's task registry (0.3
`lm_eval/tasks/*.py`) and task folders (0.4 `lm_eval/tasks/*/`).
"""

from __future__ import annotations

import re

#: The 57 MMLU subjects (0.3 `hendrycksTest-<subject>`, 0.4 `mmlu_<subject>`).
MMLU_SUBJECTS = (
    "abstract_algebra", "anatomy", "astronomy", "business_ethics", "clinical_knowledge", "college_biology",
    "college_chemistry", "college_computer_science", "college_mathematics", "college_medicine",
    "college_physics", "computer_security", "conceptual_physics", "econometrics", "electrical_engineering",
    "elementary_mathematics", "formal_logic", "global_facts", "high_school_biology", "high_school_chemistry",
    "high_school_computer_science", "high_school_european_history", "high_school_geography",
    "high_school_government_and_politics", "high_school_macroeconomics", "high_school_mathematics",
    "high_school_microeconomics", "high_school_physics", "high_school_psychology", "high_school_statistics",
    "high_school_us_history", "high_school_world_history", "human_aging", "human_sexuality",
    "international_law", "jurisprudence", "logical_fallacies", "machine_learning", "management", "marketing",
    "medical_genetics", "miscellaneous", "moral_disputes", "moral_scenarios", "nutrition", "philosophy",
    "prehistory", "professional_accounting", "professional_law", "professional_medicine",
    "professional_psychology", "public_relations", "security_studies", "sociology", "us_foreign_policy",
    "virology", "world_religions",
)
#: The 67 BLiMP paradigms (`blimp_<paradigm>` in both versions).
BLIMP_PHENOMENA = (
    "adjunct_island", "anaphor_gender_agreement", "anaphor_number_agreement", "animate_subject_passive",
    "animate_subject_trans", "causative", "complex_NP_island",
    "coordinate_structure_constraint_complex_left_branch",
    "coordinate_structure_constraint_object_extraction", "determiner_noun_agreement_1",
    "determiner_noun_agreement_2", "determiner_noun_agreement_irregular_1",
    "determiner_noun_agreement_irregular_2", "determiner_noun_agreement_with_adj_2",
    "determiner_noun_agreement_with_adj_irregular_1", "determiner_noun_agreement_with_adj_irregular_2",
    "determiner_noun_agreement_with_adjective_1", "distractor_agreement_relational_noun",
    "distractor_agreement_relative_clause", "drop_argument", "ellipsis_n_bar_1", "ellipsis_n_bar_2",
    "existential_there_object_raising", "existential_there_quantifiers_1", "existential_there_quantifiers_2",
    "existential_there_subject_raising", "expletive_it_object_raising", "inchoative", "intransitive",
    "irregular_past_participle_adjectives", "irregular_past_participle_verbs",
    "irregular_plural_subject_verb_agreement_1", "irregular_plural_subject_verb_agreement_2",
    "left_branch_island_echo_question", "left_branch_island_simple_question",
    "matrix_question_npi_licensor_present", "npi_present_1", "npi_present_2", "only_npi_licensor_present",
    "only_npi_scope", "passive_1", "passive_2", "principle_A_c_command", "principle_A_case_1",
    "principle_A_case_2", "principle_A_domain_1", "principle_A_domain_2", "principle_A_domain_3",
    "principle_A_reconstruction", "regular_plural_subject_verb_agreement_1",
    "regular_plural_subject_verb_agreement_2", "sentential_negation_npi_licensor_present",
    "sentential_negation_npi_scope", "sentential_subject_island", "superlative_quantifiers_1",
    "superlative_quantifiers_2", "tough_vs_raising_1", "tough_vs_raising_2", "transitive", "wh_island",
    "wh_questions_object_gap", "wh_questions_subject_gap", "wh_questions_subject_gap_long_distance",
    "wh_vs_that_no_gap", "wh_vs_that_no_gap_long_distance", "wh_vs_that_with_gap",
    "wh_vs_that_with_gap_long_distance",
)
#: The 22 Pile subsets (`pile_<subset>`).
PILE_SUBSETS = (
    "arxiv", "bookcorpus2", "books3", "dm-mathematics", "enron", "europarl", "freelaw", "github", "gutenberg",
    "hackernews", "nih-exporter", "opensubtitles", "openwebtext2", "philpapers", "pile-cc",
    "pubmed-abstracts", "pubmed-central", "stackexchange", "ubuntu-irc", "uspto", "wikipedia",
    "youtubesubtitles",
)


def _one_of(names: tuple[str, ...]) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


#: (dataset, pattern): the pattern must match the whole task name; its group `c` is the category. Tried in
#: order, so the more specific families come first (`lambada_openai_mt_de` before `lambada_openai`).
FAMILIES: tuple[tuple[str, str], ...] = (
    ("mmlu", rf"(?:hendrycksTest-|mmlu_)(?P<c>{_one_of(MMLU_SUBJECTS)})"),
    ("ceval-valid", r"(?:Ceval-valid-|ceval-valid_)(?P<c>[a-z_]+)"),
    ("cmmlu", r"cmmlu[-_](?P<c>[a-z_]+)"),
    ("xnli", r"xnli_(?P<c>[a-z]{2,3})"),
    ("pawsx", r"paws(?:x)?_(?P<c>[a-z]{2})"),
    ("xcopa", r"xcopa_(?P<c>[a-z]{2})"),
    ("xstorycloze", r"xstory_?cloze_(?P<c>[a-z]{2})"),
    ("xwinograd", r"xwinograd_(?P<c>[a-z]{2})"),
    ("lambada_multilingual", r"lambada_openai_mt_(?P<c>[a-z]{2})"),
    ("lambada_cloze", r"lambada_(?P<c>openai|standard)_cloze"),
    ("lambada", r"lambada_(?P<c>openai|standard)"),
    ("blimp", rf"blimp_(?P<c>{_one_of(BLIMP_PHENOMENA)})"),
    ("arithmetic", r"arithmetic_(?P<c>\d+d[acms])"),
    ("bigbench_multiple_choice", r"bigbench_(?P<c>\w+?)_multiple_choice"),
    ("bigbench_generate_until", r"bigbench_(?P<c>\w+?)_generate_until"),
    ("bigbench", r"bigbench_(?P<c>\w+)"),
    ("agieval", r"agieval_(?P<c>\w+)"),
    ("anli", r"anli_(?P<c>r[1-3])"),
    ("hendrycks_ethics", r"ethics_(?P<c>cm|deontology|justice|utilitarianism_original|utilitarianism|virtue)"),
    ("hendrycks_math", r"(?:hendrycks_)?math_(?P<c>algebra|counting_and_prob|geometry|intermediate_algebra"
                       r"|num_theory|prealgebra|precalc)"),
    ("mgsm", r"mgsm_(?P<c>[a-z]{2})"),
    ("crows_pairs", r"crows_pairs_(?P<c>(?:english|french)(?:_[a-z_]+)?)"),
    ("pile", rf"pile_(?P<c>{_one_of(PILE_SUBSETS)})"),
    ("qa4mre", r"qa4mre_(?P<c>20\d\d)"),
    ("headqa", r"headqa_(?P<c>en|es)"),
    ("wmt14", r"wmt14-(?P<c>[a-z]{2}-[a-z]{2})"),
    ("wmt16", r"wmt16-(?P<c>[a-z]{2}-[a-z]{2})"),
    ("wmt20", r"wmt20-(?P<c>[a-z]{2}-[a-z]{2})"),
    ("iwslt17", r"iwslt17-(?P<c>[a-z]{2}-[a-z]{2})"),
)
_COMPILED = tuple((dataset, re.compile(pattern)) for dataset, pattern in FAMILIES)


def family_of(task: str) -> tuple[str, str] | None:
    """(dataset, category) of a task name in a known family, or None."""
    for dataset, pattern in _COMPILED:
        match = pattern.fullmatch(task)
        if match:
            return dataset, match.group("c")
    return None
