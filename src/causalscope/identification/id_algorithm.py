"""The ID and IDC algorithms: complete identification of interventional distributions.

Given an acyclic directed mixed graph (ADMG: ``-->`` causal edges and ``<->``
latent confounding, the latent projection of a DAG with hidden variables), the ID
algorithm of Shpitser & Pearl (2006a) decides whether ``P(Y | do(X))`` is a
function of the observational distribution ``P(V)`` and, if so, returns that
function as an :class:`~causalscope.identification.estimand.Estimand`. It works by
recursion on the graph's *C-components* (districts: nodes joined by bidirected
paths) using the truncated factorisation ``P(v) = ∏_S Q[S]`` into district factors.

When the effect is not identifiable the algorithm stops at line 5 with a pair of
node sets ``F' ⊂ F``: a *hedge*. ``F`` is a C-component (a single district) that
contains treatment nodes, ``F'`` is ``F`` without them and is also a single
district, and all their nodes are ancestors of the outcome once edges into the
treatment are cut. Shpitser & Pearl (2006a, Theorem 4) show a hedge is a complete
witness: ``P(Y | do(X))`` is identifiable iff no hedge exists. The error raised
carries it as :class:`Hedge`.

IDC (Shpitser & Pearl 2006b) handles conditional queries ``P(Y | do(X), Z)``: it moves
each ``Z`` that rule 2 of the do-calculus allows into the intervention set, then
applies ID to ``P(Y, Z | do(X))`` and normalises over ``Y``. It is complete too.

References
----------
Shpitser, I., & Pearl, J. (2006a). Identification of joint interventional
distributions in recursive semi-Markovian causal models. *AAAI*, 1219-1226.

Shpitser, I., & Pearl, J. (2006b). Identification of conditional interventional
distributions. *UAI*, 437-444.

Shpitser, I., & Pearl, J. (2008). Complete identification methods for the causal
hierarchy. *JMLR*, 9, 1941-1979.

Tian, J., & Pearl, J. (2002). A general identification condition for causal effects.
*AAAI*, 567-573.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..exceptions import NotIdentifiableError
from ..graphs import ADMG, MixedGraph, m_separated
from ._common import NodeSet, check_query, natural_sorted, require_admg
from .estimand import Estimand, Fraction, Probability, Product, Sum, simplify

__all__ = ["Hedge", "identify_effect", "id_algorithm", "idc_algorithm"]


@dataclass(frozen=True)
class Hedge:
    """The witness of non-identifiability found by ID (Shpitser & Pearl 2006a, Def. 5).

    Attributes
    ----------
    f:
        Nodes of the larger C-forest ``F``: a single district that meets the treatment.
    f_prime:
        Nodes of ``F' ⊂ F``: ``F`` without treatment nodes, still a single district.
    treatment, outcome:
        The query the hedge refutes (the outcome is the sub-query's outcome where ID
        failed inside a recursion; it is an ancestor set of the original outcome).
    """

    f: frozenset[str]
    f_prime: frozenset[str]
    treatment: frozenset[str]
    outcome: frozenset[str]

    def __str__(self) -> str:
        return f"hedge F = {{{', '.join(natural_sorted(self.f))}}}, F' = {{{', '.join(natural_sorted(self.f_prime))}}}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready node lists."""
        return {
            "F": natural_sorted(self.f),
            "F_prime": natural_sorted(self.f_prime),
            "treatment": natural_sorted(self.treatment),
            "outcome": natural_sorted(self.outcome),
        }


class _HedgeFound(Exception):
    def __init__(self, hedge: Hedge) -> None:
        super().__init__(str(hedge))
        self.hedge = hedge


@dataclass(frozen=True)
class _Dist:
    """A joint distribution over ``variables`` (others fixed), as an expression.

    ``atomic`` marks the observational distribution itself (``P(variables)``) whose
    conditionals are plain ``Probability`` terms.
    """

    expr: Estimand
    variables: frozenset[str]
    atomic: bool

    def marginal(self, keep: frozenset[str]) -> _Dist:
        if keep == self.variables:
            return self
        if self.atomic:
            return _Dist(Probability(keep), keep, True)
        return _Dist(Sum(self.variables - keep, self.expr), keep, False)

    def conditional(self, target: frozenset[str], given: frozenset[str]) -> Estimand:
        if self.atomic:
            return Probability(target, given)
        # variables outside the distribution are fixed (free in expr); it is
        # normalised over its own variables, so P(t | g) = Σ J / Σ J
        inside = given & self.variables
        num = Sum(self.variables - target - inside, self.expr)
        if not inside:
            return num
        return Fraction(num, Sum(self.variables - inside, self.expr))


class _ID:
    def __init__(self, graph: MixedGraph) -> None:
        self.graph = graph
        self.order = graph.topological_order()
        self.pos = {v: i for i, v in enumerate(self.order)}
        self.parents = {v: graph.parents(v) for v in graph.nodes}
        self.spouses = {v: graph.spouses(v) for v in graph.nodes}

    def ancestors(self, nodes: Iterable[str], within: frozenset[str], cut: frozenset[str] = frozenset()) -> frozenset[str]:
        """Ancestors (included) in G[within] with edges into ``cut`` removed."""
        seen = set(nodes)
        stack = list(seen)
        while stack:
            v = stack.pop()
            if v in cut:
                continue
            for p in self.parents[v]:
                if p in within and p not in seen:
                    seen.add(p)
                    stack.append(p)
        return frozenset(seen)

    def districts(self, within: frozenset[str]) -> list[frozenset[str]]:
        seen: set[str] = set()
        out = []
        for v in sorted(within, key=self.pos.__getitem__):
            if v in seen:
                continue
            comp = {v}
            stack = [v]
            while stack:
                a = stack.pop()
                for b in self.spouses[a]:
                    if b in within and b not in comp:
                        comp.add(b)
                        stack.append(b)
            seen |= comp
            out.append(frozenset(comp))
        return out

    def predecessors(self, v: str, within: frozenset[str]) -> frozenset[str]:
        return frozenset(u for u in within if self.pos[u] < self.pos[v])

    def run(self, y: frozenset[str], x: frozenset[str], p: _Dist, v: frozenset[str]) -> Estimand:
        # line 1
        if not x:
            return p.marginal(y).expr if p.atomic else Sum(v - y, p.expr)
        # line 2
        an_y = self.ancestors(y, v)
        if an_y != v:
            return self.run(y, x & an_y, p.marginal(an_y), an_y)
        # line 3
        w = (v - x) - self.ancestors(y, v, cut=x)
        if w:
            return self.run(y, x | w, p, v)
        comps = self.districts(v - x)
        # line 4
        if len(comps) > 1:
            return Sum(v - (y | x), Product([self.run(s, v - s, p, v) for s in comps]))
        s = comps[0]
        all_comps = self.districts(v)
        # line 5
        if len(all_comps) == 1:
            raise _HedgeFound(Hedge(v, s, x, y))
        # line 6
        if s in all_comps:
            ordered = sorted(s, key=self.pos.__getitem__)
            return Sum(s - y, Product([p.conditional(frozenset({n}), self.predecessors(n, v)) for n in ordered]))
        # line 7
        s_big = next(c for c in all_comps if s <= c)
        ordered = sorted(s_big, key=self.pos.__getitem__)
        factors = [p.conditional(frozenset({n}), self.predecessors(n, v)) for n in ordered]
        return self.run(y, x & s_big, _Dist(Product(factors), s_big, False), s_big)


def _mutilated(graph: MixedGraph, no_in: frozenset[str], no_out: frozenset[str]) -> ADMG:
    """``G_{\\bar{no_in}, \\underline{no_out}}``: edges into ``no_in`` and out of ``no_out`` removed."""
    keep = []
    for e in graph.edges:
        if e.is_directed:
            if e.target in no_in or e.source in no_out:
                continue
        elif e.u in no_in or e.v in no_in:  # a bidirected edge has an arrowhead at both ends
            continue
        keep.append(e)
    return ADMG(graph.nodes, keep)


def _run_id(graph: MixedGraph, y: frozenset[str], x: frozenset[str]) -> Estimand:
    engine = _ID(graph)
    v = frozenset(graph.nodes)
    try:
        expr = engine.run(y, x, _Dist(Probability(v), v, True), v)
    except _HedgeFound as found:
        h = found.hedge
        raise NotIdentifiableError(
            f"the graph contains a hedge F = {{{', '.join(natural_sorted(h.f))}}}, "
            f"F' = {{{', '.join(natural_sorted(h.f_prime))}}} for P({', '.join(natural_sorted(y))} | "
            f"do({', '.join(natural_sorted(x))})) (Shpitser & Pearl 2006)",
            witness=h,
        ) from None
    extra = expr.free_variables - x - y
    if extra:
        # line 3 adds nodes W that do not affect Y once X is fixed: the formula is
        # invariant to their values but may mention them. Simplify first; if they
        # remain, average over them with their observational distribution.
        expr = simplify(expr, graph=graph)
        extra = expr.free_variables - x - y
        if extra:
            expr = Sum(extra, Product([Probability(extra), expr]))
    return expr


def id_algorithm(graph: MixedGraph, treatment: NodeSet, outcome: NodeSet, *, simplified: bool = True) -> Estimand:
    """``P(outcome | do(treatment))`` by the ID algorithm of Shpitser & Pearl (2006a).

    Parameters
    ----------
    graph:
        A DAG or an ADMG (``<->`` marks latent confounding).
    treatment, outcome:
        Disjoint non-empty node sets (a name or an iterable of names).
    simplified:
        Apply :func:`~causalscope.identification.estimand.simplify` (with the graph)
        to the raw output.

    Returns
    -------
    Estimand
        A formula over observational probabilities whose free variables are (a
        subset of) ``outcome ∪ treatment``. If no treatment node is an ancestor of
        the outcome the formula is ``P(outcome)`` (the documented zero-effect answer).

    Raises
    ------
    NotIdentifiableError
        With the :class:`Hedge` as ``witness`` when the effect is not identifiable.
    GraphError
        For an unknown node, a cycle, or an edge other than ``-->``/``<->``.
    InvalidParameterError
        When treatment and outcome overlap or one is empty.

    References
    ----------
    Shpitser & Pearl (2006), AAAI; Shpitser & Pearl (2008), JMLR 9.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> g = parse_graph("X --> M; M --> Y; X <-> Y", kind="admg")
    >>> print(id_algorithm(g, "X", "Y"))
    Σ_{M} P(M | X) Σ_{X'} P(X') P(Y | M, X')
    >>> id_algorithm(parse_graph("X --> Y; X <-> Y", kind="admg"), "X", "Y")
    Traceback (most recent call last):
    ...
    causalscope.exceptions.NotIdentifiableError: the graph contains a hedge F = {X, Y}, F' = {Y} for P(Y | do(X)) (Shpitser & Pearl 2006)
    """
    g, x, y, _ = check_query(graph, treatment, outcome, what="the ID algorithm")
    g = require_admg(g, "the ID algorithm")
    raw = _run_id(g, y, x)
    return simplify(raw, graph=g) if simplified else raw


def idc_algorithm(
    graph: MixedGraph, treatment: NodeSet, outcome: NodeSet, given: NodeSet, *, simplified: bool = True
) -> Estimand:
    """``P(outcome | do(treatment), given)`` by IDC (Shpitser & Pearl 2006b).

    Each conditioning node ``Z`` with ``(Y ⊥ Z | X, Z \\ {Z})`` in the graph with edges
    into ``X`` and out of ``Z`` removed is moved into the intervention (rule 2 of the
    do-calculus); the rest is ``P'(Y, Z) / Σ_Y P'(Y, Z)`` with ``P' = ID(Y ∪ Z, X)``.

    Raises
    ------
    NotIdentifiableError
        With a :class:`Hedge` witness if the conditional effect is not identifiable.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> g = parse_graph("X --> Y; Z --> X; Z --> Y", kind="admg")
    >>> print(idc_algorithm(g, "X", "Y", "Z"))
    P(Y | X, Z)
    """
    g, x, y, z = check_query(graph, treatment, outcome, given, what="the IDC algorithm")
    g = require_admg(g, "the IDC algorithm")
    x, z = set(x), set(z)  # type: ignore[assignment]  # mypy: a reused name (frozenset above, set from here)
    changed = True
    while changed:
        changed = False
        for zi in natural_sorted(z):
            mut = _mutilated(g, frozenset(x), frozenset({zi}))
            if m_separated(mut, y, {zi}, (x | z) - {zi}):
                z.discard(zi)  # type: ignore[attr-defined]  # as above
                x.add(zi)  # type: ignore[attr-defined]  # as above
                changed = True
                break
    if z:
        joint = _run_id(g, y | frozenset(z), frozenset(x))
        raw: Estimand = Fraction(joint, Sum(y, joint))
    else:
        raw = _run_id(g, y, frozenset(x))
    return simplify(raw, graph=g) if simplified else raw


def identify_effect(
    graph: MixedGraph,
    treatment: NodeSet,
    outcome: NodeSet,
    given: NodeSet | None = None,
    *,
    simplified: bool = True,
) -> Estimand:
    """``P(outcome | do(treatment)[, given])``: ID without ``given``, IDC with it.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> g = parse_graph("Z --> X; Z --> Y; X --> Y")
    >>> print(identify_effect(g, "X", "Y"))
    Σ_{Z} P(Z) P(Y | X, Z)
    """
    if given is None or (not isinstance(given, str) and not list(given)):
        return id_algorithm(graph, treatment, outcome, simplified=simplified)
    return idc_algorithm(graph, treatment, outcome, given, simplified=simplified)
