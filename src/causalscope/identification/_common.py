"""Input checks and small graph helpers shared by the identification modules."""

from __future__ import annotations

from collections.abc import Iterable

from ..exceptions import GraphError, InvalidParameterError
from ..graphs import ADMG, DAG, MixedGraph
from ..graphs.separation import NodeSet, node_names

__all__: list[str] = []


def node_set(graph: MixedGraph, nodes: NodeSet | None, name: str, *, allow_empty: bool = False) -> frozenset[str]:
    """Validate a node name or an iterable of names against ``graph`` (``None`` means none).

    The names are checked by :func:`causalscope.graphs.separation.node_names`; an
    empty result is refused unless ``allow_empty``.
    """
    out = frozenset(node_names(graph, () if nodes is None else nodes, name))
    if not out and not allow_empty:
        raise InvalidParameterError(f"{name} must name at least one node; got an empty set")
    return out


def check_graph(graph: object, what: str) -> MixedGraph:
    if not isinstance(graph, MixedGraph):
        raise InvalidParameterError(f"graph must be a causalscope graph; got {type(graph).__name__}")
    cycle = graph.directed_cycle()
    if cycle is not None:
        raise GraphError(f"{what} needs an acyclic graph; found the directed cycle {' --> '.join(cycle)}")
    return graph


def check_query(
    graph: object,
    treatment: NodeSet,
    outcome: NodeSet,
    given: NodeSet | None = None,
    *,
    what: str,
) -> tuple[MixedGraph, frozenset[str], frozenset[str], frozenset[str]]:
    """Validate ``(graph, treatment, outcome, given)``: known nodes, disjoint, acyclic graph."""
    g = check_graph(graph, what)
    x = node_set(g, treatment, "treatment")
    y = node_set(g, outcome, "outcome")
    z = node_set(g, given, "given", allow_empty=True)
    for a, sa, b, sb in (("treatment", x, "outcome", y), ("treatment", x, "given", z), ("outcome", y, "given", z)):
        both = sa & sb
        if both:
            raise InvalidParameterError(
                f"{a} and {b} must be disjoint; both contain {sorted(both)}"
                + (" (the effect of a variable on itself is not a causal query)" if a == "treatment" and b == "outcome" else "")
            )
    return g, x, y, z


def require_admg(graph: MixedGraph, what: str) -> MixedGraph:
    """Accept a DAG, an ADMG, or a graph with only directed and bidirected edges."""
    if isinstance(graph, (DAG, ADMG)):
        return graph
    bad = [str(e) for e in graph.edges if not (e.is_directed or e.is_bidirected)]
    if bad:
        raise GraphError(
            f"{what} needs a DAG or an ADMG (edges --> and <->); edge {bad[0]} is neither. "
            "For a CPDAG or PAG learned from data use identify_in_class"
        )
    return ADMG(graph.nodes, graph.edges)


def ancestors_within(graph: MixedGraph, nodes: Iterable[str], within: frozenset[str]) -> frozenset[str]:
    """Ancestors of ``nodes`` (included) in the subgraph induced by ``within``."""
    seen = set(nodes)
    stack = list(seen)
    while stack:
        v = stack.pop()
        for p in graph.parents(v):
            if p in within and p not in seen:
                seen.add(p)
                stack.append(p)
    return frozenset(seen)


def descendants_of(graph: MixedGraph, nodes: Iterable[str]) -> frozenset[str]:
    """Descendants of ``nodes`` including themselves (directed edges only)."""
    nodes = frozenset(nodes)
    return graph.descendants(nodes, include_self=True) if nodes else frozenset()
