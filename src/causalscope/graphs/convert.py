"""Converting graphs to and from files and other libraries (the public facade).

A causalscope graph (:class:`~causalscope.graphs.base.MixedGraph` and its
subclasses) can be written to and read from:

graph JSON
    The public file format of the command line (``docs/cli.md``)::

        {"type": "cpdag", "nodes": ["A", "B", "C"], "edges": ["A --> B", "B --- C"]}

    ``"type"`` is optional (the most specific type that accepts the graph is
    chosen, see :func:`graph_from_json`); ``"nodes"`` is
    optional (taken from the edges in order of appearance); unknown keys are
    ignored. See :func:`graph_to_json`, :func:`graph_from_json`,
    :func:`read_graph` and :func:`write_graph`.
networkx
    A :class:`networkx.DiGraph` with one networkx edge per edge of ours, its marks
    stored as the string attributes ``mark_u`` / ``mark_v`` (see
    :func:`to_networkx` for the exact, lossless encoding). Plain DiGraphs without
    those attributes are read as all-directed graphs.
DOT (Graphviz)
    ``digraph`` text whose edges carry ``dir=both`` with ``arrowtail`` /
    ``arrowhead`` shapes for the marks (``normal`` arrow, ``odot`` circle,
    ``none`` tail); :func:`from_dot` reads that and simple ``a -> b;`` digraphs
    with a small parser of its own (no pydot needed).
causal-learn and pgmpy
    :func:`to_causallearn` / :func:`from_causallearn` for causal-learn's
    ``GeneralGraph`` (every mark, ADMG bows included) and :func:`to_pgmpy` /
    :func:`from_pgmpy` for pgmpy's ``DAG``. Those packages are not dependencies of
    causalscope; they are imported only when the function is called.

Every reader raises :class:`~causalscope.exceptions.GraphError` with a message
that says what was expected and what was found (and the file, when reading one).

One module per format holds the code: :mod:`~causalscope.graphs.io_json`,
:mod:`~causalscope.graphs.io_files` (:func:`read_graph`, :func:`write_graph`),
:mod:`~causalscope.graphs.io_networkx`, :mod:`~causalscope.graphs.io_dot`,
:mod:`~causalscope.graphs.io_causallearn` and :mod:`~causalscope.graphs.io_pgmpy`,
with the checks they share in :mod:`~causalscope.graphs.io_common`; this module
re-exports their public functions, so ``from causalscope.graphs.convert import
...`` keeps working. A new format gets its own ``io_<format>.py`` module, re-exported
here and from :mod:`causalscope.graphs`.
"""

from __future__ import annotations

from .io_causallearn import from_causallearn, to_causallearn
from .io_dot import from_dot, to_dot
from .io_files import read_graph, write_graph
from .io_json import graph_from_json, graph_to_json
from .io_networkx import from_networkx, to_networkx
from .io_pgmpy import from_pgmpy, to_pgmpy

__all__ = [
    "graph_to_json",
    "graph_from_json",
    "read_graph",
    "write_graph",
    "to_networkx",
    "from_networkx",
    "to_dot",
    "from_dot",
    "to_causallearn",
    "from_causallearn",
    "to_pgmpy",
    "from_pgmpy",
]
