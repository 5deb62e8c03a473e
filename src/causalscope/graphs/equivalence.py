"""Markov equivalence classes of DAGs.

Two DAGs over the same nodes are *Markov equivalent* when they imply the same
conditional independences. Verma & Pearl (1990) showed that this happens exactly
when they have the same skeleton and the same *v-structures* (unshielded
colliders ``a --> c <-- b`` with ``a`` and ``b`` not adjacent). Data alone can
therefore identify a DAG only up to its equivalence class.

A class is represented by its *CPDAG* (completed partially directed acyclic
graph, or essential graph): the common skeleton, with an edge directed when
every member of the class orients it the same way and undirected otherwise
(Andersson, Madigan & Perlman 1997). More generally a *PDAG* mixes directed and
undirected edges; its *consistent extensions* are the DAGs with the same
skeleton and the same v-structures that keep all its directed edges (Dor &
Tarsi 1992). Background knowledge (an edge known to point one way) turns a CPDAG
into a *maximally oriented PDAG* by Meek's rules (Meek 1995).

This module provides

* :func:`meek_rules` / :func:`apply_meek_rules`: Meek's orientation rules R1-R4
  on a graph or on an integer mark matrix (vectorised with numpy),
* :func:`dag_to_cpdag`: the CPDAG of a DAG's class,
* :func:`cpdag_to_dag`: one consistent extension of a PDAG (Dor-Tarsi),
* :func:`enumerate_dags` / :func:`count_dags`: every DAG in the class,
* :func:`markov_equivalent`, :func:`is_cpdag` and :func:`v_structures`.

Internally graphs are integer mark matrices ``M`` as returned by
:meth:`MixedGraph.mark_matrix`: ``M[i, j]`` is the mark at ``j`` of the edge
``i``-``j`` (0 none, 1 tail, 2 arrow, 3 circle), so ``i --> j`` is
``M[i, j] == 2, M[j, i] == 1`` and ``i --- j`` is ``M[i, j] == M[j, i] == 1``.

References
----------
Verma, T. & Pearl, J. (1990). Equivalence and synthesis of causal models. UAI.
Dor, D. & Tarsi, M. (1992). A simple algorithm to construct a consistent
extension of a partially oriented graph. Technical Report R-185, UCLA.
Meek, C. (1995). Causal inference and causal explanation with background
knowledge. UAI.
Chickering, D. M. (1995). A transformational characterization of equivalent
Bayesian network structures. UAI.
Andersson, S. A., Madigan, D. & Perlman, M. D. (1997). A characterization of
Markov equivalence classes for acyclic digraphs. Annals of Statistics 25(2).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

import numpy as np

from ..exceptions import GraphError, InvalidParameterError
from .base import MixedGraph, check_mark_matrix
from .marks import ARROW as _ARROW
from .marks import NO_EDGE as _NONE
from .marks import TAIL as _TAIL
from .reach import directed_edges, is_acyclic, reaches
from .types import CPDAG, DAG

__all__ = [
    "meek_rules",
    "apply_meek_rules",
    "meek_step",
    "dag_to_cpdag",
    "cpdag_to_dag",
    "consistent_extension",
    "enumerate_dags",
    "count_dags",
    "markov_equivalent",
    "is_cpdag",
    "v_structures",
    "cpdag_marks_of_dag",
    "MeekSchedule",
]

_ALL_RULES = (1, 2, 3, 4)
_SCHEDULES = ("simultaneous", "sequential")
MeekSchedule = Literal["simultaneous", "sequential"]


# ---------------------------------------------------------------------- matrix helpers

def _undirected(m: np.ndarray) -> np.ndarray:
    """``U[i, j]`` true iff ``i --- j`` (symmetric)."""
    return (m == _TAIL) & (m.T == _TAIL)


def _nonadjacent(adj: np.ndarray) -> np.ndarray:
    """``N[i, j]`` true iff ``i != j`` and ``i``, ``j`` are not adjacent."""
    n = ~adj
    np.fill_diagonal(n, False)
    return n


def _bmm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Boolean matrix product as counts (float BLAS is the fastest route in numpy)."""
    return a.astype(np.float32) @ b.astype(np.float32)


def _check_rules(rules: Iterable[int]) -> tuple[int, ...]:
    if isinstance(rules, (str, bytes)):
        raise InvalidParameterError(f"rules must be an iterable of integers from 1 to 4; got {rules!r}")
    try:
        chosen = list(rules)
    except TypeError:
        raise InvalidParameterError(
            f"rules must be an iterable of integers from 1 to 4; got {type(rules).__name__}"
        ) from None
    out = set()
    for r in chosen:
        if isinstance(r, (bool, np.bool_)) or not isinstance(r, (int, np.integer)) or int(r) not in _ALL_RULES:
            raise InvalidParameterError(f"rules must contain only the integers 1, 2, 3 and 4; got {r!r}")
        out.add(int(r))
    return tuple(sorted(out))


def _check_marks(marks: np.ndarray) -> np.ndarray:
    return check_mark_matrix(marks, error=InvalidParameterError)


class _Ambiguous:
    """Ambiguous unshielded triples ``(x, y, z)`` (``x``, ``z`` the ends, ``y`` the middle),
    which the rules must not use as non-colliders; stored with both orders of the ends."""

    def __init__(self, triples: Iterable[tuple[int, int, int]]) -> None:
        both = {(int(x), int(y), int(z)) for x, y, z in triples}
        both |= {(z, y, x) for x, y, z in both}
        self.triples = both
        arr = np.array(sorted(both), dtype=np.intp).reshape(-1, 3)
        self.ends, self.mids, self.others = arr[:, 0], arr[:, 1], arr[:, 2]

    def __bool__(self) -> bool:
        return bool(self.triples)


_NO_AMBIGUITY = _Ambiguous(())


def _rule1(d: np.ndarray, u: np.ndarray, adj: np.ndarray, nonadj: np.ndarray, amb: _Ambiguous) -> np.ndarray:
    # c --> a --- b, c and b not adjacent, (c, a, b) not ambiguous  =>  a --> b
    count = _bmm(d.T, nonadj)
    if amb:
        c, a, b = amb.ends, amb.mids, amb.others
        hit = d[c, a] & nonadj[c, b]
        np.subtract.at(count, (a[hit], b[hit]), 1.0)
    return u & (count > 0)


def _rule2(d: np.ndarray, u: np.ndarray, adj: np.ndarray, nonadj: np.ndarray, amb: _Ambiguous) -> np.ndarray:
    # a --> c --> b and a --- b  =>  a --> b
    return u & (_bmm(d, d) > 0)


def _rule3(d: np.ndarray, u: np.ndarray, adj: np.ndarray, nonadj: np.ndarray, amb: _Ambiguous) -> np.ndarray:
    # a --- c --> b, a --- d --> b, c and d not adjacent, (c, a, d) not ambiguous, a --- b  =>  a --> b
    new = np.zeros_like(u)
    cand = u & (_bmm(u, d) >= 2)
    for a, b in np.argwhere(cand):
        s = np.flatnonzero(u[a] & d[:, b])
        pairs = nonadj[np.ix_(s, s)]
        if amb:
            new[a, b] = any((int(s[i]), int(a), int(s[j])) not in amb.triples for i, j in np.argwhere(pairs))
        elif pairs.any():
            new[a, b] = True
    return new


def _rule4(d: np.ndarray, u: np.ndarray, adj: np.ndarray, nonadj: np.ndarray, amb: _Ambiguous) -> np.ndarray:
    # a --- d --> c --> b, a adjacent to c, d and b not adjacent, a --- b  =>  a --> b
    new = np.zeros_like(u)
    path2 = _bmm(d, d) > 0  # path2[x, b]: x --> c --> b for some c
    cand = u & (_bmm(u, nonadj & path2) > 0)
    for a, b in np.argwhere(cand):
        ds = np.flatnonzero(u[a] & nonadj[:, b] & path2[:, b])
        cs = np.flatnonzero(adj[a] & d[:, b])
        if d[np.ix_(ds, cs)].any():
            new[a, b] = True
    return new


_RULES = {1: _rule1, 2: _rule2, 3: _rule3, 4: _rule4}


def _close(
    m: np.ndarray,
    rules: tuple[int, ...],
    amb: _Ambiguous = _NO_AMBIGUITY,
    allowed: np.ndarray | None = None,
) -> np.ndarray:
    """Apply ``rules`` to ``m`` in place until none applies (simultaneous schedule); return ``m``."""
    if not rules or m.shape[0] < 3:
        return m
    adj = m != 0
    nonadj = _nonadjacent(adj)
    while True:
        changed = False
        for r in rules:
            u = _undirected(m)
            if not u.any():
                return m
            new = _RULES[r](directed_edges(m), u, adj, nonadj, amb)
            if allowed is not None:
                new &= allowed
            # On inconsistent input a rule may imply both a --> b and b --> a; such
            # edges are left undirected rather than oriented by an arbitrary choice.
            new &= ~new.T
            if new.any():
                m[new] = _ARROW
                changed = True
        if not changed:
            return m


def _close_sequential(
    m: np.ndarray,
    rules: tuple[int, ...],
    amb: _Ambiguous = _NO_AMBIGUITY,
    allowed: np.ndarray | None = None,
) -> np.ndarray:
    """Apply ``rules`` to ``m`` in place, one edge at a time (sequential schedule); return ``m``.

    Sweeps the undirected edges ``a --- b`` in index order (``(a, b)`` and ``(b, a)``
    both); orients ``a --> b`` at once when some rule implies it in the current
    graph, knowledge allows it and ``b`` does not already reach ``a`` by a directed
    path; repeats sweeps until one orients nothing.
    """
    if not rules or m.shape[0] < 3:
        return m
    adj = m != 0
    nonadj = _nonadjacent(adj)

    def implied() -> np.ndarray:
        d, u = directed_edges(m), _undirected(m)
        out = np.zeros_like(u)
        for r in rules:
            out |= _RULES[r](d, u, adj, nonadj, amb)
        return out

    while True:
        changed = False
        cand = implied()
        for a, b in np.argwhere(_undirected(m)).tolist():
            if not cand[a, b] or (allowed is not None and not allowed[a, b]):
                continue
            if reaches(directed_edges(m), b, a):
                continue  # would close a directed cycle
            m[a, b] = _ARROW
            changed = True
            cand = implied()
        if not changed:
            return m




def _vstruct_triples(m: np.ndarray) -> set[tuple[int, int, int]]:
    """Unshielded colliders ``a --> c <-- b`` (both edges directed) as ``(a, c, b)``, ``a < b``."""
    d = directed_edges(m)
    nonadj = _nonadjacent(m != 0)
    out: set[tuple[int, int, int]] = set()
    for c in np.flatnonzero(d.sum(axis=0) >= 2):
        pa = np.flatnonzero(d[:, c])
        sub = np.triu(nonadj[np.ix_(pa, pa)], 1)
        for i, j in np.argwhere(sub):
            out.add((int(pa[i]), int(c), int(pa[j])))
    return out


def _pdag_marks(graph: MixedGraph, name: str) -> np.ndarray:
    """The mark matrix of ``graph``, checking it has only directed and undirected edges."""
    if not isinstance(graph, MixedGraph):
        raise InvalidParameterError(f"{name} must be a causalscope graph (CPDAG or DAG); got {type(graph).__name__}")
    for e in graph.edges:
        if not (e.is_directed or e.is_undirected):
            raise GraphError(
                f"{name} must have only directed (-->) and undirected (---) edges; found {e}"
            )
    return graph.mark_matrix()


def _check_dag(graph: object, name: str) -> DAG:
    if not isinstance(graph, DAG):
        raise InvalidParameterError(f"{name} must be a DAG; got {type(graph).__name__}")
    return graph


# ---------------------------------------------------------------------- Meek rules
def apply_meek_rules(
    marks: np.ndarray,
    *,
    rules: Iterable[int] = _ALL_RULES,
    ambiguous: Iterable[tuple[int, int, int]] = (),
    allowed: np.ndarray | None = None,
    schedule: MeekSchedule = "simultaneous",
) -> np.ndarray:
    """Apply Meek's rules to a mark matrix until none applies (returns a new matrix).

    Parameters
    ----------
    marks:
        Square integer mark matrix as from :meth:`MixedGraph.mark_matrix`
        (``M[i, j]`` = mark at ``j``; ``i --> j`` is ``M[i, j] == 2, M[j, i] == 1``;
        ``i --- j`` is ``M[i, j] == M[j, i] == 1``). Only tail-tail (undirected)
        edges are ever oriented; other edges (bidirected, circles) count for
        adjacency only.
    rules:
        Which rules to apply, any subset of ``(1, 2, 3, 4)``. R1-R3 suffice to
        complete a pattern of v-structures into a CPDAG; R4 is needed only after
        background knowledge (Meek 1995).
    ambiguous:
        Index triples ``(x, y, z)``: unshielded triples ``x --- y --- z`` whose
        collider status is undecided (the conservative and majority rules of PC).
        R1 and R3 never use them as non-colliders (``x --> y --- z`` does not
        orient ``y --> z``); the order of the ends does not matter.
    allowed:
        Optional square boolean matrix of background knowledge: ``a --> b`` is
        oriented only where ``allowed[a, b]`` is true.
    schedule:
        ``"simultaneous"`` (default): each rule is evaluated for all edges at
        once and its orientations applied together (independent of the node
        order); an edge a rule would orient both ways is left undirected.
        ``"sequential"``: the undirected edges are visited in index order and
        each orientation is applied at once (so it informs the next edge), and an
        orientation that would close a directed cycle is skipped; sweeps repeat
        until one orients nothing (the PC algorithm's schedule). On consistent
        input (a PDAG with a consistent extension) both give the same result.

    Returns
    -------
    numpy.ndarray
        A new matrix of the same dtype (``marks`` is not modified) in which every
        undirected edge that a rule orients has been oriented.

    Raises
    ------
    InvalidParameterError
        If ``marks`` is not a square integer matrix of codes 0-3 with a zero
        diagonal and a symmetric zero pattern, ``rules`` holds something other
        than 1-4, ``ambiguous`` holds something other than index triples,
        ``allowed`` has the wrong shape, or ``schedule`` is unknown.

    Notes
    -----
    With ``a --- b`` the edge to orient, the rules orient ``a --> b`` when

    * R1: ``c --> a`` for some ``c`` not adjacent to ``b``;
    * R2: ``a --> c --> b`` for some ``c``;
    * R3: ``a --- c --> b`` and ``a --- d --> b`` with ``c``, ``d`` not adjacent;
    * R4: ``a --- d --> c --> b`` with ``a`` adjacent to ``c`` and ``d`` not
      adjacent to ``b``.

    Each rule is evaluated for all edges at once with boolean matrix products
    (R3 and R4 first filter candidate edges by a product, then check the few
    candidates exactly), and the rules are swept until nothing changes. If on
    inconsistent input one sweep implies both ``a --> b`` and ``b --> a``, that
    edge is left undirected.

    References
    ----------
    Meek, C. (1995). Causal inference and causal explanation with background
    knowledge. UAI, 403-410.

    Examples
    --------
    >>> import numpy as np
    >>> m = np.array([[0, 2, 0], [1, 0, 1], [0, 1, 0]])  # 0 --> 1 --- 2
    >>> apply_meek_rules(m)[1, 2]  # R1 orients 1 --> 2
    np.int64(2)
    """
    m = _check_marks(marks)
    chosen = _check_rules(rules)
    if schedule not in _SCHEDULES:
        raise InvalidParameterError(f"schedule must be one of {list(_SCHEDULES)}; got {schedule!r}")
    p = m.shape[0]
    try:
        triples = [tuple(int(v) for v in t) for t in ambiguous]
    except (TypeError, ValueError):
        raise InvalidParameterError("ambiguous must be an iterable of (x, y, z) index triples") from None
    if any(len(t) != 3 or not all(0 <= v < p for v in t) for t in triples):
        raise InvalidParameterError(f"ambiguous must hold (x, y, z) triples of node indices 0..{p - 1}")
    amb = _Ambiguous(triples) if triples else _NO_AMBIGUITY  # type: ignore[arg-type]
    if allowed is not None:
        allowed = np.asarray(allowed, dtype=bool)
        if allowed.shape != m.shape:
            raise InvalidParameterError(f"allowed must be a {p} x {p} boolean matrix; got shape {allowed.shape}")
    close = _close_sequential if schedule == "sequential" else _close
    return close(m.copy(), chosen, amb, allowed)


def meek_step(marks: np.ndarray, rule: int, *, ambiguous: Iterable[tuple[int, int, int]] = ()) -> np.ndarray:
    """The orientations one of Meek's rules implies in one simultaneous step.

    The same rule as :func:`apply_meek_rules` applies (its R1-R4), evaluated once on
    ``marks`` without changing it. For algorithms with their own schedule, such as
    PCMCI+'s, which marks an edge implied both ways as a conflict (Runge 2020).

    Parameters
    ----------
    marks:
        Square integer mark matrix, as for :func:`apply_meek_rules`.
    rule:
        1, 2, 3 or 4.
    ambiguous:
        Index triples that R1 and R3 must not use as non-colliders, as for
        :func:`apply_meek_rules`.

    Returns
    -------
    numpy.ndarray
        Boolean matrix: ``[a, b]`` is true where the rule orients the undirected edge
        ``a --- b`` as ``a --> b``. On inconsistent input both ``[a, b]`` and
        ``[b, a]`` may be true.

    Raises
    ------
    InvalidParameterError
        As :func:`apply_meek_rules`.

    Examples
    --------
    >>> import numpy as np
    >>> m = np.array([[0, 2, 0], [1, 0, 1], [0, 1, 0]])  # 0 --> 1 --- 2
    >>> bool(meek_step(m, 1)[1, 2])
    True
    """
    m = _check_marks(marks)
    (r,) = _check_rules((rule,))
    triples = [tuple(int(v) for v in t) for t in ambiguous]
    amb = _Ambiguous(triples) if triples else _NO_AMBIGUITY  # type: ignore[arg-type]
    adj = m != 0
    return _RULES[r](directed_edges(m), _undirected(m), adj, _nonadjacent(adj), amb)


def _knowledge_pairs(
    pairs: Iterable[tuple[str, str]], graph: MixedGraph, name: str
) -> list[tuple[str, str, int, int]]:
    if isinstance(pairs, (str, bytes)):
        raise InvalidParameterError(f"{name} must be an iterable of (u, v) pairs; got the string {pairs!r}")
    out = []
    for item in pairs:
        if not isinstance(item, tuple) or len(item) != 2:
            raise InvalidParameterError(f"{name} must hold (u, v) pairs meaning u --> v; got {item!r}")
        u, v = item
        for node in (u, v):
            if node not in graph:
                raise InvalidParameterError(
                    f"{name} edge {u} --> {v} names unknown node {node!r}; the graph has nodes {list(graph.nodes)}"
                )
        if u == v:
            raise InvalidParameterError(f"{name} edge {u} --> {v} is a self-loop")
        out.append((u, v, graph.index(u), graph.index(v)))
    return out


def meek_rules(
    graph: CPDAG,
    *,
    rules: Iterable[int] = _ALL_RULES,
    required: Iterable[tuple[str, str]] = (),
    forbidden: Iterable[tuple[str, str]] = (),
) -> CPDAG:
    """Orient a PDAG maximally by Meek's rules, optionally with background knowledge.

    Parameters
    ----------
    graph:
        A PDAG (``CPDAG`` or ``DAG``, or any graph with only ``-->`` and ``---``).
    rules:
        Which of Meek's rules R1-R4 to apply (see :func:`apply_meek_rules`).
    required:
        Pairs ``(u, v)``: the edge between ``u`` and ``v`` must be ``u --> v``. It
        is oriented before the rules run.
    forbidden:
        Pairs ``(u, v)``: ``u --> v`` is not allowed, so an undirected ``u --- v``
        becomes ``v --> u``. A pair that is not an edge of the graph is ignored.

    Returns
    -------
    CPDAG
        The maximally oriented PDAG (same nodes and skeleton).

    Raises
    ------
    InvalidParameterError
        For knowledge naming an unknown node, a required edge that is not in the
        graph, or conflicting knowledge: a required or forbidden orientation that
        contradicts an edge already directed, an edge both required and forbidden,
        both directions of an edge required, or both forbidden.
    GraphError
        If the graph has edges other than ``-->`` and ``---``, or the knowledge
        forces a directed cycle.

    Notes
    -----
    A thin wrapper around :func:`apply_meek_rules`. When the knowledge agrees with
    some DAG of the class, applying R1-R4 yields exactly the edges shared by all
    DAGs of the class that agree with it (Meek 1995). Beyond acyclicity the
    knowledge is not checked against the class; :func:`cpdag_to_dag` or
    :func:`count_dags` tell whether any DAG remains.

    References
    ----------
    Meek, C. (1995). Causal inference and causal explanation with background
    knowledge. UAI, 403-410.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> g = parse_graph("A --> B; B --- C", kind="cpdag")
    >>> print(meek_rules(g))
    A --> B; B --> C
    >>> print(meek_rules(parse_graph("A --- B; B --- C", kind="cpdag"), required=[("A", "B")]))
    A --> B; B --> C
    """
    m = _pdag_marks(graph, "graph")
    chosen = _check_rules(rules)
    req = _knowledge_pairs(required, graph, "required")
    forb = _knowledge_pairs(forbidden, graph, "forbidden")
    req_set = {(u, v) for u, v, _, _ in req}
    forb_set = {(u, v) for u, v, _, _ in forb}
    for u, v in sorted(req_set & forb_set):
        raise InvalidParameterError(f"edge {u} --> {v} is both required and forbidden")
    for u, v in sorted(req_set):
        if (v, u) in req_set:
            raise InvalidParameterError(f"both {u} --> {v} and {v} --> {u} are required")
    orient: list[tuple[int, int]] = []
    for u, v, i, j in req:
        if m[i, j] == _NONE:
            raise InvalidParameterError(
                f"required edge {u} --> {v} is not an edge of the graph ({u!r} and {v!r} are not adjacent)"
            )
        if m[i, j] == _TAIL and m[j, i] == _ARROW:
            raise InvalidParameterError(
                f"required edge {u} --> {v} contradicts the graph's edge {v} --> {u}"
            )
        orient.append((i, j))
    for u, v, i, j in forb:
        if m[i, j] == _NONE:
            continue
        if (v, u) in forb_set:
            raise InvalidParameterError(
                f"both {u} --> {v} and {v} --> {u} are forbidden, but {u} and {v} are adjacent"
            )
        if m[i, j] == _ARROW and m[j, i] == _TAIL:
            raise InvalidParameterError(
                f"forbidden edge {u} --> {v} is already directed {u} --> {v} in the graph"
            )
        orient.append((j, i))
    for i, j in orient:
        m[i, j] = _ARROW
        m[j, i] = _TAIL
    out = _close(m, chosen)
    if not is_acyclic(directed_edges(out)):
        cycle = MixedGraph.from_mark_matrix(graph.nodes, out).directed_cycle() or []
        raise GraphError(
            "the orientations and background knowledge are inconsistent: Meek's rules "
            "produced the directed cycle " + " --> ".join(cycle)
        )
    return CPDAG.from_mark_matrix(graph.nodes, out)


# ---------------------------------------------------------------------- DAG <-> CPDAG
def v_structures(graph: MixedGraph) -> frozenset[tuple[str, str, str]]:
    """Unshielded colliders ``a --> c <-- b`` of a graph, as triples ``(a, c, b)``.

    Parameters
    ----------
    graph:
        Any graph; only its directed edges (``-->``) form colliders, but every edge
        counts for adjacency (so ``a`` and ``b`` must not be joined by any edge).

    Returns
    -------
    frozenset of tuple
        Triples ``(a, c, b)`` with ``a`` before ``b`` in the graph's node order.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> sorted(v_structures(parse_graph("A --> C; B --> C; C --- D", kind="cpdag")))
    [('A', 'C', 'B')]
    """
    if not isinstance(graph, MixedGraph):
        raise InvalidParameterError(f"graph must be a causalscope graph; got {type(graph).__name__}")
    n = graph.nodes
    p = len(n)
    d = graph.directed_matrix()
    adj = np.zeros((p, p), dtype=bool)
    for e in graph.edges:
        i, j = graph.index(e.u), graph.index(e.v)
        adj[i, j] = adj[j, i] = True
    m = np.where(d, _ARROW, np.where(d.T, _TAIL, np.where(adj, 3, _NONE))).astype(np.int8)
    return frozenset((n[a], n[c], n[b]) for a, c, b in _vstruct_triples(m))


def cpdag_marks_of_dag(d: np.ndarray) -> np.ndarray:
    """CPDAG mark matrix of the DAG with directed adjacency ``d`` (the matrix form of :func:`dag_to_cpdag`).

    Parameters
    ----------
    d:
        Square boolean matrix; ``d[i, j]``: the DAG has ``i --> j``. Not checked for acyclicity.

    Returns
    -------
    numpy.ndarray
        ``int8`` mark matrix (codes of :mod:`causalscope.graphs.marks`).

    Examples
    --------
    >>> import numpy as np
    >>> cpdag_marks_of_dag(np.array([[0, 1], [0, 0]], dtype=bool)).tolist()  # A --> B: undirected
    [[0, 1], [1, 0]]
    """
    adj = d | d.T
    m = adj.astype(np.int8)  # every edge undirected
    in_vs = d & (_bmm(_nonadjacent(adj), d) > 0)  # a --> c with some b --> c, b not adjacent to a
    m[in_vs] = _ARROW
    return _close(m, (1, 2, 3))


def dag_to_cpdag(dag: DAG) -> CPDAG:
    """The CPDAG (essential graph) of a DAG's Markov equivalence class.

    Parameters
    ----------
    dag:
        The DAG.

    Returns
    -------
    CPDAG
        Same nodes and skeleton; an edge is directed iff every DAG Markov
        equivalent to ``dag`` orients it the same way.

    Raises
    ------
    InvalidParameterError
        If ``dag`` is not a :class:`DAG`.

    Notes
    -----
    Starts from the skeleton, directs the edges of every v-structure, then applies
    Meek's rules R1-R3 until none applies, which gives the CPDAG (Meek 1995;
    Andersson, Madigan & Perlman 1997). Chickering (1995) gives an alternative
    edge-labelling algorithm with the same result.

    References
    ----------
    Meek, C. (1995). Causal inference and causal explanation with background
    knowledge. UAI.
    Andersson, S. A., Madigan, D. & Perlman, M. D. (1997). A characterization of
    Markov equivalence classes for acyclic digraphs. Ann. Statist. 25(2).

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> print(dag_to_cpdag(DAG(edges=["A --> C", "B --> C", "C --> D"])))
    A --> C; B --> C; C --> D
    >>> print(dag_to_cpdag(DAG(edges=["A --> B", "B --> C"])))
    A --- B; B --- C
    """
    g = _check_dag(dag, "dag")
    return CPDAG.from_mark_matrix(g.nodes, cpdag_marks_of_dag(g.directed_matrix()))


_POWERS = np.left_shift(1, np.arange(62, dtype=np.int64))


def _bitsets(a: np.ndarray) -> list[int]:
    """The rows of a boolean matrix as Python integers (bit ``j`` of row ``i`` is ``a[i, j]``)."""
    p = a.shape[1]
    if p <= 62:  # one machine word per row: a product with the powers of two
        one_word: list[int] = (a @ _POWERS[:p]).tolist()
        return one_word
    words = (p + 63) // 64
    padded = np.zeros((a.shape[0], 64 * words), dtype=bool)
    padded[:, :p] = a
    w = np.packbits(padded, axis=1, bitorder="little").view("<u8")
    rows: list[int] = w[:, 0].tolist()
    for k in range(1, words):
        rows = [r | (x << (64 * k)) for r, x in zip(rows, w[:, k].tolist())]
    return rows


def consistent_extension(directed: np.ndarray, undirected: np.ndarray) -> np.ndarray | None:
    """A consistent extension of a PDAG (Dor & Tarsi 1992), as a directed adjacency matrix.

    Parameters
    ----------
    directed:
        Boolean ``(p, p)`` matrix, ``directed[i, j]`` true iff ``i --> j``.
    undirected:
        Symmetric boolean ``(p, p)`` matrix, true iff ``i --- j`` (disjoint from
        ``directed`` and its transpose).

    Returns
    -------
    numpy.ndarray or None
        The boolean matrix of a DAG that keeps every directed edge and orients every
        undirected one without a new v-structure or a cycle; None when there is no
        such DAG.

    Notes
    -----
    Repeatedly remove the *first* node ``x`` (in index order) that has no directed
    edge out to the remaining nodes and whose remaining undirected neighbours are
    each adjacent to every other remaining node adjacent to ``x``, orienting those
    undirected edges into ``x``. A node that qualifies keeps qualifying while others
    are removed (both conditions quantify over the remaining nodes), and removing
    ``w`` changes only the conditions of ``w``'s neighbours, so the set of qualifying
    nodes is kept up to date by re-checking those only. The rows are held as Python
    integers used as bit sets: a step costs a few integer operations per neighbour,
    with no compiled code. This is the one implementation of the extension, used by
    :func:`cpdag_to_dag`, :func:`is_cpdag` and GES.

    Examples
    --------
    >>> import numpy as np
    >>> d = np.zeros((3, 3), dtype=bool); u = np.zeros((3, 3), dtype=bool)
    >>> u[0, 1] = u[1, 0] = u[1, 2] = u[2, 1] = True  # 0 --- 1 --- 2
    >>> np.argwhere(consistent_extension(d, u)).tolist()  # 1 --> 0, 2 --> 1
    [[1, 0], [2, 1]]
    """
    d = np.asarray(directed, dtype=bool)
    u = np.asarray(undirected, dtype=bool)
    p = d.shape[0]
    out = d.copy()
    if p == 0:
        return out
    dirs, unds = _bitsets(d), _bitsets(u)
    adjs = [(a | b | c) & ~(1 << i) for i, (a, b, c) in enumerate(zip(dirs, _bitsets(d.T), unds))]
    alive = (1 << p) - 1

    def qualifies(x: int) -> bool:
        if dirs[x] & alive:
            return False
        around = adjs[x] & alive
        todo = unds[x] & alive
        while todo:
            low = todo & -todo
            todo ^= low
            y = low.bit_length() - 1
            if around & ~adjs[y] & ~low:
                return False
        return True

    ready = 0
    for x, out_edges in enumerate(dirs):
        if not out_edges and qualifies(x):
            ready |= 1 << x
    rows: list[int] = []
    cols: list[int] = []
    for _ in range(p):
        if not ready:
            return None
        low = ready & -ready
        x = low.bit_length() - 1
        todo = unds[x] & alive
        while todo:  # orient x's remaining undirected edges into x
            bit = todo & -todo
            todo ^= bit
            rows.append(bit.bit_length() - 1)
            cols.append(x)
        alive ^= low
        ready ^= low
        todo = adjs[x] & alive & ~ready
        while todo:  # only x's neighbours can start to qualify
            bit = todo & -todo
            todo ^= bit
            if qualifies(bit.bit_length() - 1):
                ready |= bit
    out[rows, cols] = True
    return out


def _extension_marks(m: np.ndarray) -> np.ndarray | None:
    """Dor-Tarsi consistent extension of the PDAG mark matrix ``m`` (:func:`consistent_extension`), or None."""
    d = directed_edges(m)
    ext = consistent_extension(d, _undirected(m))
    if ext is None:
        return None
    out = m.copy()
    new = ext & ~d
    out[new] = _ARROW  # y --> x
    out[new.T] = _TAIL
    return out


def cpdag_to_dag(cpdag: CPDAG) -> DAG:
    """A consistent extension of a PDAG: a DAG in the class it represents.

    Parameters
    ----------
    cpdag:
        A CPDAG, or any PDAG (graph with only ``-->`` and ``---`` edges).

    Returns
    -------
    DAG
        A DAG with the same skeleton and v-structures as ``cpdag`` that keeps all
        its directed edges. Deterministic: ties are broken by node order.

    Raises
    ------
    GraphError
        If the PDAG has no consistent extension (for example an undirected
        chordless 4-cycle), or has edges other than ``-->`` and ``---``.

    Notes
    -----
    Dor & Tarsi (1992): repeatedly pick the first node ``x`` (in node order) that
    has no outgoing directed edge and whose undirected neighbours are each
    adjacent to all other nodes adjacent to ``x``; orient all its undirected edges
    into ``x`` and remove ``x``. If at some point no node qualifies, no consistent
    extension exists.

    References
    ----------
    Dor, D. & Tarsi, M. (1992). A simple algorithm to construct a consistent
    extension of a partially oriented graph. Technical Report R-185, UCLA.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> print(cpdag_to_dag(parse_graph("A --- B; B --- C", kind="cpdag")))
    B --> A; C --> B
    """
    m = _pdag_marks(cpdag, "cpdag")
    ext = _extension_marks(m)
    if ext is None:
        raise GraphError(
            f"the PDAG {cpdag} has no consistent extension: every orientation of its "
            "undirected edges creates a directed cycle or a new v-structure"
        )
    return DAG.from_mark_matrix(cpdag.nodes, ext)


# ---------------------------------------------------------------------- enumeration
def _extensions(m: np.ndarray) -> Iterator[np.ndarray]:
    """Mark matrices of all consistent extensions of the PDAG ``m`` (depth-first)."""
    target = _vstruct_triples(m)
    start = _close(m.copy(), _ALL_RULES)
    stack = [start]
    while stack:
        cur = stack.pop()
        d = directed_edges(cur)
        if not is_acyclic(d):
            continue
        u = np.triu(_undirected(cur))
        if not u.any():
            if _vstruct_triples(cur) == target:
                yield cur
            continue
        i, j = (int(x) for x in np.argwhere(u)[0])
        branches = []
        for a, b in ((i, j), (j, i)):
            nxt = cur.copy()
            nxt[a, b] = _ARROW
            nxt[b, a] = _TAIL
            branches.append(_close(nxt, _ALL_RULES))
        stack.extend(reversed(branches))  # i --> j explored first


def _check_limit(limit: int | None) -> int | None:
    if limit is None:
        return None
    if isinstance(limit, (bool, np.bool_)) or not isinstance(limit, (int, np.integer)) or limit < 0:
        raise InvalidParameterError(f"limit must be None or a non-negative integer; got {limit!r}")
    return int(limit)


def enumerate_dags(cpdag: CPDAG, *, limit: int | None = None) -> Iterator[DAG]:
    """Every DAG in the class of a CPDAG (every consistent extension of a PDAG).

    Parameters
    ----------
    cpdag:
        A CPDAG, or any PDAG (for example a CPDAG with background orientations).
    limit:
        Stop after this many DAGs (``None``: all of them).

    Yields
    ------
    DAG
        Each DAG with the same skeleton and v-structures as ``cpdag`` that keeps
        its directed edges and is acyclic, once, in a deterministic order. A PDAG
        with no consistent extension yields nothing.

    Raises
    ------
    InvalidParameterError
        If ``limit`` is negative or not an integer.
    GraphError
        If the graph has edges other than ``-->`` and ``---``.

    Notes
    -----
    Backtracking search: close the PDAG under Meek's rules R1-R4, take the first
    undirected edge ``i --- j`` (by node order), and explore ``i --> j`` then
    ``j --> i``, each followed by Meek propagation. The rules are sound (every
    consistent extension agrees with what they orient), so every member is
    reached exactly once; for a CPDAG or a maximally oriented PDAG every branch
    ends in a member (Meek 1995), so there are no dead ends. Leaves are still
    checked for acyclicity and v-structures, so arbitrary PDAGs are handled
    correctly. The number of DAGs can grow exponentially with the size of the
    undirected components.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> for dag in enumerate_dags(parse_graph("A --- B; B --- C", kind="cpdag")):
    ...     print(dag)
    A --> B; B --> C
    B --> A; B --> C
    B --> A; C --> B
    """
    m = _pdag_marks(cpdag, "cpdag")
    lim = _check_limit(limit)
    return _enumerate(cpdag.nodes, m, lim)


def _enumerate(nodes: tuple[str, ...], m: np.ndarray, limit: int | None) -> Iterator[DAG]:
    if limit == 0:
        return
    n = 0
    for ext in _extensions(m):
        yield DAG.from_mark_matrix(nodes, ext)
        n += 1
        if limit is not None and n >= limit:
            return


def count_dags(cpdag: CPDAG) -> int:
    """The number of DAGs in the class of a CPDAG (consistent extensions of a PDAG).

    Parameters
    ----------
    cpdag:
        A CPDAG or any PDAG.

    Returns
    -------
    int
        The size of the class; 0 if the PDAG has no consistent extension.

    Notes
    -----
    Counts the leaves of the backtracking search of :func:`enumerate_dags`
    without building graph objects. For a CPDAG the count is the product over
    its undirected (chain) components, which are searched separately.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> count_dags(parse_graph("A --- B; B --- C; A --- C", kind="cpdag"))
    6
    """
    m = _pdag_marks(cpdag, "cpdag")
    if is_cpdag(cpdag):
        # Chain components of a CPDAG are oriented independently (Andersson et al. 1997);
        # each one's count is that of its undirected chordal subgraph.
        u = _undirected(m)
        total = 1
        seen = np.zeros(m.shape[0], dtype=bool)
        for s in range(m.shape[0]):
            if seen[s] or not u[s].any():
                continue
            comp = np.zeros_like(seen)
            comp[s] = True
            while True:
                grow = comp | u[comp].any(axis=0)
                if grow.sum() == comp.sum():
                    break
                comp = grow
            seen |= comp
            idx = np.flatnonzero(comp)
            total *= sum(1 for _ in _extensions(m[np.ix_(idx, idx)] * u[np.ix_(idx, idx)]))
        return total
    return sum(1 for _ in _extensions(m))


# ---------------------------------------------------------------------- predicates
def markov_equivalent(g1: DAG, g2: DAG) -> bool:
    """Whether two DAGs are Markov equivalent.

    Parameters
    ----------
    g1, g2:
        The DAGs.

    Returns
    -------
    bool
        True iff they have the same nodes, the same skeleton and the same
        v-structures (Verma & Pearl 1990).

    Raises
    ------
    InvalidParameterError
        If either argument is not a :class:`DAG`.

    References
    ----------
    Verma, T. & Pearl, J. (1990). Equivalence and synthesis of causal models. UAI.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> markov_equivalent(DAG(edges=["A --> B", "B --> C"]), DAG(edges=["C --> B", "B --> A"]))
    True
    >>> markov_equivalent(DAG(edges=["A --> B", "B --> C"]), DAG(edges=["A --> B", "C --> B"]))
    False
    """
    a = _check_dag(g1, "g1")
    b = _check_dag(g2, "g2")
    if set(a.nodes) != set(b.nodes) or a.skeleton() != b.skeleton():
        return False
    return a.v_structures() == _reorder_vs(b.v_structures(), a)


def _reorder_vs(vs: frozenset[tuple[str, str, str]], ref: MixedGraph) -> frozenset[tuple[str, str, str]]:
    """Rewrite triples so the outer nodes follow ``ref``'s node order."""
    out = set()
    for x, c, y in vs:
        out.add((x, c, y) if ref.index(x) < ref.index(y) else (y, c, x))
    return frozenset(out)


def is_cpdag(graph: CPDAG) -> bool:
    """Whether a graph is the CPDAG of some DAG's Markov equivalence class.

    Parameters
    ----------
    graph:
        Any graph.

    Returns
    -------
    bool
        True iff it has only ``-->`` and ``---`` edges, has a consistent extension,
        and equals the CPDAG of that extension.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> is_cpdag(parse_graph("A --- B; B --- C", kind="cpdag"))
    True
    >>> is_cpdag(parse_graph("A --> B; B --- C", kind="cpdag"))  # R1 would orient B --> C
    False
    """
    if not isinstance(graph, MixedGraph):
        raise InvalidParameterError(f"graph must be a causalscope graph; got {type(graph).__name__}")
    if any(not (e.is_directed or e.is_undirected) for e in graph.edges):
        return False
    m = graph.mark_matrix()
    ext = _extension_marks(m)  # None also for a directed cycle: its nodes never become sinks
    if ext is None:
        return False
    return bool(np.array_equal(cpdag_marks_of_dag(directed_edges(ext)), m))

