"""The dagitty syntax of causal diagrams: :func:`parse_dagitty` and :class:`DagittyExample`.

dagitty (Textor et al. 2016, Int. J. Epidemiol. 45(6)) writes a diagram as
``dag { X [exposure]; Y [outcome]; X -> Y; X <- Z -> Y }``. :func:`parse_dagitty` reads it into a graph (a
:class:`~causalscope.graphs.DAG`, or an :class:`~causalscope.graphs.ADMG` when the
text has ``<->`` edges) with the node tags and layout; the packaged examples are
loaded by :func:`causalscope.datasets.load_dagitty`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import DataError
from .base import MixedGraph
from .types import ADMG, DAG

__all__ = ["DAGITTY_TAGS", "DagittyExample", "parse_dagitty"]

#: The node tags dagitty knows.
DAGITTY_TAGS = ("exposure", "outcome", "latent", "adjusted", "selected")


@dataclass(frozen=True)
class DagittyExample:
    """A causal diagram written in dagitty syntax.

    Attributes
    ----------
    name:
        The example's name (see :func:`causalscope.datasets.list_dagitty`).
    graph:
        The diagram over **all** its nodes, latent ones included: a
        :class:`~causalscope.graphs.DAG`, or an :class:`~causalscope.graphs.ADMG`
        when the file has bidirected (``<->``) edges.
    exposure, outcome, latent, adjusted, selected:
        Nodes carrying the corresponding dagitty tag, in node order.
    positions:
        The layout coordinates (``pos="x,y"``) dagitty stores, where given.
    provenance:
        Source and license.
    """

    name: str
    graph: MixedGraph
    exposure: tuple[str, ...]
    outcome: tuple[str, ...]
    latent: tuple[str, ...] = ()
    adjusted: tuple[str, ...] = ()
    selected: tuple[str, ...] = ()
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    provenance: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (graph in graph-JSON form)."""
        return {
            "name": self.name,
            "graph": self.graph.to_dict(),
            "exposure": list(self.exposure),
            "outcome": list(self.outcome),
            "latent": list(self.latent),
            "adjusted": list(self.adjusted),
            "selected": list(self.selected),
            "positions": {k: list(v) for k, v in self.positions.items()},
            "provenance": self.provenance,
        }


_DG_TOKEN = re.compile(
    r"""\s+|//[^\n]*|/\*.*?\*/
    |(?P<str>"(?:[^"\\]|\\.)*")
    |(?P<op><->|->|<-|--|@-@|@->|<-@|-@)
    |(?P<punct>[{}\[\]=,;])
    |(?P<name>[A-Za-z0-9_.]+)
    |(?P<bad>.)""",
    re.S | re.X,
)


def _dagitty_tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for m in _DG_TOKEN.finditer(text):
        kind = m.lastgroup
        if kind is None:
            continue
        value = m.group(kind)
        if kind == "bad":
            raise DataError(f"dagitty: unexpected character {value!r} at offset {m.start()}")
        if kind == "str":
            value = value[1:-1].replace('\\"', '"')
            kind = "name"
        out.append((kind, value))
    return out


def parse_dagitty(text: str, *, name: str = "dagitty") -> DagittyExample:
    """Parse a causal diagram written in dagitty syntax.

    Supported: a ``dag { ... }`` block; node statements ``X [exposure,
    pos="1,2"]`` with the tags ``exposure``, ``outcome``, ``latent``,
    ``adjusted``, ``selected`` and the ``pos`` layout; edge statements with
    ``->``, ``<-`` and ``<->``, chains (``A -> B -> C``), groups
    (``A -> {B C}``) and edge attributes (read and ignored); graph attributes
    such as ``bb="..."`` (ignored); quoted node names; ``//`` comments.

    Parameters
    ----------
    text:
        The diagram.
    name:
        Name given to the result.

    Returns
    -------
    DagittyExample
        ``graph`` is a DAG, or an ADMG when there is a ``<->`` edge.

    Raises
    ------
    DataError
        For other graph types (``pdag``, ``mag``, ``pag``), undirected ``--`` or
        other edge kinds, or malformed text.
    GraphError
        If the directed edges form a cycle.

    Examples
    --------
    >>> ex = parse_dagitty('dag { E [exposure] D [outcome] U [latent] '
    ...                    'U -> E U -> D E -> D }')
    >>> str(ex.graph), ex.exposure, ex.outcome, ex.latent
    ('E --> D; U --> E; U --> D', ('E',), ('D',), ('U',))
    >>> parse_dagitty("dag { X -> Y Y <-> Z }").graph.kind
    'admg'
    """
    toks = _dagitty_tokens(text)
    pos = 0

    def peek(k: int = 0) -> tuple[str, str] | None:
        return toks[pos + k] if pos + k < len(toks) else None

    def take() -> tuple[str, str]:
        nonlocal pos
        if pos >= len(toks):
            raise DataError(f"dagitty {name!r}: unexpected end of text")
        tok = toks[pos]
        pos += 1
        return tok

    def expect(value: str) -> None:
        tok = take()
        if tok[1] != value:
            raise DataError(f"dagitty {name!r}: expected {value!r}, found {tok[1]!r}")

    head = take()
    if head != ("name", "dag"):
        raise DataError(
            f"dagitty {name!r}: only 'dag {{ ... }}' diagrams are supported; the text starts with {head[1]!r}"
        )
    if (tok := peek()) is not None and tok[0] == "name":  # optional graph name
        take()
    expect("{")

    nodes: dict[str, None] = {}
    tags: dict[str, set[str]] = {}
    positions: dict[str, tuple[float, float]] = {}
    directed: list[tuple[str, str]] = []
    bidirected: list[tuple[str, str]] = []

    def attributes() -> list[tuple[str, str | None]]:
        expect("[")
        out: list[tuple[str, str | None]] = []
        while True:
            tok = take()
            if tok[1] == "]" and tok[0] == "punct":
                return out
            if tok[0] == "punct" and tok[1] == ",":
                continue
            if tok[0] != "name":
                raise DataError(f"dagitty {name!r}: unexpected {tok[1]!r} in an attribute list")
            key, value = tok[1], None
            if peek() == ("punct", "="):
                take()
                value = take()[1]
            out.append((key, value))

    def item() -> list[str]:
        tok = take()
        if tok == ("punct", "{"):
            group: list[str] = []
            while peek() != ("punct", "}"):
                t = take()
                if t[0] == "name":
                    group.append(t[1])
                elif t[1] not in {",", ";"}:
                    raise DataError(f"dagitty {name!r}: unexpected {t[1]!r} in a node group")
            take()
            for n in group:
                nodes.setdefault(n)
            return group
        if tok[0] != "name":
            raise DataError(f"dagitty {name!r}: expected a node name, found {tok[1]!r}")
        nodes.setdefault(tok[1])
        return [tok[1]]

    def set_node_attributes(names: list[str], attrs: list[tuple[str, str | None]]) -> None:
        for n in names:
            for key, value in attrs:
                if key in DAGITTY_TAGS:
                    tags.setdefault(key, set()).add(n)
                elif key == "pos" and value is not None:
                    try:
                        x, y = (float(v) for v in value.split(","))
                    except ValueError as exc:
                        raise DataError(f"dagitty {name!r}: bad position {value!r} for node {n!r}") from exc
                    positions[n] = (x, y)

    while True:
        tok = peek()
        if tok is None:
            raise DataError(f"dagitty {name!r}: missing closing '}}'")
        if tok == ("punct", "}"):
            take()
            break
        if tok[0] == "punct" and tok[1] in {";", ","}:
            take()
            continue
        if tok[0] == "name" and peek(1) == ("punct", "="):  # graph attribute, e.g. bb="..."
            take(), take(), take()
            continue
        left = item()
        if peek() == ("punct", "["):
            set_node_attributes(left, attributes())
        while (tok := peek()) is not None and tok[0] == "op":
            op = take()[1]
            right = item()
            if op not in {"->", "<-", "<->"}:
                raise DataError(
                    f"dagitty {name!r}: edge kind {op!r} is not supported (only ->, <- and <->): "
                    f"{left} {op} {right}"
                )
            for a in left:
                for b in right:
                    if op == "->":
                        directed.append((a, b))
                    elif op == "<-":
                        directed.append((b, a))
                    else:
                        bidirected.append((a, b))
            left = right
            if peek() == ("punct", "["):
                attributes()  # edge attributes (layout): ignored
    if (tok := peek()) is not None:
        raise DataError(f"dagitty {name!r}: unexpected text after the closing '}}': {tok[1]!r}")

    order = tuple(nodes)

    def tagged(tag: str) -> tuple[str, ...]:
        return tuple(n for n in order if n in tags.get(tag, set()))

    edges: list[Any] = list(directed) + [(a, "<->", b) for a, b in bidirected]
    graph: MixedGraph = ADMG(nodes=order, edges=edges) if bidirected else DAG(nodes=order, edges=edges)
    return DagittyExample(
        name=name,
        graph=graph,
        exposure=tagged("exposure"),
        outcome=tagged("outcome"),
        latent=tagged("latent"),
        adjusted=tagged("adjusted"),
        selected=tagged("selected"),
        positions=positions,
    )
