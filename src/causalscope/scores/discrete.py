"""The BDeu score for discrete data.

For a discrete node ``X_i`` with ``r_i`` states and parents ``S`` with
``q_i = prod(r_j, j in S)`` joint configurations, the Bayesian Dirichlet
equivalent uniform (BDeu) score is the log marginal likelihood of the node's
column under a Dirichlet prior with equivalent sample size ``ess`` spread
uniformly over the ``q_i * r_i`` cells:

.. math::

    s(i, S) = \\sum_{j=1}^{q_i}\\left[\\log\\Gamma\\left(\\tfrac{\\alpha}{q_i}\\right)
              - \\log\\Gamma\\left(\\tfrac{\\alpha}{q_i} + N_{ij}\\right)\\right]
            + \\sum_{j=1}^{q_i}\\sum_{k=1}^{r_i}\\left[\\log\\Gamma\\left(\\tfrac{\\alpha}{q_i r_i} + N_{ijk}\\right)
              - \\log\\Gamma\\left(\\tfrac{\\alpha}{q_i r_i}\\right)\\right].

Parent configurations that never occur contribute zero, so only the observed
ones are counted: each parent set is encoded as one integer per row and the
counts come from sorting those codes (no dense ``q_i x r_i`` table). A batch of
parent sets of one size is encoded and sorted as one ``(n, m)`` array.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..exceptions import InvalidParameterError
from ..utils import lazy_import
from .base import BaseScore, register_score

if TYPE_CHECKING:
    from scipy.special import gammaln
else:  # scipy imported on first use (BDeu), not with the scores: GES with BIC needs none
    gammaln = lazy_import("scipy.special", "gammaln")

__all__ = ["BDeu"]


@register_score("bdeu")
class BDeu(BaseScore):
    """The BDeu score (Bayesian Dirichlet, likelihood-equivalent, uniform) for discrete data.

    Parameters
    ----------
    data:
        A :class:`~causalscope.data.Dataset` (or DataFrame / array) whose columns
        are all discrete, binary or ordinal (integer codes ``0..r-1``), without
        missing values.
    ess:
        The equivalent sample size :math:`\\alpha > 0` (default 1).

    Raises
    ------
    InvalidParameterError
        If ``ess`` is not a positive number.
    DataError
        If a column is continuous (the message names them) or values are missing.

    Notes
    -----
    The number of states ``r_i`` of a column is the number of its categories in
    the Dataset (``Dataset.cardinalities``); ``q_i`` is the product over the
    parents, counting configurations that do not occur. The score equals
    pgmpy's ``structure_score.BDeu(data, equivalent_sample_size=ess).local_score``
    when every state occurs in the data. causal-learn's ``local_score_BDeu``
    (``sample_prior = ess``) adds a structure-prior term
    ``|S| log(c/(p-1)) + (p-1-|S|) log(1 - c/(p-1))`` (``c`` its
    ``structure_prior``); without it the values are equal. The score is score
    equivalent: Markov equivalent DAGs get the same score.

    References
    ----------
    Heckerman, D., Geiger, D. & Chickering, D. M. (1995). Learning Bayesian networks:
    the combination of knowledge and statistical data. *Machine Learning* 20, 197-243.
    Buntine, W. (1991). Theory refinement on Bayesian networks. *UAI 1991*.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a = rng.integers(0, 2, size=400); b = np.where(rng.random(400) < 0.9, a, 1 - a)
    >>> score = BDeu(pd.DataFrame({"A": a, "B": b}), ess=1.0)
    >>> bool(score.local_score(1, [0]) > score.local_score(1, []))
    True
    >>> abs(score.score_graph("A --> B") - score.score_graph("B --> A")) < 1e-9
    True
    """

    def __init__(self, data: object, *, ess: float = 1.0) -> None:
        if (
            isinstance(ess, (bool, np.bool_))
            or not isinstance(ess, (int, float, np.integer, np.floating))
            or not math.isfinite(float(ess))
            or ess <= 0
        ):
            raise InvalidParameterError(
                f"ess (equivalent sample size) must be a finite number > 0; got {ess!r}. "
                "Common choices are 1 (default) or 10."
            )
        self.ess = float(ess)
        super().__init__(data)
        discrete = np.asarray(self._data.discrete_mask, dtype=bool)
        self._check_columns(
            ~discrete,
            wanted="discrete (categorical)",
            advice="Use score='bic' or 'bge' for continuous data, or discretise the columns first.",
        )
        self._codes = np.asarray(self._data.values, dtype=np.int64)
        card = np.asarray(self._data.cardinalities, dtype=np.int64)
        observed = self._codes.max(axis=0) + 1
        self._card = np.maximum(card, observed)

    @property
    def cardinalities(self) -> np.ndarray:
        """The number of states of each variable."""
        return self._card.copy()

    def _compute(self, node: int, parents: np.ndarray) -> np.ndarray:
        step = max(1, (1 << 23) // (self.n_samples * max(1, parents.shape[1])))
        if parents.shape[0] > step:  # bound the (n, m, k) work arrays
            return np.concatenate(
                [self._compute(node, parents[s:s + step]) for s in range(0, parents.shape[0], step)]
            )
        m, k = parents.shape
        n = self.n_samples
        r = float(self._card[node])
        x = self._codes[:, node]
        if k == 0:
            q = np.ones(m)
            codes = np.zeros((n, m), dtype=np.int64)
        else:
            cards = self._card[parents].astype(np.float64)  # (m, k)
            q = np.prod(cards, axis=1)
            codes = self._encode(parents)
        alpha_j = self.ess / q
        alpha_jk = alpha_j / r
        # counts of parent configurations (j) and of (configuration, state) cells (jk)
        nj_sum, nj_cols = self._run_lengths(codes)
        rr = int(self._card[node])
        njk_sum, njk_cols = self._run_lengths(codes * rr + x[:, None])
        out = np.zeros(m)
        np.add.at(out, nj_cols, gammaln(alpha_j[nj_cols]) - gammaln(alpha_j[nj_cols] + nj_sum))
        np.add.at(out, njk_cols, gammaln(alpha_jk[njk_cols] + njk_sum) - gammaln(alpha_jk[njk_cols]))
        return out

    def _encode(self, parents: np.ndarray) -> np.ndarray:
        """One integer code per row and parent set: ``(n, m)``.

        Mixed-radix codes when the product of cardinalities fits in 62 bits,
        otherwise dense ranks of the row tuples (per set)."""
        m, k = parents.shape
        cards = self._card[parents]
        logq = np.log2(cards.astype(np.float64)).sum(axis=1)
        out = np.empty((self.n_samples, m), dtype=np.int64)
        small = logq < 55
        if small.any():
            idx = np.flatnonzero(small)
            strides = np.ones((len(idx), k), dtype=np.int64)
            for c in range(k - 2, -1, -1):
                strides[:, c] = strides[:, c + 1] * cards[idx, c + 1]
            vals = self._codes[:, parents[idx]]  # (n, len(idx), k)
            out[:, idx] = np.einsum("nmk,mk->nm", vals, strides)
        for j in np.flatnonzero(~small):  # pragma: no cover - very many parent states
            _, inverse = np.unique(self._codes[:, parents[j]], axis=0, return_inverse=True)
            out[:, j] = inverse.reshape(-1)
        return out

    @staticmethod
    def _run_lengths(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Counts of the distinct values in each column of ``codes`` and the column of each count."""
        n, m = codes.shape
        s = np.sort(codes, axis=0).T  # (m, n)
        new = np.ones((m, n), dtype=bool)
        new[:, 1:] = s[:, 1:] != s[:, :-1]
        flat = new.reshape(-1)
        starts = np.flatnonzero(flat)
        counts = np.diff(np.append(starts, flat.size)).astype(np.float64)
        cols = starts // n
        return counts, cols

    def _params_repr(self) -> str:
        return f"ess={self.ess}"
