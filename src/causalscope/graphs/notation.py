"""Compact text notation for graphs (Tetrad style).

A graph is written as statements separated by ``;`` or new lines. A statement is
either an edge ``X MARK Y`` or a lone node name (an isolated node)::

    A --> B; B <-> C; C o-> D; D --- E; F

Marks: ``-->`` directed, ``---`` undirected, ``<->`` bidirected, ``o->``, ``o-o``
and ``--o`` (PAG circles). The reversed spellings ``<--``, ``<-o`` and ``o--`` are
read too and written in canonical form. Node names may contain spaces and any
character except ``;`` and new lines, must not contain a mark, and are stripped of
surrounding whitespace. ``#`` starts a comment that runs to the end of the line.

:func:`format_graph` writes a graph so that :func:`parse_graph` gives it back
(``parse_graph(format_graph(g), kind=g.kind) == g``).
"""

from __future__ import annotations

from ..exceptions import GraphError
from .base import Edge, MixedGraph, parse_edge
from .syntax import MARK_PATTERN, SHORT_ARROW, format_notation, split_statements
from .types import ADMG, CPDAG, DAG, MAG, PAG, graph_type

__all__ = ["parse_graph", "parse_edge", "format_graph", "infer_graph_type"]


def infer_graph_type(edges: list[Edge]) -> type[MixedGraph]:
    """The most specific graph type whose allowed edge kinds cover ``edges``.

    Order of preference: DAG, CPDAG, ADMG, MAG, PAG, MixedGraph. A DAG is chosen only
    when the directed edges are acyclic (otherwise a cycle error is raised by the
    caller's requested type, or :class:`MixedGraph` is used when none was requested).
    """
    symbols = {e.symbol for e in edges}
    for cls, allowed in (
        (DAG, {"-->"}),
        (CPDAG, {"-->", "---"}),
        (ADMG, {"-->", "<->"}),
        (MAG, {"-->", "<->", "---"}),
        (PAG, {"-->", "<->", "---", "o->", "o-o", "--o"}),
    ):
        if symbols <= allowed:
            return cls
    return MixedGraph  # pragma: no cover - PAG allows every symbol


def parse_graph(text: str, *, kind: str | type[MixedGraph] | None = None) -> MixedGraph:
    """Parse the text notation into a graph.

    Parameters
    ----------
    text:
        Statements separated by ``;`` or new lines (see the module notes).
    kind:
        The graph type to build: a class (``DAG``, ...) or its name (``"dag"``,
        ``"cpdag"``, ``"mag"``, ``"admg"``, ``"pag"``, ``"mixed"``). By default the most
        specific type that fits the edges is chosen (:func:`infer_graph_type`); an
        all-directed graph with a cycle becomes a :class:`MixedGraph`.

    Raises
    ------
    GraphError
        For a statement that is not an edge or a name, or an edge the type forbids.

    Examples
    --------
    >>> g = parse_graph("A --> B; B <-> C; C o-> D; D --- E")
    >>> type(g).__name__
    'PAG'
    >>> format_graph(g)
    'A --> B; B <-> C; C o-> D; D --- E'
    """
    nodes: dict[str, None] = {}
    edges: list[Edge] = []
    for stmt in split_statements(text):
        if MARK_PATTERN.search(stmt):
            e = parse_edge(stmt)
            nodes.setdefault(e.u)
            nodes.setdefault(e.v)
            edges.append(e)
        elif SHORT_ARROW.search(stmt):
            raise GraphError(
                f"cannot read {stmt!r}: '->' and '<-' are not edge marks; write '-->' or '<--'"
            )
        else:
            nodes.setdefault(stmt)
    if kind is None:
        # The guessed type, then PAG (which admits every mark), then MixedGraph (no
        # structural checks, e.g. for a directed cycle): the first that accepts the graph.
        last: GraphError | None = None
        candidates: tuple[type[MixedGraph], ...] = tuple(dict.fromkeys((infer_graph_type(edges), PAG, MixedGraph)))
        for cls in candidates:
            try:
                return cls(list(nodes), edges)
            except GraphError as exc:
                last = exc
        raise last  # type: ignore[misc]
    cls = graph_type(kind) if isinstance(kind, str) else kind
    return cls(list(nodes), edges)


def format_graph(graph: MixedGraph, *, separator: str = "; ") -> str:
    """Write ``graph`` in the text notation.

    Edges come in the graph's canonical order; isolated nodes follow the edges.

    Raises
    ------
    GraphError
        If a node name cannot be written in the notation (see :func:`parse_graph`).
    """
    return format_notation(graph.nodes, graph.edges, separator)
