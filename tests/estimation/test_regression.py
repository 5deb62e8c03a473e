"""Regression adjustment: OLS against numpy's lstsq closed form and statsmodels' robust
covariances; algebraic identities between estimators; the LaLonde experimental benchmark."""

from __future__ import annotations

import numpy as np
import pytest

from causalscope.datasets import load_lalonde
from causalscope.estimation import DifferenceInMeans, GComputation, LinearRegressionEstimator, ols
from causalscope.exceptions import DataError, InvalidParameterError

from .conftest import confounded


def test_ols_matches_lstsq_and_statsmodels() -> None:
    """Reference: numpy.linalg.lstsq (coefficients) and statsmodels OLS (HC0/HC1/HC3, nonrobust SEs)."""
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(3)
    x = np.column_stack([np.ones(300), rng.normal(size=(300, 3))])
    y = x @ [1.0, 2.0, -1.0, 0.5] + rng.normal(size=300) * (1 + np.abs(x[:, 1]))
    ref = np.linalg.lstsq(x, y, rcond=None)[0]
    for cov_type in ("HC0", "HC1", "HC3", "nonrobust"):
        beta, cov, res = ols(x, y, cov_type=cov_type)
        np.testing.assert_allclose(beta, ref, rtol=1e-10)
        fit = sm.OLS(y, x).fit(cov_type=cov_type)
        np.testing.assert_allclose(np.sqrt(np.diag(cov)), fit.bse, rtol=1e-8)
        np.testing.assert_allclose(res, y - x @ ref, atol=1e-9)


def test_ols_badly_scaled_columns() -> None:
    """Columns on scales 1 and 1e9 (as LaLonde's squared earnings): the QR solve matches the
    solution on standardised columns (reference: lstsq on the rescaled design)."""
    rng = np.random.default_rng(0)
    x = np.column_stack([np.ones(500), rng.normal(size=500), 1e9 * rng.random(500) ** 2])
    y = x @ [1.0, 2.0, 3e-9] + rng.normal(size=500)
    s = np.abs(x).max(axis=0)
    ref = np.linalg.lstsq(x / s, y, rcond=None)[0] / s
    np.testing.assert_allclose(ols(x, y)[0], ref, rtol=1e-6)
    with pytest.raises(InvalidParameterError, match="rank deficient"):
        ols(np.column_stack([x, x[:, 1]]), y)


def test_linear_ate_equals_treatment_coefficient_and_covers() -> None:
    df = confounded(2000, 0)
    est = LinearRegressionEstimator().fit(df, treatment="t", outcome="y", adjustment_set=["z1", "z2"]).effect_
    x = np.column_stack([np.ones(2000), df[["t", "z1", "z2"]].to_numpy(float)])
    assert est.estimate == pytest.approx(np.linalg.lstsq(x, df["y"].to_numpy(), rcond=None)[0][1], rel=1e-10)
    assert est.ci_low < 2.0 < est.ci_high
    assert est.diagnostics["dof"] == 2000 - 4


def test_linear_att_equals_linear_gcomputation() -> None:
    """Algebra: with linear per-arm models, g-computation's ATT = mean_treated(Y - Z'beta_0) (Kline 2011)."""
    df = confounded(800, 1)
    lin = LinearRegressionEstimator(target="att").fit(df, treatment="t", outcome="y", adjustment_set=["z1", "z2"]).effect_
    g = GComputation(target="att", n_bootstrap=20, random_state=0).fit(df, treatment="t", outcome="y", adjustment_set=["z1", "z2"])
    assert lin.estimate == pytest.approx(g.effect_.estimate, rel=1e-8)
    # the influence-function SE agrees with the bootstrap's to within bootstrap noise
    gb = GComputation(target="att", n_bootstrap=300, random_state=0).fit(df, treatment="t", outcome="y", adjustment_set=["z1", "z2"])
    assert lin.std_error == pytest.approx(gb.effect_.std_error, rel=0.2)


def test_gcomputation_continuous_treatment_and_seed() -> None:
    df = confounded(1000, 2, binary=False)
    a = GComputation(n_bootstrap=30, random_state=5).fit(df, treatment="t", outcome="y", adjustment_set=["z1", "z2"]).effect_
    b = GComputation(n_bootstrap=30, random_state=5, n_jobs=2).fit(df, treatment="t", outcome="y", adjustment_set=["z1", "z2"]).effect_
    assert a.estimate == pytest.approx(2.0, abs=0.1)
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)  # same seed, same answer, any n_jobs


def test_lalonde_experimental_difference() -> None:
    """Published: 1794.34 (Dehejia & Wahba 1999 sample), SE about 671."""
    ex = load_lalonde()
    est = DifferenceInMeans().fit(ex.data, treatment="treat", outcome="re78").effect_
    assert est.estimate == pytest.approx(1794.34, abs=0.01)
    assert est.std_error == pytest.approx(671, abs=5)


def test_bad_inputs() -> None:
    df = confounded(200, 3)
    bad = df.copy()
    bad.loc[3, "y"] = np.nan
    with pytest.raises(DataError, match="missing values.*dropna"):
        LinearRegressionEstimator().fit(bad, treatment="t", outcome="y", adjustment_set=["z1"])
    with pytest.raises(DataError, match="'nope' is not in the data"):
        LinearRegressionEstimator().fit(df, treatment="t", outcome="y", adjustment_set=["nope"])
    with pytest.raises(InvalidParameterError, match="target"):
        LinearRegressionEstimator(target="cate").fit(df, treatment="t", outcome="y")  # type: ignore[arg-type]
    cont = df.assign(t=df["z1"] + 0.1)
    with pytest.raises(DataError, match="must be binary 0/1"):
        DifferenceInMeans().fit(cont, treatment="t", outcome="y")


def test_bootstrap_reports_progress_and_is_seeded() -> None:
    """The progress callback sees every replicate; the replicates do not depend on n_jobs."""
    from causalscope.estimation import bootstrap

    y = np.random.default_rng(0).normal(size=300)
    seen: list[tuple[int, int | None]] = []
    a = bootstrap(lambda i: float(y[i].mean()), 300, n_bootstrap=40, random_state=2,
                  progress=lambda done, total, desc: seen.append((done, total)))
    b = bootstrap(lambda i: float(y[i].mean()), 300, n_bootstrap=40, random_state=2, n_jobs=2)
    np.testing.assert_array_equal(a[3], b[3])
    assert seen and seen[-1] == (40, 40)
    assert a[0] == pytest.approx(y.std() / np.sqrt(300), rel=0.3)
