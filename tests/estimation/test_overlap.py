"""Overlap, honestly: the overlap diagnostic (oracle values by hand), an error that names its real trigger
and whose advice works when followed (shipped LaLonde NSW treated + CPS controls), trimming before the
check with the remaining population described, the ATO, and warnings on a small effective sample size."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causalscope.cli import main
from causalscope.datasets import load_lalonde
from causalscope.estimation import IPW, LinearRegressionEstimator, estimate_effect, overlap_diagnostic
from causalscope.exceptions import DataError, InvalidParameterError

X = ["age", "educ", "black", "hisp", "marr", "nodegree", "re74", "re75"]


@pytest.fixture(scope="module")
def cps() -> pd.DataFrame:
    return load_lalonde(controls="cps").data


def test_diagnostic_by_hand() -> None:
    """Oracle: Kish ESS (sum w)^2 / sum w^2, shares and standardised differences computed by hand."""
    t = np.array([0, 0, 0, 1, 1, 1])
    e = np.array([0.2, 0.4, 0.5, 0.5, 0.6, 0.995])
    x = np.array([[1.0], [2.0], [3.0], [3.0], [4.0], [8.0]])
    d = overlap_diagnostic(e, t, target="ate", covariates=x, names=["x"])
    w1 = 1 / e[3:]
    assert d.ess_treated == pytest.approx(w1.sum() ** 2 / (w1**2).sum())
    w0 = e[:3] / (1 - e[:3])
    att = overlap_diagnostic(e, t, target="att")
    assert att.ess_control == pytest.approx(w0.sum() ** 2 / (w0**2).sum()) and att.ess_treated == pytest.approx(3)
    assert d.share_above == {"0.95": pytest.approx(1 / 6), "0.99": pytest.approx(1 / 6)} and d.share_below["0.01"] == 0
    assert d.range_treated == (0.5, 0.995) and d.range_control == (0.2, 0.5)
    sd = np.sqrt((np.var([3, 4, 8], ddof=1) + np.var([1, 2, 3], ddof=1)) / 2)
    wc = 1 / (1 - e[:3])
    after = (np.sum(w1 * [3, 4, 8]) / w1.sum() - np.sum(wc * [1, 2, 3]) / wc.sum()) / sd
    assert d.balance[0]["smd_before"] == pytest.approx((5 - 2) / sd) and d.balance[0]["smd_after"] == pytest.approx(after)
    assert set(d.to_dict()) >= {"ess_treated", "ess_control", "balance", "share_below", "propensity_range_treated"}


def test_ate_error_names_the_real_trigger_and_its_advice_works(cps: pd.DataFrame) -> None:
    """Reference: the LaLonde CPS sample, where many controls have propensity ~0 although the ranges of the
    arms overlap; the count in the message is checked against the diagnostic of the trimmed estimate."""
    kw = {"treatment": "treat", "outcome": "re78", "adjustment_set": X, "refute": False, "random_state": 0}
    with pytest.raises(DataError) as err:
        estimate_effect(cps, method="aipw", **kw)
    msg = str(err.value)
    assert "separate" not in msg
    m = re.search(r"([\d,]+) of 16,177 units \(([\d.]+)%, more than 5%\) have a propensity score .* within 1e-05 of "
                  r"0 or 1", msg)
    assert m is not None, msg
    assert float(m.group(2)) == pytest.approx(100 * int(m.group(1).replace(",", "")) / 16177, abs=0.05)
    assert "trim=(0.05, 0.95)" in msg and "trim_mode='drop'" in msg and "--trim 0.05,0.95 --trim-mode drop" in msg
    # the advice, followed: an estimate on the overlap region, with the population described
    for method in ("aipw", "ipw", "dml"):
        est = estimate_effect(cps, method=method, trim=(0.05, 0.95), trim_mode="drop", **kw)
        ov = est.to_dict()["overlap"]
        assert est.n == ov["n_treated"] + ov["n_control"] < 16177
        assert est.population == f"ATE on the overlap region 0.05 <= e <= 0.95, {est.n:,} of 16,177 units"
        assert ov["propensity_range_treated"][0] >= 0.05 and ov["propensity_range_control"][1] <= 0.95
        assert est.diagnostics["n_dropped"] == 16177 - est.n
    with pytest.raises(InvalidParameterError, match="trim applies to the weighting methods.*'linear'"):
        estimate_effect(cps, method="linear", trim=0.05, **kw)
    # clipping bounds the weights but does not create overlap: still refused
    with pytest.raises(DataError, match="no overlap for the ATE"):
        estimate_effect(cps, method="ipw", trim=0.05, trim_mode="clip", **kw)


def test_cli_trim_and_refusal(cps: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Reference: the same LaLonde data through ``causalscope effect``: the refusal's command-line advice,
    followed, gives EFFECT.json with the trimmed population; the ATT prints its overlap rows."""
    data = tmp_path / "cps.csv"
    cps.to_csv(data, index=False)
    base = ["effect", str(data), "-t", "treat", "-y", "re78", "--adjust", ",".join(X), "--no-refute"]
    assert main(base) == 1
    err = capsys.readouterr().err
    assert "--trim 0.05,0.95 --trim-mode drop" in err
    out = tmp_path / "effect.json"
    assert main([*base, "--trim", "0.05,0.95", "--trim-mode", "drop", "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    d = json.loads(out.read_text())
    assert d["population"].startswith("ATE on the overlap region 0.05 <= e <= 0.95") and d["n"] < 16177
    assert f"{d['n']:,} of 16,177 units" in d["population"] and "population" in stdout
    assert d["overlap"]["ess_treated"] > 0 and "effective n (ATE)" in stdout
    assert main([*base, "--target", "att"]) == 0
    stdout = capsys.readouterr().out
    assert "ATT on the treated (185 treated units)" in stdout and "propensity range" in stdout
    assert main([*base, "--trim-mode", "drop"]) == 2  # a mode without bounds is a usage error


def test_att_warns_when_the_controls_effective_sample_is_small(capsys: pytest.CaptureFixture[str],
                                                              tmp_path: Path) -> None:
    """Reference: the Kish ESS of the controls under e/(1-e), recomputed from the estimate's propensities
    (strong confounding: few controls look like the treated); a randomised design gets no warning."""
    rng = np.random.default_rng(0)
    n = 3000
    z = rng.normal(size=n)
    t = (rng.random(n) < 1 / (1 + np.exp(-(3 * z + 1.5)))).astype(int)
    df = pd.DataFrame({"z": z, "t": t, "y": t + z + rng.normal(size=n)})
    est = IPW(target="att").fit(df, treatment="t", outcome="y", adjustment_set=["z"]).effect_
    ov = est.to_dict()["overlap"]
    assert ov["ess_control"] < 0.1 * ov["n_treated"]
    assert any("effective sample size of the controls" in w for w in est.warnings)
    assert est.to_dict()["warnings"] == list(est.warnings)
    df.to_csv(tmp_path / "d.csv", index=False)
    assert main(["effect", str(tmp_path / "d.csv"), "-t", "t", "-y", "y", "--adjust", "z", "--method", "ipw",
                 "--target", "att", "--no-refute"]) == 0
    assert "warning: poor overlap for the ATT" in capsys.readouterr().err
    rnd = df.assign(t=(rng.random(n) < 0.3).astype(int))
    assert IPW(target="att").fit(rnd, treatment="t", outcome="y", adjustment_set=["z"]).effect_.warnings == ()


def test_ato_weights_balance_the_covariates_exactly() -> None:
    """Reference: Li, Morgan & Zaslavsky (2018, Theorem 3): with a logistic propensity fitted by maximum
    likelihood, the overlap weights balance the means of its covariates exactly; the IPW ATO is the
    Hajek contrast with weights 1 - e (treated) and e (controls), computed by hand."""
    rng = np.random.default_rng(1)
    n = 2000
    z1, z2 = rng.normal(size=n), rng.normal(size=n)
    t = (rng.random(n) < 1 / (1 + np.exp(-(1.5 * z1 - z2)))).astype(int)
    df = pd.DataFrame({"z1": z1, "z2": z2, "t": t, "y": 2 * t + z1 + z2 + rng.normal(size=n)})
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e12, max_iter=10000, tol=1e-12)
    est = IPW(target="ato", propensity_model=lr).fit(df, treatment="t", outcome="y", adjustment_set=["z1", "z2"]).effect_
    bal = est.to_dict()["overlap"]["balance"]
    assert max(abs(b["smd_after"]) for b in bal) < 1e-3 < min(abs(b["smd_before"]) for b in bal)
    e = lr.fit(df[["z1", "z2"]], t).predict_proba(df[["z1", "z2"]])[:, 1]
    y = df["y"].to_numpy()
    w1, w0 = t * (1 - e), (1 - t) * e
    assert est.estimate == pytest.approx(np.sum(w1 * y) / w1.sum() - np.sum(w0 * y) / w0.sum(), rel=1e-6)
    assert est.ci_low < 2.0 < est.ci_high and est.population.startswith("ATO")
    aipw = estimate_effect(df, treatment="t", outcome="y", adjustment_set=["z1", "z2"], target="ato", refute=False,
                           random_state=0)
    assert aipw.target == "ato" and aipw.ci_low < 2.0 < aipw.ci_high and "ATO" in aipw.estimand


def test_linear_reports_overlap_and_does_not_extrapolate_silently(cps: pd.DataFrame) -> None:
    """Reference: the LaLonde CPS sample again: the regression returns its estimate, with the same diagnostic
    and a warning that it extrapolates where the propensity is ~0."""
    est = LinearRegressionEstimator().fit(cps, treatment="treat", outcome="re78", adjustment_set=X).effect_
    d = est.to_dict()
    assert d["overlap"]["n_treated"] == 185 and d["overlap"]["share_below"]["0.01"] > 0.5
    assert any("extrapolation of the regression model" in w for w in d["warnings"])
