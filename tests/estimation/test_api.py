"""estimate_effect: identification from a graph picks the estimator family; the EFFECT.json keys
of CLI.md; the LaLonde benchmark (experimental ATE 1794.34, SE about 671; Dehejia & Wahba 1999)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causalscope.data import Dataset
from causalscope.datasets import load_lalonde
from causalscope.estimation import estimate_effect
from causalscope.exceptions import AssumptionWarning, DataError, InvalidParameterError, NotIdentifiableError
from causalscope.graphs import parse_graph

from .conftest import confounded

EFFECT_KEYS = {"treatment", "outcome", "target", "estimate", "std_error", "ci_low", "ci_high", "method", "estimand",
               "assumptions", "n", "refutations", "sensitivity", "overlap", "population", "warnings"}
G = parse_graph("z1 --> t; z2 --> t; z1 --> y; z2 --> y; t --> y")


def test_graph_binary_treatment_uses_aipw_and_reports_everything() -> None:
    df = confounded(1500, 0)
    est = estimate_effect(df, G, treatment="t", outcome="y", random_state=0)
    assert est.method == "aipw" and set(est.adjustment) == {"z1", "z2"}
    assert est.estimand.startswith("P(y | do(t)) = ")
    assert est.ci_low < 2.0 < est.ci_high
    d = est.to_dict()
    assert set(d) == EFFECT_KEYS
    assert [r["name"] for r in d["refutations"]] == ["placebo_treatment", "random_common_cause", "data_subset",
                                                     "dummy_outcome"]
    assert all(r["passed"] for r in d["refutations"])
    assert d["sensitivity"]["robustness_value"] > 0.3 and d["sensitivity"]["e_value"] > 1
    # same seed, same answer; a Dataset gives the same as the frame
    again = estimate_effect(Dataset.from_frame(df), G, treatment="t", outcome="y", random_state=0)
    assert again.to_dict() == d


def test_continuous_treatment_uses_dml() -> None:
    df = confounded(1500, 1, binary=False)
    est = estimate_effect(df, G, treatment="t", outcome="y", random_state=0, refute=False)
    assert est.method == "dml-plr" and est.ci_low < 2.0 < est.ci_high
    with pytest.raises(InvalidParameterError, match="binary treatment"):
        estimate_effect(df, G, treatment="t", outcome="y", target="att", refute=False)


def test_frontdoor_and_instrument_graphs() -> None:
    rng = np.random.default_rng(2)
    n = 3000
    u = rng.normal(size=n)
    t = (rng.random(n) < 1 / (1 + np.exp(-u))).astype(int)
    m = 1.5 * t + rng.normal(size=n)
    df = pd.DataFrame({"t": t, "m": m, "y": 2 * m + 3 * u + rng.normal(size=n)})
    fd = parse_graph("t --> m; m --> y; t <-> y", kind="admg")
    est = estimate_effect(df, fd, treatment="t", outcome="y", n_bootstrap=50, random_state=0)
    assert est.method == "frontdoor" and est.ci_low < 3.0 < est.ci_high
    assert "random_common_cause" not in [r.name for r in est.refutations]
    rng = np.random.default_rng(7)
    u, z = rng.normal(size=n), rng.normal(size=n)
    tt = z + u + rng.normal(size=n)
    dv = pd.DataFrame({"z": z, "t": tt, "y": 1.5 * tt - 2 * u + rng.normal(size=n)})
    ivg = parse_graph("z --> t; t --> y; t <-> y", kind="admg")
    est = estimate_effect(dv, ivg, treatment="t", outcome="y", random_state=0)
    assert est.method == "2sls" and est.ci_low < 1.5 < est.ci_high and "instrument z" in est.estimand


def test_not_identifiable_and_bad_parameters() -> None:
    df = confounded(300, 3)
    with pytest.raises(NotIdentifiableError):
        estimate_effect(df, parse_graph("t --> y; t <-> y", kind="admg"), treatment="t", outcome="y")
    with pytest.raises(InvalidParameterError, match="not both"):
        estimate_effect(df, G, treatment="t", outcome="y", adjustment_set=["z1"])
    with pytest.raises(InvalidParameterError, match="method"):
        estimate_effect(df, treatment="t", outcome="y", method="magic")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="ATT only"):
        estimate_effect(df, treatment="t", outcome="y", adjustment_set=["z1"], method="matching")
    with pytest.raises(DataError, match="not in the data"):
        estimate_effect(df, treatment="t", outcome="nope")


def _lalonde_cps() -> tuple[pd.DataFrame, list[str]]:
    """CPS-1 controls with the Dehejia-Wahba (1999) covariates (squares, zero-earnings indicators)."""
    df = load_lalonde(controls="cps").data.copy()
    df["age2"], df["educ2"] = df["age"] ** 2, df["educ"] ** 2
    df["u74"], df["u75"] = (df["re74"] == 0).astype(int), (df["re75"] == 0).astype(int)
    df["re74_2"], df["re75_2"] = df["re74"] ** 2, df["re75"] ** 2
    cov = ["age", "educ", "black", "hisp", "marr", "nodegree", "re74", "re75", "age2", "educ2", "u74", "u75",
           "re74_2", "re75_2"]
    return df, cov


def test_lalonde_cps_adjustment_moves_to_experimental_answer() -> None:
    """Naive difference (treated vs CPS) is strongly negative (about -8,498); AIPW (ATT, cross-fitted)
    lies within the experimental 95% interval 1794.34 +- 1.96 * 671, and so does matching (DW 1999
    report 1,616-1,774 for their propensity-score estimators with CPS-1)."""
    df, cov = _lalonde_cps()
    with pytest.warns(AssumptionWarning, match="no confounder is adjusted for"):  # the naive contrast is confounded
        naive = estimate_effect(df, treatment="treat", outcome="re78", method="difference", target="att",
                                refute=False)
    assert naive.estimate < -8000
    lo, hi = 1794.34 - 1.96 * 671, 1794.34 + 1.96 * 671
    aipw = estimate_effect(df, treatment="treat", outcome="re78", adjustment_set=cov, target="att", random_state=0,
                           refute=False)
    assert aipw.method == "aipw" and lo < aipw.estimate < hi
    match = estimate_effect(df, treatment="treat", outcome="re78", adjustment_set=cov, method="matching", target="att",
                            refute=False)
    assert lo < match.estimate < hi


def test_napkin_graph_uses_plugin_estimand() -> None:
    """Napkin graph (identified only by ID): the plug-in of the ID formula on discrete data covers the
    interventional truth, computed from the structural model by simulating do(X)."""
    rng = np.random.default_rng(3)

    def draw(n: int, x_fixed: int | None = None) -> pd.DataFrame:
        u1, u2 = rng.random(n) < 0.5, rng.random(n) < 0.5  # W1 <-> X and W1 <-> Y
        w1 = (rng.random(n) < 0.2 + 0.3 * u1 + 0.3 * u2).astype(int)
        w2 = (rng.random(n) < 0.2 + 0.6 * w1).astype(int)
        x = (rng.random(n) < 0.1 + 0.5 * w2 + 0.3 * u1).astype(int) if x_fixed is None else np.full(n, x_fixed)
        y = (rng.random(n) < 0.1 + 0.4 * x + 0.4 * u2).astype(int)
        return pd.DataFrame({"W1": w1, "W2": w2, "X": x, "Y": y})

    truth = draw(200_000, 1)["Y"].mean() - draw(200_000, 0)["Y"].mean()  # 0.4 by construction
    napkin = parse_graph("W1 --> W2; W2 --> X; X --> Y; W1 <-> X; W1 <-> Y", kind="admg")
    est = estimate_effect(draw(20_000), napkin, treatment="X", outcome="Y", n_bootstrap=40, random_state=0)
    # 3 SE: the bootstrap SE (about 0.011) matches the sd over repeated samples (0.009 over 40 draws)
    assert est.method == "plugin" and abs(est.estimate - truth) < 3 * est.std_error
    with pytest.raises(DataError, match="discrete"):
        estimate_effect(draw(500).assign(W2=rng.normal(size=500)), napkin, treatment="X", outcome="Y",
                        method="plugin", refute=False)
    # continuous W2: the instrument W2 (given W1) is used instead
    cont = estimate_effect(draw(500).assign(W2=rng.normal(size=500)), napkin, treatment="X", outcome="Y", refute=False)
    assert cont.method == "2sls"
