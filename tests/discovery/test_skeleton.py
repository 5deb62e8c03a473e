"""The PC adjacency search (causalscope.discovery.skeleton).

Checked against: the d-separation oracle (the skeleton of the true DAG, and
every recorded separating set really separates), brute-force sequential
search written here from the definition (same first separating set), and
causal-learn's ``skeleton_discovery`` on the same data (identical skeleton and
the same union of separating-set members that its sepsets hold).
"""

from __future__ import annotations

import warnings
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from causalscope.datasets import random_dag, simulate
from causalscope.discovery import Knowledge, learn_skeleton, resolve_ci_test
from causalscope.discovery.base import check_alpha
from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.graphs import DAG
from causalscope.independence import CachedCITest, DSeparationOracle, FisherZ


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 9), seed=st.integers(0, 10_000), stable=st.booleans())
def test_oracle_skeleton_is_true_skeleton(n, seed, stable):
    dag = random_dag(n, expected_degree=2.5, random_state=seed)
    skel = learn_skeleton(CachedCITest(DSeparationOracle(dag)), alpha=0.5, stable=stable)
    d = dag.directed_matrix()
    assert np.array_equal(skel.adjacency, d | d.T)
    oracle = DSeparationOracle(dag)
    for (i, j), s in skel.sepsets.items():
        assert i < j and oracle.test(skel.nodes[i], skel.nodes[j], [skel.nodes[v] for v in s]).p_value == 1.0
        assert set(s) <= skel.sepset_members[(i, j)]


def _brute_force_stable(test, alpha, p):
    """Stable PC skeleton written from the definition (Colombo & Maathuis 2014, Alg. 4.1)."""
    adj = ~np.eye(p, dtype=bool)
    sep = {}
    k = 0
    while (adj.sum(axis=1) - 1 >= k).any():
        frozen = adj.copy()
        for x in range(p):
            for y in np.flatnonzero(frozen[x]):
                others = [v for v in np.flatnonzero(frozen[x]) if v != y]
                for s in combinations(others, k):
                    pv = test.p_values(np.array([x]), np.array([y]), np.array([s], dtype=np.intp).reshape(1, k))[0]
                    if pv > alpha:
                        key = (min(x, y), max(x, y))
                        sep.setdefault(key, s)
                        adj[x, y] = adj[y, x] = False
                        break
        k += 1
    return adj, sep


def test_matches_brute_force_definition():
    sim = simulate(8, 300, expected_degree=3, random_state=4)
    test = FisherZ(sim.data)
    skel = learn_skeleton(CachedCITest(test), alpha=0.05)
    adj, sep = _brute_force_stable(test, 0.05, 8)
    assert np.array_equal(skel.adjacency, adj)
    assert skel.sepsets == {k: tuple(int(v) for v in s) for k, s in sep.items()}


@pytest.mark.parametrize("seed", [0, 1])
def test_matches_causallearn_skeleton_and_sepsets(seed):
    """Reference: causal-learn skeleton_discovery(stable=True) on the same data."""
    sd = pytest.importorskip("causallearn.utils.PCUtils.SkeletonDiscovery")
    from causallearn.utils.cit import CIT

    sim = simulate(15, 500, expected_degree=3, random_state=seed)
    x = sim.data.to_numpy(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cg = sd.skeleton_discovery(x, 0.05, CIT(x, "fisherz"), stable=True, show_progress=False)
    ours = learn_skeleton(resolve_ci_test("fisherz", sim.data)[0], alpha=0.05)
    assert np.array_equal(ours.adjacency, cg.G.graph != 0)
    for (i, j), members in ours.sepset_members.items():
        theirs = set().union(*[set(s) for s in cg.sepset[i, j]])
        assert members == theirs


def test_knowledge_in_the_skeleton():
    dag = DAG(edges=["A --> B", "B --> C"])
    know = Knowledge(forbidden=[("A", "B"), ("B", "A")], required=[("A", "C")])
    skel = learn_skeleton(CachedCITest(DSeparationOracle(dag)), alpha=0.05, knowledge=know)
    assert skel.edges() == [("A", "C"), ("B", "C")]
    assert skel.sepset("A", "B") == ()


def test_initial_max_cond_and_counts():
    dag = DAG(edges=["A --> B", "B --> C", "C --> D"])
    test = CachedCITest(DSeparationOracle(dag))
    skel = learn_skeleton(test, alpha=0.05, max_cond_size=0)
    assert skel.max_level == 0 and skel.n_tests == 6
    init = np.zeros((4, 4), dtype=bool)
    init[0, 1] = init[1, 0] = True
    skel = learn_skeleton(CachedCITest(DSeparationOracle(dag)), alpha=0.05, initial=init)
    assert skel.edges() == [("A", "B")]
    assert skel.to_dict()["edges"] == ["A --- B"]


def test_resolve_ci_test_and_alpha_errors():
    sim = simulate(4, 100, random_state=0)
    with pytest.raises(DataError, match="X1"):
        resolve_ci_test("chisq", sim.data)
    with pytest.raises(InvalidParameterError, match="ci_test"):
        resolve_ci_test("nope", sim.data)
    with pytest.raises(InvalidParameterError, match="data"):
        resolve_ci_test("fisherz", None)
    t, names = resolve_ci_test("auto", sim.data)
    assert t.method == "fisherz" and names == tuple(sim.data.columns)
    for bad in (0, 1, -1, "a", None, True):
        with pytest.raises(InvalidParameterError, match="alpha"):
            check_alpha(bad)
    with pytest.raises(InvalidParameterError, match="max_cond_size"):
        learn_skeleton(t, alpha=0.05, max_cond_size=-1)


def test_n_jobs_gives_the_same_result():
    """Batches split over 2 worker processes: same skeleton, sepsets and test count as serial."""
    sim = simulate(30, 500, expected_degree=3, random_state=2)
    one = learn_skeleton(resolve_ci_test("fisherz", sim.data)[0], alpha=0.05, n_jobs=1)
    two = learn_skeleton(resolve_ci_test("fisherz", sim.data)[0], alpha=0.05, n_jobs=2)
    assert np.array_equal(one.adjacency, two.adjacency)
    assert one.sepsets == two.sepsets and one.n_tests == two.n_tests
    with pytest.raises(InvalidParameterError, match="n_jobs"):
        learn_skeleton(resolve_ci_test("fisherz", sim.data)[0], alpha=0.05, n_jobs=0)
