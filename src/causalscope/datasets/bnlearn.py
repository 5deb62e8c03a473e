"""Six bnlearn-repository Bayesian networks: their structure, or the full networks.

:func:`load_network` gives the DAG and state names, :func:`load_bayesnet` the
network with its conditional probability tables (read with
the BIF reader behind :func:`causalscope.scm.read_bif`, imported only when called so that ``import
causalscope.datasets`` stays light).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..graphs import DAG
from .packaged import resource_path, unknown_name

if TYPE_CHECKING:  # pragma: no cover
    from ..scm import DiscreteBN

__all__ = ["NetworkStructure", "list_networks", "load_network", "load_bayesnet"]


_NETWORK_CITATIONS: dict[str, str] = {
    "asia": "Lauritzen, S. L. & Spiegelhalter, D. J. (1988). Local computations with probabilities on "
    "graphical structures and their application to expert systems. JRSS B 50(2), 157-224.",
    "cancer": "Korb, K. B. & Nicholson, A. E. (2010). Bayesian Artificial Intelligence, 2nd ed. CRC Press.",
    "child": "Spiegelhalter, D. J. & Cowell, R. G. (1992). Learning in probabilistic expert systems. "
    "Bayesian Statistics 4, 447-466.",
    "earthquake": "Korb, K. B. & Nicholson, A. E. (2010). Bayesian Artificial Intelligence, 2nd ed. CRC Press.",
    "sachs": "Sachs, K. et al. (2005). Causal protein-signaling networks derived from multiparameter "
    "single-cell data. Science 308(5721), 523-529 (3-level discretized network).",
    "survey": "Scutari, M. & Denis, J.-B. (2014). Bayesian Networks with Examples in R. Chapman & Hall.",
}


@dataclass(frozen=True)
class NetworkStructure:
    """The structure of a packaged discrete Bayesian network.

    Attributes
    ----------
    name:
        Network name (see :func:`list_networks`).
    graph:
        The network's DAG over its variables (in file declaration order).
    states:
        State names of each variable, in file order.
    path:
        Path of the packaged ``.bif.gz`` file, for readers of the full network
        (conditional probability tables) to open the same file.
    provenance:
        Source, license and citation.
    """

    name: str
    graph: DAG
    states: dict[str, tuple[str, ...]]
    path: Path
    provenance: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (graph in graph-JSON form)."""
        return {
            "name": self.name,
            "graph": self.graph.to_dict(),
            "states": {v: list(s) for v, s in self.states.items()},
            "path": str(self.path),
            "provenance": self.provenance,
        }


def list_networks() -> tuple[str, ...]:
    """Names of the packaged bnlearn-repository networks.

    Examples
    --------
    >>> list_networks()
    ('asia', 'cancer', 'child', 'earthquake', 'sachs', 'survey')
    """
    return tuple(sorted(_NETWORK_CITATIONS))


def _network_path(name: str) -> Path:
    return resource_path("bnlearn", f"{name}.bif.gz")


def _read_network(name: str) -> DiscreteBN:
    """Read a packaged network, CPTs included, with the BIF reader of :mod:`causalscope.scm.bif`.

    The network is built (and its CPTs checked) once, named ``name``.
    """
    if name not in _NETWORK_CITATIONS:
        raise unknown_name("network", name, list_networks())
    # imported here: ``import causalscope.datasets`` stays light
    from ..scm import DiscreteBN
    from ..scm.bif_format import read_bif_network

    parts = read_bif_network(_network_path(name))
    return DiscreteBN(parts.graph, parts.states, parts.cpts, name=name)


def load_network(name: str) -> NetworkStructure:
    """Load the structure (DAG and state names) of a packaged Bayesian network.

    Parameters
    ----------
    name:
        One of :func:`list_networks`: ``asia`` (8 nodes, 8 arcs), ``cancer`` (5/4),
        ``child`` (20/25), ``earthquake`` (5/4), ``sachs`` (11/17, three levels
        per protein, node names as in bnlearn: ``Raf``, ``Plcg``, ``PKA``, ...),
        ``survey`` (6/6).

    Returns
    -------
    NetworkStructure
        Name, DAG, state names, file path and provenance. The file is read with
        the reader behind :func:`causalscope.scm.read_bif`, so its conditional probability tables are
        checked, but only the structure is returned; :func:`load_bayesnet` gives
        the full network.

    Raises
    ------
    InvalidParameterError
        If ``name`` is not a packaged network.

    References
    ----------
    .. [1] Scutari, M. (2010). Learning Bayesian networks with the bnlearn R
       package. Journal of Statistical Software 35(3), 1-22. Network repository:
       https://www.bnlearn.com/bnrepository/

    Examples
    --------
    >>> asia = load_network("asia")
    >>> asia.graph.n_nodes, asia.graph.n_edges, asia.states["smoke"]
    (8, 8, ('yes', 'no'))
    >>> sorted(asia.graph.parents("dysp"))
    ['bronc', 'either']
    """
    bn = _read_network(name)
    provenance = (
        f"{_NETWORK_CITATIONS[name]} From the bnlearn Bayesian network repository (M. Scutari), as "
        "distributed in the pgmpy 1.1.2 wheel (MIT). See causalscope/datasets/data/bnlearn/PROVENANCE.md."
    )
    return NetworkStructure(
        name=name,
        graph=bn.graph,
        states=dict(bn.states),
        path=_network_path(name),
        provenance=provenance,
    )



def load_bayesnet(name: str) -> DiscreteBN:
    """Load a packaged bnlearn network as a full discrete causal Bayesian network.

    Unlike :func:`load_network` (structure only), this reads the conditional
    probability tables too, so the result can be sampled, intervened on and
    queried exactly.

    Parameters
    ----------
    name:
        One of :func:`list_networks`.

    Returns
    -------
    causalscope.scm.DiscreteBN
        The network, named ``name``.

    Raises
    ------
    InvalidParameterError
        If ``name`` is not a packaged network.

    References
    ----------
    .. [1] Scutari, M. (2010). Learning Bayesian networks with the bnlearn R
       package. Journal of Statistical Software 35(3), 1-22.

    Examples
    --------
    >>> bn = load_bayesnet("asia")
    >>> round(bn.probability("P(lung=yes | smoke=yes)"), 6)
    0.1
    """
    return _read_network(name)
