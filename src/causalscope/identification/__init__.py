"""Identification of causal effects from a graph: backdoor, frontdoor, IV, ID/IDC.

Given a causal graph (a DAG, an ADMG with ``<->`` for latent confounding, or a
learned CPDAG/PAG) and a query ``P(Y | do(X)[, Z])``, decide whether the query is a
function of the observed distribution and return that function as a symbolic,
printable and evaluable :class:`Estimand`. See ``docs/identification.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

if TYPE_CHECKING:  # the public names, one list: imported from their submodule on first use (PEP 562)
    from .table import ProbabilityTable, as_probability_table
    from .estimand import Estimand, Fraction, Probability, Product, Sum, simplify
    from .id_algorithm import Hedge, id_algorithm, idc_algorithm, identify_effect
    from .adjustment import (
        adjustment_estimand,
        adjustment_set,
        adjustment_sets,
        amenability_violations,
        backdoor_sets,
        causal_nodes,
        forbidden_set,
        is_adjustment_set,
        is_backdoor_set,
        minimal_adjustment_set,
        optimal_adjustment_set,
    )
    from .frontdoor import frontdoor_estimand, frontdoor_set, is_frontdoor_set
    from .iv import Instrument, find_instruments, is_instrument
    from .mpdag import causal_identification_formula
    from .equivalence_class import ClassIdentification, Identification, IdentifyMethod, identify, identify_in_class
    from .identifier import EffectIdentifier

__all__, __getattr__, __dir__ = lazy_exports(__name__)

