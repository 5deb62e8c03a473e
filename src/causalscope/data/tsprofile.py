"""The facts of a time series the copilot chooses a time-series method from.

:func:`profile_timeseries` answers, for a validated
:class:`~causalscope.data.TimeSeriesData` and the largest lag of interest
``tau_max``:

* **Stationarity**, per variable, from ADF and KPSS read together
  (:mod:`causalscope.data.stationarity`; both with a constant, and again with a
  constant and trend). The rule, at level ``alpha``, first match wins:

  1. ADF rejects a unit root and KPSS does not reject level stationarity ->
     ``"stationary"``;
  2. the same with the trend regressions (or an exact linear trend, which leaves
     no residual) -> ``"trend_stationary"`` (detrend, do not difference);
  3. ADF does not reject a unit root and KPSS rejects level stationarity ->
     ``"unit_root"``: differencing is suggested (:attr:`SeriesProfile.difference_suggested`);
  4. otherwise ``"inconclusive"`` (the two tests disagree: too little data, or a
     long-memory or broken-trend series).

  The four p-values are reported; they are not adjusted for multiplicity (one
  decision per variable).
* **Lag order** of a VAR with an intercept, by AIC, BIC and HQIC over orders
  ``0..tau_max``, all fitted on the same ``T - tau_max`` rows (Lütkepohl 2005,
  section 4.3), with ``log det`` of the maximum-likelihood residual covariance
  plus ``(2, log n, 2 log log n) / n`` times the ``k p^2 + p`` free parameters.
  One QR factorisation of the largest design gives every nested fit (the least
  squares here are our own; a VAR kernel elsewhere in the package may replace
  them).
* **Autocorrelation** of each variable at lags ``1..tau_max`` with its
  Ljung-Box (1978) test (Holm-adjusted over variables), the largest absolute
  autocorrelation at each lag, and the largest absolute lagged cross-correlation
  ``corr(x_i[t], x_j[t-k])`` (``i != j``) at each lag ``k = 0..tau_max``, with the
  pair that attains it.
* **Linearity**, per variable, on the VAR equation of the variable at the AIC
  order ``k`` (at least 1), Holm-adjusted over variables. The *polynomial lag
  test* (a Tsay (1986)-type test without the cross products) adds the square and
  the cube of every lagged regressor (``2 p k`` columns, standardised) and asks
  with an F test whether they explain more than the linear lags; it is used when
  at least 20 residual degrees of freedom remain (``T - tau_max - 1 - 3 p k >= 20``).
  Otherwise Ramsey's (1969) RESET is used: the squared and cubed fitted values are
  added instead (F with 2 and ``n - m - 2`` degrees of freedom). The polynomial
  test sees an additive nonlinear dependence on one lag (``tanh``, a square) that
  RESET, which looks only along the fitted values, often misses.
* **Noise Gaussianity**, per variable: D'Agostino-Pearson's K2 on the same VAR
  residuals (the data profile's normality test), Holm-adjusted over variables.

References
----------
Lütkepohl, H. (2005). *New Introduction to Multiple Time Series Analysis*. Springer.
Ljung, G. M. & Box, G. E. P. (1978). On a measure of lack of fit in time series
models. *Biometrika* 65, 297-303.
Tsay, R. S. (1986). Nonlinearity tests for time series. *Biometrika* 73, 461-466.
Ramsey, J. B. (1969). Tests for specification errors in classical linear
least-squares regression analysis. *JRSS B* 31, 350-371.
D'Agostino, R. B. & Pearson, E. S. (1973). Tests for departure from normality.
*Biometrika* 60, 613-622.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from ..exceptions import DataError, InvalidParameterError
from ..utils import to_jsonable
from . import _profile_stats as st
from ._encode import format_columns
from .stationarity import adf_test, kpss_test
from .timeseries import TimeSeriesData, ensure_time_series

__all__ = ["LagOrderSelection", "SeriesProfile", "TimeSeriesProfile", "profile_timeseries", "select_var_order"]

StationarityVerdict = Literal["stationary", "trend_stationary", "unit_root", "inconclusive"]
_EPS = 1e-12




# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class LagOrderSelection:
    """Information criteria of VAR(k) fits, ``k = 0..max_lag``, on a common sample.

    Attributes
    ----------
    max_lag : int
        The largest order fitted.
    n_obs : int
        Rows of every fit (``T - max_lag``).
    aic, bic, hqic : tuple of float
        The criterion per order ``0..max_lag``.
    selected : dict
        ``{"aic": k, "bic": k, "hqic": k}``: the order minimising each (the smaller on a tie).
    """

    max_lag: int
    n_obs: int
    aic: tuple[float, ...]
    bic: tuple[float, ...]
    hqic: tuple[float, ...]
    selected: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return dict(to_jsonable(asdict(self)))


@dataclass(frozen=True)
class SeriesProfile:
    """Per-variable time-series evidence (p-values of RESET, K2 and Ljung-Box are Holm-adjusted over variables).

    ``adf_p``/``kpss_p`` are the constant-only tests, ``adf_trend_p``/``kpss_trend_p``
    the constant-and-trend ones; ``stationarity`` the verdict of the module's rule;
    ``autocorrelation`` the lag ``1..tau_max`` autocorrelations; ``linearity_statistic``
    the F statistic of the profile's linearity test.
    """

    name: str
    adf_statistic: float
    adf_p: float
    adf_lags: int
    kpss_statistic: float
    kpss_p: float
    kpss_p_is_bound: bool
    adf_trend_p: float
    kpss_trend_p: float
    stationarity: StationarityVerdict
    difference_suggested: bool
    autocorrelation: tuple[float, ...]
    ljung_box_statistic: float
    ljung_box_p: float
    autocorrelated: bool
    linearity_statistic: float
    linearity_p: float
    nonlinear: bool | None
    residual_skewness: float
    residual_excess_kurtosis: float
    normality_statistic: float
    normality_p: float
    non_gaussian: bool | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (NaN becomes None)."""
        return dict(to_jsonable(asdict(self)))


@dataclass(frozen=True)
class TimeSeriesProfile:
    """What :func:`profile_timeseries` found. See the module docstring for each rule.

    Attributes
    ----------
    n_samples, tau_max, alpha :
        The series length, the largest lag profiled and the test level.
    regular, n_gaps :
        The time index's spacing (from :class:`~causalscope.data.TimeSeriesData`).
    variables : tuple of SeriesProfile
        One per variable, in the series' order.
    lag_order : LagOrderSelection
        VAR information criteria over orders ``0..tau_max``.
    residual_order : int
        The VAR order whose residuals the linearity and Gaussianity checks use
        (the AIC order, at least 1).
    linearity_test : {"polynomial", "reset"}
        Which linearity test was run (see the module docstring).
    max_autocorrelation : tuple of float
        Per lag ``1..tau_max``, the largest ``|autocorrelation|`` over variables.
    max_cross_correlation : tuple of float
        Per lag ``0..tau_max``, the largest ``|corr(x_i[t], x_j[t-k])|``, ``i != j``.
    max_cross_pair : tuple of tuple
        Per lag, the ``(source, target)`` attaining it.
    nonstationary, trend_stationary, nonlinear, non_gaussian : tuple of str
        The variables with a unit root (differencing suggested), with a
        deterministic trend, with a nonlinear lagged dependence and with
        non-Gaussian noise.
    """

    n_samples: int
    tau_max: int
    alpha: float
    regular: bool
    n_gaps: int
    variables: tuple[SeriesProfile, ...]
    lag_order: LagOrderSelection
    residual_order: int
    linearity_test: Literal["polynomial", "reset"]
    max_autocorrelation: tuple[float, ...]
    max_cross_correlation: tuple[float, ...]
    max_cross_pair: tuple[tuple[str, str], ...]
    nonstationary: tuple[str, ...]
    trend_stationary: tuple[str, ...]
    nonlinear: tuple[str, ...]
    non_gaussian: tuple[str, ...]

    def variable(self, name: str) -> SeriesProfile:
        """The profile of one variable.

        Raises
        ------
        DataError
            If ``name`` is not a profiled variable.
        """
        found = [v for v in self.variables if v.name == name]
        if not found:
            raise DataError(f"unknown variable {name!r}; the profiled variables are "
                            f"{format_columns(v.name for v in self.variables)}")
        return found[0]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (NaN becomes None; tuples become lists)."""
        return dict(to_jsonable(asdict(self)))

    def facts(self) -> list[str]:
        """The findings in short sentences (for reports and the copilot's notes)."""

        def names(xs: tuple[str, ...]) -> str:
            return ", ".join(xs) or "none"

        sel = self.lag_order.selected
        return [
            f"{self.n_samples} time points, {len(self.variables)} variables, lags profiled up to {self.tau_max}"
            + ("" if self.regular else f"; irregular time index ({self.n_gaps} gap(s))") + ".",
            f"Unit root (differencing suggested): {names(self.nonstationary)}; "
            f"trend-stationary: {names(self.trend_stationary)}.",
            f"VAR lag order: AIC {sel['aic']}, BIC {sel['bic']}, HQIC {sel['hqic']} (of 0..{self.tau_max}).",
            f"Nonlinear lagged dependence ({self.linearity_test} test): {names(self.nonlinear)}.",
            f"Non-Gaussian noise (K2 on VAR residuals): {names(self.non_gaussian)}.",
        ]


# --------------------------------------------------------------------------- VAR order


def _lag_design(x: np.ndarray, max_lag: int) -> tuple[np.ndarray, np.ndarray]:
    """Target rows ``x[max_lag:]`` and the design ``[1, x[t-1], ..., x[t-max_lag]]`` (lag blocks in order)."""
    n, p = x.shape
    m = n - max_lag
    blocks = [np.ones((m, 1))] + [x[max_lag - k : n - k] for k in range(1, max_lag + 1)]
    return x[max_lag:], np.hstack(blocks)


def _nested_fits(y: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """QR of ``z`` (reduced), ``C = Q'y`` and the residual of the full fit."""
    q, _ = np.linalg.qr(z)
    c = q.T @ y
    return q, c, y - q @ c


def select_var_order(data: TimeSeriesData | np.ndarray, max_lag: int) -> LagOrderSelection:
    """Choose the order of a VAR with an intercept by AIC, BIC and HQIC over ``0..max_lag``.

    Every order is fitted by least squares on the same ``n = T - max_lag`` rows.
    With ``Sigma_k`` the maximum-likelihood residual covariance of order ``k`` and
    ``f = k p^2 + p`` free parameters: ``AIC = log det Sigma_k + 2 f / n``,
    ``BIC = log det Sigma_k + f log(n) / n``, ``HQIC = log det Sigma_k + 2 f log(log n) / n``
    (Lütkepohl 2005, section 4.3). One QR factorisation of the largest design gives
    every nested fit: with ``C = Q'Y`` and full residual ``E``, order ``k`` (first
    ``m = 1 + k p`` columns) has residual cross-product ``E'E + C[m:]'C[m:]``.

    Parameters
    ----------
    data:
        A :class:`~causalscope.data.TimeSeriesData` or an array (validated with
        :func:`~causalscope.data.as_time_series`).
    max_lag:
        The largest order (>= 1); the series must have at least
        :func:`~causalscope.data.min_time_series_length` rows for it.

    Notes
    -----
    Reference: statsmodels' ``VAR(x).select_order(max_lag, trend="c")`` (same
    criteria and orders, tested).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = np.zeros((500, 2))
    >>> for t in range(2, 500):
    ...     x[t] = 0.5 * x[t - 2] + rng.normal(size=2)
    >>> select_var_order(x, 4).selected["bic"]
    2
    """
    ts = _as_series(data, max_lag)
    y, z = _lag_design(ts.values, max_lag)
    n, p = y.shape
    q, c, e = _nested_fits(y, z)
    full = e.T @ e
    aic, bic, hqic = [], [], []
    for k in range(max_lag + 1):
        m = 1 + k * p
        cov = (full + c[m:].T @ c[m:]) / n
        sign, logdet = np.linalg.slogdet(cov)
        logdet = logdet if sign > 0 else -np.inf
        f = k * p * p + p
        aic.append(float(logdet + 2.0 * f / n))
        bic.append(float(logdet + np.log(n) * f / n))
        hqic.append(float(logdet + 2.0 * np.log(np.log(n)) * f / n))
    selected = {name: int(np.argmin(vals)) for name, vals in (("aic", aic), ("bic", bic), ("hqic", hqic))}
    return LagOrderSelection(max_lag=max_lag, n_obs=n, aic=tuple(aic), bic=tuple(bic), hqic=tuple(hqic),
                             selected=selected)


# --------------------------------------------------------------------------- profile


def profile_timeseries(data: TimeSeriesData | np.ndarray, *, tau_max: int, alpha: float = 0.05) -> TimeSeriesProfile:
    """Profile a multivariate time series: stationarity, lag order, autocorrelation, linearity, noise.

    Parameters
    ----------
    data:
        A :class:`~causalscope.data.TimeSeriesData` (from
        :func:`~causalscope.data.as_time_series`) or an array.
    tau_max:
        The largest lag to profile (>= 1); the series needs at least
        :func:`~causalscope.data.min_time_series_length` rows for it.
    alpha:
        Level of every test, in (0, 1).

    Returns
    -------
    TimeSeriesProfile

    Raises
    ------
    InvalidParameterError
        For ``tau_max < 1`` or ``alpha`` outside (0, 1).
    DataError
        For a series too short for ``tau_max`` (the message says the minimum).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> x = np.zeros((400, 2))
    >>> for t in range(1, 400):
    ...     x[t] = [0.6 * x[t - 1, 0], 0.5 * x[t - 1, 0] + 0.3 * x[t - 1, 1]] + rng.normal(size=2)
    >>> prof = profile_timeseries(np.column_stack([x, np.cumsum(rng.normal(size=400))]), tau_max=3)
    >>> prof.nonstationary, prof.lag_order.selected["bic"]
    (('X2',), 1)
    """
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0.0 < alpha < 1.0:
        raise InvalidParameterError(f"alpha must be a number in (0, 1); got {alpha!r}")
    ts = _as_series(data, tau_max)
    x = ts.values
    names = ts.variables
    n, p = x.shape

    # stationarity: ADF and KPSS with a constant, and with a constant and trend
    adf_c, kpss_c = adf_test(ts, regression="c"), kpss_test(ts, regression="c")
    adf_ct, kpss_ct = adf_test(ts, regression="ct"), kpss_test(ts, regression="ct")
    verdicts = _stationarity_verdicts(adf_c.p_value, kpss_c.p_value, adf_ct.p_value, kpss_ct.p_value, alpha)

    # VAR order and residuals at the AIC order (at least 1)
    lag_order = select_var_order(ts, tau_max)
    order = max(1, lag_order.selected["aic"])
    y, z = _lag_design(x, tau_max)
    q, c, _ = _nested_fits(y, z)
    m = 1 + order * p
    fitted = q[:, :m] @ c[:m]
    resid = y - fitted
    lin_f, lin_raw, linearity_test = _linearity(q[:, :m], z[:, 1:m], fitted, resid)
    lin_adj = st.holm(lin_raw)
    norm = [st.normality(resid[:, j]) for j in range(p)]
    norm_adj = st.holm(np.array([r[1] for r in norm]))

    # autocorrelation and Ljung-Box, lagged cross-correlation
    whole = [np.arange(n)]
    acf = np.array([st.autocorrelation(x[:, j], whole, tau_max) for j in range(p)])  # (p, tau_max)
    lb = [st.ljung_box(acf[j], n) for j in range(p)]
    lb_adj = st.holm(np.array([r[1] for r in lb]))
    cross, pairs = _max_cross_correlation(x, names, tau_max)

    profiles = tuple(
        SeriesProfile(
            name=names[j],
            adf_statistic=float(adf_c.statistic[j]), adf_p=float(adf_c.p_value[j]), adf_lags=int(adf_c.lags[j]),
            kpss_statistic=float(kpss_c.statistic[j]), kpss_p=float(kpss_c.p_value[j]),
            kpss_p_is_bound=bool(kpss_c.p_value_is_bound[j]),
            adf_trend_p=float(adf_ct.p_value[j]), kpss_trend_p=float(kpss_ct.p_value[j]),
            stationarity=verdicts[j], difference_suggested=verdicts[j] == "unit_root",
            autocorrelation=tuple(float(a) for a in acf[j]),
            ljung_box_statistic=float(lb[j][0]), ljung_box_p=float(lb_adj[j]), autocorrelated=bool(lb_adj[j] < alpha),
            linearity_statistic=float(lin_f[j]), linearity_p=float(lin_adj[j]),
            nonlinear=None if math.isnan(lin_adj[j]) else bool(lin_adj[j] < alpha),
            residual_skewness=norm[j][2], residual_excess_kurtosis=norm[j][3],
            normality_statistic=norm[j][0], normality_p=float(norm_adj[j]),
            non_gaussian=None if math.isnan(norm_adj[j]) else bool(norm_adj[j] < alpha),
        )
        for j in range(p)
    )
    return TimeSeriesProfile(
        n_samples=n, tau_max=tau_max, alpha=float(alpha), regular=ts.regular, n_gaps=len(ts.gaps),
        variables=profiles, lag_order=lag_order, residual_order=order, linearity_test=linearity_test,
        max_autocorrelation=tuple(float(a) for a in np.abs(acf).max(axis=0)),
        max_cross_correlation=cross, max_cross_pair=pairs,
        nonstationary=tuple(v.name for v in profiles if v.stationarity == "unit_root"),
        trend_stationary=tuple(v.name for v in profiles if v.stationarity == "trend_stationary"),
        nonlinear=tuple(v.name for v in profiles if v.nonlinear),
        non_gaussian=tuple(v.name for v in profiles if v.non_gaussian),
    )


def _stationarity_verdicts(adf_c: np.ndarray, kpss_c: np.ndarray, adf_ct: np.ndarray, kpss_ct: np.ndarray,
                           alpha: float) -> list[StationarityVerdict]:
    out: list[StationarityVerdict] = []
    for a, k, at, kt in zip(adf_c, kpss_c, adf_ct, kpss_ct):
        if a < alpha and k >= alpha:
            out.append("stationary")
        elif (at < alpha and kt >= alpha) or np.isnan(kt):  # NaN: an exact linear trend, no residual
            out.append("trend_stationary")
        elif a >= alpha and k < alpha:
            out.append("unit_root")
        else:
            out.append("inconclusive")
    return out


def _linearity(q: np.ndarray, lagged: np.ndarray, fitted: np.ndarray, resid: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, Literal["polynomial", "reset"]]:
    """F statistics and p-values of the linearity test per column, and which test ran.

    ``q`` is an orthonormal basis of the linear regressors (intercept and
    ``lagged``), ``fitted``/``resid`` the linear fit of every column. The extra
    columns (powers of the standardised lagged values, or of the fitted values for
    RESET) are residualised on ``q``; the gain in explained sum of squares over
    their span gives ``F = (gain / d1) / ((SSR - gain) / d2)``.
    """
    n, m = q.shape
    if n - m - 2 * lagged.shape[1] >= 20:
        ls = st.standardize(lagged)
        extra = np.hstack([ls**2, ls**3])
        w = extra - q @ (q.T @ extra)
        qw, rw = np.linalg.qr(w)
        keep = np.abs(np.diag(rw)) > 1e-8 * max(1.0, float(np.abs(np.diag(rw)).max()))
        qw = qw[:, keep]
        gain = np.sum((qw.T @ resid) ** 2, axis=0)
        return (*_f_test(gain, resid, int(keep.sum()), n - m - int(keep.sum())), "polynomial")
    u = st.standardize(fitted)
    w3 = np.stack([u**2, u**3], axis=2)  # (n, p, 2)
    w3 = w3 - np.einsum("nk,kpj->npj", q, np.einsum("nk,npj->kpj", q, w3))
    gram = np.einsum("npi,npj->pij", w3, w3)
    rhs = np.einsum("npi,np->pi", w3, resid)
    scale = np.maximum(1.0, np.einsum("pii->p", gram)) ** 2
    ok = (fitted.std(axis=0) > _EPS) & (np.linalg.det(gram) > _EPS * scale)
    gain = np.full(resid.shape[1], np.nan)
    if ok.any():
        b = np.linalg.solve(gram[ok], rhs[ok][..., None])[..., 0]
        gain[ok] = np.einsum("pi,pi->p", b, rhs[ok])
    return (*_f_test(gain, resid, 2, n - m - 2), "reset")


def _f_test(gain: np.ndarray, resid: np.ndarray, d1: int, d2: int) -> tuple[np.ndarray, np.ndarray]:
    from scipy.special import fdtrc

    ssr = np.einsum("np,np->p", resid, resid)
    if d1 < 1 or d2 < 1:
        nan = np.full(resid.shape[1], np.nan)
        return nan, nan.copy()
    f = (gain / d1) / (np.maximum(ssr - gain, _EPS) / d2)
    pv = np.where(np.isnan(f), np.nan, fdtrc(float(d1), float(d2), np.where(np.isnan(f), 0.0, f)))
    return f, pv


def _max_cross_correlation(x: np.ndarray, names: tuple[str, ...], tau_max: int
                           ) -> tuple[tuple[float, ...], tuple[tuple[str, str], ...]]:
    """Per lag ``k = 0..tau_max``: max over ``i != j`` of ``|corr(x_j[t-k], x_i[t])|`` and its (source, target)."""
    n, p = x.shape
    if p < 2:
        return tuple(float("nan") for _ in range(tau_max + 1)), tuple(("", "") for _ in range(tau_max + 1))
    xs = st.standardize(x)
    values, pairs = [], []
    off = ~np.eye(p, dtype=bool)
    for k in range(tau_max + 1):
        corr = np.abs(xs[k:].T @ xs[: n - k]) / n  # [target, source]
        corr = np.where(off, corr, -1.0)
        i, j = np.unravel_index(int(np.argmax(corr)), corr.shape)
        values.append(float(corr[i, j]))
        pairs.append((names[j], names[i]))
    return tuple(values), tuple(pairs)


def _as_series(data: TimeSeriesData | np.ndarray, tau_max: int) -> TimeSeriesData:
    if isinstance(tau_max, (bool, np.bool_)) or not isinstance(tau_max, (int, np.integer)) or tau_max < 1:
        raise InvalidParameterError(f"tau_max must be an integer >= 1; got {tau_max!r}")
    return ensure_time_series(data, tau_max=int(tau_max))
