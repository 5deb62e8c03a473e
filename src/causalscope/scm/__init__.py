"""Structural causal models and discrete causal Bayesian networks.

Mechanisms, fitting to a graph, sampling, ``do()`` and soft interventions,
counterfactuals; discrete networks with CPTs, BIF input/output and exact
inference; the small query language ``P(Y=y | X=x, do(Z=z))``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

if TYPE_CHECKING:  # the public names, one list: imported from their submodule on first use (PEP 562)
    from .cpt import CPT, InvalidCPTError
    from .query import Query, QueryError, QuerySyntaxError, parse_query
    from .inference import (
        DiscreteDistribution,
        QueryResult,
        ZeroProbabilityError,
        evaluate_query,
        min_fill_order,
        variable_elimination,
    )
    from .bayesnet import DiscreteBN, fit_bayesnet
    from .bif import BIFError, parse_bif, read_bif, to_bif_string, write_bif
    from .mechanisms import (
        AdditiveNoise,
        CategoricalFunction,
        CategoricalRoot,
        Classifier,
        Constant,
        EmpiricalRoot,
        FunctionalMechanism,
        GaussianRoot,
        InvertibleMechanism,
        LinearGaussian,
        MechanismNotFittedError,
        NoisePosteriorMechanism,
        NonInvertibleMechanismError,
        PostNonlinear,
        StochasticMechanism,
    )
    from .counterfactual import CounterfactualDistribution
    from .model import SCM, MechanismChoice, Shift, fit_scm, shift
    from .selection import choose_mechanism

__all__, __getattr__, __dir__ = lazy_exports(__name__)

