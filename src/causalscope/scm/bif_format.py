"""The BIF text format of discrete Bayesian networks: its parser and writer.

The Bayesian Interchange Format (Cozman 1998; the format of the bnlearn network
repository) describes a network in blocks::

    network asia { }
    variable smoke { type discrete [ 2 ] { yes, no }; }
    probability ( smoke ) { table 0.5, 0.5; }
    probability ( lung | smoke ) {
      (yes) 0.1, 0.9;
      (no) 0.01, 0.99;
    }

``variable`` blocks declare the states; a ``probability`` block gives the CPT of
its child (before ``|``) given its parents. Its entries are

``(s_1, ..., s_k) p_1, ..., p_r;``
    the child's distribution for the parent configuration ``(s_1, ..., s_k)``
    (parents in header order);
``table p_1, ..., p_m;``
    all numbers at once: for a root the child's distribution; with parents, the
    values are listed **child state slowest, last parent fastest** (the layout
    pgmpy and JavaBayes read);
``default p_1, ..., p_r;``
    the row for every configuration not listed.

Also accepted: ``//`` and ``/* */`` comments, ``property ...;`` lines (ignored),
names in double quotes, numbers or states separated by commas or spaces, gzip
files (by magic bytes). Malformed input raises :class:`BIFError` with the file
name and line number. The parser gives a :class:`BIFNetwork` (the parts of a
network); :mod:`causalscope.scm.bif` and :meth:`DiscreteBN.read_bif
<causalscope.scm.bayesnet.DiscreteBN.read_bif>` build the network from it, so this
module does not need the network class. :func:`to_bif_string` writes the row form for every node
with parents (so a written file never depends on the ``table`` layout) and
numbers with ``repr`` precision, so reading a written file gives back an equal
network.

References
----------
.. [1] Cozman, F. G. (1998). The Interchange Format for Bayesian Networks.
   http://www.cs.cmu.edu/~fgcozman/Research/InterchangeFormat/
.. [2] Scutari, M. (2010). Learning Bayesian networks with the bnlearn R package.
   Journal of Statistical Software 35(3), 1-22 (the network repository).
"""

from __future__ import annotations

import gzip
import itertools
import re
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..exceptions import CausalScopeError, DataError
from ..graphs import DAG
from .cpt import CPT, CPT_ATOL, InvalidCPTError

if TYPE_CHECKING:
    from .bayesnet import DiscreteBN

__all__ = ["BIFError", "BIFNetwork", "parse_bif_network", "read_bif_network", "to_bif_string", "write_bif"]

_GZIP_MAGIC = b"\x1f\x8b"
_PUNCT = set("{}()[];,|")
_TOKEN = re.compile(
    r"""(?P<ws>\s+)|(?P<c1>//[^\n]*)|(?P<c2>/\*.*?\*/)|(?P<str>"(?:[^"\\\n]|\\.)*")|(?P<p>[{}()\[\];,|])|(?P<w>[^\s{}()\[\];,|"]+)""",
    re.S,
)
_SAFE_NAME = re.compile(r"[^\s{}()\[\];,|\"]+")


class BIFError(DataError):
    """Malformed BIF input; the message gives the source and line number.

    Attributes
    ----------
    line:
        1-based line number of the problem (``None`` if not tied to a line).
    source:
        The file name (or ``"<string>"``).
    """

    def __init__(self, source: str, line: int | None, message: str) -> None:
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")
        self.line = line
        self.source = source


@dataclass(frozen=True)
class BIFNetwork:
    """The parts of a network read from BIF: name, DAG, state names and CPTs (by variable)."""

    name: str
    graph: DAG
    states: dict[str, tuple[str, ...]]
    cpts: dict[str, CPT]


@dataclass(frozen=True)
class _Tok:
    kind: str  # "p" punctuation, "w" word, "s" quoted string
    text: str
    line: int


def _tokenize(text: str, source: str) -> list[_Tok]:
    toks: list[_Tok] = []
    line = 1
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if text.startswith("/*", pos):
                raise BIFError(source, line, "a /* comment is never closed")
            raise BIFError(source, line, f"unexpected character {text[pos]!r}")
        kind = m.lastgroup
        chunk = m.group(0)
        if kind == "p":
            toks.append(_Tok("p", chunk, line))
        elif kind == "w":
            toks.append(_Tok("w", chunk, line))
        elif kind == "str":
            toks.append(_Tok("s", re.sub(r"\\(.)", r"\1", chunk[1:-1]), line))
        line += chunk.count("\n")
        pos = m.end()
    return toks


class _Parser:
    def __init__(self, toks: list[_Tok], source: str, last_line: int) -> None:
        self.toks = toks
        self.i = 0
        self.source = source
        self.last_line = last_line

    def error(self, message: str, tok: _Tok | None = None) -> BIFError:
        tok = tok if tok is not None else self.peek()
        return BIFError(self.source, tok.line if tok else self.last_line, message)

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def next(self, expected: str) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise self.error(f"expected {expected}, found the end of the file")
        self.i += 1
        return tok

    def expect(self, punct: str, context: str) -> _Tok:
        tok = self.next(f"{punct!r} {context}")
        if tok.kind != "p" or tok.text != punct:
            raise self.error(f"expected {punct!r} {context}, found {tok.text!r}", tok)
        return tok

    def is_punct(self, punct: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "p" and tok.text == punct

    def name(self, what: str) -> _Tok:
        tok = self.next(what)
        if tok.kind == "p":
            raise self.error(f"expected {what}, found {tok.text!r}", tok)
        return tok

    def skip_to_semicolon(self) -> None:
        while True:
            tok = self.next("';' to end the property")
            if tok.kind == "p" and tok.text == ";":
                return

    def names_until(self, closing: str, what: str) -> list[_Tok]:
        """Names separated by commas and/or spaces up to ``closing`` (consumed)."""
        out: list[_Tok] = []
        while True:
            tok = self.next(f"{what} or {closing!r}")
            if tok.kind == "p":
                if tok.text == closing:
                    return out
                if tok.text == ",":
                    continue
                raise self.error(f"expected {what} or {closing!r}, found {tok.text!r}", tok)
            out.append(tok)

    def numbers(self, context: str) -> list[float]:
        out: list[float] = []
        while True:
            tok = self.next(f"a number or ';' {context}")
            if tok.kind == "p":
                if tok.text == ";":
                    return out
                if tok.text == ",":
                    continue
                raise self.error(f"expected a number or ';' {context}, found {tok.text!r}", tok)
            try:
                out.append(float(tok.text))
            except ValueError:
                raise self.error(f"expected a number {context}, found {tok.text!r}", tok) from None


def parse_bif_network(text: str, *, source: str = "<string>", atol: float = CPT_ATOL) -> BIFNetwork:
    """Parse BIF text into the parts of a network.

    The parameters and errors are those of :func:`causalscope.scm.bif.parse_bif`,
    which builds the network from the parts (nodes in declaration order; each CPT's
    parent axes in its header order).
    """
    toks = _tokenize(text, source)
    p = _Parser(toks, source, text.count("\n") + 1)
    name = "unknown"
    variables: list[str] = []
    states: dict[str, tuple[str, ...]] = {}
    var_line: dict[str, int] = {}
    blocks: dict[str, tuple[_Tok, list[str], list[tuple[str, _Tok, list[_Tok], list[float]]]]] = {}
    while p.peek() is not None:
        kw = p.next("a block")
        if kw.kind != "w" or kw.text not in ("network", "variable", "probability"):
            raise p.error(f"expected 'network', 'variable' or 'probability', found {kw.text!r}", kw)
        if kw.text == "network":
            name = p.name("the network name").text
            p.expect("{", "to open the network block")
            while not p.is_punct("}"):
                tok = p.name("'property' or '}'")
                if tok.text != "property":
                    raise p.error(f"expected 'property' or '}}' in the network block, found {tok.text!r}", tok)
                p.skip_to_semicolon()
            p.expect("}", "to close the network block")
        elif kw.text == "variable":
            vt = p.name("a variable name")
            var = vt.text
            if var in states:
                raise p.error(f"variable {var!r} is declared twice (first on line {var_line[var]})", vt)
            p.expect("{", f"to open the block of variable {var!r}")
            st: tuple[str, ...] | None = None
            while not p.is_punct("}"):
                tok = p.name("'type', 'property' or '}'")
                if tok.text == "property":
                    p.skip_to_semicolon()
                    continue
                if tok.text != "type":
                    raise p.error(f"expected 'type', 'property' or '}}' in variable {var!r}, found {tok.text!r}", tok)
                kind = p.name("'discrete'")
                if kind.text != "discrete":
                    raise p.error(f"variable {var!r}: only 'type discrete' is supported, found {kind.text!r}", kind)
                p.expect("[", f"after 'type discrete' of {var!r}")
                kt = p.name("the number of states")
                try:
                    k = int(kt.text)
                except ValueError:
                    raise p.error(f"expected the number of states of {var!r}, found {kt.text!r}", kt) from None
                p.expect("]", f"after the number of states of {var!r}")
                p.expect("{", f"to open the state list of {var!r}")
                names = [t.text for t in p.names_until("}", "a state name")]
                p.expect(";", f"after the state list of {var!r}")
                if len(names) != k:
                    raise p.error(f"variable {var!r} declares {k} states but lists {len(names)}: {names}", kt)
                if len(set(names)) != k:
                    raise p.error(f"variable {var!r} lists a state twice: {names}", kt)
                st = tuple(names)
            p.expect("}", f"to close the block of variable {var!r}")
            if st is None:
                raise p.error(f"variable {var!r} has no 'type discrete [ k ] {{ ... }};' declaration", vt)
            variables.append(var)
            states[var] = st
            var_line[var] = vt.line
        else:
            p.expect("(", "after 'probability'")
            head = p.names_until(")", "a variable name") if not _has_bar(p) else None
            if head is None:
                child_toks = p.names_until("|", "the child variable")
                parent_toks = p.names_until(")", "a parent variable")
            else:
                child_toks, parent_toks = head[:1], head[1:]
            if len(child_toks) != 1:
                raise p.error("a probability block names exactly one child before '|'", kw)
            child = child_toks[0].text
            for t in (*child_toks, *parent_toks):
                if t.text not in states:
                    raise p.error(f"probability block names {t.text!r}, which no earlier variable block declares", t)
            if child in blocks:
                raise p.error(f"variable {child!r} has a second probability block (first on line {blocks[child][0].line})", kw)
            parents = [t.text for t in parent_toks]
            p.expect("{", f"to open the probability block of {child!r}")
            entries: list[tuple[str, _Tok, list[_Tok], list[float]]] = []
            while not p.is_punct("}"):
                tok = p.next("'table', 'default', '(' or '}'")
                if tok.kind == "p" and tok.text == "(":
                    cfg = p.names_until(")", "a parent state")
                    entries.append(("row", tok, cfg, p.numbers(f"in the row of {child!r}")))
                elif tok.kind == "w" and tok.text in ("table", "default"):
                    entries.append((tok.text, tok, [], p.numbers(f"in the {tok.text} of {child!r}")))
                elif tok.kind == "w" and tok.text == "property":
                    p.skip_to_semicolon()
                else:
                    raise p.error(f"expected 'table', 'default', '(' or '}}' in the probability block of {child!r}, found {tok.text!r}", tok)
            p.expect("}", f"to close the probability block of {child!r}")
            blocks[child] = (kw, parents, entries)
    if not variables:
        raise BIFError(source, None, "no variable blocks found; is this a BIF file?")
    cpts = []
    for var in variables:
        if var not in blocks:
            raise BIFError(source, var_line[var], f"variable {var!r} has no probability block")
        cpts.append(_build_cpt(var, blocks[var], states, source, atol))
    try:
        graph = DAG(nodes=variables, edges=[(u, c.variable) for c in cpts for u in c.parents])
    except CausalScopeError as exc:
        raise BIFError(source, None, f"the probability blocks do not form a DAG: {exc}") from exc
    return BIFNetwork(name, graph, states, {c.variable: c for c in cpts})


def _has_bar(p: _Parser) -> bool:
    """Whether a '|' occurs before the ')' that closes the header."""
    for tok in p.toks[p.i :]:
        if tok.kind == "p" and tok.text in ("|", ")"):
            return tok.text == "|"
    return False


def _build_cpt(
    var: str,
    block: tuple[_Tok, list[str], list[tuple[str, _Tok, list[_Tok], list[float]]]],
    states: dict[str, tuple[str, ...]],
    source: str,
    atol: float,
) -> CPT:
    head, parents, entries = block
    r = len(states[var])
    pshape = tuple(len(states[u]) for u in parents)
    q = int(np.prod(pshape, dtype=np.int64))
    rows = np.full((q, r), np.nan)
    default: list[float] | None = None
    for kind, tok, cfg, nums in entries:
        if kind == "table":
            if len(nums) != q * r:
                raise BIFError(source, tok.line, f"the table of {var!r} needs {q * r} numbers ({q} parent configurations x {r} states); found {len(nums)}")
            rows = np.asarray(nums, dtype=float).reshape(r, q).T.copy()
            continue
        if len(nums) != r:
            raise BIFError(source, tok.line, f"a row of {var!r} needs {r} probabilities (one per state {list(states[var])}); found {len(nums)}")
        if kind == "default":
            default = nums
            continue
        if len(cfg) != len(parents):
            raise BIFError(source, tok.line, f"a row of {var!r} names {len(cfg)} parent states; its parents are {parents}")
        idx = []
        for u, t in zip(parents, cfg, strict=True):
            if t.text not in states[u]:
                raise BIFError(source, t.line, f"unknown state {t.text!r} of parent {u!r} in the CPT of {var!r}; valid states: {', '.join(states[u])}")
            idx.append(states[u].index(t.text))
        flat = int(np.ravel_multi_index(idx, pshape)) if parents else 0
        rows[flat] = nums
    missing = np.isnan(rows).any(axis=1)
    if missing.any():
        if default is None:
            first = np.unravel_index(int(np.flatnonzero(missing)[0]), pshape) if parents else ()
            cfg_txt = ", ".join(f"{u}={states[u][i]}" for u, i in zip(parents, first, strict=True))
            raise BIFError(source, head.line, f"the CPT of {var!r} gives no row for {cfg_txt or 'the variable'} (and no default)")
        rows[missing] = default
    try:
        return CPT(var, tuple(parents), states, rows.reshape(*pshape, r), atol=atol)
    except InvalidCPTError as exc:
        raise BIFError(source, head.line, str(exc)) from exc


def read_bif_network(path: str | PathLike[str], *, atol: float = CPT_ATOL) -> BIFNetwork:
    """Read a BIF file (plain or gzip-compressed) into the parts of a network.

    See :func:`causalscope.scm.bif.read_bif`, which builds the network.

    Raises
    ------
    BIFError
        If the file cannot be read or parsed (with the line number).
    """
    p = Path(str(path))
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise BIFError(str(p), None, f"cannot read the file: {exc.strerror or exc}") from exc
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except OSError as exc:
            raise BIFError(str(p), None, f"corrupt gzip data: {exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return parse_bif_network(text, source=str(p), atol=atol)


def _name(text: str, what: str) -> str:
    if _SAFE_NAME.fullmatch(text) and "//" not in text and "/*" not in text:
        return text
    if '"' in text or "\n" in text:
        raise DataError(f"cannot write {what} {text!r} to BIF: names may not contain '\"' or line breaks")
    return f'"{text}"'


def _num(x: float) -> str:
    return repr(float(x))


def to_bif_string(bn: DiscreteBN) -> str:
    """The network as BIF text (row form for nodes with parents, ``table`` for roots).

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> from causalscope.scm import DiscreteBN
    >>> bn = DiscreteBN(DAG(["A"]), {"A": ["yes", "no"]}, {"A": [0.25, 0.75]}, name="toy")
    >>> print(to_bif_string(bn))
    network toy {
    }
    variable A {
      type discrete [ 2 ] { yes, no };
    }
    probability ( A ) {
      table 0.25, 0.75;
    }
    <BLANKLINE>
    """
    lines = [f"network {_name(bn.name or 'unknown', 'network name')} {{", "}"]
    for v in bn.variables:
        sts = ", ".join(_name(s, f"state of {v!r}") for s in bn.states[v])
        lines += [f"variable {_name(v, 'variable')} {{", f"  type discrete [ {len(bn.states[v])} ] {{ {sts} }};", "}"]
    for v in bn.variables:
        cpt = bn.cpts[v]
        if not cpt.parents:
            lines += [f"probability ( {_name(v, 'variable')} ) {{", "  table " + ", ".join(_num(x) for x in cpt.table) + ";", "}"]
            continue
        pa = ", ".join(_name(u, "variable") for u in cpt.parents)
        lines.append(f"probability ( {_name(v, 'variable')} | {pa} ) {{")
        for idx in itertools.product(*(range(len(bn.states[u])) for u in cpt.parents)):
            cfg = ", ".join(_name(bn.states[u][i], f"state of {u!r}") for u, i in zip(cpt.parents, idx, strict=True))
            lines.append(f"  ({cfg}) " + ", ".join(_num(x) for x in cpt.table[idx]) + ";")
        lines.append("}")
    return "\n".join(lines) + "\n"


def write_bif(bn: DiscreteBN, path: str | PathLike[str]) -> None:
    """Write the network as BIF; gzip-compressed when the name ends in ``.gz``."""
    p = Path(str(path))
    data = to_bif_string(bn).encode("utf-8")
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    p.write_bytes(data)
