"""Causal discovery: learn a causal graph from data.

One module per algorithm family (constraint-based PC/FCI/CD-NOD, score-based GES
and exact search, functional LiNGAM); ``knowledge`` holds background knowledge
honoured by every algorithm. Every algorithm is an estimator (``PC(...).fit(data)``)
and a function (``pc(data, ...)``), registered in :data:`DISCOVERY_ALGORITHMS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

# Public names, imported from their submodule on first use (PEP 562): importing the package is cheap.
__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".exact": ["ExactSearch", "exact_search"],
        ".posterior": [
            "EdgePosterior", "ExactPosterior", "PosteriorEnumeration", "edge_posteriors", "posterior_enumeration"
        ],
        ".base": ["DISCOVERY_ALGORITHMS", "check_alpha", "make_algorithm", "register_algorithm", "resolve_ci_test"],
        ".knowledge": ["Knowledge", "as_knowledge"],
        ".skeleton": ["Skeleton", "learn_skeleton"],
        ".pc": ["PC", "pc"],
        ".ges": ["GES", "GESStep", "ges"],
        ".lingam": ["DirectLiNGAM", "LiNGAMResult", "direct_lingam", "pairwise_measure"],
        ".fci": ["FCI", "fci", "possible_dsep"],
        ".cdnod": ["CDNOD", "cdnod", "independent_change_dependence"],
    },
    registries=["DISCOVERY_ALGORITHMS", "make_algorithm"],
)

if TYPE_CHECKING:  # names that are also submodules: type checkers must see the object, as at run time
    from .cdnod import cdnod as cdnod
    from .fci import fci as fci
    from .ges import ges as ges
    from .pc import pc as pc
