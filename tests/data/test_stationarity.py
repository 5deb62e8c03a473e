"""Tests of causalscope.data.stationarity: ADF and KPSS against statsmodels on the same data.

Reference: ``statsmodels.tsa.stattools.adfuller`` and ``kpss`` (test-only use,
called as a black box): statistics to 1e-8, p-values to 1e-6, the same chosen
lags and row counts. Plus the published critical values: MacKinnon's (1994)
asymptotic 5% critical value of the constant-only test is about -2.86 and the
KPSS 5% critical values of Kwiatkowski et al. (1992) are 0.463 (level) and
0.146 (trend).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from causalscope.data import TimeSeriesData, as_time_series
from causalscope.data.stationarity import adf_test, kpss_test, mackinnon_p_value
from causalscope.exceptions import DataError, InvalidParameterError

stattools = pytest.importorskip("statsmodels.tsa.stattools")


def _series(n: int, seed: int) -> np.ndarray:
    """Random walk, white noise, MA(2), trend + noise, AR(1) 0.9 with t(3) noise, near-I(2)."""
    rng = np.random.default_rng(seed)
    ar = np.zeros(n)
    e = rng.standard_t(3, size=n)
    for t in range(1, n):
        ar[t] = 0.9 * ar[t - 1] + e[t]
    cols = [
        np.cumsum(rng.normal(size=n)),
        rng.normal(size=n),
        np.convolve(rng.normal(size=n + 2), [1.0, 0.8, 0.5], "valid"),
        0.05 * np.arange(n) + rng.normal(size=n),
        ar,
        0.01 * np.cumsum(np.cumsum(rng.normal(size=n))) + rng.normal(size=n),
    ]
    return np.column_stack(cols)


@pytest.mark.parametrize(("n", "seed"), [(60, 1), (250, 2), (1000, 3)])
@pytest.mark.parametrize("regression", ["c", "ct", "n"])
@pytest.mark.parametrize("autolag", ["AIC", "BIC", None])
def test_adf_matches_statsmodels(n: int, seed: int, regression: str, autolag: str | None) -> None:
    """Same t statistic (1e-8), MacKinnon p-value (1e-6), lag order and rows as adfuller."""
    x = _series(n, seed)
    res = adf_test(x, regression=regression, autolag=autolag)  # type: ignore[arg-type]
    for j in range(x.shape[1]):
        ref = stattools.adfuller(x[:, j], regression=regression, autolag=autolag, result_object=False)
        assert res.statistic[j] == pytest.approx(ref[0], rel=1e-8, abs=1e-8)
        assert res.p_value[j] == pytest.approx(ref[1], abs=1e-6)
        assert (res.lags[j], res.n_obs[j]) == (ref[2], ref[3])


def test_adf_fixed_max_lag_matches_statsmodels() -> None:
    """A given maxlag (searched by AIC, or used as is) gives adfuller's answer."""
    x = _series(200, 4)
    for autolag in ("AIC", None):
        res = adf_test(x, max_lag=5, autolag=autolag)  # type: ignore[arg-type]
        for j in range(x.shape[1]):
            ref = stattools.adfuller(x[:, j], maxlag=5, autolag=autolag, result_object=False)
            assert res.statistic[j] == pytest.approx(ref[0], rel=1e-8, abs=1e-8)
            assert res.lags[j] == ref[2]


@pytest.mark.parametrize(("n", "seed"), [(60, 5), (400, 6)])
@pytest.mark.parametrize("regression", ["c", "ct"])
@pytest.mark.parametrize("n_lags", ["auto", "legacy", 4])
def test_kpss_matches_statsmodels(n: int, seed: int, regression: str, n_lags: str | int) -> None:
    """Same statistic (1e-8), bandwidth and interpolated p-value (1e-6) as kpss."""
    x = _series(n, seed)
    res = kpss_test(x, regression=regression, n_lags=n_lags)  # type: ignore[arg-type]
    for j in range(x.shape[1]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # statsmodels' InterpolationWarning at the table's ends
            ref = stattools.kpss(x[:, j], regression=regression, nlags=n_lags)
        assert res.statistic[j] == pytest.approx(ref[0], rel=1e-8, abs=1e-10)
        assert res.p_value[j] == pytest.approx(ref[1], abs=1e-6)
        assert res.lags[j] == ref[2]
        assert res.p_value_is_bound[j] == (ref[1] in (0.01, 0.1))


def test_published_critical_values() -> None:
    """MacKinnon (1994): the 5% asymptotic point is about -2.86 ("c"), -3.41 ("ct"), -1.94 ("n");
    KPSS p-values at the published 5% critical values are 0.05."""
    assert float(mackinnon_p_value(-2.86, "c")) == pytest.approx(0.05, abs=2e-3)
    assert float(mackinnon_p_value(-3.41, "ct")) == pytest.approx(0.05, abs=2e-3)
    assert float(mackinnon_p_value(-1.94, "n")) == pytest.approx(0.05, abs=2e-3)
    assert float(mackinnon_p_value(3.0, "c")) == 1.0 and float(mackinnon_p_value(-30.0, "c")) == 0.0
    e = np.random.default_rng(0).normal(size=(300, 1))
    assert kpss_test(e).regression == "c"
    assert np.interp(0.463, [0.347, 0.463, 0.574, 0.739], [0.1, 0.05, 0.025, 0.01]) == 0.05


def test_verdicts_on_known_processes() -> None:
    """ADF keeps the unit root of a random walk and rejects it for white noise; KPSS the reverse."""
    x = _series(500, 7)[:, :2]  # random walk, white noise
    assert adf_test(x).rejects(0.05).tolist() == [False, True]
    assert kpss_test(x).rejects(0.05).tolist() == [True, False]


def test_result_names_variables_and_is_jsonable() -> None:
    """A TimeSeriesData's names are kept; to_dict holds plain numbers per variable."""
    ts = as_time_series(_series(120, 8)[:, :2] @ np.eye(2))
    assert isinstance(ts, TimeSeriesData)
    d = adf_test(ts).to_dict()
    assert d["test"] == "adf" and d["null"] == "unit root" and set(d["variables"]) == {"X0", "X1"}
    assert isinstance(d["variables"]["X0"]["lags"], int)
    assert kpss_test(ts).to_dict()["null"] == "stationary"


def test_bad_parameters() -> None:
    """Unknown options and out-of-range lags raise InvalidParameterError naming the parameter."""
    x = _series(80, 9)
    with pytest.raises(InvalidParameterError, match="regression must be one of"):
        adf_test(x, regression="ctt")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="autolag must be"):
        adf_test(x, autolag="t-stat")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"max_lag must be an integer in 0\.\.38"):
        adf_test(x, max_lag=39)
    with pytest.raises(InvalidParameterError, match="n_lags must be"):
        kpss_test(x, n_lags=80)
    with pytest.raises(InvalidParameterError, match="regression must be one of"):
        kpss_test(x, regression="n")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="constant variable"):
        adf_test(np.ones((50, 1)))
    with pytest.raises(DataError, match="expected a pandas DataFrame"):
        kpss_test({"x": [1.0, 2.0, 3.0]})  # type: ignore[arg-type]
