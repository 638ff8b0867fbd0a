"""Browser interaction latency (issues 3, 13): from a control's input event (click, Enter, change) to the updated
chart and table, in Chromium, and to the last server message (the busy indicator turning idle).

N sources × 125 categories (the real fixture's three runs under N model names; N = 20 and 100 by default) are
served by `eval-analyzer serve`; headless Chromium changes a control and waits until both the chart and the table
of the view are updated: the table is re-rendered (old elements are marked before the change), the chart's data
source has received new data (charts update in place), and the frame that draws them is done (`painted_js`: the
page's clock at the start of the next frame). Then it waits until the server has sent nothing for QUIET_MS and
takes the time of the last message the page received: the template's busy indicator turning idle is that
message, so this is how long the page looks busy ("idle", never less than the time to the drawn frame).

Besides the controls it times, each on a fresh page (a new session) so that nothing is built yet: the first open
of the Δ tab and of the Heatmaps tab (until their tables and charts are drawn), and the upload path: the same N
files dropped on the upload widget of a server started on an empty folder, from the input's change event until
the Overview shows them. Targets (issue 13, judged on "idle"): every control ≤ 150 ms at 20 models and ≤ 250 ms
at 100; Δ tab first open ≤ 500 ms and Heatmaps ≤ 700 ms at 100 models; upload of 100 files → Overview ≤ 1.0 s.
Prints medians; asserts nothing.

Run alone on small machines:
`flock /tmp/eval-analyzer-browser.lock .venv/bin/python benchmarks/interaction.py [SOURCES ...] [--only PART,...]`,
PART one of controls, opens, uploads (all three by default): comparing two versions of one part is quicker alone.
"""

from __future__ import annotations

import argparse
import copy
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from eval_analyzer.core.formats.twinkle import split_runs

# The browser tests' launch settings, so benchmarks drive Chromium exactly as the tests do.
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from chromium import free_port, launch  # noqa: E402

FIXTURE = Path(__file__).parents[1] / "tests" / "data" / "results_20250806_1543.json"
SIZES = (20, 100)
REPEATS = 10
#: Fresh pages per first-open and upload measurement (each is a new session, so these are slower to repeat).
OPENS = 5
#: Targets on the time to idle, ms: controls by number of models, first opens and the upload at 100 models.
CONTROL_TARGET_MS = {20: 150, 100: 250}
OPEN_TARGET_MS = {"Δ tab first open": 500, "Heatmaps first open": 700, "upload → Overview": 1000}
#: No server message for this long ends a change (Panel's indicator used to turn idle 500 ms after turning busy).
QUIET_MS = 1500

#: Installed before the page's scripts: the arrival time of every websocket message, on the page's clock.
FRAMES_JS = """(() => {
  const Native = window.WebSocket;
  window.benchFrames = [];
  function Recorded(...args) {
    const socket = new Native(...args);
    socket.addEventListener("message", () => window.benchFrames.push(performance.now()));
    return socket;
  }
  Recorded.prototype = Native.prototype;
  for (const key of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) { Recorded[key] = Native[key]; }
  window.WebSocket = Recorded;
  // Every shadow root as it is attached (Panel and Bokeh draw each view in one), so that finding an element
  // at every frame does not walk the whole page: that walk took the page's main thread about 1 ms a frame,
  // inside the times measured here.
  window.benchRoots = [];
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (...args) {
    const root = attach.apply(this, args);
    window.benchRoots.push(root);
    return root;
  };
})();"""
QUIET_JS = "(quiet) => performance.now() - (window.benchFrames.at(-1) || 0) > quiet"

#: Helpers injected once: find elements through open shadow roots (Panel renders panes in shadow DOM).
HELPERS_JS = """() => {
  window.deepAll = (sel, start = document) => {
    const out = [];
    if (start === document) {  // the page: its own elements and those of every shadow root on it
      document.querySelectorAll(sel).forEach((e) => out.push(e));
      for (const root of window.benchRoots) {
        if (root.host.isConnected) { root.querySelectorAll(sel).forEach((e) => out.push(e)); }
      }
      return out;
    }
    const walk = (root) => {
      root.querySelectorAll(sel).forEach((e) => out.push(e));
      root.querySelectorAll("*").forEach((e) => { if (e.shadowRoot) walk(e.shadowRoot); });
    };
    walk(start);
    if (start.shadowRoot) { walk(start.shadowRoot); }
    return out;
  };
  window.benchMark = (sels) => sels.forEach((sel) => deepAll(sel).forEach((e) => { e.dataset.benchOld = "1"; }));
  window.benchFresh = (sels) => sels.every((sel) => {
    const all = deepAll(sel);
    return all.length > 0 && all.every((e) => !e.dataset.benchOld);
  });
  // A newly shown view is drawn when every canvas under `sel` (through shadow roots) has a size on screen (a
  // hidden canvas keeps its size).
  const shown = (e) => { const box = e.getBoundingClientRect(); return box.width > 0 && box.height > 0; };
  window.benchShown = (sels) => sels.every((sel) => deepAll(sel).some(shown));
  window.benchDrawn = (sel) => {
    const all = deepAll(sel).filter(shown).flatMap((host) => deepAll("canvas", host));
    return all.length > 0 && all.every((c) => c.width > 0 && c.height > 0 && shown(c));
  };
  // The user's input event, on the page's clock: the first click, key press, input or change after `benchInput`
  // is reset (the Enter that commits a typed threshold, a select's or a file input's change, a button's click).
  // "input" too: a select's or file input's "change" does not leave Panel's shadow roots (it is not composed),
  // so here it was never seen and those changes were timed from before Playwright's own work (for an upload,
  // handing 100 files to the page), while "input", fired with it, reaches the document.
  window.benchInput = null;
  for (const kind of ["click", "keydown", "input", "change"]) {
    document.addEventListener(kind, () => { if (window.benchInput === null) window.benchInput = performance.now(); },
                              true);
  }
  // Charts update in place: count data-source changes the server sends (the chart's new bars).
  window.benchSources = 0;
  for (const doc of Bokeh.documents) {
    doc.on_change((event) => {
      const model = event.model;
      const name = model && (model.constructor.__name__ || model.constructor.name);
      if (name === "ColumnDataSource") { window.benchSources += 1; }
    });
  }
}"""


def painted_js(ready_js: str) -> str:
    """`ready_js`, polled at every frame (Playwright's `polling="raf"` runs it in the frame's animation
    callbacks, before the charts' own paint in that frame); once it holds, the page's clock at the start of the
    next frame, which the browser begins only when the frame that drew the change is done. Read in the page: a
    second wait for two more frames, with the clock read from Python, added a frame and two round trips that
    were not the page's (on the same 20-model baseline changes, both clocks read: 105 vs 143 ms, medians)."""
    return f"""(arg) => {{
      if (window.benchPainted != null) {{ return true; }}
      if (!window.benchSeen && ({ready_js})(arg)) {{
        window.benchSeen = true;
        requestAnimationFrame(() => {{ window.benchPainted = performance.now(); }});
      }}
      return false;
    }}"""


def source_files(count: int) -> list[tuple[str, bytes]]:
    runs = split_runs(json.loads(FIXTURE.read_text(encoding="utf-8")))
    files = []
    for i in range(count):
        doc = copy.deepcopy(runs[i % len(runs)])
        doc["config"]["model"]["name"] = f"model-{i:03d}"
        doc["timestamp"] = f"2025{i:04d}"
        files.append((f"results_m{i:03d}.json", json.dumps(doc).encode()))
    return files


def start_server(folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "eval_analyzer.cli", "serve", str(folder), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        # A TCP probe, not a page request: a requested page is a session that the server discards, unused,
        # some 20 s later with a full garbage collection that would land in the middle of the measurements.
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start")


def measure(page, action, ready_js: str, arg) -> tuple[float, float]:
    """ms from the action's input event until `ready_js(arg)` holds and the frame that drew it is done; and ms
    from it to the last server message (the busy indicator idle), or to that frame if it came later. From the
    input event, on the page's clock, as the targets are defined: Playwright's own checks before it clicks
    (10–30 ms) and its transfer of uploaded files are not the user's time."""
    page_start = page.evaluate("""() => { window.benchInput = null; window.benchSeen = false;
                                          window.benchPainted = null; return performance.now(); }""")
    action()
    page.wait_for_function(painted_js(ready_js), arg=arg, polling="raf", timeout=60_000)
    painted = page.evaluate("() => window.benchPainted")
    page.wait_for_function(QUIET_JS, arg=QUIET_MS, polling=100, timeout=60_000)
    begin = page.evaluate("() => window.benchInput")
    begin = page_start if begin is None else begin
    last = page.evaluate("() => window.benchFrames.at(-1)")
    drawn = painted - begin
    return drawn, max(drawn, last - begin)


#: The count first: it is free, and the tables are looked for only once the chart has its data.
UPDATED_JS = "(sels) => window.benchSources > 0 && benchFresh(sels)"
#: A tab shown for the first time: its table is there, on screen, and every canvas of its chart has a size.
SHOWN_JS = "([sels, chart]) => benchFresh(sels) && benchShown(sels) && benchDrawn(chart)"


def changed(page, action, tables: list[str], chart_data: bool = True) -> tuple[float, float]:
    """A control change of a view that is drawn already: its table re-rendered and new data in its chart's data
    source. A scale or model change builds a new chart instead (its frame changed), so there only the table is
    waited for; the idle time, which is what the targets judge, covers the chart's messages either way."""
    page.evaluate("(sels) => { benchMark(sels); window.benchSources = 0; }", tables)
    return measure(page, action, UPDATED_JS if chart_data else "(sels) => benchFresh(sels)", tables)


def open_page(browser, url: str, ready: str = ".ea-range"):
    """A fresh session, its messages recorded, once `ready` is shown and the server has gone quiet."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.add_init_script(FRAMES_JS)
    page.goto(url)
    page.wait_for_selector(ready, timeout=120_000)
    page.evaluate(HELPERS_JS)
    page.wait_for_function(QUIET_JS, arg=QUIET_MS, polling=100, timeout=60_000)
    return page


def tab(page, title: str):
    return lambda: page.locator(".ea-tabs .bk-tab", has_text=title).click()


def controls(browser, url: str) -> dict[str, list[tuple[float, float]]]:
    # ≤: the first page (highest means under the threshold) changes with every threshold switch.
    page = open_page(browser, url + "?thr_on=1&op=le&thr=0.9")
    overview = [".ea-pivot"]
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in (
        "threshold", "sort", "page", "scale", "model tick", "Δ baseline")}
    box = page.locator(".ea-w-thr input")
    for i in range(REPEATS):
        value = "0.6" if i % 2 == 0 else "0.9"

        def set_threshold(value=value):
            box.fill(value)
            page.evaluate("() => { window.benchInput = null; }")  # typing is not the change: its Enter is
            box.press("Enter")

        results["threshold"].append(changed(page, set_threshold, overview))
    for i in range(REPEATS):
        label = "Alphabetical" if i % 2 == 0 else "Mean, high → low"
        results["sort"].append(changed(
            page, lambda label=label: page.locator(".ea-w-sort select").select_option(label=label), overview))
    for i in range(REPEATS):
        css = ".ea-next button" if i % 2 == 0 else ".ea-prev button"
        results["page"].append(changed(page, lambda css=css: page.locator(css).click(), overview))
    for i in range(REPEATS):
        button = page.locator(".ea-w-scale button").nth(1 if i % 2 == 0 else 0)
        results["scale"].append(changed(page, button.click, overview, chart_data=False))
    second = page.locator(".ea-w-models input[type=checkbox]").nth(1)
    for _ in range(REPEATS):
        results["model tick"].append(changed(page, second.click, overview, chart_data=False))
    page.locator(".ea-tabs .bk-tab", has_text="Δ analysis").click()
    page.wait_for_selector(".ea-summary", timeout=60_000)
    options = page.locator(".ea-w-base select option").all_inner_texts()
    for i in range(REPEATS):
        label = options[1] if i % 2 == 0 else options[0]
        results["Δ baseline"].append(changed(
            page, lambda label=label: page.locator(".ea-w-base select").select_option(label=label), [".ea-summary"]))
    page.close()
    return results


def first_opens(browser, url: str) -> dict[str, list[tuple[float, float]]]:
    results: dict[str, list[tuple[float, float]]] = {"Δ tab first open": [], "Heatmaps first open": []}
    for _ in range(OPENS):
        for name, title, shown in (("Δ tab first open", "Δ analysis", ([".ea-summary"], ".ea-delta-chart")),
                                   ("Heatmaps first open", "Heatmaps", ([".ea-heat-scores"], ".ea-heat-scores"))):
            page = open_page(browser, url)
            results[name].append(measure(page, tab(page, title), SHOWN_JS, list(shown)))
            page.close()
    return results


def uploads(browser, url: str, files: list[tuple[str, bytes]]) -> dict[str, list[tuple[float, float]]]:
    payload = [{"name": name, "mimeType": "application/json", "buffer": data} for name, data in files]
    results: dict[str, list[tuple[float, float]]] = {"upload → Overview": []}
    for _ in range(OPENS):
        page = open_page(browser, url, ready=".ea-upload input[type=file]")
        ready = f"""() => deepAll(".ea-loaded").some((e) => e.textContent.includes("{len(files)} file"))
                     && deepAll(".ea-pivot").length > 0 && benchDrawn(".ea-ov-chart")"""
        results["upload → Overview"].append(measure(
            page, lambda page=page: page.locator(".ea-upload input[type=file]").set_input_files(payload), ready, None))
        page.close()
    return results


def report(title: str, results: dict[str, list[tuple[float, float]]], targets: dict[str, int]) -> None:
    print(title)
    for name, pairs in results.items():
        drawn, idle = [p[0] for p in pairs], [p[1] for p in pairs]
        target = targets.get(name)
        verdict = "" if target is None else (f"   target ≤ {target}: "
                                             f"{'met' if statistics.median(idle) <= target else 'missed'}")
        print(f"  {name:<20} drawn median {statistics.median(drawn):6.0f}   max {max(drawn):6.0f}   | idle median "
              f"{statistics.median(idle):6.0f}   max {max(idle):6.0f}{verdict}")


PARTS = ("controls", "opens", "uploads")


def parts_list(text: str) -> set[str]:
    parts = set(text.split(","))
    if not parts <= set(PARTS):
        raise argparse.ArgumentTypeError(f"takes {', '.join(PARTS)}, comma-separated")
    return parts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=list(SIZES), help="numbers of sources")
    parser.add_argument("--only", type=parts_list, default=set(PARTS), help="controls, opens, uploads")
    args = parser.parse_args(argv)
    parts = args.only
    for count in args.sizes:
        files = source_files(count)
        with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as empty:
            folder = Path(tmp)
            for name, data in files:
                (folder / name).write_bytes(data)
            # Only the servers the chosen parts use: a server started for nothing still shares the 2 cores.
            process, url = start_server(folder) if parts & {"controls", "opens"} else (None, "")
            blank, blank_url = start_server(Path(empty)) if "uploads" in parts else (None, "")
            try:
                with sync_playwright() as playwright:
                    browser = launch(playwright)
                    changes = controls(browser, url) if "controls" in parts else {}
                    opens = first_opens(browser, url) if "opens" in parts else {}
                    upload = uploads(browser, blank_url, files) if "uploads" in parts else {}
                    browser.close()
            finally:
                for server in (process, blank):
                    if server is not None:
                        server.terminate()
                        server.wait()
        target = CONTROL_TARGET_MS.get(count)
        if changes:
            report(f"{count} sources × 125 categories, {REPEATS} changes each, ms from the input to the chart's new "
                   f"data painted | to the last server message (idle):",
                   changes, {name: target for name in changes} if target else {})
            every = [p[1] for pairs in changes.values() for p in pairs]
            print(f"  {'every control':<20} idle median {statistics.median(every):6.0f}"
                  + (f"   target ≤ {target}: {'met' if statistics.median(every) <= target else 'missed'}"
                     if target else ""))
        if opens or upload:
            report(f"{count} sources, {OPENS} fresh pages each, ms from the click or the upload's change event:",
                   {**opens, **upload}, OPEN_TARGET_MS if count >= 100 else {})


if __name__ == "__main__":
    main()
