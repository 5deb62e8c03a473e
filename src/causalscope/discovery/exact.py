"""Exact score-based structure learning: the score-optimal DAG by dynamic programming.

For a decomposable score (see :mod:`causalscope.scores`) the best DAG over a set
``V`` of ``p`` variables can be found exactly by dynamic programming over the
``2**p`` subsets of ``V`` (Silander & Myllymäki 2006):

1. **Local scores.** For every node ``i`` score every candidate parent set
   ``S`` of ``V - {i}`` (all ``2**(p-1)`` of them, or those with at most
   ``max_parents`` members), in vectorised batches (``score.subset_table``).
2. **Best parent sets.** ``bps_i(C) = max(s(i, C), max_{j in C} bps_i(C - {j}))``:
   the best parent set of ``i`` *inside* every candidate set ``C``; computed for
   all ``C`` at once with one vectorised pass per bit.
3. **Best sinks.** Some node ``s`` of an optimal DAG over ``W`` has no children
   in ``W`` (a sink); its parents are its best set inside ``W - {s}``, so
   ``best(W) = max_{s in W} best(W - {s}) + bps_s(W - {s})``, computed layer by
   layer (by subset size) with one vectorised step per node.
4. **Reconstruction.** Peel off the best sink of ``V``, then of what is left,
   and give each its best parent set: an optimal DAG (one of them when several
   tie; all DAGs of a Markov equivalence class tie under BIC, BDeu and BGe).

Time and memory grow as ``p * 2**p``: ``p = 20`` takes seconds and about 0.3
GB, which is the documented limit (:data:`MAX_EXACT_NODES`); larger ``p``
needs ``allow_large=True``. Background knowledge is honoured exactly: forbidden
parents never enter a parent set and sets lacking a required parent are
excluded.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..contract import Component
from ..exceptions import DataError, InvalidParameterError
from ..graphs import CPDAG, DAG, dag_to_cpdag
from ..scores import make_score
from ..scores.base import LocalScore, as_dataset, popcount, subset_masks
from ..utils import Progress, as_progress, get_logger
from .base import register_algorithm

__all__ = ["ExactSearch", "exact_search", "MAX_EXACT_NODES"]

#: Largest number of variables exact search and the exact posterior accept
#: without ``allow_large=True``.
MAX_EXACT_NODES = 20

#: Hard limit even with ``allow_large=True`` (memory grows as ``p * 2**p``).
MAX_EXACT_NODES_LARGE = 26

_log = get_logger(__name__)

ProgressLike = Progress | Callable[[int, int | None, str], None] | None


# ----------------------------------------------------------------------------- helpers
def check_exact_size(p: int, allow_large: bool, *, what: str = "exact search") -> None:
    """Raise InvalidParameterError when ``p`` exceeds the documented limits."""
    if not isinstance(allow_large, (bool, np.bool_)):
        raise InvalidParameterError(f"allow_large must be True or False; got {allow_large!r}")
    if p > MAX_EXACT_NODES_LARGE:
        raise InvalidParameterError(
            f"{what} is limited to {MAX_EXACT_NODES_LARGE} variables (time and memory grow as "
            f"p * 2**p); the data have {p}. Use GES (algorithm='ges') for larger problems."
        )
    if p > MAX_EXACT_NODES and not allow_large:
        gib = p * 2.0 ** (p - 1) * 12 / 2**30
        raise InvalidParameterError(
            f"{what} over {p} variables needs about {gib:.1f} GiB and time growing as p * 2**p; "
            f"the documented limit is {MAX_EXACT_NODES} variables. Pass allow_large=True to run it "
            "anyway (and max_parents=3 or 4 to keep the local-score step fast), "
            "or use GES (algorithm='ges')."
        )


def check_max_parents(max_parents: object) -> int | None:
    """Validate ``max_parents`` (None or a non-negative int)."""
    if max_parents is None:
        return None
    if isinstance(max_parents, (bool, np.bool_)) or not isinstance(max_parents, (int, np.integer)) or max_parents < 0:
        raise InvalidParameterError(f"max_parents must be None or an integer >= 0; got {max_parents!r}")
    return int(max_parents)


def build_score(
    score: object, data: object, score_params: Mapping[str, Any] | None, *, auto_continuous: str = "bic"
) -> LocalScore:
    """A score object from a registered name (built on ``data``) or a ready score.

    ``"auto"`` picks ``"bdeu"`` for all-discrete data and ``auto_continuous`` for
    all-continuous data (mixed data: DataError)."""
    if isinstance(score, str) and score == "auto":
        ds = as_dataset(data)
        mask = np.asarray(ds.discrete_mask, dtype=bool)
        if mask.all():
            score = "bdeu"
        elif not mask.any():
            score = auto_continuous
        else:
            raise DataError(
                "score='auto' needs all-discrete (BDeu) or all-continuous data; columns "
                f"{[v for v, d in zip(ds.variables, mask) if d]} are discrete and the others continuous"
            )
        data = ds
    if isinstance(score, str):
        params = dict(score_params or {})
        return make_score(score, data, **params)
    if score_params:
        raise InvalidParameterError("score_params can only be given with a score name, not a score object")
    if not hasattr(score, "local_score") or not hasattr(score, "variables"):
        raise InvalidParameterError(
            f"score must be a registered score name ('bic', 'bdeu', 'bge') or a score object; got {score!r}"
        )
    return score  # type: ignore[return-value]


def knowledge_matrices(knowledge: object, names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``(forbidden, required)`` boolean matrices with ``M[j, i]`` for the edge ``j --> i``."""
    p = len(names)
    if knowledge is None:
        return np.zeros((p, p), dtype=bool), np.zeros((p, p), dtype=bool)
    from .knowledge import as_knowledge

    k = as_knowledge(knowledge)
    if k is None:
        return np.zeros((p, p), dtype=bool), np.zeros((p, p), dtype=bool)
    k.validate(names)
    forbidden = np.asarray(k.forbidden_matrix(names), dtype=bool)
    required = np.asarray(k.required_matrix(names), dtype=bool)
    return forbidden, required


def remove_bit(masks: np.ndarray, s: int) -> np.ndarray:
    """Compress masks over ``V`` to masks over ``V - {s}`` (bit ``s`` removed, higher bits shifted)."""
    return (masks & ((1 << s) - 1)) | ((masks >> (s + 1)) << s)


def insert_bit(masks: np.ndarray, s: int) -> np.ndarray:
    """Inverse of :func:`remove_bit` (a zero bit inserted at position ``s``)."""
    return (masks & ((1 << s) - 1)) | ((masks >> s) << (s + 1))


def local_tables(
    score: LocalScore,
    *,
    max_parents: int | None,
    forbidden: np.ndarray,
    required: np.ndarray,
    progress: ProgressLike = None,
) -> list[np.ndarray]:
    """For every node ``i`` the local scores of all subsets of ``V - {i}`` (bit ``b`` of a
    mask is the ``b``-th other node in index order); ``-inf`` where knowledge or
    ``max_parents`` excludes a set."""
    p = len(score.variables)
    reporter = as_progress(progress)
    reporter.start(p, "exact: local scores")
    tables: list[np.ndarray] = []
    try:
        for i in range(p):
            others = np.array([j for j in range(p) if j != i], dtype=np.int64)
            allowed_bits = np.array([b for b, j in enumerate(others) if not forbidden[j, i]], dtype=np.int64)
            req_bits = [b for b, j in enumerate(others) if required[j, i]]
            n_req = len(req_bits)
            if max_parents is not None and n_req > max_parents:
                raise InvalidParameterError(
                    f"node {score.variables[i]!r} has {n_req} required parents but max_parents={max_parents}"
                )
            cand = others[allowed_bits]
            if hasattr(score, "subset_table"):
                sub = score.subset_table(i, cand.tolist(), max_parents)
            else:  # any LocalScore: score subsets in batches by size
                sub = _generic_subset_table(score, i, cand, max_parents)
            if len(allowed_bits) == p - 1:
                full = sub
            else:
                full = np.full(1 << (p - 1), -np.inf)
                small = np.arange(1 << len(allowed_bits), dtype=np.int64)
                big = np.zeros_like(small)
                for b, ab in enumerate(allowed_bits):
                    big |= ((small >> b) & 1) << ab
                full[big] = sub
            if n_req:
                req_mask = sum(1 << b for b in req_bits)
                masks = np.arange(1 << (p - 1), dtype=np.int64)
                full = np.where((masks & req_mask) == req_mask, full, -np.inf)
            tables.append(np.ascontiguousarray(full, dtype=np.float64))
            reporter.advance(1)
    finally:
        reporter.close()
    return tables


def _generic_subset_table(score: LocalScore, node: int, cand: np.ndarray, max_size: int | None) -> np.ndarray:
    from ..scores.base import masks_to_sets

    c = len(cand)
    kmax = c if max_size is None else min(max_size, c)
    table = np.full(1 << c, -np.inf)
    masks = subset_masks(c, kmax)
    sizes = popcount(masks)
    for k in range(kmax + 1):
        mk = masks[sizes == k]
        table[mk] = score.local_scores(node, masks_to_sets(mk, cand, k))  # type: ignore[arg-type]  # an (m, k) array of parent sets
    return table


def best_parent_sets(table: np.ndarray, n_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """``(value, argmax)`` of the best subset inside every candidate mask (ties: the smaller set)."""
    val = table.copy()
    arg = np.arange(1 << n_bits, dtype=np.int64)
    for b in range(n_bits):
        v = val.reshape(-1, 2, 1 << b)
        a = arg.reshape(-1, 2, 1 << b)
        lo, hi = v[:, 0, :], v[:, 1, :]
        take = lo >= hi
        hi[take] = lo[take]
        a_hi = a[:, 1, :]
        a_hi[take] = a[:, 0, :][take]
    return val, arg


def masks_by_size(p: int) -> list[np.ndarray]:
    """The ``2**p`` masks grouped by number of set bits (increasing order within a group)."""
    masks = np.arange(1 << p, dtype=np.int64)
    sizes = popcount(masks)
    order = np.argsort(sizes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(sizes, minlength=p + 1))])
    return [masks[order[bounds[k]:bounds[k + 1]]] for k in range(p + 1)]


def optimal_dag(
    tables: list[np.ndarray], progress: ProgressLike = None
) -> tuple[float, list[int]]:
    """The optimal total score and the parent mask (over all ``p`` nodes) of each node."""
    p = len(tables)
    if p == 0:
        return 0.0, []
    bps = [best_parent_sets(t, p - 1) for t in tables]
    best = np.full(1 << p, -np.inf)
    best[0] = 0.0
    sink = np.full(1 << p, -1, dtype=np.int8)
    layers = masks_by_size(p)
    reporter = as_progress(progress)
    reporter.start(p, "exact: best sinks")
    try:
        for k in range(1, p + 1):
            w = layers[k]
            cur = np.full(len(w), -np.inf)
            cs = np.full(len(w), -1, dtype=np.int8)
            for s in range(p):
                has = ((w >> s) & 1).astype(bool)
                ws = w[has]
                rest = ws ^ (1 << s)
                val = best[rest] + bps[s][0][remove_bit(rest, s)]
                sub_cur = cur[has]
                upd = val > sub_cur
                idx = np.flatnonzero(has)[upd]
                cur[idx] = val[upd]
                cs[idx] = s
            best[w] = cur
            sink[w] = cs
            reporter.advance(1)
    finally:
        reporter.close()
    full = (1 << p) - 1
    total = float(best[full])
    if not math.isfinite(total):
        return total, []
    parents = [0] * p
    w = full  # type: ignore[assignment]  # one mask here, an array of masks in the loop above
    while w:
        s = int(sink[w])
        rest = w ^ (1 << s)
        comp = int(remove_bit(np.array([rest]), s)[0])
        pm = int(insert_bit(np.array([int(bps[s][1][comp])]), s)[0])
        parents[s] = pm
        w = rest
    return total, parents


def dag_from_parent_masks(names: tuple[str, ...], parents: list[int]) -> DAG:
    """A DAG over ``names`` from one parent bit mask per node."""
    edges = [
        f"{names[j]} --> {names[i]}"
        for i, pm in enumerate(parents)
        for j in range(len(names))
        if (pm >> j) & 1
    ]
    return DAG(names, edges)


# ----------------------------------------------------------------------------- estimator
@register_algorithm("exact")
class ExactSearch(Component):
    """The score-optimal DAG by dynamic programming over subsets (Silander & Myllymäki 2006).

    Parameters
    ----------
    score:
        A registered score name (``"bic"``, ``"bdeu"``, ``"bge"``; built on the
        data in :meth:`fit`), ``"auto"`` (BDeu for all-discrete data, BIC for
        all-continuous data) or a score object over the data's variables.
    score_params:
        Keyword options of the score (``{"penalty_discount": 2}``, ``{"ess": 10}``).
    max_parents:
        Largest in-degree considered (``None``: no limit). The optimum is then the
        best DAG among those with at most ``max_parents`` parents per node.
    knowledge:
        Background knowledge (:class:`~causalscope.discovery.Knowledge` or what
        ``as_knowledge`` accepts): forbidden edges never appear, required edges
        always do; tiers forbid edges into earlier tiers.
    allow_large:
        Confirm a run over more than :data:`MAX_EXACT_NODES` (20) variables
        (at most 26).
    progress:
        ``None`` (silent), a :class:`~causalscope.utils.Progress` or a callback
        ``(done, total, description)``.

    Attributes
    ----------
    graph_ : DAG
        An optimal DAG (when several tie, one of them).
    score_ : float
        Its score, ``score.score_graph(graph_)``.
    cpdag_ : CPDAG
        Its Markov equivalence class (every member has the same score under a
        score-equivalent score).
    variables_ : tuple of str
        The variable names.
    n_local_scores_ : int
        The number of local scores evaluated.

    Raises
    ------
    InvalidParameterError
        In :meth:`fit`: more than 20 variables without ``allow_large=True``, a bad
        ``max_parents``, an unknown score, or knowledge that no DAG satisfies.
    DataError
        If the score does not fit the data (a discrete score on continuous data, ...).

    References
    ----------
    Silander, T. & Myllymäki, P. (2006). A simple approach for finding the globally
    optimal Bayesian network structure. *UAI 2006*.
    Koivisto, M. & Sood, K. (2004). Exact Bayesian structure discovery in Bayesian
    networks. *JMLR* 5, 549-573.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> a = rng.normal(size=1000); b = a + rng.normal(size=1000); c = rng.normal(size=1000)
    >>> d = b - c + rng.normal(size=1000)
    >>> est = ExactSearch(score="bic").fit(pd.DataFrame({"A": a, "B": b, "C": c, "D": d}))
    >>> print(est.cpdag_)
    A --- B; B --> D; C --> D
    """

    def __init__(
        self,
        *,
        score: str | LocalScore = "bic",
        score_params: Mapping[str, Any] | None = None,
        max_parents: int | None = None,
        knowledge: object = None,
        allow_large: bool = False,
        progress: ProgressLike = None,
    ) -> None:
        self.score = score
        self.score_params = score_params
        self.max_parents = max_parents
        self.knowledge = knowledge
        self.allow_large = allow_large
        self.progress = progress

    def fit(self, data: object) -> ExactSearch:
        """Find an optimal DAG for ``data`` (Dataset, DataFrame or array); returns ``self``."""
        max_parents = check_max_parents(self.max_parents)
        score = build_score(self.score, data, self.score_params)
        names = tuple(score.variables)
        p = len(names)
        check_exact_size(p, self.allow_large)
        forbidden, required = knowledge_matrices(self.knowledge, names)
        tables = local_tables(
            score, max_parents=max_parents, forbidden=forbidden, required=required, progress=self.progress
        )
        total, parents = optimal_dag(tables, self.progress)
        if not parents and p:
            raise InvalidParameterError(
                "no DAG satisfies the background knowledge together with max_parents="
                f"{max_parents}; check the required edges for cycles and the in-degree limit"
            )
        self.variables_ = names
        self.graph_ = dag_from_parent_masks(names, parents)
        self.score_ = float(score.score_graph(self.graph_))
        self.cpdag_: CPDAG = dag_to_cpdag(self.graph_)
        self.n_local_scores_ = int(sum(int(np.isfinite(t).sum()) for t in tables))
        _log.debug("exact search: p=%d, score %.6f (DP %.6f)", p, self.score_, total)
        return self



def exact_search(
    data: object,
    *,
    score: str | LocalScore = "bic",
    score_params: Mapping[str, Any] | None = None,
    max_parents: int | None = None,
    knowledge: object = None,
    allow_large: bool = False,
    progress: ProgressLike = None,
) -> DAG:
    """The score-optimal DAG for ``data``; see :class:`ExactSearch` for the parameters.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=500); b = rng.normal(size=500); c = a + b + rng.normal(size=500)
    >>> print(exact_search(pd.DataFrame({"A": a, "B": b, "C": c})))
    A --> C; B --> C
    """
    return (
        ExactSearch(
            score=score,
            score_params=score_params,
            max_parents=max_parents,
            knowledge=knowledge,
            allow_large=allow_large,
            progress=progress,
        )
        .fit(data)
        .graph_
    )
