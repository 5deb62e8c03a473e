"""The exact Bayesian posterior over DAG structures, for small numbers of variables.

With a decomposable score that is a log marginal likelihood, ``log p(D | G) =
sum_i s(i, Pa_i)`` (BDeu for discrete data, BGe for Gaussian data; the BIC is
an approximation of it), Bayes' rule gives the posterior of every structure
feature. Two exact computations are offered:

**Koivisto-Sood dynamic programme** (:func:`edge_posteriors`, up to about 20
variables). Under an *order-modular* prior, a prior over pairs (node order
``<``, DAG ``G`` compatible with ``<``) of the form

.. math:: p(<, G) \\propto \\prod_i q_i(\\mathrm{Pa}_i),

the sum over all orders and DAGs factorises over subsets of the variables, and
the posterior probability of every directed edge ``j --> i`` costs
``O(p 2^p)`` operations (Koivisto & Sood 2004; Koivisto 2006). Two choices of
``q`` are offered: ``"size_uniform"`` (the default, as in Koivisto & Sood),
``q_i(S) = 1 / C(p - 1, |S|)``: every parent-set *size* equally likely a
priori; and ``"uniform"``, ``q_i(S) = 1``. The order is uniform. **This is not
the uniform prior over DAGs**: a DAG's prior weight is multiplied by the number
of node orders it is compatible with (its linear extensions), so sparse DAGs
and DAGs with many compatible orders are favoured (the empty DAG on ``p`` nodes
has ``p!`` of them, a complete DAG one). Edge probabilities differ, usually
slightly, from those under the uniform DAG prior; :func:`posterior_enumeration`
computes both for small ``p`` so the difference can be seen.

**Full enumeration** (:func:`posterior_enumeration`, ``p <= 6``). All DAGs on
``p`` labelled nodes are generated (543 for ``p = 4``, 29,281 for ``p = 5``,
3,781,503 for ``p = 6``) as arrays of parent bit masks, scored in one
vectorised gather and normalised: the exact posterior under the uniform prior
over DAGs (or the order-modular prior), the most probable DAGs and Markov
equivalence classes, edge marginals and ancestor (directed path) probabilities.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from ..contract import Component
from ..exceptions import DataError, InvalidParameterError
from ..graphs import CPDAG, DAG, count_dags, dag_to_cpdag
from ..independence.tails import log_gamma as gammaln
from ..independence.tails import logsumexp
from ..scores.base import LocalScore, popcount
from .base import register_algorithm
from .exact import (
    ProgressLike,
    build_score,
    check_exact_size,
    check_max_parents,
    dag_from_parent_masks,
    insert_bit,
    knowledge_matrices,
    local_tables,
    masks_by_size,
    optimal_dag,
    remove_bit,
)

__all__ = [
    "EdgePosterior",
    "ExactPosterior",
    "edge_posteriors",
    "PosteriorEnumeration",
    "posterior_enumeration",
    "all_dags",
    "MAX_ENUMERATION_NODES",
]

StructurePrior = Literal["size_uniform", "uniform"]
EnumerationPrior = Literal["uniform", "order_modular_size_uniform", "order_modular_uniform"]

#: Largest number of variables for full enumeration of all DAGs (3,781,503 DAGs).
MAX_ENUMERATION_NODES = 6


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class EdgePosterior:
    """Posterior probabilities of the directed edges, from the Koivisto-Sood programme.

    Attributes
    ----------
    nodes:
        The variable names.
    probabilities:
        ``(p, p)`` array: ``probabilities[j, i]`` is ``P(j --> i | D)``.
    log_marginal_likelihood:
        ``log p(D)`` under the order-modular prior (the prior normalised to one).
    score:
        The score's registry name.
    prior:
        ``"size_uniform"`` or ``"uniform"`` (the ``q_i`` of the order-modular prior).
    max_parents:
        The in-degree bound (``None``: none).
    """

    nodes: tuple[str, ...]
    probabilities: np.ndarray = field(repr=False)
    log_marginal_likelihood: float
    score: str
    prior: str
    max_parents: int | None

    def __post_init__(self) -> None:
        self.probabilities.setflags(write=False)

    def probability(self, source: str, target: str) -> float:
        """``P(source --> target | D)``."""
        i, j = self._index(source), self._index(target)
        return float(self.probabilities[i, j])

    def _index(self, name: str) -> int:
        try:
            return self.nodes.index(name)
        except ValueError:
            raise DataError(f"unknown variable {name!r}; the posterior is over {list(self.nodes)}") from None

    def to_frame(self) -> Any:
        """A pandas DataFrame: rows are sources, columns targets."""
        import pandas as pd

        return pd.DataFrame(np.array(self.probabilities), index=list(self.nodes), columns=list(self.nodes))

    def edges(self, threshold: float = 0.0) -> list[tuple[str, str, float]]:
        """``(source, target, probability)`` for every edge above ``threshold``, most probable first."""
        out = [
            (self.nodes[i], self.nodes[j], float(self.probabilities[i, j]))
            for i in range(len(self.nodes))
            for j in range(len(self.nodes))
            if i != j and self.probabilities[i, j] > threshold
        ]
        return sorted(out, key=lambda e: (-e[2], e[0], e[1]))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (probabilities as nested lists)."""
        d = asdict(self)
        d["nodes"] = list(self.nodes)
        d["probabilities"] = np.array(self.probabilities).tolist()
        d["edges"] = [list(e) for e in self.edges()]
        return d


@dataclass(frozen=True)
class PosteriorEnumeration:
    """The exact posterior over all DAGs of a small problem (see :func:`posterior_enumeration`).

    Attributes
    ----------
    nodes:
        The variable names.
    prior:
        The structure prior (``"uniform"`` over DAGs, or an order-modular one).
    n_dags:
        The number of DAGs with non-zero prior (all DAGs unless knowledge or
        ``max_parents`` excludes some).
    log_marginal_likelihood:
        ``log p(D) = log sum_G p(G) p(D | G)`` under the normalised prior.
    top_dags:
        The most probable DAGs with their posterior probabilities, best first.
    top_classes:
        The most probable Markov equivalence classes: ``(CPDAG, probability,
        number of DAGs in the class)``, best first.
    edge_probabilities:
        ``(p, p)``: ``[j, i]`` is ``P(j --> i | D)``.
    ancestor_probabilities:
        ``(p, p)``: ``[j, i]`` is ``P(there is a directed path j ~> i | D)``.
    """

    nodes: tuple[str, ...]
    prior: str
    n_dags: int
    log_marginal_likelihood: float
    top_dags: tuple[tuple[DAG, float], ...]
    top_classes: tuple[tuple[CPDAG, float, int], ...]
    edge_probabilities: np.ndarray = field(repr=False)
    ancestor_probabilities: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        self.edge_probabilities.setflags(write=False)
        self.ancestor_probabilities.setflags(write=False)

    def edge_frame(self) -> Any:
        """Edge probabilities as a DataFrame (rows sources, columns targets)."""
        import pandas as pd

        return pd.DataFrame(np.array(self.edge_probabilities), index=list(self.nodes), columns=list(self.nodes))

    def ancestor_frame(self) -> Any:
        """Ancestor probabilities as a DataFrame (rows ancestors, columns descendants)."""
        import pandas as pd

        return pd.DataFrame(
            np.array(self.ancestor_probabilities), index=list(self.nodes), columns=list(self.nodes)
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (graphs in the text notation)."""
        return {
            "nodes": list(self.nodes),
            "prior": self.prior,
            "n_dags": self.n_dags,
            "log_marginal_likelihood": self.log_marginal_likelihood,
            "top_dags": [[str(g), p] for g, p in self.top_dags],
            "top_classes": [[str(g), p, n] for g, p, n in self.top_classes],
            "edge_probabilities": np.array(self.edge_probabilities).tolist(),
            "ancestor_probabilities": np.array(self.ancestor_probabilities).tolist(),
        }


# ----------------------------------------------------------------------------- helpers
def _resolve_score(score: object, data: object, score_params: Mapping[str, Any] | None) -> LocalScore:
    return build_score(score, data, score_params, auto_continuous="bge")


def _check_prior(prior: object, valid: tuple[str, ...]) -> str:
    if prior not in valid:
        raise InvalidParameterError(f"prior must be one of {list(valid)}; got {prior!r}")
    return str(prior)


def _log_size_prior(p: int, prior: str) -> np.ndarray:
    """``log q(S)`` as a function of ``|S|`` for ``0..p-1``."""
    sizes = np.arange(p)
    if prior == "uniform":
        return np.zeros(p)
    # -log C(p-1, k)
    return -(gammaln(p) - gammaln(sizes + 1) - gammaln(p - sizes))


def _zeta_log(beta: np.ndarray, n_bits: int) -> np.ndarray:
    """``alpha(U) = log sum_{S subset U} exp(beta(S))`` for every mask ``U``."""
    a = beta.copy()
    with np.errstate(invalid="ignore"):
        for b in range(n_bits):
            v = a.reshape(-1, 2, 1 << b)
            v[:, 1, :] = np.logaddexp(v[:, 1, :], v[:, 0, :])
    return a


def _forward_backward(alpha: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Forward sums ``L(W)`` over orders of ``W`` placed first, backward ``R(T)`` over ``T`` last."""
    p = len(alpha)
    full = (1 << p) - 1
    layers = masks_by_size(p)
    left = np.full(1 << p, -np.inf)
    right = np.full(1 << p, -np.inf)
    left[0] = 0.0
    right[0] = 0.0
    for k in range(1, p + 1):
        w = layers[k]
        terms_l = np.full((p, len(w)), -np.inf)
        terms_r = np.full((p, len(w)), -np.inf)
        for s in range(p):
            has = ((w >> s) & 1).astype(bool)
            ws = w[has]
            rest = ws ^ (1 << s)
            # L(W) += L(W - s) * alpha_s(W - s): s is the last of W
            terms_l[s, has] = left[rest] + alpha[s][remove_bit(rest, s)]
            # R(T) += alpha_s(V - T) * R(T - s): s is the first of T
            terms_r[s, has] = alpha[s][remove_bit(full ^ ws, s)] + right[rest]
        left[w] = logsumexp(terms_l, axis=0)
        right[w] = logsumexp(terms_r, axis=0)
    return left, right


def _edge_log_joint(alpha: list[np.ndarray], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``log p(j --> i, D)`` (unnormalised prior) for all ``j, i``: ``(p, p)`` array."""
    p = len(alpha)
    full = (1 << p) - 1
    out = np.full((p, p), -np.inf)
    comp = np.arange(1 << (p - 1), dtype=np.int64)
    for i in range(p):
        u = insert_bit(comp, i)
        w = left[u] + right[full ^ u ^ (1 << i)]
        a = alpha[i]
        others = [j for j in range(p) if j != i]
        for b, j in enumerate(others):
            hi = a.reshape(-1, 2, 1 << b)[:, 1, :]
            lo = a.reshape(-1, 2, 1 << b)[:, 0, :]
            wh = w.reshape(-1, 2, 1 << b)[:, 1, :]
            with np.errstate(invalid="ignore", divide="ignore"):
                diff = np.where(np.isfinite(hi), lo - hi, -np.inf)
                term = np.where(np.isfinite(hi), wh + hi + np.log1p(-np.exp(diff)), -np.inf)
            out[j, i] = logsumexp(term)
    return out


# ----------------------------------------------------------------------------- Koivisto-Sood
def edge_posteriors(
    data: object,
    *,
    score: str | LocalScore = "auto",
    score_params: Mapping[str, Any] | None = None,
    max_parents: int | None = None,
    prior: StructurePrior = "size_uniform",
    knowledge: object = None,
    allow_large: bool = False,
    progress: ProgressLike = None,
) -> EdgePosterior:
    """Exact posterior probabilities of all directed edges (Koivisto & Sood 2004).

    Parameters
    ----------
    data:
        A Dataset, DataFrame or array without missing values.
    score:
        ``"auto"`` (BDeu for all-discrete data, BGe for all-continuous data), a
        registered score name, or a score object. The score should be a log
        marginal likelihood (``"bdeu"``, ``"bge"``); ``"bic"`` gives the
        BIC approximation of it.
    score_params:
        Keyword options of the score (``{"ess": 10}``, ``{"alpha_mu": 1}``).
    max_parents:
        Largest in-degree (``None``: no limit). Parent sets above it get prior 0.
    prior:
        The ``q_i`` of the order-modular prior (module docstring):
        ``"size_uniform"`` (``1 / C(p - 1, |S|)``) or ``"uniform"`` (1).
    knowledge:
        Background knowledge: forbidden edges get prior 0, parent sets lacking a
        required parent get prior 0.
    allow_large:
        Confirm more than 20 variables (at most 26).
    progress:
        Progress reporting (``None``: silent).

    Returns
    -------
    EdgePosterior

    Raises
    ------
    InvalidParameterError
        For more than 20 variables without ``allow_large``, a bad option, or
        knowledge that no DAG satisfies.
    DataError
        If the score does not fit the data.

    Notes
    -----
    With ``alpha_i(U) = sum_{S subset U} q_i(S) exp(s(i, S))``, the forward sums
    ``L(W) = sum_{s in W} L(W - s) alpha_s(W - s)`` (orders of ``W`` placed
    first) and backward sums ``R(T) = sum_{s in T} alpha_s(V - T) R(T - s)``
    (orders of ``T`` placed last), ``p(D) = L(V)`` up to the prior's normaliser
    and ``p(j --> i, D) = sum_{U subset V - i, j in U} L(U) (alpha_i(U) -
    alpha_i(U - j)) R(V - U - i)``. Everything is computed in log space;
    ``O(p^2 2^p)`` time, ``O(p 2^p)`` memory.

    References
    ----------
    Koivisto, M. & Sood, K. (2004). Exact Bayesian structure discovery in Bayesian
    networks. *JMLR* 5, 549-573.
    Koivisto, M. (2006). Advances in exact Bayesian structure discovery in Bayesian
    networks. *UAI 2006*.
    Friedman, N. & Koller, D. (2003). Being Bayesian about network structure.
    *Machine Learning* 50, 95-125.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=200); b = rng.normal(size=200); c = a + b + rng.normal(size=200)
    >>> post = edge_posteriors(pd.DataFrame({"A": a, "B": b, "C": c}), score="bge")
    >>> round(post.probability("A", "C"), 3), round(post.probability("A", "B"), 3)
    (0.975, 0.025)
    """
    max_parents = check_max_parents(max_parents)
    prior = _check_prior(prior, ("size_uniform", "uniform"))  # type: ignore[assignment]
    sc = _resolve_score(score, data, score_params)
    names = tuple(sc.variables)
    check_exact_size(len(names), allow_large, what="the exact posterior")
    forbidden, required = knowledge_matrices(knowledge, names)
    tables = local_tables(sc, max_parents=max_parents, forbidden=forbidden, required=required, progress=progress)
    return _posterior_from_tables(tables, names, sc, prior, max_parents)


def _posterior_from_tables(
    tables: list[np.ndarray], names: tuple[str, ...], sc: LocalScore, prior: str, max_parents: int | None
) -> EdgePosterior:
    p = len(names)
    log_q = _log_size_prior(p, prior)
    sizes = popcount(np.arange(1 << (p - 1), dtype=np.int64)) if p > 0 else np.zeros(0, dtype=np.int64)
    lq = log_q[sizes] if p > 0 else np.zeros(1)
    alpha = [_zeta_log(t + lq, p - 1) for t in tables]
    left, right = _forward_backward(alpha)
    log_pd = float(left[(1 << p) - 1])
    if not math.isfinite(log_pd):
        raise InvalidParameterError(
            "no DAG satisfies the background knowledge together with max_parents="
            f"{max_parents}; check the required edges for cycles and the in-degree limit"
        )
    joint = _edge_log_joint(alpha, left, right)
    probs = np.exp(joint - log_pd)
    np.fill_diagonal(probs, 0.0)
    probs = np.clip(probs, 0.0, 1.0)
    # the prior's normaliser: the same sums with all local scores 0
    prior_tables = [np.where(np.isfinite(t), 0.0, -np.inf) for t in tables]
    prior_alpha = [_zeta_log(t + lq, p - 1) for t in prior_tables]
    log_z, _ = _forward_backward(prior_alpha)
    return EdgePosterior(
        nodes=names,
        probabilities=probs,
        log_marginal_likelihood=log_pd - float(log_z[(1 << p) - 1]),
        score=str(getattr(sc, "method", type(sc).__name__)),
        prior=prior,
        max_parents=max_parents,
    )


@register_algorithm("exact_posterior")
class ExactPosterior(Component):
    """Estimator form of :func:`edge_posteriors` (the exact posterior of every edge).

    Parameters
    ----------
    score, score_params, max_parents, prior, knowledge, allow_large, progress:
        As in :func:`edge_posteriors`.

    Attributes
    ----------
    posterior_ : EdgePosterior
        The edge posterior.
    edge_probabilities_ : numpy.ndarray
        ``posterior_.probabilities``.
    graph_ : DAG
        The highest-scoring DAG under the same score, knowledge and in-degree
        bound (the MAP DAG under a uniform prior over DAGs), from the same local
        scores by :func:`~causalscope.discovery.exact.optimal_dag`.
    cpdag_ : CPDAG
        Its Markov equivalence class.
    score_ : float
        The score of ``graph_``.

    References
    ----------
    Koivisto, M. & Sood, K. (2004). Exact Bayesian structure discovery in Bayesian
    networks. *JMLR* 5, 549-573.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=300); b = a + rng.normal(size=300)
    >>> est = ExactPosterior(score="bge").fit(pd.DataFrame({"A": a, "B": b}))
    >>> float(est.edge_probabilities_[0, 1] + est.edge_probabilities_[1, 0]) > 0.99
    True
    """

    def __init__(
        self,
        *,
        score: str | LocalScore = "auto",
        score_params: Mapping[str, Any] | None = None,
        max_parents: int | None = None,
        prior: StructurePrior = "size_uniform",
        knowledge: object = None,
        allow_large: bool = False,
        progress: ProgressLike = None,
    ) -> None:
        self.score = score
        self.score_params = score_params
        self.max_parents = max_parents
        self.prior = prior
        self.knowledge = knowledge
        self.allow_large = allow_large
        self.progress = progress

    def fit(self, data: object) -> ExactPosterior:
        """Compute the edge posterior (and the best DAG) for ``data``; returns ``self``."""
        max_parents = check_max_parents(self.max_parents)
        prior = _check_prior(self.prior, ("size_uniform", "uniform"))
        sc = _resolve_score(self.score, data, self.score_params)
        names = tuple(sc.variables)
        check_exact_size(len(names), self.allow_large, what="the exact posterior")
        forbidden, required = knowledge_matrices(self.knowledge, names)
        tables = local_tables(
            sc, max_parents=max_parents, forbidden=forbidden, required=required, progress=self.progress
        )
        self.posterior_ = _posterior_from_tables(tables, names, sc, prior, max_parents)
        self.edge_probabilities_ = np.array(self.posterior_.probabilities)
        _, parents = optimal_dag(tables)
        self.graph_ = dag_from_parent_masks(names, parents)
        self.cpdag_ = dag_to_cpdag(self.graph_)
        self.score_ = float(sc.score_graph(self.graph_))
        self.variables_ = names
        return self



# ----------------------------------------------------------------------------- enumeration
@functools.lru_cache(maxsize=8)
def _all_dags_cached(p: int) -> tuple[np.ndarray, np.ndarray]:
    if p == 0:
        return np.zeros((1, 0), dtype=np.int64), np.zeros((1, 0), dtype=np.int64)
    parents: np.ndarray = np.zeros((1, 1), dtype=np.int64)
    reach: np.ndarray = np.ones((1, 1), dtype=np.int64)  # reach[g, u]: nodes reachable from u (u included)
    for v in range(1, p):
        n_old = parents.shape[0]
        # reach of every child set C (OR of the members' reach), by mask over 0..v-1
        reach_c = np.zeros((n_old, 1 << v), dtype=np.int64)
        for m in range(1, 1 << v):
            low = (m & -m).bit_length() - 1
            reach_c[:, m] = reach_c[:, m & (m - 1)] | reach[:, low]
        new_par, new_reach = [], []
        for c in range(1 << v):
            rc = reach_c[:, c]
            free = ((1 << v) - 1) ^ c
            sub = free
            while True:  # every parent set P inside the nodes not in C
                ok = (rc & sub) == 0
                if ok.any():
                    idx = np.flatnonzero(ok)
                    par = np.zeros((len(idx), v + 1), dtype=np.int64)
                    par[:, :v] = parents[idx]
                    par[:, v] = sub
                    for b in range(v):
                        if (c >> b) & 1:
                            par[:, b] |= 1 << v
                    rv = (1 << v) | rc[idx]
                    r = np.zeros((len(idx), v + 1), dtype=np.int64)
                    old = reach[idx]
                    up = (old & sub) != 0  # u reaches a parent of v: it reaches v and v's descendants
                    r[:, :v] = np.where(up, old | rv[:, None], old)
                    r[:, v] = rv
                    new_par.append(par)
                    new_reach.append(r)
                if sub == 0:
                    break
                sub = (sub - 1) & free
        parents = np.concatenate(new_par)
        reach = np.concatenate(new_reach)
    parents.setflags(write=False)
    reach.setflags(write=False)
    return parents, reach


def all_dags(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Every DAG on ``p`` labelled nodes (``p <= 6``) as arrays of bit masks.

    Returns
    -------
    parents, reach : numpy.ndarray
        ``(N, p)`` ``int64`` arrays: ``parents[g, i]`` has bit ``j`` set iff
        ``j --> i`` in DAG ``g``; ``reach[g, i]`` has bit ``j`` set iff there is a
        directed path from ``i`` to ``j`` (``i`` itself included). ``N`` is 1, 1,
        3, 25, 543, 29281, 3781503 for ``p = 0..6`` (Robinson 1973).

    Notes
    -----
    Built node by node: a DAG on ``0..v`` is a DAG on ``0..v-1`` plus node ``v``
    with a parent set ``P`` and a child set ``C`` such that no node of ``C``
    reaches a node of ``P`` (which would close a cycle); every DAG arises once.

    Examples
    --------
    >>> [all_dags(p)[0].shape[0] for p in range(1, 5)]
    [1, 3, 25, 543]
    """
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, np.integer)) or not 0 <= p <= MAX_ENUMERATION_NODES:
        raise InvalidParameterError(
            f"all_dags enumerates DAGs for 0 <= p <= {MAX_ENUMERATION_NODES}; got {p!r} "
            f"(p = 7 has 1.1 billion DAGs)"
        )
    return _all_dags_cached(int(p))


def _linear_extensions(parents: np.ndarray) -> np.ndarray:
    """Number of topological orders of each DAG (``parents`` as in :func:`all_dags`)."""
    n, p = parents.shape
    f = np.zeros((n, 1 << p), dtype=np.float64)
    f[:, 0] = 1.0
    for m in range(1, 1 << p):
        for v in range(p):
            if (m >> v) & 1:
                rest = m ^ (1 << v)
                ok = (parents[:, v] & ~rest) == 0
                f[:, m] += np.where(ok, f[:, rest], 0.0)
    return f[:, (1 << p) - 1]


def _class_keys(parents: np.ndarray) -> np.ndarray:
    """A key per DAG identifying its Markov equivalence class (skeleton and v-structures)."""
    n, p = parents.shape
    cols = []
    adj = np.zeros((n, p), dtype=np.int64)  # adj[g, i]: neighbours of i
    for i in range(p):
        adj[:, i] = parents[:, i]
        for j in range(p):
            adj[:, i] |= ((parents[:, j] >> i) & 1) << j
    skel = np.zeros(n, dtype=np.int64)
    bit = 0
    for i in range(p):
        for j in range(i + 1, p):
            skel |= ((adj[:, i] >> j) & 1) << bit
            bit += 1
    cols.append(skel)
    vs = np.zeros(n, dtype=np.int64)
    bit = 0
    for c in range(p):
        for a in range(p):
            for b in range(a + 1, p):
                if c in (a, b):
                    continue
                both = ((parents[:, c] >> a) & 1) & ((parents[:, c] >> b) & 1)
                nonadj = 1 - ((adj[:, a] >> b) & 1)
                vs |= (both & nonadj) << bit
                bit += 1
                if bit == 63:
                    cols.append(vs)
                    vs = np.zeros(n, dtype=np.int64)
                    bit = 0
    cols.append(vs)
    return np.column_stack(cols)


def posterior_enumeration(
    data: object,
    *,
    score: str | LocalScore = "auto",
    score_params: Mapping[str, Any] | None = None,
    prior: EnumerationPrior = "uniform",
    max_parents: int | None = None,
    knowledge: object = None,
    max_nodes: int = MAX_ENUMERATION_NODES,
    top: int = 10,
) -> PosteriorEnumeration:
    """The exact posterior over all DAGs by full enumeration (``p <= 6``).

    Parameters
    ----------
    data:
        A Dataset, DataFrame or array without missing values.
    score:
        ``"auto"`` (BDeu / BGe by data kind), a score name or a score object.
    score_params:
        Keyword options of the score.
    prior:
        ``"uniform"`` (every DAG equally likely a priori, the default), or an
        order-modular prior as in :func:`edge_posteriors`:
        ``"order_modular_size_uniform"`` / ``"order_modular_uniform"`` (DAG
        weight: number of compatible orders times ``prod_i q_i(Pa_i)``).
    max_parents:
        DAGs with a larger in-degree get prior 0.
    knowledge:
        DAGs violating the background knowledge get prior 0.
    max_nodes:
        Refuse more variables than this (at most 6: 3,781,503 DAGs).
    top:
        How many DAGs and classes to report.

    Returns
    -------
    PosteriorEnumeration

    Raises
    ------
    InvalidParameterError
        For more than ``max_nodes`` (or 6) variables, or a bad option.

    References
    ----------
    Robinson, R. W. (1973). Counting labeled acyclic digraphs.
    Verma, T. & Pearl, J. (1990). Equivalence and synthesis of causal models. *UAI 1990*.
    Koivisto, M. & Sood, K. (2004). Exact Bayesian structure discovery in Bayesian
    networks. *JMLR* 5, 549-573.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=300); b = rng.normal(size=300); c = a + b + rng.normal(size=300)
    >>> res = posterior_enumeration(pd.DataFrame({"A": a, "B": b, "C": c}), score="bge")
    >>> res.n_dags, str(res.top_classes[0][0]), round(res.top_classes[0][1], 3)
    (25, 'A --> C; B --> C', 0.874)
    """
    prior = _check_prior(
        prior, ("uniform", "order_modular_size_uniform", "order_modular_uniform")
    )  # type: ignore[assignment]
    max_parents = check_max_parents(max_parents)
    if isinstance(max_nodes, (bool, np.bool_)) or not isinstance(max_nodes, (int, np.integer)) or not (
        1 <= max_nodes <= MAX_ENUMERATION_NODES
    ):
        raise InvalidParameterError(
            f"max_nodes must be an integer in 1..{MAX_ENUMERATION_NODES}; got {max_nodes!r}"
        )
    if isinstance(top, (bool, np.bool_)) or not isinstance(top, (int, np.integer)) or top < 1:
        raise InvalidParameterError(f"top must be a positive integer; got {top!r}")
    sc = _resolve_score(score, data, score_params)
    names = tuple(sc.variables)
    p = len(names)
    if p > max_nodes:
        raise InvalidParameterError(
            f"full enumeration is limited to max_nodes={max_nodes} variables (p = 6 has 3.8 million "
            f"DAGs, p = 7 has 1.1 billion); the data have {p}. Use edge_posteriors() for up to 20."
        )
    forbidden, required = knowledge_matrices(knowledge, names)
    tables = local_tables(sc, max_parents=max_parents, forbidden=forbidden, required=required)
    parents, reach = all_dags(p)
    logw = np.zeros(parents.shape[0])
    for i in range(p):
        logw += tables[i][remove_bit(parents[:, i], i)]
    log_prior = np.zeros(parents.shape[0])
    if prior != "uniform":
        q = _log_size_prior(p, "size_uniform" if prior == "order_modular_size_uniform" else "uniform")
        log_prior = np.log(_linear_extensions(parents))
        for i in range(p):
            log_prior += q[popcount(parents[:, i])]
    feasible = np.isfinite(logw)
    log_prior_z = float(logsumexp(np.where(feasible, log_prior, -np.inf)))
    logw = logw + log_prior
    log_z = float(logsumexp(logw))
    if not math.isfinite(log_z):
        raise InvalidParameterError("no DAG satisfies the background knowledge together with max_parents")
    post = np.exp(logw - log_z)
    # DAGs below 1e-20 of the best carry at most 3.8e-14 of the mass in total: skip them
    keep = np.flatnonzero(post >= post.max() * 1e-20)
    post_k, parents_k, reach_k = post[keep], parents[keep], reach[keep]
    edge = np.zeros((p, p))
    anc = np.zeros((p, p))
    for i in range(p):
        for j in range(p):
            if i != j:
                edge[j, i] = post_k @ ((parents_k[:, i] >> j) & 1)
                anc[j, i] = post_k @ ((reach_k[:, j] >> i) & 1)
    order = np.argsort(-post_k, kind="stable")
    top_dags = tuple(
        (dag_from_parent_masks(names, [int(v) for v in parents_k[g]]), float(post_k[g])) for g in order[:top]
    )
    _, inverse = np.unique(_class_keys(parents_k[order]), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    class_prob = np.bincount(inverse, weights=post_k[order])
    _, first = np.unique(inverse, return_index=True)  # the most probable member of each class
    top_classes = []
    for c in np.argsort(-class_prob, kind="stable")[:top]:
        cpdag = dag_to_cpdag(dag_from_parent_masks(names, [int(v) for v in parents_k[order[first[c]]]]))
        top_classes.append((cpdag, float(class_prob[c]), int(count_dags(cpdag))))
    return PosteriorEnumeration(
        nodes=names,
        prior=prior,
        n_dags=int(feasible.sum()),
        log_marginal_likelihood=log_z - log_prior_z,
        top_dags=top_dags,
        top_classes=tuple(top_classes),
        edge_probabilities=edge,
        ancestor_probabilities=anc,
    )
