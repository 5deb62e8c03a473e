"""One overlap diagnostic for every estimator that adjusts for confounders with a binary treatment.

Before a weighting estimator (``ipw``, ``aipw``, ``dml``) weights anything, and
alongside the regression estimators (``linear``, ``dml-plr``) that would
otherwise extrapolate silently, :func:`overlap_diagnostic` summarises the
estimated propensity scores ``e = P(T=1 | Z)``:

* their range in each arm;
* the share of units below ``0.01`` / ``0.05`` and above ``0.95`` / ``0.99``;
* the Kish (1965) effective sample size ``(sum w)^2 / sum w^2`` of each arm
  under the weights of the target (ATE: ``1/e`` and ``1/(1-e)``; ATT: the
  treated weigh 1, the controls ``e/(1-e)``; ATO: ``1-e`` and ``e``, Li,
  Morgan & Zaslavsky 2018);
* a balance table: the standardised mean difference of each covariate before
  and after weighting (Austin 2009: difference of the (weighted) means over the
  pooled unweighted standard deviation).

A small effective sample size of the arm that is reweighted is a warning
(:data:`ESS_WARN_MIN`, :data:`ESS_WARN_SHARE`): the estimate then rests on a
handful of units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..exceptions import InvalidParameterError
from ._common import OVERLAP_EPS, OVERLAP_MAX_SHARE, default_classifier, fit_predict_proba

__all__ = ["OverlapDiagnostic", "overlap_diagnostic", "overlap_report", "ESS_WARN_MIN", "ESS_WARN_SHARE", "target_weights"]

#: A reweighted arm is warned about when its Kish effective sample size is below this share of the
#: units it stands for (ATE: the arm's own units; ATT: the treated, whom the controls stand in for) ...
ESS_WARN_SHARE = 0.1
#: ... or below this many units (and below half the arm's units, so a small randomised arm is not warned about).
ESS_WARN_MIN = 20.0
_LOW = (0.01, 0.05)
_HIGH = (0.95, 0.99)


def kish_ess(w: np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` (0 for no or all-zero weights)."""
    w = np.asarray(w, dtype=float)
    s2 = float(np.sum(w**2))
    return float(w.sum() ** 2 / s2) if w.size and s2 > 0 else 0.0


def target_weights(e: np.ndarray, t: np.ndarray, target: str) -> tuple[np.ndarray, np.ndarray]:
    """Unnormalised weights ``(w1, w0)`` of the treated and the controls (zero in the other arm).

    ``target``: ``"ate"`` (``T/e``, ``(1-T)/(1-e)``), ``"att"`` (``T``, ``(1-T) e/(1-e)``) or
    ``"ato"`` (``T (1-e)``, ``(1-T) e``; Li, Morgan & Zaslavsky 2018).
    """
    e = np.clip(np.asarray(e, dtype=float), 1e-12, 1 - 1e-12)
    t = np.asarray(t, dtype=float)
    if target == "ate":
        return t / e, (1 - t) / (1 - e)
    if target == "att":
        return t.copy(), (1 - t) * e / (1 - e)
    if target == "ato":
        return t * (1 - e), (1 - t) * e
    raise InvalidParameterError(f"target must be 'ate', 'att' or 'ato'; got {target!r}")


@dataclass(frozen=True)
class OverlapDiagnostic:
    """Overlap of the propensity scores of a binary treatment (see the module docstring).

    Attributes
    ----------
    target:
        The estimand whose weights the effective sample sizes use.
    n_treated, n_control:
        Units per arm.
    range_treated, range_control:
        ``(min, max)`` of the propensity score in each arm.
    share_below, share_above:
        Share of all units with ``e`` below each threshold of ``(0.01, 0.05)`` /
        above each of ``(0.95, 0.99)`` (keys are the thresholds as text).
    ess_treated, ess_control:
        Kish effective sample size of each arm under the target's weights.
    balance:
        One dict per covariate: ``covariate``, ``smd_before``, ``smd_after``.
    warnings:
        What is poor and what follows, as sentences (empty when nothing is).
    """

    target: str
    n_treated: int
    n_control: int
    range_treated: tuple[float, float]
    range_control: tuple[float, float]
    share_below: dict[str, float]
    share_above: dict[str, float]
    ess_treated: float
    ess_control: float
    balance: tuple[dict[str, Any], ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of every field (the ``overlap`` key of ``EFFECT.json``)."""
        return {
            "target": self.target,
            "n_treated": int(self.n_treated),
            "n_control": int(self.n_control),
            "propensity_range_treated": [float(v) for v in self.range_treated],
            "propensity_range_control": [float(v) for v in self.range_control],
            "share_below": dict(self.share_below),
            "share_above": dict(self.share_above),
            "ess_treated": float(self.ess_treated),
            "ess_control": float(self.ess_control),
            "balance": [dict(b) for b in self.balance],
            "warnings": list(self.warnings),
        }


def _smd(x: np.ndarray, t: np.ndarray, w1: np.ndarray, w0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x1, x0 = x[t == 1], x[t == 0]
    sd = np.sqrt((x1.var(axis=0, ddof=1) + x0.var(axis=0, ddof=1)) / 2) if min(len(x1), len(x0)) > 1 else np.zeros(
        x.shape[1])
    sd = np.where(sd > 0, sd, np.nan)
    before = (x1.mean(axis=0) - x0.mean(axis=0)) / sd
    a1, a0 = w1[t == 1], w0[t == 0]
    m1 = a1 @ x1 / a1.sum() if a1.sum() > 0 else np.full(x.shape[1], np.nan)
    m0 = a0 @ x0 / a0.sum() if a0.sum() > 0 else np.full(x.shape[1], np.nan)
    return before, (m1 - m0) / sd


def _rng(v: np.ndarray) -> tuple[float, float]:
    return (float(v.min()), float(v.max())) if v.size else (float("nan"), float("nan"))


def overlap_diagnostic(
    e: np.ndarray, t: np.ndarray, *, target: str, covariates: np.ndarray | None = None,
    names: Sequence[str] | None = None,
) -> OverlapDiagnostic:
    """The overlap diagnostic of propensity scores ``e`` for a binary treatment ``t``.

    Parameters
    ----------
    e:
        Estimated propensity scores ``P(T=1 | Z)``, one per unit.
    t:
        The binary (0/1) treatment.
    target:
        ``"ate"``, ``"att"`` or ``"ato"``: whose weights the effective sample sizes
        and the balance after weighting use.
    covariates, names:
        Optional ``(n, p)`` covariate matrix and its column names, for the balance
        table.

    Returns
    -------
    OverlapDiagnostic
        With a warning when a reweighted arm's effective sample size is below
        :data:`ESS_WARN_SHARE` (10%) of the units it stands for, or below
        :data:`ESS_WARN_MIN` (20) units and half its own units. ATT: the controls,
        against the number of treated; ATE: each arm, against its own size; ATO:
        none (its weights are bounded).

    References
    ----------
    .. [1] Kish, L. (1965). Survey Sampling. Wiley.
    .. [2] Austin, P. C. (2009). Balance diagnostics for comparing the distribution of baseline
       covariates between treatment groups in propensity-score matched samples. Statistics in
       Medicine 28, 3083-3107.
    .. [3] Li, F., Morgan, K. L. & Zaslavsky, A. M. (2018). Balancing covariates via propensity
       score weighting. JASA 113(521), 390-400.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([0, 0, 0, 1, 1, 1]); e = np.array([0.2, 0.4, 0.5, 0.5, 0.6, 0.8])
    >>> d = overlap_diagnostic(e, t, target="att")
    >>> d.range_control, d.n_treated, round(d.ess_treated, 1)
    ((0.2, 0.5), 3, 3.0)
    """
    e = np.asarray(e, dtype=float)
    t = np.asarray(t, dtype=float)
    if e.ndim != 1 or e.shape != t.shape or e.size == 0 != t.shape or e.ndim != 1:
        raise InvalidParameterError(
            f"e and t must be non-empty 1-d arrays of the same length; got shapes {e.shape} and {t.shape}")
    w1, w0 = target_weights(e, t, target)
    n1, n0 = int(np.sum(t == 1)), int(np.sum(t == 0))
    ess1, ess0 = kish_ess(w1[t == 1]), kish_ess(w0[t == 0])
    warn: list[str] = []
    # (arm, its ESS, its units, the units it stands for)
    arms = [("controls", ess0, n0, n1)] if target == "att" else [("treated", ess1, n1, n1), ("controls", ess0, n0, n0)]
    if target != "ato":
        for arm, ess, n_arm, n_ref in arms:
            if n_arm and (ess < ESS_WARN_SHARE * n_ref or ess < min(ESS_WARN_MIN, 0.5 * n_arm)):
                warn.append(
                    f"poor overlap for the {target.upper()}: the effective sample size of the {arm} under the "
                    f"{target.upper()} weights is {ess:.1f} of {n_arm:,} units, so the estimate rests on a few "
                    "heavily weighted units and its interval may be unreliable; consider trimming (trim=, "
                    "trim_mode='drop') or the overlap-weighted estimand (target='ato')")
    balance: tuple[dict[str, Any], ...] = ()
    if covariates is not None and np.asarray(covariates).size:
        x = np.asarray(covariates, dtype=float)
        cols = list(names) if names is not None else [f"x{j}" for j in range(x.shape[1])]
        before, after = _smd(x, t, w1, w0)
        balance = tuple({"covariate": c, "smd_before": float(b) if np.isfinite(b) else None,
                         "smd_after": float(a) if np.isfinite(a) else None}
                        for c, b, a in zip(cols, before, after))
    n = e.size
    return OverlapDiagnostic(
        target=target, n_treated=n1, n_control=n0, range_treated=_rng(e[t == 1]), range_control=_rng(e[t == 0]),
        share_below={str(c): float(np.sum(e < c) / n) for c in _LOW},
        share_above={str(c): float(np.sum(e > c) / n) for c in _HIGH},
        ess_treated=ess1, ess_control=ess0, balance=balance, warnings=tuple(warn),
    )


def overlap_report(e: np.ndarray | None, t: np.ndarray, z: np.ndarray, adjust: list[str]) -> dict[str, Any]:
    """``overlap`` and ``warnings`` for an estimator that does not weight (``linear``, ``dml-plr``).

    ``e``: the propensity scores, or ``None`` to fit the default logistic regression of ``t`` on ``z``.

    Nothing is refused (the estimator does not divide by the propensity), but where
    overlap is poor the estimate extrapolates its model, and a warning says so.
    """
    if e is None:
        e = fit_predict_proba(default_classifier(), z, t, z)
    ov = overlap_diagnostic(e, t, target="ate", covariates=z if z.shape[1] else None, names=adjust)
    warn = [w.replace("consider trimming", "a regression estimate extrapolates its model there; consider a "
                      "weighting method with trimming") for w in ov.warnings]
    extreme = float(np.mean((e < OVERLAP_EPS) | (e > 1 - OVERLAP_EPS)))
    if extreme > OVERLAP_MAX_SHARE:
        warn.append(f"poor overlap: {100 * extreme:.1f}% of the units have a propensity score within 1e-5 of 0 or "
                    "1, where the other arm has no comparable units: the estimate there is an extrapolation of the "
                    "regression model, not a comparison in the data; consider ipw/aipw/dml with trim=(0.05, 0.95), "
                    "trim_mode='drop'")
    return {"overlap": ov.to_dict(), "warnings": warn}
