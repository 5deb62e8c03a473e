"""Graph values: construction, validation errors naming the edge, operations, value semantics.

Expected answers are hand-checked on small graphs; the ancestor/descendant
relations are also checked against networkx on random DAGs (reference: networkx).
"""

from __future__ import annotations

import pickle

import networkx as nx
import numpy as np
import pytest

from causalscope.exceptions import GraphError
from causalscope.graphs import ADMG, CPDAG, DAG, MAG, PAG, Edge, Endpoint, MixedGraph, parse_graph


def test_edge_equality_ignores_writing_order() -> None:
    assert Edge.directed("A", "B") == Edge("B", "A", Endpoint.ARROW, Endpoint.TAIL)
    assert hash(Edge.directed("A", "B")) == hash(Edge("B", "A", Endpoint.ARROW, Endpoint.TAIL))
    assert Edge.directed("A", "B") != Edge.directed("B", "A")
    assert str(Edge("B", "A", Endpoint.ARROW, Endpoint.CIRCLE)) == "A o-> B"
    assert Edge.directed("A", "B").source == "A" and Edge.directed("A", "B").target == "B"
    with pytest.raises(GraphError, match="not directed"):
        _ = Edge.undirected("A", "B").source


def test_constructor_accepts_every_edge_form() -> None:
    g = CPDAG(["A", "B", "C", "D"], [Edge.directed("A", "B"), "B --- C", ("C", "D"), ("A", "---", "D")])
    assert g.parents("B") == {"A"}
    assert g.undirected_neighbors("C") == {"B"}
    assert g.children("C") == {"D"}
    assert g.undirected_neighbors("A") == {"D"}
    assert g.nodes == ("A", "B", "C", "D")


def test_nodes_default_to_edge_order() -> None:
    assert DAG(edges=[("B", "A"), ("C", "A")]).nodes == ("B", "A", "C")


@pytest.mark.parametrize(
    ("cls", "nodes", "edges", "message"),
    [
        (DAG, ["A", "B", "C"], ["A --> B", "B --> C", "C --> A"], r"cycle; found A --> B --> C --> A"),
        (DAG, ["A", "B"], ["A --> Z"], r"edge A --> Z names unknown node 'Z'"),
        (DAG, ["A"], [("A", "A")], r"edge A --> A is a self-loop"),
        (DAG, ["A", "B"], ["A --- B"], r"edge A --- B has kind '---', which a DAG does not allow"),
        (CPDAG, ["A", "B"], ["A o-> B"], r"edge A o-> B has kind 'o->', which a CPDAG does not allow"),
        (ADMG, ["A", "B"], ["A --- B"], r"which a ADMG does not allow"),
        (MAG, ["A", "B"], ["A o-o B"], r"which a MAG does not allow"),
        (DAG, ["A", "B"], ["A --> B", "A --> B"], r"edge A --> B is given twice"),
        (CPDAG, ["A", "B"], ["A --> B", "A --- B"], r"edge A --- B joins the same nodes as edge A --> B"),
        (ADMG, ["A", "B", "C"], ["A --> B", "B --> C", "C --> A"], r"cycle"),
        (PAG, ["A", "B"], ["A --> B", "B --> A"], r"joins the same nodes"),
        (DAG, ["A", "A"], [], r"duplicate node 'A'"),
        (DAG, ["A", ""], [], r"non-empty"),
        (DAG, ["A", 3], [], r"node names must be strings; got 3"),
    ],
)
def test_invalid_graphs_raise_graph_error_naming_the_problem(cls, nodes, edges, message) -> None:
    with pytest.raises(GraphError, match=message):
        cls(nodes, edges)


def test_cpdag_rejects_directed_cycle_through_directed_edges_only() -> None:
    with pytest.raises(GraphError, match="cycle"):
        CPDAG(edges=["A --> B", "B --> C", "C --> A"])
    # undirected edges do not form directed cycles
    CPDAG(edges=["A --- B", "B --- C", "C --- A"])


def test_admg_allows_bows_but_other_types_do_not() -> None:
    g = ADMG(edges=["A --> B", "A <-> B"])
    assert len(g.edges_between("A", "B")) == 2
    with pytest.raises(GraphError, match="joined by 2 edges"):
        g.edge("A", "B")
    with pytest.raises(GraphError, match="joined by two edges; no mark matrix"):
        g.mark_matrix()
    with pytest.raises(GraphError, match="joins the same nodes"):
        MAG(edges=["A --> B", "A <-> B"])


def test_relations_on_a_hand_checked_dag() -> None:
    # A -> B -> D, A -> C -> D, D -> E
    g = DAG(edges=[("A", "B"), ("A", "C"), ("B", "D"), ("C", "D"), ("D", "E")])
    assert g.parents("D") == {"B", "C"}
    assert g.children("A") == {"B", "C"}
    assert g.ancestors("D") == {"A", "B", "C"}
    assert g.ancestors("D", include_self=True) == {"A", "B", "C", "D"}
    assert g.ancestors(["B", "C"]) == {"A"}
    assert g.descendants("B") == {"D", "E"}
    assert g.adjacent("D") == {"B", "C", "E"}
    assert g.topological_order() == ("A", "B", "C", "D", "E")
    assert g.v_structures() == {("B", "D", "C")}
    assert g.skeleton() == {frozenset(p) for p in ["AB", "AC", "BD", "CD", "DE"]}
    with pytest.raises(GraphError, match="unknown node 'Z'"):
        g.parents("Z")


def test_districts_of_an_admg() -> None:
    g = ADMG(["A", "B", "C", "D", "E"], ["A <-> B", "B <-> C", "C --> D", "D <-> E"])
    assert g.districts() == (frozenset("ABC"), frozenset("DE"))
    assert g.district("E") == {"D", "E"}
    assert g.spouses("B") == {"A", "C"}


def test_marks_and_matrices_round_trip() -> None:
    g = PAG(edges=["A --> B", "B <-> C", "C o-> D", "D o-o E", "E --- F", "F --o G"])
    m = g.mark_matrix()
    i = {n: k for k, n in enumerate(g.nodes)}
    assert m[i["A"], i["B"]] == Endpoint.ARROW.code and m[i["B"], i["A"]] == Endpoint.TAIL.code
    assert m[i["C"], i["D"]] == Endpoint.ARROW.code and m[i["D"], i["C"]] == Endpoint.CIRCLE.code
    assert PAG.from_mark_matrix(g.nodes, m) == g
    assert g.mark("C", "D") is Endpoint.ARROW and g.mark("D", "C") is Endpoint.CIRCLE
    assert g.mark("A", "E") is None
    d = DAG(edges=[("A", "B"), ("B", "C")])
    assert d.directed_matrix().tolist() == [[False, True, False], [False, False, True], [False, False, False]]
    with pytest.raises(GraphError, match="shape"):
        DAG.from_mark_matrix(["A", "B"], np.zeros((3, 3)))
    with pytest.raises(GraphError, match="symmetric"):
        DAG.from_mark_matrix(["A", "B"], np.array([[0, 2], [0, 0]]))


def test_value_semantics_immutability_and_pickle() -> None:
    g1 = DAG(["A", "B", "C"], ["A --> B"])
    g2 = DAG(["C", "B", "A"], ["B <-- A"])
    assert g1 == g2 and hash(g1) == hash(g2)
    assert g1 != CPDAG(["A", "B", "C"], ["A --> B"])  # same edges, different type
    assert pickle.loads(pickle.dumps(g1)) == g1
    g3 = g1.add_edges(["B --> C"])
    assert g1.n_edges == 1 and g3.n_edges == 2
    assert g3.remove_edges(["B --> C"]) == g1
    with pytest.raises(GraphError, match="not in the graph"):
        g1.remove_edges(["A --> C"])
    with pytest.raises(GraphError, match="cycle"):
        g3.add_edges(["C --> A"])
    assert g3.subgraph(["A", "C"]).n_edges == 0
    assert g1.rename({"A": "X"}).parents("B") == {"X"}


def test_repr_and_to_dict() -> None:
    g = parse_graph("A --> B; C")
    assert repr(g) == "DAG('A --> B; C')"
    assert g.to_dict() == {"type": "dag", "nodes": ["A", "B", "C"], "edges": ["A --> B"]}


def test_mixed_graph_allows_any_kinds() -> None:
    g = MixedGraph(edges=["A --> B", "B o-o C", "C <-> D", "D --- E"])
    assert g.kind == "mixed" and g.n_edges == 4


@pytest.mark.parametrize("seed", range(5))
def test_ancestors_match_networkx_on_random_dags(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = 12
    names = [f"V{i}" for i in range(p)]
    edges = [(names[i], names[j]) for i in range(p) for j in range(i + 1, p) if rng.random() < 0.25]
    perm = rng.permutation(p)
    g = DAG([names[k] for k in perm], edges)
    ref = nx.DiGraph(edges)
    ref.add_nodes_from(names)
    for n in names:
        assert g.ancestors(n) == nx.ancestors(ref, n)
        assert g.descendants(n) == nx.descendants(ref, n)
    order = g.topological_order()
    pos = {n: k for k, n in enumerate(order)}
    assert all(pos[u] < pos[v] for u, v in edges)


def test_mag_rejects_arrowhead_into_an_undirected_edge_endpoint() -> None:
    with pytest.raises(GraphError, match=r"edge C --> B puts an arrowhead into 'B'"):
        MAG(edges=["A --- B", "C --> B"])
    with pytest.raises(GraphError, match="arrowhead into 'B'"):
        MAG(edges=["A --- B", "C <-> B"])
    MAG(edges=["A --- B", "B --> C", "C <-> D"])  # tails at B: fine
