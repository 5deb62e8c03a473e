"""Conditional independence tests: correct, calibrated, and fast in batches.

See ``docs/independence.md`` for the user guide. Every test is created once for a
data set and answers ``test(x, y, z)``, ``test_batch(queries)`` and the index-level
``p_values(xs, ys, zs)``; :func:`make_ci_test` builds one by its registry name.
"""

from __future__ import annotations

from ..utils import lazy_exports

# Public names, imported from their submodule on first use (PEP 562): importing the package is cheap.
__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".base": [
            "CI_TESTS", "BaseCITest", "CachedCITest", "CITest", "CITestResult", "MissingPolicy", "Query",
            "make_ci_test", "register_ci_test"
        ],
        ".discrete": ["ChiSquareTest", "DiscreteCITest", "GTest", "stratified_statistics", "batched_statistics"],
        ".fisher_z": ["FisherZ"],
        ".kernel": ["KCI", "RCoT", "median_width"],
        ".oracle": ["DSeparationOracle"],
        ".mixed": ["MixedLRTest", "fit_multinomial_logit"],
        ".domain": ["DomainGaussianTest"],  # the other HSIC statistics: causalscope.independence.hsic
        ".hsic": ["IndependentChangeMethod", "independent_change_dependence", "normalised_hsic"],
    },
    registries=["CI_TESTS", "make_ci_test"],
)
