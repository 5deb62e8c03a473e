"""The SCM class: fitting, automatic mechanism choice, sampling, interventions.

References used: the true parameters of simulated linear-Gaussian models
(``causalscope.datasets.simulate`` records them), the analytic interventional
distributions of linear-Gaussian SCMs (Gaussian with the path-product mean and
the variance of the remaining noise terms; KS tests, seeded), and the exact
total effect of a linear model.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.linear_model import LinearRegression
from sklearn.tree import DecisionTreeRegressor

from causalscope.data import Dataset
from causalscope.datasets import simulate
from causalscope.exceptions import DataError, GraphError, InvalidParameterError
from causalscope.graphs import CPDAG, DAG
from causalscope.scm import (
    SCM,
    AdditiveNoise,
    Classifier,
    EmpiricalRoot,
    GaussianRoot,
    LinearGaussian,
    MechanismChoice,
    MechanismNotFittedError,
    fit_scm,
    shift,
)

# chain with a confounder: Z -> X -> M -> Y, Z -> Y
WX, WM, WY, WZ = 1.2, -0.8, 1.5, 0.6
SZ, SX, SM, SY = 1.0, 0.5, 0.7, 0.4


def chain() -> SCM:
    g = DAG(edges=["Z --> X", "X --> M", "M --> Y", "Z --> Y"])
    return SCM(g, {
        "Z": GaussianRoot(2.0, SZ),
        "X": LinearGaussian({"Z": WX}, noise_std=SX),
        "M": LinearGaussian({"X": WM}, intercept=1.0, noise_std=SM),
        "Y": LinearGaussian({"M": WY, "Z": WZ}, intercept=-0.5, noise_std=SY),
    })


# ----------------------------------------------------------------------------- fitting
def test_fit_recovers_simulated_linear_gaussian_parameters() -> None:
    g = DAG(edges=["A --> B", "A --> C", "B --> C", "C --> D", "B --> D"])
    sim = simulate(g, 5000, normalize_signal=False, noise_scale=1.0, random_state=3)
    scm = SCM(g).fit(sim.data, random_state=0)
    truth = sim.parameters["nodes"]
    for v in ("B", "C", "D"):
        choice = scm.mechanism_choices_[v]
        assert choice.reason == "linear", choice
        m = scm.mechanisms_[v]
        coef = truth[v]["functions"][0]["coefficients"]
        expected = np.array([coef[p] for p in scm.parents_of(v)])
        # stated tolerance at n = 5000: 0.05 on weights, intercept and noise sd
        np.testing.assert_allclose(m.coef_, expected, atol=0.05)
        assert m.intercept_ == pytest.approx(0.0, abs=0.05)
        assert m.noise_std_ == pytest.approx(truth[v]["noise_std"], abs=0.05)
    assert isinstance(scm.mechanisms_["A"], EmpiricalRoot)
    assert scm.mechanism_choices_["A"].reason == "root"


def test_automatic_choice_picks_nonlinear_only_where_it_helps() -> None:
    rng = np.random.default_rng(0)
    n = 600
    x = rng.uniform(-2, 2, size=n)
    data = pd.DataFrame({
        "X": x,
        "Lin": 1.5 * x + 0.5 * rng.normal(size=n),
        "Nonlin": np.sin(2 * x) + x**2 + 0.3 * rng.normal(size=n),
    })
    g = DAG(edges=["X --> Lin", "X --> Nonlin"])
    scm = SCM(g).fit(data, random_state=1)  # default flexible candidate: gradient boosting
    lin, nonlin = scm.mechanism_choices_["Lin"], scm.mechanism_choices_["Nonlin"]
    assert lin.reason == "linear" and isinstance(scm.mechanisms_["Lin"], LinearGaussian)
    assert nonlin.reason == "nonlinear" and isinstance(scm.mechanisms_["Nonlin"], AdditiveNoise)
    # the recorded evidence is the rule: relative CV-MSE improvement against the margin
    assert nonlin.relative_improvement >= nonlin.margin > lin.relative_improvement
    assert nonlin.scores["flexible"] < nonlin.scores["linear"]
    assert set(nonlin.to_dict()) >= {"node", "reason", "scores", "relative_improvement", "margin"}
    # a margin of 0.99 forbids the nonlinear choice
    strict = SCM(g, margin=0.99, regressor=DecisionTreeRegressor(max_depth=5)).fit(data, random_state=1)
    assert strict.mechanism_choices_["Nonlin"].reason == "linear"


def test_categorical_nodes_get_classifiers_and_labels_round_trip() -> None:
    rng = np.random.default_rng(1)
    n = 800
    smoke = rng.random(n) < 0.4
    tar = 2.0 * smoke + rng.normal(size=n)
    cancer = np.where(rng.random(n) < 1 / (1 + np.exp(-(tar - 2))), "yes", "no")
    data = pd.DataFrame({"smoke": np.where(smoke, "smoker", "non"), "tar": tar, "cancer": cancer})
    g = DAG(edges=["smoke --> tar", "tar --> cancer"])
    scm = SCM(g).fit(data, random_state=0)
    assert scm.kinds_ == {"smoke": "categorical", "tar": "continuous", "cancer": "categorical"}
    assert isinstance(scm.mechanisms_["cancer"], Classifier)
    assert scm.categories_["cancer"] == ("no", "yes")
    summary = scm.to_dict()
    assert summary["nodes"]["cancer"]["categories"] == ["no", "yes"]
    assert summary["nodes"]["tar"]["parents"] == ["smoke"] and summary["nodes"]["smoke"]["choice"]["reason"] == "root"
    import json

    json.dumps(summary)
    out = scm.sample(2000, random_state=0)
    assert set(out["cancer"]) <= {"no", "yes"} and set(out["smoke"]) <= {"non", "smoker"}
    do_yes = scm.do({"smoke": "smoker"}).sample(2000, random_state=0)
    do_no = scm.do({"smoke": "non"}).sample(2000, random_state=0)
    assert (do_yes["smoke"] == "smoker").all()
    assert (do_yes["cancer"] == "yes").mean() > (do_no["cancer"] == "yes").mean() + 0.1
    with pytest.raises(InvalidParameterError, match="'smoke'.*one of"):
        scm.do({"smoke": "maybe"})
    # a soft intervention on a categorical node maps labels to labels
    flipped = scm.intervene({"smoke": lambda s: np.where(s == "smoker", "non", "smoker")})
    nat, new = scm.sample(500, random_state=3), flipped.sample(500, random_state=3)
    assert ((nat["smoke"] == "smoker") == (new["smoke"] == "non")).all()
    bad = scm.intervene({"smoke": lambda s: np.full(s.shape, "cigar")})
    with pytest.raises(DataError, match="soft intervention on 'smoke'.*cigar"):
        bad.sample(5, random_state=0)
    with pytest.raises(InvalidParameterError, match="numeric"):
        scm.expectation("cancer")


def test_fit_accepts_a_dataset_and_the_plain_function() -> None:
    data = chain().sample(400, random_state=0)
    tree = DecisionTreeRegressor(max_depth=3)
    a = SCM(chain().graph, regressor=tree).fit(Dataset.from_frame(data), random_state=0)
    b = fit_scm(chain().graph, data, regressor=tree, random_state=0)
    for v in ("X", "M", "Y"):
        np.testing.assert_allclose(a.mechanisms_[v].coef_, b.mechanisms_[v].coef_)
    assert isinstance(b.mechanism_choices_["X"], MechanismChoice)


# ----------------------------------------------------------------------------- interventions
def test_do_samples_match_the_analytic_interventional_distribution() -> None:
    scm = chain()
    x0 = 1.0
    out = scm.do({"X": x0}).sample(3000, random_state=0)
    assert (out["X"] == x0).all()
    # Z is upstream: unchanged law N(2, SZ^2)
    assert stats.kstest(out["Z"], stats.norm(2.0, SZ).cdf).pvalue > 0.01
    # M = 1 + WM x0 + N_M ;  Y = -0.5 + WY M + WZ Z + N_Y
    assert stats.kstest(out["M"], stats.norm(1.0 + WM * x0, SM).cdf).pvalue > 0.01
    mean_y = -0.5 + WY * (1.0 + WM * x0) + WZ * 2.0
    sd_y = np.sqrt(WY**2 * SM**2 + WZ**2 * SZ**2 + SY**2)
    assert stats.kstest(out["Y"], stats.norm(mean_y, sd_y).cdf).pvalue > 0.01
    # the observational Y has another law (confounding and X's variance): the test can fail
    obs = scm.sample(3000, random_state=0)
    assert stats.kstest(obs["Y"], stats.norm(mean_y, sd_y).cdf).pvalue < 1e-6
    # graph surgery: the arrow into X is gone in the new model, the old one is untouched
    assert scm.do({"X": x0}).parents_of("X") == () and scm.parents_of("X") == ("Z",)


def test_soft_shift_matches_analytic_distribution() -> None:
    scm = chain()
    out = scm.intervene({"X": shift(2.0)}).sample(3000, random_state=1)
    # X = WX Z + N_X + 2 ; Y's mean moves by 2 * WM * WY, its variance is unchanged
    assert stats.kstest(out["X"], stats.norm(WX * 2.0 + 2.0, np.sqrt(WX**2 * SZ**2 + SX**2)).cdf).pvalue > 0.01
    var_y = (WY * WM * WX + WZ) ** 2 * SZ**2 + (WY * WM) ** 2 * SX**2 + WY**2 * SM**2 + SY**2
    mean_y = -0.5 + WY * (1.0 + WM * (WX * 2.0 + 2.0)) + WZ * 2.0
    assert stats.kstest(out["Y"], stats.norm(mean_y, np.sqrt(var_y)).cdf).pvalue > 0.01
    # the shifted model keeps X's parents (a soft intervention is not surgery)
    assert scm.intervene({"X": shift(2.0)}).parents_of("X") == ("Z",)
    # a function of the natural value, e.g. clipping
    clipped = scm.interventional_samples({"X": lambda x: np.minimum(x, 0.0)}, 500, random_state=0)
    assert (clipped["X"] <= 0).all()


def test_ate_and_expectation_are_exact_for_a_linear_model() -> None:
    scm = chain()
    # common random numbers make the difference exact in a linear model: total effect WM * WY
    assert scm.ate("X", "Y", 2.0, 0.0, n=500, random_state=0) == pytest.approx(2.0 * WM * WY, abs=1e-10)
    assert scm.ate("M", "X", 1.0, 0.0, n=500, random_state=0) == pytest.approx(0.0, abs=1e-12)
    e = scm.expectation("Y", {"X": 1.0}, n=20000, random_state=0)
    assert e == pytest.approx(-0.5 + WY * (1.0 + WM) + WZ * 2.0, abs=0.03)


# ----------------------------------------------------------------------------- contract
def test_same_seed_same_samples_and_pickle_round_trip() -> None:
    data = chain().sample(300, random_state=2)
    tree = DecisionTreeRegressor(max_depth=3)
    scm = SCM(chain().graph, {"Y": AdditiveNoise(tree)}, regressor=tree).fit(data, random_state=0)
    a = scm.sample(100, random_state=7)
    pd.testing.assert_frame_equal(a, scm.sample(100, random_state=7))
    assert not a.equals(scm.sample(100, random_state=8))
    back = pickle.loads(pickle.dumps(scm))
    pd.testing.assert_frame_equal(back.sample(100, random_state=7), a)
    shifted = pickle.loads(pickle.dumps(scm.intervene({"X": shift(1.0)})))
    pd.testing.assert_frame_equal(shifted.sample(50, random_state=1),
                                  scm.intervene({"X": shift(1.0)}).sample(50, random_state=1))
    # refitting with the same seed is idempotent; the input frame is unchanged
    before = data.copy()
    again = SCM(chain().graph, {"Y": AdditiveNoise(tree)}, regressor=tree).fit(data, random_state=0)
    pd.testing.assert_frame_equal(again.sample(100, random_state=7), a)
    pd.testing.assert_frame_equal(data, before)


def test_bad_input_raises_typed_errors_naming_it() -> None:
    scm = chain()
    with pytest.raises(GraphError, match="'Q'"):
        scm.do({"Q": 1.0})
    with pytest.raises(InvalidParameterError, match="'X'.*finite number"):
        scm.do({"X": "high"})
    with pytest.raises(InvalidParameterError, match="intervene"):
        scm.do({"X": shift(1.0)})
    data = scm.sample(50, random_state=0)
    with pytest.raises(DataError, match=r"\['M'\]"):
        SCM(scm.graph).fit(data.drop(columns="M"))
    with pytest.raises(InvalidParameterError, match=r"mechanisms\['Y'\].*AdditiveNoise\(LinearRegression"):
        SCM(scm.graph, {"Y": LinearRegression()})
    with pytest.raises(InvalidParameterError, match="node 'Y' is continuous.*Classifier"):
        SCM(scm.graph, {"Y": Classifier()}).fit(data)
    with pytest.raises(GraphError, match="unknown node 'W'"):
        SCM(scm.graph, {"W": LinearGaussian()})
    with pytest.raises(InvalidParameterError, match="coef for node 'M'.*parents"):
        SCM(scm.graph, {v: chain().mechanisms[v] for v in scm.nodes} | {"M": LinearGaussian({"Z": 1.0}, noise_std=1.0)})
    with pytest.raises(GraphError, match="DAG"):
        SCM(CPDAG(edges=["A --- B"]))
    with pytest.raises(MechanismNotFittedError, match="not fitted"):
        SCM(scm.graph).sample(5)
    with pytest.raises(InvalidParameterError, match="margin"):
        SCM(scm.graph, margin=1.5).fit(data)
    with pytest.raises(InvalidParameterError, match="positive integer"):
        scm.sample(0)


def test_automatic_choice_for_categorical_nodes_and_tiny_data() -> None:
    from causalscope.scm import choose_mechanism

    # Y = 1 iff |X| > 1: no logistic regression on X separates it, a tree-based classifier does.
    rng = np.random.default_rng(4)
    x = rng.uniform(-2, 2, size=(600, 1))
    y = (np.abs(x[:, 0]) > 1).astype(float)
    m, choice = choose_mechanism("Y", x, y, "categorical", random_state=0)
    assert choice.reason == "nonlinear" and isinstance(m, Classifier)
    assert choice.scores["flexible"] < 0.5 * choice.scores["linear"]
    # a monotone logistic relation stays linear
    y_lin = (x[:, 0] + 0.5 * rng.normal(size=600) > 0).astype(float)
    _, lin_choice = choose_mechanism("Y", x, y_lin, "categorical", random_state=0)
    assert lin_choice.reason == "linear"
    # a category with a single row leaves no room for cross-validation: linear, and said so
    y_rare = np.zeros(600)
    y_rare[0] = 1.0
    _, rare = choose_mechanism("Y", x, y_rare, "categorical", random_state=0)
    assert rare.reason.startswith("linear (too few rows")
