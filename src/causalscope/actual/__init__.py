"""Actual causation and probabilities of causation.

"Did this event cause that one?" is a question about one situation that happened,
not about a population. This package answers it on deterministic structural models
with finite domains (:class:`CausalModel`, read from YAML), with the modified
Halpern–Pearl definition (and the updated one, for small models) and but-for
causation (:func:`is_actual_cause`, :func:`actual_causes`), degrees of
responsibility and blame (Chockler and Halpern 2004), the sufficiency, necessity
and normality factors and decision procedure of AC-Reason over structured
scenarios, and the probabilities of causation PN, PS, PNS with their Tian–Pearl
bounds. See ``docs/actual.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

if TYPE_CHECKING:  # the public names, one list: imported from their submodule on first use (PEP 562)
    from .expressions import Expression, ExpressionError, parse_expression
    from .model import CausalModel, CyclicModelError, Endogenous, ModelError, load_model, parse_assignment
    from .halpern_pearl import ActualCauses, CauseResult, Witness, actual_causes, is_actual_cause, is_but_for_cause
    from .examples import example_expected, list_examples, load_example
    from .responsibility import Blame, Responsibility, blame, responsibility
    from .probabilities import (
        Bounds,
        Experimental,
        Observational,
        PCBounds,
        PCValues,
        pc_bounds,
        pc_bounds_lp,
        pc_exogenous_monotonic,
        pc_monotonic,
    )
    from .acreason import ACReasonVerdict, CausalFactors, Event, Scenario, ac_reason, causal_factors

__all__, __getattr__, __dir__ = lazy_exports(__name__)

