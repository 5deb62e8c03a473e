"""The estimator contract shared by every effect estimator.

An effect estimator is configured by keyword-only hyperparameters and fitted with
``fit(data, treatment=..., outcome=..., adjust=...)``; the fitted
:class:`~causalscope.estimation.EffectEstimate` is in ``effect_``. Refutations
re-run the same estimator on manipulated copies of the data through
``estimate_frame``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..utils import RandomState, check_random_state
from ._common import as_frame, check_alpha, check_target, names
from .result import EffectEstimate

__all__ = ["BaseEffectEstimator", "NO_ADJUSTMENT"]

#: How an estimand says that its adjustment set is empty (the same words for every estimator).
NO_ADJUSTMENT = "adjustment set: {} — no variable adjusted for"


@dataclass
class Raw:
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    diagnostics: dict[str, Any] = field(default_factory=dict)


class BaseEffectEstimator:
    """Base of the effect estimators (see the module docstring)."""

    name: str = "base"
    targets: tuple[str, ...] = ("ate", "att")
    random_state: RandomState = None
    alpha: float = 0.05
    target: str = "ate"

    def fit(
        self, data: Any, *, treatment: str, outcome: str, adjust: str | list[str] | tuple[str, ...] | None = None
    ) -> BaseEffectEstimator:
        """Estimate the effect of ``treatment`` on ``outcome`` adjusting for ``adjust``.

        Parameters
        ----------
        data:
            A pandas DataFrame or :class:`causalscope.data.Dataset`.
        treatment, outcome:
            Column names.
        adjust:
            Column names of the adjustment set (front-door: the mediators; IV: the
            covariates).

        Returns
        -------
        self
            With ``effect_`` (an :class:`EffectEstimate`).
        """
        self.effect_ = self.estimate_frame(as_frame(data), treatment, outcome, names(adjust), self.random_state)
        return self

    def estimate_frame(
        self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], random_state: RandomState
    ) -> EffectEstimate:
        """Estimate on a numeric frame (used by ``fit`` and the refuters)."""
        check_alpha(self.alpha)
        check_target(self.target, self.targets)
        rng = check_random_state(random_state)
        raw = self._compute(frame, str(treatment), str(outcome), list(adjust), rng)
        return EffectEstimate(
            treatment=str(treatment),
            outcome=str(outcome),
            target=self.target,
            estimate=float(raw.estimate),
            std_error=float(raw.se),
            ci_low=float(raw.ci_low),
            ci_high=float(raw.ci_high),
            method=self.name,
            estimand=self.estimand_text(str(treatment), str(outcome), list(adjust)),
            n=int(raw.n),
            adjustment=tuple(adjust),
            diagnostics=raw.diagnostics,
            alpha=self.alpha,
        )

    def estimand_text(self, treatment: str, outcome: str, adjust: list[str]) -> str:
        """The identifying formula as text; with no adjustment set it says so (:data:`NO_ADJUSTMENT`)."""
        z = ", ".join(adjust)
        if not z:
            if self.target == "att":
                return f"E[{outcome} | do({treatment})] = E[{outcome} | {treatment}] among the treated (ATT; {NO_ADJUSTMENT})"
            return f"E[{outcome} | do({treatment})] = E[{outcome} | {treatment}] ({NO_ADJUSTMENT})"
        base = f"E[{outcome} | {treatment}, {z}]"
        if self.target == "att":
            return f"E_{{{z} | {treatment}=1}} {base} contrast (ATT)"
        return f"E_{{{z}}} {base} contrast"

    def _compute(
        self, frame: pd.DataFrame, treatment: str, outcome: str, adjust: list[str], rng: np.random.Generator
    ) -> Raw:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        params = {k: v for k, v in vars(self).items() if not k.endswith("_")}
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in params.items())})"
