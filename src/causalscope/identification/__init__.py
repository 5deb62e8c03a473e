"""Identification of causal effects from a graph: backdoor, frontdoor, IV, ID/IDC.

Given a causal graph (a DAG, an ADMG with ``<->`` for latent confounding, or a
learned CPDAG/PAG) and a query ``P(Y | do(X)[, Z])``, decide whether the query is a
function of the observed distribution and return that function as a symbolic,
printable and evaluable :class:`Estimand`. See ``docs/identification.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

# Public names, imported from their submodule on first use (PEP 562): importing the package is cheap.
__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".table": ["ProbabilityTable", "as_probability_table"],
        ".estimand": ["Estimand", "Fraction", "Probability", "Product", "Sum", "simplify"],
        ".id_algorithm": ["Hedge", "id_algorithm", "idc_algorithm", "identify_effect"],
        ".adjustment": [
            "adjustment_estimand", "adjustment_set", "adjustment_sets", "amenability_violations", "backdoor_sets",
            "causal_nodes", "forbidden_set", "is_adjustment_set", "is_backdoor_set", "minimal_adjustment_set",
            "optimal_adjustment_set"
        ],
        ".frontdoor": ["frontdoor_estimand", "frontdoor_set", "is_frontdoor_set"],
        ".iv": ["Instrument", "find_instruments", "is_instrument"],
        ".mpdag": ["causal_identification_formula"],
        ".equivalence_class": [
            "ClassIdentification", "Identification", "IdentifyMethod", "identify", "identify_in_class"
        ],
        ".identifier": ["EffectIdentifier"],
    },
)

if TYPE_CHECKING:  # names that are also submodules: type checkers must see the object, as at run time
    from .id_algorithm import id_algorithm as id_algorithm
