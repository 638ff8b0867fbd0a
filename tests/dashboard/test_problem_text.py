"""Reader problems in Traditional Chinese: every message core can write has a template, and file content is kept."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

import datagen
from conftest import as_bytes, make_twinkle
from eval_analyzer.dashboard.analysis import Analysis
from eval_analyzer.dashboard.problem_text import ZH_TW, translate, translate_where
from eval_analyzer.dashboard.state import DataState
from eval_analyzer.dashboard.views.files import FilesView

CORE = Path(__file__).parents[2] / "src" / "eval_analyzer" / "core"
#: Functions that build a Problem, and the positions of their `what` and `fix` arguments.
BUILDERS = {"Problem": (1, 2), "_problem": (1, 2), "problem": (0, 1)}


def _template(node: ast.AST) -> str | None:
    """The text of a literal, an f-string or a `+` of them, with `{}` where a value goes; None for a variable."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left), _template(node.right)
        return None if left is None and right is None else (left or "{}") + (right or "{}")
    return None


def core_messages() -> set[str]:
    found = set()
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in BUILDERS:
                continue
            args = [node.args[i] for i in BUILDERS[name] if i < len(node.args)]
            args += [keyword.value for keyword in node.keywords if keyword.arg in ("what", "fix")]
            found.update(text for text in map(_template, args) if text and text != "{}")
    return found


def _shape(template: str) -> str:
    return re.sub(r"{\w*}", "{}", template)


def test_every_message_core_can_write_has_a_translation():
    messages = core_messages()
    assert len(messages) > 60  # the scan found core's messages
    known = {_shape(english) for english in ZH_TW}
    missing = sorted(message for message in messages if _shape(message) not in known)
    assert missing == [], f"add these to problem_text.ZH_TW: {missing}"


def test_every_translation_keeps_its_placeholders():
    for english, chinese in ZH_TW.items():
        assert sorted(re.findall(r"{(\w+)}", english)) == sorted(re.findall(r"{(\w+)}", chinese)), english
        assert re.search(r"[\u4e00-\u9fff]", chinese), english


def test_file_content_in_a_message_is_kept_exactly():
    hostile = "<b>{x}</b> 'quoted' (paren)"
    assert translate(f"a second item for '{hostile}' was skipped.", "zh-TW") == f"已略過 '{hostile}' 的第二個項目。"
    assert translate("is empty.", "en") == "is empty."
    assert translate("a message no template knows.", "zh-TW") == "a message no template knows."
    assert translate_where("line 3, dataset 'line 5, item 2', item 4 (x.csv)", "zh-TW") == \
        "第 3 行, 資料集 'line 5, item 2', 第 4 項 (x.csv)"


def test_the_files_tab_shows_reader_problems_in_the_chosen_language():
    broken = make_twinkle("m", "1", {"d": {"x": 0.5, "z": 0.7}})
    broken["dataset_results"]["datasets/d/"]["results"][0]["accuracy_mean"] = None  # the item is skipped
    bad_line = json.dumps(make_twinkle("n", "2", {"d": {"y": 0.6}})).encode() + b"\n{not json\n"
    files = [("broken.json", as_bytes(broken)), ("runs.jsonl", bad_line), ("empty.json", b""),
             *datagen.standard_files()[:1]]
    analysis = Analysis(data=DataState(files=files))
    view = FilesView(analysis=analysis)
    english = view._layout.objects
    text = "".join(str(getattr(row, "object", "")) + "".join(str(getattr(p, "object", "")) for p in
                                                              getattr(row, "objects", [])) for row in english)
    assert "the item was skipped" in text and "is empty." in text and "the line was skipped" in text
    analysis.ui.lang = "zh-TW"
    rows = view._layout.objects
    text = "".join(str(getattr(p, "object", "")) for row in rows for p in getattr(row, "objects", [row]))
    assert "已略過此項目" in text and "是空檔案" in text and "已略過這一行" in text and "第 2 行" in text
    assert "was skipped" not in text and "is empty." not in text
    assert "broken.json" in text and "資料集 &#x27;d&#x27;" in text  # names escaped and unchanged


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_translation_never_fails_on_odd_text(lang):
    for text in ("", "{", "}", "{x}", "is {size} MB", "could not be read (().", "\x00"):
        assert isinstance(translate(text, lang), str) and isinstance(translate_where(text, lang), str)
