"""Layout at 1, 20 and 100 models, in both languages, on every tab: measured from bounding boxes in Chromium.

Each state is opened in a 1440×900 window (the size the issues were reported at) and the page itself is asked,
in one script, what a user would see as broken:
- two cards, charts, legends, tables or table cells drawn over each other (elements that do not contain each
  other and whose visible boxes intersect);
- something wider than the main area, or the main area (or the page) scrolling sideways; a table may scroll
  inside its own box, a chart may not;
- a legend over a plot area: the Overview's model list over the plot, and every Bokeh legend or colour bar
  inside its plot's frame;
- text cut off by its container: a text node reaching past an ancestor that hides overflow (and does not
  scroll), which also catches ellipses; and Bokeh axis labels or colour bars that leave their canvas.
A screenshot of every state goes to $EA_ARTEFACTS (default tests/artefacts/, not in git) to be looked at.

One server per model count (start-up is the slow part) and one session per language (`?lang=…`), whose tabs
are opened in turn by clicking them, as a user would.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

import datagen

from .conftest import READY_TIMEOUT_MS, Server, open_page

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1440, "height": 900}
MODEL_COUNTS = (1, 20, 100)
LANGUAGES = ("en", "zh-TW")
#: What each tab shows once drawn (the Δ tab: its summary, or a message when there is nothing to compare).
TAB_READY = {"overview": ".ea-range", "delta": ".ea-summary, .ea-delta-message [role=status]",
             "questions": ".ea-q-matrix, .ea-q-message [role=status]", "heatmap": ".ea-heat-scores",
             "files": ".ea-files"}
ARTEFACTS = Path(os.environ.get("EA_ARTEFACTS", Path(__file__).parents[1] / "artefacts")) / "layout"

#: Every drawn element has rendered (Bokeh views report it) and nothing moved between two animation frames.
SETTLED_JS = """
async () => {
  if (!window.Bokeh || !Bokeh.index) return false;
  const views = [...Bokeh.index.all_views()];
  if (!views.length || !views.every((view) => !view.has_finished || view.has_finished())) return false;
  const box = () => JSON.stringify([...document.querySelectorAll("*")].length + ":" +
                                   document.documentElement.scrollHeight);
  const before = box();
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return before === box();
}
"""

#: Returns a list of problems, each a short sentence naming the elements (class, text) and their boxes.
LAYOUT_JS = r"""
() => {
  const problems = [];
  const parent = (el) => el.parentElement || (el.getRootNode() instanceof ShadowRoot ? el.getRootNode().host : null);
  function* walk(root) {
    for (const el of root.querySelectorAll("*")) {
      yield el;
      if (el.shadowRoot) yield* walk(el.shadowRoot);
    }
  }
  const name = (el) => {
    const cls = [...el.classList].filter((c) => c.startsWith("ea-") || c.startsWith("bk-") || c === "card")
      .slice(0, 2).join(".");
    const text = (el.innerText || el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return `<${el.tagName.toLowerCase()}${cls ? "." + cls : ""}>${text ? " “" + text + "”" : ""}`;
  };
  const r = (b) => `[${Math.round(b.left)},${Math.round(b.top)} ${Math.round(b.right - b.left)}×` +
                   `${Math.round(b.bottom - b.top)}]`;
  const shown = (el) => {
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
    const b = el.getBoundingClientRect();
    return b.width > 0 && b.height > 0;
  };
  const main = document.querySelector("#main");
  const mainBox = main.getBoundingClientRect();
  const mainRight = mainBox.left + main.clientLeft + main.clientWidth;
  if (main.scrollWidth > main.clientWidth + 1) {
    problems.push(`the main area scrolls sideways: ${main.scrollWidth} px of content in ${main.clientWidth} px`);
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px in ${window.innerWidth}`);
  }
  // The visible part of an element: its box cut by every ancestor that clips; `scrolls` when one of them
  // scrolls (content out of its view is scrolled away, not lost).
  const clipOf = (el, self) => {
    let box = {left: -1e9, top: -1e9, right: 1e9, bottom: 1e9}, scrolls = false, hard = null;
    // Up to the main area, which scrolls the page's content: what it hides is scrolled away, not cut.
    for (let node = self ? el : parent(el); node && node !== main; node = parent(node)) {
      const style = getComputedStyle(node);
      const ox = style.overflowX, oy = style.overflowY;
      if (ox === "visible" && oy === "visible") continue;
      const b = node.getBoundingClientRect();
      const scrollable = ["auto", "scroll"].includes(ox) || ["auto", "scroll"].includes(oy);
      if (scrollable) { scrolls = true; }
      if (ox !== "visible") box = {...box, left: Math.max(box.left, b.left), right: Math.min(box.right, b.right)};
      if (oy !== "visible") box = {...box, top: Math.max(box.top, b.top), bottom: Math.min(box.bottom, b.bottom)};
      if (!scrollable && !hard) hard = {node, box: {...box}};
    }
    return {box, scrolls, hard};
  };
  const inMain = (el) => { for (let n = el; n; n = parent(n)) if (n === main) return true; return false; };
  const all = [...walk(document)].filter(inMain);
  const visible = all.filter(shown);

  // Boxes that must not overlap: cards, tables and their cells, Bokeh plots and the Overview's legend.
  const views = window.Bokeh && Bokeh.index ? [...Bokeh.index.all_views()] : [];
  const plots = views.filter((v) => v.model && ["Plot", "Figure"].includes(v.model.type) && v.el && shown(v.el));
  const isBox = (el) => el.matches("td, th, table, .card, .ea-ov-legend, .slick-cell, .bk-Card");
  const boxes = [...visible.filter(isBox), ...plots.map((v) => v.el)];
  const items = boxes.map((el) => {
    const b = el.getBoundingClientRect(), c = clipOf(el, false).box;
    const v = {left: Math.max(b.left, c.left), right: Math.min(b.right, c.right),
               top: Math.max(b.top, c.top), bottom: Math.min(b.bottom, c.bottom)};
    return {el, b, v};
  }).filter((item) => item.v.right - item.v.left > 0 && item.v.bottom - item.v.top > 0);
  const contains = (a, b) => { for (let n = b; n; n = parent(n)) if (n === a) return true; return false; };
  const overlaps = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i].v, b = items[j].v;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1.5 && h > 1.5 && !contains(items[i].el, items[j].el) && !contains(items[j].el, items[i].el)) {
        overlaps.push(`${name(items[i].el)} ${r(a)} overlaps ${name(items[j].el)} ${r(b)}`);
      }
    }
  }
  problems.push(...overlaps.slice(0, 10));
  if (overlaps.length > 10) problems.push(`… and ${overlaps.length - 10} more overlaps`);

  // Wider than the main area: charts never (they must fit), other boxes unless they scroll in their own box.
  const wide = [];
  for (const item of items) {
    const chart = !item.el.matches("td, th, table, .slick-cell");
    if (item.b.right > mainRight + 1 && (chart || !clipOf(item.el, false).scrolls)) {
      wide.push(`${name(item.el)} ${r(item.b)} reaches past the main area's right edge (${Math.round(mainRight)})`);
    }
  }
  problems.push(...wide.slice(0, 10));
  if (wide.length > 10) problems.push(`… and ${wide.length - 10} more past the right edge`);

  // The Overview's legend beside, never over, the plot area; Bokeh legends and colour bars outside the frame,
  // and every axis and colour bar inside its canvas (else its labels are cut).
  const frameOf = (v) => {
    const c = v.canvas_view.el.getBoundingClientRect(), f = v.frame.bbox;
    return {left: c.left + f.left, top: c.top + f.top, right: c.left + f.right, bottom: c.top + f.bottom};
  };
  const hit = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
                        Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  for (const legend of visible.filter((el) => el.matches(".ea-ov-legend"))) {
    for (const v of plots) {
      if (hit(legend.getBoundingClientRect(), frameOf(v))) {
        problems.push(`the model legend ${r(legend.getBoundingClientRect())} covers a plot area ${r(frameOf(v))}`);
      }
    }
  }
  for (const v of plots) {
    const frame = v.frame.bbox, canvas = v.canvas_view.bbox;
    for (const rv of v.renderer_views.values()) {
      const type = rv.model.type;
      if (!["Legend", "ColorBar", "LinearAxis", "CategoricalAxis", "LogAxis"].includes(type) || !rv.bbox) continue;
      if (!rv.model.visible) continue;
      const b = rv.bbox;
      if (["Legend", "ColorBar"].includes(type) && Math.min(b.right, frame.right) - Math.max(b.left, frame.left) > 1 &&
          Math.min(b.bottom, frame.bottom) - Math.max(b.top, frame.top) > 1) {
        problems.push(`a ${type} covers the plot area of ${name(v.el)}`);
      }
      if (b.left < -1 || b.top < -1 || b.right > canvas.width + 1 || b.bottom > canvas.height + 1) {
        problems.push(`a ${type} of ${name(v.el)} leaves its canvas (${r(b)} in ${canvas.width}×${canvas.height})`);
      }
    }
  }

  // Text cut by its container: a text node reaching past an ancestor (or itself) that clips without scrolling.
  const clipped = [];
  for (const el of visible) {
    if (el.matches("script, style, option, select, textarea")) continue;
    for (const node of el.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const t = range.getBoundingClientRect();
      if (!t.width) continue;
      const {hard} = clipOf(el, true);
      const c = hard && hard.box;
      if (c && (t.left < c.left - 1 || t.right > c.right + 1 || t.top < c.top - 2 || t.bottom > c.bottom + 2)) {
        clipped.push(`text “${node.textContent.trim().slice(0, 40)}” ${r(t)} is cut by ${name(hard.node)} ${r(c)}`);
      }
    }
  }
  problems.push(...clipped.slice(0, 10));
  if (clipped.length > 10) problems.push(`… and ${clipped.length - 10} more cut texts`);
  return problems;
}
"""


@pytest.fixture(scope="module", params=MODEL_COUNTS, ids=lambda n: f"{n}models")
def server(request, tmp_path_factory):
    """One server per model count: `datagen.many_sources(n)` (Twinkle files, 125 categories in 3 datasets)."""
    count = request.param
    server = Server(datagen.write(datagen.many_sources(count), tmp_path_factory.mktemp(f"m{count}")))
    server.models = count
    yield server
    server.stop()


@pytest.fixture(scope="module")
def context(browser):
    context = browser.new_context(viewport=VIEWPORT)
    yield context
    context.close()


@pytest.fixture(scope="module", params=LANGUAGES)
def session(request, server, context):
    """A page of `server` in one language, shared by the tabs' tests."""
    page = open_page(None, server.url(f"lang={request.param}"), context)
    page.lang = request.param
    yield page
    page.close()


@pytest.mark.parametrize("tab", list(TAB_READY))
def test_layout(server, session, tab):
    page = session
    page.locator(".ea-tabs .bk-tab").nth(list(TAB_READY).index(tab)).click()
    page.locator(f"{TAB_READY[tab]} >> visible=true").first.wait_for(timeout=READY_TIMEOUT_MS)
    page.wait_for_function(SETTLED_JS, timeout=READY_TIMEOUT_MS, polling=200)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTEFACTS / f"{server.models:03d}models-{page.lang}-{tab}.png", full_page=True)
    problems = page.evaluate(LAYOUT_JS)
    assert not problems, f"{server.models} models, {page.lang}, {tab}:\n" + "\n".join(problems)


#: Resolves once the browser draws the page table's last row (`drawn` true) or skips it (`drawn` false: it is
#: off-screen, under `content-visibility: auto`), looked at frame by frame, with the table box's height then;
#: fails after 10 s.
TABLE_BOX_JS = """(box, drawn) => new Promise((done, fail) => {
  const row = box.querySelector("tbody tr:last-child");
  const until = performance.now() + 10000;
  const look = () => {
    if (row.checkVisibility({contentVisibilityAuto: true}) === drawn) { done(box.getBoundingClientRect().height); }
    else if (performance.now() > until) { fail(new Error(`the table's last row was never ${drawn ? "drawn" : "skipped"}`)); }
    else { requestAnimationFrame(look); }
  };
  requestAnimationFrame(look);
})"""


def test_the_page_table_below_the_screen_keeps_its_place_when_drawn(server, context):
    """The page's table is not drawn while it is off-screen, in the height reserved for it: the page must not
    grow or shrink much once the table is reached and drawn."""
    page = open_page(None, server.url("tab=overview"), context)
    try:
        box = page.locator(".ea-pivot-box")
        row = page.locator(".ea-pivot tbody tr").last
        # Below the first screen from 20 models on: skipped (a wait that times out if it never is). With fewer
        # it may be on the screen, drawn at once, and its reserved height is never seen.
        before = box.evaluate(TABLE_BOX_JS, False) if server.models >= 20 else None
        row.scroll_into_view_if_needed()
        after = box.evaluate(TABLE_BOX_JS, True)
        assert after > 200  # a header and 20 categories
        if before is not None:
            assert abs(after - before) <= 0.1 * after, (before, after)
    finally:
        page.close()


#: The Overview's data source as the browser holds it (the label of every drawn bar or dot, and which are
#: highlighted: selected, the others drawn faded), and the models its legend lists.
HIGHLIGHT_STATE_JS = """
() => {
  const plot = [...Bokeh.index.all_views()].find((v) => v.model && v.model.name === "ea-ov-plot");
  const source = plot.model.renderers[0].data_source;
  const legend = plot.model.document.get_model_by_name("ea-ov-legend");
  return {labels: source.data.source_label.slice(), selected: source.selected.indices.slice(),
          listed: legend.data.name.slice()};
}
"""


def legend_state(page) -> tuple[set[str], list[str]]:
    """(the models highlighted in the chart, the models the legend lists)."""
    state = page.evaluate(HIGHLIGHT_STATE_JS)
    return {state["labels"][i] for i in state["selected"]}, state["listed"]


def wait_highlight(page, some: bool) -> None:
    page.wait_for_function(f"() => (({HIGHLIGHT_STATE_JS})().selected.length > 0) === {str(some).lower()}")


def test_the_legend_lists_every_model_and_a_search_or_click_highlights_it(server, context):
    """The old legend was drawn inside the figure: at 100 models it covered the plot and stopped at
    model-87, and it could not be searched nor highlight a model."""
    page = open_page(None, server.url("tab=overview"), context)
    names = [f"model-{i:02d} @ 2025{i:04d}" for i in range(server.models)]
    try:
        page.wait_for_function(SETTLED_JS, timeout=READY_TIMEOUT_MS, polling=200)
        assert legend_state(page) == (set(), names)
        # The last model can be scrolled to in the list, inside the legend box.
        page.locator(".ea-ov-legend-table .slick-viewport").evaluate_all("(lists) => lists.forEach((list) => { list.scrollTop = 1e6; })")
        expect(page.locator(".ea-ov-legend-table .slick-cell", has_text=names[-1])).to_be_visible()
        box = page.locator(".ea-ov-legend-search input")
        box.press_sequentially(names[-1].split(" @ ")[0].upper())  # case-insensitive
        page.wait_for_function(f"() => ({HIGHLIGHT_STATE_JS})().listed.length === 1")
        wait_highlight(page, server.models > 1)  # one model: nothing to tell it from
        assert legend_state(page) == ({names[-1]} if server.models > 1 else set(), [names[-1]])
        box.fill("")
        box.press_sequentially("x")
        box.press("Backspace")  # an empty search lists every model again and highlights none
        wait_highlight(page, False)
        assert legend_state(page) == (set(), names)
        if server.models > 1:
            page.locator(".ea-ov-legend-table .slick-cell", has_text=names[0]).first.click()
            wait_highlight(page, True)
            assert legend_state(page)[0] == {names[0]}
            page.locator(".ea-next button").click()  # a new page keeps the highlight
            page.locator(".ea-range", has_text="categories 21–").wait_for()
            wait_highlight(page, True)
            assert legend_state(page)[0] == {names[0]}
    finally:
        page.close()
