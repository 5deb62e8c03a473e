"""Invariant causal prediction (ICP) of a target's causes across environments.

If the data come from several environments that intervene on anything but the
target ``Y`` itself, the conditional distribution of ``Y`` given its causal
parents is the same in every environment. ICP (Peters, Bühlmann & Meinshausen
2016) turns this into a confidence statement:

1. For every subset ``S`` of the predictors (after a pre-selection when there
   are more than ``max_predictors``; see below), regress ``Y`` on ``X_S`` by
   ordinary least squares on the pooled data (with an intercept).
2. Test ``H_{0,S}``: the residuals have the same distribution in every
   environment. The paper's *approximate* test (section 3.2, method II of the
   paper): for each environment ``e``, the residuals inside ``e`` are compared
   with those outside by a two-sample (Welch) t-test of the means and an F-test
   of the variances, the smaller p-value doubled (Bonferroni over the two
   tests); the set's p-value is the smallest over environments times ``K - 1``
   for ``K`` environments (Bonferroni over the dependent one-against-the-rest
   comparisons, as ``causalicp``; with two environments they are one test),
   capped at 1. With ``test="exact"``
   the same statistic (the smallest per-environment p-value) is calibrated by
   permuting the environment labels of the residuals (``n_permutations``,
   seeded): exact for exchangeable residuals, a close approximation for OLS
   residuals (they are not exactly exchangeable).
3. ``S`` is *accepted* when its p-value exceeds ``alpha``. The identified
   causes are the intersection of the accepted sets, which is contained in the
   true parents with probability at least ``1 - alpha`` (the paper's Theorem 1).
   When no set is accepted the model (linear, invariant, no intervention on
   ``Y``) is rejected: ``model_rejected_`` is True and no causes are returned.
4. Confidence intervals (eq. 8 of the paper, the level split as ``alpha / 2``
   for the intervals): for every accepted set, the ``1 - alpha / 2`` normal
   intervals of its OLS coefficients (0 for a variable outside the set); the
   interval of a variable is the union (hull) over the accepted sets, as in
   ``causalicp``.
5. The p-value of variable ``k`` is the largest p-value of a set without
   ``k``: small only when every set without ``k`` is rejected (1 when the
   model is rejected).

Pre-selection (section 3.4 of the paper): for more than ``max_predictors``
candidates, the first ``max_predictors`` variables to enter the Lasso path of
``Y`` on the (standardised) pooled predictors are kept (LARS-Lasso,
:func:`sklearn.linear_model.lars_path`).

Nonlinear ICP (``method="nonlinear"``; Heinze-Deml, Peters & Meinshausen
2018, the "invariant residual distribution" test): the regression of ``Y`` on
``X_S`` is a seeded random forest (out-of-bag predictions, so the residuals are
not over-fitted) and the residuals of every environment are compared with the
rest by the two-sample Kolmogorov-Smirnov test, Bonferroni over the
environments. Confidence intervals are not defined there (NaN).

Hidden ICP (:class:`HiddenICP`, registered ``"hidden_icp"``; Rothenhäusler,
Bühlmann & Meinshausen 2019, the estimator behind the R package's
``hiddenICP``) drops the assumption of no hidden confounders and assumes
instead that the environments act by *shift interventions* on the predictors
(additive, independent of the noise; never on ``Y``). Then the inner products
``E_e[X (Y - X beta)]`` are the same in every environment for the causal
``beta`` even when ``X`` and the noise of ``Y`` are confounded ("inner-product
invariance"). What it tests: for each predictor, ``H_0: beta_k = 0`` in the
model ``Y = X beta + eps`` with this invariance; ``beta`` is the causal Dantzig
estimate ``(sum_e D_e' D_e)^{-1} sum_e D_e' d_e`` with ``D_e = G_e - G_0`` and
``d_e = z_e - z_0`` the differences of the environments' Gram matrices
``G_e = X_e'X_e / n_e`` and ``z_e = X_e'Y_e / n_e`` from the reference
environment 0 (the first one, or the first observational one), and its
covariance is the delta-method (sandwich) one. All predictors enter at once
(no subset search); ``causes_`` are the predictors whose ``1 - alpha`` normal
interval excludes 0. It needs the shifts to move every predictor in some
direction that differs across environments (``sum_e D_e' D_e`` invertible).

References
----------
J. Peters, P. Bühlmann and N. Meinshausen (2016). Causal inference by using
invariant prediction: identification and confidence intervals. *JRSS B* 78(5),
947-1012.
C. Heinze-Deml, J. Peters and N. Meinshausen (2018). Invariant causal
prediction for nonlinear models. *Journal of Causal Inference* 6(2).
D. Rothenhäusler, P. Bühlmann and N. Meinshausen (2019). Causal Dantzig: fast
inference in linear structural equation models with hidden variables under
additive interventions. *Annals of Statistics* 47(3), 1688-1722.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Literal

import numpy as np

from ..contract import Component
from ..data.environments import Environments, as_environments
from ..exceptions import DataError, InvalidParameterError
from ..graphs import DAG
from .base import check_alpha, register_algorithm
from .knowledge import as_knowledge

__all__ = ["ICP", "icp", "HiddenICP", "hidden_icp", "ICPTest", "ICPMethod", "invariance_p_values", "preselect"]

ICPTest = Literal["approximate", "exact"]
ICPMethod = Literal["linear", "nonlinear"]

#: Most sets whose residuals are held in memory at once.
_CHUNK = 64


@dataclass(frozen=True)
class _SetFits:
    """OLS fits of the target on each set of one size."""

    sets: np.ndarray  # (m, k) predictor indices
    coef: np.ndarray  # (m, k) slopes
    se: np.ndarray  # (m, k) standard errors
    residuals: np.ndarray  # (m, n)


def _ols_batch(x: np.ndarray, y: np.ndarray, sets: np.ndarray) -> _SetFits:
    """OLS with intercept of ``y`` on ``x[:, S]`` for every row ``S`` of ``sets`` (all the same size), batched."""
    n = x.shape[0]
    m, k = sets.shape
    z = np.column_stack([np.ones(n), x])
    gram = z.T @ z
    zy = z.T @ y
    cols = np.column_stack([np.zeros(m, dtype=np.int64), sets + 1])  # (m, k + 1), intercept first
    g = gram[cols[:, :, None], cols[:, None, :]]  # (m, k+1, k+1)
    b = zy[cols]  # (m, k+1)
    try:
        inv = np.linalg.inv(g)
    except np.linalg.LinAlgError as exc:
        raise DataError("the predictors are collinear (a singular design in the regression of the target); "
                        "drop the redundant columns") from exc
    beta = np.einsum("mij,mj->mi", inv, b)
    fitted = np.einsum("nmj,mj->mn", z[:, cols], beta)
    resid = y[None, :] - fitted
    dof = max(n - k - 1, 1)
    sigma2 = (resid**2).sum(axis=1) / dof
    se = np.sqrt(np.clip(np.einsum("mii->mi", inv)[:, 1:], 0.0, None) * sigma2[:, None])
    return _SetFits(sets, beta[:, 1:], se, resid)


def invariance_p_values(residuals: np.ndarray, labels: np.ndarray, n_environments: int) -> np.ndarray:
    """The approximate invariance test of Peters et al. (2016) for each row of ``residuals``.

    For each environment, Welch's t-test of equal means and the F-test of equal
    variances of the residuals inside against outside it (the smaller p-value
    doubled); the smallest over environments times ``K - 1`` for ``K``
    environments (Bonferroni; the ``K`` comparisons of one environment against
    the rest are linearly dependent, and with two environments they are one
    test), capped at 1. This is the correction ``causalicp`` applies.

    Parameters
    ----------
    residuals:
        ``(m, n)``: the residuals of ``m`` regressions on the same ``n`` rows.
    labels:
        ``(n,)`` environment codes ``0 .. n_environments - 1``.
    n_environments:
        The number of environments.

    Returns
    -------
    numpy.ndarray
        ``(m,)`` p-values.
    """
    factor = max(n_environments - 1, 1)
    return np.minimum(1.0, factor * _per_environment_p(residuals, labels, n_environments).min(axis=1))


def _per_environment_p(residuals: np.ndarray, labels: np.ndarray, n_env: int) -> np.ndarray:
    from scipy import stats

    onehot = (labels[:, None] == np.arange(n_env)[None, :]).astype(float)  # (n, E)
    n_in = onehot.sum(axis=0)
    n_tot = residuals.shape[1]
    n_out = n_tot - n_in
    s1 = residuals @ onehot  # (m, E)
    s2 = (residuals**2) @ onehot
    t1 = residuals.sum(axis=1, keepdims=True)
    t2 = (residuals**2).sum(axis=1, keepdims=True)
    mean_in, mean_out = s1 / n_in, (t1 - s1) / n_out
    var_in = np.clip((s2 - n_in * mean_in**2) / (n_in - 1), 1e-300, None)
    var_out = np.clip(((t2 - s2) - n_out * mean_out**2) / (n_out - 1), 1e-300, None)
    a, b = var_in / n_in, var_out / n_out
    t = (mean_in - mean_out) / np.sqrt(a + b)
    df = (a + b) ** 2 / (a**2 / (n_in - 1) + b**2 / (n_out - 1))
    p_mean = 2.0 * stats.t.sf(np.abs(t), df)
    f = var_in / var_out
    d1, d2 = np.broadcast_to(n_in - 1, f.shape), np.broadcast_to(n_out - 1, f.shape)
    p_var = 2.0 * np.minimum(stats.f.cdf(f, d1, d2), stats.f.sf(f, d1, d2))
    return np.minimum(1.0, 2.0 * np.minimum(p_mean, p_var))


def _ks_p_values(residuals: np.ndarray, labels: np.ndarray, n_env: int) -> np.ndarray:
    from scipy import stats

    out = np.ones(residuals.shape[0])
    for i, r in enumerate(residuals):
        ps = [stats.ks_2samp(r[labels == e], r[labels != e]).pvalue for e in range(n_env)]
        out[i] = min(1.0, n_env * min(ps))
    return out


def preselect(x: np.ndarray, y: np.ndarray, max_predictors: int) -> np.ndarray:
    """The first ``max_predictors`` columns of ``x`` to enter the Lasso path of ``y`` (LARS-Lasso).

    The pre-selection of Peters et al. (2016), section 3.4; the columns are
    standardised first. Returns the selected column indices, sorted.
    """
    from sklearn.linear_model import lars_path

    p = x.shape[1]
    if p <= max_predictors:
        return np.arange(p)
    xs = (x - x.mean(axis=0)) / x.std(axis=0)
    _, active, _ = lars_path(xs, y - y.mean(), method="lasso", max_iter=4 * p)
    chosen: list[int] = []
    for j in active:
        if int(j) not in chosen:
            chosen.append(int(j))
        if len(chosen) == max_predictors:
            break
    if len(chosen) < max_predictors:  # the path stopped early: fill by absolute correlation
        corr = np.abs(xs.T @ (y - y.mean()))
        for j in np.argsort(-corr, kind="stable"):
            if int(j) not in chosen:
                chosen.append(int(j))
            if len(chosen) == max_predictors:
                break
    return np.sort(np.asarray(chosen, dtype=np.int64))


def _subsets(candidates: np.ndarray) -> Iterator[np.ndarray]:
    """All subsets of ``candidates`` by size, each size as one ``(m, k)`` array."""
    for k in range(len(candidates) + 1):
        listed = list(combinations(candidates.tolist(), k))
        combos = np.asarray(listed, dtype=np.int64).reshape(len(listed), k)
        for start in range(0, len(combos), _CHUNK):
            yield combos[start:start + _CHUNK]


def _check_choice(value: object, name: str, options: tuple[str, ...]) -> str:
    if value not in options:
        raise InvalidParameterError(f"{name} must be one of {list(options)}; got {value!r}")
    return str(value)


@register_algorithm("icp")
class ICP(Component):
    """Invariant causal prediction (Peters, Bühlmann & Meinshausen 2016); see the module docstring.

    Parameters
    ----------
    target:
        The response variable whose causes are sought (required at fit).
    alpha:
        Level of the invariance tests and of the confidence intervals.
    test:
        ``"approximate"`` (t- and F-tests; the paper's default) or ``"exact"``
        (the same statistic calibrated by permuting environment labels).
    method:
        ``"linear"`` (OLS) or ``"nonlinear"`` (random-forest residuals, KS tests).
    domain_column:
        The environment column (not needed for a Dataset with a domain role or
        a list of frames).
    max_predictors:
        Most predictors searched over (all ``2^k`` subsets); more are pre-selected
        by the Lasso path.
    n_permutations:
        Permutations of ``test="exact"``.
    random_state:
        Seed of the permutations and of the random forests.
    knowledge:
        Background knowledge: a variable ``X`` with ``X --> target`` forbidden is
        not a candidate cause (other constraints do not bear on ICP).

    Attributes
    ----------
    variables_ : tuple of str
        All variables (the target included), in column order.
    target_ : str
    candidates_ : tuple of str
        The predictors searched over (after pre-selection).
    sets_ : tuple of tuple of str
        Every tested set, in order of size.
    set_p_values_ : numpy.ndarray
        The invariance p-value of each tested set.
    accepted_sets_ : tuple of tuple of str
        The sets with p-value above ``alpha``.
    causes_ : tuple of str
        The intersection of the accepted sets (empty when the model is rejected).
    model_rejected_ : bool
        True when no set is accepted.
    p_values_ : dict of str to float
        Per predictor: the largest p-value of a tested set without it.
    confidence_intervals_ : dict of str to tuple of float
        Per predictor: ``(low, high)`` (NaN when the model is rejected or for
        the nonlinear method).
    graph_ : DAG
        ``cause --> target`` for each identified cause.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> e = np.repeat([0, 1, 2], 300)
    >>> x1 = rng.normal(size=900) + 1.5 * (e == 1)
    >>> x2 = rng.normal(size=900) - 1.0 * (e == 2)
    >>> y = 1.0 * x1 + 0.8 * x2 + rng.normal(size=900)
    >>> x3 = y + rng.normal(size=900)
    >>> frame = pd.DataFrame({"X1": x1, "X2": x2, "X3": x3, "Y": y, "E": e})
    >>> model = ICP(target="Y", domain_column="E").fit(frame)
    >>> model.causes_
    ('X1', 'X2')
    >>> model.graph_.to_dict()["edges"]
    ['X1 --> Y', 'X2 --> Y']
    """

    #: Its result is ICP.json (``causalscope discover`` writes it instead of a graph).
    invariance = True

    def __init__(
        self,
        *,
        target: str | None = None,
        alpha: float = 0.05,
        test: ICPTest = "approximate",
        method: ICPMethod = "linear",
        domain_column: str | None = None,
        max_predictors: int = 8,
        n_permutations: int = 999,
        random_state: int | None = None,
        knowledge: Any = None,
    ) -> None:
        self.target = target
        self.alpha = alpha
        self.test = test
        self.method = method
        self.domain_column = domain_column
        self.max_predictors = max_predictors
        self.n_permutations = n_permutations
        self.random_state = random_state
        self.knowledge = knowledge

    # ------------------------------------------------------------------ input
    def _prepare(self, data: Any, target: str | None) -> tuple[Environments, int, np.ndarray, float]:
        alpha = check_alpha(self.alpha)
        _check_choice(self.test, "test", ("approximate", "exact"))
        _check_choice(self.method, "method", ("linear", "nonlinear"))
        if not isinstance(self.max_predictors, (int, np.integer)) or self.max_predictors < 1:
            raise InvalidParameterError(f"max_predictors must be a positive integer; got {self.max_predictors!r}")
        env = as_environments(data, environment_column=self.domain_column)
        tgt = self.target if target is None else target
        if tgt is None:
            raise InvalidParameterError("target must name the response variable (ICP(target='Y') or fit(data, target='Y'))")
        if tgt not in env.variables:
            raise DataError(f"target {tgt!r} is not a column of the data; variables are {list(env.variables)}")
        t = env.index_of(str(tgt))
        knowledge = as_knowledge(self.knowledge)
        if knowledge is not None:
            try:
                knowledge = knowledge.validate(env.variables)
            except DataError as exc:
                raise InvalidParameterError(str(exc)) from exc
        cand = [j for j in range(env.n_variables)
                if j != t and not (knowledge is not None and knowledge.is_forbidden(env.variables[j], str(tgt)))]
        x = env.values
        chosen = np.asarray(cand, dtype=np.int64)
        if len(chosen) > self.max_predictors:
            chosen = chosen[preselect(x[:, chosen], x[:, t], int(self.max_predictors))]
        return env, t, chosen, alpha

    # ------------------------------------------------------------------ fit
    def fit(self, data: Any, target: str | None = None) -> ICP:
        """Test every subset of the (pre-selected) predictors of ``target`` for invariance.

        ``data``: anything :func:`~causalscope.data.as_environments` accepts.
        ``target`` overrides the constructor's. Raises ``DataError`` for bad data
        (one environment, a target not a column, ...) and
        ``InvalidParameterError`` for a bad hyperparameter.
        """
        env, t, chosen, alpha = self._prepare(data, target)
        x, y, labels, n_env = env.values, env.values[:, t], env.labels, env.n_environments
        sets: list[tuple[int, ...]] = []
        pvals: list[np.ndarray] = []
        coefs: list[np.ndarray] = []
        ses: list[np.ndarray] = []
        rng = np.random.default_rng(self.random_state)
        perms = None
        if self.test == "exact":
            perms = np.stack([rng.permutation(labels) for _ in range(int(self.n_permutations))])
        for block in _subsets(chosen):
            if self.method == "nonlinear":
                resid = self._forest_residuals(x, y, block)
                p = _ks_p_values(resid, labels, n_env) if perms is None else self._permutation_p(resid, labels, n_env, perms)
                coef = np.full(block.shape, np.nan)
                se = np.full(block.shape, np.nan)
            else:
                fits = _ols_batch(x, y, block)
                resid, coef, se = fits.residuals, fits.coef, fits.se
                p = invariance_p_values(resid, labels, n_env) if perms is None else \
                    self._permutation_p(resid, labels, n_env, perms)
            sets.extend(tuple(int(v) for v in row) for row in block)
            pvals.append(p)
            coefs.extend(coef)
            ses.extend(se)
        self._finish(env, t, chosen, sets, np.concatenate(pvals), coefs, ses, alpha)
        return self

    def _forest_residuals(self, x: np.ndarray, y: np.ndarray, block: np.ndarray) -> np.ndarray:
        from sklearn.ensemble import RandomForestRegressor

        out = np.empty((block.shape[0], x.shape[0]))
        for i, s in enumerate(block):
            if len(s) == 0:
                out[i] = y - y.mean()
                continue
            forest = RandomForestRegressor(n_estimators=100, min_samples_leaf=5, oob_score=True,
                                           random_state=self.random_state if self.random_state is not None else 0)
            forest.fit(x[:, s], y)
            out[i] = y - forest.oob_prediction_
        return out

    def _permutation_p(self, resid: np.ndarray, labels: np.ndarray, n_env: int, perms: np.ndarray) -> np.ndarray:
        observed = _per_environment_p(resid, labels, n_env).min(axis=1)
        count = np.ones(resid.shape[0])  # the observed labels count as one permutation
        for perm in perms:
            count += _per_environment_p(resid, perm, n_env).min(axis=1) <= observed
        return np.asarray(count / (len(perms) + 1), dtype=float)

    def _finish(self, env: Environments, t: int, chosen: np.ndarray, sets: list[tuple[int, ...]],
                pvals: np.ndarray, coefs: list[np.ndarray], ses: list[np.ndarray], alpha: float) -> None:
        from scipy import stats

        names = env.variables
        accepted = [i for i in range(len(sets)) if pvals[i] > alpha]
        rejected = not accepted
        causes: set[int] = set(sets[accepted[0]]) if accepted else set()
        for i in accepted[1:]:
            causes &= set(sets[i])
        cand = [int(j) for j in chosen]
        p_var: dict[str, float] = {}
        for j in cand:
            without = [pvals[i] for i in range(len(sets)) if j not in sets[i]]
            p_var[names[j]] = 1.0 if rejected or not without else float(max(without))
        ci: dict[str, tuple[float, float]] = {}
        low = {j: np.inf for j in cand}
        high = {j: -np.inf for j in cand}
        for i in accepted:
            s = sets[i]
            for j in cand:
                if j not in s:
                    low[j], high[j] = min(low[j], 0.0), max(high[j], 0.0)
            if s:
                q = stats.norm.ppf(1.0 - alpha / 4.0)
                for pos, j in enumerate(s):
                    c, h = float(coefs[i][pos]), float(q * ses[i][pos])
                    low[j], high[j] = min(low[j], c - h), max(high[j], c + h)
        for j in cand:
            ok = not rejected and self.method == "linear"
            ci[names[j]] = (float(low[j]), float(high[j])) if ok else (float("nan"), float("nan"))
        self.variables_ = names
        self.target_ = names[t]
        self.candidates_ = tuple(names[j] for j in cand)
        self.sets_ = tuple(tuple(names[j] for j in s) for s in sets)
        self.set_p_values_ = np.asarray(pvals, dtype=float)
        self.accepted_sets_ = tuple(self.sets_[i] for i in accepted)
        self.causes_ = tuple(names[j] for j in sorted(causes))
        self.model_rejected_ = rejected
        self.p_values_ = p_var
        self.confidence_intervals_ = ci
        self.n_environments_ = env.n_environments
        self.graph_ = DAG(names, [(c, names[t]) for c in self.causes_])

    def to_dict(self) -> dict[str, Any]:
        """The result as ICP.json (``CLI.md``): target, accepted sets, causes, intervals, p-values."""
        def num(v: float) -> float | None:
            return None if not np.isfinite(v) else float(v)

        return {
            "target": self.target_,
            "accepted_sets": [list(s) for s in self.accepted_sets_],
            "causes": list(self.causes_),
            "confidence_intervals": {k: [num(a), num(b)] for k, (a, b) in self.confidence_intervals_.items()},
            "p_values": {k: float(v) for k, v in self.p_values_.items()},
            "model_rejected": bool(self.model_rejected_),
            "alpha": float(self.alpha),
            "method": str(self.method),
            "test": str(self.test),
        }


@register_algorithm("hidden_icp")
class HiddenICP(Component):
    """Hidden ICP: causal effects under hidden confounders and shift interventions (see the module docstring).

    Parameters
    ----------
    target:
        The response variable (required at fit).
    alpha:
        Level of the intervals and tests.
    domain_column:
        The environment column (as :class:`ICP`).
    intercept:
        Add a constant predictor (its inner product with the noise is 0 in
        every environment); off by default, as the R package.
    knowledge:
        Background knowledge: predictors with ``X --> target`` forbidden are left out.

    Attributes
    ----------
    variables_, target_, candidates_ : as :class:`ICP`
    coefficients_ : dict of str to float
        The causal Dantzig estimate per predictor.
    confidence_intervals_ : dict of str to tuple of float
    p_values_ : dict of str to float
        Two-sided normal p-values of ``beta_k = 0``.
    causes_ : tuple of str
        Predictors with p-value at most ``alpha``.
    reference_ : str
        The reference environment.
    graph_ : DAG
        ``cause --> target`` for each cause.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> frames = []
    >>> for e, shift in enumerate([0.0, 1.0, 2.0]):
    ...     h = rng.normal(size=2000)  # hidden confounder of X1 and Y
    ...     x1 = h + shift * rng.normal(size=2000)
    ...     x2 = rng.normal(size=2000) * (1 + shift)
    ...     y = 0.5 * x1 - h + rng.normal(size=2000)
    ...     frames.append(pd.DataFrame({"X1": x1, "X2": x2, "Y": y}))
    >>> model = HiddenICP(target="Y").fit(frames)
    >>> model.causes_, round(model.coefficients_["X1"], 1)
    (('X1',), 0.5)
    """

    #: Its result is ICP.json (``causalscope discover`` writes it instead of a graph).
    invariance = True

    def __init__(
        self,
        *,
        target: str | None = None,
        alpha: float = 0.05,
        domain_column: str | None = None,
        intercept: bool = False,
        knowledge: Any = None,
    ) -> None:
        self.target = target
        self.alpha = alpha
        self.domain_column = domain_column
        self.intercept = intercept
        self.knowledge = knowledge

    def fit(self, data: Any, target: str | None = None) -> HiddenICP:
        """Estimate the causal coefficients of ``target`` from the inner-product invariance across environments."""
        from scipy import stats

        helper = ICP(target=self.target, alpha=self.alpha, domain_column=self.domain_column,
                     max_predictors=10**6, knowledge=self.knowledge)
        env, t, chosen, alpha = helper._prepare(data, target)
        x = env.values[:, chosen]
        if self.intercept:
            x = np.column_stack([x, np.ones(len(x))])
        y = env.values[:, t]
        ref = next((e for e in range(env.n_environments) if not env.interventional[e]), 0)
        rows = [env.rows_of(e) for e in range(env.n_environments)]
        grams = [x[r].T @ x[r] / len(r) for r in rows]
        cross = [x[r].T @ y[r] / len(r) for r in rows]
        others = [e for e in range(env.n_environments) if e != ref]
        d_mats = [grams[e] - grams[ref] for e in others]
        d_vecs = [cross[e] - cross[ref] for e in others]
        m = sum(d.T @ d for d in d_mats)
        try:
            m_inv = np.linalg.inv(m)
        except np.linalg.LinAlgError as exc:
            raise DataError("the environments do not shift the predictors in enough directions: the differences "
                            "of their Gram matrices are singular; hidden ICP needs shifts that move every predictor"
                            ) from exc
        beta = m_inv @ sum(d.T @ v for d, v in zip(d_mats, d_vecs))
        resid = y - x @ beta
        # delta method: beta_hat - beta ~ M^-1 sum_e D_e'(u_e - u_ref), u_e the mean of x * r over environment e
        cov_u = [np.cov((x[r] * resid[r][:, None]).T, ddof=1).reshape(x.shape[1], x.shape[1]) / len(r) for r in rows]
        total = sum(d_mats)
        meat = sum(d.T @ cov_u[e] @ d for d, e in zip(d_mats, others)) + total.T @ cov_u[ref] @ total
        cov = m_inv @ meat @ m_inv.T
        se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        q = stats.norm.ppf(1.0 - alpha / 2.0)
        z = np.divide(np.abs(beta), se, out=np.full_like(beta, np.inf), where=se > 0)
        pvals = 2.0 * stats.norm.sf(z)
        names = env.variables
        cand = [names[int(j)] for j in chosen]
        self.variables_ = names
        self.target_ = names[t]
        self.candidates_ = tuple(cand)
        self.reference_ = env.names[ref]
        self.coefficients_ = {v: float(beta[i]) for i, v in enumerate(cand)}
        self.confidence_intervals_ = {v: (float(beta[i] - q * se[i]), float(beta[i] + q * se[i]))
                                      for i, v in enumerate(cand)}
        self.p_values_ = {v: float(pvals[i]) for i, v in enumerate(cand)}
        self.causes_ = tuple(v for v in cand if self.p_values_[v] <= alpha)
        self.graph_ = DAG(names, [(c, names[t]) for c in self.causes_])
        return self

    def to_dict(self) -> dict[str, Any]:
        """The result in the ICP.json layout (``accepted_sets`` is empty: hidden ICP searches no sets)."""
        return {
            "target": self.target_,
            "accepted_sets": [],
            "causes": list(self.causes_),
            "confidence_intervals": {k: [a, b] for k, (a, b) in self.confidence_intervals_.items()},
            "p_values": dict(self.p_values_),
            "coefficients": dict(self.coefficients_),
            "reference_environment": self.reference_,
            "model_rejected": False,
            "alpha": float(self.alpha),
            "method": "hidden",
        }


def hidden_icp(data: Any, target: str, **params: Any) -> HiddenICP:
    """Functional form: ``HiddenICP(target=target, **params).fit(data)``."""
    return HiddenICP(target=target, **params).fit(data)


def icp(data: Any, target: str, **params: Any) -> ICP:
    """Functional form: ``ICP(target=target, **params).fit(data)``."""
    return ICP(target=target, **params).fit(data)
