"""Fisher-z test of zero partial correlation, for (roughly) Gaussian continuous data.

Under a multivariate normal distribution, ``x _||_ y | Z`` holds exactly when the
partial correlation ``r = rho(x, y | Z)`` is zero. With ``P`` the inverse of the
correlation sub-matrix over ``(x, y, Z)``, ``r = -P[0, 1] / sqrt(P[0, 0] P[1, 1])``.
Fisher's transform ``atanh(r)`` is approximately normal with variance
``1 / (n - |Z| - 3)``, so ``statistic = sqrt(n - |Z| - 3) * atanh(r)`` is compared with
the standard normal (two-sided) (Fisher 1924; Spirtes, Glymour & Scheines 2000, §5.5).

The correlation matrix is computed once; a batch of queries of the same ``|Z| = k``
gathers its ``(k+2) x (k+2)`` sub-matrices into one array and inverts them in one
:func:`numpy.linalg.inv` call, which is where the speed comes from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from ..exceptions import DataError, InvalidParameterError
from ..utils import lazy_import
from .base import BaseCITest, MissingPolicy, ResultBatch, register_ci_test

if TYPE_CHECKING:
    from scipy.special import ndtr
else:  # imported on first use, not at every command's start
    ndtr = lazy_import("scipy.special", "ndtr")

__all__ = ["FisherZ"]

_EPS = np.finfo(float).eps


def _corr(values: np.ndarray) -> np.ndarray:
    centred = values - values.mean(axis=0)
    cov = centred.T @ centred
    sd = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        c = cov / np.outer(sd, sd)
    np.fill_diagonal(c, 1.0)
    return c


@register_ci_test("fisherz")
class FisherZ(BaseCITest):
    """Fisher-z partial-correlation test, batched over a precomputed correlation matrix.

    Parameters
    ----------
    data:
        A :class:`causalscope.data.Dataset` or a :class:`pandas.DataFrame`; every
        column is used as numeric (categories as their integer codes).
    missing:
        ``"error"`` (default): missing values raise :class:`DataError`.
        ``"testwise"``: each query uses the rows complete in ``x``, ``y`` and ``Z``;
        the correlation matrix of those rows is computed once per set of
        incomplete columns involved and cached.
    singular:
        What to do when the correlation sub-matrix of a query is singular
        (some variable of the query has ``1 - R^2 <= tol`` on the others, i.e. a
        diagonal entry of the inverse ``>= 1 / tol``): ``"pinv"`` (default) computes the partial
        correlation from the residual covariance of ``(x, y)`` given ``Z`` with the
        Moore-Penrose pseudo-inverse of the ``Z`` block; if ``x`` or ``y`` is then an
        exact linear function of ``Z`` (residual variance ``<= tol``) the partial
        correlation is defined as ``0`` (given ``Z`` it is a constant, hence
        independent), and the result carries a ``note``. ``"raise"`` raises
        :class:`DataError` naming the query.
    tol:
        Threshold on ``1 - R^2`` below which a sub-matrix is treated as singular
        (default ``1e-10``).

    Notes
    -----
    * ``dof`` reports ``n - |Z| - 3``, the effective sample size of Fisher's
      transform. When it is ``< 1`` the test is not defined: the result has
      ``enough_data=False``, statistic 0 and p-value 1.
    * ``|r|`` is clipped to ``1 - eps`` (machine epsilon) before ``atanh``, so a
      deterministic relation gives a huge finite statistic and p-value ``0``, never
      ``inf`` or ``NaN`` (the same clipping as causal-learn's ``fisherz``).
    * The statistic is signed (the sign of ``r``); the p-value is
      ``2 * norm.sf(|statistic|)``, accurate also for tiny p-values.
    * A constant column has no correlation; it raises :class:`DataError`.

    References
    ----------
    Fisher, R. A. (1924). The distribution of the partial correlation coefficient.
    *Metron* 3, 329-332. Spirtes, Glymour & Scheines (2000), *Causation, Prediction,
    and Search*, 2nd ed., MIT Press.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=500); b = a + rng.normal(size=500); c = b + rng.normal(size=500)
    >>> test = FisherZ(pd.DataFrame({"A": a, "B": b, "C": c}))
    >>> test.test("A", "C").p_value < 0.01
    True
    >>> test.test("A", "C", ["B"]).p_value > 0.01
    True
    """

    def __init__(
        self,
        data: object,
        *,
        missing: MissingPolicy = "error",
        singular: Literal["pinv", "raise"] = "pinv",
        tol: float = 1e-10,
    ) -> None:
        super().__init__(data, missing=missing)
        if singular not in ("pinv", "raise"):
            raise InvalidParameterError(f"singular must be 'pinv' or 'raise'; got {singular!r}")
        if not (tol > 0):
            raise InvalidParameterError(f"tol must be positive; got {tol!r}")
        self.singular = singular
        self.tol = float(tol)
        self._corr_cache: dict[frozenset[int], tuple[np.ndarray, int]] = {}

    def _correlation(self, pattern: frozenset[int]) -> tuple[np.ndarray, int]:
        """Correlation matrix (and row count) over rows complete in ``pattern``."""
        hit = self._corr_cache.get(pattern)
        if hit is not None:
            return hit
        rows = self._complete_rows(pattern)
        values = self._table.values if rows is None else self._table.values[rows]
        vals = values
        n = int(vals.shape[0])
        if self._nan_cols.any():
            vals = np.where(np.isnan(vals), 0.0, vals)  # columns outside the pattern are unused
        c = _corr(vals) if n > 0 else np.full((vals.shape[1],) * 2, np.nan)
        self._corr_cache[pattern] = (c, n)
        return c, n

    def _evaluate(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> ResultBatch:
        m, k = zs.shape
        out = ResultBatch.empty(m)
        groups, notes = self._grouped_partial_correlations(xs, ys, zs)
        for members, r, n in groups:
            r = np.clip(r, -(1.0 - _EPS), 1.0 - _EPS)
            dof = n - k - 3
            if dof >= 1:
                stat = np.sqrt(dof) * np.arctanh(r)
                out.statistic[members] = stat
                out.p_value[members] = np.minimum(1.0, 2.0 * ndtr(-np.abs(stat)))
            else:
                out.enough[members] = False
                out.statistic[members] = 0.0
                out.p_value[members] = 1.0
            out.dof[members] = float(dof)
            out.n[members] = n
        out.notes = notes
        return out

    def _grouped_partial_correlations(
        self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray
    ) -> tuple[list[tuple[np.ndarray, np.ndarray, int]], list[str] | None]:
        """Partial correlations per missing-value group: ``[(members, r, n)]`` and the notes."""
        m = xs.shape[0]
        groups: list[tuple[np.ndarray, np.ndarray, int]] = []
        notes: list[str] | None = None
        for pattern, members in self._missing_groups(xs, ys, zs):
            c, n = self._correlation(pattern)
            r, group_notes = self.partial_correlations(c, xs[members], ys[members], zs[members])
            if group_notes is not None:
                notes = notes if notes is not None else [""] * m
                for s in np.flatnonzero(group_notes):
                    notes[int(members[s])] = str(group_notes[s])
            groups.append((members, r, n))
        return groups, notes

    def partial_correlations(
        self, corr: np.ndarray, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Partial correlations ``rho(x, y | Z)`` of ``m`` queries from a correlation matrix.

        The batch kernel shared by the partial-correlation tests (Fisher-z and
        :class:`~causalscope.independence.ParCorr`): the ``(k+2) x (k+2)``
        sub-matrices of ``corr`` over ``(x, y, Z)`` are gathered and inverted in one
        call (closed forms for ``k = 0, 1``); singular ones follow ``singular``.

        Parameters
        ----------
        corr:
            A ``(p, p)`` correlation matrix over the test's columns.
        xs, ys:
            Integer arrays of length ``m``.
        zs:
            Integer array of shape ``(m, k)``.

        Returns
        -------
        tuple
            ``(r, notes)``: the ``m`` partial correlations (not clipped), and an
            object array of notes (empty string where nothing special happened) or
            ``None`` when no query was singular.

        Raises
        ------
        DataError
            If a query involves a constant column, or a sub-matrix is singular and
            ``singular="raise"``.
        """
        m, k = zs.shape
        cols = np.column_stack([xs, ys, zs])
        sub = corr[cols[:, :, None], cols[:, None, :]]
        if not np.all(np.isfinite(sub)):
            bad = int(np.flatnonzero(~np.isfinite(sub).all(axis=(1, 2)))[0])
            names = [self._table.names[j] for j in cols[bad]]
            raise DataError(
                f"{self.method}: the query x={names[0]!r}, y={names[1]!r}, Z={names[2:]} "
                "involves a constant column (or fewer than 2 complete rows); "
                "its correlation is undefined"
            )
        if k == 0:
            r = sub[:, 0, 1].copy()
            singular = np.zeros(m, dtype=bool)
        elif k == 1:  # closed form (Anderson 2003, eq. 2.5.37)
            rxy, rxz, ryz = sub[:, 0, 1], sub[:, 0, 2], sub[:, 1, 2]
            vx, vy = 1.0 - rxz**2, 1.0 - ryz**2
            singular = np.minimum(vx, vy) <= self.tol
            with np.errstate(divide="ignore", invalid="ignore"):
                r = (rxy - rxz * ryz) / np.sqrt(vx * vy)
        else:
            prec, singular = self._batched_inverse(sub)
            with np.errstate(divide="ignore", invalid="ignore"):
                r = -prec[:, 0, 1] / np.sqrt(prec[:, 0, 0] * prec[:, 1, 1])
        if not singular.any():
            return r, None
        if self.singular == "raise":
            row = cols[np.flatnonzero(singular)[0]]
            names = [self._table.names[j] for j in row]
            raise DataError(
                f"{self.method}: the correlation matrix of x={names[0]!r}, y={names[1]!r}, "
                f"Z={names[2:]} is singular (a variable is a linear function of "
                "others); use singular='pinv' for the documented fallback"
            )
        notes = np.full(m, "", dtype=object)
        for s in np.flatnonzero(singular):
            r[s], notes[s] = self._pinv_partial(sub[s])
        return r, notes

    def _batched_inverse(self, sub: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Inverses of a stack of correlation matrices and the mask of singular ones.

        A matrix counts as singular when some variable has ``1 - R^2 <= tol`` on the
        others, i.e. a diagonal entry of its inverse is ``>= 1 / tol`` (or the
        inversion fails).
        """
        try:
            prec = np.linalg.inv(sub)
        except np.linalg.LinAlgError:
            prec = np.empty_like(sub)
            for s in range(sub.shape[0]):
                try:
                    prec[s] = np.linalg.inv(sub[s])
                except np.linalg.LinAlgError:
                    prec[s] = np.inf
        diag = np.diagonal(prec, axis1=1, axis2=2)
        finite = np.isfinite(prec).all(axis=(1, 2))
        singular = ~finite | (np.where(finite[:, None], diag, np.inf).max(axis=1) >= 1.0 / self.tol)  # type: ignore[index]  # numpy stubs: all/any(axis=...) may be a scalar; an array here
        return prec, singular

    def _pinv_partial(self, sub: np.ndarray) -> tuple[float, str]:
        """Partial correlation of a singular sub-matrix via the pseudo-inverse (see class doc)."""
        a, zz, az = sub[:2, :2], sub[2:, 2:], sub[:2, 2:]
        resid = a - az @ np.linalg.pinv(zz, rcond=1e-10, hermitian=True) @ az.T
        if resid[0, 0] <= self.tol or resid[1, 1] <= self.tol:
            return 0.0, "singular: x or y is a linear function of Z; partial correlation set to 0"
        r = resid[0, 1] / np.sqrt(resid[0, 0] * resid[1, 1])
        return float(r), "singular correlation sub-matrix: pseudo-inverse of the Z block used"
