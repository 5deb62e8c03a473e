"""Tests of DirectLiNGAM (causalscope.discovery.lingam).

References checked against:
- the ``lingam`` package's ``DirectLiNGAM`` (same data, default settings: the
  pairwise likelihood-ratio measure and adaptive-lasso pruning): causal order
  and pruned weights;
- the true DAG of simulated linear non-Gaussian models (large n);
- OLS by numpy for the unpruned weights; antisymmetry of the pairwise measure
  (a property of its definition).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from causalscope.datasets import simulate
from causalscope.discovery.lingam import DirectLiNGAM, LiNGAMResult, direct_lingam, pairwise_measure
from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.graphs import DAG


def _lingam_reference(x: np.ndarray):
    lingam = pytest.importorskip("lingam")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lingam.DirectLiNGAM().fit(x)


def _compare_with_lingam(cases) -> None:
    agree_order = agree_support = 0
    worst = 0.0
    for p, noise, seed in cases:
        sim = simulate(p, 2000, noise=noise, random_state=seed)
        ours = DirectLiNGAM().fit(sim.data)
        ref = _lingam_reference(sim.data.to_numpy())
        ref_order = tuple(sim.data.columns[i] for i in ref.causal_order_)
        agree_order += ours.causal_order_ == ref_order
        agree_support += bool(np.array_equal(ours.adjacency_matrix_ != 0, ref.adjacency_matrix_ != 0))
        worst = max(worst, float(np.abs(ours.adjacency_matrix_ - ref.adjacency_matrix_).max()))
    n = len(cases)
    print(
        f"\nDirectLiNGAM vs lingam (p={sorted({c[0] for c in cases})}): causal order equal in {agree_order}/{n}, "
        f"pruned support equal in {agree_support}/{n}, max |weight difference| {worst:.2e}"
    )
    assert agree_order == n
    assert agree_support >= n - 1
    if agree_support == n:
        assert worst < 1e-8


def test_same_causal_order_and_weights_as_lingam_package_p10():
    """Reference: lingam.DirectLiNGAM on the same data (p = 10; uniform and Laplace noise, 2 seeds each)."""
    _compare_with_lingam([(10, noise, seed) for noise in ("uniform", "laplace") for seed in (0, 1)])


@pytest.mark.slow
def test_same_causal_order_and_weights_as_lingam_package_p20():
    """Reference: lingam.DirectLiNGAM on the same data (p = 20; uniform and Laplace noise)."""
    _compare_with_lingam([(20, "uniform", 0), (20, "laplace", 1)])


@pytest.mark.parametrize("noise", ["uniform", "laplace", "exponential"])
def test_recovers_true_dag_with_many_samples(noise):
    """Reference: the simulated true DAG (linear, non-Gaussian noise, n = 5000)."""
    sim = simulate(6, 5000, noise=noise, random_state=3)
    model = DirectLiNGAM().fit(sim.data)
    assert model.graph_ == sim.graph
    order = {v: k for k, v in enumerate(model.causal_order_)}
    assert all(order[e.source] < order[e.target] for e in sim.graph.edges)


def test_weights_match_the_simulated_coefficients_scale():
    """Reference: a hand-built SEM with known coefficients."""
    rng = np.random.default_rng(0)
    n = 20000
    a = rng.uniform(-1, 1, n)
    b = 2.0 * a + rng.uniform(-1, 1, n)
    c = -0.7 * b + 0.5 * a + rng.uniform(-1, 1, n)
    model = DirectLiNGAM().fit(pd.DataFrame({"c": c, "b": b, "a": a}))
    assert model.causal_order_ == ("a", "b", "c")
    w = model.weights_
    assert w.loc["b", "a"] == pytest.approx(2.0, abs=0.03)
    assert w.loc["c", "b"] == pytest.approx(-0.7, abs=0.03)
    assert w.loc["c", "a"] == pytest.approx(0.5, abs=0.05)
    assert w.loc["a", "b"] == 0.0
    # B[i, j] = effect of j on i, in data column order
    assert model.adjacency_matrix_[1, 2] == w.loc["b", "a"]


def test_pairwise_measure_is_antisymmetric_and_points_the_right_way():
    """Reference: R(i, j) = -R(j, i) by definition; sign favours the true direction."""
    rng = np.random.default_rng(1)
    x = rng.laplace(size=3000)
    y = x + rng.laplace(size=3000)
    z = rng.uniform(size=3000) - 0.5 + 0.3 * y
    r = pairwise_measure(pd.DataFrame({"x": x, "y": y, "z": z}))
    assert np.allclose(r.to_numpy(), -r.to_numpy().T, atol=1e-12)
    assert r.loc["x", "y"] > 0
    assert r.loc["y", "z"] > 0


def test_prune_none_gives_ols_on_predecessors():
    """Reference: numpy least squares on the predecessors in the found order."""
    sim = simulate(5, 1000, noise="uniform", random_state=2)
    model = DirectLiNGAM(prune="none").fit(sim.data)
    x = sim.data.to_numpy()
    x = x - x.mean(axis=0)
    names = list(sim.data.columns)
    order = [names.index(v) for v in model.causal_order_]
    for pos in range(1, len(order)):
        target, preds = order[pos], order[:pos]
        coef = np.linalg.lstsq(x[:, preds], x[:, target], rcond=None)[0]
        assert np.allclose(model.adjacency_matrix_[target, preds], coef)
    assert model.graph_.n_edges == 10  # complete DAG over the order


def test_ols_threshold_prunes_small_standardised_weights():
    """Reference: the true DAG (strong weights, large n) and monotonicity in the threshold."""
    sim = simulate(6, 5000, noise="laplace", random_state=4)
    loose = DirectLiNGAM(prune="ols_threshold", threshold=0.0).fit(sim.data)
    strict = DirectLiNGAM(prune="ols_threshold", threshold=0.1).fit(sim.data)
    assert loose.graph_.n_edges == 15
    assert set(strict.graph_.edges) <= set(loose.graph_.edges)
    assert strict.graph_ == sim.graph


def test_knowledge_constrains_order_and_edges():
    """Reference: the definition of the knowledge (tiers order; forbidden edges absent)."""
    from causalscope.discovery.knowledge import Knowledge

    rng = np.random.default_rng(5)
    n = 3000
    a = rng.uniform(-1, 1, n)
    b = a + rng.uniform(-1, 1, n)
    c = b + rng.uniform(-1, 1, n)
    data = pd.DataFrame({"a": a, "b": b, "c": c})
    free = DirectLiNGAM().fit(data)
    assert free.causal_order_ == ("a", "b", "c")
    # tiers put c first: the order must honour them
    tiered = DirectLiNGAM(knowledge=Knowledge(tiers=[["c"], ["a", "b"]])).fit(data)
    assert tiered.causal_order_[0] == "c"
    forbidden = DirectLiNGAM(knowledge=Knowledge(forbidden=[("b", "c")])).fit(data)
    assert not forbidden.graph_.has_edge("b --> c")
    required = DirectLiNGAM(knowledge=Knowledge(required=[("a", "c")])).fit(data)
    assert required.graph_.has_edge("a --> c")


def test_estimator_contract():
    """The result object and the function form (the generic conventions: tests/test_common.py)."""
    sim = simulate(5, 800, noise="uniform", random_state=6)
    frame = sim.data.copy()
    model = DirectLiNGAM().fit(frame)
    assert isinstance(model.result_, LiNGAMResult)
    d = model.result_.to_dict()
    assert d["causal_order"] == list(model.causal_order_)
    assert isinstance(direct_lingam(frame), DAG)
    # column order does not change the answer up to relabelling
    shuffled = DirectLiNGAM().fit(frame[list(reversed(frame.columns))])
    assert shuffled.graph_ == model.graph_


def test_bad_input_raises_typed_errors():
    """Reference: the documented errors."""
    data = simulate(3, 200, noise="uniform", random_state=0).data
    with pytest.raises(InvalidParameterError, match="prune"):
        DirectLiNGAM(prune="lasso").fit(data)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="measure"):
        DirectLiNGAM(measure="kernel").fit(data)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="threshold"):
        DirectLiNGAM(threshold=-1.0).fit(data)
    with pytest.raises(DataError, match="at least 2 variables"):
        DirectLiNGAM().fit(data[["X1"]])
    bad = data.copy()
    bad.iloc[0, 0] = np.inf
    with pytest.raises(DataError):
        DirectLiNGAM().fit(bad)
    with pytest.raises(DataError, match="categorical"):
        DirectLiNGAM().fit(data.assign(X4=np.arange(len(data)) % 2 == 0))
    dup = data.assign(X4=2 * data["X1"])
    with pytest.raises(DataError, match="collinear|constant"):
        DirectLiNGAM().fit(dup)
