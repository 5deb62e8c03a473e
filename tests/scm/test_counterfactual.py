"""Counterfactuals: abduction-action-prediction and the Gumbel-max SCM.

References used:

* linear-Gaussian models: the closed-form counterfactual. With
  ``X = U_x, Y = a X + U_y`` the unit ``(x, y)`` has ``U_y = y - a x``, so
  ``Y_{X=x'} = y + a (x' - x)``; in a diamond with mediators the change
  propagates along every directed path (sum of path products times the change).
* Gumbel-max categorical models: the exact counterfactual probability
  ``P(Y_{x'} = k | Y_x = i) = P(argmax(a + G) = i, argmax(b + G) = k) / p_i``
  with ``a = log p``, ``b = log q`` and ``G`` iid standard Gumbel, computed by
  numerical integration (scipy ``quad``/``dblquad``) over the Gumbel prior
  restricted to the region where ``i`` is the factual argmax; and, for two
  categories, the closed form ``P(Y_{x'}=1 | Y_x=0) = max(0, p_0 - q_0) / p_0``
  (the difference of two logistic variables, ``G_1 - G_0`` being logistic).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from causalscope.exceptions import DataError, GraphError, InvalidParameterError
from causalscope.graphs import DAG
from causalscope.scm import (
    SCM,
    AdditiveNoise,
    CategoricalFunction,
    CategoricalRoot,
    Classifier,
    EmpiricalRoot,
    GaussianRoot,
    LinearGaussian,
    NonInvertibleMechanismError,
    PostNonlinear,
    shift,
)

# ----------------------------------------------------------------------------- linear-Gaussian
A = 1.7


def two_node() -> SCM:
    return SCM(DAG(edges=[("X", "Y")]),
               {"X": GaussianRoot(0.0, 1.0), "Y": LinearGaussian({"X": A}, intercept=0.3, noise_std=0.8)})


def test_two_node_counterfactual_is_the_closed_form() -> None:
    scm = two_node()
    units = scm.sample(50, random_state=0)
    for x_new in (-2.0, 0.0, 3.5):
        cf = scm.counterfactual(units, {"X": x_new})
        np.testing.assert_allclose(cf["X"], x_new, atol=0)
        np.testing.assert_allclose(cf["Y"], units["Y"] + A * (x_new - units["X"]), atol=1e-10)
    assert list(cf.index) == list(units.index)


# Diamond with a confounder: Z -> X, Z -> Y, X -> M1 -> Y, X -> M2 -> Y, X -> Y.
B1, B2, C, D1, D2, E, G = 0.8, -1.2, 0.5, 1.5, 0.7, 2.0, 0.9


def diamond() -> SCM:
    g = DAG(edges=["Z --> X", "Z --> Y", "X --> M1", "X --> M2", "M1 --> Y", "M2 --> Y", "X --> Y"])
    return SCM(g, {
        "Z": GaussianRoot(1.0, 1.0),
        "X": LinearGaussian({"Z": G}, noise_std=1.0),
        "M1": LinearGaussian({"X": B1}, intercept=0.2, noise_std=0.5),
        "M2": LinearGaussian({"X": B2}, noise_std=0.7),
        "Y": LinearGaussian({"X": C, "M1": D1, "M2": D2, "Z": E}, intercept=-1.0, noise_std=1.0),
    })


def test_diamond_counterfactual_on_treatment_is_the_closed_form() -> None:
    scm = diamond()
    units = scm.sample(40, random_state=1)
    x_new = 0.25
    cf = scm.counterfactual(units, {"X": x_new})
    delta = x_new - units["X"]
    np.testing.assert_array_equal(cf["Z"].to_numpy(), units["Z"].to_numpy())  # not downstream: exact
    np.testing.assert_allclose(cf["M1"], units["M1"] + B1 * delta, atol=1e-10)
    np.testing.assert_allclose(cf["M2"], units["M2"] + B2 * delta, atol=1e-10)
    total = C + D1 * B1 + D2 * B2
    np.testing.assert_allclose(cf["Y"], units["Y"] + total * delta, atol=1e-10)


def test_diamond_counterfactual_on_mediator_leaves_the_rest() -> None:
    scm = diamond()
    units = scm.sample(30, random_state=2)
    cf = scm.counterfactual(units, {"M1": -1.0})
    for v in ("Z", "X", "M2"):
        np.testing.assert_array_equal(cf[v].to_numpy(), units[v].to_numpy())
    np.testing.assert_allclose(cf["Y"], units["Y"] + D1 * (-1.0 - units["M1"]), atol=1e-10)


@pytest.mark.parametrize("seed", range(8))
def test_random_linear_dag_counterfactual_equals_total_effect_formula(seed: int) -> None:
    # Oracle: in a linear SCM, do(X_k = x') moves every node j by (x' - x_k) * T[k, j],
    # with T = (I - W)^{-1} the total-effect matrix (W[i, j] = weight of i --> j).
    from causalscope.datasets import random_dag

    rng = np.random.default_rng(seed)
    g = random_dag(7, expected_degree=2.5, random_state=seed)
    nodes = list(g.nodes)
    w = np.zeros((7, 7))
    mechs = {}
    for j, v in enumerate(nodes):
        pa = sorted(g.parents(v), key=g.index)
        coef = {p: float(rng.choice([-1, 1]) * rng.uniform(0.5, 1.5)) for p in pa}
        for p, c in coef.items():
            w[nodes.index(p), j] = c
        mechs[v] = LinearGaussian(coef, intercept=float(rng.normal()), noise_std=float(rng.uniform(0.5, 2)))
    scm = SCM(g, mechs)
    total = np.linalg.inv(np.eye(7) - w)
    units = scm.sample(25, random_state=seed)
    k = int(rng.integers(7))
    x_new = float(rng.normal())
    cf = scm.counterfactual(units, {nodes[k]: x_new})
    expected = units.to_numpy() + np.outer(x_new - units[nodes[k]].to_numpy(), total[k])
    np.testing.assert_allclose(cf.to_numpy(), expected, atol=1e-10)


def test_soft_shift_counterfactual_equals_hard_at_shifted_value() -> None:
    scm = diamond()
    units = scm.sample(20, random_state=3)
    soft = scm.counterfactual(units, {"X": shift(0.5)})
    np.testing.assert_allclose(soft["X"], units["X"] + 0.5, atol=1e-12)
    total = C + D1 * B1 + D2 * B2
    np.testing.assert_allclose(soft["Y"], units["Y"] + 0.5 * total, atol=1e-10)


def test_counterfactual_at_the_factual_value_reproduces_the_unit() -> None:
    # Consistency (Pearl 2009, 7.1): do(X = x_observed) changes nothing, for every invertible kind.
    rng = np.random.default_rng(4)
    x = rng.normal(size=300)
    data = pd.DataFrame({"X": x, "Y": np.exp(0.5 * x + 0.2 * rng.normal(size=300))})
    g = DAG(edges=[("X", "Y")])
    from sklearn.linear_model import LinearRegression
    from sklearn.tree import DecisionTreeRegressor

    for mech in (AdditiveNoise(DecisionTreeRegressor(max_depth=3)), PostNonlinear(LinearRegression(), transform="exp")):
        scm = SCM(g, {"Y": mech}).fit(data, random_state=0)
        cf = scm.counterfactual(data.iloc[:25], {"X": data["X"].iloc[:25].to_numpy()[0]})
        np.testing.assert_allclose(cf["Y"].iloc[0], data["Y"].iloc[0], rtol=1e-10)


def test_fitted_counterfactual_is_close_to_the_true_one() -> None:
    truth = diamond()
    data = truth.sample(5000, random_state=5)
    fitted = SCM(truth.graph, {v: LinearGaussian() for v in truth.nodes if v != "Z"}).fit(data, random_state=0)
    units = truth.sample(30, random_state=6)
    interventions = {"X": 1.0}
    err = (fitted.counterfactual(units, interventions) - truth.counterfactual(units, interventions)).abs()
    # stated tolerance: coefficient errors ~ 1/sqrt(n) = 0.014 times |x' - x| (~ <4) per path
    assert err.to_numpy().max() < 0.15


def test_non_invertible_downstream_node_is_named() -> None:
    g = DAG(edges=[("X", "Y"), ("Y", "W")])

    class Bootstrap:  # a stochastic-only mechanism (no noise to abduct or sample)
        output = "continuous"

        def fit(self, parents, child, *, random_state=None):
            self.values_ = child.copy()
            return self

        def sample(self, parents, rng):
            return self.values_[rng.integers(0, self.values_.size, size=parents.shape[0])]

    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    y = x + rng.normal(size=200)
    data = pd.DataFrame({"X": x, "Y": y, "W": y + rng.normal(size=200)})
    scm = SCM(g, {"X": GaussianRoot(), "Y": Bootstrap(), "W": LinearGaussian()}).fit(data, random_state=0)
    with pytest.raises(NonInvertibleMechanismError, match="node 'Y'") as info:
        scm.counterfactual(data.iloc[:3], {"X": 0.0})
    assert info.value.node == "Y"
    with pytest.raises(NonInvertibleMechanismError, match="node 'Y'"):
        scm.counterfactual_samples(data.iloc[:3], {"X": 0.0}, n_draws=5, random_state=0)
    # intervening below the blocking node needs no abduction of it
    cf = scm.counterfactual(data.iloc[:3], {"Y": 1.0})
    np.testing.assert_allclose(cf["W"], data["W"].iloc[:3] + scm.mechanisms_["W"].coef_[0] * (1.0 - data["Y"].iloc[:3]))


def test_counterfactual_input_errors() -> None:
    scm = two_node()
    with pytest.raises(InvalidParameterError, match="categorical target.*'Y' is continuous"):
        scm.counterfactual_distribution({"X": 0.0, "Y": 1.0}, {"X": 1.0}, "Y")
    with pytest.raises(DataError, match=r"\['Y'\]"):
        scm.counterfactual(pd.DataFrame({"X": [1.0]}), {"X": 0.0})
    with pytest.raises(GraphError, match="'Q'"):
        scm.counterfactual(pd.DataFrame({"X": [1.0], "Y": [0.0]}), {"Q": 0.0})


# ----------------------------------------------------------------------------- Gumbel-max
P0 = np.array([0.5, 0.3, 0.2])  # P(Y | X = 0)
P1 = np.array([0.2, 0.3, 0.5])  # P(Y | X = 1)


def _p_y(pa: np.ndarray) -> np.ndarray:
    return np.where(pa[:, :1] == 1, P1[None, :], P0[None, :])


def _cdf(x: float) -> float:
    return float(np.exp(-np.exp(-x)))


def _pdf(x: float) -> float:
    return float(np.exp(-x - np.exp(-x)))


def exact_cf(p: np.ndarray, q: np.ndarray, i: int, k: int) -> float:
    """P(argmax(log q + G) = k | argmax(log p + G) = i) by numerical integration (3 categories)."""
    a, b = np.log(p), np.log(q)
    others = [j for j in range(len(p)) if j != i]
    lo, hi = -8.0, 50.0
    if k == i:
        def f(t: float) -> float:
            return _pdf(t) * np.prod([_cdf(t + min(a[i] - a[j], b[i] - b[j])) for j in others])

        joint = integrate.quad(f, lo, hi, epsabs=1e-12, limit=200)[0]
    else:
        (r,) = [j for j in others if j != k]
        if a[i] - a[k] <= b[i] - b[k]:  # G_k would have to lie in an empty interval
            return 0.0

        def g(s: float, t: float) -> float:  # t = G_i, s = G_k
            return _pdf(t) * _pdf(s) * _cdf(min(t + a[i] - a[r], s + b[k] - b[r]))

        joint = integrate.dblquad(g, lo, hi, lambda t: t + b[i] - b[k], lambda t: t + a[i] - a[k],
                                  epsabs=1e-10)[0]
    return joint / p[i]


def test_exact_reference_is_a_distribution_and_matches_two_category_closed_form() -> None:
    # the integration reference itself: rows sum to one; stable category has probability one
    for i in range(3):
        row = [exact_cf(P0, P1, i, k) for k in range(3)]
        assert sum(row) == pytest.approx(1.0, abs=1e-6)
    assert exact_cf(P0, P1, 2, 2) == pytest.approx(1.0, abs=1e-6)
    # averaging the counterfactual over the factual law gives the interventional law q
    table = np.array([[exact_cf(P0, P1, i, k) for k in range(3)] for i in range(3)])
    np.testing.assert_allclose(P0 @ table, P1, atol=1e-6)
    # two categories: closed form max(0, p0 - q0) / p0 vs the simulation of the SCM
    p, q = np.array([0.7, 0.3]), np.array([0.4, 0.6])
    scm = SCM(DAG(edges=[("X", "Y")]), {
        "X": CategoricalRoot([0.5, 0.5]),
        "Y": CategoricalFunction(lambda pa: np.where(pa[:, :1] == 1, q[None, :], p[None, :]), 2),
    })
    d = scm.counterfactual_distribution({"X": 0, "Y": 0}, {"X": 1}, "Y", n_draws=40000, random_state=0)
    assert d.probability(1) == pytest.approx((p[0] - q[0]) / p[0], abs=0.01)


@pytest.fixture(scope="module")
def gumbel_scm() -> SCM:
    return SCM(DAG(edges=[("X", "Y")]), {"X": CategoricalRoot([0.5, 0.5]), "Y": CategoricalFunction(_p_y, 3)})


@pytest.mark.parametrize("observed", [0, 1, 2])
def test_gumbel_counterfactual_distribution_matches_numerical_integration(gumbel_scm: SCM, observed: int) -> None:
    n = 40000
    d = gumbel_scm.counterfactual_distribution({"X": 0, "Y": observed}, {"X": 1}, "Y", n_draws=n, random_state=observed)
    assert d.n_draws == n and d.factual == observed and d.labels == (0, 1, 2)
    for k in range(3):
        ref = exact_cf(P0, P1, observed, k)
        # Monte Carlo: 4.5 standard errors (at most 0.011 for n = 40000)
        assert abs(d.probabilities[k] - ref) <= 4.5 * np.sqrt(max(ref * (1 - ref), 0.0) / n) + 1e-6, (k, d.probabilities[k], ref)
    assert d.to_dict()["interventions"] == {"X": "do(X = 1)"}


def test_gumbel_counterfactual_stability(gumbel_scm: SCM) -> None:
    # Y = 2 had probability 0.2 -> 0.5 while the others fell or stayed: it stays 2 in every draw.
    d = gumbel_scm.counterfactual_distribution({"X": 0, "Y": 2}, {"X": 1}, "Y", n_draws=5000, random_state=0)
    assert d.probabilities == (0.0, 0.0, 1.0)
    # Same intervention that changes nothing: the counterfactual equals the factual.
    same = gumbel_scm.counterfactual_distribution({"X": 1, "Y": 0}, {"X": 1}, "Y", n_draws=2000, random_state=0)
    assert same.probabilities == (1.0, 0.0, 0.0)


def test_gumbel_unaffected_variables_stay_exactly() -> None:
    # Z -> X -> Y, Z -> W: intervening on X changes only Y, per unit and draw.
    g = DAG(edges=["Z --> X", "X --> Y", "Z --> W"])

    def p_x(pa: np.ndarray) -> np.ndarray:
        z = pa[:, 0].astype(int)
        return np.array([[0.8, 0.2], [0.5, 0.5], [0.1, 0.9]])[z]

    def p_w(pa: np.ndarray) -> np.ndarray:
        return np.array([[0.6, 0.4], [0.3, 0.7], [0.5, 0.5]])[pa[:, 0].astype(int)]

    scm = SCM(g, {"Z": CategoricalRoot([0.3, 0.3, 0.4]), "X": CategoricalFunction(p_x, 2),
                  "Y": CategoricalFunction(_p_y, 3), "W": CategoricalFunction(p_w, 2)})
    units = scm.sample(60, random_state=0)
    draws = scm.counterfactual_samples(units, {"X": 1}, n_draws=50, random_state=1)
    assert draws.shape == (60 * 50, 4)
    factual = units.loc[draws.index.get_level_values("unit")]
    for v in ("Z", "W"):
        np.testing.assert_array_equal(draws[v].to_numpy(), factual[v].to_numpy())
    assert (draws["X"] == 1).all()
    # units whose X was already 1 keep Y exactly too
    keep = factual["X"].to_numpy() == 1
    np.testing.assert_array_equal(draws["Y"].to_numpy()[keep], factual["Y"].to_numpy()[keep])
    # deterministic counterfactual refuses the categorical node Y and names it
    with pytest.raises(NonInvertibleMechanismError, match="node 'Y'.*counterfactual_samples"):
        scm.counterfactual(units, {"X": 1})


def test_fitted_classifier_counterfactual_is_close_to_exact() -> None:
    truth = SCM(DAG(edges=[("X", "Y")]), {"X": CategoricalRoot([0.5, 0.5]), "Y": CategoricalFunction(_p_y, 3)})
    data = truth.sample(4000, random_state=3)
    fitted = SCM(truth.graph).fit(data, random_state=0)
    assert isinstance(fitted.mechanisms_["Y"], Classifier)
    assert isinstance(fitted.mechanisms_["X"], EmpiricalRoot)
    d = fitted.counterfactual_distribution({"X": 0, "Y": 0}, {"X": 1}, "Y", n_draws=20000, random_state=0)
    # stated tolerance: 0.05 (estimation error of p and q at n = 4000, plus Monte Carlo)
    for k in range(3):
        assert d.probabilities[k] == pytest.approx(exact_cf(P0, P1, 0, k), abs=0.05)
