"""CATE meta-learners on simulated heterogeneous effects with a known CATE: PEHE against the
truth, the DR-learner beating the S-learner where the baseline is complex and the effect simple
(Kennedy 2023; Künzel et al. 2019), the held-out DR loss ranking them the same way, and the best
linear projection recovering the known linear CATE coefficients."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression

from causalscope.estimation import CATELearner, best_linear_projection, evaluate_cate, pehe
from causalscope.exceptions import DataError, InvalidParameterError

COV = [f"x{i}" for i in range(4)]


def _sim(n: int, seed: int, *, randomized: bool = False) -> tuple[pd.DataFrame, np.ndarray]:
    """tau(x) = 1 + x0 + 0.5 x2 (simple); baseline sin(2 x0) + x1^2 + x3 (complex); confounded by x0, x1."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    e = np.full(n, 0.5) if randomized else 1 / (1 + np.exp(-(x[:, 0] - 0.5 * x[:, 1])))
    t = (rng.random(n) < e).astype(int)
    tau = 1 + x[:, 0] + 0.5 * x[:, 2]
    y = np.sin(2 * x[:, 0]) + x[:, 1] ** 2 + x[:, 3] + tau * t + rng.normal(size=n)
    df = pd.DataFrame(x, columns=COV)
    df["t"], df["y"] = t, y
    return df, tau


def test_dr_learner_beats_s_learner_and_holdout_agrees() -> None:
    df, tau = _sim(2500, 0)
    rf = RandomForestRegressor(n_estimators=40, min_samples_leaf=10, max_features=0.6, random_state=0)
    s = CATELearner(learner="s", model=rf, random_state=0).fit(df, treatment="t", outcome="y", adjustment_set=COV)
    dr = CATELearner(learner="dr", model=rf, effect_model=LinearRegression(), random_state=0).fit(
        df, treatment="t", outcome="y", adjustment_set=COV)
    p_s, p_dr = pehe(s.effect(df), tau), pehe(dr.effect(df), tau)
    assert p_dr < 0.25 < p_s  # measured: about 0.13 vs 0.6
    ev_s = evaluate_cate(CATELearner(learner="s", model=rf), df, treatment="t", outcome="y", adjustment_set=COV,
                         true_cate=tau, outcome_model=rf, random_state=1)
    ev_dr = evaluate_cate(CATELearner(learner="dr", model=rf, effect_model=LinearRegression(), random_state=0), df,
                          treatment="t", outcome="y", adjustment_set=COV, true_cate=tau, outcome_model=rf, random_state=1)
    assert ev_dr.pehe < ev_s.pehe and ev_dr.dr_loss < ev_s.dr_loss
    assert abs(ev_dr.calibration_slope - 1) < 2 * ev_dr.calibration_se + 0.1


@pytest.mark.parametrize("learner", ["s", "t", "x", "dr"])
def test_learners_recover_linear_cate_in_rct(learner: str) -> None:
    """Randomised, linear baseline and effect: T-, X- and DR-learners on linear models have a small PEHE;
    the S-learner on an additive linear model cannot express the heterogeneity (constant CATE)."""
    rng = np.random.default_rng(1)
    n = 3000
    x = rng.normal(size=(n, 2))
    t = rng.integers(0, 2, n)
    tau = 1 + x[:, 0]
    df = pd.DataFrame({"x0": x[:, 0], "x1": x[:, 1], "t": t, "y": x[:, 1] + tau * t + rng.normal(size=n)})
    if learner == "s":
        fit = CATELearner(learner="s", model=LinearRegression()).fit(df, treatment="t", outcome="y", adjustment_set=["x0", "x1"])
        # an additive S-learner cannot express heterogeneity: its CATE is constant
        assert np.ptp(fit.effect(df)) < 1e-9 and pehe(fit.effect(df), tau) > 0.9
        return
    fit = CATELearner(learner=learner, random_state=0).fit(df, treatment="t", outcome="y", adjustment_set=["x0", "x1"])  # type: ignore[arg-type]
    assert pehe(fit.effect(df), tau) < 0.15
    assert fit.ate_ == pytest.approx(tau.mean(), abs=0.1)


def test_best_linear_projection_covers_known_coefficients() -> None:
    """tau(x) = 1 + x0 + 0.5 x2 is linear, so its BLP is the CATE itself: (1, 1, 0, 0.5, 0)."""
    df, _ = _sim(3000, 2, randomized=True)
    blp = best_linear_projection(df, treatment="t", outcome="y", adjustment_set=COV, random_state=0)
    truth = [1.0, 1.0, 0.0, 0.5, 0.0]
    assert blp.terms == ("intercept", *COV)
    covered = [lo <= b <= hi for lo, b, hi in zip(blp.ci_low, truth, blp.ci_high)]
    assert sum(covered) >= 4  # 95% intervals: at most one miss expected among five
    assert blp.p_value[1] < 1e-6
    assert set(blp.to_dict()["terms"][0]) == {"term", "coef", "std_error", "ci_low", "ci_high", "p_value"}


def test_cate_errors() -> None:
    df, _ = _sim(200, 3)
    with pytest.raises(InvalidParameterError, match="learner"):
        CATELearner(learner="z").fit(df, treatment="t", outcome="y", adjustment_set=COV)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="not fitted"):
        CATELearner().effect(df)
    with pytest.raises(DataError, match="binary"):
        CATELearner().fit(df.assign(t=df["x0"]), treatment="t", outcome="y", adjustment_set=["x1"])
    with pytest.raises(InvalidParameterError, match="covariates"):
        CATELearner().fit(df, treatment="t", outcome="y", adjustment_set=[])
