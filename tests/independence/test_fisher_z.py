"""Fisher-z test: equality with causal-learn, batching, singular matrices, missing values, calibration.

Reference: causal-learn's ``causallearn.utils.cit.CIT(data, "fisherz")`` (and
``"mv_fisherz"`` for test-wise deletion) on the same numpy array.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from causallearn.utils.cit import CIT
from scipy import stats

from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.independence import CachedCITest, FisherZ

NAMES = [f"X{j}" for j in range(6)]


def _linear_data(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6))
    x[:, 1] += 0.3 * x[:, 0]
    x[:, 2] += 0.2 * x[:, 1] - 0.1 * x[:, 0]
    x[:, 4] += 0.15 * x[:, 2] + 0.1 * x[:, 3]
    x[:, 5] += 0.05 * x[:, 4]
    return x


def _queries(p: int, kmax: int) -> list[tuple[int, int, tuple[int, ...]]]:
    out = []
    for x, y in itertools.combinations(range(p), 2):
        rest = [v for v in range(p) if v not in (x, y)]
        for k in range(kmax + 1):
            out.extend((x, y, zs) for zs in itertools.combinations(rest, k))
    return out


def test_p_values_equal_causal_learn_fisherz() -> None:
    data = _linear_data(400, 1)
    ours = FisherZ(pd.DataFrame(data, columns=NAMES))
    ref = CIT(data, "fisherz")
    queries = _queries(6, 3)
    named = [(NAMES[x], NAMES[y], [NAMES[c] for c in zs]) for x, y, zs in queries]
    got = np.array([r.p_value for r in ours.test_batch(named)])
    want = np.array([ref(x, y, list(zs)) for x, y, zs in queries])
    # causal-learn computes 2 * (1 - cdf), which loses relative precision below ~1e-6.
    big = want > 1e-6
    assert big.sum() > 50
    np.testing.assert_allclose(got[big], want[big], rtol=1e-9)
    np.testing.assert_allclose(got[~big], want[~big], atol=1e-12)


def test_statistic_and_dof() -> None:
    data = _linear_data(300, 2)
    r = FisherZ(pd.DataFrame(data, columns=NAMES)).test("X0", "X2", ["X1", "X3"])
    sub = np.corrcoef(data[:, [0, 2, 1, 3]].T)
    prec = np.linalg.inv(sub)
    partial = -prec[0, 1] / np.sqrt(prec[0, 0] * prec[1, 1])
    assert r.dof == 300 - 2 - 3 and r.n == 300
    assert r.statistic == pytest.approx(np.sqrt(295) * np.arctanh(partial), rel=1e-12)
    assert r.p_value == pytest.approx(2 * stats.norm.sf(abs(r.statistic)), rel=1e-12)


def test_index_fast_path_matches_named_batch() -> None:
    data = _linear_data(200, 3)
    t = FisherZ(pd.DataFrame(data, columns=NAMES))
    rng = np.random.default_rng(0)
    perm = np.array([rng.permutation(6)[:5] for _ in range(50)])
    ps = t.p_values(perm[:, 0], perm[:, 1], perm[:, 2:])
    named = [(NAMES[r[0]], NAMES[r[1]], [NAMES[c] for c in r[2:]]) for r in perm]
    np.testing.assert_allclose(ps, [r.p_value for r in t.test_batch(named)], rtol=1e-12)


def test_singular_submatrix_pinv_rule_and_raise() -> None:
    rng = np.random.default_rng(4)
    a, b, c = rng.normal(size=(3, 200))
    frame = pd.DataFrame({"A": a, "B": b, "C": c, "D": a + b, "E": 2 * c})
    t = FisherZ(frame)
    # x = A is a linear function of Z = {D, B}: partial correlation set to 0, p = 1.
    r = t.test("A", "C", ["D", "B"])
    assert r.p_value == 1.0 and r.statistic == 0.0 and "linear function of Z" in r.note
    # Z = {C, E} is collinear but A, B are not functions of it: pseudo-inverse of the Z block.
    r2 = t.test("A", "B", ["C", "E"])
    ref = t.test("A", "B", ["C"])
    assert "pseudo-inverse" in r2.note
    assert np.tanh(r2.statistic / np.sqrt(r2.dof)) == pytest.approx(
        np.tanh(ref.statistic / np.sqrt(ref.dof)), rel=1e-8
    )
    assert np.isfinite(r2.p_value)
    with pytest.raises(DataError, match="x='A'.*singular"):
        FisherZ(frame, singular="raise").test("A", "C", ["D", "B"])
    with pytest.raises(InvalidParameterError, match="singular"):
        FisherZ(frame, singular="ignore")  # type: ignore[arg-type]


def test_deterministic_pair_gives_finite_statistic() -> None:
    rng = np.random.default_rng(5)
    a = rng.normal(size=100)
    r = FisherZ(pd.DataFrame({"A": a, "B": 3 * a + 1, "C": rng.normal(size=100)})).test("A", "B")
    assert np.isfinite(r.statistic) and r.p_value == 0.0


def test_too_few_rows_is_flagged() -> None:
    rng = np.random.default_rng(6)
    frame = pd.DataFrame(rng.normal(size=(5, 4)), columns=list("ABCD"))
    r = FisherZ(frame).test("A", "B", ["C", "D"])
    assert r.dof == 0 and not r.enough_data and r.p_value == 1.0
    assert FisherZ(frame).test("A", "B").enough_data


def test_constant_column_raises() -> None:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"A": rng.normal(size=50), "B": rng.normal(size=50), "C": np.ones(50) * 0.5})
    with pytest.raises(DataError, match="constant"):
        FisherZ(frame).test("A", "C")


def test_missing_values_error_by_default_and_testwise_matches_causal_learn() -> None:
    data = _linear_data(500, 8)
    rng = np.random.default_rng(9)
    holes = data.copy()
    holes[rng.random(holes.shape) < 0.08] = np.nan
    frame = pd.DataFrame(holes, columns=NAMES)
    with pytest.raises(DataError, match="testwise"):
        FisherZ(frame)
    ours = FisherZ(frame, missing="testwise")
    ref = CIT(holes, "mv_fisherz")  # causal-learn: test-wise deletion
    for x, y, zs in _queries(6, 2)[::3]:
        r = ours.test(NAMES[x], NAMES[y], [NAMES[c] for c in zs])
        rows = ~np.isnan(holes[:, [x, y, *zs]]).any(axis=1)
        assert r.n == rows.sum()
        assert r.p_value == pytest.approx(ref(x, y, list(zs)), rel=1e-9, abs=1e-12)
    # a batch over different missingness patterns equals the single tests
    qs = [("X0", "X1", []), ("X2", "X3", ["X4"]), ("X0", "X5", ["X1", "X2"])]
    assert ours.test_batch(qs) == [ours.test(*q) for q in qs]


def test_cache_with_fisherz_counts() -> None:
    t = CachedCITest(FisherZ(pd.DataFrame(_linear_data(100, 10), columns=NAMES)))
    t.test_batch([("X0", "X1", ["X2"]), ("X1", "X0", ["X2"]), ("X0", "X1", ["X3"])])
    assert (t.n_tests, t.n_cache_hits) == (2, 1)


def test_calibrated_under_conditional_independence() -> None:
    # X -> Z -> Y, nonzero effects: X _||_ Y | Z; 400 repetitions at n = 200.
    rng = np.random.default_rng(11)
    ps = []
    for _ in range(400):
        x = rng.normal(size=200)
        z = 0.8 * x + rng.normal(size=200)
        y = -0.7 * z + rng.normal(size=200)
        frame = pd.DataFrame({"X": x, "Y": y, "Z": z})
        ps.append(FisherZ(frame).test("X", "Y", ["Z"]).p_value)
    assert stats.kstest(ps, "uniform").pvalue > 0.01
    # and dependent pairs are detected
    assert FisherZ(frame).test("X", "Y").p_value < 1e-3
