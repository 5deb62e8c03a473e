"""Simulated data with a known causal truth.

A *structural causal model* (SCM) assigns every node ``X_j`` of a DAG a value
``X_j = f_j(pa(X_j)) + E_j`` from its parents and an independent noise ``E_j``.
Sampling the nodes in topological order gives data whose true causal graph is
known, which is what every discovery algorithm is tested and benchmarked on.

This module provides

* :func:`random_dag`: a random DAG, Erdős–Rényi or scale-free (preferential
  attachment), with node names ``X1 .. Xn``;
* :func:`simulate`: data sampled from a random SCM on a given or random DAG,
  with a choice of mechanisms (linear, random MLP, polynomial, sigmoid, mixed)
  and noise families, and optionally discrete variables, hidden confounders,
  several domains with shifted mechanisms, and missing values;
* :class:`Simulation`: the data together with the whole truth (the full DAG,
  which nodes are hidden, discrete or shifted, the missingness mask, the CPDAG,
  ADMG or PAG an algorithm should recover, and every drawn parameter).

Sampling is vectorised: one numpy operation over all samples per node, so
100,000 samples of a 50-node linear model take a fraction of a second.

References
----------
Erdős, P. & Rényi, A. (1959). On random graphs I. Publicationes Mathematicae 6.
Barabási, A.-L. & Albert, R. (1999). Emergence of scaling in random networks.
Science 286(5439).
Pearl, J. (2009). Causality (2nd ed.), ch. 1.4 (structural causal models).
Reisach, A., Seiler, C. & Weichwald, S. (2021). Beware of the simulated DAG!
Causal discovery benchmarks may be easy to game. NeurIPS.
Rubin, D. B. (1976). Inference and missing data. Biometrika 63(3).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit

from ..exceptions import DataError, GraphError, InvalidParameterError
from ..graphs.base import MixedGraph
from ..graphs.types import ADMG, CPDAG, DAG, PAG
from ..utils import RandomState, check_random_state

__all__ = [
    "GRAPH_METHODS",
    "MECHANISMS",
    "NOISES",
    "SHIFTS",
    "MISSING_MECHANISMS",
    "random_dag",
    "simulate",
    "Simulation",
]

GraphMethod = Literal["erdos_renyi", "scale_free"]
Mechanism = Literal["linear", "mlp", "polynomial", "sigmoid", "mixed"]
Noise = Literal["gaussian", "uniform", "exponential", "laplace", "gumbel"]
Shift = Literal["mean", "scale", "mechanism"]
MissingMechanism = Literal["mcar", "mar"]

#: Valid values of the string options.
GRAPH_METHODS: tuple[str, ...] = ("erdos_renyi", "scale_free")
MECHANISMS: tuple[str, ...] = ("linear", "mlp", "polynomial", "sigmoid", "mixed")
NOISES: tuple[str, ...] = ("gaussian", "uniform", "exponential", "laplace", "gumbel")
SHIFTS: tuple[str, ...] = ("mean", "scale", "mechanism")
MISSING_MECHANISMS: tuple[str, ...] = ("mcar", "mar")

_BASIC_MECHANISMS = ("linear", "mlp", "polynomial", "sigmoid")
_MLP_HIDDEN = 10
_MAR_SLOPE = 2.0
_CLIP = 3.0


# ---------------------------------------------------------------------- validation helpers
def _check_choice(value: object, name: str, valid: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in valid:
        raise InvalidParameterError(f"{name} must be one of {list(valid)}; got {value!r}")
    return value


def _check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def _check_float(value: object, name: str, *, low: float = 0.0, high: float = math.inf,
                 high_open: bool = False) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidParameterError(f"{name} must be a number; got {value!r}")
    v = float(value)
    too_high = v >= high if high_open else v > high
    if math.isnan(v) or v < low or too_high:
        bracket = ")" if high_open else "]"
        raise InvalidParameterError(f"{name} must be in [{low}, {high}{bracket}; got {value!r}")
    return v


def _check_fraction(value: object, name: str, *, allow_one: bool = True) -> float:
    return _check_float(value, name, low=0.0, high=1.0, high_open=not allow_one)


def _check_range(value: object, name: str, *, positive: bool) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in value)  # type: ignore[attr-defined]  # any object: a TypeError is caught
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a pair (low, high) of numbers; got {value!r}") from None
    ok = math.isfinite(low) and math.isfinite(high) and low <= high and (low > 0 if positive else low >= 0)
    if not ok or high <= 0:
        need = "0 < low <= high" if positive else "0 <= low <= high, high > 0"
        raise InvalidParameterError(f"{name} must be a pair (low, high) with {need}; got {value!r}")
    return low, high


def _node_names(n_nodes: int, node_names: str | Iterable[str] | None) -> list[str]:
    if node_names is None:
        node_names = "X"
    if isinstance(node_names, str):
        if not node_names:
            raise InvalidParameterError("node_names as a prefix must be a non-empty string; got ''")
        return [f"{node_names}{i + 1}" for i in range(n_nodes)]
    names = list(node_names)
    if len(names) != n_nodes:
        raise InvalidParameterError(
            f"node_names must give one name per node: expected {n_nodes}, got {len(names)}"
        )
    return names


def _names_or_count(value: object, name: str, graph: DAG, pool: list[str]) -> list[str] | float:
    """A fraction/count (returned as float) or an iterable of node names (checked, deduplicated)."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidParameterError(f"{name} must be a number or an iterable of node names; got {value!r}")
    names = list(dict.fromkeys(value))
    for n in names:
        if not isinstance(n, str) or n not in graph:
            raise GraphError(f"{name} names node {n!r}, which is not in the graph (nodes: {list(graph.nodes)})")
        if n not in pool:
            raise InvalidParameterError(f"{name} names node {n!r}, which is latent; only observed nodes qualify")
    return names


# ---------------------------------------------------------------------- random graphs
def random_dag(
    n_nodes: int,
    *,
    expected_degree: float = 2.0,
    method: GraphMethod = "erdos_renyi",
    node_names: str | Iterable[str] | None = None,
    random_state: RandomState = None,
) -> DAG:
    """A random DAG with about ``expected_degree`` edges per node.

    Parameters
    ----------
    n_nodes:
        Number of nodes, at least 1.
    expected_degree:
        Expected number of edges touching a node (in plus out), so the graph has
        about ``n_nodes * expected_degree / 2`` edges. Capped by the complete DAG.
    method:
        ``"erdos_renyi"``: nodes are put in a random causal order and each pair
        ``i < j`` in that order is joined ``i --> j`` independently with
        probability ``expected_degree / (n_nodes - 1)`` (Erdős & Rényi 1959).
        ``"scale_free"``: nodes are inserted one by one in a random order and each
        new node receives edges from ``m = expected_degree / 2`` earlier nodes
        (``floor(m)`` or ``ceil(m)`` at random when ``m`` is fractional), chosen
        with probability proportional to their degree plus one (preferential
        attachment, Barabási & Albert 1999). Edges point from the earlier node to
        the new one, so hubs are causes with many children (like master
        regulators in gene networks), and the degree distribution is heavy-tailed.
    node_names:
        ``None`` for ``X1, X2, ..., Xn``; a string to use as another prefix; or
        an iterable of ``n_nodes`` names. Names are not zero-padded.
    random_state:
        Seed or generator.

    Returns
    -------
    DAG
        Nodes in name order ``X1 .. Xn``; the causal order is a random
        permutation of it, so column order leaks nothing about causal order.

    Raises
    ------
    InvalidParameterError
        For ``n_nodes < 1``, a negative or non-finite ``expected_degree``, an
        unknown ``method`` or a ``node_names`` list of the wrong length.
    GraphError
        For duplicate node names.

    References
    ----------
    Erdős, P. & Rényi, A. (1959). On random graphs I. Publ. Math. Debrecen 6.
    Barabási, A.-L. & Albert, R. (1999). Emergence of scaling in random
    networks. Science 286(5439).

    Examples
    --------
    >>> g = random_dag(5, expected_degree=2, random_state=0)
    >>> g.nodes
    ('X1', 'X2', 'X3', 'X4', 'X5')
    >>> g == random_dag(5, expected_degree=2, random_state=0)
    True
    >>> random_dag(3, expected_degree=2, node_names="V", random_state=1).nodes
    ('V1', 'V2', 'V3')
    """
    n = _check_int(n_nodes, "n_nodes", 1)
    degree = _check_float(expected_degree, "expected_degree", low=0.0)
    if not math.isfinite(degree):
        raise InvalidParameterError(f"expected_degree must be finite; got {expected_degree!r}")
    method = _check_choice(method, "method", GRAPH_METHODS)  # type: ignore[assignment]
    names = _node_names(n, node_names)
    rng = check_random_state(random_state)
    adj = _random_adjacency(n, degree, method, rng)
    src, dst = np.nonzero(adj)
    return DAG(nodes=names, edges=[(names[i], names[j]) for i, j in zip(src, dst)])


def _random_adjacency(n: int, degree: float, method: str, rng: np.random.Generator) -> np.ndarray:
    """Boolean ``A[i, j] = i --> j`` of a random DAG (see :func:`random_dag`)."""
    order = rng.permutation(n)
    adj = np.zeros((n, n), dtype=bool)
    if n == 1:
        return adj
    if method == "erdos_renyi":
        p = min(1.0, degree / (n - 1))
        upper = np.triu(rng.random((n, n)) < p, k=1)
        a, b = np.nonzero(upper)
        adj[order[a], order[b]] = True
        return adj
    m = degree / 2.0
    base, frac = int(math.floor(m)), m - math.floor(m)
    deg = np.zeros(n)
    for t in range(1, n):
        k = min(t, base + int(rng.random() < frac))
        if k == 0:
            continue
        weights = deg[:t] + 1.0
        targets = rng.choice(t, size=k, replace=False, p=weights / weights.sum())
        adj[order[targets], order[t]] = True
        deg[targets] += 1.0
        deg[t] += k
    return adj


# ---------------------------------------------------------------------- mechanisms and noise
def _signs(rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
    return np.where(rng.random(size) < 0.5, -1.0, 1.0)


def _weights(rng: np.random.Generator, size: int | tuple[int, ...], wr: tuple[float, float]) -> np.ndarray:
    return rng.uniform(wr[0], wr[1], size) * _signs(rng, size)


def _draw_function(kind: str, k: int, rng: np.random.Generator, wr: tuple[float, float]) -> dict[str, Any]:
    """Random parameters (JSON-able lists) of a mechanism of ``k`` parents."""
    if kind == "linear":
        return {"weights": _weights(rng, k, wr).tolist()}
    if kind == "mlp":
        return {
            "W1": (_weights(rng, (k, _MLP_HIDDEN), wr) / math.sqrt(k)).tolist(),
            "b1": rng.uniform(-1.0, 1.0, _MLP_HIDDEN).tolist(),
            "w2": _weights(rng, _MLP_HIDDEN, wr).tolist(),
        }
    if kind == "polynomial":
        degree = int(rng.integers(2, 4))
        pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
        if len(pairs) > k:
            keep = np.sort(rng.choice(len(pairs), size=k, replace=False))
            pairs = [pairs[i] for i in keep]
        return {
            "degree": degree,
            "linear": _weights(rng, k, wr).tolist(),
            "square": _weights(rng, k, wr).tolist(),
            "cube": (_weights(rng, k, wr) if degree == 3 else np.zeros(k)).tolist(),
            "pairs": [list(p) for p in pairs],
            "pair_weights": _weights(rng, len(pairs), wr).tolist(),
        }
    # sigmoid of a weighted sum
    return {"weights": _weights(rng, k, wr).tolist(), "bias": float(rng.uniform(-1.0, 1.0))}


def _evaluate(kind: str, p: dict[str, Any], xp: np.ndarray) -> np.ndarray:
    """The mechanism's value for every row of the parent matrix ``xp`` (n x k)."""
    if kind == "linear":
        return xp @ np.asarray(p["weights"])
    if kind == "mlp":
        hidden = np.tanh(xp @ np.asarray(p["W1"]) + np.asarray(p["b1"]))
        return hidden @ np.asarray(p["w2"])
    if kind == "polynomial":
        out = xp @ np.asarray(p["linear"]) + (xp**2) @ np.asarray(p["square"])
        if p["degree"] == 3:
            out = out + (xp**3) @ np.asarray(p["cube"])
        for (i, j), w in zip(p["pairs"], p["pair_weights"]):
            out = out + w * xp[:, i] * xp[:, j]
        return out
    return expit(xp @ np.asarray(p["weights"]) + p["bias"])


def _inputs(kind: str, spec: dict[str, Any], xp: np.ndarray) -> np.ndarray:
    """The mechanism's inputs: raw parents for linear; standardised for the others.

    Non-linear mechanisms see each parent centred and scaled to unit variance
    (constants recorded in ``spec``); the polynomial further soft-clips them with
    ``3 tanh(x / 3)``, which is the identity within about two standard deviations
    but stops heavy tails from compounding along paths of polynomials.
    """
    if kind == "linear":
        return xp
    center = xp.mean(axis=0)
    scale = xp.std(axis=0)
    scale = np.where(scale > 1e-12, scale, 1.0)
    spec["input_center"], spec["input_scale"] = center.tolist(), scale.tolist()
    x = (xp - center) / scale
    if kind == "polynomial":
        x = _CLIP * np.tanh(x / _CLIP)
    return x


def _noise(kind: str, rng: np.random.Generator, n: int) -> np.ndarray:
    """Standardised noise: mean 0, variance 1."""
    if kind == "gaussian":
        return rng.standard_normal(n)
    if kind == "uniform":
        return rng.uniform(-math.sqrt(3.0), math.sqrt(3.0), n)
    if kind == "exponential":
        return rng.standard_exponential(n) - 1.0
    if kind == "laplace":
        return rng.laplace(0.0, 1.0 / math.sqrt(2.0), n)
    beta = math.sqrt(6.0) / math.pi
    return rng.gumbel(0.0, beta, n) - np.euler_gamma * beta


def _normalise(g: np.ndarray, spec: dict[str, Any], normalize: bool) -> np.ndarray:
    """Rescale a signal to mean 0, variance 1 (constants recorded in ``spec``)."""
    if not normalize:
        spec["center"], spec["scale"] = 0.0, 1.0
        return g
    center = float(g.mean())
    scale = float(g.std())
    if not scale > 1e-12:
        scale = 1.0
    spec["center"], spec["scale"] = center, scale
    return (g - center) / scale


# ---------------------------------------------------------------------- the result
@dataclass(frozen=True, eq=False)
class Simulation:
    """Data sampled from a known causal model, with its whole ground truth.

    Attributes
    ----------
    data:
        The samples: one column per observed node (named like the node, in graph
        order), plus ``domain_column`` for multi-domain data. Continuous columns
        are float; discrete columns hold integer codes ``0 .. k-1`` (int64, or
        float with NaN where values are missing).
    graph:
        The full true DAG, hidden nodes included.
    observed:
        The nodes that are columns of ``data``, in graph order.
    latent:
        The hidden nodes (simulated, then dropped from ``data``).
    discrete:
        The observed nodes generated as discrete.
    changed_nodes:
        The nodes whose mechanism differs between domains (empty for one domain).
    domain_column:
        Name of the column of domain labels ``0 .. n_domains-1``, or ``None``.
    missing_mask:
        Boolean array ``(n_samples, len(observed))``, True where a value was
        removed, columns in ``observed`` order; ``None`` when nothing is missing.
    parameters:
        Every drawn parameter (JSON-able): per node its parents, mechanism, the
        mechanism's parameters per domain, signal centring/scaling constants,
        noise standard deviation, discretisation thresholds, domain shifts; plus
        the settings, standardisation constants and missingness drivers.
    """

    data: pd.DataFrame
    graph: DAG
    observed: tuple[str, ...]
    latent: tuple[str, ...] = ()
    discrete: tuple[str, ...] = ()
    changed_nodes: tuple[str, ...] = ()
    domain_column: str | None = None
    missing_mask: np.ndarray | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        """Number of rows of ``data``."""
        return int(self.data.shape[0])

    @cached_property
    def observed_dag(self) -> DAG | None:
        """The true DAG over the observed nodes when nothing is hidden, else ``None``."""
        return None if self.latent else self.graph

    @cached_property
    def cpdag(self) -> CPDAG | None:
        """The CPDAG of the true DAG (what PC/GES should find); ``None`` with hidden nodes."""
        if self.latent:
            return None
        from ..graphs.equivalence import dag_to_cpdag

        return dag_to_cpdag(self.graph)

    @cached_property
    def admg(self) -> ADMG | None:
        """The latent projection onto the observed nodes; ``None`` without hidden nodes."""
        if not self.latent:
            return None
        from ..graphs.projection import latent_projection

        return latent_projection(self.graph, self.latent)

    @cached_property
    def pag(self) -> PAG | None:
        """The PAG over the observed nodes (what FCI should find); ``None`` without hidden nodes."""
        if not self.latent:
            return None
        from ..graphs.ancestral import dag_to_pag

        return dag_to_pag(self.graph, latent=self.latent)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary of the truth (the data themselves are not included).

        Graphs are graph JSON values (:meth:`MixedGraph.to_dict`); ``missing_rate``
        maps each observed column to its fraction of missing values.
        """
        def g(x: MixedGraph | None) -> dict[str, Any] | None:
            return None if x is None else x.to_dict()

        rates = (
            {c: float(r) for c, r in zip(self.observed, self.missing_mask.mean(axis=0))}
            if self.missing_mask is not None
            else {c: 0.0 for c in self.observed}
        )
        return {
            "n_samples": self.n_samples,
            "columns": [str(c) for c in self.data.columns],
            "graph": self.graph.to_dict(),
            "observed": list(self.observed),
            "latent": list(self.latent),
            "discrete": list(self.discrete),
            "changed_nodes": list(self.changed_nodes),
            "domain_column": self.domain_column,
            "missing_rate": rates,
            "cpdag": g(self.cpdag),
            "admg": g(self.admg),
            "pag": g(self.pag),
            "parameters": self.parameters,
        }

    def __repr__(self) -> str:
        parts = [f"n_samples={self.n_samples}", f"observed={len(self.observed)}",
                 f"edges={self.graph.n_edges}"]
        if self.latent:
            parts.append(f"latent={list(self.latent)}")
        if self.discrete:
            parts.append(f"discrete={list(self.discrete)}")
        if self.domain_column is not None:
            parts.append(f"changed_nodes={list(self.changed_nodes)}")
        if self.missing_mask is not None:
            parts.append(f"missing={float(self.missing_mask.mean()):.3f}")
        return f"Simulation({', '.join(parts)})"


# ---------------------------------------------------------------------- the sampler
def simulate(
    graph: DAG | int,
    n_samples: int,
    *,
    mechanism: Mechanism = "linear",
    noise: Noise = "gaussian",
    noise_scale: float | tuple[float, float] = 1.0,
    weight_range: tuple[float, float] = (0.5, 2.0),
    normalize_signal: bool = True,
    discrete: float | Iterable[str] = 0.0,
    latent: int | Iterable[str] = 0,
    n_domains: int = 1,
    shift: Shift = "mean",
    shifted_fraction: float | Iterable[str] = 0.2,
    missing: float = 0.0,
    missing_mechanism: MissingMechanism = "mcar",
    standardize: bool = False,
    expected_degree: float = 2.0,
    graph_method: GraphMethod = "erdos_renyi",
    random_state: RandomState = None,
) -> Simulation:
    """Sample data from a random structural causal model and return it with the truth.

    Each node is ``X_j = s_j(pa(X_j)) + sigma_j * E_j`` (plus a domain shift, see
    below), sampled in topological order with numpy over all samples at once.

    Parameters
    ----------
    graph:
        The true :class:`DAG`, or a number of nodes for a :func:`random_dag`
        (drawn with ``expected_degree`` and ``graph_method``).
    n_samples:
        Number of rows, at least 1.
    mechanism:
        The function ``f_j`` of the parents: ``"linear"`` (weighted sum);
        ``"mlp"`` (a random one-hidden-layer network, 10 tanh units);
        ``"polynomial"`` (random degree 2 or 3: linear, squared and possibly cubed
        terms of every parent plus up to ``k`` pairwise products of the ``k``
        parents); ``"sigmoid"`` (logistic function of a weighted sum plus bias);
        ``"mixed"`` (one of those four drawn per node).
    noise:
        Noise family of ``E_j``, always centred and scaled to variance 1:
        ``"gaussian"``, ``"uniform"``, ``"exponential"`` (skewed), ``"laplace"``
        (heavy-tailed), ``"gumbel"`` (skewed).
    noise_scale:
        Noise standard deviation ``sigma_j``: a number for all nodes, or a pair
        ``(low, high)`` to draw one per node uniformly.
    weight_range:
        ``(low, high)``: every weight is drawn uniformly from it and given a random
        sign (the MLP's first-layer weights are further divided by ``sqrt(k)``).
    normalize_signal:
        If True (default), each node's signal ``f_j(pa)`` is centred and scaled to
        variance 1 over the sample before the noise is added, so values stay
        well-scaled in deep graphs and with polynomials (``s_j = (f_j - c_j) / d_j``,
        constants recorded in ``parameters``). This also removes most of the
        variance growth along the causal order ("varsortability", Reisach et al.
        2021) that lets trivial baselines game benchmarks. If False, ``s_j = f_j``:
        the textbook SEM, whose variances grow with depth.
    discrete:
        A fraction of the observed nodes, or their names, to make discrete. Such a
        node's continuous value is cut into ``k`` equally likely bins at its
        empirical quantiles (``k`` drawn from 2, 3, 4; thresholds recorded), and the
        integer code ``0 .. k-1`` is both its data value and what its children use.
    latent:
        A number of nodes to hide, or their names. A number picks nodes at random
        among those with at least two children, so that each hidden node
        confounds observed ones; named nodes are hidden whatever their children.
        Hidden nodes are simulated, then dropped from ``data``.
    n_domains:
        Number of domains (environments). Rows are split into ``n_domains``
        contiguous blocks of near-equal size, labelled in a ``"domain"`` column
        (``"_domain"`` if a node is called ``domain``). Domain 0 is the reference.
    shift:
        How a changed node differs in domains ``1 ..``: ``"mean"`` adds an offset of
        ``±U(1, 2)`` noise standard deviations; ``"scale"`` multiplies the noise by
        ``U(2, 3)`` or its reciprocal; ``"mechanism"`` re-draws ``f_j``'s parameters
        per domain (for a root node, which has no ``f_j``, it shifts the mean).
        Unchanged nodes keep one mechanism (and one set of normalising constants,
        computed on all domains together), so their conditional distribution given
        their parents is the same in every domain.
    shifted_fraction:
        Fraction of observed nodes (at least one if positive), or their names, whose
        mechanism changes across domains; used only when ``n_domains > 1``.
    missing:
        Fraction in ``[0, 1)`` of missing values in each variable that has any.
    missing_mechanism:
        ``"mcar"``: every observed value is removed independently with probability
        ``missing`` (missing completely at random). ``"mar"``: about a fifth of the
        observed variables (at least one) are fully observed "drivers"; every other
        variable is removed with probability ``expit(a * z + b)``, ``z`` a driver's
        standardised value, ``a = ±2`` and ``b`` solved so that the rate is
        ``missing`` (missing at random, Rubin 1976). Needs two observed variables.
    standardize:
        If True, scale every continuous observed column to mean 0 and variance 1
        (discrete columns keep their codes).
    expected_degree, graph_method:
        Passed to :func:`random_dag` when ``graph`` is a number; ignored otherwise.
    random_state:
        Seed or generator; the same seed gives the same graph, data and truth.

    Returns
    -------
    Simulation
        The data and the truth (see :class:`Simulation`).

    Raises
    ------
    InvalidParameterError
        For ``n_samples < 1``, a node count below 1, fractions outside their
        range, unknown option names, bad ranges, more hidden nodes asked than there
        are nodes with two children, hiding every node, more domains than
        samples, or MAR missingness with fewer than two observed variables.
    GraphError
        For a graph that is not a DAG or a name (latent, discrete, shifted) that is
        not one of its nodes.
    DataError
        If the values overflow (possible with ``normalize_signal=False`` and
        polynomials in deep graphs).

    Examples
    --------
    >>> sim = simulate(5, 1000, random_state=0)
    >>> sim.data.shape
    (1000, 5)
    >>> list(sim.data.columns) == list(sim.graph.nodes)
    True
    >>> from causalscope.graphs import DAG
    >>> g = DAG(edges=["L --> A", "L --> B", "A --> C"])
    >>> sim = simulate(g, 500, latent=["L"], random_state=0)
    >>> sim.observed, str(sim.admg)
    (('A', 'B', 'C'), 'A <-> B; A --> C')
    """
    rng = check_random_state(random_state)
    n = _check_int(n_samples, "n_samples", 1)
    mechanism = _check_choice(mechanism, "mechanism", MECHANISMS)  # type: ignore[assignment]
    noise = _check_choice(noise, "noise", NOISES)  # type: ignore[assignment]
    shift = _check_choice(shift, "shift", SHIFTS)  # type: ignore[assignment]
    missing_mechanism = _check_choice(missing_mechanism, "missing_mechanism", MISSING_MECHANISMS)  # type: ignore[assignment]
    wr = _check_range(weight_range, "weight_range", positive=False)
    if isinstance(noise_scale, (int, float, np.integer, np.floating)) and not isinstance(noise_scale, bool):
        ns = _check_float(noise_scale, "noise_scale", low=0.0)
        if not (ns > 0 and math.isfinite(ns)):
            raise InvalidParameterError(f"noise_scale must be a positive finite number; got {noise_scale!r}")
        ns_range = (ns, ns)
    else:
        ns_range = _check_range(noise_scale, "noise_scale", positive=True)
    n_domains = _check_int(n_domains, "n_domains", 1)
    if n_domains > n:
        raise InvalidParameterError(f"n_domains must be at most n_samples ({n}); got {n_domains}")
    missing = _check_fraction(missing, "missing", allow_one=False)
    graph_method = _check_choice(graph_method, "graph_method", GRAPH_METHODS)  # type: ignore[assignment]

    # --- the graph
    if isinstance(graph, MixedGraph):
        if not isinstance(graph, DAG):
            raise GraphError(f"graph must be a DAG; got a {type(graph).__name__}")
        dag = graph
    elif isinstance(graph, (int, np.integer)) and not isinstance(graph, (bool, np.bool_)):
        dag = random_dag(_check_int(graph, "n_nodes", 1), expected_degree=expected_degree,
                         method=graph_method, random_state=rng)
    else:
        raise InvalidParameterError(f"graph must be a DAG or a number of nodes; got {graph!r}")
    nodes = list(dag.nodes)
    p = len(nodes)

    # --- hidden nodes
    lat = _names_or_count(latent, "latent", dag, nodes)
    if isinstance(lat, float):
        k_lat = _check_int(latent, "latent", 0)
        candidates = [v for v in nodes if len(dag.children(v)) >= 2]
        if k_lat > len(candidates):
            raise InvalidParameterError(
                f"latent={k_lat} asks for more hidden confounders than the graph has nodes with at "
                f"least two children ({len(candidates)}); pass fewer, or name the nodes to hide"
            )
        picked = set(rng.choice(len(candidates), size=k_lat, replace=False).tolist()) if k_lat else set()
        lat = [c for i, c in enumerate(candidates) if i in picked]
    latent_set = set(lat)
    if len(latent_set) == p:
        raise InvalidParameterError("latent hides every node; at least one node must be observed")
    observed = [v for v in nodes if v not in latent_set]

    # --- discrete nodes
    disc = _names_or_count(discrete, "discrete", dag, observed)
    if isinstance(disc, float):
        frac = _check_fraction(discrete, "discrete")
        k_disc = int(round(frac * len(observed)))
        picked = set(rng.choice(len(observed), size=k_disc, replace=False).tolist()) if k_disc else set()
        disc = [v for i, v in enumerate(observed) if i in picked]
    disc_set = set(disc)

    # --- domains and changed nodes
    changed: list[str] = []
    if n_domains > 1:
        sh = _names_or_count(shifted_fraction, "shifted_fraction", dag, observed)
        if isinstance(sh, float):
            frac = _check_fraction(shifted_fraction, "shifted_fraction")
            k_sh = int(round(frac * len(observed)))
            k_sh = max(k_sh, 1) if frac > 0 else 0
            picked = set(rng.choice(len(observed), size=k_sh, replace=False).tolist()) if k_sh else set()
            sh = [v for i, v in enumerate(observed) if i in picked]
        changed = sh
    else:
        if isinstance(shifted_fraction, (int, float)) and not isinstance(shifted_fraction, bool):
            _check_fraction(shifted_fraction, "shifted_fraction")
    changed_set = set(changed)
    blocks = np.array_split(np.arange(n), n_domains)
    domain = np.repeat(np.arange(n_domains), [len(b) for b in blocks])

    # --- sample node by node
    index = {v: i for i, v in enumerate(nodes)}
    with np.errstate(over="ignore", invalid="ignore"):
        values, node_params = _sample_nodes(
            dag, n, rng, mechanism=mechanism, noise=noise, ns_range=ns_range, wr=wr,
            normalize_signal=normalize_signal, disc_set=disc_set, changed_set=changed_set,
            shift=shift, blocks=blocks, domain=domain,
        )
    if not np.isfinite(values).all():
        bad = [nodes[j] for j in np.nonzero(~np.isfinite(values).all(axis=0))[0]]
        raise DataError(
            f"simulated values overflowed at nodes {bad}; use normalize_signal=True or a smaller weight_range"
        )

    # --- observed table, standardisation, missingness
    obs_idx = [index[v] for v in observed]
    table = values[:, obs_idx]
    std_info: dict[str, dict[str, float]] = {}
    if standardize:
        for c, v in enumerate(observed):
            if v in disc_set:
                continue
            mu, sd = float(table[:, c].mean()), float(table[:, c].std())
            sd = sd if sd > 1e-12 else 1.0
            table[:, c] = (table[:, c] - mu) / sd
            std_info[v] = {"mean": mu, "std": sd}
    mask, miss_info = _missing_mask(table, observed, missing, missing_mechanism, rng)

    data = pd.DataFrame(table, columns=observed)
    for v in observed:
        if v in disc_set and (mask is None or not mask[:, observed.index(v)].any()):
            data[v] = data[v].astype(np.int64)
    if mask is not None:
        data = data.mask(pd.DataFrame(mask, columns=observed))
    domain_column = None
    if n_domains > 1:
        domain_column = "domain" if "domain" not in index else "_domain"
        if domain_column in index:
            raise GraphError("nodes named 'domain' and '_domain' leave no name for the domain column")
        data[domain_column] = domain.astype(np.int64)
    if mask is not None:
        mask.setflags(write=False)

    parameters: dict[str, Any] = {
        "n_samples": n,
        "mechanism": mechanism,
        "noise": noise,
        "noise_scale": list(ns_range) if ns_range[0] < ns_range[1] else ns_range[0],
        "weight_range": list(wr),
        "normalize_signal": bool(normalize_signal),
        "standardize": std_info if standardize else False,
        "random_state": int(random_state) if isinstance(random_state, (int, np.integer)) else None,
        "nodes": {v: node_params[v] for v in nodes},
        "domains": {"n_domains": n_domains, "shift": shift if n_domains > 1 else None,
                    "sizes": [len(b) for b in blocks]},
        "missing": miss_info,
    }
    return Simulation(
        data=data,
        graph=dag,
        observed=tuple(observed),
        latent=tuple(v for v in nodes if v in latent_set),
        discrete=tuple(v for v in observed if v in disc_set),
        changed_nodes=tuple(v for v in observed if v in changed_set),
        domain_column=domain_column,
        missing_mask=mask,
        parameters=parameters,
    )


def _sample_nodes(
    dag: DAG,
    n: int,
    rng: np.random.Generator,
    *,
    mechanism: str,
    noise: str,
    ns_range: tuple[float, float],
    wr: tuple[float, float],
    normalize_signal: bool,
    disc_set: set[str],
    changed_set: set[str],
    shift: str,
    blocks: list[np.ndarray],
    domain: np.ndarray,
) -> tuple[np.ndarray, dict[str, dict[str, Any]]]:
    """Sample every node in topological order; the values (n x p, graph order) and parameters."""
    nodes = list(dag.nodes)
    p = len(nodes)
    n_domains = len(blocks)
    index = {v: i for i, v in enumerate(nodes)}
    values = np.empty((n, p), dtype=float, order="F")
    node_params: dict[str, dict[str, Any]] = {}
    for v in dag.topological_order():
        pa = sorted(dag.parents(v), key=index.__getitem__)
        pa_idx = [index[u] for u in pa]
        sigma = float(rng.uniform(*ns_range)) if ns_range[0] < ns_range[1] else ns_range[0]
        kind = None
        if pa:
            kind = str(rng.choice(_BASIC_MECHANISMS)) if mechanism == "mixed" else mechanism
        spec: dict[str, Any] = {"parents": pa, "mechanism": kind, "noise_std": sigma}
        is_changed = v in changed_set
        mech_shift = is_changed and shift == "mechanism" and bool(pa)
        signal = np.zeros(n)
        functions: list[dict[str, Any]] = []
        if pa:
            xp = values[:, pa_idx]
            for d in range(n_domains if mech_shift else 1):
                fn = _draw_function(kind, len(pa), rng, wr)  # type: ignore[arg-type]
                rows = blocks[d] if mech_shift else slice(None)
                xin = _inputs(kind, fn, xp[rows])  # type: ignore[arg-type]
                signal[rows] = _normalise(_evaluate(kind, fn, xin), fn, normalize_signal)  # type: ignore[arg-type]
                if kind == "linear":
                    fn["coefficients"] = dict(zip(pa, (np.asarray(fn["weights"]) / fn["scale"]).tolist()))
                    fn["intercept"] = -fn["center"] / fn["scale"]
                functions.append(fn)
        spec["functions"] = functions
        offsets = np.zeros(n_domains)
        factors = np.ones(n_domains)
        if is_changed and n_domains > 1:
            if shift == "scale":
                f = rng.uniform(2.0, 3.0, n_domains - 1)
                factors[1:] = np.where(rng.random(n_domains - 1) < 0.5, f, 1.0 / f)
            elif shift == "mean" or not pa:
                offsets[1:] = rng.uniform(1.0, 2.0, n_domains - 1) * _signs(rng, n_domains - 1) * sigma
        spec["domain_offsets"] = offsets.tolist()
        spec["domain_noise_factors"] = factors.tolist()
        value = signal + sigma * factors[domain] * _noise(noise, rng, n) + offsets[domain]
        if v in disc_set:
            levels = int(rng.integers(2, 5))
            thresholds = np.quantile(value, np.arange(1, levels) / levels)
            value = np.searchsorted(thresholds, value, side="right").astype(float)
            spec["levels"] = levels
            spec["thresholds"] = thresholds.tolist()
        values[:, index[v]] = value
        node_params[v] = spec
    return values, node_params


def _missing_mask(
    table: np.ndarray, columns: list[str], rate: float, mechanism: str, rng: np.random.Generator
) -> tuple[np.ndarray | None, dict[str, Any]]:
    """The missingness mask (or None) and its description for ``parameters``."""
    info: dict[str, Any] = {"rate": rate, "mechanism": mechanism if rate > 0 else None}
    if rate == 0:
        return None, info
    n, p = table.shape
    if mechanism == "mcar":
        return rng.random((n, p)) < rate, info
    if p < 2:
        raise InvalidParameterError(
            "missing_mechanism='mar' needs at least two observed variables (one fully observed driver)"
        )
    n_drivers = max(1, int(round(0.2 * p)))
    drivers = np.sort(rng.choice(p, size=n_drivers, replace=False))
    mask = np.zeros((n, p), dtype=bool)
    driven: dict[str, dict[str, Any]] = {}
    for j in range(p):
        if j in drivers:
            continue
        d = int(rng.choice(drivers))
        x = table[:, d]
        sd = x.std()
        z = (x - x.mean()) / sd if sd > 1e-12 else np.zeros(n)
        slope = float(_signs(rng, 1)[0] * _MAR_SLOPE)
        offset = float(brentq(lambda b: float(expit(slope * z + b).mean()) - rate, -60.0, 60.0))
        mask[:, j] = rng.random(n) < expit(slope * z + offset)
        driven[columns[j]] = {"driver": columns[d], "slope": slope, "intercept": offset}
    info["drivers"] = [columns[d] for d in drivers]
    info["driven"] = driven
    return mask, info
