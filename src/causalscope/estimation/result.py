"""Result values of effect estimation: an estimate, its refutations and sensitivity.

An :class:`EffectEstimate` is what every estimator in :mod:`causalscope.estimation`
returns: the estimand it estimated, the estimator's name, the point estimate with
its standard error and confidence interval, the number of rows used, diagnostics
(overlap, weights, first-stage strength...) and, when requested, the
:class:`RefutationResult` values of the refutation tests and a
:class:`SensitivityResult`. All are frozen dataclasses with ``to_dict()``;
``EffectEstimate.to_dict()`` has exactly the keys of ``EFFECT.json`` (see
``CLI.md``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["EffectEstimate", "RefutationResult", "SensitivityResult"]


def _num(x: Any) -> Any:
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return x
    return v if math.isfinite(v) else None


@dataclass(frozen=True)
class RefutationResult:
    """One refutation test of an estimate.

    Attributes
    ----------
    name:
        ``"placebo_treatment"``, ``"random_common_cause"``, ``"data_subset"``,
        ``"dummy_outcome"`` or ``"negative_control_outcome"``.
    passed:
        True when the estimate survives the test (see ``docs/estimation.md`` for
        each test's reading).
    statistic:
        The test's z-statistic (the new estimate, or its change, over its standard
        error).
    p_value:
        Two-sided normal p-value of ``statistic``.
    new_estimate, original_estimate:
        The estimate under the test's manipulation, and the estimate tested.
    detail:
        One line on what was done and how it reads.
    """

    name: str
    passed: bool
    statistic: float
    p_value: float
    new_estimate: float
    original_estimate: float
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``name, passed, statistic, p_value, new_estimate, original_estimate, detail``)."""
        return {
            "name": self.name,
            "passed": bool(self.passed),
            "statistic": _num(self.statistic),
            "p_value": _num(self.p_value),
            "new_estimate": _num(self.new_estimate),
            "original_estimate": _num(self.original_estimate),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class SensitivityResult:
    """Sensitivity of an estimate to unobserved confounding.

    Attributes
    ----------
    e_value, e_value_ci:
        E-value of the point estimate and of the confidence limit closest to the
        null (VanderWeele & Ding 2017); ``None`` when not computed.
    risk_ratio:
        The (approximate) risk ratio the E-value was computed from.
    partial_r2:
        Partial R² of the treatment with the outcome given the covariates, from the
        linear regression of the outcome on treatment and covariates.
    robustness_value, robustness_value_alpha:
        Cinelli & Hazlett (2020) robustness values ``RV_q`` (confounding that
        would bring the estimate to zero) and ``RV_{q,alpha}`` (to make it not
        significant at ``alpha``), both for ``q = 1``.
    t_statistic, dof:
        The regression's t-statistic of the treatment and residual degrees of freedom.
    notes:
        How the numbers were obtained (approximations used).
    """

    e_value: float | None = None
    e_value_ci: float | None = None
    risk_ratio: float | None = None
    partial_r2: float | None = None
    robustness_value: float | None = None
    robustness_value_alpha: float | None = None
    t_statistic: float | None = None
    dof: int | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of every field."""
        return {
            "e_value": _num(self.e_value),
            "e_value_ci": _num(self.e_value_ci),
            "risk_ratio": _num(self.risk_ratio),
            "partial_r2": _num(self.partial_r2),
            "robustness_value": _num(self.robustness_value),
            "robustness_value_alpha": _num(self.robustness_value_alpha),
            "t_statistic": _num(self.t_statistic),
            "dof": self.dof,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class EffectEstimate:
    """An estimated causal effect.

    Attributes
    ----------
    treatment, outcome:
        Column names.
    target:
        ``"ate"``, ``"att"``, ``"ato"`` (overlap-weighted) or ``"cate"`` (for a summary
        of conditional effects).
    estimate, std_error, ci_low, ci_high:
        Point estimate, standard error and confidence interval (level ``1 - alpha``).
    method:
        The estimator's name (``"aipw"``, ``"linear"``, ...).
    estimand:
        The identifying formula as text.
    n:
        Number of rows used.
    adjustment:
        The adjustment set (or mediators / instruments, see ``diagnostics``).
    diagnostics:
        Estimator-specific facts: propensity range and trimming, effective sample
        size, first-stage F, interval kind (``"analytic"``/``"bootstrap"``)...;
        ``overlap`` (the :class:`~causalscope.estimation.overlap.OverlapDiagnostic`
        as a dict), ``population`` and ``warnings`` are also in :meth:`to_dict`.
    refutations:
        Refutation results, when run.
    sensitivity:
        Sensitivity analysis, when run.
    alpha:
        ``1 -`` the confidence level.
    assumptions:
        The identifying assumptions the estimate rests on, as plain sentences
        (where the adjustment set, mediators or instruments came from, and what
        is assumed of them); :func:`~causalscope.estimation.estimate_effect`
        fills it in.
    """

    treatment: str
    outcome: str
    target: str
    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    method: str
    estimand: str
    n: int
    adjustment: tuple[str, ...] = ()
    diagnostics: dict[str, Any] = field(default_factory=dict, compare=False)
    refutations: tuple[RefutationResult, ...] = ()
    sensitivity: SensitivityResult | None = None
    alpha: float = 0.05
    assumptions: tuple[str, ...] = ()

    def with_checks(
        self, refutations: tuple[RefutationResult, ...] | None = None, sensitivity: SensitivityResult | None = None
    ) -> EffectEstimate:
        """A copy with refutations and/or sensitivity attached."""
        return replace(
            self,
            refutations=self.refutations if refutations is None else tuple(refutations),
            sensitivity=self.sensitivity if sensitivity is None else sensitivity,
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``EFFECT.json`` object (keys as in ``CLI.md``; ``overlap``, ``population`` and ``warnings`` when
        the estimator computed the overlap diagnostic, see ``docs/cli.md``)."""
        return {
            "treatment": self.treatment,
            "outcome": self.outcome,
            "target": self.target,
            "estimate": _num(self.estimate),
            "std_error": _num(self.std_error),
            "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high),
            "method": self.method,
            "estimand": self.estimand,
            "assumptions": list(self.assumptions),
            "n": int(self.n),
            "refutations": [r.to_dict() for r in self.refutations],
            "sensitivity": self.sensitivity.to_dict() if self.sensitivity is not None else {},
            **self._overlap_keys(),
        }

    def _overlap_keys(self) -> dict[str, Any]:
        """``overlap``, ``population`` and ``warnings``: present together when the estimator computed the
        overlap diagnostic (a binary treatment: ``ipw``, ``aipw``, ``dml``, ``linear``, ``dml-plr``)."""
        if "overlap" not in self.diagnostics:
            return {}
        return {"overlap": dict(self.diagnostics["overlap"]), "population": self.population,
                "warnings": list(self.warnings)}

    @property
    def population(self) -> str | None:
        """The population the estimate is about (``"ATE on the overlap region 0.05 <= e <= 0.95, 1,204 of
        2,675 units"``), from ``diagnostics["population"]``; ``None`` when the estimator does not say."""
        pop = self.diagnostics.get("population")
        return str(pop) if pop is not None else None

    @property
    def warnings(self) -> tuple[str, ...]:
        """What is poor about the estimate (overlap, effective sample size) and what follows, as sentences."""
        return tuple(str(w) for w in self.diagnostics.get("warnings", ()))

    def __str__(self) -> str:
        lvl = round(100 * (1 - self.alpha))
        return (
            f"{self.target.upper()} of {self.treatment} on {self.outcome} ({self.method}): "
            f"{self.estimate:.4g} (SE {self.std_error:.3g}; {lvl}% CI {self.ci_low:.4g} to {self.ci_high:.4g}; n={self.n})"
        )
