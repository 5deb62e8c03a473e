"""Graph files: :func:`read_graph` and :func:`write_graph` choose the format by the extension.

``.txt``: the text notation (:mod:`causalscope.graphs.notation`); ``.dot`` /
``.gv``: DOT (:mod:`causalscope.graphs.io_dot`); anything else: graph JSON
(:mod:`causalscope.graphs.io_json`). A :class:`~causalscope.graphs.timeseries.TimeSeriesGraph`
is written as the time-series graph JSON, or in ``.txt`` as its lagged notation
(:meth:`~causalscope.graphs.timeseries.TimeSeriesGraph.to_text`), and read back
with ``kind="timeseries"``. Every reader raises
:class:`~causalscope.exceptions.GraphError` whose message starts with the path.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast, overload

from ..exceptions import GraphError
from .base import MixedGraph
from .io_common import KindLike, check_graph, resolve_kind
from .io_dot import from_dot, to_dot
from .io_json import TimeSeriesKind, graph_from_json, graph_to_json, is_timeseries_kind
from .notation import format_graph, parse_graph
from .timeseries import TimeSeriesGraph
from .types import PAG

__all__ = ["read_graph", "write_graph"]


def _suffix(path: Path) -> str:
    return path.suffix.lower()


def _parse_text(text: str, cls: type[MixedGraph] | None) -> MixedGraph:
    """:func:`parse_graph`, with a PAG as fallback when the inferred type rejects the graph."""
    if cls is not None:
        return parse_graph(text, kind=cls)
    try:
        return parse_graph(text)
    except GraphError as exc:
        try:
            return parse_graph(text, kind=PAG)
        except GraphError:
            raise exc from None


@overload
def read_graph(path: str | Path, *, kind: TimeSeriesKind) -> TimeSeriesGraph: ...  # type: ignore[overload-overlap]


@overload
def read_graph(path: str | Path, *, kind: KindLike = None) -> MixedGraph: ...


def read_graph(path: str | Path, *, kind: KindLike | TimeSeriesKind = None) -> MixedGraph | TimeSeriesGraph:
    """Read a graph file, choosing the format by the extension.

    ``.txt`` files hold the text notation (:func:`~causalscope.graphs.notation.parse_graph`),
    ``.dot`` and ``.gv`` files DOT (:func:`from_dot`); every other file is read as
    graph JSON (:func:`graph_from_json`).

    Parameters
    ----------
    path:
        The file.
    kind:
        The graph type to build; overrides the type the file declares.
        ``"timeseries"`` reads a time-series graph (JSON, or the lagged notation in
        ``.txt``) into a :class:`TimeSeriesGraph`; a time-series JSON file read
        without it gives its summary graph.

    Returns
    -------
    MixedGraph or TimeSeriesGraph

    Raises
    ------
    GraphError
        If the file does not exist or cannot be read, or its content is not a valid
        graph; the message starts with the path.

    Examples
    --------
    >>> import tempfile, os
    >>> from causalscope.graphs import DAG
    >>> folder = tempfile.mkdtemp()
    >>> write_graph(DAG(edges=["A --> B"]), os.path.join(folder, "g.json"))
    >>> read_graph(os.path.join(folder, "g.json"))
    DAG('A --> B')
    """
    p = Path(path)
    if not p.exists():
        raise GraphError(f"graph file {str(p)!r} does not exist")
    if not p.is_file():
        raise GraphError(f"graph file {str(p)!r} is not a file")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise GraphError(f"{p}: the file is not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise GraphError(f"{p}: cannot read the file ({exc.strerror})") from None
    try:
        if is_timeseries_kind(kind):
            if _suffix(p) in (".dot", ".gv"):
                raise GraphError("a time-series graph is read from graph JSON or the lagged notation (.txt)")
            if _suffix(p) == ".txt":
                return TimeSeriesGraph.parse(text)
            return graph_from_json(text, kind="timeseries")
        generic = cast(KindLike, kind)  # not the time-series kind
        if _suffix(p) == ".txt":
            return _parse_text(text, resolve_kind(generic))
        if _suffix(p) in (".dot", ".gv"):
            return from_dot(text, kind=generic)
        return graph_from_json(text, kind=generic)
    except GraphError as exc:
        raise GraphError(f"{p}: {exc}") from None


def write_graph(graph: MixedGraph | TimeSeriesGraph, path: str | Path) -> None:
    """Write ``graph`` to a file, choosing the format by the extension.

    ``.txt``: the text notation; ``.dot`` / ``.gv``: DOT; anything else: graph JSON
    (indented by 2). Missing parent folders are created.

    Raises
    ------
    GraphError
        If a node name cannot be written in the chosen format.

    Examples
    --------
    >>> import tempfile, os
    >>> from causalscope.graphs import PAG
    >>> path = os.path.join(tempfile.mkdtemp(), "pag.dot")
    >>> write_graph(PAG(edges=["A o-> B"]), path)
    >>> read_graph(path) == PAG(edges=["A o-> B"])
    True
    """
    p = Path(path)
    if isinstance(graph, TimeSeriesGraph):
        if _suffix(p) in (".dot", ".gv"):
            raise GraphError(f"{p}: a time-series graph is written as graph JSON or .txt; for DOT, "
                             "write its summary_graph() or unroll()")
        text = graph.to_text(separator="\n") if _suffix(p) == ".txt" else graph_to_json(graph, indent=2)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text + "\n", encoding="utf-8")
        return
    graph = check_graph(graph)
    if _suffix(p) == ".txt":
        text = format_graph(graph, separator="\n")
    elif _suffix(p) in (".dot", ".gv"):
        text = to_dot(graph)
    else:
        text = graph_to_json(graph, indent=2)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text + "\n", encoding="utf-8")
