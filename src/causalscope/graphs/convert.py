"""Converting graphs to and from files and other libraries.

A causalscope graph (:class:`~causalscope.graphs.base.MixedGraph` and its
subclasses) can be written to and read from:

graph JSON
    The public file format of the command line (``docs/cli.md``)::

        {"type": "cpdag", "nodes": ["A", "B", "C"], "edges": ["A --> B", "B --- C"]}

    ``"type"`` is optional (the most specific type that accepts the graph is
    chosen, see :func:`graph_from_json`); ``"nodes"`` is
    optional (taken from the edges in order of appearance); unknown keys are
    ignored. See :func:`graph_to_json`, :func:`graph_from_json`,
    :func:`read_graph` and :func:`write_graph`.
networkx
    A :class:`networkx.DiGraph` with one networkx edge per edge of ours, its marks
    stored as the string attributes ``mark_u`` / ``mark_v`` (see
    :func:`to_networkx` for the exact, lossless encoding). Plain DiGraphs without
    those attributes are read as all-directed graphs.
DOT (Graphviz)
    ``digraph`` text whose edges carry ``dir=both`` with ``arrowtail`` /
    ``arrowhead`` shapes for the marks (``normal`` arrow, ``odot`` circle,
    ``none`` tail); :func:`from_dot` reads that and simple ``a -> b;`` digraphs
    with a small parser of its own (no pydot needed).
causal-learn and pgmpy
    :func:`to_causallearn` / :func:`from_causallearn` for causal-learn's
    ``GeneralGraph`` (every mark, ADMG bows included) and :func:`to_pgmpy` /
    :func:`from_pgmpy` for pgmpy's ``DAG``. Those packages are not dependencies of
    causalscope; they are imported only when the function is called.

Every reader raises :class:`~causalscope.exceptions.GraphError` with a message
that says what was expected and what was found (and the file, when reading one).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..exceptions import GraphError, InvalidParameterError, MissingDependencyError
from ..utils import lazy_import
from .base import Edge, Endpoint, MixedGraph
from .notation import format_graph, infer_graph_type, parse_edge, parse_graph
from .types import DAG, PAG, graph_type

if TYPE_CHECKING:
    import networkx as nx
else:  # imported on first use, not at every command's start
    nx = lazy_import("networkx")

__all__ = [
    "graph_to_json",
    "graph_from_json",
    "read_graph",
    "write_graph",
    "to_networkx",
    "from_networkx",
    "to_dot",
    "from_dot",
    "to_causallearn",
    "from_causallearn",
    "to_pgmpy",
    "from_pgmpy",
]

KindLike = str | type[MixedGraph] | None


# ---------------------------------------------------------------------- helpers
def _check_graph(graph: object, param: str = "graph") -> MixedGraph:
    if not isinstance(graph, MixedGraph):
        raise InvalidParameterError(
            f"{param} must be a causalscope graph (DAG, CPDAG, MAG, ADMG, PAG or MixedGraph); "
            f"got {type(graph).__name__}"
        )
    return graph


def _resolve_kind(kind: KindLike) -> type[MixedGraph] | None:
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


def _make_graph(nodes: list[str] | None, edges: list[Edge], cls: type[MixedGraph] | None) -> MixedGraph:
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


_MARK_NAMES = {m.value: m for m in Endpoint}


def _parse_mark(value: object, where: str) -> Endpoint:
    if isinstance(value, Endpoint):
        return value
    if isinstance(value, str) and value.lower() in _MARK_NAMES:
        return _MARK_NAMES[value.lower()]
    raise GraphError(f"{where}: a mark must be 'tail', 'arrow' or 'circle'; got {value!r}")


def _check_node_name(name: object, where: str) -> str:
    if not isinstance(name, str):
        raise GraphError(
            f"{where}: node names must be strings; got {name!r} ({type(name).__name__}). "
            "Relabel the nodes first, for example networkx.relabel_nodes(g, str)"
        )
    return name


# ---------------------------------------------------------------------- JSON
def graph_to_json(graph: MixedGraph, *, indent: int | None = None) -> str:
    """Write ``graph`` as graph JSON: ``{"type", "nodes", "edges"}``.

    Parameters
    ----------
    graph:
        Any causalscope graph.
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
    graph = _check_graph(graph)
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


def graph_from_json(data: str | bytes | Mapping[str, Any], *, kind: KindLike = None) -> MixedGraph:
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

    cls = _resolve_kind(kind)
    if cls is None and "type" in value:
        declared = value["type"]
        if not isinstance(declared, str):
            raise _json_error(f'"type" must be a string such as "dag"; got {declared!r}')
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
    return _make_graph(nodes, edges, cls)


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


def read_graph(path: str | Path, *, kind: KindLike = None) -> MixedGraph:
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

    Returns
    -------
    MixedGraph

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
        if _suffix(p) == ".txt":
            return _parse_text(text, _resolve_kind(kind))
        if _suffix(p) in (".dot", ".gv"):
            return from_dot(text, kind=kind)
        return graph_from_json(text, kind=kind)
    except GraphError as exc:
        raise GraphError(f"{p}: {exc}") from None


def write_graph(graph: MixedGraph, path: str | Path) -> None:
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
    graph = _check_graph(graph)
    p = Path(path)
    if _suffix(p) == ".txt":
        text = format_graph(graph, separator="\n")
    elif _suffix(p) in (".dot", ".gv"):
        text = to_dot(graph)
    else:
        text = graph_to_json(graph, indent=2)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text + "\n", encoding="utf-8")


# ---------------------------------------------------------------------- networkx
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
    graph = _check_graph(graph)
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
    nodes = [_check_node_name(n, "from_networkx") for n in g.nodes]
    edges: list[Edge] = []
    for u, v, data in g.edges(data=True):
        where = f"networkx edge ({u!r}, {v!r})"
        _check_node_name(u, where)
        _check_node_name(v, where)
        has_u, has_v = "mark_u" in data, "mark_v" in data
        if not g.is_directed():
            if has_u or has_v:
                raise GraphError(
                    f"{where}: mark attributes need a networkx DiGraph (an undirected graph "
                    "does not keep the order of u and v)"
                )
            edges.append(Edge.undirected(u, v))
        elif has_u and has_v:
            edges.append(Edge(u, v, _parse_mark(data["mark_u"], where), _parse_mark(data["mark_v"], where)))
        elif has_u or has_v:
            raise GraphError(f"{where}: has only one of the attributes 'mark_u' and 'mark_v'; give both or neither")
        else:
            edges.append(Edge.directed(u, v))
    cls = _resolve_kind(kind)
    if cls is None and "kind" in g.graph:
        declared = g.graph["kind"]
        if not isinstance(declared, str):
            raise GraphError(f"networkx graph attribute 'kind' must be a type name; got {declared!r}")
        cls = graph_type(declared)
    return _make_graph(nodes, edges, cls)


# ---------------------------------------------------------------------- DOT
_DOT_KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})
_DOT_PLAIN_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SHAPE_OF = {Endpoint.TAIL: "none", Endpoint.ARROW: "normal", Endpoint.CIRCLE: "odot"}
_MARK_OF_SHAPE = {
    "none": Endpoint.TAIL,
    "normal": Endpoint.ARROW,
    "vee": Endpoint.ARROW,
    "empty": Endpoint.ARROW,
    "onormal": Endpoint.ARROW,
    "odot": Endpoint.CIRCLE,
}
_TYPE_COMMENT = re.compile(r"^causalscope:(\w+)$")


def _dot_id(name: str) -> str:
    if _DOT_PLAIN_ID.fullmatch(name) and name.lower() not in _DOT_KEYWORDS:
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(graph: MixedGraph, *, name: str = "G") -> str:
    """Write ``graph`` as a Graphviz ``digraph``.

    Every node is listed first (so isolated nodes and the node order survive).
    ``u --> v`` is written ``u -> v;``; every other edge is written in its canonical
    order with ``dir=both`` and the shapes ``arrowtail`` (mark at ``u``) and
    ``arrowhead`` (mark at ``v``): ``normal`` for an arrow, ``odot`` for a circle,
    ``none`` for a tail. The graph type is kept in the graph attribute
    ``comment="causalscope:TYPE"``.

    Names that are not plain identifiers (letters, digits, ``_``; not a DOT keyword)
    are double-quoted, with ``"`` written ``\\"`` and ``\\`` written ``\\\\``.

    Examples
    --------
    >>> from causalscope.graphs import PAG
    >>> print(to_dot(PAG(edges=["A o-> B", "B --> C"])))
    digraph G {
      comment="causalscope:pag";
      A;
      B;
      C;
      A -> B [dir=both, arrowtail=odot, arrowhead=normal];
      B -> C;
    }
    """
    graph = _check_graph(graph)
    if not isinstance(name, str) or not name:
        raise InvalidParameterError(f"name must be a non-empty string; got {name!r}")
    lines = [f"digraph {_dot_id(name)} {{", f'  comment="causalscope:{graph.kind}";']
    lines.extend(f"  {_dot_id(n)};" for n in graph.nodes)
    for e in graph.edges:
        if e.is_directed:
            lines.append(f"  {_dot_id(e.source)} -> {_dot_id(e.target)};")
        else:
            lines.append(
                f"  {_dot_id(e.u)} -> {_dot_id(e.v)} [dir=both, "
                f"arrowtail={_SHAPE_OF[e.mark_u]}, arrowhead={_SHAPE_OF[e.mark_v]}];"
            )
    lines.append("}")
    return "\n".join(lines)


_DOT_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/|^\#[^\n]*)
  | (?P<quoted>"(?:\\.|[^"\\])*")
  | (?P<edgeop>->|--)
  | (?P<id>[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff]*|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))
  | (?P<punct>[{}\[\];,=:])
  | (?P<html><)
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)


class _Tok:
    __slots__ = ("kind", "text", "line")

    def __init__(self, kind: str, text: str, line: int) -> None:
        self.kind, self.text, self.line = kind, text, line

    def is_keyword(self, *words: str) -> bool:
        return self.kind == "id" and self.text.lower() in words


def _unescape(m: re.Match[str]) -> str:
    char = m.group(1)
    if char in '"\\':
        return char
    return "" if char == "\n" else m.group()  # backslash-newline continues the line


def _tokenize_dot(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    line = 1
    while pos < len(text):
        m = _DOT_TOKEN.match(text, pos)
        if m is None:
            raise GraphError(f"DOT line {line}: unexpected character {text[pos]!r}")
        kind = m.lastgroup or ""
        chunk = m.group()
        if kind == "html":
            raise GraphError(f"DOT line {line}: HTML strings (<...>) are not supported")
        if kind == "quoted":
            body = chunk[1:-1]
            value = re.sub(r"\\(.)", _unescape, body, flags=re.S)
            out.append(_Tok("quoted", value, line))
        elif kind not in ("space", "comment"):
            out.append(_Tok(kind, chunk, line))
        line += chunk.count("\n")
        pos = m.end()
    return out


class _DotParser:
    """Recursive-descent parser for the DOT subset read by :func:`from_dot`."""

    def __init__(self, text: str) -> None:
        self.toks = _tokenize_dot(text)
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def error(self, message: str) -> GraphError:
        tok = self.peek()
        where = f"DOT line {tok.line}" if tok is not None else "DOT, at the end"
        return GraphError(f"{where}: {message}")

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise self.error("the text ends too early (a '}' is missing?)")
        self.i += 1
        return tok

    def expect_punct(self, p: str) -> None:
        tok = self.peek()
        if tok is None or tok.kind != "punct" or tok.text != p:
            found = "the end" if tok is None else repr(tok.text)
            raise self.error(f"expected {p!r}; found {found}")
        self.i += 1

    def at_punct(self, p: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "punct" and tok.text == p

    def take_id(self, what: str) -> str:
        tok = self.peek()
        if tok is None or tok.kind not in ("id", "quoted"):
            found = "the end" if tok is None else repr(tok.text)
            raise self.error(f"expected {what}; found {found}")
        self.i += 1
        return tok.text

    def attr_list(self) -> dict[str, str]:
        attrs: dict[str, str] = {}
        while self.at_punct("["):
            self.i += 1
            while not self.at_punct("]"):
                key = self.take_id("an attribute name")
                self.expect_punct("=")
                attrs[key.lower()] = self.take_id(f"a value for attribute {key!r}")
                if self.at_punct(",") or self.at_punct(";"):
                    self.i += 1
            self.i += 1
        return attrs

    def parse(self) -> tuple[list[str], list[tuple[str, str, dict[str, str]]], dict[str, str], bool]:
        tok = self.peek()
        if tok is not None and tok.is_keyword("strict"):
            self.i += 1
        tok = self.peek()
        if tok is None or not tok.is_keyword("graph", "digraph"):
            raise self.error("expected 'digraph' or 'graph' at the start")
        directed = self.take().text.lower() == "digraph"
        tok = self.peek()
        if tok is not None and tok.kind in ("id", "quoted"):
            self.i += 1
        self.expect_punct("{")
        nodes: dict[str, None] = {}
        edges: list[tuple[str, str, dict[str, str]]] = []
        graph_attrs: dict[str, str] = {}
        edge_defaults: dict[str, str] = {}
        while True:
            tok = self.peek()
            if tok is None:
                raise self.error("the text ends before the closing '}'")
            if tok.kind == "punct" and tok.text == "}":
                self.i += 1
                break
            if tok.kind == "punct" and tok.text == ";":
                self.i += 1
                continue
            if tok.kind == "punct" and tok.text == "{" or tok.is_keyword("subgraph"):
                raise self.error("subgraphs are not supported by this DOT reader")
            if tok.is_keyword("graph", "node", "edge"):
                self.i += 1
                if not self.at_punct("["):
                    raise self.error(f"expected '[' after {tok.text!r} (an attribute statement)")
                attrs = self.attr_list()
                if tok.text.lower() == "graph":
                    graph_attrs.update(attrs)
                elif tok.text.lower() == "edge":
                    edge_defaults.update(attrs)
                continue
            if tok.kind == "id" and tok.text.lower() in _DOT_KEYWORDS:
                raise self.error(f"unexpected keyword {tok.text!r}")
            first = self.take_id("a node name")
            if self.at_punct("="):
                self.i += 1
                graph_attrs[first.lower()] = self.take_id(f"a value for graph attribute {first!r}")
                continue
            if self.at_punct(":"):
                raise self.error("node ports (name:port) are not supported")
            chain = [first]
            while (nxt := self.peek()) is not None and nxt.kind == "edgeop":
                op = self.take().text
                if op != ("->" if directed else "--"):
                    kind_name = "digraph" if directed else "graph"
                    raise self.error(f"a {kind_name} uses '{'->' if directed else '--'}' for edges; found {op!r}")
                chain.append(self.take_id("a node name after the edge operator"))
                if self.at_punct(":"):
                    raise self.error("node ports (name:port) are not supported")
            attrs = self.attr_list()
            for n in chain:
                nodes.setdefault(n)
            merged = {**({} if directed else {"dir": "none"}), **edge_defaults, **attrs}
            edges.extend((a, b, merged) for a, b in zip(chain, chain[1:], strict=False))
        if self.peek() is not None:
            raise self.error("unexpected text after the closing '}'")
        return list(nodes), edges, graph_attrs, directed


def _shape_mark(shape: str, where: str) -> Endpoint:
    try:
        return _MARK_OF_SHAPE[shape.lower()]
    except KeyError:
        raise GraphError(
            f"{where}: arrow shape {shape!r} has no mark; use none (tail), normal (arrow) or odot (circle)"
        ) from None


def from_dot(text: str, *, kind: KindLike = None) -> MixedGraph:
    """Read a graph from DOT text (the subset :func:`to_dot` writes, and simple digraphs).

    The reader understands: an optional ``strict``; ``digraph`` (edges ``->``) or
    ``graph`` (edges ``--``, read as undirected); an optional graph name; node
    statements with or without attributes; edge statements, chains ``a -> b -> c``
    included; ``graph [...]``, ``node [...]`` and ``edge [...]`` default attributes;
    ``key=value`` graph attributes; ``//``, ``/* */`` and ``#`` comments; quoted names
    (``\\"`` and ``\\\\`` are unescaped). Subgraphs, ports and HTML labels are not
    supported and raise :class:`~causalscope.exceptions.GraphError`.

    Marks come from the edge attributes as Graphviz draws them: ``dir`` (default
    ``forward`` in a digraph, ``none`` in a graph), ``arrowhead`` (mark at the
    second node, used when ``dir`` is ``forward`` or ``both``) and ``arrowtail``
    (mark at the first node, used when ``dir`` is ``back`` or ``both``), each
    defaulting to ``normal``. Shapes: ``none`` tail; ``normal``, ``vee``,
    ``empty``, ``onormal`` arrow; ``odot`` circle. A node end without a drawn shape
    is a tail.

    Parameters
    ----------
    text:
        The DOT source.
    kind:
        The graph type to build; overrides the ``comment="causalscope:TYPE"`` graph
        attribute that :func:`to_dot` writes. Without either, the type is inferred.

    Examples
    --------
    >>> from_dot("digraph { a -> b; b -> c [dir=both, arrowtail=normal, arrowhead=normal]; }")
    ADMG('a --> b; b <-> c')
    """
    if not isinstance(text, str):
        raise InvalidParameterError(f"text must be a str with DOT source; got {type(text).__name__}")
    nodes, raw_edges, graph_attrs, _ = _DotParser(text).parse()
    edges: list[Edge] = []
    for a, b, attrs in raw_edges:
        where = f"DOT edge {a!r} -> {b!r}"
        direction = attrs.get("dir", "forward").lower()
        head = _shape_mark(attrs.get("arrowhead", "normal"), where)
        tail = _shape_mark(attrs.get("arrowtail", "normal"), where)
        if direction == "forward":
            marks = (Endpoint.TAIL, head)
        elif direction == "back":
            marks = (tail, Endpoint.TAIL)
        elif direction == "both":
            marks = (tail, head)
        elif direction == "none":
            marks = (Endpoint.TAIL, Endpoint.TAIL)
        else:
            raise GraphError(f"{where}: dir must be forward, back, both or none; got {direction!r}")
        edges.append(Edge(a, b, *marks))
    cls = _resolve_kind(kind)
    if cls is None:
        m = _TYPE_COMMENT.match(graph_attrs.get("comment", ""))
        if m is not None:
            cls = graph_type(m.group(1))
    return _make_graph(nodes, edges, cls)


# ---------------------------------------------------------------------- causal-learn
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
    graph = _check_graph(graph)
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
    names = [_check_node_name(n, "from_causallearn") for n in general_graph.get_node_names()]
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
    return _make_graph(names, edges, _resolve_kind(kind))


# ---------------------------------------------------------------------- pgmpy
def to_pgmpy(dag: DAG) -> Any:
    """The DAG as a ``pgmpy.base.DAG`` (needs the package ``pgmpy``).

    Raises
    ------
    InvalidParameterError
        If ``dag`` is not a :class:`~causalscope.graphs.types.DAG` (turn a CPDAG into
        one of its DAGs with :func:`~causalscope.graphs.equivalence.cpdag_to_dag`).
    MissingDependencyError
        If pgmpy is not installed.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> sorted(to_pgmpy(DAG(edges=["A --> B", "C --> B"])).edges())
    [('A', 'B'), ('C', 'B')]
    """
    if not isinstance(dag, DAG):
        raise InvalidParameterError(f"dag must be a DAG; got {type(dag).__name__}")
    try:
        from pgmpy.base import DAG as PgmpyDAG
    except ImportError:
        raise MissingDependencyError("pgmpy", extra="test", feature="to_pgmpy") from None
    out = PgmpyDAG()
    out.add_nodes_from(dag.nodes)
    out.add_edges_from([(e.source, e.target) for e in dag.edges])
    return out


def from_pgmpy(pgmpy_dag: Any) -> DAG:
    """Read a pgmpy ``DAG`` (or any pgmpy model that is a networkx DiGraph) as a DAG.

    Every node of the pgmpy graph becomes a node, including those pgmpy marks as
    latent (``pgmpy_dag.latents``); project them out with
    :func:`~causalscope.graphs.projection.latent_projection` if needed.

    Raises
    ------
    InvalidParameterError
        If the object is not a directed networkx graph.
    GraphError
        For a node name that is not a string or a directed cycle.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> g = DAG(edges=["A --> B", "C --> B"])
    >>> from_pgmpy(to_pgmpy(g)) == g
    True
    """
    if not isinstance(pgmpy_dag, nx.DiGraph):
        raise InvalidParameterError(
            f"pgmpy_dag must be a pgmpy DAG (a networkx DiGraph); got {type(pgmpy_dag).__name__}"
        )
    nodes = [_check_node_name(n, "from_pgmpy") for n in pgmpy_dag.nodes()]
    return DAG(nodes, [Edge.directed(u, v) for u, v in pgmpy_dag.edges()])

