"""Latent projection: the ADMG a DAG with hidden variables induces on its observed nodes.

When some variables of a causal DAG are not measured, the *latent projection*
(Verma & Pearl 1990; Tian & Pearl 2002) summarises what the hidden part implies
for the observed nodes ``O``:

* ``a --> b`` when the DAG has a directed path ``a --> ... --> b`` whose inner
  nodes are all latent (in particular an edge ``a --> b``);
* ``a <-> b`` when the DAG has a path ``a <-- ... <-- U --> ... --> b`` whose
  inner nodes are all latent: a latent common cause ``U`` reaching ``a`` and
  ``b`` along latent-only directed paths.

Both edges may join the same pair (a "bow"). The projection keeps the
ancestral relations among observed nodes and their m-separations: for disjoint
observed sets, ``X`` and ``Y`` are d-separated by ``Z`` in the DAG iff they are
m-separated by ``Z`` in the projection. Identification (the ID algorithm)
works on it.

References
----------
Verma, T., & Pearl, J. (1990). Equivalence and synthesis of causal models. *UAI*, 220-227.

Tian, J., & Pearl, J. (2002). On the testable implications of causal models with
hidden variables. *UAI*, 519-527.

Richardson, T. (2003). Markov properties for acyclic directed mixed graphs.
*Scandinavian Journal of Statistics*, 30(1), 145-157.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..exceptions import GraphError, InvalidParameterError
from .base import Edge, MixedGraph
from .separation import node_names
from .types import ADMG

__all__ = ["latent_projection"]


def latent_projection(dag: MixedGraph, latent: str | Iterable[str]) -> ADMG:
    """The latent projection of ``dag`` onto its nodes not in ``latent``.

    Parameters
    ----------
    dag:
        A :class:`~causalscope.graphs.DAG` (or any acyclic graph with directed
        edges only).
    latent:
        The hidden nodes: a node name or an iterable of names. May be empty.

    Returns
    -------
    ADMG
        Over the observed nodes, in the order of ``dag.nodes``: ``a --> b`` for
        each directed path from ``a`` to ``b`` with only latent inner nodes, and
        ``a <-> b`` for each pair with a latent common cause reaching both along
        latent-only directed paths.

    Raises
    ------
    GraphError
        If a latent node is not in the graph, or ``dag`` has an edge that is not
        directed, or a directed cycle.
    InvalidParameterError
        If ``dag`` is not a causalscope graph or ``latent`` is not names.

    Notes
    -----
    For every latent ``U`` the set ``R(U)`` of observed nodes reachable from ``U``
    along directed paths through latent nodes only is computed once, in reverse
    topological order (``R(U)`` is the union over children ``c`` of ``{c}`` for an
    observed child and ``R(c)`` for a latent one). Then ``a --> b`` for ``b`` an
    observed child of ``a`` or in ``R(c)`` of a latent child ``c``, and every two
    nodes of one ``R(U)`` are joined by ``<->``. Two latent-only directed paths
    from ``U`` that meet again share a later latent fork, so the pairs found are
    exactly those joined by a latent-fork path.

    References
    ----------
    Verma & Pearl (1990), UAI. Tian & Pearl (2002), UAI.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> g = DAG(edges=["U --> X", "U --> Y", "X --> L", "L --> Y"])
    >>> print(latent_projection(g, ["U", "L"]))
    X --> Y; X <-> Y
    """
    if not isinstance(dag, MixedGraph):
        raise InvalidParameterError(
            f"dag must be a causalscope DAG; got {type(dag).__name__}"
        )
    for e in dag.edges:
        if not e.is_directed:
            raise GraphError(
                f"latent_projection needs a DAG (directed edges only); edge {e} is not directed"
            )
    hidden = frozenset(node_names(dag, latent, "latent"))
    order = dag.topological_order()  # raises GraphError on a directed cycle
    observed = [n for n in dag.nodes if n not in hidden]
    pos = {n: i for i, n in enumerate(dag.nodes)}

    reach: dict[str, frozenset[str]] = {}
    for u in reversed(order):
        if u not in hidden:
            continue
        found: set[str] = set()
        for c in dag.children(u):
            if c in hidden:
                found |= reach[c]
            else:
                found.add(c)
        reach[u] = frozenset(found)

    directed: set[tuple[str, str]] = set()
    for a in observed:
        for c in dag.children(a):
            if c in hidden:
                directed.update((a, b) for b in reach[c])
            else:
                directed.add((a, c))
    bidirected: set[tuple[str, str]] = set()
    for u in hidden:
        targets = sorted(reach[u], key=pos.__getitem__)
        for i, a in enumerate(targets):
            for b in targets[i + 1 :]:
                bidirected.add((a, b))
    edges = [Edge.directed(a, b) for a, b in sorted(directed, key=lambda p: (pos[p[0]], pos[p[1]]))]
    edges += [
        Edge.bidirected(a, b) for a, b in sorted(bidirected, key=lambda p: (pos[p[0]], pos[p[1]]))
    ]
    return ADMG(observed, edges)
