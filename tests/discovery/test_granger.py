"""Tests of conditional Granger causality (causalscope.discovery.granger).

References:
- statsmodels' ``VARResults.test_causality(caused, causing, kind="f"|"wald")``
  on every ordered pair, same data and order: statistics and p-values to 1e-8,
  the degrees of freedom equal;
- statsmodels' ``multipletests(method="fdr_bh")`` for the Benjamini-Hochberg values;
- the simulated VAR's true lagged graph (large T) for the links found.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causalscope.discovery.granger import ConditionalGranger, granger, granger_tests
from causalscope.discovery.pcmci import fdr_bh
from causalscope.discovery.var_model import fit_var
from causalscope.exceptions import DataError, InvalidParameterError


def _var_series(p: int, big_t: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A stable VAR(2): lag-1 self effects 0.4, and a lag-2 chain X_i --> X_{i+1} of weight 0.5."""
    rng = np.random.default_rng(seed)
    x = np.zeros((big_t + 50, p))
    cause = np.zeros((p, p), dtype=bool)  # cause[i, j]: X_i --> X_j
    for i in range(p - 1):
        cause[i, i + 1] = True
    for t in range(2, big_t + 50):
        x[t] = 0.4 * x[t - 1] + rng.laplace(size=p)
        x[t, 1:] += 0.5 * x[t - 2, :-1]
    return x[50:], cause


@pytest.mark.parametrize("p", [5, 10])
@pytest.mark.parametrize(("test", "kind"), [("f", "f"), ("chi2", "wald")])
def test_every_pair_matches_statsmodels_test_causality(p: int, test: str, kind: str) -> None:
    """Reference: statsmodels test_causality on every ordered pair (p = 5 and 10, VAR(3))."""
    sm = pytest.importorskip("statsmodels.tsa.api")
    x, _ = _var_series(p, 400, p)
    ref = sm.VAR(x).fit(3)
    ours = granger_tests(fit_var(x, 3), test)  # type: ignore[arg-type]
    for i in range(p):
        for j in range(p):
            r = ref.test_causality(j, [i], kind=kind)
            assert ours.statistic[i, j] == pytest.approx(r.test_statistic, rel=1e-8, abs=1e-8)
            assert ours.p_value[i, j] == pytest.approx(r.pvalue, rel=1e-8, abs=1e-12)
            assert ours.df == tuple(np.atleast_1d(r.df))


def test_estimator_matches_statsmodels_with_the_selected_order() -> None:
    """Reference: statsmodels select_order (BIC, common sample) then test_causality (p = 5)."""
    sm = pytest.importorskip("statsmodels.tsa.api")
    x, _ = _var_series(5, 500, 1)
    model = ConditionalGranger(tau_max=4).fit(x)
    order = int(sm.VAR(x).select_order(4).selected_orders["bic"])
    assert model.order_ == order == 2
    ref = sm.VAR(x).fit(order)
    for i in range(5):
        for j in range(5):
            r = ref.test_causality(j, [i], kind="f")
            assert model.statistics_[i, j] == pytest.approx(r.test_statistic, rel=1e-8)


def test_recovers_the_true_lagged_graph() -> None:
    """Oracle: the simulated links (lag-1 self effects, lag-2 chain) at T = 2000, p = 5."""
    x, cause = _var_series(5, 2000, 2)
    model = ConditionalGranger(tau_max=3, alpha=0.001).fit(pd.DataFrame(x, columns=list("abcde")))
    expected = {f"{v}[t-1] --> {v}[t]" for v in "abcde"} | {f"{a}[t-2] --> {b}[t]" for a, b in zip("abcd", "bcde")}
    assert set(model.graph_.lagged_edges()) == expected
    found = model.p_values_ <= 0.001
    np.fill_diagonal(found, False)
    assert np.array_equal(found, cause)


def test_fdr_bh_matches_statsmodels() -> None:
    """Reference: statsmodels multipletests(method='fdr_bh') for the BH function Granger uses (PCMCI's); masked entries unchanged."""
    multitest = pytest.importorskip("statsmodels.stats.multitest")
    rng = np.random.default_rng(0)
    p = rng.random(60) ** 3
    everything = np.ones(60, dtype=bool)
    np.testing.assert_allclose(fdr_bh(p, everything), multitest.multipletests(p, method="fdr_bh")[1], atol=1e-15)
    mask = np.arange(60) % 2 == 0
    out = fdr_bh(p, mask)
    np.testing.assert_array_equal(out[~mask], p[~mask])
    np.testing.assert_allclose(out[mask], multitest.multipletests(p[mask], method="fdr_bh")[1], atol=1e-15)


def test_fdr_option_and_knowledge() -> None:
    """Oracle: FDR-adjusted p-values are the BH values of the raw ones; forbidden pairs untested, required linked."""
    x, _ = _var_series(4, 300, 3)
    frame = pd.DataFrame(x, columns=list("abcd"))
    raw = ConditionalGranger(tau_max=2, criterion=None).fit(frame)
    adj = ConditionalGranger(tau_max=2, criterion=None, fdr_method="fdr_bh").fit(frame)
    np.testing.assert_allclose(adj.p_values_, fdr_bh(raw.p_values_, np.ones((4, 4), dtype=bool)))
    knowledge = {"forbidden": [["a", "b"]], "required": [["d", "a"]]}
    model = ConditionalGranger(tau_max=2, criterion=None, knowledge=knowledge).fit(frame)
    assert np.isnan(model.p_values_[0, 1])
    summary = model.graph_.lagged_edges()
    assert not any(e.startswith("a[") and e.endswith("b[t]") for e in summary)
    assert any(e.startswith("d[") and e.endswith("a[t]") for e in summary)


def test_time_column_and_function() -> None:
    """Oracle: a time column is not a variable, and the function returns the estimator's graph."""
    x, _ = _var_series(3, 300, 4)
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    frame.insert(0, "t", np.arange(300) * 2.0)
    model = ConditionalGranger(tau_max=2, time_column="t").fit(frame)
    assert model.variables_ == ("a", "b", "c")
    assert granger(frame, tau_max=2, time_column="t") == model.graph_


def test_bad_input_raises_typed_errors() -> None:
    """Errors name the parameter or column: tau_max, criterion, test, fdr_method, unsorted time, too few rows."""
    x, _ = _var_series(3, 100, 5)
    for bad in [{"tau_max": 0}, {"criterion": "aicc"}, {"test": "lr"}, {"fdr_method": "bonferroni"}, {"alpha": 2}]:
        with pytest.raises(InvalidParameterError, match=next(iter(bad))):
            ConditionalGranger(**bad).fit(x)  # type: ignore[arg-type]
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    frame["t"] = np.arange(100)[::-1]
    with pytest.raises(DataError, match="t"):
        ConditionalGranger(time_column="t").fit(frame)
    with pytest.raises(DataError):
        ConditionalGranger(tau_max=3).fit(x[:12])
