"""The copilot's hidden-confounder check (causalscope.pipeline.sufficiency).

Oracle: the data are simulated from known structures. With two hidden common
causes in the ``C -> A <-> B <- D`` pattern no DAG over the measured variables
has the data's independences (``C _||_ B``, ``D _||_ A``, ``A`` and ``B``
dependent), so GES must join a pair that FCI separates; data from a DAG with no
hidden variable must not trigger the switch.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from causalscope.data.profile import profile_data
from causalscope.datasets import simulate
from causalscope.exceptions import InvalidParameterError
from causalscope.pipeline import analyze, bootstrap_edges
from causalscope.pipeline.analysis import Step, _check_sufficiency
from causalscope.pipeline.choose import choose_method
from causalscope.pipeline.sufficiency import MIN_CONTRADICTED, check_sufficiency


def _confounded(copies: int = 2, n: int = 2000, seed: int = 0) -> pd.DataFrame:
    """``copies`` independent copies of C -> A <- H -> B <- D with H hidden."""
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}
    for k in range(copies):
        c, d, h = rng.normal(size=(3, n))
        cols[f"A{k}"] = c + h + 0.5 * rng.normal(size=n)
        cols[f"B{k}"] = d + h + 0.5 * rng.normal(size=n)
        cols[f"C{k}"] = c
        cols[f"D{k}"] = d
    return pd.DataFrame(cols)


def _pairs(check) -> set[frozenset[str]]:
    return {frozenset(c["pair"]) for c in check.contradicted}


def test_two_hidden_confounders_are_suspected() -> None:
    frame = _confounded()
    ges = bootstrap_edges(frame, "ges", n_bootstrap=10, resampling="subsample", random_state=0)
    chk = check_sufficiency(frame, ges, threshold=0.5, random_state=0, resampling="subsample", sample_fraction=0.5)
    assert chk.suspected
    assert len(chk.contradicted) == 2
    for k in range(2):
        # in each copy GES joins a cause of one child with the other child (C_k - B_k or D_k - A_k): they are
        # marginally independent
        assert len(_pairs(chk) & {frozenset({f"C{k}", f"B{k}"}), frozenset({f"D{k}", f"A{k}"})}) == 1
    for c in chk.contradicted:
        assert c["adjacency"] >= 0.5 and c["fci_adjacency"] < 0.1
    d = chk.to_dict()
    json.dumps(d)
    assert d["suspected"] is True and d["min_contradicted"] == MIN_CONTRADICTED and d["method"] == "fci"


def test_one_confounder_is_reported_not_suspected() -> None:
    frame = _confounded(copies=1)
    ges = bootstrap_edges(frame, "ges", n_bootstrap=10, resampling="subsample", random_state=0)
    chk = check_sufficiency(frame, ges, threshold=0.5, random_state=0, resampling="subsample", sample_fraction=0.5)
    assert len(chk.contradicted) == 1 and not chk.suspected
    assert "caution" in chk.sentence()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_hidden_variable_no_contradiction(seed: int) -> None:
    sim = simulate(8, 1000, mechanism="linear", noise="gaussian", random_state=seed)
    ges = bootstrap_edges(sim.data, "ges", n_bootstrap=10, resampling="subsample", random_state=seed,
                          score="bic", score_params={"penalty_discount": 2.0})
    chk = check_sufficiency(sim.data, ges, threshold=0.5, random_state=seed, resampling="subsample",
                            sample_fraction=0.5)
    assert not chk.suspected
    assert "does not show there are none" in chk.sentence() or chk.contradicted


def test_threshold_is_checked() -> None:
    frame = _confounded(copies=1, n=300)
    ges = bootstrap_edges(frame, "ges", n_bootstrap=2, resampling="subsample", random_state=0)
    with pytest.raises(InvalidParameterError, match="threshold"):
        check_sufficiency(frame, ges, threshold=0.0, random_state=0, resampling="subsample", sample_fraction=0.5)


def test_analyze_switches_to_fci_on_evidence() -> None:
    frame = _confounded()
    res = analyze(frame, random_state=0, n_bootstrap=10)
    assert res.choice.algorithm == "fci" and res.choice.rule == "latent_evidence"
    assert res.graph.kind == "pag"
    # the PAG recovers both hidden common causes as <->, and drops the pairs GES had to join
    for k in range(2):
        assert res.graph.edge(f"A{k}", f"B{k}").is_bidirected
        assert not res.graph.is_adjacent(f"C{k}", f"B{k}") and not res.graph.is_adjacent(f"D{k}", f"A{k}")
    names = [s.name for s in res.steps]
    assert names[:2] == ["first choice", "hidden-confounder check"]
    assert "replaced after the hidden-confounder check" in res.steps[0].detail
    assert res.settings["assume_latent"] is False
    chk = res.settings["sufficiency_check"]
    assert chk["suspected"] and len(chk["contradicted"]) == 2
    assert res.choice.reasons[0].startswith("Latent confounding is suspected from the data.")
    assert not any("Causal sufficiency is assumed" in x for x in res.limitations)
    text = res.summary()
    assert "a PAG with 6 edges" in text and "2 bidirected" in text and "4 with one arrowhead" in text
    assert "hidden-confounder check found 2 pairs" in text


def test_analyze_switch_is_deterministic(tmp_path) -> None:
    from causalscope.report import write_report

    frame = _confounded(n=1000)
    paths = []
    for k in range(2):
        res = analyze(frame, random_state=3, n_bootstrap=6)
        _, js = write_report(res, tmp_path / str(k), created="2026-01-01T00:00:00+00:00")
        paths.append(js.read_bytes())
    assert paths[0] == paths[1]


def test_analyze_keeps_method_without_evidence() -> None:
    sim = simulate(6, 1000, mechanism="linear", noise="gaussian", random_state=1)
    res = analyze(sim.data, random_state=0, n_bootstrap=6)
    assert res.choice.algorithm in ("ges", "exact")
    step = next(s for s in res.steps if s.name == "hidden-confounder check")
    assert step.status == "done" and "kept" in step.detail
    chk = res.settings["sufficiency_check"]
    assert chk is not None and not chk["suspected"]
    assert any(x.startswith("Hidden-confounder check") for x in res.limitations)
    assert any("Causal sufficiency is assumed" in x for x in res.limitations)


def test_no_check_for_ci_methods_or_when_latent_is_assumed() -> None:
    frame = _confounded(copies=1, n=500)
    res = analyze(frame, random_state=0, n_bootstrap=5, assume_latent=True)
    assert res.choice.rule == "latent" and res.settings["sufficiency_check"] is None
    assert all(s.name != "hidden-confounder check" for s in res.steps)
    sim = simulate(5, 500, discrete=1.0, random_state=0)
    res = analyze(sim.data, random_state=0, n_bootstrap=5)
    assert res.choice.algorithm == "pc" and res.settings["sufficiency_check"] is None


def test_check_is_skipped_when_the_budget_is_spent() -> None:
    frame = _confounded(copies=1, n=500)
    ges = bootstrap_edges(frame, "ges", n_bootstrap=4, resampling="subsample", random_state=0)
    choice = choose_method(profile_data(frame, random_state=0))
    steps: list[Step] = []
    out = _check_sufficiency(frame, ges, choice, 0, None, 1, steps, lambda: 0.0, None)
    assert out is None and steps[-1].status == "skipped" and "budget" in steps[-1].detail


def test_choose_method_latent_evidence_rule() -> None:
    sim = simulate(6, 500, mechanism="linear", noise="gaussian", random_state=0)
    ch = choose_method(profile_data(sim.data, random_state=0), latent_evidence="Two pairs are contradicted.")
    assert ch.algorithm == "fci" and ch.rule == "latent_evidence"
    assert "Two pairs are contradicted." in ch.reasons[0]
