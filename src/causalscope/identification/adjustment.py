"""Covariate adjustment: backdoor sets, the generalized adjustment criterion, optimal sets.

A set ``Z`` is an *adjustment set* for the effect of ``X`` on ``Y`` when

    P(y | do(x)) = Σ_z P(y | x, z) P(z).

Pearl's *backdoor criterion* is sufficient: no node of ``Z`` descends from ``X``, and
``Z`` blocks every path between ``X`` and ``Y`` that starts with an arrow into ``X``.
The *adjustment criterion* (Shpitser, VanderWeele & Robins 2010; Perković, Textor,
Kalisch & Maathuis 2018) is also necessary. With the *causal nodes*
``cn(X, Y)`` (nodes other than ``X`` on proper causal paths ``X --> ... --> Y``) and
the forbidden set ``forb = De(cn) ∪ X``, ``Z`` is an adjustment set iff

1. ``Z ∩ forb = ∅`` and
2. ``Z`` m-separates ``X`` and ``Y`` in the *proper back-door graph*: the graph
   without the first edge ``X --> D`` of every proper causal path (van der Zander,
   Liśkiewicz & Textor 2019).

Both checks are reachability searches, so testing a set is linear in the graph's
size and no search over subsets is needed to find one: an adjustment set exists iff
``Adjust(X, Y) = An(X ∪ Y) \\ (X ∪ Y ∪ forb)`` is one (Perković et al. 2018, Thm 4.4).
A minimal one comes from the minimal-separator algorithm, all of them from the
polynomial-delay listing algorithm of van der Zander et al. (2019), and the
*optimal* one, which gives the smallest asymptotic variance among adjustment sets
for the regression estimator, is ``O(X, Y) = pa(cn) \\ forb`` (Henckel, Perković &
Maathuis 2022).

On a CPDAG (a Markov equivalence class learned from data) the same formulas hold
with possibly directed paths when the graph is *adjustment amenable*: every proper
possibly directed path from ``X`` to ``Y`` starts with a directed edge out of ``X``
(Perković et al. 2018). DAGs and ADMGs (latent confounding as ``<->``) are handled
directly.

References
----------
Pearl, J. (1993). Comment: graphical models, causality and intervention.
*Statistical Science*, 8(3), 266-269.

Shpitser, I., VanderWeele, T., & Robins, J. M. (2010). On the validity of covariate
adjustment for estimating causal effects. *UAI*, 527-536.

Perković, E., Textor, J., Kalisch, M., & Maathuis, M. H. (2018). Complete graphical
characterization and construction of adjustment sets in Markov equivalence classes
of ancestral graphs. *JMLR*, 18(220), 1-62.

van der Zander, B., Liśkiewicz, M., & Textor, J. (2019). Separators and adjustment
sets in causal graphs: complete criteria and an algorithmic framework. *Artificial
Intelligence*, 270, 1-40.

Henckel, L., Perković, E., & Maathuis, M. H. (2022). Graphical criteria for efficient
total effect estimation via adjustment in causal linear models. *JRSS B*, 84(2), 579-599.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ..exceptions import GraphError, InvalidParameterError, NotIdentifiableError
from ..graphs import ADMG, CPDAG, MixedGraph, cpdag_to_dag, find_minimal_separator, is_minimal_separator, m_separated
from ._common import NodeSet, check_query, is_pdag, natural_sorted, node_set, proper_backdoor_graph, reach_nodes
from .estimand import Estimand, Probability, Product, Sum

__all__ = [
    "Criterion",
    "adjustment_estimand",
    "is_adjustment_set",
    "is_backdoor_set",
    "adjustment_set",
    "minimal_adjustment_set",
    "optimal_adjustment_set",
    "adjustment_sets",
    "backdoor_sets",
    "forbidden_set",
    "causal_nodes",
    "amenability_violations",
]

Criterion = Literal["adjustment", "backdoor"]


def causal_nodes(graph: MixedGraph, treatment: NodeSet, outcome: NodeSet) -> frozenset[str]:
    """``cn(X, Y)``: nodes other than ``X`` on proper (possibly) causal paths from ``X`` to ``Y``.

    On a CPDAG, possibly causal paths (edges ``-->`` or ``---`` pointing away from
    ``X``) are used (Perković et al. 2018).

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> sorted(causal_nodes(DAG(edges=["X --> M", "M --> Y", "M --> W", "Z --> X"]), "X", "Y"))
    ['M', 'Y']
    """
    g, x, y, _ = check_query(graph, treatment, outcome, what="causal_nodes")
    fwd, bwd = ("pchild", "pparent") if is_pdag(g) else ("child", "parent")
    down = reach_nodes(g, x, fwd, x)
    up = reach_nodes(g, y, bwd, x) | (y - x)
    return frozenset(down & up)


def forbidden_set(graph: MixedGraph, treatment: NodeSet, outcome: NodeSet) -> frozenset[str]:
    """``forb(X, Y) = De(cn(X, Y)) ∪ X`` (possible descendants on a CPDAG).

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> sorted(forbidden_set(DAG(edges=["X --> M", "M --> Y", "M --> W", "Z --> X"]), "X", "Y"))
    ['M', 'W', 'X', 'Y']
    """
    g, x, _y, _ = check_query(graph, treatment, outcome, what="forbidden_set")
    cn = causal_nodes(g, treatment, outcome)
    fwd = "pchild" if is_pdag(g) else "child"
    return frozenset(cn | reach_nodes(g, cn, fwd, frozenset()) | x)


def amenability_violations(graph: MixedGraph, treatment: NodeSet, outcome: NodeSet) -> tuple[str, ...]:
    """Undirected edges ``X --- B`` that start a proper possibly directed path from ``X`` to ``Y``.

    A CPDAG is *adjustment amenable* for ``(X, Y)`` iff this is empty (Perković et al.
    2018, Def. 3.5); each edge listed is one whose orientation decides whether
    adjustment works. Always empty on a DAG or ADMG.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> amenability_violations(parse_graph("X --- Y", kind="cpdag"), "X", "Y")
    ('X --- Y',)
    """
    g, x, y, _ = check_query(graph, treatment, outcome, what="amenability_violations")
    out = []
    for xi in natural_sorted(x):
        for b in natural_sorted(g.undirected_neighbors(xi) - x):
            reach = reach_nodes(g, frozenset({b}), "pchild", x) | {b}
            if reach & y:
                out.append(str(g.edge(xi, b)))
    return tuple(out)


def _backdoor_graph(graph: MixedGraph, x: frozenset[str]) -> MixedGraph:
    return ADMG(graph.nodes, [e for e in graph.edges if not (e.is_directed and e.source in x)])


@dataclass(frozen=True)
class _Problem:
    """A separation problem equivalent to the adjustment question."""

    graph: MixedGraph  # where Z must m-separate X and Y
    x: frozenset[str]
    y: frozenset[str]
    allowed: frozenset[str]  # nodes Z may contain
    forbidden: frozenset[str]

    def separates(self, z: frozenset[str]) -> bool:
        return m_separated(self.graph, self.x, self.y, z)


def _check_admg_like(graph: MixedGraph, what: str) -> None:
    bad = [str(e) for e in graph.edges if not (e.is_directed or e.is_bidirected or e.is_undirected)]
    if bad:
        raise GraphError(
            f"{what} handles DAGs, ADMGs and CPDAGs; edge {bad[0]} has a circle mark (a PAG). "
            "Use identify_in_class for PAGs"
        )
    und = [e for e in graph.edges if e.is_undirected]
    if und and any(e.is_bidirected for e in graph.edges):
        raise GraphError(f"{what}: a graph cannot mix undirected edges ({und[0]}) with bidirected ones")


def _problem(graph: MixedGraph, x: frozenset[str], y: frozenset[str], criterion: Criterion, what: str) -> _Problem:
    _check_admg_like(graph, what)
    if criterion not in ("adjustment", "backdoor"):
        raise InvalidParameterError(f"criterion must be 'adjustment' or 'backdoor'; got {criterion!r}")
    if is_pdag(graph):
        violations = amenability_violations(graph, x, y)
        if violations:
            raise NotIdentifiableError(
                f"the CPDAG is not adjustment amenable for ({', '.join(natural_sorted(x))}) -> ({', '.join(natural_sorted(y))}): "
                f"the undirected edge(s) {', '.join(violations)} start possibly causal paths to the outcome, "
                "so the effect differs between members of the equivalence class (orienting them decides it)",
                witness=violations,
            )
        forb = forbidden_set(graph, x, y)
        dag = cpdag_to_dag(CPDAG(graph.nodes, graph.edges))
        base: MixedGraph = dag
    else:
        forb = forbidden_set(graph, x, y)
        base = graph
    if criterion == "backdoor":
        if is_pdag(graph):
            forb = forb | frozenset(reach_nodes(graph, x, "pchild", frozenset())) | x
        else:
            forb = forb | base.descendants(x, include_self=True)
        sep_graph = _backdoor_graph(base, x)
    else:
        sep_graph = proper_backdoor_graph(base, x, causal_nodes(base, x, y))
    allowed = frozenset(graph.nodes) - forb - x - y
    return _Problem(sep_graph, x, y, allowed, forb | y)


def adjustment_estimand(treatment: NodeSet, outcome: NodeSet, adjustment: NodeSet = ()) -> Estimand:
    """The adjustment formula ``Σ_z P(y | x, z) P(z)`` (``P(y | x)`` for an empty set).

    Examples
    --------
    >>> print(adjustment_estimand("X", "Y", ["Z"]))
    Σ_{Z} P(Y | X, Z) P(Z)
    """
    x = frozenset([treatment] if isinstance(treatment, str) else treatment)
    y = frozenset([outcome] if isinstance(outcome, str) else outcome)
    z = frozenset([adjustment] if isinstance(adjustment, str) else adjustment)
    if not z:
        return Probability(y, x)
    return Sum(z, Product([Probability(y, x | z), Probability(z)]))


def is_adjustment_set(
    graph: MixedGraph, treatment: NodeSet, outcome: NodeSet, adjustment: NodeSet, *, criterion: Criterion = "adjustment"
) -> bool:
    """Whether ``adjustment`` is a valid adjustment set for the effect of ``treatment`` on ``outcome``.

    Parameters
    ----------
    graph:
        A DAG, an ADMG (``<->`` = latent confounding) or a CPDAG.
    treatment, outcome:
        Disjoint node sets.
    adjustment:
        The candidate set (may be empty).
    criterion:
        ``"adjustment"``: the complete generalized adjustment criterion;
        ``"backdoor"``: Pearl's backdoor criterion (sufficient, not necessary).

    Returns
    -------
    bool
        On a CPDAG: whether the set is valid in every DAG of the class.

    Raises
    ------
    NotIdentifiableError
        On a CPDAG that is not adjustment amenable (no set works in every member).

    References
    ----------
    Perković et al. (2018), JMLR 18(220); Shpitser, VanderWeele & Robins (2010), UAI.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> g = DAG(edges=["Z --> X", "Z --> Y", "X --> Y", "X --> M", "M --> Y"])
    >>> is_adjustment_set(g, "X", "Y", ["Z"]), is_adjustment_set(g, "X", "Y", [])
    (True, False)
    """
    g, x, y, _ = check_query(graph, treatment, outcome, what="is_adjustment_set")
    z = node_set(g, adjustment, "adjustment", allow_empty=True)
    both = z & (x | y)
    if both:
        raise InvalidParameterError(f"adjustment must not contain treatment or outcome nodes; it contains {natural_sorted(both)}")
    prob = _problem(g, x, y, criterion, "is_adjustment_set")
    return not (z & prob.forbidden) and prob.separates(z)


def is_backdoor_set(graph: MixedGraph, treatment: NodeSet, outcome: NodeSet, adjustment: NodeSet) -> bool:
    """Pearl's backdoor criterion: no node of the set descends from ``treatment`` and it
    blocks every path between treatment and outcome that starts with an arrow into the
    treatment (m-separation in the graph without edges out of the treatment).

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> g = DAG(edges=["Z --> X", "Z --> Y", "X --> Y"])
    >>> is_backdoor_set(g, "X", "Y", ["Z"])
    True
    """
    return is_adjustment_set(graph, treatment, outcome, adjustment, criterion="backdoor")


def adjustment_set(
    graph: MixedGraph, treatment: NodeSet, outcome: NodeSet, *, criterion: Criterion = "adjustment"
) -> frozenset[str] | None:
    """The constructive adjustment set ``Adjust(X, Y) = An(X ∪ Y) \\ (X ∪ Y ∪ forb)``, or None.

    An adjustment set exists iff this one is valid (Perković et al. 2018, Thm 4.4;
    van der Zander et al. 2019), so ``None`` means no set of observed nodes works.
    Linear time.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> g = DAG(edges=["A --> Z", "Z --> X", "Z --> Y", "X --> Y", "B --> Y"])
    >>> sorted(adjustment_set(g, "X", "Y"))
    ['A', 'B', 'Z']
    """
    g, x, y, _ = check_query(graph, treatment, outcome, what="adjustment_set")
    prob = _problem(g, x, y, criterion, "adjustment_set")
    base = prob.graph
    z = (base.ancestors(x | y, include_self=True) & prob.allowed)
    return frozenset(z) if prob.separates(frozenset(z)) else None


def minimal_adjustment_set(
    graph: MixedGraph, treatment: NodeSet, outcome: NodeSet, *, criterion: Criterion = "adjustment"
) -> frozenset[str] | None:
    """An inclusion-minimal adjustment set, or None if none exists.

    Found as a minimal m-separator in the proper back-door graph restricted to the
    allowed nodes (Tian, Paz & Pearl 1998; van der Zander et al. 2019): linear time.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> g = DAG(edges=["A --> Z", "Z --> X", "Z --> Y", "X --> Y", "B --> Y"])
    >>> sorted(minimal_adjustment_set(g, "X", "Y"))
    ['Z']
    """
    g, x, y, _ = check_query(graph, treatment, outcome, what="minimal_adjustment_set")
    prob = _problem(g, x, y, criterion, "minimal_adjustment_set")
    return find_minimal_separator(prob.graph, x, y, restrict=prob.allowed)


def optimal_adjustment_set(graph: MixedGraph, treatment: NodeSet, outcome: NodeSet) -> frozenset[str] | None:
    """The optimal adjustment set ``O(X, Y) = pa(cn(X, Y)) \\ forb(X, Y)`` (Henckel et al. 2022).

    Among all adjustment sets it gives the regression (and, in linear models, every
    adjustment) estimator the smallest asymptotic variance. It is valid iff some
    adjustment set exists; ``None`` otherwise. When no treatment node is an ancestor
    of the outcome (a null effect, ``cn = ∅``) the O-set is not defined; the parents
    of the outcome are returned if they form an adjustment set, else ``Adjust(X, Y)``.

    Parameters
    ----------
    graph:
        A DAG or an (amenable) CPDAG. Graphs with latent confounding (``<->``) have
        no such simple optimal set; a ``GraphError`` is raised for them.

    References
    ----------
    Henckel, Perković & Maathuis (2022), JRSS B 84(2), 579-599.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> g = DAG(edges=["A --> X", "Z --> X", "Z --> Y", "X --> M", "M --> Y", "B --> M", "C --> Y"])
    >>> sorted(optimal_adjustment_set(g, "X", "Y"))
    ['B', 'C', 'Z']
    """
    g, x, y, _ = check_query(graph, treatment, outcome, what="optimal_adjustment_set")
    bi = [str(e) for e in g.edges if e.is_bidirected]
    if bi:
        raise GraphError(
            f"optimal_adjustment_set needs a DAG or CPDAG; edge {bi[0]} marks latent confounding "
            "(use minimal_adjustment_set or adjustment_set)"
        )
    prob = _problem(g, x, y, "adjustment", "optimal_adjustment_set")
    cn = causal_nodes(g, x, y)
    pa = frozenset().union(*(g.parents(c) for c in cn)) if cn else frozenset()
    if not cn:
        # no causal path: the effect is null and O(X, Y) is not defined; the parents
        # of Y (then non-descendants of X) are the natural choice, Adjust otherwise
        pa = frozenset().union(*(g.parents(v) for v in y))
    o = pa - prob.forbidden - x
    if prob.separates(o):
        return o
    if not cn:
        z = prob.graph.ancestors(x | y, include_self=True) & prob.allowed
        return frozenset(z) if prob.separates(frozenset(z)) else None
    return None


def _list_separators(prob: _Problem, include: frozenset[str], restrict: frozenset[str]) -> Iterator[frozenset[str]]:
    """All Z with include ⊆ Z ⊆ restrict separating X and Y (polynomial delay)."""
    anc = prob.graph.ancestors(prob.x | prob.y | include, include_self=True)
    if not prob.separates((anc & restrict) | include):
        return
    if include == restrict:
        yield include
        return
    v = natural_sorted(restrict - include)[0]
    yield from _list_separators(prob, include | {v}, restrict)
    yield from _list_separators(prob, include, restrict - {v})


def adjustment_sets(
    graph: MixedGraph,
    treatment: NodeSet,
    outcome: NodeSet,
    *,
    criterion: Criterion = "adjustment",
    minimal: bool = False,
    limit: int | None = 1000,
) -> list[frozenset[str]]:
    """Enumerate adjustment sets (all, or the inclusion-minimal ones), up to ``limit``.

    Uses the listing algorithm of van der Zander et al. (2019): each set is found
    after polynomial work, so the first ``limit`` sets cost ``O(limit · |V| · |E|)``
    whatever the size of the graph. With ``minimal=True`` the candidates are
    restricted to ancestors of ``X ∪ Y`` and each listed set is checked for
    minimality (every minimal separator lies there).

    Returns
    -------
    list of frozenset
        In the order listed (sets containing the first allowed node first).

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> g = DAG(edges=["A --> Z", "Z --> X", "Z --> Y", "X --> Y"])
    >>> [sorted(s) for s in adjustment_sets(g, "X", "Y")]
    [['A', 'Z'], ['Z']]
    """
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise InvalidParameterError(f"limit must be a positive integer or None; got {limit!r}")
    g, x, y, _ = check_query(graph, treatment, outcome, what="adjustment_sets")
    prob = _problem(g, x, y, criterion, "adjustment_sets")
    restrict = prob.allowed
    if minimal:
        restrict = restrict & prob.graph.ancestors(x | y, include_self=True)
    out: list[frozenset[str]] = []
    for z in _list_separators(prob, frozenset(), restrict):
        if minimal and not is_minimal_separator(prob.graph, x, y, z):
            continue
        out.append(z)
        if limit is not None and len(out) >= limit:
            break
    return out


def backdoor_sets(
    graph: MixedGraph, treatment: NodeSet, outcome: NodeSet, *, minimal: bool = False, limit: int | None = 1000
) -> list[frozenset[str]]:
    """Enumerate sets satisfying Pearl's backdoor criterion (see :func:`adjustment_sets`).

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> g = DAG(edges=["Z1 --> X", "Z2 --> Y", "Z1 --> Z2", "X --> Y"])
    >>> [sorted(s) for s in backdoor_sets(g, "X", "Y", minimal=True)]
    [['Z1'], ['Z2']]
    """
    return adjustment_sets(graph, treatment, outcome, criterion="backdoor", minimal=minimal, limit=limit)

