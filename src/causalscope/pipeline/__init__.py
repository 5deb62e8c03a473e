"""The copilot: profile -> choose -> tune -> discover (with uncertainty) -> identify -> estimate.

``stability`` measures how sure a learned graph is (bootstrap edge confidence,
stability selection); ``tuning`` chooses hyperparameters such as ``alpha`` or a
score's ``penalty_discount`` from the data.
"""

from __future__ import annotations

from ..utils import lazy_exports

# Public names, imported from their submodule on first use (PEP 562): importing the package is cheap.
__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".stability": [
            "EdgeConfidence", "StabilitySelectionResult", "bootstrap_edges", "stability_error_bound",
            "stability_selection"
        ],
        ".tuning": ["TuningResult", "dag_in_class", "default_grid", "heldout_loglik", "tune"],
        ".choose": ["CONSENSUS_THRESHOLD", "MethodChoice", "bootstrap_size", "choose_method"],
        ".analysis": ["Analysis", "Step", "analyze"],
        ".missing": ["MissingPlan", "enough_complete_rows", "plan_missing"],
        ".effects": ["causal_path"],
        ".summary": ["analysis_summary"],
    },
)
