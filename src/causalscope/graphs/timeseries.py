"""Time-series causal graphs: lagged links between variables of a stationary process.

A :class:`TimeSeriesGraph` over variables ``X, Y, ...`` and a maximal lag
``tau_max`` holds *links* ``(source, lag, target) -> mark``, read
``source[t-lag] MARK target[t]``: the same links hold at every time ``t``
(a stationary causal structure, as in the time-series graphs of PCMCI, Runge et
al. 2019, *Science Advances* 5:eaau4996, and PCMCI+, Runge 2020, UAI).

* Lagged links (``lag > 0``) are directed: ``"-->"`` (time orders them).
* Contemporaneous links (``lag == 0``) carry one of ``"-->"``, ``"---"``
  (undirected, as in a CPDAG), ``"<->"`` (bidirected: confounded), ``"o-o"``,
  ``"o->"`` or ``"x-x"`` (conflicting orientation rules, PCMCI+). Each
  contemporaneous pair is stored once: for ``"-->"`` and ``"o->"`` the key's source
  is the tail (circle) side; for the symmetric marks the source is the variable
  listed first in ``variables``. The reversed spellings ``"<--"`` and ``"<-o"`` are
  read and stored the canonical way round.

Notation (``docs/timeseries.md``, CLI.md): the variable ``X`` at time ``t - k`` is
the node ``X[t-k]`` (``X[t]`` for ``k = 0``; :func:`lagged_name`,
:func:`parse_lagged_name`), and a link is written ``X[t-2] --> Y[t]`` or
``X[t] --- Y[t]``: the effect side is always ``[t]`` (:func:`parse_lagged_edge`).

The *summary graph* (:meth:`TimeSeriesGraph.summary_graph`) joins ``X`` and ``Y``
when some lag of one affects the other; the *time window*
(:meth:`TimeSeriesGraph.unroll`) repeats the links over ``n_lags + 1`` time slices
as a :class:`~causalscope.graphs.DAG` over ``X[t]``, ``X[t-1]``, ..., on which
d-separation and identification run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np

from ..exceptions import GraphError
from .base import MixedGraph
from .syntax import MARK_PATTERN, check_name, split_edge, split_statements
from .types import DAG

__all__ = [
    "LINK_MARKS",
    "LinkKey",
    "TimeSeriesGraph",
    "lagged_name",
    "parse_lagged_edge",
    "parse_lagged_name", "link_text"]

#: A link ``(source, lag, target)``: ``source[t-lag] MARK target[t]``.
LinkKey = tuple[str, int, str]

#: The marks a contemporaneous link may carry (lagged links: ``"-->"`` only).
LINK_MARKS: tuple[str, ...] = ("-->", "---", "<->", "o-o", "o->", "x-x")
_SYMMETRIC = frozenset({"---", "<->", "o-o", "x-x"})
#: Reversed spellings -> the canonical mark (read with source and target swapped).
_REVERSED = {"<--": "-->", "<-o": "o->"}
#: tigramite's mirror entry graph[j, i, 0] of a contemporaneous graph[i, j, 0].
_MIRROR = {"-->": "<--", "o->": "<-o", **{m: m for m in _SYMMETRIC}}
_ENTRY_MIRROR = {**_MIRROR, "<--": "-->", "<-o": "o->"}
#: How a contemporaneous mark shows in the summary graph (``x-x``: undetermined, so ``o-o``).
_SUMMARY_MARK = {"---": "---", "<->": "<->", "o-o": "o-o", "o->": "o->", "x-x": "o-o"}

_LAGGED_RE = re.compile(r"^(?P<name>.+)\[t(?:-(?P<lag>[1-9][0-9]*))?\]$")
_CONFLICT_RE = re.compile(r"^(?P<u>.+?)\s+x-x\s+(?P<v>.+)$")


def lagged_name(name: str, lag: int) -> str:
    """The node name of variable ``name`` at time ``t - lag``: ``"X[t]"``, ``"X[t-2]"``.

    Raises
    ------
    GraphError
        If ``lag`` is not an integer ``>= 0``.

    Examples
    --------
    >>> lagged_name("X", 0), lagged_name("X", 2)
    ('X[t]', 'X[t-2]')
    """
    if isinstance(lag, bool) or not isinstance(lag, (int, np.integer)) or lag < 0:
        raise GraphError(f"lag of {name!r} must be an integer >= 0; got {lag!r}")
    return f"{name}[t]" if lag == 0 else f"{name}[t-{int(lag)}]"


def parse_lagged_name(text: str) -> tuple[str, int]:
    """The inverse of :func:`lagged_name`: ``"X[t-2]"`` -> ``("X", 2)``.

    Surrounding whitespace is ignored; the lag is written without a sign or leading
    zeros (``X[t]``, ``X[t-1]``, ``X[t-12]``).

    Raises
    ------
    GraphError
        If ``text`` is not ``NAME[t]`` or ``NAME[t-K]`` with ``K >= 1``.

    Examples
    --------
    >>> parse_lagged_name("X[t-2]"), parse_lagged_name("temp [C][t]")
    (('X', 2), ('temp [C]', 0))
    """
    if not isinstance(text, str):
        raise GraphError(f"a lagged node name must be a string like 'X[t-1]'; got {text!r}")
    m = _LAGGED_RE.match(text.strip())
    if m is None or not m.group("name").strip():
        raise GraphError(f"cannot read a lagged node from {text!r}; expected NAME[t] or NAME[t-K] with K >= 1")
    return m.group("name").strip(), int(m.group("lag") or 0)


def parse_lagged_edge(text: str) -> tuple[LinkKey, str]:
    """Read one link such as ``"X[t-2] --> Y[t]"`` into ``(("X", 2, "Y"), "-->")``.

    The effect side is ``[t]``. Contemporaneous links (both sides ``[t]``) may carry
    any mark of :data:`LINK_MARKS`; ``"<--"`` and ``"<-o"`` are read with the sides
    swapped (``"Y[t] <-- X[t-1]"`` is ``X[t-1] --> Y[t]``). The key of a symmetric
    contemporaneous mark is returned as written; :class:`TimeSeriesGraph` stores it
    in its canonical order.

    Raises
    ------
    GraphError
        If the text is not ``NAME[t-K] MARK NAME[t]``, a lagged link is not
        ``-->``, or neither side is ``[t]``.

    Examples
    --------
    >>> parse_lagged_edge("X[t-2] --> Y[t]")
    (('X', 2, 'Y'), '-->')
    >>> parse_lagged_edge("Y[t] <-o X[t]")
    (('X', 0, 'Y'), 'o->')
    """
    if not isinstance(text, str):
        raise GraphError(f"a lagged edge must be a string like 'X[t-1] --> Y[t]'; got {text!r}")
    conflict = _CONFLICT_RE.match(text.strip())
    if conflict is not None:
        u, mark, v = conflict.group("u"), "x-x", conflict.group("v")
    else:
        u, mark, v = split_edge(text)
    if mark in _REVERSED:
        u, mark, v = v, _REVERSED[mark], u
    if mark not in LINK_MARKS:
        raise GraphError(f"lagged edge {text!r} has mark {mark!r}; expected one of {', '.join(LINK_MARKS)}")
    (su, lu), (sv, lv) = parse_lagged_name(u), parse_lagged_name(v)
    if lv != 0 and lu == 0 and mark in _SYMMETRIC:
        (su, lu), (sv, lv) = (sv, lv), (su, lu)
    if lv != 0:
        raise GraphError(f"lagged edge {text!r}: the effect side must be at time [t]; got {v.strip()!r}")
    if lu > 0 and mark != "-->":
        raise GraphError(f"lagged edge {text!r}: a link across lags is directed ('-->'); got {mark!r}")
    return (su, lu, sv), mark


def link_text(key: LinkKey, mark: str) -> str:
    """A link in the lagged-edge notation of ``CLI.md``: ``link_text(("X", 2, "Y"), "-->") == "X[t-2] --> Y[t]"``."""
    source, lag, target = key
    return f"{lagged_name(source, lag)} {mark} {lagged_name(target, 0)}"


def _number(value: object, what: str) -> float:
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise GraphError(f"{what} must be a number; got {value!r}") from None
    if not math.isfinite(x):
        raise GraphError(f"{what} must be a finite number; got {value!r}")
    return x


class TimeSeriesGraph:
    """An immutable time-series causal graph: lagged and contemporaneous links.

    Parameters
    ----------
    variables:
        The variable (series) names, in order; unique, non-empty, writable in the
        graph notation, and not themselves lagged names such as ``"X[t-1]"``.
    tau_max:
        The largest lag the graph speaks about (an integer ``>= 0``).
    links:
        ``{(source, lag, target): mark}`` meaning ``source[t-lag] MARK target[t]``
        with ``0 <= lag <= tau_max``. Lagged marks are ``"-->"``; contemporaneous
        ones one of :data:`LINK_MARKS` (or the reversed ``"<--"``, ``"<-o"``). A
        contemporaneous pair given twice must agree (``("X", 0, "Y"): "---"`` and
        ``("Y", 0, "X"): "---"`` is one link).
    strength, p_value:
        Optional per-link numbers (test statistic or coefficient; p-value in
        ``[0, 1]``) keyed like ``links``; every key must be a link of the graph.

    Raises
    ------
    GraphError
        Naming the bad variable, link, mark, lag or value.

    Notes
    -----
    Equality and hashing compare the variables (in order), ``tau_max``, the links
    and the per-link numbers; compare ``.links`` to compare structure only.

    Examples
    --------
    >>> g = TimeSeriesGraph(["X", "Y"], 2, {("X", 1, "Y"): "-->", ("Y", 0, "X"): "---"})
    >>> g.lagged_edges()
    ['X[t-1] --> Y[t]', 'X[t] --- Y[t]']
    >>> g.parents("Y")
    [('X', 1)]
    """

    __slots__ = ("_variables", "_index", "_tau_max", "_links", "_strength", "_p_value", "_hash")
    _variables: tuple[str, ...]
    _index: dict[str, int]
    _tau_max: int
    _links: Mapping[LinkKey, str]
    _strength: Mapping[LinkKey, float]
    _p_value: Mapping[LinkKey, float]
    _hash: int | None

    #: JSON ``type`` of the time-series graph JSON.
    kind: ClassVar[str] = "timeseries"

    def __init__(
        self,
        variables: Sequence[str],
        tau_max: int,
        links: Mapping[LinkKey, str] | None = None,
        *,
        strength: Mapping[LinkKey, float] | None = None,
        p_value: Mapping[LinkKey, float] | None = None,
    ) -> None:
        if isinstance(variables, (str, bytes)) or not isinstance(variables, Iterable):
            raise GraphError(f"variables must be a sequence of names; got {variables!r}")
        names = tuple(str(v) if isinstance(v, str) else v for v in variables)  # np.str_ -> str
        if not names:
            raise GraphError("variables must name at least one series")
        index: dict[str, int] = {}
        for i, name in enumerate(names):
            if not isinstance(name, str) or not name:
                raise GraphError(f"variables[{i}] must be a non-empty string; got {name!r}")
            if name in index:
                raise GraphError(f"variable {name!r} is listed twice in variables")
            check_name(name)
            if _LAGGED_RE.match(name):
                raise GraphError(
                    f"variable {name!r} looks like a lagged node name (NAME[t-K]); rename the series"
                )
            index[name] = i
        if isinstance(tau_max, bool) or not isinstance(tau_max, (int, np.integer)) or tau_max < 0:
            raise GraphError(f"tau_max must be an integer >= 0; got {tau_max!r}")
        set_ = object.__setattr__
        set_(self, "_variables", names)
        set_(self, "_index", index)
        set_(self, "_tau_max", int(tau_max))
        stored: dict[LinkKey, str] = {}
        for key, mark in (links or {}).items():
            canon, canon_mark = self._canonical(key, mark)
            if canon in stored and stored[canon] != canon_mark:
                raise GraphError(
                    f"links give {link_text(canon, stored[canon])} and {link_text(canon, canon_mark)}; "
                    "a contemporaneous pair has one link"
                )
            if canon[1] == 0:
                back = (canon[2], 0, canon[0])
                if back in stored:
                    raise GraphError(
                        f"links give {link_text(back, stored[back])} and {link_text(canon, canon_mark)}; "
                        "a contemporaneous pair has one link"
                    )
            stored[canon] = canon_mark
        order = sorted(stored, key=self._sort_key)
        set_(self, "_links", MappingProxyType({k: stored[k] for k in order}))
        set_(self, "_strength", self._numbers(strength, "strength", probability=False))
        set_(self, "_p_value", self._numbers(p_value, "p_value", probability=True))
        set_(self, "_hash", None)

    # ------------------------------------------------------------------ validation
    def _sort_key(self, key: LinkKey) -> tuple[bool, int, int, int]:
        return (key[1] == 0, key[1], self._index[key[0]], self._index[key[2]])

    def _canonical(self, key: object, mark: object) -> tuple[LinkKey, str]:
        if not (isinstance(key, tuple) and len(key) == 3):
            raise GraphError(f"a link key must be a tuple (source, lag, target); got {key!r}")
        source, lag, target = key
        for role, name in (("source", source), ("target", target)):
            if name not in self._index:
                raise GraphError(
                    f"link {key!r}: {role} {name!r} is not one of the variables {list(self._variables)}"
                )
        if isinstance(lag, bool) or not isinstance(lag, (int, np.integer)):
            raise GraphError(f"link {key!r}: the lag must be an integer; got {lag!r}")
        lag = int(lag)
        if not 0 <= lag <= self._tau_max:
            raise GraphError(f"link {key!r}: the lag must be between 0 and tau_max = {self._tau_max}; got {lag}")
        if not isinstance(mark, str):
            raise GraphError(f"link {key!r}: the mark must be a string such as '-->'; got {mark!r}")
        if lag > 0:
            if mark != "-->":
                raise GraphError(
                    f"link {link_text((source, lag, target), mark)}: a lagged link is directed ('-->'); got {mark!r}"
                )
            return (self._variables[self._index[source]], lag, self._variables[self._index[target]]), mark
        source, target = self._variables[self._index[source]], self._variables[self._index[target]]
        if source == target:
            raise GraphError(f"link {key!r}: a variable has no contemporaneous link with itself")
        if mark in _REVERSED:
            source, target, mark = target, source, _REVERSED[mark]
        if mark not in LINK_MARKS:
            raise GraphError(
                f"link {key!r}: unknown contemporaneous mark {mark!r}; expected one of {', '.join(LINK_MARKS)}"
            )
        if mark in _SYMMETRIC and self._index[source] > self._index[target]:
            source, target = target, source
        return (source, 0, target), mark

    def _numbers(
        self, values: Mapping[LinkKey, float] | None, param: str, *, probability: bool
    ) -> Mapping[LinkKey, float]:
        out: dict[LinkKey, float] = {}
        for key, value in (values or {}).items():
            if not (isinstance(key, tuple) and len(key) == 3):
                raise GraphError(f"{param}: a link key must be a tuple (source, lag, target); got {key!r}")
            canon = key
            if key not in self._links and key[1] == 0 and (key[2], 0, key[0]) in self._links:
                canon = (key[2], 0, key[0])
            if canon not in self._links:
                raise GraphError(f"{param} is given for {key!r}, which is not a link of the graph")
            x = _number(value, f"{param}[{key!r}]")
            if probability and not 0.0 <= x <= 1.0:
                raise GraphError(f"p_value[{key!r}] must be between 0 and 1; got {x!r}")
            out[canon] = x
        return MappingProxyType({k: out[k] for k in sorted(out, key=self._sort_key)})

    # ------------------------------------------------------------------ accessors
    @property
    def variables(self) -> tuple[str, ...]:
        """The variable names, in order."""
        return self._variables

    @property
    def tau_max(self) -> int:
        """The largest lag the graph speaks about."""
        return self._tau_max

    @property
    def links(self) -> Mapping[LinkKey, str]:
        """Read-only ``{(source, lag, target): mark}``, lagged links first (by lag), then contemporaneous."""
        return self._links

    @property
    def strength(self) -> Mapping[LinkKey, float]:
        """Read-only per-link strength (test statistic or coefficient); links without one are absent."""
        return self._strength

    @property
    def p_value(self) -> Mapping[LinkKey, float]:
        """Read-only per-link p-value; links without one are absent."""
        return self._p_value

    def index(self, variable: str) -> int:
        """The position of ``variable`` in :attr:`variables`."""
        try:
            return self._index[variable]
        except KeyError:
            raise GraphError(f"{variable!r} is not one of the variables {list(self._variables)}") from None

    def mark(self, source: str, lag: int, target: str) -> str | None:
        """The mark of ``source[t-lag] ... target[t]`` as seen from ``source`` (``"<--"`` if reversed), or None."""
        if (source, lag, target) in self._links:
            return self._links[(source, lag, target)]
        if lag == 0 and (target, 0, source) in self._links:
            m = self._links[(target, 0, source)]
            return {"-->": "<--", "o->": "<-o"}.get(m, m)
        return None

    def parents(self, target: str) -> list[tuple[str, int]]:
        """The directed parents ``(source, lag)`` of ``target[t]`` (``-->`` links only), lag then variable order.

        Examples
        --------
        >>> TimeSeriesGraph(["X", "Y"], 2, {("Y", 2, "Y"): "-->", ("X", 0, "Y"): "-->"}).parents("Y")
        [('X', 0), ('Y', 2)]
        """
        self.index(target)
        found = [(s, lag) for (s, lag, t), m in self._links.items() if t == target and m == "-->"]
        return sorted(found, key=lambda p: (p[1], self._index[p[0]]))

    def lagged_edges(self) -> list[str]:
        """Every link as text: ``"X[t-2] --> Y[t]"``, ``"X[t] --- Y[t]"`` (the order of :attr:`links`)."""
        return [link_text(k, m) for k, m in self._links.items()]

    def __iter__(self) -> Iterator[LinkKey]:
        return iter(self._links)

    def __len__(self) -> int:
        return len(self._links)

    # ------------------------------------------------------------------ derived graphs
    def summary_graph(self) -> MixedGraph:
        """The summary graph over the variables: which series affect which.

        For each pair ``X != Y`` (self-links ``X[t-k] --> X[t]`` are dropped):

        * ``X --> Y`` if some lag ``k >= 0`` has ``X[t-k] --> Y[t]`` and no lag has
          ``Y[t-k] --> X[t]``: a definite direction is kept even when the pair also
          has a contemporaneous ``---``, ``<->``, ``o-o``, ``o->`` or ``x-x`` link
          (that link's orientation is not determined, or it adds a confounder, while
          the lagged link settles that ``X`` affects ``Y``);
        * ``X <-> Y`` if the links go both ways (a feedback loop across lags: the
          summary graph holds one edge per pair, and an arrowhead at both ends);
        * otherwise the contemporaneous link's mark (``x-x`` shows as ``o-o``: not
          determined).

        Returns
        -------
        MixedGraph
            A :class:`~causalscope.graphs.MixedGraph` (a summary graph may have
            directed cycles, e.g. ``X[t-1] --> Y[t]`` with ``Y[t] --> Z[t]`` and
            ``Z[t-1] --> X[t]``), nodes in the order of :attr:`variables`.

        Examples
        --------
        >>> g = TimeSeriesGraph(["X", "Y", "Z"], 1,
        ...                     {("X", 1, "Y"): "-->", ("X", 0, "Y"): "---", ("Y", 0, "Z"): "x-x"})
        >>> str(g.summary_graph())
        'X --> Y; Y o-o Z'
        """
        directed: set[tuple[str, str]] = set()
        other: dict[frozenset[str], tuple[str, str, str]] = {}
        for (s, lag, t), m in self._links.items():
            if s == t:
                continue
            if m == "-->":
                directed.add((s, t))
            else:
                other[frozenset((s, t))] = (s, _SUMMARY_MARK[m], t)
        edges: dict[frozenset[str], tuple[str, str, str]] = dict(other)
        for s, t in sorted(directed, key=lambda st: (self._index[st[0]], self._index[st[1]])):
            pair = frozenset((s, t))
            if (t, s) not in directed:
                edges[pair] = (s, "-->", t)
            elif pair not in edges or edges[pair][1] != "<->":  # feedback: written first variable first
                edges[pair] = (s, "<->", t)
        return MixedGraph(self._variables, list(edges.values()))

    def unroll(self, n_lags: int | None = None) -> DAG:
        """The time window: a :class:`~causalscope.graphs.DAG` over ``n_lags + 1`` time slices.

        Nodes ``lagged_name(X, k)`` for every variable and ``k = n_lags, ..., 1, 0``
        (oldest slice first); every link ``X[t-lag] --> Y[t]`` is repeated at every
        position inside the window (``X[t-lag-k] --> Y[t-k]`` for ``k = 0, ...,
        n_lags - lag``), the stationary repetition of the process graph.

        Parameters
        ----------
        n_lags:
            The number of past slices (default: :attr:`tau_max`); may be smaller
            (links longer than the window are left out) or larger.

        Raises
        ------
        GraphError
            If a contemporaneous link is not directed (``---``, ``<->``, ``o-o``,
            ``o->``, ``x-x``: the window would not be a DAG), naming the link, or the
            contemporaneous links form a directed cycle.

        Notes
        -----
        The window is a finite cut of the infinite process graph: the causes that
        lie before the oldest slice are left out, so a d-separation read in the
        window holds in the process only when the window is long enough for the
        nodes asked about (for nodes within ``tau_max`` of the present,
        ``n_lags >= 2 * tau_max`` suffices in common cases; when in doubt, enlarge
        the window and check the answer does not change).

        Examples
        --------
        >>> g = TimeSeriesGraph(["X", "Y"], 1, {("X", 1, "Y"): "-->", ("X", 0, "Y"): "-->"})
        >>> str(g.unroll(1))
        'X[t-1] --> Y[t-1]; X[t-1] --> Y[t]; X[t] --> Y[t]'
        """
        n = self._tau_max if n_lags is None else n_lags
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise GraphError(f"n_lags must be an integer >= 0; got {n_lags!r}")
        for key, m in self._links.items():
            if m != "-->":
                raise GraphError(
                    f"cannot unroll: link {link_text(key, m)} is not directed; the time window is a DAG"
                )
        nodes = [lagged_name(v, k) for k in range(n, -1, -1) for v in self._variables]
        edges = [
            (lagged_name(s, lag + k), lagged_name(t, k))
            for (s, lag, t) in self._links
            for k in range(0, n - lag + 1)
        ]
        try:
            return DAG(nodes, edges)
        except GraphError as exc:
            raise GraphError(f"cannot unroll: the contemporaneous links are cyclic ({exc})") from None

    # ------------------------------------------------------------------ arrays
    @classmethod
    def from_arrays(
        cls,
        variables: Sequence[str],
        graph: np.ndarray,
        val_matrix: np.ndarray | None = None,
        p_matrix: np.ndarray | None = None,
    ) -> TimeSeriesGraph:
        """Build from tigramite-style arrays of shape ``(N, N, tau_max + 1)``.

        ``graph[i, j, tau]`` is the mark of ``variables[i][t-tau] -> variables[j][t]``
        (``""``: no link). Lagged entries are ``"-->"``; contemporaneous ones are
        mirrored: ``"-->"`` at ``[i, j, 0]`` with ``"<--"`` at ``[j, i, 0]``, ``"o->"``
        with ``"<-o"``, and ``"---"``, ``"<->"``, ``"o-o"``, ``"x-x"`` at both.
        ``val_matrix`` / ``p_matrix`` (float arrays of the same shape) give each link's
        strength and p-value at its entry (``[source, target, lag]``); entries without
        a link, and NaN entries, are ignored.

        Raises
        ------
        GraphError
            For a wrong shape, an unknown mark, a lagged mark other than ``"-->"``,
            a contemporaneous entry without its mirror, or a mark on the diagonal at lag 0.

        Examples
        --------
        >>> import numpy as np
        >>> a = np.full((2, 2, 2), "", dtype="<U3")
        >>> a[0, 1, 1] = "-->"; a[0, 1, 0] = "o-o"; a[1, 0, 0] = "o-o"
        >>> TimeSeriesGraph.from_arrays(["X", "Y"], a).lagged_edges()
        ['X[t-1] --> Y[t]', 'X[t] o-o Y[t]']
        """
        names = tuple(str(v) if isinstance(v, str) else v for v in variables)
        arr = np.asarray(graph)
        if arr.ndim != 3 or arr.shape[0] != arr.shape[1] or arr.shape[0] != len(names) or arr.shape[2] < 1:
            raise GraphError(
                f"graph must have shape (N, N, tau_max + 1) with N = {len(names)} variables; got {arr.shape}"
            )
        if arr.dtype.kind not in "UO":
            raise GraphError(f"graph must hold mark strings such as '-->' or ''; got dtype {arr.dtype}")
        n, tau_max = len(names), arr.shape[2] - 1
        links: dict[LinkKey, str] = {}
        for i, j, tau in np.argwhere(arr != ""):
            i, j, tau = int(i), int(j), int(tau)
            mark = arr[i, j, tau]
            where = f"graph[{i}, {j}, {tau}] ({lagged_name(names[i], tau)} {mark!s} {lagged_name(names[j], 0)})"
            if not isinstance(mark, str):
                raise GraphError(f"{where} must be a mark string; got {mark!r}")
            if tau > 0:
                if mark != "-->":
                    raise GraphError(f"{where}: a lagged link is directed ('-->'); got {mark!r}")
                links[(names[i], tau, names[j])] = mark
                continue
            if i == j:
                raise GraphError(f"{where}: a variable has no contemporaneous link with itself")
            mirror = _ENTRY_MIRROR.get(mark)
            if mirror is None:
                raise GraphError(f"{where}: unknown mark {mark!r}; expected one of {', '.join(LINK_MARKS)}, "
                                 "'<--', '<-o' or ''")
            if arr[j, i, 0] != mirror:
                raise GraphError(f"{where} needs the mirror entry graph[{j}, {i}, 0] = {mirror!r}; "
                                 f"got {arr[j, i, 0]!r}")
            if mark in _REVERSED or (mark in _SYMMETRIC and i > j):
                continue  # the mirror of an entry read (or to be read) at [j, i, 0]
            links[(names[i], 0, names[j])] = mark
        shape = (n, n, tau_max + 1)

        def per_link(values: np.ndarray | None, param: str) -> dict[LinkKey, float] | None:
            if values is None:
                return None
            v = np.asarray(values, dtype=float)
            if v.shape != shape:
                raise GraphError(f"{param} must have the shape of graph {shape}; got {v.shape}")
            out = {}
            for key in links:
                x = v[names.index(key[0]), names.index(key[2]), key[1]]
                if not np.isnan(x):
                    out[key] = float(x)
            return out

        return cls(names, tau_max, links, strength=per_link(val_matrix, "val_matrix"),
                   p_value=per_link(p_matrix, "p_matrix"))

    def to_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The inverse of :meth:`from_arrays`: ``(graph, val_matrix, p_matrix)``.

        ``graph`` is a ``"<U3"`` array of shape ``(N, N, tau_max + 1)`` in tigramite's
        convention (contemporaneous entries mirrored); ``val_matrix`` and ``p_matrix``
        are float arrays holding each link's strength / p-value at its entry (at both
        entries of a contemporaneous link) and NaN elsewhere.
        """
        n = len(self._variables)
        shape = (n, n, self._tau_max + 1)
        graph = np.full(shape, "", dtype="<U3")
        val = np.full(shape, np.nan)
        pm = np.full(shape, np.nan)
        for (s, lag, t), m in self._links.items():
            i, j = self._index[s], self._index[t]
            graph[i, j, lag] = m
            if lag == 0:
                graph[j, i, 0] = _MIRROR[m]
            for store, source in ((val, self._strength), (pm, self._p_value)):
                if (s, lag, t) in source:
                    store[i, j, lag] = source[(s, lag, t)]
                    if lag == 0:
                        store[j, i, 0] = source[(s, lag, t)]
        return graph, val, pm

    # ------------------------------------------------------------------ JSON
    def to_json_dict(self) -> dict[str, Any]:
        """The time-series graph JSON of CLI.md.

        ``nodes``, ``edges`` (the :meth:`summary_graph`, so that readers that know only
        graph JSON read the summary), ``type: "timeseries"``, ``tau_max``,
        ``lagged_edges``, ``link_strength`` and ``link_p_value`` (keyed by the lagged
        edge text).

        Examples
        --------
        >>> g = TimeSeriesGraph(["X", "Y"], 3, {("X", 1, "Y"): "-->", ("Y", 1, "Y"): "-->"},
        ...                     strength={("X", 1, "Y"): 0.41})
        >>> g.to_json_dict()  # doctest: +NORMALIZE_WHITESPACE
        {'nodes': ['X', 'Y'], 'edges': ['X --> Y'], 'type': 'timeseries', 'tau_max': 3,
         'lagged_edges': ['X[t-1] --> Y[t]', 'Y[t-1] --> Y[t]'],
         'link_strength': {'X[t-1] --> Y[t]': 0.41}, 'link_p_value': {}}
        """
        return {
            "nodes": list(self._variables),
            "edges": [str(e) for e in self.summary_graph().edges],
            "type": self.kind,
            "tau_max": self._tau_max,
            "lagged_edges": self.lagged_edges(),
            "link_strength": {link_text(k, self._links[k]): v for k, v in self._strength.items()},
            "link_p_value": {link_text(k, self._links[k]): v for k, v in self._p_value.items()},
        }

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> TimeSeriesGraph:
        """Read the time-series graph JSON (:meth:`to_json_dict`'s value).

        ``lagged_edges`` is required; ``nodes`` defaults to the variables the links
        name (in order of appearance), ``tau_max`` to the largest lag. ``edges`` (the
        summary graph) is not read: it follows from the links. ``type``, when present,
        must be ``"timeseries"``; other keys are ignored.

        Raises
        ------
        GraphError
            Starting ``invalid time-series graph JSON:`` and naming the key or edge.
        """

        def bad(message: str) -> GraphError:
            return GraphError(f"invalid time-series graph JSON: {message}")

        if not isinstance(data, Mapping):
            raise bad(f"expected an object; got {type(data).__name__}")
        if data.get("type", cls.kind) != cls.kind:
            raise bad(f'"type" must be "timeseries"; got {data.get("type")!r}')
        raw = data.get("lagged_edges")
        if not isinstance(raw, (list, tuple)):
            raise bad(f'"lagged_edges" must be a list of strings like "X[t-1] --> Y[t]"; got {raw!r}')
        links: dict[LinkKey, str] = {}
        texts: dict[str, LinkKey] = {}
        for i, text in enumerate(raw):
            try:
                key, mark = parse_lagged_edge(text)
            except GraphError as exc:
                raise bad(f'"lagged_edges"[{i}]: {exc}') from None
            links[key] = mark
            texts[text] = key
        if "nodes" in data:
            nodes = data["nodes"]
            if not isinstance(nodes, (list, tuple)) or not all(isinstance(x, str) for x in nodes):
                raise bad(f'"nodes" must be a list of names; got {nodes!r}')
        else:
            seen: dict[str, None] = {}
            for s, _, t in links:
                seen.setdefault(s)
                seen.setdefault(t)
            nodes = list(seen)
        tau_max = data.get("tau_max", max((k[1] for k in links), default=0))
        numbers: list[dict[LinkKey, float]] = []
        for name in ("link_strength", "link_p_value"):
            given = data.get(name, {})
            if not isinstance(given, Mapping):
                raise bad(f'"{name}" must be an object {{"X[t-1] --> Y[t]": number}}; got {given!r}')
            out = {}
            for text, value in given.items():
                found = texts.get(text)
                if found is None:
                    try:
                        found = parse_lagged_edge(text)[0]
                    except GraphError as exc:
                        raise bad(f'"{name}" key {text!r}: {exc}') from None
                out[found] = value
            numbers.append(out)
        try:
            return cls(nodes, tau_max, links, strength=numbers[0], p_value=numbers[1])
        except GraphError as exc:
            raise bad(str(exc)) from None

    # ------------------------------------------------------------------ value semantics
    def _value_key(self) -> tuple[Any, ...]:
        return (self._variables, self._tau_max, tuple(self._links.items()),
                tuple(self._strength.items()), tuple(self._p_value.items()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TimeSeriesGraph):
            return NotImplemented
        return self._value_key() == other._value_key()

    def __hash__(self) -> int:
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(self._value_key()))
        return self._hash  # type: ignore[return-value]  # set just above

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"TimeSeriesGraph is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"TimeSeriesGraph is immutable; cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self._variables, self._tau_max, dict(self._links),
                           dict(self._strength), dict(self._p_value)))

    def __repr__(self) -> str:
        extra = "".join(f", {name}={dict(values)!r}" for name, values in
                        (("strength", self._strength), ("p_value", self._p_value)) if values)
        return f"TimeSeriesGraph({list(self._variables)!r}, {self._tau_max}, {dict(self._links)!r}{extra})"

    def __str__(self) -> str:
        return self.to_text()

    # ------------------------------------------------------------------ text
    def to_text(self, separator: str = "; ") -> str:
        """The links in the lagged notation, then the variables no link touches, joined by ``separator``.

        :meth:`parse` reads it back (``TimeSeriesGraph.parse(g.to_text(), tau_max=g.tau_max)``
        equals ``g`` without its per-link numbers, which the text does not hold).
        """
        touched = {v for s, _, t in self._links for v in (s, t)}
        return separator.join(self.lagged_edges() + [v for v in self._variables if v not in touched])

    @classmethod
    def parse(
        cls, text: str, *, variables: Sequence[str] | None = None, tau_max: int | None = None
    ) -> TimeSeriesGraph:
        """Read the lagged notation: ``"X[t-1] --> Y[t]; X[t] --- Y[t]; Z"``.

        Statements are separated by ``;`` or new lines (``#`` starts a comment); each
        is a lagged edge (:func:`parse_lagged_edge`) or a lone variable name.

        Parameters
        ----------
        text:
            The statements.
        variables:
            The variables in order (default: in order of first appearance).
        tau_max:
            Default: the largest lag written.

        Raises
        ------
        GraphError
            Naming the statement that cannot be read.

        Examples
        --------
        >>> g = TimeSeriesGraph.parse("X[t-2] --> Y[t]; Y[t] <-- X[t]; Z")
        >>> g.variables, g.tau_max, g.lagged_edges()
        (('X', 'Y', 'Z'), 2, ['X[t-2] --> Y[t]', 'X[t] --> Y[t]'])
        """
        if not isinstance(text, str):
            raise GraphError(f"text must be a string of lagged edges; got {type(text).__name__}")
        seen: dict[str, None] = {}
        links: dict[LinkKey, str] = {}
        for stmt in split_statements(text):
            if MARK_PATTERN.search(stmt) or _CONFLICT_RE.match(stmt):
                key, mark = parse_lagged_edge(stmt)
                seen.setdefault(key[0])
                seen.setdefault(key[2])
                links[key] = mark
            else:
                seen.setdefault(stmt)
        names = list(seen) if variables is None else list(variables)
        if variables is not None:
            missing = [v for v in seen if v not in set(names)]
            if missing:
                raise GraphError(f"the text names {missing}, which variables does not list")
        lag = max((k[1] for k in links), default=0) if tau_max is None else tau_max
        return cls(names, lag, links)


def _restore(
    variables: tuple[str, ...],
    tau_max: int,
    links: dict[LinkKey, str],
    strength: dict[LinkKey, float],
    p_value: dict[LinkKey, float],
) -> TimeSeriesGraph:
    """Unpickle a :class:`TimeSeriesGraph` (its constructor takes the numbers by keyword)."""
    return TimeSeriesGraph(variables, tau_max, links, strength=strength, p_value=p_value)
