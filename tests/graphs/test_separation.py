"""d/m-separation and minimal separators.

References used:

* networkx (``nx.is_d_separator``, ``nx.find_minimal_d_separator``,
  ``nx.is_minimal_d_separator``) for d-separation and minimal separators on DAGs;
* the latent projection as an oracle for m-separation in ADMGs: for observed
  disjoint sets, d-separation in the DAG equals m-separation in its projection
  (Verma & Pearl 1990; Richardson 2003), with the DAG side answered by networkx;
* a direct enumeration of simple paths, written here from the definition of
  m-separation (Richardson & Spirtes 2002), for mixed graphs with undirected edges;
* hand-checked small graphs.
"""

from __future__ import annotations

import itertools
import pickle

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from causalscope.exceptions import GraphError, InvalidParameterError
from causalscope.graphs import ADMG, CPDAG, DAG, MAG, PAG, Endpoint, MixedGraph
from causalscope.graphs.projection import latent_projection
from causalscope.graphs.separation import (
    d_separated,
    find_minimal_separator,
    is_d_separator,
    is_minimal_separator,
    m_separated,
    node_names,
)

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


# ---------------------------------------------------------------------------- strategies


@st.composite
def random_dags(draw: st.DrawFn, min_nodes: int = 2, max_nodes: int = 9) -> DAG:
    n = draw(st.integers(min_nodes, max_nodes))
    order = draw(st.permutations([f"V{i}" for i in range(n)]))
    edges = []
    for i in range(n):
        for j in range(i + 1, n):
            if draw(st.booleans()):
                edges.append((order[i], order[j]))
    return DAG([f"V{i}" for i in range(n)], edges)


@st.composite
def dag_and_sets(draw: st.DrawFn, latent: bool = False):
    """A random DAG, optional latent nodes, and disjoint observed sets x, y (non-empty), z."""
    g = draw(random_dags(min_nodes=3 if not latent else 4))
    roles = draw(
        st.lists(
            st.sampled_from(["x", "y", "z", "-", "L"] if latent else ["x", "y", "z", "-"]),
            min_size=g.n_nodes,
            max_size=g.n_nodes,
        )
    )
    nodes = list(g.nodes)
    # force non-empty x and y on the first two positions of a drawn permutation
    perm = draw(st.permutations(nodes))
    role = dict(zip(nodes, roles, strict=True))
    role[perm[0]], role[perm[1]] = "x", "y"
    pick = lambda r: frozenset(v for v in nodes if role[v] == r)  # noqa: E731
    return g, pick("x"), pick("y"), pick("z"), pick("L")


def _nx(g: MixedGraph) -> nx.DiGraph:
    d = nx.DiGraph()
    d.add_nodes_from(g.nodes)
    d.add_edges_from((e.source, e.target) for e in g.edges)
    return d


# ---------------------------------------------------------------------------- d-separation on DAGs


@SETTINGS
@given(dag_and_sets())
def test_d_separated_agrees_with_networkx(case) -> None:
    g, x, y, z, _ = case
    expected = nx.is_d_separator(_nx(g), set(x), set(y), set(z))  # reference: networkx
    assert d_separated(g, x, y, z) is expected
    assert is_d_separator(g, x, y, z) is expected
    assert m_separated(g, x, y, z) is expected
    # symmetry in x and y
    assert d_separated(g, y, x, z) is expected


@SETTINGS
@given(random_dags())
def test_local_markov_property(g: DAG) -> None:
    for v in g.nodes:
        parents = g.parents(v)
        others = set(g.nodes) - g.descendants(v, include_self=True) - parents
        if others:
            assert d_separated(g, v, others, parents)
        # and a parent is never separated from its child
        for p in parents:
            assert not d_separated(g, p, v, set(g.nodes) - {p, v})


def test_hand_checked_dag_cases() -> None:
    chain = DAG(edges=["A --> B", "B --> C"])
    assert not d_separated(chain, "A", "C")
    assert d_separated(chain, "A", "C", "B")
    collider = DAG(edges=["X --> C", "Y --> C", "C --> D"])
    assert d_separated(collider, "X", "Y")
    assert not d_separated(collider, "X", "Y", "C")
    assert not d_separated(collider, "X", "Y", "D")  # a descendant of the collider opens it
    # M-structure: X <-- A --> M <-- B --> Y
    m = DAG(edges=["A --> X", "A --> M", "B --> M", "B --> Y"])
    assert d_separated(m, "X", "Y")
    assert not d_separated(m, "X", "Y", "M")
    assert d_separated(m, "X", "Y", ["M", "A"])
    assert d_separated(m, "X", "Y", {"M", "B"})


def test_empty_sets_are_separated() -> None:
    g = DAG(edges=["A --> B"])
    assert d_separated(g, [], "B")
    assert d_separated(g, "A", set())
    assert find_minimal_separator(g, [], "B") == frozenset()


def test_long_chain_no_recursion_limit() -> None:
    names = [f"N{i}" for i in range(3000)]
    g = DAG(names, list(zip(names, names[1:], strict=False)))
    assert not d_separated(g, names[0], names[-1])
    assert d_separated(g, names[0], names[-1], names[1500])
    assert find_minimal_separator(g, names[0], names[-1]) == {names[1]}


def test_repeated_queries_and_pickling_unaffected_by_cache() -> None:
    g = DAG(edges=["A --> B", "B --> C"])
    assert d_separated(g, "A", "C", "B") and d_separated(g, "A", "C", "B")
    h = pickle.loads(pickle.dumps(g))
    assert h == g and d_separated(h, "A", "C", "B")


# ---------------------------------------------------------------------------- m-separation


@SETTINGS
@given(dag_and_sets(latent=True))
def test_m_separation_in_projection_matches_dag(case) -> None:
    # oracle: the latent projection preserves separations among observed nodes
    g, x, y, z, latent = case
    admg = latent_projection(g, latent)
    expected = nx.is_d_separator(_nx(g), set(x), set(y), set(z))  # reference: networkx on the DAG
    assert m_separated(admg, x, y, z) is expected
    assert d_separated(admg, y, x, z) is expected


def test_bow_graph() -> None:
    g = ADMG(edges=["X --> Y", "X <-> Y"])
    assert not m_separated(g, "X", "Y")
    front = ADMG(edges=["X --> M", "M --> Y", "X <-> Y"])
    assert not m_separated(front, "X", "Y", "M")
    # instrument with a confounded treatment: no set separates Z from Y
    iv = ADMG(edges=["Z --> X", "X --> Y", "X <-> Y"])
    assert not m_separated(iv, "Z", "Y")  # Z --> X --> Y
    assert not m_separated(iv, "Z", "Y", "X")  # Z --> X <-> Y: X is a collider in Z


def test_collider_descendant_in_admg() -> None:
    g = ADMG(edges=["X <-> C", "C <-> Y", "C --> D"])
    assert m_separated(g, "X", "Y")
    assert not m_separated(g, "X", "Y", "C")
    assert not m_separated(g, "X", "Y", "D")


def test_mag_with_undirected_edge() -> None:
    # an undirected edge has tails at both ends: its endpoints are non-colliders on it
    g = MAG(edges=["A --- B", "B --- E", "B --> C", "D --> C", "C <-> F"])
    assert not m_separated(g, "A", "E")
    assert m_separated(g, "A", "E", "B")
    assert m_separated(g, "A", "D")  # C is a collider on B --> C <-- D
    assert not m_separated(g, "A", "D", "C")
    assert m_separated(g, "A", "F")  # on B --> C <-> F both marks at C are arrowheads
    assert m_separated(g, "A", "F", "D")  # D is a parent of C, not a descendant
    assert not m_separated(g, "A", "F", "C")
    assert m_separated(g, "A", "F", ["C", "B"])  # B is a non-collider in Z


def _m_separated_by_paths(g: MixedGraph, x, y, z) -> bool:
    """m-separation from its definition: enumerate every simple path (small graphs only)."""
    arrow = Endpoint.ARROW
    adj: dict[str, list] = {v: [] for v in g.nodes}
    for e in g.edges:
        adj[e.u].append((e.v, e.mark_u, e.mark_v))
        adj[e.v].append((e.u, e.mark_v, e.mark_u))
    an_z = set(g.ancestors(z, include_self=True)) if z else set()

    def open_from(v, arrived_with_arrow, visited) -> bool:
        for w, mark_v, mark_w in adj[v]:
            if w in visited:
                continue
            if arrived_with_arrow is not None:
                collider = arrived_with_arrow and mark_v is arrow
                if collider and v not in an_z:
                    continue
                if not collider and v in z:
                    continue
            if w in y or open_from(w, mark_w is arrow, visited | {w}):
                return True
        return False

    return not any(open_from(v, None, {v}) for v in x)


@st.composite
def ancestral_like_graphs(draw: st.DrawFn):
    """Acyclic mixed graphs with -->, <-> and --- where no arrowhead meets an undirected edge."""
    n = draw(st.integers(3, 7))
    names = [f"V{i}" for i in range(n)]
    undirected_block = draw(st.integers(0, n))  # first nodes may carry undirected edges
    edges = []
    for i in range(n):
        for j in range(i + 1, n):
            kind = draw(st.sampled_from(["", "", "-->", "<->", "---"]))
            if kind == "---" and j < undirected_block:
                edges.append((names[i], "---", names[j]))
            elif kind == "<->" and i >= undirected_block:
                edges.append((names[i], "<->", names[j]))
            elif kind in ("-->", "<->", "---"):
                if j >= undirected_block:
                    edges.append((names[i], "-->", names[j]))
    g = MixedGraph(names, edges)
    roles = draw(st.lists(st.sampled_from("xyz--"), min_size=n, max_size=n))
    perm = draw(st.permutations(names))
    role = dict(zip(names, roles, strict=True))
    role[perm[0]], role[perm[1]] = "x", "y"
    sets = [frozenset(v for v in names if role[v] == r) for r in "xyz"]
    return g, *sets


@SETTINGS
@given(ancestral_like_graphs())
def test_m_separation_with_undirected_edges_matches_path_definition(case) -> None:
    g, x, y, z = case
    # reference: path enumeration from the definition (this file)
    assert m_separated(g, x, y, z) is _m_separated_by_paths(g, x, y, z)


# ---------------------------------------------------------------------------- minimal separators


@st.composite
def separator_cases(draw: st.DrawFn):
    g, x, y, z, _ = draw(dag_and_sets())
    others = sorted(set(g.nodes) - x - y)
    include = frozenset(v for v in others if draw(st.integers(0, 4)) == 0)
    restrict = None
    if draw(st.booleans()):
        restrict = include | frozenset(v for v in others if draw(st.booleans()))
    return g, x, y, include, restrict


@SETTINGS
@given(separator_cases())
def test_find_minimal_separator_against_networkx(case) -> None:
    g, x, y, include, restrict = case
    d = _nx(g)
    allowed = set(g.nodes) - x - y if restrict is None else set(restrict)
    ref = nx.find_minimal_d_separator(d, set(x), set(y), included=set(include), restricted=allowed)
    z = find_minimal_separator(g, x, y, include=include, restrict=restrict)
    assert (z is None) == (ref is None)  # reference: networkx
    if z is None:
        return
    assert include <= z <= allowed
    assert nx.is_d_separator(d, set(x), set(y), set(z))
    for v in z - include:
        assert not nx.is_d_separator(d, set(x), set(y), set(z - {v}))
    assert nx.is_minimal_d_separator(d, set(x), set(y), set(z), included=set(include))
    assert is_minimal_separator(g, x, y, z, include=include)


@SETTINGS
@given(dag_and_sets())
def test_is_minimal_separator_against_networkx(case) -> None:
    g, x, y, z, _ = case
    d = _nx(g)
    expected = nx.is_minimal_d_separator(d, set(x), set(y), set(z))  # reference: networkx
    assert is_minimal_separator(g, x, y, z) is expected


@SETTINGS
@given(dag_and_sets(latent=True))
def test_find_minimal_separator_in_admg_via_projection(case) -> None:
    # oracle: separators among observed nodes are the same in the DAG and its projection
    g, x, y, _, latent = case
    admg = latent_projection(g, latent)
    d = _nx(g)
    observed = set(admg.nodes)
    ref = nx.find_minimal_d_separator(d, set(x), set(y), restricted=observed - x - y)
    z = find_minimal_separator(admg, x, y)
    assert (z is None) == (ref is None)
    if z is None:
        return
    assert z <= observed - x - y
    assert nx.is_minimal_d_separator(d, set(x), set(y), set(z))
    assert is_minimal_separator(admg, x, y, z)


@SETTINGS
@given(ancestral_like_graphs())
def test_minimal_separators_with_undirected_edges_by_brute_force(case) -> None:
    g, x, y, _ = case
    rest = [v for v in g.nodes if v not in x | y]
    seps = [
        frozenset(s)
        for r in range(len(rest) + 1)
        for s in itertools.combinations(rest, r)
        if _m_separated_by_paths(g, x, y, set(s))
    ]
    minimal = {s for s in seps if not any(t < s for t in seps)}
    z = find_minimal_separator(g, x, y)
    assert (z is None) == (not seps)
    assert z is None or z in minimal
    for s in seps:
        assert is_minimal_separator(g, x, y, s) is (s in minimal)


def test_minimal_separator_hand_cases() -> None:
    g = DAG(edges=["A --> B", "B --> C", "A --> C2", "C2 --> C", "C --> D"])
    assert find_minimal_separator(g, "A", "D") == {"B", "C2"}
    assert find_minimal_separator(g, "A", "D", restrict=["C"]) == {"C"}
    assert find_minimal_separator(g, "A", "D", include=["C"]) == {"C"}
    assert find_minimal_separator(g, "A", "D", restrict=["B"]) is None
    assert find_minimal_separator(g, "A", "B") is None
    assert is_minimal_separator(g, "A", "D", ["C"])
    assert not is_minimal_separator(g, "A", "D", ["C", "B"])
    assert is_minimal_separator(g, "A", "D", ["C", "B"], include=["B"])
    assert not is_minimal_separator(g, "A", "D", ["B"])  # not a separator
    # M-structure: the empty set is the minimal separator; {M} is not one
    m = DAG(edges=["A --> X", "A --> M", "B --> M", "B --> Y"])
    assert find_minimal_separator(m, "X", "Y") == frozenset()
    assert find_minimal_separator(m, "X", "Y", include=["M"]) in ({"M", "A"}, {"M", "B"})
    # bow: no separator
    assert find_minimal_separator(ADMG(edges=["X --> Y", "X <-> Y"]), "X", "Y") is None
    # confounded mediator in an ADMG: X --> M --> Y, M <-> Y, X --> W --> Y
    a = ADMG(edges=["X --> M", "M --> Y", "M <-> U", "U <-> Y", "X --> W"])
    assert find_minimal_separator(a, "X", "Y") == {"M"}
    assert find_minimal_separator(a, "X", "U") == frozenset()
    assert find_minimal_separator(a, "X", "Y", include=["U"]) is None


# ---------------------------------------------------------------------------- errors


def test_pag_is_refused() -> None:
    g = PAG(edges=["A o-> B", "B --> C"])
    with pytest.raises(GraphError, match=r"circle marks.*A o-> B"):
        d_separated(g, "A", "C", "B")
    with pytest.raises(GraphError, match="circle"):
        find_minimal_separator(g, "A", "C")
    # a PAG without circles is a single MAG: allowed
    assert m_separated(PAG(edges=["A --> B", "B --> C"]), "A", "C", "B")


def test_cpdag_with_undirected_edge_is_refused() -> None:
    g = CPDAG(edges=["A --- B", "B --> C"])
    with pytest.raises(GraphError, match=r"CPDAG with undirected edges.*A --- B.*DAG in its class"):
        d_separated(g, "A", "C")
    with pytest.raises(GraphError, match="CPDAG"):
        is_minimal_separator(g, "A", "C", "B")
    # without undirected edges it is a DAG
    assert d_separated(CPDAG(edges=["A --> B", "B --> C"]), "A", "C", "B")


def test_undirected_edge_meeting_an_arrowhead_is_refused() -> None:
    g = MixedGraph(edges=["A --- B", "C --> B"])
    with pytest.raises(GraphError, match=r"A --- B.*arrowhead.*C --> B"):
        m_separated(g, "A", "C")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda g: d_separated(g, "Q", "B"), r"unknown node 'Q' in x"),
        (lambda g: d_separated(g, "A", ["B", "Q"]), r"unknown node 'Q' in y"),
        (lambda g: d_separated(g, "A", "C", "Q"), r"unknown node 'Q' in z"),
        (lambda g: find_minimal_separator(g, "A", "C", include="Q"), r"unknown node 'Q' in include"),
        (lambda g: find_minimal_separator(g, "A", "C", restrict=["Q"]), r"unknown node 'Q' in restrict"),
        (lambda g: d_separated(g, "A", "C", [3]), r"unknown node 3 in z"),
    ],
)
def test_unknown_nodes(call, message) -> None:
    with pytest.raises(GraphError, match=message):
        call(DAG(edges=["A --> B", "B --> C"]))


def test_node_names_lists_every_unknown_item() -> None:
    # Checked against the expected message written out: every unknown item named,
    # with the parameter and the first 15 nodes of the graph.
    g = DAG(nodes=[f"V{i}" for i in range(20)], edges=["V0 --> V1"])
    expected = "unknown nodes ['Q', 7] in y; the graph has nodes " + str([f"V{i}" for i in range(15)] + ["..."])
    with pytest.raises(GraphError) as info:
        d_separated(g, "V0", ["V1", "Q", 7])
    assert str(info.value) == expected
    assert node_names(g, ("V1", "V0", "V1"), "x") == ("V1", "V0", "V1")  # order and repeats kept
    assert node_names(g, "V3", "x") == ("V3",)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda g: d_separated(g, ["A", "B"], "B"), r"x and y must be disjoint.*\['B'\]"),
        (lambda g: d_separated(g, "A", "C", ["A"]), r"x and z must be disjoint.*\['A'\]"),
        (lambda g: m_separated(g, "A", "C", ["C", "B"]), r"y and z must be disjoint.*\['C'\]"),
        (lambda g: find_minimal_separator(g, "A", "C", include="A"), r"x and include"),
        (lambda g: find_minimal_separator(g, "A", "C", include="B", restrict=[]), r"include must be a subset of restrict.*\['B'\]"),
        (lambda g: is_minimal_separator(g, "A", "C", [], include="B"), r"include must be a subset of z"),
        (lambda g: d_separated(nx.DiGraph([("A", "B")]), "A", "B"), r"causalscope graph.*DiGraph"),
        (lambda g: d_separated(g, "A", 5), r"y must be a node name or an iterable"),
    ],
)
def test_invalid_parameters(call, message) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        call(DAG(edges=["A --> B", "B --> C"]))


def test_cyclic_graph_refused_by_separator_search() -> None:
    g = MixedGraph(edges=["A --> B", "B --> C", "C --> A", "C --> D"])
    with pytest.raises(GraphError, match="directed cycle"):
        find_minimal_separator(g, "A", "D")
    # d-separation applies the criterion as written
    assert d_separated(g, "A", "D", "C")
