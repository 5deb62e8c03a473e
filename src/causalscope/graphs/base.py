"""Causal graphs as immutable values over named nodes.

A causal graph here is a set of named nodes and a set of edges; each edge joins
two distinct nodes and carries one *endpoint mark* at each end
(:class:`Endpoint`): a tail, an arrowhead or a circle. The usual edge kinds are
combinations of marks:

========  =================  ==========================================
notation  marks (left/right)  meaning
========  =================  ==========================================
``-->``   tail / arrow       directed: the left node causes the right one
``---``   tail / tail        undirected: orientation unknown (CPDAG) or selection
``<->``   arrow / arrow      bidirected: a latent common cause (ADMG, MAG, PAG)
``o->``   circle / arrow     PAG: right is not an ancestor of left
``o-o``   circle / circle    PAG: nothing known about ancestry
``--o``   tail / circle      PAG (with selection bias)
========  =================  ==========================================

:class:`MixedGraph` accepts any marks; the subclasses in
:mod:`causalscope.graphs.types` (``DAG``, ``CPDAG``, ``MAG``, ``ADMG``, ``PAG``)
restrict which kinds are allowed and validate structure (for example a DAG has no
directed cycle). Every violation raises :class:`~causalscope.exceptions.GraphError`
naming the offending edge or node.

Graphs never change after construction. Methods that "modify" a graph
(:meth:`MixedGraph.add_edges`, :meth:`MixedGraph.remove_edges`, ...) return new
graphs. Node names are strings at every public surface; algorithms use the
integer mark matrix (:meth:`MixedGraph.mark_matrix`) internally for speed.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, TypeVar

import numpy as np

from ..exceptions import GraphError
from .marks import ARROW, CIRCLE, TAIL
from .reach import find_directed_cycle
from .syntax import format_notation, split_edge

__all__ = ["Endpoint", "Edge", "EdgeLike", "MixedGraph", "check_mark_matrix", "parse_edge"]


class Endpoint(enum.Enum):
    """The mark at one end of an edge."""

    TAIL = "tail"
    ARROW = "arrow"
    CIRCLE = "circle"

    @property
    def code(self) -> int:
        """Integer code used in mark matrices: 1 tail, 2 arrow, 3 circle (0 = no edge)."""
        return _CODE[self]

    @classmethod
    def from_code(cls, code: int) -> Endpoint:
        """Inverse of :attr:`code`."""
        try:
            return _FROM_CODE[int(code)]
        except KeyError:
            raise GraphError(f"mark code must be 1 (tail), 2 (arrow) or 3 (circle); got {code}") from None


_CODE = {Endpoint.TAIL: TAIL, Endpoint.ARROW: ARROW, Endpoint.CIRCLE: CIRCLE}
_FROM_CODE = {v: k for k, v in _CODE.items()}

# Mark pairs (left, right) -> notation. Each unordered pair has one canonical
# orientation: an arrowhead, if there is exactly one, goes on the right; a circle
# facing a tail goes on the right.
_SYMBOL = {
    (Endpoint.TAIL, Endpoint.ARROW): "-->",
    (Endpoint.TAIL, Endpoint.TAIL): "---",
    (Endpoint.ARROW, Endpoint.ARROW): "<->",
    (Endpoint.CIRCLE, Endpoint.ARROW): "o->",
    (Endpoint.CIRCLE, Endpoint.CIRCLE): "o-o",
    (Endpoint.TAIL, Endpoint.CIRCLE): "--o",
}
# Every symbol the parser accepts, including the reversed spellings.
SYMBOL_MARKS: dict[str, tuple[Endpoint, Endpoint]] = {s: m for m, s in _SYMBOL.items()}
SYMBOL_MARKS.update(
    {
        "<--": (Endpoint.ARROW, Endpoint.TAIL),
        "<-o": (Endpoint.ARROW, Endpoint.CIRCLE),
        "o--": (Endpoint.CIRCLE, Endpoint.TAIL),
    }
)


@dataclass(frozen=True, slots=True, eq=False)
class Edge:
    """An edge between nodes ``u`` and ``v`` with mark ``mark_u`` at ``u`` and ``mark_v`` at ``v``.

    ``Edge("A", "B", Endpoint.TAIL, Endpoint.ARROW)`` is ``A --> B``. Two edges are
    equal when they join the same nodes with the same mark at each node, whatever
    order they were written in: ``A --> B`` equals ``B <-- A``.
    """

    u: str
    v: str
    mark_u: Endpoint
    mark_v: Endpoint

    @classmethod
    def directed(cls, u: str, v: str) -> Edge:
        """``u --> v``."""
        return cls(u, v, Endpoint.TAIL, Endpoint.ARROW)

    @classmethod
    def undirected(cls, u: str, v: str) -> Edge:
        """``u --- v``."""
        return cls(u, v, Endpoint.TAIL, Endpoint.TAIL)

    @classmethod
    def bidirected(cls, u: str, v: str) -> Edge:
        """``u <-> v``."""
        return cls(u, v, Endpoint.ARROW, Endpoint.ARROW)

    def _key(self) -> frozenset[tuple[str, Endpoint]]:
        return frozenset(((self.u, self.mark_u), (self.v, self.mark_v)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Edge):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    @property
    def nodes(self) -> tuple[str, str]:
        """The two nodes, in the order written."""
        return (self.u, self.v)

    def mark_at(self, node: str) -> Endpoint:
        """The mark at ``node`` (one of the edge's two nodes)."""
        if node == self.u:
            return self.mark_u
        if node == self.v:
            return self.mark_v
        raise GraphError(f"node {node!r} is not an endpoint of edge {self}")

    def other(self, node: str) -> str:
        """The node at the other end from ``node``."""
        if node == self.u:
            return self.v
        if node == self.v:
            return self.u
        raise GraphError(f"node {node!r} is not an endpoint of edge {self}")

    def reversed(self) -> Edge:
        """The same edge written the other way round (equal to ``self``)."""
        return Edge(self.v, self.u, self.mark_v, self.mark_u)

    def canonical(self) -> Edge:
        """The same edge written in canonical orientation (see the module notes)."""
        if (self.mark_u, self.mark_v) in _SYMBOL:
            return self
        return self.reversed()

    @property
    def symbol(self) -> str:
        """The notation of the canonical form: ``-->``, ``---``, ``<->``, ``o->``, ``o-o`` or ``--o``."""
        c = self.canonical()
        return _SYMBOL[(c.mark_u, c.mark_v)]

    @property
    def is_directed(self) -> bool:
        """True for ``-->`` (either way round)."""
        return {self.mark_u, self.mark_v} == {Endpoint.TAIL, Endpoint.ARROW}

    @property
    def is_undirected(self) -> bool:
        """True for ``---``."""
        return self.mark_u is Endpoint.TAIL and self.mark_v is Endpoint.TAIL

    @property
    def is_bidirected(self) -> bool:
        """True for ``<->``."""
        return self.mark_u is Endpoint.ARROW and self.mark_v is Endpoint.ARROW

    @property
    def source(self) -> str:
        """For a directed edge, the node at the tail."""
        if not self.is_directed:
            raise GraphError(f"edge {self} is not directed")
        return self.u if self.mark_u is Endpoint.TAIL else self.v

    @property
    def target(self) -> str:
        """For a directed edge, the node at the arrowhead."""
        if not self.is_directed:
            raise GraphError(f"edge {self} is not directed")
        return self.v if self.mark_v is Endpoint.ARROW else self.u

    def __str__(self) -> str:
        c = self.canonical()
        return f"{c.u} {_SYMBOL[(c.mark_u, c.mark_v)]} {c.v}"

    def __repr__(self) -> str:
        return f"Edge({str(self)!r})"


EdgeLike = Edge | str | tuple[str, str] | tuple[str, str, str]

G = TypeVar("G", bound="MixedGraph")
T = TypeVar("T")


def parse_edge(text: str) -> Edge:
    """Parse one edge such as ``"A --> B"``.

    Raises
    ------
    GraphError
        If ``text`` is not ``NAME MARK NAME``.
    """
    u, symbol, v = split_edge(text)
    mu, mv = SYMBOL_MARKS[symbol]
    return Edge(u, v, mu, mv)


def _coerce_edge(item: EdgeLike) -> Edge:
    """Turn an ``Edge``, a notation string, ``(u, v)`` (= ``u --> v``) or ``(u, sym, v)`` into an Edge."""
    if isinstance(item, Edge):
        return item
    if isinstance(item, str):
        return parse_edge(item)
    if isinstance(item, tuple):
        if len(item) == 2:
            return Edge.directed(str(item[0]), str(item[1]))
        if len(item) == 3:
            u, sym, v = item
            if sym not in SYMBOL_MARKS:
                raise GraphError(
                    f"unknown edge mark {sym!r} in {item!r}; expected one of {sorted(SYMBOL_MARKS)}"
                )
            mu, mv = SYMBOL_MARKS[sym]
            return Edge(str(u), str(v), mu, mv)
    raise GraphError(
        f"cannot read an edge from {item!r}; give an Edge, a string like 'A --> B', "
        "a pair (u, v) meaning u --> v, or a triple (u, '---', v)"
    )


class MixedGraph:
    """An immutable graph over named nodes whose edges carry endpoint marks.

    This class allows every kind of edge and at most one edge between two nodes.
    Use the subclasses (``DAG``, ``CPDAG``, ``MAG``, ``ADMG``, ``PAG``) for graphs
    with a causal meaning; they validate what their type requires.

    Parameters
    ----------
    nodes:
        The node names, in order. If ``None``, the nodes are taken from the edges in
        order of first appearance.
    edges:
        Edges as :class:`Edge` objects, notation strings (``"A --> B"``), pairs
        ``(u, v)`` meaning ``u --> v``, or triples ``(u, "o->", v)``.

    Raises
    ------
    GraphError
        For a duplicate node, an edge naming an unknown node, a self-loop, two edges
        between the same nodes, or an edge kind the graph type does not allow.

    Examples
    --------
    >>> g = MixedGraph(["A", "B", "C"], ["A --> B", "B o-o C"])
    >>> sorted(g.adjacent("B"))
    ['A', 'C']
    """

    #: Canonical mark pairs this graph type accepts (None: all).
    _allowed: ClassVar[frozenset[tuple[Endpoint, Endpoint]] | None] = None
    #: Whether a directed and a bidirected edge may join the same pair (ADMG "bow").
    _allow_bows: ClassVar[bool] = False
    #: Short type name used in JSON and reprs.
    kind: ClassVar[str] = "mixed"

    __slots__ = ("_nodes", "_index", "_edges", "_nbr", "__dict__")

    def __init__(self, nodes: Iterable[str] | None = None, edges: Iterable[EdgeLike] = ()) -> None:
        edge_list = [_coerce_edge(e) for e in edges]
        if nodes is None:
            seen: dict[str, None] = {}
            for e in edge_list:
                seen.setdefault(e.u)
                seen.setdefault(e.v)
            node_tuple = tuple(seen)
        else:
            if isinstance(nodes, str):
                raise GraphError(f"nodes must be an iterable of names, not the string {nodes!r}")
            node_tuple = tuple(nodes)
        index: dict[str, int] = {}
        for i, name in enumerate(node_tuple):
            if not isinstance(name, str):
                raise GraphError(f"node names must be strings; got {name!r} ({type(name).__name__})")
            if name == "":
                raise GraphError("node names must be non-empty strings")
            if name in index:
                raise GraphError(f"duplicate node {name!r}")
            index[name] = i
        self._nodes = node_tuple
        self._index = index
        nbr: dict[str, dict[str, list[tuple[Endpoint, Endpoint]]]] = {n: {} for n in node_tuple}
        stored: list[Edge] = []
        for e in edge_list:
            for endpoint in (e.u, e.v):
                if endpoint not in index:
                    raise GraphError(f"edge {e} names unknown node {endpoint!r}")
            if e.u == e.v:
                raise GraphError(f"edge {e} is a self-loop; causal graphs have none")
            c = e.canonical()
            pair = (c.mark_u, c.mark_v)
            if self._allowed is not None and pair not in self._allowed:
                allowed = ", ".join(sorted(_SYMBOL[p] for p in self._allowed))
                raise GraphError(
                    f"edge {e} has kind {_SYMBOL[pair]!r}, which a {type(self).__name__} "
                    f"does not allow (allowed: {allowed})"
                )
            existing = nbr[e.u].get(e.v, [])
            if existing:
                kinds = [(e.mark_u, e.mark_v)] + existing
                if (e.mark_u, e.mark_v) in existing:
                    raise GraphError(f"edge {e} is given twice")
                if not (self._allow_bows and _is_bow(kinds)):
                    prev = Edge(e.u, e.v, *existing[0])
                    raise GraphError(
                        f"edge {e} joins the same nodes as edge {prev}; "
                        f"a {type(self).__name__} allows one edge between two nodes"
                    )
            nbr[e.u].setdefault(e.v, []).append((e.mark_u, e.mark_v))
            nbr[e.v].setdefault(e.u, []).append((e.mark_v, e.mark_u))
            stored.append(e)
        self._nbr = {n: {m: tuple(v) for m, v in d.items()} for n, d in nbr.items()}
        stored.sort(key=self._edge_sort_key)
        self._edges = tuple(e.canonical() for e in stored)
        self._validate()

    # ------------------------------------------------------------------ basics
    def _edge_sort_key(self, e: Edge) -> tuple[int, int, str]:
        c = e.canonical()
        a, b = sorted((self._index[c.u], self._index[c.v]))
        return (a, b, _SYMBOL[(c.mark_u, c.mark_v)])

    def _validate(self) -> None:
        """Type-specific structural checks; subclasses override."""

    @property
    def nodes(self) -> tuple[str, ...]:
        """The node names, in order."""
        return self._nodes

    @property
    def edges(self) -> tuple[Edge, ...]:
        """The edges, each in canonical orientation, ordered by node position."""
        return self._edges

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self._nodes)

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self._edges)

    def index(self, node: str) -> int:
        """Position of ``node`` in :attr:`nodes`."""
        self._check_node(node)
        return self._index[node]

    def _check_node(self, node: str) -> None:
        if node not in self._index:
            raise GraphError(f"unknown node {node!r}; the graph has nodes {list(self._nodes)}")

    def _check_nodes(self, nodes: str | Iterable[str]) -> frozenset[str]:
        if isinstance(nodes, str):
            nodes = (nodes,)
        result = frozenset(nodes)
        for n in result:
            self._check_node(n)
        return result

    def __contains__(self, node: object) -> bool:
        return node in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    # ------------------------------------------------------------------ edges
    def edges_between(self, u: str, v: str) -> tuple[Edge, ...]:
        """All edges joining ``u`` and ``v`` (written from ``u`` to ``v``); empty if none."""
        self._check_node(u)
        self._check_node(v)
        return tuple(Edge(u, v, mu, mv) for mu, mv in self._nbr[u].get(v, ()))

    def edge(self, u: str, v: str) -> Edge | None:
        """The edge joining ``u`` and ``v`` written from ``u`` to ``v``, or ``None``.

        Raises ``GraphError`` if two edges join them (an ADMG bow); use :meth:`edges_between`.
        """
        found = self.edges_between(u, v)
        if len(found) > 1:
            raise GraphError(f"nodes {u!r} and {v!r} are joined by {len(found)} edges; use edges_between")
        return found[0] if found else None

    def has_edge(self, edge: EdgeLike) -> bool:
        """Whether exactly this edge (same nodes and marks) is in the graph."""
        e = _coerce_edge(edge)
        if e.u not in self._index or e.v not in self._index:
            return False
        return (e.mark_u, e.mark_v) in self._nbr[e.u].get(e.v, ())

    def mark(self, u: str, v: str) -> Endpoint | None:
        """The mark at ``v`` on the edge between ``u`` and ``v`` (``None`` if not adjacent)."""
        e = self.edge(u, v)
        return None if e is None else e.mark_v

    def is_adjacent(self, u: str, v: str) -> bool:
        """Whether any edge joins ``u`` and ``v``."""
        self._check_node(u)
        self._check_node(v)
        return v in self._nbr[u]

    def adjacent(self, node: str) -> frozenset[str]:
        """The nodes joined to ``node`` by any edge."""
        self._check_node(node)
        return frozenset(self._nbr[node])

    def degree(self, node: str) -> int:
        """Number of nodes adjacent to ``node``."""
        return len(self.adjacent(node))

    def _related(self, node: str, here: Endpoint, there: Endpoint) -> frozenset[str]:
        self._check_node(node)
        return frozenset(m for m, marks in self._nbr[node].items() if (here, there) in marks)

    def parents(self, node: str) -> frozenset[str]:
        """Nodes ``p`` with ``p --> node``."""
        return self._related(node, Endpoint.ARROW, Endpoint.TAIL)

    def children(self, node: str) -> frozenset[str]:
        """Nodes ``c`` with ``node --> c``."""
        return self._related(node, Endpoint.TAIL, Endpoint.ARROW)

    def spouses(self, node: str) -> frozenset[str]:
        """Nodes ``s`` with ``node <-> s`` (siblings in an ADMG)."""
        return self._related(node, Endpoint.ARROW, Endpoint.ARROW)

    def undirected_neighbors(self, node: str) -> frozenset[str]:
        """Nodes ``n`` with ``node --- n``."""
        return self._related(node, Endpoint.TAIL, Endpoint.TAIL)

    @cached_property
    def _parent_map(self) -> dict[str, frozenset[str]]:
        return {n: self.parents(n) for n in self._nodes}

    @cached_property
    def _child_map(self) -> dict[str, frozenset[str]]:
        return {n: self.children(n) for n in self._nodes}

    def _closure(self, start: frozenset[str], step: Mapping[str, frozenset[str]]) -> set[str]:
        seen = set(start)
        stack = list(start)
        while stack:
            x = stack.pop()
            for y in step[x]:
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
        return seen

    def ancestors(self, nodes: str | Iterable[str], *, include_self: bool = False) -> frozenset[str]:
        """Nodes with a directed path into ``nodes`` (a node or a set of nodes).

        ``include_self=True`` adds the given nodes themselves (the convention
        ``An(X)`` of d-separation texts); the default leaves them out, as networkx does,
        unless one lies on a directed path into another.
        """
        start = self._check_nodes(nodes)
        seen = self._closure(frozenset(p for n in start for p in self._parent_map[n]), self._parent_map)
        if include_self:
            seen |= start
        return frozenset(seen)

    def descendants(self, nodes: str | Iterable[str], *, include_self: bool = False) -> frozenset[str]:
        """Nodes reachable from ``nodes`` along directed edges (see :meth:`ancestors`)."""
        start = self._check_nodes(nodes)
        seen = self._closure(frozenset(c for n in start for c in self._child_map[n]), self._child_map)
        if include_self:
            seen |= start
        return frozenset(seen)

    def districts(self) -> tuple[frozenset[str], ...]:
        """The districts (c-components): connected components of the bidirected edges.

        Every node belongs to exactly one district (a node with no ``<->`` edge forms its
        own). Districts are ordered by their first node.
        """
        seen: set[str] = set()
        out: list[frozenset[str]] = []
        spouses = {n: self.spouses(n) for n in self._nodes}
        for n in self._nodes:
            if n in seen:
                continue
            comp = self._closure(frozenset((n,)), spouses)
            seen |= comp
            out.append(frozenset(comp))
        return tuple(out)

    def district(self, node: str) -> frozenset[str]:
        """The district (c-component) containing ``node``."""
        self._check_node(node)
        for d in self.districts():
            if node in d:
                return d
        raise AssertionError("unreachable")  # pragma: no cover

    def directed_cycle(self) -> list[str] | None:
        """A directed cycle ``[a, b, ..., a]`` if the directed edges contain one, else ``None``.

        Depth-first search over :meth:`directed_matrix` from the nodes in node
        order (:func:`causalscope.graphs.reach.find_directed_cycle`).
        """
        cycle = find_directed_cycle(self.directed_matrix())
        return None if cycle is None else [self._nodes[i] for i in cycle]

    def topological_order(self) -> tuple[str, ...]:
        """Nodes ordered so that every directed edge points forward (ties by node order).

        Raises ``GraphError`` if the directed edges contain a cycle.
        """
        indeg = {n: len(self._parent_map[n]) for n in self._nodes}
        import heapq

        heap = [self._index[n] for n in self._nodes if indeg[n] == 0]
        heapq.heapify(heap)
        order: list[str] = []
        while heap:
            x = self._nodes[heapq.heappop(heap)]
            order.append(x)
            for c in self._child_map[x]:
                indeg[c] -= 1
                if indeg[c] == 0:
                    heapq.heappush(heap, self._index[c])
        if len(order) != len(self._nodes):
            cycle = self.directed_cycle()
            raise GraphError(f"the directed edges contain a cycle: {' --> '.join(cycle or [])}")
        return tuple(order)

    def _check_acyclic(self) -> None:
        cycle = self.directed_cycle()
        if cycle is not None:
            raise GraphError(
                f"{type(self).__name__} must not contain a directed cycle; found "
                + " --> ".join(cycle)
            )

    def cached(self, key: str, factory: Callable[[MixedGraph], T]) -> T:
        """Return ``factory(self)``, computed once per graph and kept with it.

        Graphs are immutable, so an algorithm may keep a precomputed index (integer
        adjacency, ancestor sets, ...) with the graph under its own ``key``. The cache
        takes no part in equality, hashing or pickling.
        """
        store = self.__dict__.setdefault("_algorithm_cache", {})
        if key not in store:
            store[key] = factory(self)
        return store[key]

    # ------------------------------------------------------------------ derived graphs
    def skeleton(self) -> frozenset[frozenset[str]]:
        """The adjacencies as a set of unordered node pairs."""
        return frozenset(frozenset((e.u, e.v)) for e in self._edges)

    def _rebuild(self: G, nodes: Iterable[str], edges: Iterable[EdgeLike]) -> G:
        return type(self)(nodes, edges)

    def subgraph(self: G, nodes: Iterable[str]) -> G:
        """The graph induced on ``nodes`` (kept in this graph's node order)."""
        keep = self._check_nodes(nodes)
        order = [n for n in self._nodes if n in keep]
        return self._rebuild(order, [e for e in self._edges if e.u in keep and e.v in keep])

    def add_edges(self: G, edges: Iterable[EdgeLike]) -> G:
        """A new graph with ``edges`` added (same type, validated)."""
        return self._rebuild(self._nodes, [*self._edges, *edges])

    def remove_edges(self: G, edges: Iterable[EdgeLike]) -> G:
        """A new graph without ``edges`` (each must be present)."""
        drop = {_coerce_edge(e) for e in edges}
        missing = [str(e) for e in drop if e not in set(self._edges)]
        if missing:
            raise GraphError(f"cannot remove edges that are not in the graph: {', '.join(sorted(missing))}")
        return self._rebuild(self._nodes, [e for e in self._edges if e not in drop])

    def add_nodes(self: G, nodes: Iterable[str]) -> G:
        """A new graph with extra isolated nodes appended."""
        return self._rebuild([*self._nodes, *nodes], self._edges)

    def rename(self: G, mapping: Mapping[str, str]) -> G:
        """A new graph with nodes renamed by ``mapping`` (names not in it are kept)."""
        def r(n: str) -> str:
            return mapping.get(n, n)

        return self._rebuild(
            [r(n) for n in self._nodes],
            [Edge(r(e.u), r(e.v), e.mark_u, e.mark_v) for e in self._edges],
        )

    def to_mixed(self) -> MixedGraph:
        """The same nodes and edges as a plain :class:`MixedGraph` (drops type constraints)."""
        return MixedGraph(self._nodes, self._edges)

    # ------------------------------------------------------------------ matrices
    def mark_matrix(self) -> np.ndarray:
        """Integer matrix ``M`` with ``M[i, j]`` the mark at node ``j`` of the edge ``i``-``j``.

        Codes: 0 no edge, 1 tail, 2 arrow, 3 circle (see :attr:`Endpoint.code`). So
        ``i --> j`` gives ``M[i, j] = 2`` and ``M[j, i] = 1``. Undefined for ADMGs
        with bows (raises ``GraphError``); use :meth:`directed_matrix` and
        :meth:`bidirected_matrix` there.
        """
        p = len(self._nodes)
        m = np.zeros((p, p), dtype=np.int8)
        for e in self._edges:
            i, j = self._index[e.u], self._index[e.v]
            if m[i, j]:
                raise GraphError(f"nodes {e.u!r} and {e.v!r} are joined by two edges; no mark matrix")
            m[i, j] = e.mark_v.code
            m[j, i] = e.mark_u.code
        return m

    @classmethod
    def from_mark_matrix(cls: type[G], nodes: Iterable[str], matrix: np.ndarray) -> G:
        """Build a graph from a mark matrix (inverse of :meth:`mark_matrix`)."""
        names = list(nodes)
        m = np.asarray(matrix)
        p = len(names)
        if m.shape != (p, p):
            raise GraphError(f"mark matrix must have shape ({p}, {p}) for {p} nodes; got {m.shape}")
        if np.any((m != 0) != (m.T != 0)):
            i, j = np.argwhere((m != 0) != (m.T != 0))[0]
            raise GraphError(
                f"mark matrix is not symmetric in its zero pattern at ({names[i]!r}, {names[j]!r})"
            )
        edges = [
            Edge(names[i], names[j], Endpoint.from_code(m[j, i]), Endpoint.from_code(m[i, j]))
            for i, j in zip(*np.nonzero(np.triu(m)), strict=True)
        ]
        return cls(names, edges)

    def directed_matrix(self) -> np.ndarray:
        """Boolean matrix ``D`` with ``D[i, j]`` true iff ``i --> j``."""
        p = len(self._nodes)
        d = np.zeros((p, p), dtype=bool)
        for e in self._edges:
            if e.is_directed:
                d[self._index[e.source], self._index[e.target]] = True
        return d

    def bidirected_matrix(self) -> np.ndarray:
        """Symmetric boolean matrix ``B`` with ``B[i, j]`` true iff ``i <-> j``."""
        p = len(self._nodes)
        b = np.zeros((p, p), dtype=bool)
        for e in self._edges:
            if e.is_bidirected:
                i, j = self._index[e.u], self._index[e.v]
                b[i, j] = b[j, i] = True
        return b

    # ------------------------------------------------------------------ value semantics
    def _value_key(self) -> tuple[Any, ...]:
        return (type(self).kind, frozenset(self._nodes), frozenset(self._edges))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MixedGraph):
            return NotImplemented
        return self._value_key() == other._value_key()

    def __hash__(self) -> int:
        return hash(self._value_key())

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._nodes, self._edges))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __str__(self) -> str:
        return format_notation(self.nodes, self.edges)

    # ------------------------------------------------------------------ conversions
    def to_dict(self) -> dict[str, Any]:
        """The graph JSON value: ``{"type", "nodes", "edges"}`` (see ``docs/graphs.md``)."""
        return {"type": self.kind, "nodes": list(self._nodes), "edges": [str(e) for e in self.edges]}


def check_mark_matrix(marks: np.ndarray, *, error: type[Exception] = GraphError) -> np.ndarray:
    """Validate an integer mark matrix (see :meth:`MixedGraph.mark_matrix`) and return it as an array.

    Checks: square, integer codes 0-3, zero diagonal, symmetric zero pattern.
    Algorithms that take mark matrices call this; ``error`` is the exception type
    they raise for bad input.
    """
    m = np.asarray(marks)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise error(f"marks must be a square 2-D matrix; got shape {m.shape}")
    if not np.issubdtype(m.dtype, np.integer):
        raise error(f"marks must be an integer matrix of mark codes 0-3; got dtype {m.dtype}")
    if m.size and (m.min() < 0 or m.max() > 3):
        raise error(
            "marks must hold the codes 0 (none), 1 (tail), 2 (arrow), 3 (circle); "
            f"found values {sorted(set(np.unique(m).tolist()))}"
        )
    if np.any(np.diagonal(m) != 0):
        i = int(np.flatnonzero(np.diagonal(m))[0])
        raise error(f"marks must have a zero diagonal (no self-loops); M[{i}, {i}] = {m[i, i]}")
    asym = (m != 0) != (m.T != 0)
    if asym.any():
        i, j = (int(x) for x in np.argwhere(asym)[0])
        raise error(
            f"marks must have a symmetric zero pattern; M[{i}, {j}] = {m[i, j]} but M[{j}, {i}] = {m[j, i]}"
        )
    return m


def _is_bow(kinds: list[tuple[Endpoint, Endpoint]]) -> bool:
    """True if the mark pairs are exactly one directed and one bidirected edge."""
    if len(kinds) != 2:
        return False
    directed = [k for k in kinds if set(k) == {Endpoint.TAIL, Endpoint.ARROW}]
    bidirected = [k for k in kinds if k == (Endpoint.ARROW, Endpoint.ARROW)]
    return len(directed) == 1 and len(bidirected) == 1
