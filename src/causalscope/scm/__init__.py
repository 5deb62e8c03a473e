"""Structural causal models and discrete causal Bayesian networks.

Mechanisms, fitting to a graph, sampling, ``do()`` and soft interventions,
counterfactuals; discrete networks with CPTs, BIF input/output and exact
inference; the small query language ``P(Y=y | X=x, do(Z=z))``.
"""

from __future__ import annotations

from ..utils import lazy_exports

# Public names, imported from their submodule on first use (PEP 562): importing the package is cheap.
__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".cpt": ["CPT", "InvalidCPTError"],
        ".query": ["Query", "QueryError", "QuerySyntaxError", "parse_query"],
        ".inference": [
            "DiscreteDistribution", "QueryResult", "ZeroProbabilityError", "evaluate_query", "min_fill_order",
            "variable_elimination"
        ],
        ".bayesnet": ["DiscreteBN", "fit_bayesnet"],
        ".bif": ["BIFError", "parse_bif", "read_bif", "to_bif_string", "write_bif"],
        ".mechanisms": [
            "AdditiveNoise", "CategoricalFunction", "CategoricalRoot", "Classifier", "Constant", "EmpiricalRoot",
            "FunctionalMechanism", "GaussianRoot", "InvertibleMechanism", "LinearGaussian",
            "MechanismNotFittedError", "NoisePosteriorMechanism", "NonInvertibleMechanismError", "PostNonlinear",
            "StochasticMechanism"
        ],
        ".counterfactual": ["CounterfactualDistribution"],
        ".model": ["SCM", "MechanismChoice", "Shift", "fit_scm", "shift"],
        ".selection": ["choose_mechanism"],
    },
)
