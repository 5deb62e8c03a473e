"""FCI's stage 3: the Possible-D-SEP sets and the tests that remove edges with them.

In a graph with hidden variables two non-adjacent nodes need not be separated by
subsets of their neighbours. :func:`possible_dsep` computes the set of a node in
the partially oriented graph after the colliders (every node reachable along a
path whose inner nodes are colliders or lie in triangles; Spirtes, Glymour &
Scheines 2000, section 6.7); the two stages test each remaining edge again:

* :func:`full_pdsep_stage` (``possible_dsep="full"``): every subset of the
  sets computed once, the tests of one size batched, order-independent;
  :func:`planned_full_tests` counts its tests in advance.
* :func:`tetrad_pdsep_stage` (``possible_dsep="tetrad"``): the restricted,
  sequential stage of Tetrad and causal-learn (:func:`tetrad_set`, with the
  possibly directed paths of :func:`semidirected_reach`).

The stages take the CI test through a :class:`PValueCounter` (anything with the
index-level ``p_values(xs, ys, zs)``). :class:`~causalscope.discovery.FCI` runs
them; see ``docs/fci.md`` for the modes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from functools import lru_cache
from math import comb
from typing import Protocol

import numpy as np

from ..graphs.marks import ARROW, NO_EDGE
from ..graphs.reach import transitive_closure
from ..utils import Progress, get_logger

__all__ = [
    "PValueCounter",
    "possible_dsep",
    "planned_full_tests",
    "full_pdsep_stage",
    "semidirected_reach",
    "tetrad_set",
    "tetrad_pdsep_stage",
    "WARN_PLANNED_TESTS",
]

# The stage is part of FCI: its messages go to FCI's logger.
_log = get_logger("causalscope.discovery.fci")

#: Above this many planned tests, ``"full"`` mode logs a warning before it starts (default of ``warn_above``).
WARN_PLANNED_TESTS = 10_000_000


class PValueCounter(Protocol):
    """What the stages need of the CI test: p-values of index queries of one conditioning size."""

    def p_values(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> np.ndarray:
        """p-values of the queries ``xs[q] _||_ ys[q] | zs[q]`` (``zs`` of shape ``(n, k)``)."""
        ...


#: Largest number of queries sent to the CI test in one batch of the Possible-D-SEP stage.
_CHUNK = 20_000


def possible_dsep(marks: np.ndarray, node: int, *, max_path_length: int | None = None) -> frozenset[int]:
    """The Possible-D-SEP set of ``node`` in a partially oriented graph (indices).

    A node ``z != node`` belongs to it when some path ``<node, ..., z>`` has, at
    every inner node ``b`` with path neighbours ``a`` and ``c``, either a collider
    (``a *-> b <-* c``) or a triangle (``a`` adjacent to ``c``). This is the
    practical form of the definition of Spirtes et al. (2000, section 6.7) used by
    FCI implementations; it contains the set of the book, so the test stage stays
    complete. The search runs breadth first over directed edges ``(a, b)`` ("reached
    ``b`` from ``a``"), each visited once.

    Parameters
    ----------
    marks:
        Mark matrix (``M[i, j]`` the mark at ``j``: 0 none, 1 tail, 2 arrow, 3 circle).
    node:
        The start node's index.
    max_path_length:
        Only paths with at most this many edges count (``None``: no limit).

    Returns
    -------
    frozenset of int

    References
    ----------
    P. Spirtes, C. Glymour and R. Scheines (2000). *Causation, Prediction, and
    Search*, 2nd ed., MIT Press, section 6.7.

    Examples
    --------
    ``A *-> B <-* C`` and ``C --- D``: ``C`` is reachable through the collider
    ``B``, ``D`` is not (``C`` is no collider on ``<B, C, D>`` and ``B``, ``D`` are
    not adjacent).

    >>> import numpy as np
    >>> m = np.zeros((4, 4), dtype=int)
    >>> m[0, 1] = m[2, 1] = 2; m[1, 0] = m[1, 2] = 3   # A o-> B <-o C
    >>> m[2, 3] = m[3, 2] = 3                           # C o-o D
    >>> sorted(possible_dsep(m, 0))
    [1, 2]
    """
    m = np.asarray(marks)
    limit = np.inf if max_path_length is None else max_path_length
    adj = [np.flatnonzero(m[i]).tolist() for i in range(m.shape[0])]
    found: set[int] = set()
    seen: set[tuple[int, int]] = set()
    queue: deque[tuple[int, int, int]] = deque()
    if limit >= 1:
        for b in adj[node]:
            seen.add((node, b))
            found.add(b)
            queue.append((node, b, 1))
    while queue:
        a, b, dist = queue.popleft()
        if dist >= limit:
            continue
        for c in adj[b]:
            if c == a or c == node or (b, c) in seen:
                continue
            if (m[a, b] == ARROW and m[c, b] == ARROW) or m[a, c] != NO_EDGE:
                seen.add((b, c))
                found.add(c)
                queue.append((b, c, dist + 1))
    found.discard(node)
    return frozenset(found)


@lru_cache(maxsize=64)
def _combinations(n: int, k: int) -> np.ndarray:
    """All ``k``-subsets of ``range(n)`` as rows of an int array, in lexicographic order.

    Built column by column with numpy (each row of the ``j``-column array is
    extended by every admissible larger value), so no Python loop over the
    subsets; the result is cached and read-only.
    """
    rows = np.zeros((1, 0), dtype=np.intp)
    for j in range(k):
        last = rows[:, -1] if j else np.full(1, -1, dtype=np.intp)
        counts = np.maximum(n - (k - j) - last, 0)
        total = int(counts.sum())
        rep = np.repeat(rows, counts, axis=0)
        offsets = np.arange(total, dtype=np.intp) - np.repeat(np.cumsum(counts) - counts, counts)
        rows = np.column_stack([rep, np.repeat(last + 1, counts) + offsets])
    rows.setflags(write=False)
    return rows


def _edge_sets(x: int, y: int, pds: Mapping[int, frozenset[int]], adj: np.ndarray, size: int) -> np.ndarray:
    """Conditioning sets of ``size`` to test for the edge ``x``-``y``, as rows of an int array.

    Subsets of ``Possible-D-SEP(x) - {y}`` and of ``Possible-D-SEP(y) - {x}``
    (each once, rows in lexicographic order); sets inside ``adj(x) - {y}`` or
    ``adj(y) - {x}`` are skipped, since the skeleton search already tested them.
    """
    p = adj.shape[0]
    cand_x = np.array(sorted(pds[x] - {x, y}), dtype=np.intp)
    cand_y = np.array(sorted(pds[y] - {x, y}), dtype=np.intp)
    n_x, n_y = len(cand_x), len(cand_y)
    if max(n_x, n_y) < size:
        return np.zeros((0, size), dtype=np.intp)
    in_cx = np.zeros(p, dtype=bool)
    in_cx[cand_x] = True
    in_cy = np.zeros(p, dtype=bool)
    in_cy[cand_y] = True
    union = np.flatnonzero(in_cx | in_cy)
    n_side = comb(n_x, size) + comb(n_y, size)
    if n_x < size or n_y < size or (n_x == len(union) or n_y == len(union)):
        # one side's subsets contain all the others
        big = cand_x if n_x >= n_y else cand_y
        sets = big[_combinations(len(big), size)]
    elif comb(len(union), size) <= 2 * n_side:
        # the sides overlap: filter the union's subsets (already in lexicographic order)
        sets = union[_combinations(len(union), size)]
        sets = sets[in_cx[sets].all(axis=1) | in_cy[sets].all(axis=1)]
    else:
        sx = cand_x[_combinations(n_x, size)]
        sy = cand_y[_combinations(n_y, size)]
        sy = sy[~in_cx[sy].all(axis=1)]
        sets = np.vstack([sx, sy])
        sets = sets[np.lexsort(sets.T[::-1])]
    in_x = adj[x].copy()
    in_x[y] = False
    in_y = adj[y].copy()
    in_y[x] = False
    keep = ~(in_x[sets].all(axis=1) | in_y[sets].all(axis=1))
    return sets[keep]


def planned_full_tests(
    pds: Mapping[int, frozenset[int]],
    adj: np.ndarray,
    edges: Iterable[tuple[int, int]],
    max_cond_size: int | None,
) -> int:
    """The number of queries the ``"full"`` stage runs if it removes no edge (its worst case).

    For an edge ``x``-``y`` with ``A = Possible-D-SEP(x) - {x, y}``, ``B`` likewise
    for ``y``, and neighbourhoods ``N_x = adj(x) - {y}`` (inside ``A``) and ``N_y``,
    the sets of size ``k`` tested are the ``k``-subsets of ``A`` or of ``B`` that
    are subsets of neither ``N_x`` nor ``N_y``; by inclusion-exclusion their number
    is ``C(|A|,k) + C(|B|,k) - C(|A & B|,k) - C(|N_x|,k) - C(|N_y|,k) + C(|N_x & N_y|,k)``.
    Computed with :func:`math.comb` in microseconds, before any test.
    """
    total = 0
    for x, y in edges:
        a = pds[x] - {x, y}
        b = pds[y] - {x, y}
        nx = set(np.flatnonzero(adj[x]).tolist()) - {y}
        ny = set(np.flatnonzero(adj[y]).tolist()) - {x}
        top = max(len(a), len(b))
        if max_cond_size is not None:
            top = min(top, max_cond_size)
        sizes = (len(a), len(b), len(a & b), len(nx), len(ny), len(nx & ny))
        for k in range(1, top + 1):
            ca, cb, cab, cx, cy, cxy = (comb(s, k) for s in sizes)
            total += ca + cb - cab - cx - cy + cxy
    return total


def full_pdsep_stage(
    counter: PValueCounter,
    pds: Mapping[int, frozenset[int]],
    adj: np.ndarray,
    required: np.ndarray,
    *,
    alpha: float,
    max_cond_size: int | None,
    progress: Progress,
    warn_above: int = WARN_PLANNED_TESTS,
) -> tuple[np.ndarray, dict[tuple[int, int], tuple[int, ...]], dict[tuple[int, int], float], int]:
    """Stage 3, ``"full"`` mode: remove the edges separated by a subset of a Possible-D-SEP set.

    ``pds`` holds the sets (:func:`possible_dsep`, computed once). The sets of one size are tested for all edges in batches (spread over the
    counter's processes when ``n_jobs > 1``); an edge separated at a size is
    removed after that size (order-independent), with the first separating set
    in lexicographic order. Returns the new adjacency matrix, the new separating
    sets, the p-values that removed the edges (keys ``(i, j)``, ``i < j``) and the
    planned number of tests (:func:`planned_full_tests`), logging a warning first
    when that number exceeds ``warn_above``. The queries bypass the cache (they
    are distinct by construction).
    """
    p = adj.shape[0]
    alive = [
        (int(i), int(j)) for i, j in zip(*np.nonzero(np.triu(adj)), strict=True) if not required[i, j]
    ]
    planned = planned_full_tests(pds, adj, alive, max_cond_size)
    if planned > warn_above:
        _log.warning(
            "FCI possible-d-sep stage (mode 'full'): %d tests planned in the worst case "
            "(largest set %d nodes); this can take very long. Consider possible_dsep='tetrad' "
            "(restricted sets, as causal-learn/Tetrad), max_path_length or max_cond_size.",
            planned, max((len(s) for s in pds.values()), default=0),
        )
    skel_adj = adj.copy()
    new_sep: dict[tuple[int, int], tuple[int, ...]] = {}
    new_p: dict[tuple[int, int], float] = {}
    top = max((len(pds[i]) for i in range(p)), default=0)
    if max_cond_size is not None:
        top = min(top, max_cond_size)
    progress.start(top, "FCI possible-d-sep")
    try:
        for size in range(1, top + 1):
            if not alive:
                break
            decided: dict[tuple[int, int], tuple[tuple[int, ...], float]] = {}
            pending: list[tuple[tuple[int, int], np.ndarray]] = []
            n_pending = 0

            def flush() -> None:
                nonlocal n_pending
                if not pending:
                    return
                xs = np.concatenate([np.full(len(s), e[0], dtype=np.intp) for e, s in pending])
                ys = np.concatenate([np.full(len(s), e[1], dtype=np.intp) for e, s in pending])
                zs = np.vstack([s for _, s in pending])
                pv = counter.p_values(xs, ys, zs)
                start = 0
                for e, s in pending:
                    hit = np.flatnonzero(pv[start : start + len(s)] > alpha)
                    if hit.size and e not in decided:
                        decided[e] = (tuple(int(v) for v in s[hit[0]]), float(pv[start + hit[0]]))
                    start += len(s)
                pending.clear()
                n_pending = 0

            for e in alive:
                sets = _edge_sets(e[0], e[1], pds, skel_adj, size)
                for lo in range(0, len(sets), _CHUNK):
                    part = sets[lo : lo + _CHUNK]
                    pending.append((e, part))
                    n_pending += len(part)
                    if n_pending >= _CHUNK:
                        flush()
                    if e in decided:
                        break
            flush()
            for e, (s, pval) in decided.items():
                adj[e[0], e[1]] = adj[e[1], e[0]] = False
                new_sep[e] = tuple(sorted(s))
                new_p[e] = pval
            alive = [e for e in alive if e not in decided]
            progress.advance(1)
    finally:
        progress.close()
    return adj, new_sep, new_p, planned


# ---------------------------------------------------------------------- "tetrad" mode
def semidirected_reach(adj: np.ndarray, marks: np.ndarray) -> np.ndarray:
    """``R[u, v]``: a path of one or more edges from ``u`` to ``v`` that is possibly directed.

    Each edge ``a *-* b`` of the path, walked from ``a`` to ``b``, has a tail or a
    circle at ``a`` (no arrowhead points back at the node it leaves); the marks at
    the far ends and repeated nodes are not restricted (the reachability of
    Tetrad's ``existsSemiDirectedPath``). Transitive closure by repeated boolean
    squaring (``log2(p)`` matrix products).
    """
    return transitive_closure(adj & (marks.T != ARROW))  # mark at u on the edge u-v is marks[v, u]


def tetrad_set(
    adj: np.ndarray, marks: np.ndarray, reach: np.ndarray, x: int, y: int, *, neighbours_only: bool
) -> np.ndarray:
    """The restricted Possible-D-SEP set of ``x`` for the edge ``x``-``y`` (Tetrad / causal-learn).

    The set holds every neighbour of ``x`` but ``y``, plus every node ``c`` (not
    ``x``, ``y``, nor a neighbour of ``x``) that closes a definite collider
    ``x *-> b <-* c`` at a neighbour ``b`` of ``x`` *and* has a "possible parent":
    a node ``r`` adjacent to ``c`` that was visited before ``c`` (a neighbour of
    ``x`` but ``y``, or an earlier such ``c``; ``b`` ascending, then ``c``
    ascending) with a possibly directed path (:func:`semidirected_reach`) from
    ``r`` to ``x`` or from ``r`` to ``c``. Nodes further away are never reached:
    the breadth-first search this reproduces keeps ``x`` as the "previous node" of
    every state (Tetrad's ``getPossibleDsep`` queues the pair ``(a, c)`` where the
    textbook walk would queue ``(b, c)``), so it never extends beyond the
    colliders next to ``x``. ``neighbours_only`` (``max_path_length=1``) stops
    before those colliders. Returns the indices, ascending.
    """
    member = adj[x].copy()
    member[y] = False
    if neighbours_only:
        return np.flatnonzero(member)
    outside = ~adj[x]
    outside[[x, y]] = False
    found = np.zeros_like(member)
    order: list[int] = []
    into = marks == ARROW  # into[a, b]: arrowhead at b on the edge a-b
    for b in np.flatnonzero(member & into[x]).tolist():
        new = np.flatnonzero(adj[b] & into[:, b] & outside & ~found)
        found[new] = True
        order.extend(new.tolist())
    visited = member.copy()
    for c in order:
        prev = adj[c] & visited
        if reach[prev, x].any() or reach[prev, c].any():
            member[c] = True
        visited[c] = True
    return np.flatnonzero(member)


def _lex_combination_blocks(n: int, k: int, limit: int) -> Iterable[np.ndarray]:
    """The ``k``-subsets of ``range(n)`` in lexicographic order, as consecutive blocks of rows.

    Blocks are split on the leading elements until each has at most about
    ``limit`` rows, so memory stays bounded however large ``C(n, k)`` is.
    """
    if comb(n, k) <= limit or k == 0:
        yield _combinations(n, k)
        return
    for a in range(n - k + 1):
        for block in _lex_combination_blocks(n - a - 1, k - 1, limit):
            yield np.column_stack([np.full(len(block), a, dtype=np.intp), block + (a + 1)])


def tetrad_pdsep_stage(
    counter: PValueCounter,
    marks: np.ndarray,
    adj: np.ndarray,
    required: np.ndarray,
    names: tuple[str, ...],
    *,
    alpha: float,
    max_cond_size: int | None,
    max_path_length: int | None,
    progress: Progress,
) -> tuple[
    np.ndarray,
    dict[tuple[int, int], tuple[int, ...]],
    dict[tuple[int, int], float],
    dict[tuple[int, int], tuple[int, ...]],
]:
    """Stage 3, ``"tetrad"`` mode: the restricted, sequential stage of Tetrad and causal-learn.

    Edges ``i``-``j`` (``i < j``) present at the start are visited in row-major
    order. For each, the restricted set of ``i`` (:func:`tetrad_set`, on the
    *current* graph), ordered by node name descending, is searched first: sizes
    ``2, 3, ...`` (size one is skipped), subsets in lexicographic order of their
    positions, skipping subsets of the current neighbours of ``i`` or of ``j``;
    the first set with p-value above ``alpha`` removes the edge at once (later
    edges see the smaller graph) and becomes its separating set. If the edge
    stays, the set of ``j`` is searched the same way (sets already tested from
    ``i``'s side are not recomputed: they all had p-values below ``alpha``). Each
    size's sets go to the test as one batch (in blocks of at most ``_CHUNK``).

    Returns the new adjacency, separating sets, removing p-values and the sets
    used, ``{(x, y): indices in the order searched}``.
    """
    p = adj.shape[0]
    desc_rank = np.empty(p, dtype=np.intp)
    desc_rank[sorted(range(p), key=lambda i: names[i], reverse=True)] = np.arange(p)
    neighbours_only = max_path_length is not None and max_path_length < 2
    edges = [(int(i), int(j)) for i, j in zip(*np.nonzero(np.triu(adj)), strict=True) if not required[i, j]]
    new_sep: dict[tuple[int, int], tuple[int, ...]] = {}
    new_p: dict[tuple[int, int], float] = {}
    used: dict[tuple[int, int], tuple[int, ...]] = {}
    reach: np.ndarray | None = None
    progress.start(len(edges), "FCI possible-d-sep (tetrad)")
    try:
        for i, j in edges:
            if reach is None:  # recomputed only after an edge was removed
                reach = semidirected_reach(adj, marks)
            tried = np.zeros(p, dtype=bool)
            for x, y in ((i, j), (j, i)):
                cand = tetrad_set(adj, marks, reach, x, y, neighbours_only=neighbours_only)
                cand = cand[np.argsort(desc_rank[cand], kind="stable")]
                used[(x, y)] = tuple(int(v) for v in cand)
                hit = _search_sets(counter, i, j, cand, adj, tried, alpha=alpha, max_cond_size=max_cond_size)
                if hit is not None:
                    s, pval = hit
                    adj[i, j] = adj[j, i] = False
                    new_sep[(i, j)] = tuple(sorted(s))
                    new_p[(i, j)] = pval
                    reach = None
                    break
                tried[cand] = True
            progress.advance(1)
    finally:
        progress.close()
    return adj, new_sep, new_p, used


def _search_sets(
    counter: PValueCounter,
    i: int,
    j: int,
    cand: np.ndarray,
    adj: np.ndarray,
    tried: np.ndarray,
    *,
    alpha: float,
    max_cond_size: int | None,
) -> tuple[tuple[int, ...], float] | None:
    """The first subset of ``cand`` (size >= 2, Tetrad's order) that separates ``i`` and ``j``.

    Subsets inside the current neighbours of ``i`` or of ``j``, or inside
    ``tried`` (already tested from the other endpoint), are skipped.
    """
    top = len(cand) if max_cond_size is None else min(len(cand), max_cond_size)
    adj_i, adj_j = adj[i], adj[j]
    for k in range(2, top + 1):
        for block in _lex_combination_blocks(len(cand), k, _CHUNK):
            sets = cand[block]
            skip = adj_i[sets].all(axis=1) | adj_j[sets].all(axis=1) | tried[sets].all(axis=1)
            sets = sets[~skip]
            if not len(sets):
                continue
            m = len(sets)
            pv = counter.p_values(np.full(m, i, dtype=np.intp), np.full(m, j, dtype=np.intp), sets)
            hit = np.flatnonzero(pv > alpha)
            if hit.size:
                return tuple(int(v) for v in sets[hit[0]]), float(pv[hit[0]])
    return None
