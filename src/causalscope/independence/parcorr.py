"""ParCorr: the partial-correlation t-test of PCMCI, for (roughly) linear Gaussian data.

To test ``x _||_ y | Z``, ``Z`` (with an intercept) is regressed out of ``x`` and of
``y`` by ordinary least squares, and the Pearson correlation ``r`` of the two
residuals is the *partial correlation* (the statistic, signed, in ``[-1, 1]``).
Under the null hypothesis ``t = r * sqrt(dof / (1 - r**2))`` follows Student's t
with ``dof = n - |Z| - 2`` degrees of freedom; the p-value is two-sided. This is the
test tigramite documents as ``ParCorr(significance='analytic')`` (Runge et al. 2019),
and it gives the same statistic and p-value on the same rows.

The residual correlation equals ``-P[0, 1] / sqrt(P[0, 0] P[1, 1])`` with ``P`` the
inverse of the correlation sub-matrix over ``(x, y, Z)``, so the test shares
Fisher-z's batch kernel (:meth:`FisherZ.partial_correlations`): one correlation
matrix per data set, one batched inversion per conditioning-set size. Only the
tail differs (Student's t instead of Fisher's normal approximation), which matters
for small samples and large conditioning sets.

:meth:`ParCorr.model_selection_criterion` is the score PCMCI uses to choose its
condition-selection level ``pc_alpha`` from a grid: Akaike's criterion of the
linear regression of a variable on its selected parents.
"""

from __future__ import annotations

import numpy as np

from .base import ResultBatch, register_ci_test
from .fisher_z import FisherZ
from .tails import t_two_sided_p

__all__ = ["ParCorr"]


@register_ci_test("parcorr")
class ParCorr(FisherZ):
    """Partial-correlation test with Student's t tail (tigramite's ParCorr), batched.

    Parameters
    ----------
    data:
        A :class:`causalscope.data.Dataset` or a :class:`pandas.DataFrame`; every
        column is used as numeric.
    missing, singular, tol:
        As for :class:`~causalscope.independence.FisherZ` (test-wise deletion, the
        pseudo-inverse fallback for a singular correlation sub-matrix, its
        threshold).

    Notes
    -----
    * The statistic is the partial correlation ``r`` itself (signed), the
      strength measure PCMCI reports; ``dof`` is ``n - |Z| - 2``.
    * The p-value is ``2 * P(T_dof > |t|)`` with ``t = r * sqrt(dof / (1 - r**2))``
      (:func:`~causalscope.independence.tails.t_two_sided_p`, the tail ``scipy.special.stdtr`` gives, without importing SciPy); ``|r|`` is clipped to ``1 - eps`` first, so a
      deterministic relation gives p-value 0, never NaN.
    * With ``dof < 1`` the test is not defined: ``enough_data=False`` and p-value 1
      (tigramite returns NaN there).
    * Invariant to shifting and scaling any column (a correlation).

    References
    ----------
    Runge, J., Nowack, P., Kretschmer, M., Flaxman, S. & Sejdinovic, D. (2019).
    Detecting and quantifying causal associations in large nonlinear time series
    datasets. *Science Advances* 5(11), eaau4996. Fisher, R. A. (1924). The
    distribution of the partial correlation coefficient. *Metron* 3, 329-332.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=500); b = a + rng.normal(size=500); c = b + rng.normal(size=500)
    >>> test = ParCorr(pd.DataFrame({"A": a, "B": b, "C": c}))
    >>> res = test.test("A", "C", ["B"])
    >>> res.dof, res.p_value > 0.01
    (497.0, True)
    """

    def _evaluate(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> ResultBatch:
        m, k = zs.shape
        out = ResultBatch.empty(m)
        groups, notes = self._grouped_partial_correlations(xs, ys, zs)
        for members, r, n in groups:
            r = np.clip(r, -(1.0 - np.finfo(float).eps), 1.0 - np.finfo(float).eps)
            dof = n - k - 2
            out.statistic[members] = r
            if dof >= 1:
                t = np.abs(r) * np.sqrt(dof / (1.0 - r * r))
                out.p_value[members] = np.minimum(1.0, t_two_sided_p(t, dof))
            else:
                out.enough[members] = False
                out.p_value[members] = 1.0
            out.dof[members] = float(dof)
            out.n[members] = n
        out.notes = notes
        return out

    def model_selection_criterion(self, targets: np.ndarray, parents: np.ndarray) -> np.ndarray:
        """Akaike's criterion of the linear regressions of ``targets`` on ``parents``.

        ``n * log(RSS) + 2 * (k + 1)`` for the regression of the standardised target
        on its ``k`` standardised parents over the test's ``n`` rows, where
        ``RSS = n * (1 - R**2)``: tigramite's documented
        ``ParCorr.get_model_selection_criterion`` (AIC modulo constants). PCMCI
        picks, per variable, the ``pc_alpha`` whose selected parents score lowest.

        Parameters
        ----------
        targets:
            Integer array of length ``m`` (column indices).
        parents:
            Integer array of shape ``(m, k)``: the parent columns of each target.

        Returns
        -------
        numpy.ndarray
            ``m`` scores (lower is better).
        """
        targets = np.asarray(targets, dtype=np.intp).reshape(-1)
        parents = np.asarray(parents, dtype=np.intp).reshape(targets.shape[0], -1)
        c, n = self._correlation(frozenset())
        k = parents.shape[1]
        if k == 0:
            unexplained = np.ones(targets.shape[0])
        else:
            cols = np.column_stack([targets, parents])
            sub = c[cols[:, :, None], cols[:, None, :]]
            prec = np.linalg.pinv(sub, hermitian=True)
            unexplained = 1.0 / prec[:, 0, 0]
        with np.errstate(divide="ignore"):
            return np.asarray(n * np.log(n * np.maximum(unexplained, 0.0)) + 2.0 * (k + 1), dtype=float)
