"""Tests of hyperparameter tuning (causalscope.pipeline.tuning).

What each check is against:
- the held-out Gaussian log-likelihood recomputed by hand with scikit-learn's
  LinearRegression and scipy.stats.norm.logpdf;
- the held-out discrete log-likelihood recomputed by hand from counts with
  BDeu pseudo-counts;
- the "bic" criterion recomputed from the scores layer on the graph PC returns;
- simulated linear-Gaussian data with a known DAG: the chosen setting's SHD is
  no worse than the worst grid value's;
- the StARS rule of Liu, Roeder & Wasserman (2010): the chosen setting is the
  densest whose monotonised instability is <= beta.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from sklearn.linear_model import LinearRegression

from causalscope.datasets import simulate
from causalscope.discovery import GES, PC
from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.graphs import DAG, cpdag_to_dag, parse_graph, shd
from causalscope.pipeline import dag_in_class, default_grid, heldout_loglik, tune
from causalscope.scores import make_score


@pytest.fixture(scope="module")
def sim():
    return simulate(8, 800, expected_degree=2.5, random_state=21)


def test_heldout_gaussian_by_hand():
    rng = np.random.default_rng(0)
    n = 300
    a = rng.normal(size=n)
    c = rng.normal(size=n)
    b = 1.5 * a - c + 0.5 * rng.normal(size=n)
    frame = pd.DataFrame({"A": a, "B": b, "C": c})
    train, test = frame.iloc[:200], frame.iloc[200:]
    dag = DAG(["A", "B", "C"], [("A", "B"), ("C", "B")])
    expected = 0.0
    for v, pa in (("A", []), ("C", []), ("B", ["A", "C"])):
        if pa:
            lr = LinearRegression().fit(train[pa], train[v])
            mean_tr, mean_te = lr.predict(train[pa]), lr.predict(test[pa])
        else:
            mean_tr = np.full(200, train[v].mean())
            mean_te = np.full(100, train[v].mean())
        sd = np.sqrt(np.mean((train[v] - mean_tr) ** 2))  # maximum-likelihood variance
        expected += norm.logpdf(test[v], loc=mean_te, scale=sd).sum()
    assert heldout_loglik(dag, train, test) == pytest.approx(expected / 100, rel=1e-10)


def test_heldout_discrete_by_hand():
    frame = pd.DataFrame({"A": list("xxyyxy"), "B": list("011111")})
    train, test = frame.iloc[:4], frame.iloc[4:]
    dag = DAG(["A", "B"], [("A", "B")])
    # BDeu ess=1: A has q=1, r=2 -> pseudo 1/2; B | A has q=2, r=2 -> pseudo 1/4
    p_a = {"x": (2 + 0.5) / (4 + 1), "y": (2 + 0.5) / (4 + 1)}
    # train: A=x -> B=0,1 ; A=y -> B=1,1
    p_b = {("x", "1"): (1 + 0.25) / (2 + 0.5), ("y", "1"): (2 + 0.25) / (2 + 0.5)}
    expected = np.log(p_a["x"] * p_b[("x", "1")]) + np.log(p_a["y"] * p_b[("y", "1")])
    assert heldout_loglik(dag, train, test) == pytest.approx(expected / 2, rel=1e-12)


def test_bic_criterion_matches_scores_layer(sim):
    res = tune(sim.data, "pc", {"alpha": [0.01, 0.1]}, method="bic")
    for setting, value in zip(res.tried, res.values):
        graph = PC(alpha=setting["alpha"]).fit(sim.data).graph_
        assert value == pytest.approx(make_score("bic", sim.data).score_graph(cpdag_to_dag(graph)))
    assert res.chosen == res.tried[int(np.argmax(res.values))] or res.values[0] == res.values[1]


@pytest.mark.parametrize("method", ["heldout_likelihood", "bic", "stability"])
def test_chosen_alpha_is_reasonable(sim, method):
    res = tune(sim.data, "pc", method=method, random_state=0, n_splits=3, n_subsamples=8)
    assert [t["alpha"] for t in res.tried] == [0.001, 0.01, 0.05, 0.1]
    shds = [shd(PC(alpha=t["alpha"]).fit(sim.data).graph_, sim.cpdag) for t in res.tried]
    chosen = shd(PC(**res.chosen).fit(sim.data).graph_, sim.cpdag)
    assert chosen <= max(shds)
    assert res.reason and str(res.chosen["alpha"]) in res.reason
    d = res.to_dict()
    assert d["chosen"] == res.chosen and len(d["tried"]) == 4


def test_heldout_prefers_true_structure_over_empty():
    # the sparsest setting finds nothing; a held-out likelihood must prefer the real edges
    s = simulate(5, 600, expected_degree=2.0, random_state=3)
    res = tune(s.data, "ges", {"penalty_discount": [1.0, 1e6]}, random_state=1, n_splits=3)
    assert res.n_edges[1] == 0 and res.chosen == {"penalty_discount": 1.0}
    assert res.values[0] > res.values[1]


def test_ges_penalty_goes_into_score_params(sim):
    res = tune(sim.data, GES(), random_state=0, n_splits=2)
    assert [t["penalty_discount"] for t in res.tried] == [0.5, 1.0, 2.0, 4.0]
    assert res.n_edges[0] >= res.n_edges[-1]  # a larger penalty never gives more edges here


def test_discrete_tuning():
    s = simulate(5, 800, discrete=1.0, random_state=4)
    res = tune(s.data, "pc", {"alpha": [0.01, 0.1]}, random_state=0, n_splits=3)
    assert res.criterion.startswith("mean held-out discrete BN")
    res_bic = tune(s.data, "pc", {"alpha": [0.01, 0.1]}, method="bic")
    assert res_bic.criterion.startswith("BDeu")


def test_stars_rule(sim):
    res = tune(sim.data, "pc", method="stability", n_subsamples=6, random_state=2, beta=0.05)
    order = sorted(range(4), key=lambda k: (res.n_edges[k], k))
    mono = [res.values[k] for k in order]
    assert mono == sorted(mono)  # monotone from sparse to dense
    ok = [k for k in order if res.values[k] <= 0.05]
    assert res.chosen == res.tried[ok[-1] if ok else order[0]]
    assert not res.higher_is_better


def test_deterministic(sim):
    a = tune(sim.data, "pc", {"alpha": [0.01, 0.1]}, random_state=5, n_splits=3)
    b = tune(sim.data, "pc", {"alpha": [0.01, 0.1]}, random_state=5, n_splits=3, n_jobs=2)
    assert a == b
    c = tune(sim.data, "pc", {"alpha": [0.01, 0.1]}, method="stability", n_subsamples=4, random_state=5)
    d = tune(sim.data, "pc", {"alpha": [0.01, 0.1]}, method="stability", n_subsamples=4, random_state=5, n_jobs=2)
    assert c == d


def test_dag_in_class():
    cycle4 = parse_graph("A --- B; B --- C; C --- D; D --- A", kind="cpdag")  # no consistent extension
    dag = dag_in_class(cycle4)
    assert isinstance(dag, DAG) and dag.skeleton() == cycle4.skeleton()
    pag = parse_graph("A o-> B; C <-> B; C --> D", kind="pag")
    dag = dag_in_class(pag)
    assert dag.has_edge("C --> D") and dag.skeleton() == pag.skeleton()


def test_bad_input(sim):
    with pytest.raises(InvalidParameterError, match="method"):
        tune(sim.data, "pc", method="aic")
    with pytest.raises(InvalidParameterError, match="grid parameter 'penalty_discount'"):
        tune(sim.data, "pc", {"penalty_discount": [1, 2]})
    with pytest.raises(InvalidParameterError, match="unknown discovery algorithm"):
        tune(sim.data, "foo")
    with pytest.raises(InvalidParameterError, match="n_splits"):
        tune(sim.data, "pc", n_splits=1)
    with pytest.raises(InvalidParameterError, match="beta"):
        tune(sim.data, "pc", method="stability", beta=0.9)
    with pytest.raises(InvalidParameterError, match="no default tuning grid"):
        default_grid("lingam")
    mixed = sim.data.copy()
    mixed["X1"] = (mixed["X1"] > 0).astype(int)
    with pytest.raises(DataError, match="mix"):
        tune(mixed, "pc", {"alpha": [0.05]}, random_state=0)


def test_dataset_input_and_pickle(sim):
    import pickle

    from causalscope.data import Dataset

    a = tune(Dataset.from_frame(sim.data), "pc", {"alpha": [0.01, 0.1]}, random_state=3, n_splits=3)
    b = tune(sim.data, "pc", {"alpha": [0.01, 0.1]}, random_state=3, n_splits=3)
    assert a.values == pytest.approx(b.values) and a.chosen == b.chosen
    assert pickle.loads(pickle.dumps(a)) == a
