"""Effect estimation: estimators, refutations and sensitivity analysis.

See ``docs/estimation.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

# Public names, imported from their submodule on first use (PEP 562): importing the package is cheap.
__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".result": ["EffectEstimate", "RefutationResult", "SensitivityResult"],
        ".bootstrap": ["bootstrap"],
        ".base": ["BaseEffectEstimator"],
        ".regression": ["DifferenceInMeans", "GComputation", "LinearRegressionEstimator", "ols"],
        ".weighting": ["AIPW", "IPW", "PartiallyLinearDML"],
        ".matching": ["PropensityMatching"],
        ".frontdoor": ["FrontDoorEstimator", "frontdoor_effect"],
        ".iv": ["TwoStageLeastSquares", "two_stage_least_squares"],
        ".sensitivity": ["e_value", "e_value_smd", "ovb_sensitivity", "partial_r2", "robustness_value"],
        ".refute": ["REFUTERS", "refute"],
        ".api": ["METHODS", "estimate_effect", "make_estimator"],
        ".cate": [
            "BestLinearProjection", "CATEEvaluation", "CATELearner", "best_linear_projection", "evaluate_cate",
            "pehe"
        ],
        ".plugin": ["EstimandPlugin"],
    },
)

if TYPE_CHECKING:  # names that are also submodules: type checkers must see the object, as at run time
    from .bootstrap import bootstrap as bootstrap
    from .refute import refute as refute
