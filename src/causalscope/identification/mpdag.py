"""The causal identification formula for CPDAGs and MPDAGs (Perković 2020).

A CPDAG learned from data, or a CPDAG with background knowledge closed under
Meek's rules (a *maximally oriented PDAG*, MPDAG), stands for a set of DAGs. The
effect ``P(y | do(x))`` is the same function of the observational distribution in
every one of them exactly when no proper possibly causal path from ``X`` to ``Y``
starts with an undirected edge (Perković 2020, Theorem 3.4): the graph is
*adjustment amenable*. Amenability does not imply that an adjustment set exists
(``Y --> X``, or several treatments, can rule every set out), but it always gives
the effect by the *causal identification formula* (Theorem 3.6), a generalisation
of Robins' g-formula and of the truncated factorisation to MPDAGs:

    P(y | do(x)) = Σ_{b \\ y} Π_i P(b_i | pa(b_i)),

where ``B`` are the possible ancestors of ``Y`` in the graph restricted to
``V \\ X`` (``Y`` included), ``B_1, ..., B_k`` are its *buckets* (the connected
components of its undirected edges) in a partial causal ordering (every directed
edge between buckets points from an earlier to a later one), ``pa(b_i)`` are the
parents of ``B_i`` outside it, and the parents in ``X`` take the intervention
value ``x``.

Buckets that cannot be reached from ``X`` along directed edges form an ancestral
set ``A`` free of ``X``, whose factors multiply to the observational ``P(a)``; the
formula is built with that one factor in their place, then simplified with
:func:`~causalscope.identification.estimand.simplify`. When no treatment is a
parent of ``B`` (``Y`` is not a possible descendant of ``X``) the formula is
``P(y)``.

References
----------
Perković, E. (2020). Identifying causal effects in maximally oriented partially
directed acyclic graphs. *UAI*, PMLR 124, 530-539.

Meek, C. (1995). Causal inference and causal explanation with background
knowledge. *UAI*, 403-410.
"""

from __future__ import annotations

from ..exceptions import GraphError, NotIdentifiableError
from ..graphs import CPDAG, MixedGraph, cpdag_to_dag, meek_rules
from ._common import NodeSet, check_query, natural_key, natural_sorted, reach_nodes
from .adjustment import amenability_violations
from .estimand import Estimand, Probability, Product, Sum, simplify

__all__ = ["causal_identification_formula"]


def _buckets(g: MixedGraph, nodes: frozenset[str]) -> list[frozenset[str]]:
    """Connected components of the undirected edges within ``nodes``."""
    seen: set[str] = set()
    out: list[frozenset[str]] = []
    for v in natural_sorted(nodes):
        if v in seen:
            continue
        comp = {v}
        stack = [v]
        while stack:
            a = stack.pop()
            for b in g.undirected_neighbors(a):
                if b in nodes and b not in comp:
                    comp.add(b)
                    stack.append(b)
        seen |= comp
        out.append(frozenset(comp))
    return out


def _partial_causal_order(g: MixedGraph, buckets: list[frozenset[str]]) -> list[frozenset[str]]:
    """The buckets ordered so that directed edges between them point forward (ties by name)."""
    where = {v: i for i, b in enumerate(buckets) for v in b}
    succ: list[set[int]] = [set() for _ in buckets]
    indeg = [0] * len(buckets)
    for i, b in enumerate(buckets):
        for v in b:
            for c in g.children(v):
                j = where.get(c)
                if j is not None and j != i and j not in succ[i]:
                    succ[i].add(j)
                    indeg[j] += 1
    key = [min((natural_key(v) for v in b)) for b in buckets]
    ready = sorted((i for i, d in enumerate(indeg) if d == 0), key=key.__getitem__)
    order: list[int] = []
    while ready:
        i = ready.pop(0)
        order.append(i)
        for j in succ[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                ready.append(j)
        ready.sort(key=key.__getitem__)
    if len(order) != len(buckets):
        raise GraphError(
            "the buckets (undirected components) of the graph have no partial causal ordering: "
            "directed edges between them form a cycle, so the graph is not a maximally oriented PDAG"
        )
    return [buckets[i] for i in order]


def causal_identification_formula(graph: MixedGraph, treatment: NodeSet, outcome: NodeSet) -> Estimand:
    """``P(outcome | do(treatment))`` in every DAG of a CPDAG's (or MPDAG's) class.

    The causal identification formula of Perković (2020, Theorem 3.6), see the module
    notes. It needs no adjustment set, so it also answers queries with several
    treatments, or where the outcome is a parent of the treatment.

    Parameters
    ----------
    graph:
        A CPDAG, a CPDAG with background orientations, or a DAG (any graph with
        ``-->`` and ``---`` edges only). It is first closed under Meek's rules R1-R4
        (an MPDAG), which changes nothing for a CPDAG.
    treatment, outcome:
        Disjoint non-empty node sets (names).

    Returns
    -------
    Estimand
        The simplified formula; its free variables are outcome and treatment nodes.

    Raises
    ------
    NotIdentifiableError
        If a proper possibly causal path from the treatment to the outcome starts
        with an undirected edge: then the effect differs between members (Perković
        2020, Theorem 3.4). The ``witness`` holds those edges.
    GraphError
        For edges other than ``-->`` and ``---``, or a graph whose class is empty
        (no consistent extension).

    References
    ----------
    Perković, E. (2020). Identifying causal effects in maximally oriented partially
    directed acyclic graphs. *UAI*, 530-539.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> print(causal_identification_formula(parse_graph("Y --> X; Z --> X", kind="cpdag"), "X", "Y"))
    P(Y)
    >>> g = parse_graph("X1 --> Z; Z --> X2; X2 --> Y; Z --> Y", kind="cpdag")
    >>> print(causal_identification_formula(g, ["X1", "X2"], "Y"))
    Σ_{Z} P(Z | X1) P(Y | X2, Z)
    """
    g, x, y, _ = check_query(graph, treatment, outcome, what="causal_identification_formula")
    bad = [str(e) for e in g.edges if not (e.is_directed or e.is_undirected)]
    if bad:
        raise GraphError(
            f"the causal identification formula needs a CPDAG or MPDAG (edges --> and --- only); "
            f"edge {bad[0]} is neither (for a PAG use identify_in_class, for an ADMG identify)"
        )
    mpdag = meek_rules(g if isinstance(g, CPDAG) else CPDAG(g.nodes, g.edges))
    member = cpdag_to_dag(mpdag)  # a DAG of the class; raises GraphError if there is none
    violations = amenability_violations(mpdag, x, y)
    if violations:
        raise NotIdentifiableError(
            f"the effect of {', '.join(natural_sorted(x))} on {', '.join(natural_sorted(y))} differs between members of "
            f"the class: the undirected edge(s) {', '.join(violations)} start possibly causal paths to the outcome",
            witness=violations,
        )
    # B: possible ancestors of Y in the graph restricted to V \ X (Y included)
    b = frozenset(reach_nodes(mpdag, y, "pparent", x)) | y
    order = _partial_causal_order(mpdag, _buckets(mpdag, b))
    parents = [frozenset().union(*(mpdag.parents(v) for v in bi)) - bi for bi in order]
    # buckets reached from X along directed edges; the others form an X-free ancestral set A
    moved: list[bool] = []
    touched: set[str] = set()
    for bi, pa in zip(order, parents, strict=True):
        hit = bool(pa & (x | touched))
        moved.append(hit)
        if hit:
            touched |= bi
    a = frozenset().union(*(bi for bi, m in zip(order, moved, strict=True) if not m))
    factors: list[Estimand] = [Probability(a)] if a else []
    factors += [Probability(bi, pa) for bi, pa, m in zip(order, parents, moved, strict=True) if m]
    return simplify(Sum(b - y, Product(factors)), graph=member)
