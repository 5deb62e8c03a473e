"""Tests of the LARS lasso path (causalscope.discovery.lars) and DirectLiNGAM's adaptive-lasso pruning.

References checked against:
- scikit-learn's ``lars_path_gram(..., method="lasso")`` on the same Gram input
  (random designs, independent and correlated, with drops): knots, penalties,
  coefficients and the final active set;
- the lasso's optimality (KKT) conditions at every knot, and the least-squares
  fit at the end of the path, where the solution is not unique (exact ties,
  collinear columns): there scikit-learn's path may break the conditions, and
  ours follows them (documented in ``lasso_path_gram``);
- the adaptive lasso with BIC computed with scikit-learn's path, on the causal
  order DirectLiNGAM found: the same pruned weights.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from causalscope.datasets import simulate
from causalscope.discovery.lars import LassoPath, adaptive_lasso_support, lasso_path_gram
from causalscope.discovery.lingam import DirectLiNGAM
from causalscope.exceptions import DataError, InvalidParameterError

sklearn_linear = pytest.importorskip("sklearn.linear_model")


def _sklearn_path(xy: np.ndarray, gram: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sklearn_linear.lars_path_gram(xy, gram, n_samples=n, method="lasso")


def _kkt_violation(gram: np.ndarray, xy: np.ndarray, n: int, path: LassoPath) -> float:
    """Largest breach of the lasso conditions over the knots: |c_j| <= alpha, and c_j = alpha sign(b_j) if b_j != 0."""
    worst = 0.0
    scale = max(1.0, float(np.abs(xy).max()) / n)
    for alpha, b in zip(path.alphas, path.coefs.T):
        c = (xy - gram @ b) / n
        worst = max(worst, (float(np.abs(c).max()) - alpha) / scale)
        on = b != 0
        if on.any():
            worst = max(worst, float(np.abs(c[on] - alpha * np.sign(b[on])).max()) / scale)
    return worst


def _random_problem(rng: np.random.Generator, correlated: bool) -> tuple[np.ndarray, np.ndarray, int]:
    n = int(rng.integers(30, 300))
    k = int(rng.integers(1, 10))
    x = rng.normal(size=(n, k))
    if correlated:  # mixed columns: coefficients change sign, so variables leave the path
        x = x @ (np.eye(k) + 0.7 * rng.normal(size=(k, k)))
    y = x @ (rng.normal(size=k) * (rng.random(k) < 0.6)) + rng.normal(size=n)
    return x, y, n


@pytest.mark.parametrize("correlated", [False, True])
def test_same_path_as_sklearn_on_random_problems(correlated: bool) -> None:
    """Reference: scikit-learn's lars_path_gram (lasso) on the same X'y and X'X: knots, alphas, coefficients."""
    rng = np.random.default_rng(11 + correlated)
    drops = 0
    for _ in range(150):
        x, y, n = _random_problem(rng, correlated)
        gram, xy = x.T @ x, x.T @ y
        alphas, active, coefs = _sklearn_path(xy, gram, n)
        ours = lasso_path_gram(xy, gram, n)
        assert ours.coefs.shape == coefs.shape
        scale = max(1.0, float(np.abs(coefs).max()))
        np.testing.assert_allclose(ours.coefs, coefs, rtol=0, atol=1e-10 * scale)
        np.testing.assert_allclose(ours.alphas, alphas, rtol=1e-10, atol=1e-12)
        assert list(ours.active) == [int(j) for j in active]
        drops += coefs.shape[1] > x.shape[1] + 1
    if correlated:
        assert drops > 0  # the lasso modification (a variable leaving) was exercised


def test_ties_join_together_and_keep_the_lasso_conditions() -> None:
    """Reference: the lasso KKT conditions (scikit-learn adds one of two tied predictors per step and breaks them)."""
    rng = np.random.default_rng(3)
    broken_by_sklearn = 0
    for trial in range(60):
        x, y, n = _random_problem(rng, correlated=False)
        if x.shape[1] < 2:
            continue
        gram, xy = x.T @ x, x.T @ y
        xy[1] = xy[0] if trial % 2 else -xy[0]  # an exact tie in absolute correlation
        gram[1, 1] = gram[0, 0]
        ours = lasso_path_gram(xy, gram, n)
        assert _kkt_violation(gram, xy, n, ours) < 1e-9
        if abs(xy[0]) >= np.abs(xy).max():  # the tied pair is the first to join, at the same knot
            assert set(ours.active[:2]) == {0, 1}
            assert np.all(ours.coefs[:2, 1] != 0)  # both non-zero from the first step on
        alphas, active, coefs = _sklearn_path(xy, gram, n)
        broken_by_sklearn += _kkt_violation(gram, xy, n, LassoPath(alphas, tuple(active), coefs)) > 1e-9
    assert broken_by_sklearn > 0  # the documented difference is real


@pytest.mark.parametrize("gap", [0.0, 1e-9])
def test_collinear_columns_keep_the_lasso_conditions_and_end_at_least_squares(gap: float) -> None:
    """Reference: KKT conditions at every knot and the least-squares normal equations at the end of the path."""
    rng = np.random.default_rng(int(gap == 0))
    for _ in range(60):
        x, y, n = _random_problem(rng, correlated=False)
        if x.shape[1] < 3:
            continue
        x[:, -1] = 2.0 * x[:, 0] - x[:, 1] + gap * rng.normal(size=n)  # in the span of two others
        gram, xy = x.T @ x, x.T @ y
        ours = lasso_path_gram(xy, gram, n)
        assert _kkt_violation(gram, xy, n, ours) < 1e-7
        assert np.abs(xy - gram @ ours.coefs[:, -1]).max() / n < 1e-7
        assert len(ours.active) == x.shape[1] - 1  # one of the three dependent columns stays out


def test_path_of_nothing_and_bad_input() -> None:
    """Reference: definition (X'y = 0 gives the empty path); typed errors name the parameter."""
    path = lasso_path_gram(np.zeros(3), np.eye(3), 10)
    assert path.coefs.shape == (3, 1) and path.active == ()
    with pytest.raises(InvalidParameterError, match="gram"):
        lasso_path_gram(np.zeros(3), np.eye(2), 10)
    with pytest.raises(InvalidParameterError, match="n_samples"):
        lasso_path_gram(np.zeros(2), np.eye(2), 0)
    with pytest.raises(DataError, match="more samples than predictors"):
        adaptive_lasso_support(3.0 * np.eye(3), 3, [0, 1], 2)


def _sklearn_adaptive_lasso_weights(x: np.ndarray, order: list[int]) -> np.ndarray:
    """The pruning DirectLiNGAM documents, computed with scikit-learn's path: adaptive lasso, BIC knot, OLS refit."""
    n, p = x.shape
    xc = x - x.mean(axis=0)
    xs = xc / xc.std(axis=0)
    gram = xs.T @ xs
    b = np.zeros((p, p))
    for pos in range(1, p):
        target, preds = order[pos], order[:pos]
        g, c, yy = gram[np.ix_(preds, preds)], gram[preds, target], gram[target, target]
        ols = np.linalg.solve(g, c)
        w = np.abs(ols)
        s2 = max(yy - c @ ols, 1e-12 * yy) / (n - len(preds) - 1)
        gw, cw = g * np.outer(w, w), c * w
        _, _, coefs = _sklearn_path(cw, gw, n)
        rss = yy - 2.0 * (cw @ coefs) + np.einsum("ik,ij,jk->k", coefs, gw, coefs)
        df = (np.abs(coefs) > np.finfo(float).eps).sum(axis=0)
        best = coefs[:, int(np.argmin(n * np.log(2 * np.pi * s2) + rss / s2 + df * np.log(n)))] * w
        chosen = [j for j, v in zip(preds, best) if abs(v) > 0]
        if chosen:
            b[target, chosen] = np.linalg.lstsq(xc[:, chosen], xc[:, target], rcond=None)[0]
    return b


def test_adaptive_lasso_selects_what_sklearns_path_selects() -> None:
    """Reference: the adaptive lasso + BIC on scikit-learn's lars_path_gram, on DirectLiNGAM's own causal order."""
    for seed in range(12):
        p = 3 + seed % 6
        sim = simulate(p, 150 + 100 * seed, noise=("uniform", "laplace")[seed % 2], random_state=40 + seed)
        model = DirectLiNGAM().fit(sim.data)
        order = [list(model.variables_).index(v) for v in model.causal_order_]
        ref = _sklearn_adaptive_lasso_weights(sim.data.to_numpy(dtype=float), order)
        assert np.array_equal(model.adjacency_matrix_ != 0, ref != 0)
        np.testing.assert_allclose(model.adjacency_matrix_, ref, rtol=0, atol=1e-10)
