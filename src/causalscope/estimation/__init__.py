"""Effect estimation: estimators, refutations and sensitivity analysis.

See ``docs/estimation.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

if TYPE_CHECKING:  # the public names, one list: imported from their submodule on first use (PEP 562)
    from .result import EffectEstimate, RefutationResult, SensitivityResult
    from .bootstrap import bootstrap
    from .base import BaseEffectEstimator
    from .regression import DifferenceInMeans, GComputation, LinearRegressionEstimator, ols
    from .weighting import AIPW, IPW, InteractiveDML, PartiallyLinearDML
    from .overlap import OverlapDiagnostic, overlap_diagnostic
    from .matching import PropensityMatching
    from .frontdoor import FrontDoorEstimator, frontdoor_effect
    from .iv import TwoStageLeastSquares, two_stage_least_squares
    from .sensitivity import e_value, e_value_smd, ovb_sensitivity, partial_r2, robustness_value
    from .refute import REFUTERS, refute
    from .api import METHODS, estimate_effect, make_estimator
    from .cate import BestLinearProjection, CATEEvaluation, CATELearner, best_linear_projection, evaluate_cate, pehe
    from .plugin import EstimandPlugin
    from .registry import ESTIMATORS, register_estimator

__all__, __getattr__, __dir__ = lazy_exports(__name__, registries=["ESTIMATORS"])

