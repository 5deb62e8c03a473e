"""Tests of causalscope.data.tsprofile: VAR lag order, autocorrelation, linearity and noise checks.

References (same data, called as black boxes): statsmodels' ``VAR.select_order``
(information criteria and chosen orders), ``acf``/``ccf``, ``OLS.compare_f_test``
(the polynomial lag test is a nested F test) and ``linear_reset`` (RESET);
scipy's ``normaltest`` (K2). Verdicts are checked on processes whose truth is
known by construction (fixed seeds).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from causalscope.data import as_time_series, profile_timeseries, select_var_order
from causalscope.exceptions import DataError, InvalidParameterError

sm = pytest.importorskip("statsmodels.api")
tsa = pytest.importorskip("statsmodels.tsa.api")
stattools = pytest.importorskip("statsmodels.tsa.stattools")
diagnostic = pytest.importorskip("statsmodels.stats.diagnostic")
scipy_stats = pytest.importorskip("scipy.stats")


def _simulate(n: int, seed: int) -> np.ndarray:
    """X0 AR(1); X1 <- tanh(2 X0[t-1]) (nonlinear); X2 <- X1[t-2], t(3) noise; X3 random walk; X4 trend + noise."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, 5))
    for t in range(2, n):
        x[t, 0] = 0.5 * x[t - 1, 0] + rng.normal()
        x[t, 1] = 0.4 * x[t - 1, 1] + 0.8 * np.tanh(2 * x[t - 1, 0]) + rng.normal()
        x[t, 2] = 0.4 * x[t - 2, 1] + 0.3 * x[t - 1, 2] + rng.standard_t(3)
        x[t, 3] = x[t - 1, 3] + rng.normal()
    x[:, 4] = 0.02 * np.arange(n) + rng.normal(size=n)
    return x


def _design(x: np.ndarray, tau_max: int, order: int) -> tuple[np.ndarray, np.ndarray]:
    n = x.shape[0]
    lagged = np.hstack([x[tau_max - k : n - k] for k in range(1, order + 1)])
    return x[tau_max:], np.hstack([np.ones((n - tau_max, 1)), lagged])


@pytest.mark.parametrize("tau_max", [1, 3, 6])
def test_var_order_matches_statsmodels(tau_max: int) -> None:
    """AIC, BIC and HQIC per order (1e-10) and the chosen orders equal VAR.select_order's."""
    x = _simulate(400, 0)[:, :3]
    ours = select_var_order(x, tau_max)
    ref = tsa.VAR(x).select_order(tau_max, trend="c")
    for name in ("aic", "bic", "hqic"):
        np.testing.assert_allclose(getattr(ours, name), ref.ics[name], rtol=0, atol=1e-10)
        assert ours.selected[name] == int(ref.selected_orders[name])
    assert ours.n_obs == 400 - tau_max


def test_profile_verdicts_on_known_processes() -> None:
    """Random walk -> unit root; trend + noise -> trend-stationary; tanh dependence -> nonlinear;
    t(3) noise -> non-Gaussian; the lag-2 link shows in the lagged cross-correlation."""
    prof = profile_timeseries(_simulate(800, 1), tau_max=3)
    assert prof.nonstationary == ("X3",)
    assert prof.trend_stationary == ("X4",)
    assert prof.variable("X0").stationarity == "stationary" and not prof.variable("X0").difference_suggested
    assert prof.variable("X3").difference_suggested
    assert prof.linearity_test == "polynomial"
    assert "X1" in prof.nonlinear and "X0" not in prof.nonlinear
    assert "X2" in prof.non_gaussian and "X0" not in prof.non_gaussian
    assert prof.lag_order.selected["bic"] >= 1
    assert prof.variable("X0").autocorrelated and prof.variable("X3").autocorrelated
    assert len(prof.max_autocorrelation) == 3 and len(prof.max_cross_correlation) == 4


def test_linearity_statistics_match_statsmodels() -> None:
    """The polynomial test is the nested OLS F test; on a short wide series RESET runs (linear_reset's F)."""
    x = _simulate(500, 2)[:, :3]
    prof = profile_timeseries(x, tau_max=2)
    y, z = _design(x, 2, prof.residual_order)
    lagged = z[:, 1:]
    extra = (lagged - lagged.mean(axis=0)) / lagged.std(axis=0)
    full = np.hstack([z, extra**2, extra**3])
    for j, v in enumerate(prof.variables):
        f, _, _ = sm.OLS(y[:, j], full).fit().compare_f_test(sm.OLS(y[:, j], z).fit())
        assert v.linearity_statistic == pytest.approx(float(f), rel=1e-8)
        k2 = scipy_stats.normaltest(sm.OLS(y[:, j], z).fit().resid).statistic
        assert v.normality_statistic == pytest.approx(float(k2), rel=1e-8)
    wide = np.random.default_rng(3).normal(size=(60, 14))
    prof = profile_timeseries(wide, tau_max=1)
    assert prof.linearity_test == "reset"
    y, z = _design(wide, 1, prof.residual_order)
    for j, v in enumerate(prof.variables):
        ref = diagnostic.linear_reset(sm.OLS(y[:, j], z).fit(), power=3, test_type="fitted", use_f=True)
        assert v.linearity_statistic == pytest.approx(float(ref.fvalue), rel=1e-7)


def test_autocorrelations_match_statsmodels() -> None:
    """Per-variable autocorrelations equal acf; the largest lagged cross-correlation equals ccf's."""
    x = _simulate(300, 4)[:, :3]
    prof = profile_timeseries(x, tau_max=4)
    for j, v in enumerate(prof.variables):
        np.testing.assert_allclose(v.autocorrelation, stattools.acf(x[:, j], nlags=4, fft=False)[1:], atol=1e-12)
    best = np.zeros(5)
    for i in range(3):
        for j in range(3):
            if i != j:  # corr(x_i[t], x_j[t-k]) = ccf(x_i, x_j)[k]
                c = stattools.ccf(x[:, i], x[:, j], adjusted=False, fft=False, nlags=5)
                best = np.maximum(best, np.abs(c[:5]))
    np.testing.assert_allclose(prof.max_cross_correlation, best, atol=1e-12)


def test_profile_is_jsonable_and_reports_gaps() -> None:
    """to_dict passes json.dumps(allow_nan=False); gaps of the time index are carried over."""
    x = _simulate(200, 5)[:, :2]
    t = np.r_[np.arange(100), np.arange(110, 210)]
    ts = as_time_series(pd.DataFrame({"t": t, "a": x[:, 0], "b": x[:, 1]}), time_column="t")
    prof = profile_timeseries(ts, tau_max=2)
    d = json.loads(json.dumps(prof.to_dict(), allow_nan=False))
    assert d["n_gaps"] == 1 and d["regular"] is False
    assert [v["name"] for v in d["variables"]] == ["a", "b"]
    assert any("gap" in fact for fact in prof.facts())
    with pytest.raises(DataError, match="unknown variable 'c'"):
        prof.variable("c")


def test_profile_bad_parameters() -> None:
    """tau_max >= 1 and alpha in (0, 1); a series too short for tau_max says the minimum."""
    x = _simulate(60, 6)
    with pytest.raises(InvalidParameterError, match="tau_max must be an integer >= 1"):
        profile_timeseries(x, tau_max=0)
    with pytest.raises(InvalidParameterError, match="alpha must be"):
        profile_timeseries(x, tau_max=2, alpha=1.5)
    with pytest.raises(DataError, match="needs at least 63"):
        profile_timeseries(as_time_series(x), tau_max=10)


def test_exact_trend_gives_nan_kpss_and_no_warning() -> None:
    """An exact linear trend leaves no residual: KPSS around the trend is NaN (no division warning,
    warnings are errors here), and the verdict is trend-stationary."""
    x = np.column_stack([np.arange(60.0), np.random.default_rng(7).normal(size=60)])
    prof = profile_timeseries(x, tau_max=2)
    assert np.isnan(prof.variable("X0").kpss_trend_p)
    assert prof.variable("X0").stationarity == "trend_stationary"
    assert json.loads(json.dumps(prof.to_dict(), allow_nan=False))["variables"][0]["kpss_trend_p"] is None
