"""Sensitivity of an effect estimate to unobserved confounding.

*E-value* (VanderWeele & Ding 2017): the minimum strength of association, on the
risk-ratio scale, that an unmeasured confounder would need with both the
treatment and the outcome (given the measured covariates) to explain away an
observed risk ratio ``RR``: ``E = RR + sqrt(RR (RR - 1))`` for ``RR >= 1`` (use
``1 / RR`` below 1). For the confidence interval the limit closest to 1 is used
(``E = 1`` when the interval contains 1). For a continuous outcome the authors'
approximation converts the standardised mean difference ``d = effect / sd(Y)`` to
``RR ~ exp(0.91 d)`` with interval ``exp(0.91 d +- 1.78 se_d)``.

*Robustness value* (Cinelli & Hazlett 2020): in the linear regression of the
outcome on treatment and covariates with treatment t-statistic ``t`` and
``dof`` residual degrees of freedom, ``f = t / sqrt(dof)`` is the partial Cohen's
f and ``R2_{Y~D|X} = t^2 / (t^2 + dof)``. A confounder that explains a share
``RV_q`` of the residual variance of both treatment and outcome reduces the
estimate by ``100 q %``: ``RV_q = (sqrt(f_q^4 + 4 f_q^2) - f_q^2) / 2`` with
``f_q = q |f|``. ``RV_{q,alpha}`` is the strength that makes the adjusted
estimate no longer significant at level ``alpha``.
"""

from __future__ import annotations

import math

from scipy import stats

from ..exceptions import InvalidParameterError
from .result import SensitivityResult

__all__ = ["e_value", "e_value_smd", "partial_r2", "robustness_value", "ovb_sensitivity"]


def e_value(rr: float, ci_low: float | None = None, ci_high: float | None = None) -> tuple[float, float | None]:
    """E-value of a risk ratio and of its confidence limit closest to the null.

    Parameters
    ----------
    rr:
        Observed risk ratio (> 0). Odds and hazard ratios of a rare outcome can be
        used as risk ratios (VanderWeele & Ding 2017).
    ci_low, ci_high:
        Optional confidence limits of ``rr``.

    Returns
    -------
    (e_point, e_ci)
        ``e_ci`` is None without limits, 1 when the interval contains 1.

    References
    ----------
    .. [1] VanderWeele, T. J. & Ding, P. (2017). Sensitivity analysis in observational research:
       introducing the E-value. Annals of Internal Medicine 167(4), 268-274.

    Examples
    --------
    The paper's breastfeeding example: RR = 3.9 (95% CI 1.8 to 8.7).

    >>> e, e_ci = e_value(3.9, 1.8, 8.7)
    >>> round(e, 2), round(e_ci, 2)
    (7.26, 3.0)
    """
    if not rr > 0:
        raise InvalidParameterError(f"rr must be a positive risk ratio; got {rr!r}")

    def ev(r: float) -> float:
        r = 1 / r if r < 1 else r
        return r + math.sqrt(r * (r - 1))

    point = ev(rr)
    if ci_low is None or ci_high is None:
        return point, None
    if ci_low <= 1 <= ci_high:
        return point, 1.0
    return point, ev(ci_low if rr > 1 else ci_high)


def e_value_smd(d: float, se_d: float) -> tuple[float, float, float, float]:
    """E-value for a continuous outcome from the standardised mean difference.

    ``RR ~ exp(0.91 d)`` with interval ``exp(0.91 d -+ 1.78 se_d)`` (VanderWeele &
    Ding 2017, approximation for continuous outcomes).

    Returns
    -------
    (rr, e_point, e_ci, rr_limit)
        The approximate risk ratio, its E-value, the E-value of the confidence
        limit closest to 1 (1 if the interval contains 1) and that limit.

    Examples
    --------
    >>> rr, e, e_ci, _ = e_value_smd(0.5, 0.1)
    >>> round(rr, 3), round(e, 3)
    (1.576, 2.529)
    """
    rr = math.exp(0.91 * d)
    lo, hi = math.exp(0.91 * d - 1.78 * se_d), math.exp(0.91 * d + 1.78 * se_d)
    e, e_ci = e_value(rr, lo, hi)
    return rr, e, float(e_ci if e_ci is not None else 1.0), lo if d >= 0 else hi


def partial_r2(t_statistic: float, dof: int) -> float:
    """Partial R² of the treatment with the outcome: ``t^2 / (t^2 + dof)``.

    Examples
    --------
    Cinelli & Hazlett (2020), Darfur: t = 4.18 with 783 degrees of freedom.

    >>> round(100 * partial_r2(4.18, 783), 2)
    2.18
    """
    return float(t_statistic**2 / (t_statistic**2 + dof))


def robustness_value(t_statistic: float, dof: int, *, q: float = 1.0, alpha: float | None = None) -> float:
    """Cinelli & Hazlett's robustness value ``RV_q`` (or ``RV_{q,alpha}``).

    Parameters
    ----------
    t_statistic:
        The treatment's t-statistic in the linear outcome regression.
    dof:
        Residual degrees of freedom of that regression.
    q:
        Fraction of the estimate to explain away (1: bring it to zero).
    alpha:
        When given, the strength needed to make the adjusted estimate not
        significant at this level.

    References
    ----------
    .. [1] Cinelli, C. & Hazlett, C. (2020). Making sense of sensitivity: extending omitted
       variable bias. Journal of the Royal Statistical Society B 82(1), 39-67.

    Examples
    --------
    The paper's Darfur example reports RV = 13.9% and RV(alpha=0.05) = 7.6%:

    >>> round(100 * robustness_value(4.18, 783), 1)
    13.9
    >>> round(100 * robustness_value(4.18, 783, alpha=0.05), 1)
    7.6
    """
    if dof < 2:
        raise InvalidParameterError(f"dof must be at least 2; got {dof!r}")
    if q <= 0:
        raise InvalidParameterError(f"q must be positive; got {q!r}")
    fq = q * abs(t_statistic) / math.sqrt(dof)
    if alpha is None:
        return 0.5 * (math.sqrt(fq**4 + 4 * fq**2) - fq**2)
    f_crit = abs(float(stats.t.ppf(alpha / 2, dof - 1))) / math.sqrt(dof - 1)
    fqa = fq - f_crit
    if fqa < 0:
        return 0.0
    if fq > 1 / f_crit:
        return (fq**2 - f_crit**2) / (1 + fq**2)
    return 0.5 * (math.sqrt(fqa**4 + 4 * fqa**2) - fqa**2)


def ovb_sensitivity(
    *, t_statistic: float | None, dof: int | None, estimate: float, std_error: float, outcome_sd: float,
    binary_outcome: bool = False, baseline: float | None = None, ci: tuple[float, float] | None = None,
    alpha: float = 0.05,
) -> SensitivityResult:
    """Assemble a :class:`SensitivityResult` (E-value and, given a regression, RV).

    For a binary outcome with a baseline risk ``E[Y(0)]`` the risk ratio is
    ``(baseline + estimate) / baseline`` (interval likewise); otherwise the
    standardised-mean-difference approximation is used.

    Examples
    --------
    >>> s = ovb_sensitivity(t_statistic=4.18, dof=783, estimate=0.097, std_error=0.023, outcome_sd=0.5)
    >>> round(s.robustness_value, 3), round(s.partial_r2, 4)
    (0.139, 0.0218)
    """
    notes = []
    e = e_ci = rr = None
    if binary_outcome and baseline is not None and 0 < baseline < 1 and baseline + estimate > 0:
        rr = (baseline + estimate) / baseline
        lo, hi = ci if ci is not None else (estimate - 1.96 * std_error, estimate + 1.96 * std_error)
        rlo, rhi = max((baseline + lo) / baseline, 1e-12), max((baseline + hi) / baseline, 1e-12)
        e, e_ci = e_value(rr, rlo, rhi)
        notes.append("E-value from the risk ratio (E[Y(0)] + effect) / E[Y(0)]")
    elif outcome_sd > 0 and math.isfinite(std_error):
        d, sd_d = estimate / outcome_sd, std_error / outcome_sd
        rr, e, e_ci, _ = e_value_smd(d, sd_d)
        notes.append("E-value via RR ~ exp(0.91 d), d = effect / sd(outcome) (VanderWeele & Ding 2017)")
    r2 = rv = rva = None
    if t_statistic is not None and dof is not None and dof >= 2 and math.isfinite(t_statistic):
        r2 = partial_r2(t_statistic, dof)
        rv = robustness_value(t_statistic, dof)
        rva = robustness_value(t_statistic, dof, alpha=alpha)
        notes.append("partial R2 and robustness values from the linear regression of outcome on treatment and "
                     "adjustment set (Cinelli & Hazlett 2020)")
    return SensitivityResult(
        e_value=e, e_value_ci=e_ci, risk_ratio=rr, partial_r2=r2, robustness_value=rv,
        robustness_value_alpha=rva, t_statistic=t_statistic, dof=dof, notes=tuple(notes),
    )
