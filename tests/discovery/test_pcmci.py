"""PCMCI (Runge et al. 2019): tigramite on the same data, a d-separation oracle, workers, bad input.

References used here: tigramite's ``PCMCI.run_pc_stable`` / ``run_pcmci`` with
``ParCorr()`` on the same arrays (a GPL test-only extra, called as a black box);
the d-separation oracle on the time-unrolled true graph (exact recovery);
Benjamini & Hochberg (1995) for the FDR step.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from causalscope.data.timeseries import as_time_series
from causalscope.discovery import PCMCI, fdr_bh, lagged_design, pcmci, select_lagged_parents
from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.graphs import DAG
from causalscope.graphs.timeseries import TimeSeriesGraph, lagged_name
from causalscope.independence import DSeparationOracle, ParCorr


def _load_simulator() -> Any:
    """The benchmark's random stable VAR(2) (benchmarks/bench_timeseries.py), one simulator for both."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_timeseries.py"
    spec = importlib.util.spec_from_file_location("bench_timeseries_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.simulate_var


_var = _load_simulator()


def _tigramite(x: np.ndarray) -> Any:
    pp = pytest.importorskip("tigramite.data_processing")
    from tigramite.independence_tests.parcorr import ParCorr as TigParCorr
    from tigramite.pcmci import PCMCI as TigPCMCI

    return TigPCMCI(pp.DataFrame(x), TigParCorr())


def _compare(p: int, t: int, tau_max: int, seed: int, **kw: Any) -> None:
    x, _ = _var(p, t, seed)
    ref = _tigramite(x)
    ours_kw = dict(kw)
    tig_kw = {k: v for k, v in kw.items() if k not in ("alpha", "link_assumptions")}
    tig_kw["alpha_level"] = kw.get("alpha", 0.05)
    tig_kw["fdr_method"] = kw.get("fdr_method") or "none"
    if "link_assumptions" in kw:
        ours_kw["link_assumptions"], tig_kw["link_assumptions"] = kw["link_assumptions"](p, tau_max)
    res = ref.run_pcmci(tau_max=tau_max, **tig_kw)
    est = PCMCI(tau_max=tau_max, **ours_kw).fit(x)
    for j in range(p):
        assert [(i, -lag) for i, lag in est.selection_.parents[j]] == list(ref.all_parents[j])
    np.testing.assert_allclose(est.p_matrix_, res["p_matrix"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(est.val_matrix_, res["val_matrix"], rtol=0, atol=1e-8)
    graph, _, _ = est.graph_.to_arrays()
    assert np.array_equal(graph, res["graph"])


def _assumptions(p: int, tau_max: int) -> tuple[dict[tuple[str, int, str], str], dict[int, dict[tuple[int, int], str]]]:
    """Random link assumptions, ours (names; absent = may exist) and tigramite's (absent = forbidden)."""
    rng = np.random.default_rng(11)
    ours: dict[tuple[str, int, str], str] = {}
    tig: dict[int, dict[tuple[int, int], str]] = {j: {} for j in range(p)}
    for j in range(p):
        for i in range(p):
            for tau in range(1, tau_max + 1):
                u = rng.random()
                if u < 0.15:
                    ours[(f"X{i}", tau, f"X{j}")] = ""
                elif u < 0.2:
                    ours[(f"X{i}", tau, f"X{j}")] = "-->"
                    tig[j][(i, -tau)] = "-->"
                else:
                    tig[j][(i, -tau)] = "-?>"
            if i != j:
                tig[j][(i, 0)] = "o?o"
    return ours, tig


@pytest.mark.parametrize(
    ("p", "t", "tau_max", "options"),
    [
        (5, 300, 2, {"pc_alpha": 0.2}),
        (10, 300, 2, {"pc_alpha": 0.1, "tau_min": 1, "fdr_method": "fdr_bh"}),
        (5, 250, 3, {"pc_alpha": None}),
        (8, 250, 2, {"link_assumptions": _assumptions, "max_conds_px": 1, "max_conds_py": 2, "alpha": 0.1}),
    ],
    ids=["p5-fixed", "p10-fdr", "p5-grid", "p8-assumptions"],
)
def test_same_answer_as_tigramite(p: int, t: int, tau_max: int, options: dict[str, Any]) -> None:
    """Same PC1 parents (in order), MCI p-values and statistics (1e-8) and graph as tigramite's run_pcmci."""
    _compare(p, t, tau_max, seed=p + t, **options)


@pytest.mark.slow
def test_same_answer_as_tigramite_p20() -> None:
    """p = 20 (T = 400, tau_max = 2): the same comparison as above, with FDR and a pc_alpha grid."""
    _compare(20, 400, 2, seed=20, pc_alpha=[0.05, 0.2], fdr_method="fdr_bh")


def test_pc1_matches_tigramite_run_pc_stable_with_combinations() -> None:
    """select_lagged_parents == tigramite's run_pc_stable (parents in order, val_min, pval_max), max_combinations=3."""
    x, _ = _var(6, 200, seed=4)
    ref = _tigramite(x)
    ref_parents = ref.run_pc_stable(tau_min=1, tau_max=3, pc_alpha=0.4, max_combinations=3)
    design = lagged_design(as_time_series(x), 6)
    sel = select_lagged_parents(design, ParCorr(design.frame()), tau_max=3, pc_alpha=0.4, max_combinations=3)
    for j in range(6):
        assert [(i, -lag) for i, lag in sel.parents[j]] == list(ref_parents[j])
        for (i, tau), v in ref.val_min[j].items():
            assert sel.val_min[i, j, -tau] == pytest.approx(v, abs=1e-10)
            assert sel.pval_max[i, j, -tau] == pytest.approx(ref.pval_max[j][(i, tau)], abs=1e-10)


def _true_window(parents: dict[int, list[tuple[int, int]]], names: list[str], n_lags: int) -> DAG:
    """The stationary time-window DAG over X[t-n_lags]..X[t], built here by hand (checks TimeSeriesGraph.unroll)."""
    nodes = [lagged_name(v, lag) for lag in range(n_lags + 1) for v in names]
    edges = [
        f"{lagged_name(names[i], s + lag)} --> {lagged_name(names[j], s)}"
        for j, pa in parents.items() for i, lag in pa for s in range(n_lags + 1) if s + lag <= n_lags
    ]
    return DAG(nodes=nodes, edges=edges)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_oracle_recovers_the_lagged_graph(seed: int) -> None:
    """With the d-separation oracle, PCMCI finds exactly the true lagged links.

    Window: the design holds lags 0..2*tau_max (the MCI conditions include the
    parents of X[t-tau], shifted by tau), so the oracle's DAG is unrolled over
    2*tau_max lags. PC1 never removes a true parent (adjacent nodes are never
    separated) and every MCI condition set holds all parents of Y[t] and only
    past variables, which separate Y[t] from every non-parent in the past: the
    answer is exact whatever the window cuts away before its first slice.
    """
    rng = np.random.default_rng(seed)
    p, tau_max = 4, 2
    names = [f"V{k}" for k in range(p)]
    parents = {j: sorted({(j, 1)} | {(int(i), int(rng.integers(1, tau_max + 1))) for i in rng.choice(p, 2, replace=False)})
               for j in range(p)}
    truth = TimeSeriesGraph(names, tau_max, {(names[i], lag, names[j]): "-->" for j, pa in parents.items() for i, lag in pa})
    window = truth.unroll(2 * tau_max)
    hand = _true_window(parents, names, 2 * tau_max)
    assert set(window.nodes) == set(hand.nodes) and set(window.edges) == set(hand.edges)
    oracle = DSeparationOracle(window)
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(60, p)), columns=names)
    est = PCMCI(ci_test=oracle, tau_max=tau_max, tau_min=1, pc_alpha=0.5, alpha=0.5).fit(frame)
    expected = sorted(f"{lagged_name(names[i], lag)} --> {lagged_name(names[j], 0)}" for j, pa in parents.items() for i, lag in pa)
    assert sorted(est.graph_.lagged_edges()) == expected
    assert dict(est.graph_.links) == dict(truth.links)
    for j, pa in parents.items():  # PC1 keeps a superset of the parents
        assert set(pa) <= set(est.selection_.parents[j])


def test_workers_give_the_same_answer() -> None:
    """n_jobs=1 and n_jobs=2: identical parents, statistics and p-values (both stages parallel)."""
    x, _ = _var(8, 300, seed=3)
    one = PCMCI(tau_max=2, pc_alpha=[0.1, 0.3]).fit(x)
    two = PCMCI(tau_max=2, pc_alpha=[0.1, 0.3], n_jobs=2).fit(x)
    assert one.parents_ == two.parents_
    assert np.array_equal(one.p_matrix_, two.p_matrix_) and np.array_equal(one.val_matrix_, two.val_matrix_)
    assert one.graph_ == two.graph_


def test_link_assumptions_and_knowledge() -> None:
    """A forbidden link is not tested (p 1); a required one is kept untested (p 0); knowledge maps to both."""
    x, _ = _var(4, 300, seed=5)
    frame = pd.DataFrame(x, columns=list("ABCD"))
    est = PCMCI(tau_max=2, tau_min=1, link_assumptions={("A", 1, "B"): "", ("C", 2, "D"): "-->"}).fit(frame)
    assert est.p_matrix_[0, 1, 1] == 1.0 and est.val_matrix_[0, 1, 1] == 0.0
    assert est.p_matrix_[2, 3, 2] == 0.0 and ("C", 2) in est.parents_["D"]
    assert "C[t-2] --> D[t]" in est.graph_.lagged_edges()
    know = PCMCI(tau_max=2, tau_min=1, knowledge={"forbidden": ["A --> B"], "required": ["C[t-2] --> D[t]"]}).fit(frame)
    assert np.all(know.p_matrix_[0, 1, :] == 1.0)
    assert np.array_equal(know.p_matrix_[2, 3], est.p_matrix_[2, 3])


def test_fdr_bh_is_benjamini_hochberg() -> None:
    """fdr_bh equals statsmodels' multipletests(method='fdr_bh') on the masked entries."""
    from statsmodels.stats.multitest import multipletests

    pv = np.random.default_rng(0).random((3, 3, 3)) ** 3
    mask = np.zeros_like(pv, dtype=bool)
    mask[:, :, 1:] = True
    out = fdr_bh(pv, mask)
    np.testing.assert_allclose(out[mask], multipletests(pv[mask], method="fdr_bh")[1], rtol=1e-12)
    assert np.array_equal(out[:, :, 0], pv[:, :, 0])


def test_function_and_attributes() -> None:
    """pcmci() returns the fitted graph; the matrices have shape (p, p, tau_max + 1)."""
    x, _ = _var(3, 200, seed=6)
    est = PCMCI(tau_max=2).fit(x)
    assert est.p_matrix_.shape == est.val_matrix_.shape == (3, 3, 3)
    assert est.variables_ == ["X0", "X1", "X2"] and set(est.parents_) == {"X0", "X1", "X2"}
    assert pcmci(x, tau_max=2) == est.graph_
    assert PCMCI(tau_max=2).fit(as_time_series(x)).graph_ == est.graph_  # a validated series as the CLI passes it


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"tau_max": 40}, DataError),  # too large for T = 60
        ({"tau_min": -1}, InvalidParameterError),
        ({"tau_min": 3, "tau_max": 2}, InvalidParameterError),
        ({"tau_max": 0}, InvalidParameterError),
        ({"pc_alpha": 1.5}, InvalidParameterError),
        ({"pc_alpha": []}, InvalidParameterError),
        ({"alpha": 0.0}, InvalidParameterError),
        ({"fdr_method": "holm"}, InvalidParameterError),
        ({"link_assumptions": {("A", 1, "nope"): "-->"}}, DataError),
        ({"link_assumptions": {("A", 5, "B"): "-->"}}, InvalidParameterError),
        ({"link_assumptions": {("A", 1, "B"): "<->"}}, InvalidParameterError),
        ({"knowledge": {"required": ["A --> B"]}}, InvalidParameterError),
        ({"knowledge": {"forbidden": ["A[t-1] --> nope[t]"]}}, DataError),
        ({"ci_test": "gsq"}, DataError),  # a discrete test on continuous series
        ({"ci_test": "parcorr", "pc_alpha": None, "max_combinations": 0}, InvalidParameterError),
    ],
)
def test_bad_input_raises_typed_errors(options: dict[str, Any], error: type[Exception]) -> None:
    """Each bad hyperparameter or input raises the typed error naming it."""
    x, _ = _var(3, 60, seed=7)
    frame = pd.DataFrame(x, columns=list("ABC"))
    with pytest.raises(error):
        PCMCI(**options).fit(frame)


def test_grid_with_a_test_without_criterion() -> None:
    """A pc_alpha grid with Fisher-z is scored by ParCorr's AIC: per target, the level whose parents score lowest.

    Reference: separate single-level runs of the same test, scored by hand with
    ParCorr.model_selection_criterion on the same design.
    """
    x, _ = _var(4, 200, seed=8)
    grid = [0.05, 0.4]
    est = PCMCI(ci_test="fisherz", tau_max=2, pc_alpha=grid).fit(x)
    design = lagged_design(as_time_series(x), 4)
    scorer = ParCorr(design.frame())
    singles = [PCMCI(ci_test="fisherz", tau_max=2, pc_alpha=a).fit(x).selection_ for a in grid]
    for j in range(4):
        scores = [
            scorer.model_selection_criterion(
                np.array([j]), np.array([[lag * 4 + i for i, lag in sel.parents[j]]]).reshape(1, -1)
            )[0]
            for sel in singles
        ]
        best = int(np.argmin(scores))
        assert est.selection_.pc_alpha[j] == grid[best]
        assert est.selection_.parents[j] == singles[best].parents[j]


def test_discrete_aic_by_hand() -> None:
    """discrete_aic equals -2 log-likelihood of the conditional frequencies + 2 (levels - 1) configurations."""
    from causalscope.discovery.lagged import discrete_aic

    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, size=(200, 2))
    y = (x[:, 0] + rng.integers(0, 2, 200)) % 3
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "y": y})
    counts = frame.groupby(["a", "b", "y"]).size()
    totals = frame.groupby(["a", "b"]).size()
    loglik = sum(n * np.log(n / totals[(a, b)]) for (a, b, _), n in counts.items())
    assert discrete_aic(y, x) == pytest.approx(-2 * loglik + 2 * 2 * len(totals), rel=1e-12)
    est = PCMCI(ci_test="gsq", tau_max=1, tau_min=1, pc_alpha=None).fit(frame)  # a grid with a discrete test runs
    assert len(est.selection_.pc_alpha) == 3


def test_other_registered_tests() -> None:
    """Any registered CI test runs on the lagged design: G-test on binary series, RCoT on a nonlinear one.

    Reference: the simulated truth (seeded; strong links, T = 600 / 400, alpha = 0.01).
    """
    rng = np.random.default_rng(0)
    b = np.zeros((600, 3), dtype=int)
    for t in range(1, 600):
        b[t, 0] = rng.random() < 0.3 + 0.4 * b[t - 1, 0]
        b[t, 1] = rng.random() < 0.2 + 0.6 * b[t - 1, 0]
        b[t, 2] = rng.random() < 0.5
    est = PCMCI(ci_test="gsq", tau_max=1, tau_min=1, alpha=0.01).fit(pd.DataFrame(b, columns=list("ABC")))
    assert sorted(est.graph_.lagged_edges()) == ["A[t-1] --> A[t]", "A[t-1] --> B[t]"]
    y = rng.normal(size=(400, 3))
    for t in range(1, 400):
        y[t, 1] += np.sin(2 * y[t - 1, 0])
        y[t, 2] += 0.5 * y[t - 1, 2]
    est = PCMCI(ci_test="rcot", tau_max=1, tau_min=1, alpha=0.01).fit(y)
    assert sorted(est.graph_.lagged_edges()) == ["X0[t-1] --> X1[t]", "X2[t-1] --> X2[t]"]
    seeded = PCMCI(ci_test="rcot", tau_max=1, tau_min=1, random_state=5)
    assert np.array_equal(seeded.fit(y).p_matrix_, seeded.clone().fit(y).p_matrix_)  # same seed, same answer
    assert not np.array_equal(seeded.p_matrix_, est.p_matrix_)  # the seed reaches the random features
