"""The front-door criterion: identification through a fully observed mediator set.

A set ``M`` satisfies Pearl's *front-door criterion* relative to ``(X, Y)`` when

1. ``M`` intercepts every directed path from ``X`` to ``Y``;
2. there is no open backdoor path from ``X`` to ``M`` (``X ⊥ M`` in the graph
   without edges out of ``X``);
3. every backdoor path from ``M`` to ``Y`` is blocked by ``X`` (``M ⊥ Y | X`` in the
   graph without edges out of ``M``).

Then ``P(y | do(x)) = Σ_m P(m | x) Σ_x' P(y | x', m) P(x')`` even when ``X`` and ``Y``
share a latent cause (the smoking -> tar -> cancer example).

Conditions 2 and 3 hold for a union of sets when they hold for each node, so the
nodes satisfying them form one largest candidate set; a front-door set exists iff
that set meets condition 1 (Jeong, Tian & Bareinboim 2022 give this argument and a
polynomial algorithm for the general, covariate-adjusted version). The set returned
is then shrunk to the nodes on directed paths from ``X`` to ``Y``.

References
----------
Pearl, J. (1995). Causal diagrams for empirical research. *Biometrika*, 82(4), 669-688.

Pearl, J. (2009). *Causality* (2nd ed.), §3.3.2. Cambridge University Press.

Jeong, H., Tian, J., & Bareinboim, E. (2022). Finding and listing front-door
adjustment sets. *NeurIPS*.
"""

from __future__ import annotations

from ..graphs import ADMG, MixedGraph, m_separated
from ._common import NodeSet, check_query, node_set, require_admg
from .estimand import Estimand, Probability, Product, Sum

__all__ = ["is_frontdoor_set", "frontdoor_set", "frontdoor_estimand"]


def _without_out_edges(graph: MixedGraph, nodes: frozenset[str]) -> ADMG:
    return ADMG(graph.nodes, [e for e in graph.edges if not (e.is_directed and e.source in nodes)])


def _intercepts(graph: MixedGraph, x: frozenset[str], y: frozenset[str], m: frozenset[str]) -> bool:
    seen = set(x)
    stack = list(x)
    while stack:
        v = stack.pop()
        for c in graph.children(v):
            if c in m or c in seen:
                continue
            if c in y:
                return False
            seen.add(c)
            stack.append(c)
    return True


def is_frontdoor_set(graph: MixedGraph, treatment: NodeSet, outcome: NodeSet, mediators: NodeSet) -> bool:
    """Whether ``mediators`` satisfies Pearl's front-door criterion for ``(treatment, outcome)``.

    Parameters
    ----------
    graph:
        A DAG or an ADMG (``<->`` = latent confounding).

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> g = parse_graph("S --> T; T --> C; S <-> C", kind="admg")
    >>> is_frontdoor_set(g, "S", "C", ["T"])
    True
    """
    g, x, y, _ = check_query(graph, treatment, outcome, what="is_frontdoor_set")
    g = require_admg(g, "is_frontdoor_set")
    m = node_set(g, mediators, "mediators")
    if m & (x | y):
        return False
    if not _intercepts(g, x, y, m):
        return False
    if not m_separated(_without_out_edges(g, x), x, m):
        return False
    return m_separated(_without_out_edges(g, m), m, y, x)


def frontdoor_set(graph: MixedGraph, treatment: NodeSet, outcome: NodeSet) -> frozenset[str] | None:
    """A set satisfying the front-door criterion, or ``None`` if there is none.

    Returns
    -------
    frozenset of str or None
        The nodes of the largest admissible set that lie on directed paths from the
        treatment to the outcome. ``None`` also when no treatment node is an ancestor
        of the outcome (there is nothing to intercept; the effect is null).

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> g = parse_graph("X --> M1; M1 --> M2; M2 --> Y; X <-> Y; W --> M1", kind="admg")
    >>> sorted(frontdoor_set(g, "X", "Y"))
    ['M1', 'M2']
    """
    g, x, y, _ = check_query(graph, treatment, outcome, what="frontdoor_set")
    g = require_admg(g, "frontdoor_set")
    gx = _without_out_edges(g, x)
    cand = [v for v in g.nodes if v not in x and v not in y and m_separated(gx, x, {v})]
    cand = [v for v in cand if m_separated(_without_out_edges(g, frozenset({v})), {v}, y, x)]
    big = frozenset(cand)
    if not big or not _intercepts(g, x, y, big):
        return None
    on_paths = g.descendants(x) & g.ancestors(y)
    m = big & on_paths
    if m and is_frontdoor_set(g, x, y, m):
        return m
    return big if is_frontdoor_set(g, x, y, big) else None


def frontdoor_estimand(treatment: NodeSet, outcome: NodeSet, mediators: NodeSet) -> Estimand:
    """The front-door formula ``Σ_m P(m | x) Σ_x' P(y | x', m) P(x')``.

    Examples
    --------
    >>> print(frontdoor_estimand("S", "C", ["T"]))
    Σ_{T} P(T | S) Σ_{S'} P(C | S', T) P(S')
    """
    x = frozenset([treatment] if isinstance(treatment, str) else treatment)
    y = frozenset([outcome] if isinstance(outcome, str) else outcome)
    m = frozenset([mediators] if isinstance(mediators, str) else mediators)
    inner = Sum(x, Product([Probability(y, x | m), Probability(x)]))
    return Sum(m, Product([Probability(m, x), inner]))
