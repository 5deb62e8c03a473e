"""The copilot: profile -> choose -> tune -> discover (with uncertainty) -> identify -> estimate.

``stability`` measures how sure a learned graph is (bootstrap edge confidence,
stability selection); ``tuning`` chooses hyperparameters such as ``alpha`` or a
score's ``penalty_discount`` from the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

if TYPE_CHECKING:  # the public names, one list: imported from their submodule on first use (PEP 562)
    from .stability import (
        EdgeConfidence,
        StabilitySelectionResult,
        bootstrap_edges,
        stability_error_bound,
        stability_selection,
    )
    from .tuning import TuningResult, dag_in_class, default_grid, heldout_loglik, tune
    from .choose import CONSENSUS_THRESHOLD, MethodChoice, bootstrap_size, choose_method
    from .analysis import Analysis, Step, analyze
    from .missing import MissingPlan, enough_complete_rows, plan_missing
    from .effects import causal_path
    from .summary import analysis_summary
    from .timeseries import SeriesChoice, TimeSeriesAnalysis, analyze_series, choose_series_method

__all__, __getattr__, __dir__ = lazy_exports(__name__)

