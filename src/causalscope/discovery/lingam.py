"""DirectLiNGAM: causal discovery for linear models with non-Gaussian noise.

In a linear structural equation model ``x = B x + e`` whose noise terms ``e`` are
independent and **non-Gaussian** (at most one Gaussian), the whole DAG is
identifiable from observational data, not only its Markov equivalence class
(Shimizu et al. 2006). DirectLiNGAM (Shimizu et al. 2011) recovers a causal order
one variable at a time:

1. find the variable that is most *exogenous*: the one whose regression
   residuals, when every other variable is regressed on it, are most independent
   of it;
2. regress it out of every remaining variable and repeat on the residuals.

The test of exogeneity used here is the **pairwise likelihood ratio** of
Hyvärinen & Smith (2013): for standardised ``x_i``, ``x_j`` and the standardised
residuals ``r_i^(j)`` (of ``x_i`` regressed on ``x_j``) and ``r_j^(i)``,

.. math:: R(i, j) = H(x_j) + H(r_i^{(j)}) - H(x_i) - H(r_j^{(i)}),

positive when ``x_i -> x_j`` is the more likely direction; ``H`` is the
maximum-entropy approximation of differential entropy of Hyvärinen (1998). The
variable chosen at each step minimises ``sum_j min(0, R(i, j))^2``. All pairs of
one step are evaluated at once on arrays: for standardised columns with
correlation ``c`` the residual is ``(x_i - c x_j) / sqrt(1 - c^2)``, so one
correlation matrix gives every residual of the step. The entropies of the
residuals are computed in blocks of pairs with numpy ufuncs (bounded memory, no
compiled code).

Once the order is known, each variable is regressed on its predecessors and the
weights are pruned, by default with the **adaptive lasso** (Zou 2006) whose
penalty is chosen by BIC, as in the original paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..contract import Component
from ..exceptions import DataError, InvalidParameterError
from ..graphs import DAG
from ..utils import RandomState, as_progress, check_random_state, get_logger
from .base import register_algorithm
from .knowledge import Knowledge, as_knowledge
from .lars import adaptive_lasso_support

__all__ = ["DirectLiNGAM", "direct_lingam", "LiNGAMResult", "pairwise_measure"]

_LOG = get_logger(__name__)

Measure = Literal["pwling"]
Prune = Literal["adaptive_lasso", "ols_threshold", "none"]

_MEASURES = ("pwling",)
_PRUNES = ("adaptive_lasso", "ols_threshold", "none")

# Constants of the entropy approximation of Hyvärinen (1998), eq. (25) with the
# contrast functions G1(u) = log cosh(u) and G2(u) = -exp(-u^2 / 2).
_K1 = 79.047
_K2 = 7.4129
_GAMMA = 0.37457
_H_GAUSS = float(0.5 * (1.0 + np.log(2.0 * np.pi)))
_LOG2 = np.log(2.0)


def _standardise(x: np.ndarray, names: Any = None, tol: float = 0.0) -> np.ndarray:
    """Centre and scale every column to unit variance (``ddof=0``); DataError for a constant one."""
    sd = x.std(axis=0)
    bad = sd <= tol
    if np.any(bad):
        which = [names[k] for k in np.flatnonzero(bad)] if names is not None else []
        raise DataError(
            f"DirectLiNGAM: columns {which} are (near) constant or an exact linear function of other "
            "columns (collinear); drop redundant columns first"
        )
    return (x - x.mean(axis=0)) / sd


#: Residual values held at once (pairs x samples) by the entropy kernel: two float64
#: buffers of this many elements (2 x 512 KiB), or of one row when n is larger.
_BLOCK = 1 << 16
#: Up to this many samples ``log(cosh(u))`` cannot overflow: a standardised column
#: (mean 0, mean square 1) has ``|u| <= sqrt(n)``, below 709 (``cosh`` overflows at 710).
_COSH_SAFE_N = 250_000


def _row_entropies(r: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """``H`` of every standardised row of ``r`` (2-D), Hyvärinen (1998) eq. (25); ``scratch`` is overwritten.

    ``H(u) = H_gauss - k1 (E log cosh u - gamma)^2 - k2 (E u exp(-u^2 / 2))^2``,
    the means over the row (pairwise summation).
    """
    n = r.shape[1]
    if n <= _COSH_SAFE_N:
        np.cosh(r, out=scratch)
        np.log(scratch, out=scratch)
        m1 = scratch.sum(axis=1) / n
    else:  # log cosh u = |u| + log1p(exp(-2 |u|)) - log 2, without overflow
        np.abs(r, out=scratch)
        m1 = scratch.sum(axis=1)
        scratch *= -2.0
        np.exp(scratch, out=scratch)
        np.log1p(scratch, out=scratch)
        m1 = (m1 + scratch.sum(axis=1)) / n - _LOG2
    np.multiply(r, r, out=scratch)
    scratch *= -0.5
    np.exp(scratch, out=scratch)
    scratch *= r
    m2 = scratch.sum(axis=1) / n
    return _H_GAUSS - _K1 * (m1 - _GAMMA) ** 2 - _K2 * m2 * m2


def _residual_entropies(zt: np.ndarray, corr: np.ndarray, rows: np.ndarray, swap: bool) -> np.ndarray:
    """Entropies of standardised pairwise residuals, in blocks of pairs.

    ``zt`` is the ``(m, n)`` array of standardised variables (rows contiguous).
    For ``a``, ``i = rows[a]`` and every ``j != i`` the result holds
    ``H(r_i^(j))`` (``swap=False``) or ``H(r_j^(i))`` (``swap=True``), with
    ``r_u^(v) = (z_u - c_uv z_v) / sqrt(1 - c_uv^2)``; the diagonal is 0. This is
    the hot loop of DirectLiNGAM (``O(m^2 n)`` per step), vectorised numpy over
    blocks of at most ``_BLOCK`` residual values: several candidates with all
    their partners at once when ``m n`` is small, else one candidate and a
    slice of partners. Memory: two buffers of ``max(_BLOCK, n)`` floats.
    """
    m, n = zt.shape
    out = np.zeros((rows.shape[0], m))
    if m * n <= _BLOCK:
        per_row, per_col = max(1, _BLOCK // (m * n)), m
    else:
        per_row, per_col = 1, max(1, _BLOCK // n)
    size = min(per_row, rows.shape[0]) * per_col * n
    r_buf = np.empty(size)
    scratch = np.empty(size)
    for a0 in range(0, rows.shape[0], per_row):
        rr = rows[a0 : a0 + per_row]
        zi = zt[rr][:, None, :]
        for j0 in range(0, m, per_col):
            j1 = min(m, j0 + per_col)
            c = corr[np.ix_(rr, np.arange(j0, j1))]
            s = 1.0 / np.sqrt(np.maximum(1.0 - c * c, 1e-12))
            shape = (rr.shape[0], j1 - j0, n)
            r = r_buf[: np.prod(shape)].reshape(shape)
            zj = zt[None, j0:j1, :]
            if swap:  # r_j^(i) = (z_j - c z_i) s
                np.multiply(zi, c[:, :, None], out=r)
                np.subtract(zj, r, out=r)
            else:  # r_i^(j) = (z_i - c z_j) s
                np.multiply(zj, c[:, :, None], out=r)
                np.subtract(zi, r, out=r)
            r *= s[:, :, None]
            flat = r.reshape(-1, n)
            h = _row_entropies(flat, scratch[: flat.size].reshape(flat.shape))
            out[a0 : a0 + rr.shape[0], j0:j1] = h.reshape(shape[:2])
    out[np.arange(rows.shape[0]), rows] = 0.0
    return out


def _column_entropies(zt: np.ndarray) -> np.ndarray:
    """``H(z_i)`` of every standardised row of ``zt``, in blocks of rows."""
    m, n = zt.shape
    per = max(1, _BLOCK // n)
    scratch = np.empty((min(per, m), n))
    return np.concatenate(
        [_row_entropies(zt[i : i + per], scratch[: zt[i : i + per].shape[0]]) for i in range(0, m, per)]
    )


def _pairwise_rows(zt: np.ndarray, corr: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``R[i, j]`` of Hyvärinen & Smith (2013) for the standardised variables in the rows of ``zt``.

    ``corr`` is their correlation matrix and ``rows`` the candidate indices; the
    result has shape ``(len(rows), m)`` with zeros where ``i == j``. Only the
    residual entropies the candidates need are computed: ``H(r_i^(j))`` for ``i``
    a candidate and ``H(r_j^(i))`` for every ``j``.
    """
    m = zt.shape[0]
    h_x = _column_entropies(zt)
    h_rows = _residual_entropies(zt, corr, rows, False)
    if len(rows) == m:  # every variable is a candidate: the full matrix gives both
        h_cols = h_rows.T
    else:
        h_cols = _residual_entropies(zt, corr, rows, True)
    measure = (h_x[None, :] + h_rows) - (h_x[rows][:, None] + h_cols)
    measure[np.arange(len(rows)), rows] = 0.0
    return measure


def _correlation(zt: np.ndarray) -> np.ndarray:
    corr = (zt @ zt.T) / zt.shape[1]
    np.clip(corr, -1.0, 1.0, out=corr)
    return corr


def pairwise_measure(data: object) -> pd.DataFrame:
    """The pairwise likelihood-ratio measure ``R(i, j)`` for every pair of columns.

    ``R(i, j) > 0`` favours ``i --> j`` (Hyvärinen & Smith 2013, with the entropy
    approximation of Hyvärinen 1998); the matrix is antisymmetric.

    Parameters
    ----------
    data:
        A :class:`~causalscope.data.Dataset`, a DataFrame or a 2-D array of
        continuous columns.

    Returns
    -------
    pandas.DataFrame
        Rows and columns named by the variables.

    References
    ----------
    Hyvärinen, A. & Smith, S. M. (2013). Pairwise likelihood ratios for estimation
    of non-Gaussian structural equation models. *JMLR* 14, 111-152.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a = rng.uniform(-1, 1, 2000)
    >>> b = a + 0.5 * rng.uniform(-1, 1, 2000)
    >>> r = pairwise_measure(pd.DataFrame({"a": a, "b": b}))
    >>> bool(r.loc["a", "b"] > 0)
    True
    """
    names, x = _continuous_matrix(data)
    zt = np.ascontiguousarray(_standardise(x, names).T)
    measure = _pairwise_rows(zt, _correlation(zt), np.arange(len(names), dtype=np.int64))
    return pd.DataFrame(measure, index=names, columns=names)


def _continuous_matrix(data: object) -> tuple[tuple[str, ...], np.ndarray]:
    from ..scores.base import as_dataset

    ds = as_dataset(data)
    if ds.has_missing:
        raise DataError("DirectLiNGAM: data has missing values; impute or drop rows with missing values first")
    categorical = [v for v, d in zip(ds.variables, ds.discrete_mask) if d]
    if categorical:
        raise DataError(
            f"DirectLiNGAM needs continuous columns; columns {categorical} are categorical "
            "(a linear non-Gaussian model does not apply to category codes)"
        )
    x = np.asarray(ds.values, dtype=float)
    if ds.n_variables < 2:
        raise DataError(f"DirectLiNGAM needs at least 2 variables; got {ds.n_variables}")
    if ds.n_samples < 3:
        raise DataError(f"DirectLiNGAM needs at least 3 samples; got {ds.n_samples}")
    if not np.all(np.isfinite(x)):
        raise DataError("DirectLiNGAM: data has non-finite values")
    return tuple(ds.variables), x


@dataclass(frozen=True)
class LiNGAMResult:
    """What DirectLiNGAM found: the order, the DAG and the edge weights.

    Attributes
    ----------
    causal_order:
        Variable names, causes first.
    graph:
        The DAG of the non-zero weights.
    weights:
        ``{"cause --> effect": weight}`` for every edge of ``graph``.
    """

    causal_order: tuple[str, ...]
    graph: DAG
    weights: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dictionary."""
        return {
            "causal_order": list(self.causal_order),
            "graph": self.graph.to_dict(),
            "weights": dict(self.weights),
        }


@register_algorithm("lingam")
class DirectLiNGAM(Component):
    """DirectLiNGAM (Shimizu et al. 2011) with the pairwise likelihood-ratio measure.

    Parameters
    ----------
    measure:
        ``"pwling"``: the pairwise likelihood ratio of Hyvärinen & Smith (2013)
        with the entropy approximation of Hyvärinen (1998), vectorised over all
        pairs of a step.
    prune:
        How the weights of each variable on its predecessors in the order are
        pruned. ``"adaptive_lasso"`` (default): adaptive lasso (Zou 2006) on the
        standardised data with weights ``|OLS coefficient|``, penalty chosen by
        BIC along the LARS lasso path (:func:`~causalscope.discovery.lars.adaptive_lasso_support`,
        the choice of scikit-learn's ``LassoLarsIC``), then an OLS refit on the
        selected predictors. ``"ols_threshold"``: OLS on all predecessors, then weights
        whose *standardised* absolute value (``|b| sd(x_j) / sd(x_i)``) is below
        ``threshold`` are set to zero and the rest refitted. ``"none"``: the full
        OLS weights (a complete DAG over the order).
    threshold:
        The cut-off of ``"ols_threshold"`` (ignored otherwise); non-negative.
    knowledge:
        Background knowledge (:class:`~causalscope.discovery.knowledge.Knowledge`
        or what ``as_knowledge`` accepts). It constrains the order and the edges:
        a variable may be picked as the next cause only when no remaining variable
        must precede it (a required edge ``u --> v`` puts ``u`` before ``v``; a
        lower tier comes before a higher one); forbidden edges are never used as
        predictors in pruning, and required edges are always kept.
    random_state:
        Accepted for the common estimator interface; DirectLiNGAM is
        deterministic and draws no random numbers.
    progress:
        Progress reporter or callback (one step per variable ordered).

    Attributes
    ----------
    variables_ : tuple of str
        The variable names, in column order.
    causal_order_ : tuple of str
        Variable names, causes first.
    adjacency_matrix_ : numpy.ndarray
        ``B[i, j]``: the direct effect of variable ``j`` on variable ``i`` (rows
        are effects, columns causes, variables in data order), as in
        ``x = B x + e``.
    weights_ : pandas.DataFrame
        ``adjacency_matrix_`` with names: ``weights_.loc[effect, cause]``.
    graph_ : DAG
        The DAG of the non-zero entries of ``adjacency_matrix_``.
    result_ : LiNGAMResult
        The frozen result value.

    References
    ----------
    Shimizu, S., Inazumi, T., Sogawa, Y., Hyvärinen, A., Kawahara, Y., Washio, T.,
    Hoyer, P. O. & Bollen, K. (2011). DirectLiNGAM: A direct method for learning a
    linear non-Gaussian structural equation model. *JMLR* 12, 1225-1248.

    Hyvärinen, A. & Smith, S. M. (2013). Pairwise likelihood ratios for estimation
    of non-Gaussian structural equation models. *JMLR* 14, 111-152.

    Hyvärinen, A. (1998). New approximations of differential entropy for
    independent component analysis and projection pursuit. *NIPS* 10, 273-279.

    Zou, H. (2006). The adaptive lasso and its oracle properties. *JASA* 101,
    1418-1429.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> n = 2000
    >>> a = rng.uniform(-1, 1, n)
    >>> b = 1.5 * a + rng.uniform(-1, 1, n)
    >>> c = -b + rng.uniform(-1, 1, n)
    >>> model = DirectLiNGAM().fit(pd.DataFrame({"a": a, "b": b, "c": c}))
    >>> model.causal_order_
    ('a', 'b', 'c')
    >>> print(model.graph_)
    a --> b; b --> c
    >>> round(float(model.weights_.loc["b", "a"]), 1)
    1.5
    """

    def __init__(
        self,
        *,
        measure: Measure = "pwling",
        prune: Prune = "adaptive_lasso",
        threshold: float = 0.1,
        knowledge: Any = None,
        random_state: RandomState = None,
        progress: Any = None,
    ) -> None:
        self.measure = measure
        self.prune = prune
        self.threshold = threshold
        self.knowledge = knowledge
        self.random_state = random_state
        self.progress = progress

    # -- validation -----------------------------------------------------------------
    def _check_params(self) -> None:
        if self.measure not in _MEASURES:
            raise InvalidParameterError(f"measure must be one of {list(_MEASURES)}; got {self.measure!r}")
        if self.prune not in _PRUNES:
            raise InvalidParameterError(f"prune must be one of {list(_PRUNES)}; got {self.prune!r}")
        t = self.threshold
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not np.isfinite(t) or t < 0:
            raise InvalidParameterError(f"threshold must be a non-negative number; got {t!r}")
        check_random_state(self.random_state)

    def fit(self, data: object) -> DirectLiNGAM:
        """Estimate the causal order, the weights and the DAG from ``data``.

        Parameters
        ----------
        data:
            A :class:`~causalscope.data.Dataset`, DataFrame or 2-D array of
            continuous columns, without missing values.

        Returns
        -------
        DirectLiNGAM
            ``self``.

        Raises
        ------
        InvalidParameterError
            For a bad hyperparameter or knowledge naming an unknown variable.
        DataError
            For missing or non-finite values, fewer than 2 variables or 3
            samples, or collinear columns.
        """
        self._check_params()
        names, x = _continuous_matrix(data)
        knowledge = as_knowledge(self.knowledge)
        if knowledge is not None:
            knowledge.validate(names)
        p = len(names)
        before = _precedence(names, knowledge)
        order = _causal_order(x, before, self.progress, names)
        b = _estimate_weights(x, order, self.prune, float(self.threshold), names, knowledge)
        self.variables_ = tuple(names)
        self.causal_order_ = tuple(names[i] for i in order)
        self.adjacency_matrix_ = b
        self.weights_ = pd.DataFrame(b, index=list(names), columns=list(names))
        edges = [f"{names[j]} --> {names[i]}" for i in range(p) for j in range(p) if b[i, j] != 0]
        self.graph_ = DAG(names, edges)
        self.result_ = LiNGAMResult(
            causal_order=self.causal_order_,
            graph=self.graph_,
            weights={f"{names[j]} --> {names[i]}": float(b[i, j]) for i in range(p) for j in range(p) if b[i, j] != 0},
        )
        _LOG.debug("DirectLiNGAM order: %s", self.causal_order_)
        return self


def _precedence(names: tuple[str, ...], knowledge: Knowledge | None) -> np.ndarray:
    """``before[u, v]``: knowledge requires ``u`` to come before ``v`` in the order."""
    p = len(names)
    before = np.zeros((p, p), dtype=bool)
    if knowledge is None:
        return before
    before |= np.asarray(knowledge.required_matrix(names), dtype=bool)
    tiers = getattr(knowledge, "tiers", None) or ()
    tier_of: dict[str, int] = {}
    for t, tier in enumerate(tiers):
        for name in tier:
            tier_of[name] = t
    for u in range(p):
        for v in range(p):
            if names[u] in tier_of and names[v] in tier_of and tier_of[names[u]] < tier_of[names[v]]:
                before[u, v] = True
    # transitive closure (so that chains of requirements are honoured)
    for k in range(p):
        before |= before[:, [k]] & before[[k], :]
    if np.any(np.diag(before)):
        raise InvalidParameterError(
            "knowledge: the required edges and tiers contain a cycle; no causal order satisfies them"
        )
    return before


def _causal_order(x: np.ndarray, before: np.ndarray, progress: Any, names: tuple[str, ...]) -> list[int]:
    """The DirectLiNGAM search for the causal order on residualised data.

    The variables are kept standardised, one per row of ``zt``. After picking
    ``m``, each remaining ``z_k`` is replaced by its standardised residual
    ``(z_k - c_km z_m) / sqrt(1 - c_km^2)`` (covariance algebra: the regression
    coefficient of standardised variables is their correlation and the residual
    variance ``1 - c^2``), so nothing is re-estimated from the samples.
    """
    p = x.shape[1]
    remaining = list(range(p))
    order: list[int] = []
    zt = np.ascontiguousarray(_standardise(x, names).T)
    reporter = as_progress(progress)
    reporter.start(p, "DirectLiNGAM: causal order")
    try:
        while len(remaining) > 1:
            rem = np.asarray(remaining)
            blocked = before[np.ix_(rem, rem)].any(axis=0)
            candidates = np.flatnonzero(~blocked).astype(np.int64)
            corr = _correlation(zt)
            measure = _pairwise_rows(zt, corr, candidates)
            penalty = (np.minimum(0.0, measure) ** 2).sum(axis=1)
            pick = int(candidates[int(np.argmin(penalty))])
            order.append(remaining[pick])
            keep = np.array([k for k in range(len(remaining)) if k != pick])
            c = corr[keep, pick]
            var = 1.0 - c * c
            if np.any(var < 1e-12):
                which = [names[remaining[k]] for k in keep[var < 1e-12]] + [names[remaining[pick]]]
                raise DataError(
                    f"DirectLiNGAM: columns {which} are an exact linear function of each other "
                    "(collinear); drop redundant columns first"
                )
            zt = (zt[keep] - c[:, None] * zt[pick][None, :]) / np.sqrt(var)[:, None]
            del remaining[pick]
            reporter.advance(1)
        order.append(remaining[0])
        reporter.advance(1)
    finally:
        reporter.close()
    return order


def _ols(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares coefficients of ``y`` on the columns of ``x`` (both centred)."""
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    return coef


def _estimate_weights(
    x: np.ndarray,
    order: list[int],
    prune: str,
    threshold: float,
    names: tuple[str, ...],
    knowledge: Knowledge | None,
) -> np.ndarray:
    n, p = x.shape
    xc = x - x.mean(axis=0)
    sd = xc.std(axis=0)
    xs = xc / sd
    gram = xs.T @ xs
    b = np.zeros((p, p))
    for pos in range(1, p):
        target = order[pos]
        preds = [j for j in order[:pos] if knowledge is None or not knowledge.is_forbidden(names[j], names[target])]
        required = [j for j in preds if knowledge is not None and knowledge.is_required(names[j], names[target])]
        if not preds:
            continue
        if prune == "none":
            chosen = preds
        elif prune == "ols_threshold":
            coef = _ols(xs[:, preds], xs[:, target])
            chosen = [j for j, c in zip(preds, coef) if abs(c) >= threshold or j in required]
        else:
            chosen = _adaptive_lasso(gram, n, preds, target) + required
            chosen = sorted(set(chosen), key=preds.index)
        if chosen:
            b[target, chosen] = _ols(xc[:, chosen], xc[:, target])
    return b


def _adaptive_lasso(gram: np.ndarray, n: int, preds: list[int], target: int) -> list[int]:
    """Predictors kept by the BIC-tuned adaptive lasso (:func:`~causalscope.discovery.lars.adaptive_lasso_support`)."""
    k = len(preds)
    if n <= k + 1:
        raise DataError(
            f"DirectLiNGAM: adaptive lasso needs more samples than predictors + 1; got n={n} "
            f"for {k} predictors; use prune='ols_threshold'"
        )
    keep = adaptive_lasso_support(gram, n, preds, target)
    return [j for j, kept in zip(preds, keep) if kept]


def direct_lingam(
    data: object,
    *,
    measure: Measure = "pwling",
    prune: Prune = "adaptive_lasso",
    threshold: float = 0.1,
    knowledge: Any = None,
    random_state: RandomState = None,
    progress: Any = None,
) -> DAG:
    """DirectLiNGAM as a function: the estimated DAG (see :class:`DirectLiNGAM`).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> x = rng.laplace(size=3000)
    >>> y = 0.8 * x + rng.laplace(size=3000)
    >>> print(direct_lingam(pd.DataFrame({"y": y, "x": x})))
    x --> y
    """
    model = DirectLiNGAM(
        measure=measure,
        prune=prune,
        threshold=threshold,
        knowledge=knowledge,
        random_state=random_state,
        progress=progress,
    )
    return model.fit(data).graph_
