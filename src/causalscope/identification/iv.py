"""Instrumental variables, unconditional and conditional, found from the graph.

When the treatment ``X`` and the outcome ``Y`` share a latent cause and no adjustment
set exists, an *instrument* ``Z`` still identifies the effect in linear (or other
restricted) models: ``Z`` must move ``X`` and reach ``Y`` only through ``X``. Given
a conditioning set ``W`` (van der Zander, Liśkiewicz & Textor 2015, Def. 4, for the
total effect), ``Z`` is a *conditional instrument* when

1. ``W`` contains no treatment, outcome or forbidden node (no descendant of a node
   on a causal path from ``X`` to ``Y``), and ``Z`` is not in ``W`` nor forbidden;
2. ``Z`` and ``X`` are m-connected given ``W`` (relevance);
3. ``Z`` and ``Y`` are m-separated given ``W`` in the proper back-door graph, the
   graph without the first edge of every causal path from ``X`` to ``Y``
   (exclusion and unconfoundedness).

The linear effect is then ``cov(Y, Z | W) / cov(X, Z | W)`` (the Wald ratio). For
each candidate ``Z`` the search tries ``W = ∅`` and the two nearest minimal
separators of ``Z`` and ``Y`` in the proper back-door graph among the ancestors of
``{Y, Z}`` (the *ancestral instruments* of van der Zander et al. 2015, who show a
nearest separator suffices); every answer is checked against the definition. The
search is complete for ancestral conditioning sets (``W ⊆ An(X ∪ Y ∪ Z)``; checked
against brute force over all such sets in the tests); a ``Z`` that is an instrument
only given a non-ancestral set (a collider below ``X``) is not reported.

References
----------
Brito, C., & Pearl, J. (2002). Generalized instrumental variables. *UAI*, 85-93.

van der Zander, B., Liśkiewicz, M., & Textor, J. (2015). Efficiently finding
conditional instruments for causal inference. *IJCAI*, 3243-3249.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..exceptions import InvalidParameterError
from ..graphs import MixedGraph, find_minimal_separator, m_separated
from ._common import NodeSet, check_query, natural_sorted, node_set, proper_backdoor_graph, require_admg
from .adjustment import causal_nodes, forbidden_set

__all__ = ["Instrument", "is_instrument", "find_instruments"]


@dataclass(frozen=True)
class Instrument:
    """An instrument ``instrument`` for ``treatment -> outcome``, valid given ``conditioning``."""

    instrument: str
    conditioning: frozenset[str]
    treatment: str
    outcome: str

    def __str__(self) -> str:
        if not self.conditioning:
            return f"{self.instrument} (unconditional)"
        return f"{self.instrument} given {{{', '.join(natural_sorted(self.conditioning))}}}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "instrument": self.instrument,
            "conditioning": natural_sorted(self.conditioning),
            "treatment": self.treatment,
            "outcome": self.outcome,
        }


def _single(nodes: frozenset[str], name: str) -> str:
    if len(nodes) != 1:
        raise InvalidParameterError(f"{name} must be a single node for instrumental variables; got {natural_sorted(nodes)}")
    return next(iter(nodes))


def _prepare(graph: MixedGraph, treatment: NodeSet, outcome: NodeSet, what: str) -> tuple[MixedGraph, str, str, MixedGraph, frozenset[str]]:
    g, xs, ys, _ = check_query(graph, treatment, outcome, what=what)
    g = require_admg(g, what)
    x, y = _single(xs, "treatment"), _single(ys, "outcome")
    gc = proper_backdoor_graph(g, xs, causal_nodes(g, xs, ys))
    return g, x, y, gc, forbidden_set(g, xs, ys)


def _check(g: MixedGraph, gc: MixedGraph, forb: frozenset[str], x: str, y: str, z: str, w: frozenset[str]) -> bool:
    if z in forb or z in (x, y) or z in w or w & forb or x in w or y in w:
        return False
    if m_separated(g, {z}, {x}, w):
        return False
    return m_separated(gc, {z}, {y}, w)


def is_instrument(
    graph: MixedGraph, treatment: NodeSet, outcome: NodeSet, instrument: str, conditioning: NodeSet = ()
) -> bool:
    """Whether ``instrument`` is a (conditional) instrument for the effect of ``treatment`` on ``outcome``.

    Parameters
    ----------
    graph:
        A DAG or an ADMG (``<->`` = latent confounding).
    treatment, outcome:
        Single nodes.
    instrument:
        The candidate node.
    conditioning:
        The conditioning set ``W`` (default empty: an unconditional instrument).

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> g = parse_graph("Z --> X; X --> Y; X <-> Y", kind="admg")
    >>> is_instrument(g, "X", "Y", "Z")
    True
    """
    g, x, y, gc, forb = _prepare(graph, treatment, outcome, "is_instrument")
    z = _single(node_set(g, instrument, "instrument"), "instrument")
    w = node_set(g, conditioning, "conditioning", allow_empty=True)
    return _check(g, gc, forb, x, y, z, w)


def find_instruments(
    graph: MixedGraph, treatment: NodeSet, outcome: NodeSet, *, conditional: bool = True
) -> list[Instrument]:
    """Every node that is an instrument for ``treatment -> outcome``, each with a conditioning set.

    Parameters
    ----------
    conditional:
        Also look for conditional instruments (with a non-empty conditioning set);
        ``False`` returns unconditional ones only.

    Returns
    -------
    list of Instrument
        In node order; the conditioning set is empty when possible.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> g = parse_graph("W --> Z; W --> Y; Z --> X; X --> Y; X <-> Y", kind="admg")
    >>> [str(i) for i in find_instruments(g, "X", "Y")]
    ['Z given {W}']
    """
    g, x, y, gc, forb = _prepare(graph, treatment, outcome, "find_instruments")
    allowed = frozenset(g.nodes) - forb - {x, y}
    out = []
    for z in g.nodes:
        if z in forb or z in (x, y):
            continue
        candidates: list[frozenset[str]] = [frozenset()]
        if conditional:
            anc = gc.ancestors({y, z}, include_self=True)
            restrict = (allowed & anc) - {z}
            for a, b in (({y}, {z}), ({z}, {y})):
                w = find_minimal_separator(gc, a, b, restrict=restrict)
                if w is not None:
                    candidates.append(frozenset(w))
        for w in candidates:
            if _check(g, gc, forb, x, y, z, w):
                out.append(Instrument(z, w, x, y))
                break
    return out
