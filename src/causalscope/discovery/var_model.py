"""Vector autoregressions: the one OLS kernel of the time-series algorithms.

A VAR(k) model of a ``p``-variate series ``y_t`` is

.. math:: y_t = \\nu + \\delta t + A_1 y_{t-1} + \\dots + A_k y_{t-k} + u_t,

with white-noise innovations ``u_t`` (Lütkepohl 2005, ch. 3). Every equation
has the same regressors, so all ``p`` equations are one least-squares problem
with a shared design ``Z`` (rows ``t = k..T-1``; columns: the deterministic
terms, then ``y_{t-1}``, ..., ``y_{t-k}``, each block in variable order, as in
statsmodels): ``B = (Z'Z)^{-1} Z'Y`` is one solve with ``p`` right-hand sides.
:func:`fit_var` returns the coefficients, residuals, both residual covariances
and the inverse Gram matrix ``(Z'Z)^{-1}`` that the Wald/F tests of
:mod:`causalscope.discovery.granger` reuse.

:func:`select_order` computes the information criteria of Lütkepohl (2005,
sec. 4.3) for every order ``0..maxlags`` on a **common sample** (the first
``maxlags`` rows are pre-sample for every order, so the criteria compare fits on
the same rows), with the definitions statsmodels documents for
``VAR.select_order``: with ``n`` the number of rows, ``m = k p^2 + p d``
free parameters (``d`` deterministic terms) and ``Σ̃`` the ML residual
covariance (divisor ``n``),

* ``aic = log det Σ̃ + 2 m / n``
* ``bic = log det Σ̃ + m log(n) / n``
* ``hqic = log det Σ̃ + 2 m log(log n) / n``
* ``fpe = ((n + kp + d) / (n - kp - d))^p det Σ̃``.

References
----------
Lütkepohl, H. (2005). *New Introduction to Multiple Time Series Analysis*.
Springer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..data.timeseries import TimeSeriesData, as_time_series, ensure_time_series
from ..exceptions import DataError, InvalidParameterError
from .knowledge import Knowledge, as_knowledge

__all__ = [
    "VARFit",
    "LagOrderSelection",
    "fit_var",
    "select_order",
    "choose_order",
    "lag_design",
    "time_series_input",
    "canonical_order",
    "Criterion",
    "Trend",
    "LagSample",
]

Trend = Literal["n", "c", "ct"]
Criterion = Literal["aic", "bic", "hqic", "fpe"]
LagSample = Literal["common", "own"]

TRENDS = ("n", "c", "ct")
CRITERIA = ("aic", "bic", "hqic", "fpe")
LAG_SAMPLES = ("common", "own")


def check_trend(trend: object) -> int:
    """The number of deterministic columns of ``trend`` (``"n"`` 0, ``"c"`` 1, ``"ct"`` 2)."""
    if trend not in TRENDS:
        raise InvalidParameterError(f"trend must be one of {list(TRENDS)}; got {trend!r}")
    return TRENDS.index(str(trend))


def check_order(value: object, name: str, minimum: int = 1) -> int:
    """``value`` as an ``int >= minimum``; ``InvalidParameterError`` naming ``name`` otherwise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def series_values(data: Any) -> tuple[np.ndarray, tuple[str, ...]]:
    """The ``(T, p)`` float array and the names of a :class:`~causalscope.data.timeseries.TimeSeriesData` or array.

    An array gets the names ``X0, X1, ...``; non-finite values raise ``DataError``.
    """
    if hasattr(data, "values") and hasattr(data, "variables") and isinstance(data.values, np.ndarray):
        values = np.asarray(data.values, dtype=float)
        names = tuple(str(v) for v in data.variables)
    else:
        values = np.asarray(data, dtype=float)
        if values.ndim != 2:
            raise DataError(f"data must be a 2-D array of shape (T, p); got shape {values.shape}")
        names = tuple(f"X{i}" for i in range(values.shape[1]))
    if values.ndim != 2 or values.shape[1] < 1:
        raise DataError(f"data must have shape (T, p) with p >= 1; got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        bad = [names[i] for i in np.flatnonzero(~np.isfinite(values).all(axis=0))]
        raise DataError(f"VAR: columns {bad} have missing or non-finite values")
    return values, names


def lag_design(values: np.ndarray, order: int, n_trend: int, offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The responses ``Y`` and the shared design ``Z`` of a VAR(``order``).

    Rows are the times ``t = offset + order, ..., T - 1``. ``Z``'s columns: a
    constant (``n_trend >= 1``), a linear trend ``1, 2, ...`` (``n_trend == 2``),
    then the lag blocks ``y_{t-1}, ..., y_{t-order}`` (each block in variable
    order).
    """
    big_t, p = values.shape
    start = offset + order
    n = big_t - start
    z = np.empty((n, n_trend + order * p))
    if n_trend >= 1:
        z[:, 0] = 1.0
    if n_trend == 2:
        z[:, 1] = np.arange(start + 1, big_t + 1, dtype=float)
    for k in range(1, order + 1):
        z[:, n_trend + (k - 1) * p : n_trend + k * p] = values[start - k : big_t - k]
    return values[start:], z


@dataclass(frozen=True)
class VARFit:
    """A fitted VAR(k) (OLS on all equations at once).

    Attributes
    ----------
    variables:
        The variable names.
    order:
        The lag order ``k``.
    trend:
        ``"n"``, ``"c"`` or ``"ct"``.
    params:
        ``(d + k p, p)``: column ``j`` holds equation ``j``'s coefficients on the
        design columns (deterministic terms, then ``y_{t-1}``, ..., ``y_{t-k}``).
    resid:
        ``(n, p)`` residuals of the rows ``t = offset + k, ..., T - 1``.
    gram_inv:
        ``(Z'Z)^{-1}``, shared by every equation.
    nobs:
        The number of rows ``n``.
    """

    variables: tuple[str, ...]
    order: int
    trend: Trend
    params: np.ndarray
    resid: np.ndarray
    gram_inv: np.ndarray
    nobs: int

    @property
    def n_trend(self) -> int:
        """The number of deterministic columns ``d``."""
        return TRENDS.index(self.trend)

    @property
    def n_variables(self) -> int:
        """The number of variables ``p``."""
        return len(self.variables)

    @property
    def df_model(self) -> int:
        """Regressors per equation, ``k p + d``."""
        return self.order * self.n_variables + self.n_trend

    @property
    def df_resid(self) -> int:
        """Residual degrees of freedom per equation, ``n - k p - d``."""
        return self.nobs - self.df_model

    @property
    def coefs(self) -> np.ndarray:
        """``(k, p, p)``: ``coefs[l - 1][j, i]`` is the effect of ``y_i[t-l]`` on ``y_j[t]``."""
        p, d = self.n_variables, self.n_trend
        return np.ascontiguousarray(self.params[d:].reshape(self.order, p, p).transpose(0, 2, 1))

    @property
    def sigma_u(self) -> np.ndarray:
        """The residual covariance with divisor ``df_resid`` (unbiased)."""
        return (self.resid.T @ self.resid) / self.df_resid

    @property
    def sigma_u_mle(self) -> np.ndarray:
        """The ML residual covariance (divisor ``nobs``)."""
        return (self.resid.T @ self.resid) / self.nobs

    def reorder(self, perm: np.ndarray) -> VARFit:
        """The same fit with the variables in the order ``variables[perm]`` (an exact permutation, no arithmetic)."""
        perm = np.asarray(perm, dtype=np.int64)
        p, d = self.n_variables, self.n_trend
        rows = np.concatenate([np.arange(d), (d + np.arange(self.order)[:, None] * p + perm[None, :]).ravel()])
        return VARFit(
            tuple(self.variables[i] for i in perm),
            self.order,
            self.trend,
            np.ascontiguousarray(self.params[np.ix_(rows, perm)]),
            np.ascontiguousarray(self.resid[:, perm]),
            np.ascontiguousarray(self.gram_inv[np.ix_(rows, rows)]),
            self.nobs,
        )

    def info_criteria(self) -> dict[str, float]:
        """``aic``, ``bic``, ``hqic`` and ``fpe`` of this fit (definitions in the module docstring)."""
        return _criteria(self.resid, self.nobs, self.order, self.n_variables, self.n_trend)


def _criteria(resid: np.ndarray, n: int, order: int, p: int, d: int) -> dict[str, float]:
    sign, logdet = np.linalg.slogdet((resid.T @ resid) / n)
    if sign <= 0:
        raise DataError("VAR: the residual covariance is singular (collinear variables); drop redundant columns")
    free = order * p * p + p * d
    df_model = order * p + d
    return {
        "aic": float(logdet + 2.0 * free / n),
        "bic": float(logdet + np.log(n) * free / n),
        "hqic": float(logdet + 2.0 * np.log(np.log(n)) * free / n),
        "fpe": float(((n + df_model) / (n - df_model)) ** p * np.exp(logdet)),
    }


def _solve(values: np.ndarray, order: int, d: int, offset: int, names: Sequence[str]) -> tuple[np.ndarray, ...]:
    """``(params, resid, gram_inv)`` of one VAR(order) OLS fit on the rows after ``offset + order``."""
    y, z = lag_design(values, order, d, offset)
    n, k = z.shape
    if n <= k:
        raise DataError(
            f"VAR({order}) needs more than {k + offset + order} rows for {len(names)} variables "
            f"(trend terms {d}); got T = {values.shape[0]}"
        )
    gram = z.T @ z
    try:
        chol = np.linalg.cholesky(gram)
    except np.linalg.LinAlgError:
        chol = None
    if chol is None or np.min(np.abs(np.diag(chol))) <= 1e-10 * np.sqrt(np.max(np.abs(np.diag(gram)))):
        raise DataError(
            f"VAR({order}): the lagged design is singular (a constant or collinear column among {list(names)}); "
            "drop redundant columns"
        )
    chol_inv = np.linalg.inv(chol)
    gram_inv = chol_inv.T @ chol_inv
    params = gram_inv @ (z.T @ y)
    resid = y - z @ params
    return params, resid, gram_inv


def _check_constant(values: np.ndarray, names: Sequence[str]) -> None:
    const = np.flatnonzero(np.ptp(values, axis=0) == 0)
    if const.size:
        raise DataError(f"VAR: columns {[names[i] for i in const]} are constant; drop them")


def fit_var(data: Any, order: int, *, trend: Trend = "c", offset: int = 0) -> VARFit:
    """Fit a VAR(``order``) by OLS, all equations in one solve.

    Parameters
    ----------
    data:
        A :class:`~causalscope.data.timeseries.TimeSeriesData` or a ``(T, p)`` array
        (rows in time order).
    order:
        The lag order ``k >= 0``.
    trend:
        Deterministic terms: ``"n"`` none, ``"c"`` a constant (default), ``"ct"``
        constant and linear trend (statsmodels' spellings).
    offset:
        Extra pre-sample rows skipped (the common sample of :func:`select_order`).

    Returns
    -------
    VARFit

    Raises
    ------
    DataError
        For non-finite values, a constant column, a singular design, or too few rows.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.zeros((500, 2))
    >>> for t in range(1, 500):
    ...     y[t] = [0.5 * y[t - 1, 0], 0.8 * y[t - 1, 0]] + rng.normal(size=2)
    >>> np.abs(np.round(fit_var(y, 1).coefs[0], 1))
    array([[0.5, 0. ],
           [0.8, 0. ]])
    """
    values, names = series_values(data)
    d = check_trend(trend)
    k = check_order(order, "order", 0)
    off = check_order(offset, "offset", 0)
    _check_constant(values, names)
    params, resid, gram_inv = _solve(values, k, d, off, names)
    return VARFit(names, k, trend, params, resid, gram_inv, resid.shape[0])


@dataclass(frozen=True)
class LagOrderSelection:
    """Information criteria of VAR orders ``0..maxlags`` on a common sample.

    Attributes
    ----------
    maxlags:
        The largest order compared.
    sample:
        ``"common"`` or ``"own"`` (see :func:`select_order`).
    orders:
        The orders compared: ``0..maxlags``, or ``1..maxlags`` for ``trend="n"``
        (order 0 without deterministic terms has no parameters; as statsmodels).
    criteria:
        ``{"aic": array, "bic": ..., "hqic": ..., "fpe": ...}``, one entry per order.
    nobs:
        The rows each order was fitted on (``T - maxlags`` for all on the common sample).
    """

    maxlags: int
    sample: LagSample
    orders: np.ndarray
    criteria: dict[str, np.ndarray]
    nobs: tuple[int, ...]

    def selected(self, criterion: Criterion = "bic", *, min_order: int = 1) -> int:
        """The order in ``min_order..maxlags`` minimising ``criterion`` (the first one on ties).

        ``min_order=0`` gives statsmodels' ``selected_orders``.
        """
        if criterion not in CRITERIA:
            raise InvalidParameterError(f"criterion must be one of {list(CRITERIA)}; got {criterion!r}")
        lo = check_order(min_order, "min_order", 0)
        if lo > self.maxlags:
            raise InvalidParameterError(f"min_order must be <= maxlags = {self.maxlags}; got {min_order!r}")
        keep = self.orders >= lo
        return int(self.orders[keep][int(np.argmin(self.criteria[criterion][keep]))])

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dictionary."""
        return {
            "maxlags": self.maxlags,
            "sample": self.sample,
            "nobs": list(self.nobs),
            "orders": self.orders.tolist(),
            "criteria": {k: v.tolist() for k, v in self.criteria.items()},
        }


def select_order(data: Any, maxlags: int, *, trend: Trend = "c", sample: LagSample = "common") -> LagOrderSelection:
    """AIC, BIC, HQIC and FPE of the VAR orders ``0..maxlags`` (``1..`` for ``trend="n"``) on a common sample.

    With ``sample="common"`` (default) order ``k`` is fitted on the rows
    ``maxlags..T-1`` (``offset = maxlags - k``), as statsmodels' ``VAR.select_order``
    documents, so every order is judged on the same ``T - maxlags`` rows. With
    ``sample="own"`` order ``k`` is fitted on every row it can use (``k..T-1``) and
    judged by that fit's criteria (what comparing separate ``VAR(k).fit`` results
    does, as the ``lingam`` package's ``VARLiNGAM`` selects its lag).

    Parameters
    ----------
    data:
        A :class:`~causalscope.data.timeseries.TimeSeriesData` or a ``(T, p)`` array.
    maxlags:
        The largest order, ``>= 1``.
    trend:
        As in :func:`fit_var`.
    sample:
        ``"common"`` or ``"own"``, as above.

    Returns
    -------
    LagOrderSelection

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> y = np.zeros((800, 2))
    >>> for t in range(2, 800):
    ...     y[t] = 0.5 * y[t - 2] + rng.normal(size=2)
    >>> select_order(y, 4).selected("bic")
    2
    """
    values, names = series_values(data)
    d = check_trend(trend)
    top = check_order(maxlags, "maxlags", 1)
    if sample not in LAG_SAMPLES:
        raise InvalidParameterError(f"sample must be one of {list(LAG_SAMPLES)}; got {sample!r}")
    _check_constant(values, names)
    p = len(names)
    out: dict[str, list[float]] = {c: [] for c in CRITERIA}
    orders = np.arange(0 if d else 1, top + 1)
    nobs: list[int] = []
    for k in orders:
        resid = _solve(values, int(k), d, top - int(k) if sample == "common" else 0, names)[1]
        nobs.append(resid.shape[0])
        for name, value in _criteria(resid, resid.shape[0], int(k), p, d).items():
            out[name].append(value)
    return LagOrderSelection(top, sample, orders, {c: np.asarray(v) for c, v in out.items()}, tuple(nobs))


def choose_order(
    data: Any, tau_max: int, criterion: Criterion | None, *, trend: Trend = "c", sample: LagSample = "common"
) -> tuple[int, LagOrderSelection | None]:
    """The VAR order to use: ``tau_max`` when ``criterion`` is None, else the best in ``1..tau_max``.

    Returns ``(order, selection)`` (``selection`` None without a criterion).
    """
    top = check_order(tau_max, "tau_max", 1)
    if criterion is None:
        return top, None
    if criterion not in CRITERIA:
        raise InvalidParameterError(f"criterion must be None or one of {list(CRITERIA)}; got {criterion!r}")
    selection = select_order(data, top, trend=trend, sample=sample)
    return selection.selected(criterion, min_order=1), selection


def time_series_input(
    data: Any, *, time_column: str | None, tau_max: int, knowledge: Any
) -> tuple[TimeSeriesData, Knowledge | None]:
    """The validated series (:func:`~causalscope.data.timeseries.as_time_series`) and the knowledge checked against it.

    Validates ``tau_max`` (an integer ``>= 1``) first. A :class:`~causalscope.data.timeseries.TimeSeriesData`
    is used as it is (only its length is checked; ``time_column`` is not needed).
    """
    top = check_order(tau_max, "tau_max", 1)
    if isinstance(data, TimeSeriesData):
        series = ensure_time_series(data, tau_max=top)
    else:
        series = as_time_series(data, time_column=time_column, tau_max=top)
    checked = as_knowledge(knowledge)
    if checked is not None:
        checked.validate(series.variables)
    return series, checked


def canonical_order(series: TimeSeriesData) -> tuple[TimeSeriesData, np.ndarray]:
    """The series with its columns sorted by name, and the permutation (``sorted = original[:, perm]``).

    The VAR-based algorithms compute in this order and permute their results
    back, so that the answer is identical, to the last bit, for any column
    order of the input (floating-point sums depend on the order of their terms).
    """
    perm = np.argsort(np.asarray(series.variables, dtype=object), kind="stable").astype(np.int64)
    if np.array_equal(perm, np.arange(perm.size)):
        return series, perm
    values = np.ascontiguousarray(series.values[:, perm])
    return TimeSeriesData(values=values, variables=tuple(series.variables[i] for i in perm)), perm
