"""The mixed-data likelihood-ratio test (causalscope.independence.mixed).

References used:

- all variables continuous: the LR equals ``-n log(1 - r^2)`` with ``r`` the
  partial correlation computed here with numpy from the inverse correlation matrix;
- a discrete target: the LR equals ``2 (l_1 - l_0)`` of two unpenalised
  scikit-learn ``LogisticRegression(C=inf)`` fits on pandas one-hot designs
  (``get_dummies(drop_first=True)``), computed independently in the test;
- calibration: Kolmogorov-Smirnov against the uniform law under simulated
  conditional independence; power: simulated dependence.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.independence import (
    CI_TESTS,
    CachedCITest,
    MixedLRTest,
    fit_multinomial_logit,
    make_ci_test,
)


def _mixed_frame(n: int, seed: int) -> pd.DataFrame:
    """C1 -> D1 -> C2, D2 -> C2, D3 <- C1, C1 -> C4 <- C3 (D: discrete)."""
    rng = np.random.default_rng(seed)
    c1 = rng.normal(size=n)
    d1 = np.digitize(c1 + rng.normal(size=n), [-0.7, 0.7])  # 3 levels
    d2 = rng.integers(0, 4, n)  # 4 levels
    c2 = 0.8 * d1 - 0.5 * (d2 == 2) + rng.normal(size=n)
    c3 = rng.normal(size=n)
    d3 = (c1 + rng.logistic(size=n) > 0).astype(int)
    c4 = 0.5 * c1 - 0.5 * c3 + rng.normal(size=n)
    frame = pd.DataFrame({"C1": c1, "D1": d1, "D2": d2, "C2": c2, "C3": c3, "D3": d3, "C4": c4})
    return frame.astype({"D1": "category", "D2": "category", "D3": "category"})


def _partial_corr(values: np.ndarray) -> float:
    prec = np.linalg.inv(np.corrcoef(values, rowvar=False))
    return float(-prec[0, 1] / np.sqrt(prec[0, 0] * prec[1, 1]))


def _sk_loglik(design: pd.DataFrame, target: np.ndarray) -> float:
    from sklearn.linear_model import LogisticRegression

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning at the tight tolerance
        model = LogisticRegression(C=np.inf, tol=1e-12, max_iter=100_000).fit(
            design.to_numpy(dtype=float), target
        )
    prob = model.predict_proba(design.to_numpy(dtype=float))
    cls = np.searchsorted(model.classes_, target)
    return float(np.sum(np.log(prob[np.arange(target.size), cls])))


def _dummies(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    parts = []
    for c in cols:
        if isinstance(frame[c].dtype, pd.CategoricalDtype):
            parts.append(pd.get_dummies(frame[c].astype(int), prefix=c, drop_first=True))
        else:
            parts.append(frame[[c]])
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=frame.index)


def test_registered_and_built_by_name() -> None:
    frame = _mixed_frame(100, 0)
    assert CI_TESTS["mixed"] is MixedLRTest
    t = make_ci_test("mixed", frame)
    assert isinstance(t, MixedLRTest) and t.method == "mixed"


@pytest.mark.parametrize("z", [[], ["C3"], ["C4", "C3"]])
def test_all_continuous_equals_gaussian_partial_correlation_lr(z: list[str]) -> None:
    frame = _mixed_frame(400, 1)
    r = MixedLRTest(frame).test("C1", "C2", z)
    assert r == MixedLRTest(frame).test("C2", "C1", z)
    pr = _partial_corr(frame[["C1", "C2", *z]].to_numpy(dtype=float))
    want = -400 * np.log(1 - pr**2)
    assert r.statistic == pytest.approx(want, rel=1e-9)
    assert r.p_value == pytest.approx(stats.chi2.sf(want, 1), rel=1e-9)
    assert r.dof == 1.0 and r.n == 400


@pytest.mark.parametrize(
    ("x", "y", "z", "target", "other"),
    [
        ("D1", "D2", [], "D1", "D2"),  # both discrete: 3 < 4 levels, D1 is the target
        ("D2", "D1", ["D3"], "D1", "D2"),
        ("D2", "D1", ["C1", "D3"], "D1", "D2"),
        ("C2", "D1", ["D2"], "D1", "C2"),  # one discrete: it is the target
        ("D3", "C2", ["C1", "D2"], "D3", "C2"),
    ],
)
def test_discrete_target_equals_sklearn_logistic_lr(
    x: str, y: str, z: list[str], target: str, other: str
) -> None:
    frame = _mixed_frame(500, 2)
    r = MixedLRTest(frame).test(x, y, z)
    t = frame[target].astype(int).to_numpy()
    ones = pd.DataFrame({"const": np.zeros(len(frame))})  # sklearn fits the intercept
    d0 = pd.concat([ones, _dummies(frame, z)], axis=1)
    d1 = pd.concat([d0, _dummies(frame, [other])], axis=1)
    lr = 2 * (_sk_loglik(d1, t) - _sk_loglik(d0, t))
    levels_t = frame[target].nunique()
    added = d1.shape[1] - d0.shape[1]
    assert r.dof == (levels_t - 1) * added
    assert r.statistic == pytest.approx(lr, rel=1e-5, abs=1e-6)
    assert r.p_value == pytest.approx(stats.chi2.sf(lr, r.dof), rel=1e-4, abs=1e-10)


def test_symmetric_and_batch_equals_single_tests() -> None:
    frame = _mixed_frame(300, 3)
    t = MixedLRTest(frame)
    queries = [
        ("D1", "D2", ["C1"]), ("C1", "C2", ["D1"]), ("D3", "C2", []), ("C3", "D1", ["D2", "C1"]),
    ]
    for x, y, z in queries:
        assert t.test(x, y, z) == t.test(y, x, z)
    fresh = MixedLRTest(frame)
    assert fresh.test_batch(queries) == [t.test(*q) for q in queries]
    idx = {v: j for j, v in enumerate(frame.columns)}
    ps = fresh.p_values(np.array([idx["D1"], idx["C1"]]), np.array([idx["D2"], idx["C2"]]),
                        np.array([[idx["C1"]], [idx["D1"]]]))
    assert ps.tolist() == [t.test(*queries[0]).p_value, t.test(*queries[1]).p_value]
    cached = CachedCITest(t)
    cached.test("D1", "D2", ["C1"])
    cached.test("D2", "D1", ["C1"])
    assert (cached.n_tests, cached.n_cache_hits) == (1, 1)


def test_power_and_conditional_independence_in_a_known_model() -> None:
    t = MixedLRTest(_mixed_frame(1000, 4))
    assert t.test("C1", "C2").p_value < 1e-6      # via D1
    assert t.test("C1", "C2", ["D1"]).p_value > 0.001
    assert t.test("D2", "C2").p_value < 1e-6      # D2 == 2 shifts C2
    assert t.test("D1", "D2", ["C2"]).p_value < 1e-3  # collider C2
    assert t.test("D3", "D1").p_value < 1e-6      # common cause C1
    assert t.test("D3", "D1", ["C1"]).p_value > 0.001


def test_one_hot_not_label_encoding() -> None:
    # Y depends on a 3-level D only through "D == 1": no linear trend in the codes.
    rng = np.random.default_rng(5)
    d = rng.integers(0, 3, 600)
    y = 1.0 * (d == 1) + rng.normal(size=600)
    frame = pd.DataFrame({"D": d, "Y": y}).astype({"D": "category"})
    assert abs(np.corrcoef(d, y)[0, 1]) < 0.1
    r = MixedLRTest(frame).test("D", "Y")
    assert r.dof == 2 and r.p_value < 1e-10


def test_degenerate_cases_have_zero_dof_and_notes() -> None:
    from causalscope.data import Dataset

    rng = np.random.default_rng(6)
    z = rng.integers(0, 3, 200)
    frame = pd.DataFrame({
        "Z": z, "Zcopy": z, "Lin": 2.0 * (z == 1) - (z == 2), "C": rng.normal(size=200),
        "Lin2": 3.0 * (z == 2),
    })
    data = Dataset.from_frame(frame, kinds={
        "Z": "discrete", "Zcopy": "discrete", "Lin": "continuous", "Lin2": "continuous",
    })
    t = MixedLRTest(data)
    r = t.test("C", "Zcopy", ["Z"])  # Zcopy (the target) is determined by Z: no evidence
    assert r.dof == 2 and r.p_value > 0.999
    r2 = t.test("Lin2", "C", ["Z"])  # target C; Lin2 adds no column beyond Z's one-hot
    assert r2.dof == 0 and r2.p_value == 1.0 and not r2.enough_data and "zero degrees" in r2.note
    r3 = t.test("C", "Lin", ["Z"])  # target Lin (lower column): a linear function of Z
    assert r3.p_value == 1.0 and "linear function of Z" in r3.note
    small = MixedLRTest(data, min_samples_per_param=100).test("C", "Z")
    assert not small.enough_data and "too few rows" in small.note


def test_missing_testwise_equals_complete_rows() -> None:
    frame = _mixed_frame(400, 7)
    rng = np.random.default_rng(8)
    holed = frame.copy()
    for col in ("C1", "D1", "C2"):
        holed.loc[rng.random(400) < 0.1, col] = np.nan
    with pytest.raises(DataError, match="testwise"):
        MixedLRTest(holed)
    t = MixedLRTest(holed, missing="testwise")
    r = t.test("C2", "D1", ["C1", "D2"])
    rows = holed[["C2", "D1", "C1", "D2"]].notna().all(axis=1)
    ref = MixedLRTest(frame[rows].reset_index(drop=True)).test("C2", "D1", ["C1", "D2"])
    assert r.n == int(rows.sum()) < 400
    assert r.statistic == pytest.approx(ref.statistic, rel=1e-9)
    assert r.p_value == pytest.approx(ref.p_value, rel=1e-9)
    assert t.test("C3", "D2").n == 400  # complete columns use every row


@pytest.mark.parametrize(
    ("x", "y", "z", "exc", "needle"),
    [
        ("Q", "C1", (), DataError, "'Q'"),
        ("C1", "C1", (), InvalidParameterError, "'C1'"),
        ("C1", "D1", ("C1",), InvalidParameterError, "x='C1'"),
        ("C1", "D1", ("D1",), InvalidParameterError, "y='D1'"),
    ],
)
def test_bad_queries_raise_typed_errors(
    x: str, y: str, z: tuple[str, ...], exc: type, needle: str
) -> None:
    with pytest.raises(exc, match=needle):
        MixedLRTest(_mixed_frame(50, 9)).test(x, y, z)


def test_bad_options() -> None:
    frame = _mixed_frame(100, 10)
    with pytest.raises(InvalidParameterError, match="min_samples_per_param"):
        MixedLRTest(frame, min_samples_per_param=-1)
    with pytest.raises(InvalidParameterError, match="max_iter"):
        MixedLRTest(frame, max_iter=0)


def test_fit_multinomial_logit_separated_classes_do_not_converge() -> None:
    x = np.linspace(-1, 1, 40)
    design = np.column_stack([np.ones(40), x])
    ll, _, ok = fit_multinomial_logit(design, (x > 0).astype(int), 2, max_iter=30)
    assert not ok and -1e-3 < ll <= 0.0  # likelihood approaches 1 as coefficients diverge


def _calibration(kind: str, n: int, reps: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    ps = np.empty(reps)
    for r in range(reps):
        zc = rng.normal(size=n)
        zd = rng.integers(0, 3, n)
        lin = 0.8 * zc + 0.6 * (zd == 1) - 0.6 * (zd == 2)
        if kind == "continuous":
            x = lin + rng.normal(size=n)
            y = -0.5 * lin + rng.standard_normal(n)
        elif kind == "discrete":
            x = np.digitize(lin + rng.logistic(size=n), [-0.5, 0.5])
            y = (-lin + rng.logistic(size=n) > 0).astype(int)
        else:
            x = lin + rng.normal(size=n)
            y = np.digitize(lin + rng.logistic(size=n), [-1.0, 0.0, 1.0])
        frame = pd.DataFrame({"X": x, "Y": y, "ZC": zc, "ZD": zd})
        cats = {"ZD": "category"} | ({"X": "category"} if kind == "discrete" else {})
        cats |= {"Y": "category"} if kind != "continuous" else {}
        ps[r] = MixedLRTest(frame.astype(cats)).test("X", "Y", ["ZC", "ZD"]).p_value
    return ps


@pytest.mark.parametrize("kind", ["continuous", "discrete", "mixed"])
def test_calibrated_under_conditional_independence(kind: str) -> None:
    ps = _calibration(kind, 300, 300, seed=11)
    assert stats.kstest(ps, "uniform").pvalue > 0.01
    assert 0.02 <= np.mean(ps < 0.05) <= 0.08
