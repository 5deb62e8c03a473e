"""Instrumental variables: two-stage least squares and the Wald estimator.

An instrument ``Z`` affects the outcome only through the treatment and shares no
unblocked common cause with it (given covariates ``W``). With a linear effect,
two-stage least squares regresses ``T`` on ``(1, Z, W)`` and ``Y`` on
``(1, That, W)``; the standard error uses the structural residuals
``Y - b0 - b T - W'c`` (with the observed ``T``, not ``That``), in a
heteroskedasticity-robust sandwich (Wooldridge 2010, ch. 5). With one binary
instrument and no covariates this is the Wald ratio
``(E[Y|Z=1] - E[Y|Z=0]) / (E[T|Z=1] - E[T|Z=0])``, the local average treatment
effect of the compliers (Imbens & Angrist 1994).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError, InvalidParameterError
from ..utils import RandomState
from ._common import columns, names, normal_ci, with_intercept
from .base import BaseEffectEstimator, Raw
from .registry import register_estimator

__all__ = ["TwoStageLeastSquares", "two_stage_least_squares"]


def two_stage_least_squares(
    y: np.ndarray, t: np.ndarray, z: np.ndarray, w: np.ndarray | None = None, *, robust: bool = True
) -> tuple[np.ndarray, np.ndarray, float]:
    """2SLS coefficients ``(intercept, treatment, covariates...)``, covariance and first-stage F.

    Parameters
    ----------
    y, t:
        Outcome and (endogenous) treatment, shape ``(n,)``.
    z:
        Instruments, shape ``(n, l)``, ``l >= 1``.
    w:
        Exogenous covariates, shape ``(n, k)``.
    robust:
        HC0 sandwich (True) or homoskedastic covariance.

    Returns
    -------
    beta, cov, first_stage_f

    References
    ----------
    .. [1] Wooldridge, J. M. (2010). Econometric Analysis of Cross Section and Panel Data, 2nd ed. MIT Press, ch. 5.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> u = rng.normal(size=5000); z = rng.normal(size=5000)
    >>> t = z + u + rng.normal(size=5000); y = 2 * t - 3 * u + rng.normal(size=5000)
    >>> beta, cov, f = two_stage_least_squares(y, t, z[:, None])
    >>> round(float(beta[1]), 1)
    2.0
    """
    n = len(y)
    w = np.empty((n, 0)) if w is None else w
    if z.shape[1] < 1:
        raise InvalidParameterError("two-stage least squares needs at least one instrument")
    x = with_intercept(np.column_stack([t, w]))  # structural regressors
    zz = with_intercept(np.column_stack([z, w]))  # instruments incl. exogenous
    if np.linalg.matrix_rank(zz) < x.shape[1]:
        raise DataError("instruments are collinear with the covariates: the model is not identified")
    pz = np.linalg.pinv(zz.T @ zz)
    xhat = zz @ (pz @ (zz.T @ x))
    a_inv = np.linalg.pinv(xhat.T @ x)
    beta = a_inv @ (xhat.T @ y)
    res = y - x @ beta
    if robust:
        cov = a_inv @ (xhat.T * res**2) @ xhat @ a_inv.T
    else:
        cov = a_inv @ (xhat.T @ xhat) @ a_inv.T * (res @ res) / (n - x.shape[1])
    # first-stage F of the excluded instruments
    x0 = with_intercept(w)
    r_full = t - zz @ (pz @ (zz.T @ t))
    r_red = t - x0 @ np.linalg.lstsq(x0, t, rcond=None)[0]
    n_instruments = z.shape[1]
    f = float(((r_red @ r_red - r_full @ r_full) / n_instruments) / ((r_full @ r_full) / (n - zz.shape[1])))
    return beta, cov, f


@register_estimator("2sls", aliases=("wald",))
class TwoStageLeastSquares(BaseEffectEstimator):
    """Instrumental-variable estimation by 2SLS (Wald ratio in the simplest case).

    ``adjust`` names the exogenous covariates ``W``; ``instruments`` the instruments.

    Parameters
    ----------
    instruments:
        Instrument column name(s).
    robust:
        Heteroskedasticity-robust (HC0) standard error (default) or homoskedastic.
    alpha, random_state:
        Interval level; unused seed.

    Notes
    -----
    ``diagnostics["first_stage_f"]`` reports instrument strength; below 10 the
    instruments are weak (Staiger & Stock 1997) and the normal interval is unreliable.

    References
    ----------
    .. [1] Imbens, G. W. & Angrist, J. D. (1994). Identification and estimation of local average
       treatment effects. Econometrica 62(2), 467-475.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> u = rng.normal(size=4000); z = rng.integers(0, 2, 4000)
    >>> t = (0.8 * z + u + rng.normal(size=4000) > 0.5).astype(int)
    >>> df = pd.DataFrame({"z": z, "t": t, "y": 1.0 * t + 2 * u + rng.normal(size=4000)})
    >>> est = TwoStageLeastSquares(instruments=["z"]).fit(df, treatment="t", outcome="y").effect_
    >>> est.method, est.ci_low < 1.0 < est.ci_high
    ('wald', True)
    """

    estimand_kind = "iv"
    targets = ("ate",)

    def __init__(
        self, *, instruments: str | Sequence[str] = (), robust: bool = True, alpha: float = 0.05,
        random_state: RandomState = None,
    ) -> None:
        self.instruments = instruments
        self.robust = robust
        self.alpha = alpha
        self.random_state = random_state
        self.target = "ate"

    def estimate_frame(self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], random_state: Any):
        est = super().estimate_frame(frame, treatment, outcome, adjust, random_state)
        from dataclasses import replace

        inst = names(self.instruments)
        wald = len(inst) == 1 and not adjust and np.unique(frame[inst[0]].to_numpy()).size == 2
        return replace(est, method="wald" if wald else "2sls")

    def _compute(self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], rng: Any) -> Raw:
        inst = names(self.instruments)
        if not inst:
            raise InvalidParameterError("instruments must name at least one column; got none")
        clash = set(inst) & ({treatment, outcome} | set(adjust))
        if clash:
            raise InvalidParameterError(f"instruments {sorted(clash)} are also treatment, outcome or covariates")
        t = columns(frame, [treatment], "treatment")[:, 0]
        y = columns(frame, [outcome], "outcome")[:, 0]
        z = columns(frame, inst, "instrument")
        w = columns(frame, adjust, "covariate")
        beta, cov, f = two_stage_least_squares(y, t, z, w, robust=self.robust)
        se = float(np.sqrt(cov[1, 1]))
        lo, hi = normal_ci(float(beta[1]), se, self.alpha)
        diag = {"interval": "analytic", "first_stage_f": f, "instruments": inst, "weak_instruments": bool(f < 10)}
        return Raw(float(beta[1]), se, lo, hi, len(y), diag)

    def estimand_text(self, treatment: str, outcome: str, adjust: list[str]) -> str:
        inst = ", ".join(names(self.instruments))
        given = f" | {', '.join(adjust)}" if adjust else ""
        return f"Cov({outcome}, {inst}{given}) / Cov({treatment}, {inst}{given}) (instrumental variable)"
