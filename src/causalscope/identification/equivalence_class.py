"""Identification from a learned equivalence class (CPDAG or PAG), and one entry point.

Discovery returns a class of graphs, not one graph: a CPDAG (no latent variables)
or a PAG (latent variables allowed). A causal effect is *identified in the class*
when one formula gives it in every member. For adjustment this happens iff the
graph is *adjustment amenable* (every proper possibly directed path from ``X`` to
``Y`` starts with a directed, and in a PAG visible, edge out of ``X``) and an
adjustment set exists (the generalized adjustment criterion, Perković, Textor,
Kalisch & Maathuis 2018). When amenability fails, the edges out of ``X`` that
break it are exactly the ones whose orientation would decide the question: they
are reported.

On a CPDAG (or MPDAG) amenability alone decides identifiability (Perković 2020,
Theorem 3.4): when no adjustment set exists (``Y --> X``, several treatments) the
effect is still given in every member by the *causal identification formula*
(Theorem 3.6, :func:`~causalscope.identification.mpdag.causal_identification_formula`).
On a PAG without an adjustment set the effect is still ``P(Y)`` when no possibly
directed path leads from ``X`` to ``Y`` (``Y`` descends from ``X`` in no member).

The ``method`` of a result names the formula: ``"adjustment"``,
``"causal_identification_formula"`` (CPDAG/MPDAG, no adjustment set) or
``"null_effect"`` (PAG, no possibly causal path; the estimand is ``P(Y)``).

:func:`identify` is the single entry point used by the command line and the
pipeline: on a DAG or ADMG it prefers an adjustment formula (the optimal set on a
DAG), then the front-door formula, then the general ID/IDC algorithm; on a CPDAG
or PAG it calls :func:`identify_in_class`.

References
----------
Perković, E., Textor, J., Kalisch, M., & Maathuis, M. H. (2018). Complete graphical
characterization and construction of adjustment sets in Markov equivalence classes
of ancestral graphs. *JMLR*, 18(220), 1-62.

Zhang, J. (2008). Causal reasoning with ancestral graphs. *JMLR*, 9, 1437-1474.

Perković, E. (2020). Identifying causal effects in maximally oriented partially
directed acyclic graphs. *UAI*, 530-539.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..exceptions import GraphError, InvalidParameterError, NotIdentifiableError
from ..graphs import ADMG, CPDAG, DAG, MAG, PAG, MixedGraph, find_minimal_separator, m_separated, meek_rules
from ._common import NodeSet, check_query, is_pdag, natural_sorted
from .adjustment import (
    adjustment_estimand,
    amenability_violations,
    causal_nodes,
    minimal_adjustment_set,
    optimal_adjustment_set,
)
from .estimand import Estimand, Probability
from .frontdoor import frontdoor_estimand, frontdoor_set
from .id_algorithm import id_algorithm, idc_algorithm
from .mpdag import causal_identification_formula

__all__ = ["ClassIdentification", "identify_in_class", "Identification", "identify", "IdentifyMethod"]

IdentifyMethod = Literal["auto", "adjustment", "backdoor", "frontdoor", "id"]


@dataclass(frozen=True)
class ClassIdentification:
    """Whether an effect is identified in every member of an equivalence class.

    Attributes
    ----------
    identified:
        True if one formula gives the effect in every member.
    amenable:
        Whether the graph is adjustment amenable for the query.
    adjustment_set:
        A valid adjustment set for every member (the optimal one on a CPDAG), or
        None (not identified, or identified without adjustment).
    estimand:
        The formula (adjustment, causal identification formula or ``P(Y)``), or None.
    deciding_edges:
        Edges whose orientation decides identifiability (those breaking amenability).
    reason:
        One sentence explaining the verdict.
    method:
        How the estimand was obtained: ``"adjustment"``,
        ``"causal_identification_formula"`` (Perković 2020, Theorem 3.6: a CPDAG or
        MPDAG that is amenable but has no adjustment set) or ``"null_effect"`` (a PAG
        with no possibly directed path from treatment to outcome: ``P(Y)``); None
        when not identified.
    """

    treatment: tuple[str, ...]
    outcome: tuple[str, ...]
    graph_kind: str
    identified: bool
    amenable: bool
    adjustment_set: frozenset[str] | None
    estimand: Estimand | None
    deciding_edges: tuple[str, ...] = ()
    reason: str = ""
    method: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "treatment": list(self.treatment),
            "outcome": list(self.outcome),
            "graph_kind": self.graph_kind,
            "identified": self.identified,
            "amenable": self.amenable,
            "adjustment_set": None if self.adjustment_set is None else natural_sorted(self.adjustment_set),
            "estimand": None if self.estimand is None else self.estimand.to_dict(),
            "deciding_edges": list(self.deciding_edges),
            "reason": self.reason,
            "method": self.method,
        }


def _treatments(x: frozenset[str]) -> str:
    """``"this treatment"`` or ``"these 2 treatments"`` (for messages)."""
    return "this treatment" if len(x) == 1 else f"these {len(x)} treatments"


# ---------------------------------------------------------------------------- PAG support
def _possibly_directed_step(g: MixedGraph, v: str) -> set[str]:
    """Nodes w with an edge v *-* w that has no arrowhead at v (a possibly directed step v -> w)."""
    out = set()
    for w in g.adjacent(v):
        for e in g.edges_between(v, w):
            if e.mark_u.code != 2 and e.mark_v.code != 1:  # no arrowhead at v, no tail at w
                out.add(w)
    return out


def _pag_reach(g: MixedGraph, start: set[str], avoid: frozenset[str], backward: bool = False) -> set[str]:
    step = {v: _possibly_directed_step(g, v) for v in g.nodes}
    if backward:
        rev: dict[str, set[str]] = {v: set() for v in g.nodes}
        for v, ws in step.items():
            for w in ws:
                rev[w].add(v)
        step = rev
    seen: set[str] = set()
    stack = [w for s in start for w in step[s] if w not in avoid]
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        stack.extend(w for w in step[v] if w not in avoid and w not in seen)
    return seen


def _is_visible(g: MixedGraph, x: str, d: str) -> bool:
    """Zhang (2008, Lemma 3.3.1): X --> D is visible iff some V not adjacent to D has
    V *-> X, or a collider path V *-> ... <-> X into X whose inner nodes are parents of D."""
    def into(a: str, b: str) -> bool:  # an edge a *-> b
        return any(e.mark_v.code == 2 for e in g.edges_between(a, b))

    adj_d = g.adjacent(d) | {d}
    # V *-> X directly
    for v in g.adjacent(x):
        if v not in adj_d and into(v, x):
            return True
    # collider paths V *-> C1 <-> ... <-> Ck <-> X with every Ci a parent of D
    pa_d = g.parents(d)
    frontier = [c for c in g.spouses(x) if c in pa_d]
    seen = set(frontier)
    while frontier:
        c = frontier.pop()
        for v in g.adjacent(c):
            if v in (x, d) or not into(v, c):
                continue
            if v not in adj_d:
                return True
            if v in pa_d and v not in seen and v in g.spouses(c):
                seen.add(v)
                frontier.append(v)
    return False


def _pag_to_mag(pag: MixedGraph) -> MAG:
    """A MAG in the class of a PAG (Zhang 2008, Thm 2): ``o->`` becomes ``-->``; the
    circle component ``o-o`` is oriented as a DAG without unshielded colliders."""
    from ..graphs import cpdag_to_dag

    directed, other, circ = [], [], []
    for e in pag.edges:
        mu, mv = e.mark_u.code, e.mark_v.code
        if mu == 3 and mv == 3:
            circ.append((e.u, e.v))
        elif mu == 3 and mv == 2:
            directed.append(f"{e.u} --> {e.v}")
        elif mu == 2 and mv == 3:
            directed.append(f"{e.v} --> {e.u}")
        elif 3 in (mu, mv):
            raise GraphError(f"edge {e} (a tail with a circle: selection bias) is not supported for identification")
        else:
            other.append(e)
    if circ:
        und = CPDAG(pag.nodes, [f"{a} --- {b}" for a, b in circ])
        oriented = cpdag_to_dag(und)
        directed += [str(e) for e in oriented.edges]
    return MAG(pag.nodes, [*other, *directed])


def _pag_class(g: MixedGraph, x: frozenset[str], y: frozenset[str]) -> ClassIdentification:
    # proper possibly directed paths from X to Y, their first edges
    deciding = []
    for xi in natural_sorted(x):
        for d in natural_sorted(_possibly_directed_step(g, xi) - x):
            reach = _pag_reach(g, {d}, x) | {d}
            if not reach & y:
                continue
            e = g.edge(xi, d)
            if not (e is not None and e.is_directed and e.source == xi and _is_visible(g, xi, d)):
                deciding.append(str(e))
    treat, out = tuple(natural_sorted(x)), tuple(natural_sorted(y))
    if deciding:
        return ClassIdentification(
            treat, out, g.kind, False, False, None, None, tuple(deciding),
            f"the PAG is not adjustment amenable for {_treatments(x)}: the edge(s) " + ", ".join(deciding)
            + " may start causal paths to the outcome without being visible directed edges; "
            "their orientation (or ruling out confounding) decides identifiability",
        )
    down = _pag_reach(g, set(x), x)
    up = _pag_reach(g, set(y), x, backward=True) | (y - x)
    cn = down & up
    forb = cn | _pag_reach(g, set(cn), frozenset()) | x
    mag = _pag_to_mag(g)
    keep = [e for e in mag.edges if not (e.is_directed and e.source in x and e.target in cn)]
    pbd = MAG(mag.nodes, keep)
    allowed = frozenset(g.nodes) - forb - x - y
    anc = _pag_reach(g, set(x | y), frozenset(), backward=True) | x | y  # possible ancestors
    z = frozenset(anc & allowed)
    if m_separated(pbd, x, y, z):
        # Adjust(X, Y) works, so a minimal separator among the allowed nodes does too
        small = find_minimal_separator(pbd, x, y, restrict=allowed)
        z = frozenset(small) if small is not None else z
        return ClassIdentification(
            treat, out, g.kind, True, True, z, adjustment_estimand(x, y, z), (),
            "the PAG is adjustment amenable and this (minimal) set satisfies the generalized "
            "adjustment criterion in every MAG of the class",
            "adjustment",
        )
    if not (_pag_reach(g, set(x), frozenset()) & y):
        # Y is a non-descendant of X in every member: intervening on X leaves it unchanged
        return ClassIdentification(
            treat, out, g.kind, True, True, None, Probability(y), (),
            "no possibly directed path leads from the treatment to the outcome, so the outcome "
            "descends from the treatment in no member of the class and the effect is null",
            "null_effect",
        )
    return ClassIdentification(
        treat, out, g.kind, False, True, None, None, (),
        f"the PAG is amenable but no adjustment set exists for {_treatments(x)} "
        "(latent confounding cannot be blocked by observed nodes)",
    )


def identify_in_class(graph: MixedGraph, treatment: NodeSet, outcome: NodeSet) -> ClassIdentification:
    """Whether the effect of ``treatment`` on ``outcome`` is identified in every member
    of the class the graph represents, and by which formula.

    Parameters
    ----------
    graph:
        A CPDAG or PAG (a learned class); a MAG is treated like a PAG with all marks
        known; a DAG or ADMG is a class of one graph.

    Returns
    -------
    ClassIdentification
        With the formula (and the adjustment set when one is used) and its
        ``method`` when identified, or the deciding edges and the reason when not.

    Notes
    -----
    On a CPDAG the criterion is that of Perković et al. (2018): amenability, then
    ``Adjust(X, Y) = PossAn(X ∪ Y) \\ (X ∪ Y ∪ forb)`` (the optimal set is reported
    when it exists). An amenable CPDAG (or MPDAG) without an adjustment set is still
    identified, by the causal identification formula of Perković (2020, Theorem 3.6)
    (``method="causal_identification_formula"``); amenability is necessary and
    sufficient there (Theorem 3.4). On a PAG visibility of the first edges is
    Zhang's (2008) criterion and the blocking condition is checked in a MAG of the
    class built by Zhang's arrowhead-complete orientation; without an adjustment
    set, the effect is ``P(Y)`` when no possibly directed path leads from ``X`` to
    ``Y`` (``method="null_effect"``). On an ADMG with no adjustment set the effect
    may still be identified by ID (see :func:`identify`).

    References
    ----------
    Perković et al. (2018), JMLR 18(220). Perković (2020), UAI, 530-539. Zhang
    (2008), JMLR 9.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> r = identify_in_class(parse_graph("Z --- X; X --> Y; Z --> Y", kind="cpdag"), "X", "Y")
    >>> r.identified, r.deciding_edges
    (False, ('X --- Z',))
    >>> r = identify_in_class(parse_graph("A --> X; B --> X; X --> Y; A --> Y", kind="cpdag"), "X", "Y")
    >>> r.identified, sorted(r.adjustment_set)
    (True, ['A'])
    >>> r = identify_in_class(parse_graph("Y --> X; Z --> X", kind="cpdag"), "X", "Y")
    >>> r.identified, r.method, str(r.estimand)
    (True, 'null_effect', 'P(Y)')
    """
    g, x, y, _ = check_query(graph, treatment, outcome, what="identify_in_class")
    treat, out = tuple(natural_sorted(x)), tuple(natural_sorted(y))
    if any(3 in (e.mark_u.code, e.mark_v.code) for e in g.edges) or isinstance(g, (PAG, MAG)):
        return _pag_class(g, x, y)
    if is_pdag(g) or isinstance(g, CPDAG):
        if all(e.is_directed or e.is_undirected for e in g.edges):
            # a PDAG with background orientations stands for the same class as its closure
            # under Meek's rules (an MPDAG; nothing changes for a CPDAG)
            try:
                g = meek_rules(g if isinstance(g, CPDAG) else CPDAG(g.nodes, g.edges))
            except GraphError:
                pass  # no consistent extension: the checks below report it
        deciding = amenability_violations(g, x, y)
        if deciding:
            return ClassIdentification(
                treat, out, g.kind, False, False, None, None, deciding,
                f"the CPDAG is not adjustment amenable for {_treatments(x)}: the undirected edge(s) "
                + ", ".join(deciding)
                + " may point either way, and the effect differs between the orientations",
            )
        z = optimal_adjustment_set(g, x, y)
        if z is None and not (causal_nodes(g, x, y) & y):
            # Y is a possible descendant of X in no member: the formula reduces to P(Y)
            return ClassIdentification(
                treat, out, g.kind, True, True, None, causal_identification_formula(g, x, y), (),
                "no possibly directed path leads from the treatment to the outcome, so the outcome descends from "
                "the treatment in no member of the class and the effect is null",
                "null_effect",
            )
        if z is None:
            return ClassIdentification(
                treat, out, g.kind, True, True, None, causal_identification_formula(g, x, y), (),
                f"the CPDAG is adjustment amenable but no adjustment set exists for {_treatments(x)}; "
                "the causal identification formula (Perković 2020) gives the effect in every member",
                "causal_identification_formula",
            )
        return ClassIdentification(
            treat, out, g.kind, True, True, z, adjustment_estimand(x, y, z), (),
            "the CPDAG is adjustment amenable; the optimal adjustment set is valid in every member",
            "adjustment",
        )
    has_bi = any(e.is_bidirected for e in g.edges)
    z = minimal_adjustment_set(g, x, y) if has_bi else optimal_adjustment_set(g, x, y)
    if z is not None:
        return ClassIdentification(
            treat, out, g.kind, True, True, z, adjustment_estimand(x, y, z), (),
            "a single graph: the adjustment criterion holds for this set",
            "adjustment",
        )
    return ClassIdentification(
        treat, out, g.kind, False, True, None, None, (),
        f"no adjustment set exists in this graph for {_treatments(x)} "
        "(try identify, which also uses the front-door formula and ID)",
    )


# ---------------------------------------------------------------------------- one entry point
@dataclass(frozen=True)
class Identification:
    """The answer of :func:`identify`.

    Attributes
    ----------
    query:
        The causal query in text, e.g. ``P(Y | do(X))``.
    estimand:
        The formula over observational probabilities.
    method:
        ``"adjustment"``, ``"backdoor"``, ``"frontdoor"``, ``"id"`` or ``"idc"``; on a
        CPDAG or PAG also ``"causal_identification_formula"`` (Perković 2020: an
        amenable CPDAG/MPDAG without adjustment set); ``"null_effect"`` when no
        (possibly) directed path leads from treatment to outcome and no adjustment set
        exists (a DAG, ADMG or PAG; the estimand is ``P(Y)``).
    adjustment_set, mediators:
        The set used by the adjustment or front-door formula (None otherwise).
    """

    treatment: tuple[str, ...]
    outcome: tuple[str, ...]
    given: tuple[str, ...]
    estimand: Estimand
    method: str
    adjustment_set: frozenset[str] | None = None
    mediators: frozenset[str] | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def query(self) -> str:
        """``P(Y | do(X)[, Z])`` in text."""
        cond = f"do({', '.join(self.treatment)})"
        if self.given:
            cond += ", " + ", ".join(self.given)
        return f"P({', '.join(self.outcome)} | {cond})"

    @property
    def _context(self) -> tuple[str, ...]:
        return (*self.treatment, *self.outcome, *self.given)

    def __str__(self) -> str:
        return f"{self.query} = {self.estimand.to_text(self._context)}"

    def to_latex(self) -> str:
        """``P(Y \\mid do(X)) = ...`` in LaTeX."""
        cond = r"\mathrm{do}(" + ", ".join(self.treatment) + ")"
        if self.given:
            cond += ", " + ", ".join(self.given)
        return f"P({', '.join(self.outcome)} \\mid {cond}) = {self.estimand.to_latex(self._context)}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "query": self.query,
            "treatment": list(self.treatment),
            "outcome": list(self.outcome),
            "given": list(self.given),
            "method": self.method,
            "estimand": {**self.estimand.to_dict(), "text": self.estimand.to_text(self._context),
                         "latex": self.estimand.to_latex(self._context)},
            "adjustment_set": None if self.adjustment_set is None else natural_sorted(self.adjustment_set),
            "mediators": None if self.mediators is None else natural_sorted(self.mediators),
            "notes": list(self.notes),
        }


def identify(
    graph: MixedGraph,
    treatment: NodeSet,
    outcome: NodeSet,
    given: NodeSet | None = None,
    *,
    method: IdentifyMethod = "auto",
) -> Identification:
    """Identify ``P(outcome | do(treatment)[, given])`` from the graph.

    Parameters
    ----------
    graph:
        A DAG or ADMG (``<->`` = latent confounding), or a learned CPDAG or PAG.
    treatment, outcome:
        Disjoint non-empty node sets (names).
    given:
        Conditioning nodes for a conditional effect (handled by IDC).
    method:
        ``"auto"`` (adjustment, else ``P(Y)`` when no directed path leads from the
        treatment to the outcome, else front-door, else ID), ``"adjustment"`` (the
        generalized criterion), ``"backdoor"`` (Pearl's criterion), ``"frontdoor"``
        or ``"id"``. On a CPDAG or PAG the class-level answer of
        :func:`identify_in_class` is returned (adjustment, else the causal
        identification formula of Perković 2020 on a CPDAG, else ``P(Y)`` for a null
        effect on a PAG); ``"adjustment"`` and ``"backdoor"`` there accept only an
        adjustment formula.

    Returns
    -------
    Identification

    Raises
    ------
    NotIdentifiableError
        When the chosen method (for ``"auto"`` and ``"id"``: any method) cannot
        identify the effect; for ID the ``witness`` is the hedge, for a CPDAG/PAG the
        :class:`ClassIdentification`.
    GraphError, InvalidParameterError
        For unknown nodes, overlapping sets, a cyclic graph or an unknown method.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> print(identify(parse_graph("Z --> X; Z --> Y; X --> Y"), "X", "Y"))
    P(Y | do(X)) = Σ_{Z} P(Y | X, Z) P(Z)
    >>> print(identify(parse_graph("S --> T; T --> C; S <-> C", kind="admg"), "S", "C").method)
    frontdoor
    >>> print(identify(parse_graph("Y --> X; Z --> X", kind="cpdag"), "X", "Y"))
    P(Y | do(X)) = P(Y)
    """
    if method not in ("auto", "adjustment", "backdoor", "frontdoor", "id"):
        raise InvalidParameterError(
            f"method must be one of 'auto', 'adjustment', 'backdoor', 'frontdoor', 'id'; got {method!r}"
        )
    g, x, y, z = check_query(graph, treatment, outcome, given, what="identify")
    treat, out, giv = tuple(natural_sorted(x)), tuple(natural_sorted(y)), tuple(natural_sorted(z))
    is_class = isinstance(g, (CPDAG, PAG, MAG)) or is_pdag(g) or any(
        3 in (e.mark_u.code, e.mark_v.code) for e in g.edges
    )
    if is_class and not isinstance(g, (DAG, ADMG)):
        if z:
            raise InvalidParameterError(
                "conditional effects (given) are supported on DAGs and ADMGs only; "
                f"the graph is a {type(g).__name__}"
            )
        res = identify_in_class(g, x, y)
        if not res.identified:
            raise NotIdentifiableError(res.reason, witness=res)
        if method in ("adjustment", "backdoor") and res.method != "adjustment":
            raise NotIdentifiableError(
                f"no adjustment set valid in every member of the {g.kind.upper()} exists for "
                f"{_treatments(x)} ({', '.join(treat)} -> {', '.join(out)}); method='auto' gives the "
                f"effect by another formula ({res.method})",
                witness=res,
            )
        return Identification(treat, out, giv, res.estimand, res.method or "adjustment", res.adjustment_set)  # type: ignore[arg-type]
    if z or method == "id":
        est = idc_algorithm(g, x, y, z) if z else id_algorithm(g, x, y)
        return Identification(treat, out, giv, est, "idc" if z else "id")
    has_bi = any(e.is_bidirected for e in g.edges)
    if method in ("auto", "adjustment", "backdoor"):
        crit = "backdoor" if method == "backdoor" else "adjustment"
        if method == "backdoor":
            adj = minimal_adjustment_set(g, x, y, criterion="backdoor")
        elif has_bi:
            adj = minimal_adjustment_set(g, x, y)
        else:
            adj = optimal_adjustment_set(g, x, y)
        if adj is not None:
            return Identification(treat, out, giv, adjustment_estimand(x, y, adj), crit if crit == "backdoor" else "adjustment", adj)
        if method != "auto":
            raise NotIdentifiableError(
                f"no {crit} set exists for {', '.join(treat)} -> {', '.join(out)}; "
                "latent confounding cannot be blocked by observed nodes (try method='id')"
            )
    if method == "auto" and not (g.descendants(x) & y):
        # no directed path X -> Y: intervening on X leaves Y as it is (ID's first line); without this the
        # front-door criterion holds vacuously and gives a needlessly long formula equal to P(Y)
        return Identification(treat, out, giv, Probability(y), "null_effect",
                              notes=("no directed path leads from the treatment to the outcome",))
    if method in ("auto", "frontdoor"):
        m = frontdoor_set(g, x, y)
        if m is not None:
            return Identification(treat, out, giv, frontdoor_estimand(x, y, m), "frontdoor", None, m)
        if method == "frontdoor":
            raise NotIdentifiableError(
                f"no front-door set exists for {', '.join(treat)} -> {', '.join(out)} (try method='id')"
            )
    est = id_algorithm(g, x, y)
    return Identification(treat, out, giv, est, "id")

