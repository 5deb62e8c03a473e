"""Conditional Granger causality on every ordered pair, from one VAR fit.

``X_i`` *Granger-causes* ``X_j`` given the other variables when the past of
``X_i`` improves the prediction of ``X_j[t]`` beyond the past of every variable
(Granger 1969; the conditional, multivariate form of Geweke 1984). In a VAR(k)
with design ``Z`` (deterministic terms and ``k`` lags of all ``p`` variables)
the hypothesis is that the ``k`` coefficients of ``X_i[t-1..t-k]`` in equation
``j`` are zero.

**All pairs from one fit.** Every equation shares ``Z``, so with ``G = (Z'Z)^{-1}``,
the unrestricted coefficients ``b_j`` and ``S_i`` the ``k`` columns of ``X_i``'s
lags, the restricted residual sum of squares follows from the partitioned
regression (Frisch-Waugh-Lovell) without refitting:

.. math:: RSS_r - RSS_u = b_{j,S_i}' (G_{S_i S_i})^{-1} b_{j,S_i}.

The blocks ``G_{S_i S_i}`` depend only on the causing variable, so the ``p``
small ``k x k`` systems are solved once and applied to every equation at once:
``p^2`` tests cost one VAR fit and ``O(p^2 k^2)`` more. The Wald statistic is
``W_ij = (RSS_r - RSS_u) / s_jj`` with ``s_jj`` the unbiased residual variance of
equation ``j``; the test is either chi-square with ``k`` degrees of freedom
(``test="chi2"``, statsmodels' ``kind="wald"``) or ``F = W / k`` with
``(k, p * (n - kp - d))`` degrees of freedom (``test="f"``, the degrees of freedom
statsmodels' ``VARResults.test_causality(kind="f")`` documents, Lütkepohl 2005,
sec. 3.6.1).

References
----------
Granger, C. W. J. (1969). Investigating causal relations by econometric models and
cross-spectral methods. *Econometrica* 37, 424-438.

Geweke, J. F. (1984). Measures of conditional linear dependence and feedback
between time series. *JASA* 79, 907-915.

Lütkepohl, H. (2005). *New Introduction to Multiple Time Series Analysis*. Springer.

Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B*
57, 289-300.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..contract import Component
from ..exceptions import InvalidParameterError
from ..graphs.timeseries import TimeSeriesGraph
from ..independence.tails import f_upper_tail
from ..utils import lazy_import
from .base import check_alpha, register_algorithm
from .pcmci import fdr_bh
from .var_model import Criterion, Trend, VARFit, canonical_order, choose_order, fit_var, time_series_input

if TYPE_CHECKING:
    from scipy.special import chdtrc
else:
    chdtrc = lazy_import("scipy.special", "chdtrc")

__all__ = ["ConditionalGranger", "GrangerTests", "granger", "granger_tests"]

GrangerTest = Literal["f", "chi2"]
FDRMethod = Literal["none", "fdr_bh"]
_TESTS = ("f", "chi2")
_FDR = ("none", "fdr_bh")


@dataclass(frozen=True)
class GrangerTests:
    """Every conditional Granger test of one VAR fit.

    Arrays are ``(p, p)`` with the **cause in the row and the effect in the
    column**: ``statistic[i, j]`` tests ``X_i -> X_j`` (the diagonal tests a
    variable's own lags).

    Attributes
    ----------
    statistic:
        The F statistic (``test="f"``) or the Wald chi-square statistic.
    p_value:
        Its p-value.
    df:
        ``(k, p * df_resid)`` for F, ``(k,)`` for chi-square.
    t_values:
        ``(k, p, p)``: ``t_values[l - 1, i, j]`` the t-ratio of ``X_i[t-l]`` in
        equation ``j``.
    """

    statistic: np.ndarray
    p_value: np.ndarray
    df: tuple[int, ...]
    t_values: np.ndarray


def granger_tests(fit: VARFit, test: GrangerTest = "f") -> GrangerTests:
    """The conditional Granger test of every ordered pair of a fitted VAR, at once.

    See the module docstring for the computation (partitioned regression on the
    shared inverse Gram matrix; no refits).

    Parameters
    ----------
    fit:
        A VAR of order ``k >= 1`` (:func:`~causalscope.discovery.var_model.fit_var`).
    test:
        ``"f"`` (default) or ``"chi2"`` (Wald).

    Returns
    -------
    GrangerTests

    Examples
    --------
    >>> from causalscope.discovery.var_model import fit_var
    >>> rng = np.random.default_rng(0)
    >>> y = np.zeros((400, 2))
    >>> for t in range(1, 400):
    ...     y[t] = [0.3 * y[t - 1, 0], 0.6 * y[t - 1, 0]] + rng.normal(size=2)
    >>> res = granger_tests(fit_var(y, 2))
    >>> bool(res.p_value[0, 1] < 1e-10), bool(res.p_value[1, 0] > 0.01)
    (True, True)
    """
    if test not in _TESTS:
        raise InvalidParameterError(f"test must be one of {list(_TESTS)}; got {test!r}")
    k, p, d = fit.order, fit.n_variables, fit.n_trend
    if k < 1:
        raise InvalidParameterError(f"Granger tests need a VAR order >= 1; got order {k}")
    # idx[i, l]: the design column of X_i[t-l-1]
    idx = d + np.arange(k)[None, :] * p + np.arange(p)[:, None]
    blocks = fit.gram_inv[idx[:, :, None], idx[:, None, :]]  # (p, k, k), one per causing variable
    coef = fit.params[idx]  # (p, k, p): coef[i, l, j]
    solved = np.linalg.solve(blocks, coef)
    s_jj = (fit.resid * fit.resid).sum(axis=0) / fit.df_resid
    wald = np.einsum("ilj,ilj->ij", coef, solved) / s_jj[None, :]
    se = np.sqrt(np.diagonal(blocks, axis1=1, axis2=2)[:, :, None] * s_jj[None, None, :])  # (p, k, p)
    t_values = np.ascontiguousarray((coef / se).transpose(1, 0, 2))
    if test == "f":
        df: tuple[int, ...] = (k, p * fit.df_resid)
        stat = wald / k
        pval = f_upper_tail(stat, float(df[0]), float(df[1]))
    else:
        df = (k,)
        stat = wald
        pval = chdtrc(float(k), stat)
    return GrangerTests(stat, np.asarray(pval, dtype=float), df, t_values)


@register_algorithm("granger")
class ConditionalGranger(Component):
    """Conditional (multivariate) Granger causality on every ordered pair of variables.

    One VAR is fitted (order fixed or chosen by an information criterion on a
    common sample), and every pair is tested from that fit by partitioned
    regression (see the module docstring).

    Parameters
    ----------
    tau_max:
        The largest lag (the VAR order when ``criterion`` is None), ``>= 1``.
    criterion:
        ``"bic"`` (default), ``"aic"``, ``"hqic"`` or ``"fpe"``: the order in
        ``1..tau_max`` minimising it (:func:`~causalscope.discovery.var_model.select_order`);
        None: the order is ``tau_max``.
    trend:
        Deterministic terms of the VAR: ``"c"`` (constant, default), ``"ct"``, ``"n"``.
    test:
        ``"f"`` (default) or ``"chi2"``.
    alpha:
        Significance level of a link.
    fdr_method:
        ``"none"`` (default) or ``"fdr_bh"``: Benjamini-Hochberg over the tested
        pairs (forbidden pairs are not tested); ``p_values_`` then holds the
        adjusted values, which are compared with ``alpha``.
    time_column:
        Name of the time column (strictly increasing; not a variable). Without it
        the row order is the time order.
    knowledge:
        Background knowledge over the variables (summary graph): a forbidden
        ``u --> v`` (explicitly or by tiers) is neither tested nor linked; a
        required one is always linked.

    Attributes
    ----------
    variables_ : tuple of str
    order_ : int
        The VAR order used.
    lag_selection_ : LagOrderSelection or None
        The criteria of every order (None when ``criterion`` is None).
    var_ : VARFit
        The fitted VAR.
    statistics_ : numpy.ndarray
        ``(p, p)``, cause in the row, effect in the column (diagonal: own lags).
    p_values_ : numpy.ndarray
        ``(p, p)`` p-values (FDR-adjusted with ``fdr_method="fdr_bh"``); NaN for
        forbidden pairs.
    df_ : tuple of int
        The degrees of freedom of the test.
    graph_ : TimeSeriesGraph
        One lagged link ``X_i[t-l] --> X_j[t]`` for each significant pair, at the
        lag ``l`` whose coefficient has the largest ``|t|``-ratio (a pair's test
        is about all its lags together, so this is the lag that carries the
        effect most clearly); ``strength`` is the pair's statistic and
        ``p_value`` its p-value.

    References
    ----------
    Granger (1969); Geweke (1984); Lütkepohl (2005), sec. 3.6.1; see the module.

    Examples
    --------
    >>> import pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> y = np.zeros((500, 3))
    >>> for t in range(2, 500):
    ...     y[t] = [0.4 * y[t - 1, 0], 0.7 * y[t - 2, 0], 0.5 * y[t - 1, 1]] + rng.normal(size=3)
    >>> model = ConditionalGranger(tau_max=3).fit(pd.DataFrame(y, columns=["a", "b", "c"]))
    >>> model.order_
    2
    >>> sorted(model.graph_.lagged_edges())
    ['a[t-1] --> a[t]', 'a[t-2] --> b[t]', 'b[t-1] --> c[t]']
    """

    time_series = True

    def __init__(
        self,
        *,
        tau_max: int = 3,
        criterion: Criterion | None = "bic",
        trend: Trend = "c",
        test: GrangerTest = "f",
        alpha: float = 0.05,
        fdr_method: FDRMethod = "none",
        time_column: str | None = None,
        knowledge: Any = None,
    ) -> None:
        self.tau_max = tau_max
        self.criterion = criterion
        self.trend = trend
        self.test = test
        self.alpha = alpha
        self.fdr_method = fdr_method
        self.time_column = time_column
        self.knowledge = knowledge

    def fit(self, data: object) -> ConditionalGranger:
        """Fit the VAR on ``data`` (numeric columns in time order) and test every ordered pair.

        Raises ``InvalidParameterError`` for a bad hyperparameter or knowledge
        naming an unknown variable, and ``DataError`` for a series
        :func:`~causalscope.data.timeseries.as_time_series` rejects or a singular design.
        """
        if self.test not in _TESTS:
            raise InvalidParameterError(f"test must be one of {list(_TESTS)}; got {self.test!r}")
        if self.fdr_method not in _FDR:
            raise InvalidParameterError(f"fdr_method must be one of {list(_FDR)}; got {self.fdr_method!r}")
        alpha = check_alpha(self.alpha)
        ts, knowledge = time_series_input(
            data, time_column=self.time_column, tau_max=self.tau_max, knowledge=self.knowledge
        )
        names = ts.variables
        p = len(names)
        forbidden: np.ndarray = np.zeros((p, p), dtype=bool)
        required: np.ndarray = np.zeros((p, p), dtype=bool)
        if knowledge is not None:
            forbidden = np.asarray(knowledge.forbidden_matrix(names), dtype=bool)
            required = np.asarray(knowledge.required_matrix(names), dtype=bool)
        sorted_ts, perm = canonical_order(ts)  # computed in name order: bit-identical for any column order
        order, selection = choose_order(sorted_ts, self.tau_max, self.criterion, trend=self.trend)
        fit = fit_var(sorted_ts, order, trend=self.trend)
        back = np.argsort(perm)
        raw = granger_tests(fit, self.test)
        tests = GrangerTests(
            raw.statistic[np.ix_(back, back)],
            raw.p_value[np.ix_(back, back)],
            raw.df,
            raw.t_values[:, back][:, :, back],
        )
        fit = fit.reorder(back)
        p_values = tests.p_value.copy()
        if self.fdr_method == "fdr_bh":
            p_values = fdr_bh(p_values, ~forbidden)
        p_values[forbidden] = np.nan
        linked = (~forbidden & (p_values <= alpha)) | required
        self.variables_ = names
        self.order_ = order
        self.lag_selection_ = selection
        self.var_ = fit
        self.statistics_ = tests.statistic
        self.p_values_ = p_values
        self.df_ = tests.df
        self.graph_ = _lagged_graph(names, int(self.tau_max), linked, tests, p_values)
        return self


def _lagged_graph(
    names: Sequence[str], tau_max: int, linked: np.ndarray, tests: GrangerTests, p_values: np.ndarray
) -> TimeSeriesGraph:
    best_lag = np.argmax(np.abs(tests.t_values), axis=0) + 1  # (p, p)
    links: dict[tuple[str, int, str], str] = {}
    strength: dict[tuple[str, int, str], float] = {}
    pvals: dict[tuple[str, int, str], float] = {}
    for i, j in zip(*np.nonzero(linked)):
        key = (names[i], int(best_lag[i, j]), names[j])
        links[key] = "-->"
        strength[key] = float(tests.statistic[i, j])
        pvals[key] = float(p_values[i, j])
    return TimeSeriesGraph(names, tau_max, links, strength=strength, p_value=pvals)


def granger(data: object, **kwargs: Any) -> TimeSeriesGraph:
    """Conditional Granger causality as a function: the lagged graph (keyword arguments as for :class:`ConditionalGranger`).

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> y = np.zeros((600, 2))
    >>> for t in range(1, 600):
    ...     y[t] = [0.0, 0.8 * y[t - 1, 0]] + rng.normal(size=2)
    >>> granger(y, tau_max=2).lagged_edges()
    ['X0[t-1] --> X1[t]']
    """
    return ConditionalGranger(**kwargs).fit(data).graph_
