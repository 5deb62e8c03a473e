"""Shipped real examples with provenance, and simulated data with known truth.

Real data (:mod:`causalscope.datasets.examples`): the Sachs et al. (2005)
protein-signalling data and its published consensus graphs, the LaLonde / NSW
job-training experiment with its CPS observational controls, the structure of six
bnlearn-repository Bayesian networks, and small dagitty example diagrams. Each
packaged file keeps its provenance note beside it under ``datasets/data/``.

Simulation (:mod:`causalscope.datasets.simulate`): random DAGs and data sampled
from structural causal models, with the true graph returned alongside.
"""

from .examples import (
    SACHS_COLUMNS,
    SACHS_CONDITIONS,
    DagittyExample,
    Example,
    NetworkStructure,
    example_names,
    list_dagitty,
    list_networks,
    load_dagitty,
    load_example,
    load_lalonde,
    load_network,
    load_sachs,
    parse_dagitty,
    sachs_column_name,
    sachs_ground_truth,
    sachs_tiers,
)
from .simulate import Simulation, random_dag, simulate

__all__ = [
    "Example",
    "NetworkStructure",
    "DagittyExample",
    "SACHS_COLUMNS",
    "SACHS_CONDITIONS",
    "load_sachs",
    "sachs_ground_truth",
    "sachs_tiers",
    "sachs_column_name",
    "load_lalonde",
    "load_network",
    "list_networks",
    "load_dagitty",
    "list_dagitty",
    "parse_dagitty",
    "example_names",
    "load_example",
    "random_dag",
    "simulate",
    "Simulation",
]

from .examples import load_bayesnet

__all__ += ["load_bayesnet"]
