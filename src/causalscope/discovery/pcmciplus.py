"""PCMCI+: lagged and contemporaneous causal discovery in time series (Runge 2020).

PCMCI (:mod:`causalscope.discovery.pcmci`) assumes that a cause acts with a delay.
PCMCI+ also finds *contemporaneous* links ``X[t] --> Y[t]``, up to their Markov
equivalence class, under causal stationarity, causal sufficiency, the Markov
condition and faithfulness. It runs four phases on the lagged design (the columns
``X[t-tau]``):

1. **Condition selection** (PCMCI's PC1 stage, lagged links only): for every
   variable ``X^j`` a superset ``B(X^j_t)`` of its lagged parents.
2. **Skeleton with contemporaneous conditions and MCI tests**: start from the lagged
   links of ``B`` and all contemporaneous pairs; for ``p = 0, 1, ...`` test every
   remaining link ``X^i_{t-tau} -- X^j_t`` given every ``p``-subset ``S`` of the
   contemporaneous adjacencies of ``X^j_t`` (as they stood at the start of the level,
   ordered by strength, "PC-stable"), plus the MCI conditions ``B(X^j_t)`` and the
   time-shifted ``B(X^i_{t-tau})``; the first independent test removes the link and
   stores ``S`` as its separating set. The p-value of a link is the largest, its
   statistic the one smallest in absolute value, over the tests it had.
3. **Collider orientation**: every unshielded triple ``X^i_{t-tau} --> X^k_t o-o X^j_t``
   or ``X^i_t o-o X^k_t o-o X^j_t`` is a collider if ``X^k_t`` is not in the
   separating set (rule ``"none"``), or, re-testing the pair given every subset of the
   contemporaneous adjacencies of ``X^j_t`` (and of ``X^i_t``), if ``X^k_t`` is in
   less than half (``"majority"``) or none (``"conservative"``) of the separating
   subsets; exactly half (majority) or some but not all (conservative) make the
   triple *ambiguous*. An edge two colliders orient both ways is a *conflict*,
   ``x-x``.
4. **Rule orientation**: Meek's rules R1-R3 restricted to contemporaneous links
   (:func:`causalscope.graphs.equivalence.meek_step`), each applied to all edges at
   once; an edge one step orients both ways becomes ``x-x`` and is not used again.
   Ambiguous triples are never used as non-colliders.

With ``"majority"`` or ``"conservative"`` and ``conflict_resolution=True`` the output
does not depend on the order of the variables. Every CI test of a level (phase 2)
and of the collider phase is one batch on the CI test's index fast path, evaluated
through :mod:`causalscope.parallel` (the same answer for any ``n_jobs``).

References
----------
Runge, J. (2020). Discovering contemporaneous and lagged causal relations in
autocorrelated nonlinear time series datasets. *Proceedings of the 36th Conference
on Uncertainty in Artificial Intelligence (UAI)*, PMLR 124, 1388-1397.
Colombo, D. & Maathuis, M. H. (2014). Order-independent constraint-based causal
structure learning. *JMLR* 15, 3921-3962.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from ..contract import Component
from ..exceptions import InvalidParameterError
from ..graphs.equivalence import consistent_extension, meek_step
from ..graphs.marks import ARROW, CIRCLE, TAIL
from ..parallel import Executor, NJobs, open_executor
from .base import check_alpha, register_algorithm
from .lagged import (
    LaggedDesign,
    check_int,
    check_pc_alpha,
    design_columns,
    select_lagged_parents,
)
from .pcmci import fdr_bh, prepare_lagged_problem

if TYPE_CHECKING:
    from ..graphs.timeseries import TimeSeriesGraph

__all__ = [
    "PCMCIPlus",
    "pcmciplus",
    "PCMCIPLUS_ALPHA_GRID",
    "ColliderRule",
    "Node",
    "SkeletonResult",
    "ColliderResult",
    "mci_skeleton",
    "orient_colliders",
    "orient_by_rules",
]

ColliderRule = Literal["majority", "conservative", "none"]
Node = tuple[int, int]
"""``(variable index, lag)``: the node ``X^i_{t-lag}``."""

Tester = Callable[[list[tuple[Node, int, tuple[Node, ...]]]], tuple[np.ndarray, np.ndarray]]
"""Evaluates queries ``(x node, y variable, Z nodes)`` (y at lag 0): ``(statistics, p-values)``."""

# contemporaneous mark codes of phase 3 and 4 (x-x is kept as circle-circle: adjacency only)
_CONFLICT = CIRCLE


@dataclass
class SkeletonResult:
    """Phase 2's output: adjacencies, p-values, statistics and separating sets.

    ``adjacent[i, j, tau]``: the link ``X^i_{t-tau} -- X^j_t`` is kept (symmetric at
    ``tau = 0``); ``p_matrix`` / ``val_matrix`` as tigramite's (largest p-value,
    statistic of smallest magnitude, symmetrised at lag 0); ``sepsets[(i, tau, j)]``
    the contemporaneous conditions that removed a link (both orders at lag 0).
    """

    adjacent: np.ndarray
    p_matrix: np.ndarray
    val_matrix: np.ndarray
    sepsets: dict[tuple[int, int, int], tuple[Node, ...]] = field(default_factory=dict)
    n_tests: int = 0


@dataclass
class ColliderResult:
    """Phase 3's output: contemporaneous marks, ambiguous triples and the tests run."""

    marks: np.ndarray
    """``(N, N)`` mark matrix of the contemporaneous links (x-x as circle-circle)."""
    ambiguous: list[tuple[Node, int, int]]
    """``((i, tau), k, j)``: the triple ``X^i_{t-tau} - X^k_t - X^j_t`` is ambiguous."""
    colliders: list[tuple[Node, int, int]]
    n_tests: int = 0


def _conditions(
    parents: Sequence[Sequence[Node]],
    x: Node,
    j: int,
    s: Sequence[Node],
    max_py: int | None,
    max_px: int | None,
    max_px_lagged: int | None,
) -> tuple[Node, ...]:
    """``S`` + the parents of ``X^j_t`` (without ``x``) + the parents of ``x`` shifted by its lag."""
    i, tau = x
    py = list(parents[j]) if max_py is None else list(parents[j])[:max_py]  # truncated before x is taken out
    py = [n for n in py if n != x]
    limit = max_px_lagged if tau > 0 else max_px
    px = list(parents[i]) if limit is None else list(parents[i])[:limit]
    px = [(a, b + tau) for a, b in px]
    out: list[Node] = []
    seen = {x, (j, 0)}
    for n in (*s, *py, *px):
        if n not in seen:
            seen.add(n)
            out.append(n)
    return tuple(out)


def _sorted_contemporaneous(adjacent: np.ndarray, val: np.ndarray) -> list[list[int]]:
    """Contemporaneous adjacencies of every variable, strongest (|statistic|) first."""
    n = adjacent.shape[0]
    out = []
    for j in range(n):
        nb = [i for i in range(n) if i != j and adjacent[i, j, 0]]
        nb.sort(key=lambda i: -abs(val[i, j, 0]))
        out.append(nb)
    return out


def mci_skeleton(
    tester: Tester,
    parents: Sequence[Sequence[Node]],
    adjacent: np.ndarray,
    *,
    pc_alpha: float,
    tau_min: int,
    tau_max: int,
    fixed: np.ndarray | None = None,
    max_conds_dim: int | None = None,
    max_conds_py: int | None = None,
    max_conds_px: int | None = None,
    max_conds_px_lagged: int | None = None,
    p_matrix: np.ndarray | None = None,
    val_matrix: np.ndarray | None = None,
) -> SkeletonResult:
    """Phase 2 of PCMCI+: the PC-stable skeleton with MCI conditions (see module doc).

    Parameters
    ----------
    tester:
        Evaluates a batch of queries ``(x node, y variable, Z nodes)``.
    parents:
        ``parents[j]``: the condition set ``B(X^j_t)`` as ``(i, lag)``, strongest first.
    adjacent:
        Boolean ``(N, N, tau_max + 1)``: the links to start from (lagged: ``B``;
        lag 0: symmetric, all pairs unless forbidden).
    pc_alpha:
        Significance level: a test with p-value above it removes the link.
    tau_min, tau_max:
        The lags tested.
    fixed:
        Boolean like ``adjacent``: links that are kept without testing (required).
    max_conds_dim:
        Largest number of contemporaneous conditions ``|S|``.
    max_conds_py, max_conds_px, max_conds_px_lagged:
        At most this many parents of ``X^j_t`` / of a contemporaneous / of a lagged
        ``X^i`` in the conditions (None: all).
    p_matrix, val_matrix:
        Starting values of the p-value and statistic arrays (PC1's), updated in place
        for the links tested here.

    Returns
    -------
    SkeletonResult
    """
    adj = adjacent.copy()
    n = adj.shape[0]
    shape = adj.shape
    pmat = np.zeros(shape) if p_matrix is None else p_matrix
    vmat = np.zeros(shape) if val_matrix is None else val_matrix
    # lag 0: only this phase's tests count (an untested mirror loses the symmetrisation);
    # with tau_min > 0 nothing is tested there: p-value 1, statistic 0
    pmat[:, :, 0] = np.where(adj[:, :, 0], 0.0, 1.0) if tau_min == 0 else 1.0  # forbidden pairs: 1
    vmat[:, :, 0] = 0.0
    tested = np.zeros(shape, dtype=bool)  # a link's PC1 values are replaced by this phase's tests
    fixed = np.zeros(shape, dtype=bool) if fixed is None else fixed
    sepsets: dict[tuple[int, int, int], tuple[Node, ...]] = {}
    n_tests = 0
    level = 0
    while max_conds_dim is None or level <= max_conds_dim:
        contemp = _sorted_contemporaneous(adj, np.where(tested, vmat, np.inf))
        pairs: list[tuple[int, int, int, list[tuple[Node, ...]]]] = []
        for i in range(n):
            for j in range(n):
                for tau in range(tau_min, tau_max + 1):
                    if not adj[i, j, tau] or (tau == 0 and i == j) or fixed[i, j, tau]:
                        continue
                    cand = [(a, 0) for a in contemp[j] if not (tau == 0 and a == i)]
                    if len(cand) < level:
                        continue
                    pairs.append((i, j, tau, list(combinations(cand, level))))
        if not pairs:
            break
        queries = []
        for i, j, tau, subsets in pairs:
            for s in subsets:
                queries.append(((i, tau), j, _conditions(
                    parents, (i, tau), j, s, max_conds_py, max_conds_px, max_conds_px_lagged)))
        stat, pval = tester(queries)
        n_tests += len(queries)
        q = 0
        for i, j, tau, subsets in pairs:
            first, q = q, q + len(subsets)
            if not adj[i, j, tau]:
                continue  # removed earlier in this level as the mirror of a lag-0 pair
            for r, s in enumerate(subsets):
                p, v = pval[first + r], stat[first + r]
                if not tested[i, j, tau]:
                    tested[i, j, tau] = True
                    pmat[i, j, tau], vmat[i, j, tau] = p, v
                elif p > pmat[i, j, tau]:
                    pmat[i, j, tau], vmat[i, j, tau] = p, v
                if p > pc_alpha:
                    adj[i, j, tau] = False
                    sepsets[(i, tau, j)] = s
                    if tau == 0:  # the mirror takes the p-value (not the statistic), as tigramite
                        adj[j, i, 0] = False
                        sepsets[(j, 0, i)] = s
                        pmat[j, i, 0] = p
                    break
        level += 1
    _symmetrise(pmat, vmat)
    return SkeletonResult(adj, pmat, vmat, sepsets, n_tests)


def _symmetrise(pmat: np.ndarray, vmat: np.ndarray) -> None:
    """Lag 0: both entries of a pair take the values of the one with the larger p-value
    (on a tie, of the entry ``[i, j]`` with ``i < j``)."""
    p0, v0 = pmat[:, :, 0], vmat[:, :, 0]
    upper = np.triu(np.ones(p0.shape, dtype=bool), 1)
    lower_wins = upper & (p0.T > p0)
    p0[lower_wins], v0[lower_wins] = p0.T[lower_wins], v0.T[lower_wins]
    p0[upper.T], v0[upper.T] = p0.T[upper.T], v0.T[upper.T]
    np.fill_diagonal(p0, 1.0)
    np.fill_diagonal(v0, 0.0)


def _subsets(items: Sequence[Node], max_size: int | None) -> list[tuple[Node, ...]]:
    top = len(items) if max_size is None else min(len(items), max_size)
    return [s for k in range(top + 1) for s in combinations(items, k)]


def orient_colliders(
    tester: Tester,
    parents: Sequence[Sequence[Node]],
    skeleton: SkeletonResult,
    *,
    pc_alpha: float,
    rule: ColliderRule = "majority",
    conflict_resolution: bool = True,
    max_conds_dim: int | None = None,
    max_conds_py: int | None = None,
    max_conds_px: int | None = None,
    max_conds_px_lagged: int | None = None,
) -> ColliderResult:
    """Phase 3 of PCMCI+: orient the contemporaneous colliders (see module doc)."""
    adj = skeleton.adjacent
    n, _, lags = adj.shape
    contemp = [[a for a in range(n) if a != j and adj[a, j, 0]] for j in range(n)]
    triples: list[tuple[Node, int, int]] = []
    for j in range(n):
        for k in contemp[j]:
            for i in range(n):
                for tau in range(lags):
                    if not adj[i, k, tau] or (tau == 0 and i in (k, j)):
                        continue
                    if not adj[i, j, tau]:
                        triples.append(((i, tau), k, j))
    marks = np.zeros((n, n), dtype=np.int8)
    marks[adj[:, :, 0]] = TAIL
    np.fill_diagonal(marks, 0)
    colliders: list[tuple[Node, int, int]] = []
    ambiguous: list[tuple[Node, int, int]] = []
    n_tests = 0
    if rule == "none":
        for x, k, j in triples:
            if (k, 0) not in skeleton.sepsets.get((x[0], x[1], j), ()):
                colliders.append((x, k, j))
    else:
        pairs = sorted({(x, j) for x, k, j in triples})
        plan: dict[tuple[Node, int], list[tuple[Node, ...]]] = {}
        queries = []
        for x, j in pairs:
            family = _subsets([(a, 0) for a in contemp[j]], max_conds_dim)
            if x[1] == 0:
                seen = set(family)
                family += [s for s in _subsets([(a, 0) for a in contemp[x[0]]], max_conds_dim) if s not in seen]
            plan[(x, j)] = family
            for s in family:
                queries.append((x, j, _conditions(parents, x, j, s, max_conds_py, max_conds_px, max_conds_px_lagged)))
        _, pval = tester(queries) if queries else (np.zeros(0), np.zeros(0))
        n_tests = len(queries)
        sepsets: dict[tuple[Node, int], list[tuple[Node, ...]]] = {}
        q = 0
        for key in pairs:
            family = plan[key]
            sepsets[key] = [s for r, s in enumerate(family) if pval[q + r] > pc_alpha]
            q += len(family)
        for x, k, j in triples:
            found = sepsets[(x, j)]
            if not found:  # no separating subset among the adjacencies: undecided
                ambiguous.append((x, k, j))
                continue
            share = sum((k, 0) in s for s in found) / len(found)
            if rule == "majority":
                if share < 0.5:
                    colliders.append((x, k, j))
                elif share == 0.5:
                    ambiguous.append((x, k, j))
            else:
                if share == 0.0:
                    colliders.append((x, k, j))
                elif share < 1.0:
                    ambiguous.append((x, k, j))
    _orient_pairs(marks, [(j, k) for x, k, j in colliders] + [(x[0], k) for x, k, j in colliders if x[1] == 0],
                  conflict_resolution)
    return ColliderResult(marks, ambiguous, colliders, n_tests)


def _orient_pairs(marks: np.ndarray, arrows: Sequence[tuple[int, int]], conflict_resolution: bool) -> bool:
    """Orient ``a --> b`` for every pair of one step; an edge asked both ways becomes x-x."""
    want = np.zeros(marks.shape, dtype=bool)
    for a, b in arrows:
        want[a, b] = True
    undirected = (marks == TAIL) & (marks.T == TAIL)
    want &= undirected
    both = want & want.T
    one = want & ~want.T
    marks[one] = ARROW
    if conflict_resolution:
        marks[both] = _CONFLICT  # else such an edge stays undirected
    return bool(want.any())


def orient_by_rules(
    marks: np.ndarray,
    lagged: np.ndarray,
    ambiguous: Sequence[tuple[Node, int, int]] = (),
    *,
    conflict_resolution: bool = True,
) -> np.ndarray:
    """Phase 4 of PCMCI+: Meek's rules R1-R3 on the contemporaneous links (see module doc).

    Parameters
    ----------
    marks:
        ``(N, N)`` contemporaneous mark matrix (``---`` tail-tail, ``-->``, x-x as
        circle-circle).
    lagged:
        Boolean ``(N, N, tau_max + 1)``: the lagged links ``X^i_{t-tau} --> X^j_t``
        (lag 0 ignored).
    ambiguous:
        Ambiguous triples ``((i, tau), k, j)``.
    conflict_resolution:
        Mark edges oriented both ways in one step as x-x (else they stay undirected).

    Returns
    -------
    numpy.ndarray
        The new contemporaneous mark matrix.
    """
    n = marks.shape[0]
    lags = lagged.shape[2]
    sources = [(i, tau) for tau in range(1, lags) for i in range(n) if lagged[i, :, tau].any()]
    index = {(j, 0): j for j in range(n)}
    index.update({node: n + r for r, node in enumerate(sources)})
    size = n + len(sources)
    window = np.zeros((size, size), dtype=np.int8)
    window[:n, :n] = marks
    for r, (i, tau) in enumerate(sources):
        targets = np.flatnonzero(lagged[i, :, tau])
        window[n + r, targets] = ARROW
        window[targets, n + r] = TAIL
    amb = [(index[x], k, j) for x, k, j in ambiguous if x in index]
    changed = True
    while changed:  # R1, R2, R3 in turn, each on the graph the previous one left, until none orients
        changed = False
        for rule in (1, 2, 3):
            new = meek_step(window, rule, ambiguous=amb if rule == 1 else ())[:n, :n]
            if new.any():
                changed = True
                sub = window[:n, :n]
                _orient_pairs(sub, [tuple(e) for e in np.argwhere(new).tolist()], conflict_resolution)
                window[:n, :n] = sub
    return window[:n, :n].copy()


def _check_rule(rule: object) -> ColliderRule:
    if rule not in ("majority", "conservative", "none"):
        raise InvalidParameterError(
            f"contemp_collider_rule must be 'majority', 'conservative' or 'none'; got {rule!r}"
        )
    return rule


#: The ``pc_alpha`` grid of PCMCI+ when ``pc_alpha=None`` (tigramite's documented grid).
PCMCIPLUS_ALPHA_GRID: tuple[float, ...] = (0.001, 0.005, 0.01, 0.025, 0.05)

#: Upper bound on the gathered correlation entries of one batch slice (memory).
_SLICE_ENTRIES = 1 << 22
#: A batch is split across workers only from this many queries per worker (smaller ones run inline).
_SPLIT_AT = 256


def _statistics_task(ci_test: Any, task: tuple[np.ndarray, np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys, zs = task
    stat, pval = ci_test.statistics(xs, ys, zs)
    return np.asarray(stat, dtype=float), np.asarray(pval, dtype=float)


class _BatchTester:
    """Sends a phase's queries to the CI test's index fast path, by conditioning size, in slices."""

    def __init__(self, ci_test: Any, design: LaggedDesign, executor: Executor) -> None:
        self.ci_test = ci_test
        self.cols = design_columns(ci_test, design)
        self.p = design.n_variables
        self.executor = executor

    def __call__(self, queries: list[tuple[Node, int, tuple[Node, ...]]]) -> tuple[np.ndarray, np.ndarray]:
        m = len(queries)
        stat, pval = np.zeros(m), np.ones(m)
        if m == 0:
            return stat, pval
        p, cols = self.p, self.cols
        by_size: dict[int, list[int]] = {}
        for q, (_, _, z) in enumerate(queries):
            by_size.setdefault(len(z), []).append(q)
        tasks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        owners: list[np.ndarray] = []
        workers = max(1, self.executor.n_workers)
        for k in sorted(by_size):
            members = np.asarray(by_size[k], dtype=np.intp)
            xs = cols[np.array([queries[q][0][1] * p + queries[q][0][0] for q in members], dtype=np.intp)]
            ys = cols[np.array([queries[q][1] for q in members], dtype=np.intp)]
            zs = np.array([[b * p + a for a, b in queries[q][2]] for q in members], dtype=np.intp)
            zs = cols[zs.reshape(len(members), k)]
            share = -(-len(members) // workers) if len(members) >= _SPLIT_AT * workers else len(members)
            size = max(1, min(_SLICE_ENTRIES // ((k + 2) ** 2), share))
            for a in range(0, len(members), size):
                tasks.append((xs[a:a + size], ys[a:a + size], zs[a:a + size]))
                owners.append(members[a:a + size])
        results = self.executor.map(_statistics_task, tasks, context=self.ci_test, chunk_size=1)
        for own, (s, pv) in zip(owners, results):
            stat[own], pval[own] = s, pv
        return stat, pval


@dataclass
class _Run:
    """One PCMCI+ run at one ``pc_alpha``."""

    alpha: float
    parents: list[list[Node]]
    skeleton: SkeletonResult
    colliders: ColliderResult
    marks: np.ndarray
    n_tests: int


@register_algorithm("pcmciplus")
class PCMCIPlus(Component):
    """PCMCI+: lagged and contemporaneous links of a time series (Runge 2020).

    See the module docstring for the four phases. The result is the *time-series
    CPDAG*: lagged links ``"-->"``; contemporaneous links ``"-->"`` where the
    equivalence class orients them, ``"---"`` where it does not, ``"x-x"`` where
    orientation rules conflict (finite samples).

    Parameters
    ----------
    ci_test:
        The CI test: a registry name (``"parcorr"`` default, ``"fisherz"``,
        ``"rcot"``, ``"gsq"``, ...) built on the lagged design, or a ready test over
        the lagged names ``"X[t-k]"`` (a
        :class:`~causalscope.independence.DSeparationOracle` on
        ``TimeSeriesGraph.unroll(...)``).
    tau_max:
        The largest lag (default 1).
    tau_min:
        The smallest lag (default 0: contemporaneous links are learned; 1 or more:
        none are, and the result is PCMCI's lagged graph with PC-style tests).
    pc_alpha:
        The significance level of every phase: a float in ``(0, 1]`` (default 0.01,
        as tigramite's ``run_pcmciplus``), a list of them, or ``None`` (the grid
        :data:`PCMCIPLUS_ALPHA_GRID`); with several, the whole method runs once per
        level and keeps the level whose graph scores best: the mean over the
        variables of the CI test's ``model_selection_criterion`` (ParCorr: Akaike's
        criterion) of each variable regressed on its parents in one DAG of the
        class (lagged parents and a consistent extension of the contemporaneous
        part; x-x links left out).
    alpha:
        The level of the MCI tests of phases 2 and 3 (the tests that decide the
        graph), if it should differ from ``pc_alpha``; default None: ``pc_alpha``
        for every phase, as tigramite (which has no separate level). The CLI's
        ``--alpha``.
    contemp_collider_rule:
        ``"majority"`` (default), ``"conservative"`` or ``"none"`` (see the module
        docstring). Only the first two make the result independent of the
        variable order.
    conflict_resolution:
        Mark conflicting orientations ``x-x`` (default True; with False such a link
        stays unoriented, ``---``, and the rules may still use it).
    reset_lagged_links:
        If True, phase 2 tests every allowed lagged link again, not only those
        PC1 kept (more power for lagged links, longer run).
    max_conds_dim:
        The largest condition set of PC1 and the largest contemporaneous ``S``.
    max_combinations:
        Condition subsets per size and candidate in PC1 (default 1).
    max_conds_py, max_conds_px, max_conds_px_lagged:
        How many parents of ``Y``, of a contemporaneous ``X`` and of a lagged ``X``
        condition a test (``None``: all; ``max_conds_px_lagged=None`` means
        ``max_conds_px``).
    link_assumptions:
        ``{(source, lag, target): mark}`` with mark ``"-->"`` (required: kept and
        not tested; at lag 0 its orientation is still learned), ``"-?>"`` (may
        exist: every link not listed) or ``""`` (forbidden; at lag 0 forbidding
        either direction removes the pair).
    knowledge:
        Background knowledge (:class:`~causalscope.discovery.Knowledge`), as for
        :class:`~causalscope.discovery.pcmci.PCMCI`.
    fdr_method:
        ``None`` (default) or ``"fdr_bh"``: ``p_matrix_`` holds the
        Benjamini-Hochberg adjusted p-values of the lagged links (as tigramite's
        ``run_pcmciplus``, the graph is the one decided at ``pc_alpha``).
    time_column:
        The time-stamp column of a frame (not a variable; checked increasing).
    random_state:
        Seed handed to a CI test built by name that draws random numbers (RCoT);
        the same seed gives the same answer.
    n_jobs:
        Workers for every batch of tests (anything
        :func:`causalscope.parallel.get_executor` accepts); the answer does not
        depend on it.

    Attributes
    ----------
    graph_:
        The :class:`~causalscope.graphs.timeseries.TimeSeriesGraph` (strength = the
        statistic, p-value = the largest p-value of the link's tests).
    graph_array_:
        The same graph as tigramite's ``(p, p, tau_max + 1)`` string array
        (``"o-o"`` for an unoriented contemporaneous link).
    val_matrix_, p_matrix_:
        ``(p, p, tau_max + 1)`` arrays, ``[i, j, tau]`` for ``X_i[t-tau] - X_j[t]``.
    parents_:
        The PC1 condition sets ``{target: [(source, lag), ...]}``, strongest first.
    sepsets_:
        ``{(source, lag, target): [(name, 0), ...]}``: the contemporaneous
        conditions that removed a link in phase 2.
    ambiguous_triples_:
        ``[((source, lag), middle, end), ...]`` (names) left undecided by the
        collider rule.
    pc_alpha_:
        The level used (chosen from the grid).
    variables_:
        The variable names.
    n_tests_:
        CI tests computed (all phases, all levels of the grid).

    References
    ----------
    Runge, J. (2020). Discovering contemporaneous and lagged causal relations in
    autocorrelated nonlinear time series datasets. *UAI 2020*, PMLR 124, 1388-1397.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0); x = rng.normal(size=(500, 3))
    >>> for t in range(1, 500):
    ...     x[t, 0] += 0.6 * x[t - 1, 0]
    ...     x[t, 1] += 0.7 * x[t, 0]
    ...     x[t, 2] += 0.6 * x[t - 1, 1]
    >>> est = PCMCIPlus(tau_max=1, pc_alpha=0.01).fit(pd.DataFrame(x, columns=list("ABC")))
    >>> sorted(est.graph_.lagged_edges())
    ['A[t-1] --> A[t]', 'A[t] --> B[t]', 'B[t-1] --> C[t]']
    >>> est.graph_array_[0, 1, 0]  # tigramite's array: A[t] --> B[t]
    np.str_('-->')
    """

    time_series: ClassVar[bool] = True

    def __init__(
        self,
        *,
        ci_test: Any = "parcorr",
        tau_max: int = 1,
        tau_min: int = 0,
        pc_alpha: float | Sequence[float] | None = 0.01,
        alpha: float | None = None,
        contemp_collider_rule: ColliderRule = "majority",
        conflict_resolution: bool = True,
        reset_lagged_links: bool = False,
        max_conds_dim: int | None = None,
        max_combinations: int = 1,
        max_conds_py: int | None = None,
        max_conds_px: int | None = None,
        max_conds_px_lagged: int | None = None,
        link_assumptions: Mapping[tuple[str, int, str], str] | None = None,
        knowledge: Any = None,
        fdr_method: Literal["fdr_bh"] | None = None,
        time_column: str | None = None,
        random_state: Any = None,
        n_jobs: NJobs = 1,
    ) -> None:
        self.ci_test = ci_test
        self.tau_max = tau_max
        self.tau_min = tau_min
        self.pc_alpha = pc_alpha
        self.alpha = alpha
        self.contemp_collider_rule = contemp_collider_rule
        self.conflict_resolution = conflict_resolution
        self.reset_lagged_links = reset_lagged_links
        self.max_conds_dim = max_conds_dim
        self.max_combinations = max_combinations
        self.max_conds_py = max_conds_py
        self.max_conds_px = max_conds_px
        self.max_conds_px_lagged = max_conds_px_lagged
        self.link_assumptions = link_assumptions
        self.knowledge = knowledge
        self.fdr_method = fdr_method
        self.time_column = time_column
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _check(self) -> tuple[int, int, tuple[float, ...], ColliderRule]:
        tau_max = check_int(self.tau_max, "tau_max", 1)
        tau_min = check_int(self.tau_min, "tau_min", 0)
        if tau_min > tau_max:
            raise InvalidParameterError(f"tau_min={self.tau_min} must not exceed tau_max={self.tau_max}")
        alphas = PCMCIPLUS_ALPHA_GRID if self.pc_alpha is None else check_pc_alpha(self.pc_alpha)
        rule = _check_rule(self.contemp_collider_rule)
        if self.alpha is not None:
            check_alpha(self.alpha)
        for name in ("max_conds_dim", "max_conds_py", "max_conds_px", "max_conds_px_lagged"):
            value = getattr(self, name)
            if value is not None:
                check_int(value, name, 0)
        check_int(self.max_combinations, "max_combinations", 1)
        for name in ("conflict_resolution", "reset_lagged_links"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise InvalidParameterError(f"{name} must be True or False; got {getattr(self, name)!r}")
        if self.fdr_method not in (None, "none", "fdr_bh"):
            raise InvalidParameterError(f"fdr_method must be None or 'fdr_bh'; got {self.fdr_method!r}")
        return tau_max, tau_min, alphas, rule

    def fit(self, data: Any) -> PCMCIPlus:
        """Run PCMCI+ on ``data`` (rows in time order).

        Parameters
        ----------
        data:
            A DataFrame, array or :class:`~causalscope.data.Dataset` (see
            :func:`~causalscope.data.timeseries.as_time_series`).

        Returns
        -------
        PCMCIPlus
            ``self``, fitted.

        Raises
        ------
        DataError
            Bad data (unsorted time column, NaN, non-numeric or constant column),
            fewer rows than ``2 * tau_max + p * (tau_max + 1) + 3`` (the common
            sample must hold the regression on every lagged and contemporaneous
            value), link assumptions or knowledge naming an unknown variable.
        InvalidParameterError
            Bad hyperparameters (negative ``tau_min``, ``tau_min > tau_max``, an
            unknown collider rule, ...).
        """
        from ..graphs.timeseries import TimeSeriesGraph

        tau_max, tau_min, alphas, rule = self._check()
        problem = prepare_lagged_problem(
            data, method="PCMCI+", tau_max=tau_max, time_column=self.time_column, knowledge=self.knowledge,
            link_assumptions=self.link_assumptions, ci_test=self.ci_test, contemporaneous=True,
            random_state=self.random_state,
        )
        variables, design, test = problem.variables, problem.design, problem.ci_test
        allowed, required = problem.allowed, problem.required
        p = len(variables)
        if len(alphas) > 1 and not hasattr(test, "model_selection_criterion"):
            raise InvalidParameterError(
                f"pc_alpha={self.pc_alpha!r} asks for a choice among levels by a model-selection "
                f"criterion, which the CI test {getattr(test, 'method', type(test).__name__)!r} "
                "does not provide; give one float"
            )
        with open_executor(self.n_jobs) as ex:
            tester = _BatchTester(test, design, ex)
            runs = [self._run(tester, design, test, a, tau_min, tau_max, rule, allowed, required, ex) for a in alphas]
        best = runs[0]
        if len(runs) > 1:
            scores = [_graph_score(test, design, r, tau_max) for r in runs]
            best = runs[int(np.argmin(scores))]
        sk = best.skeleton
        lagged = sk.adjacent.copy()
        lagged[:, :, 0] = False
        graph = _graph_array(best.marks, lagged)
        p_matrix = sk.p_matrix
        if self.fdr_method == "fdr_bh":
            mask = np.zeros(p_matrix.shape, dtype=bool)
            mask[:, :, max(1, tau_min):] = True
            p_matrix = fdr_bh(p_matrix, mask)
        name = variables
        self.variables_ = list(variables)
        self.pc_alpha_ = best.alpha
        self.parents_ = {name[j]: [(name[i], lag) for i, lag in best.parents[j]] for j in range(p)}
        self.sepsets_ = {
            (name[i], lag, name[j]): [(name[a], b) for a, b in s] for (i, lag, j), s in sorted(sk.sepsets.items())
        }
        self.ambiguous_triples_ = [
            ((name[x[0]], x[1]), name[k], name[j]) for x, k, j in best.colliders.ambiguous
        ]
        self.val_matrix_ = sk.val_matrix
        self.p_matrix_ = p_matrix
        self.graph_array_ = graph
        self.n_tests_ = sum(r.n_tests for r in runs)
        shown = np.where(graph == "o-o", "---", graph)
        self.graph_: TimeSeriesGraph = TimeSeriesGraph.from_arrays(variables, shown, sk.val_matrix, p_matrix)
        return self

    def _run(
        self,
        tester: _BatchTester,
        design: LaggedDesign,
        test: Any,
        alpha: float,
        tau_min: int,
        tau_max: int,
        rule: ColliderRule,
        allowed: np.ndarray,
        required: np.ndarray,
        executor: Executor,
    ) -> _Run:
        p = design.n_variables
        selection = select_lagged_parents(
            design, test, tau_max=tau_max, tau_min=max(1, tau_min), pc_alpha=alpha,
            max_conds_dim=self.max_conds_dim, max_combinations=self.max_combinations,
            allowed=allowed, required=required, n_jobs=executor,
        )
        parents = [list(pa) for pa in selection.parents]
        pmat = np.nan_to_num(selection.pval_max, nan=1.0)
        signed = selection.val_signed if selection.val_signed is not None else selection.val_min
        vmat = np.nan_to_num(signed, nan=0.0)
        adj = np.zeros((p, p, tau_max + 1), dtype=bool)
        low = max(1, tau_min)
        if self.reset_lagged_links:
            adj[:, :, low:] = allowed[:, :, low:]
        else:
            for j, pa in enumerate(parents):
                for i, lag in pa:
                    adj[i, j, lag] = True
        if tau_min == 0:
            adj[:, :, 0] = allowed[:, :, 0] & allowed[:, :, 0].T
            np.fill_diagonal(adj[:, :, 0], False)
        fixed = required & adj
        fixed[:, :, 0] |= fixed[:, :, 0].T
        common = dict(
            max_conds_py=self.max_conds_py, max_conds_px=self.max_conds_px,
            max_conds_px_lagged=self.max_conds_px if self.max_conds_px_lagged is None else self.max_conds_px_lagged,
        )
        level = alpha if self.alpha is None else float(self.alpha)
        sk = mci_skeleton(
            tester, parents, adj, pc_alpha=level, tau_min=tau_min, tau_max=tau_max, fixed=fixed,
            max_conds_dim=self.max_conds_dim, p_matrix=pmat, val_matrix=vmat, **common,
        )
        co = orient_colliders(
            tester, parents, sk, pc_alpha=level, rule=rule, conflict_resolution=bool(self.conflict_resolution),
            max_conds_dim=self.max_conds_dim, **common,
        )
        lagged = sk.adjacent.copy()
        lagged[:, :, 0] = False
        marks = orient_by_rules(co.marks, lagged, co.ambiguous, conflict_resolution=bool(self.conflict_resolution))
        return _Run(alpha, parents, sk, co, marks, selection.n_tests + sk.n_tests + co.n_tests)


def _graph_array(marks: np.ndarray, lagged: np.ndarray) -> np.ndarray:
    """tigramite's string array from the contemporaneous marks and the lagged links."""
    graph = np.full(lagged.shape, "", dtype="<U3")
    graph[lagged] = "-->"
    graph[:, :, 0] = ""
    tail = marks == TAIL
    arrow = marks == ARROW
    g0 = graph[:, :, 0]
    g0[tail & tail.T] = "o-o"
    g0[arrow & tail.T] = "-->"
    g0[tail & arrow.T] = "<--"
    g0[(marks == _CONFLICT) & (marks.T == _CONFLICT)] = "x-x"
    return graph


def _graph_score(test: Any, design: LaggedDesign, run: _Run, tau_max: int) -> float:
    """Mean model-selection score of the variables on their parents in one DAG of the class."""
    marks = run.marks
    p = marks.shape[0]
    directed = (marks == ARROW) & (marks.T == TAIL)
    undirected = (marks == TAIL) & (marks.T == TAIL)
    dag = consistent_extension(directed, undirected)
    if dag is None:  # no extension (inconsistent finite-sample marks): keep the directed part
        dag = directed
    cols = design_columns(test, design)
    lagged = run.skeleton.adjacent
    by_size: dict[int, list[tuple[int, list[int]]]] = {}
    for j in range(p):
        pa = [lag * p + i for lag in range(1, tau_max + 1) for i in range(p) if lagged[i, j, lag]]
        pa += [i for i in range(p) if dag[i, j]]
        by_size.setdefault(len(pa), []).append((j, pa))
    total = 0.0
    for k, items in by_size.items():
        targets = cols[np.array([j for j, _ in items], dtype=np.intp)]
        parents = cols[np.array([pa for _, pa in items], dtype=np.intp).reshape(len(items), k)]
        total += float(np.sum(test.model_selection_criterion(targets, parents)))
    return total / p


def pcmciplus(data: Any, **kwargs: Any) -> TimeSeriesGraph:
    """Run :class:`PCMCIPlus` on ``data`` and return its time-series graph (keywords as the class).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(3); x = rng.normal(size=(400, 2))
    >>> for t in range(1, 400): x[t, 1] += 0.8 * x[t - 1, 0]
    >>> pcmciplus(x, tau_max=1).lagged_edges()
    ['X0[t-1] --> X1[t]']
    """
    return PCMCIPlus(**kwargs).fit(data).graph_
