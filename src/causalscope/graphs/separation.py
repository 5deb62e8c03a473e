"""d-separation in DAGs and m-separation in mixed graphs, and minimal separators.

Two sets of nodes ``X`` and ``Y`` are *d-separated* by ``Z`` in a DAG when every
path between them is *blocked* by ``Z``. A path is blocked when it has

* a non-collider (a chain ``a --> v --> b`` or a fork ``a <-- v --> b``) in ``Z``, or
* a collider (``a --> v <-- b``) that is neither in ``Z`` nor an ancestor of ``Z``.

If ``Z`` d-separates ``X`` and ``Y``, every distribution Markov to the DAG makes ``X``
independent of ``Y`` given ``Z`` (Pearl 1988).

*m-separation* (Richardson & Spirtes 2002) is the same criterion for graphs whose
edges carry other marks: ancestral graphs (MAGs: ``-->``, ``<->``, ``---``) and
acyclic directed mixed graphs (ADMGs: ``-->`` and ``<->``, possibly both between
two nodes). A node ``v`` is a *collider* on a path when both edges of the path
at ``v`` have an arrowhead at ``v`` (``a --> v <-- b``, ``a <-> v <-- b``,
``a <-> v <-> b``); every other inner node is a non-collider. A path is open
given ``Z`` iff each collider is in ``Z`` or has a descendant in ``Z`` (is in
``An(Z) ∪ Z``, ancestors along directed edges) and no non-collider is in ``Z``.
On a DAG, m-separation is d-separation.

Undirected edges
    In a MAG an undirected edge ``a --- b`` has a *tail* at both ends, so a node
    entered or left through an undirected edge is never a collider on that path:
    it blocks the path if and only if it is in ``Z``. This module applies that
    rule to every graph without circle marks (MAGs and plain mixed graphs). The
    undirected edges of a CPDAG mean something else ("either orientation"); a
    CPDAG with undirected edges is refused (all DAGs of a Markov equivalence
    class have the same d-separations, so ask one member of the class).
Circle marks
    A circle in a PAG stands for "tail or arrowhead, not known", so whether a node
    is a collider is not determined. Graphs with circle marks are refused.

:func:`d_separated` decides separation by a single reachability search over
(node, "did we arrive through an arrowhead?") states, the Bayes-ball idea
(Shachter 1998; Koller & Friedman 2009, Algorithm 3.1) generalised from
parent/child to arrowhead/tail marks, so it takes time linear in the size of
the graph and never enumerates paths.

:func:`find_minimal_separator` and :func:`is_minimal_separator` use the
polynomial algorithms of Tian, Paz & Pearl (1998) and van der Zander,
Liśkiewicz & Textor (2019): m-separation given ``Z`` equals ordinary separation
in the *augmented* (moral) graph of the anterior set of ``X ∪ Y ∪ Z``, where a
minimal separator is found by two reachability searches.

References
----------
Pearl, J. (1988). *Probabilistic Reasoning in Intelligent Systems*. Morgan Kaufmann.

Shachter, R. D. (1998). Bayes-ball: the rational pastime. *UAI*, 480-487.

Koller, D., & Friedman, N. (2009). *Probabilistic Graphical Models*. MIT Press, §3.3.3.

Richardson, T., & Spirtes, P. (2002). Ancestral graph Markov models. *Annals of
Statistics*, 30(4), 962-1030.

Richardson, T. (2003). Markov properties for acyclic directed mixed graphs.
*Scandinavian Journal of Statistics*, 30(1), 145-157.

Tian, J., Paz, A., & Pearl, J. (1998). Finding minimal d-separators. Technical
report R-254, UCLA.

van der Zander, B., Liśkiewicz, M., & Textor, J. (2019). Separators and adjustment
sets in causal graphs: complete criteria and an algorithmic framework. *Artificial
Intelligence*, 270, 1-40.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..exceptions import GraphError, InvalidParameterError
from .base import Endpoint, MixedGraph
from .types import CPDAG

__all__ = [
    "d_separated",
    "m_separated",
    "is_d_separator",
    "find_minimal_separator",
    "is_minimal_separator",
]

NodeSet = str | Iterable[str]

_CACHE_KEY = "_causalscope_separation_index"
_SHOWN = 15  # how many of the graph's nodes an "unknown node" message lists


@dataclass(frozen=True, slots=True)
class _Index:
    """Integer adjacency of a graph, built once per graph object.

    A *state* ``2 * w + h`` means "at node ``w``, arrived through an edge whose mark
    at ``w`` is an arrowhead (``h = 1``) or a tail (``h = 0``)".
    """

    nodes: tuple[str, ...]
    index: dict[str, int]
    parents: tuple[tuple[int, ...], ...]  # p with p --> v
    anterior_pred: tuple[tuple[int, ...], ...]  # u with u --> v or u --- v
    spouses: tuple[tuple[int, ...], ...]  # u with u <-> v
    neighbours: tuple[tuple[int, ...], ...]  # all adjacent nodes
    at_arrow: tuple[tuple[int, ...], ...]  # states reached along edges with an arrowhead at v
    at_tail: tuple[tuple[int, ...], ...]  # states reached along edges with a tail at v
    circle_edge: str | None  # an edge with a circle mark, if any
    undirected_edge: str | None  # an undirected edge, if any
    undirected_into: tuple[str, str] | None  # (undirected edge, edge with an arrowhead at its endpoint)


def _build_index(graph: MixedGraph) -> _Index:
    nodes = tuple(graph.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    p = len(nodes)
    parents: list[list[int]] = [[] for _ in range(p)]
    ant: list[list[int]] = [[] for _ in range(p)]
    spouses: list[list[int]] = [[] for _ in range(p)]
    nbrs: list[set[int]] = [set() for _ in range(p)]
    at_arrow: list[list[int]] = [[] for _ in range(p)]
    at_tail: list[list[int]] = [[] for _ in range(p)]
    circle_edge = undirected_edge = None
    tail, arrow = Endpoint.TAIL, Endpoint.ARROW
    for e in graph.edges:
        i, j = index[e.u], index[e.v]
        mi, mj = e.mark_u, e.mark_v
        if mi is Endpoint.CIRCLE or mj is Endpoint.CIRCLE:
            if circle_edge is None:
                circle_edge = str(e)
            continue
        nbrs[i].add(j)
        nbrs[j].add(i)
        (at_arrow if mi is arrow else at_tail)[i].append(2 * j + (mj is arrow))
        (at_arrow if mj is arrow else at_tail)[j].append(2 * i + (mi is arrow))
        if mi is tail and mj is arrow:
            parents[j].append(i)
            ant[j].append(i)
        elif mj is tail and mi is arrow:
            parents[i].append(j)
            ant[i].append(j)
        elif mi is tail and mj is tail:
            ant[i].append(j)
            ant[j].append(i)
            if undirected_edge is None:
                undirected_edge = str(e)
        else:
            spouses[i].append(j)
            spouses[j].append(i)
    undirected_into = None
    if undirected_edge is not None:
        for e in graph.edges:
            if not e.is_undirected:
                continue
            for v in (index[e.u], index[e.v]):
                if at_arrow[v]:
                    w = at_arrow[v][0] >> 1
                    into = next(
                        f for f in graph.edges_between(nodes[v], nodes[w]) if f.mark_u is arrow
                    )
                    undirected_into = (str(e), str(into))
                    break
            if undirected_into is not None:
                break
    return _Index(
        nodes=nodes,
        index=index,
        parents=tuple(map(tuple, parents)),
        anterior_pred=tuple(map(tuple, ant)),
        spouses=tuple(map(tuple, spouses)),
        neighbours=tuple(tuple(sorted(s)) for s in nbrs),
        at_arrow=tuple(map(tuple, at_arrow)),
        at_tail=tuple(map(tuple, at_tail)),
        circle_edge=circle_edge,
        undirected_edge=undirected_edge,
        undirected_into=undirected_into,
    )


def _prepare(graph: object, what: str) -> _Index:
    """Validate ``graph`` for ``what`` and return its (cached) integer index."""
    if not isinstance(graph, MixedGraph):
        raise InvalidParameterError(
            f"graph must be a causalscope graph (DAG, ADMG, MAG or MixedGraph); "
            f"got {type(graph).__name__}"
        )
    # Graphs are immutable, so the index is built once and kept with the graph.
    idx = graph.cached(_CACHE_KEY, _build_index)
    if idx.circle_edge is not None:
        raise GraphError(
            f"{what} is not defined for a graph with circle marks: in edge {idx.circle_edge} "
            "a circle means 'tail or arrowhead, unknown', so colliders are not determined "
            f"(a {type(graph).__name__} represents a class of MAGs); pick a MAG of the class "
            "and ask it"
        )
    if isinstance(graph, CPDAG) and idx.undirected_edge is not None:
        raise GraphError(
            f"{what} is not defined for a CPDAG with undirected edges: edge "
            f"{idx.undirected_edge} stands for either orientation and has no fixed "
            "d-separation semantics; convert the CPDAG to a DAG in its class (any "
            "consistent extension: all members share their d-separations) and ask that DAG"
        )
    if idx.undirected_into is not None:
        und, into = idx.undirected_into
        raise GraphError(
            f"{what} with undirected edges needs their endpoints to have no arrowheads, as "
            f"in an ancestral graph (Richardson & Spirtes 2002, Def. 3.1); edge {und} has an "
            f"endpoint with an arrowhead from edge {into}"
        )
    return idx


def node_names(graph: MixedGraph, nodes: NodeSet, name: str) -> tuple[str, ...]:
    """Check that ``nodes`` (one name or an iterable of names) are nodes of ``graph``.

    The one validation of node-set arguments shared by the graph algorithms and the
    layers above (``causalscope.identification`` wraps it); not part of the public
    ``causalscope.graphs`` namespace.

    Parameters
    ----------
    graph:
        The graph the names must belong to.
    nodes:
        A node name, or an iterable of node names.
    name:
        The parameter name, used in error messages.

    Returns
    -------
    tuple of str
        The names in the order given (repeats kept).

    Raises
    ------
    InvalidParameterError
        If ``nodes`` is neither a string nor iterable.
    GraphError
        If some item is not a node of ``graph`` (every such item is named, with the
        first nodes of the graph).

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> node_names(DAG(edges=["A --> B"]), "A", "x")
    ('A',)
    >>> node_names(DAG(edges=["A --> B"]), ["B", "Q"], "z")
    Traceback (most recent call last):
    ...
    causalscope.exceptions.GraphError: unknown node 'Q' in z; the graph has nodes ['A', 'B']
    """
    if isinstance(nodes, str):
        nodes = (nodes,)
    try:
        items = tuple(nodes)
    except TypeError:
        raise InvalidParameterError(
            f"{name} must be a node name or an iterable of node names; got {type(nodes).__name__}"
        ) from None
    unknown = [n for n in items if not isinstance(n, str) or n not in graph]
    if unknown:
        what = f"node {unknown[0]!r}" if len(unknown) == 1 else f"nodes {unknown}"
        shown = list(graph.nodes[:_SHOWN]) + (["..."] if graph.n_nodes > _SHOWN else [])
        raise GraphError(f"unknown {what} in {name}; the graph has nodes {shown}")
    return items


def _node_set(graph: MixedGraph, idx: _Index, nodes: NodeSet, name: str) -> frozenset[int]:
    return frozenset(idx.index[n] for n in node_names(graph, nodes, name))


def _check_disjoint(idx: _Index, sets: dict[str, frozenset[int]]) -> None:
    names = list(sets)
    for a_pos, a in enumerate(names):
        for b in names[a_pos + 1 :]:
            both = sets[a] & sets[b]
            if both:
                shown = sorted(idx.nodes[i] for i in both)
                raise InvalidParameterError(
                    f"{a} and {b} must be disjoint sets of nodes; both contain {shown}"
                )


def _closure(start: Iterable[int], step: tuple[tuple[int, ...], ...], n: int) -> bytearray:
    """Indicator of ``start`` and everything reachable from it along ``step``."""
    seen = bytearray(n)
    stack = []
    for s in start:
        if not seen[s]:
            seen[s] = 1
            stack.append(s)
    while stack:
        v = stack.pop()
        for w in step[v]:
            if not seen[w]:
                seen[w] = 1
                stack.append(w)
    return seen


def _m_connected(idx: _Index, xs: frozenset[int], ys: frozenset[int], zs: frozenset[int]) -> bool:
    """Whether some node of ``xs`` has an m-connecting path to some node of ``ys`` given ``zs``.

    A reachability search over states (node, arrived through an arrowhead?). From a
    state at ``v`` the search continues along an edge when ``v`` is a non-collider
    not in ``Z`` or a collider in ``An(Z) ∪ Z``. A walk found this way can be
    shortened to an m-connecting path (Koller & Friedman 2009, Thm 3.4 for DAGs;
    the argument only uses the marks at each node, so it holds for mixed graphs).
    """
    n = len(idx.nodes)
    in_z = bytearray(n)
    for z in zs:
        in_z[z] = 1
    in_y = bytearray(n)
    for y in ys:
        in_y[y] = 1
    an_z = _closure(zs, idx.parents, n)
    at_arrow, at_tail = idx.at_arrow, idx.at_tail
    seen = bytearray(2 * n)
    stack: list[int] = []
    for x in xs:
        for s in at_arrow[x] + at_tail[x]:
            if not seen[s]:
                seen[s] = 1
                stack.append(s)
    while stack:
        s = stack.pop()
        v = s >> 1
        if in_y[v]:
            return True
        if in_z[v]:
            if not s & 1:
                continue  # a non-collider in Z blocks
            nxt = at_arrow[v]  # a collider in Z passes (to edges with an arrowhead at v)
        elif s & 1 and not an_z[v]:
            nxt = at_tail[v]  # a collider outside An(Z) ∪ Z blocks; non-collider continuations pass
        else:
            nxt = at_arrow[v] + at_tail[v]
        for t in nxt:
            if not seen[t]:
                seen[t] = 1
                stack.append(t)
    return False


def _parse_xyz(
    graph: MixedGraph, x: NodeSet, y: NodeSet, z: NodeSet, what: str
) -> tuple[_Index, frozenset[int], frozenset[int], frozenset[int]]:
    idx = _prepare(graph, what)
    xs, ys, zs = _node_set(graph, idx, x, "x"), _node_set(graph, idx, y, "y"), _node_set(graph, idx, z, "z")
    _check_disjoint(idx, {"x": xs, "y": ys, "z": zs})
    return idx, xs, ys, zs


def d_separated(graph: MixedGraph, x: NodeSet, y: NodeSet, z: NodeSet = ()) -> bool:
    """Whether ``z`` d-separates (m-separates) ``x`` from ``y`` in ``graph``.

    Parameters
    ----------
    graph:
        A :class:`~causalscope.graphs.DAG` (d-separation), or an
        :class:`~causalscope.graphs.ADMG`, :class:`~causalscope.graphs.MAG` or
        :class:`~causalscope.graphs.MixedGraph` with tails and arrowheads only
        (m-separation). A CPDAG without undirected edges is treated as the DAG it is.
    x, y:
        A node name or an iterable of node names. If either is empty, the answer is
        ``True``.
    z:
        The conditioning set: a node name or an iterable of names (default empty).

    Returns
    -------
    bool
        ``True`` if every path between a node of ``x`` and a node of ``y`` is blocked
        given ``z``.

    Raises
    ------
    GraphError
        If a node is not in the graph, if the graph has circle marks (a PAG), or if
        it is a CPDAG with undirected edges.
    InvalidParameterError
        If ``x``, ``y`` and ``z`` are not pairwise disjoint, or ``graph`` is not a
        causalscope graph.

    Notes
    -----
    Time is linear in the number of nodes and edges: one reachability search over
    (node, arrived-through-arrowhead) states, generalising Bayes-ball (Shachter
    1998; Koller & Friedman 2009, Alg. 3.1) to edge marks. A node is a collider on
    a path when both path edges have an arrowhead at it; undirected edges have
    tails, so their endpoints are never colliders on them (Richardson & Spirtes
    2002). A plain :class:`~causalscope.graphs.MixedGraph` may contain directed
    cycles; the graphical criterion is then applied as written.

    References
    ----------
    Shachter (1998), Bayes-ball, UAI. Koller & Friedman (2009), *Probabilistic
    Graphical Models*, Alg. 3.1. Richardson & Spirtes (2002), *Ann. Statist.* 30(4).

    Examples
    --------
    >>> from causalscope.graphs import DAG, ADMG
    >>> g = DAG(edges=["A --> B", "B --> C", "A --> D", "C --> D"])
    >>> d_separated(g, "A", "C", "B")
    True
    >>> d_separated(g, "A", "C", ["B", "D"])  # D is a collider on A --> D <-- C
    False
    >>> d_separated(ADMG(edges=["X --> M", "M --> Y", "X <-> Y"]), "X", "Y", "M")
    False
    """
    idx, xs, ys, zs = _parse_xyz(graph, x, y, z, "d-separation")
    if not xs or not ys:
        return True
    return not _m_connected(idx, xs, ys, zs)


def m_separated(graph: MixedGraph, x: NodeSet, y: NodeSet, z: NodeSet = ()) -> bool:
    """Whether ``z`` m-separates ``x`` from ``y`` (Richardson & Spirtes 2002).

    The same function as :func:`d_separated`, named for mixed graphs (ADMGs and
    MAGs); on a DAG, m-separation is d-separation. See :func:`d_separated` for the
    parameters, errors and the handling of undirected edges.

    Examples
    --------
    >>> from causalscope.graphs import MAG
    >>> g = MAG(edges=["A --- B", "B --> C", "C <-> D"])
    >>> m_separated(g, "A", "D")  # C is a collider on B --> C <-> D
    True
    >>> m_separated(g, "A", "D", "C")
    False
    """
    idx, xs, ys, zs = _parse_xyz(graph, x, y, z, "m-separation")
    if not xs or not ys:
        return True
    return not _m_connected(idx, xs, ys, zs)


def is_d_separator(graph: MixedGraph, x: NodeSet, y: NodeSet, z: NodeSet) -> bool:
    """Whether ``z`` is a d-separator (m-separator) of ``x`` and ``y``.

    The name networkx uses (``nx.is_d_separator``); the answer is that of
    :func:`d_separated` with the same arguments.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> is_d_separator(DAG(edges=["A --> B", "B --> C"]), "A", "C", "B")
    True
    """
    return d_separated(graph, x, y, z)


# ---------------------------------------------------------------------------- minimal separators


def _augmented_adjacency(idx: _Index, keep: bytearray) -> list[list[int]]:
    """The augmented (moral) graph of the subgraph induced by ``keep`` as adjacency lists.

    Two kept nodes are joined when they are adjacent or joined by a collider path
    (every inner node a collider) inside the kept set; equivalently, all nodes of a
    district ``D`` (a ``<->``-component of the kept subgraph) together with their
    parents form a clique. Each clique is represented by an extra *hub* vertex
    (index >= number of nodes) joined to its members, which gives the same
    reachability with linear size.
    """
    n = len(idx.nodes)
    adj: list[list[int]] = [[] for _ in range(n)]
    for v in range(n):
        if keep[v]:
            adj[v] = [w for w in idx.neighbours[v] if keep[w]]
    done = bytearray(n)
    for root in range(n):
        if not keep[root] or done[root]:
            continue
        district = [root]
        done[root] = 1
        k = 0
        while k < len(district):
            v = district[k]
            k += 1
            for w in idx.spouses[v]:
                if keep[w] and not done[w]:
                    done[w] = 1
                    district.append(w)
        members = set(district)
        for v in district:
            members.update(idx.parents[v])  # parents of kept nodes are kept (ancestral set)
        if len(members) < 3 and len(district) == 1:
            continue  # a lone node with <= 1 parent adds nothing to the skeleton
        hub = len(adj)
        adj.append(sorted(members))
        for v in members:
            adj[v].append(hub)
    return adj


def _touched(adj: list[list[int]], sources: Iterable[int], blocked: bytearray) -> tuple[set[int], bytearray]:
    """Search from ``sources`` without entering ``blocked`` nodes.

    Returns the blocked nodes met on the border and the indicator of visited vertices.
    """
    seen = bytearray(len(adj))
    met: set[int] = set()
    stack = []
    for s in sources:
        if not seen[s]:
            seen[s] = 1
            stack.append(s)
    while stack:
        v = stack.pop()
        for w in adj[v]:
            if seen[w]:
                continue
            if w < len(blocked) and blocked[w]:
                met.add(w)
                continue
            seen[w] = 1
            stack.append(w)
    return met, seen


def _check_acyclic(graph: MixedGraph, what: str) -> None:
    cycle = graph.directed_cycle()
    if cycle is not None:
        raise GraphError(
            f"{what} needs an acyclic graph; found the directed cycle {' --> '.join(cycle)}"
        )


def find_minimal_separator(
    graph: MixedGraph,
    x: NodeSet,
    y: NodeSet,
    *,
    include: NodeSet = (),
    restrict: NodeSet | None = None,
) -> frozenset[str] | None:
    """A minimal set ``Z`` with ``include ⊆ Z ⊆ restrict`` that m-separates ``x`` and ``y``.

    Parameters
    ----------
    graph:
        A DAG, ADMG or MAG (or an acyclic MixedGraph with tails and arrowheads).
    x, y:
        Disjoint node sets (a name or an iterable of names).
    include:
        Nodes that must be in the separator (disjoint from ``x`` and ``y``).
    restrict:
        Nodes the separator may use; ``None`` means every node outside ``x ∪ y``.
        Nodes of ``x`` or ``y`` listed here are ignored. Must contain ``include``.

    Returns
    -------
    frozenset of str or None
        A separator ``Z`` such that no proper subset of ``Z`` that still contains
        ``include`` separates ``x`` and ``y``; ``None`` if no separator with
        ``include ⊆ Z ⊆ restrict`` exists (for example when ``x`` and ``y`` are
        adjacent). If ``x`` or ``y`` is empty, ``include`` itself.

    Raises
    ------
    GraphError
        For an unknown node, circle marks, a CPDAG with undirected edges, or a
        directed cycle.
    InvalidParameterError
        If ``x``, ``y`` and ``include`` overlap, or ``include`` is not within ``restrict``.

    Notes
    -----
    Let ``A`` be the anterior set of ``x ∪ y ∪ include`` (ancestors, plus nodes
    reaching them through undirected edges in a MAG) and ``H`` the augmented graph
    of the subgraph on ``A``. Then ``Z ⊆ A`` m-separates iff it separates ``x`` and
    ``y`` in ``H`` (Richardson & Spirtes 2002, Thm 3.18; Richardson 2003). A
    separator exists iff ``Z0 = (restrict ∩ A) ∪ include`` is one; the nodes of
    ``Z0`` met first when searching ``H`` from ``x``, then those of them met first
    when searching from ``y``, plus ``include``, form a minimal separator (Tian,
    Paz & Pearl 1998; van der Zander, Liśkiewicz & Textor 2019, Alg. FindMinSep).
    The work is linear in the size of the graph plus the augmentation. When several
    minimal separators exist, the one returned is the one "nearest to ``x``" (its
    nodes are the first ones of ``Z0`` met from ``x``); use ``restrict`` or
    ``include`` to steer the choice.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> g = DAG(edges=["A --> B", "B --> C", "A --> C2", "C2 --> C", "C --> D"])
    >>> sorted(find_minimal_separator(g, "A", "D"))  # the minimal one nearest to x
    ['B', 'C2']
    >>> sorted(find_minimal_separator(g, "A", "D", restrict=["C"]))
    ['C']
    >>> find_minimal_separator(g, "A", "B") is None  # adjacent
    True
    """
    what = "find_minimal_separator"
    idx = _prepare(graph, what)
    _check_acyclic(graph, what)
    xs, ys = _node_set(graph, idx, x, "x"), _node_set(graph, idx, y, "y")
    inc = _node_set(graph, idx, include, "include")
    _check_disjoint(idx, {"x": xs, "y": ys, "include": inc})
    n = len(idx.nodes)
    if restrict is None:
        allowed = frozenset(range(n)) - xs - ys
    else:
        allowed = _node_set(graph, idx, restrict, "restrict") - xs - ys
        missing = inc - allowed
        if missing:
            raise InvalidParameterError(
                "include must be a subset of restrict; include has "
                f"{sorted(idx.nodes[i] for i in missing)} not in restrict"
            )
    if not xs or not ys:
        return frozenset(idx.nodes[i] for i in inc)
    keep = _closure(xs | ys | inc, idx.anterior_pred, n)
    adj = _augmented_adjacency(idx, keep)
    blocked = bytearray(n)
    for v in allowed:
        if keep[v]:
            blocked[v] = 1
    for v in inc:
        blocked[v] = 1
    near_x, seen = _touched(adj, xs, blocked)
    if any(seen[v] for v in ys):
        return None
    near_x -= inc
    blocked2 = bytearray(n)
    for v in near_x | inc:
        blocked2[v] = 1
    near_both, _ = _touched(adj, ys, blocked2)
    return frozenset(idx.nodes[i] for i in (near_both - inc) | inc)


def is_minimal_separator(
    graph: MixedGraph,
    x: NodeSet,
    y: NodeSet,
    z: NodeSet,
    *,
    include: NodeSet = (),
) -> bool:
    """Whether ``z`` m-separates ``x`` and ``y`` and no proper subset containing ``include`` does.

    Parameters
    ----------
    graph:
        A DAG, ADMG or MAG (or an acyclic MixedGraph with tails and arrowheads).
    x, y, z:
        Pairwise disjoint node sets (a name or an iterable of names).
    include:
        Nodes every candidate separator must contain; a subset of ``z``. Minimality
        is judged among sets ``W`` with ``include ⊆ W ⊆ z``.

    Returns
    -------
    bool

    Raises
    ------
    GraphError
        As :func:`find_minimal_separator`.
    InvalidParameterError
        If the sets overlap or ``include`` is not a subset of ``z``.

    Notes
    -----
    ``z`` is minimal iff it separates, ``z \\ include`` lies in the anterior set
    ``A`` of ``x ∪ y ∪ include``, and every node of ``z \\ include`` can be reached
    both from ``x`` and from ``y`` in the augmented graph of ``A`` by paths that do
    not pass through ``z`` (van der Zander, Liśkiewicz & Textor 2019).

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> g = DAG(edges=["A --> B", "B --> C", "B --> D"])
    >>> is_minimal_separator(g, "A", "C", "B")
    True
    >>> is_minimal_separator(g, "A", "C", ["B", "D"])
    False
    """
    what = "is_minimal_separator"
    idx, xs, ys, zs = _parse_xyz(graph, x, y, z, what)
    _check_acyclic(graph, what)
    inc = _node_set(graph, idx, include, "include")
    if not inc <= zs:
        raise InvalidParameterError(
            "include must be a subset of z; include has "
            f"{sorted(idx.nodes[i] for i in inc - zs)} not in z"
        )
    if not xs or not ys:
        return zs == inc
    if _m_connected(idx, xs, ys, zs):
        return False
    n = len(idx.nodes)
    keep = _closure(xs | ys | inc, idx.anterior_pred, n)
    free = zs - inc
    if any(not keep[v] for v in free):
        return False
    adj = _augmented_adjacency(idx, keep)
    blocked = bytearray(n)
    for v in zs:
        blocked[v] = 1
    near_x, _ = _touched(adj, xs, blocked)
    if not free <= near_x:
        return False
    near_y, _ = _touched(adj, ys, blocked)
    return free <= near_y
