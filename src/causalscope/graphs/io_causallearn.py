"""causal-learn interop: :func:`to_causallearn` / :func:`from_causallearn` for ``GeneralGraph``.

Every mark is carried, ADMG bows included. causal-learn is not a dependency of
causalscope; it is imported only when a function is called.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import GraphError, InvalidParameterError, MissingDependencyError
from .base import Edge, Endpoint, MixedGraph
from .io_common import KindLike, check_graph, check_node_name, make_graph, resolve_kind

__all__ = ["to_causallearn", "from_causallearn"]


def to_causallearn(graph: MixedGraph) -> Any:
    """The graph as a causal-learn ``GeneralGraph`` (needs the package ``causal-learn``).

    Marks map one to one onto causal-learn's ``Endpoint.TAIL``, ``ARROW`` and
    ``CIRCLE``; an ADMG bow becomes causal-learn's combined encoding
    (``TAIL_AND_ARROW`` / ``ARROW_AND_ARROW``), which its ``get_graph_edges`` reads
    back as the two edges. Nodes are ``GraphNode`` objects with our names, in our
    order. A CPDAG is flagged with ``set_pattern(True)``, a PAG with ``set_pag(True)``.

    Raises
    ------
    MissingDependencyError
        If causal-learn is not installed.

    Examples
    --------
    >>> from causalscope.graphs import PAG
    >>> cl = to_causallearn(PAG(edges=["A o-> B"]))
    >>> [str(e) for e in cl.get_graph_edges()]
    ['A o-> B']
    """
    graph = check_graph(graph)
    try:
        from causallearn.graph.Edge import Edge as CLEdge
        from causallearn.graph.Endpoint import Endpoint as CLEndpoint
        from causallearn.graph.GeneralGraph import GeneralGraph
        from causallearn.graph.GraphNode import GraphNode
    except ImportError:
        raise MissingDependencyError("causal-learn", extra="test", feature="to_causallearn") from None
    cl_nodes = [GraphNode(n) for n in graph.nodes]
    by_name = dict(zip(graph.nodes, cl_nodes, strict=True))
    out = GeneralGraph(cl_nodes)
    for e in graph.edges:  # canonical: never an arrowhead facing a tail/circle on the left
        out.add_edge(
            CLEdge(by_name[e.u], by_name[e.v], CLEndpoint[e.mark_u.name], CLEndpoint[e.mark_v.name])
        )
    if graph.kind == "cpdag":
        out.set_pattern(True)
    if graph.kind == "pag":
        out.set_pag(True)
    return out


def from_causallearn(general_graph: Any, *, kind: KindLike = None) -> MixedGraph:
    """Read a causal-learn graph (``GeneralGraph``, ``Dag``, or what its algorithms return).

    The edges come from ``get_graph_edges()`` (bows as two edges) and their
    ``Endpoint`` marks ``TAIL``, ``ARROW`` and ``CIRCLE`` map to ours; the nodes from
    ``get_node_names()``, in order. The type is ``kind`` if given, else the most
    specific type that accepts the graph (the rule of :func:`graph_from_json`).

    Raises
    ------
    InvalidParameterError
        If the object does not look like a causal-learn graph.
    GraphError
        For a mark we do not have (``STAR``, ``NULL``) or a combination our types
        forbid (for example ``---`` and ``<->`` between the same nodes).

    Examples
    --------
    >>> from causalscope.graphs import CPDAG
    >>> g = CPDAG(edges=["A --> B", "B --- C"])
    >>> from_causallearn(to_causallearn(g)) == g
    True
    """
    if not (hasattr(general_graph, "get_node_names") and hasattr(general_graph, "get_graph_edges")):
        raise InvalidParameterError(
            "general_graph must be a causal-learn graph (with get_node_names and get_graph_edges); "
            f"got {type(general_graph).__name__}"
        )
    names = [check_node_name(n, "from_causallearn") for n in general_graph.get_node_names()]
    edges: list[Edge] = []
    for cl_edge in general_graph.get_graph_edges():
        u, v = cl_edge.get_node1().get_name(), cl_edge.get_node2().get_name()
        marks = []
        for end in (cl_edge.get_endpoint1(), cl_edge.get_endpoint2()):
            name = getattr(end, "name", str(end))
            if name not in ("TAIL", "ARROW", "CIRCLE"):
                raise GraphError(
                    f"causal-learn edge {cl_edge} has the mark {name}; only TAIL, ARROW and CIRCLE are supported"
                )
            marks.append(Endpoint[name])
        edges.append(Edge(u, v, marks[0], marks[1]))
    return make_graph(names, edges, resolve_kind(kind))
