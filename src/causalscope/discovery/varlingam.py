"""VARLiNGAM: a structural VAR identified by non-Gaussian innovations.

The structural model of Hyvärinen, Zhang, Shimizu & Hoyer (2010) is

.. math:: x_t = B_0 x_t + \\sum_{\\tau=1}^{k} B_\\tau x_{t-\\tau} + e_t,

with mutually independent, non-Gaussian ``e_t`` and ``B_0`` acyclic
(contemporaneous effects). Its reduced form is a VAR(k) ``x_t = Σ M_τ x_{t-τ} + u_t``
with ``u_t = B_0 u_t + e_t``, so the estimator is:

1. fit the VAR by OLS (:mod:`causalscope.discovery.var_model`), its order ``k``
   chosen in ``1..tau_max`` by an information criterion;
2. run DirectLiNGAM (:class:`~causalscope.discovery.DirectLiNGAM`, its public
   API) on the residuals ``u_t``: the causal order and ``B_0``;
3. ``B_τ = (I - B_0) M_τ`` (eq. 5 of the paper);
4. optionally prune: regress each ``x_i[t]`` on its contemporaneous predecessors
   in the causal order and on **the ``k`` lags of the chosen order** (not the
   largest order tried) with the adaptive lasso (Zou 2006; penalty by BIC, then
   an OLS refit on the kept regressors), as the ``lingam`` package's
   ``prune=True`` does with its maximum lag.

**Edge p-values** (``p_values_``): the two-sided t-test of each coefficient in
the *unpruned* OLS regression of step 4 (``x_i[t]`` on its predecessors at
``t`` and all ``k`` lags), i.e. a Wald test of ``B_τ[i, j] = 0`` given the
estimated causal order. It does not depend on the lasso's selection (a
post-selection p-value would be optimistic); the uncertainty of the order
itself is what :meth:`VARLiNGAM.bootstrap` measures.

**Bootstrap** (:meth:`VARLiNGAM.bootstrap`): a residual bootstrap. Each draw
resamples the VAR residuals with replacement, regenerates a series of the same
length from the fitted VAR (the first ``k`` observed rows as initial values) and
refits the whole procedure, order selection included. Draw ``b`` uses its own
seed from :func:`causalscope.parallel.task_seeds` (independent streams, fixed
before the run), so the draws are independent, reproducible, and identical for
any ``n_jobs``.

References
----------
Hyvärinen, A., Zhang, K., Shimizu, S. & Hoyer, P. O. (2010). Estimation of a
structural vector autoregression model using non-Gaussianity. *JMLR* 11,
1709-1731.

Shimizu, S. et al. (2011). DirectLiNGAM. *JMLR* 12, 1225-1248.

Zou, H. (2006). The adaptive lasso and its oracle properties. *JASA* 101, 1418-1429.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..contract import Component
from ..exceptions import DataError, InvalidParameterError
from ..graphs.timeseries import TimeSeriesGraph, lagged_name
from ..independence.tails import t_two_sided_p
from ..parallel import open_executor, task_seeds
from ..utils import RandomState, check_random_state, lazy_njit
from .base import register_algorithm
from .knowledge import Knowledge
from .lars import adaptive_lasso_support
from .lingam import DirectLiNGAM
from .var_model import (
    CRITERIA,
    LAG_SAMPLES,
    Criterion,
    LagOrderSelection,
    LagSample,
    Trend,
    VARFit,
    canonical_order,
    check_order,
    choose_order,
    fit_var,
    lag_design,
    time_series_input,
)

__all__ = ["VARLiNGAM", "VARLiNGAMBootstrap", "varlingam"]


@dataclass(frozen=True)
class _Estimate:
    """One VARLiNGAM estimate on one series (the fit and every bootstrap draw)."""

    order: int
    selection: LagOrderSelection | None
    var: VARFit
    causal_order: tuple[int, ...]
    matrices: np.ndarray  # (order + 1, p, p)
    p_values: np.ndarray  # (order + 1, p, p)


@dataclass(frozen=True)
class _Settings:
    names: tuple[str, ...]
    tau_max: int
    criterion: Criterion | None
    lag_sample: LagSample
    trend: Trend
    prune: bool
    knowledge: Knowledge | None


def _estimate(values: np.ndarray, s: _Settings) -> _Estimate:
    order, selection = choose_order(values, s.tau_max, s.criterion, trend=s.trend, sample=s.lag_sample)
    var = fit_var(values, order, trend=s.trend)
    lingam = DirectLiNGAM(knowledge=s.knowledge).fit(pd.DataFrame(var.resid, columns=list(s.names)))
    position = {name: k for k, name in enumerate(s.names)}
    causal_order = tuple(position[v] for v in lingam.causal_order_)
    b0 = np.asarray(lingam.adjacency_matrix_, dtype=float)
    p = len(s.names)
    matrices = np.empty((order + 1, p, p))
    matrices[0] = b0
    matrices[1:] = np.einsum("ij,tjk->tik", np.eye(p) - b0, var.coefs)
    p_values = _regressions(values, order, causal_order, matrices, s)
    return _Estimate(order, selection, var, causal_order, matrices, p_values)


def _regressions(
    values: np.ndarray, order: int, causal_order: tuple[int, ...], matrices: np.ndarray, s: _Settings
) -> np.ndarray:
    """Edge p-values (full regressions) and, with ``prune``, the pruned matrices (in place).

    Regressors of ``x_i[t]``: its predecessors at ``t`` in the causal order, then
    the lag blocks ``x[t-1], ..., x[t-order]``; rows ``t = order..T-1``.
    """
    p = values.shape[1]
    y, z = lag_design(values, order, 0)
    full = np.hstack([y, z])
    n = full.shape[0]
    centred = full - full.mean(axis=0)
    cross = centred.T @ centred
    sd = np.sqrt(np.diag(cross) / n)
    gram = cross / np.outer(sd, sd)
    allowed = np.ones((p, p), dtype=bool)
    if s.knowledge is not None:
        allowed = ~np.asarray(s.knowledge.forbidden_matrix(s.names), dtype=bool).T  # allowed[i, j]: j --> i
    lagged = np.arange(p, p * (order + 1))
    p_values = np.ones_like(matrices)
    for pos, i in enumerate(causal_order):
        preds = np.concatenate([np.asarray(causal_order[:pos], dtype=np.int64), lagged])
        preds = preds[allowed[i, preds % p]]
        if preds.size == 0:
            continue
        dof = n - preds.size - 1
        if dof <= 0:
            raise DataError(f"VARLiNGAM: {n} rows are too few for {preds.size} regressors of {s.names[i]!r}")
        g = cross[np.ix_(preds, preds)]
        coef = np.linalg.solve(g, cross[preds, i])
        s2 = max(cross[i, i] - coef @ cross[preds, i], 0.0) / dof
        se = np.sqrt(s2 * np.diag(np.linalg.inv(g)))
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(se > 0, coef / se, np.inf)
        lag, src = np.divmod(preds, p)
        p_values[lag, i, src] = t_two_sided_p(t, dof)
        if s.prune:
            mask = adaptive_lasso_support(gram, n, preds, i)
            row = np.zeros(preds.size)
            if mask.any():
                keep = preds[mask]
                row[mask] = np.linalg.solve(cross[np.ix_(keep, keep)], cross[keep, i])
            matrices[1:, i, :] = 0.0  # a forbidden regressor stays zero
            matrices[0, i, list(causal_order[:pos])] = 0.0
            matrices[lag, i, src] = row
    return p_values


@lazy_njit(cache=True)
def _regenerate(coefs: np.ndarray, drift: np.ndarray, shocks: np.ndarray, start: np.ndarray) -> np.ndarray:  # pragma: no cover
    """``x_t = drift_t + shocks_t + sum_l coefs[l] x_{t-l-1}`` after the ``k`` rows of ``start``."""
    k, p = start.shape
    n = shocks.shape[0]
    out = np.empty((k + n, p))
    out[:k] = start
    for t in range(n):
        row = drift[t] + shocks[t]
        for lag in range(k):
            prev = out[k + t - lag - 1]
            for i in range(p):
                acc = 0.0
                for j in range(p):
                    acc += coefs[lag, i, j] * prev[j]
                row[i] += acc
        out[k + t] = row
    return out


def _bootstrap_draw(context: tuple[np.ndarray, _Estimate, _Settings], task: int, seed: int) -> tuple[Any, ...]:
    """One residual-bootstrap draw: regenerate a series from the fitted VAR and refit."""
    values, est, settings = context
    rng = np.random.default_rng(seed)
    var = est.var
    k = var.order
    resid = var.resid
    shocks = resid[rng.integers(0, resid.shape[0], resid.shape[0])]
    design = lag_design(values, k, var.n_trend)[1][:, : var.n_trend]
    drift = design @ var.params[: var.n_trend] if var.n_trend else np.zeros_like(resid)
    series = _regenerate(var.coefs, np.ascontiguousarray(drift), np.ascontiguousarray(shocks), values[:k].copy())
    draw = _estimate(series, settings)
    return draw.order, draw.causal_order, draw.matrices


@dataclass(frozen=True)
class VARLiNGAMBootstrap:
    """The draws of :meth:`VARLiNGAM.bootstrap`.

    Attributes
    ----------
    variables:
        The variable names.
    matrices:
        ``(n_sampling, tau_max + 1, p, p)``: draw ``b``'s ``B_τ[i, j]`` (effect of
        ``x_j[t-τ]`` on ``x_i[t]``), zero beyond the draw's order.
    orders:
        The VAR order each draw selected.
    causal_orders:
        ``(n_sampling, p)`` variable indices, causes first.
    """

    variables: tuple[str, ...]
    matrices: np.ndarray
    orders: np.ndarray
    causal_orders: np.ndarray

    @property
    def n_sampling(self) -> int:
        """The number of draws."""
        return int(self.matrices.shape[0])

    def frequencies(self, min_effect: float = 0.0) -> np.ndarray:
        """``(tau_max + 1, p, p)``: the share of draws with ``|B_τ[i, j]| > min_effect``."""
        return (np.abs(self.matrices) > min_effect).mean(axis=0)

    def link_frequencies(self, min_effect: float = 0.0) -> dict[str, float]:
        """``{"X[t-τ] --> Y[t]": share}`` for every link present in at least one draw."""
        freq = self.frequencies(min_effect)
        names = self.variables
        return {
            f"{lagged_name(names[j], tau)} --> {lagged_name(names[i], 0)}": float(freq[tau, i, j])
            for tau, i, j in zip(*np.nonzero(freq))
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary: the link frequencies and the selected orders."""
        return {
            "n_sampling": self.n_sampling,
            "link_frequencies": self.link_frequencies(),
            "orders": self.orders.tolist(),
        }


@register_algorithm("varlingam")
class VARLiNGAM(Component):
    """VARLiNGAM (Hyvärinen, Zhang, Shimizu & Hoyer 2010): lagged and contemporaneous effects.

    Parameters
    ----------
    tau_max:
        The largest VAR order tried (the ``lingam`` package's ``lags``), ``>= 1``.
    criterion:
        ``"bic"`` (default), ``"aic"``, ``"hqic"`` or ``"fpe"``: the order in
        ``1..tau_max`` that minimises it; None: the order is ``tau_max``.
    lag_sample:
        ``"common"`` (default): the orders are compared on the same rows (as
        statsmodels' ``select_order``); ``"own"``: each order on all the rows it
        can use, as the ``lingam`` package does.
    trend:
        Deterministic terms of the VAR: ``"c"`` (default), ``"ct"`` or ``"n"``
        (none: the ``lingam`` package's choice, right only for centred series).
    prune:
        Prune ``B_τ`` by the adaptive lasso with the chosen order (module docstring).
    time_column:
        Name of the time column (strictly increasing; not a variable). Without it
        the row order is the time order.
    knowledge:
        Background knowledge over the variables: it constrains DirectLiNGAM's
        order and ``B_0`` (as in :class:`~causalscope.discovery.DirectLiNGAM`), and
        a forbidden ``u --> v`` also removes every lag of ``u`` from ``v``'s
        pruned regression.
    random_state:
        Seed of :meth:`bootstrap` (the fit itself is deterministic).
    n_jobs:
        Workers of :meth:`bootstrap` (``causalscope.parallel``; identical results
        for any value).

    Attributes
    ----------
    variables_ : tuple of str
    order_ : int
        The VAR order used.
    lag_selection_ : LagOrderSelection or None
    var_ : VARFit
        The reduced-form VAR.
    residuals_ : numpy.ndarray
        Its residuals, ``(T - order_, p)``.
    causal_order_ : tuple of str
        DirectLiNGAM's order of the residuals, causes first.
    adjacency_matrices_ : numpy.ndarray
        ``(order_ + 1, p, p)``: ``[B_0, B_1, ..., B_k]``, ``B_τ[i, j]`` the effect
        of ``x_j[t-τ]`` on ``x_i[t]`` (rows effects, as ``lingam``).
    p_values_ : numpy.ndarray
        ``(order_ + 1, p, p)`` edge p-values (module docstring); 1 where an entry
        is not a regressor (a successor at lag 0, the diagonal of ``B_0``).
    values_ : numpy.ndarray
        ``adjacency_matrices_`` in tigramite's layout ``(p, p, order_ + 1)`` with
        the cause first: ``values_[j, i, τ] = B_τ[i, j]``.
    graph_ : TimeSeriesGraph
        A link ``x_j[t-τ] --> x_i[t]`` for every non-zero ``B_τ[i, j]``, strength
        the coefficient, p-value from ``p_values_``.
    bootstrap_ : VARLiNGAMBootstrap
        After :meth:`bootstrap`.

    References
    ----------
    Hyvärinen, Zhang, Shimizu & Hoyer (2010), *JMLR* 11, 1709-1731; see the module.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> e = rng.uniform(-1, 1, (1000, 2))
    >>> x = np.zeros((1000, 2))
    >>> for t in range(1, 1000):
    ...     x[t, 0] = 0.5 * x[t - 1, 0] + e[t, 0]
    ...     x[t, 1] = 0.8 * x[t, 0] - 0.4 * x[t - 1, 0] + e[t, 1]
    >>> model = VARLiNGAM(tau_max=2).fit(pd.DataFrame(x, columns=["a", "b"]))
    >>> model.causal_order_, model.order_
    (('a', 'b'), 1)
    >>> model.graph_.lagged_edges()
    ['a[t-1] --> a[t]', 'a[t-1] --> b[t]', 'a[t] --> b[t]']
    """

    time_series = True

    def __init__(
        self,
        *,
        tau_max: int = 3,
        criterion: Criterion | None = "bic",
        lag_sample: LagSample = "common",
        trend: Trend = "c",
        prune: bool = True,
        time_column: str | None = None,
        knowledge: Any = None,
        random_state: RandomState = None,
        n_jobs: Any = None,
    ) -> None:
        self.tau_max = tau_max
        self.criterion = criterion
        self.lag_sample = lag_sample
        self.trend = trend
        self.prune = prune
        self.time_column = time_column
        self.knowledge = knowledge
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _settings(self, data: object) -> tuple[np.ndarray, _Settings]:
        if self.criterion is not None and self.criterion not in CRITERIA:
            raise InvalidParameterError(f"criterion must be None or one of {list(CRITERIA)}; got {self.criterion!r}")
        if self.lag_sample not in LAG_SAMPLES:
            raise InvalidParameterError(f"lag_sample must be one of {list(LAG_SAMPLES)}; got {self.lag_sample!r}")
        if not isinstance(self.prune, (bool, np.bool_)):
            raise InvalidParameterError(f"prune must be True or False; got {self.prune!r}")
        check_random_state(self.random_state)
        ts, knowledge = time_series_input(
            data, time_column=self.time_column, tau_max=self.tau_max, knowledge=self.knowledge
        )
        self._names = tuple(ts.variables)
        # computed in name order and permuted back: bit-identical for any column order
        ts, self._perm = canonical_order(ts)
        settings = _Settings(
            tuple(ts.variables), int(self.tau_max), self.criterion, self.lag_sample, self.trend, bool(self.prune), knowledge
        )
        return ts.values, settings

    def fit(self, data: object) -> VARLiNGAM:
        """Estimate the reduced-form VAR, the causal order of its residuals and ``B_0 .. B_k``.

        ``data`` holds numeric columns in time order (see
        :func:`~causalscope.data.timeseries.as_time_series`, which raises
        ``DataError`` for what it rejects); a bad hyperparameter raises
        ``InvalidParameterError``, a singular design or too few rows ``DataError``.
        Returns ``self``.
        """
        values, settings = self._settings(data)
        self._store(values, settings, _estimate(values, settings))
        return self

    def _store(self, values: np.ndarray, settings: _Settings, est: _Estimate) -> None:
        names = self._names
        back = np.argsort(self._perm)
        matrices = est.matrices[:, back][:, :, back]
        p_values = est.p_values[:, back][:, :, back]
        self.variables_ = names
        self.order_ = est.order
        self.lag_selection_ = est.selection
        self.var_ = est.var.reorder(back)
        self.residuals_ = self.var_.resid
        self.causal_order_ = tuple(settings.names[i] for i in est.causal_order)
        self.adjacency_matrices_ = matrices
        self.p_values_ = p_values
        self.values_ = np.ascontiguousarray(matrices.transpose(2, 1, 0))
        self.graph_ = _structural_graph(names, settings.tau_max, matrices, p_values)
        self._values = values
        self._fit_settings = settings
        self._last = est

    def bootstrap(self, data: object, n_sampling: int) -> VARLiNGAMBootstrap:
        """Fit on ``data``, then ``n_sampling`` residual-bootstrap refits (module docstring).

        Parameters
        ----------
        data:
            As in :meth:`fit`.
        n_sampling:
            The number of draws, ``>= 1``.

        Returns
        -------
        VARLiNGAMBootstrap
            Also stored as ``bootstrap_``.

        Examples
        --------
        >>> rng = np.random.default_rng(1)
        >>> x = np.zeros((500, 2))
        >>> for t in range(1, 500):
        ...     x[t] = [0.5 * x[t - 1, 0], 0.7 * x[t - 1, 0]] + rng.uniform(-1, 1, 2)
        >>> boot = VARLiNGAM(tau_max=1, random_state=0).bootstrap(x, 5)
        >>> float(boot.link_frequencies()["X0[t-1] --> X1[t]"])
        1.0
        """
        n = check_order(n_sampling, "n_sampling", 1)
        self.fit(data)
        seeds = task_seeds(self.random_state, n)
        context = (self._values, self._last, self._fit_settings)
        with open_executor(self.n_jobs) as executor:
            draws = executor.map(_bootstrap_draw, list(range(n)), context=context, seeds=seeds, description="bootstrap")
        p = len(self.variables_)
        tau_max = self._fit_settings.tau_max
        back = np.argsort(self._perm)
        matrices = np.zeros((n, tau_max + 1, p, p))
        for b, (_, _, mats) in enumerate(draws):
            matrices[b, : mats.shape[0]] = mats[:, back][:, :, back]
        self.bootstrap_ = VARLiNGAMBootstrap(
            self.variables_,
            matrices,
            np.array([d[0] for d in draws], dtype=np.int64),
            self._perm[np.array([d[1] for d in draws], dtype=np.int64)],
        )
        return self.bootstrap_


def _structural_graph(names: Sequence[str], tau_max: int, matrices: np.ndarray, p_values: np.ndarray) -> TimeSeriesGraph:
    links: dict[tuple[str, int, str], str] = {}
    strength: dict[tuple[str, int, str], float] = {}
    pvals: dict[tuple[str, int, str], float] = {}
    for tau, i, j in zip(*np.nonzero(matrices)):
        key = (names[j], int(tau), names[i])
        links[key] = "-->"
        strength[key] = float(matrices[tau, i, j])
        pvals[key] = float(p_values[tau, i, j])
    return TimeSeriesGraph(names, tau_max, links, strength=strength, p_value=pvals)


def varlingam(data: object, **kwargs: Any) -> TimeSeriesGraph:
    """VARLiNGAM as a function: the lagged graph (keyword arguments as for :class:`VARLiNGAM`).

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> x = np.zeros((800, 2))
    >>> for t in range(1, 800):
    ...     x[t] = [0.6 * x[t - 1, 0], 0.0] + rng.laplace(size=2)
    ...     x[t, 1] += 0.9 * x[t, 0]
    >>> sorted(varlingam(x, tau_max=1).lagged_edges())
    ['X0[t-1] --> X0[t]', 'X0[t] --> X1[t]']
    """
    return VARLiNGAM(**kwargs).fit(data).graph_
