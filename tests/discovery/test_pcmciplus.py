"""PCMCI+ (Runge 2020).

References used by the tests:

* tigramite's ``PCMCI.run_pcmciplus`` with ``ParCorr`` on the same simulated series (a
  black-box reference, GPL, test-only): graph (every mark), p-values and statistics to
  1e-8, ambiguous triples, for the three collider rules, a ``pc_alpha`` grid and FDR;
  its rule-orientation phase on random graphs;
* the oracle: with a d-separation oracle on the unrolled true graph the output is the
  time-series CPDAG computed independently from the true graph (v-structures, then
  Meek's rules R1-R3 with the lagged links as known orientations).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causalscope.discovery.pcmciplus import PCMCIPlus, orient_by_rules, pcmciplus
from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.graphs import DAG
from causalscope.graphs.equivalence import apply_meek_rules
from causalscope.graphs.marks import ARROW, CIRCLE, TAIL
from causalscope.graphs.timeseries import TimeSeriesGraph
from causalscope.independence import DSeparationOracle


def _var_contemporaneous(p: int, t: int, seed: int, tau: int = 2) -> np.ndarray:
    """A stable VAR(tau) with random lagged links and a random contemporaneous DAG (order = a permutation)."""
    rng = np.random.default_rng(seed)
    a = np.zeros((tau, p, p))
    for j in range(p):
        a[0, j, j] = rng.uniform(0.2, 0.6)
        for _ in range(2):
            a[rng.integers(tau), j, rng.integers(p)] += rng.choice([-1, 1]) * rng.uniform(0.2, 0.4)
    c = np.zeros((p, p))
    order = rng.permutation(p)
    for r in range(1, p):
        if rng.random() < 0.6:
            c[order[r], order[rng.integers(r)]] = rng.choice([-1, 1]) * rng.uniform(0.3, 0.6)
    inv = np.linalg.inv(np.eye(p) - c)
    comp = np.zeros((p * tau, p * tau))
    for lag in range(tau):
        comp[:p, lag * p:(lag + 1) * p] = inv @ a[lag]
    comp[p:, :-p] = np.eye(p * (tau - 1))
    rho = np.abs(np.linalg.eigvals(comp)).max()
    if rho > 0.9:
        a *= 0.9 / rho
    x = np.zeros((t + 200, p))
    e = rng.normal(size=(t + 200, p))
    for s in range(tau, t + 200):
        v = e[s].copy()
        for lag in range(tau):
            v += a[lag] @ x[s - 1 - lag]
        x[s] = inv @ v
    return x[200:]


def _tigramite(x: np.ndarray, **kw: object) -> dict:
    pp = pytest.importorskip("tigramite.data_processing")
    from tigramite.independence_tests.parcorr import ParCorr
    from tigramite.pcmci import PCMCI as TigPCMCI

    return TigPCMCI(dataframe=pp.DataFrame(x), cond_ind_test=ParCorr(), verbosity=0).run_pcmciplus(**kw)


def _assert_same(est: PCMCIPlus, ref: dict) -> None:
    np.testing.assert_array_equal(est.graph_array_, ref["graph"])
    np.testing.assert_allclose(est.p_matrix_, ref["p_matrix"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(est.val_matrix_, ref["val_matrix"], rtol=0, atol=1e-8)
    names = est.variables_
    mine = sorted(est.ambiguous_triples_)
    theirs = sorted(((names[int(i)], -int(t)), names[int(k)], names[int(j)]) for (i, t), k, j in ref["ambiguous_triples"])
    assert mine == theirs


CASES = [
    (5, 500, 1, 2, 0.05, "majority"),
    (5, 500, 2, 2, 0.05, "conservative"),
    (8, 300, 5, 3, 0.2, "conservative"),
    (8, 300, 6, 3, 0.2, "none"),
    (10, 1000, 13, 3, 0.05, "majority"),
    (10, 500, 21, 2, 0.01, "conservative"),
]


@pytest.mark.parametrize("p, t, seed, tau_max, alpha, rule", CASES)
def test_same_graph_p_values_and_statistics_as_tigramite(
    p: int, t: int, seed: int, tau_max: int, alpha: float, rule: str
) -> None:
    """Reference: tigramite run_pcmciplus + ParCorr on the same series (all marks, 1e-8)."""
    x = _var_contemporaneous(p, t, seed)
    ref = _tigramite(x, tau_max=tau_max, pc_alpha=alpha, contemp_collider_rule=rule)
    est = PCMCIPlus(tau_max=tau_max, pc_alpha=alpha, contemp_collider_rule=rule).fit(x)
    _assert_same(est, ref)
    assert (est.graph_array_[:, :, 0] != "").any()  # the case has contemporaneous links


def test_pc_alpha_grid_and_fdr_as_tigramite() -> None:
    """Reference: tigramite with pc_alpha=None (its grid, scored by ParCorr's AIC) and fdr_method='fdr_bh'."""
    x = _var_contemporaneous(8, 500, 22)
    ref = _tigramite(x, tau_max=2, pc_alpha=None)
    _assert_same(PCMCIPlus(tau_max=2, pc_alpha=None).fit(x), ref)
    ref = _tigramite(x, tau_max=2, pc_alpha=0.1, fdr_method="fdr_bh")
    est = PCMCIPlus(tau_max=2, pc_alpha=0.1, fdr_method="fdr_bh").fit(x)
    _assert_same(est, ref)


def test_reset_lagged_links_and_condition_limits_as_tigramite() -> None:
    """Reference: tigramite with reset_lagged_links=True and max_conds_px/py."""
    x = _var_contemporaneous(6, 400, 3)
    kw = dict(tau_max=2, pc_alpha=0.05, reset_lagged_links=True, max_conds_py=2, max_conds_px=1)
    _assert_same(PCMCIPlus(**kw).fit(x), _tigramite(x, **kw))


def test_link_assumptions_as_tigramite() -> None:
    """Reference: tigramite with forbidden lagged links, a forbidden contemporaneous pair and a
    required lagged link (its link_assumptions list every allowed link)."""
    n, tau = 6, 2
    x = _var_contemporaneous(n, 400, 9)
    forbidden, required = [(0, 1, 2), (3, 2, 1), (1, 0, 4)], [(2, 1, 5)]
    theirs: dict = {j: {} for j in range(n)}
    for j in range(n):
        for i in range(n):
            for lag in range(tau + 1):
                if not (lag == 0 and i == j):
                    theirs[j][(i, -lag)] = "o?o" if lag == 0 else "-?>"
    for i, lag, j in forbidden:
        del theirs[j][(i, -lag)]
        if lag == 0:
            del theirs[i][(j, 0)]
    for i, lag, j in required:
        theirs[j][(i, -lag)] = "-->"
    ref = _tigramite(x, tau_max=tau, pc_alpha=0.05, link_assumptions=theirs)
    mine = {(f"X{i}", lag, f"X{j}"): "" for i, lag, j in forbidden}
    mine.update({(f"X{i}", lag, f"X{j}"): "-->" for i, lag, j in required})
    _assert_same(PCMCIPlus(tau_max=tau, pc_alpha=0.05, link_assumptions=mine).fit(x), ref)


def test_separate_mci_level() -> None:
    """alpha (the CLI's --alpha) sets the level of phases 2-3 only. Reference: the run without
    alpha: alpha=None gives its p-values exactly; with alpha=0.01 PC1 is unchanged, every kept
    link has a p-value <= 0.01 and no more links are kept."""
    x = _var_contemporaneous(6, 400, 5)
    same = PCMCIPlus(tau_max=2, pc_alpha=0.05, alpha=None).fit(x)
    np.testing.assert_array_equal(same.p_matrix_, PCMCIPlus(tau_max=2, pc_alpha=0.05).fit(x).p_matrix_)
    mixed = PCMCIPlus(tau_max=2, pc_alpha=0.2, alpha=0.01).fit(x)
    loose = PCMCIPlus(tau_max=2, pc_alpha=0.2).fit(x)
    assert mixed.parents_ == loose.parents_  # PC1 at pc_alpha in both
    kept_mixed = (mixed.graph_array_ != "").sum()
    assert kept_mixed <= (loose.graph_array_ != "").sum()
    assert np.all(mixed.p_matrix_[mixed.graph_array_ != ""] <= 0.01)


def test_tau_min_as_tigramite() -> None:
    """Reference: tigramite with tau_min = 1 and 2 (no contemporaneous links; untested entries p = 1)."""
    x = _var_contemporaneous(6, 400, 8, tau=3)
    for tau_min in (1, 2):
        kw = dict(tau_max=3, tau_min=tau_min, pc_alpha=0.05)
        _assert_same(PCMCIPlus(**kw).fit(x), _tigramite(x, **kw))


@pytest.mark.slow
def test_same_as_tigramite_p20() -> None:
    """Reference: tigramite run_pcmciplus + ParCorr at p = 20, T = 1000, tau_max = 3."""
    x = _var_contemporaneous(20, 1000, 3)
    for rule in ("majority", "conservative"):
        ref = _tigramite(x, tau_max=3, pc_alpha=0.01, contemp_collider_rule=rule)
        _assert_same(PCMCIPlus(tau_max=3, pc_alpha=0.01, contemp_collider_rule=rule).fit(x), ref)


def _string_graph(rng: np.random.Generator, n: int, tau: int) -> np.ndarray:
    g = np.full((n, n, tau + 1), "", dtype="<U3")
    pu, pd_, px = rng.uniform(0.2, 0.7), rng.uniform(0, 0.3), 0.05
    for i in range(n):
        for j in range(i + 1, n):
            u = rng.random()
            if u < pu:
                g[i, j, 0] = g[j, i, 0] = "o-o"
            elif u < pu + pd_:
                g[i, j, 0], g[j, i, 0] = ("-->", "<--") if rng.random() < 0.5 else ("<--", "-->")
            elif u < pu + pd_ + px:
                g[i, j, 0] = g[j, i, 0] = "x-x"
    g[:, :, 1:][rng.random((n, n, tau)) < rng.uniform(0, 0.2)] = "-->"
    return g


def _to_marks(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = g.shape[0]
    m = np.zeros((n, n), dtype=np.int8)
    s = g[:, :, 0]
    m[(s == "o-o")] = TAIL
    m[(s == "-->")] = ARROW
    m[(s == "<--")] = TAIL
    m[(s == "x-x")] = CIRCLE
    lagged = g == "-->"
    lagged[:, :, 0] = False
    return m, lagged


def test_rule_phase_equals_tigramite_on_random_graphs() -> None:
    """Reference: tigramite's rule-orientation phase (called as a black box) on 150 random graphs
    with lagged links, pre-oriented and x-x links, and ambiguous unshielded triples."""
    pp = pytest.importorskip("tigramite.data_processing")
    from tigramite.independence_tests.parcorr import ParCorr
    from tigramite.pcmci import PCMCI as TigPCMCI

    n, tau = 6, 2
    ref = TigPCMCI(dataframe=pp.DataFrame(np.random.default_rng(0).normal(size=(50, n))), cond_ind_test=ParCorr())
    rng = np.random.default_rng(7)
    for _ in range(150):
        g = _string_graph(rng, n, tau)
        amb = []
        for _ in range(20):
            i, lag, k, j = (int(rng.integers(n)), int(rng.integers(tau + 1)), int(rng.integers(n)), int(rng.integers(n)))
            if len({(i, lag), (k, 0), (j, 0)}) == 3 and k != j and g[i, k, lag] and g[k, j, 0] and not g[i, j, lag]:
                amb.append(((i, lag), k, j))
                if lag == 0:
                    amb.append(((j, 0), k, i))
        theirs = ref._pcmciplus_rule_orientation_phase(g.copy(), [((i, -lag), k, j) for (i, lag), k, j in amb], True)
        m, lagged = _to_marks(g)
        out = orient_by_rules(m, lagged, amb)
        expect, _ = _to_marks(theirs)
        np.testing.assert_array_equal(out, expect)


# ---------------------------------------------------------------------------- oracle
def _random_ts_graph(rng: np.random.Generator, p: int, tau: int) -> tuple[np.ndarray, np.ndarray]:
    """lagged[i, j, lag] (lag >= 1) and a contemporaneous DAG c[i, j] (i --> j) over a random order."""
    lagged = np.zeros((p, p, tau + 1), dtype=bool)
    for j in range(p):
        lagged[j, j, 1] = rng.random() < 0.5
        for _ in range(int(rng.integers(0, 3))):
            lagged[rng.integers(p), j, rng.integers(1, tau + 1)] = True
    order = rng.permutation(p)
    c = np.zeros((p, p), dtype=bool)
    for r in range(1, p):
        for s in range(r):
            if rng.random() < 0.35:
                c[order[s], order[r]] = True
    return lagged, c


def _name(i: int, lag: int) -> str:
    return f"X{i}[t]" if lag == 0 else f"X{i}[t-{lag}]"


def _unrolled(lagged: np.ndarray, c: np.ndarray, window: int) -> DAG:
    """The true graph as a TimeSeriesGraph, unrolled to ``window`` past slices (checked against
    the window built edge by edge)."""
    p, _, lags = lagged.shape
    links = {(f"X{i}", int(lag), f"X{j}"): "-->" for i, j, lag in np.argwhere(lagged)}
    links.update({(f"X{i}", 0, f"X{j}"): "-->" for i, j in np.argwhere(c)})
    dag = TimeSeriesGraph([f"X{i}" for i in range(p)], lags - 1, links).unroll(window)
    edges = []
    for s in range(window + 1):
        for i in range(p):
            for j in range(p):
                if c[i, j]:
                    edges.append(f"{_name(i, s)} --> {_name(j, s)}")
                for lag in range(1, lags):
                    if lagged[i, j, lag] and s + lag <= window:
                        edges.append(f"{_name(i, s + lag)} --> {_name(j, s)}")
    assert dag == DAG(nodes=[_name(i, s) for s in range(window + 1) for i in range(p)], edges=edges)
    return dag


def _expected_cpdag(lagged: np.ndarray, c: np.ndarray) -> np.ndarray:
    """The time-series CPDAG in tigramite's string convention, from the true graph alone."""
    p, _, lags = lagged.shape
    sources = [(i, lag) for lag in range(1, lags) for i in range(p) if lagged[i, :, lag].any()]
    size = p + len(sources)
    m = np.zeros((size, size), dtype=np.int8)
    adj_c = c | c.T
    m[:p, :p][adj_c] = TAIL
    for r, (i, lag) in enumerate(sources):
        targets = np.flatnonzero(lagged[i, :, lag])
        m[p + r, targets] = ARROW
        m[targets, p + r] = TAIL

    def adjacent(a: tuple[int, int], b: tuple[int, int]) -> bool:  # b at lag 0
        (i, la), (j, _) = a, b
        return bool(adj_c[i, j]) if la == 0 else bool(lagged[i, j, la])

    for k in range(p):  # v-structures a --> k <-- b, at least one contemporaneous parent
        pa = [(i, 0) for i in range(p) if c[i, k]] + [(i, lag) for i, lag in sources if lagged[i, k, lag]]
        for x in range(len(pa)):
            for y in range(x + 1, len(pa)):
                a, b = pa[x], pa[y]
                if a[1] > 0 and b[1] > 0:
                    continue
                if b[1] > 0:
                    a, b = b, a
                if not adjacent(a, b):
                    for node in (a, b):
                        if node[1] == 0:
                            m[node[0], k], m[k, node[0]] = ARROW, TAIL
    out = apply_meek_rules(m, rules=(1, 2, 3))[:p, :p]
    g = np.full((p, p, lags), "", dtype="<U3")
    g[lagged] = "-->"
    t, ar = out == TAIL, out == ARROW
    g[:, :, 0][t & t.T] = "o-o"
    g[:, :, 0][ar & t.T] = "-->"
    g[:, :, 0][t & ar.T] = "<--"
    return g


@pytest.mark.parametrize("seed", range(6))
def test_oracle_recovers_the_time_series_cpdag(seed: int) -> None:
    """Oracle: d-separation in the unrolled true graph gives exactly the true graph's time-series CPDAG.

    The window must hold the design's lags, 2 * tau_max (the MCI conditions of
    X[t-tau] reach t - 2 * tau_max). Truncating the past can only add independences
    (common ancestors before the window are missing), so the test uses 4 * tau_max + 2
    lags as a margin; the 2 * tau_max window gave the same output on 40 such graphs."""
    rng = np.random.default_rng(seed)
    p, tau = 5, 2
    lagged, c = _random_ts_graph(rng, p, tau)
    oracle = DSeparationOracle(_unrolled(lagged, c, 4 * tau + 2))
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(60, p)), columns=[f"X{i}" for i in range(p)])
    for rule in ("majority", "conservative", "none"):
        est = PCMCIPlus(ci_test=oracle, tau_max=tau, pc_alpha=0.5, contemp_collider_rule=rule).fit(frame)
        np.testing.assert_array_equal(est.graph_array_, _expected_cpdag(lagged, c))


# ------------------------------------------------------------------ parallel and errors
def test_n_jobs_gives_identical_results() -> None:
    """The same graph, p-values and statistics with 1 and 2 workers (loky processes)."""
    x = _var_contemporaneous(6, 400, 4)
    one = PCMCIPlus(tau_max=2, pc_alpha=0.05).fit(x)
    two = PCMCIPlus(tau_max=2, pc_alpha=0.05, n_jobs=2).fit(x)
    np.testing.assert_array_equal(one.graph_array_, two.graph_array_)
    np.testing.assert_array_equal(one.p_matrix_, two.p_matrix_)
    np.testing.assert_array_equal(one.val_matrix_, two.val_matrix_)


def test_graph_value_matches_the_array_and_round_trips() -> None:
    """graph_ is graph_array_ with o-o written ---, carries the statistics and p-values, and
    survives the CLI.md JSON round trip (reference: TimeSeriesGraph.from_arrays of the array)."""
    x = _var_contemporaneous(6, 400, 2)
    est = PCMCIPlus(tau_max=2, pc_alpha=0.05, contemp_collider_rule="conservative").fit(x)
    shown = np.where(est.graph_array_ == "o-o", "---", est.graph_array_)
    expect = TimeSeriesGraph.from_arrays(est.variables_, shown, est.val_matrix_, est.p_matrix_)
    assert est.graph_ == expect
    assert TimeSeriesGraph.from_json_dict(est.graph_.to_json_dict()).links == est.graph_.links


def test_function_and_names() -> None:
    """A chain with one contemporaneous link: the function returns the graph by name."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 3))
    for t in range(1, 500):
        x[t, 0] += 0.6 * x[t - 1, 0]
        x[t, 1] += 0.7 * x[t, 0]
        x[t, 2] += 0.6 * x[t - 1, 1]
    g = pcmciplus(pd.DataFrame(x, columns=list("ABC")), tau_max=1)
    assert sorted(g.lagged_edges()) == ["A[t-1] --> A[t]", "A[t] --> B[t]", "B[t-1] --> C[t]"]


@pytest.mark.parametrize(
    "kwargs, error, text",
    [
        (dict(tau_max=40), DataError, "rows"),
        (dict(tau_min=-1), InvalidParameterError, "tau_min"),
        (dict(tau_min=3, tau_max=2), InvalidParameterError, "tau_min"),
        (dict(contemp_collider_rule="vote"), InvalidParameterError, "contemp_collider_rule"),
        (dict(link_assumptions={("Q", 1, "A"): ""}), DataError, "'Q'"),
        (dict(pc_alpha=1.5), InvalidParameterError, "pc_alpha"),
        (dict(fdr_method="holm"), InvalidParameterError, "fdr_method"),
        (dict(alpha=0.0), InvalidParameterError, "alpha"),
    ],
)
def test_bad_input_raises_typed_errors(kwargs: dict, error: type, text: str) -> None:
    """Typed errors naming the parameter or column."""
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(100, 3)), columns=list("ABC"))
    with pytest.raises(error, match=text):
        PCMCIPlus(**kwargs).fit(frame)


def test_forbidden_link_is_absent() -> None:
    """A forbidden lagged link and a forbidden contemporaneous pair never appear."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 3))
    for t in range(1, 400):
        x[t, 1] += 0.8 * x[t - 1, 0] + 0.6 * x[t, 2]
    frame = pd.DataFrame(x, columns=list("ABC"))
    est = PCMCIPlus(tau_max=1, link_assumptions={("A", 1, "B"): "", ("C", 0, "B"): ""}).fit(frame)
    assert est.graph_array_[0, 1, 1] == "" and est.graph_array_[2, 1, 0] == "" and est.graph_array_[1, 2, 0] == ""
    plain = PCMCIPlus(tau_max=1).fit(frame)
    assert plain.graph_array_[0, 1, 1] == "-->" and plain.graph_array_[2, 1, 0] != ""
