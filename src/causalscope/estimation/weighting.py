"""Propensity weighting and doubly robust (double machine learning) estimators.

*Inverse propensity weighting* reweights each unit by the inverse probability of
the treatment it received, ``e(Z) = P(T=1 | Z)``, so that the weighted arms look
like the whole population (ATE) or like the treated (ATT, weights
``e / (1 - e)`` on controls). The stabilised (Hajek) form normalises the
weights within each arm (Hernán & Robins 2020, ch. 12).

*Augmented IPW* adds an outcome model ``mu_t(Z) = E[Y | T=t, Z]`` and is doubly
robust: consistent when either model is right, and with both learned at fast
enough rates it is efficient. With *cross-fitting* the nuisance models are fitted
on ``K - 1`` folds and evaluated on the held-out fold, which lets any machine
learner be used (Chernozhukov et al. 2018); the standard error is that of the
influence function. For a continuous treatment the *partially linear* model
``Y = theta T + g(Z) + e`` is estimated by the same recipe (residual-on-residual
regression, Robinson 1988).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from ..exceptions import InvalidParameterError
from ..utils import RandomState
from ._common import (
    check_binary,
    check_overlap,
    columns,
    default_classifier,
    default_regressor,
    fit_predict,
    fit_predict_proba,
    folds,
    normal_ci,
)
from .base import NO_ADJUSTMENT, BaseEffectEstimator, Raw
from .registry import register_estimator

__all__ = ["IPW", "AIPW", "PartiallyLinearDML"]


def _ess(w: np.ndarray) -> float:
    return float(w.sum() ** 2 / np.sum(w**2)) if w.size else 0.0


def _check_trim(trim: float | None) -> float | None:
    if trim is None:
        return None
    if not 0 <= float(trim) < 0.5:
        raise InvalidParameterError(f"trim must be None or in [0, 0.5); got {trim!r}")
    return float(trim)


@register_estimator("ipw")
class IPW(BaseEffectEstimator):
    """Inverse propensity weighting (binary treatment).

    Parameters
    ----------
    propensity_model:
        A scikit-learn classifier for ``P(T=1 | Z)`` (cloned); default a logistic
        regression with a very weak penalty.
    target:
        ``"ate"`` or ``"att"``.
    stabilized:
        True (default): Hajek weights normalised within each arm; False: Horvitz-Thompson.
    trim:
        ``None`` or ``c`` in ``[0, 0.5)``: propensities are clipped to ``[c, 1 - c]``
        (``trimming="clip"``) or units outside are dropped (``trimming="drop"``,
        which changes the population, Crump et al. 2009).
    trimming:
        ``"clip"`` or ``"drop"``.
    alpha, random_state:
        Interval level; unused seed (deterministic).

    Notes
    -----
    The standard error is the influence function's with the propensity treated as
    known, which is conservative for the ATE (Lunceford & Davidian 2004).
    Propensities that separate the arms raise :class:`~causalscope.exceptions.DataError`.

    References
    ----------
    .. [1] Hernán, M. A. & Robins, J. M. (2020). Causal Inference: What If. Chapman & Hall/CRC, ch. 12.
    .. [2] Lunceford, J. K. & Davidian, M. (2004). Stratification and weighting via the propensity
       score in estimation of causal treatment effects. Statistics in Medicine 23, 2937-2960.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=3000); t = (rng.random(3000) < 1 / (1 + np.exp(-z))).astype(int)
    >>> df = pd.DataFrame({"z": z, "t": t, "y": 2 * t + 2 * z + rng.normal(size=3000)})
    >>> round(IPW().fit(df, treatment="t", outcome="y", adjustment_set=["z"]).effect_.estimate, 0)
    2.0
    """


    def __init__(
        self, *, propensity_model: Any = None, target: Literal["ate", "att"] = "ate", stabilized: bool = True,
        trim: float | None = None, trimming: Literal["clip", "drop"] = "clip", alpha: float = 0.05,
        random_state: RandomState = None,
    ) -> None:
        self.propensity_model = propensity_model
        self.target = target
        self.stabilized = stabilized
        self.trim = trim
        self.trimming = trimming
        self.alpha = alpha
        self.random_state = random_state

    def _compute(self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], rng: Any) -> Raw:
        trim = _check_trim(self.trim)
        if self.trimming not in ("clip", "drop"):
            raise InvalidParameterError(f"trimming must be 'clip' or 'drop'; got {self.trimming!r}")
        t = check_binary(columns(frame, [treatment], "treatment")[:, 0], treatment, "ipw")
        y = columns(frame, [outcome], "outcome")[:, 0]
        z = columns(frame, adjust, "adjustment")
        model = self.propensity_model if self.propensity_model is not None else default_classifier()
        e = fit_predict_proba(model, z, t, z)
        check_overlap(e, t, self.target, treatment)
        diag: dict[str, Any] = {"propensity_min": float(e.min()), "propensity_max": float(e.max())}
        if trim:
            low = trim if self.target == "ate" else 0.0  # the ATT weights only need e < 1
            if self.trimming == "clip":
                diag["n_clipped"] = int(np.sum((e < low) | (e > 1 - trim)))
                e = np.clip(e, low, 1 - trim)
            else:
                keep = (e >= low) & (e <= 1 - trim)
                diag["n_dropped"] = int((~keep).sum())
                t, y, e = t[keep], y[keep], e[keep]
        e = np.clip(e, 1e-12, 1 - 1e-12)
        n = len(y)
        if self.target == "ate":
            w1, w0 = t / e, (1 - t) / (1 - e)
        else:
            w1, w0 = t.astype(float), (1 - t) * e / (1 - e)
        if self.stabilized:
            m1, m0 = w1.mean(), w0.mean()
            mu1, mu0 = np.sum(w1 * y) / w1.sum(), np.sum(w0 * y) / w0.sum()
            psi = w1 * (y - mu1) / m1 - w0 * (y - mu0) / m0
            est = mu1 - mu0
        else:
            scale = 1.0 if self.target == "ate" else t.mean()
            phi = (w1 * y - w0 * y) / scale
            est = phi.mean()
            psi = phi - est if self.target == "ate" else phi - t * est / scale
        se = float(np.sqrt(np.mean(psi**2) / n))
        diag.update({"interval": "analytic (influence function, propensity as known)",
                     "ess_treated": _ess(w1[t == 1]), "ess_control": _ess(w0[t == 0]),
                     "max_weight": float(max(w1.max(), w0.max()))})
        lo, hi = normal_ci(float(est), se, self.alpha)
        return Raw(float(est), se, lo, hi, n, diag)


@register_estimator("aipw")
class AIPW(BaseEffectEstimator):
    """Augmented IPW (doubly robust) with K-fold cross-fitting, binary treatment.

    ATE score: ``mu1 - mu0 + T (Y - mu1) / e - (1 - T)(Y - mu0) / (1 - e)``; ATT
    score: ``[T (Y - mu0) - e (1 - T)(Y - mu0) / (1 - e)] / P(T=1)``
    (Chernozhukov et al. 2018, sec. 5.1). Nuisances are fitted out of fold; the
    standard error is the empirical standard deviation of the score over ``sqrt(n)``.

    Parameters
    ----------
    outcome_model:
        scikit-learn regressor for ``E[Y | T=t, Z]`` (one per arm; cloned); default
        standardised ``LinearRegression()``. A classifier is used via ``predict_proba``.
    propensity_model:
        scikit-learn classifier for ``P(T=1 | Z)``; default logistic regression.
    target:
        ``"ate"`` or ``"att"``.
    n_folds:
        Cross-fitting folds (stratified by treatment).
    trim:
        Propensities are clipped to ``[trim, 1 - trim]`` (default 0.01, as in
        DoubleML; for the ATT only the upper limit applies, as only ``1 - e``
        divides); ``None`` for no clipping.
    alpha, random_state:
        Interval level; seed of the fold split.

    References
    ----------
    .. [1] Chernozhukov, V., Chetverikov, D., Demirer, M., Duflo, E., Hansen, C., Newey, W. &
       Robins, J. (2018). Double/debiased machine learning for treatment and structural
       parameters. The Econometrics Journal 21(1), C1-C68.
    .. [2] Robins, J. M., Rotnitzky, A. & Zhao, L. P. (1994). Estimation of regression
       coefficients when some regressors are not always observed. JASA 89, 846-866.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=3000); t = (rng.random(3000) < 1 / (1 + np.exp(-z))).astype(int)
    >>> df = pd.DataFrame({"z": z, "t": t, "y": 2 * t + 2 * z + rng.normal(size=3000)})
    >>> est = AIPW(random_state=0).fit(df, treatment="t", outcome="y", adjustment_set=["z"]).effect_
    >>> abs(est.estimate - 2) < 0.15, est.ci_low < 2 < est.ci_high
    (True, True)
    """


    def __init__(
        self, *, outcome_model: Any = None, propensity_model: Any = None, target: Literal["ate", "att"] = "ate",
        n_folds: int = 5, trim: float | None = 0.01, alpha: float = 0.05, random_state: RandomState = None,
    ) -> None:
        self.outcome_model = outcome_model
        self.propensity_model = propensity_model
        self.target = target
        self.n_folds = n_folds
        self.trim = trim
        self.alpha = alpha
        self.random_state = random_state

    def nuisances(self, t: np.ndarray, y: np.ndarray, z: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        """Cross-fitted ``(e, mu0, mu1)``."""
        om = self.outcome_model if self.outcome_model is not None else default_regressor()
        pm = self.propensity_model if self.propensity_model is not None else default_classifier()
        n = len(y)
        lab = folds(n, int(self.n_folds), rng, strata=t)
        e, mu0, mu1 = np.empty(n), np.empty(n), np.empty(n)
        for k in range(int(self.n_folds)):
            te, tr = lab == k, lab != k
            e[te] = fit_predict_proba(pm, z[tr], t[tr], z[te])
            c, tt = tr & (t == 0), tr & (t == 1)
            mu0[te] = fit_predict(om, z[c], y[c], z[te])
            mu1[te] = fit_predict(om, z[tt], y[tt], z[te])
        return e, mu0, mu1

    def _compute(self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], rng: Any) -> Raw:
        trim = _check_trim(self.trim)
        t = check_binary(columns(frame, [treatment], "treatment")[:, 0], treatment, "aipw")
        y = columns(frame, [outcome], "outcome")[:, 0]
        z = columns(frame, adjust, "adjustment")
        e, mu0, mu1 = self.nuisances(t, y, z, rng)
        check_overlap(e, t, self.target, treatment)
        diag: dict[str, Any] = {"propensity_min": float(e.min()), "propensity_max": float(e.max()),
                                "n_folds": int(self.n_folds)}
        if trim:
            low = trim if self.target == "ate" else 0.0  # the ATT score only divides by 1 - e
            diag["n_clipped"] = int(np.sum((e < low) | (e > 1 - trim)))
            e = np.clip(e, low, 1 - trim)
        e = np.clip(e, 1e-12, 1 - 1e-12)
        n = len(y)
        if self.target == "ate":
            phi = mu1 - mu0 + t * (y - mu1) / e - (1 - t) * (y - mu0) / (1 - e)
            est = float(phi.mean())
            psi = phi - est
            diag["mean_y0"] = float(np.mean(mu0 + (1 - t) * (y - mu0) / (1 - e)))
        else:
            p = t.mean()
            a = t * (y - mu0) - e * (1 - t) * (y - mu0) / (1 - e)
            est = float(a.mean() / p)
            psi = (a - t * est) / p
            diag["mean_y0"] = float(np.mean(y[t == 1]) - est)
        se = float(np.sqrt(np.mean(psi**2) / n))
        diag["interval"] = "analytic (influence function)"
        lo, hi = normal_ci(est, se, self.alpha)
        return Raw(est, se, lo, hi, n, diag)


@register_estimator("dml")
class PartiallyLinearDML(BaseEffectEstimator):
    """Partially linear double machine learning for a continuous (or binary) treatment.

    Model ``Y = theta T + g(Z) + U``, ``T = m(Z) + V``. With cross-fitted
    ``l(Z) = E[Y | Z]`` and ``m(Z) = E[T | Z]``, ``theta`` is the regression of
    ``Y - l`` on ``T - m`` (Robinson 1988; Chernozhukov et al. 2018, sec. 4.1),
    with the sandwich standard error of that moment.

    Parameters
    ----------
    outcome_model, treatment_model:
        scikit-learn regressors for ``E[Y | Z]`` and ``E[T | Z]``; default a standardised ``LinearRegression()``.
    n_folds:
        Cross-fitting folds.
    alpha, random_state:
        Interval level; seed of the folds.

    References
    ----------
    .. [1] Robinson, P. M. (1988). Root-N-consistent semiparametric regression. Econometrica 56, 931-954.
    .. [2] Chernozhukov, V. et al. (2018). Double/debiased machine learning for treatment and
       structural parameters. The Econometrics Journal 21(1), C1-C68.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=2000); t = np.sin(z) + rng.normal(size=2000)
    >>> df = pd.DataFrame({"z": z, "t": t, "y": 0.5 * t + np.cos(z) + rng.normal(size=2000)})
    >>> from sklearn.ensemble import RandomForestRegressor
    >>> rf = RandomForestRegressor(n_estimators=50, min_samples_leaf=20, random_state=0)
    >>> dml = PartiallyLinearDML(outcome_model=rf, treatment_model=rf, random_state=0)
    >>> round(dml.fit(df, treatment="t", outcome="y", adjustment_set=["z"]).effect_.estimate, 1)
    0.5
    """

    option_names = {"propensity_model": "treatment_model"}
    targets = ("ate",)

    def __init__(
        self, *, outcome_model: Any = None, treatment_model: Any = None, n_folds: int = 5, alpha: float = 0.05,
        random_state: RandomState = None,
    ) -> None:
        self.outcome_model = outcome_model
        self.treatment_model = treatment_model
        self.n_folds = n_folds
        self.alpha = alpha
        self.random_state = random_state
        self.target = "ate"

    def _compute(self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], rng: Any) -> Raw:
        t = columns(frame, [treatment], "treatment")[:, 0]
        y = columns(frame, [outcome], "outcome")[:, 0]
        z = columns(frame, adjust, "adjustment")
        om = self.outcome_model if self.outcome_model is not None else default_regressor()
        tm = self.treatment_model if self.treatment_model is not None else default_regressor()
        n = len(y)
        lab = folds(n, int(self.n_folds), rng)
        ly, mt = np.empty(n), np.empty(n)
        for k in range(int(self.n_folds)):
            te, tr = lab == k, lab != k
            ly[te] = fit_predict(om, z[tr], y[tr], z[te])
            mt[te] = fit_predict(tm, z[tr], t[tr], z[te]) if not hasattr(tm, "predict_proba") else fit_predict_proba(
                tm, z[tr], t[tr], z[te])
        u, v = y - ly, t - mt
        j = np.mean(v * v)
        if j <= 1e-12 * max(1.0, np.var(t)):
            raise InvalidParameterError(
                f"treatment {treatment!r} is (almost) a function of the adjustment set: no residual variation left"
            )
        theta = float(np.sum(u * v) / np.sum(v * v))
        psi = (u - theta * v) * v
        se = float(np.sqrt(np.mean(psi**2) / j**2 / n))
        lo, hi = normal_ci(theta, se, self.alpha)
        return Raw(theta, se, lo, hi, n, {"interval": "analytic (influence function)", "n_folds": int(self.n_folds),
                                          "residual_treatment_var": float(j)})

    def estimand_text(self, treatment: str, outcome: str, adjust: list[str]) -> str:
        if not adjust:
            return f"theta in {outcome} = theta*{treatment} + c + U (partially linear; {NO_ADJUSTMENT})"
        return f"theta in {outcome} = theta*{treatment} + g({', '.join(adjust)}) + U (partially linear)"
