"""Front-door estimation.

When the mediators ``M`` intercept every directed path from ``T`` to ``Y``, no
back-door path from ``T`` to ``M`` is open and ``T`` blocks every back-door path
from ``M`` to ``Y`` (Pearl 1995), then

``E[Y | do(t)] = sum_m P(m | t) sum_{t'} P(t') E[Y | m, t']``.

For discrete mediators this is evaluated with the empirical frequencies
(plug-in). For continuous mediators the inner term
``g(m) = sum_{t'} P(t') E[Y | m, t']`` comes from a regression of ``Y`` on
``(M, T)`` (any scikit-learn model; a classifier's probabilities for a binary
outcome) and the outer average is over the units with ``T = t``. Neither is the
product-of-coefficients shortcut, which is biased when the outcome or mediator
is binary. The treatment must be discrete; the effect reported is
``E[Y | do(1)] - E[Y | do(0)]`` (or of the two given levels). Intervals come
from the bootstrap.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from ..contract import renamed_arguments
from ..exceptions import DataError, InvalidParameterError
from ..utils import RandomState
from ._common import columns, default_regressor, is_binary
from .base import BaseEffectEstimator, Raw
from .bootstrap import bootstrap
from .registry import register_estimator

__all__ = ["FrontDoorEstimator", "frontdoor_effect"]


def _codes(x: np.ndarray) -> np.ndarray:
    if x.shape[1] == 1:
        return np.unique(x[:, 0], return_inverse=True)[1].ravel()
    return np.unique(x, axis=0, return_inverse=True)[1].ravel()


def frontdoor_effect(
    t: np.ndarray, m: np.ndarray, y: np.ndarray, *, levels: tuple[float, float] = (0.0, 1.0),
    discrete_mediators: bool | None = None, model: Any = None,
) -> float:
    """Front-door contrast ``E[Y | do(levels[1])] - E[Y | do(levels[0])]``.

    Parameters
    ----------
    t:
        Discrete treatment, shape ``(n,)``.
    m:
        Mediators, shape ``(n, k)``.
    y:
        Outcome, shape ``(n,)``.
    levels:
        The two treatment levels compared.
    discrete_mediators:
        Plug-in frequencies (True) or the regression form (False); default: plug-in
        when every mediator has at most 20 distinct values.
    model:
        Regressor for ``E[Y | M, T]`` in the regression form.

    References
    ----------
    .. [1] Pearl, J. (1995). Causal diagrams for empirical research. Biometrika 82(4), 669-688.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> u = rng.random(20000) < 0.5
    >>> t = (rng.random(20000) < 0.2 + 0.6 * u).astype(float)
    >>> m = (rng.random(20000) < 0.1 + 0.7 * t).astype(float)
    >>> y = (rng.random(20000) < 0.1 + 0.5 * m + 0.3 * u).astype(float)
    >>> abs(frontdoor_effect(t, m[:, None], y) - 0.35) < 0.02   # truth 0.7 * 0.5
    True
    """
    lv = np.unique(t)
    if lv.size > 20:
        raise DataError("front-door estimation needs a discrete treatment (at most 20 levels)")
    for a in levels:
        if not np.any(t == a):
            raise DataError(f"treatment level {a!r} does not occur in the data")
    if discrete_mediators is None:
        discrete_mediators = all(np.unique(m[:, j]).size <= 20 for j in range(m.shape[1]))
    pt = np.array([np.mean(t == v) for v in lv])
    if discrete_mediators:
        mc = _codes(m)
        km, kt = mc.max() + 1, lv.size
        tc = np.searchsorted(lv, t)
        cnt = np.zeros((km, kt))
        sy = np.zeros((km, kt))
        np.add.at(cnt, (mc, tc), 1.0)
        np.add.at(sy, (mc, tc), y)
        with np.errstate(invalid="ignore", divide="ignore"):
            ey = sy / cnt  # E[Y | m, t']
        pm_t = cnt / cnt.sum(axis=0, keepdims=True)  # P(m | t)
        # positivity: E[Y | m, t'] needed where P(m) > 0 for every t' with P(t') > 0
        need = cnt.sum(axis=1) > 0
        if np.isnan(ey[need]).any():
            raise DataError(
                "front-door plug-in: some mediator value never occurs with some treatment level "
                "(positivity of P(m, t') fails); use fewer mediator levels or the regression form"
            )
        g = np.where(need, np.nansum(ey * pt[None, :], axis=1), 0.0)
        vals = [float(pm_t[:, np.searchsorted(lv, a)] @ g) for a in levels]
        return vals[1] - vals[0]
    mdl = clone(model if model is not None else default_regressor())
    x = np.column_stack([m, t])
    if hasattr(mdl, "predict_proba"):
        mdl.fit(x, y.astype(int))
        pos = list(mdl.classes_).index(1)
        predict = lambda a: mdl.predict_proba(a)[:, pos]  # noqa: E731
    else:
        mdl.fit(x, y)
        predict = mdl.predict
    g = np.zeros(len(y))
    for v, p in zip(lv, pt):
        g += p * predict(np.column_stack([m, np.full(len(y), v)]))
    vals = [float(g[t == a].mean()) for a in levels]
    return vals[1] - vals[0]


@register_estimator("frontdoor")
class FrontDoorEstimator(BaseEffectEstimator):
    """Front-door adjustment (see the module docstring); ``adjust`` names the mediators.

    Parameters
    ----------
    model:
        Regressor (or classifier for a binary outcome) of ``E[Y | M, T]`` for
        continuous mediators; default a standardised ``LinearRegression()`` (a
        ``LogisticRegression`` when the outcome is binary).
    discrete_mediators:
        Force the plug-in (True) or regression (False) form; default by cardinality.
    levels:
        Treatment levels compared (default 0 and 1).
    n_bootstrap, n_jobs, alpha, random_state:
        Bootstrap settings.
    progress:
        Progress reporter or callback for the bootstrap (see :mod:`causalscope.utils`).

    References
    ----------
    .. [1] Pearl, J. (1995). Causal diagrams for empirical research. Biometrika 82(4), 669-688.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> u = rng.normal(size=3000); t = (rng.random(3000) < 1 / (1 + np.exp(-u))).astype(int)
    >>> m = 1.5 * t + rng.normal(size=3000)
    >>> df = pd.DataFrame({"t": t, "m": m, "y": 2 * m + 3 * u + rng.normal(size=3000)})
    >>> est = FrontDoorEstimator(n_bootstrap=50, random_state=0).fit(df, treatment="t", outcome="y", adjustment_set=["m"]).effect_
    >>> est.ci_low < 3.0 < est.ci_high
    True
    """

    option_names = {"outcome_model": "model"}
    estimand_kind = "frontdoor"
    targets = ("ate",)

    @renamed_arguments(n_boot="n_bootstrap")
    def __init__(
        self, *, model: Any = None, discrete_mediators: bool | None = None, levels: tuple[float, float] = (0.0, 1.0),
        n_bootstrap: int = 200, n_jobs: int | None = None, alpha: float = 0.05, random_state: RandomState = None, progress: Any = None,
    ) -> None:
        self.progress = progress
        self.model = model
        self.discrete_mediators = discrete_mediators
        self.levels = levels
        self.n_bootstrap = n_bootstrap
        self.n_jobs = n_jobs
        self.alpha = alpha
        self.random_state = random_state
        self.target = "ate"

    def _compute(self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], rng: Any) -> Raw:
        if not adjust:
            raise InvalidParameterError("front-door estimation needs the mediators (adjustment_set=[...]); got none")
        t = columns(frame, [treatment], "treatment")[:, 0]
        y = columns(frame, [outcome], "outcome")[:, 0]
        m = columns(frame, adjust, "mediator")
        model = self.model
        if model is None and is_binary(y):
            from ._common import default_classifier

            model = default_classifier()
        lv = tuple(float(v) for v in self.levels)

        def fn(i: np.ndarray) -> float:
            return frontdoor_effect(t[i], m[i], y[i], levels=lv, discrete_mediators=self.discrete_mediators, model=model)  # type: ignore[arg-type]  # levels is a checked pair

        est = fn(np.arange(len(y)))
        se, lo, hi, _ = bootstrap(fn, len(y), n_bootstrap=self.n_bootstrap, alpha=self.alpha, random_state=rng,
                                  n_jobs=self.n_jobs, progress=self.progress)
        return Raw(est, se, lo, hi, len(y), {"interval": "bootstrap", "mediators": list(adjust)})

    def estimand_text(self, treatment: str, outcome: str, adjust: list[str]) -> str:
        m = ", ".join(adjust)
        return f"Σ_{{{m}}} P({m} | {treatment}) Σ_{{{treatment}'}} P({treatment}') E[{outcome} | {m}, {treatment}'] contrast"
