"""Causal graphs: DAG, CPDAG, MAG, ADMG and PAG values and the algorithms on them."""

from .base import Edge, EdgeLike, Endpoint, MixedGraph
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
from .separation import (
    d_separated,
    find_minimal_separator,
    is_d_separator,
    is_minimal_separator,
    m_separated,
)
from .notation import format_graph, infer_graph_type, parse_edge, parse_graph
from .types import ADMG, CPDAG, DAG, GRAPH_TYPES, MAG, PAG, graph_type

__all__ = [
    "Endpoint",
    "Edge",
    "EdgeLike",
    "MixedGraph",
    "DAG",
    "CPDAG",
    "MAG",
    "ADMG",
    "PAG",
    "GRAPH_TYPES",
    "graph_type",
    "parse_graph",
    "parse_edge",
    "format_graph",
    "infer_graph_type",
    "d_separated",
    "m_separated",
    "is_d_separator",
    "find_minimal_separator",
    "is_minimal_separator",
    "latent_projection",
    "meek_rules",
    "apply_meek_rules",
    "dag_to_cpdag",
    "cpdag_to_dag",
    "enumerate_dags",
    "count_dags",
    "markov_equivalent",
    "is_cpdag",
    "v_structures",
]
