"""Missing values in the copilot (``pipeline.missing`` and ``analyze``): the documented rows rule, test-wise
discovery on incomplete tables checked against the simulator's true graph (and against listwise deletion and
the empty graph), available-case held-out likelihood checked against the complete-data formula, and
determinism."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from causalscope.data.profile import profile_data
from causalscope.datasets import simulate
from causalscope.graphs import DAG
from causalscope.graphs.metrics import compare_graphs
from causalscope.pipeline import analyze, choose_method, heldout_loglik, tune
from causalscope.pipeline.missing import enough_complete_rows, plan_missing
from causalscope.report import analysis_document


def _doc(a):
    return json.dumps(analysis_document(a, command="x", created="T"), sort_keys=True)


def test_rows_rule_boundaries():
    # the rule of the module docstring: >= 50% of the rows AND >= 10 per variable
    assert enough_complete_rows(500, 1000, 50)
    assert not enough_complete_rows(499, 1000, 10)
    assert not enough_complete_rows(190, 200, 20)
    assert enough_complete_rows(200, 200, 20)


def test_plan_keeps_ci_methods_testwise_and_switches_score_methods():
    sim = simulate(12, 400, missing=0.1, random_state=0)
    prof = profile_data(sim.data, random_state=0)
    ges = choose_method(prof)
    assert ges.algorithm == "ges"  # linear Gaussian, p <= 50
    plan = plan_missing(ges, sim.data, prof.kinds)
    assert plan.switched_from == "ges" and plan.choice.algorithm == "pc"
    assert plan.choice.parameters == {"ci_test": "fisherz", "missing": "testwise"}
    assert plan.choice.tune_grid == {"alpha": [0.001, 0.01, 0.05, 0.1]}
    assert any("instead of GES" in r for r in plan.choice.reasons)
    assert plan.choice.reasons[-1].startswith("Uncertainty:")  # the switch reason goes before it
    fci = choose_method(prof, assume_latent=True)
    plan = plan_missing(fci, sim.data, prof.kinds)
    assert plan.strategy == "testwise" and plan.switched_from is None and plan.choice.algorithm == "fci"
    assert plan.choice.parameters["missing"] == "testwise"
    # no missing value: the choice is returned unchanged
    complete = sim.data.fillna(0.0)
    assert plan_missing(ges, complete, prof.kinds).choice is ges


def test_plan_discrete_switch_uses_gtest_and_stability():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.integers(0, 3, size=(300, 6)).astype(float), columns=list("ABCDEF"))
    frame = frame.mask(rng.random(frame.shape) < 0.15)
    prof = profile_data(frame, random_state=0)
    plan = plan_missing(choose_method(prof), frame, prof.kinds)
    assert plan.choice.parameters == {"ci_test": "gsq", "missing": "testwise"}
    assert plan.choice.tune_method == "stability"  # the discrete held-out likelihood needs complete rows


def test_available_case_loglik_equals_complete_formula_on_complete_rows():
    # with no missing value the available-case sum equals the ordinary mean log-likelihood per row (brute force)
    rng = np.random.default_rng(1)
    a = rng.normal(size=300)
    b = 1.5 * a + rng.normal(size=300)
    c = b - a + rng.normal(size=300)
    frame = pd.DataFrame({"A": a, "B": b, "C": c})
    dag = DAG(["A", "B", "C"], [("A", "B"), ("B", "C"), ("A", "C")])
    full = heldout_loglik(dag, frame[:200], frame[200:])
    holed = frame.copy()
    holed.loc[5, "A"] = np.nan  # a training row incomplete: that row leaves every node's term
    ok = holed.dropna()
    tr = ok[ok.index < 200]
    # brute force: node terms on the complete rows give the same value as the complete-data formula there
    assert heldout_loglik(dag, holed[:200], frame[200:]) == pytest.approx(heldout_loglik(dag, tr, frame[200:]),
                                                                          rel=1e-12)
    assert np.isfinite(full)


def test_tune_records_rows_with_missing_values():
    sim = simulate(6, 300, missing=0.1, random_state=2)
    res = tune(sim.data, "pc", {"alpha": [0.01, 0.1]}, n_splits=3, random_state=0, ci_test="fisherz",
               missing="testwise")
    assert "available-case" in res.rows and "test-wise" in res.rows
    assert res.to_dict()["rows"] == res.rows
    bic = tune(sim.data, "pc", {"alpha": [0.01, 0.1]}, method="bic", ci_test="fisherz", missing="testwise")
    complete = int((~sim.data.isna().any(axis=1)).sum())
    assert f"{complete} complete rows of 300" in bic.criterion


@pytest.mark.slow
def test_testwise_analysis_recovers_skeleton_better_than_listwise():
    # p = 25, 10% MCAR cells: only ~7% of the rows are complete. Truth: the simulator's CPDAG.
    sim = simulate(25, 800, missing=0.1, random_state=3)
    a = analyze(sim.data, n_bootstrap=5, random_state=0)
    miss = a.settings["missing"]
    assert miss["strategy"] == "testwise" and miss["switched_from"] == "ges" and miss["discovery_rows"] == 800
    ours = compare_graphs(sim.cpdag, a.graph).to_dict()["adjacency"]["f1"]
    listwise = analyze(sim.data.dropna(), n_bootstrap=5, random_state=0)
    theirs = compare_graphs(sim.cpdag, listwise.graph).to_dict()["adjacency"]["f1"]
    # the empty graph has adjacency F1 0; measured: 0.91 (test-wise) vs 0.56 (listwise, 44 rows)
    assert ours >= 0.8 and ours > theirs + 0.2


def test_testwise_analysis_complete_deterministic_and_reports_rows():
    sim = simulate(20, 600, missing=0.1, random_state=1)
    e = next(x for x in sim.cpdag.edges if x.is_directed)  # an orientation the class decides
    a = analyze(sim.data, treatment=e.u, outcome=e.v, n_bootstrap=4, random_state=0)
    b = analyze(sim.data, treatment=e.u, outcome=e.v, n_bootstrap=4, random_state=0, n_jobs=2)
    assert _doc(a).replace('"n_jobs": 1', '"n_jobs": 2') == _doc(b)
    assert a.choice.algorithm == "pc" and a.parameters["missing"] == "testwise"
    f1 = compare_graphs(sim.cpdag, a.graph).to_dict()["adjacency"]["f1"]
    assert f1 >= 0.8  # measured 0.96 (the empty graph: 0)
    rows = a.settings["missing"]["rows"]
    assert rows["discovery"] == "all 600 rows, test-wise deletion"
    assert "available-case" in rows["tuning"]
    eff = a.effects[0]
    # effects use the rows complete in the columns the estimator reads, and say how many
    assert eff["status"] == "estimated"
    cols = eff["rows_used"].split(" complete in ")[1].split(", ")
    assert eff["n"] == int((~sim.data[cols].isna().any(axis=1)).sum()) < 600
    assert rows["effects"][0]["rows"] == eff["rows_used"]
    assert "test-wise deletion" in a.summary()


def test_heterogeneous_data_with_missing_values_run_cdnod_testwise():
    """CD-NOD on a data frame with NaN (rule: CI-test methods keep every row): the copilot hands the
    frame itself to CD-NOD, which deletes test-wise; checked against the truth's node set."""
    from causalscope.datasets import simulate
    from causalscope.pipeline import analyze

    sim = simulate(6, 600, n_domains=3, shifted_fraction=0.5, missing=0.05, random_state=0)
    a = analyze(sim.data, domain_column=sim.domain_column, random_state=0, n_bootstrap=5)
    assert a.choice.algorithm == "cdnod"
    assert a.choice.parameters["missing"] == "testwise"
    assert a.settings["missing"]["strategy"] == "testwise"
    assert set(sim.graph.nodes) <= set(a.graph.nodes)


def test_analyze_with_an_unlabelled_row_names_the_domain_column() -> None:
    """Reference: Dataset.from_frame's rule (role columns complete under missing='keep'): a row without
    a domain label stops the analysis with a DataError naming the column (no row is silently dropped)."""
    from causalscope.exceptions import DataError

    frame = simulate(3, 120, random_state=0).data.copy()
    frame["env"] = np.arange(120) % 2
    frame["env"] = frame["env"].astype(float)
    frame.loc[5, "env"] = np.nan
    with pytest.raises(DataError, match="role column 'env' has missing values at row 5"):
        analyze(frame, domain_column="env")
