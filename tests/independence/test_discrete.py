"""G-test and chi-square: equality with causal-learn, sparse strata, dof rules, calibration.

Reference: causal-learn's ``causallearn.utils.cit.CIT(data, "gsq")`` and
``CIT(data, "chisq")`` on the same integer array; whose degrees of freedom drop the
empty rows/columns per stratum, the same rule as our default ``dof_rule="adjusted"``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from causallearn.utils.cit import CIT
from scipy import stats

from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.independence import ChiSquareTest, GTest, stratified_statistics

NAMES = [f"V{j}" for j in range(6)]


def _discrete_data(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    d = np.empty((n, 6), dtype=np.int64)
    d[:, 0] = rng.integers(0, 3, n)
    d[:, 1] = np.where(rng.random(n) < 0.3, d[:, 0], rng.integers(0, 2, n))
    d[:, 2] = np.where(rng.random(n) < 0.25, d[:, 1], rng.integers(0, 4, n))
    d[:, 3] = rng.integers(0, 2, n)
    d[:, 4] = np.where(rng.random(n) < 0.2, (d[:, 2] + d[:, 3]) % 3, rng.integers(0, 3, n))
    d[:, 5] = rng.integers(0, 5, n)
    return d


@pytest.mark.parametrize(("ours", "name"), [(GTest, "gsq"), (ChiSquareTest, "chisq")])
def test_p_values_equal_causal_learn(ours: type, name: str) -> None:
    data = _discrete_data(300, 1)
    test = ours(pd.DataFrame(data, columns=NAMES))
    ref = CIT(data, name)
    queries = []
    for x, y in itertools.combinations(range(6), 2):
        rest = [v for v in range(6) if v not in (x, y)]
        for k in range(4):
            queries.extend((x, y, zs) for zs in itertools.combinations(rest, k))
    got = test.test_batch([(NAMES[x], NAMES[y], [NAMES[c] for c in zs]) for x, y, zs in queries])
    want = np.array([ref(x, y, list(zs)) for x, y, zs in queries])
    np.testing.assert_allclose([r.p_value for r in got], want, rtol=1e-9, atol=1e-300)
    assert any(not r.enough_data for r in got)  # sparse strata at |Z| = 3, n = 300


def test_statistics_match_scipy_without_conditioning() -> None:
    data = _discrete_data(500, 2)
    table = pd.crosstab(data[:, 0], data[:, 2]).to_numpy()
    x2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    g, pg, _, _ = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    frame = pd.DataFrame(data, columns=NAMES)
    rc = ChiSquareTest(frame).test("V0", "V2")
    rg = GTest(frame).test("V0", "V2")
    assert rc.statistic == pytest.approx(x2, rel=1e-10) and rc.p_value == pytest.approx(p, rel=1e-9)
    assert rg.statistic == pytest.approx(g, rel=1e-10) and rg.p_value == pytest.approx(pg, rel=1e-9)
    assert rc.dof == rg.dof == dof


def test_adjusted_dof_counts_nonempty_levels_per_stratum() -> None:
    # Stratum z=0: x in {0,1}, y in {0,1,2} -> 1*2; stratum z=1: x only 0 -> 0.
    x = np.array([0, 1, 0, 1, 0, 1, 0, 0, 0])
    y = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2])
    z = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1])
    g, x2, dof, strata = stratified_statistics(x, y, [z])
    assert (dof, strata) == (2, 2)
    frame = pd.DataFrame({"X": x, "Y": y, "Z": z}).astype("category")
    classic = GTest(frame, dof_rule="classic").test("X", "Y", ["Z"])
    assert classic.dof == (2 - 1) * (3 - 1) * 2
    assert GTest(frame).test("X", "Y", ["Z"]).dof == 2


def test_zero_dof_and_small_samples_are_flagged() -> None:
    frame = pd.DataFrame({"X": [0, 0, 0, 1, 1, 1], "Y": [0, 1, 0, 1, 0, 1], "Z": [0, 0, 0, 1, 1, 1]})
    r = GTest(frame).test("X", "Y", ["Z"])  # X is constant within each stratum
    assert r.dof == 0 and r.p_value == 1.0 and not r.enough_data and "zero degrees" in r.note
    r2 = ChiSquareTest(frame).test("X", "Y")
    assert r2.dof == 1 and r2.enough_data  # n = 6 >= 5 * 1
    r3 = ChiSquareTest(frame, min_samples_per_dof=10).test("X", "Y")
    assert not r3.enough_data and "too few rows" in r3.note
    assert r3.p_value == r2.p_value  # the p-value is still reported


def test_large_conditioning_sets_are_counted_sparsely() -> None:
    # 12 conditioning variables with 10 levels each: 1e12 configurations, n = 2000.
    rng = np.random.default_rng(3)
    data = rng.integers(0, 10, size=(2000, 14))
    frame = pd.DataFrame(data, columns=[f"C{j}" for j in range(14)]).astype("category")
    r = GTest(frame).test("C0", "C1", [f"C{j}" for j in range(2, 14)])
    assert r.dof == 0 and not r.enough_data  # every row is its own stratum
    g, _, dof, strata = stratified_statistics(data[:, 0], data[:, 1], [data[:, 2]])
    assert strata == 10


def test_missing_testwise() -> None:
    data = _discrete_data(400, 4).astype(float)
    rng = np.random.default_rng(5)
    data[rng.random(data.shape) < 0.1] = np.nan
    frame = pd.DataFrame(data, columns=NAMES).astype("category")
    with pytest.raises(DataError, match="testwise"):
        GTest(frame)
    t = GTest(frame, missing="testwise")
    r = t.test("V0", "V1", ["V2"])
    rows = ~np.isnan(data[:, [0, 1, 2]]).any(axis=1)
    complete = data[rows][:, [0, 1, 2]].astype(int)
    ref = GTest(pd.DataFrame(complete, columns=["a", "b", "c"]).astype("category")).test("a", "b", ["c"])
    assert r.n == rows.sum() and r.p_value == pytest.approx(ref.p_value, rel=1e-12)


def test_bad_options() -> None:
    frame = pd.DataFrame(_discrete_data(50, 6), columns=NAMES)
    with pytest.raises(InvalidParameterError, match="dof_rule"):
        GTest(frame, dof_rule="tetrad")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="min_samples_per_dof"):
        GTest(frame, min_samples_per_dof=-1)


@pytest.mark.parametrize("cls", [GTest, ChiSquareTest])
def test_calibrated_under_conditional_independence(cls: type) -> None:
    # X <- Z -> Y with ternary variables, n = 500, 300 repetitions.
    rng = np.random.default_rng(12)
    ps = []
    for _ in range(300):
        z = rng.integers(0, 3, 500)
        x = np.where(rng.random(500) < 0.5, z, rng.integers(0, 3, 500))
        y = np.where(rng.random(500) < 0.5, (z + 1) % 3, rng.integers(0, 3, 500))
        frame = pd.DataFrame({"X": x, "Y": y, "Z": z}).astype("category")
        ps.append(cls(frame).test("X", "Y", ["Z"]).p_value)
    assert stats.kstest(ps, "uniform").pvalue > 0.01
    assert cls(frame).test("X", "Y").p_value < 1e-3


def test_vectorised_batch_equals_per_query_statistics() -> None:
    # Reference: stratified_statistics (one query at a time) on the same codes, for a
    # batch mixing |Z| = 0..3, a missing-value pattern and a query whose Z has
    # 10^20 configurations (evaluated by the per-query fallback).
    from causalscope.independence import batched_statistics

    data = _discrete_data(400, 13)
    rng = np.random.default_rng(14)
    wide = rng.integers(0, 10, size=(400, 20))
    frame = pd.concat(
        [pd.DataFrame(data, columns=NAMES), pd.DataFrame(wide, columns=[f"W{j}" for j in range(20)])],
        axis=1,
    ).astype("category")
    holed = frame.astype(float)
    holed.loc[rng.random(400) < 0.1, "V5"] = np.nan
    test = GTest(holed.astype("category"), missing="testwise")
    queries = [("V0", "V2", []), ("V1", "V4", ["V2"]), ("V0", "V5", ["V1", "V3"]),
               ("V2", "V3", ["V0", "V1", "V4"]), ("V0", "V1", [f"W{j}" for j in range(20)]),
               ("V5", "V4", ["V0", "V3"])]
    got = test.test_batch(queries)
    for (x, y, z), r in zip(queries, got):
        cols = [x, y, *z]
        sub = holed[cols].dropna().astype(int).to_numpy()
        g, _, dof, _ = stratified_statistics(sub[:, 0], sub[:, 1], [sub[:, j] for j in range(2, len(cols))])
        assert r.n == sub.shape[0] and r.dof == dof
        if dof > 0:
            assert r.statistic == pytest.approx(g, rel=1e-10, abs=1e-12)
    codes = data.astype(np.int64)
    g, x2, dof = batched_statistics(codes.T.copy(), np.array([0, 1, 2]), np.array([2, 4, 5]),
                                    np.array([[1, 3], [0, 2], [3, 4]]), codes.max(axis=0) + 1)
    for q, (x, y, zz) in enumerate([(0, 2, (1, 3)), (1, 4, (0, 2)), (2, 5, (3, 4))]):
        ref = stratified_statistics(codes[:, x], codes[:, y], [codes[:, c] for c in zz])
        assert (g[q], x2[q], dof[q]) == pytest.approx(ref[:3], rel=1e-10)
