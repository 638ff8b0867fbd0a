"""The Streamlit Twinkle analyzer on this machine, with our benchmark's data (issue 13): side-by-side numbers.

The Streamlit app is not part of this repository. Get it with
`git clone https://github.com/thliang01/eval-analyzer` and pass its `app.py`. The script creates (or reuses) a venv
outside the repository, ~/.cache/eval-analyzer/streamlit-venv, with `streamlit`, `altair` and `pandas` from PyPI,
and runs `streamlit run app.py` headless on 127.0.0.1. Headless Chromium (launched as the browser tests do)
uploads the same 100 generated Twinkle files × 125 categories as `benchmarks/session_memory.py`
(`tests/datagen.many_sources`) through the page's `input[type=file]`, then changes the app's sidebar controls
(the "以 0–100 顯示" checkbox, the "排序方式" sort select, the "每張圖顯示幾個類別" page size) REPEATS times each.

Each action is timed from the action (set_input_files, the checkbox click, the click on the new option of an
open select) until
- idle: the app's script has run and stopped (`stApp`'s data-test-script-state turned "running" and back to
  "notRunning"; Streamlit's running indicator is gone), the charts are drawn (every vega-embed svg/canvas has a
  size) and the browser has painted two frames;
- settled: the last DOM change in the app after which nothing changed for QUIET_MS (the charts and tables
  drawn after the script finished).
Prints the median, min and max per action, in ms. With `--ours`, also our dashboard's upload → Overview for the
same files (`benchmarks/session_memory.one_session`; the controls are measured by `benchmarks/interaction.py`).
Asserts nothing.

Run alone on small machines:
`flock /tmp/eval-analyzer-browser.lock .venv/bin/python benchmarks/streamlit_side_by_side.py PATH/TO/app.py [--ours]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
import datagen  # noqa: E402
from chromium import free_port, launch, wait_for_port  # noqa: E402

FILES = 100
REPEATS = 5
#: No DOM change in the app for this long ends an action.
QUIET_MS = 1000
VENV = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "eval-analyzer" / "streamlit-venv"
PACKAGES = ["streamlit", "altair", "pandas"]

CHECKBOX = "以 0–100 顯示"
SORT = ("排序方式", ["依字母排序", "依整體平均由高到低"])
PAGE_SIZE = ("每張圖顯示幾個類別", ["50", "20"])

#: Installed before the page's scripts: script-state transitions and DOM changes, on the page's clock.
OBSERVE_JS = """(() => {
  window.stlStates = [];
  window.stlLastChange = 0;
  const watch = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) { requestAnimationFrame(watch); return; }
    let state = app.dataset.testScriptState;
    window.stlStates.push([performance.now(), state]);
    new MutationObserver(() => {
      if (app.dataset.testScriptState !== state) {
        state = app.dataset.testScriptState;
        window.stlStates.push([performance.now(), state]);
      }
    }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
    new MutationObserver(() => { window.stlLastChange = performance.now(); })
      .observe(app, {subtree: true, childList: true, attributes: true, characterData: true});
  };
  document.addEventListener("DOMContentLoaded", watch);
})();"""
#: The script ran after `since` and has stopped; the charts are drawn.
IDLE_JS = """(since) => {
  const ran = window.stlStates.some(([t, s]) => t >= since && s === "running");
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  const drawn = charts.length > 0 && charts.every((c) => {
    const g = c.querySelector(".vega-embed svg, .vega-embed canvas");
    return g && g.clientWidth > 0 && g.clientHeight > 0;
  });
  return ran && app.dataset.testScriptState === "notRunning"
    && !document.querySelector('[data-testid="stStatusWidget"]') && drawn;
}"""
QUIET_JS = "(quiet) => performance.now() - window.stlLastChange > quiet"
PAINTED_JS = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def streamlit_venv() -> Path:
    """The Streamlit venv's python, created with PACKAGES from PyPI unless it exists."""
    python = VENV / "bin" / "python"
    if not (VENV / "bin" / "streamlit").exists():
        print(f"Creating {VENV} with {', '.join(PACKAGES)} …", flush=True)
        subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PACKAGES], check=True)
    return python


def start_streamlit(python: Path, app: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [str(python), "-m", "streamlit", "run", str(app), "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=app.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, wait_for_port(process, port, 60)


def measure(page, action) -> tuple[float, float]:
    """ms from the action until the app is idle with its charts drawn and painted; and until its last DOM
    change (QUIET_MS of no change after it)."""
    page_start = page.evaluate("() => performance.now()")
    start = time.perf_counter()
    action()
    page.wait_for_function(IDLE_JS, arg=page_start, polling="raf", timeout=120_000)
    page.evaluate(PAINTED_JS)
    idle = (time.perf_counter() - start) * 1000
    page.wait_for_function(QUIET_JS, arg=QUIET_MS, polling=100, timeout=120_000)
    settled = page.evaluate("() => window.stlLastChange") - page_start
    return idle, max(idle, settled)


def choose(page, label: str, option: str) -> None:
    """Open the sidebar select labelled `label` (not timed) and return the click on `option`."""
    box = page.locator('[data-testid="stSelectbox"]', has_text=label)
    box.locator('button[aria-haspopup="listbox"]').click()  # Streamlit ≥ 1.5x: a react-aria combobox
    target = page.get_by_role("option", name=option, exact=True)
    target.wait_for()
    return target.click


def streamlit_numbers(app: Path, payload: list[dict]) -> dict[str, list[tuple[float, float]]]:
    process, url = start_streamlit(streamlit_venv(), app)
    results: dict[str, list[tuple[float, float]]] = {"upload": [], "0–100": [], "sort": [], "page size": []}
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            for _ in range(REPEATS):  # each upload in a fresh session
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.add_init_script(OBSERVE_JS)
                page.goto(url)
                page.wait_for_selector('[data-testid="stAlert"]', timeout=60_000)  # "請上傳 Twinkle Eval 檔案"
                page.wait_for_function("() => window.stlStates.at(-1)?.[1] === 'notRunning'", timeout=60_000)
                upload = page.locator('[data-testid="stFileUploader"] input[type=file]')
                results["upload"].append(measure(page, lambda upload=upload: upload.set_input_files(payload)))
                count = page.locator('[data-testid="stVegaLiteChart"]').count()
                if len(results["upload"]) < REPEATS:
                    page.close()
            print(f"  (Streamlit shows {count} charts for the first dataset after the upload)", flush=True)
            checkbox = page.locator('[data-testid="stCheckbox"]', has_text=CHECKBOX)
            scaled = []  # what the user sees changing: the y axis title (x100) and the number of charts
            for _ in range(REPEATS):
                results["0–100"].append(measure(page, checkbox.locator("label").click))
                scaled.append(page.locator('[data-testid="stVegaLiteChart"] svg', has_text="(x100)").count())
            counts = []
            for name, (label, options) in (("sort", SORT), ("page size", PAGE_SIZE)):
                for i in range(REPEATS):
                    results[name].append(measure(page, choose(page, label, options[i % 2])))
                    counts.append(page.locator('[data-testid="stVegaLiteChart"]').count())
            print(f"  (charts titled x100 after each checkbox click: {scaled}; charts after each sort and page-size "
                  f"change: {counts})", flush=True)
            browser.close()
    finally:
        process.terminate()
        process.wait()
    return results


def our_upload(payload: list[dict]) -> list[float]:
    """ms from the upload to our Overview showing the files, REPEATS fresh sessions (after one warm-up)."""
    sys.path.insert(0, str(Path(__file__).parent))
    import session_memory

    process, url = session_memory.start_server()
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            session_memory.one_session(browser, url, payload)
            values = [session_memory.one_session(browser, url, payload) * 1000 for _ in range(REPEATS)]
            browser.close()
    finally:
        process.terminate()
        process.wait()
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("app", type=Path, help="app.py of a clone of https://github.com/thliang01/eval-analyzer")
    parser.add_argument("--ours", action="store_true", help="also time our dashboard's upload of the same files")
    args = parser.parse_args()
    payload = [{"name": name, "mimeType": "application/json", "buffer": data}
               for name, data in datagen.many_sources(FILES)]
    print(f"Streamlit Twinkle analyzer ({args.app.resolve()}), {FILES} Twinkle files × 125 categories "
          f"({sum(len(p['buffer']) for p in payload) / 1e6:.1f} MB), {REPEATS} times each, ms: action → script "
          f"idle, charts drawn and painted | → last DOM change", flush=True)
    results = streamlit_numbers(args.app.resolve(), payload)
    for name, pairs in results.items():
        idle, settled = [p[0] for p in pairs], [p[1] for p in pairs]
        print(f"  {name:<10} median {statistics.median(idle):6.0f}   min {min(idle):6.0f}   max {max(idle):6.0f}"
              f"   | settled median {statistics.median(settled):6.0f}   max {max(settled):6.0f}")
    if args.ours:
        values = our_upload(payload)
        print(f"Ours (eval-analyzer serve, demo data + upload), upload → Overview shows the files: median "
              f"{statistics.median(values):6.0f}   min {min(values):6.0f}   max {max(values):6.0f}")


if __name__ == "__main__":
    main()
