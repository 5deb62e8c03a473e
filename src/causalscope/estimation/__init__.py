"""Effect estimation: estimators, refutations and sensitivity analysis.

See ``docs/estimation.md``.
"""

from __future__ import annotations

__all__: list[str] = []

from .result import EffectEstimate, RefutationResult, SensitivityResult
from .bootstrap import bootstrap
from .base import BaseEffectEstimator
from .regression import DifferenceInMeans, GComputation, LinearRegressionEstimator, ols
from .weighting import AIPW, IPW, PartiallyLinearDML

__all__ += [
    "EffectEstimate",
    "RefutationResult",
    "SensitivityResult",
    "bootstrap",
    "BaseEffectEstimator",
    "DifferenceInMeans",
    "GComputation",
    "LinearRegressionEstimator",
    "ols",
    "AIPW",
    "IPW",
    "PartiallyLinearDML",
]

from .matching import PropensityMatching
from .frontdoor import FrontDoorEstimator, frontdoor_effect
from .iv import TwoStageLeastSquares, two_stage_least_squares
from .sensitivity import e_value, e_value_smd, ovb_sensitivity, partial_r2, robustness_value
from .refute import REFUTERS, refute
from .api import METHODS, estimate_effect, make_estimator
from .registry import ESTIMATORS, register_estimator

__all__ += [
    "PropensityMatching",
    "FrontDoorEstimator",
    "frontdoor_effect",
    "TwoStageLeastSquares",
    "two_stage_least_squares",
    "e_value",
    "e_value_smd",
    "ovb_sensitivity",
    "partial_r2",
    "robustness_value",
    "REFUTERS",
    "refute",
    "METHODS",
    "estimate_effect",
    "make_estimator",
    "ESTIMATORS",
    "register_estimator",
]

from .cate import (
    BestLinearProjection,
    CATEEvaluation,
    CATELearner,
    best_linear_projection,
    evaluate_cate,
    pehe,
)

__all__ += ["BestLinearProjection", "CATEEvaluation", "CATELearner", "best_linear_projection", "evaluate_cate", "pehe"]

from .plugin import EstimandPlugin

__all__ += ["EstimandPlugin"]
