"""ParCorr: the partial-correlation t-test (Runge et al. 2019), checked against tigramite.

Reference: tigramite's ``ParCorr(significance='analytic').run_test_raw`` on the same
arrays (a GPL test-only extra, called as a black box), and the closed form of the
t-test for an unconditional correlation (scipy.stats.pearsonr).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causalscope.independence import FisherZ, ParCorr, make_ci_test


def _frame(n: int, k: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, k + 2))
    if k:
        a[:, 0] += 0.6 * a[:, 2:].sum(axis=1)
        a[:, 1] += 0.4 * a[:, 2:].sum(axis=1)
    a[:, 1] += 0.25 * a[:, 0]
    return pd.DataFrame(a, columns=[f"c{i}" for i in range(k + 2)])


@pytest.mark.parametrize(("n", "k"), [(40, 0), (60, 1), (50, 4), (300, 3), (35, 25)])
def test_matches_tigramite_parcorr(n: int, k: int) -> None:
    """Statistic and p-value equal tigramite's ParCorr.run_test_raw (to 1e-10)."""
    tp = pytest.importorskip("tigramite.independence_tests.parcorr")
    frame = _frame(n, k, seed=n + k)
    arr = frame.to_numpy()
    stat, pval = ParCorr(frame).statistics(np.array([0]), np.array([1]), np.arange(2, k + 2).reshape(1, k))
    val, p_ref = tp.ParCorr().run_test_raw(arr[:, [0]], arr[:, [1]], arr[:, 2:] if k else None)
    assert stat[0] == pytest.approx(val, abs=1e-10)
    assert pval[0] == pytest.approx(p_ref, abs=1e-10)
    assert ParCorr(frame).test("c0", "c1", [f"c{i}" for i in range(2, k + 2)]).dof == n - k - 2


def test_unconditional_is_pearson() -> None:
    """With Z empty the p-value is Pearson's t-test (scipy.stats.pearsonr) and the statistic r."""
    from scipy.stats import pearsonr

    frame = _frame(80, 0, seed=3)
    res = ParCorr(frame).test("c0", "c1")
    ref = pearsonr(frame["c0"], frame["c1"])
    assert res.statistic == pytest.approx(ref.statistic, abs=1e-12)
    assert res.p_value == pytest.approx(ref.pvalue, abs=1e-12)


def test_batch_equals_single_and_same_r_as_fisherz() -> None:
    """One batch equals the single tests; the statistic is Fisher-z's partial correlation r."""
    frame = _frame(120, 3, seed=5)
    test = make_ci_test("parcorr", frame)
    xs, ys = np.array([0, 1, 2]), np.array([1, 4, 3])
    zs = np.array([[2, 3], [0, 2], [0, 4]])
    stat, pval = test.statistics(xs, ys, zs)
    names = list(frame.columns)
    fz = FisherZ(frame)
    for q in range(3):
        single = test.test(names[xs[q]], names[ys[q]], [names[c] for c in zs[q]])
        assert (single.statistic, single.p_value) == pytest.approx((stat[q], pval[q]), abs=1e-14)
        z = fz.test(names[xs[q]], names[ys[q]], [names[c] for c in zs[q]])
        assert np.tanh(z.statistic / np.sqrt(z.dof)) == pytest.approx(stat[q], abs=1e-12)
    assert np.array_equal(test.p_values(xs, ys, zs), pval)


def test_too_few_rows_is_not_enough_data() -> None:
    """dof = n - |Z| - 2 < 1: enough_data False and p-value 1 (tigramite: NaN)."""
    frame = _frame(6, 4, seed=1)
    res = ParCorr(frame).test("c0", "c1", ["c2", "c3", "c4", "c5"])
    assert res.dof == 0 and not res.enough_data and res.p_value == 1.0


def test_model_selection_criterion_matches_tigramite() -> None:
    """AIC of a target on lagged parents equals tigramite's ParCorr.get_model_selection_criterion.

    The lagged columns are built by hand on the rows t = 2 * tau_max .. T-1, the
    sample tigramite documents for its tests ('2xtau_max').
    """
    pytest.importorskip("tigramite")
    import tigramite.data_processing as pp
    from tigramite.independence_tests.parcorr import ParCorr as TigParCorr

    rng = np.random.default_rng(2)
    x = rng.normal(size=(200, 3))
    for t in range(2, 200):
        x[t, 1] += 0.5 * x[t - 1, 0] + 0.3 * x[t - 2, 1]
    tau_max = 2
    rows = np.arange(2 * tau_max, 200)
    lagged = pd.DataFrame({f"v{i}_{lag}": x[rows - lag, i] for lag in range(tau_max + 1) for i in range(3)})
    ours = ParCorr(lagged)
    ref = TigParCorr()
    ref.set_dataframe(pp.DataFrame(x))
    for parents in ([], [(0, -1)], [(0, -1), (1, -2), (2, -1)]):
        cols = np.array([[-lag * 3 + i for i, lag in parents]], dtype=np.intp).reshape(1, len(parents))
        score = ours.model_selection_criterion(np.array([1]), cols)[0]
        assert score == pytest.approx(ref.get_model_selection_criterion(1, parents, tau_max=tau_max), abs=1e-8)
