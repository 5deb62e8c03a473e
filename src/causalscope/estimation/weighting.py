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
influence function. ``dml`` is this cross-fitted AIPW score for a binary
treatment, the *interactive regression model* of Chernozhukov et al. (2018,
sec. 5.1), with optional repeated cross-fitting. For a continuous treatment
the *partially linear* model ``Y = theta T + g(Z) + e`` is estimated by the
same recipe (residual-on-residual regression, Robinson 1988) as ``dml-plr``:
its ``theta`` is a variance-weighted average of the effects, not the ATE when
the effect varies.

Before any weighting, the propensity scores are trimmed as asked
(``trim=(lo, hi)``, ``trim_mode="drop"`` or ``"clip"``), then checked for
overlap (:func:`~causalscope.estimation._common.check_overlap`) and summarised
by :func:`~causalscope.estimation.overlap.overlap_diagnostic`, whose result is
the ``overlap`` of the estimate's diagnostics. ``target="ato"`` estimates the
overlap-weighted effect (Li, Morgan & Zaslavsky 2018).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from ..exceptions import DataError, InvalidParameterError
from ..utils import RandomState
from ._common import (
    check_binary,
    check_overlap,
    check_trim_mode,
    columns,
    default_classifier,
    default_regressor,
    fit_predict,
    fit_predict_proba,
    folds,
    is_binary,
    normal_ci,
    parse_trim,
    population_text,
    trim_bounds,
)
from .base import NO_ADJUSTMENT, BaseEffectEstimator, Raw
from .overlap import kish_ess, overlap_diagnostic, overlap_report, target_weights
from .registry import register_estimator

__all__ = ["IPW", "AIPW", "InteractiveDML", "PartiallyLinearDML"]

Trim = float | tuple[float, float] | None


def prepare_overlap(
    e: np.ndarray, t: np.ndarray, z: np.ndarray, adjust: list[str], target: str, treatment: str,
    trim: Trim, trim_mode: str,
) -> tuple[np.ndarray, tuple[float, float] | None, dict[str, Any]]:
    """Trim by dropping (when asked), check overlap, and describe it: ``(keep, clip_bounds, diagnostics)``.

    ``keep`` marks the units that remain; ``clip_bounds`` are the bounds to clip the
    remaining propensities to (``None`` for none); the diagnostics have
    ``propensity_min/max`` (before trimming), ``n_dropped`` or ``n_clipped``,
    ``overlap`` (the :class:`~causalscope.estimation.overlap.OverlapDiagnostic` as a
    dict, on the units that remain), ``population`` and ``warnings``.
    """
    bounds = parse_trim(trim)
    mode = check_trim_mode(trim_mode)
    diag: dict[str, Any] = {"propensity_min": float(e.min()), "propensity_max": float(e.max())}
    keep: np.ndarray = np.ones(len(t), dtype=bool)
    clip = None
    n_clipped = 0
    if bounds is not None:
        lo, hi = trim_bounds(bounds, target)
        if mode == "drop":
            keep = (e >= lo) & (e <= hi)
            diag["n_dropped"] = int((~keep).sum())
            n1 = int(np.sum(t[keep] == 1))
            if min(n1, int(keep.sum()) - n1) < 2:
                raise DataError(
                    f"trim={trim!r} with trim_mode='drop' leaves {n1} treated and {int(keep.sum()) - n1} control "
                    f"units of treatment {treatment!r} with {lo:g} <= e <= {hi:g}; each arm needs at least 2: "
                    "trim less")
        else:
            clip = (lo, hi)
            n_clipped = int(np.sum((e < lo) | (e > hi)))
            diag["n_clipped"] = n_clipped
    ek, tk = e[keep], t[keep]
    check_overlap(ek, tk, target, treatment)
    ov = overlap_diagnostic(ek, tk, target=target, covariates=z[keep] if z.shape[1] else None, names=adjust)
    diag["overlap"] = ov.to_dict()
    if target == "att":  # the ATT is about the treated: count them
        diag["population"] = population_text(target, int(np.sum(tk == 1)), int(np.sum(t == 1)), bounds, mode,
                                             n_clipped)
    else:
        diag["population"] = population_text(target, int(keep.sum()), len(t), bounds, mode, n_clipped)
    diag["warnings"] = list(ov.warnings)
    return keep, clip, diag


def _estimand(target: str, treatment: str, outcome: str, adjust: list[str]) -> str | None:
    """The ATO's estimand text (``None`` for the other targets: the shared text applies)."""
    if target != "ato":
        return None
    z = ", ".join(adjust) if adjust else "{}"
    return (f"E_h[E[{outcome} | {treatment}=1, {z}] - E[{outcome} | {treatment}=0, {z}]], "
            f"h = e(1 - e), e = P({treatment}=1 | {z}) (ATO, overlap-weighted)")


@register_estimator("ipw")
class IPW(BaseEffectEstimator):
    """Inverse propensity weighting (binary treatment).

    Parameters
    ----------
    propensity_model:
        A scikit-learn classifier for ``P(T=1 | Z)`` (cloned); default a logistic
        regression with a very weak penalty.
    target:
        ``"ate"``, ``"att"`` or ``"ato"`` (overlap weights ``1 - e`` on the treated and
        ``e`` on the controls, Li, Morgan & Zaslavsky 2018; always normalised).
    stabilized:
        True (default): Hajek weights normalised within each arm; False: Horvitz-Thompson.
    trim:
        ``None``, ``c`` in ``[0, 0.5)`` (meaning ``(c, 1 - c)``) or ``(lo, hi)``:
        propensities are clipped to ``[lo, hi]`` (``trim_mode="clip"``) or units
        outside are dropped before the overlap check (``trim_mode="drop"``, which
        changes the population, Crump et al. 2009; the estimate's ``population``
        says which). For the ATT only ``hi`` applies.
    trim_mode:
        ``"clip"`` (default) or ``"drop"``.
    trimming:
        Former name of ``trim_mode`` (used when given).
    alpha, random_state:
        Interval level; unused seed (deterministic).

    Notes
    -----
    The standard error is the influence function's with the propensity treated as
    known, which is conservative for the ATE (Lunceford & Davidian 2004).
    Propensities that separate the arms, or put more than 5% of the units within
    1e-5 of 0 or 1, raise :class:`~causalscope.exceptions.DataError` (after
    trimming by dropping); the overlap diagnostic is in ``diagnostics["overlap"]``.

    References
    ----------
    .. [1] Hernán, M. A. & Robins, J. M. (2020). Causal Inference: What If. Chapman & Hall/CRC, ch. 12.
    .. [2] Lunceford, J. K. & Davidian, M. (2004). Stratification and weighting via the propensity
       score in estimation of causal treatment effects. Statistics in Medicine 23, 2937-2960.
    .. [3] Li, F., Morgan, K. L. & Zaslavsky, A. M. (2018). Balancing covariates via propensity
       score weighting. JASA 113(521), 390-400.
    .. [4] Crump, R. K., Hotz, V. J., Imbens, G. W. & Mitnik, O. A. (2009). Dealing with limited
       overlap in estimation of average treatment effects. Biometrika 96(1), 187-199.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=3000); t = (rng.random(3000) < 1 / (1 + np.exp(-z))).astype(int)
    >>> df = pd.DataFrame({"z": z, "t": t, "y": 2 * t + 2 * z + rng.normal(size=3000)})
    >>> round(IPW().fit(df, treatment="t", outcome="y", adjustment_set=["z"]).effect_.estimate, 0)
    2.0
    """


    targets = ("ate", "att", "ato")

    def __init__(
        self, *, propensity_model: Any = None, target: Literal["ate", "att", "ato"] = "ate", stabilized: bool = True,
        trim: Trim = None, trim_mode: Literal["clip", "drop"] = "clip",
        trimming: Literal["clip", "drop"] | None = None, alpha: float = 0.05, random_state: RandomState = None,
    ) -> None:
        self.propensity_model = propensity_model
        self.target = target
        self.stabilized = stabilized
        self.trim = trim
        self.trim_mode = trim_mode
        self.trimming = trimming
        self.alpha = alpha
        self.random_state = random_state

    def _compute(self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], rng: Any) -> Raw:
        mode = self.trimming if self.trimming is not None else self.trim_mode
        t = check_binary(columns(frame, [treatment], "treatment")[:, 0], treatment, "ipw")
        y = columns(frame, [outcome], "outcome")[:, 0]
        z = columns(frame, adjust, "adjustment")
        model = self.propensity_model if self.propensity_model is not None else default_classifier()
        e = fit_predict_proba(model, z, t, z)
        keep, clip, diag = prepare_overlap(e, t, z, adjust, self.target, treatment, self.trim, mode)
        t, y, e = t[keep], y[keep], e[keep]
        if clip is not None:
            e = np.clip(e, *clip)
        e = np.clip(e, 1e-12, 1 - 1e-12)
        n = len(y)
        w1, w0 = target_weights(e, t, self.target)
        if self.stabilized or self.target == "ato":
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
                     "ess_treated": kish_ess(w1[t == 1]), "ess_control": kish_ess(w0[t == 0]),
                     "max_weight": float(max(w1.max(), w0.max()))})
        lo, hi = normal_ci(float(est), se, self.alpha)
        return Raw(float(est), se, lo, hi, n, diag)

    def estimand_text(self, treatment: str, outcome: str, adjust: list[str]) -> str:
        return _estimand(self.target, treatment, outcome, adjust) or super().estimand_text(treatment, outcome, adjust)


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
        ``"ate"``, ``"att"`` or ``"ato"`` (overlap-weighted: the score weighted by
        ``h = e(1 - e)`` over the mean of ``h``, Li, Morgan & Zaslavsky 2018; its
        standard error treats ``h`` as known).
    n_folds:
        Cross-fitting folds (stratified by treatment).
    trim:
        ``c`` (meaning ``(c, 1 - c)``) or ``(lo, hi)``: propensities are clipped to
        ``[lo, hi]`` (default 0.01, as in DoubleML) or, with ``trim_mode="drop"``,
        the units outside are dropped before the overlap check; for the ATT only
        the upper limit applies, as only ``1 - e`` divides. ``None``: neither.
    trim_mode:
        ``"clip"`` (default) or ``"drop"`` (changes the population; the estimate's
        ``population`` diagnostic describes it).
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


    targets = ("ate", "att", "ato")

    def __init__(
        self, *, outcome_model: Any = None, propensity_model: Any = None,
        target: Literal["ate", "att", "ato"] = "ate", n_folds: int = 5, trim: Trim = 0.01,
        trim_mode: Literal["clip", "drop"] = "clip", alpha: float = 0.05, random_state: RandomState = None,
    ) -> None:
        self.outcome_model = outcome_model
        self.propensity_model = propensity_model
        self.target = target
        self.n_folds = n_folds
        self.trim = trim
        self.trim_mode = trim_mode
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
        t = check_binary(columns(frame, [treatment], "treatment")[:, 0], treatment, self.name)
        y = columns(frame, [outcome], "outcome")[:, 0]
        z = columns(frame, adjust, "adjustment")
        e, mu0, mu1 = self.nuisances(t, y, z, rng)
        return self._score(t, y, z, e, mu0, mu1, adjust, treatment)

    def _score(
        self, t: np.ndarray, y: np.ndarray, z: np.ndarray, e: np.ndarray, mu0: np.ndarray, mu1: np.ndarray,
        adjust: list[str], treatment: str,
    ) -> Raw:
        """The estimate from cross-fitted nuisances: trim, check overlap, average the score."""
        keep, clip, diag = prepare_overlap(e, t, z, adjust, self.target, treatment, self.trim, self.trim_mode)
        diag["n_folds"] = int(self.n_folds)
        t, y, e, mu0, mu1 = t[keep], y[keep], e[keep], mu0[keep], mu1[keep]
        if clip is not None:
            e = np.clip(e, *clip)
        e = np.clip(e, 1e-12, 1 - 1e-12)
        n = len(y)
        if self.target == "ate":
            phi = mu1 - mu0 + t * (y - mu1) / e - (1 - t) * (y - mu0) / (1 - e)
            est = float(phi.mean())
            psi = phi - est
            diag["mean_y0"] = float(np.mean(mu0 + (1 - t) * (y - mu0) / (1 - e)))
        elif self.target == "ato":
            h = e * (1 - e)
            phi = h * (mu1 - mu0) + t * (1 - e) * (y - mu1) - (1 - t) * e * (y - mu0)
            est = float(phi.sum() / h.sum())
            psi = (phi - est * h) / h.mean()
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

    def estimand_text(self, treatment: str, outcome: str, adjust: list[str]) -> str:
        return _estimand(self.target, treatment, outcome, adjust) or super().estimand_text(treatment, outcome, adjust)


@register_estimator("dml")
class InteractiveDML(AIPW):
    """Double machine learning of the ATE (or ATT, ATO) of a binary treatment: the interactive model.

    The interactive regression model ``Y = g(T, Z) + U``, ``T = m(Z) + V`` with a
    binary ``T`` (Chernozhukov et al. 2018, sec. 5.1): the ATE is the mean of the
    Neyman-orthogonal (AIPW) score
    ``g(1,Z) - g(0,Z) + T (Y - g(1,Z)) / m(Z) - (1 - T)(Y - g(0,Z)) / (1 - m(Z))``
    with ``g`` and ``m`` cross-fitted on ``K`` folds. Unlike ``dml-plr`` it does not
    assume a constant effect, so with heterogeneous effects it estimates the ATE
    (``dml-plr``'s ``theta`` is then a variance-weighted average). With
    ``n_repeats > 1`` the cross-fitting is repeated on new fold splits and the
    estimates are aggregated by their median, the variance by the median of
    ``se_s^2 + (theta_s - theta)^2`` (sec. 3.4). With ``n_repeats=1`` (default) it
    gives the numbers of :class:`AIPW` with the same options and seed.

    Parameters
    ----------
    outcome_model, propensity_model, target, n_folds, trim, trim_mode, alpha, random_state:
        As for :class:`AIPW`.
    n_repeats:
        Repetitions of the cross-fitting (median aggregation).

    References
    ----------
    .. [1] Chernozhukov, V., Chetverikov, D., Demirer, M., Duflo, E., Hansen, C., Newey, W. &
       Robins, J. (2018). Double/debiased machine learning for treatment and structural
       parameters. The Econometrics Journal 21(1), C1-C68.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=3000); t = (rng.random(3000) < 1 / (1 + np.exp(-z))).astype(int)
    >>> df = pd.DataFrame({"z": z, "t": t, "y": (1 + 2 * (z > 0)) * t + 2 * z + rng.normal(size=3000)})
    >>> est = InteractiveDML(random_state=0).fit(df, treatment="t", outcome="y", adjustment_set=["z"]).effect_
    >>> bool(est.ci_low < 2 < est.ci_high)
    True
    """

    def __init__(
        self, *, outcome_model: Any = None, propensity_model: Any = None,
        target: Literal["ate", "att", "ato"] = "ate", n_folds: int = 5, n_repeats: int = 1, trim: Trim = 0.01,
        trim_mode: Literal["clip", "drop"] = "clip", alpha: float = 0.05, random_state: RandomState = None,
    ) -> None:
        super().__init__(outcome_model=outcome_model, propensity_model=propensity_model, target=target,
                         n_folds=n_folds, trim=trim, trim_mode=trim_mode, alpha=alpha, random_state=random_state)
        self.n_repeats = n_repeats

    def _compute(self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], rng: Any) -> Raw:
        reps = int(self.n_repeats)
        if reps < 1:
            raise InvalidParameterError(f"n_repeats must be at least 1; got {self.n_repeats!r}")
        t_raw = columns(frame, [treatment], "treatment")[:, 0]
        if not is_binary(t_raw):
            check_binary(t_raw, treatment, "dml (interactive; use 'dml-plr' for the partially linear theta)")
        t = t_raw.astype(float)
        y = columns(frame, [outcome], "outcome")[:, 0]
        z = columns(frame, adjust, "adjustment")
        raws = []
        for _ in range(reps):
            e, mu0, mu1 = self.nuisances(t, y, z, rng)
            raws.append(self._score(t, y, z, e, mu0, mu1, adjust, treatment))
        first = raws[0]
        first.diagnostics["model"] = "interactive regression model (AIPW score, cross-fitted)"
        if reps == 1:
            return first
        ests = np.array([r.estimate for r in raws])
        est = float(np.median(ests))
        se = float(np.sqrt(np.median(np.array([r.se for r in raws]) ** 2 + (ests - est) ** 2)))
        first.diagnostics.update({"n_repeats": reps, "repeat_estimates": ests.tolist()})
        lo, hi = normal_ci(est, se, self.alpha)
        return Raw(est, se, lo, hi, first.n, first.diagnostics)


@register_estimator("dml-plr")
class PartiallyLinearDML(BaseEffectEstimator):
    """Partially linear double machine learning: the effect ``theta`` of a continuous (or binary) treatment.

    Registered as ``dml-plr`` (until 0.x it was ``dml``, which now is the
    interactive model :class:`InteractiveDML`). ``theta`` is the ATE only when the
    effect is constant; otherwise it is a weighted average of the unit effects,
    with weights ``Var(T | Z)`` (Chernozhukov et al. 2018, sec. 4.1), and the
    result says so ("partially linear effect theta").

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
        diag: dict[str, Any] = {"interval": "analytic (influence function)", "n_folds": int(self.n_folds),
                                "residual_treatment_var": float(j),
                                "effect": "partially linear effect theta (not the ATE when the effect varies)"}
        if is_binary(t):  # the same overlap diagnostic: the linear theta extrapolates where overlap is poor
            diag.update(overlap_report(np.clip(mt, 0.0, 1.0), t, z, adjust))
        return Raw(theta, se, lo, hi, n, diag)

    def estimand_text(self, treatment: str, outcome: str, adjust: list[str]) -> str:
        if not adjust:
            return (f"partially linear effect theta in {outcome} = theta*{treatment} + c + U "
                    f"(partially linear; {NO_ADJUSTMENT})")
        return (f"partially linear effect theta in {outcome} = theta*{treatment} + g({', '.join(adjust)}) + U "
                "(partially linear; the ATE only if the effect is constant)")

