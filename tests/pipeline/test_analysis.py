"""End-to-end ``analyze`` on small simulated data (p = 5, n = 500): determinism, recorded steps,
effects checked against the simulator's known structure, graceful failures."""

from __future__ import annotations

import json

import numpy as np
import pytest

from causalscope.datasets import simulate
from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.pipeline import Analysis, analyze
from causalscope.report import analysis_document


@pytest.fixture(scope="module")
def sim():
    return simulate(5, 500, mechanism="linear", noise="uniform", random_state=1)


def _edge(sim):
    e = next(iter(sim.graph.edges))
    return e.u, e.v


def test_analysis_is_deterministic_and_complete(sim):
    t, y = _edge(sim)
    runs = [analyze(sim.data, treatment=t, outcome=y, n_bootstrap=4, random_state=3, reference={"truth": sim.graph})
            for _ in range(2)]
    docs = [json.dumps(analysis_document(a, command="x", created="T"), sort_keys=True) for a in runs]
    assert docs[0] == docs[1]
    a = runs[0]
    assert isinstance(a, Analysis)
    doc = json.loads(docs[0])
    for key in ("graph", "edge_confidence", "method", "profile", "effects", "scores", "command", "versions", "created"):
        assert key in doc
    assert set(doc["method"]) >= {"name", "parameters", "reasons"}
    assert doc["scores"][0]["reference"] == "truth"
    assert a.confidence.n_replicates == 4
    # every kept edge was adjacent in at least half of the replicates (the documented consensus rule)
    for e in a.graph.edges:
        assert a.confidence.adjacency(e.u, e.v) >= a.choice.threshold
    eff = a.effects[0]
    assert eff["status"] == "estimated" and eff["ci_low"] <= eff["estimate"] <= eff["ci_high"]


def test_different_seed_changes_only_seeded_parts(sim):
    a = analyze(sim.data, n_bootstrap=3, random_state=0)
    b = analyze(sim.data, n_bootstrap=3, random_state=1)
    assert a.choice == b.choice  # the rules read the profile, not the seed


def test_few_incomplete_rows_listwise_for_a_method_that_needs_complete_rows(sim):
    # 7 of 500 rows incomplete: DirectLiNGAM (chosen for linear non-Gaussian data) needs complete rows and
    # 493 >= 50% of 500 and >= 10 per variable, so it runs on them (the rule of pipeline.missing)
    data = sim.data.copy()
    data.iloc[:7, 0] = np.nan
    a = analyze(data, n_bootstrap=2, random_state=0)
    assert a.choice.algorithm == "lingam"
    miss = a.settings["missing"]
    assert miss["strategy"] == "listwise" and miss["n_complete"] == 493 and miss["switched_from"] is None
    assert a.settings["rows_dropped"] == 7 and a.settings["rows_used"] == 493
    assert any("7 of 500 incomplete rows" in x for x in a.limitations)
    assert any(r.startswith("Missing values:") for r in a.choice.reasons)


def test_budget_too_small_skips_with_reason(sim):
    a = analyze(sim.data, budget=1e-6, random_state=0)
    skipped = {s.name: s for s in a.steps if s.status == "skipped"}
    assert "bootstrap" in skipped and "budget" in skipped["bootstrap"].detail
    assert a.confidence is None and a.graph.n_nodes == 5


def test_bad_input(sim):
    with pytest.raises(DataError, match="'nope'"):
        analyze(sim.data, treatment="nope", outcome="X1")
    with pytest.raises(InvalidParameterError, match="together"):
        analyze(sim.data, treatment="X1")
    with pytest.raises(DataError, match="constant"):
        analyze(sim.data.assign(c=1.0))


def test_unidentified_in_the_class_is_reported_not_estimated():
    # A -> B -> C, linear Gaussian: the learned class is A --- B --- C, so the effect of A on B
    # differs between the members of the class (oracle: Perković et al.'s amenability).
    import pandas as pd

    rng = np.random.default_rng(0)
    a = rng.normal(size=500)
    b = a + rng.normal(size=500)
    c = b + rng.normal(size=500)
    res = analyze(pd.DataFrame({"A": a, "B": b, "C": c}), treatment="A", outcome="B", n_bootstrap=5)
    assert str(res.graph) == "A --- B; B --- C"
    eff = res.effects[0]
    assert eff["status"] == "not_identified" and "A --- B" in eff["reason"]
    assert "estimate" not in eff


def test_tiny_budget_skips_refutations_and_sensitivity_but_estimates(sim):
    # budget exhausted after the first fit: the point estimate is still made, the refutations and the
    # sensitivity analysis are skipped, and a step says so (the summary lists it as not done)
    t, y = _edge(sim)
    a = analyze(sim.data, treatment=t, outcome=y, budget=1e-6, random_state=0)
    steps = {s.name: s for s in a.steps}
    assert steps["refute"].status == "skipped"
    detail = steps["refute"].detail
    assert detail.startswith("budget:") and "refutations" in detail and "sensitivity" in detail
    eff = a.effects[0]
    assert eff["status"] == "estimated" and eff["refutations"] == [] and eff["sensitivity"] == {}
    assert "effect budget" in steps and "refute (skipped" in a.summary()


def test_ample_budget_keeps_refutations(sim):
    t, y = _edge(sim)
    a = analyze(sim.data, treatment=t, outcome=y, budget=1e4, n_bootstrap=3, random_state=0)
    names = {s.name for s in a.steps}
    assert "effect budget" in names and "refute" not in names
    assert len(a.effects[0]["refutations"]) == 4 and a.effects[0]["sensitivity"]


def test_progress_reports_every_resample_inside_the_stages(sim):
    events = []
    a = analyze(sim.data, n_bootstrap=4, random_state=0, progress=lambda d, t, s: events.append((d, t, s)))
    boot = [e for e in events if e[2].startswith("bootstrap")]
    assert [e[0] for e in boot] == [0, 1, 2, 3, 4] and {e[1] for e in boot} == {4}
    stages = [e for e in events if e[2] == "analysis"]
    assert stages[0] == (0, 6, "analysis") and stages[-1] == (6, 6, "analysis")  # nested: the stage count resumes
    assert a.confidence.n_replicates == 4


def test_reasons_state_the_resample_count_used(sim):
    a = analyze(sim.data, n_bootstrap=3, random_state=0)
    text = next(r for r in a.choice.reasons if r.startswith("Uncertainty:"))
    assert text.startswith("Uncertainty: 3 resamples (requested; the rule's default is 50)")
    doc = a.to_dict()["method"]
    assert doc["n_bootstrap"] == 3 and doc["n_bootstrap_rule"] == 50
    skipped = analyze(sim.data, budget=1e-6, random_state=0)  # the budget leaves no resample
    text = next(r for r in skipped.choice.reasons if r.startswith("Uncertainty:"))
    assert text.startswith("Uncertainty: no resamples were run") and skipped.to_dict()["method"]["n_bootstrap"] == 0
