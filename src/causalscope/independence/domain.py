"""The CI test of CD-NOD: Gaussian tests over the variables plus a categorical domain index.

CD-NOD (:mod:`causalscope.discovery.cdnod`) adds the domain (or time) index ``C``
to the variables. For a categorical ``C`` with Gaussian variables,
:class:`DomainGaussianTest` answers every query from two correlation matrices:

* without ``C``: the Fisher-z test of the pooled partial correlation (as
  :class:`~causalscope.independence.FisherZ`);
* ``C`` in ``Z``: conditioning on the one-hot domain indicators, i.e. the partial
  correlation of the within-domain centred data, Fisher-z with
  ``|Z| - 1 + (m - 1)`` conditioning variables;
* ``C`` as ``x`` or ``y``: the partial F-test of the ``m - 1`` domain indicators in
  the regression of the other variable on ``Z`` (the Gaussian likelihood-ratio
  test, exact in finite samples).

References
----------
B. Huang et al. (2020). Causal discovery from heterogeneous/nonstationary data.
*JMLR* 21(89), section 3.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError
from .base import BaseCITest, ResultBatch
from .tails import f_upper_tail, normal_two_sided_p

__all__ = ["DomainGaussianTest"]

_EPS = np.finfo(float).eps


class DomainGaussianTest(BaseCITest):
    """Gaussian CI tests over ``V`` plus a categorical context column ``C`` (the last column).

    Queries without ``C``: Fisher-z from the pooled correlation matrix. ``C`` in
    ``Z``: Fisher-z from the within-domain correlation matrix with ``m - 1`` extra
    conditioning degrees of freedom. ``C`` as ``x`` or ``y``: partial F-test of the
    domain indicators. See the module documentation.

    Parameters
    ----------
    frame:
        The variables and, as the last column, the domain codes (as floats).
    codes:
        Integer domain code per row, ``0 .. m - 1`` (every code present).

    Raises
    ------
    DataError
        If a variable is constant, overall or within every domain.

    Notes
    -----
    Not registered in :data:`~causalscope.independence.CI_TESTS`: it needs the
    domain codes besides the data, which the registry's ``make_ci_test(name,
    data)`` does not pass. :class:`~causalscope.discovery.CDNOD` builds it.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> codes = np.repeat(np.arange(3), 200)
    >>> x = rng.normal(size=600) + codes          # X changes with the domain
    >>> y = rng.normal(size=600)
    >>> t = DomainGaussianTest(pd.DataFrame({"X": x, "Y": y, "C": codes.astype(float)}), codes)
    >>> bool(t.test("C", "X").p_value < 0.01), bool(t.test("C", "Y").p_value > 0.01)
    (True, True)
    """

    method = "cdnod_gaussian"
    _data_arguments = ("frame", "codes")

    def __init__(self, frame: pd.DataFrame, codes: np.ndarray) -> None:
        super().__init__(frame, missing="error")
        self._codes = codes
        vals = self._table.values
        self._c = vals.shape[1] - 1
        v = vals[:, : self._c]
        n = v.shape[0]
        self._n = n
        self._m = int(codes.max()) + 1
        centred = v - v.mean(axis=0)
        self._cov = centred.T @ centred / n
        means = np.zeros((self._m, v.shape[1]))
        np.add.at(means, codes, v)
        counts = np.bincount(codes, minlength=self._m).astype(float)
        means /= counts[:, None]
        within = v - means[codes]
        self._wcov = within.T @ within / n
        sd = np.sqrt(np.diag(self._cov))
        wsd = np.sqrt(np.diag(self._wcov))
        if np.any(sd <= 0) or np.any(wsd <= 0):
            bad = [self._table.names[j] for j in np.flatnonzero((sd <= 0) | (wsd <= 0))]
            raise DataError(f"columns {bad} are constant (within every domain); CD-NOD cannot test them")
        self._corr = self._cov / np.outer(sd, sd)
        self._wcorr = self._wcov / np.outer(wsd, wsd)

    def _data_values(self) -> dict[str, Any]:
        return {"frame": self._source, "codes": self._codes}

    @staticmethod
    def _partial(corr: np.ndarray, cols: np.ndarray) -> np.ndarray:
        sub = corr[cols[:, :, None], cols[:, None, :]]
        try:
            prec = np.linalg.inv(sub)
        except np.linalg.LinAlgError:
            prec = np.linalg.pinv(sub)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = -prec[:, 0, 1] / np.sqrt(prec[:, 0, 0] * prec[:, 1, 1])
        return np.clip(np.nan_to_num(r), -1 + _EPS, 1 - _EPS)

    @staticmethod
    def _residual_var(cov: np.ndarray, target: np.ndarray, zs: np.ndarray) -> np.ndarray:
        base = cov[target, target]
        if zs.shape[1] == 0:
            return base
        szz = cov[zs[:, :, None], zs[:, None, :]]
        szv = cov[zs, target[:, None]]
        try:
            coef = np.linalg.solve(szz, szv[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            coef = np.einsum("qij,qj->qi", np.linalg.pinv(szz), szv)
        return base - np.einsum("qi,qi->q", szv, coef)

    def _evaluate(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> ResultBatch:
        q, k = zs.shape
        out = ResultBatch.empty(q)
        n, m, c = self._n, self._m, self._c
        has_c_xy = (xs == c) | (ys == c)
        has_c_z = (zs == c).any(axis=1) if k else np.zeros(q, dtype=bool)
        plain = ~has_c_xy & ~has_c_z
        # -- no C: Fisher-z on the pooled correlation
        for mask, corr, extra in ((plain, self._corr, 0), (has_c_z, self._wcorr, m - 1)):
            idx = np.flatnonzero(mask)
            if idx.size == 0:
                continue
            z_rows = zs[idx]
            if extra:
                z_rows = np.array([row[row != c] for row in z_rows], dtype=np.intp).reshape(idx.size, k - 1)
            cols = np.column_stack([xs[idx], ys[idx], z_rows])
            r = self._partial(corr, cols)
            dof = n - z_rows.shape[1] - extra - 3
            if dof < 1:
                out.enough[idx] = False
                out.p_value[idx] = 1.0
                continue
            stat = np.arctanh(r) * np.sqrt(dof)
            out.statistic[idx] = stat
            out.p_value[idx] = normal_two_sided_p(stat)
            out.dof[idx] = dof
            out.n[idx] = n
        # -- C against a variable: partial F-test of the domain indicators
        idx = np.flatnonzero(has_c_xy)
        if idx.size:
            target = np.where(xs[idx] == c, ys[idx], xs[idx])
            zz = zs[idx]
            rss0 = self._residual_var(self._cov, target, zz)
            rss1 = self._residual_var(self._wcov, target, zz)
            df1, df2 = m - 1, n - k - m
            if df2 < 1:
                out.enough[idx] = False
                out.p_value[idx] = 1.0
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    stat = np.maximum(rss0 - rss1, 0.0) / df1 / (rss1 / df2)
                stat = np.where(rss1 > 1e-12 * np.maximum(rss0, 1e-300), stat, np.inf)
                stat = np.nan_to_num(stat, nan=0.0, posinf=1e300)
                out.statistic[idx] = stat
                out.p_value[idx] = f_upper_tail(stat, df1, df2)
                out.dof[idx] = df1
            out.n[idx] = n
        return out
