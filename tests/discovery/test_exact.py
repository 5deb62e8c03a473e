"""Exact search: the returned DAG has the maximal score.

References:

- brute force: every DAG on p <= 5 nodes, enumerated here independently (all
  directed graphs as bit patterns, kept when acyclic) and scored with
  ``score.score_graph``; ties are handled by comparing scores, not graphs;
- causal-learn's ``bic_exact_search`` (dynamic programming / A*) on the same
  data, p = 8 (fast) and p = 12 (slow): we compare *our* score of both DAGs
  (causal-learn's BIC, ``n log(RSS/n) + |S| log n``, is ``-2`` times ours up to a
  per-node constant, so both optima coincide).
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from causalscope.datasets import simulate
from causalscope.discovery.exact import MAX_EXACT_NODES, ExactSearch, exact_search
from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.graphs import DAG, dag_to_cpdag
from causalscope.scores import make_score


def brute_force_dags(p: int) -> list[np.ndarray]:
    """All acyclic directed graphs on p nodes as boolean adjacency matrices (independent enumeration)."""
    pairs = [(i, j) for i in range(p) for j in range(p) if i != j]
    codes = np.arange(1 << len(pairs), dtype=np.int64)
    adj = np.zeros((len(codes), p, p), dtype=np.int64)
    for b, (i, j) in enumerate(pairs):
        adj[:, i, j] = (codes >> b) & 1
    power = adj.copy()
    for _ in range(p):  # acyclic iff adj is nilpotent
        power = np.minimum(power @ adj, 1)
    keep = ~power.any(axis=(1, 2))
    return list(adj[keep].astype(bool))


_BRUTE: dict[int, list[np.ndarray]] = {}


def best_by_brute_force(score, names, allowed=lambda a: True) -> tuple[float, int]:
    """The best total score over all (allowed) DAGs; families scored once by score.local_score."""
    p = len(names)
    if p not in _BRUTE:
        _BRUTE[p] = brute_force_dags(p)
    dags = np.array([a for a in _BRUTE[p] if allowed(a)])
    masks = (dags * (1 << np.arange(p))[None, :, None]).sum(axis=1)  # parents of i as bits
    local = np.full((p, 1 << p), -np.inf)
    for i in range(p):
        for m in range(1 << p):
            if not (m >> i) & 1:
                local[i, m] = score.local_score(i, [j for j in range(p) if (m >> j) & 1])
    totals = sum(local[i, masks[:, i]] for i in range(p))
    return float(totals.max()), len(dags)


def test_brute_force_enumerator_counts() -> None:
    # Robinson (1973): 1, 3, 25, 543 labelled DAGs.
    assert [len(brute_force_dags(p)) for p in (1, 2, 3, 4)] == [1, 3, 25, 543]


@pytest.mark.parametrize(("p", "score", "seed"), [(4, "bic", 0), (5, "bic", 1), (4, "bge", 2), (4, "bdeu", 3)])
def test_optimal_against_brute_force(p: int, score: str, seed: int) -> None:
    discrete = 1.0 if score == "bdeu" else 0.0
    sim = simulate(p, 300, expected_degree=2.0, discrete=discrete, random_state=seed)
    est = ExactSearch(score=score).fit(sim.data)
    sc = make_score(score, sim.data)
    best, _ = best_by_brute_force(sc, est.variables_)
    assert est.score_ == pytest.approx(best, abs=1e-7)
    assert sc.score_graph(est.graph_) == pytest.approx(est.score_, abs=1e-9)
    assert est.cpdag_ == dag_to_cpdag(est.graph_)


def test_max_parents_and_knowledge_against_brute_force() -> None:
    sim = simulate(5, 400, expected_degree=3.0, random_state=7)
    names = tuple(sim.data.columns)
    sc = make_score("bic", sim.data)
    est = ExactSearch(max_parents=1).fit(sim.data)
    assert max(len(est.graph_.parents(v)) for v in names) <= 1
    best, _ = best_by_brute_force(sc, names, lambda a: a.sum(axis=0).max() <= 1)
    assert est.score_ == pytest.approx(best, abs=1e-7)

    a_, b_, c_ = names[0], names[1], names[2]
    knowledge = {"forbidden": [(a_, b_)], "required": [(c_, a_)]}
    est = ExactSearch(knowledge=knowledge).fit(sim.data)
    assert not est.graph_.has_edge(f"{a_} --> {b_}") and est.graph_.has_edge(f"{c_} --> {a_}")
    best, _ = best_by_brute_force(sc, names, lambda a: (not a[0, 1]) and bool(a[2, 0]))
    assert est.score_ == pytest.approx(best, abs=1e-7)


def _cl_graph(names: tuple[str, ...], adj: np.ndarray) -> DAG:
    return DAG(names, [f"{names[i]} --> {names[j]}" for i, j in zip(*np.nonzero(adj))])


@pytest.mark.parametrize("p", [8, pytest.param(12, marks=pytest.mark.slow)])
def test_optimal_against_causal_learn(p: int) -> None:
    # Reference: causal-learn bic_exact_search (DP) on the same array; ours >= theirs.
    from causallearn.search.ScoreBased.ExactSearch import bic_exact_search

    sim = simulate(p, 1000, expected_degree=2.0, random_state=p)
    x = np.asarray(sim.data.values)
    ref_adj, _ = bic_exact_search(x, search_method="dp")
    est = ExactSearch().fit(sim.data)
    sc = make_score("bic", sim.data)
    ref_score = sc.score_graph(_cl_graph(est.variables_, np.asarray(ref_adj)))
    assert est.score_ >= ref_score - 1e-6
    assert est.score_ == pytest.approx(ref_score, abs=1e-6)  # both are optimal


def test_recovers_structure_with_plenty_of_data() -> None:
    # Oracle-like: with n = 20,000 linear-Gaussian samples the optimum's CPDAG is the true one.
    sim = simulate(6, 20000, expected_degree=2.0, random_state=11)
    est = ExactSearch().fit(sim.data)
    assert est.cpdag_ == sim.cpdag


def test_function_estimator_conventions_and_progress() -> None:
    sim = simulate(5, 200, random_state=3)
    calls: list[tuple[int, int | None, str]] = []
    est = ExactSearch(score="bic", score_params={"penalty_discount": 2.0}, progress=lambda *a: calls.append(a))
    assert est.fit(sim.data) is est
    assert calls and calls[-1][0] == calls[-1][1]
    first = est.graph_
    assert est.fit(sim.data).graph_ == first  # refit is idempotent
    assert exact_search(sim.data, score_params={"penalty_discount": 2.0}) == first
    plain = ExactSearch(score_params={"penalty_discount": 2.0}).fit(sim.data)
    clone = pickle.loads(pickle.dumps(plain))
    assert clone.graph_ == first and clone.score_ == est.score_
    # column order does not change the optimum's score
    frame = sim.data
    shuffled = ExactSearch(score_params={"penalty_discount": 2.0}).fit(frame[list(frame.columns[::-1])])
    assert shuffled.score_ == pytest.approx(est.score_, abs=1e-7)
    from causalscope.discovery import DISCOVERY_ALGORITHMS, make_algorithm

    assert DISCOVERY_ALGORITHMS["exact"] is ExactSearch
    assert make_algorithm("exact", max_parents=2).max_parents == 2
    # a ready score object is accepted
    sc = make_score("bic", sim.data, penalty_discount=2.0)
    assert ExactSearch(score=sc).fit(sim.data).score_ == pytest.approx(est.score_)


def test_bad_input_raises_typed_errors() -> None:
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.normal(size=(50, MAX_EXACT_NODES + 1)), columns=[f"V{i}" for i in range(21)])
    with pytest.raises(InvalidParameterError, match="allow_large=True"):
        ExactSearch().fit(wide)
    sim = simulate(4, 100, random_state=0)
    with pytest.raises(InvalidParameterError, match="max_parents"):
        ExactSearch(max_parents=-1).fit(sim.data)
    with pytest.raises(DataError, match="discrete"):
        ExactSearch(score="bdeu").fit(sim.data)
    with pytest.raises(InvalidParameterError, match="penalty_discount"):
        ExactSearch(score_params={"penalty_discount": -2}).fit(sim.data)
    a, b = list(sim.data.columns)[:2]
    with pytest.raises(InvalidParameterError, match="required parents"):
        ExactSearch(max_parents=0, knowledge={"required": [(a, b)]}).fit(sim.data)

