"""Causal graph families for question generation.

CLadder (Jin et al. 2023) builds its questions on a handful of small causal graphs
over a treatment ``X``, an outcome ``Y`` and up to three further variables
``V1``-``V3``. Each family here is such a graph, with the roles of its nodes and the
variables that are unobserved (their confounding shows up as ``<->`` in the observed
graph). ``random`` draws a fresh DAG over ``V1 ... Vn`` and picks a treatment and an
outcome joined by a directed path.

References
----------
Jin, Z., Chen, Y., Leeb, F., et al. (2023). CLadder: Assessing causal reasoning in
language models. NeurIPS 2023.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..exceptions import InvalidParameterError
from ..graphs import DAG, parse_graph
from ..utils import check_random_state

__all__ = ["GraphFamily", "FAMILIES", "FAMILY_NAMES", "get_family", "random_family"]


@dataclass(frozen=True)
class GraphFamily:
    """A small causal graph with a treatment, an outcome and optional latent nodes.

    Parameters
    ----------
    name : str
        The family name (``"chain"``, ``"confounding"``, ...).
    nodes : tuple of str
        The nodes, in a topological order.
    edges : tuple of (str, str)
        Directed edges ``(parent, child)``.
    treatment, outcome : str
        The nodes questions ask about.
    latent : tuple of str
        Unobserved nodes: questions never give numbers about them.

    Examples
    --------
    >>> get_family("mediation").edges
    (('X', 'V2'), ('V2', 'Y'), ('X', 'Y'))
    """

    name: str
    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]
    treatment: str = "X"
    outcome: str = "Y"
    latent: tuple[str, ...] = ()

    @property
    def dag(self) -> DAG:
        """The full causal DAG (latent nodes included)."""
        return DAG(list(self.nodes), list(self.edges))

    @property
    def observed(self) -> tuple[str, ...]:
        """The observed nodes, in topological order."""
        return tuple(v for v in self.nodes if v not in self.latent)

    def observed_graph(self) -> Any:
        """The graph over the observed nodes: a DAG, or an ADMG with ``<->`` where a
        latent node has two observed children (all latent nodes here are roots)."""
        obs = [f"{a} --> {b}" for a, b in self.edges if a not in self.latent and b not in self.latent]
        for u in self.latent:
            ch = [b for a, b in self.edges if a == u]
            obs += [f"{ch[i]} <-> {ch[j]}" for i in range(len(ch)) for j in range(i + 1, len(ch))]
        if not self.latent:
            return self.dag
        return parse_graph("; ".join(obs), kind="admg")

    def to_dict(self) -> dict[str, Any]:
        """Graph JSON (CLI contract) plus the roles and the latent nodes."""
        return {
            "nodes": list(self.nodes),
            "edges": [f"{a} --> {b}" for a, b in self.edges],
            "family": self.name,
            "treatment": self.treatment,
            "outcome": self.outcome,
            "latent": list(self.latent),
        }


def _fam(name: str, nodes: str, edges: str, latent: tuple[str, ...] = ()) -> GraphFamily:
    es = tuple(tuple(e.split("->")) for e in edges.split())
    return GraphFamily(name, tuple(nodes.split()), es, latent=latent)  # type: ignore[arg-type]


FAMILIES: dict[str, GraphFamily] = {
    f.name: f
    for f in [
        _fam("chain", "X V2 Y", "X->V2 V2->Y"),
        _fam("fork", "X V2 Y", "X->Y V2->Y"),
        _fam("collider", "X Y V3", "X->V3 Y->V3"),
        _fam("confounding", "V1 X Y", "V1->X V1->Y X->Y"),
        _fam("mediation", "X V2 Y", "X->V2 V2->Y X->Y"),
        _fam("frontdoor", "V1 X V3 Y", "V1->X V1->Y X->V3 V3->Y", latent=("V1",)),
        _fam("iv", "V1 V2 X Y", "V2->X V1->X V1->Y X->Y", latent=("V1",)),
        _fam("diamond", "X V2 V3 Y", "X->V2 X->V3 V2->Y V3->Y"),
        _fam("diamondcut", "V1 V3 X Y", "V1->V3 V1->X X->Y V3->Y"),
        _fam("arrowhead", "X V2 V3 Y", "X->V3 V2->V3 V2->Y X->Y V3->Y"),
    ]
}

FAMILY_NAMES: tuple[str, ...] = (*FAMILIES, "random")


def random_family(n_nodes: int = 5, *, edge_prob: float = 0.5, random_state: Any = None) -> GraphFamily:
    """A random DAG with a treatment ``X`` that is an ancestor of the outcome ``Y``.

    Nodes are drawn in a fixed topological order and each forward pair is an
    edge with probability ``edge_prob``; two nodes are then picked as treatment and
    outcome (an ``X -> Y`` edge is added when no directed path joins them) and
    renamed ``X`` and ``Y``; the others are ``V1 ... V(n-2)`` in topological order.

    Examples
    --------
    >>> fam = random_family(5, random_state=0)
    >>> fam.treatment in fam.dag.ancestors([fam.outcome])
    True
    """
    if not isinstance(n_nodes, int) or n_nodes < 2 or n_nodes > 8:
        raise InvalidParameterError(f"n_nodes must be an int in [2, 8]; got {n_nodes!r}")
    rng = check_random_state(random_state)
    nodes = [f"V{i + 1}" for i in range(n_nodes)]
    edges = [(nodes[i], nodes[j]) for i in range(n_nodes) for j in range(i + 1, n_nodes) if rng.random() < edge_prob]
    i, j = sorted(rng.choice(n_nodes, size=2, replace=False).tolist())
    x, y = nodes[i], nodes[j]
    if x not in DAG(nodes, edges).ancestors([y]):
        edges.append((x, y))
    rename = {x: "X", y: "Y"}
    others = iter(f"V{k + 1}" for k in range(n_nodes - 2))
    rename.update({v: next(others) for v in nodes if v not in rename})
    return GraphFamily(
        "random",
        tuple(rename[v] for v in nodes),
        tuple((rename[a], rename[b]) for a, b in edges),
    )


def get_family(name: str) -> GraphFamily:
    """The fixed family called ``name`` (see :data:`FAMILIES`)."""
    if name not in FAMILIES:
        raise InvalidParameterError(f"family must be one of {sorted(FAMILIES)}; got {name!r}")
    return FAMILIES[name]

