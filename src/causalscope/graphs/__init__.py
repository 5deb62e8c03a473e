"""Causal graphs: DAG, CPDAG, MAG, ADMG, PAG and time-series graph values and the algorithms on them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

if TYPE_CHECKING:  # the public names, one list: imported from their submodule on first use (PEP 562)
    from .base import Edge, EdgeLike, Endpoint, MixedGraph
    from .ancestral import dag_to_mag, dag_to_pag, is_ancestral, is_maximal, mag_to_pag
    from .convert import (
        from_dot,
        from_networkx,
        graph_from_json,
        graph_to_json,
        read_graph,
        to_dot,
        to_networkx,
        write_graph,
    )
    from .metrics import (
        GraphComparison,
        PrecisionRecallF1,
        adjacency_scores,
        arrowhead_scores,
        compare_graphs,
        compare_timeseries_graphs,
        shd,
    )
    from .equivalence import (
        apply_meek_rules,
        count_dags,
        cpdag_to_dag,
        dag_to_cpdag,
        enumerate_dags,
        is_cpdag,
        markov_equivalent,
        meek_rules,
        v_structures,
    )
    from .projection import latent_projection
    from .separation import d_separated, find_minimal_separator, is_d_separator, is_minimal_separator, m_separated
    from .notation import format_graph, infer_graph_type, parse_edge, parse_graph
    from .timeseries import TimeSeriesGraph, lagged_name, link_text, parse_lagged_edge, parse_lagged_name
    from .types import ADMG, CPDAG, DAG, GRAPH_TYPES, MAG, PAG, graph_type

__all__, __getattr__, __dir__ = lazy_exports(__name__)

