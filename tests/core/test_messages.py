"""Problem texts: every code has an English and a Traditional Chinese text, and file content is kept exactly."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

import datagen
from conftest import as_bytes, make_twinkle
from eval_analyzer.core.errors import problem
from eval_analyzer.core.messages import EN, ZH_TW, placeholders, render, render_where
from eval_analyzer.dashboard.state import DataState
from eval_analyzer.dashboard.store import DerivedData
from eval_analyzer.dashboard.views.files import FilesView

CORE = Path(__file__).parents[2] / "src" / "eval_analyzer"


def codes_in_source() -> set[str]:
    """Every code a `problem(...)` / `Problem(...)` call in the package's source names (its second argument)."""
    found = set()
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or getattr(node.func, "id", getattr(node.func, "attr", None)) not in (
                    "problem", "Problem"):
                continue
            args = list(node.args[1:2]) + [kw.value for kw in node.keywords if kw.arg == "code"]
            found.update(arg.value for arg in args if isinstance(arg, ast.Constant) and isinstance(arg.value, str))
    return found


def test_every_code_the_source_uses_has_both_texts():
    used = codes_in_source()
    assert len(used) > 40  # the scan found the package's problems
    assert sorted(used - set(EN)) == [], "add these codes to core/messages.py EN"
    assert sorted(used - set(ZH_TW)) == [], "add these codes to core/messages.py ZH_TW"


def test_both_catalogs_have_the_same_codes_and_placeholders():
    assert set(EN) == set(ZH_TW)
    for code, (what, fix) in EN.items():
        zh_what, zh_fix = ZH_TW[code]
        assert placeholders(what) == placeholders(zh_what) and placeholders(fix) == placeholders(zh_fix), code
        assert re.search(r"[\u4e00-\u9fff]", zh_what), code
        assert bool(fix) == bool(zh_fix), code


def test_file_content_in_a_message_is_kept_exactly():
    hostile = "<b>{x}</b> 'quoted' (paren)"
    item = problem("f.json", "twinkle.repeated_item", category=hostile)
    assert item.text("zh-TW")[0] == f"已略過 '{hostile}' 的第二個項目。"
    assert item.what == f"a second item for '{hostile}' was skipped." and str(item).startswith("f.json: a second")
    assert render_where("line 3, dataset 'line 5, item 2', item 4 (x.csv)", "zh-TW") == \
        "第 3 行, 資料集 'line 5, item 2', 第 4 項 (x.csv)"


def test_a_kind_is_named_in_each_language():
    item = problem("f.json", "twinkle.item_not_object", kind="str")
    assert item.what.startswith("is a string, not an object") and item.text("zh-TW")[0].startswith("是字串")


def test_the_files_tab_shows_reader_problems_in_the_chosen_language():
    broken = make_twinkle("m", "1", {"d": {"x": 0.5, "z": 0.7}})
    broken["dataset_results"]["datasets/d/"]["results"][0]["accuracy_mean"] = None  # the item is skipped
    bad_line = json.dumps(make_twinkle("n", "2", {"d": {"y": 0.6}})).encode() + b"\n{not json\n"
    files = [("broken.json", as_bytes(broken)), ("runs.jsonl", bad_line), ("empty.json", b""),
             *datagen.standard_files()[:1]]
    store = DerivedData(data=DataState(files=files))
    view = FilesView(store=store)
    english = view._layout.objects
    text = "".join(str(getattr(row, "object", "")) + "".join(str(getattr(p, "object", "")) for p in
                                                              getattr(row, "objects", [])) for row in english)
    assert "the item was skipped" in text and "is empty." in text and "the line was skipped" in text
    store.ui.lang = "zh-TW"
    rows = view._layout.objects
    text = "".join(str(getattr(p, "object", "")) for row in rows for p in getattr(row, "objects", [row]))
    assert "已略過此項目" in text and "是空檔案" in text and "已略過這一行" in text and "第 2 行" in text
    assert "was skipped" not in text and "is empty." not in text
    assert "broken.json" in text and "資料集 &#x27;d&#x27;" in text  # names escaped and unchanged


@pytest.mark.parametrize("lang", ["en", "zh-TW", "fr"])
def test_rendering_never_fails_on_odd_parameters_or_codes(lang):
    for params in ({}, {"size": "{"}, {"error": "}"}, {"kind": None}):
        for code in ("file.too_big", "file.crashed", "no.such.code"):
            what, fix = render(code, params, lang)
            assert isinstance(what, str) and isinstance(fix, str)
    for text in ("", "{", "}", "{x}", "\x00"):
        assert isinstance(render_where(text, lang), str)
