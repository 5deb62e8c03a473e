"""A likelihood-ratio CI test for a mix of continuous and discrete variables.

When some variables are continuous and others discrete, neither the Fisher-z test
(continuous, Gaussian) nor the G-test (discrete) applies. :class:`MixedLRTest`
tests ``x _||_ y | Z`` by comparing two **regression models of one target** of the
pair: the null model regresses the target on ``Z``, the alternative on ``Z`` and
the other variable of the pair. Their likelihood ratio ``LR = 2 (l_1 - l_0)`` is
asymptotically chi-square with as many degrees of freedom as the alternative adds
parameters (Wilks 1938). This is the regression-based test of Sedgewick et al.
(2019) and Tetrad's multinomial-logistic-regression test:

- a **continuous target** is modelled by linear regression with Gaussian errors,
  ``LR = n log(RSS_0 / RSS_1)``, ``dof`` = number of columns added. With ``x``,
  ``y`` and ``Z`` all continuous this is ``-n log(1 - r^2)`` with ``r`` the partial
  correlation (the Gaussian likelihood-ratio version of the Fisher-z test);
- a **discrete target** with ``K`` observed levels is modelled by multinomial
  logistic regression (softmax, one reference level, fitted by Newton's method),
  ``dof`` = columns added times ``K - 1``.

**Encoding.** Discrete, binary and ordinal predictors are one-hot encoded with one
reference level dropped (never used as numeric codes); only the levels present in
the rows used count. Continuous predictors are standardised (which does not change
the likelihoods). Columns that are linear combinations of others are dropped (a
pivoted QR decomposition), so the degrees of freedom are the rank increase.

**Which variable is the target (symmetry).** The result depends only on the
unordered pair ``{x, y}``: if exactly one of them is discrete it is the target
(logistic regression does not need a distributional model of the continuous
predictor, and under the null hypothesis the restricted model stays correctly
specified as long as the target's model given ``Z`` is); if both are discrete, the
one with fewer observed levels (then the lower column index); if both are
continuous, the LR is symmetric anyway. So ``test(x, y, Z) == test(y, x, Z)`` and
the results can be cached by the unordered pair.

**Batches.** A batch is evaluated query by query, but the null model of a
``(target, Z)`` pair (its log-likelihood and coefficients) is cached and reused by
every query that shares it, as the queries of one PC level do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..exceptions import InvalidParameterError
from ..utils import lazy_import
from .base import BaseCITest, MissingPolicy, ResultBatch, register_ci_test

if TYPE_CHECKING:
    from scipy.linalg import qr
    from scipy.special import logsumexp
    from scipy.stats import chi2
else:  # imported on first use, not at every command's start
    qr = lazy_import("scipy.linalg", "qr")
    logsumexp = lazy_import("scipy.special", "logsumexp")
    chi2 = lazy_import("scipy.stats", "chi2")

__all__ = ["MixedLRTest", "fit_multinomial_logit"]

_RANK_TOL = 1e-9


def _independent_columns(a: np.ndarray) -> np.ndarray:
    """Indices (sorted) of a maximal set of linearly independent columns of ``a``."""
    if a.shape[1] == 0:
        return np.zeros(0, dtype=np.intp)
    _, r, piv = qr(a, mode="economic", pivoting=True)
    d = np.abs(np.diag(r))
    if d.size == 0 or d[0] == 0.0:
        return np.zeros(0, dtype=np.intp)
    scale = max(d[0], np.sqrt(a.shape[0]))
    rank = int(np.sum(d > _RANK_TOL * scale))
    return np.sort(piv[:rank])


def fit_multinomial_logit(
    design: np.ndarray,
    target: np.ndarray,
    n_classes: int,
    *,
    init: np.ndarray | None = None,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> tuple[float, np.ndarray, bool]:
    """Maximum-likelihood multinomial logistic regression by damped Newton steps.

    Parameters
    ----------
    design:
        ``(n, p)`` design matrix of full column rank; column 0 must be the intercept.
    target:
        Integer class codes ``0..n_classes-1`` of length ``n`` (class 0 is the
        reference, whose linear predictor is fixed at 0).
    n_classes:
        ``K >= 2``.
    init:
        Optional ``(p0, K - 1)`` starting coefficients for the first ``p0 <= p``
        columns (a warm start from a nested model); the rest start at 0.
    max_iter, tol:
        At most ``max_iter`` Newton steps; stop when the log-likelihood improves by
        less than ``tol * (1 + |l|)``.

    Returns
    -------
    loglik, coef, converged
        The maximised log-likelihood, the ``(p, K - 1)`` coefficients and whether
        the iteration converged (it does not when the classes are separated: the
        likelihood then approaches its supremum as coefficients diverge).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=500); y = (x + rng.logistic(size=500) > 0).astype(int)
    >>> ll, coef, ok = fit_multinomial_logit(np.column_stack([np.ones(500), x]), y, 2)
    >>> ok, round(float(coef[1, 0]), 1)
    (True, 1.0)
    """
    n, p = design.shape
    m = n_classes - 1
    onehot = np.zeros((n, n_classes))
    onehot[np.arange(n), target] = 1.0
    coef = np.zeros((p, m))
    if init is not None:
        coef[: init.shape[0]] = init
    else:
        freq = np.maximum(onehot.sum(axis=0), 0.5)
        coef[0] = np.log(freq[1:] / freq[0])

    def loglik(c: np.ndarray) -> tuple[float, np.ndarray]:
        eta = np.zeros((n, n_classes))
        eta[:, 1:] = design @ c
        lse = logsumexp(eta, axis=1)
        return float(np.sum(eta[np.arange(n), target]) - np.sum(lse)), np.exp(eta - lse[:, None])

    ll, prob = loglik(coef)
    converged = False
    for _ in range(max_iter):
        pr = prob[:, 1:]
        grad = (design.T @ (onehot[:, 1:] - pr)).T.reshape(-1)  # class-major
        hess = np.empty((m * p, m * p))
        for a in range(m):
            for b in range(a, m):
                w = pr[:, a] * ((a == b) - pr[:, b])
                block = design.T @ (design * w[:, None])
                hess[a * p:(a + 1) * p, b * p:(b + 1) * p] = block
                hess[b * p:(b + 1) * p, a * p:(a + 1) * p] = block
        hess[np.diag_indices_from(hess)] += 1e-12 * max(1.0, float(np.trace(hess)) / hess.shape[0])
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        step_c = step.reshape(m, p).T
        t = 1.0
        for _ in range(40):
            new_ll, new_prob = loglik(coef + t * step_c)
            if new_ll >= ll - 1e-12 * (1.0 + abs(ll)):
                break
            t *= 0.5
        else:
            converged = True  # no ascent direction left: at the optimum up to rounding
            break
        gain = new_ll - ll
        coef, ll, prob = coef + t * step_c, new_ll, new_prob
        if gain <= tol * (1.0 + abs(ll)):
            converged = True
            break
    return ll, coef, converged


@register_ci_test("mixed")
class MixedLRTest(BaseCITest):
    """Regression likelihood-ratio CI test for mixed continuous/discrete data.

    See the module docstring for the models, the encoding and the choice of the
    target (which makes the test symmetric in ``x`` and ``y``).

    Parameters
    ----------
    data:
        A :class:`causalscope.data.Dataset` or a :class:`pandas.DataFrame`; columns
        of kind DISCRETE, BINARY or ORDINAL are one-hot encoded, CONTINUOUS ones
        enter linearly.
    missing:
        ``"error"`` (default) or ``"testwise"``: each query uses the rows complete
        in ``x``, ``y`` and ``Z``.
    min_samples_per_param:
        ``enough_data`` requires ``n >= min_samples_per_param * P`` with ``P`` the
        number of coefficients of the alternative model (default 5).
    max_iter:
        Newton steps of a logistic fit (default 100).

    Notes
    -----
    * ``statistic`` is the likelihood ratio ``2 (l_1 - l_0)``, ``dof`` the number of
      added parameters. ``dof == 0`` (e.g. the target takes one value, or the other
      variable is a linear function of ``Z``): p-value 1, ``enough_data=False``.
    * A continuous target that is an exact linear function of ``Z``
      (``RSS_0 = 0``) is a constant given ``Z``: p-value 1, with a ``note``. A
      deterministic relation to ``(Z, other)`` gives ``RSS_1`` clipped to
      ``eps RSS_0``: a huge finite statistic, p-value 0.
    * Separated classes (a logistic fit that does not converge in ``max_iter``
      steps) leave a ``note``; the statistic is then a lower bound of the LR.

    References
    ----------
    Sedgewick, A. J., Buschur, K., Shi, I., Ramsey, J. D., Raghu, V. K., Manatakis,
    D. V., Zhang, Y., Bon, J., Chandra, D., Karoleski, C., Sciurba, F. C., Spirtes,
    P., Glymour, C. & Benos, P. V. (2019). Mixed graphical models for integrative
    causal analysis with application to chronic lung disease diagnosis and
    prognosis. *Bioinformatics* 35(7), 1204-1212.
    Wilks, S. S. (1938). The large-sample distribution of the likelihood ratio for
    testing composite hypotheses. *Ann. Math. Statist.* 9(1), 60-62.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=600)
    >>> g = (z + rng.logistic(size=600) > 0).astype(int)          # discrete, depends on z
    >>> x = z + rng.normal(size=600)                               # continuous
    >>> frame = pd.DataFrame({"G": g, "X": x, "Z": z})
    >>> test = MixedLRTest(frame)
    >>> test.test("G", "X").p_value < 0.01, test.test("G", "X", ["Z"]).p_value > 0.01
    (True, True)
    >>> test.test("G", "X", ["Z"]).dof
    1.0
    """

    def __init__(
        self,
        data: object,
        *,
        missing: MissingPolicy = "error",
        min_samples_per_param: float = 5.0,
        max_iter: int = 100,
    ) -> None:
        super().__init__(data, missing=missing)
        if not (min_samples_per_param >= 0):
            raise InvalidParameterError(
                f"min_samples_per_param must be >= 0; got {min_samples_per_param!r}"
            )
        if not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
            raise InvalidParameterError(f"max_iter must be a positive integer; got {max_iter!r}")
        self.min_samples_per_param = float(min_samples_per_param)
        self.max_iter = int(max_iter)
        self._discrete = np.array(
            [self._table.is_discrete(j) for j in range(len(self._table.names))], dtype=bool
        )
        self._embed_cache: dict[tuple[frozenset[int], int], np.ndarray] = {}
        self._codes_cache: dict[tuple[frozenset[int], int], np.ndarray] = {}
        # (log-likelihood, coefficients, converged) for a categorical target, the null RSS for a continuous one
        self._null_cache: dict[tuple[frozenset[int], int, tuple[int, ...]], Any] = {}

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_embed_cache"], state["_codes_cache"], state["_null_cache"] = {}, {}, {}
        return state

    # -- encoding ------------------------------------------------------------------
    def _rows(self, pattern: frozenset[int]) -> np.ndarray | None:
        return self._complete_rows(pattern)

    def _codes(self, pattern: frozenset[int], j: int) -> np.ndarray:
        """Level codes 0..L-1 of discrete column ``j`` over the rows of ``pattern``."""
        key = (pattern, j)
        hit = self._codes_cache.get(key)
        if hit is None:
            rows = self._rows(pattern)
            col = self._table.values[:, j] if rows is None else self._table.values[rows, j]
            _, hit = np.unique(col, return_inverse=True)
            hit = self._codes_cache[key] = hit.reshape(-1).astype(np.intp)
        return hit

    def _embed(self, pattern: frozenset[int], j: int) -> np.ndarray:
        """Design columns of variable ``j``: one-hot minus a reference level, or standardised."""
        key = (pattern, j)
        hit = self._embed_cache.get(key)
        if hit is None:
            if self._discrete[j]:
                codes = self._codes(pattern, j)
                levels = int(codes.max()) + 1 if codes.size else 0
                hit = np.zeros((codes.shape[0], max(levels - 1, 0)))
                mask = codes > 0
                hit[np.flatnonzero(mask), codes[mask] - 1] = 1.0
            else:
                rows = self._rows(pattern)
                col = self._table.values[:, j] if rows is None else self._table.values[rows, j]
                sd = col.std()
                hit = ((col - col.mean()) / (sd if sd > 0 else 1.0))[:, None]
            self._embed_cache[key] = hit
        return hit

    def _n_levels(self, pattern: frozenset[int], j: int) -> int:
        codes = self._codes(pattern, j)
        return int(codes.max()) + 1 if codes.size else 0

    def _target(self, pattern: frozenset[int], i: int, j: int) -> tuple[int, int]:
        """(target, other) of the pair: see the module docstring."""
        di, dj = bool(self._discrete[i]), bool(self._discrete[j])
        if di and not dj:
            return i, j
        if dj and not di:
            return j, i
        if di and dj:
            li, lj = self._n_levels(pattern, i), self._n_levels(pattern, j)
            if lj < li or (lj == li and j < i):
                return j, i
            return i, j
        return (i, j) if i < j else (j, i)

    # -- one query -----------------------------------------------------------------
    def _null_design(self, pattern: frozenset[int], zs: tuple[int, ...], n: int) -> np.ndarray:
        blocks = [np.ones((n, 1))] + [self._embed(pattern, c) for c in zs]
        d0 = np.hstack(blocks)
        return d0[:, _independent_columns(d0)]

    def _one(self, pattern: frozenset[int], i: int, j: int, zs: tuple[int, ...]) -> tuple[
        float, float, float, int, bool, str
    ]:
        """statistic, p-value, dof, n, enough_data, note of one query."""
        target, other = self._target(pattern, i, j)
        rows = self._rows(pattern)
        n = self.n_samples if rows is None else int(rows.sum())
        if n == 0:
            return 0.0, 1.0, 0.0, 0, False, "no complete rows"
        zkey = tuple(sorted(zs))
        d0 = self._null_design(pattern, zkey, n)
        add = self._embed(pattern, other)
        # columns of `other` that are independent of the null design
        if add.shape[1]:
            coef = np.linalg.lstsq(d0, add, rcond=None)[0]
            keep = _independent_columns(add - d0 @ coef)
        else:
            keep = np.zeros(0, dtype=np.intp)
        d1 = np.hstack([d0, add[:, keep]])
        n_added = int(keep.size)
        note = ""
        if self._discrete[target]:
            codes = self._codes(pattern, target)
            k = int(codes.max()) + 1
            dof = float(n_added * (k - 1))
            n_params = d1.shape[1] * (k - 1)
            if k < 2 or n_added == 0:
                return 0.0, 1.0, dof, n, False, "zero degrees of freedom: no evidence either way"
            null_key = (pattern, target, zkey)
            hit = self._null_cache.get(null_key)
            if hit is None:
                ll0, coef0, ok0 = fit_multinomial_logit(d0, codes, k, max_iter=self.max_iter)
                hit = self._null_cache[null_key] = (ll0, coef0, ok0)
            ll0, coef0, ok0 = hit
            ll1, _, ok1 = fit_multinomial_logit(d1, codes, k, init=coef0, max_iter=self.max_iter)
            stat = max(2.0 * (ll1 - ll0), 0.0)
            if not (ok0 and ok1):
                note = (
                    "a logistic fit did not converge (separated classes?): the statistic "
                    "is a lower bound of the likelihood ratio"
                )
        else:
            dof = float(n_added)
            n_params = d1.shape[1]
            if n_added == 0:
                return 0.0, 1.0, dof, n, False, "zero degrees of freedom: no evidence either way"
            t = self._embed(pattern, target)[:, 0]
            null_key = (pattern, target, zkey)
            rss0 = self._null_cache.get(null_key)
            if rss0 is None:
                r0 = t - d0 @ np.linalg.lstsq(d0, t, rcond=None)[0]
                rss0 = self._null_cache[null_key] = float(r0 @ r0)
            r1 = t - d1 @ np.linalg.lstsq(d1, t, rcond=None)[0]
            rss1 = float(r1 @ r1)
            if rss0 <= 1e-12 * n:
                return 0.0, 1.0, dof, n, True, (
                    "the continuous target is a linear function of Z: "
                    "it is constant given Z, hence independent"
                )
            rss1 = min(max(rss1, np.finfo(float).eps * rss0), rss0)
            stat = n * float(np.log(rss0 / rss1))
        p = float(chi2.sf(stat, dof))
        enough = n >= self.min_samples_per_param * n_params
        if not enough and not note:
            note = (
                f"n={n} < {self.min_samples_per_param:g} * {n_params} coefficients: too few rows"
            )
        return stat, p, dof, n, enough, note

    def _evaluate(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> ResultBatch:
        out = ResultBatch.empty(xs.shape[0])
        notes = [""] * xs.shape[0]
        for pattern, members in self._missing_groups(xs, ys, zs):
            for q in members:
                stat, p, dof, n, enough, note = self._one(
                    pattern, int(xs[q]), int(ys[q]), tuple(int(c) for c in zs[q])
                )
                out.statistic[q], out.p_value[q], out.dof[q] = stat, p, dof
                out.n[q], out.enough[q] = n, enough
                notes[q] = note
        out.notes = notes
        return out
