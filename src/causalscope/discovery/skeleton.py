"""The PC adjacency search: learn the skeleton of a causal graph by CI tests.

Start from the complete undirected graph. At level ``k = 0, 1, 2, ...`` test,
for every remaining edge ``x --- y``, whether ``x`` and ``y`` are independent
given some set ``S`` of ``k`` other neighbours of ``x`` (or of ``y``); remove the
edge at the first such ``S`` and record ``S`` as the *separating set*. Stop when
no node has enough neighbours left for the next level (Spirtes, Glymour &
Scheines 2000). The result is the skeleton shared by PC, FCI (before its
possible-d-sep stage) and CD-NOD.

The **stable** variant (Colombo & Maathuis 2014, the default) freezes the
adjacency sets at the start of each level, so the output does not depend on the
order of the variables. It also makes every query of a level known in advance:
here they are evaluated as **one batch** through the test's ``p_values`` (for
Fisher-z: one stacked matrix inversion), which is where the speed comes from.
As in causal-learn's stable PC, every conditioning set of a level is tested (no
early exit per edge), so the number of tests matches causal-learn's.

Background knowledge: an edge forbidden in both directions is removed after
level 0 (with the separating set ``()``, as causal-learn does), and a required
edge is never tested nor removed.

References
----------
Spirtes, P., Glymour, C. & Scheines, R. (2000). *Causation, Prediction, and
Search*, 2nd ed. MIT Press. Colombo, D. & Maathuis, M. H. (2014).
Order-independent constraint-based causal structure learning. *JMLR* 15,
3741-3782.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from ..exceptions import InvalidParameterError
from ..independence import CachedCITest
from ..parallel import NJobs, get_executor
from ..utils import as_progress, get_logger
from .knowledge import Knowledge, as_knowledge

__all__ = ["Skeleton", "learn_skeleton", "BatchEvaluator"]

_log = get_logger(__name__)
_COMBOS: dict[tuple[int, int], np.ndarray] = {}


def _combos(m: int, k: int) -> np.ndarray:
    """All ``k``-subsets of ``range(m)`` in lexicographic order, as an ``(c, k)`` array."""
    key = (m, k)
    hit = _COMBOS.get(key)
    if hit is None:
        rows = list(combinations(range(m), k))
        hit = np.array(rows, dtype=np.intp).reshape(len(rows), k)
        if len(_COMBOS) < 4096:
            _COMBOS[key] = hit
    return hit


@dataclass(frozen=True)
class Skeleton:
    """The result of the adjacency search.

    Attributes
    ----------
    nodes:
        Variable names; indices below refer to this order.
    adjacency:
        Symmetric boolean ``(p, p)`` matrix of the remaining edges.
    sepsets:
        ``{(i, j): S}`` with ``i < j`` for every removed pair: the first separating
        set found (``x``'s neighbours before ``y``'s for ``x < y``, subsets in
        lexicographic order), as a sorted tuple of indices.
    pvalues:
        For a removed pair the p-value of the test with ``sepsets[(i, j)]``; for a
        kept edge the largest p-value seen in its tests (all ``<= alpha``), so that
        it tells how close the edge came to removal. Pairs never tested (required
        edges, pairs absent from ``initial``) have no entry.
    sepset_members:
        ``{(i, j): set}`` for every removed pair: every variable that appears in
        *some* separating set found at the level where the pair was removed (both
        directions). PC's ``"sepset"`` collider rule uses it (order-independent,
        and the rule of causal-learn's stable PC).
    n_tests:
        CI tests actually computed (cache hits and duplicates not counted).
    max_level:
        The largest conditioning-set size tested (``-1`` when nothing was tested).
    """

    nodes: tuple[str, ...]
    adjacency: np.ndarray
    sepsets: dict[tuple[int, int], tuple[int, ...]]
    pvalues: dict[tuple[int, int], float]
    n_tests: int
    max_level: int
    sepset_members: dict[tuple[int, int], frozenset[int]] = field(default_factory=dict)

    def index(self, name: str) -> int:
        """The index of node ``name``."""
        try:
            return self.nodes.index(name)
        except ValueError:
            raise InvalidParameterError(f"unknown node {name!r}; the nodes are {list(self.nodes)}") from None

    def sepset(self, a: str, b: str) -> tuple[str, ...] | None:
        """The separating set of ``a`` and ``b`` by names (``None`` if they are adjacent or were never tested)."""
        i, j = self.index(a), self.index(b)
        s = self.sepsets.get((min(i, j), max(i, j)))
        return None if s is None else tuple(self.nodes[v] for v in s)

    def edges(self) -> list[tuple[str, str]]:
        """The remaining edges as name pairs ``(a, b)`` with ``a`` before ``b`` in ``nodes``."""
        ii, jj = np.nonzero(np.triu(self.adjacency, 1))
        return [(self.nodes[i], self.nodes[j]) for i, j in zip(ii.tolist(), jj.tolist())]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with names instead of indices."""
        n = self.nodes
        return {
            "nodes": list(n),
            "edges": [f"{a} --- {b}" for a, b in self.edges()],
            "sepsets": [
                {"pair": [n[i], n[j]], "sepset": [n[v] for v in s], "p_value": self.pvalues.get((i, j))}
                for (i, j), s in sorted(self.sepsets.items())
            ],
            "n_tests": self.n_tests,
            "max_level": self.max_level,
        }


def _check_initial(initial: object, p: int) -> np.ndarray:
    arr = np.asarray(initial)
    if arr.shape != (p, p):
        raise InvalidParameterError(f"initial must be a boolean ({p}, {p}) matrix; got shape {arr.shape}")
    arr = arr.astype(bool)
    if not np.array_equal(arr, arr.T):
        raise InvalidParameterError("initial must be symmetric")
    arr = arr.copy()
    np.fill_diagonal(arr, False)
    return arr


def _check_max_cond(max_cond_size: object) -> int | None:
    if max_cond_size is None:
        return None
    if isinstance(max_cond_size, bool) or not isinstance(max_cond_size, (int, np.integer)) or max_cond_size < 0:
        raise InvalidParameterError(f"max_cond_size must be None or an integer >= 0; got {max_cond_size!r}")
    return int(max_cond_size)


def _batch_p_values(evaluator: Any, batch: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """p-values of one slice of a batch (the task a worker runs; the test is the shared context)."""
    return np.asarray(evaluator.p_values(*batch), dtype=float)


class BatchEvaluator:
    """Evaluates batches of CI queries (optionally over an executor's workers) and counts the tests computed.

    Parameters
    ----------
    test:
        The CI test (a :class:`~causalscope.independence.CachedCITest` is bypassed
        for its inner test when that one has ``p_values``; its count is kept).
    n_jobs:
        Anything :func:`causalscope.parallel.get_executor` accepts. A batch of at
        least ``2 * min_per_worker`` queries is cut into contiguous slices
        evaluated by the executor (the test travels once per slice); smaller
        batches run in this process.
    """

    #: below this many queries per worker a batch is evaluated in this process
    min_per_worker = 256

    def __init__(self, test: Any, n_jobs: NJobs = 1) -> None:
        self.test = test
        self.start = getattr(test, "n_tests", None)
        self.own = 0
        self.executor = get_executor(n_jobs)
        self._owned = self.executor is not n_jobs
        self.n_jobs = self.executor.n_workers

    def _evaluator(self) -> Any:
        test = self.test
        if isinstance(test, CachedCITest) and hasattr(test.inner, "p_values"):
            return test.inner
        return test

    def _evaluate(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> np.ndarray:
        evaluator = self._evaluator()
        m = xs.size
        if self.n_jobs > 1 and m >= 2 * self.min_per_worker:
            parts = min(self.n_jobs * 4, m // self.min_per_worker)
            bounds = np.linspace(0, m, parts + 1).astype(int)
            slices = [(xs[a:b], ys[a:b], zs[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
            values = self.executor.map(_batch_p_values, slices, context=evaluator, chunk_size=1)
            return np.concatenate(values)
        return _batch_p_values(evaluator, (xs, ys, zs))

    def p_values(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> np.ndarray:
        """p-values of the queries ``(xs[q], ys[q], zs[q])``, counted."""
        if xs.size == 0:
            return np.zeros(0)
        self.own += int(xs.size)
        pv = self._evaluate(xs, ys, zs)
        if isinstance(self.test, CachedCITest) and self._evaluator() is not self.test:
            # The queries of a level are distinct (deduplicated) and no two levels
            # share one (|S| differs), so the cache could never answer them: its
            # per-query bookkeeping is skipped, its count kept.
            self.test.n_tests += int(xs.size)
        return pv

    def close(self) -> None:
        """Close the executor if this object made it (one passed in stays open)."""
        if self._owned:
            self.executor.close()

    @property
    def n_tests(self) -> int:
        """CI tests computed since this object was made."""
        now = getattr(self.test, "n_tests", None)
        if self.start is not None and now is not None:
            return int(now) - int(self.start)
        return self.own


def _unique_pvalues(counter: BatchEvaluator, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> np.ndarray:
    """p-values of the queries, each unordered query computed once."""
    a, b = np.minimum(xs, ys), np.maximum(xs, ys)
    keys = np.ascontiguousarray(np.column_stack([a, b, zs]).astype(np.int32))
    rows = keys.view(np.dtype((np.void, keys.dtype.itemsize * keys.shape[1]))).reshape(-1)
    _, first, inv = np.unique(rows, return_index=True, return_inverse=True)
    uniq = keys[first].astype(np.intp)
    pv = counter.p_values(uniq[:, 0], uniq[:, 1], uniq[:, 2:])
    return pv[np.asarray(inv).reshape(-1)]


_OTHERS: dict[int, np.ndarray] = {}


def _others(d: int) -> np.ndarray:
    """``(d, d - 1)`` table: row ``i`` lists ``range(d)`` without ``i``."""
    hit = _OTHERS.get(d)
    if hit is None:
        full = np.broadcast_to(np.arange(d), (d, d))
        hit = full[~np.eye(d, dtype=bool)].reshape(d, d - 1)
        if len(_OTHERS) < 4096:
            _OTHERS[d] = hit
    return hit


def _level_queries(adj: np.ndarray, k: int, skip: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All ordered queries ``(x, y, S)`` of level ``k``, x ascending, y ascending, S lexicographic."""
    p = adj.shape[0]
    xs_l, ys_l, zs_l = [], [], []
    for x in range(p):
        nbrs = np.flatnonzero(adj[x])
        d = nbrs.size
        if d - 1 < k:
            continue
        combos = _combos(d - 1, k)
        c = combos.shape[0]
        keep = ~skip[x, nbrs]
        if not keep.any():
            continue
        others = nbrs[_others(d)[keep]]  # (d', d - 1): neighbours but y, per kept y
        zs = others[:, combos]  # (d', c, k)
        ys_l.append(np.repeat(nbrs[keep], c))
        xs_l.append(np.full(ys_l[-1].size, x, dtype=np.intp))
        zs_l.append(zs.reshape(zs.shape[0] * c, k))
    if not xs_l:
        return np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros((0, k), np.intp)
    xs = np.concatenate(xs_l)
    return xs, np.concatenate(ys_l), np.concatenate(zs_l).reshape(xs.size, k)


def learn_skeleton(
    ci_test: Any,
    *,
    alpha: float,
    max_cond_size: int | None = None,
    knowledge: Knowledge | object | None = None,
    stable: bool = True,
    initial: np.ndarray | None = None,
    n_jobs: NJobs = 1,
    progress: Any = None,
) -> Skeleton:
    """Learn the skeleton by the (stable) PC adjacency search.

    Parameters
    ----------
    ci_test:
        A :class:`~causalscope.independence.CachedCITest` (or any CI test) with
        ``variables``, ``index_of`` and ``p_values(xs, ys, zs)``.
    alpha:
        Significance level: a pair is separated when a test's p-value exceeds it.
    max_cond_size:
        The largest conditioning-set size to test (``None``: no limit).
    knowledge:
        Background knowledge (see the module docstring); anything
        :func:`~causalscope.discovery.knowledge.as_knowledge` accepts.
    stable:
        ``True`` (default): order-independent stable search, each level batched.
        ``False``: the original PC, removing an edge as soon as it is separated
        (later tests of the level see the smaller adjacency), batched per edge.
    initial:
        Optional symmetric boolean ``(p, p)`` adjacency to start from (default: the
        complete graph). Required edges are added back.
    n_jobs:
        Worker processes for the batches (``None`` or 1: this process; -1: all
        cores; or a :class:`causalscope.parallel.Executor`). A level's batch is
        split into slices evaluated by the executor's workers; only batches of at
        least 512 queries are split. The result does not depend on ``n_jobs``.
        Worth it for expensive tests (``kci``, ``rcot``, ``mixed``); for Fisher-z
        a whole level takes milliseconds, so keep 1.
    progress:
        A progress object or callback (see :mod:`causalscope.utils`); one step per level.

    Returns
    -------
    Skeleton

    Raises
    ------
    InvalidParameterError
        For a bad ``alpha``, ``max_cond_size``, ``initial`` or ``n_jobs``.

    References
    ----------
    Colombo, D. & Maathuis, M. H. (2014). Order-independent constraint-based causal
    structure learning. *JMLR* 15, 3741-3782.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> from causalscope.independence import CachedCITest, DSeparationOracle
    >>> oracle = CachedCITest(DSeparationOracle(DAG(edges=["A --> B", "B --> C"])))
    >>> skel = learn_skeleton(oracle, alpha=0.05)
    >>> skel.edges(), skel.sepset("A", "C")
    ([('A', 'B'), ('B', 'C')], ('B',))
    """
    from .base import check_alpha

    alpha = check_alpha(alpha)
    max_k = _check_max_cond(max_cond_size)
    names = tuple(str(v) for v in ci_test.variables)
    p = len(names)
    know = as_knowledge(knowledge)
    if know is not None:
        know.validate(names)
        req = know.required_matrix(names)
        req = req | req.T
        banned = know.adjacency_forbidden(names) & ~req
    else:
        req = np.zeros((p, p), dtype=bool)
        banned = np.zeros((p, p), dtype=bool)
    if initial is None:
        adj = ~np.eye(p, dtype=bool)
    else:
        adj = _check_initial(initial, p)
    adj |= req
    counter = BatchEvaluator(ci_test, n_jobs)
    prog = as_progress(progress)
    prog.start(None, "PC adjacency search")
    sepsets: dict[tuple[int, int], tuple[int, ...]] = {}
    members: dict[tuple[int, int], frozenset[int]] = {}
    pvalues: dict[tuple[int, int], float] = {}
    kept_max = np.full((p, p), -1.0)
    level = -1
    k = 0
    try:
        while max_k is None or k <= max_k:
            deg = adj.sum(axis=1)
            if p == 0 or deg.max() - 1 < k:
                break
            level = k
            if stable:
                _stable_level(adj, k, alpha, req, counter, sepsets, members, pvalues, kept_max)
            else:
                _sequential_level(adj, k, alpha, req, counter, sepsets, members, pvalues, kept_max)
            if k == 0 and banned.any():
                for i, j in zip(*np.nonzero(np.triu(banned & adj, 1))):
                    i, j = int(i), int(j)
                    sepsets[(i, j)] = ()
                    members[(i, j)] = frozenset()
                    pvalues.setdefault((i, j), float(max(kept_max[i, j], 0.0)))
                adj &= ~banned
            _log.debug("skeleton level %d: %d edges left", k, int(np.triu(adj, 1).sum()))
            prog.advance(1)
            k += 1
    finally:
        prog.close()
        counter.close()
    for i, j in zip(*np.nonzero(np.triu(adj, 1))):
        i, j = int(i), int(j)
        if kept_max[i, j] >= 0:
            pvalues[(i, j)] = float(kept_max[i, j])
    return Skeleton(
        nodes=names,
        adjacency=adj,
        sepsets=sepsets,
        pvalues=pvalues,
        n_tests=counter.n_tests,
        max_level=level,
        sepset_members=members,
    )


def _stable_level(
    adj: np.ndarray, k: int, alpha: float, req: np.ndarray, counter: BatchEvaluator,
    sepsets: dict, members: dict, pvalues: dict, kept_max: np.ndarray,
) -> None:
    xs, ys, zs = _level_queries(adj, k, req)
    if xs.size == 0:
        return
    pv = _unique_pvalues(counter, xs, ys, zs)
    p = adj.shape[0]
    a, b = np.minimum(xs, ys), np.maximum(xs, ys)
    order = np.argsort(pv, kind="stable")
    level_max = np.full_like(kept_max, -1.0)
    level_max[a[order], b[order]] = pv[order]  # the largest value is written last
    np.maximum(kept_max, level_max, out=kept_max)
    sep = np.flatnonzero(pv > alpha)
    if sep.size == 0:
        return
    pair = a[sep] * p + b[sep]
    _, first = np.unique(pair, return_index=True)  # first separating query per pair, in query order
    chosen = sep[first]
    for i, j, s, value in zip(a[chosen].tolist(), b[chosen].tolist(), zs[chosen].tolist(), pv[chosen].tolist()):
        sepsets[(i, j)] = tuple(s)
        pvalues[(i, j)] = value
    removed = np.unique(pair)
    if k > 0:  # every variable in some separating set of the pair, both directions
        flat = np.unique(np.repeat(pair, k) * p + zs[sep].reshape(-1))
        owner, value = flat // p, (flat % p).tolist()
        starts = np.searchsorted(owner, removed, side="left").tolist()
        ends = np.searchsorted(owner, removed, side="right").tolist()
    for t, key in enumerate(removed.tolist()):
        i, j = divmod(key, p)
        members[(i, j)] = frozenset(value[starts[t]:ends[t]]) if k > 0 else frozenset()
    ii, jj = removed // p, removed % p
    adj[ii, jj] = False
    adj[jj, ii] = False


def _sequential_level(
    adj: np.ndarray, k: int, alpha: float, req: np.ndarray, counter: BatchEvaluator,
    sepsets: dict, members: dict, pvalues: dict, kept_max: np.ndarray,
) -> None:
    p = adj.shape[0]
    for x in range(p):
        for y in np.flatnonzero(adj[x]).tolist():
            if req[x, y] or not adj[x, y]:
                continue
            nbrs = np.flatnonzero(adj[x] & (np.arange(p) != y))
            if nbrs.size < k:
                continue
            zs = nbrs[_combos(nbrs.size, k)]
            xs = np.full(zs.shape[0], x, dtype=np.intp)
            ys = np.full(zs.shape[0], y, dtype=np.intp)
            pv = _unique_pvalues(counter, xs, ys, zs)
            i, j = min(x, y), max(x, y)
            kept_max[i, j] = max(kept_max[i, j], float(pv.max()))
            hit = np.flatnonzero(pv > alpha)
            if hit.size:
                q = int(hit[0])
                sepsets[(i, j)] = tuple(int(v) for v in zs[q])
                members[(i, j)] = frozenset(sepsets[(i, j)])
                pvalues[(i, j)] = float(pv[q])
                adj[x, y] = adj[y, x] = False
