"""Latent projection of a DAG onto its observed nodes.

References used: hand-checked projections, and on random DAGs a reference built
with networkx reachability straight from the definition (Verma & Pearl 1990;
Tian & Pearl 2002): ``a --> b`` iff ``b`` is reachable from ``a`` in the DAG
induced on the latent nodes plus ``a`` and ``b``; ``a <-> b`` iff some latent
``u`` reaches ``a`` inside the latent nodes plus ``a`` and reaches ``b`` inside
the latent nodes plus ``b``. That the projection preserves m-separation is
checked in ``test_separation.py``.
"""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from causalscope.exceptions import GraphError, InvalidParameterError
from causalscope.graphs import ADMG, DAG, MAG, MixedGraph, parse_graph
from causalscope.graphs.projection import latent_projection


@st.composite
def dag_with_latents(draw: st.DrawFn):
    n = draw(st.integers(2, 9))
    names = [f"V{i}" for i in range(n)]
    order = draw(st.permutations(names))
    edges = [(order[i], order[j]) for i in range(n) for j in range(i + 1, n) if draw(st.booleans())]
    latent = frozenset(v for v in names if draw(st.integers(0, 2)) == 0)
    return DAG(names, edges), latent


def _reference_projection(g: DAG, latent: frozenset[str]) -> tuple[set, set]:
    d = nx.DiGraph()
    d.add_nodes_from(g.nodes)
    d.add_edges_from((e.source, e.target) for e in g.edges)
    observed = [v for v in g.nodes if v not in latent]
    directed, bidirected = set(), set()
    for a in observed:
        for b in observed:
            if a != b and b in nx.descendants(d.subgraph(latent | {a, b}), a):
                directed.add((a, b))
    for u in latent:
        for a in observed:
            for b in observed:
                if (
                    a < b
                    and a in nx.descendants(d.subgraph(latent | {a}), u)
                    and b in nx.descendants(d.subgraph(latent | {b}), u)
                ):
                    bidirected.add((a, b))
    return directed, bidirected


@settings(max_examples=80, deadline=None, derandomize=True)
@given(dag_with_latents())
def test_projection_matches_definition(case) -> None:
    g, latent = case
    p = latent_projection(g, latent)
    assert isinstance(p, ADMG)
    assert p.nodes == tuple(v for v in g.nodes if v not in latent)
    directed = {(e.source, e.target) for e in p.edges if e.is_directed}
    bidirected = {tuple(sorted((e.u, e.v))) for e in p.edges if e.is_bidirected}
    assert (directed, bidirected) == _reference_projection(g, latent)  # reference: networkx
    # ancestral relations among observed nodes are kept
    for v in p.nodes:
        assert p.ancestors(v) == g.ancestors(v) - latent


def test_hand_checked_projections() -> None:
    g = DAG(edges=["U --> X", "U --> Y", "X --> L", "L --> Y"])
    assert latent_projection(g, ["U", "L"]) == ADMG(edges=["X --> Y", "X <-> Y"])  # a bow
    # a latent chain behind a fork: U1 --> U2 --> A, U1 --> B
    g = DAG(edges=["U1 --> U2", "U2 --> A", "U1 --> B", "A --> B"])
    assert latent_projection(g, {"U1", "U2"}) == parse_graph("A --> B; A <-> B", kind="admg")
    # a latent mediator only: no bidirected edge
    g = DAG(edges=["X --> M", "M --> Y", "Z --> M"])
    assert latent_projection(g, "M") == ADMG(["X", "Y", "Z"], ["X --> Y", "Z --> Y"])
    # an observed node on the path stops it
    g = DAG(edges=["U --> A", "A --> B", "U --> C"])
    assert latent_projection(g, "U") == ADMG(edges=["A --> B", "A <-> C"])
    # a latent with one observed child adds nothing; isolated observed nodes are kept
    g = DAG(["U", "A", "B"], ["U --> A"])
    assert latent_projection(g, "U") == ADMG(["A", "B"], [])


def test_no_latents_gives_the_dag_as_admg() -> None:
    g = DAG(edges=["A --> B", "B --> C", "A --> C"])
    p = latent_projection(g, [])
    assert p == ADMG(g.nodes, g.edges)


def test_all_latent() -> None:
    g = DAG(edges=["A --> B"])
    assert latent_projection(g, ["A", "B"]).nodes == ()


def test_errors() -> None:
    g = DAG(edges=["A --> B"])
    with pytest.raises(GraphError, match=r"unknown node 'Q' in latent"):
        latent_projection(g, ["Q"])
    with pytest.raises(GraphError, match=r"edge A <-> B is not directed"):
        latent_projection(ADMG(edges=["A <-> B"]), "A")
    with pytest.raises(GraphError, match=r"edge A --- B is not directed"):
        latent_projection(MAG(edges=["A --- B"]), "A")
    with pytest.raises(GraphError, match="cycle"):
        latent_projection(MixedGraph(edges=["A --> B", "B --> C", "C --> A"]), "A")
    with pytest.raises(InvalidParameterError, match="DiGraph"):
        latent_projection(nx.DiGraph([("A", "B")]), "A")
    with pytest.raises(InvalidParameterError, match="latent must be"):
        latent_projection(g, 3)
