"""networkx interop: a :class:`networkx.DiGraph` with one networkx edge per edge of ours.

The marks are stored as the string attributes ``mark_u`` / ``mark_v`` (see
:func:`to_networkx` for the exact, lossless encoding). Plain DiGraphs without
those attributes are read as all-directed graphs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exceptions import GraphError, InvalidParameterError
from ..utils import lazy_import
from .base import Edge, Endpoint, MixedGraph
from .io_common import KindLike, check_graph, check_node_name, make_graph, parse_mark, resolve_kind
from .types import graph_type

if TYPE_CHECKING:
    import networkx as nx
else:  # imported on first use
    nx = lazy_import("networkx")

__all__ = ["to_networkx", "from_networkx"]


def to_networkx(graph: MixedGraph) -> nx.DiGraph:
    """The graph as a :class:`networkx.DiGraph` (lossless).

    Encoding
        * every node of ours is a node of the DiGraph, in the same order;
        * every edge of ours is **one** DiGraph edge ``(u, v)`` with the string
          attributes ``mark_u`` (the mark at ``u``) and ``mark_v`` (the mark at
          ``v``), each ``"tail"``, ``"arrow"`` or ``"circle"``
          (:class:`~causalscope.graphs.base.Endpoint` values). ``A --> B`` is the
          DiGraph edge ``A -> B`` with ``mark_u="tail", mark_v="arrow"``; an edge
          without a single arrowhead is stored in its canonical writing order
          (``A o-o B`` as ``A -> B``);
        * an ADMG bow (``A --> B`` and ``A <-> B``) stores its bidirected edge
          against the directed one (``B -> A`` with both marks ``"arrow"``), so one
          DiGraph holds both;
        * the graph attribute ``kind`` holds the type name (``"dag"``, ``"pag"``, ...).

    For a DAG the DiGraph's edges are exactly the DAG's, so networkx algorithms
    apply directly. For other types, select edges by their marks first, e.g. the
    directed part: ``[(u, v) for u, v, d in g.edges(data=True) if (d["mark_u"],
    d["mark_v"]) == ("tail", "arrow")]``.

    Examples
    --------
    >>> from causalscope.graphs import ADMG
    >>> g = to_networkx(ADMG(edges=["A --> B", "A <-> B"]))
    >>> sorted(g.edges(data=True))
    [('A', 'B', {'mark_u': 'tail', 'mark_v': 'arrow'}), ('B', 'A', {'mark_u': 'arrow', 'mark_v': 'arrow'})]
    >>> from_networkx(g) == ADMG(edges=["A --> B", "A <-> B"])
    True
    """
    graph = check_graph(graph)
    out = nx.DiGraph(kind=graph.kind)
    out.add_nodes_from(graph.nodes)
    directed = graph.directed_matrix() if graph.kind in ("admg", "mixed") else None
    for e in graph.edges:
        u, v, mu, mv = e.u, e.v, e.mark_u, e.mark_v
        if e.is_directed:
            u, v = e.source, e.target
            mu, mv = Endpoint.TAIL, Endpoint.ARROW
        elif e.is_bidirected and directed is not None and directed[graph.index(u), graph.index(v)]:
            # a bow: the directed edge already uses u -> v
            u, v = v, u
        out.add_edge(u, v, mark_u=mu.value, mark_v=mv.value)
    return out


def from_networkx(g: nx.Graph, *, kind: KindLike = None) -> MixedGraph:
    """Read a networkx graph: our encoding (:func:`to_networkx`) or a plain graph.

    Parameters
    ----------
    g:
        A :class:`networkx.DiGraph` (or ``MultiDiGraph``): an edge with the
        attributes ``mark_u`` / ``mark_v`` gets those marks, an edge without them is
        directed ``u --> v``. An undirected :class:`networkx.Graph` is read with
        every edge undirected (``---``).
    kind:
        The graph type to build; overrides ``g.graph["kind"]``. When both are absent
        the most specific type that accepts the graph is chosen (the rule of
        :func:`graph_from_json`).

    Raises
    ------
    InvalidParameterError
        If ``g`` is not a networkx graph.
    GraphError
        For a node name that is not a string, an edge with only one of the two mark
        attributes or an unknown mark, mark attributes on an undirected graph, or a
        graph its type does not allow.

    Examples
    --------
    >>> import networkx as nx
    >>> from_networkx(nx.DiGraph([("A", "B"), ("B", "C")]))
    DAG('A --> B; B --> C')
    """
    if not isinstance(g, nx.Graph):
        raise InvalidParameterError(f"g must be a networkx graph; got {type(g).__name__}")
    nodes = [check_node_name(n, "from_networkx") for n in g.nodes]
    edges: list[Edge] = []
    for u, v, data in g.edges(data=True):
        where = f"networkx edge ({u!r}, {v!r})"
        check_node_name(u, where)
        check_node_name(v, where)
        has_u, has_v = "mark_u" in data, "mark_v" in data
        if not g.is_directed():
            if has_u or has_v:
                raise GraphError(
                    f"{where}: mark attributes need a networkx DiGraph (an undirected graph "
                    "does not keep the order of u and v)"
                )
            edges.append(Edge.undirected(u, v))
        elif has_u and has_v:
            edges.append(Edge(u, v, parse_mark(data["mark_u"], where), parse_mark(data["mark_v"], where)))
        elif has_u or has_v:
            raise GraphError(f"{where}: has only one of the attributes 'mark_u' and 'mark_v'; give both or neither")
        else:
            edges.append(Edge.directed(u, v))
    cls = resolve_kind(kind)
    if cls is None and "kind" in g.graph:
        declared = g.graph["kind"]
        if not isinstance(declared, str):
            raise GraphError(f"networkx graph attribute 'kind' must be a type name; got {declared!r}")
        cls = graph_type(declared)
    return make_graph(nodes, edges, cls)
