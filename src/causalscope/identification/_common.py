"""Input checks and small graph helpers shared by the identification modules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

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


def natural_key(name: str) -> list[Any]:
    """Sort key that orders the digits in a name as numbers (``X2`` before ``X10``)."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def natural_sorted(names: Iterable[str]) -> list[str]:
    """``names`` in natural order (:func:`natural_key`)."""
    return sorted(names, key=natural_key)


def reach_nodes(graph: MixedGraph, start: frozenset[str], step: str, avoid: frozenset[str]) -> set[str]:
    """Nodes reached from ``start`` (excluded unless re-reached) moving along ``step`` edges.

    ``step``: ``"child"`` (``-->`` forward), ``"parent"`` (backward), ``"pchild"``
    (possibly directed forward: ``-->`` or ``---``), ``"pparent"`` (backward along
    ``-->`` or ``---``). Nodes in ``avoid`` are never entered.
    """
    def nxt(v: str) -> frozenset[str]:
        if step == "child":
            return graph.children(v)
        if step == "parent":
            return graph.parents(v)
        und = graph.undirected_neighbors(v)
        return (graph.children(v) | und) if step == "pchild" else (graph.parents(v) | und)

    seen: set[str] = set()
    stack = [w for s in start for w in nxt(s) if w not in avoid]
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        stack.extend(w for w in nxt(v) if w not in avoid and w not in seen)
    return seen


def is_pdag(graph: MixedGraph) -> bool:
    """True when ``graph`` has an undirected edge (a CPDAG or MPDAG rather than a DAG or ADMG)."""
    return any(e.is_undirected for e in graph.edges)


def proper_backdoor_graph(graph: MixedGraph, x: frozenset[str], cn: frozenset[str]) -> MixedGraph:
    """``graph`` without the directed edges from ``x`` into ``cn`` (the proper back-door graph), as an ADMG."""
    return ADMG(graph.nodes, [e for e in graph.edges if not (e.is_directed and e.source in x and e.target in cn)])
