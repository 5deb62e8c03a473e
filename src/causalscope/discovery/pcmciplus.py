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

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Literal

import numpy as np

from ..exceptions import InvalidParameterError
from ..graphs.equivalence import meek_step
from ..graphs.marks import ARROW, CIRCLE, TAIL

__all__ = [
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
    py = [n for n in parents[j] if n != x]
    if max_py is not None:
        py = py[:max_py]
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
    pmat[:, :, 0] = 0.0  # lag 0: only this phase's tests count (an untested mirror loses the symmetrisation)
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
        marks[both] = _CONFLICT
    else:
        marks[both & (np.arange(marks.shape[0])[:, None] > np.arange(marks.shape[0])[None, :])] = ARROW
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
        Mark edges oriented both ways in one step as x-x (else the later variable's
        orientation wins).

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
    return rule  # type: ignore[return-value]
