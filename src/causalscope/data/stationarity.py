"""Stationarity tests for time series: augmented Dickey-Fuller and KPSS, over all columns at once.

The two tests have opposite null hypotheses, so they are read together:

* **ADF** (Dickey & Fuller 1979; Said & Dickey 1984) tests the null of a *unit
  root* (the series is integrated, e.g. a random walk) against stationarity. For
  each column ``x`` it regresses ``dx_t`` on the lagged level ``x_{t-1}``,
  ``k`` lagged differences ``dx_{t-1..t-k}`` and the deterministic terms (a
  constant, ``"c"``, or a constant and a linear trend, ``"ct"``); the statistic
  is the t-ratio of ``x_{t-1}``'s coefficient. The lag order ``k`` is chosen by
  an information criterion over ``0..max_lag`` on the common sample of the
  largest model (all candidate regressions use the same ``T - 1 - max_lag``
  rows), then the chosen model is refitted on all the rows it can use, as
  statsmodels' ``adfuller(autolag="AIC")`` documents. ``max_lag`` defaults to
  Schwert's (1989) rule ``ceil(12 (T/100)^(1/4))``, capped at
  ``T // 2 - n_trend - 1``. The p-value is MacKinnon's (1994) approximate
  asymptotic distribution function: ``Phi`` of a quadratic (left tail, below
  ``tau*``) or cubic (right part) polynomial in the statistic, with the
  response-surface coefficients of the paper's Table 3 (one variable, ``N = 1``),
  0 below its ``tau_min`` and 1 above its ``tau_max``.
* **KPSS** (Kwiatkowski, Phillips, Schmidt & Shin 1992) tests the null of
  (level or trend) *stationarity* against a unit root. With ``e`` the residuals
  of ``x`` on a constant (``"c"``) or a constant and trend (``"ct"``), the
  statistic is ``eta = sum_t S_t^2 / (T^2 s^2(l))`` with partial sums
  ``S_t = e_1 + ... + e_t`` and the Newey-West (Bartlett kernel) long-run
  variance ``s^2(l) = (1/T) (sum e_t^2 + 2 sum_{i=1}^{l} (1 - i/(l+1)) sum_t e_t e_{t-i})``.
  The bandwidth ``l`` is chosen from the data (``n_lags="auto"``) by the
  Newey & West (1994) rule as Hobijn, Franses & Ooms (1998) apply it to KPSS:
  ``n = int(T^(2/9))`` autocovariances give ``s0 = g_0 + 2 sum g_i`` and
  ``s1 = 2 sum i g_i``, and ``l = int(1.1447 ((s1/s0)^2)^(1/3) T^(1/3))``
  (at most ``T - 1``); ``"legacy"`` is ``ceil(12 (T/100)^(1/4))``. The p-value is
  interpolated linearly in the paper's Table 1 of critical values (10%, 5%,
  2.5%, 1%); outside the table it is the table's end (0.10 or 0.01) and the
  result says it is a bound (:attr:`UnitRootTest.p_value_is_bound`).

Both are vectorised over the columns: one batched QR factorisation per
regression shape gives the nested ADF fits of every column (the residual sum of
squares of each smaller model follows from the same factorisation), and the
KPSS autocovariances are computed for all columns lag by lag.

References
----------
Dickey, D. A. & Fuller, W. A. (1979). Distribution of the estimators for
autoregressive time series with a unit root. *JASA* 74, 427-431.
Said, S. E. & Dickey, D. A. (1984). Testing for unit roots in autoregressive-moving
average models of unknown order. *Biometrika* 71, 599-607.
MacKinnon, J. G. (1994). Approximate asymptotic distribution functions for unit-root
and cointegration tests. *Journal of Business and Economic Statistics* 12, 167-176.
Kwiatkowski, D., Phillips, P. C. B., Schmidt, P. & Shin, Y. (1992). Testing the null
hypothesis of stationarity against the alternative of a unit root. *Journal of
Econometrics* 54, 159-178.
Newey, W. K. & West, K. D. (1994). Automatic lag selection in covariance matrix
estimation. *Review of Economic Studies* 61, 631-653.
Hobijn, B., Franses, P. H. & Ooms, M. (1998). Generalizations of the KPSS-test for
stationarity. Econometric Institute Report 9802/A, Erasmus University Rotterdam.
Schwert, G. W. (1989). Tests for unit roots: a Monte Carlo investigation. *Journal of
Business and Economic Statistics* 7, 147-159.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..exceptions import DataError, InvalidParameterError
from ._encode import format_columns
from .timeseries import TimeSeriesData, ensure_time_series

__all__ = ["UnitRootTest", "adf_test", "kpss_test", "mackinnon_p_value", "ADF_REGRESSIONS", "KPSS_REGRESSIONS"]

ADFRegression = Literal["n", "c", "ct"]
KPSSRegression = Literal["c", "ct"]
#: The deterministic terms of the ADF regression: none, a constant, a constant and a linear trend.
ADF_REGRESSIONS: tuple[str, ...] = ("n", "c", "ct")
#: The deterministic terms KPSS removes: a constant (level stationarity) or a constant and trend.
KPSS_REGRESSIONS: tuple[str, ...] = ("c", "ct")

# MacKinnon (1994), Table 3, one variable (N = 1): tau* (where the two polynomials
# meet), tau_min / tau_max (the range of the approximation), the quadratic
# (small-p) and cubic (large-p) coefficients gamma_0, gamma_1, gamma_2 (, gamma_3).
_MACKINNON: dict[str, dict[str, Any]] = {
    "n": {"star": -1.04, "min": -19.04, "max": np.inf,
          "small": (0.6344, 1.2378, 3.2496e-2), "large": (0.4797, 0.93557, -0.06999, 3.3066e-2)},
    "c": {"star": -1.61, "min": -18.83, "max": 2.74,
          "small": (2.1659, 1.4412, 3.8269e-2), "large": (1.7339, 0.93202, -0.12745, -1.0368e-2)},
    "ct": {"star": -2.89, "min": -16.18, "max": 0.70,
           "small": (3.2512, 1.6047, 4.9588e-2), "large": (2.5261, 0.61654, -0.37956, -6.0285e-2)},
}

# Kwiatkowski et al. (1992), Table 1: upper-tail critical values at 10%, 5%, 2.5%, 1%.
_KPSS_P = np.array([0.10, 0.05, 0.025, 0.01])
_KPSS_CRIT = {"c": np.array([0.347, 0.463, 0.574, 0.739]), "ct": np.array([0.119, 0.146, 0.176, 0.216])}


@dataclass(frozen=True, eq=False)
class UnitRootTest:
    """The result of a stationarity test on each variable of a series.

    Attributes
    ----------
    test : {"adf", "kpss"}
        Which test.
    null : str
        Its null hypothesis: ``"unit root"`` (ADF) or ``"stationary"`` (KPSS).
    regression : str
        The deterministic terms: ``"n"``, ``"c"`` or ``"ct"``.
    variables : tuple of str
        One entry per variable in the arrays below.
    statistic, p_value : numpy.ndarray
        The test statistic and its (approximate) p-value per variable.
    lags : numpy.ndarray
        ``int64``: the lagged differences used (ADF) or the Newey-West bandwidth (KPSS).
    n_obs : numpy.ndarray
        ``int64``: the rows of the final regression.
    p_value_is_bound : numpy.ndarray
        ``bool``: True where the p-value is only a bound (KPSS outside the table:
        ``>= 0.10`` or ``<= 0.01``; ADF outside MacKinnon's range: 0 or 1).
    """

    test: Literal["adf", "kpss"]
    null: str
    regression: str
    variables: tuple[str, ...]
    statistic: np.ndarray
    p_value: np.ndarray
    lags: np.ndarray
    n_obs: np.ndarray
    p_value_is_bound: np.ndarray

    def rejects(self, alpha: float = 0.05) -> np.ndarray:
        """``bool`` per variable: the null is rejected at level ``alpha`` (``p_value < alpha``)."""
        return np.asarray(self.p_value < alpha)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the test, its null and regression, and per variable statistic, p-value, lags, rows."""
        return {
            "test": self.test,
            "null": self.null,
            "regression": self.regression,
            "variables": {
                v: {
                    "statistic": float(self.statistic[j]),
                    "p_value": float(self.p_value[j]),
                    "p_value_is_bound": bool(self.p_value_is_bound[j]),
                    "lags": int(self.lags[j]),
                    "n_obs": int(self.n_obs[j]),
                }
                for j, v in enumerate(self.variables)
            },
        }


# --------------------------------------------------------------------------- ADF


def mackinnon_p_value(statistic: np.ndarray | float, regression: str = "c") -> np.ndarray:
    """MacKinnon's (1994) approximate asymptotic p-value of a Dickey-Fuller t statistic (one variable).

    ``Phi(gamma_0 + gamma_1 s + gamma_2 s^2)`` for ``s <= tau*``,
    ``Phi(gamma_0 + gamma_1 s + gamma_2 s^2 + gamma_3 s^3)`` above, 0 below
    ``tau_min`` and 1 above ``tau_max`` (Table 3 of the paper, ``N = 1``).

    Parameters
    ----------
    statistic:
        One or more ADF t statistics.
    regression:
        ``"n"`` (no deterministic term), ``"c"`` (constant) or ``"ct"`` (constant and trend).

    Examples
    --------
    >>> float(mackinnon_p_value(-2.86, "c").round(3))
    0.05
    """
    from scipy.special import ndtr

    coef = _MACKINNON[_check_choice(regression, ADF_REGRESSIONS, "regression")]
    s = np.asarray(statistic, dtype=np.float64)
    a0, a1, a2 = coef["small"]
    b0, b1, b2, b3 = coef["large"]
    small = a0 + s * (a1 + s * a2)
    large = b0 + s * (b1 + s * (b2 + s * b3))
    p = ndtr(np.where(s <= coef["star"], small, large))
    p = np.where(s > coef["max"], 1.0, np.where(s < coef["min"], 0.0, p))
    return np.asarray(p, dtype=np.float64)


def adf_test(
    data: TimeSeriesData | np.ndarray,
    *,
    regression: ADFRegression = "c",
    max_lag: int | None = None,
    autolag: Literal["AIC", "BIC"] | None = "AIC",
) -> UnitRootTest:
    """Augmented Dickey-Fuller test of a unit root in every variable.

    Parameters
    ----------
    data:
        A :class:`~causalscope.data.TimeSeriesData`, or an array (1-D: one series;
        2-D: one series per column), validated with
        :func:`~causalscope.data.as_time_series`.
    regression:
        Deterministic terms of the test regression: ``"c"`` (constant, default),
        ``"ct"`` (constant and linear trend) or ``"n"`` (none).
    max_lag:
        The largest number of lagged differences (default: Schwert's rule
        ``ceil(12 (T/100)^(1/4))``, at most ``T // 2 - n_trend - 1``).
    autolag:
        ``"AIC"`` (default) or ``"BIC"``: choose the number of lagged differences
        in ``0..max_lag`` by that criterion on the common sample; None: use ``max_lag``.

    Returns
    -------
    UnitRootTest
        ``test="adf"``, ``null="unit root"``: a small p-value rejects the unit root.

    Raises
    ------
    InvalidParameterError
        For an unknown ``regression`` or ``autolag``, or a ``max_lag`` outside
        ``0..T // 2 - n_trend - 1``.
    DataError
        If the series is too short for the regression.

    Notes
    -----
    Reference: statsmodels' ``adfuller`` (same statistics and p-values, tested).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> walk = np.cumsum(rng.normal(size=300))
    >>> noise = rng.normal(size=300)
    >>> res = adf_test(np.column_stack([walk, noise]))
    >>> res.rejects(0.05).tolist()
    [False, True]
    """
    ts = ensure_time_series(data)
    regression = _check_choice(regression, ADF_REGRESSIONS, "regression")  # type: ignore[assignment]
    if autolag is not None and autolag not in ("AIC", "BIC"):
        raise InvalidParameterError(f"autolag must be 'AIC', 'BIC' or None; got {autolag!r}")
    x = ts.values
    n, p = x.shape
    n_trend = ADF_REGRESSIONS.index(regression)
    cap = n // 2 - n_trend - 1
    if max_lag is None:
        lag_max = min(int(np.ceil(12.0 * (n / 100.0) ** 0.25)), cap)
        if lag_max < 0:
            raise DataError(f"the series has {n} rows: too short for the ADF regression with regression={regression!r}")
    else:
        if isinstance(max_lag, (bool, np.bool_)) or not isinstance(max_lag, (int, np.integer)) or not 0 <= max_lag <= cap:
            raise InvalidParameterError(
                f"max_lag must be an integer in 0..{cap} (T // 2 - n_trend - 1 for T={n}); got {max_lag!r}"
            )
        lag_max = int(max_lag)
    dx = np.diff(x, axis=0)
    if autolag is None:
        chosen = np.full(p, lag_max, dtype=np.int64)
    else:
        chosen = _adf_autolag(x, dx, lag_max, n_trend, autolag)
    stat = np.empty(p)
    n_obs = np.empty(p, dtype=np.int64)
    for k in np.unique(chosen):
        cols = np.flatnonzero(chosen == k)
        design, y = _adf_design(x[:, cols], dx[:, cols], int(k), n_trend, level_last=True)
        q, r = np.linalg.qr(design)
        qty = np.einsum("pnk,np->pk", q, y)
        resid = y.T - np.einsum("pnk,pk->pn", q, qty)
        m = y.shape[0]
        dof = m - design.shape[2]
        s2 = np.einsum("pn,pn->p", resid, resid) / dof
        r_last = r[:, -1, -1]
        root = np.sqrt(np.maximum(s2, 0.0))
        stat[cols] = np.divide(np.sign(r_last) * qty[:, -1], root, out=np.full(cols.size, np.nan), where=root > 0)
        n_obs[cols] = m
    p_value = mackinnon_p_value(stat, regression)
    coef = _MACKINNON[regression]
    bound = (stat > coef["max"]) | (stat < coef["min"])
    return UnitRootTest(test="adf", null="unit root", regression=regression, variables=ts.variables,
                        statistic=stat, p_value=p_value, lags=chosen, n_obs=n_obs, p_value_is_bound=bound)


def _adf_design(x: np.ndarray, dx: np.ndarray, k: int, n_trend: int, *, level_last: bool) -> tuple[np.ndarray, np.ndarray]:
    """The ADF regression with ``k`` lagged differences, stacked per column: ``(p, m, q)`` design and ``(m, p)`` target.

    Rows are ``t = k+1 .. T-1`` (``m = T - 1 - k``). Columns: the deterministic terms
    (constant, trend ``1..m``), then either the lagged differences and the level
    ``x_{t-1}`` (``level_last``) or the level and the lagged differences (the nested
    order of the lag search).
    """
    n, p = x.shape
    m = n - 1 - k
    y = dx[k:]
    det = [np.ones(m)] if n_trend >= 1 else []
    if n_trend == 2:
        det.append(np.arange(1, m + 1, dtype=np.float64))
    level = x[k : n - 1].T  # (p, m)
    lags = [dx[k - i : n - 1 - i].T for i in range(1, k + 1)]  # each (p, m)
    blocks = [np.broadcast_to(d, (p, m)) for d in det]
    blocks += (lags + [level]) if level_last else ([level] + lags)
    design = np.stack(blocks, axis=2) if blocks else np.empty((p, m, 0))
    return np.ascontiguousarray(design), y


def _adf_autolag(x: np.ndarray, dx: np.ndarray, lag_max: int, n_trend: int, criterion: str) -> np.ndarray:
    """Number of lagged differences minimising AIC or BIC, per column, on the common sample of ``lag_max``.

    One QR factorisation of the largest design (columns in nested order) gives the
    residual sum of squares of every nested model: with ``Q'y = c`` and full
    residual ``r``, the model on the first ``j`` columns has ``SSR_j = |r|^2 +
    sum_{i >= j} c_i^2``. The criteria are those of a Gaussian linear regression
    with ``j`` coefficients on ``m`` rows: ``AIC = m (log(2 pi SSR/m) + 1) + 2 j``,
    ``BIC = m (log(2 pi SSR/m) + 1) + j log m``; ties go to the fewer lags.
    """
    design, y = _adf_design(x, dx, lag_max, n_trend, level_last=False)
    m = y.shape[0]
    q, _ = np.linalg.qr(design)
    c = np.einsum("pnk,np->pk", q, y)
    resid = y.T - np.einsum("pnk,pk->pn", q, c)
    ssr_full = np.einsum("pn,pn->p", resid, resid)
    tail = np.cumsum((c**2)[:, ::-1], axis=1)[:, ::-1]  # tail[:, i] = sum_{l >= i} c_l^2
    n_cols = n_trend + 1 + np.arange(lag_max + 1)  # columns of the model with 0..lag_max lags
    extra = np.concatenate([tail, np.zeros((tail.shape[0], 1))], axis=1)[:, n_cols]
    ssr = ssr_full[:, None] + extra
    penalty = 2.0 * n_cols if criterion == "AIC" else n_cols * np.log(m)
    ic = m * (np.log(2.0 * np.pi * ssr / m) + 1.0) + penalty[None, :]
    return np.asarray(np.argmin(ic, axis=1), dtype=np.int64)


# --------------------------------------------------------------------------- KPSS


def kpss_test(
    data: TimeSeriesData | np.ndarray,
    *,
    regression: KPSSRegression = "c",
    n_lags: Literal["auto", "legacy"] | int = "auto",
) -> UnitRootTest:
    """KPSS test of (level or trend) stationarity in every variable.

    Parameters
    ----------
    data:
        A :class:`~causalscope.data.TimeSeriesData`, or an array (1-D or 2-D),
        validated with :func:`~causalscope.data.as_time_series`.
    regression:
        ``"c"``: the null is stationarity around a constant level (default);
        ``"ct"``: around a linear trend.
    n_lags:
        The Newey-West bandwidth: ``"auto"`` (Hobijn et al. 1998, per variable),
        ``"legacy"`` (``ceil(12 (T/100)^(1/4))``) or an integer in ``0..T-1``.

    Returns
    -------
    UnitRootTest
        ``test="kpss"``, ``null="stationary"``: a small p-value rejects stationarity.
        p-values lie in ``[0.01, 0.10]``; at the ends they are bounds.

    Raises
    ------
    InvalidParameterError
        For an unknown ``regression`` or a bad ``n_lags``.

    Notes
    -----
    Reference: statsmodels' ``kpss`` (same statistics, bandwidths and p-values, tested).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> res = kpss_test(np.column_stack([np.cumsum(rng.normal(size=400)), rng.normal(size=400)]))
    >>> res.rejects(0.05).tolist()
    [True, False]
    """
    ts = ensure_time_series(data)
    regression = _check_choice(regression, KPSS_REGRESSIONS, "regression")  # type: ignore[assignment]
    x = ts.values
    n, p = x.shape
    if regression == "c":
        e = x - x.mean(axis=0)
    else:
        t = np.arange(1, n + 1, dtype=np.float64)
        tc = t - t.mean()
        xc = x - x.mean(axis=0)
        e = xc - np.outer(tc, (tc @ xc) / (tc @ tc))
    if isinstance(n_lags, str):
        if n_lags == "auto":
            lags = _kpss_bandwidth(e)
        elif n_lags == "legacy":
            lags = np.full(p, min(int(np.ceil(12.0 * (n / 100.0) ** 0.25)), n - 1), dtype=np.int64)
        else:
            raise InvalidParameterError(f"n_lags must be 'auto', 'legacy' or an integer; got {n_lags!r}")
    elif isinstance(n_lags, (bool, np.bool_)) or not isinstance(n_lags, (int, np.integer)) or not 0 <= n_lags < n:
        raise InvalidParameterError(f"n_lags must be 'auto', 'legacy' or an integer in 0..{n - 1}; got {n_lags!r}")
    else:
        lags = np.full(p, int(n_lags), dtype=np.int64)
    lmax = int(lags.max()) if p else 0
    gamma = _autocovariance_sums(e, lmax)  # (lmax + 1, p): sum_t e_t e_{t-i}
    i = np.arange(1, lmax + 1)[:, None]
    weights = np.where(i <= lags[None, :], 1.0 - i / (lags[None, :] + 1.0), 0.0)
    long_run = (gamma[0] + 2.0 * np.sum(weights * gamma[1:], axis=0)) / n
    eta = np.sum(np.cumsum(e, axis=0) ** 2, axis=0) / n**2
    stat = np.divide(eta, long_run, out=np.full(p, np.nan), where=long_run > 0)  # NaN: no residual variance
    crit = _KPSS_CRIT[regression]
    p_value = np.interp(stat, crit, _KPSS_P)
    bound = (stat <= crit[0]) | (stat >= crit[-1])
    return UnitRootTest(test="kpss", null="stationary", regression=regression, variables=ts.variables,
                        statistic=stat, p_value=p_value, lags=lags, n_obs=np.full(p, n, dtype=np.int64),
                        p_value_is_bound=bound)


def _autocovariance_sums(e: np.ndarray, max_lag: int) -> np.ndarray:
    """``out[i, j] = sum_t e[t, j] e[t - i, j]`` for ``i = 0..max_lag`` (one vectorised product per lag)."""
    n = e.shape[0]
    out = np.empty((max_lag + 1, e.shape[1]))
    out[0] = np.einsum("tj,tj->j", e, e)
    for i in range(1, max_lag + 1):
        out[i] = np.einsum("tj,tj->j", e[i:], e[: n - i])
    return out


def _kpss_bandwidth(e: np.ndarray) -> np.ndarray:
    """Newey & West (1994) automatic Bartlett bandwidth as Hobijn et al. (1998) use it for KPSS, per column."""
    n = e.shape[0]
    n_cov = int(n ** (2.0 / 9.0))
    g = _autocovariance_sums(e, n_cov) / n
    i = np.arange(1, n_cov + 1)[:, None]
    s0 = g[0] + 2.0 * g[1:].sum(axis=0)
    s1 = 2.0 * np.sum(i * g[1:], axis=0)
    ratio = np.divide(s1, s0, out=np.zeros_like(s1), where=s0 > 0)  # 0 for a series without residual variance
    gamma_hat = 1.1447 * (ratio**2) ** (1.0 / 3.0)
    lags = (gamma_hat * n ** (1.0 / 3.0)).astype(np.int64)
    return np.minimum(lags, n - 1)


# --------------------------------------------------------------------------- helpers


def _check_choice(value: str, choices: tuple[str, ...], name: str) -> str:
    if value not in choices:
        raise InvalidParameterError(f"{name} must be one of {format_columns(choices)}; got {value!r}")
    return value
