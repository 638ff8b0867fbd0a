"""The Δ tab's statistics without a browser: when they are recomputed, what the URL carries, what the tables and
CSVs show, checked against statsmodels' McNemar test and multiple-testing corrections on the answers themselves."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests

import datagen
from eval_analyzer.dashboard import store as store_module
from eval_analyzer.dashboard import urlsettings
from eval_analyzer.dashboard.state import DataState
from eval_analyzer.dashboard.store import DerivedData

TABS = ("overview", "delta", "heatmap", "files")
#: A real gain (c1), a real loss (c3), a small shift (c4) and nothing (c2); "same" is the baseline's twin.
EFFECTS = {"good": {"c1": 0.25, "c2": 0.0, "c3": -0.2, "c4": 0.03}, "same": {"c1": 0, "c2": 0, "c3": 0, "c4": 0}}
BASE, GOOD, SAME = "base @ 20250101_0000", "good @ 20250101_0001", "same @ 20250101_0002"


@pytest.fixture(scope="module")
def generated():
    return datagen.paired_files(EFFECTS, questions=200)


@pytest.fixture
def store(generated):
    return DerivedData(data=DataState(files=generated[0]))


@pytest.fixture
def counted(monkeypatch, generated):
    """A store whose Δ table and significance computations are counted."""
    calls = {"delta": 0, "significance": 0}

    def counting(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(store_module, "delta_frames", counting("delta", store_module.delta_frames))
    monkeypatch.setattr(store_module, "tested", counting("significance", store_module.tested))
    derived = DerivedData(data=DataState(files=generated[0]))
    calls.update(delta=0, significance=0)
    return derived, calls


def expected_rows(answers, correction: str = "holm") -> pd.DataFrame:
    """n, Δ, exact McNemar p and the adjusted p of every (candidate, category), from the answers and
    statsmodels only."""
    rows = []
    base = answers["base"]
    for model, label in (("good", GOOD), ("same", SAME)):
        for (_dataset, category), flags in answers[model].items():
            b_flags, c_flags = np.array(base[("mmlu", category)]), np.array(flags)
            table = [[int((b_flags & c_flags).sum()), int((b_flags & ~c_flags).sum())],
                     [int((~b_flags & c_flags).sum()), int((~b_flags & ~c_flags).sum())]]
            rows.append((label, category, len(flags), c_flags.mean() - b_flags.mean(),
                         mcnemar(table, exact=True).pvalue))
    frame = pd.DataFrame(rows, columns=["candidate", "category", "n", "delta", "p_value"])
    frame["p_adjusted"] = frame.groupby("candidate")["p_value"].transform(
        lambda p: multipletests(p, method={"holm": "holm", "bh": "fdr_bh"}[correction])[1])
    return frame


@pytest.mark.parametrize("correction", ["holm", "bh"])
def test_the_numbers_shown_are_mcnemar_exact_with_the_correction_chosen(generated, correction):
    derived = DerivedData(data=DataState(files=generated[0]))
    derived.delta.correction = correction
    expected = expected_rows(generated[1], correction).set_index(["candidate", "category"])
    got = derived.stat_ranking.set_index(["candidate", "category"]).loc[expected.index]
    assert (got["test"] == "mcnemar-exact").all()
    assert got["n"].tolist() == expected["n"].tolist()
    assert got["delta"].to_numpy() == pytest.approx(expected["delta"].to_numpy())
    assert got["p_value"].to_numpy() == pytest.approx(expected["p_value"].to_numpy(), rel=1e-9)
    assert got["p_adjusted"].to_numpy() == pytest.approx(expected["p_adjusted"].to_numpy(), rel=1e-9)
    assert got["significant"].tolist() == (expected["p_adjusted"] < 0.05).tolist()
    # the generated effects are found: c1 and c3 of "good" are real, nothing of its twin is
    assert got.loc[GOOD, "significant"].to_dict() == {"c1": True, "c2": False, "c3": True, "c4": False}
    assert not got.loc[SAME, "significant"].any()


def test_alpha_changes_the_result_without_recomputing_the_delta_table(counted):
    derived, calls = counted
    before = derived.stat_summary.set_index("candidate")
    assert before.loc[GOOD, ["sig_wins", "sig_losses"]].tolist() == [1, 1]
    derived.delta.alpha = 0.001
    assert calls == {"delta": 0, "significance": 0}  # the same tests, judged again at the new α
    after = derived.stat_summary.set_index("candidate")
    p = derived.stat_ranking.set_index(["candidate", "category"])["p_adjusted"]
    assert after.loc[GOOD, "sig_wins"] + after.loc[GOOD, "sig_losses"] == int((p.loc[GOOD] < 0.001).sum())
    derived.delta.alpha = 0.05
    assert calls == {"delta": 0, "significance": 0}
    assert derived.stat_summary.set_index("candidate").loc[GOOD, "sig_wins"] == 1
    derived.delta.ci = 0.9  # a new CI level: new intervals, so the tests run again, once
    assert calls == {"delta": 0, "significance": 1}


def test_a_sort_min_delta_or_n_change_reuses_the_statistics_and_a_baseline_change_computes_them_once(counted):
    derived, calls = counted
    derived.delta.sort = "name"
    derived.delta.min_delta = 0.05
    derived.delta.top_n = 2
    assert calls == {"delta": 3, "significance": 0}
    assert derived.stat_ranking["category"].tolist() == derived.ranking["category"].tolist()  # in its order
    assert derived.stat_ranking["p_value"].notna().all()
    derived.delta.baseline = SAME
    assert calls == {"delta": 4, "significance": 1}
    assert set(derived.stat_ranking["candidate"]) == {GOOD}  # the new baseline left the candidates


def test_ci_level_widens_the_interval_and_keeps_delta(store):
    rows = store.stat_ranking.set_index(["candidate", "category"])
    store.delta.ci = 0.99
    wider = store.stat_ranking.set_index(["candidate", "category"]).loc[rows.index]
    assert ((wider["ci_high"] - wider["ci_low"]) > (rows["ci_high"] - rows["ci_low"])).all()
    assert wider["delta"].equals(rows["delta"])


def test_while_statistics_load_the_views_say_so_and_draw_them_when_ready(monkeypatch, generated):
    from eval_analyzer.dashboard.views.delta import DeltaView
    from eval_analyzer.dashboard.views.heatmaps import HeatmapView

    waiting = []
    monkeypatch.setattr(store_module, "ensure_statistics", lambda on_ready: waiting.append(on_ready) or False)
    derived = DerivedData(data=DataState(files=generated[0]))
    derived.ui.tab = "delta"
    view = DeltaView(store=derived)
    assert derived.stats_status == "loading" and derived.stat_ranking["p_value"].isna().all()
    assert "still loading" in view.stats_message.object
    assert len(derived.ranking)  # the Δ itself is shown meanwhile
    derived.ui.tab = "heatmap"
    heat = HeatmapView(store=derived)
    assert "still loading" in heat.delta_title.object and not len(heat.delta.marks.data["text"])
    monkeypatch.setattr(store_module, "ensure_statistics", lambda on_ready: True)
    waiting[-1]()
    assert derived.stats_status == "ok" and derived.stat_ranking["p_value"].notna().all()
    assert "significant Δ" in heat.delta_title.object
    marked = len(heat.delta.marks.data["text"])
    assert marked and marked == derived.stat_ranking["significant"].sum()
    derived.ui.tab = "delta"
    assert "still loading" not in view.stats_message.object


def test_the_url_carries_alpha_ci_correction_and_the_shared_axis(generated):
    source = DerivedData(data=DataState(files=generated[0]))
    source.delta.param.update(alpha=0.01, ci=0.9, correction="bh", shared_x=False)
    search = urlsettings.build_search(source)
    assert "alpha=0.01" in search and "ci=0.9" in search and "corr=bh" in search and "dshared=0" in search
    target = DerivedData(data=DataState(files=generated[0]))
    assert urlsettings.apply_query(target, urlsettings.parse_search(search), TABS) == []
    assert (target.delta.alpha, target.delta.ci, target.delta.correction, target.delta.shared_x) == \
        (0.01, 0.9, "bh", False)
    assert target.stat_ranking.equals(source.stat_ranking)


@pytest.mark.parametrize(("key", "value"), [("alpha", "0"), ("alpha", "0.5"), ("alpha", "x"), ("ci", "0.93"),
                                            ("ci", "95"), ("corr", "bonferroni"), ("dshared", "maybe")])
def test_an_invalid_statistics_setting_is_ignored_alone(generated, key, value):
    derived = DerivedData(data=DataState(files=generated[0]))
    before = urlsettings.query_pairs(derived)
    assert urlsettings.apply_query(derived, urlsettings.parse_search(f"?{key}={value}&topn=3"), TABS) == [key]
    assert dict(urlsettings.query_pairs(derived)) == dict(before) | {"topn": "3"}


def test_csvs_carry_the_statistics_columns_and_guard_names(generated):
    from eval_analyzer.dashboard.views.delta import DeltaView

    files = list(generated[0])
    files = [(name, data.replace(b'"name": "same"', b'"name": "=same"')) for name, data in files]
    derived = DerivedData(data=DataState(files=files))
    derived.ui.tab = "delta"
    view = DeltaView(store=derived)
    stats = ["n", "ci_low", "ci_high", "p_value", "p_adjusted", "test", "significant", "mde"]
    ranking = pd.read_csv(io.BytesIO(view._csv_ranking().getvalue()), encoding="utf-8-sig")
    assert list(ranking.columns)[-len(stats):] == stats and len(ranking) == 8
    assert ranking["candidate"].str.startswith("'=same").sum() == 4  # a formula-looking name stays text
    assert ranking["p_value"].notna().all() and set(ranking["test"]) == {"mcnemar-exact"}
    summary = pd.read_csv(io.BytesIO(view._csv_summary().getvalue()), encoding="utf-8-sig")
    for column in ("ci_low", "ci_high", "p_value", "test", "sig_wins", "sig_losses", "indistinguishable",
                   "n_samples"):
        assert column in summary.columns
    assert summary["n_samples"].tolist() == [800, 800]
    topbottom = pd.read_csv(io.BytesIO(view._csv_topbottom().getvalue()), encoding="utf-8-sig")
    assert list(topbottom.columns)[-len(stats):] == stats


def test_bars_are_solid_when_significant_pale_otherwise_with_a_whisker_each(store):
    from eval_analyzer.dashboard.delta_chart import PALE_ALPHA, SOLID_ALPHA
    from eval_analyzer.dashboard.views.delta import DeltaView

    store.ui.tab = "delta"
    view = DeltaView(store=store)
    facet = view._facets[0][1]
    data = facet.source.data
    expected = store.stat_ranking.set_index(["candidate", "category"])
    assert set(data["candidate"]) == set(store.stat_ranking["candidate"])  # every candidate in the one figure
    for candidate, category, alpha, low, high in zip(data["candidate"], data["category"], data["fill_alpha"],
                                                     data["ci_low"], data["ci_high"], strict=True):
        row = expected.loc[(candidate, category)]
        assert alpha == (SOLID_ALPHA if row["significant"] else PALE_ALPHA)
        assert (low, high) == pytest.approx((row["ci_low"], row["ci_high"]))
    assert facet.whisker.source is facet.source
    assert "significant: adjusted p &lt; 0.05 (Holm)" in view.legend.object
    store.delta.alpha = 0.001
    assert "adjusted p &lt; 0.001" in view.legend.object


def test_facets_share_one_delta_range_unless_switched_off(store):
    from eval_analyzer.dashboard.views.delta import DeltaView

    store.ui.tab = "delta"
    view = DeltaView(store=store)
    ranges = [(f.figure.x_range.start, f.figure.x_range.end) for _k, f, _p in view._facets]
    assert len(ranges) == 1 and view._facets[0][1].candidates == [GOOD, SAME]  # one figure, one Δ axis
    low, high = ranges[0]
    assert low <= store.stat_ranking["ci_low"].min() and high >= store.stat_ranking["ci_high"].max()
    store.delta.shared_x = False
    assert [f.candidates for _k, f, _p in view._facets] == [[GOOD], [SAME]]  # a figure each
    own = [(f.figure.x_range.start, f.figure.x_range.end) for _k, f, _p in view._facets]
    assert own[0] != own[1]
    same = store.stat_ranking[store.stat_ranking["candidate"] == SAME]
    assert own[1][0] <= same["ci_low"].min() and own[1][1] >= same["ci_high"].max()
    assert own[1][1] - own[1][0] < high - low  # the twin's small Δ gets its own, narrower axis


def test_top_and_bottom_show_one_candidate_only_gains_and_only_regressions(store):
    from eval_analyzer.dashboard.views.delta import DeltaView

    store.ui.tab = "delta"
    view = DeltaView(store=store)
    assert view.tb_candidate.options == [GOOD, SAME] and view.tb_candidate.visible
    top_rows = view.top.object.count("<tr>") - 1
    assert top_rows == int((store.delta_all.query("candidate == @GOOD")["delta"] > 0).sum())
    assert SAME not in view.top.object and "p (adjusted)" in view.top.object and "MDE" in view.top.object
    view.tb_candidate.value = SAME
    assert GOOD not in view.top.object + view.bottom.object
    assert view.bottom.object.count("<tr>") - 1 == int((store.delta_all.query("candidate == @SAME")["delta"]
                                                         < 0).sum())
    # the two tables have the same columns
    assert view.top.object.count("<th") == view.bottom.object.count("<th") or "ea-msg-no-gains" in view.top.object


def test_bottom_says_no_regressions_when_a_candidate_improved_everywhere():
    from eval_analyzer.dashboard.views.delta import DeltaView

    files, _answers = datagen.paired_files({"better": {"c1": 0.3, "c2": 0.3}}, questions=100)
    derived = DerivedData(data=DataState(files=files))
    derived.ui.tab = "delta"
    view = DeltaView(store=derived)
    assert "ea-msg-no-regressions" in view.bottom.object and "<table" not in view.bottom.object
    assert view.top.object.count("<tr>") - 1 == 2
    assert not view.tb_candidate.visible  # one candidate: nothing to choose


def test_within_noise_column_is_in_both_tables_or_neither(store):
    from eval_analyzer.dashboard.views.delta import DeltaView

    standard = DerivedData(data=DataState(files=datagen.standard_files()))
    standard.ui.tab = "delta"
    for derived in (store, standard):
        derived.ui.tab = "delta"
        view = DeltaView(store=derived)
        for candidate in view.tb_candidate.options:
            view.tb_candidate.value = candidate
            flags = {"within run noise" in view.top.object, "within run noise" in view.bottom.object}
            assert len(flags) == 1, candidate


def test_the_delta_heatmap_marks_significant_cells(store):
    from eval_analyzer.dashboard import heatmap_chart

    chart = heatmap_chart.delta_heatmap(store.delta_matrix, 1, "en", store.stat_matrix)
    marks = chart.marks.data
    expected = store.stat_ranking[store.stat_ranking["significant"]]
    assert sorted(zip(marks["row"], marks["category"], strict=True)) == sorted(
        zip(expected["candidate"], expected["category"], strict=True))
    assert set(marks["text"]) == {heatmap_chart.SIGNIFICANT_MARK}
    # The tooltip says which cells are significant, and only those.
    said = {(row, category) for row, category, text in zip(chart.source.data["row"], chart.source.data["category"],
                                                           chart.source.data["significant"], strict=True) if text}
    assert said == set(zip(marks["row"], marks["category"], strict=True))
    tools = {type(tool).__name__ for tool in chart.figure.tools}
    assert tools == {"HoverTool", "SaveTool", "ResetTool"}  # the marks bring no pan / zoom of their own


def test_how_is_this_tested_names_the_tests_in_both_languages(store):
    from eval_analyzer.dashboard.i18n import t

    for lang in ("en", "zh-TW"):
        text = t("stats_help", lang)
        for name in ("mcnemar-exact", "paired-t", "paired-bootstrap", "welch-runs", "unpaired-z", "none", "Holm",
                     "Benjamini–Hochberg"):
            assert name in text, (lang, name)
