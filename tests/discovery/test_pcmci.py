"""PCMCI (Runge et al. 2019): tigramite on the same data, a d-separation oracle, workers, bad input.

References used here: tigramite's ``PCMCI.run_pc_stable`` / ``run_pcmci`` with
``ParCorr()`` on the same arrays (a GPL test-only extra, called as a black box);
the d-separation oracle on the time-unrolled true graph (exact recovery);
Benjamini & Hochberg (1995) for the FDR step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from causalscope.data.timeseries import as_time_series
from causalscope.discovery import PCMCI, fdr_bh, lagged_design, pcmci, select_lagged_parents
from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.graphs import DAG
from causalscope.graphs.timeseries import lagged_name
from causalscope.independence import DSeparationOracle, ParCorr


def _var(p: int, t: int, seed: int, max_lag: int = 2, coef: float = 0.4) -> tuple[np.ndarray, dict[int, list[tuple[int, int]]]]:
    """A random stable VAR(max_lag): each series has its own lag-1 term and two lagged parents."""
    rng = np.random.default_rng(seed)
    a = np.zeros((max_lag, p, p))
    for j in range(p):
        a[0, j, j] = 0.5
        for i in rng.choice([v for v in range(p) if v != j], size=min(2, p - 1), replace=False):
            a[int(rng.integers(1, max_lag + 1)) - 1, j, i] = coef * rng.choice([-1.0, 1.0])
    comp = np.zeros((p * max_lag, p * max_lag))
    comp[:p] = np.hstack(list(a))
    comp[p:, :-p] = np.eye(p * (max_lag - 1))
    rho = np.abs(np.linalg.eigvals(comp)).max()
    if rho > 0.9:
        a *= 0.9 / rho
    burn = 100
    x = rng.normal(size=(t + burn, p))
    for s in range(max_lag, t + burn):
        for lag in range(max_lag):
            x[s] += a[lag] @ x[s - lag - 1]
    parents = {j: [(i, lag + 1) for lag in range(max_lag) for i in range(p) if a[lag, j, i] != 0] for j in range(p)}
    return x[burn:], parents


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
    """The stationary time-window DAG over X[t-n_lags]..X[t], built here by hand from the true parents."""
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
    oracle = DSeparationOracle(_true_window(parents, names, 2 * tau_max))
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(60, p)), columns=names)
    est = PCMCI(ci_test=oracle, tau_max=tau_max, tau_min=1, pc_alpha=0.5, alpha=0.5).fit(frame)
    expected = sorted(f"{lagged_name(names[i], lag)} --> {lagged_name(names[j], 0)}" for j, pa in parents.items() for i, lag in pa)
    assert sorted(est.graph_.lagged_edges()) == expected
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


def test_grid_needs_a_model_selection_criterion() -> None:
    """pc_alpha=None with a test lacking model_selection_criterion (Fisher-z) raises, naming pc_alpha."""
    x, _ = _var(3, 100, seed=8)
    with pytest.raises(InvalidParameterError, match="pc_alpha"):
        PCMCI(ci_test="fisherz", pc_alpha=None).fit(x)
