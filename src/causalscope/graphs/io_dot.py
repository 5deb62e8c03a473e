"""DOT (Graphviz) text for graphs.

``digraph`` text whose edges carry ``dir=both`` with ``arrowtail`` /
``arrowhead`` shapes for the marks (``normal`` arrow, ``odot`` circle, ``none``
tail); :func:`from_dot` reads that and simple ``a -> b;`` digraphs with a small
parser of its own (no pydot needed).
"""

from __future__ import annotations

import re

from ..exceptions import GraphError, InvalidParameterError
from .base import Edge, Endpoint, MixedGraph
from .io_common import KindLike, check_graph, make_graph, resolve_kind
from .types import graph_type

__all__ = ["to_dot", "from_dot"]


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
    graph = check_graph(graph)
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
    cls = resolve_kind(kind)
    if cls is None:
        m = _TYPE_COMMENT.match(graph_attrs.get("comment", ""))
        if m is not None:
            cls = graph_type(m.group(1))
    return make_graph(nodes, edges, cls)
