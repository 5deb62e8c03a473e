"""Conditional independence tests: correct, calibrated, and fast in batches.

See ``docs/independence.md`` for the user guide. Every test is created once for a
data set and answers ``test(x, y, z)``, ``test_batch(queries)`` and the index-level
``p_values(xs, ys, zs)``; :func:`make_ci_test` builds one by its registry name.
"""

from .base import (
    CI_TESTS,
    BaseCITest,
    CachedCITest,
    CITest,
    CITestResult,
    MissingPolicy,
    Query,
    make_ci_test,
    register_ci_test,
)
from .discrete import ChiSquareTest, DiscreteCITest, GTest, stratified_statistics
from .fisher_z import FisherZ
from .kernel import KCI, RCoT, median_width
from .oracle import DSeparationOracle

__all__ = [
    "CITest",
    "CITestResult",
    "CI_TESTS",
    "register_ci_test",
    "make_ci_test",
    "CachedCITest",
    "BaseCITest",
    "MissingPolicy",
    "Query",
    "FisherZ",
    "GTest",
    "ChiSquareTest",
    "DiscreteCITest",
    "stratified_statistics",
    "DSeparationOracle",
    "KCI",
    "RCoT",
    "median_width",
]
from .mixed import MixedLRTest, fit_multinomial_logit

__all__ += ["MixedLRTest", "fit_multinomial_logit"]
from .discrete import batched_statistics

__all__ += ["batched_statistics"]
from .domain import DomainGaussianTest
from .hsic import IndependentChangeMethod, independent_change_dependence, normalised_hsic

# the other HSIC statistics: causalscope.independence.hsic
__all__ += ["DomainGaussianTest", "IndependentChangeMethod", "independent_change_dependence", "normalised_hsic"]
