"""Shipped real examples with provenance, and simulated data with known truth.

Real data (:mod:`causalscope.datasets.examples`): the Sachs et al. (2005)
protein-signalling data and its published consensus graphs, the LaLonde / NSW
job-training experiment with its CPS observational controls, the structure of six
bnlearn-repository Bayesian networks, and small dagitty example diagrams. Each
packaged file keeps its provenance note beside it under ``datasets/data/``.

Simulation (:mod:`causalscope.datasets.simulate`): random DAGs and data sampled
from structural causal models, with the true graph returned alongside; and
(:mod:`causalscope.datasets.timeseries`) stationary structural VARs and nonlinear
time series with their true lagged graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

if TYPE_CHECKING:  # the public names, one list: imported from their submodule on first use (PEP 562)
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
        load_bayesnet,
    )
    from .simulate import Simulation, random_dag, simulate
    from .timeseries import TimeSeriesSimulation, simulate_timeseries

__all__, __getattr__, __dir__ = lazy_exports(__name__)

