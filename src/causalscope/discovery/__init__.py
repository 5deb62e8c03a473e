"""Causal discovery: learn a causal graph from data.

One module per algorithm family (constraint-based PC/FCI/CD-NOD, score-based GES
and exact search, functional LiNGAM; for time series, the VAR kernel ``var_model``,
conditional Granger and VARLiNGAM); ``knowledge`` holds background knowledge
honoured by every algorithm. Every algorithm is an estimator (``PC(...).fit(data)``)
and a function (``pc(data, ...)``), registered in :data:`DISCOVERY_ALGORITHMS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

if TYPE_CHECKING:  # the public names, one list: imported from their submodule on first use (PEP 562)
    from .exact import ExactSearch, exact_search
    from .posterior import EdgePosterior, ExactPosterior, PosteriorEnumeration, edge_posteriors, posterior_enumeration
    from .base import DISCOVERY_ALGORITHMS, check_alpha, make_algorithm, register_algorithm, resolve_ci_test
    from .knowledge import Knowledge, as_knowledge
    from .skeleton import Skeleton, learn_skeleton
    from .pc import PC, pc
    from .ges import GES, GESStep, ges
    from .lingam import DirectLiNGAM, LiNGAMResult, direct_lingam, pairwise_measure
    from .lars import LassoPath, adaptive_lasso_support, lasso_path_gram
    from .fci import FCI, fci, possible_dsep
    from .cdnod import CDNOD, cdnod, independent_change_dependence
    from .icp import ICP, HiddenICP, ICPMethod, ICPTest, hidden_icp, icp, invariance_p_values, preselect
    from .lagged import PC_ALPHA_GRID, LaggedDesign, LaggedParents, design_columns, lagged_design, select_lagged_parents
    from .pcmci import PCMCI, MCIResult, fdr_bh, momentary_tests, pcmci
    from .var_model import LagOrderSelection, VARFit, fit_var, select_order
    from .granger import ConditionalGranger, GrangerTests, granger, granger_tests
    from .varlingam import VARLiNGAM, VARLiNGAMBootstrap, varlingam
    from .pcmciplus import PCMCIPLUS_ALPHA_GRID, PCMCIPlus, pcmciplus

__all__, __getattr__, __dir__ = lazy_exports(__name__, registries=["DISCOVERY_ALGORITHMS", "make_algorithm"])

