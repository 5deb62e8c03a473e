"""Ancestral graphs: from a DAG with latent and selection variables to its MAG and PAG.

When some variables of a causal DAG are unobserved (*latent*) or the sample was
selected on some variables (*selection*), the conditional independences among the
observed variables are no longer those of any DAG over them. A **maximal ancestral
graph** (MAG) over the observed variables represents them exactly, and keeps the
ancestral relations of the DAG (Richardson & Spirtes 2002):

* two observed nodes are adjacent iff no set of observed nodes (together with the
  selection nodes) d-separates them in the DAG (an *inducing path* joins them);
* the mark at ``a`` on the edge ``a``-``b`` is a **tail** if ``a`` is an ancestor of
  ``b`` or of a selection node, and an **arrowhead** otherwise. So ``a --> b`` means
  "``a`` causes ``b``", ``a <-> b`` "neither causes the other (a latent confounder)",
  and ``a --- b`` "both are ancestors of the selection".

m-separation in the MAG then equals d-separation in the DAG given the selection
nodes, for every set of observed nodes.

Many MAGs share the same independences (are Markov equivalent). Their common
features are drawn in a **partial ancestral graph** (PAG): the shared skeleton, with
a tail or an arrowhead where every MAG in the class has it and a circle ``o``
where they differ. The PAG is what FCI learns from data; :func:`mag_to_pag` builds
it exactly from a MAG with the rules of Zhang (2008), using the MAG itself to
answer the collider questions that FCI answers with separating sets (see
:mod:`causalscope.graphs.fci_rules`).

Functions: :func:`dag_to_mag`, :func:`mag_to_pag`, :func:`dag_to_pag`,
:func:`is_ancestral`, :func:`is_maximal`.

References
----------
T. Richardson and P. Spirtes (2002). Ancestral graph Markov models. *Annals of
Statistics* 30(4), 962-1030.

J. Zhang (2008). On the completeness of orientation rules for causal discovery in
the presence of latent confounders and selection bias. *Artificial Intelligence*
172(16-17), 1873-1896.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

import numpy as np

from ..exceptions import GraphError, InvalidParameterError
from .base import Edge, Endpoint, MixedGraph
from .fci_rules import (
    FCIRule,
    apply_fci_rules,
    discriminating_oracle_from_marks,
    orient_unshielded_colliders,
)
from .marks import ARROW, CIRCLE
from .separation import d_separated
from .types import DAG, MAG, PAG

__all__ = ["dag_to_mag", "mag_to_pag", "dag_to_pag", "is_ancestral", "is_maximal"]


def _name_set(dag: DAG, names: str | Iterable[str], param: str) -> frozenset[str]:
    if isinstance(names, str):
        names = (names,)
    out = frozenset(names)
    for n in out:
        if not isinstance(n, str) or n not in dag:
            raise GraphError(
                f"{param} names node {n!r}, which is not in the DAG; the DAG has nodes {list(dag.nodes)}"
            )
    return out


def dag_to_mag(
    dag: DAG, latent: str | Iterable[str] = (), selection: str | Iterable[str] = ()
) -> MAG:
    """The maximal ancestral graph of a DAG over its observed nodes.

    Parameters
    ----------
    dag:
        The causal DAG over observed, latent and selection nodes.
    latent:
        Names of the unobserved nodes (marginalised out).
    selection:
        Names of the selection nodes (conditioned on). Disjoint from ``latent``.

    Returns
    -------
    MAG
        Over the remaining (observed) nodes, in the DAG's node order.

    Raises
    ------
    InvalidParameterError
        If ``dag`` is not a :class:`DAG` or a node is both latent and selection.
    GraphError
        If ``latent`` or ``selection`` names a node the DAG lacks.

    Notes
    -----
    With ``O`` the observed, ``S`` the selection nodes and ``An(.)`` ancestors in
    the DAG including the nodes themselves (Richardson & Spirtes 2002, sec. 4.2):

    * ``a`` and ``b`` are adjacent iff there is an inducing path between them
      relative to the latents given ``S``; equivalently they are *not*
      d-separated given ``(An({a, b} ∪ S) ∩ O) \\ {a, b} ∪ S`` (if any set of
      observed nodes separates them, this one does);
    * the mark at ``a`` is a tail iff ``a ∈ An({b} ∪ S)``, else an arrowhead:
      ``a --> b`` when only ``a`` is an ancestor of ``{other} ∪ S``, ``a <-> b``
      when neither is, ``a --- b`` when both are.

    Without selection nodes only ``-->`` and ``<->`` arise. One d-separation test
    per pair of observed nodes.

    References
    ----------
    T. Richardson and P. Spirtes (2002). Ancestral graph Markov models. *Annals of
    Statistics* 30(4), 962-1030.

    Examples
    --------
    A latent common cause ``L`` of ``X`` and ``Y`` becomes ``X <-> Y``:

    >>> g = DAG(edges=["L --> X", "L --> Y", "X --> Z"])
    >>> str(dag_to_mag(g, latent=["L"]))
    'X <-> Y; X --> Z'

    An inducing path ``A --> B <-- L --> C`` with ``B --> C`` makes ``A`` and ``C``
    adjacent though no edge joins them in the DAG:

    >>> g = DAG(edges=["A --> B", "L --> B", "L --> C", "B --> C"])
    >>> str(dag_to_mag(g, latent="L"))
    'A --> B; A --> C; B --> C'
    """
    if not isinstance(dag, DAG):
        raise InvalidParameterError(f"dag must be a DAG; got {type(dag).__name__}")
    lat = _name_set(dag, latent, "latent")
    sel = _name_set(dag, selection, "selection")
    both = lat & sel
    if both:
        raise InvalidParameterError(
            f"latent and selection must be disjoint; both contain {sorted(both)}"
        )
    observed = [n for n in dag.nodes if n not in lat and n not in sel]
    obs_set = frozenset(observed)
    an_sel = dag.ancestors(sel, include_self=True) if sel else frozenset()
    an = {n: dag.ancestors(n, include_self=True) for n in observed}

    edges: list[Edge] = []
    for a, b in combinations(observed, 2):
        cond = ((an[a] | an[b] | an_sel) & obs_set) - {a, b}
        if d_separated(dag, a, b, cond | sel):
            continue
        mark_a = Endpoint.TAIL if (a in an[b] or a in an_sel) else Endpoint.ARROW
        mark_b = Endpoint.TAIL if (b in an[a] or b in an_sel) else Endpoint.ARROW
        edges.append(Edge(a, b, mark_a, mark_b))
    return MAG(observed, edges)


def _check_mark_kinds(graph: MixedGraph, what: str) -> None:
    if not isinstance(graph, MixedGraph):
        raise InvalidParameterError(f"graph must be a causalscope graph; got {type(graph).__name__}")
    for e in graph.edges:
        if Endpoint.CIRCLE in (e.mark_u, e.mark_v):
            raise GraphError(
                f"{what} is defined for graphs with tails and arrowheads only; edge {e} has a circle"
            )


def is_ancestral(graph: MixedGraph) -> bool:
    """Whether ``graph`` is an ancestral graph (Richardson & Spirtes 2002, sec. 3.1).

    Its edges are ``-->``, ``<->`` and ``---`` and

    1. there is no directed cycle;
    2. there is no almost directed cycle: if ``a <-> b`` then neither is an ancestor
       of the other;
    3. the endpoints of an undirected edge have no parents and no spouses (no
       arrowhead points at them).

    Parameters
    ----------
    graph:
        A :class:`MAG`, :class:`~causalscope.graphs.DAG`,
        :class:`~causalscope.graphs.ADMG` (bows make it non-ancestral) or
        :class:`MixedGraph` without circle marks.

    Returns
    -------
    bool

    Raises
    ------
    GraphError
        If the graph has circle marks.

    Examples
    --------
    >>> is_ancestral(MAG(edges=["A --> B", "B <-> C"]))
    True
    >>> is_ancestral(MAG(edges=["A --> B", "B --> C", "A <-> C"]))  # almost directed cycle
    False
    >>> is_ancestral(MixedGraph(edges=["A --- B", "C --> B"]))  # arrowhead at an undirected edge
    False

    (The :class:`MAG` constructor already rejects that last graph.)
    """
    _check_mark_kinds(graph, "is_ancestral")
    if graph.directed_cycle() is not None:
        return False
    for e in graph.edges:
        if e.is_bidirected:
            if e.u in graph.ancestors(e.v) or e.v in graph.ancestors(e.u):
                return False
        elif e.is_undirected:
            for n in (e.u, e.v):
                if graph.parents(n) or graph.spouses(n):
                    return False
    return True


def _anterior(graph: MixedGraph, nodes: Iterable[str]) -> frozenset[str]:
    """Nodes with a path into ``nodes`` of ``-->`` (pointing forward) and ``---`` edges, nodes included."""
    seen = set(nodes)
    stack = list(seen)
    while stack:
        x = stack.pop()
        for y in graph.parents(x) | graph.undirected_neighbors(x):
            if y not in seen:
                seen.add(y)
                stack.append(y)
    return frozenset(seen)


def is_maximal(graph: MixedGraph) -> bool:
    """Whether an ancestral graph is maximal: every two non-adjacent nodes are m-separated by some set.

    Equivalently, there is no inducing path between non-adjacent nodes. For an
    ancestral graph it suffices to test, for each non-adjacent pair ``a``, ``b``,
    the set ``ant({a, b}) \\ {a, b}`` of their anterior nodes (Richardson & Spirtes
    2002, Theorem 4.18 and Corollary 4.19); without undirected edges the anterior
    nodes are the ancestors.

    Parameters
    ----------
    graph:
        An ancestral graph (see :func:`is_ancestral`).

    Returns
    -------
    bool

    Raises
    ------
    GraphError
        If the graph has circle marks or is not ancestral.

    Examples
    --------
    The classic non-maximal ancestral graph: ``A <-> B <-> C <-> D`` with
    ``B --> D`` and ``C --> A`` is an inducing path between ``A`` and ``D``:

    >>> g = MAG(edges=["A <-> B", "B <-> C", "C <-> D", "B --> D", "C --> A"])
    >>> is_ancestral(g), is_maximal(g)
    (True, False)
    >>> is_maximal(g.add_edges(["A <-> D"]))
    True
    """
    if not is_ancestral(graph):
        raise GraphError("is_maximal needs an ancestral graph; this graph is not ancestral")
    for a, b in combinations(graph.nodes, 2):
        if graph.is_adjacent(a, b):
            continue
        cond = _anterior(graph, (a, b)) - {a, b}
        if not d_separated(graph, a, b, cond):
            return False
    return True


def mag_to_pag(mag: MAG, *, check: bool = True, rules: Iterable[FCIRule] | None = None) -> PAG:
    """The partial ancestral graph (Markov equivalence class) of a MAG.

    Parameters
    ----------
    mag:
        A maximal ancestral graph.
    check:
        Verify that ``mag`` is ancestral and maximal first (one m-separation test
        per non-adjacent pair); ``False`` skips the check.
    rules:
        The orientation rules to apply (default all, R1-R10). Leaving some out gives
        a less informative (but still correct) PAG; mainly for testing.

    Returns
    -------
    PAG
        Over the MAG's nodes, in the same order.

    Raises
    ------
    InvalidParameterError
        If ``mag`` is not a :class:`MAG`.
    GraphError
        If ``check`` and the MAG is not ancestral or not maximal.

    Notes
    -----
    This is the FCI algorithm run with a perfect oracle (Zhang 2008):

    1. start from the MAG's skeleton with every edge ``o-o``;
    2. R0: for each unshielded triple ``a *-* b *-* c`` (``a``, ``c`` not adjacent),
       orient ``a *-> b <-* c`` iff ``b`` is a collider in the MAG (in FCI: iff
       ``b`` is not in ``sepset(a, c)``; for an unshielded triple the two agree);
    3. apply R1-R10 until closure (:func:`~causalscope.graphs.fci_rules.apply_fci_rules`);
       R4 asks whether ``b`` is a collider on a discriminating path
       ``<d, ..., l, b, c>``, which the MAG answers (``l *-> b <-* c`` in it).

    R0-R10 are sound and complete (Zhang 2008, Theorem 4): every tail and
    arrowhead of the result is shared by all MAGs Markov equivalent to ``mag``,
    and every circle is a tail in some and an arrowhead in another.

    References
    ----------
    J. Zhang (2008). On the completeness of orientation rules for causal discovery
    in the presence of latent confounders and selection bias. *Artificial
    Intelligence* 172(16-17), 1873-1896.

    Examples
    --------
    >>> str(mag_to_pag(MAG(edges=["A --> C", "B --> C", "C --> D"])))
    'A o-> C; B o-> C; C --> D'
    >>> str(mag_to_pag(MAG(edges=["A --> B", "B --> C"])))
    'A o-o B; B o-o C'
    """
    if not isinstance(mag, MAG):
        raise InvalidParameterError(f"mag must be a MAG; got {type(mag).__name__}")
    if check:
        if not is_ancestral(mag):
            raise GraphError("mag_to_pag needs an ancestral graph; the MAG given is not ancestral")
        if not is_maximal(mag):
            raise GraphError(
                "mag_to_pag needs a maximal ancestral graph; the MAG given has an inducing "
                "path between non-adjacent nodes"
            )
    true = mag.mark_matrix()
    start = np.where(true != 0, CIRCLE, 0).astype(np.int8)

    def is_collider(a: int, b: int, c: int) -> bool:
        return bool(true[a, b] == ARROW and true[c, b] == ARROW)

    marks = orient_unshielded_colliders(start, is_collider)
    marks = apply_fci_rules(
        marks, discriminating_oracle=discriminating_oracle_from_marks(true), rules=rules
    )
    return PAG.from_mark_matrix(mag.nodes, marks)


def dag_to_pag(
    dag: DAG, latent: str | Iterable[str] = (), selection: str | Iterable[str] = ()
) -> PAG:
    """The PAG of a DAG with latent and selection nodes: ``mag_to_pag(dag_to_mag(dag, latent, selection))``.

    This is what FCI with a d-separation oracle returns for the observed nodes.
    See :func:`dag_to_mag` and :func:`mag_to_pag`.

    Examples
    --------
    >>> g = DAG(edges=["A --> X", "L --> X", "L --> Y", "B --> Y"])
    >>> str(dag_to_pag(g, latent=["L"]))
    'A o-> X; X <-> Y; B o-> Y'
    """
    return mag_to_pag(dag_to_mag(dag, latent, selection), check=False)
