"""Regression adjustment: linear OLS with robust standard errors, and g-computation.

With a valid adjustment set ``Z`` the average effect is
``E_Z[E[Y | T=1, Z] - E[Y | T=0, Z]]`` (the adjustment formula). Linear
regression of ``Y`` on ``T`` and ``Z`` estimates it when the outcome model is
linear with a constant effect; its coefficient of ``T`` carries an analytic
heteroskedasticity-robust (sandwich) standard error (White 1980; MacKinnon &
White 1985). G-computation (Robins 1986) fits any scikit-learn regressor for
``E[Y | T, Z]`` (one per arm for a binary treatment) and averages its predicted
contrasts; its interval comes from the bootstrap.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from ..contract import renamed_arguments
from ..exceptions import InvalidParameterError
from ..utils import RandomState
from ._common import check_binary, columns, default_regressor, fit_predict, is_binary, with_intercept
from .base import NO_ADJUSTMENT, BaseEffectEstimator, Raw
from .bootstrap import bootstrap
from .overlap import overlap_report
from .registry import register_estimator

__all__ = ["LinearRegressionEstimator", "GComputation", "DifferenceInMeans", "ols"]

CovType = Literal["HC0", "HC1", "HC3", "nonrobust"]


def ols(x: np.ndarray, y: np.ndarray, *, cov_type: CovType = "HC1") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least squares coefficients, their covariance and the residuals.

    Parameters
    ----------
    x:
        Design matrix ``(n, p)`` (include the intercept column yourself).
    y:
        Outcome ``(n,)``.
    cov_type:
        ``"HC0"`` (White), ``"HC1"`` (HC0 times ``n / (n - p)``, the default),
        ``"HC3"`` (MacKinnon & White's jackknife-like) or ``"nonrobust"``.

    Returns
    -------
    beta, cov, residuals

    References
    ----------
    .. [1] White, H. (1980). A heteroskedasticity-consistent covariance matrix estimator and a
       direct test for heteroskedasticity. Econometrica 48(4), 817-838.
    .. [2] MacKinnon, J. G. & White, H. (1985). Some heteroskedasticity-consistent covariance
       matrix estimators with improved finite sample properties. J. Econometrics 29, 305-325.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.column_stack([np.ones(4), [0.0, 1, 2, 3]])
    >>> beta, cov, res = ols(x, np.array([1.0, 3, 5, 7]))
    >>> np.round(beta, 6).tolist()
    [1.0, 2.0]
    """
    n, p = x.shape
    if n <= p:
        raise InvalidParameterError(f"regression needs more rows than columns; got {n} rows and {p} columns")
    scale = np.sqrt((x**2).sum(axis=0))
    scale[scale == 0] = 1.0
    q, r = np.linalg.qr(x / scale)
    if np.min(np.abs(np.diag(r))) < 1e-10 * np.max(np.abs(np.diag(r))):
        raise InvalidParameterError("the design matrix is rank deficient (collinear columns); drop redundant columns")
    r_inv = np.linalg.solve(r, np.eye(p))
    xtx_inv = (r_inv @ r_inv.T) / np.outer(scale, scale)
    beta = (r_inv @ (q.T @ y)) / scale
    res = y - x @ beta
    if cov_type == "nonrobust":
        cov = xtx_inv * (res @ res) / (n - p)
    elif cov_type in ("HC0", "HC1", "HC3"):
        w = res**2
        if cov_type == "HC3":
            h = np.einsum("ij,jk,ik->i", x, xtx_inv, x)
            w = w / np.clip(1 - h, 1e-12, None) ** 2
        cov = xtx_inv @ (x.T * w) @ x @ xtx_inv
        if cov_type == "HC1":
            cov *= n / (n - p)
    else:
        raise InvalidParameterError(f"cov_type must be 'HC0', 'HC1', 'HC3' or 'nonrobust'; got {cov_type!r}")
    return beta, cov, res


@register_estimator("linear")
class LinearRegressionEstimator(BaseEffectEstimator):
    """Linear regression adjustment with a robust standard error.

    ATE: the coefficient of the treatment in the OLS of the outcome on
    ``[1, T, Z]``, with a sandwich standard error and a t interval (``n - p``
    degrees of freedom). ATT (binary treatment): the outcome model is fitted on
    the controls only and ``mean over treated of (Y - Z'beta_0)`` is reported
    (Oaxaca-Blinder / Kline 2011), with its influence-function standard error,
    which accounts for the estimation of ``beta_0``.

    Parameters
    ----------
    target:
        ``"ate"`` or ``"att"``.
    cov_type:
        Sandwich flavour, see :func:`ols`.
    alpha:
        The interval has level ``1 - alpha``.
    random_state:
        Unused (deterministic); kept for a uniform signature.

    References
    ----------
    .. [1] Kline, P. (2011). Oaxaca-Blinder as a reweighting estimator. American Economic Review
       101(3), 532-537.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=2000); t = z + rng.normal(size=2000)
    >>> df = pd.DataFrame({"z": z, "t": t, "y": 2 * t + 3 * z + rng.normal(size=2000)})
    >>> est = LinearRegressionEstimator().fit(df, treatment="t", outcome="y", adjustment_set=["z"]).effect_
    >>> round(est.estimate, 1)
    2.0
    """


    def __init__(
        self, *, target: Literal["ate", "att"] = "ate", cov_type: CovType = "HC1", alpha: float = 0.05,
        random_state: RandomState = None,
    ) -> None:
        self.target = target
        self.cov_type = cov_type
        self.alpha = alpha
        self.random_state = random_state

    def _compute(self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], rng: Any) -> Raw:
        t = columns(frame, [treatment], "treatment")[:, 0]
        y = columns(frame, [outcome], "outcome")[:, 0]
        z = columns(frame, adjust, "adjustment")
        n = len(y)
        if self.target == "ate":
            x = with_intercept(np.column_stack([t, z]))
            beta, cov, _ = ols(x, y, cov_type=self.cov_type)
            se = float(np.sqrt(cov[1, 1]))
            dof = n - x.shape[1]
            tq = float(stats.t.ppf(1 - self.alpha / 2, dof))
            tstat = beta[1] / se if se > 0 else np.inf
            return Raw(beta[1], se, beta[1] - tq * se, beta[1] + tq * se, n,
                       {"interval": "analytic", "t_statistic": float(tstat), "dof": int(dof), "cov_type": self.cov_type,
                        **self._overlap(t, z, adjust)})
        t = check_binary(t, treatment, "linear (att)")
        x = with_intercept(z)
        c = t == 0
        beta0, _, _ = ols(x[c], y[c], cov_type="HC0")
        e = y - x @ beta0
        p = t.mean()
        tau = float(e[t == 1].mean())
        h = (x[c].T @ x[c]) / n
        xbar_t = x[t == 1].mean(axis=0)
        corr = (x * ((1 - t) * e)[:, None]) @ np.linalg.pinv(h) @ xbar_t
        psi = t * (e - tau) / p - corr
        se = float(np.sqrt(np.mean(psi**2) / n))
        zq = float(stats.norm.ppf(1 - self.alpha / 2))
        return Raw(tau, se, tau - zq * se, tau + zq * se, n, {"interval": "analytic (influence function)",
                                                              **self._overlap(t, z, adjust)})

    @staticmethod
    def _overlap(t: np.ndarray, z: np.ndarray, adjust: list[str]) -> dict[str, Any]:
        """The overlap diagnostic of a binary treatment (logistic propensity on the adjustment set): the
        regression does not divide by it, but where overlap is poor it extrapolates, and a warning says so."""
        if not adjust or not is_binary(t):
            return {}
        return overlap_report(None, t, z, adjust)


@register_estimator("gcomp")
class GComputation(BaseEffectEstimator):
    """G-computation (regression standardisation) with any scikit-learn regressor.

    For a binary treatment one model per arm is fitted (``E[Y | T=t, Z]``) and the
    estimate is the average predicted contrast over all rows (ATE) or the treated
    (ATT). For a continuous treatment one model of ``E[Y | T, Z]`` is fitted and
    the estimate is the average effect of raising the treatment by ``delta``,
    divided by ``delta`` (per unit). Interval: bootstrap.

    Parameters
    ----------
    model:
        A scikit-learn regressor (cloned); default a standardised ``LinearRegression()``. A
        classifier is used through ``predict_proba`` (binary outcome).
    target:
        ``"ate"`` or ``"att"`` (binary treatment).
    delta:
        Shift for a continuous treatment.
    n_bootstrap, n_jobs:
        Bootstrap replicates and parallel workers.
    progress:
        Progress reporter or callback for the bootstrap (see :mod:`causalscope.utils`).
    alpha, random_state:
        Interval level ``1 - alpha``; seed of the bootstrap.

    References
    ----------
    .. [1] Robins, J. (1986). A new approach to causal inference in mortality studies with a
       sustained exposure period. Mathematical Modelling 7, 1393-1512.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=1000); t = (rng.random(1000) < 1 / (1 + np.exp(-z))).astype(int)
    >>> df = pd.DataFrame({"z": z, "t": t, "y": 1.5 * t + z**2 + rng.normal(size=1000)})
    >>> from sklearn.ensemble import RandomForestRegressor
    >>> g = GComputation(model=RandomForestRegressor(n_estimators=30, min_samples_leaf=20, random_state=0),
    ...                  n_bootstrap=20, random_state=0)
    >>> abs(g.fit(df, treatment="t", outcome="y", adjustment_set=["z"]).effect_.estimate - 1.5) < 0.3
    True
    """

    option_names = {"outcome_model": "model"}

    @renamed_arguments(n_boot="n_bootstrap")
    def __init__(
        self, *, model: Any = None, target: Literal["ate", "att"] = "ate", delta: float = 1.0, n_bootstrap: int = 200,
        n_jobs: int | None = None, alpha: float = 0.05, random_state: RandomState = None, progress: Any = None,
    ) -> None:
        self.progress = progress
        self.model = model
        self.target = target
        self.delta = delta
        self.n_bootstrap = n_bootstrap
        self.n_jobs = n_jobs
        self.alpha = alpha
        self.random_state = random_state

    def _point(self, t: np.ndarray, y: np.ndarray, z: np.ndarray, binary: bool) -> float:
        model = self.model if self.model is not None else default_regressor()
        if binary:
            rows = t == 1 if self.target == "att" else np.ones(len(t), bool)
            if (t == 1).sum() < 2 or (t == 0).sum() < 2:
                raise ValueError("an arm has fewer than two rows")
            zz = z if z.shape[1] else np.zeros((len(t), 1))
            mu1 = fit_predict(model, zz[t == 1], y[t == 1], zz[rows])
            mu0 = fit_predict(model, zz[t == 0], y[t == 0], zz[rows])
            return float(np.mean(mu1 - mu0))
        x = np.column_stack([t, z])
        from sklearn.base import clone

        m = clone(model).fit(x, y)
        x1 = x.copy()
        x1[:, 0] += self.delta
        return float(np.mean(m.predict(x1) - m.predict(x)) / self.delta)

    def _compute(self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], rng: Any) -> Raw:
        t = columns(frame, [treatment], "treatment")[:, 0]
        y = columns(frame, [outcome], "outcome")[:, 0]
        z = columns(frame, adjust, "adjustment")
        binary = is_binary(t)
        if self.target == "att":
            t = check_binary(t, treatment, "gcomp (att)")
        est = self._point(t, y, z, binary)
        se, lo, hi, _ = bootstrap(
            lambda i: self._point(t[i], y[i], z[i], binary), len(y), n_bootstrap=self.n_bootstrap, alpha=self.alpha,
            strata=t if binary else None, random_state=rng, n_jobs=self.n_jobs, progress=self.progress,
        )
        return Raw(est, se, lo, hi, len(y), {"interval": "bootstrap", "n_boot": int(self.n_bootstrap),
                                              "treatment_kind": "binary" if binary else "continuous"})


@register_estimator("difference")
class DifferenceInMeans(BaseEffectEstimator):
    """Unadjusted difference in mean outcome, treated minus control (Welch SE).

    Valid for a randomised binary treatment; otherwise the naive comparison.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"t": [0, 0, 1, 1], "y": [1.0, 2.0, 4.0, 5.0]})
    >>> DifferenceInMeans().fit(df, treatment="t", outcome="y").effect_.estimate
    3.0
    """


    def __init__(self, *, target: Literal["ate", "att"] = "ate", alpha: float = 0.05) -> None:
        self.target = target
        self.alpha = alpha

    def _compute(self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], rng: Any) -> Raw:
        t = check_binary(columns(frame, [treatment], "treatment")[:, 0], treatment, "difference")
        y = columns(frame, [outcome], "outcome")[:, 0]
        y1, y0 = y[t == 1], y[t == 0]
        est = float(y1.mean() - y0.mean())
        se = float(np.sqrt(y1.var(ddof=1) / y1.size + y0.var(ddof=1) / y0.size))
        zq = float(stats.norm.ppf(1 - self.alpha / 2))
        return Raw(est, se, est - zq * se, est + zq * se, len(y), {"interval": "analytic"})

    def estimand_text(self, treatment: str, outcome: str, adjust: list[str]) -> str:
        att = "ATT; " if self.target == "att" else ""
        return (f"E[{outcome} | do({treatment}=1)] - E[{outcome} | do({treatment}=0)] = "
                f"E[{outcome} | {treatment}=1] - E[{outcome} | {treatment}=0] ({att}{NO_ADJUSTMENT})")
