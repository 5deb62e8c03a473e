"""Tests of VARLiNGAM (causalscope.discovery.varlingam).

References:
- the ``lingam`` package's ``VARLiNGAM`` on the same data (p = 5 and 10,
  uniform noise, lags fixed and chosen by BIC, pruned and not): the same causal
  order and adjacency matrices to 1e-10 (with lingam's settings: ``trend="n"``,
  ``lag_sample="own"``);
- the pruning with the chosen order: the same matrices as a fit with that order
  fixed, and as lingam with ``lags`` = that order;
- statsmodels OLS for the edge p-values;
- the bootstrap: draws differ, are reproducible, identical for n_jobs 1 and 2.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from causalscope.discovery.varlingam import VARLiNGAM, varlingam
from causalscope.exceptions import DataError, InvalidParameterError


def _svar(p: int, big_t: int, seed: int, order: int = 2) -> np.ndarray:
    """A structural VAR: sparse random B0 (acyclic, random order) and lagged M_tau, uniform noise."""
    rng = np.random.default_rng(seed)
    b0 = np.tril(rng.uniform(0.3, 0.8, (p, p)) * rng.choice([-1, 1], (p, p)) * (rng.random((p, p)) < 0.3), -1)
    perm = rng.permutation(p)
    b0 = b0[np.ix_(perm, perm)]
    m = [rng.uniform(-0.3, 0.3, (p, p)) * (rng.random((p, p)) < 0.2) for _ in range(order)]
    mix = np.linalg.inv(np.eye(p) - b0)
    x = np.zeros((big_t + 100, p))
    for t in range(order, big_t + 100):
        x[t] = mix @ (sum(m[k] @ x[t - k - 1] for k in range(order)) + rng.uniform(-1, 1, p))
    return x[100:]


def _lingam(x: np.ndarray, **options: object):  # type: ignore[no-untyped-def]
    lingam = pytest.importorskip("lingam")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lingam.VARLiNGAM(**options).fit(x)


@pytest.mark.parametrize("p", [5, 10])
@pytest.mark.parametrize(("lags", "criterion", "prune"), [(2, None, True), (3, "bic", True), (2, "bic", False)])
def test_same_order_and_matrices_as_lingam(p: int, lags: int, criterion: str | None, prune: bool) -> None:
    """Reference: lingam.VARLiNGAM on the same data (tolerance 1e-10 on every matrix entry)."""
    x = _svar(p, 1000, p)
    ref = _lingam(x, lags=lags, criterion=criterion, prune=prune)
    ours = VARLiNGAM(tau_max=lags, criterion=criterion, prune=prune, trend="n", lag_sample="own").fit(x)  # type: ignore[arg-type]
    assert [ours.variables_.index(v) for v in ours.causal_order_] == list(ref.causal_order_)
    assert ours.adjacency_matrices_.shape == ref.adjacency_matrices_.shape
    np.testing.assert_allclose(ours.adjacency_matrices_, ref.adjacency_matrices_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.residuals_, ref.residuals_, rtol=0, atol=1e-10)


def test_pruning_uses_the_chosen_order() -> None:
    """Reference: with tau_max = 4 and BIC choosing 1, the matrices equal a fit with the order fixed at 1
    (and lingam with lags = 1): the pruning regressions use 1 lag and T - 1 rows, not 4 lags and T - 4 rows."""
    rng = np.random.default_rng(0)
    x = np.zeros((400, 4))
    for t in range(1, 400):
        x[t] = 0.5 * x[t - 1] + rng.uniform(-1, 1, 4)
        x[t, 1] += 0.6 * x[t, 0]
    chosen = VARLiNGAM(tau_max=4, trend="n").fit(x)
    assert chosen.order_ == 1
    fixed = VARLiNGAM(tau_max=1, criterion=None, trend="n").fit(x)
    np.testing.assert_array_equal(chosen.adjacency_matrices_, fixed.adjacency_matrices_)
    ref = _lingam(x, lags=1, criterion=None, prune=True)
    np.testing.assert_allclose(chosen.adjacency_matrices_, ref.adjacency_matrices_, atol=1e-10)
    assert chosen.graph_.tau_max == 4


def test_edge_p_values_are_the_full_regression_t_tests() -> None:
    """Reference: statsmodels OLS of x_i[t] on its predecessors at t and all lags (two-sided t-test p-values)."""
    sm = pytest.importorskip("statsmodels.api")
    x = _svar(4, 600, 3, order=1)
    model = VARLiNGAM(tau_max=1, criterion=None).fit(x)
    order = [model.variables_.index(v) for v in model.causal_order_]
    for pos, i in enumerate(order):
        anc = order[:pos]
        design = np.hstack([x[1:, anc], x[:-1]])
        res = sm.OLS(x[1:, i], sm.add_constant(design)).fit()
        np.testing.assert_allclose(model.p_values_[0, i, anc], res.pvalues[1 : 1 + pos], rtol=1e-8, atol=1e-14)
        np.testing.assert_allclose(model.p_values_[1, i, :], res.pvalues[1 + pos :], rtol=1e-8, atol=1e-14)


def test_bootstrap_draws_are_independent_reproducible_and_worker_free() -> None:
    """Oracle: draws differ from each other; the same seed gives the same draws; n_jobs 1 and 2 identical."""
    x = _svar(3, 300, 4, order=1)
    one = VARLiNGAM(tau_max=2, random_state=7).bootstrap(x, 6)
    again = VARLiNGAM(tau_max=2, random_state=7).bootstrap(x, 6)
    two = VARLiNGAM(tau_max=2, random_state=7, n_jobs=2).bootstrap(x, 6)
    assert len({m.tobytes() for m in one.matrices}) == 6
    np.testing.assert_array_equal(one.matrices, again.matrices)
    np.testing.assert_array_equal(one.matrices, two.matrices)
    np.testing.assert_array_equal(one.causal_orders, two.causal_orders)
    freq = one.frequencies()
    assert freq.shape == (3, 3, 3) and np.all((freq >= 0) & (freq <= 1))
    assert set(one.to_dict()) == {"n_sampling", "link_frequencies", "orders"}


def test_graph_and_function() -> None:
    """Oracle: a link for every non-zero B_tau entry (strength = coefficient); the function gives the same graph."""
    x = _svar(4, 800, 5, order=1)
    frame = pd.DataFrame(x, columns=list("abcd"))
    model = VARLiNGAM(tau_max=1, criterion=None).fit(frame)
    b = model.adjacency_matrices_
    assert len(model.graph_.lagged_edges()) == int(np.count_nonzero(b))
    assert varlingam(frame, tau_max=1, criterion=None) == model.graph_
    np.testing.assert_array_equal(model.values_[:, :, 1], b[1].T)


def test_bad_input_raises_typed_errors() -> None:
    """Errors name the parameter: tau_max, criterion, lag_sample, prune, n_sampling; short or NaN data."""
    x = _svar(3, 200, 6, order=1)
    for bad in [{"tau_max": 0}, {"criterion": "aicc"}, {"lag_sample": "all"}, {"prune": "yes"}]:
        with pytest.raises(InvalidParameterError, match=next(iter(bad))):
            VARLiNGAM(**bad).fit(x)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="n_sampling"):
        VARLiNGAM().bootstrap(x, 0)
    nan = x.copy()
    nan[5, 1] = np.nan
    with pytest.raises(DataError):
        VARLiNGAM().fit(nan)
    with pytest.raises(DataError):
        VARLiNGAM(tau_max=3).fit(x[:10])
