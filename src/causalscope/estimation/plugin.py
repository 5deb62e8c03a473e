"""Plug-in estimation of any identified estimand on discrete data.

When the effect is identified only by the general ID algorithm (Shpitser & Pearl
2006), e.g. in the napkin graph, its formula is a sum-product of conditional
probabilities of observed variables. On discrete data it is estimated by plugging
in the empirical frequencies (:meth:`causalscope.identification.Estimand.evaluate`);
the reported effect is ``E[Y | do(T=b)] - E[Y | do(T=a)] = sum_y y (P(y | do(b)) -
P(y | do(a)))`` with a bootstrap interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..contract import renamed_arguments
from ..exceptions import DataError, InvalidParameterError
from ..utils import RandomState
from ._common import columns
from .base import BaseEffectEstimator, Raw
from .bootstrap import bootstrap
from .registry import register_estimator

__all__ = ["EstimandPlugin"]


@register_estimator("plugin")
class EstimandPlugin(BaseEffectEstimator):
    """Evaluate an identified :class:`~causalscope.identification.Estimand` on discrete data.

    Parameters
    ----------
    estimand:
        The estimand of ``P(outcome | do(treatment))`` (from ``identify``).
    variables:
        The observed columns the estimand involves (default: all columns of the data).
    levels:
        Treatment levels compared (default 0 and 1).
    n_bootstrap, n_jobs, alpha, random_state, progress:
        Bootstrap settings.

    References
    ----------
    .. [1] Shpitser, I. & Pearl, J. (2006). Identification of joint interventional distributions in
       recursive semi-Markovian causal models. AAAI 2006, 1219-1226.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from causalscope.graphs import parse_graph
    >>> from causalscope.identification import identify
    >>> rng = np.random.default_rng(0)
    >>> z = rng.integers(0, 2, 4000); t = (rng.random(4000) < 0.2 + 0.6 * z).astype(int)
    >>> y = (rng.random(4000) < 0.1 + 0.3 * t + 0.4 * z).astype(int)
    >>> df = pd.DataFrame({"z": z, "t": t, "y": y})
    >>> est = identify(parse_graph("z --> t; z --> y; t --> y"), "t", "y").estimand
    >>> e = EstimandPlugin(estimand=est, n_bootstrap=30, random_state=0).fit(df, treatment="t", outcome="y").effect_
    >>> e.ci_low < 0.3 < e.ci_high
    True
    """

    estimand_kind = "plugin"
    targets = ("ate",)

    @renamed_arguments(n_boot="n_bootstrap")
    def __init__(
        self, *, estimand: Any = None, variables: Sequence[str] | None = None, levels: tuple[float, float] = (0, 1),
        n_bootstrap: int = 200, n_jobs: int | None = None, alpha: float = 0.05, random_state: RandomState = None,
        progress: Any = None,
    ) -> None:
        self.estimand = estimand
        self.variables = variables
        self.levels = levels
        self.n_bootstrap = n_bootstrap
        self.n_jobs = n_jobs
        self.alpha = alpha
        self.random_state = random_state
        self.progress = progress
        self.target = "ate"

    def _compute(self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], rng: Any) -> Raw:
        if self.estimand is None:
            raise InvalidParameterError("estimand must be given (an Estimand from causalscope.identification)")
        columns(frame, [treatment], "treatment")
        columns(frame, [outcome], "outcome")
        cols = list(self.variables) if self.variables is not None else list(frame.columns)
        arr = columns(frame, cols, "estimand variable")
        if not np.all(arr == np.round(arr)) or any(np.unique(arr[:, j]).size > 20 for j in range(arr.shape[1])):
            raise DataError(
                f"the plug-in estimator needs discrete columns (integer codes, at most 20 levels); {cols} are not "
                "all discrete: discretise them, or use a graph that admits adjustment or a front door"
            )
        data = pd.DataFrame(arr.astype(int), columns=cols)
        ys = np.unique(data[outcome].to_numpy())
        a, b = (int(v) for v in self.levels)
        est_obj = self.estimand

        def fn(i: np.ndarray) -> float:
            d = data.iloc[i]
            table = est_obj.table(d)
            val = 0.0
            for y in ys:
                val += float(y) * (table.probability({treatment: b, outcome: int(y)})
                                   - table.probability({treatment: a, outcome: int(y)}))
            return val

        est = fn(np.arange(len(data)))
        se, lo, hi, _ = bootstrap(fn, len(data), n_bootstrap=self.n_bootstrap, alpha=self.alpha, random_state=rng,
                                  n_jobs=self.n_jobs, progress=self.progress)
        return Raw(est, se, lo, hi, len(data), {"interval": "bootstrap", "variables": cols})

    def estimand_text(self, treatment: str, outcome: str, adjust: list[str]) -> str:
        return str(self.estimand)
