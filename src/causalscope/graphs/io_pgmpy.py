"""pgmpy interop: :func:`to_pgmpy` / :func:`from_pgmpy` for pgmpy's ``DAG``.

pgmpy is not a dependency of causalscope; it is imported only when a function is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exceptions import InvalidParameterError, MissingDependencyError
from ..utils import lazy_import
from .base import Edge
from .io_common import check_node_name
from .types import DAG

if TYPE_CHECKING:
    import networkx as nx
else:  # imported on first use
    nx = lazy_import("networkx")

__all__ = ["to_pgmpy", "from_pgmpy"]


def to_pgmpy(dag: DAG) -> Any:
    """The DAG as a ``pgmpy.base.DAG`` (needs the package ``pgmpy``).

    Raises
    ------
    InvalidParameterError
        If ``dag`` is not a :class:`~causalscope.graphs.types.DAG` (turn a CPDAG into
        one of its DAGs with :func:`~causalscope.graphs.equivalence.cpdag_to_dag`).
    MissingDependencyError
        If pgmpy is not installed.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> sorted(to_pgmpy(DAG(edges=["A --> B", "C --> B"])).edges())
    [('A', 'B'), ('C', 'B')]
    """
    if not isinstance(dag, DAG):
        raise InvalidParameterError(f"dag must be a DAG; got {type(dag).__name__}")
    try:
        from pgmpy.base import DAG as PgmpyDAG
    except ImportError:
        raise MissingDependencyError("pgmpy", extra="test", feature="to_pgmpy") from None
    out = PgmpyDAG()
    out.add_nodes_from(dag.nodes)
    out.add_edges_from([(e.source, e.target) for e in dag.edges])
    return out


def from_pgmpy(pgmpy_dag: Any) -> DAG:
    """Read a pgmpy ``DAG`` (or any pgmpy model that is a networkx DiGraph) as a DAG.

    Every node of the pgmpy graph becomes a node, including those pgmpy marks as
    latent (``pgmpy_dag.latents``); project them out with
    :func:`~causalscope.graphs.projection.latent_projection` if needed.

    Raises
    ------
    InvalidParameterError
        If the object is not a directed networkx graph.
    GraphError
        For a node name that is not a string or a directed cycle.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> g = DAG(edges=["A --> B", "C --> B"])
    >>> from_pgmpy(to_pgmpy(g)) == g
    True
    """
    if not isinstance(pgmpy_dag, nx.DiGraph):
        raise InvalidParameterError(
            f"pgmpy_dag must be a pgmpy DAG (a networkx DiGraph); got {type(pgmpy_dag).__name__}"
        )
    nodes = [check_node_name(n, "from_pgmpy") for n in pgmpy_dag.nodes()]
    return DAG(nodes, [Edge.directed(u, v) for u, v in pgmpy_dag.edges()])
