"""What every graph reader and writer of :mod:`causalscope.graphs.convert` shares.

The checks of an argument that must be a graph (:func:`check_graph`), of a
requested graph type (:func:`resolve_kind`), of node names and mark names read
from outside, and the choice of the type to build (:func:`make_graph`).
"""

from __future__ import annotations

from ..exceptions import GraphError, InvalidParameterError
from .base import Edge, Endpoint, MixedGraph
from .notation import infer_graph_type
from .types import PAG, graph_type

__all__ = ["KindLike", "MARK_NAMES", "check_graph", "check_node_name", "make_graph", "parse_mark", "resolve_kind"]


KindLike = str | type[MixedGraph] | None


def check_graph(graph: object, param: str = "graph") -> MixedGraph:
    if not isinstance(graph, MixedGraph):
        raise InvalidParameterError(
            f"{param} must be a causalscope graph (DAG, CPDAG, MAG, ADMG, PAG or MixedGraph); "
            f"got {type(graph).__name__}"
        )
    return graph


def resolve_kind(kind: KindLike) -> type[MixedGraph] | None:
    if kind is None:
        return None
    if isinstance(kind, str):
        return graph_type(kind)
    if isinstance(kind, type) and issubclass(kind, MixedGraph):
        return kind
    raise InvalidParameterError(
        "kind must be None, a graph type name ('dag', 'cpdag', 'mag', 'admg', 'pag', 'mixed') "
        f"or a graph class; got {kind!r}"
    )


def make_graph(nodes: list[str] | None, edges: list[Edge], cls: type[MixedGraph] | None) -> MixedGraph:
    """Build the requested type, or the most specific type that accepts the graph.

    Without a requested type, the candidates are the type
    :func:`~causalscope.graphs.notation.infer_graph_type` picks from the edge kinds,
    then ``PAG``, then ``MixedGraph``: the first whose checks pass is built (a
    directed cycle gives a ``MixedGraph``; ``A --> B --- C``, which a MAG forbids,
    gives a ``PAG``). If none accepts the graph, the most specific type's error is raised.
    """
    if cls is not None:
        return cls(nodes, edges)
    inferred = infer_graph_type(edges)
    candidates = [inferred, *(c for c in (PAG, MixedGraph) if c is not inferred)]
    first_error: GraphError | None = None
    for candidate in candidates:
        try:
            return candidate(nodes, edges)
        except GraphError as exc:
            first_error = first_error or exc
    raise first_error  # type: ignore[misc]


MARK_NAMES = {m.value: m for m in Endpoint}


def parse_mark(value: object, where: str) -> Endpoint:
    if isinstance(value, Endpoint):
        return value
    if isinstance(value, str) and value.lower() in MARK_NAMES:
        return MARK_NAMES[value.lower()]
    raise GraphError(f"{where}: a mark must be 'tail', 'arrow' or 'circle'; got {value!r}")


def check_node_name(name: object, where: str) -> str:
    if not isinstance(name, str):
        raise GraphError(
            f"{where}: node names must be strings; got {name!r} ({type(name).__name__}). "
            "Relabel the nodes first, for example networkx.relabel_nodes(g, str)"
        )
    return name
