"""Property tests: whatever JSON or CSV arrives, loading never raises and never needs the loader's safety net.

`read_file` catches any exception as a last resort ("could not be read (TypeError…)"); a reader that gets there
has a bug, so the properties check for that message as well as for exceptions.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eval_analyzer.core.errors import ReadError
from eval_analyzer.core.formats.lmeval import looks_like_lmeval, parse_lmeval
from eval_analyzer.core.formats.opencompass_station import looks_like_station, parse_station
from eval_analyzer.core.formats.opencompass_summary import looks_like_summary, parse_summary_csv
from eval_analyzer.core.loader import load_files

SAFETY_NET = "could not be read ("
NAMES = st.sampled_from(["mmlu", "mmlu_a", "g", "ceval-law", "acc,none", "acc_stderr,none", "details", "error",
                         "correct", "abbr", "name", "path", "alias", "dataset_name", "0", "1", ""])
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | NAMES
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(NAMES | st.text(max_size=6), inner, max_size=4), max_leaves=25)
JUNK_DICT = st.dictionaries(NAMES, JSON, max_size=5)

STATIONS = st.fixed_dictionaries({
    "predictions": st.lists(JSON, max_size=2),
    "results": JUNK_DICT,
    "cfg": st.fixed_dictionaries({"models": JUNK_DICT, "datasets": JUNK_DICT},
                                 optional={"judge_models": JSON}),
})
LMEVALS = st.fixed_dictionaries(
    {"results": st.dictionaries(NAMES, JUNK_DICT | JSON, max_size=5)},
    optional={"group_subtasks": st.dictionaries(NAMES, st.lists(NAMES | SCALARS, max_size=4) | JSON, max_size=5),
              "configs": st.dictionaries(NAMES, JUNK_DICT | JSON, max_size=3),
              "higher_is_better": st.dictionaries(NAMES, JUNK_DICT | JSON, max_size=3),
              "groups": st.dictionaries(NAMES, JUNK_DICT, max_size=3),
              "versions": JSON, "config": JUNK_DICT | JSON, "model_name": SCALARS,
              "date": SCALARS | st.floats(min_value=-1e20, max_value=1e20)},
)
FILE_NAMES = st.sampled_from(["r.json", "station/ceval-law/m_judged-by--gpt-4.json", "results_2024-05-01T12-00-00.json",
                              "a\\b\\c.json", "x"])


def _check(loaded) -> None:
    for problem in loaded.problems:
        assert problem.file and SAFETY_NET not in problem.what, str(problem)
    assert loaded.table["score"].notna().all()


def _dumps(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


fuzz = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fuzz
@given(JSON, FILE_NAMES)
def test_arbitrary_json_never_raises(obj, name):
    _check(load_files([(name, _dumps(obj))]))


@fuzz
@given(STATIONS, FILE_NAMES)
def test_station_shaped_junk_is_read_or_reported(obj, name):
    assert looks_like_station(obj)
    try:
        parse_station(obj, name)
    except ReadError:
        pass
    _check(load_files([(name, _dumps(obj))]))


@fuzz
@given(LMEVALS, FILE_NAMES)
def test_lmeval_shaped_junk_is_read_or_reported(obj, name):
    obj.setdefault("versions", {})
    assert looks_like_lmeval(obj)
    try:
        parse_lmeval(obj, name)
    except ReadError:
        pass
    _check(load_files([(name, _dumps(obj))]))


CELLS = st.sampled_from(["-", "", "12.5", "100.00", "nan", "inf", "x", '"a,b"', "ceval-law", "naive_average",
                         "ceval", "accuracy", " 3 "])
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=7).map(",".join), max_size=8)


@fuzz
@given(st.integers(min_value=1, max_value=3), ROWS, st.sampled_from(["\n", "\r\n"]))
def test_summary_shaped_junk_is_read_or_reported(models, rows, newline):
    header = "dataset,version,metric,mode," + ",".join(f"m{index}" for index in range(models))
    text = newline.join([header, *rows]) + newline
    assert looks_like_summary(text)
    try:
        parse_summary_csv(text, "summary_20240101_000000.csv")
    except ReadError:
        pass
    _check(load_files([("summary_20240101_000000.csv", text.encode())]))
