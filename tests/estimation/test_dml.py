"""``dml`` is the interactive (AIPW-score) DML of Chernozhukov et al. (2018, sec. 5.1) and estimates the
ATE under heterogeneous effects; ``dml-plr`` is the partially linear theta (sec. 4.1), labelled as such,
with the numbers of the former ``dml``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from causalscope.estimation import AIPW, ESTIMATORS, InteractiveDML, PartiallyLinearDML, estimate_effect
from causalscope.exceptions import DataError
from causalscope.utils import spawn_seeds

from .conftest import confounded


def heterogeneous(n: int, seed: int) -> pd.DataFrame:
    """Effect 2 + 3 z, propensity logistic(z - 1): true ATE 2 (E z = 0). The partially linear theta weights
    the effects by Var(T | Z) = e(1 - e), which peaks at z = 1, so it is well above 2."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    t = (rng.random(n) < 1 / (1 + np.exp(-(z - 1)))).astype(int)
    y = (2 + 3 * z) * t + z + rng.normal(size=n)
    return pd.DataFrame({"z": z, "t": t, "y": y})


def test_dml_covers_the_ate_where_dml_plr_does_not() -> None:
    """Reference: the known ATE 2.0 of the simulation, on three seeded data sets."""
    for seed in range(3):
        df = heterogeneous(3000, seed)
        irm = estimate_effect(df, treatment="t", outcome="y", adjustment_set=["z"], method="dml", refute=False,
                              sensitivity=False, random_state=seed)
        plr = estimate_effect(df, treatment="t", outcome="y", adjustment_set=["z"], method="dml-plr", refute=False,
                              sensitivity=False, random_state=seed)
        assert irm.ci_low < 2.0 < irm.ci_high, (seed, irm)
        assert not plr.ci_low < 2.0 < plr.ci_high and plr.estimate > 2.5, (seed, plr)
        assert plr.estimand.startswith("partially linear effect theta")
        assert "partially linear effect theta" in plr.diagnostics["effect"]


def _old_dml(df: pd.DataFrame, seed: int, k: int = 5) -> tuple[float, float]:
    """The pre-change ``dml`` code path written out: cross-fitted standardised linear regressions of y and t
    on z (folds: a permutation of the row labels mod k from default_rng(seed)), residual-on-residual slope
    and its sandwich standard error."""
    z, t, y = df[["z1", "z2"]].to_numpy(float), df["t"].to_numpy(float), df["y"].to_numpy(float)
    n = len(y)
    lab = np.empty(n, dtype=int)
    lab[np.random.default_rng(seed).permutation(n)] = np.arange(n) % k
    ly, mt = np.empty(n), np.empty(n)
    for f in range(k):
        te, tr = lab == f, lab != f
        ly[te] = make_pipeline(StandardScaler(), LinearRegression()).fit(z[tr], y[tr]).predict(z[te])
        mt[te] = make_pipeline(StandardScaler(), LinearRegression()).fit(z[tr], t[tr]).predict(z[te])
    u, v = y - ly, t - mt
    j = np.mean(v * v)
    theta = float(np.sum(u * v) / np.sum(v * v))
    return theta, float(np.sqrt(np.mean(((u - theta * v) * v) ** 2) / j**2 / n))


@pytest.mark.parametrize("binary", [False, True])
def test_dml_plr_has_the_numbers_of_the_former_dml(binary: bool) -> None:
    """Reference: the former code path (``_old_dml``) on the same data and seed: equal to rounding error."""
    df = confounded(1200, 7, binary=binary)
    est = PartiallyLinearDML(random_state=3).fit(df, treatment="t", outcome="y", adjustment_set=["z1", "z2"]).effect_
    theta, se = _old_dml(df, 3)
    assert est.estimate == pytest.approx(theta, rel=1e-12) and est.std_error == pytest.approx(se, rel=1e-12)
    assert ESTIMATORS["dml-plr"] is PartiallyLinearDML and ESTIMATORS["dml"] is InteractiveDML
    if binary:  # a binary treatment gets the overlap diagnostic too
        assert est.to_dict()["overlap"]["n_treated"] == int(df["t"].sum())


def test_dml_is_the_cross_fitted_aipw_score_and_repeats_by_median() -> None:
    """Reference: AIPW with the same options and seed (the same score on the same folds); with repeats,
    the median of the per-repetition estimates (Chernozhukov et al. 2018, sec. 3.4)."""
    df = confounded(1000, 2)
    kw = {"treatment": "t", "outcome": "y", "adjustment_set": ["z1", "z2"]}
    one = InteractiveDML(random_state=5).fit(df, **kw).effect_
    aipw = AIPW(random_state=5).fit(df, **kw).effect_
    assert (one.estimate, one.std_error) == (aipw.estimate, aipw.std_error)
    rep = InteractiveDML(n_repeats=3, random_state=5).fit(df, **kw).effect_
    ests = rep.diagnostics["repeat_estimates"]
    assert len(ests) == 3 and ests[0] == one.estimate and rep.estimate == float(np.median(ests))
    with pytest.raises(DataError, match="binary 0/1.*dml-plr"):
        InteractiveDML().fit(confounded(300, 1, binary=False), **kw)


def test_auto_uses_dml_plr_for_a_continuous_treatment() -> None:
    """Reference: PartiallyLinearDML fitted directly with the seed estimate_effect hands it."""
    df = confounded(800, 4, binary=False)
    est = estimate_effect(df, treatment="t", outcome="y", adjustment_set=["z1", "z2"], refute=False, random_state=0)
    direct = PartiallyLinearDML(random_state=spawn_seeds(0, 2)[0]).fit(
        df, treatment="t", outcome="y", adjustment_set=["z1", "z2"]).effect_
    assert est.method == "dml-plr" and est.estimand.startswith("partially linear effect theta")
    assert est.estimate == direct.estimate
