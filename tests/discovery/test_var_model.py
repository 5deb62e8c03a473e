"""Tests of the VAR kernel (causalscope.discovery.var_model).

Reference: statsmodels' ``VAR`` on the same data (``fit``: params, residuals,
``sigma_u``, information criteria; ``select_order``: every criterion value and the
selected orders), to 1e-8.
"""

from __future__ import annotations

import numpy as np
import pytest

from causalscope.discovery.var_model import fit_var, lag_design, select_order
from causalscope.exceptions import DataError, InvalidParameterError


def _series(p: int, big_t: int, seed: int, order: int = 2) -> np.ndarray:
    """A stable VAR(order) with Laplace noise (a fixed random coefficient pattern)."""
    rng = np.random.default_rng(seed)
    coefs = [rng.uniform(-0.35, 0.35, (p, p)) * (rng.random((p, p)) < 0.3) / k for k in range(1, order + 1)]
    x = np.zeros((big_t + 50, p))
    for t in range(order, big_t + 50):
        x[t] = sum(c @ x[t - k - 1] for k, c in enumerate(coefs)) + rng.laplace(size=p)
    return x[50:]


@pytest.mark.parametrize("trend", ["n", "c", "ct"])
def test_fit_matches_statsmodels(trend: str) -> None:
    """Reference: statsmodels VAR(3).fit on the same data (p = 5, T = 300)."""
    sm = pytest.importorskip("statsmodels.tsa.api")
    x = _series(5, 300, 0)
    ref = sm.VAR(x).fit(3, trend=trend)
    ours = fit_var(x, 3, trend=trend)  # type: ignore[arg-type]
    np.testing.assert_allclose(ours.params, ref.params, atol=1e-10)
    np.testing.assert_allclose(ours.resid, ref.resid, atol=1e-10)
    np.testing.assert_allclose(ours.coefs, ref.coefs, atol=1e-10)
    np.testing.assert_allclose(ours.sigma_u, ref.sigma_u, atol=1e-10)
    np.testing.assert_allclose(ours.sigma_u_mle, ref.sigma_u_mle, atol=1e-10)
    assert (ours.nobs, ours.df_model, ours.df_resid) == (ref.nobs, ref.df_model, ref.df_resid)
    crit = ours.info_criteria()
    for name in ("aic", "bic", "hqic", "fpe"):
        assert crit[name] == pytest.approx(getattr(ref, name), abs=1e-8)


@pytest.mark.parametrize(("p", "trend"), [(5, "c"), (10, "c"), (5, "n"), (10, "ct")])
def test_select_order_matches_statsmodels(p: int, trend: str) -> None:
    """Reference: statsmodels VAR.select_order(8): all four criteria for every order, and the selected orders."""
    sm = pytest.importorskip("statsmodels.tsa.api")
    x = _series(p, 400, p)
    ref = sm.VAR(x).select_order(8, trend=trend)
    ours = select_order(x, 8, trend=trend)  # type: ignore[arg-type]
    for name in ("aic", "bic", "hqic", "fpe"):
        np.testing.assert_allclose(ours.criteria[name], np.asarray(ref.ics[name]), rtol=0, atol=1e-8)
        assert ours.selected(name, min_order=0) == int(ref.selected_orders[name])  # type: ignore[arg-type]
    assert ours.selected("bic") >= 1


def test_design_layout() -> None:
    """Oracle: the design's columns are the constant, the trend, then the lag blocks (checked by hand)."""
    x = np.arange(12.0).reshape(6, 2)
    y, z = lag_design(x, 2, 2)
    np.testing.assert_array_equal(y, x[2:])
    np.testing.assert_array_equal(z[:, 0], 1.0)
    np.testing.assert_array_equal(z[:, 1], [3, 4, 5, 6])
    np.testing.assert_array_equal(z[:, 2:4], x[1:5])
    np.testing.assert_array_equal(z[:, 4:6], x[0:4])


def test_bad_input_raises_typed_errors() -> None:
    """Errors name what is wrong: constant column, too few rows, bad order or trend, NaN."""
    x = _series(3, 50, 1)
    const = x.copy()
    const[:, 1] = 2.0
    with pytest.raises(DataError, match="X1"):
        fit_var(const, 1)
    with pytest.raises(DataError, match="rows"):
        fit_var(x[:8], 3)
    with pytest.raises(InvalidParameterError, match="order"):
        fit_var(x, -1)
    with pytest.raises(InvalidParameterError, match="trend"):
        fit_var(x, 1, trend="linear")  # type: ignore[arg-type]
    nan = x.copy()
    nan[3, 2] = np.nan
    with pytest.raises(DataError, match="X2"):
        select_order(nan, 2)
    with pytest.raises(InvalidParameterError, match="criterion"):
        select_order(x, 2).selected("aicc")  # type: ignore[arg-type]


def test_own_sample_selection_compares_separate_fits() -> None:
    """Reference: the criteria of separate statsmodels VAR(k).fit results (each on its own rows)."""
    sm = pytest.importorskip("statsmodels.tsa.api")
    x = _series(3, 150, 4, order=3)
    ours = select_order(x, 4, sample="own")
    for k in range(0, 5):
        ref = sm.VAR(x).fit(k)
        assert ours.criteria["bic"][k] == pytest.approx(ref.bic, abs=1e-8)
        assert ours.nobs[k] == ref.nobs


def test_choose_order_fixed_and_by_criterion() -> None:
    """Oracle: no criterion gives tau_max; a criterion gives select_order's choice in 1..tau_max."""
    from causalscope.discovery.var_model import choose_order

    x = _series(3, 300, 5, order=2)
    assert choose_order(x, 4, None) == (4, None)
    order, selection = choose_order(x, 4, "aic")
    assert selection is not None and order == selection.selected("aic") >= 1
    with pytest.raises(InvalidParameterError, match="criterion"):
        choose_order(x, 4, "aicc")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="tau_max"):
        choose_order(x, 0, None)


def test_time_series_input_takes_a_validated_series() -> None:
    """Oracle: a TimeSeriesData passes through unchanged; a frame is validated with its time column."""
    import pandas as pd

    from causalscope.data.timeseries import as_time_series
    from causalscope.discovery.var_model import time_series_input

    frame = pd.DataFrame(_series(2, 60, 6, order=1), columns=["a", "b"]).assign(t=np.arange(60))
    series = as_time_series(frame, time_column="t")
    same, knowledge = time_series_input(series, time_column=None, tau_max=2, knowledge=None)
    assert same is series and knowledge is None
    built, _ = time_series_input(frame, time_column="t", tau_max=2, knowledge={"forbidden": [["a", "b"]]})
    assert built.variables == ("a", "b")
    with pytest.raises(DataError):
        time_series_input(series, time_column=None, tau_max=2, knowledge={"forbidden": [["a", "zzz"]]})
