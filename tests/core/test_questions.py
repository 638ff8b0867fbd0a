"""Question buckets, run shares, search, sort and paging against plain Python and core.stats' b and c."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import datagen
from eval_analyzer.core.loader import load_files
from eval_analyzer.core.questions import (
    BUCKETS,
    QuestionQuery,
    bucket_counts,
    export_rows,
    pair_answers,
    question_page,
    question_pairs,
)
from eval_analyzer.core.stats import paired_stats


def frame_of(rows: list[tuple]) -> pd.DataFrame:
    """(source, category, question_id, run, value[, question, output]) tuples as a per-question table."""
    full = [(*row, "", "")[:7] for row in rows]
    frame = pd.DataFrame(full, columns=["source_label", "category", "question_id", "run", "value", "question",
                                        "output"])
    frame["dataset"] = "ds"
    frame["metric"] = "accuracy"
    frame["gold"] = "A"
    for name in ("source_label", "category", "question_id", "metric", "dataset"):
        frame[name] = frame[name].astype("category")
    return frame


answers = st.lists(st.tuples(st.sampled_from(["B", "C"]), st.sampled_from(["x", "y", "z"]),
                             st.integers(0, 15), st.integers(0, 1)), min_size=1, max_size=120)


@settings(max_examples=80, deadline=None)
@given(answers)
def test_buckets_partition_the_paired_questions_and_regressed_fixed_are_mcnemars_b_and_c(items):
    unique = {(source, category, str(qid)): float(value) for source, category, qid, value in items}
    frame = frame_of([(s, c, q, 0, v) for (s, c, q), v in unique.items()])
    pairs = pair_answers(frame, "B", "C")
    # plain Python: the questions both answered, and their buckets
    shared = {(c, q) for (s, c, q) in unique if s == "B" and (("C", c, q) in unique)}
    if not shared:
        assert pairs.status in ("no_shared", "no_baseline_samples", "no_candidate_samples")
        return
    expected = {}
    for c, q in shared:
        b, k = unique[("B", c, q)], unique[("C", c, q)]
        expected[(c, q)] = {(1, 0): "regressed", (0, 1): "fixed", (0, 0): "both_wrong", (1, 1): "both_right"}[
            (int(b), int(k))]
    got = dict(zip(zip(pairs.questions["category"].astype(str), pairs.questions["question_id"].astype(str),
                       strict=True), pairs.questions["bucket"].astype(str), strict=True))
    assert got == expected  # each paired question once, in its one bucket
    stats = paired_stats(frame, "B", ["C"]).set_index("category")
    for category in stats.index:
        counts = bucket_counts(pairs, category)
        assert counts["regressed"] == stats.loc[category, "b"]
        assert counts["fixed"] == stats.loc[category, "c"]
        assert sum(counts.values()) == stats.loc[category, "n"]
    assert sum(bucket_counts(pairs).values()) == len(shared)


def test_repeated_runs_give_shares_and_a_flaky_bucket():
    rows = []
    runs = {"q1": ([1, 1, 1], [0, 0, 0]), "q2": ([1, 1, 1], [1, 0, 0]), "q3": ([0, 0, 0], [1, 1, 1]),
            "q4": ([1, 1, 1], [1, 1, 1]), "q5": ([0, 0, 0], [0, 0, 0])}
    for qid, (base, cand) in runs.items():
        rows += [("B", "x", qid, run, float(v), f"text {qid}", f"base says {v}") for run, v in enumerate(base)]
        rows += [("C", "x", qid, run, float(v), f"text {qid}", f"cand says {v}") for run, v in enumerate(cand)]
    pairs = pair_answers(frame_of(rows), "B", "C")
    page = question_page(pairs, QuestionQuery())
    table = page.rows.set_index("question_id")
    assert dict(table["bucket"]) == {"q1": "regressed", "q2": "flaky", "q3": "fixed", "q4": "both_right",
                                     "q5": "both_wrong"}
    assert table.loc["q2", "baseline_right"] == "3/3" and table.loc["q2", "candidate_right"] == "1/3"
    assert table.loc["q2", "candidate_runs"] == (1.0, 0.0, 0.0)
    assert table.loc["q2", "candidate_output"] == "[run 0] cand says 1\n[run 1] cand says 0\n[run 2] cand says 0"
    assert page.counts == {"regressed": 1, "fixed": 1, "both_wrong": 1, "both_right": 1, "flaky": 1, "tied": 0}
    # every run's output is searched: the candidate was right in some run of q2, q3 and q4
    found = question_page(pairs, QuestionQuery(search="CAND SAYS 1"))
    assert sorted(found.rows["question_id"]) == ["q2", "q3", "q4"]


def test_non_binary_scores_are_bucketed_by_the_sign_of_the_difference_and_the_metric_direction():
    rows = [("B", "x", "a", 0, 0.5), ("C", "x", "a", 0, 0.7), ("B", "x", "b", 0, 0.5), ("C", "x", "b", 0, 0.2),
            ("B", "x", "c", 0, 0.4), ("C", "x", "c", 0, 0.4)]
    higher = pair_answers(frame_of(rows), "B", "C")
    assert dict(zip(higher.questions["question_id"].astype(str), higher.questions["bucket"].astype(str),
                    strict=True)) == {"a": "fixed", "b": "regressed", "c": "tied"}
    lower = pair_answers(frame_of(rows), "B", "C", sign=-1.0)
    assert dict(zip(lower.questions["question_id"].astype(str), lower.questions["bucket"].astype(str),
                    strict=True)) == {"a": "regressed", "b": "fixed", "c": "tied"}
    assert lower.questions.set_index(lower.questions["question_id"].astype(str))["d"]["a"] == pytest.approx(-0.2)


def _random_pairs(seed: int, n: int = 400):
    rng = np.random.default_rng(seed)
    rows, truth = [], {}
    words = ["alpha", "Beta", "GAMMA", "<b>delta</b>", "a.b*c", "國文", "ÉCOLE"]
    for i in range(n):
        category, qid = f"cat{rng.integers(0, 4)}", str(rng.integers(0, 10_000) if i % 7 else f"id{i}")
        if any(key[:2] == (category, qid) for key in truth):
            continue
        b, c = int(rng.integers(0, 2)), int(rng.integers(0, 2))
        question = f"q {words[rng.integers(0, len(words))]} {i}"
        outs = (f"base {words[rng.integers(0, len(words))]}", f"cand {words[rng.integers(0, len(words))]}")
        rows += [("B", category, qid, 0, float(b), question, outs[0]), ("C", category, qid, 0, float(c), question,
                                                                        outs[1])]
        truth[(category, qid, i)] = (b, c, question, outs)
    return pair_answers(frame_of(rows), "B", "C"), truth


def _natural(qid: str):
    return (0, int(qid), qid) if qid.isdigit() else (1, 0, qid)


@pytest.mark.parametrize("term", ["", "alpha", "beta", "gamma", "<B>DELTA", "a.b*c", "國", "école", "nothing"])
@pytest.mark.parametrize("sort", ["category", "id", "d_asc", "d_desc"])
def test_search_sort_and_pages_match_plain_python(term, sort):
    pairs, truth = _random_pairs(3)
    items = []
    for (category, qid, _i), (b, c, question, outs) in truth.items():
        text = [question, *outs]
        if term and not any(term.lower() in part.lower() for part in text):
            continue
        items.append((category, qid, c - b))
    keys = {"category": lambda x: (x[0], _natural(x[1])), "id": lambda x: (_natural(x[1]), x[0]),
            "d_asc": lambda x: (x[2], x[0], _natural(x[1])), "d_desc": lambda x: (-x[2], x[0], _natural(x[1]))}
    expected = [(category, qid) for category, qid, _d in sorted(items, key=keys[sort])]
    got, page, pages = [], 1, None
    while True:
        result = question_page(pairs, QuestionQuery(search=term, sort=sort, page=page, page_size=37))
        assert result.total == len(expected)
        pages = result.pages
        got += list(zip(result.rows["category"], result.rows["question_id"], strict=True))
        if page >= pages:
            break
        page += 1
    assert got == expected
    assert pages == max(1, -(-len(expected) // 37))
    beyond = question_page(pairs, QuestionQuery(search=term, sort=sort, page=pages + 5, page_size=37))
    assert beyond.page == pages  # clamped


def test_bucket_and_category_filters_and_the_csv_rows():
    pairs, truth = _random_pairs(5)
    names = {(1, 0): "regressed", (0, 1): "fixed", (0, 0): "both_wrong", (1, 1): "both_right"}
    for bucket in BUCKETS:
        expected = sorted((c, q) for (c, q, _i), (b, k, *_rest) in truth.items()
                          if names[(b, k)] == bucket and c == "cat1")
        rows = export_rows(pairs, QuestionQuery(bucket=bucket, category="cat1", sort="category"))
        assert sorted(zip(rows["category"], rows["question_id"], strict=True)) == expected
        assert set(rows["bucket"]) <= {bucket}
    rows = export_rows(pairs, QuestionQuery(bucket="regressed"))
    first = rows.iloc[0]
    b, c, question, outs = next(v for (cat, q, _i), v in truth.items()
                                if (cat, q) == (first["category"], first["question_id"]))
    assert (first["question"], first["baseline_output"], first["candidate_output"]) == (question, *outs)
    assert first["baseline_runs"] == "1" and first["candidate_runs"] == "0"


# -- real Twinkle files: the scored metric, statuses ----------------------------------------------------------

TS = "20250101_0000"


def twinkle_files(model: str, ts: str, flags: dict[str, list[bool]], outputs: str = "answer {qid}"):
    """results_<ts>.json and one eval_results_<ts>_run0.jsonl of `model`, per-question flags per category."""
    items, lines = [], []
    for category, marks in flags.items():
        path = f"datasets/mmlu/{category}.csv"
        items.append({"file": path, "accuracy_mean": sum(marks) / len(marks), "accuracy_std": 0.0,
                      "individual_runs": {"accuracies": [sum(marks) / len(marks)]}})
        lines += [json.dumps({"question_id": qid, "sample_id": 0, "question": f"Q{qid} of {category}",
                              "correct_answer": "A", "llm_output": outputs.format(qid=qid), "is_correct": mark})
                  for qid, mark in enumerate(marks)]
    results = {"timestamp": ts, "config": {"model": {"name": model}},
               "dataset_results": {"datasets/mmlu": {"results": items}}}
    return [(f"{model}/results_{ts}.json", json.dumps(results).encode()),
            (f"{model}/eval_results_{ts}_run0.jsonl", ("\n".join(lines) + "\n").encode())]


def test_real_files_find_every_regressed_and_fixed_question():
    base = {"alg": [True, True, False, False, True, False, True], "bio": [True, False, True, False, True]}
    cand = {"alg": [False, True, True, False, True, True, False], "bio": [False, False, True, True, True]}
    loaded = load_files(twinkle_files("base", TS, base) + twinkle_files("cand", "20250102_0000", cand))
    labels = list(dict.fromkeys(loaded.table["source_label"]))
    pairs = question_pairs(loaded, "mmlu", "", labels[0], labels[1])
    assert pairs.status == "ok"
    rows = export_rows(pairs, QuestionQuery(bucket="regressed"))
    expected = sorted((c, str(q)) for c in base for q, (b, k) in enumerate(zip(base[c], cand[c], strict=True))
                      if b and not k)
    assert sorted(zip(rows["category"], rows["question_id"], strict=True)) == expected
    fixed = export_rows(pairs, QuestionQuery(bucket="fixed"))
    assert sorted(zip(fixed["category"], fixed["question_id"], strict=True)) == sorted(
        (c, str(q)) for c in base for q, (b, k) in enumerate(zip(base[c], cand[c], strict=True)) if k and not b)
    assert set(fixed["question"]) == {f"Q{q} of {c}" for c, q in zip(fixed["category"], fixed["question_id"],
                                                                      strict=True)}


def test_statuses_say_which_side_lacks_answers():
    flags = {"alg": [True, False]}
    with_answers = twinkle_files("base", TS, flags)
    scores_only = [twinkle_files("cand", "20250102_0000", flags)[0]]
    loaded = load_files(with_answers + scores_only)
    base, cand = list(dict.fromkeys(loaded.table["source_label"]))
    assert question_pairs(loaded, "mmlu", "", base, cand).status == "no_candidate_samples"
    assert question_pairs(loaded, "mmlu", "", cand, base).status == "no_baseline_samples"
    assert question_pairs(loaded, "mmlu", "", base, "").status == "no_candidate"
    empty = question_page(question_pairs(loaded, "mmlu", "", base, cand), QuestionQuery())
    assert empty.total == 0 and empty.rows.empty


# -- reasoning: both sides' texts, every run, searched, in the CSV ----------------------------------------------

def reasoned_files():
    """Twinkle files of a baseline (one run) and a candidate (two runs) with `llm_reasoning_output` on some
    questions, and of a third model without any; returns the files and the reasoning per (model, qid, run)."""
    base = {"alg": [[True, True, False, False, True, False]]}
    cand = {"alg": [[False, True, True, False, True, True], [False, True, True, False, False, True]]}
    texts = {("base", qid, 0): f"base thinks about {qid}" for qid in (0, 2, 4)}
    texts[("base", 5, 0)] = "the giraffe is tall"
    for qid in range(6):
        for run in range(2):
            if qid != 3 and not (qid == 2 and run == 0):
                texts[("cand", qid, run)] = f"cand run{run} on {qid}"
    texts[("cand", 4, 1)] = "a zebra crossed"

    def reasoning(model):
        return lambda _category, qid, run: texts.get((model, qid, run))

    files = (datagen.twinkle_with_answers("base", TS, base, folder="a", reasoning=reasoning("base"))
             + datagen.twinkle_with_answers("cand", "20250102_0000", cand, folder="b", reasoning=reasoning("cand"))
             + datagen.twinkle_with_answers("plain", "20250103_0000", base, folder="c"))
    return files, texts


def test_the_page_has_both_sides_reasoning_each_run_under_its_line():
    files, texts = reasoned_files()
    loaded = load_files(files)
    labels = list(dict.fromkeys(loaded.table["source_label"]))
    pairs = question_pairs(loaded, "mmlu", "", labels[0], labels[1])
    assert pairs.status == "ok" and pairs.has_reasoning and pairs.has_texts
    rows = question_page(pairs, QuestionQuery(sort="id")).rows.set_index("question_id")
    for qid in range(6):
        assert rows.loc[str(qid), "baseline_reasoning"] == texts.get(("base", qid, 0), "")
        cand = [texts.get(("cand", qid, run), "") for run in range(2)]
        expected = "" if not any(cand) else "\n".join(f"[run {run}] {text}" for run, text in enumerate(cand))
        assert rows.loc[str(qid), "candidate_reasoning"] == expected
    assert rows.loc["2", "candidate_reasoning"] == "[run 0] \n[run 1] cand run1 on 2"
    assert rows.loc["3", "candidate_reasoning"] == ""
    # outputs are still the outputs
    assert rows.loc["0", "baseline_output"] == "base answers A to 0"
    # the CSV carries both columns
    exported = export_rows(pairs, QuestionQuery())
    assert list(exported.columns[-2:]) == ["baseline_reasoning", "candidate_reasoning"]
    assert set(exported["baseline_reasoning"]) == {texts.get(("base", q, 0), "") for q in range(6)}


@pytest.mark.parametrize(("term", "found"), [("ZEBRA", ["4"]), ("giraffe", ["5"]), ("thinks about", ["0", "2", "4"]),
                                             ("cand run0 on 2", [])])
def test_search_finds_words_that_are_only_in_a_reasoning(term, found):
    files, texts = reasoned_files()
    loaded = load_files(files)
    labels = list(dict.fromkeys(loaded.table["source_label"]))
    pairs = question_pairs(loaded, "mmlu", "", labels[0], labels[1])
    # plain Python: the questions whose some reasoning holds the term (no question or output holds these words)
    expected = sorted({str(qid) for (_model, qid, _run), text in texts.items() if term.lower() in text.lower()})
    assert expected == found
    assert sorted(question_page(pairs, QuestionQuery(search=term)).rows["question_id"]) == found


def test_one_answer_a_side_searches_reasoning_too_and_a_pair_without_it_has_none():
    files, _texts = reasoned_files()
    loaded = load_files(files)
    base, _cand, plain = list(dict.fromkeys(loaded.table["source_label"]))
    pairs = question_pairs(loaded, "mmlu", "", plain, base)  # one run each side
    assert pairs.has_reasoning
    assert list(question_page(pairs, QuestionQuery(search="giraffe")).rows["question_id"]) == ["5"]
    rows = question_page(pairs, QuestionQuery(sort="id")).rows
    assert set(rows["baseline_reasoning"]) == {""} and rows["candidate_reasoning"].iloc[5] == "the giraffe is tall"


def test_reasoning_of_other_sources_does_not_count_for_a_pair():
    rows = [("B", "x", "q1", 0, 1.0), ("C", "x", "q1", 0, 0.0), ("D", "x", "q1", 0, 1.0)]
    frame = frame_of(rows)
    # a categorical column keeps every source's categories: D's reasoning must not show columns for B and C
    frame["reasoning"] = pd.Categorical(["", "", "D reasons"])
    pairs = pair_answers(frame, "B", "C")
    assert pairs.status == "ok" and not pairs.has_reasoning
    assert pair_answers(frame, "B", "D").has_reasoning
