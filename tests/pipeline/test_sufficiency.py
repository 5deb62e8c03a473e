"""The copilot's hidden-confounder check (causalscope.pipeline.sufficiency), a diagnostic.

Oracle: the data are simulated from known structures. With hidden common causes
in the ``C -> A <-> B <- D`` pattern no DAG over the measured variables has the
data's independences (``C _||_ B``, ``D _||_ A``, ``A`` and ``B`` dependent), so
GES must join a pair that FCI separates: the check must name exactly one such
pair per hidden cause. The copilot reports the pairs and keeps its graph.
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
from causalscope.pipeline.sufficiency import check_sufficiency


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


def test_each_hidden_confounder_leaves_one_contradicted_pair() -> None:
    frame = _confounded()
    ges = bootstrap_edges(frame, "ges", n_bootstrap=10, resampling="subsample", random_state=0)
    chk = check_sufficiency(frame, ges, threshold=0.5, random_state=0, resampling="subsample", sample_fraction=0.5)
    assert len(chk.contradicted) == 2
    for k in range(2):
        # in each copy GES joins a cause of one child with the other child (C_k - B_k or D_k - A_k): they are
        # marginally independent
        assert len(_pairs(chk) & {frozenset({f"C{k}", f"B{k}"}), frozenset({f"D{k}", f"A{k}"})}) == 1
    for c in chk.contradicted:
        assert c["adjacency"] >= 0.5 and c["fci_adjacency"] < 0.1
    d = chk.to_dict()
    json.dumps(d)
    assert d["method"] == "fci" and d["max_fci_adjacency"] == 0.1 and len(d["contradicted"]) == 2
    assert "treat these edges with caution" in chk.sentence()


def test_one_confounder_one_pair() -> None:
    frame = _confounded(copies=1)
    ges = bootstrap_edges(frame, "ges", n_bootstrap=10, resampling="subsample", random_state=0)
    chk = check_sufficiency(frame, ges, threshold=0.5, random_state=0, resampling="subsample", sample_fraction=0.5)
    assert len(chk.contradicted) == 1
    assert "treat this edge with caution" in chk.sentence()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_hidden_variable_no_contradiction(seed: int) -> None:
    sim = simulate(8, 1000, mechanism="linear", noise="gaussian", random_state=seed)
    ges = bootstrap_edges(sim.data, "ges", n_bootstrap=10, resampling="subsample", random_state=seed,
                          score="bic", score_params={"penalty_discount": 2.0})
    chk = check_sufficiency(sim.data, ges, threshold=0.5, random_state=seed, resampling="subsample",
                            sample_fraction=0.5)
    assert chk.contradicted == ()
    assert "cannot show there are none" in chk.sentence()


def test_threshold_is_checked() -> None:
    frame = _confounded(copies=1, n=300)
    ges = bootstrap_edges(frame, "ges", n_bootstrap=2, resampling="subsample", random_state=0)
    with pytest.raises(InvalidParameterError, match="threshold"):
        check_sufficiency(frame, ges, threshold=0.0, random_state=0, resampling="subsample", sample_fraction=0.5)


def test_analyze_reports_contradicted_pairs_and_keeps_its_graph() -> None:
    frame = _confounded()
    res = analyze(frame, random_state=0, n_bootstrap=10)
    assert res.choice.algorithm in ("ges", "exact") and res.graph.kind == "cpdag"
    chk = res.settings["sufficiency_check"]
    assert len(chk["contradicted"]) == 2
    for c in chk["contradicted"]:
        assert res.graph.is_adjacent(*c["pair"])  # reported, not removed
    step = next(s for s in res.steps if s.name == "hidden-confounder check")
    assert step.status == "done" and "2 edge(s)" in step.detail and "not acted on" in step.detail
    assert any(x.startswith("Hidden-confounder check") and "--latent" in x for x in res.limitations)
    assert "Caution: 2 edge(s)" in res.summary()


def test_analyze_with_latent_gives_the_pag() -> None:
    res = analyze(_confounded(), random_state=0, n_bootstrap=10, assume_latent=True)
    assert res.choice.rule == "latent" and res.graph.kind == "pag"
    for k in range(2):
        assert res.graph.edge(f"A{k}", f"B{k}").is_bidirected
        assert not res.graph.is_adjacent(f"C{k}", f"B{k}") and not res.graph.is_adjacent(f"D{k}", f"A{k}")
    text = res.summary()
    assert "a PAG with 6 edges" in text and "2 bidirected" in text and "4 with one arrowhead" in text


def test_analyze_with_check_is_deterministic(tmp_path) -> None:
    from causalscope.report import write_report

    frame = _confounded(n=1000)
    paths = []
    for k in range(2):
        res = analyze(frame, random_state=3, n_bootstrap=6)
        _, js = write_report(res, tmp_path / str(k), created="2026-01-01T00:00:00+00:00")
        paths.append(js.read_bytes())
    assert paths[0] == paths[1]
    assert b"sufficiency_check" in paths[0]


def test_analyze_without_contradiction() -> None:
    sim = simulate(6, 1000, mechanism="linear", noise="gaussian", random_state=1)
    res = analyze(sim.data, random_state=0, n_bootstrap=6)
    assert res.choice.algorithm in ("ges", "exact")
    step = next(s for s in res.steps if s.name == "hidden-confounder check")
    assert step.status == "done" and step.detail.startswith("0 edge(s)")
    assert res.settings["sufficiency_check"]["contradicted"] == []
    assert any(x.startswith("Hidden-confounder check") for x in res.limitations)
    assert any("Causal sufficiency is assumed" in x for x in res.limitations)
    assert "Caution" not in res.summary()


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
