"""Graph JSON: the public graph file format of the command line (``docs/cli.md``)::

    {"type": "cpdag", "nodes": ["A", "B", "C"], "edges": ["A --> B", "B --- C"]}

``"type"`` is optional (the most specific type that accepts the graph is chosen,
see :func:`graph_from_json`); ``"nodes"`` is optional (taken from the edges in
order of appearance); unknown keys are ignored.

A time-series graph (:class:`~causalscope.graphs.timeseries.TimeSeriesGraph`) is
written as the time-series graph JSON (``"type": "timeseries"``, the lagged links in
``"lagged_edges"``, the summary graph in ``"edges"``). Reading such a file with
``kind="timeseries"`` gives the :class:`TimeSeriesGraph` back; without ``kind`` it
gives the summary graph (a :class:`MixedGraph`), which is what a reader that knows
only graph JSON sees.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, Literal, cast, overload

from ..exceptions import GraphError, InvalidParameterError
from .base import Edge, MixedGraph
from .io_common import KindLike, check_graph, make_graph, resolve_kind
from .notation import parse_edge
from .timeseries import TimeSeriesGraph
from .types import graph_type

__all__ = ["TimeSeriesKind", "graph_to_json", "graph_from_json", "is_timeseries_kind"]

#: The ``kind`` that asks a reader for a :class:`TimeSeriesGraph`.
TimeSeriesKind = Literal["timeseries"] | type[TimeSeriesGraph]


def is_timeseries_kind(kind: object) -> bool:
    """Whether ``kind`` asks for a time-series graph (``"timeseries"`` or :class:`TimeSeriesGraph`)."""
    return kind is TimeSeriesGraph or (isinstance(kind, str) and kind.lower() == TimeSeriesGraph.kind)


def graph_to_json(graph: MixedGraph | TimeSeriesGraph, *, indent: int | None = None) -> str:
    """Write ``graph`` as graph JSON: ``{"type", "nodes", "edges"}``.

    Parameters
    ----------
    graph:
        Any causalscope graph, or a :class:`TimeSeriesGraph` (written as the
        time-series graph JSON: :meth:`TimeSeriesGraph.to_json_dict`).
    indent:
        Passed to :func:`json.dumps` (``None``: one line).

    Returns
    -------
    str
        The JSON text. Non-ASCII node names are written as they are (UTF-8).

    Raises
    ------
    GraphError
        If a node name cannot be written inside an edge string (it contains an edge
        mark such as ``-->``, a new line, or surrounding whitespace), so that reading
        the JSON back would give another graph.

    Examples
    --------
    >>> from causalscope.graphs import CPDAG
    >>> graph_to_json(CPDAG(edges=["A --> B", "B --- C"]))
    '{"type": "cpdag", "nodes": ["A", "B", "C"], "edges": ["A --> B", "B --- C"]}'
    """
    if isinstance(graph, TimeSeriesGraph):
        return json.dumps(graph.to_json_dict(), indent=indent, ensure_ascii=False)
    graph = check_graph(graph)
    data = graph.to_dict()
    for edge, text in zip(graph.edges, data["edges"], strict=True):
        try:
            back = parse_edge(text)
        except GraphError:
            back = None
        if back != edge:
            raise GraphError(
                f"edge between {edge.u!r} and {edge.v!r} cannot be written as the string {text!r} "
                "and read back; node names in graph JSON must not contain an edge mark "
                "(-->, ---, <->, o->, o-o, --o, <--, <-o, o--), a new line or surrounding whitespace"
            )
    return json.dumps(data, indent=indent, ensure_ascii=False)


def _json_error(message: str) -> GraphError:
    return GraphError(f"invalid graph JSON: {message}")


@overload
def graph_from_json(data: str | bytes | Mapping[str, Any], *, kind: TimeSeriesKind) -> TimeSeriesGraph: ...  # type: ignore[overload-overlap]


@overload
def graph_from_json(data: str | bytes | Mapping[str, Any], *, kind: KindLike = None) -> MixedGraph: ...


def graph_from_json(
    data: str | bytes | Mapping[str, Any], *, kind: KindLike | TimeSeriesKind = None
) -> MixedGraph | TimeSeriesGraph:
    """Read a graph from graph JSON text or an already decoded JSON object.

    Parameters
    ----------
    data:
        JSON text (``str`` or ``bytes``) or a mapping such as ``json.load`` returns:
        ``{"type": ..., "nodes": [...], "edges": ["A --> B", ...]}``.
    kind:
        The graph type to build (a name such as ``"pag"`` or a class); overrides the
        ``"type"`` key. When both are absent, the most specific type that accepts
        the graph is chosen (see the notes).

    Returns
    -------
    MixedGraph
        A graph of the requested, declared or inferred type.

    Raises
    ------
    GraphError
        For text that is not JSON, a value that is not an object, ``"nodes"`` that is
        not a list of strings, ``"edges"`` that is not a list of edge strings, an edge
        naming a node that ``"nodes"`` does not list, an unknown ``"type"``, or a graph
        the type does not allow (a cycle in a DAG, ...).
    InvalidParameterError
        If ``data`` is a path (use :func:`read_graph`) or ``kind`` is not a type.

    Notes
    -----
    Keys other than ``"type"``, ``"nodes"`` and ``"edges"`` are ignored, so a file
    may carry metadata. An object with neither ``"nodes"`` nor ``"edges"`` but a
    ``"graph"`` object (the copilot's ``analysis.json``) is read from that object. A missing ``"nodes"`` key means "the nodes named by the
    edges, in order of first appearance"; a missing ``"edges"`` key means no edges.
    At least one of the two must be present.

    Without ``kind`` and ``"type"``, the type is the first of these that accepts the
    graph: the type :func:`~causalscope.graphs.notation.infer_graph_type` picks from
    the edge kinds (DAG, CPDAG, ADMG, MAG or PAG), then PAG, then MixedGraph. So an
    all-directed graph with a cycle is a MixedGraph (as in
    :func:`~causalscope.graphs.notation.parse_graph`), and ``A --> B; B --- C``,
    whose edge kinds fit a MAG but which a MAG forbids (an arrowhead into a node with
    an undirected edge), is a PAG.

    Examples
    --------
    >>> g = graph_from_json('{"nodes": ["A", "B", "C"], "edges": ["A --> B", "A <-> C"]}')
    >>> type(g).__name__, str(g)
    ('ADMG', 'A --> B; A <-> C')
    >>> graph_from_json({"edges": ["X o-> Y"]}).kind
    'pag'
    >>> str(graph_from_json({"summary": "...", "graph": {"edges": ["A --> B"], "type": "dag"}}))
    'A --> B'
    """
    if isinstance(data, os.PathLike):
        raise InvalidParameterError(
            f"graph_from_json reads JSON text or a decoded object; got the path {os.fspath(data)!r}. "
            "Use read_graph(path) for a file"
        )
    if isinstance(data, (bytes, bytearray)):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _json_error(f"the bytes are not UTF-8 text ({exc.reason})") from None
    if isinstance(data, str):
        try:
            value = json.loads(data)
        except json.JSONDecodeError as exc:
            raise _json_error(f"{exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    else:
        value = data
    if not isinstance(value, Mapping):
        raise _json_error(
            'expected an object like {"nodes": [...], "edges": ["A --> B", ...]}; '
            f"got {type(value).__name__}"
        )
    if "nodes" not in value and "edges" not in value and isinstance(value.get("graph"), Mapping):
        value = value["graph"]  # a result file that holds a graph, e.g. the copilot's analysis.json
    if "nodes" not in value and "edges" not in value:
        keys = ", ".join(repr(k) for k in value) or "none"
        raise _json_error(f'expected the key "nodes" or "edges" (or both); the keys are {keys}')

    if is_timeseries_kind(kind):
        return TimeSeriesGraph.from_json_dict(value)
    cls = resolve_kind(cast(KindLike, kind))  # the time-series kind is handled above
    if cls is None and "type" in value:
        declared = value["type"]
        if not isinstance(declared, str):
            raise _json_error(f'"type" must be a string such as "dag"; got {declared!r}')
        if is_timeseries_kind(declared):
            return TimeSeriesGraph.from_json_dict(value).summary_graph()
        cls = graph_type(declared)

    nodes: list[str] | None = None
    if "nodes" in value:
        raw_nodes = value["nodes"]
        if not isinstance(raw_nodes, (list, tuple)):
            raise _json_error(f'"nodes" must be a list of node names; got {type(raw_nodes).__name__}')
        for i, name in enumerate(raw_nodes):
            if not isinstance(name, str):
                raise _json_error(f'"nodes"[{i}] must be a string; got {name!r} ({type(name).__name__})')
        nodes = list(raw_nodes)

    edges: list[Edge] = []
    raw_edges = value.get("edges", [])
    if not isinstance(raw_edges, (list, tuple)):
        raise _json_error(
            f'"edges" must be a list of strings like "A --> B"; got {type(raw_edges).__name__}'
        )
    known = set(nodes) if nodes is not None else None
    for i, text in enumerate(raw_edges):
        if not isinstance(text, str):
            raise _json_error(
                f'"edges"[{i}] must be a string like "A --> B"; got {text!r} ({type(text).__name__})'
            )
        try:
            edge = parse_edge(text)
        except GraphError as exc:
            raise _json_error(f'"edges"[{i}]: {exc}') from None
        if known is not None:
            for name in (edge.u, edge.v):
                if name not in known:
                    raise _json_error(f'edge {text!r} names node {name!r}, which "nodes" does not list')
        edges.append(edge)
    return make_graph(nodes, edges, cls)
