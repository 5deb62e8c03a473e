"""DiscreteBN: CPT validation, fitting, forward sampling and do().

Checked against
* hand-computed CPTs for maximum likelihood and the BDeu / K2 Dirichlet posterior
  means (counts written out in the test);
* the generating CPTs of a simulated network (fit recovery within a binomial
  5-sigma bound per cell, seeded);
* exact (variable-elimination) distributions for samples from the observational
  and intervened networks, by chi-square goodness of fit (seeded).
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from causalscope.data import Dataset
from causalscope.datasets import load_bayesnet
from causalscope.exceptions import DataError, GraphError, InvalidParameterError
from causalscope.graphs import DAG, parse_graph
from causalscope.scm import CPT, DiscreteBN, InvalidCPTError, QueryError


def two_node() -> DiscreteBN:
    g = DAG(["A", "B"], [("A", "B")])
    return DiscreteBN(g, {"A": ["a0", "a1"], "B": ["b0", "b1", "b2"]},
                      {"A": [0.3, 0.7], "B": [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]})


# --------------------------------------------------------------------------- validation
def test_cpt_validation_names_the_variable() -> None:
    st = {"A": ("0", "1"), "B": ("0", "1")}
    with pytest.raises(InvalidCPTError, match=r"CPT of 'B'.*shape \(2, 2\)") as info:
        CPT("B", ("A",), st, [[0.5, 0.5, 0.0]])
    assert info.value.variable == "B"
    with pytest.raises(InvalidCPTError, match=r"CPT of 'B'.*non-negative.*B=0 given A=1"):
        CPT("B", ("A",), st, [[0.5, 0.5], [-0.1, 1.1]])
    with pytest.raises(InvalidCPTError, match=r"CPT of 'B'.*row for A=1 sums to 0.9"):
        CPT("B", ("A",), st, [[0.5, 0.5], [0.5, 0.4]])
    with pytest.raises(InvalidCPTError, match="no state names given for 'A'"):
        CPT("B", ("A",), {"B": ("0", "1")}, [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(InvalidCPTError, match="distinct"):
        CPT("B", (), {"B": ("0", "0")}, [0.5, 0.5])
    # stochastic-matrix form (prod |pa|, |child|) is accepted and reshaped
    cpt = CPT("C", ("A", "B"), {**st, "C": ("x", "y")}, np.full((4, 2), 0.5))
    assert cpt.shape == (2, 2, 2)
    assert not cpt.table.flags.writeable


def test_network_validation() -> None:
    g = DAG(["A", "B"], [("A", "B")])
    states = {"A": ["0", "1"], "B": ["0", "1"]}
    with pytest.raises(InvalidCPTError, match="CPT of 'B': no CPT given"):
        DiscreteBN(g, states, {"A": [0.5, 0.5]})
    wrong = CPT("B", (), {"B": ("0", "1")}, [0.5, 0.5])
    with pytest.raises(InvalidCPTError, match=r"CPT of 'B'.*graph's parents are \['A'\]"):
        DiscreteBN(g, states, {"A": [0.5, 0.5], "B": wrong})
    with pytest.raises(InvalidParameterError, match=r"no state names for \['B'\]"):
        DiscreteBN(g, {"A": ["0", "1"]}, {"A": [0.5, 0.5], "B": [[1, 0], [0, 1]]})
    with pytest.raises(GraphError):
        DiscreteBN(parse_graph("A --- B"), states, {})  # type: ignore[arg-type]
    with pytest.raises(GraphError):
        DiscreteBN.from_cpts([CPT("A", ("B",), states, [[1, 0], [0, 1]]), CPT("B", ("A",), states, [[1, 0], [0, 1]])])


def test_value_semantics_pickle_and_eq() -> None:
    bn = two_node()
    assert pickle.loads(pickle.dumps(bn)) == bn
    assert bn.do({"B": "b1"}) != bn
    assert bn.n_parameters == 1 + 2 * 2
    assert bn.parents("B") == ("A",) and bn.cpt("B").row(A="a1") == {"b0": 0.6, "b1": 0.3, "b2": 0.1}
    with pytest.raises(TypeError):
        bn.states["A"] = ("x",)  # type: ignore[index]
    assert bn.to_dict()["cpts"]["B"]["table"] == [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]


# --------------------------------------------------------------------------- do()
def test_do_is_graph_surgery() -> None:
    bn = load_bayesnet("asia")
    cut = bn.do({"either": "yes"})
    assert cut.graph.parents("either") == frozenset()
    assert cut.graph.children("either") == bn.graph.children("either")
    assert cut.cpts["either"].table.tolist() == [1.0, 0.0]
    assert bn.graph.parents("either") == frozenset({"lung", "tub"})  # original unchanged
    for v in bn.variables:
        if v != "either":
            assert cut.cpts[v] == bn.cpts[v]
    soft = bn.do({"smoke": {"no": 0.75, "yes": 0.25}})
    assert soft.cpts["smoke"].table.tolist() == [0.25, 0.75] and soft.graph == bn.graph
    with pytest.raises(InvalidCPTError, match="CPT of 'smoke'.*sums to 0.25"):
        bn.do({"smoke": {"yes": 0.25}})  # a missing state gets probability 0
    with pytest.raises(QueryError, match="unknown state 'maybe' of intervened variable 'smoke'; valid states: yes, no"):
        bn.do({"smoke": "maybe"})
    with pytest.raises(QueryError, match="unknown variable 'smok'"):
        bn.do({"smok": "yes"})
    with pytest.raises(InvalidCPTError, match="CPT of 'smoke'"):
        bn.do({"smoke": [0.5, 0.6]})


# --------------------------------------------------------------------------- fitting
def test_fit_hand_computed_counts() -> None:
    """Counts: A=x: B=0 once, B=1 once; A=y: B=1 twice; A=z unseen (declared state)."""
    df = pd.DataFrame({"A": ["x", "x", "y", "y"], "B": [0, 1, 1, 1]})
    g = DAG(["A", "B"], [("A", "B")])
    states = {"A": ["x", "y", "z"], "B": ["0", "1"]}
    ml = DiscreteBN.fit(g, df, states=states)
    np.testing.assert_allclose(ml.cpts["A"].table, [0.5, 0.5, 0.0])
    np.testing.assert_allclose(ml.cpts["B"].table, [[0.5, 0.5], [0.0, 1.0], [0.5, 0.5]])  # unseen -> uniform
    k2 = DiscreteBN.fit(g, df, states=states, prior="k2")
    np.testing.assert_allclose(k2.cpts["B"].table, [[2 / 4, 2 / 4], [1 / 4, 3 / 4], [0.5, 0.5]])
    np.testing.assert_allclose(k2.cpts["A"].table, [3 / 7, 3 / 7, 1 / 7])
    # BDeu with ESS 6: alpha_B = 6 / (3 * 2) = 1 per cell, alpha_A = 6 / 3 = 2 per cell
    bdeu = DiscreteBN.fit(g, df, states=states, prior="bdeu", equivalent_sample_size=6)
    np.testing.assert_allclose(bdeu.cpts["B"].table, [[2 / 4, 2 / 4], [1 / 4, 3 / 4], [0.5, 0.5]])
    np.testing.assert_allclose(bdeu.cpts["A"].table, [4 / 10, 4 / 10, 2 / 10])
    # a Dataset works as input, and the same data give the same fit
    assert DiscreteBN.fit(g, Dataset.from_frame(df.astype(str)), states=states) == ml


def test_fit_errors() -> None:
    g = DAG(["A", "B"], [("A", "B")])
    df = pd.DataFrame({"A": ["x", None], "B": ["0", "1"]})
    with pytest.raises(DataError, match="column 'A' has 1 missing"):
        DiscreteBN.fit(g, df)
    with pytest.raises(DataError, match=r"no column for the node\(s\) \['B'\]"):
        DiscreteBN.fit(g, df[["A"]])
    with pytest.raises(DataError, match=r"column 'B' holds value\(s\) \['1'\] that are not among its states \['0'\]"):
        DiscreteBN.fit(g, df.fillna("x"), states={"B": ["0"]})
    with pytest.raises(DataError, match="must be a pandas DataFrame or a causalscope Dataset; got ndarray"):
        DiscreteBN.fit(g, np.zeros((3, 2)))  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="prior must be"):
        DiscreteBN.fit(g, df.fillna("x"), prior="dirichlet")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="equivalent_sample_size"):
        DiscreteBN.fit(g, df.fillna("x"), prior="bdeu", equivalent_sample_size=0)


def test_fit_recovers_simulated_cpts() -> None:
    """Sample 40,000 rows from survey, refit on the true graph: every cell within
    5 binomial standard errors (+1/n_j) of the truth; BDeu close to ML at this n."""
    truth = load_bayesnet("survey")
    data = truth.sample(40_000, random_state=3)
    fitted = DiscreteBN.fit(truth.graph, data)
    for v in truth.variables:
        t = truth.cpts[v].reorder(fitted.parents(v))
        parents = fitted.parents(v)
        counts = data.groupby(list(parents), observed=False).size().to_numpy() if parents else np.array([len(data)])
        n_j = counts.reshape(t.shape[:-1] + (1,)).astype(float)
        bound = 5 * np.sqrt(t.table * (1 - t.table) / n_j) + 1 / n_j
        assert np.all(np.abs(fitted.cpts[v].table - t.table) <= bound), v
    bdeu = DiscreteBN.fit(truth.graph, data, prior="bdeu", equivalent_sample_size=10)
    for v in truth.variables:
        assert np.max(np.abs(bdeu.cpts[v].table - fitted.cpts[v].table)) < 5e-3


# --------------------------------------------------------------------------- sampling
def test_sample_shape_dtype_and_seed() -> None:
    bn = load_bayesnet("asia")
    a = bn.sample(300, random_state=5)
    b = bn.sample(300, random_state=5)
    assert a.equals(b) and list(a.columns) == list(bn.variables)
    assert all(isinstance(a[v].dtype, pd.CategoricalDtype) for v in bn.variables)
    assert list(a["smoke"].cat.categories) == ["yes", "no"]
    assert not a.equals(bn.sample(300, random_state=6))
    assert bn.sample(0, random_state=1).shape == (0, 8)
    with pytest.raises(InvalidParameterError, match="non-negative integer"):
        bn.sample(-1)
    # deterministic CPT: either = lung OR tub holds in every row
    either = (a["lung"] == "yes") | (a["tub"] == "yes")
    assert ((a["either"] == "yes") == either).all()


def _gof(sample: pd.DataFrame, bn: DiscreteBN, targets: list[str], **kw: object) -> float:
    dist = bn.distribution(targets, **kw)  # type: ignore[arg-type]
    frame = dist.to_frame()
    observed = sample.groupby(targets, observed=False).size()
    obs = np.array([observed.loc[tuple(r)] if len(targets) > 1 else observed.loc[r[0]]
                    for r in frame[targets].itertuples(index=False)], dtype=float)
    keep = frame["probability"].to_numpy() > 0
    assert obs[~keep].sum() == 0  # nothing sampled where the model puts no mass
    expected = frame["probability"].to_numpy()[keep] * len(sample)
    return float(stats.chisquare(obs[keep], expected).pvalue)


@pytest.mark.slow
def test_samples_match_exact_distributions() -> None:
    """Chi-square goodness of fit of forward samples to VE answers, observational and
    after do(); seeded, alpha = 0.001 per check."""
    bn = load_bayesnet("child")
    obs = bn.sample(20_000, random_state=12)
    assert _gof(obs, bn, ["Disease", "Age"]) > 1e-3
    assert _gof(obs, bn, ["LowerBodyO2"]) > 1e-3
    cut = bn.do({"Disease": "TGA", "Sick": "no"})
    do_sample = cut.sample(20_000, random_state=13)
    assert (do_sample["Disease"] == "TGA").all()
    for targets in (["LowerBodyO2"], ["CO2Report", "XrayReport"], ["Age"]):
        p = _gof(do_sample, bn, targets, interventions={"Disease": "TGA", "Sick": "no"})
        assert p > 1e-3, (targets, p)
    # and the intervention really moved the distribution (the test has power)
    assert _gof(do_sample, bn, ["LowerBodyO2"]) < 1e-6
