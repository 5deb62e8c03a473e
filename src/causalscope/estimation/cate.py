"""Conditional average treatment effects (CATE) with meta-learners.

``tau(x) = E[Y(1) - Y(0) | X = x]`` for a binary treatment, learned with any
scikit-learn regressor by one of four recipes:

* **S-learner**: one model ``mu(t, x)``; ``tau(x) = mu(1, x) - mu(0, x)``. Simple, but
  a regularised model may shrink the treatment's role toward zero.
* **T-learner**: one model per arm; ``tau = mu_1 - mu_0``.
* **X-learner** (Künzel et al. 2019): imputed effects ``Y - mu_0(X)`` on the treated
  and ``mu_1(X) - Y`` on the controls are regressed on ``X`` and blended with the
  propensity.
* **DR-learner** (Kennedy 2023): the cross-fitted doubly robust pseudo-outcome
  ``phi = mu_1 - mu_0 + T (Y - mu_1) / e - (1 - T)(Y - mu_0) / (1 - e)`` is regressed
  on ``X``; its error is second order in the nuisance errors.

:func:`best_linear_projection` summarises heterogeneity by the least-squares
projection of the CATE on chosen features, estimated by regressing ``phi`` on
them, with robust standard errors (Semenova & Chernozhukov 2021).
:func:`evaluate_cate` is an honest held-out check: learner and nuisances are fitted
on a training split and judged on the test split by the DR loss
``mean((phi - tau_hat)^2)`` (which ranks learners as the unobservable PEHE does,
up to a constant) and the calibration slope of ``phi`` on ``tau_hat``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import stats
from sklearn.base import clone

from ..contract import Component, renamed_arguments
from ..exceptions import InvalidParameterError
from ..utils import RandomState, check_random_state
from ._common import (
    as_frame,
    check_binary,
    columns,
    default_classifier,
    default_regressor,
    fit_predict,
    fit_predict_proba,
    folds,
    names,
    with_intercept,
)
from .regression import ols

__all__ = ["CATELearner", "BestLinearProjection", "CATEEvaluation", "best_linear_projection", "evaluate_cate", "pehe"]

LearnerKind = Literal["s", "t", "x", "dr"]


def pehe(tau_hat: np.ndarray, tau_true: np.ndarray) -> float:
    """Precision in estimating heterogeneous effects: ``sqrt(mean((tau_hat - tau)^2))`` (Hill 2011).

    Examples
    --------
    >>> pehe(np.array([1.0, 2.0]), np.array([1.0, 4.0]))
    1.4142135623730951
    """
    return float(np.sqrt(np.mean((np.asarray(tau_hat, float) - np.asarray(tau_true, float)) ** 2)))


def _pseudo_outcome(t: np.ndarray, y: np.ndarray, e: np.ndarray, mu0: np.ndarray, mu1: np.ndarray) -> np.ndarray:
    return mu1 - mu0 + t * (y - mu1) / e - (1 - t) * (y - mu0) / (1 - e)


def _crossfit(t: np.ndarray, y: np.ndarray, x: np.ndarray, om: Any, pm: Any, k: int, rng: np.random.Generator,
              trim: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(y)
    lab = folds(n, k, rng, strata=t)
    e, mu0, mu1 = np.empty(n), np.empty(n), np.empty(n)
    for f in range(k):
        te, tr = lab == f, lab != f
        e[te] = fit_predict_proba(pm, x[tr], t[tr], x[te])
        mu0[te] = fit_predict(om, x[tr & (t == 0)], y[tr & (t == 0)], x[te])
        mu1[te] = fit_predict(om, x[tr & (t == 1)], y[tr & (t == 1)], x[te])
    return np.clip(e, trim, 1 - trim), mu0, mu1


class CATELearner(Component):
    """S-, T-, X- or DR-learner of the CATE on any scikit-learn regressor.

    Parameters
    ----------
    learner:
        ``"s"``, ``"t"``, ``"x"`` or ``"dr"``.
    model:
        Outcome regressor (cloned); default a standardised linear regression.
    effect_model:
        Regressor of the imputed effects (X) or pseudo-outcome (DR); default: ``model``.
    propensity_model:
        Classifier for ``P(T=1 | X)`` (X and DR); default logistic regression.
    n_folds:
        Cross-fitting folds of the DR-learner.
    trim:
        Propensity clipping for the DR-learner.
    random_state:
        Seed of the folds.

    Attributes
    ----------
    covariates_:
        The covariate names, in order.
    ate_:
        Mean of the fitted CATE over the training rows.

    References
    ----------
    .. [1] Künzel, S. R., Sekhon, J. S., Bickel, P. J. & Yu, B. (2019). Metalearners for estimating
       heterogeneous treatment effects using machine learning. PNAS 116(10), 4156-4165.
    .. [2] Kennedy, E. H. (2023). Towards optimal doubly robust estimation of heterogeneous causal
       effects. Electronic Journal of Statistics 17(2), 3008-3049.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=2000); t = rng.integers(0, 2, 2000)
    >>> df = pd.DataFrame({"x": x, "t": t, "y": (1 + x) * t + x + rng.normal(size=2000)})
    >>> cl = CATELearner(learner="dr", random_state=0).fit(df, treatment="t", outcome="y", adjustment_set=["x"])
    >>> tau = cl.effect(pd.DataFrame({"x": [-1.0, 0.0, 1.0]}))   # truth 0, 1, 2
    >>> bool(np.all(np.abs(tau - [0.0, 1.0, 2.0]) < 0.2))
    True
    """

    def __init__(
        self, *, learner: LearnerKind = "dr", model: Any = None, effect_model: Any = None,
        propensity_model: Any = None, n_folds: int = 5, trim: float = 0.01, random_state: RandomState = None,
    ) -> None:
        self.learner = learner
        self.model = model
        self.effect_model = effect_model
        self.propensity_model = propensity_model
        self.n_folds = n_folds
        self.trim = trim
        self.random_state = random_state

    @renamed_arguments(covariates="adjustment_set")
    def fit(self, data: Any, *, treatment: str, outcome: str, adjustment_set: str | Sequence[str]) -> CATELearner:
        """Fit the learner on the adjustment set (also the features the CATE varies with); returns self.

        ``covariates=`` is the deprecated spelling of ``adjustment_set`` (one release).
        """
        if self.learner not in ("s", "t", "x", "dr"):
            raise InvalidParameterError(f"learner must be 's', 't', 'x' or 'dr'; got {self.learner!r}")
        frame = as_frame(data)
        cov = names(adjustment_set)
        if not cov:
            raise InvalidParameterError("adjustment_set (the covariates) must name at least one column for a conditional effect")
        t = check_binary(columns(frame, [treatment], "treatment")[:, 0], treatment, f"{self.learner}-learner")
        y = columns(frame, [outcome], "outcome")[:, 0]
        x = columns(frame, cov, "covariate")
        rng = check_random_state(self.random_state)
        om = self.model if self.model is not None else default_regressor()
        em = self.effect_model if self.effect_model is not None else om
        pm = self.propensity_model if self.propensity_model is not None else default_classifier()
        self.covariates_ = tuple(cov)
        self.treatment_, self.outcome_ = treatment, outcome
        if self.learner == "s":
            self.models_ = {"s": clone(om).fit(np.column_stack([t, x]), y)}
        elif self.learner == "t":
            self.models_ = {"mu0": clone(om).fit(x[t == 0], y[t == 0]), "mu1": clone(om).fit(x[t == 1], y[t == 1])}
        elif self.learner == "x":
            mu0 = clone(om).fit(x[t == 0], y[t == 0])
            mu1 = clone(om).fit(x[t == 1], y[t == 1])
            d1 = y[t == 1] - mu0.predict(x[t == 1])
            d0 = mu1.predict(x[t == 0]) - y[t == 0]
            prop = clone(pm).fit(x, t.astype(int))
            self.models_ = {"tau1": clone(em).fit(x[t == 1], d1), "tau0": clone(em).fit(x[t == 0], d0), "e": prop}
        else:
            e, mu0, mu1 = _crossfit(t, y, x, om, pm, int(self.n_folds), rng, float(self.trim))
            phi = _pseudo_outcome(t, y, e, mu0, mu1)
            self.pseudo_outcome_ = phi
            self.models_ = {"tau": clone(em).fit(x, phi)}
        self.ate_ = float(np.mean(self._effect_array(x)))
        return self

    def _effect_array(self, x: np.ndarray) -> np.ndarray:
        m = self.models_
        if self.learner == "s":
            n = len(x)
            return m["s"].predict(np.column_stack([np.ones(n), x])) - m["s"].predict(np.column_stack([np.zeros(n), x]))
        if self.learner == "t":
            return m["mu1"].predict(x) - m["mu0"].predict(x)
        if self.learner == "x":
            e = m["e"].predict_proba(x)[:, list(m["e"].classes_).index(1)]
            return e * m["tau0"].predict(x) + (1 - e) * m["tau1"].predict(x)
        return m["tau"].predict(x)

    def effect(self, data: Any) -> np.ndarray:
        """The CATE at each row of ``data`` (needs the covariate columns)."""
        if not hasattr(self, "models_"):
            raise InvalidParameterError("this CATELearner is not fitted yet; call fit first")
        x = columns(as_frame(data), list(self.covariates_), "covariate")
        return np.asarray(self._effect_array(x), dtype=float)


@dataclass(frozen=True)
class BestLinearProjection:
    """The best linear projection of the CATE on features (coefficient per term, robust SEs)."""

    terms: tuple[str, ...]
    coef: tuple[float, ...]
    std_error: tuple[float, ...]
    ci_low: tuple[float, ...]
    ci_high: tuple[float, ...]
    p_value: tuple[float, ...]
    n: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: one row per term."""
        return {"n": self.n, "terms": [
            {"term": t, "coef": c, "std_error": s, "ci_low": lo, "ci_high": hi, "p_value": p}
            for t, c, s, lo, hi, p in zip(self.terms, self.coef, self.std_error, self.ci_low, self.ci_high, self.p_value)
        ]}


@renamed_arguments(covariates="adjustment_set")
def best_linear_projection(
    data: Any, *, treatment: str, outcome: str, adjustment_set: str | Sequence[str], features: str | Sequence[str] | None = None,
    outcome_model: Any = None, propensity_model: Any = None, n_folds: int = 5, trim: float = 0.01,
    alpha: float = 0.05, random_state: RandomState = None,
) -> BestLinearProjection:
    """Best linear projection of the CATE on ``features`` (default: the covariates).

    The cross-fitted doubly robust pseudo-outcome is regressed on ``[1, features]``;
    the coefficients estimate ``argmin_b E[(tau(X) - b'(1, V))^2]`` with HC1 standard
    errors (Semenova & Chernozhukov 2021). The intercept is the ATE when the
    features are centred.

    References
    ----------
    .. [1] Semenova, V. & Chernozhukov, V. (2021). Debiased machine learning of conditional average
       treatment effects and other causal functions. The Econometrics Journal 24(2), 264-289.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=3000); t = rng.integers(0, 2, 3000)
    >>> df = pd.DataFrame({"x": x, "t": t, "y": (1 + 2 * x) * t + x + rng.normal(size=3000)})
    >>> blp = best_linear_projection(df, treatment="t", outcome="y", adjustment_set=["x"], random_state=0)
    >>> blp.terms, [round(c, 1) for c in blp.coef]
    (('intercept', 'x'), [1.0, 2.0])
    """
    frame = as_frame(data)
    cov = names(adjustment_set)
    feats = names(features) if features is not None else cov
    t = check_binary(columns(frame, [treatment], "treatment")[:, 0], treatment, "best_linear_projection")
    y = columns(frame, [outcome], "outcome")[:, 0]
    x = columns(frame, cov, "covariate")
    v = columns(frame, feats, "feature")
    om = outcome_model if outcome_model is not None else default_regressor()
    pm = propensity_model if propensity_model is not None else default_classifier()
    e, mu0, mu1 = _crossfit(t, y, x, om, pm, int(n_folds), check_random_state(random_state), float(trim))
    phi = _pseudo_outcome(t, y, e, mu0, mu1)
    beta, covm, _ = ols(with_intercept(v), phi, cov_type="HC1")
    se = np.sqrt(np.diag(covm))
    z = float(stats.norm.ppf(1 - alpha / 2))
    p = 2 * stats.norm.sf(np.abs(beta / np.where(se > 0, se, np.inf)))
    return BestLinearProjection(
        ("intercept", *feats), tuple(map(float, beta)), tuple(map(float, se)), tuple(map(float, beta - z * se)),
        tuple(map(float, beta + z * se)), tuple(map(float, p)), len(y),
    )


@dataclass(frozen=True)
class CATEEvaluation:
    """Held-out evaluation of a CATE learner.

    Attributes
    ----------
    dr_loss:
        ``mean((phi - tau_hat)^2)`` on the test split (lower is better; differences
        between learners estimate differences in mean squared CATE error).
    calibration_slope, calibration_se:
        Slope of ``phi`` on ``tau_hat`` on the test split (1: well calibrated
        heterogeneity; 0: no detected heterogeneity) and its robust SE.
    ate_test:
        Mean of ``phi`` on the test split (a DR estimate of the ATE there).
    pehe:
        ``sqrt(mean((tau_hat - tau)^2))`` on the test split when the true CATE is given.
    n_train, n_test:
        Split sizes.
    """

    learner: str
    dr_loss: float
    calibration_slope: float
    calibration_se: float
    ate_test: float
    pehe: float | None
    n_train: int
    n_test: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return dict(self.__dict__)


@renamed_arguments(covariates="adjustment_set")
def evaluate_cate(
    learner: CATELearner, data: Any, *, treatment: str, outcome: str, adjustment_set: str | Sequence[str],
    true_cate: np.ndarray | None = None, test_size: float = 0.3, outcome_model: Any = None,
    propensity_model: Any = None, random_state: RandomState = None,
) -> CATEEvaluation:
    """Fit ``learner`` on a training split and evaluate it honestly on the held-out rows.

    The nuisances of the test-split pseudo-outcome (``mu_0, mu_1, e``) are fitted on
    the training split only, so nothing of the test rows is used before scoring.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=3000); t = rng.integers(0, 2, 3000); tau = 1 + 2 * x
    >>> df = pd.DataFrame({"x": x, "t": t, "y": tau * t + x + rng.normal(size=3000)})
    >>> ev = evaluate_cate(CATELearner(learner="t"), df, treatment="t", outcome="y", adjustment_set=["x"],
    ...                    true_cate=tau, random_state=0)
    >>> abs(ev.calibration_slope - 1) < 0.2, ev.pehe < 0.2
    (True, True)
    """
    if not 0 < test_size < 1:
        raise InvalidParameterError(f"test_size must be in (0, 1); got {test_size!r}")
    frame = as_frame(data).reset_index(drop=True)
    cov = names(adjustment_set)
    rng = check_random_state(random_state)
    t_all = check_binary(columns(frame, [treatment], "treatment")[:, 0], treatment, "evaluate_cate")
    order = rng.permutation(len(frame))
    test = np.zeros(len(frame), bool)
    test[order[: int(round(test_size * len(frame)))]] = True
    train_f, test_f = frame[~test], frame[test]
    fitted = clone_learner(learner).fit(train_f, treatment=treatment, outcome=outcome, adjustment_set=cov)
    tau_hat = fitted.effect(test_f)
    t = t_all[~test]
    y = columns(train_f, [outcome], "outcome")[:, 0]
    x = columns(train_f, cov, "covariate")
    xt = columns(test_f, cov, "covariate")
    om = outcome_model if outcome_model is not None else default_regressor()
    pm = propensity_model if propensity_model is not None else default_classifier()
    e = np.clip(fit_predict_proba(pm, x, t, xt), 0.01, 0.99)
    mu0 = fit_predict(om, x[t == 0], y[t == 0], xt)
    mu1 = fit_predict(om, x[t == 1], y[t == 1], xt)
    tt, yt = t_all[test], columns(test_f, [outcome], "outcome")[:, 0]
    phi = _pseudo_outcome(tt, yt, e, mu0, mu1)
    beta, covm, _ = ols(with_intercept(tau_hat), phi, cov_type="HC1") if np.std(tau_hat) > 0 else (
        np.array([phi.mean(), 0.0]), np.full((2, 2), np.nan), None)
    return CATEEvaluation(
        learner=str(learner.learner), dr_loss=float(np.mean((phi - tau_hat) ** 2)),
        calibration_slope=float(beta[1]), calibration_se=float(np.sqrt(covm[1, 1])), ate_test=float(phi.mean()),
        pehe=pehe(tau_hat, np.asarray(true_cate)[test]) if true_cate is not None else None,
        n_train=int((~test).sum()), n_test=int(test.sum()),
    )


def clone_learner(learner: CATELearner) -> CATELearner:
    """An unfitted copy with the same hyperparameters (:meth:`CATELearner.clone`)."""
    return learner.clone()
