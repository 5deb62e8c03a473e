"""Nearest-neighbour matching on the propensity score (ATT).

Each treated unit is matched, with replacement, to the ``k`` controls closest in
the logit of the estimated propensity score (Rosenbaum & Rubin 1983); the ATT is
the mean of treated outcome minus the mean outcome of its matches. The standard
error follows Abadie & Imbens (2006, Theorem 7 for the ATT): with ``K_i`` the
number of times control ``i`` is used (weighted by ``1/k``),
``V = [sum_treated (Y_i - Yhat_i(0) - tau)^2 + sum_controls K_i (K_i - 1/k)... ]/N1^2``
with the conditional variances estimated by matching each control to its nearest
other control. The estimated propensity is treated as known (Abadie & Imbens 2016
show this is conservative for the ATE and can go either way for the ATT). The
bootstrap is not valid for matching estimators (Abadie & Imbens 2008).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

from ..exceptions import DataError, InvalidParameterError
from ..utils import RandomState
from ._common import check_binary, check_overlap, columns, default_classifier, fit_predict_proba, normal_ci
from .base import BaseEffectEstimator, Raw
from .registry import register_estimator

__all__ = ["PropensityMatching"]


@register_estimator("matching")
class PropensityMatching(BaseEffectEstimator):
    """Propensity-score nearest-neighbour matching with replacement (ATT).

    Parameters
    ----------
    propensity_model:
        scikit-learn classifier for ``P(T=1 | Z)``; default logistic regression.
    n_neighbors:
        Controls matched to each treated unit.
    caliper:
        Maximum distance on the logit-propensity scale, in standard deviations of
        the logit; treated units without a control within it are dropped (which
        changes the population: reported in ``diagnostics``). ``None``: no caliper.
    target:
        ``"att"`` only.
    alpha, random_state:
        Interval level; unused seed (deterministic).

    References
    ----------
    .. [1] Rosenbaum, P. R. & Rubin, D. B. (1983). The central role of the propensity score in
       observational studies for causal effects. Biometrika 70(1), 41-55.
    .. [2] Abadie, A. & Imbens, G. W. (2006). Large sample properties of matching estimators for
       average treatment effects. Econometrica 74(1), 235-267.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=2000); t = (rng.random(2000) < 1 / (1 + np.exp(1 - z))).astype(int)
    >>> df = pd.DataFrame({"z": z, "t": t, "y": 2 * t + 2 * z + rng.normal(size=2000)})
    >>> est = PropensityMatching().fit(df, treatment="t", outcome="y", adjustment_set=["z"]).effect_
    >>> est.ci_low < 2 < est.ci_high
    True
    """

    targets = ("att",)

    def __init__(
        self, *, propensity_model: Any = None, n_neighbors: int = 1, caliper: float | None = None,
        target: Literal["att"] = "att", alpha: float = 0.05, random_state: RandomState = None,
    ) -> None:
        self.propensity_model = propensity_model
        self.n_neighbors = n_neighbors
        self.caliper = caliper
        self.target = target
        self.alpha = alpha
        self.random_state = random_state

    def _compute(self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], rng: Any) -> Raw:
        k = int(self.n_neighbors)
        if k < 1:
            raise InvalidParameterError(f"n_neighbors must be at least 1; got {self.n_neighbors!r}")
        t = check_binary(columns(frame, [treatment], "treatment")[:, 0], treatment, "matching")
        y = columns(frame, [outcome], "outcome")[:, 0]
        z = columns(frame, adjust, "adjustment")
        model = self.propensity_model if self.propensity_model is not None else default_classifier()
        e = fit_predict_proba(model, z, t, z)
        check_overlap(e, t, "att", treatment)
        e = np.clip(e, 1e-10, 1 - 1e-10)
        s = np.log(e / (1 - e))
        tr, co = np.flatnonzero(t == 1), np.flatnonzero(t == 0)
        if co.size < k + 1:
            raise DataError(f"matching needs at least {k + 1} control rows; got {co.size}")
        nn = NearestNeighbors(n_neighbors=k).fit(s[co, None])
        dist, idx = nn.kneighbors(s[tr, None])
        keep = np.ones(tr.size, bool)
        diag: dict[str, Any] = {"propensity_min": float(e.min()), "propensity_max": float(e.max())}
        if self.caliper is not None:
            keep = dist.max(axis=1) <= float(self.caliper) * s.std()
            diag["n_treated_dropped"] = int((~keep).sum())
            if not keep.any():
                raise DataError("no treated unit has a control within the caliper; widen caliper")
        tr, idx = tr[keep], idx[keep]
        n1 = tr.size
        y0hat = y[co][idx].mean(axis=1)
        diffs = y[tr] - y0hat
        tau = float(diffs.mean())
        kcount = np.bincount(idx.ravel(), minlength=co.size) / k
        # conditional variance of each control from its nearest other control
        nn2 = NearestNeighbors(n_neighbors=2).fit(s[co, None])
        _, idx2 = nn2.kneighbors(s[co, None])
        other = np.where(idx2[:, 0] == np.arange(co.size), idx2[:, 1], idx2[:, 0])
        sig2 = 0.5 * (y[co] - y[co][other]) ** 2
        var = (np.sum((diffs - tau) ** 2) + np.sum(kcount * (kcount - 1 / k) * sig2)) / n1**2
        se = float(np.sqrt(max(var, 0.0)))
        diag.update({"interval": "analytic (Abadie-Imbens)", "n_treated_matched": int(n1),
                     "n_controls_used": int((kcount > 0).sum()), "max_control_reuse": float(kcount.max() * k)})
        lo, hi = normal_ci(tau, se, self.alpha)
        return Raw(tau, se, lo, hi, int(len(y)), diag)
