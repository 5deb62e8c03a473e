"""Estimand expressions and probability tables.

Checked against
* direct numpy computation of marginals, conditionals and sums on random tables;
* value preservation: simplification never changes the value of an expression
  (random expressions evaluated before and after, to 1e-12);
* plug-in evaluation on data equals evaluation on the empirical joint computed by
  counting with pandas;
* the scm layer: a DiscreteBN's joint and DiscreteDistribution are accepted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.graphs import parse_graph
from causalscope.identification import (
    Fraction,
    Probability,
    ProbabilityTable,
    Product,
    Sum,
    as_probability_table,
    simplify,
)


def random_table(rng: np.random.Generator, names: list[str], cards: list[int]) -> ProbabilityTable:
    v = rng.random(cards) + 0.05
    return ProbabilityTable.from_array(v / v.sum(), names)


def test_table_operations_match_numpy() -> None:
    rng = np.random.default_rng(0)
    t = random_table(rng, ["A", "B", "C"], [2, 3, 2])
    np.testing.assert_allclose(t.marginal(["C", "A"]).values, t.values.sum(axis=1).T)
    cond = t.condition({"B": 2})
    np.testing.assert_allclose(cond.values, t.values[:, 2, :] / t.values[:, 2, :].sum())
    assert t.probability({"A": 1, "C": 0}) == pytest.approx(t.values[1, :, 0].sum())
    frame = t.to_frame()
    assert ProbabilityTable.from_frame(frame).values.tolist() == t.values.tolist()
    with pytest.raises(InvalidParameterError, match="unknown variable 'D'"):
        t.marginal(["D"])
    with pytest.raises(InvalidParameterError, match="unknown state 7"):
        t.probability({"A": 7})
    with pytest.raises(InvalidParameterError, match="sum to 1"):
        ProbabilityTable.from_array([[0.5, 0.6], [0.0, 0.0]], ["A", "B"])


def test_probability_terms_match_direct_computation() -> None:
    rng = np.random.default_rng(1)
    t = random_table(rng, ["X", "Y", "Z"], [2, 2, 3])
    p = t.values
    # P(Y=1 | X=0, Z=2)
    assert Probability(["Y"], ["X", "Z"]).evaluate(t, {"X": 0, "Y": 1, "Z": 2}) == pytest.approx(p[0, 1, 2] / p[0, :, 2].sum(), abs=1e-14)
    # Σ_z P(y | x, z) P(z)
    e = Sum(["Z"], Product([Probability(["Y"], ["X", "Z"]), Probability(["Z"])]))
    expected = sum(p[1, 0, z] / p[1, :, z].sum() * p[:, :, z].sum() for z in range(3))
    assert e.evaluate(t, {"X": 1, "Y": 0}) == pytest.approx(expected, abs=1e-14)
    assert e.free_variables == {"X", "Y"}
    f = Fraction(Probability(["Y", "Z"], ["X"]), Probability(["Z"], ["X"]))
    assert f.evaluate(t, {"X": 0, "Y": 1, "Z": 1}) == pytest.approx(p[0, 1, 1] / p[0, :, 1].sum(), abs=1e-14)
    with pytest.raises(InvalidParameterError, match=r"free variable\(s\) \['Y'\]"):
        e.evaluate(t, {"X": 1})
    with pytest.raises(InvalidParameterError, match="does not have"):
        Probability(["W"]).evaluate(t, {"W": 0})
    with pytest.raises(InvalidParameterError, match="both before and after"):
        Probability(["Y"], ["Y"])


def test_text_and_latex() -> None:
    e = Sum(["Z"], Product([Probability(["Y"], ["X", "Z"]), Probability(["Z"])]))
    assert e.to_text() == "Σ_{Z} P(Y | X, Z) P(Z)"
    assert e.to_latex() == r"\sum_{Z} P(Y \mid X, Z) P(Z)"
    assert Probability(["age_group"]).to_latex() == r"P(\mathit{age\_group})"
    # a sum that rebinds a free variable shows it primed
    fd = Sum(["M"], Product([Probability(["M"], ["X"]), Sum(["X"], Product([Probability(["Y"], ["X", "M"]), Probability(["X"])]))]))
    assert fd.to_text() == "Σ_{M} P(M | X) Σ_{X'} P(Y | M, X') P(X')"
    assert r"\sum_{X'}" in fd.to_latex()
    assert Sum(["X"], Probability(["X", "Y"])).to_text(context=["X"]) == "Σ_{X'} P(X', Y)"
    assert e.to_dict()["free_variables"] == ["X", "Y"]
    assert e == Sum(["Z"], Product([Probability(["Y"], ["X", "Z"]), Probability(["Z"])]))
    assert hash(e) == hash(Sum(["Z"], Product([Probability(["Y"], ["X", "Z"]), Probability(["Z"])])))


def test_simplification_rules_and_value_preservation() -> None:
    assert str(simplify(Sum(["A"], Probability(["A", "B"], ["C"])))) == "P(B | C)"
    assert str(simplify(Product([Probability(["A"], ["B", "C"]), Probability(["B"], ["C"])]))) == "P(A, B | C)"
    assert str(simplify(Fraction(Probability(["A", "B"], ["C"]), Probability(["B"], ["C"])))) == "P(A | B, C)"
    assert str(simplify(Sum(["Q"], Probability(["A"])))) == "P(A)"
    # with a graph: Y is independent of W given X in  W --> X --> Y
    g = parse_graph("W --> X; X --> Y")
    assert str(simplify(Probability(["Y"], ["X", "W"]), graph=g)) == "P(Y | X)"
    # value preservation on random expressions
    rng = np.random.default_rng(2)
    names = ["A", "B", "C", "D"]
    t = random_table(rng, names, [2, 2, 3, 2])
    for _ in range(60):
        factors = []
        for _k in range(int(rng.integers(1, 4))):
            perm = list(rng.permutation(names))
            k = int(rng.integers(1, 4))
            factors.append(Probability(perm[:k], perm[k : k + int(rng.integers(0, 4 - k + 1))]))
        body = Product(factors)
        over = [v for v in body.free_variables if rng.random() < 0.5]
        expr = Sum(over, body)
        simple = simplify(expr)
        free = sorted(expr.free_variables)
        assert simple.free_variables <= expr.free_variables
        a = {v: 0 for v in free}
        assert simple.evaluate(t, a) == pytest.approx(expr.evaluate(t, a), abs=1e-12)


def test_evaluation_on_data_is_plug_in() -> None:
    rng = np.random.default_rng(5)
    data = pd.DataFrame({"X": rng.integers(0, 2, 500), "Z": rng.integers(0, 3, 500)})
    data["Y"] = (rng.random(500) < 0.3 + 0.2 * data["X"] + 0.1 * data["Z"]).astype(int)
    e = Sum(["Z"], Product([Probability(["Y"], ["X", "Z"]), Probability(["Z"])]))
    counts = data.value_counts(normalize=True)
    expected = 0.0
    for z in range(3):
        pz = (data["Z"] == z).mean()
        sub = data[(data["X"] == 1) & (data["Z"] == z)]
        expected += (sub["Y"] == 1).mean() * pz
    assert e.evaluate(data, {"X": 1, "Y": 1}) == pytest.approx(expected, abs=1e-12)
    assert as_probability_table(data).probability({"X": 0, "Y": 0, "Z": 0}) == pytest.approx(counts.get((0, 0, 0), 0.0))
    with pytest.raises(DataError, match="column"):
        ProbabilityTable.from_data(data, variables=["Q"])
    with pytest.raises(InvalidParameterError, match="DataFrame"):
        as_probability_table(42)


def test_scm_models_are_accepted() -> None:
    from causalscope.graphs import DAG
    from causalscope.scm import DiscreteBN

    bn = DiscreteBN(DAG(["A", "B"], [("A", "B")]), {"A": ["0", "1"], "B": ["0", "1"]},
                    {"A": [0.4, 0.6], "B": [[0.9, 0.1], [0.2, 0.8]]})
    e = Probability(["B"], ["A"])
    assert e.evaluate(bn, {"A": "1", "B": "1"}) == pytest.approx(0.8)
    assert e.evaluate(bn.joint(), {"A": "0", "B": "1"}) == pytest.approx(0.1)
