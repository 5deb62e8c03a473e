"""The copilot says when the learned graph has no directed path from the treatment to the outcome (issue 17).

Checked against: the graph itself (directed / possibly directed reachability written out by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from causalscope.graphs import parse_graph
from causalscope.pipeline import analyze
from causalscope.pipeline.analysis import causal_path


def test_causal_path_kinds():
    cp = parse_graph("A --> B; B --- C; D --> A", kind="cpdag")
    assert causal_path(cp, "A", "B") == "directed"
    assert causal_path(cp, "A", "C") == "possible"
    assert causal_path(cp, "B", "A") == "none" and causal_path(cp, "C", "D") == "none"
    pag = parse_graph("A o-> B; B <-> C; C o-o D", kind="pag")
    assert causal_path(pag, "A", "B") == "possible"
    assert causal_path(pag, "B", "C") == "none"   # <-> is never causal
    assert causal_path(pag, "C", "D") == "possible"


def test_analysis_notes_a_missing_causal_path():
    rng = np.random.default_rng(0)
    n = 1500
    x, y = rng.uniform(-1, 1, n), rng.uniform(-1, 1, n)
    z = x + y + rng.uniform(-1, 1, n)            # a collider: no causal path from x to y
    res = analyze(pd.DataFrame({"x": x, "y": y, "z": z}), treatment="x", outcome="y", n_bootstrap=3,
                  random_state=0)
    eff = res.effects[0]
    assert res.graph.parents("z") == frozenset({"x", "y"})
    assert eff["causal_path"] == "none"
    assert eff["notes"] and "no directed path from x to y" in eff["notes"][0]
    assert "no directed path from x to y, so under it the effect is zero" in res.summary()
    assert eff["status"] == "estimated" and eff["ci_low"] < 0 < eff["ci_high"]
    doc = res.to_dict()["effects"][0]
    assert doc["causal_path"] == "none" and doc["notes"] == eff["notes"]


def test_analysis_reports_a_null_effect_without_estimating_it():
    rng = np.random.default_rng(0)
    n = 1500
    y = rng.uniform(-1, 1, n)
    x = 1.5 * y + rng.uniform(-1, 1, n)          # the "outcome" causes the "treatment": no adjustment set
    z = x + rng.uniform(-1, 1, n)
    res = analyze(pd.DataFrame({"x": x, "y": y, "z": z}), treatment="x", outcome="y", n_bootstrap=3,
                  random_state=0)
    eff = res.effects[0]
    assert "y" in res.graph.parents("x")
    assert eff["status"] == "estimated" and eff["method"] == "null_effect" and eff["estimate"] == 0.0
    assert eff["causal_path"] == "none" and "nothing was estimated" in eff["notes"][0]
    assert "no adjustment set lets the data check this" in res.summary()
