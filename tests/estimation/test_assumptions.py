"""estimate_effect records its identifying assumptions (issue 17, item 3) and checks the sample size
up front (item 9).

Issue 17's example: ``t = z + e, y = 2z + e``, so the true effect of t on y is 0 and the unadjusted
contrast is about 1 (``Cov(t, y) / Var(t) = 2 / 2``). Without a graph or an adjustment set the
estimate is that contrast: it must say so (an AssumptionWarning, ``assumptions``, an estimand that
shows its empty adjustment set) unless the caller states the assumption.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from causalscope.estimation import METHODS, estimate_effect, make_estimator
from causalscope.estimation.api import ADJUSTMENT_METHODS, MIN_ROWS
from causalscope.estimation.base import NO_ADJUSTMENT
from causalscope.exceptions import AssumptionWarning, CausalScopeWarning, DataError, InvalidParameterError
from causalscope.graphs import parse_graph

from .conftest import confounded


def issue_example(n: int = 1000, seed: int = 17) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    return pd.DataFrame({"z": z, "t": z + rng.normal(size=n), "y": 2 * z + rng.normal(size=n)})


def test_warning_class_is_a_user_warning() -> None:
    assert issubclass(AssumptionWarning, CausalScopeWarning) and issubclass(CausalScopeWarning, UserWarning)


def test_no_graph_no_adjustment_warns_and_says_so() -> None:
    df = issue_example()
    with pytest.warns(AssumptionWarning, match=r"no confounder is adjusted for.*'t'.*'y'.*assume_no_confounding"):
        est = estimate_effect(df, treatment="t", outcome="y", random_state=0)
    assert 0.85 < est.estimate < 1.15  # the confounded contrast, not the true 0
    assert est.adjustment == ()
    assert est.estimand.endswith(f"{NO_ADJUSTMENT})")
    assert est.assumptions == (
        "No confounder is adjusted for (no graph and no adjustment set given): the estimate is the unadjusted "
        "contrast, valid only if nothing causes both t and y.",)
    d = est.to_dict()
    assert d["assumptions"] == list(est.assumptions) and d["estimand"] == est.estimand
    # an empty adjustment set is the same as none
    with pytest.warns(AssumptionWarning):
        again = estimate_effect(df, treatment="t", outcome="y", adjustment_set=[], random_state=0)
    assert again.to_dict() == d


def test_stated_assumption_gives_no_warning() -> None:
    df = issue_example()
    with pytest.warns(AssumptionWarning):
        warned = estimate_effect(df, treatment="t", outcome="y", random_state=0, refute=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = estimate_effect(df, treatment="t", outcome="y", assume_no_confounding=True, random_state=0,
                              refute=False)
    assert est.estimate == warned.estimate and est.estimand == warned.estimand  # same numbers, stated assumption
    assert len(est.assumptions) == 1 and est.assumptions[0].startswith("No confounding assumed by the user: ")
    assert "t and y" in est.assumptions[0]


def test_adjusting_for_z_recovers_zero_and_names_z() -> None:
    est = estimate_effect(issue_example(), treatment="t", outcome="y", adjustment_set=["z"], random_state=0)
    assert abs(est.estimate) < 0.1 and est.ci_low < 0 < est.ci_high
    assert est.assumptions == ("Adjustment set given by the user: {z}; assumed sufficient: it blocks every "
                               "back-door path from t to y and holds no descendant of t.",)
    assert NO_ADJUSTMENT not in est.estimand


def test_graph_assumptions_and_empty_identified_set() -> None:
    est = estimate_effect(issue_example(), parse_graph("z --> t; z --> y; t --> y"), treatment="t", outcome="y",
                          random_state=0, refute=False)
    assert abs(est.estimate) < 0.1
    assert est.assumptions == ("Identified from the given graph (assumed to be the true causal graph): "
                               "adjustment set {z}.",)
    assert est.estimand == "P(y | do(t)) = Σ_{z} P(y | t, z) P(z)"  # a non-empty estimand is unchanged
    # a randomised treatment: the graph says that nothing needs adjusting, so no warning
    rng = np.random.default_rng(1)
    t = rng.integers(0, 2, 500)
    rct = pd.DataFrame({"t": t, "y": 1.5 * t + rng.normal(size=500)})
    est = estimate_effect(rct, parse_graph("t --> y"), treatment="t", outcome="y", random_state=0, refute=False)
    assert est.estimand == f"P(y | do(t)) = P(y | t) ({NO_ADJUSTMENT})"
    assert est.assumptions == ("Identified from the given graph (assumed to be the true causal graph): "
                               "adjustment set {} (no variable needs adjusting).",)
    with pytest.raises(InvalidParameterError, match="does not combine with a graph"):
        estimate_effect(rct, parse_graph("t --> y"), treatment="t", outcome="y", assume_no_confounding=True)


def test_instrument_and_frontdoor_take_other_assumptions_and_do_not_warn() -> None:
    rng = np.random.default_rng(7)
    n = 2000
    u, z = rng.normal(size=n), rng.normal(size=n)
    t = z + u + rng.normal(size=n)
    dv = pd.DataFrame({"z": z, "t": t, "y": 1.5 * t - 2 * u + rng.normal(size=n)})
    est = estimate_effect(dv, treatment="t", outcome="y", instruments="z", random_state=0, refute=False)
    assert est.method == "2sls" and est.assumptions[0].startswith("Instrument(s) given by the user: {z}; assumed valid")
    tb = (rng.random(n) < 1 / (1 + np.exp(-u))).astype(int)
    m = 1.5 * tb + rng.normal(size=n)
    fd = pd.DataFrame({"t": tb, "m": m, "y": 2 * m + 3 * u + rng.normal(size=n)})
    est = estimate_effect(fd, treatment="t", outcome="y", adjustment_set=["m"], method="frontdoor", n_bootstrap=20,
                          random_state=0, refute=False)
    assert est.assumptions[0].startswith("Mediators given by the user: {m}; assumed to satisfy the front-door")
    with pytest.raises(InvalidParameterError, match="does not combine with instruments"):
        estimate_effect(dv, treatment="t", outcome="y", instruments="z", assume_no_confounding=True)
    with pytest.raises(InvalidParameterError, match=r"does not combine with the adjustment set \{z\}"):
        estimate_effect(dv, treatment="t", outcome="y", adjustment_set=["z"], assume_no_confounding=True)


def test_difference_in_means_refuses_an_adjustment_set_it_would_ignore() -> None:
    with pytest.raises(InvalidParameterError, match=r"'difference' adjusts for nothing.*\{z1\}"):
        estimate_effect(confounded(300, 0), treatment="t", outcome="y", adjustment_set=["z1"], method="difference")


@pytest.mark.parametrize("method", [m for m in METHODS if m in ADJUSTMENT_METHODS])
def test_empty_adjustment_set_is_written_in_every_estimand(method: str) -> None:
    binary = method != "dml-plr"
    df = confounded(400, 2, binary=binary)
    target = "att" if method == "matching" else "ate"
    kw = {"n_bootstrap": 20} if method == "gcomp" else {}
    empty = make_estimator(method, target=target, random_state=0, **kw).fit(df, treatment="t", outcome="y").effect_
    assert empty.estimand.endswith(f"{NO_ADJUSTMENT})")
    if method != "difference":
        full = make_estimator(method, target=target, random_state=0, **kw).fit(
            df, treatment="t", outcome="y", adjustment_set=["z1", "z2"]).effect_
        assert NO_ADJUSTMENT not in full.estimand and "z1, z2" in full.estimand


def test_linear_estimand_texts() -> None:
    df = confounded(300, 3)
    lin = make_estimator("linear")
    assert lin.fit(df, treatment="t", outcome="y").effect_.estimand == (
        f"E[y | do(t)] = E[y | t] ({NO_ADJUSTMENT})")
    assert lin.fit(df, treatment="t", outcome="y", adjustment_set=["z1"]).effect_.estimand == "E_{z1} E[y | t, z1] contrast"
    att = make_estimator("linear", target="att")
    assert att.fit(df, treatment="t", outcome="y").effect_.estimand == (
        f"E[y | do(t)] = E[y | t] among the treated (ATT; {NO_ADJUSTMENT})")
    assert att.fit(df, treatment="t", outcome="y", adjustment_set=["z1"]).effect_.estimand == (
        "E_{z1 | t=1} E[y | t, z1] contrast (ATT)")


@pytest.mark.parametrize("n", [2, 5, MIN_ROWS - 1])
def test_too_few_rows_is_a_data_error_before_any_numpy_warning(n: int) -> None:
    df = pd.DataFrame({"t": np.arange(n) % 2, "y": np.linspace(0, 1, n)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataError, match=rf"too few rows to estimate an effect: the data have {n} rows; "
                                            rf"at least {MIN_ROWS} are needed"):
            estimate_effect(df, treatment="t", outcome="y", assume_no_confounding=True)


def test_too_few_rows_in_a_treatment_arm() -> None:
    rng = np.random.default_rng(0)
    t = np.zeros(30, int)
    t[4] = 1
    df = pd.DataFrame({"t": t, "z": rng.normal(size=30), "y": rng.normal(size=30)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for method in ("auto", "difference", "gcomp", "linear"):
            with pytest.raises(DataError, match=r"'t' has 1 treated \(t=1\) and 29 control \(t=0\) rows; each arm "
                                                r"needs at least 2"):
                estimate_effect(df, treatment="t", outcome="y", method=method, assume_no_confounding=True)  # type: ignore[arg-type]
    # two treated rows are enough: the refutations (the 80% subset keeps both arms) run without a numpy warning
    t[7] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = estimate_effect(df.assign(t=t), treatment="t", outcome="y", method="gcomp", n_bootstrap=20,
                              assume_no_confounding=True, random_state=0)
    assert est.n == 30 and len(est.refutations) == 4


def test_null_effect_by_the_graph_is_zero_and_says_so():
    # y --> t: no directed path from t to y and no adjustment set (y itself is the only confounder); the graph
    # fixes the effect at 0 (as DoWhy reports it); nothing is estimated from the data
    import numpy as np
    import pandas as pd

    from causalscope.estimation import estimate_effect
    from causalscope.graphs import parse_graph

    rng = np.random.default_rng(0)
    y = rng.normal(size=300)
    t = 2 * y + rng.normal(size=300)
    z = t + rng.normal(size=300)
    est = estimate_effect(pd.DataFrame({"t": t, "y": y, "z": z}), parse_graph("y --> t; t --> z"), treatment="t",
                          outcome="y")
    assert est.method == "null_effect" and est.estimate == 0.0 and (est.ci_low, est.ci_high) == (0.0, 0.0)
    assert est.estimand == "P(y | do(t)) = P(y)" and est.refutations == () and est.sensitivity is None
    assert "zero by the graph" in est.assumptions[0] and "not estimated from the data" in est.assumptions[0]
