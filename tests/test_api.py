"""`import eval_analyzer as ea`: the README's example runs as written, and gives what the files say."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE, as_bytes, make_twinkle
from eval_analyzer.core.errors import UsageError

ROOT = Path(__file__).parents[1]
DATA = ROOT / "tests" / "data"


def readme_example() -> str:
    """The one Python block of the README's "Python API" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    return block


def test_the_readme_example_runs_and_prints_the_files_numbers(monkeypatch):
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(readme_example(), "README.md (Python API)", "exec"), namespace)
    printed = out.getvalue()
    assert "<Results: 2 sources, 2 scores, 0 problems>" in printed
    # Independent of the code: the two lm-eval files' own acc,none for asdiv.
    first = json.loads((DATA / "lmeval" / "v04_asdiv_cot_Llama-3-8B-Instruct_results_2024-08-21T03-41-58.320355"
                        ".json").read_text(encoding="utf-8"))["results"]["asdiv"]["acc,none"]
    [results_file] = (DATA / "lmeval_run").rglob("results_*.json")
    second = json.loads(results_file.read_text(encoding="utf-8"))["results"]["asdiv"]["acc,none"]
    summary = namespace["comparison"].summary
    assert summary["mean_delta"].tolist() == pytest.approx([(second - first) * 100])
    assert namespace["comparison"].ranking["baseline_score"].tolist() == pytest.approx([first * 100])
    [samples] = (DATA / "lmeval_run").rglob("samples_*.jsonl")
    lines = [line for line in samples.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert f"{len(lines)} per-question rows" in printed
    app = namespace["app"]
    assert hasattr(app, "servable") and app.store.data.files  # the dashboard, on the loaded files
    names = {Path(name).name for name, _data in app.store.data.files}
    assert names == {"v04_asdiv_cot_Llama-3-8B-Instruct_results_2024-08-21T03-41-58.320355.json",
                     results_file.name, samples.name}


def test_load_takes_name_bytes_pairs_and_reports_problems():
    import eval_analyzer as ea

    mine = {"logical_fallacies_test": 0.6, "econometrics_test": 0.5}
    document = make_twinkle("m2", datasets={"mmlu": mine})
    results = ea.load([("a.json", FIXTURE.read_bytes()), ("b.json", as_bytes(document)), ("bad.json", b"{oops")])
    assert [p.file for p in results.problems if p.severity == "error"] == ["bad.json"]
    comparison = results.compare("gpt-oss-120b", candidates=["m2"], dataset="mmlu")
    # Δ per shared category, by hand from the two documents: the fixture's accuracy_mean vs m2's.
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))["dataset_results"]["datasets/mmlu/"]["results"]
    base = {row["file"].rsplit("/", 1)[-1].removesuffix(".csv"): row["accuracy_mean"] for row in rows}
    expected = {category: (value - base[category]) * 100 for category, value in mine.items()}
    ranking = comparison.ranking.set_index("category")["delta"].to_dict()
    assert ranking == pytest.approx(expected)  # only the shared categories are paired
    assert comparison.summary["paired"].tolist() == [2]
    with pytest.raises(UsageError, match="nobody"):
        results.compare("nobody")


def test_importing_the_package_loads_neither_pandas_nor_panel():
    code = (f"import sys, eval_analyzer as ea; ea.load({str(FIXTURE)!r}).table;"
            "print(sorted(m for m in ('pandas', 'panel', 'numpy') if m in sys.modules))")
    lazy = subprocess.run([sys.executable, "-c", "import sys, eval_analyzer;"
                           "print(sorted(m for m in ('pandas', 'panel', 'numpy') if m in sys.modules))"],
                          capture_output=True, text=True, check=True)
    assert lazy.stdout.strip() == "[]"
    used = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "panel" not in used.stdout  # loading results never needs Panel; only .app() does
