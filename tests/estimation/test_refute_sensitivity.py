"""Refutations (a fake effect is caught by the placebo; a correct estimate survives the random
common cause; a negative control flags unmeasured confounding) and sensitivity (published
numbers: VanderWeele & Ding 2017 E-value example, Cinelli & Hazlett 2020 Darfur example; the
robustness value checked against the omitted-variable-bias formula it inverts)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from causalscope.estimation import (
    AIPW,
    BaseEffectEstimator,
    LinearRegressionEstimator,
    e_value,
    e_value_smd,
    partial_r2,
    refute,
    robustness_value,
)
from causalscope.estimation.base import Raw
from causalscope.exceptions import InvalidParameterError

from .conftest import confounded


class _RowOrderEstimator(BaseEffectEstimator):
    """A broken estimator: reports the outcome difference between the two halves of the rows,
    whatever the treatment (a fake effect, as from leakage of row order)."""

    name = "broken"

    def _compute(self, frame, treatment, outcome, adjust, rng):  # type: ignore[no-untyped-def]
        y = frame[outcome].to_numpy(float)
        h = len(y) // 2
        d = y[:h].mean() - y[h:].mean()
        se = math.sqrt(y[:h].var() / h + y[h:].var() / h)
        return Raw(d, se, d - 2 * se, d + 2 * se, len(y))


def test_placebo_detects_fake_effect() -> None:
    df = confounded(1000, 0).sort_values("z1").reset_index(drop=True)  # row order carries z1
    broken = _RowOrderEstimator()
    fake = broken.estimate_frame(df, "t", "y", ["z1", "z2"], 0)
    res = {r.name: r for r in refute(broken, df, fake, random_state=0)}
    assert not res["placebo_treatment"].passed and abs(res["placebo_treatment"].statistic) > 5
    good = LinearRegressionEstimator().fit(df, treatment="t", outcome="y", adjustment_set=["z1", "z2"])
    res = {r.name: r for r in refute(good, df, good.effect_, random_state=0)}
    assert res["placebo_treatment"].passed and res["dummy_outcome"].passed


def test_random_common_cause_leaves_correct_estimate_unchanged() -> None:
    df = confounded(2000, 1)
    est = AIPW(random_state=0).fit(df, treatment="t", outcome="y", adjustment_set=["z1", "z2"])
    (rcc,) = refute(est, df, est.effect_, refuters=["random_common_cause"], random_state=3)
    assert rcc.passed and abs(rcc.new_estimate - est.effect_.estimate) < 0.2 * est.effect_.std_error
    (sub,) = refute(est, df, est.effect_, refuters=["data_subset"], random_state=3)
    assert sub.passed


def test_negative_control_outcome_flags_unmeasured_confounding() -> None:
    """N is caused by the unmeasured U (which also drives T and Y) but not by T."""
    rng = np.random.default_rng(5)
    n = 3000
    u, z = rng.normal(size=n), rng.normal(size=n)
    t = (rng.random(n) < 1 / (1 + np.exp(-(u + z)))).astype(int)
    df = pd.DataFrame({"z": z, "u": u, "t": t, "y": t + u + z + rng.normal(size=n), "n": u + rng.normal(size=n)})
    est = LinearRegressionEstimator().fit(df, treatment="t", outcome="y", adjustment_set=["z"])
    (nc,) = refute(est, df, est.effect_, refuters=[], negative_control="n", random_state=0)
    assert nc.name == "negative_control_outcome" and not nc.passed
    est_u = LinearRegressionEstimator().fit(df, treatment="t", outcome="y", adjustment_set=["z", "u"])
    (nc,) = refute(est_u, df, est_u.effect_, refuters=[], negative_control="n", random_state=0)
    assert nc.passed


def test_refutations_are_seeded() -> None:
    df = confounded(500, 2)
    est = AIPW(random_state=0).fit(df, treatment="t", outcome="y", adjustment_set=["z1", "z2"])
    a = refute(est, df, est.effect_, random_state=11)
    b = refute(est, df, est.effect_, random_state=11)
    assert a == b
    with pytest.raises(InvalidParameterError, match="unknown refuters"):
        refute(est, df, est.effect_, refuters=["bogus"])


def test_e_value_published_example() -> None:
    """VanderWeele & Ding (2017): RR 3.9 (95% CI 1.8-8.7) gives E-values 7.26 and 3.0."""
    e, e_ci = e_value(3.9, 1.8, 8.7)
    assert e == pytest.approx(7.26, abs=0.005) and e_ci == pytest.approx(3.0, abs=0.005)
    assert e_value(1 / 3.9)[0] == pytest.approx(e)  # protective: use 1/RR
    assert e_value(1.2, 0.9, 1.5)[1] == 1.0  # interval contains 1
    rr, e, _, _ = e_value_smd(0.3, 0.05)
    assert rr == pytest.approx(math.exp(0.91 * 0.3)) and e == pytest.approx(rr + math.sqrt(rr * (rr - 1)))


def test_robustness_value_darfur() -> None:
    """Cinelli & Hazlett (2020), Darfur: estimate 0.0973, SE 0.0232, dof 783 -> partial R2 2.19%,
    RV_1 13.9%, RV_{1,0.05} 7.6% (their Table / sensemakr output)."""
    t = 0.09731 / 0.02325
    assert 100 * partial_r2(t, 783) == pytest.approx(2.19, abs=0.005)
    assert 100 * robustness_value(t, 783) == pytest.approx(13.9, abs=0.05)
    assert 100 * robustness_value(t, 783, alpha=0.05) == pytest.approx(7.6, abs=0.05)


@pytest.mark.parametrize(("t", "dof", "q"), [(4.18, 783, 1.0), (2.5, 100, 0.5), (10.0, 50, 1.0)])
def test_robustness_value_inverts_ovb_bound(t: float, dof: int, q: float) -> None:
    """Cinelli & Hazlett eq. (bias bound): a confounder with R2_{Y~U|D,X} = R2_{D~U|X} = RV has
    |bias| = se * sqrt(dof) * sqrt(RV * RV / (1 - RV)) = q |estimate| (estimate = t * se)."""
    se = 0.7
    rv = robustness_value(t, dof, q=q)
    bias = se * math.sqrt(dof) * math.sqrt(rv * rv / (1 - rv))
    assert bias == pytest.approx(q * abs(t) * se, rel=1e-9)
