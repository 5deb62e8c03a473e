"""The lasso path by least angle regression (LARS), from sufficient statistics.

DirectLiNGAM prunes each variable's weights on its predecessors with the
adaptive lasso tuned by BIC; the candidate models are the knots of the lasso
path. The path is computed here from the Gram matrix ``X'X`` and ``X'y`` only
(no samples), with the lasso modification of LARS (Efron, Hastie, Johnstone &
Tibshirani 2004, section 3.1): the coefficients move along the equiangular
direction of the active set until an inactive predictor reaches the same
absolute correlation (it joins) or an active coefficient reaches zero (it
leaves). The problems are small (one regression per variable on its
predecessors), so each step solves the active Gram system afresh with
``numpy.linalg.solve``: ``O(k^3)`` per knot for ``k`` active predictors.

The knots, coefficients and penalties agree with scikit-learn's
``lars_path_gram(..., method="lasso")`` (tested to 1e-10), which is what this
replaces: importing scikit-learn's linear models costs about 0.4 s of every
``causalscope discover --algorithm lingam``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..exceptions import DataError, InvalidParameterError

__all__ = ["LassoPath", "lasso_path_gram", "adaptive_lasso_support"]

#: A column whose ``1 - R^2`` on the active columns is below this never joins the path.
_COLLINEAR = 1e-12
#: Predictors whose absolute correlations are within this relative distance of the largest join together.
_TIE = 1e-12


@dataclass(frozen=True)
class LassoPath:
    """The knots of a lasso path.

    Attributes
    ----------
    alphas:
        Shape ``(n_knots,)``: the penalty at each knot, ``max_j |c_j| / n_samples``
        with ``c = X'y - X'X beta`` (the objective ``||y - X beta||^2 / (2 n) +
        alpha ||beta||_1``), decreasing from the first predictor's entry to 0
        (or to where the path stopped).
    active:
        The predictors active at the end of the path, in the order they joined.
    coefs:
        Shape ``(n_features, n_knots)``: the coefficients at each knot; the first
        column is all zeros.
    """

    alphas: np.ndarray
    active: tuple[int, ...]
    coefs: np.ndarray


def lasso_path_gram(
    xy: np.ndarray,
    gram: np.ndarray,
    n_samples: int,
    *,
    max_iter: int = 500,
) -> LassoPath:
    """The lasso path by LARS with the lasso modification, from ``X'y`` and ``X'X``.

    Parameters
    ----------
    xy:
        ``X'y``, shape ``(k,)``.
    gram:
        ``X'X``, shape ``(k, k)``, symmetric positive semi-definite.
    n_samples:
        ``n``, which scales the penalties (``alpha = max |c| / n``).
    max_iter:
        The most steps (joins and drops) taken.

    Returns
    -------
    LassoPath
        The penalties, the final active set and the coefficients at every knot.

    Notes
    -----
    At each step the active set ``A`` (with signs ``s``, those of the
    correlations) gives the equiangular direction ``d = A_A G_A^{-1} s`` with
    ``A_A = (s' G_A^{-1} s)^{-1/2}``; along it every active correlation falls at
    the rate ``A_A`` and an inactive one ``c_j`` at ``a_j = (G d)_j``. The step
    is the smallest positive of ``(C - c_j) / (A_A - a_j)`` and ``(C + c_j) /
    (A_A + a_j)`` over inactive ``j`` (a join), or ``C / A_A`` when none is left
    (the end: every correlation 0, the least-squares fit), unless an active
    coefficient crosses zero first, at ``-beta_j / d_j`` (a drop: the coefficient
    is set to 0 and ``j`` leaves; the next step adds nobody, unless a predictor
    was tied there, in the span of the active set before the drop).

    Degenerate cases, where the lasso solution is not unique and scikit-learn's
    ``lars_path_gram`` may leave a path that breaks the lasso's optimality
    conditions (a correlation above ``alpha``, or an end that is not the
    least-squares fit), this function follows the conditions instead:

    * **ties**: predictors whose absolute correlations are equal (to a relative
      1e-12) join at the same knot; scikit-learn adds one per step and leaves the
      other's correlation above the penalty;
    * **collinear columns**: a column that is a linear combination of the active
      ones (``1 - R^2 < 1e-12`` on them) does not join while they are active, so
      the active Gram matrix stays invertible; the path ends at the least-squares
      fit on a maximal independent set. scikit-learn warns ("Regressors in active
      set degenerate") and its path then depends on rounding.

    On problems without ties or collinear columns the knots, penalties and
    coefficients are scikit-learn's (tested to 1e-10). The path stops at the
    least-squares end (``alpha = 0``), when the largest correlation is 0 (to
    machine precision), or after ``max_iter`` steps.

    References
    ----------
    Efron, B., Hastie, T., Johnstone, I. & Tibshirani, R. (2004). Least angle
    regression. *Annals of Statistics* 32, 407-499.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(100, 3))
    >>> y = x @ np.array([2.0, 0.0, -1.0]) + rng.normal(size=100)
    >>> path = lasso_path_gram(x.T @ y, x.T @ x, 100)
    >>> path.active
    (0, 2, 1)
    >>> bool(np.allclose(path.coefs[:, -1], np.linalg.lstsq(x, y, rcond=None)[0]))
    True
    """
    xy = np.asarray(xy, dtype=float)
    gram = np.asarray(gram, dtype=float)
    k = xy.shape[0]
    if xy.ndim != 1 or gram.shape != (k, k):
        raise InvalidParameterError(f"gram must have shape ({k}, {k}) to match xy of shape ({k},); got {gram.shape}")
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise InvalidParameterError(f"n_samples must be a positive integer; got {n_samples!r}")
    eps = np.finfo(float).eps
    diag = np.diag(gram).copy()
    beta = np.zeros(k)
    active: list[int] = []
    alphas: list[float] = []
    coefs: list[np.ndarray] = []
    eligible = np.flatnonzero(diag > 0.0)  # inactive columns outside the span of the active ones
    gone = -1  # the predictor that left at the last knot
    finished = False
    steps_taken = 0
    while True:
        corr = xy - gram @ beta
        big = float(np.abs(corr).max()) if k else 0.0
        alphas.append(big / n_samples)
        coefs.append(beta.copy())
        if finished or big / n_samples <= eps or steps_taken >= max_iter:
            break
        # The largest absolute correlation joins, with those tied with it. After a drop only
        # a predictor already tied (one that was in the span of the active set) may join.
        candidates = eligible[eligible != gone] if gone >= 0 else eligible
        if candidates.size:
            size = np.abs(corr[candidates])
            level = big if gone >= 0 else float(size.max())
            tied = candidates[size >= level * (1.0 - _TIE)]
            for j in tied:  # in index order, each unless it is in the span of those before
                if j == tied[0] or int(j) in _span_complement(gram, diag, active, np.zeros(len(active)))[0]:
                    active.append(int(j))
        if not active:
            break
        gone = -1
        steps_taken += 1
        idx = np.asarray(active)
        signs = np.sign(corr[idx])
        eligible, g_inv_s = _span_complement(gram, diag, active, signs)
        norm = 1.0 / np.sqrt(float(signs @ g_inv_s))
        direction = norm * g_inv_s
        gamma = end = big / norm  # to the end of the path: every correlation 0
        if eligible.size:
            a = gram[eligible][:, idx] @ direction
            c = corr[eligible]
            with np.errstate(divide="ignore", invalid="ignore"):
                ratios = np.concatenate([(big - c) / (norm - a), (big + c) / (norm + a)])
            ratios = ratios[ratios > eps]
            if ratios.size:
                gamma = min(gamma, float(ratios.min()))
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = -beta[idx] / direction
        cross[~(cross > eps)] = np.inf
        leave = int(np.argmin(cross))
        if cross[leave] < gamma:  # the lasso modification: a coefficient reaches zero first
            beta[idx] += cross[leave] * direction
            gone = active.pop(leave)
            beta[gone] = 0.0
            eligible = _span_complement(gram, diag, active, np.zeros(len(active)))[0]
        else:
            beta[idx] += gamma * direction
            finished = gamma == end
    return LassoPath(np.asarray(alphas), tuple(active), np.column_stack(coefs))


def _span_complement(gram: np.ndarray, diag: np.ndarray, active: list[int], rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The inactive columns outside the span of the ``active`` ones, and ``G_AA^{-1} rhs``.

    A column's Gram pivot ``G_jj - G_jA G_AA^{-1} G_Aj`` (its residual sum of
    squares on the active columns) must exceed ``1e-12 G_jj``: ``1 - R^2`` above
    the collinearity tolerance of DirectLiNGAM's causal order. A column in the
    span of the active ones cannot join (the active Gram matrix would be
    singular); it may again after a drop. One solve serves the pivots and
    ``rhs`` (a vector over the active columns).
    """
    inactive = np.ones(gram.shape[0], dtype=bool)
    inactive[active] = False
    rest = np.flatnonzero(inactive)
    if not active:
        return rest[diag[rest] > 0.0], rhs
    idx = np.asarray(active)
    v = gram[idx][:, rest]
    solved = np.linalg.solve(gram[idx][:, idx], np.column_stack([rhs, v]))
    pivot = diag[rest] - np.einsum("ij,ij->j", v, solved[:, 1:])
    return rest[pivot > _COLLINEAR * diag[rest]], solved[:, 0]


def adaptive_lasso_support(gram: np.ndarray, n: int, predictors: Sequence[int], target: int) -> np.ndarray:
    """The predictors the BIC-tuned adaptive lasso keeps, from sufficient statistics.

    ``gram`` is ``Z'Z`` of standardised (``ddof=0``) columns, so ``gram / n`` is
    their correlation matrix. The adaptive weights are the absolute OLS
    coefficients ``w`` of ``target`` on ``predictors`` (Zou 2006, ``gamma = 1``);
    the lasso path of the reweighted design (:func:`lasso_path_gram`) is scored
    at each knot by ``BIC = n log(2 pi s2) + RSS / s2 + df log n`` with ``s2 =
    RSS_ols / (n - k - 1)`` and ``df`` the number of non-zero coefficients (Zou,
    Hastie & Tibshirani 2007), what scikit-learn's ``LassoLarsIC(criterion="bic")``
    computes, and the best knot (the first among equals) is kept.

    Parameters
    ----------
    gram:
        ``Z'Z`` over all columns, shape ``(p, p)``.
    n:
        The number of samples.
    predictors:
        Column indices of the candidate predictors (``k`` of them).
    target:
        Column index of the response.

    Returns
    -------
    numpy.ndarray
        Boolean mask over ``predictors``: kept or not.

    Raises
    ------
    DataError
        If ``n <= k + 1`` (no noise variance to estimate).

    References
    ----------
    Zou, H. (2006). The adaptive lasso and its oracle properties. *JASA* 101, 1418-1429.

    Zou, H., Hastie, T. & Tibshirani, R. (2007). On the "degrees of freedom" of the
    lasso. *Annals of Statistics* 35, 2173-2192.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(500, 4))
    >>> x[:, 3] = 0.8 * x[:, 0] - 0.5 * x[:, 2] + rng.normal(size=500)
    >>> z = (x - x.mean(axis=0)) / x.std(axis=0)
    >>> adaptive_lasso_support(z.T @ z, 500, [0, 1, 2], 3).tolist()
    [True, False, True]
    """
    preds = np.asarray(predictors, dtype=np.int64)
    k = preds.size
    if n <= k + 1:
        raise DataError(f"adaptive lasso needs more samples than predictors + 1; got n={n} for {k} predictors")
    g = gram[np.ix_(preds, preds)]
    c = gram[preds, target]
    yy = gram[target, target]
    ols = np.linalg.lstsq(g, c, rcond=None)[0]
    w = np.abs(ols)
    s2 = max(yy - c @ ols, 1e-12 * yy) / (n - k - 1)
    gw = g * w[:, None] * w[None, :]
    cw = c * w
    coefs = lasso_path_gram(cw, gw, n).coefs
    rss = yy - 2.0 * (cw @ coefs) + np.einsum("ik,ij,jk->k", coefs, gw, coefs)
    df = (np.abs(coefs) > np.finfo(float).eps).sum(axis=0)
    bic = n * np.log(2.0 * np.pi * s2) + rss / s2 + df * np.log(n)
    return np.abs(coefs[:, int(np.argmin(bic))] * w) > 0
