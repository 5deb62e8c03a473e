"""Tests for causalscope.graphs.equivalence (Markov equivalence classes).

Oracles used here:

* brute force: all 2^m orientations of a small DAG's skeleton, kept when acyclic
  and with the same v-structures (Verma & Pearl 1990), implemented independently
  in this file with plain Python;
* causal-learn's ``causallearn.utils.DAG2CPDAG.dag2cpdag`` as the reference
  implementation of DAG -> CPDAG.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest

from causalscope.exceptions import GraphError, InvalidParameterError
from causalscope.graphs import CPDAG, DAG, MixedGraph, parse_graph
from causalscope.graphs.equivalence import (
    apply_meek_rules,
    consistent_extension,
    count_dags,
    cpdag_marks_of_dag,
    cpdag_to_dag,
    dag_to_cpdag,
    enumerate_dags,
    is_cpdag,
    markov_equivalent,
    meek_rules,
    v_structures,
)

# ---------------------------------------------------------------------- helpers


def random_dag(seed: int, p: int | None = None, max_edges: int = 10) -> DAG:
    """A random DAG on up to 7 nodes (random order, at most ``max_edges`` edges)."""
    rng = np.random.default_rng(seed)
    if p is None:
        p = int(rng.integers(2, 8))
    names = [f"X{i}" for i in range(p)]
    order = rng.permutation(p)
    density = rng.uniform(0.2, 0.7)
    pairs = [(order[i], order[j]) for i in range(p) for j in range(i + 1, p) if rng.random() < density]
    rng.shuffle(pairs)
    pairs = pairs[:max_edges]
    return DAG(names, [(names[a], names[b]) for a, b in pairs])


def _acyclic(nodes: list[str], arcs: list[tuple[str, str]]) -> bool:
    indeg = {n: 0 for n in nodes}
    out: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in arcs:
        indeg[b] += 1
        out[a].append(b)
    stack = [n for n in nodes if indeg[n] == 0]
    seen = 0
    while stack:
        x = stack.pop()
        seen += 1
        for y in out[x]:
            indeg[y] -= 1
            if indeg[y] == 0:
                stack.append(y)
    return seen == len(nodes)


def _vs(nodes: list[str], arcs: list[tuple[str, str]]) -> frozenset[tuple[str, frozenset[str]]]:
    adj = {frozenset(a) for a in arcs}
    parents: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in arcs:
        parents[b].append(a)
    return frozenset(
        (c, frozenset((a, b)))
        for c in nodes
        for a, b in itertools.combinations(parents[c], 2)
        if frozenset((a, b)) not in adj
    )


@functools.lru_cache(maxsize=None)
def brute_force_class(dag: DAG) -> frozenset[frozenset[tuple[str, str]]]:
    """All DAGs Markov equivalent to ``dag``, as frozensets of arcs (independent oracle)."""
    nodes = list(dag.nodes)
    arcs = [(e.source, e.target) for e in dag.edges]
    target = _vs(nodes, arcs)
    members = set()
    for flips in itertools.product((False, True), repeat=len(arcs)):
        cand = [(b, a) if f else (a, b) for (a, b), f in zip(arcs, flips, strict=True)]
        if _acyclic(nodes, cand) and _vs(nodes, cand) == target:
            members.add(frozenset(cand))
    return frozenset(members)


def class_summary(dag: DAG, members: frozenset[frozenset[tuple[str, str]]]) -> CPDAG:
    """The PDAG with an edge directed iff all ``members`` orient it the same way."""
    edges = []
    for e in dag.edges:
        a, b = e.source, e.target
        dirs = {(a, b) in m for m in members}
        if dirs == {True}:
            edges.append(f"{a} --> {b}")
        elif dirs == {False}:
            edges.append(f"{b} --> {a}")
        else:
            edges.append(f"{a} --- {b}")
    return CPDAG(dag.nodes, edges)


def arcs_of(dag: DAG) -> frozenset[tuple[str, str]]:
    return frozenset((e.source, e.target) for e in dag.edges)


SEEDS = range(40)

# ---------------------------------------------------------------------- oracle tests


@pytest.mark.parametrize("seed", SEEDS)
def test_dag_to_cpdag_matches_brute_force_class(seed: int) -> None:
    dag = random_dag(seed)
    members = brute_force_class(dag)
    assert frozenset(arcs_of(dag)) in members
    cpdag = dag_to_cpdag(dag)
    assert cpdag == class_summary(dag, members)
    assert count_dags(cpdag) == len(members)
    listed = [arcs_of(g) for g in enumerate_dags(cpdag)]
    assert len(listed) == len(set(listed))  # each member once
    assert set(listed) == set(members)
    assert is_cpdag(cpdag)


@pytest.mark.parametrize("seed", SEEDS)
def test_cpdag_to_dag_is_in_class(seed: int) -> None:
    dag = random_dag(seed)
    cpdag = dag_to_cpdag(dag)
    ext = cpdag_to_dag(cpdag)
    assert markov_equivalent(ext, dag)
    assert arcs_of(ext) in brute_force_class(dag)
    assert dag_to_cpdag(ext) == cpdag
    assert cpdag_to_dag(cpdag) == ext  # deterministic


@pytest.mark.parametrize("seed", range(25))
def test_meek_rules_with_knowledge_matches_brute_force(seed: int) -> None:
    """Meek (1995): R1-R4 after background knowledge give the edges common to the
    members of the class that agree with the knowledge."""
    dag = random_dag(seed)
    cpdag = dag_to_cpdag(dag)
    members = brute_force_class(dag)
    undirected = [e for e in cpdag.edges if e.is_undirected]
    if not undirected:
        assert meek_rules(cpdag) == cpdag and len(members) == 1
        return
    rng = np.random.default_rng(1000 + seed)
    truth = arcs_of(dag)
    k = int(rng.integers(1, len(undirected) + 1))
    chosen = [undirected[i] for i in rng.choice(len(undirected), size=k, replace=False)]
    oriented = [(e.u, e.v) if (e.u, e.v) in truth else (e.v, e.u) for e in chosen]
    # half as required edges, half as forbidden reverse edges
    required = oriented[::2]
    forbidden = [(b, a) for a, b in oriented[1::2]]
    kept = frozenset(m for m in members if all(arc in m for arc in oriented))
    expected = class_summary(dag, kept)
    got = meek_rules(cpdag, required=required, forbidden=forbidden)
    assert got == expected
    assert count_dags(got) == len(kept)
    assert {arcs_of(g) for g in enumerate_dags(got)} == set(kept)


@pytest.mark.parametrize("seed", range(30))
def test_dag_to_cpdag_matches_causal_learn(seed: int) -> None:
    """Reference: causal-learn's DAG2CPDAG.dag2cpdag on the same DAG."""
    graph_node = pytest.importorskip("causallearn.graph.GraphNode")
    from causallearn.graph.Dag import Dag
    from causallearn.utils.DAG2CPDAG import dag2cpdag

    dag = random_dag(seed + 500, p=int(np.random.default_rng(seed).integers(3, 10)), max_edges=20)
    nodes = [graph_node.GraphNode(n) for n in dag.nodes]
    ref = Dag(nodes)
    for e in dag.edges:
        ref.add_directed_edge(nodes[dag.index(e.source)], nodes[dag.index(e.target)])
    g = dag2cpdag(ref).graph  # causal-learn: g[i, j] == -1 and g[j, i] == 1 means i --> j
    names = dag.nodes
    edges = []
    for i, j in zip(*np.nonzero(np.triu(g != 0)), strict=True):
        if g[i, j] == -1 and g[j, i] == -1:
            edges.append(f"{names[i]} --- {names[j]}")
        elif g[i, j] == -1 and g[j, i] == 1:
            edges.append(f"{names[i]} --> {names[j]}")
        else:
            edges.append(f"{names[j]} --> {names[i]}")
    assert dag_to_cpdag(dag) == CPDAG(names, edges)


# ---------------------------------------------------------------------- hand-checked Meek rules


def cp(text: str) -> CPDAG:
    return parse_graph(text, kind="cpdag")


def test_rule1() -> None:
    assert meek_rules(cp("A --> B; B --- C")) == cp("A --> B; B --> C")
    # shielded: A adjacent to C, so R1 does not apply
    g = cp("A --> B; B --- C; A --- C")
    assert meek_rules(g, rules=[1]) == g


def test_rule2() -> None:
    g = cp("A --> B; B --> C; A --- C")
    assert meek_rules(g, rules=[2]) == cp("A --> B; B --> C; A --> C")
    assert meek_rules(g, rules=[1]) == g


def test_rule3() -> None:
    g = cp("A --- B; A --- C; A --- D; C --> B; D --> B")
    assert meek_rules(g, rules=[3]) == cp("A --> B; A --- C; A --- D; C --> B; D --> B")
    assert meek_rules(g, rules=[1, 2]) == g
    # C and D adjacent: no R3
    h = cp("A --- B; A --- C; A --- D; C --> B; D --> B; C --- D")
    assert meek_rules(h, rules=[3]) == h


def test_rule4() -> None:
    # A --- D --> C --> B, A --- C, A --- B, D and B not adjacent  =>  A --> B
    g = cp("A --- B; A --- C; A --- D; D --> C; C --> B")
    assert meek_rules(g, rules=[4]) == cp("A --> B; A --- C; A --- D; D --> C; C --> B")
    assert meek_rules(g, rules=[1, 2, 3]) == g
    # D adjacent to B: no R4
    h = cp("A --- B; A --- C; A --- D; D --> C; C --> B; D --> B")
    assert meek_rules(h, rules=[4]) == h


def test_rule4_needed_after_background_knowledge() -> None:
    # With knowledge D --> C and C --> B (D, B not adjacent) only R4 orients A --> B.
    g = cp("A --- B; A --- C; A --- D; B --- C; C --- D")
    got = meek_rules(g, required=[("D", "C"), ("C", "B")])
    assert got == cp("A --> B; A --- C; A --- D; C --> B; D --> C")
    assert meek_rules(g, required=[("D", "C"), ("C", "B")], rules=[1, 2, 3]) == cp(
        "A --- B; A --- C; A --- D; C --> B; D --> C"
    )
    # brute force: the members of g's class with D --> C and C --> B all have A --> B
    assert is_cpdag(g)
    members = brute_force_class(cpdag_to_dag(g))
    assert len(members) == count_dags(g)
    kept = frozenset(m for m in members if ("D", "C") in m and ("C", "B") in m)
    assert got == class_summary(cpdag_to_dag(g), kept)


def test_background_knowledge() -> None:
    g = cp("A --- B; B --- C")
    assert meek_rules(g, required=[("A", "B")]) == cp("A --> B; B --> C")
    assert meek_rules(g, forbidden=[("A", "B")]) == cp("B --> A; B --- C")
    assert meek_rules(g, forbidden=[("A", "C")]) == g  # not an edge: ignored
    assert meek_rules(g, required=[("B", "A")], forbidden=[("C", "B")]) == cp("B --> A; B --> C")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"required": [("B", "A")]}, "B --> A contradicts"),
        ({"forbidden": [("A", "B")]}, "already directed A --> B"),
        ({"required": [("B", "C")], "forbidden": [("B", "C")]}, "B --> C is both required and forbidden"),
        ({"required": [("B", "C"), ("C", "B")]}, "both B --> C and C --> B are required"),
        ({"forbidden": [("B", "C"), ("C", "B")]}, "are forbidden"),
        ({"required": [("A", "C")]}, "A --> C is not an edge"),
        ({"required": [("A", "Z")]}, "unknown node 'Z'"),
        ({"required": ["AB"]}, "pairs"),
        ({"rules": [5]}, "rules"),
    ],
)
def test_conflicting_knowledge_raises(kwargs: dict, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        meek_rules(cp("A --> B; B --- C"), **kwargs)


def test_knowledge_forcing_cycle_raises() -> None:
    g = cp("A --> B; B --> C; A --- C")
    with pytest.raises(GraphError, match="directed cycle"):
        meek_rules(g, required=[("C", "A")], rules=[])


def test_meek_rules_rejects_other_edge_kinds() -> None:
    with pytest.raises(GraphError, match="A <-> B"):
        meek_rules(MixedGraph(edges=["A <-> B"]))


# ---------------------------------------------------------------------- apply_meek_rules


def test_apply_meek_rules_does_not_modify_input() -> None:
    m = cp("A --> B; B --- C").mark_matrix()
    before = m.copy()
    out = apply_meek_rules(m)
    assert np.array_equal(m, before)
    assert out.dtype == m.dtype
    assert out[1, 2] == 2 and out[2, 1] == 1


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((2, 3), dtype=int),
        np.zeros((2, 2), dtype=float),
        np.array([[0, 4], [1, 0]]),
        np.array([[1, 0], [0, 0]]),
        np.array([[0, 1], [0, 0]]),
    ],
)
def test_apply_meek_rules_validates(bad: np.ndarray) -> None:
    with pytest.raises(InvalidParameterError, match="marks"):
        apply_meek_rules(bad)


def _random_sparse_pdag(seed: int, p: int) -> CPDAG:
    """CPDAG of a sparse random DAG, with some of its undirected edges oriented as in the DAG."""
    rng = np.random.default_rng(seed)
    names = [f"V{i}" for i in range(p)]
    arcs = [(i, j) for i in range(p) for j in range(i + 1, min(p, i + 6)) if rng.random() < 0.25]
    dag = DAG(names, [(names[i], names[j]) for i, j in arcs])
    cpdag = dag_to_cpdag(dag)
    und = [e for e in cpdag.edges if e.is_undirected]
    pick = [und[i] for i in np.flatnonzero(rng.random(len(und)) < 0.15)]
    truth = arcs_of(dag)
    required = [(e.u, e.v) if (e.u, e.v) in truth else (e.v, e.u) for e in pick]
    return cpdag, dag, required


def test_apply_meek_rules_large_sparse_graph() -> None:
    cpdag, dag, required = _random_sparse_pdag(7, 200)
    assert any(e.is_undirected for e in cpdag.edges)
    start = cpdag.mark_matrix()
    for u, v in required:
        i, j = cpdag.index(u), cpdag.index(v)
        start[i, j], start[j, i] = 2, 1
    out = apply_meek_rules(start)
    got = CPDAG.from_mark_matrix(cpdag.nodes, out)
    assert got == meek_rules(cpdag, required=required)
    # sound: every directed edge agrees with the generating DAG
    truth = arcs_of(dag)
    assert all((e.source, e.target) in truth for e in got.edges if e.is_directed)
    # closed: applying the rules again changes nothing
    assert np.array_equal(apply_meek_rules(out), out)
    # the skeleton + v-structures of the DAG, closed under R1-R3, is its CPDAG
    m = np.where(dag.directed_matrix() | dag.directed_matrix().T, 1, 0).astype(np.int8)
    for a, c, b in dag.v_structures():
        for x in (a, b):
            m[dag.index(x), dag.index(c)] = 2
    assert CPDAG.from_mark_matrix(dag.nodes, apply_meek_rules(m, rules=(1, 2, 3))) == cpdag


# ---------------------------------------------------------------------- Dor-Tarsi and enumeration


def test_chordless_four_cycle_has_no_extension() -> None:
    g = cp("A --- B; B --- C; C --- D; D --- A")
    with pytest.raises(GraphError, match="no consistent extension"):
        cpdag_to_dag(g)
    assert count_dags(g) == 0
    assert list(enumerate_dags(g)) == []
    assert not is_cpdag(g)


def test_chorded_four_cycle() -> None:
    g = cp("A --- B; B --- C; C --- D; D --- A; A --- C")
    assert is_cpdag(g)
    assert count_dags(g) == 10  # 4-cycle with one chord: 10 acyclic orientations without v-structures
    assert markov_equivalent(cpdag_to_dag(g), next(iter(enumerate_dags(g))))


def test_dor_tarsi_keeps_directed_edges_of_a_pdag() -> None:
    g = cp("A --> B; B --- C")  # not a CPDAG, but a PDAG with an extension
    assert not is_cpdag(g)
    dag = cpdag_to_dag(g)
    assert dag == DAG(edges=["A --> B", "B --> C"])
    assert [str(d) for d in enumerate_dags(g)] == ["A --> B; B --> C"]
    assert count_dags(g) == 1


def random_pdag(seed: int) -> CPDAG:
    """A random PDAG (random skeleton; each edge undirected or directed along a random order);
    it may or may not have a consistent extension."""
    rng = np.random.default_rng(seed)
    p = int(rng.integers(3, 7))
    names = [f"X{i}" for i in range(p)]
    order = rng.permutation(p)
    edges = []
    for i in range(p):
        for j in range(i + 1, p):
            if rng.random() < 0.5:
                a, b = names[order[i]], names[order[j]]
                edges.append(f"{a} --- {b}" if rng.random() < 0.5 else f"{a} --> {b}")
    return CPDAG(names, edges[:10])


def brute_force_extensions(pdag: CPDAG) -> set[frozenset[tuple[str, str]]]:
    """Consistent extensions by brute force: same skeleton, directed edges kept,
    acyclic, and v-structures equal to the PDAG's (directed) v-structures."""
    nodes = list(pdag.nodes)
    fixed = [(e.source, e.target) for e in pdag.edges if e.is_directed]
    free = [(e.u, e.v) for e in pdag.edges if e.is_undirected]
    adj = {frozenset((e.u, e.v)) for e in pdag.edges}
    target = frozenset(
        (c, frozenset((a, b)))
        for c in nodes
        for a, b in itertools.combinations([x for x, y in fixed if y == c], 2)
        if frozenset((a, b)) not in adj
    )
    out = set()
    for flips in itertools.product((False, True), repeat=len(free)):
        cand = fixed + [(b, a) if f else (a, b) for (a, b), f in zip(free, flips, strict=True)]
        if _acyclic(nodes, cand) and _vs(nodes, cand) == target:
            out.add(frozenset(cand))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_arbitrary_pdags_against_brute_force(seed: int) -> None:
    pdag = random_pdag(seed)
    expected = brute_force_extensions(pdag)
    listed = [arcs_of(d) for d in enumerate_dags(pdag)]
    assert len(listed) == len(set(listed))
    assert set(listed) == expected
    assert count_dags(pdag) == len(expected)
    if expected:
        assert arcs_of(cpdag_to_dag(pdag)) in expected
    else:
        with pytest.raises(GraphError, match="no consistent extension"):
            cpdag_to_dag(pdag)


def test_arbitrary_pdags_cover_both_outcomes() -> None:
    """The random PDAGs above include ones with and without consistent extensions."""
    sizes = [len(brute_force_extensions(random_pdag(seed))) for seed in range(40)]
    assert 0 in sizes and any(s > 1 for s in sizes)


def test_enumerate_limit_and_order() -> None:
    g = cp("A --- B; B --- C; C --- D")
    everything = list(enumerate_dags(g))
    assert len(everything) == 4 == count_dags(g)
    assert list(enumerate_dags(g, limit=2)) == everything[:2]
    assert list(enumerate_dags(g, limit=0)) == []
    assert list(enumerate_dags(g)) == everything  # deterministic
    with pytest.raises(InvalidParameterError, match="limit"):
        list(enumerate_dags(g, limit=-1))


def test_empty_and_edgeless_graphs() -> None:
    empty = CPDAG([], [])
    assert dag_to_cpdag(DAG([], [])) == empty
    assert count_dags(empty) == 1
    assert cpdag_to_dag(CPDAG(["A", "B"], [])) == DAG(["A", "B"], [])


# ---------------------------------------------------------------------- predicates


def test_markov_equivalent() -> None:
    chain = DAG(edges=["A --> B", "B --> C"])
    assert markov_equivalent(chain, DAG(edges=["C --> B", "B --> A"]))
    assert markov_equivalent(chain, DAG(["C", "B", "A"], ["B --> A", "B --> C"]))  # node order irrelevant
    assert not markov_equivalent(chain, DAG(edges=["A --> B", "C --> B"]))
    assert not markov_equivalent(chain, DAG(edges=["A --> B", "A --> C"]))
    assert not markov_equivalent(chain, DAG(["A", "B", "C", "D"], ["A --> B", "B --> C"]))
    with pytest.raises(InvalidParameterError, match="g2 must be a DAG"):
        markov_equivalent(chain, dag_to_cpdag(chain))


@pytest.mark.parametrize("seed", range(20))
def test_markov_equivalent_agrees_with_brute_force(seed: int) -> None:
    a, b = random_dag(seed, p=4), random_dag(seed + 100, p=4)
    members = brute_force_class(a)
    assert markov_equivalent(a, b) == (a.skeleton() == b.skeleton() and arcs_of(b) in members)
    for m in list(members)[:3]:
        assert markov_equivalent(a, DAG(a.nodes, list(m)))


def test_is_cpdag() -> None:
    assert is_cpdag(cp("A --> C; B --> C; C --> D"))
    assert not is_cpdag(cp("A --> C; B --> C; C --- D"))  # R1 orients C --> D
    assert not is_cpdag(cp("A --> B"))  # a single edge is reversible
    assert is_cpdag(cp("A --- B"))
    assert not is_cpdag(MixedGraph(edges=["A <-> B"]))
    assert not is_cpdag(MixedGraph(edges=["A --> B", "B --> C", "C --> A"]))  # a directed cycle


def test_v_structures() -> None:
    g = cp("A --> C; B --> C; C --- D; E --> D; A --- B")
    assert v_structures(g) == frozenset()  # A and B adjacent; C --- D is undirected
    h = MixedGraph(edges=["B --> C", "A --> C", "C <-> D", "E --> D", "C --> F"])
    assert v_structures(h) == frozenset({("B", "C", "A")})  # node order: B before A
    for seed in range(10):
        dag = random_dag(seed)
        assert v_structures(dag) == dag.v_structures()


# --------------------------------------------------------------- consistent_extension
def _dor_tarsi_reference(d: np.ndarray, u: np.ndarray) -> np.ndarray | None:
    """Dor & Tarsi's rule in plain Python: remove the first qualifying node, again and again."""
    p = d.shape[0]
    adj = [[bool(d[i, j] or d[j, i] or u[i, j]) for j in range(p)] for i in range(p)]
    out = d.copy()
    alive = set(range(p))
    while alive:
        for x in sorted(alive):
            if any(d[x, z] for z in alive):
                continue
            nbu = [y for y in alive if u[x, y]]
            if all(adj[y][z] for y in nbu for z in alive if z not in (x, y) and adj[x][z]):
                break
        else:
            return None
        for y in nbu:
            out[y, x] = True
        alive.remove(x)
    return out


def _random_pdag(rng: np.random.Generator, p: int) -> tuple[np.ndarray, np.ndarray]:
    """A CPDAG of a random DAG, some undirected edges oriented at random, some added (often no extension)."""
    order = rng.permutation(p)
    dag = np.zeros((p, p), dtype=bool)
    dag[np.ix_(order, order)] = np.triu(rng.random((p, p)) < min(1.0, 3.0 / p), 1)
    marks = cpdag_marks_of_dag(dag)
    d, u = (marks == 2) & (marks.T == 1), (marks == 1) & (marks.T == 1)
    for i, j in np.argwhere(np.triu(u)):
        if rng.random() < 0.25:
            u[i, j] = u[j, i] = False
            d[(i, j) if rng.random() < 0.5 else (j, i)] = True
    if rng.random() < 0.5:  # a few undirected edges more, between non-adjacent nodes
        free = np.argwhere(np.triu(~(d | d.T | u), 1))
        for i, j in free[rng.random(len(free)) < 2.0 / max(p, 1)]:
            u[i, j] = u[j, i] = True
    return d, u


@pytest.mark.parametrize("p", [1, 2, 5, 12, 30, 62, 63, 64, 65, 130])
def test_consistent_extension_matches_dor_tarsi_reference(p: int) -> None:
    rng = np.random.default_rng(p)
    outcomes = set()
    for _ in range(15 if p > 60 else 40):
        d, u = _random_pdag(rng, p)
        d0, u0 = d.copy(), u.copy()
        got, want = consistent_extension(d, u), _dor_tarsi_reference(d, u)
        assert np.array_equal(d, d0) and np.array_equal(u, u0)  # inputs untouched
        outcomes.add(want is None)
        if want is None:
            assert got is None
        else:
            assert got is not None and got.dtype == bool and np.array_equal(got, want)
    if p >= 12:
        assert outcomes == {True, False}


def test_consistent_extension_of_empty_graph() -> None:
    assert consistent_extension(np.zeros((0, 0), dtype=bool), np.zeros((0, 0), dtype=bool)).shape == (0, 0)
