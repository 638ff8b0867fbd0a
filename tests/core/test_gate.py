"""The CI gate's three answers on summaries whose numbers are set by hand, and its needed n by plain arithmetic."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from eval_analyzer.core.gate import ALLOW, INCONCLUSIVE, REJECT, exit_code, needed_n, verdicts

Z95 = 1.959963984540054


def summary(*rows: tuple) -> pd.DataFrame:
    """rows of (candidate, mean Δ, SE, n_samples): CI = mean ± 1.96·SE, as compare's summary has it."""
    return pd.DataFrame({
        "dataset": "d", "candidate": [row[0] for row in rows], "mean_delta": [row[1] for row in rows],
        "ci_low": [row[1] - Z95 * row[2] if row[2] is not None else None for row in rows],
        "ci_high": [row[1] + Z95 * row[2] if row[2] is not None else None for row in rows],
        "n_samples": pd.array([row[3] for row in rows], dtype="Int64"), "test": "paired-t", "units": "pp"})


def test_each_verdict_by_its_rule_at_a_one_point_tolerance():
    frame = summary(("better", 2.0, 0.5, 400),       # CI [1.02, 2.98] ≥ −1
                    ("same", -0.2, 0.4, 400),        # CI [−0.98, 0.58]: within −1
                    ("worse", -3.0, 0.5, 400),       # CI [−3.98, −2.02] < 0 and mean < −1
                    ("small_loss", -0.8, 0.2, 900),  # CI below 0 but the loss is smaller than 1 pp
                    ("wide", -0.5, 1.5, 100),        # CI [−3.44, 2.44]
                    ("no_ci", -0.5, None, None))
    result = verdicts(frame, 1.0).set_index("candidate")["verdict"]
    assert result.to_dict() == {"better": ALLOW, "same": ALLOW, "worse": REJECT, "small_loss": INCONCLUSIVE,
                                "wide": INCONCLUSIVE, "no_ci": INCONCLUSIVE}


def test_the_bounds_are_inclusive_for_allow_and_strict_for_reject():
    at_bound = pd.DataFrame({"candidate": ["a", "b"], "mean_delta": [0.0, -1.0], "ci_low": [-1.0, -2.0],
                             "ci_high": [1.0, -1e-12], "n_samples": [100, 100], "test": "t"})
    assert list(verdicts(at_bound, 1.0)["verdict"]) == [ALLOW, INCONCLUSIVE]  # mean −1 is not < −1


def test_needed_n_is_the_smallest_n_that_reaches_the_verdict():
    for mean, se, n, pp in ((-0.5, 1.5, 100, 1.0), (-0.8, 0.2, 900, 1.0), (-2.5, 2.0, 150, 1.0),
                            (0.3, 0.9, 60, 0.5)):
        need = needed_n(n, se, mean, pp, Z95)
        margin = mean + pp if mean > -pp else -mean
        assert need == math.ceil(n * (Z95 * se / margin) ** 2)
        shrunk = se * math.sqrt(n / need)  # SE at the needed n, same spread
        before = se * math.sqrt(n / (need - 1))
        if mean > -pp:
            assert mean - Z95 * shrunk >= -pp - 1e-12 and mean - Z95 * before < -pp
        else:
            assert mean + Z95 * shrunk <= 1e-12 and mean + Z95 * before > 0


def test_needed_n_is_unknown_without_a_spread_a_count_or_on_the_bound():
    assert math.isnan(needed_n(math.nan, 1.0, -0.5, 1.0, Z95))
    assert math.isnan(needed_n(100, math.nan, -0.5, 1.0, Z95))
    assert math.isnan(needed_n(100, 0.0, -0.5, 1.0, Z95))
    assert math.isnan(needed_n(100, 1.0, -1.0, 1.0, Z95))  # no n makes mean −1 either "≥ −1 with room" or "< −1"


def test_verdicts_give_needed_n_only_for_inconclusive_and_use_the_ci_level():
    frame = summary(("wide", -0.5, 1.5, 100), ("worse", -3.0, 0.5, 400))
    result = verdicts(frame, 1.0).set_index("candidate")
    assert result.loc["wide", "needed_n"] == math.ceil(100 * (Z95 * 1.5 / 0.5) ** 2)
    assert math.isnan(result.loc["worse", "needed_n"])
    # The same interval read at 90 %: SE = width / (2·z90), a different spread.
    z90 = 1.6448536269514722
    se90 = 2 * Z95 * 1.5 / (2 * z90)
    at90 = verdicts(frame, 1.0, ci=0.90).set_index("candidate")
    assert at90.loc["wide", "needed_n"] == math.ceil(100 * (z90 * se90 / 0.5) ** 2)


def test_exit_code_worst_verdict_wins_and_nothing_judged_is_inconclusive():
    def frame(*names):
        return pd.DataFrame({"verdict": list(names)})

    assert exit_code(frame(ALLOW, ALLOW)) == 0
    assert exit_code(frame(ALLOW, INCONCLUSIVE)) == 4
    assert exit_code(frame(INCONCLUSIVE, REJECT, ALLOW)) == 3
    assert exit_code(frame()) == 4


@pytest.mark.parametrize("missing", [None, math.nan, pd.NA])
def test_missing_numbers_of_any_kind_are_inconclusive(missing):
    frame = pd.DataFrame({"candidate": ["x"], "mean_delta": [-0.5], "ci_low": [missing], "ci_high": [missing],
                          "n_samples": pd.array([None], dtype="Int64"), "test": ["none"]}, dtype=object)
    row = verdicts(frame, 1.0).iloc[0]
    assert row["verdict"] == INCONCLUSIVE and math.isnan(row["needed_n"])
