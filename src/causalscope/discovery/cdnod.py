"""CD-NOD: causal discovery from heterogeneous or nonstationary data.

When data come from several domains (labs, sites, experimental conditions) or
drift over time, some causal mechanisms ``P(V_i | pa(V_i))`` change while the
others stay fixed. CD-NOD (Huang, Zhang, Zhang, Ramsey, Sanchez-Romero, Glymour
& Schölkopf 2020) turns this heterogeneity into information:

1. **Surrogate variable.** The domain (or time) index ``C`` is added to the
   variables ``V`` as one more node. Its changes are caused by nothing in ``V``,
   so ``C`` may cause other variables but nothing causes ``C`` (background
   knowledge; section 3.1 of the paper).
2. **Skeleton** over ``V`` and ``C`` by the PC adjacency search
   (:func:`~.skeleton.learn_skeleton`). A variable still adjacent to ``C`` has a
   mechanism that changes with the domain: these are the **changing modules**
   (Theorem 1 of the paper; reported in :attr:`CDNOD.changing_modules_`).
3. **Orientation by the surrogate** (section 4.1, "generalisation of
   invariance"): every edge ``C --- V`` is oriented ``C --> V``; unshielded
   colliders are oriented from the separating sets, including the triples
   through ``C`` (``C --> V_i --- V_j`` with ``C`` and ``V_j`` non-adjacent
   becomes ``V_i <-- V_j`` when ``V_i`` is not in ``sepset(C, V_j)``, and
   ``V_i --> V_j`` otherwise, by Meek's rule 1); then Meek's rules.
4. **Independent change** (section 4.2): an edge still undirected between two
   changing modules ``V_i --- V_j`` is oriented in the direction whose modules
   change *independently*: if ``V_i --> V_j``, the way ``P(V_i)`` changes across
   domains carries no information about the way ``P(V_j | V_i)`` changes, while in
   the wrong direction the changes of ``P(V_j)`` and ``P(V_i | V_j)`` are coupled.
   The dependence is the paper's normalised HSIC of kernel embeddings of the
   modules over the domains (``independent_change="kernel"``) or the RV
   coefficient of per-domain linear-Gaussian parameters (``"parametric"``, the
   default; see :func:`independent_change_dependence`); the direction with the
   smaller dependence wins (unless the two differ by no more than a margin),
   and Meek's rules run again.

How ``C`` enters the CI tests
-----------------------------
For a categorical domain index, ``C`` is one-hot coded: with Gaussian data (the
default ``ci_test="auto"`` on continuous variables) a query ``V_i _||_ V_j | Z``
without ``C`` is the Fisher-z test (exactly as in PC), a query with ``C`` in
``Z`` conditions on the domain indicators (partial correlation of the
within-domain centred data, Fisher-z with ``|Z| - 1 + (m - 1)`` conditioning
variables), and ``C _||_ V | Z`` is the partial F-test of the ``m - 1`` domain
indicators in the regression of ``V`` on ``Z`` (the Gaussian likelihood-ratio
test, exact in finite samples). causal-learn instead appends the domain index as
one numeric column to the Fisher-z test, which tests only a *linear trend*
across arbitrarily numbered domains; ``domain_encoding="numeric"`` does the same
(and is the natural choice for a time index). Any other registered test
(``ci_test="kci"``, ``"mixed"``, ...) receives ``C`` as one more column (discrete
for a categorical index).

References
----------
B. Huang, K. Zhang, J. Zhang, J. Ramsey, R. Sanchez-Romero, C. Glymour and
B. Schölkopf (2020). Causal discovery from heterogeneous/nonstationary data.
*Journal of Machine Learning Research* 21(89), 1-53.
"""

from __future__ import annotations

from typing import Any, Literal, cast

import numpy as np
import pandas as pd
from scipy.stats import f as f_dist
from scipy.stats import norm

from ..contract import Component
from ..data import Dataset
from ..exceptions import DataError, InvalidParameterError
from ..graphs import CPDAG
from ..graphs.equivalence import apply_meek_rules
from ..independence import MissingPolicy
from ..independence.base import BaseCITest, _Batch
from ..utils import get_logger
from .base import check_alpha, register_algorithm, resolve_ci_test
from .knowledge import Knowledge, as_knowledge

__all__ = ["CDNOD", "cdnod", "independent_change_dependence", "DomainEncoding", "IndependentChangeMethod"]

_log = get_logger(__name__)

NO_EDGE, TAIL, ARROW = 0, 1, 2
DomainEncoding = Literal["auto", "categorical", "numeric"]
IndependentChangeMethod = Literal["kernel", "parametric"]
_EPS = np.finfo(float).eps
#: Most distinct values a numeric domain column may have to count as categorical under "auto".
_MAX_CATEGORIES = 20
#: Segments a numeric (time) index is cut into for the independent-change measure.
_ICP_SEGMENTS = 10
#: Kernel independent-change measure: Nyström landmarks, reference points, points for the median heuristic.
_ICP_LANDMARKS = 50
_ICP_REFERENCE = 200
_ICP_MEDIAN_POINTS = 500


# ---------------------------------------------------------------------- the context CI test
class _DomainGaussianTest(BaseCITest):
    """Gaussian CI tests over ``V`` plus a categorical context column ``C`` (the last column).

    Queries without ``C``: Fisher-z from the pooled correlation matrix. ``C`` in
    ``Z``: Fisher-z from the within-domain correlation matrix with ``m - 1`` extra
    conditioning degrees of freedom. ``C`` as ``x`` or ``y``: partial F-test of the
    domain indicators. See the module documentation.
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

    def _evaluate(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> _Batch:
        q, k = zs.shape
        out = _Batch.empty(q)
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
            out.p_value[idx] = 2 * norm.sf(np.abs(stat))
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
                out.p_value[idx] = f_dist.sf(stat, df1, df2)
                out.dof[idx] = df1
            out.n[idx] = n
        return out


# ---------------------------------------------------------------------- independent change
def _module_parameters(cause: np.ndarray, effect: np.ndarray, domain: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-domain parameters of ``P(cause)`` (mean, log sd) and ``P(effect | cause)``
    (slope, intercept, log residual sd)."""
    theta, phi = [], []
    for lab in np.unique(domain):
        r = domain == lab
        x, y = cause[r], effect[r]
        xc = x - x.mean()
        sxx = float(xc @ xc)
        slope = float(xc @ (y - y.mean())) / sxx if sxx > 0 else 0.0
        intercept = float(y.mean() - slope * x.mean())
        resid = y - intercept - slope * x
        theta.append([x.mean(), np.log(x.std() + _EPS)])
        phi.append([slope, intercept, np.log(resid.std() + _EPS)])
    return np.asarray(theta), np.asarray(phi)


def _rv(a: np.ndarray, b: np.ndarray) -> float:
    """Centred kernel alignment of linear kernels on standardised rows (the RV coefficient)."""
    def gram(p: np.ndarray) -> np.ndarray:
        sd = p.std(axis=0)
        z = (p - p.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
        return z @ z.T

    ka, kb = gram(a), gram(b)
    den = np.sqrt(np.sum(ka * ka) * np.sum(kb * kb))
    return float(np.sum(ka * kb) / den) if den > 0 else 0.0


def _gauss(u: np.ndarray, v: np.ndarray, width: float) -> np.ndarray:
    """Gaussian kernel matrix ``exp(-(u_i - v_j)^2 / (2 width^2))`` of two 1-d arrays."""
    return np.exp(-((u[:, None] - v[None, :]) ** 2) / (2.0 * width * width))


def _median_width(v: np.ndarray) -> float:
    """The median heuristic: median distance between pairs of (at most 500, evenly spaced by rank) points."""
    s = np.sort(v)
    s = s[np.linspace(0, len(s) - 1, min(len(s), _ICP_MEDIAN_POINTS)).astype(np.intp)]
    dist = np.abs(s[:, None] - s[None, :])[np.triu_indices(len(s), 1)]
    med = float(np.median(dist)) if dist.size else 0.0
    return med if med > 0 else 1.0


def _feature_map(v: np.ndarray, width: float) -> Any:
    """Nyström features of the Gaussian kernel on a 1-d variable.

    Landmarks are ``_ICP_LANDMARKS`` quantiles of ``v``; the returned map ``z``
    satisfies ``z(a) @ z(b).T ~= k(a, b)`` (exact on the landmarks).
    """
    lm = np.unique(np.quantile(v, (np.arange(_ICP_LANDMARKS) + 0.5) / _ICP_LANDMARKS))
    vals, vecs = np.linalg.eigh(_gauss(lm, lm, width))
    keep = vals > 1e-8 * vals.max()
    proj = vecs[:, keep] / np.sqrt(vals[keep])
    return lambda u: _gauss(u, lm, width) @ proj


def _embedding_gram(dist: np.ndarray) -> np.ndarray:
    """Gaussian kernel on embeddings from their squared distances; width by the median heuristic."""
    m = dist.shape[0]
    off = dist[np.triu_indices(m, 1)]
    off = off[off > 0]
    if off.size == 0:
        return np.ones_like(dist)
    return np.exp(-dist / (2.0 * float(np.median(off))))


def _normalised_hsic(k: np.ndarray, g: np.ndarray, w: np.ndarray) -> float:
    """Normalised HSIC of two domain-level Gram matrices, each domain weighted by its share of rows.

    Equal to the sample-level statistic ``tr(K H G H) / sqrt(tr(K H K H) tr(G H G H))``
    with ``K`` and ``G`` constant within domains.
    """
    c = np.eye(len(w)) - w[None, :]           # rows: e_c - w
    kc, gc = c @ k @ c.T, c @ g @ c.T
    ww = np.outer(w, w)
    kg, kk, gg = np.sum(ww * kc * gc), np.sum(ww * kc * kc), np.sum(ww * gc * gc)
    den = np.sqrt(max(kk, 0.0) * max(gg, 0.0))
    return float(kg / den) if den > 1e-300 else 0.0


def _kernel_change_dependence(x: np.ndarray, y: np.ndarray, domain: np.ndarray, regularization: float) -> float:
    """The paper's Δ for ``x --> y``: normalised HSIC between the domain-wise kernel
    embeddings of ``P(x | C)`` and ``P(y | x, C)`` (see :func:`independent_change_dependence`)."""
    labs, codes = np.unique(domain, return_inverse=True)
    counts = np.bincount(codes, minlength=len(labs))
    ok = counts >= 4                           # each half of the cross-fit needs 2 rows
    if ok.sum() < 3:
        return 0.0
    rows = ok[codes]
    x, y = x[rows], y[rows]
    codes = np.searchsorted(np.flatnonzero(ok), codes[rows])
    counts = counts[ok].astype(float)
    m = len(counts)
    sx, sy = x.std(), y.std()
    if sx <= 0 or sy <= 0:
        return 0.0
    x = (x - x.mean()) / sx
    y = (y - y.mean()) / sy
    zx_of = _feature_map(x, _median_width(x))
    zx, zy = zx_of(x), _feature_map(y, _median_width(y))(y)
    onehot = codes[:, None] == np.arange(m)[None, :]
    # P(x | C = c): mean embeddings and their squared MMDs
    mu = (onehot.T @ zx) / counts[:, None]
    gram_x = mu @ mu.T
    dist_x = np.diag(gram_x)[:, None] + np.diag(gram_x)[None, :] - 2 * gram_x
    # P(y | x, C = c): conditional embedding operators by ridge regression of the
    # features of y on those of x, shrunk towards the pooled operator, fitted
    # separately on two halves of each domain's rows (cross-fitting)
    eye = np.eye(zx.shape[1])
    pooled = np.linalg.solve(zx.T @ zx + len(x) * regularization * eye, zx.T @ zy)
    order = np.argsort(codes, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts.astype(np.intp))[:-1]])
    rank_in_domain = np.empty(len(x), dtype=np.intp)
    rank_in_domain[order] = np.arange(len(x)) - np.repeat(starts, counts.astype(np.intp))
    key = 2 * codes + rank_in_domain % 2         # (domain, half) groups, both halves non-empty
    order = np.argsort(key, kind="stable")
    groups = np.split(order, np.searchsorted(key[order], np.arange(1, 2 * m)))
    ops = np.empty((2, m, zx.shape[1], zy.shape[1]))
    for g, rows_g in enumerate(groups):
        a = zx[rows_g]
        resid = zy[rows_g] - a @ pooled
        ops[g % 2, g // 2] = pooled + np.linalg.solve(a.T @ a + len(rows_g) * regularization * eye, a.T @ resid)
    # evaluate at reference points (quantiles of the pooled cause), weighted per
    # pair of domains by the overlap min(p_c, p_c') of their densities of x
    ref = np.quantile(x, (np.arange(_ICP_REFERENCE) + 0.5) / _ICP_REFERENCE)
    zr = zx_of(ref)
    emb = np.matmul(zr, ops)                             # (2, m, R, q)
    dens = np.maximum(zr @ mu.T, 0.0)                   # (R, m) kernel density estimates
    overlap = np.minimum(dens.T[:, None, :], dens.T[None, :, :])
    e1, e2 = emb[0], emb[1]
    cross12 = np.einsum("arq,brq->abr", e1, e2)
    self12 = np.einsum("crq,crq->cr", e1, e2)
    sq = self12[:, None, :] + self12[None, :, :] - cross12 - cross12.transpose(1, 0, 2)
    dist_y = np.maximum((overlap * sq).sum(-1) / np.maximum(overlap.sum(-1), 1e-300), 0.0)
    np.fill_diagonal(dist_y, 0.0)
    w = counts / counts.sum()
    return _normalised_hsic(_embedding_gram(dist_x), _embedding_gram(dist_y), w)


def independent_change_dependence(
    cause: np.ndarray,
    effect: np.ndarray,
    domain: np.ndarray,
    *,
    method: IndependentChangeMethod = "parametric",
    regularization: float = 1e-3,
) -> float:
    """How strongly the changes of ``P(cause)`` and ``P(effect | cause)`` are coupled across domains.

    The independent-change principle of Huang et al. (2020, section 4.2): if
    ``cause --> effect``, the mechanisms ``P(cause)`` and ``P(effect | cause)``
    change independently across domains, so a measure of dependence between the
    two modules, computed over the domains, is small; in the anti-causal
    factorisation ``P(effect) P(cause | effect)`` the changes are coupled. The
    direction with the smaller value is the causal one.

    ``method="kernel"`` is the paper's estimator of its Δ measure:

    * ``P(cause | C=c)`` is represented by its kernel mean embedding in domain
      ``c`` (Gaussian kernel, median-heuristic width, on the standardised cause);
    * ``P(effect | cause, C=c)`` by its conditional embedding operator, estimated
      by kernel ridge regression of the effect's features on the cause's features
      in domain ``c`` with ridge ``n_c * regularization``;
    * the embeddings of the ``m`` domains get a Gaussian kernel on their RKHS
      distances (width: the median heuristic), and Δ is the normalised HSIC of
      the two resulting Gram matrices, each domain weighted by its number of rows
      (the same value as over the samples, whose embeddings are constant within a
      domain). It lies in ``[-1, 1]`` and is near 0 for independent changes.

    Three estimation details remove a bias that otherwise couples the estimated
    conditional embeddings with ``P(cause | C)`` even when the mechanism is fixed
    (ridge shrinkage and extrapolation depend on where a domain has data): the
    per-domain ridge regressions shrink towards the pooled regression instead of
    towards zero; two conditional embeddings are compared only where both
    domains have data (an average over reference points weighted by the smaller
    of the two domains' kernel density estimates); and the squared distance is
    cross-fitted (each domain's rows split into two halves, the distance is the
    inner product of the two halves' differences), so estimation noise adds no
    distance. Nyström features on 50 landmarks (quantiles) make it linear in the
    number of rows.

    ``method="parametric"`` summarises each module in domain ``c`` by parameters
    that determine it for linear-Gaussian data (``P(cause)``: mean and log sd;
    ``P(effect | cause)``: slope, intercept and log residual sd of the domain's
    least-squares fit) and returns the normalised HSIC with linear kernels of the
    standardised parameter vectors over the domains (the RV coefficient, in
    ``[0, 1]``).

    Parameters
    ----------
    cause, effect:
        One-dimensional arrays of the same length.
    domain:
        Domain labels per row; at least 3 domains are needed for a meaningful
        value (with 2 domains every such measure is 1). ``method="kernel"`` ignores
        domains with fewer than 4 rows and returns 0 if fewer than 3 remain.
    method:
        ``"kernel"`` or ``"parametric"``, as described above.
    regularization:
        The kernel ridge parameter ``lambda`` (``method="kernel"``): the ridge in
        domain ``c`` is ``n_c * lambda``. Must be positive.

    Returns
    -------
    float

    Raises
    ------
    InvalidParameterError
        Arrays of different shapes, an unknown ``method``, a ``regularization``
        that is not positive.

    Notes
    -----
    Which measure is more accurate depends on the data (docs/cdnod.md has the
    simulation table). With linear-Gaussian modules whose slope is fixed the
    parametric measure is better (12 domains: 92% against 68% of pairs); with a
    changing slope the two are close (55-59%); with nonlinear mechanisms and
    changes of shape the parametric measure is misled (8-19%, worse than chance)
    and the kernel one picks the causal direction in 84% (6 domains) to 91% (12)
    of pairs.
    Even with exact embeddings the kernel Δ computed over few domains is a noisy
    statistic: its accuracy grows with the number of domains. Only the pair's own
    modules are used, not the full conditional on all parents.

    References
    ----------
    B. Huang et al. (2020). Causal discovery from heterogeneous/nonstationary data.
    *JMLR* 21(89), section 4.2.

    Examples
    --------
    ``X`` changes its mean and scale across 12 domains, ``Y = X + noise`` changes
    its intercept: the causal direction has the smaller dependence.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> d = np.repeat(np.arange(12), 200)
    >>> x = rng.normal(size=2400) * rng.uniform(0.5, 2, 12)[d] + rng.normal(scale=1.5, size=12)[d]
    >>> y = x + rng.normal(scale=1.5, size=12)[d] + rng.normal(size=2400)
    >>> bool(independent_change_dependence(x, y, d) < independent_change_dependence(y, x, d))
    True

    A nonlinear mechanism ``Y = a_c + 2 tanh(w_c X) + noise`` whose noise changes
    shape, with a bimodal cause: the kernel measure finds the direction.

    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=12)[d] + rng.normal(size=2400) + rng.uniform(0, 3, 12)[d] * (rng.random(2400) < 0.5)
    >>> s = rng.uniform(0, 1, 12)[d]
    >>> noise = (1 - s) * rng.normal(size=2400) + s * (rng.exponential(size=2400) - 1)
    >>> y = rng.normal(size=12)[d] + 2 * np.tanh(rng.uniform(0.5, 2, 12)[d] * x) + 0.5 * noise
    >>> dxy = independent_change_dependence(x, y, d, method="kernel")
    >>> dyx = independent_change_dependence(y, x, d, method="kernel")
    >>> bool(dxy < dyx)
    True
    """
    x = np.asarray(cause, dtype=float)
    y = np.asarray(effect, dtype=float)
    dom = np.asarray(domain)
    if not (x.shape == y.shape == dom.shape) or x.ndim != 1:
        raise InvalidParameterError(
            f"cause, effect and domain must be 1-d arrays of one length; got shapes {x.shape}, {y.shape}, {dom.shape}"
        )
    if _check_choice(method, "method", ("kernel", "parametric")) == "parametric":
        theta, phi = _module_parameters(x, y, dom)
        return _rv(theta, phi)
    if not isinstance(regularization, (int, float, np.integer, np.floating)) or not regularization > 0:
        raise InvalidParameterError(f"regularization must be a positive number; got {regularization!r}")
    return _kernel_change_dependence(x, y, dom, float(regularization))


# ---------------------------------------------------------------------- input handling
def _check_choice(value: object, name: str, options: tuple[str, ...]) -> str:
    if value not in options:
        raise InvalidParameterError(f"{name} must be one of {list(options)}; got {value!r}")
    return str(value)


def _split_domain(data: Any, domain_column: str | None) -> tuple[Dataset, np.ndarray, str, bool]:
    """Split ``data`` into the analysis variables and the domain labels.

    Returns the dataset of ``V``, the raw domain labels, the column name and
    whether the labels were numeric.
    """
    if isinstance(data, pd.DataFrame):
        if domain_column is None:
            raise InvalidParameterError(
                "domain_column must name the domain or time column of the data frame; got None"
            )
        if domain_column not in data.columns:
            raise DataError(
                f"domain_column {domain_column!r} is not a column of the data; columns are {list(map(str, data.columns))}"
            )
        labels = data[domain_column].to_numpy()
        rest = Dataset.from_frame(data.drop(columns=[domain_column]), missing="keep")
        return rest, labels, str(domain_column), pd.api.types.is_numeric_dtype(data[domain_column].dtype)
    if isinstance(data, Dataset):
        role = data.domain_column
        if domain_column is None or domain_column == role:
            if role is None or data.domain is None:
                raise InvalidParameterError(
                    "domain_column is None and the Dataset has no domain column; name the column "
                    f"that holds the domain or time index (variables: {list(data.variables)})"
                )
            labels_t = data.domain_labels or ()
            codes = np.asarray(data.domain)
            raw = np.empty(len(labels_t), dtype=object)
            raw[:] = list(labels_t)
            labels = raw[codes]
            numeric = all(isinstance(v, (int, float, np.integer, np.floating)) for v in labels_t)
            return data, labels, str(role), numeric
        if domain_column not in data.variables:
            raise DataError(
                f"domain_column {domain_column!r} is not a column of the data; variables are {list(data.variables)}"
            )
        frame = data.to_frame(decode=True, include_roles=False)
        labels = frame[domain_column].to_numpy()
        rest = data.subset([v for v in data.variables if v != domain_column])
        return rest, labels, str(domain_column), pd.api.types.is_numeric_dtype(frame[domain_column].dtype)
    raise InvalidParameterError(
        f"data must be a pandas DataFrame or a causalscope Dataset with a domain column; got {type(data).__name__}"
    )


def _domain_codes(labels: np.ndarray, column: str) -> tuple[np.ndarray, tuple[Any, ...]]:
    ser = pd.Series(labels)
    if ser.isna().any():
        raise DataError(f"domain column {column!r} has {int(ser.isna().sum())} missing values; CD-NOD needs a label on every row")
    codes, uniques = pd.factorize(ser, sort=True)
    if len(uniques) < 2:
        raise DataError(
            f"domain column {column!r} has only one value ({uniques[0]!r}); CD-NOD needs at least two "
            "domains or time points"
        )
    return codes.astype(np.int64), tuple(uniques.tolist())


# ---------------------------------------------------------------------- orientation helpers
def _creates_cycle(marks: np.ndarray, u: int, v: int) -> bool:
    """Whether adding ``u --> v`` closes a directed cycle (``v`` reaches ``u``)."""
    directed = (marks == ARROW) & (marks.T == TAIL)
    seen = {v}
    stack = [v]
    while stack:
        a = stack.pop()
        if a == u:
            return True
        for b in np.flatnonzero(directed[a]).tolist():
            if b not in seen:
                seen.add(b)
                stack.append(b)
    return False


def _has_directed_cycle(marks: np.ndarray) -> bool:
    """Whether the directed edges of a mark matrix contain a cycle (Kahn's algorithm)."""
    directed = (marks == ARROW) & (marks.T == TAIL)
    indeg = directed.sum(axis=0)
    alive = np.ones(len(marks), dtype=bool)
    while True:
        free = np.flatnonzero(alive & (indeg == 0))
        if free.size == 0:
            return bool(alive.any())
        alive[free] = False
        indeg = indeg - directed[free].sum(axis=0)


def _is_undirected(marks: np.ndarray, u: int, v: int) -> bool:
    return bool(marks[u, v] == TAIL and marks[v, u] == TAIL)


def _context_knowledge(user: Knowledge | None, v_names: tuple[str, ...], c_name: str) -> Knowledge:
    """The user's knowledge plus "nothing causes C" (every ``V --> C`` forbidden)."""
    extra = frozenset((v, c_name) for v in v_names)
    if user is None:
        return Knowledge(forbidden=extra)
    return Knowledge(
        required=user.required,
        forbidden=user.forbidden | extra,
        tiers=user.tiers,
        forbid_within_tiers=user.forbid_within_tiers,
    )


def _segments(t: np.ndarray) -> np.ndarray:
    """Cut a numeric (time) index into up to 10 segments of near-equal size by rank."""
    ranks = np.argsort(np.argsort(t, kind="stable"), kind="stable")
    return (ranks * _ICP_SEGMENTS // len(t)).astype(np.int64)


# ---------------------------------------------------------------------- the estimator
@register_algorithm("cdnod")
class CDNOD(Component):
    """CD-NOD: a CPDAG and the changing mechanisms from multi-domain or nonstationary data.

    Parameters
    ----------
    domain_column:
        The column holding the domain (condition, site, regime) or time index. If
        ``None``, the :class:`~causalscope.data.Dataset`'s domain column is used.
    ci_test:
        ``"auto"``: with continuous variables and a categorical domain, the
        Gaussian tests described in the module documentation; otherwise the
        registry's choice (:func:`~causalscope.discovery.resolve_ci_test`) for the
        data with ``C`` appended. A registered test name receives ``C`` as one more
        column (``"fisherz"`` with ``domain_encoding="categorical"`` also uses the
        Gaussian domain tests).
    alpha:
        Significance level in ``(0, 1)``.
    max_cond_size:
        Largest conditioning set in the skeleton search (``None``: no limit).
    stable:
        Order-independent skeleton (Colombo & Maathuis 2014).
    collider_rule, conflict:
        How unshielded colliders are decided and conflicts resolved, exactly as in
        :class:`~causalscope.discovery.PC` (triples through ``C`` included).
    knowledge:
        Background knowledge over the variables (it must not name the domain column).
    domain_encoding:
        ``"categorical"``: ``C`` is a label (one indicator per domain);
        ``"numeric"``: ``C``'s values form one numeric column (a time index; also
        causal-learn's treatment of a domain index); ``"auto"``: categorical unless
        the column is numeric with more than 20 distinct values.
    orient_by_independent_change:
        Orient the edges left undirected between two changing modules by the
        independent-change principle (needs at least 3 domains; a numeric index is
        cut into 10 segments by rank for this step).
    independent_change:
        The dependence measure of that step (:func:`independent_change_dependence`):
        ``"kernel"``, the paper's normalised HSIC of kernel embeddings of the
        modules (nonparametric), or ``"parametric"``, the RV coefficient of
        per-domain linear-Gaussian parameters (better when the modules are
        linear-Gaussian with a fixed slope, misled by nonlinear mechanisms; see
        docs/cdnod.md).
    independent_change_margin:
        An edge is oriented only when the two directions' dependences differ by
        more than this (``>= 0``); otherwise it stays undirected ("undecided").
    missing:
        ``"error"`` or ``"testwise"``, passed to the CI test.
    n_jobs, progress:
        As for :class:`~causalscope.discovery.PC`.

    Attributes
    ----------
    graph_ : CPDAG
        The learned graph over the variables (``C`` removed).
    graph_with_context_ : CPDAG
        The graph including the node ``C`` (named after the domain column).
    changing_modules_ : tuple of str
        Variables adjacent to ``C``: their mechanisms change across domains.
    changing_module_pvalues_ : dict
        For each changing module, the largest p-value among the CI tests of ``C``
        against it (all at most ``alpha``; smaller means stronger evidence of change).
    independent_change_ : dict
        ``{(a, b): (dependence if a --> b, dependence if b --> a)}`` for each edge
        the independent-change step examined (oriented or left undecided).
    oriented_by_independent_change_ : tuple
        The edges ``(cause, effect)`` that step oriented.
    pc_ : PC
        The fitted PC run over the variables and ``C`` (steps 1-3).
    skeleton_, sepsets_, pvalues_, n_tests_ :
        As for PC (over the variables and ``C``).
    variables_, domain_column_, domain_labels_, domain_encoding_ :
        The variables, the domain column, its sorted labels and the encoding used.

    Raises
    ------
    InvalidParameterError
        In :meth:`fit`: bad options, or no domain column given nor found.
    DataError
        In :meth:`fit`: an unknown domain column, a domain column with one value or
        missing labels, knowledge naming the domain column.

    Notes
    -----
    Steps 1-3 of the module documentation are PC run on ``V`` plus ``C`` with the
    knowledge "no variable causes ``C``": PC orients ``C --> V`` from the
    knowledge before the colliders, then orients the colliders (the triples
    ``C --> V_i <-- V_j`` included) and applies Meek's rules, which orient
    ``V_i --> V_j`` from ``C --> V_i --- V_j`` when ``V_i`` separated ``C`` and
    ``V_j``.

    References
    ----------
    B. Huang, K. Zhang, J. Zhang, J. Ramsey, R. Sanchez-Romero, C. Glymour and
    B. Schölkopf (2020). Causal discovery from heterogeneous/nonstationary data.
    *Journal of Machine Learning Research* 21(89), 1-53.

    Examples
    --------
    ``X --> Y``, and only ``X``'s mechanism changes between two domains: PC
    cannot orient the edge, CD-NOD can (``C --> X --- Y`` is an unshielded
    non-collider, so ``X --> Y``).

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> d = np.repeat([0, 1], 500)
    >>> x = rng.normal(size=1000) + 2.0 * d
    >>> y = x + rng.normal(size=1000)
    >>> frame = pd.DataFrame({"X": x, "Y": y, "domain": d})
    >>> est = CDNOD(domain_column="domain").fit(frame)
    >>> print(est.graph_)
    X --> Y
    >>> est.changing_modules_
    ('X',)
    >>> print(est.graph_with_context_)
    X --> Y; domain --> X
    """

    name = "cdnod"

    def __init__(
        self,
        *,
        domain_column: str | None = None,
        ci_test: Any = "auto",
        alpha: float = 0.05,
        max_cond_size: int | None = None,
        stable: bool = True,
        collider_rule: str = "sepset",
        conflict: str = "existing",
        knowledge: Any = None,
        domain_encoding: DomainEncoding = "auto",
        orient_by_independent_change: bool = True,
        independent_change: IndependentChangeMethod = "parametric",
        independent_change_margin: float = 0.0,
        missing: MissingPolicy = "error",
        n_jobs: int = 1,
        progress: Any = None,
    ) -> None:
        self.domain_column = domain_column
        self.ci_test = ci_test
        self.alpha = alpha
        self.max_cond_size = max_cond_size
        self.stable = stable
        self.collider_rule = collider_rule
        self.conflict = conflict
        self.knowledge = knowledge
        self.domain_encoding = domain_encoding
        self.orient_by_independent_change = orient_by_independent_change
        self.independent_change = independent_change
        self.independent_change_margin = independent_change_margin
        self.missing = missing
        self.n_jobs = n_jobs
        self.progress = progress

    # -- helpers -----------------------------------------------------------------
    def _build_test(
        self, ds: Dataset, codes: np.ndarray, raw: np.ndarray, c_name: str, encoding: str
    ) -> Any:
        """The CI test over the variables plus ``C`` (the last column)."""
        frame = ds.to_frame(decode=False, include_roles=False)
        cont = all(str(getattr(k, "value", k)).lower() == "continuous" for k in ds.kinds.values())
        if encoding == "categorical" and self.ci_test in ("auto", "fisherz") and cont and not ds.has_missing:
            frame[c_name] = codes.astype(float)
            return _DomainGaussianTest(frame, codes)
        if not isinstance(self.ci_test, str):
            raise InvalidParameterError(
                f"ci_test must be 'auto' or a registered test name for CD-NOD; got {type(self.ci_test).__name__}"
            )
        kinds: dict[str, Any] = {v: str(getattr(k, "value", k)).lower() for v, k in ds.kinds.items()}
        if encoding == "categorical":
            frame[c_name] = codes
            kinds[c_name] = "discrete"
        else:
            frame[c_name] = raw.astype(float)
            kinds[c_name] = "continuous"
        aug = Dataset.from_frame(frame, kinds=kinds, missing="keep" if ds.has_missing else "error")
        test, _ = resolve_ci_test(self.ci_test, aug, missing=self.missing)
        return test

    def fit(self, data: Any) -> CDNOD:
        """Learn the graph and the changing modules from ``data`` (a DataFrame or Dataset).

        Returns
        -------
        CDNOD
            ``self``, with the fitted attributes set.
        """
        from .pc import PC

        check_alpha(self.alpha)
        encoding = _check_choice(self.domain_encoding, "domain_encoding", ("auto", "categorical", "numeric"))
        if not isinstance(self.orient_by_independent_change, (bool, np.bool_)):
            raise InvalidParameterError(
                f"orient_by_independent_change must be True or False; got {self.orient_by_independent_change!r}"
            )
        icp_method = cast(
            IndependentChangeMethod,
            _check_choice(self.independent_change, "independent_change", ("kernel", "parametric")),
        )
        margin = self.independent_change_margin
        if (
            isinstance(margin, (bool, np.bool_))
            or not isinstance(margin, (int, float, np.integer, np.floating))
            or not margin >= 0
        ):
            raise InvalidParameterError(f"independent_change_margin must be a number >= 0; got {margin!r}")
        ds, raw, c_name, numeric = _split_domain(data, self.domain_column)
        codes, labels = _domain_codes(raw, c_name)
        if encoding == "auto":
            encoding = "numeric" if numeric and len(labels) > _MAX_CATEGORIES else "categorical"
        if encoding == "numeric" and not numeric:
            raise DataError(
                f"domain_encoding='numeric' needs a numeric domain column; {c_name!r} holds labels such as {labels[0]!r}"
            )
        if len(ds.variables) < 1:
            raise DataError("CD-NOD needs at least one variable besides the domain column")
        v_names = tuple(ds.variables)
        user = as_knowledge(self.knowledge)
        if user is not None:
            if c_name in user.mentioned():
                raise DataError(
                    f"knowledge must not name the domain column {c_name!r}; CD-NOD adds "
                    "'nothing causes it' itself"
                )
            user.validate(v_names)
        knowledge = _context_knowledge(user, v_names, c_name)
        test = self._build_test(ds, codes, raw, c_name, encoding)

        pc = PC(
            ci_test=test, alpha=self.alpha, max_cond_size=self.max_cond_size, stable=self.stable,
            collider_rule=self.collider_rule, conflict=self.conflict, knowledge=knowledge,
            missing=self.missing, n_jobs=self.n_jobs, progress=self.progress,
        ).fit()
        names = tuple(pc.variables_)
        c = names.index(c_name)
        skel = pc.skeleton_
        marks = pc.graph_.mark_matrix().astype(np.int8)
        changing = [int(v) for v in np.flatnonzero(skel.adjacency[c])]

        icp: dict[tuple[str, str], tuple[float, float]] = {}
        icp_oriented: list[tuple[str, str]] = []
        if self.orient_by_independent_change and len(changing) >= 2:
            seg = codes if encoding == "categorical" else _segments(raw.astype(float))
            if len(np.unique(seg)) >= 3:
                marks = _orient_by_independent_change(
                    marks, changing, ds, names, seg, icp, icp_oriented, icp_method, float(margin)
                )

        keep = [i for i in range(len(names)) if i != c]
        self.pc_ = pc
        self.variables_ = v_names
        self.domain_column_ = c_name
        self.domain_labels_ = labels
        self.domain_encoding_ = encoding
        self.skeleton_ = skel
        self.graph_with_context_ = CPDAG.from_mark_matrix(names, marks)
        self.graph_ = CPDAG.from_mark_matrix([names[i] for i in keep], marks[np.ix_(keep, keep)])
        self.changing_modules_ = tuple(names[v] for v in changing)
        self.changing_module_pvalues_ = {
            names[v]: float(skel.pvalues.get((min(c, v), max(c, v)), float("nan"))) for v in changing
        }
        self.independent_change_ = icp
        self.oriented_by_independent_change_ = tuple(icp_oriented)
        self.sepsets_ = dict(pc.sepsets_)
        self.pvalues_ = dict(pc.pvalues_)
        self.n_tests_ = int(pc.n_tests_)
        return self


def _orient_by_independent_change(
    marks: np.ndarray,
    changing: list[int],
    ds: Dataset,
    names: tuple[str, ...],
    seg: np.ndarray,
    icp: dict[tuple[str, str], tuple[float, float]],
    oriented: list[tuple[str, str]],
    method: IndependentChangeMethod,
    margin: float,
) -> np.ndarray:
    """Step 4: orient undirected edges between changing modules, most decisive first.

    An edge is a candidate when its two dependences differ by more than ``margin``.
    Each orientation is followed by Meek's rules; an orientation that would close
    a directed cycle, or an edge already oriented by an earlier step, is skipped.
    """
    cands = []
    for i, a in enumerate(changing):
        for b in changing[i + 1 :]:
            if not _is_undirected(marks, a, b):
                continue
            xa, xb = ds.column(names[a]).astype(float), ds.column(names[b]).astype(float)
            ok = ~(np.isnan(xa) | np.isnan(xb))
            d_ab = independent_change_dependence(xa[ok], xb[ok], seg[ok], method=method)
            d_ba = independent_change_dependence(xb[ok], xa[ok], seg[ok], method=method)
            icp[(names[a], names[b])] = (d_ab, d_ba)
            if abs(d_ab - d_ba) > margin:
                cands.append((abs(d_ab - d_ba), (a, b) if d_ab < d_ba else (b, a)))
    for _, (u, v) in sorted(cands, key=lambda t: -t[0]):
        if _is_undirected(marks, u, v) and not _creates_cycle(marks, u, v):
            trial = marks.copy()
            trial[u, v] = ARROW
            trial[v, u] = TAIL
            trial = apply_meek_rules(trial)
            if _has_directed_cycle(trial):
                # Meek's rules propagated the orientation into a cycle (the partially
                # directed graph has no consistent extension with it): skip it
                _log.debug("CD-NOD independent change: %s --> %s skipped (cycle)", names[u], names[v])
                continue
            marks = trial
            oriented.append((names[u], names[v]))
            _log.debug("CD-NOD independent change: %s --> %s", names[u], names[v])
    return marks


def cdnod(data: Any, domain_column: str | None = None, **kwargs: Any) -> CPDAG:
    """Run :class:`CDNOD` and return its graph over the variables.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> d = np.repeat([0, 1], 500)
    >>> x = rng.normal(size=1000) + 2.0 * d
    >>> frame = pd.DataFrame({"X": x, "Y": x + rng.normal(size=1000), "domain": d})
    >>> print(cdnod(frame, domain_column="domain"))
    X --> Y
    """
    return CDNOD(domain_column=domain_column, **kwargs).fit(data).graph_
