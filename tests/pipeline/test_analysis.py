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


def test_missing_rows_are_dropped_and_reported(sim):
    data = sim.data.copy()
    data.iloc[:7, 0] = np.nan
    a = analyze(data, n_bootstrap=2, random_state=0)
    assert a.settings["rows_dropped"] == 7
    assert any("7 of 500 rows" in x for x in a.limitations)


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
