"""The estimator contract shared by every effect estimator.

An effect estimator is a :class:`~causalscope.contract.Component` configured by
keyword-only hyperparameters and fitted with
``fit(data, treatment=..., outcome=..., adjustment_set=...)``; the fitted
:class:`~causalscope.estimation.EffectEstimate` is in ``effect_``. Refutations
re-run the same estimator on manipulated copies of the data through
``estimate_frame``. Every estimator class registers itself by method name in
:data:`~causalscope.estimation.ESTIMATORS` (see :mod:`.registry`), and is built
from the options of ``make_estimator`` by :meth:`BaseEffectEstimator.from_options`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..contract import Component, renamed_arguments
from ..exceptions import InvalidParameterError
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


class BaseEffectEstimator(Component):
    """Base of the effect estimators (see the module docstring).

    Class attributes
    ----------------
    name:
        The method name (set by :func:`~causalscope.estimation.register_estimator`).
    targets:
        The estimands it estimates (``"ate"``, ``"att"``).
    estimand_kind:
        Which identified estimand it estimates: ``"adjustment"`` (default),
        ``"frontdoor"``, ``"iv"`` or ``"plugin"``.
    option_names:
        How an option of ``make_estimator`` is called in the constructor when the
        names differ (``{"outcome_model": "model"}``).
    """

    name: str = "base"
    targets: tuple[str, ...] = ("ate", "att")
    estimand_kind: ClassVar[str] = "adjustment"
    option_names: ClassVar[dict[str, str]] = {}
    random_state: RandomState = None
    alpha: float = 0.05
    target: str = "ate"

    @classmethod
    def from_options(cls, method: str, *, target: str = "ate", **options: Any) -> BaseEffectEstimator:
        """Build the estimator from the options of ``make_estimator``.

        ``target`` is checked against :attr:`targets` when the class estimates one
        target only; every option the constructor takes (under its own name, see
        :attr:`option_names`) is passed, the others are not.

        Raises
        ------
        InvalidParameterError
            If the class estimates one target only and ``target`` is another.
        """
        if len(cls.targets) == 1 and target != cls.targets[0]:
            only = cls.targets[0]
            raise InvalidParameterError(
                f"method {method!r} estimates the {only.upper()} only; got target={target!r} (use target={only!r})"
            )
        accepted = set(cls.param_names())
        given = {"target": target, **options}
        kwargs = {cls.option_names.get(k, k): v for k, v in given.items()}
        return cls(**{k: v for k, v in kwargs.items() if k in accepted})

    @renamed_arguments(adjust="adjustment_set")
    def fit(
        self, data: Any, *, treatment: str, outcome: str,
        adjustment_set: str | list[str] | tuple[str, ...] | None = None,
    ) -> BaseEffectEstimator:
        """Estimate the effect of ``treatment`` on ``outcome`` adjusting for ``adjustment_set``.

        Parameters
        ----------
        data:
            A pandas DataFrame or :class:`causalscope.data.Dataset`.
        treatment, outcome:
            Column names.
        adjustment_set:
            Column names of the adjustment set (front-door: the mediators; IV: the
            covariates). ``adjust=`` is its deprecated spelling (one release).

        Returns
        -------
        self
            With ``effect_`` (an :class:`EffectEstimate`).
        """
        self.effect_ = self.estimate_frame(
            as_frame(data), treatment, outcome, names(adjustment_set), self.random_state
        )
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
