"""Causal graphs: DAG, CPDAG, MAG, ADMG and PAG values and the algorithms on them."""

from __future__ import annotations

from ..utils import lazy_exports

# Public names, imported from their submodule on first use (PEP 562): importing the package is cheap.
__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".base": ["Edge", "EdgeLike", "Endpoint", "MixedGraph"],
        ".ancestral": ["dag_to_mag", "dag_to_pag", "is_ancestral", "is_maximal", "mag_to_pag"],
        ".convert": [
            "from_dot", "from_networkx", "graph_from_json", "graph_to_json", "read_graph", "to_dot", "to_networkx",
            "write_graph"
        ],
        ".metrics": [
            "GraphComparison", "PrecisionRecallF1", "adjacency_scores", "arrowhead_scores", "compare_graphs", "shd"
        ],
        ".equivalence": [
            "apply_meek_rules", "count_dags", "cpdag_to_dag", "dag_to_cpdag", "enumerate_dags", "is_cpdag",
            "markov_equivalent", "meek_rules", "v_structures"
        ],
        ".projection": ["latent_projection"],
        ".separation": [
            "d_separated", "find_minimal_separator", "is_d_separator", "is_minimal_separator", "m_separated"
        ],
        ".notation": ["format_graph", "infer_graph_type", "parse_edge", "parse_graph"],
        ".types": ["ADMG", "CPDAG", "DAG", "GRAPH_TYPES", "MAG", "PAG", "graph_type"],
    },
)
