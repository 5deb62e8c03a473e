"""The copilot on time series: routing, the rules, the block bootstrap, analysis.json and the report.

References: the simulated series' true lagged graphs (``simulate_timeseries``) and
the time-series graph JSON of ``CLI.md``. Accuracy is checked loosely here (a
few hundred steps); the accuracy table of ``docs/timeseries.md`` is the real
comparison.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from causalscope.datasets import simulate_timeseries
from causalscope.exceptions import DataError
from causalscope.graphs import TimeSeriesGraph, compare_timeseries_graphs
from causalscope.pipeline import Analysis, TimeSeriesAnalysis, analyze
from causalscope.pipeline.timeseries import block_length
from causalscope.report import render_html, write_report


def _framed(sim: object, start: int = 100) -> pd.DataFrame:
    data = sim.data  # type: ignore[attr-defined]
    return data.assign(t=np.arange(start, start + len(data)))


@pytest.fixture(scope="module")
def non_gaussian() -> tuple[pd.DataFrame, TimeSeriesGraph]:
    sim = simulate_timeseries(4, 500, tau_max=2, n_parents=1, kind="linear", noise="uniform", random_state=3)
    return _framed(sim), sim.graph


@pytest.fixture(scope="module")
def gaussian() -> tuple[pd.DataFrame, TimeSeriesGraph]:
    sim = simulate_timeseries(4, 500, tau_max=2, n_parents=1, kind="linear", noise="gaussian", random_state=4)
    return _framed(sim), sim.graph


def test_routes_autocorrelated_series_to_the_time_series_copilot(non_gaussian: tuple[pd.DataFrame, TimeSeriesGraph]) -> None:
    frame, truth = non_gaussian
    res = analyze(frame, time_column="t", n_bootstrap=5, random_state=0, reference={"truth": truth})
    assert isinstance(res, TimeSeriesAnalysis)
    assert res.choice.algorithm == "pcmciplus" and res.choice.rule == "continuous"
    assert any("not Gaussian" in r for r in res.choice.reasons)
    assert res.n_bootstrap == 5
    assert res.scores and res.scores[0]["link_f1"] >= 0.6
    # every reported frequency is a fraction of the resamples
    assert all(0 < e["frequency"] <= 1 for e in res.edge_confidence)


def test_gaussian_series_gets_pcmciplus_and_same_seed_same_document(gaussian: tuple[pd.DataFrame, TimeSeriesGraph]) -> None:
    frame, truth = gaussian
    a = analyze(frame, time_column="t", n_bootstrap=5, random_state=1)
    b = analyze(frame, time_column="t", n_bootstrap=5, random_state=1)
    assert isinstance(a, TimeSeriesAnalysis)
    assert a.choice.algorithm == "pcmciplus"
    assert a.to_dict() == b.to_dict()
    scores = compare_timeseries_graphs(truth, a.graph)
    assert scores["links"]["recall"] >= 0.6


def test_analysis_json_and_report(tmp_path: object, gaussian: tuple[pd.DataFrame, TimeSeriesGraph]) -> None:
    frame, _ = gaussian
    res = analyze(frame, time_column="t", n_bootstrap=5, random_state=0)
    paths = write_report(res, tmp_path)  # type: ignore[arg-type]
    doc = json.loads(paths.analysis.read_text())
    for key in ("graph", "edge_confidence", "method", "profile", "effects", "scores", "command", "versions",
                "created"):
        assert key in doc
    assert doc["graph"]["type"] == "timeseries" and doc["graph"]["tau_max"] == res.choice.tau_max
    assert set(doc["graph"]["lagged_edges"]) == set(res.graph.lagged_edges())
    assert doc["method"]["name"] == res.choice.algorithm and doc["method"]["reasons"]
    assert json.loads(paths.graph.read_text())["type"] == "timeseries"
    page = render_html(res, created="2026-01-01T00:00:00+00:00")
    assert 'id="window"' in page and page.count('class="series"') == 4 and "https://" not in page


def test_discrete_series_get_pcmci_with_the_g_test() -> None:
    rng = np.random.default_rng(5)
    n = 600
    x = np.zeros(n, dtype=int)
    y = np.zeros(n, dtype=int)
    for t in range(1, n):
        x[t] = int(rng.random() < (0.8 if x[t - 1] else 0.2))
        y[t] = int(rng.random() < (0.85 if x[t - 1] else 0.15))
    res = analyze(pd.DataFrame({"x": x, "y": y, "t": np.arange(n)}), time_column="t", n_bootstrap=5, random_state=0)
    assert isinstance(res, TimeSeriesAnalysis)
    assert res.choice.algorithm == "pcmci" and res.choice.parameters["ci_test"] == "gsq"
    assert ("x", 1, "y") in res.graph.links


def test_independent_rows_with_a_time_column_stay_iid() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=300)
    frame = pd.DataFrame({"x": x, "y": x + rng.normal(size=300), "t": np.arange(300)})
    res = analyze(frame, time_column="t", n_bootstrap=5, random_state=0)
    assert isinstance(res, Analysis)


def test_unsorted_time_column_is_an_error(gaussian: tuple[pd.DataFrame, TimeSeriesGraph]) -> None:
    frame, _ = gaussian
    shuffled = frame.iloc[np.r_[1, 0, 2:len(frame)]]
    with pytest.raises(DataError, match="'t'"):
        analyze(shuffled, time_column="t", n_bootstrap=5)


def test_treatment_on_a_series_is_recorded_not_estimated(gaussian: tuple[pd.DataFrame, TimeSeriesGraph]) -> None:
    frame, _ = gaussian
    cols = [c for c in frame.columns if c != "t"]
    res = analyze(frame, time_column="t", treatment=cols[0], outcome=cols[1], n_bootstrap=5, random_state=0)
    assert isinstance(res, TimeSeriesAnalysis)
    assert res.effects[0]["status"] == "not_estimated"
    assert any(s.name == "effects" and s.status == "skipped" for s in res.steps)


def test_block_length_rule() -> None:
    """Künsch's T^(1/3) with a floor of ten windows, at most half the series."""
    assert block_length(1000, 0) == 10
    assert block_length(1000, 3) == 40
    assert block_length(60, 5) == 30


def test_resamples_identical_for_any_n_jobs(non_gaussian: tuple[pd.DataFrame, TimeSeriesGraph]) -> None:
    """The block-bootstrap refits run through causalscope.parallel, seeded per resample."""
    frame, _ = non_gaussian
    one = analyze(frame, time_column="t", n_bootstrap=6, random_state=2, n_jobs=1)
    two = analyze(frame, time_column="t", n_bootstrap=6, random_state=2, n_jobs=2)
    assert one.edge_confidence == two.edge_confidence and one.edge_confidence


def test_a_discrete_column_among_continuous_ones_keeps_parcorr() -> None:
    """Review finding: one 0/1 series used to send every variable to the G-test (a DataError)."""
    sim = simulate_timeseries(3, 300, tau_max=2, n_parents=1, random_state=0)
    frame = sim.data.assign(B=(sim.data["X1"].shift(1).fillna(0) > 0).astype(int), t=np.arange(300))
    res = analyze(frame, time_column="t", n_bootstrap=5, random_state=0)
    assert isinstance(res, TimeSeriesAnalysis)
    assert res.choice.parameters["ci_test"] == "parcorr" and res.choice.parameters["pc_alpha"] == 0.01


def test_a_short_series_gets_a_feasible_lag() -> None:
    """Review finding: the profile asked for tau_max = 5 on 30 rows and failed."""
    rng = np.random.default_rng(1)
    x = np.zeros((30, 3))
    for t in range(1, 30):
        x[t] = 0.8 * x[t - 1] + rng.normal(size=3)
    frame = pd.DataFrame(x, columns=["a", "b", "c"]).assign(t=np.arange(30))
    res = analyze(frame, time_column="t", n_bootstrap=5, random_state=0)
    assert isinstance(res, TimeSeriesAnalysis) and res.choice.tau_max >= 1


def test_knowledge_is_honoured_and_latent_is_a_limitation(gaussian: tuple[pd.DataFrame, TimeSeriesGraph]) -> None:
    from causalscope.discovery import Knowledge

    frame, _ = gaussian
    plain = analyze(frame, time_column="t", n_bootstrap=5, random_state=0)
    (src, lag, tgt) = next(k for k in plain.graph.links if k[1] > 0 and k[0] != k[2])
    know = Knowledge(forbidden=[(src, tgt)])
    res = analyze(frame, time_column="t", n_bootstrap=5, random_state=0, knowledge=know, assume_latent=True)
    assert isinstance(res, TimeSeriesAnalysis)
    assert all(not (s == src and t == tgt) for (s, _, t) in res.graph.links)
    assert any("LPCMCI" in x for x in res.limitations)
    assert res.settings["knowledge"] is not None


def test_time_series_reference_on_the_iid_path_scores_its_summary_graph(gaussian: tuple[pd.DataFrame, TimeSeriesGraph]) -> None:
    _, truth = gaussian
    rng = np.random.default_rng(0)
    white = pd.DataFrame(rng.normal(size=(300, 4)), columns=list(truth.variables)).assign(t=np.arange(300))
    res = analyze(white, time_column="t", n_bootstrap=5, random_state=0, reference={"truth": truth})
    assert isinstance(res, Analysis) and res.scores
