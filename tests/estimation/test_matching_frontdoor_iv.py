"""Matching (against a brute-force loop), front-door (against the identification layer's
plug-in evaluation and the analytic interventional truth; the linear product-of-coefficients
shortcut is shown biased on binary data) and IV (against the just-identified closed form,
the Wald ratio and statsmodels' IV2SLS)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causalscope.estimation import FrontDoorEstimator, PropensityMatching, TwoStageLeastSquares, frontdoor_effect
from causalscope.estimation._common import default_classifier
from causalscope.exceptions import InvalidParameterError
from causalscope.identification import frontdoor_estimand

from .conftest import confounded


def test_matching_matches_brute_force() -> None:
    """Reference: an O(n1 * n0) loop over treated units picking the nearest control in logit(e)."""
    df = confounded(400, 7)
    t, y, z = df["t"].to_numpy(), df["y"].to_numpy(), df[["z1", "z2"]].to_numpy()
    e = default_classifier().fit(z, t).predict_proba(z)[:, 1]
    s = np.log(e / (1 - e))
    ctrl = np.flatnonzero(t == 0)
    diffs = [y[i] - y[ctrl[np.argmin(np.abs(s[ctrl] - s[i]))]] for i in np.flatnonzero(t == 1)]
    est = PropensityMatching().fit(df, treatment="t", outcome="y", adjustment_set=["z1", "z2"]).effect_
    assert est.estimate == pytest.approx(np.mean(diffs), rel=1e-9)
    assert est.std_error > 0 and est.target == "att"
    with pytest.raises(InvalidParameterError, match="target"):
        PropensityMatching(target="ate").fit(df, treatment="t", outcome="y", adjustment_set=["z1"])  # type: ignore[arg-type]


def _binary_frontdoor(n: int, seed: int) -> pd.DataFrame:
    """U -> T, U -> Y latent; T -> M -> Y, all binary, with an M x U interaction.

    P(Y=1 | m, u) = 0.1 + 0.2 m + 0.5 m u + 0.1 u, P(M=1 | t) = 0.1 + 0.7 t, P(U=1) = 0.5:
    E[Y | do(t)] = 0.15 + P(M=1 | t) (0.2 + 0.25), so the effect is 0.7 * 0.45 = 0.315.
    """
    rng = np.random.default_rng(seed)
    u = (rng.random(n) < 0.5).astype(float)
    t = (rng.random(n) < 0.15 + 0.7 * u).astype(float)
    m = (rng.random(n) < 0.1 + 0.7 * t).astype(float)
    y = (rng.random(n) < 0.1 + 0.2 * m + 0.5 * m * u + 0.1 * u).astype(float)
    return pd.DataFrame({"T": t, "M": m, "Y": y})


def test_frontdoor_plugin_equals_identification_estimand() -> None:
    """Reference: causalscope.identification's front-door estimand evaluated on the same data."""
    df = _binary_frontdoor(5000, 0)
    est = frontdoor_effect(df["T"].to_numpy(), df[["M"]].to_numpy(), df["Y"].to_numpy())
    fd = frontdoor_estimand({"T"}, {"Y"}, {"M"})
    ref = fd.evaluate(df.astype(int), {"T": 1, "Y": 1}) - fd.evaluate(df.astype(int), {"T": 0, "Y": 1})
    assert est == pytest.approx(ref, abs=1e-10)


def test_frontdoor_binary_unbiased_where_linear_shortcut_is_not() -> None:
    """Truth 0.315 (analytic, see _binary_frontdoor). The product of the OLS coefficients
    (T on M) x (M on Y given T) is biased on these binary data; the plug-in is not."""
    df = _binary_frontdoor(200_000, 1)
    t, m, y = (df[c].to_numpy() for c in "TMY")
    plug = frontdoor_effect(t, m[:, None], y)
    a = np.polyfit(t, m, 1)[0]
    b = np.linalg.lstsq(np.column_stack([np.ones_like(t), m, t]), y, rcond=None)[0][1]
    assert plug == pytest.approx(0.315, abs=0.01)
    assert abs(a * b - 0.315) > 0.03


def test_frontdoor_continuous_mediator_and_binary_outcome() -> None:
    """Continuous mediator, binary outcome: the regression form with a flexible classifier covers the truth
    computed by Monte Carlo from the structural model."""
    rng = np.random.default_rng(2)
    n = 4000

    def draw(n: int, t_fixed: float | None = None) -> tuple[np.ndarray, ...]:
        u = rng.normal(size=n)
        t = (rng.random(n) < 1 / (1 + np.exp(-1.5 * u))).astype(float) if t_fixed is None else np.full(n, t_fixed)
        m = 1.0 * t + rng.normal(size=n)
        y = (rng.random(n) < 1 / (1 + np.exp(-(1.2 * m + 1.0 * u - 0.5)))).astype(float)
        return t, m, y

    truth = draw(400_000, 1.0)[2].mean() - draw(400_000, 0.0)[2].mean()
    t, m, y = draw(n)
    df = pd.DataFrame({"t": t, "m": m, "y": y})
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    # E[Y | m, t] mixes logistic curves over U | t: a flexible classifier, not a linear shortcut
    model = make_pipeline(PolynomialFeatures(3), StandardScaler(), LogisticRegression(C=100, max_iter=5000))
    est = FrontDoorEstimator(model=model, n_bootstrap=60, random_state=0).fit(df, treatment="t", outcome="y", adjustment_set=["m"]).effect_
    assert est.ci_low < truth < est.ci_high
    with pytest.raises(InvalidParameterError, match="mediators"):
        FrontDoorEstimator().fit(df, treatment="t", outcome="y")


def test_2sls_closed_forms_and_statsmodels() -> None:
    """Just identified, no covariates: beta = Cov(Z, Y) / Cov(Z, T); binary Z: the Wald ratio;
    with a covariate and two instruments: statsmodels' IV2SLS (homoskedastic SEs)."""
    rng = np.random.default_rng(4)
    n = 3000
    u, w = rng.normal(size=n), rng.normal(size=n)
    z1 = rng.integers(0, 2, n).astype(float)
    z2 = rng.normal(size=n)
    t = 0.8 * z1 + 0.5 * z2 + 0.5 * w + u + rng.normal(size=n)
    y = 1.5 * t + w - 2 * u + rng.normal(size=n)
    df = pd.DataFrame({"z1": z1, "z2": z2, "w": w, "t": t, "y": y})
    wald = TwoStageLeastSquares(instruments="z1").fit(df, treatment="t", outcome="y").effect_
    ratio = (y[z1 == 1].mean() - y[z1 == 0].mean()) / (t[z1 == 1].mean() - t[z1 == 0].mean())
    assert wald.method == "wald" and wald.estimate == pytest.approx(ratio, rel=1e-9)
    assert wald.estimate == pytest.approx(np.cov(z1, y)[0, 1] / np.cov(z1, t)[0, 1], rel=1e-9)
    est = TwoStageLeastSquares(instruments=["z1", "z2"], robust=False).fit(
        df, treatment="t", outcome="y", adjustment_set=["w"]).effect_
    iv2sls = pytest.importorskip("statsmodels.sandbox.regression.gmm").IV2SLS
    exog = np.column_stack([np.ones(n), t, w])
    inst = np.column_stack([np.ones(n), z1, z2, w])
    ref = iv2sls(y, exog, inst).fit()
    assert est.method == "2sls"
    assert est.estimate == pytest.approx(ref.params[1], rel=1e-9)
    assert est.std_error == pytest.approx(ref.bse[1], rel=1e-6)
    assert est.ci_low < 1.5 < est.ci_high and est.diagnostics["first_stage_f"] > 10


@pytest.mark.slow
def test_iv_and_frontdoor_coverage() -> None:
    """95% intervals over seeded simulations: 2SLS (robust SE) on a confounded linear model (truth 1.5)
    and the bootstrap front-door plug-in on binary data (truth 0.315); binomial sd about 0.03."""
    hits_iv = hits_fd = 0
    reps = 50
    for s in range(reps):
        rng = np.random.default_rng(500 + s)
        n = 800
        u, z = rng.normal(size=n), rng.normal(size=n)
        t = z + u + rng.normal(size=n)
        df = pd.DataFrame({"z": z, "t": t, "y": 1.5 * t - 2 * u + rng.normal(size=n) * (1 + np.abs(z))})
        e = TwoStageLeastSquares(instruments="z").fit(df, treatment="t", outcome="y").effect_
        hits_iv += e.ci_low <= 1.5 <= e.ci_high
        fd = FrontDoorEstimator(n_bootstrap=60, random_state=s).fit(_binary_frontdoor(1500, 900 + s), treatment="T",
                                                               outcome="Y", adjustment_set=["M"]).effect_
        hits_fd += fd.ci_low <= 0.315 <= fd.ci_high
    assert hits_iv / reps >= 0.86 and hits_fd / reps >= 0.86, (hits_iv, hits_fd)
