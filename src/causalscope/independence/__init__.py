"""Conditional independence tests: correct, calibrated, and fast in batches.

See ``docs/independence.md`` for the user guide. Every test is created once for a
data set and answers ``test(x, y, z)``, ``test_batch(queries)`` and the index-level
``p_values(xs, ys, zs)``; :func:`make_ci_test` builds one by its registry name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

if TYPE_CHECKING:  # the public names, one list: imported from their submodule on first use (PEP 562)
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
    from .discrete import ChiSquareTest, DiscreteCITest, GTest, stratified_statistics, batched_statistics
    from .fisher_z import FisherZ
    from .parcorr import ParCorr
    from .kernel import KCI, RCoT, median_width
    from .oracle import DSeparationOracle
    from .mixed import MixedLRTest, fit_multinomial_logit
    from .domain import DomainGaussianTest
    from .hsic import IndependentChangeMethod, independent_change_dependence, normalised_hsic

__all__, __getattr__, __dir__ = lazy_exports(__name__, registries=["CI_TESTS", "make_ci_test"])

