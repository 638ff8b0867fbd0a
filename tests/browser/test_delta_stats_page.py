"""The Δ tab's statistics in the browser: a whisker on every bar, solid bars exactly where statsmodels finds the
Δ significant, and α / CI level / correction restored from the URL and written back when changed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import numpy as np
import pytest
from playwright.sync_api import expect
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests

import datagen
from eval_analyzer.dashboard.delta_chart import PALE_ALPHA, SOLID_ALPHA

from .conftest import Server, open_page

pytestmark = pytest.mark.browser

EFFECTS = {"good": {f"c{i}": shift for i, shift in enumerate([0.25, 0.0, -0.2, 0.06, 0.12, 0.0])},
           "same": {f"c{i}": 0.0 for i in range(6)}}
LABELS = {"good": "good @ 20250101_0001", "same": "same @ 20250101_0002"}
BASE = "base @ 20250101_0000"

#: Every Δ figure's bars as the browser holds them: candidate, category, fill alpha, CI ends, the renderers on
#: the whisker's source, the x range, and the y axis's labels as its formatter writes them (top row first).
FACETS_JS = """() => {
  const models = [...Bokeh.documents[0].all_models];
  return models.filter(m => m.type === "Whisker").map(w => {
    const plot = models.find(p => p.type === "Plot" && p.center.includes(w));
    const data = w.source.data;
    const factors = [...plot.y_range.factors].reverse();
    return {candidate: [...data.candidate], category: [...data.category], alpha: [...data.fill_alpha],
            low: [...data.ci_low], high: [...data.ci_high],
            bars: plot.renderers.filter(r => r.data_source === w.source).length,
            start: plot.x_range.start, end: plot.x_range.end,
            labels: plot.left[0].formatter.doFormat(factors, {}),
            headers: [...plot.center.find(a => a.type === "LabelSet").source.data.text]};
  });
}"""


@pytest.fixture(scope="module")
def generated():
    return datagen.paired_files(EFFECTS, questions=150, seed=11)


@pytest.fixture(scope="module")
def server(tmp_path_factory, generated):
    server = Server(datagen.write(generated[0], tmp_path_factory.mktemp("paired")))
    yield server
    server.stop()


def significant(answers, alpha: float, correction: str) -> dict[tuple[str, str], bool]:
    """(candidate, category) → significant, from the answers with statsmodels alone."""
    found = {}
    for model, label in LABELS.items():
        keys, p_values = [], []
        for (_dataset, category), flags in answers[model].items():
            base, cand = np.array(answers["base"][("mmlu", category)]), np.array(flags)
            table = [[int((base & cand).sum()), int((base & ~cand).sum())],
                     [int((~base & cand).sum()), int((~base & ~cand).sum())]]
            keys.append((label, category))
            p_values.append(mcnemar(table, exact=True).pvalue)
        adjusted = p_values if correction == "none" else multipletests(
            p_values, method={"holm": "holm", "bh": "fdr_bh"}[correction])[1]
        found.update({key: bool(p < alpha) for key, p in zip(keys, adjusted, strict=True)})
    return found


def facets(page) -> list[dict]:
    return page.evaluate(FACETS_JS)


def assert_bars_match(page, expected: dict[tuple[str, str], bool]) -> None:
    shown = facets(page)
    assert sorted(name for facet in shown for name in facet["headers"]) == sorted(LABELS.values())
    for facet in shown:
        assert facet["bars"] == 3  # the bars and the two hatch overlays (gain, loss) of the pale ones
        assert set(facet["candidate"]) == set(facet["headers"])
        # Each candidate's block: a blank header row (its name is drawn on it), then its categories.
        blocks = [["", *[c for n, c in zip(facet["candidate"], facet["category"], strict=True) if n == name]]
                  for name in facet["headers"]]
        assert facet["labels"] == [label for block in blocks for label in block]
        for candidate, category, alpha, low, high in zip(facet["candidate"], facet["category"], facet["alpha"],
                                                         facet["low"], facet["high"], strict=True):
            assert np.isfinite(low) and np.isfinite(high) and low < high  # a whisker on every bar
            wanted = SOLID_ALPHA if expected[(candidate, category)] else PALE_ALPHA
            assert alpha == pytest.approx(wanted), (candidate, category)


def query(**extra) -> str:
    return urlencode([("tab", "delta"), ("base", BASE), ("cands", LABELS["good"]), ("cands", LABELS["same"]),
                      *extra.items()])


def test_whiskers_on_every_bar_and_solid_exactly_where_significant(browser, server, generated):
    page = open_page(browser, server.url(query()), ready=".ea-legend")
    try:
        expected = significant(generated[1], 0.05, "holm")
        assert any(expected.values()) and not all(expected.values())  # both kinds are on the page
        assert_bars_match(page, expected)
        legend = page.locator(".ea-legend").inner_text()
        assert "adjusted p < 0.05 (Holm)" in legend and "95 % confidence interval" in legend
        assert len(facets(page)) == 1  # one figure, one Δ axis, for both candidates
        cells = page.locator(".ea-summary tbody tr").first.locator("td").all_inner_texts()
        assert cells[0] == LABELS["good"] and cells[4] == "mcnemar-exact" and "[" in cells[1]
    finally:
        page.context.close()


def test_alpha_ci_and_correction_restore_from_the_url_and_change_the_result(browser, server, generated):
    page = open_page(browser, server.url(query(alpha="0.01", ci="0.9", corr="none", dshared="0")),
                     ready=".ea-legend")
    try:
        expect(page.locator(".ea-legend")).to_contain_text("adjusted p < 0.01 (None)")
        expect(page.locator(".ea-legend")).to_contain_text("90 % confidence interval")
        assert page.locator(".ea-w-alpha input").input_value() == "0.01"
        assert_bars_match(page, significant(generated[1], 0.01, "none"))
        assert len({(f["start"], f["end"]) for f in facets(page)}) == 2  # dshared=0: each its own axis
        box = page.locator(".ea-w-alpha input")
        box.fill("0.2")
        box.press("Enter")
        expect(page.locator(".ea-legend")).to_contain_text("adjusted p < 0.2 (None)")
        assert_bars_match(page, significant(generated[1], 0.2, "none"))
        page.locator(".ea-w-corr select").select_option(label="Holm (controls false positives)")
        expect(page.locator(".ea-legend")).to_contain_text("(Holm)")
        assert_bars_match(page, significant(generated[1], 0.2, "holm"))
        page.wait_for_function("() => location.search.includes('corr=holm')")
        search = parse_qs(page.evaluate("location.search").lstrip("?"))
        assert (search["alpha"], search["ci"], search["corr"], search["dshared"]) == (["0.2"], ["0.9"],
                                                                                    ["holm"], ["0"])
    finally:
        page.context.close()


def test_top_and_bottom_tables_per_candidate_fit_their_cards(browser, server):
    page = open_page(browser, server.url(query()), ready=".ea-top")
    try:
        def offset() -> tuple[float, float]:
            """Where the top table sits in its card."""
            card, table = page.locator(".ea-top-card").bounding_box(), page.locator(".ea-top").first.bounding_box()
            return table["x"] - card["x"], table["y"] - card["y"]

        first = offset()
        page.locator(".ea-w-tbcand select").select_option(label=LABELS["same"])
        page.locator(".ea-top-card", has_text=LABELS["same"]).wait_for()
        # A redraw keeps the table where it was: the pane's own default margin replaced the card's on each redraw,
        # and the page moved and was laid out anew.
        assert offset() == first
        for css in (".ea-top-card", ".ea-bottom-card"):
            card = page.locator(css).bounding_box()
            table = page.locator(css.replace("-card", "")).first
            if table.count():
                box = table.bounding_box()
                assert box["x"] >= card["x"] - 1 and box["x"] + box["width"] <= card["x"] + card["width"] + 1
        top, bottom = page.locator(".ea-top-card").bounding_box(), page.locator(".ea-bottom-card").bounding_box()
        assert top["y"] + top["height"] <= bottom["y"] + 1  # stacked, never overlapping
        expect(page.locator(".ea-top-card", has_text=LABELS["good"])).to_have_count(0)
    finally:
        page.context.close()
