"""Simulated time series with a known lagged causal graph.

:func:`simulate_timeseries` draws a random stationary structural vector
autoregression (SVAR) over ``n_variables`` series,

.. math::

    X_j[t] = a_j X_j[t-1] + \\sum_{(i, \\tau) \\in pa(j)} c_{ij\\tau}\\, f_{ij\\tau}(X_i[t-\\tau]) + \\sigma E_j[t],

with ``f`` the identity (``kind="linear"``: a linear SVAR, Lütkepohl 2005, ch. 9) or
a bounded function (``kind="nonlinear"``: ``tanh`` or ``sin``, as in the nonlinear
benchmarks of Runge et al. 2019), lag-0 parents (``tau = 0``, acyclic), non-Gaussian
noise (for VARLiNGAM, Hyvärinen et al. 2010), hidden series and regime changes, and
returns the data with the true :class:`~causalscope.graphs.TimeSeriesGraph`.

Stability. A linear SVAR ``X[t] = B_0 X[t] + sum_tau B_tau X[t-tau] + E[t]`` is the
reduced-form VAR with ``A_tau = (I - B_0)^{-1} B_tau``; it is stable (stationary)
when the spectral radius of its companion matrix is below 1 (Lütkepohl 2005,
sec. 2.1.1). Coefficients are redrawn (at most ``max_tries`` times) until every
regime is stable, else :class:`~causalscope.exceptions.InvalidParameterError` says
which ranges to lower. In the nonlinear model every cross term is bounded
(``|c f| <= |c|``) and the only unbounded term is the linear self-dependency with
``|a_j| < 1``, so each series is a stable AR(1) driven by a bounded input plus noise:
it stays finite (checked on the result).

Cost. The time loop is sequential; each step is one matrix-vector product over
all variables and lags (``O(p^2 tau_max)``; the lag-0 effects of the linear model
are folded into it by ``(I - B_0)^{-1}``; the nonlinear model adds one product per
layer of the lag-0 graph). ``T = 10^5`` steps of ``p = 50``, ``tau_max = 3`` take
about a second.

References
----------
Lütkepohl, H. (2005). New Introduction to Multiple Time Series Analysis. Springer.
Runge, J., Nowack, P., Kretschmer, M., Flaxman, S. & Sejdinovic, D. (2019).
Detecting and quantifying causal associations in large nonlinear time series
datasets. Science Advances 5(11), eaau4996.
Hyvärinen, A., Zhang, K., Shimizu, S. & Hoyer, P. O. (2010). Estimation of a
structural vector autoregression model using non-Gaussianity. JMLR 11.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..exceptions import DataError, InvalidParameterError
from ..graphs.timeseries import LinkKey, TimeSeriesGraph
from ..utils import RandomState, check_random_state

__all__ = ["TS_KINDS", "TS_NOISES", "TimeSeriesSimulation", "simulate_timeseries"]

TimeSeriesKind = Literal["linear", "nonlinear"]
TimeSeriesNoise = Literal["gaussian", "uniform", "laplace", "student"]

#: Valid ``kind`` values.
TS_KINDS: tuple[str, ...] = ("linear", "nonlinear")
#: Valid ``noise`` values (all scaled to mean 0, variance 1).
TS_NOISES: tuple[str, ...] = ("gaussian", "uniform", "laplace", "student")
_STUDENT_DF = 5.0
#: The functions of the nonlinear model, by code (0: identity, the linear model and self-links).
_FUNCTIONS = ("linear", "tanh", "sin")


@dataclass(frozen=True)
class TimeSeriesSimulation:
    """A simulated time series with its whole truth.

    Attributes
    ----------
    data:
        ``n_samples`` rows in time order, one column per observed variable.
    graph:
        The true graph over the observed variables: every link among them, plus
        ``X[t] <-> Y[t]`` for each pair of children of a hidden series.
    full_graph:
        The graph over all variables (observed, then hidden), hidden series'
        links ``L[t] --> X[t]`` included.
    coefficients:
        ``coefficients[i, j, tau]`` is the coefficient of ``variables[i][t-tau]`` in
        ``variables[j][t]`` (regime 0), shape ``(P, P, tau_max + 1)`` with
        ``P = n_variables + n_latent`` (the tigramite array convention of
        :meth:`TimeSeriesGraph.to_arrays`).
    regime_coefficients:
        One such array per regime (``regime_coefficients[0] is coefficients``).
    change_points:
        The first row of each regime after the first (empty for one regime).
    functions:
        ``functions[i, j, tau]``: the function of each link, an index into
        ``("linear", "tanh", "sin")`` (all 0 for ``kind="linear"``).
    variables, observed, latent:
        All variable names (observed then hidden), the observed ones (the columns of
        ``data``) and the hidden ones.
    spectral_radius:
        The largest companion-matrix spectral radius over the regimes (linear
        model), ``nan`` for the nonlinear model.
    parameters:
        The settings (JSON-able).
    """

    data: pd.DataFrame
    graph: TimeSeriesGraph
    full_graph: TimeSeriesGraph
    coefficients: np.ndarray
    regime_coefficients: tuple[np.ndarray, ...]
    change_points: tuple[int, ...]
    functions: np.ndarray
    variables: tuple[str, ...]
    observed: tuple[str, ...]
    latent: tuple[str, ...]
    spectral_radius: float
    parameters: dict[str, Any]


# ---------------------------------------------------------------------- argument checks
def _count(value: object, name: str, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _interval(value: object, name: str) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in value)  # type: ignore[attr-defined]  # a TypeError is caught
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a pair (low, high); got {value!r}") from None
    if not (math.isfinite(low) and math.isfinite(high) and 0.0 <= low <= high):
        raise InvalidParameterError(f"{name} must be a pair (low, high) with 0 <= low <= high; got {value!r}")
    return low, high


def _standard_noise(kind: str, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Noise of mean 0 and variance 1."""
    if kind == "gaussian":
        return rng.standard_normal(shape)
    if kind == "uniform":
        return rng.uniform(-math.sqrt(3.0), math.sqrt(3.0), shape)
    if kind == "laplace":
        return rng.laplace(0.0, 1.0 / math.sqrt(2.0), shape)
    return rng.standard_t(_STUDENT_DF, shape) / math.sqrt(_STUDENT_DF / (_STUDENT_DF - 2.0))


# ---------------------------------------------------------------------- the random structure
def _draw_structure(
    rng: np.random.Generator, p: int, n_latent: int, tau_max: int, n_parents: int, contemporaneous: float,
    autodependency: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Links as boolean arrays over all P = p + n_latent variables, plus the causal order of lag 0.

    Returns ``(links, order)``: ``links[i, j, tau]`` True for ``i[t-tau] --> j[t]``.
    """
    total = p + n_latent
    links = np.zeros((total, total, tau_max + 1), dtype=bool)
    order = rng.permutation(p)  # the lag-0 causal order of the observed variables
    rank = np.empty(p, dtype=int)
    rank[order] = np.arange(p)
    if autodependency:
        links[np.arange(p), np.arange(p), 1] = True
    for j in range(p):
        others = np.delete(np.arange(p), j)
        for i in rng.permutation(others)[: min(n_parents, p - 1)]:
            if rank[i] < rank[j] and rng.random() < contemporaneous:
                links[i, j, 0] = True
            else:
                links[i, j, rng.integers(1, tau_max + 1)] = True
    for k in range(n_latent):
        for _ in range(100):  # two children without a lag-0 link between them (that pair gets X <-> Y)
            a, b = rng.choice(p, size=2, replace=False)
            if not (links[a, b, 0] or links[b, a, 0]):
                links[p + k, [a, b], 0] = True
                break
        else:
            raise InvalidParameterError(
                f"hidden series L{k + 1} needs two observed children without a contemporaneous link between "
                "them; lower contemporaneous or n_latent"
            )
    return links, order


def _draw_coefficients(
    rng: np.random.Generator, links: np.ndarray, coefficient_range: tuple[float, float],
    auto_range: tuple[float, float],
) -> np.ndarray:
    coef = np.zeros(links.shape)
    idx = np.nonzero(links)
    signs = rng.choice([-1.0, 1.0], size=idx[0].size)
    coef[idx] = signs * rng.uniform(*coefficient_range, size=idx[0].size)
    auto = (idx[0] == idx[1]) & (idx[2] == 1)
    coef[idx[0][auto], idx[1][auto], 1] = rng.uniform(*auto_range, size=int(auto.sum()))
    return coef


def _reduced_form(coef: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(M, A)``: ``M = (I - B_0)^{-1}`` and ``A[tau - 1] = M B_tau`` with ``B_tau[j, i] = coef[i, j, tau]``."""
    total = coef.shape[0]
    m = np.linalg.inv(np.eye(total) - coef[:, :, 0].T)
    return m, np.stack([m @ coef[:, :, tau].T for tau in range(1, coef.shape[2])])


def _spectral_radius(a: np.ndarray) -> float:
    """The spectral radius of the companion matrix of the VAR ``X[t] = sum_tau A[tau-1] X[t-tau]``."""
    lags, total, _ = a.shape
    companion = np.zeros((lags * total, lags * total))
    companion[:total] = np.concatenate(list(a), axis=1)
    companion[total:, :-total] = np.eye((lags - 1) * total)
    return float(np.max(np.abs(np.linalg.eigvals(companion))))


def _lag0_layers(coef: np.ndarray) -> list[np.ndarray]:
    """The variables with lag-0 parents, in layers: each layer's parents are in earlier layers or roots."""
    parents = coef[:, :, 0] != 0
    depth = np.zeros(coef.shape[0], dtype=int)
    for _ in range(coef.shape[0]):
        new = np.max(np.where(parents, depth[:, None] + 1, 0), axis=0)
        if np.array_equal(new, depth):
            break
        depth = new
    return [np.flatnonzero(depth == d) for d in range(1, int(depth.max(initial=0)) + 1)]


# ---------------------------------------------------------------------- the time loop
def _run_linear(coefs: list[np.ndarray], starts: list[int], noise: np.ndarray, tau_max: int) -> np.ndarray:
    steps, total = noise.shape
    x = np.zeros((steps + tau_max, total))
    for r, coef in enumerate(coefs):
        m, a = _reduced_form(coef)
        stacked = np.concatenate(list(a[::-1]), axis=1)  # [A_tau_max ... A_1]: the window is oldest first
        end = starts[r + 1] if r + 1 < len(starts) else steps
        shocks = noise[starts[r]:end] @ m.T
        for t in range(starts[r], end):
            x[t + tau_max] = stacked @ x[t:t + tau_max].ravel() + shocks[t - starts[r]]
    return x[tau_max:]


def _run_nonlinear(
    coefs: list[np.ndarray], functions: np.ndarray, starts: list[int], noise: np.ndarray, tau_max: int
) -> np.ndarray:
    steps, total = noise.shape
    x = np.zeros((steps + tau_max, total))
    transforms = (lambda v: v, np.tanh, np.sin)
    for r, coef in enumerate(coefs):
        kinds = [k for k in range(len(_FUNCTIONS)) if np.any((functions == k) & (coef != 0))]
        lagged = {k: np.concatenate([np.where(functions[:, :, tau] == k, coef[:, :, tau], 0.0).T
                                     for tau in range(tau_max, 0, -1)], axis=1) for k in kinds}
        now = {k: np.where(functions[:, :, 0] == k, coef[:, :, 0], 0.0).T for k in kinds}
        layers = _lag0_layers(coef)
        end = starts[r + 1] if r + 1 < len(starts) else steps
        for t in range(starts[r], end):
            window = x[t:t + tau_max].ravel()
            value = noise[t].copy()
            for k in kinds:
                value += lagged[k] @ transforms[k](window)
            for layer in layers:
                for k in kinds:
                    value[layer] += now[k][layer] @ transforms[k](value)
            x[t + tau_max] = value
    return x[tau_max:]


# ---------------------------------------------------------------------- the public function
def simulate_timeseries(
    n_variables: int,
    n_samples: int,
    *,
    tau_max: int = 2,
    n_parents: int = 2,
    kind: TimeSeriesKind = "linear",
    contemporaneous: float = 0.0,
    noise: TimeSeriesNoise = "gaussian",
    noise_scale: float = 1.0,
    n_latent: int = 0,
    n_regimes: int = 1,
    coefficient_range: tuple[float, float] = (0.2, 0.5),
    autodependency: bool = True,
    auto_range: tuple[float, float] = (0.2, 0.6),
    burn_in: int = 200,
    max_tries: int = 100,
    random_state: RandomState = None,
) -> TimeSeriesSimulation:
    """Simulate a stationary multivariate time series from a random structural VAR.

    Parameters
    ----------
    n_variables:
        Number of observed series ``p >= 1``, named ``X1 .. Xp``.
    n_samples:
        Number of time steps ``T >= 1`` returned (after the burn-in).
    tau_max:
        The largest lag of a link (``>= 1``); each lagged link's lag is drawn
        uniformly from ``1 .. tau_max``.
    n_parents:
        Parents per observed series among the other observed series (at most
        ``p - 1``); the self-link ``X[t-1] --> X[t]`` comes on top when
        ``autodependency``.
    kind:
        ``"linear"``: every term is ``c * X_i[t-tau]``. ``"nonlinear"``: every cross
        term is ``c * f(X_i[t-tau])`` with ``f`` drawn per link from ``tanh`` and
        ``sin`` (bounded), the self-link staying linear.
    contemporaneous:
        Probability in ``[0, 1]`` that a parent link is at lag 0. A random causal
        order of the series is drawn first and only a parent earlier in it can be a
        lag-0 parent, so the lag-0 graph is acyclic; a parent that is not lag-0
        gets a random lag.
    noise:
        ``"gaussian"``, ``"uniform"``, ``"laplace"`` or ``"student"`` (t with 5
        degrees of freedom), scaled to variance 1, then multiplied by ``noise_scale``.
    noise_scale:
        The noise standard deviation (``> 0``).
    n_latent:
        Number of hidden series ``L1 ..``. Each is white noise that drives two
        observed series at the same step (``L[t] --> X[t]``, ``L[t] --> Y[t]``, two
        series with no lag-0 link between them); it is simulated, left out of
        ``data``, and appears in ``graph`` as ``X[t] <-> Y[t]``. ``full_graph`` holds
        it.
    n_regimes:
        Number of regimes: the rows are cut into ``n_regimes`` contiguous blocks of
        near-equal length (``change_points``), and each block has its own
        coefficients (same links, signs and sizes redrawn), each checked stable.
    coefficient_range:
        ``(low, high)``: the size of every cross coefficient (a random sign is added).
    autodependency:
        Whether every observed series has the self-link ``X[t-1] --> X[t]``.
    auto_range:
        ``(low, high)`` with ``high < 1``: the self-link coefficients (positive).
    burn_in:
        Steps simulated from zero and dropped before the returned rows (regime 0).
    max_tries:
        How many times the coefficients are redrawn to find a stable linear model.
    random_state:
        Seed or generator; the same seed gives the same graph, coefficients and data.

    Returns
    -------
    TimeSeriesSimulation

    Raises
    ------
    InvalidParameterError
        For a bad count, probability, range or option, or when no stable linear
        model was found in ``max_tries`` draws (lower ``coefficient_range``,
        ``auto_range``, ``n_parents`` or ``contemporaneous``).
    DataError
        If the simulated values are not finite (not expected; reported rather
        than returned).

    Examples
    --------
    >>> sim = simulate_timeseries(3, 500, tau_max=2, random_state=0)
    >>> sim.data.shape, sim.graph.variables, sim.spectral_radius < 1
    ((500, 3), ('X1', 'X2', 'X3'), True)
    >>> sim.graph == simulate_timeseries(3, 500, tau_max=2, random_state=0).graph
    True
    """
    rng = check_random_state(random_state)
    p = _count(n_variables, "n_variables", 1)
    steps = _count(n_samples, "n_samples", 1)
    tau_max = _count(tau_max, "tau_max", 1)
    n_parents = _count(n_parents, "n_parents", 0)
    n_latent = _count(n_latent, "n_latent", 0)
    n_regimes = _count(n_regimes, "n_regimes", 1)
    burn_in = _count(burn_in, "burn_in", 0)
    max_tries = _count(max_tries, "max_tries", 1)
    if kind not in TS_KINDS:
        raise InvalidParameterError(f"kind must be one of {list(TS_KINDS)}; got {kind!r}")
    if noise not in TS_NOISES:
        raise InvalidParameterError(f"noise must be one of {list(TS_NOISES)}; got {noise!r}")
    if isinstance(contemporaneous, bool) or not isinstance(contemporaneous, (int, float)) \
            or not 0.0 <= contemporaneous <= 1.0:
        raise InvalidParameterError(f"contemporaneous must be a probability in [0, 1]; got {contemporaneous!r}")
    if isinstance(noise_scale, bool) or not isinstance(noise_scale, (int, float)) \
            or not (math.isfinite(noise_scale) and noise_scale > 0):
        raise InvalidParameterError(f"noise_scale must be a positive number; got {noise_scale!r}")
    coefficient_range = _interval(coefficient_range, "coefficient_range")
    auto_range = _interval(auto_range, "auto_range")
    if auto_range[1] >= 1.0:
        raise InvalidParameterError(f"auto_range must lie below 1 (a stable self-link); got {auto_range!r}")
    if n_latent and p < 2:
        raise InvalidParameterError("n_latent needs at least two observed series (n_variables >= 2)")
    if n_regimes > steps:
        raise InvalidParameterError(f"n_regimes = {n_regimes} exceeds n_samples = {steps}")

    observed = tuple(f"X{i + 1}" for i in range(p))
    latent = tuple(f"L{k + 1}" for k in range(n_latent))
    variables = observed + latent
    links, order = _draw_structure(rng, p, n_latent, tau_max, n_parents, float(contemporaneous), autodependency)
    functions = np.zeros(links.shape, dtype=np.int8)
    if kind == "nonlinear":
        cross = links & ~np.eye(links.shape[0], dtype=bool)[:, :, None]
        functions[cross] = rng.integers(1, len(_FUNCTIONS), size=int(cross.sum()))

    coefs: list[np.ndarray] = []
    radius = math.nan
    for _regime in range(n_regimes):
        for _ in range(max_tries):
            coef = _draw_coefficients(rng, links, coefficient_range, auto_range)
            if kind == "nonlinear":
                break
            r = _spectral_radius(_reduced_form(coef)[1])
            if r < 1.0:
                radius = r if math.isnan(radius) else max(radius, r)
                break
        else:
            raise InvalidParameterError(
                f"no stable VAR found in {max_tries} draws (companion spectral radius >= 1) for "
                f"n_variables={p}, n_parents={n_parents}, tau_max={tau_max}; lower coefficient_range "
                f"{coefficient_range}, auto_range {auto_range}, n_parents or contemporaneous"
            )
        coefs.append(coef)

    change_points = tuple(int(round(steps * r / n_regimes)) for r in range(1, n_regimes))
    starts = [0] + [burn_in + c for c in change_points]
    shocks = noise_scale * _standard_noise(noise, rng, (burn_in + steps, len(variables)))
    if kind == "linear":
        x = _run_linear(coefs, starts, shocks, tau_max)
    else:
        x = _run_nonlinear(coefs, functions, starts, shocks, tau_max)
    x = x[burn_in:]
    if not np.all(np.isfinite(x)):
        raise DataError("the simulated series are not finite; lower coefficient_range or auto_range")

    def graph_of(names: tuple[str, ...]) -> dict[LinkKey, str]:
        keep = {variables.index(n) for n in names}
        return {(variables[i], int(tau), variables[j]): "-->"
                for i, j, tau in zip(*np.nonzero(links), strict=True) if i in keep and j in keep}

    observed_links = graph_of(observed)
    for k in range(n_latent):
        a, b = (observed[c] for c in np.flatnonzero(links[p + k, :p, 0]))
        observed_links[(a, 0, b)] = "<->"
    return TimeSeriesSimulation(
        data=pd.DataFrame(x[:, :p], columns=list(observed)),
        graph=TimeSeriesGraph(observed, tau_max, observed_links),
        full_graph=TimeSeriesGraph(variables, tau_max, graph_of(variables)),
        coefficients=coefs[0],
        regime_coefficients=tuple(coefs),
        change_points=change_points,
        functions=functions,
        variables=variables,
        observed=observed,
        latent=latent,
        spectral_radius=radius,
        parameters={
            "n_variables": p, "n_samples": steps, "tau_max": tau_max, "n_parents": n_parents, "kind": kind,
            "contemporaneous": float(contemporaneous), "noise": noise, "noise_scale": float(noise_scale),
            "n_latent": n_latent, "n_regimes": n_regimes, "coefficient_range": list(coefficient_range),
            "autodependency": autodependency, "auto_range": list(auto_range), "burn_in": burn_in,
            "causal_order": [observed[i] for i in order],
        },
    )
