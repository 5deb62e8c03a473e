"""The exact posterior over DAGs: Koivisto-Sood edge probabilities and full enumeration.

References:

- brute force under the SAME order-modular prior: every node order (all p!
  permutations) times every DAG compatible with it (from an independent
  enumeration of all acyclic directed graphs as bit patterns),
  weight ``prod_i q_i(Pa_i) exp(s(i, Pa_i))``; edge probabilities must agree with
  the dynamic programme to 1e-9 (p = 4 and 5; BGe, BDeu; both q's; with an
  in-degree bound);
- published counts: labelled DAGs (Robinson 1973: 25, 543, 29281, 3781503) and
  Markov equivalence classes (Gillispie & Perlman 2001: 185 for p = 4, 8782 for p = 5);
- the enumeration's probabilities sum to one, and a DAG's posterior under the
  uniform prior is ``exp(score) / sum exp(score)`` over the independently enumerated DAGs.
"""

from __future__ import annotations

import itertools
import math
import pickle

import numpy as np
import pytest
from scipy.special import comb, logsumexp

from causalscope.datasets import simulate
from causalscope.discovery.posterior import (
    EdgePosterior,
    ExactPosterior,
    all_dags,
    edge_posteriors,
    posterior_enumeration,
)
from causalscope.exceptions import InvalidParameterError
from causalscope.graphs import dag_to_cpdag, enumerate_dags
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

_DAGS: dict[int, list[np.ndarray]] = {}


def _dags(p: int) -> list[np.ndarray]:
    if p not in _DAGS:
        _DAGS[p] = brute_force_dags(p)
    return _DAGS[p]


def brute_force_order_modular(score, p: int, q: str, max_parents: int | None = None) -> tuple[np.ndarray, float]:
    """Edge posteriors and log sum over (order, compatible DAG) pairs, by plain enumeration."""
    dags = [a for a in _dags(p) if max_parents is None or a.sum(axis=0).max() <= max_parents]
    logq = (lambda k: -math.log(comb(p - 1, k, exact=True))) if q == "size_uniform" else (lambda k: 0.0)
    stack = np.array(dags)
    # each family's local score once (score.local_score), gathered by parent bit mask
    masks = (stack * (1 << np.arange(p))[None, :, None]).sum(axis=1)  # (N, p): parents of i as bits
    local = np.full((p, 1 << p), -np.inf)
    for i in range(p):
        for m in range(1 << p):
            if not (m >> i) & 1:
                ps = [j for j in range(p) if (m >> j) & 1]
                local[i, m] = score.local_score(i, ps) + logq(len(ps))
    log_weight = sum(local[i, masks[:, i]] for i in range(p))
    terms, feats = [], []
    for order in itertools.permutations(range(p)):
        pos = np.empty(p, dtype=int)
        pos[list(order)] = np.arange(p)
        later = pos[:, None] < pos[None, :]  # later[j, i]: j before i, so j --> i allowed
        ok = ~(stack & ~later).any(axis=(1, 2))
        terms.append(log_weight[ok])
        feats.append(stack[ok])
    logw = np.concatenate(terms)
    adj = np.concatenate(feats)
    log_total = float(logsumexp(logw))
    post = np.exp(logw - log_total)
    return np.tensordot(post, adj.astype(float), axes=1), log_total


def _prior_log_total(p: int, q: str, max_parents: int | None = None) -> float:
    class Zero:
        def local_score(self, i, ps):
            return 0.0

    return brute_force_order_modular(Zero(), p, q, max_parents)[1]


@pytest.mark.parametrize(
    ("p", "score", "q", "max_parents", "seed"),
    [
        (4, "bge", "size_uniform", None, 0),
        (4, "bdeu", "uniform", None, 1),
        (4, "bge", "uniform", 2, 2),
        (5, "bge", "size_uniform", None, 3),
        (5, "bdeu", "size_uniform", 2, 4),
    ],
)
def test_koivisto_sood_equals_brute_force(p: int, score: str, q: str, max_parents: int | None, seed: int) -> None:
    sim = simulate(p, 150, expected_degree=2.0, discrete=1.0 if score == "bdeu" else 0.0, random_state=seed)
    post = edge_posteriors(sim.data, score=score, prior=q, max_parents=max_parents)
    sc = make_score(score, sim.data)
    want, log_total = brute_force_order_modular(sc, p, q, max_parents)
    np.testing.assert_allclose(post.probabilities, want, atol=1e-9, rtol=0)
    assert 0.05 < want.max() and want.max() <= 1 + 1e-12  # a non-trivial posterior
    lml = log_total - _prior_log_total(p, q, max_parents)
    assert post.log_marginal_likelihood == pytest.approx(lml, abs=1e-8)
    # the enumeration's order-modular option is the same posterior
    enum = posterior_enumeration(
        sim.data, score=score, prior=f"order_modular_{q}", max_parents=max_parents  # type: ignore[arg-type]
    )
    np.testing.assert_allclose(enum.edge_probabilities, want, atol=1e-9, rtol=0)


def test_knowledge_sets_prior_zero_and_matches_brute_force() -> None:
    # Reference: the enumeration restricted to the DAGs that satisfy the knowledge.
    sim = simulate(4, 150, expected_degree=2.0, random_state=9)
    names = list(sim.data.columns)
    knowledge = {"forbidden": [(names[0], names[1])], "required": [(names[2], names[3])]}
    post = edge_posteriors(sim.data, score="bge", knowledge=knowledge)
    assert post.probabilities[0, 1] == 0.0 and post.probabilities[2, 3] == pytest.approx(1.0, abs=1e-12)
    enum = posterior_enumeration(sim.data, score="bge", knowledge=knowledge, prior="order_modular_size_uniform")
    np.testing.assert_allclose(post.probabilities, enum.edge_probabilities, atol=1e-9)
    uniform = posterior_enumeration(sim.data, score="bge", knowledge=knowledge)
    sc = make_score("bge", sim.data)
    ok = [a for a in _dags(4) if not a[0, 1] and a[2, 3]]
    logw = np.array([sum(sc.local_score(i, list(np.flatnonzero(a[:, i]))) for i in range(4)) for a in ok])
    want = np.tensordot(np.exp(logw - logsumexp(logw)), np.array(ok, dtype=float), axes=1)
    assert uniform.n_dags == len(ok)
    np.testing.assert_allclose(uniform.edge_probabilities, want, atol=1e-12)


def test_all_dags_and_classes_match_published_counts() -> None:
    from causalscope.discovery.posterior import _class_keys

    assert [all_dags(p)[0].shape[0] for p in range(0, 6)] == [1, 1, 3, 25, 543, 29281]
    for p, n_classes in [(4, 185), (5, 8782)]:  # Markov equivalence classes (Gillispie & Perlman)
        assert len(np.unique(_class_keys(all_dags(p)[0]), axis=0)) == n_classes
    sim = simulate(5, 100, random_state=0)
    res = posterior_enumeration(sim.data, score="bge", top=10)
    assert res.n_dags == 29281
    small = posterior_enumeration(sim.data.iloc[:, :4], score="bge", top=1000)
    assert len(small.top_dags) == 543 and len(small.top_classes) == 185
    assert sum(pr for _, pr, _ in small.top_classes) == pytest.approx(1.0, abs=1e-12)
    assert sum(pr for _, pr in small.top_dags) == pytest.approx(1.0, abs=1e-12)
    assert sum(n for _, _, n in small.top_classes) == 543
    # a class's probability is the sum over its members (enumerated by graphs.enumerate_dags)
    best_class, best_prob, size = res.top_classes[0]
    sc = make_score("bge", sim.data)
    log_pd = res.log_marginal_likelihood + math.log(29281)  # uniform prior 1/29281
    members = [math.exp(sc.score_graph(g) - log_pd) for g in enumerate_dags(best_class)]
    assert len(members) == size and sum(members) == pytest.approx(best_prob, rel=1e-9)


def test_enumeration_uniform_prior_equals_brute_force() -> None:
    # Reference: exp(score) normalised over the independent enumeration of the 543 DAGs.
    sim = simulate(4, 120, expected_degree=2.0, random_state=5)
    sc = make_score("bge", sim.data)
    dags = _dags(4)
    logw = np.array([sum(sc.local_score(i, list(np.flatnonzero(a[:, i]))) for i in range(4)) for a in dags])
    post = np.exp(logw - logsumexp(logw))
    stack = np.array(dags).astype(float)
    edge = np.tensordot(post, stack, axes=1)
    # ancestor feature: reachability by repeated boolean products
    reach = stack.copy()
    for _ in range(4):
        reach = np.minimum(reach + reach @ stack, 1.0)
    anc = np.tensordot(post, reach, axes=1)
    res = posterior_enumeration(sim.data, score="bge", top=3)
    np.testing.assert_allclose(res.edge_probabilities, edge, atol=1e-12)
    np.testing.assert_allclose(res.ancestor_probabilities, anc, atol=1e-12)
    assert res.top_dags[0][1] == pytest.approx(post.max(), abs=1e-12)
    assert res.log_marginal_likelihood == pytest.approx(logsumexp(logw) - math.log(543), abs=1e-9)
    # the order-modular prior is a different prior: the edge probabilities move
    om = posterior_enumeration(sim.data, score="bge", prior="order_modular_size_uniform")
    assert np.abs(om.edge_probabilities - res.edge_probabilities).max() > 1e-3


@pytest.mark.slow
def test_p6_enumeration_sums_to_one() -> None:
    sim = simulate(6, 200, expected_degree=2.0, random_state=8)
    res = posterior_enumeration(sim.data, score="bge", top=5)
    assert res.n_dags == 3781503
    assert sum(pr for _, pr, _ in res.top_classes) <= 1.0 + 1e-12
    e = res.edge_probabilities
    assert np.all(e + e.T <= 1.0 + 1e-12) and np.all(np.diag(e) == 0)
    assert np.all(res.ancestor_probabilities >= e - 1e-12)  # an edge is a path


def test_posterior_concentrates_on_the_truth() -> None:
    sim = simulate(5, 10000, expected_degree=2.0, random_state=21)
    post = edge_posteriors(sim.data, score="bge")
    truth = sim.graph.directed_matrix()
    cp = sim.cpdag
    names = sim.graph.nodes
    for i, j in zip(*np.nonzero(truth)):
        both = post.probabilities[i, j] + post.probabilities[j, i]
        assert both > 0.9  # the adjacency is found
        if cp.has_edge(f"{names[i]} --> {names[j]}"):
            assert post.probabilities[i, j] > 0.9  # compelled edges get their direction


def test_results_api_and_estimator() -> None:
    sim = simulate(4, 200, random_state=2)
    post = edge_posteriors(sim.data, score="bge", max_parents=2)
    assert isinstance(post, EdgePosterior) and post.score == "bge" and post.max_parents == 2
    frame = post.to_frame()
    assert list(frame.columns) == list(sim.data.columns)
    a, b = frame.columns[:2]
    assert post.probability(a, b) == frame.loc[a, b]
    d = post.to_dict()
    assert d["nodes"] == list(post.nodes) and len(d["probabilities"]) == 4
    with pytest.raises(ValueError):
        post.probabilities[0, 1] = 0.5  # frozen
    from causalscope.discovery import DISCOVERY_ALGORITHMS

    assert DISCOVERY_ALGORITHMS["exact_posterior"] is ExactPosterior
    est = ExactPosterior(score="bge", max_parents=2)
    assert est.fit(sim.data) is est
    assert pickle.loads(pickle.dumps(est)).posterior_.probabilities.tolist() == post.probabilities.tolist()
    np.testing.assert_allclose(est.edge_probabilities_, post.probabilities)
    assert est.cpdag_ == dag_to_cpdag(est.graph_)
    enum = posterior_enumeration(sim.data, score="bge", top=2)
    assert set(enum.to_dict()) >= {"top_dags", "top_classes", "edge_probabilities"}


def test_bad_input() -> None:
    sim = simulate(7, 50, random_state=0)
    with pytest.raises(InvalidParameterError, match="max_nodes"):
        posterior_enumeration(sim.data, score="bge")
    with pytest.raises(InvalidParameterError, match="prior"):
        edge_posteriors(sim.data, prior="flat")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="all_dags"):
        all_dags(7)
