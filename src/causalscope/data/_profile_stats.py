"""Numerical helpers behind :func:`causalscope.data.profile_data` (private).

Everything here works on plain numpy arrays; the public module turns the numbers
into named findings.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__: list[str] = []

_EPS = 1e-12


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values (NaN entries stay NaN and are not counted)."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = ok.size
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    adj = np.minimum(1.0, (m - np.arange(m)) * p[order])
    out[order] = np.maximum.accumulate(adj)
    return out


def standardize(x: np.ndarray) -> np.ndarray:
    """Centre and scale columns to unit variance (constant columns are only centred)."""
    mu = x.mean(axis=0)
    sd = x.std(axis=0)
    sd[sd < _EPS] = 1.0
    return (x - mu) / sd


def mean_impute(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Replace missing entries by their column's observed mean (a copy)."""
    x = np.array(values, dtype=float, copy=True)
    if mask.any():
        means = np.nanmean(np.where(mask, np.nan, x), axis=0)
        rows, cols = np.nonzero(mask)
        x[rows, cols] = means[cols]
    return x


# ------------------------------------------------------------------ design matrices


@dataclass(frozen=True)
class Design:
    """Columns of the linear design and of the spline (nonlinear) blocks, per variable."""

    linear: np.ndarray  # (n, q) standardized linear columns (one-hot blocks for categorical)
    linear_blocks: tuple[np.ndarray, ...]  # column indices into ``linear`` per variable
    spline: tuple[np.ndarray | None, ...]  # (n, r) unit-variance nonlinear part per variable


def linear_design(x: np.ndarray, categorical: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """Standardized linear columns: the value for continuous, one-hot (level 0 dropped) for categorical."""
    cols: list[np.ndarray] = []
    blocks: list[np.ndarray] = []
    start = 0
    for j in range(x.shape[1]):
        if categorical[j] and levels[j] > 2:
            codes = np.rint(x[:, j]).astype(np.int64)
            onehot = (codes[:, None] == np.arange(1, levels[j])[None, :]).astype(float)
            cols.append(onehot)
        else:
            cols.append(x[:, j : j + 1])
        width = cols[-1].shape[1]
        blocks.append(np.arange(start, start + width))
        start += width
    z = standardize(np.hstack(cols))
    return z, tuple(blocks)


def spline_block(x: np.ndarray, *, n_knots: int = 5) -> np.ndarray | None:
    """The nonlinear part of a cubic regression spline in the ranks of ``x``.

    ``x`` is mapped to its mid-ranks in ``(0, 1)`` (so outliers and heavy tails
    cannot produce wild extrapolation), expanded in a cubic B-spline basis with
    ``n_knots`` equally spaced interior knots, residualised on ``[1, x]``,
    orthogonalised (eigen-decomposition of its Gram matrix) and scaled to unit variance. The block therefore adds
    to a linear model only what is not linear in ``x``. None when ``x`` has too
    few distinct values for a spline.
    """
    from scipy.interpolate import BSpline

    if np.unique(x).size < 2 * n_knots:
        return None
    u = (stats.rankdata(x) - 0.5) / x.size
    knots = np.concatenate([np.zeros(3), np.linspace(0.0, 1.0, n_knots + 2), np.ones(3)])
    basis = BSpline.design_matrix(u, knots, 3).toarray()
    xc = x - x.mean()
    resid = basis - basis.mean(axis=0)
    resid -= np.outer(xc, xc @ resid) / max(float(xc @ xc), _EPS)
    lam, vec = np.linalg.eigh(resid.T @ resid)
    keep = lam > 1e-10 * max(float(lam[-1]), _EPS)
    if not keep.any():
        return None
    return (resid @ vec[:, keep]) / np.sqrt(lam[keep]) * np.sqrt(x.shape[0])


# ------------------------------------------------------------------ cross-validated comparison


@dataclass(frozen=True)
class Comparison:
    """Out-of-fold comparison of a linear and a flexible (nested) regression."""

    r2_linear: float
    r2_flexible: float
    statistic: float  # paired t statistic of per-row squared-error differences
    p_value: float  # one-sided: flexible predicts better
    fold_p_value: float  # one-sided paired t-test over the fold-level R2 differences


def train_grams(z: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Gram matrices of ``z`` without each contiguous fold ``bounds[f]:bounds[f+1]`` (first axis: fold)."""
    per_fold = np.stack([z[bounds[f] : bounds[f + 1]].T @ z[bounds[f] : bounds[f + 1]] for f in range(bounds.size - 1)])
    return per_fold.sum(axis=0)[None] - per_fold


def compare_nested(
    z: np.ndarray,
    train_grams: np.ndarray,
    bounds: np.ndarray,
    target: int,
    linear: np.ndarray,
    extra: np.ndarray,
    *,
    ridge: float = 1e-6,
    ridge_flexible: float = 1e-2,
) -> Comparison:
    """Cross-validated R2 of column ``target`` of ``z`` on columns ``linear`` versus ``linear + extra``.

    ``z``'s first column is the intercept (all ones); rows are ordered so that
    fold ``f`` is ``bounds[f]:bounds[f+1]``, and ``train_grams[f]`` is the Gram
    matrix of the rows outside fold ``f`` (:func:`train_grams`), so every fit is
    a small solve. Both models are least squares with a tiny ridge
    (``ridge * n_train``) on the linear columns for numerical stability and a
    small one (``ridge_flexible * n_train``) on the extra columns; the flexible
    model nests the linear one.
    """
    n = z.shape[0]
    n_folds = bounds.size - 1
    y = z[:, target]
    cols = np.concatenate([[0], linear, extra]).astype(np.int64)
    widths = (1 + linear.size, cols.size)
    err = np.empty((2, n))
    r2_fold = np.empty((n_folds, 2))
    for f in range(n_folds):
        lo, hi = int(bounds[f]), int(bounds[f + 1])
        n_train = n - (hi - lo)
        gram = train_grams[f][np.ix_(cols, cols)]
        rhs = train_grams[f][cols, target]
        pen = np.full(cols.size, ridge * n_train)
        pen[0] = 0.0
        pen[widths[0] :] = ridge_flexible * n_train
        y_te = y[lo:hi]
        sst = float(np.sum((y_te - y_te.mean()) ** 2)) + _EPS
        for k, width in enumerate(widths):
            gk = gram[:width, :width] + np.diag(pen[:width])
            try:
                beta = np.linalg.solve(gk, rhs[:width])
            except np.linalg.LinAlgError:
                beta = np.linalg.lstsq(gk, rhs[:width], rcond=None)[0]
            e = y_te - z[lo:hi][:, cols[:width]] @ beta
            err[k, lo:hi] = e
            r2_fold[f, k] = 1.0 - float(e @ e) / sst
    sst = float(np.sum((y - y.mean()) ** 2)) + _EPS
    r2_lin = 1.0 - float(err[0] @ err[0]) / sst
    r2_flex = 1.0 - float(err[1] @ err[1]) / sst
    d = err[0] ** 2 - err[1] ** 2
    sd = float(d.std(ddof=1))
    if sd < _EPS:
        t, p = 0.0, 1.0
    else:
        t = float(d.mean() / (sd / np.sqrt(n)))
        p = float(stats.t.sf(t, df=n - 1))
    dr = r2_fold[:, 1] - r2_fold[:, 0]
    sdf = float(dr.std(ddof=1))
    if sdf < _EPS:
        p_fold = 1.0 if dr.mean() <= 0 else 0.0
    else:
        p_fold = float(stats.t.sf(dr.mean() / (sdf / np.sqrt(n_folds)), df=n_folds - 1))
    return Comparison(r2_lin, r2_flex, t, p, p_fold)


# ------------------------------------------------------------------ residuals, tests


def linear_residuals(z: np.ndarray, blocks: tuple[np.ndarray, ...], targets: list[int], ridge: float = 1e-8) -> dict[int, np.ndarray]:
    """Residual of each target variable's column regressed (OLS) on every other variable's columns.

    Uses the precision-matrix identity: the residual of column ``c`` on all other
    columns is ``(Z Theta)[:, c] / Theta[c, c]`` with ``Theta = (Z'Z)^-1``; only
    single-column (continuous or binary) targets are asked for here. ``z`` is
    centred, so no intercept is needed.
    """
    q = z.shape[1]
    gram = z.T @ z + ridge * z.shape[0] * np.eye(q)
    theta = np.linalg.inv(gram)
    cols = np.array([int(blocks[j][0]) for j in targets], dtype=np.int64)
    res = (z @ theta[:, cols]) / np.diag(theta)[cols]
    return {j: res[:, k] for k, j in enumerate(targets)}


def normality(residual: np.ndarray) -> tuple[float, float, float, float]:
    """D'Agostino-Pearson K2 statistic, p-value, skewness and excess kurtosis."""
    skew = float(stats.skew(residual))
    kurt = float(stats.kurtosis(residual))
    if residual.size < 20 or np.std(residual) < _EPS:
        return float("nan"), float("nan"), skew, kurt
    k2, p = stats.normaltest(residual)
    return float(k2), float(p), skew, kurt


def group_shift(values: np.ndarray, groups: np.ndarray, n_eff_ratio: float = 1.0) -> tuple[float, float, float]:
    """Test for a location or scale change of ``values`` across ``groups``.

    Kruskal-Wallis (location) and Brown-Forsythe / median-centred Levene (scale),
    combined by Bonferroni: ``p = min(1, 2 min(p_KW, p_BF))``. ``n_eff_ratio``
    (<= 1) shrinks both statistics for autocorrelated series (effective sample
    size). Returns the Kruskal-Wallis H, the Brown-Forsythe F and ``p``.
    """
    labels = np.unique(groups)
    parts = [values[groups == g] for g in labels]
    parts = [x for x in parts if x.size >= 2]
    if len(parts) < 2:
        return float("nan"), float("nan"), float("nan")
    k = len(parts)
    n = sum(x.size for x in parts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            h = float(stats.kruskal(*parts).statistic)
        except ValueError:
            h = 0.0
        try:
            f = float(stats.levene(*parts, center="median").statistic)
        except ValueError:
            f = 0.0
    h = 0.0 if not np.isfinite(h) else h * n_eff_ratio
    f = 0.0 if not np.isfinite(f) else f * n_eff_ratio
    p_kw = float(stats.chi2.sf(h, k - 1))
    p_bf = float(stats.f.sf(f, k - 1, max(n - k, 1)))
    return h, f, min(1.0, 2.0 * min(p_kw, p_bf))


def autocorrelation(x: np.ndarray, segments: list[np.ndarray], max_lag: int) -> np.ndarray:
    """Autocorrelation at lags ``1..max_lag`` pooled over time-ordered segments (each demeaned)."""
    num = np.zeros(max_lag)
    den = 0.0
    for idx in segments:
        s = x[idx] - x[idx].mean()
        den += float(s @ s)
        for lag in range(1, max_lag + 1):
            if s.size > lag:
                num[lag - 1] += float(s[lag:] @ s[:-lag])
    return num / den if den > _EPS else np.zeros(max_lag)


def ljung_box(acf: np.ndarray, n: int) -> tuple[float, float]:
    """Ljung-Box (1978) Q statistic over all lags of ``acf`` and its chi-square p-value."""
    lags = np.arange(1, acf.size + 1)
    q = float(n * (n + 2) * np.sum(acf**2 / np.maximum(n - lags, 1)))
    return q, float(stats.chi2.sf(q, acf.size))


def logistic_score_tests(z: np.ndarray, indicators: np.ndarray, columns: list[int], ridge: float = 1e-8) -> list[tuple[float, float]]:
    """Rao score tests that the other columns of ``z`` predict each binary indicator in a logistic regression.

    For indicator ``y`` (column ``j`` of ``indicators``) and predictors ``X`` =
    ``z`` without column ``j`` (centred), the score test of the logistic
    regression of ``y`` on ``X`` against the intercept-only model is
    ``S = U' (X'X)^-1 U / (ybar (1 - ybar))`` with ``U = X'(y - ybar)``,
    chi-square with ``X.shape[1]`` degrees of freedom under the null (Rao 1948).
    It needs no iterative fit. Returns ``(statistic, p_value)`` per column.
    """
    zc = z - z.mean(axis=0)
    gram = zc.T @ zc
    q = z.shape[1]
    out: list[tuple[float, float]] = []
    for j in columns:
        y = indicators[:, j].astype(float)
        rate = float(y.mean())
        if rate <= 0.0 or rate >= 1.0 or q < 2:
            out.append((0.0, 1.0))
            continue
        keep = np.delete(np.arange(q), j)
        u = zc[:, keep].T @ (y - rate)
        g = gram[np.ix_(keep, keep)] + ridge * z.shape[0] * np.eye(keep.size)
        stat = float(u @ np.linalg.solve(g, u)) / (rate * (1 - rate))
        out.append((stat, float(stats.chi2.sf(stat, keep.size))))
    return out
