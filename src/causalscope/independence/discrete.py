"""G-test and Pearson chi-square tests of conditional independence for discrete data.

For discrete ``x``, ``y`` and ``Z``, ``x _||_ y | Z`` means that in every stratum
(configuration) ``s`` of ``Z`` the contingency table of ``x`` and ``y`` factorises.
With observed counts ``N_sxy`` and expected counts ``E_sxy = N_sx N_sy / N_s``:

- the **G-test** (likelihood ratio) statistic is ``G = 2 sum N_sxy log(N_sxy / E_sxy)``;
- **Pearson's chi-square** statistic is ``X2 = sum (N_sxy - E_sxy)^2 / E_sxy``;

both are asymptotically chi-square under the null hypothesis.

Sparse counting
    Strata are the configurations of ``Z`` that occur in the data, found with
    :func:`numpy.unique` on combined integer codes, and only the occupied cells
    ``(s, x, y)`` are counted; no dense table over all ``prod |Z_i|`` levels is ever
    allocated, so large conditioning sets cost ``O(n log n)``. Only occupied cells
    enter ``G`` and, using ``sum E = sum N = n``, ``X2 = sum_occupied N^2 / E - n``.

Degrees of freedom
    ``dof_rule="adjusted"`` (default): ``dof = sum_s (r_x(s) - 1)(r_y(s) - 1)`` over
    the occupied strata, where ``r_x(s)``, ``r_y(s)`` are the numbers of levels of
    ``x`` and ``y`` that occur in stratum ``s`` (rows or columns of a stratum's table
    that are entirely empty are dropped, and empty strata contribute nothing). This
    is the reduction for structural zeros described by Fienberg (1980, §8) and
    Bishop, Fienberg & Holland (1975, §5.4), used for CI testing by Spirtes et al.
    (2000, §5.4.2.2) and Tsamardinos et al. (2006); it is exactly what causal-learn's
    ``chisq``/``gsq`` compute. ``dof_rule="classic"``:
    ``(|x| - 1)(|y| - 1) prod |Z_i|`` with the levels of the whole column.

Too little data
    ``dof == 0`` (e.g. ``x`` constant within every stratum): no evidence is possible;
    the statistic is 0, the p-value 1 and ``enough_data=False``. Otherwise
    ``enough_data`` is ``n >= min_samples_per_dof * dof`` (default 5, the classic
    "five expected counts per cell" rule of thumb of Cochran (1954) applied per
    degree of freedom). The p-value is still reported; algorithms decide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from ..exceptions import DataError, InvalidParameterError
from ..utils import lazy_import
from .base import BaseCITest, MissingPolicy, ResultBatch, register_ci_test

if TYPE_CHECKING:
    from scipy.stats import chi2
else:  # imported on first use, not at every command's start
    chi2 = lazy_import("scipy.stats", "chi2")

__all__ = [
    "GTest", "ChiSquareTest", "DiscreteCITest", "stratified_statistics", "batched_statistics",
]

_LIMIT = np.int64(2) ** 62


def _strata(codes: list[np.ndarray], cards: list[int], n: int) -> tuple[np.ndarray, int]:
    """Index 0..S-1 of the occupied configuration of the columns ``codes`` per row."""
    if not codes:
        return np.zeros(n, dtype=np.int64), 1
    key = codes[0].astype(np.int64)
    top = max(int(cards[0]), 1)
    for code, card in zip(codes[1:], cards[1:]):
        card = max(int(card), 1)
        if top * card >= _LIMIT:  # re-index before the mixed-radix key could overflow
            _, key = np.unique(key, return_inverse=True)
            top = int(key.max()) + 1
        key = key * card + code
        top *= card
    uniq, s = np.unique(key, return_inverse=True)
    return s.reshape(-1).astype(np.int64), int(uniq.shape[0])


def stratified_statistics(
    x: np.ndarray, y: np.ndarray, z: list[np.ndarray], cards_z: list[int] | None = None
) -> tuple[float, float, int, int]:
    """G and chi-square statistics of ``x _||_ y | z`` from integer codes, sparsely.

    Parameters
    ----------
    x, y:
        Integer codes ``>= 0`` of length ``n``.
    z:
        Integer code arrays of the conditioning variables (may be empty).
    cards_z:
        Number of levels of each ``z`` column (default: ``max + 1`` of the codes).

    Returns
    -------
    g, x2, dof_adjusted, n_strata
        The statistics, the degrees of freedom by the adjusted rule (see module
        docstring) and the number of occupied strata.
    """
    n = int(x.shape[0])
    if cards_z is None:
        cards_z = [int(c.max()) + 1 if c.size else 1 for c in z]
    s, n_strata = _strata(z, cards_z, n)
    cx = int(x.max()) + 1 if n else 1
    cy = int(y.max()) + 1 if n else 1
    n_s = np.bincount(s, minlength=n_strata)
    sx = s * cx + x
    sy = s * cy + y
    u_sx, n_sx = np.unique(sx, return_counts=True)
    u_sy, n_sy = np.unique(sy, return_counts=True)
    u_sxy, c = np.unique(sx * cy + y, return_counts=True)
    cell_sx = u_sxy // cy
    cell_s = cell_sx // cx
    cell_sy = cell_s * cy + u_sxy % cy
    e = n_sx[np.searchsorted(u_sx, cell_sx)] * n_sy[np.searchsorted(u_sy, cell_sy)] / n_s[cell_s]
    c = c.astype(np.float64)
    g = 2.0 * float(np.sum(c * np.log(c / e)))
    x2 = float(np.sum(c * c / e)) - n
    rx = np.bincount(u_sx // cx, minlength=n_strata)
    ry = np.bincount(u_sy // cy, minlength=n_strata)
    dof = int(np.sum((rx - 1) * (ry - 1)))
    return max(g, 0.0), max(x2, 0.0), dof, n_strata


_BATCH_CELLS = 1 << 22  # queries x rows x |x| x |y| counted in one vectorised chunk


def batched_statistics(
    codes_t: np.ndarray, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray, cards: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """G, chi-square and adjusted dof of ``m`` queries of one ``|Z| = k``, vectorised.

    The same statistics as :func:`stratified_statistics`, for all queries at once:
    each query's ``Z`` configurations get a mixed-radix key (the product of the
    levels must stay below ``2**61``); strata of all queries are numbered globally
    (by the key itself when the product of levels is small, else by dense per-query
    ranks from one row-wise sort) and the cells ``(stratum, x, y)`` of the whole
    batch are counted with :func:`numpy.bincount` and summed back per query.

    Parameters
    ----------
    codes_t:
        ``(p, n)`` integer codes ``>= 0``, one row per variable (the transpose of
        the data, so that a query's columns are contiguous).
    xs, ys:
        Column indices of length ``m``.
    zs:
        ``(m, k)`` column indices.
    cards:
        Number of levels of every column (``max code + 1`` at least).

    Returns
    -------
    g, x2, dof
        Arrays of length ``m``.

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.random.default_rng(0).integers(0, 3, size=(200, 4))
    >>> g, x2, dof = batched_statistics(codes.T.copy(), np.array([0, 1]), np.array([2, 3]),
    ...                                 np.array([[1], [0]]), np.array([3, 3, 3, 3]))
    >>> bool(np.isclose(g[0], stratified_statistics(codes[:, 0], codes[:, 2], [codes[:, 1]])[0]))
    True
    """
    n = codes_t.shape[1]
    m, k = zs.shape
    if m == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    qidx = np.arange(m)
    x = codes_t[xs]
    y = codes_t[ys]
    cx = int(max(int(cards[xs].max()), int(x.max()) + 1))
    cy = int(max(int(cards[ys].max()), int(y.max()) + 1))
    if k:
        card_z = np.maximum(cards[zs], 1).astype(np.int64)
        radix = np.ones((m, k), dtype=np.int64)
        for j in range(k - 2, -1, -1):
            radix[:, j] = radix[:, j + 1] * card_z[:, j + 1]
        key = codes_t[zs[:, 0]] * radix[:, :1]
        for j in range(1, k):
            key += codes_t[zs[:, j]] * radix[:, j:j + 1]
        width = int((radix[:, 0] * card_z[:, 0]).max())
        if m * width <= max(m * n, 1 << 16):  # few configurations: the key is the stratum
            s = key + (qidx * width)[:, None]
            stratum_q = np.repeat(qidx, width)
        else:  # dense ranks of the occurring configurations, per query
            order = np.argsort(key, axis=1)
            srt = np.take_along_axis(key, order, axis=1)
            ranks_sorted = np.zeros((m, n), dtype=np.int64)
            np.cumsum(srt[:, 1:] != srt[:, :-1], axis=1, out=ranks_sorted[:, 1:])
            rank = np.empty_like(ranks_sorted)
            np.put_along_axis(rank, order, ranks_sorted, axis=1)
            n_strata = ranks_sorted[:, -1] + 1
            offset = np.concatenate([[0], np.cumsum(n_strata)[:-1]])
            s = rank + offset[:, None]
            stratum_q = np.repeat(qidx, n_strata)
    else:
        s = np.broadcast_to(qidx[:, None], (m, n))
        stratum_q = qidx
    total = stratum_q.shape[0]
    s = s.reshape(-1)
    sx = s * cx + x.reshape(-1)
    n_s = np.bincount(s, minlength=total)
    n_sx = np.bincount(sx, minlength=total * cx)
    n_sy = np.bincount(s * cy + y.reshape(-1), minlength=total * cy)
    counts = np.bincount(sx * cy + y.reshape(-1), minlength=total * cx * cy)
    cells = np.flatnonzero(counts)
    c = counts[cells].astype(np.float64)
    cell_sx = cells // cy
    cell_s = cell_sx // cx
    e = n_sx[cell_sx] * n_sy[cell_s * cy + cells % cy] / n_s[cell_s]
    cell_q = stratum_q[cell_s]
    g = 2.0 * np.bincount(cell_q, weights=c * np.log(c / e), minlength=m)
    x2 = np.bincount(cell_q, weights=c * c / e, minlength=m) - n
    rx = np.count_nonzero(n_sx.reshape(total, cx), axis=1)
    ry = np.count_nonzero(n_sy.reshape(total, cy), axis=1)
    dof = np.bincount(stratum_q, weights=(rx - 1) * (ry - 1) * (n_s > 0), minlength=m)
    return np.maximum(g, 0.0), np.maximum(x2, 0.0), dof


class DiscreteCITest(BaseCITest):
    """Shared implementation of :class:`GTest` and :class:`ChiSquareTest`.

    Parameters
    ----------
    data:
        A :class:`causalscope.data.Dataset` or a :class:`pandas.DataFrame`; the
        variables of a query must be DISCRETE, BINARY or ORDINAL.
    missing:
        ``"error"`` or ``"testwise"`` (rows complete in ``x``, ``y`` and ``Z``).
    dof_rule:
        ``"adjusted"`` (default; equals causal-learn) or ``"classic"``; see the
        module docstring.
    min_samples_per_dof:
        ``enough_data`` requires ``n >= min_samples_per_dof * dof`` (default 5).
    """

    _statistic: str = "g"

    def __init__(
        self,
        data: object,
        *,
        missing: MissingPolicy = "error",
        dof_rule: Literal["adjusted", "classic"] = "adjusted",
        min_samples_per_dof: float = 5.0,
    ) -> None:
        super().__init__(data, missing=missing)
        if dof_rule not in ("adjusted", "classic"):
            raise InvalidParameterError(
                f"dof_rule must be 'adjusted' or 'classic'; got {dof_rule!r}"
            )
        if not (min_samples_per_dof >= 0):
            raise InvalidParameterError(
                f"min_samples_per_dof must be >= 0; got {min_samples_per_dof!r}"
            )
        self.dof_rule = dof_rule
        self.min_samples_per_dof = float(min_samples_per_dof)
        self._discrete = np.array(
            [self._table.is_discrete(j) for j in range(len(self._table.names))], dtype=bool
        )
        vals = self._table.values
        codes = np.where(np.isnan(vals), -1, vals)
        self._codes = codes.astype(np.int64)
        self._codes_t = np.ascontiguousarray(self._codes.T)
        self._cards = np.maximum(self._codes.max(axis=0), 0) + 1

    def _check_kinds(self, cols: np.ndarray) -> None:
        bad = ~self._discrete[cols]
        if bad.any():
            j = int(cols[bad][0])
            raise DataError(
                f"{self.method}: variable {self._table.names[j]!r} is "
                f"{self._table.kinds[j]}, but this test needs discrete, binary or "
                "ordinal variables; use 'fisherz', 'kci' or 'mixed' for continuous data"
            )

    def _evaluate(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> ResultBatch:
        m, k = zs.shape
        cols = np.column_stack([xs, ys, zs])
        self._check_kinds(cols.reshape(-1))
        out = ResultBatch.empty(m)
        g = np.zeros(m)
        x2 = np.zeros(m)
        dof_adj = np.zeros(m)
        for pattern, members in self._missing_groups(xs, ys, zs):
            rows = self._complete_rows(pattern)
            codes = self._codes if rows is None else self._codes[rows]
            n = int(codes.shape[0])
            out.n[members] = n
            if n == 0:
                continue
            # queries whose Z configurations fit a mixed-radix int64 key go through the
            # vectorised batch; the others (huge products of levels) one by one
            logs = np.log2(np.maximum(self._cards[zs[members]], 1).astype(float)).sum(axis=1)
            fits = logs < 61.0
            batch = members[fits]
            codes_t = self._codes_t if rows is None else np.ascontiguousarray(codes.T)
            cx = int(self._cards[xs[batch]].max(initial=1))
            cells = n * cx * int(self._cards[ys[batch]].max(initial=1))
            step = max(1, _BATCH_CELLS // max(cells, 1))
            for start in range(0, batch.size, step):
                part = batch[start:start + step]
                g[part], x2[part], dof_adj[part] = batched_statistics(
                    codes_t, xs[part], ys[part], zs[part], self._cards
                )
            for q in members[~fits]:
                ks = zs[q]
                g[q], x2[q], dof_adj[q], _ = stratified_statistics(
                    codes[:, xs[q]], codes[:, ys[q]], [codes[:, c] for c in ks],
                    [int(self._cards[c]) for c in ks],
                )
        if self.dof_rule == "adjusted":
            dof = dof_adj
        else:
            dof = ((self._cards[xs] - 1) * (self._cards[ys] - 1)
                   * np.prod(self._cards[zs], axis=1)).astype(float)
        stat = g if self._statistic == "g" else x2
        out.dof[:] = dof
        zero = dof <= 0
        pos = ~zero
        out.statistic[pos] = stat[pos]
        out.p_value[pos] = chi2.sf(stat[pos], dof[pos])
        out.statistic[zero], out.p_value[zero], out.enough[zero] = 0.0, 1.0, False
        few = pos & (out.n < self.min_samples_per_dof * dof)
        out.enough[few] = False
        notes = [""] * m
        for q in np.flatnonzero(zero):
            notes[q] = "zero degrees of freedom: no evidence either way"
        for q in np.flatnonzero(few):
            notes[q] = (
                f"n={int(out.n[q])} < {self.min_samples_per_dof:g} * dof={dof[q]:g}: too few rows"
            )
        out.notes = notes
        return out


@register_ci_test("gsq")
class GTest(DiscreteCITest):
    """G-test (likelihood-ratio) of conditional independence for discrete data.

    See the module docstring for the statistic, the degrees of freedom and the
    minimum-sample rule; parameters as :class:`DiscreteCITest`.

    References
    ----------
    Spirtes, Glymour & Scheines (2000), *Causation, Prediction, and Search*, §5.4.2.
    Fienberg (1980), *The Analysis of Cross-Classified Categorical Data*, MIT Press.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a = rng.integers(0, 2, 1000); b = (a ^ (rng.random(1000) < 0.2)).astype(int)
    >>> c = (b ^ (rng.random(1000) < 0.2)).astype(int)
    >>> test = GTest(pd.DataFrame({"A": a, "B": b, "C": c}))
    >>> test.test("A", "C").p_value < 0.01, test.test("A", "C", ["B"]).p_value > 0.01
    (True, True)
    """

    _statistic = "g"


@register_ci_test("chisq")
class ChiSquareTest(DiscreteCITest):
    """Pearson chi-square test of conditional independence for discrete data.

    See the module docstring; parameters as :class:`DiscreteCITest`.

    References
    ----------
    Pearson, K. (1900). *Philosophical Magazine* 50, 157-175. Spirtes, Glymour &
    Scheines (2000), *Causation, Prediction, and Search*, §5.4.2.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> frame = pd.DataFrame(rng.integers(0, 3, size=(500, 3)), columns=list("ABC"))
    >>> ChiSquareTest(frame).test("A", "B", ["C"]).dof
    12.0
    """

    _statistic = "x2"
