"""The name escape: any text → one safe, bounded path component that turns back into the text."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eval_analyzer.station.names import (
    MAX_NAME_CHARS,
    WINDOWS_RESERVED,
    escape_name,
    is_shortened,
    unescape_name,
)

#: Text that stresses the escape: separators, dots, percent signs, CJK, controls, surrogates, reserved names.
tricky = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(list("./\\%~:. \x00\n台灣aZ09_-")), max_size=40),
    st.sampled_from(sorted(WINDOWS_RESERVED)).flatmap(
        lambda name: st.tuples(st.just(name), st.sampled_from(["", ".json", ".x.y", "a"]))).map("".join),
    st.text(min_size=100, max_size=400),
)


def assert_safe(component: str) -> None:
    assert component not in ("", ".", "..")
    assert "/" not in component and "\\" not in component
    assert not any(ord(char) < 32 or ord(char) == 127 for char in component)
    assert all(char in string.printable for char in component)
    assert not component.startswith(".") and not component.endswith(".")
    assert component.split(".", 1)[0].upper() not in WINDOWS_RESERVED
    assert len(component) <= MAX_NAME_CHARS


@given(tricky)
def test_escape_is_safe_and_reversible(name):
    component = escape_name(name)
    assert_safe(component)
    if is_shortened(component):
        assert unescape_name(component) is None
    else:
        assert unescape_name(component) == name


@given(st.text(min_size=1), st.text(min_size=1))
def test_different_names_never_share_a_component(one, two):
    if one != two:
        assert escape_name(one) != escape_name(two)


@pytest.mark.parametrize("name, component", [
    ("gpt-oss-120b", "gpt-oss-120b"),
    ("qwen1.5-7b", "qwen1.5-7b"),
    ("..", "%2E%2E"),
    (".hidden", "%2Ehidden"),
    ("ends.", "ends%2E"),
    ("a/b", "a%2Fb"),
    ("..\\..\\x", "%2E.%5C..%5Cx"),
    ("CON", "%43ON"),
    ("com1.json", "%63om1.json"),
    ("console", "console"),
    ("台", "%E5%8F%B0"),
    ("100%", "100%25"),
    ("", "%"),
])
def test_examples(name, component):
    assert escape_name(name) == component
    assert unescape_name(component) == name


def test_long_names_are_cut_with_a_hash_and_stay_distinct():
    one, two = "模型" * 100 + "a", "模型" * 100 + "b"
    assert is_shortened(escape_name(one)) and escape_name(one) != escape_name(two)
    assert len(escape_name(one)) <= MAX_NAME_CHARS
    assert unescape_name(escape_name(one)) is None


def test_names_opencompass_wrote_raw_are_read_as_they_are():
    assert unescape_name("internlm-chat-7b-hf_judged-by--gpt-4") == "internlm-chat-7b-hf_judged-by--gpt-4"
    assert unescape_name("模型") == "模型"
    assert unescape_name("50%off") == "50%off"
