"""The copilot: profile -> choose -> tune -> discover (with uncertainty) -> identify -> estimate.

``analysis`` holds :func:`analyze` and :class:`Analysis`; ``stages`` (and
``effects``) the stage functions it runs, each returning a frozen result with its
steps; ``summary`` the plain-text summary.

``stability`` measures how sure a learned graph is (bootstrap edge confidence,
stability selection); ``tuning`` chooses hyperparameters such as ``alpha`` or a
score's ``penalty_discount`` from the data.
"""

from __future__ import annotations

__all__: list[str] = []

from .stability import (
    EdgeConfidence,
    StabilitySelectionResult,
    bootstrap_edges,
    stability_error_bound,
    stability_selection,
)

__all__ += [
    "EdgeConfidence",
    "StabilitySelectionResult",
    "bootstrap_edges",
    "stability_error_bound",
    "stability_selection",
]

from .tuning import TuningResult, dag_in_class, default_grid, heldout_loglik, tune

__all__ += ["TuningResult", "dag_in_class", "default_grid", "heldout_loglik", "tune"]

from .choose import CONSENSUS_THRESHOLD, MethodChoice, bootstrap_size, choose_method
from .analysis import Analysis, Step, analyze

__all__ += ["CONSENSUS_THRESHOLD", "MethodChoice", "bootstrap_size", "choose_method", "Analysis", "Step", "analyze"]

from .missing import MissingPlan, enough_complete_rows, plan_missing

__all__ += ["MissingPlan", "enough_complete_rows", "plan_missing"]

from .effects import causal_path
from .summary import analysis_summary

__all__ += ["causal_path", "analysis_summary"]
