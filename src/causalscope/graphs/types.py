"""The causal graph types: DAG, CPDAG, MAG, ADMG and PAG.

Each is a :class:`~causalscope.graphs.base.MixedGraph` that allows only certain
edge kinds and checks the structure its meaning requires:

``DAG``
    directed edges only, no directed cycle. A causal Bayesian network's graph.
``CPDAG``
    directed and undirected edges, no directed cycle: a Markov equivalence class
    of DAGs (completed partially directed acyclic graph), or more generally a PDAG
    such as a maximally oriented PDAG under background knowledge.
    :func:`causalscope.graphs.is_cpdag` checks the full CPDAG property.
``MAG``
    directed, bidirected and undirected edges, no directed cycle: a (maximal)
    ancestral graph over observed variables, as used for m-separation.
``ADMG``
    directed and bidirected edges (both may join the same pair: a "bow"), no
    directed cycle: an acyclic directed mixed graph, the latent projection of a DAG
    with hidden variables; the graph of the ID algorithm.
``PAG``
    edges with tails, arrowheads and circles (``-->``, ``<->``, ``o->``, ``o-o``,
    ``---``, ``--o``), no directed cycle: a partial ancestral graph, the Markov
    equivalence class of MAGs that FCI returns.
"""

from __future__ import annotations

from typing import ClassVar

from ..exceptions import GraphError
from .base import Endpoint, MixedGraph

__all__ = ["DAG", "CPDAG", "MAG", "ADMG", "PAG", "GRAPH_TYPES"]

_T, _A, _C = Endpoint.TAIL, Endpoint.ARROW, Endpoint.CIRCLE
_DIRECTED = (_T, _A)
_UNDIRECTED = (_T, _T)
_BIDIRECTED = (_A, _A)


class DAG(MixedGraph):
    """A directed acyclic graph.

    Examples
    --------
    >>> g = DAG(edges=[("A", "B"), ("B", "C")])
    >>> g.topological_order()
    ('A', 'B', 'C')
    >>> DAG(edges=["A --> B", "B --> C", "C --> A"])
    Traceback (most recent call last):
    ...
    causalscope.exceptions.GraphError: DAG must not contain a directed cycle; found A --> B --> C --> A
    """

    _allowed = frozenset({_DIRECTED})
    kind: ClassVar[str] = "dag"

    def _validate(self) -> None:
        self._check_acyclic()

    def v_structures(self) -> frozenset[tuple[str, str, str]]:
        """Unshielded colliders ``a --> c <-- b`` as triples ``(a, c, b)`` with ``a`` before ``b``."""
        out = set()
        for c in self.nodes:
            pa = sorted(self.parents(c), key=self.index)
            for i, a in enumerate(pa):
                for b in pa[i + 1 :]:
                    if not self.is_adjacent(a, b):
                        out.add((a, c, b))
        return frozenset(out)


class CPDAG(MixedGraph):
    """A partially directed acyclic graph representing a Markov equivalence class.

    Directed edges are those common to every DAG in the class; undirected edges are
    those whose orientation differs between members.
    """

    _allowed = frozenset({_DIRECTED, _UNDIRECTED})
    kind: ClassVar[str] = "cpdag"

    def _validate(self) -> None:
        self._check_acyclic()


class MAG(MixedGraph):
    """A (maximal) ancestral graph: directed, bidirected and undirected edges, no directed cycle.

    Construction checks acyclicity and that no arrowhead points into a node with an
    undirected edge (Richardson & Spirtes 2002, Definition 3.1(iii)); the full
    ``is_ancestral`` and ``is_maximal`` checks live in :mod:`causalscope.graphs.ancestral`.
    """

    _allowed = frozenset({_DIRECTED, _BIDIRECTED, _UNDIRECTED})
    kind: ClassVar[str] = "mag"

    def _validate(self) -> None:
        self._check_acyclic()
        for n in self.nodes:
            if self.undirected_neighbors(n):
                into = self.parents(n) | self.spouses(n)
                if into:
                    other = sorted(into, key=self.index)[0]
                    edge = self.edge(other, n)
                    raise GraphError(
                        f"edge {edge} puts an arrowhead into {n!r}, which also has an undirected "
                        f"edge ({n} --- {sorted(self.undirected_neighbors(n), key=self.index)[0]}); "
                        "a MAG does not allow that"
                    )


class ADMG(MixedGraph):
    """An acyclic directed mixed graph: directed and bidirected edges, no directed cycle.

    A directed and a bidirected edge may join the same two nodes (a "bow": ``A --> B``
    and ``A <-> B``), as the latent projection of a DAG can produce.
    """

    _allowed = frozenset({_DIRECTED, _BIDIRECTED})
    _allow_bows = True
    kind: ClassVar[str] = "admg"

    def _validate(self) -> None:
        self._check_acyclic()


class PAG(MixedGraph):
    """A partial ancestral graph: marks tail, arrow and circle; no directed cycle."""

    _allowed = frozenset(
        {_DIRECTED, _UNDIRECTED, _BIDIRECTED, (_C, _A), (_C, _C), (_T, _C)}
    )
    kind: ClassVar[str] = "pag"

    def _validate(self) -> None:
        self._check_acyclic()


#: Graph classes by their JSON ``type`` name.
GRAPH_TYPES: dict[str, type[MixedGraph]] = {
    cls.kind: cls for cls in (MixedGraph, DAG, CPDAG, MAG, ADMG, PAG)
}


def graph_type(name: str) -> type[MixedGraph]:
    """The graph class for a type name (``"dag"``, ``"cpdag"``, ``"mag"``, ``"admg"``, ``"pag"``, ``"mixed"``)."""
    try:
        return GRAPH_TYPES[name.lower()]
    except KeyError:
        raise GraphError(f"unknown graph type {name!r}; expected one of {sorted(GRAPH_TYPES)}") from None
