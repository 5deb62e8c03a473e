"""The estimator registry: every effect estimator class registers itself by method name.

:data:`ESTIMATORS` maps a method name (``"aipw"``, ``"ipw"``, ``"linear"``, ...)
to its class; :func:`register_estimator` is the class decorator that fills it
(``@register_estimator("aipw")``; ``aliases`` adds further names for the same
class, as ``"wald"`` for two-stage least squares). ``make_estimator``, the
command line (``causalscope effect --method``), the copilot and the common tests
read this registry, so a new estimator is offered and tested once it registers.

Each class says which kind of identified estimand it estimates
(``estimand_kind``: ``"adjustment"``, ``"frontdoor"``, ``"iv"`` or ``"plugin"``)
and how the options of ``make_estimator`` map onto its constructor
(``option_names``, e.g. ``{"outcome_model": "model"}``); an option the
constructor does not take is not passed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..contract import EffectEstimator
from ..utils import registrar

__all__ = ["ESTIMATORS", "register_estimator", "estimator_methods"]

ESTIMATORS: dict[str, type[EffectEstimator]] = {}
"""Registry of effect estimator classes by method name (filled by :func:`register_estimator`)."""

C = TypeVar("C", bound=type)


def register_estimator(name: str, *, aliases: tuple[str, ...] = ()) -> Callable[[C], C]:
    """Class decorator: register an effect estimator in :data:`ESTIMATORS` under ``name``.

    Sets ``cls.name = name`` (the method reported in the estimate); every alias
    maps to the same class without changing ``cls.name``.

    Raises
    ------
    InvalidParameterError
        If another class is already registered under ``name`` or an alias.

    Examples
    --------
    >>> from causalscope.estimation import ESTIMATORS, AIPW, TwoStageLeastSquares
    >>> ESTIMATORS["aipw"] is AIPW, ESTIMATORS["wald"] is TwoStageLeastSquares, TwoStageLeastSquares.name
    (True, True, '2sls')
    """
    def decorator(cls: C) -> C:
        for key in (name, *aliases):
            registrar(ESTIMATORS, key, kind="effect estimator", attribute="name")(cls)
        setattr(cls, "name", name)  # an alias does not rename the method
        return cls

    return decorator


def estimator_methods(kind: str | None = None) -> tuple[str, ...]:
    """The registered method names (aliases included), optionally only those of one estimand kind."""
    return tuple(m for m, cls in ESTIMATORS.items() if kind is None or getattr(cls, "estimand_kind", None) == kind)
