"""Read the *structure* of a Bayesian network from a BIF file.

The Bayesian Interchange Format (BIF, the text format of the bnlearn network
repository and of many Bayesian-network tools) describes a discrete Bayesian
network in blocks::

    network NAME { }
    variable X { type discrete [ 2 ] { yes, no }; }
    probability ( X | P1, P2 ) { (yes, no) 0.1, 0.9; ... }
    probability ( P1 ) { table 0.3, 0.7; }

A ``variable`` block names a variable and its states; a ``probability`` block
names a child and, after ``|``, its parents. The directed acyclic graph of the
network is therefore fully determined by the ``probability`` headers, and the
state spaces by the ``variable`` blocks.

This module reads **only that structure**: the variables in declaration order,
their state names, and each variable's parent set, from which it builds a
:class:`~causalscope.graphs.DAG`. The numbers inside the ``probability`` blocks
(the conditional probability tables) are skipped on purpose; reading them,
checking that they are normalised and ordering them over parent configurations
belongs to the discrete Bayesian-network layer (``causalscope.scm``), which can
open the same file.

Supported syntax: ``//`` and ``/* */`` comments, ``property`` lines (ignored),
state lists separated by commas (or, failing that, by whitespace), gzip-compressed
files (recognised by their magic bytes, whatever the file name).

References
----------
.. [1] F. G. Cozman (1998). The Interchange Format for Bayesian Networks.
   http://www.cs.cmu.edu/~fgcozman/Research/InterchangeFormat/
.. [2] M. Scutari. Bayesian Network Repository. https://www.bnlearn.com/bnrepository/
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from ..exceptions import DataError
from ..graphs import DAG

__all__ = ["BIFStructure", "parse_bif_structure", "read_bif_structure"]

_GZIP_MAGIC = b"\x1f\x8b"
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_NETWORK = re.compile(r"\bnetwork\s+(\"[^\"]*\"|[^\s{]+)\s*\{")
_VARIABLE = re.compile(r"\bvariable\s+([^\s{]+)\s*\{")
_TYPE = re.compile(r"type\s+discrete\s*\[\s*(\d+)\s*\]\s*\{(.*?)\}\s*;", re.S)
_PROBABILITY = re.compile(r"\bprobability\s*\(\s*([^)|]+?)\s*(?:\|\s*([^)]*?)\s*)?\)\s*\{")


@dataclass(frozen=True)
class BIFStructure:
    """The structure of a discrete Bayesian network read from a BIF file.

    Attributes
    ----------
    name:
        The name after ``network`` in the file (``"unknown"`` in many files).
    variables:
        Variable names in the order the file declares them.
    states:
        For each variable, its state names in file order.
    parents:
        For each variable, its parents in the order of its ``probability`` header
        (that order fixes how a CPT is laid out, so it is kept).
    graph:
        The DAG ``parent --> child`` over ``variables``.
    """

    name: str
    variables: tuple[str, ...]
    states: dict[str, tuple[str, ...]]
    parents: dict[str, tuple[str, ...]]
    graph: DAG

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dictionary (graph in graph-JSON form)."""
        return {
            "name": self.name,
            "variables": list(self.variables),
            "states": {v: list(s) for v, s in self.states.items()},
            "parents": {v: list(p) for v, p in self.parents.items()},
            "graph": self.graph.to_dict(),
        }


def _split_states(body: str, k: int) -> tuple[str, ...]:
    items = [s.strip() for s in body.split(",")]
    if len(items) == 1 and k > 1:
        items = body.split()
    return tuple(s.strip().strip('"') for s in items if s.strip())


def _block_end(text: str, start: int) -> int:
    """Index just after the ``}`` that closes the ``{`` at ``text[start - 1]``."""
    depth = 1
    i = start
    while depth and i < len(text):
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    return i


def parse_bif_structure(text: str, *, source: str = "<string>") -> BIFStructure:
    """Parse the variables, states and parent sets of BIF text.

    Parameters
    ----------
    text:
        The content of a BIF file.
    source:
        A name for the text used in error messages (for example the file path).

    Returns
    -------
    BIFStructure
        Variables, their states, their parent sets and the DAG. Conditional
        probability tables are not read (see the module notes).

    Raises
    ------
    DataError
        If a variable has no discrete state list or the wrong number of states,
        is declared twice, has two ``probability`` blocks, or a ``probability``
        block names an undeclared variable.
    GraphError
        If the parent sets form a directed cycle.

    Examples
    --------
    >>> s = parse_bif_structure('''
    ... network toy { }
    ... variable A { type discrete [ 2 ] { yes, no }; }
    ... variable B { type discrete [ 3 ] { lo, mid, hi }; }
    ... probability ( A ) { table 0.5, 0.5; }
    ... probability ( B | A ) { (yes) 0.2, 0.3, 0.5; (no) 0.1, 0.1, 0.8; }
    ... ''')
    >>> s.variables, s.states["B"], s.parents["B"]
    (('A', 'B'), ('lo', 'mid', 'hi'), ('A',))
    >>> str(s.graph)
    'A --> B'
    """
    clean = _COMMENTS.sub(" ", text)
    m = _NETWORK.search(clean)
    name = m.group(1).strip('"') if m else "unknown"

    variables: list[str] = []
    states: dict[str, tuple[str, ...]] = {}
    for vm in _VARIABLE.finditer(clean):
        var = vm.group(1).strip('"')
        body = clean[vm.end() : _block_end(clean, vm.end()) - 1]
        if var in states:
            raise DataError(f"{source}: variable {var!r} is declared twice")
        tm = _TYPE.search(body)
        if tm is None:
            raise DataError(
                f"{source}: variable {var!r} has no 'type discrete [ k ] {{ ... }};' declaration; "
                f"only discrete variables are supported"
            )
        k = int(tm.group(1))
        st = _split_states(tm.group(2), k)
        if len(st) != k:
            raise DataError(
                f"{source}: variable {var!r} declares {k} states but lists {len(st)}: {list(st)}"
            )
        variables.append(var)
        states[var] = st

    parents: dict[str, tuple[str, ...]] = {}
    declared = set(variables)
    for pm in _PROBABILITY.finditer(clean):
        child = pm.group(1).strip().strip('"')
        pa = tuple(p.strip().strip('"') for p in (pm.group(2) or "").split(",") if p.strip())
        for v in (child, *pa):
            if v not in declared:
                raise DataError(
                    f"{source}: probability block for {child!r} names {v!r}, which no variable block declares"
                )
        if child in parents:
            raise DataError(f"{source}: variable {child!r} has more than one probability block")
        parents[child] = pa
    for var in variables:
        parents.setdefault(var, ())
    parents = {v: parents[v] for v in variables}

    graph = DAG(nodes=variables, edges=[(p, c) for c in variables for p in parents[c]])
    return BIFStructure(name=name, variables=tuple(variables), states=states, parents=parents, graph=graph)


def read_bif_structure(path: str | PathLike[str]) -> BIFStructure:
    """Read the structure of a BIF file (plain or gzip-compressed).

    Parameters
    ----------
    path:
        Path to a ``.bif`` or ``.bif.gz`` file. Compression is detected from the
        file's first bytes, not its name.

    Returns
    -------
    BIFStructure
        See :func:`parse_bif_structure`.

    Raises
    ------
    DataError
        If the file does not exist or cannot be parsed.

    Examples
    --------
    >>> from causalscope.datasets import load_network
    >>> s = read_bif_structure(load_network("asia").path)
    >>> s.parents["either"]
    ('lung', 'tub')
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read BIF file {str(p)!r}: {exc}") from exc
    return _parse_bif_bytes(raw, source=str(p))


def _parse_bif_bytes(raw: bytes, *, source: str = "<bytes>") -> BIFStructure:
    """Parse BIF content given as bytes, gunzipping it first if it is gzip data."""
    if raw[:2] == _GZIP_MAGIC:
        raw = gzip.decompress(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return parse_bif_structure(text, source=source)
