"""The spelling of the graph notation: edge symbols, statements and node names.

This module knows the text of the notation (``A --> B; B <-> C; D``) and nothing of
graph values, so that :mod:`causalscope.graphs.base` (which prints graphs and reads
single edges) and :mod:`causalscope.graphs.notation` (which reads whole graphs into
the graph types) can both use it without importing each other. What the symbols
mean (which endpoint marks) is defined in :mod:`causalscope.graphs.base`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from ..exceptions import GraphError

__all__ = [
    "EDGE_SYMBOLS",
    "MARK_PATTERN",
    "SHORT_ARROW",
    "WrittenEdge",
    "check_name",
    "format_notation",
    "split_edge",
    "split_statements",
]

#: Every edge symbol the notation reads: the canonical ones, then the reversed spellings.
EDGE_SYMBOLS: tuple[str, ...] = ("-->", "---", "<->", "o->", "o-o", "--o", "<--", "<-o", "o--")

_MARK_RE = "|".join(re.escape(s) for s in sorted(EDGE_SYMBOLS, key=len, reverse=True))
_EDGE_RE = re.compile(rf"^(?P<u>.+?)\s*(?P<mark>{_MARK_RE})\s*(?P<v>.+)$")
#: Matches any edge symbol inside a text.
MARK_PATTERN = re.compile(_MARK_RE)
#: "A -> B" is a common slip for "A --> B"; readers refuse it rather than read one node "A -> B".
SHORT_ARROW = re.compile(r"\s(->|<-)\s")


class WrittenEdge(Protocol):
    """What :func:`format_notation` needs of an edge: its two nodes and its text (``str``)."""

    @property
    def u(self) -> str: ...

    @property
    def v(self) -> str: ...


def split_edge(text: str) -> tuple[str, str, str]:
    """Split one edge such as ``"A --> B"`` into ``("A", "-->", "B")``.

    Raises
    ------
    GraphError
        If ``text`` is not ``NAME MARK NAME``.
    """
    m = _EDGE_RE.match(text.strip())
    if m is None:
        raise GraphError(
            f"cannot read an edge from {text!r}; expected 'X MARK Y' with MARK one of "
            f"{', '.join(sorted(EDGE_SYMBOLS))}"
        )
    u, v = m.group("u").strip(), m.group("v").strip()
    if MARK_PATTERN.search(v) or not u or not v:
        raise GraphError(f"cannot read an edge from {text!r}: expected exactly one mark between two names")
    return u, m.group("mark"), v


def split_statements(text: str) -> list[str]:
    """The statements of ``text``: split at ``;`` and new lines, comments (``#``) and blanks dropped."""
    out = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.split("#", 1)[0]
        for part in line.split(";"):
            part = part.strip()
            if part:
                out.append(part)
    return out


def check_name(name: str) -> None:
    """Raise :class:`GraphError` if the node name ``name`` cannot be written in the notation."""
    if name != name.strip() or ";" in name or "\n" in name or "#" in name or MARK_PATTERN.search(name):
        raise GraphError(
            f"node name {name!r} cannot be written in graph notation (it has surrounding "
            "whitespace, ';', '#', a new line or an edge mark); use JSON instead"
        )


def format_notation(nodes: Sequence[str], edges: Iterable[WrittenEdge], separator: str = "; ") -> str:
    """Write ``edges`` (each as ``str(edge)``) then the nodes no edge touches, joined by ``separator``.

    Raises
    ------
    GraphError
        If a node name cannot be written in the notation (:func:`check_name`).
    """
    for n in nodes:
        check_name(n)
    edges = list(edges)
    parts = [str(e) for e in edges]
    touched = {n for e in edges for n in (e.u, e.v)}
    parts.extend(n for n in nodes if n not in touched)
    return separator.join(parts)
