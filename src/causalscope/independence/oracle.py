"""A d-separation oracle: a "CI test" that reads independence off a known graph.

With a known causal graph, ``x _||_ y | Z`` holds in every faithful distribution
exactly when ``Z`` d-separates (in mixed graphs: m-separates) ``x`` and ``y``
(Pearl 1988; Richardson & Spirtes 2002). Running a constraint-based algorithm on
this oracle instead of data isolates the algorithm from statistical error: its
output must be the exact equivalence class, which is how the discovery algorithms
are tested.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import numpy as np

from ..exceptions import DataError, InvalidParameterError
from ..graphs.base import MixedGraph
from ..graphs.separation import d_separated
from .base import BaseCITest, CITestResult, Query, ResultBatch, register_ci_test

__all__ = ["DSeparationOracle"]


@register_ci_test("d_separation")
class DSeparationOracle(BaseCITest):
    """CI test that answers from d-separation (m-separation) in a known graph.

    Parameters
    ----------
    graph:
        A DAG, ADMG or MAG (anything :func:`causalscope.graphs.d_separated` accepts).
    **options:
        ``graph=`` may be given by keyword instead, so that
        ``make_ci_test("d_separation", data, graph=g)`` works like every other test
        (``data`` is then ignored; the variables are the graph's nodes).

    Notes
    -----
    The result has ``p_value`` 1.0 if d-separated and 0.0 otherwise, ``statistic``
    0.0 / 1.0 (1 = d-connected), ``dof=None`` and ``n=0``.

    References
    ----------
    Pearl (1988), *Probabilistic Reasoning in Intelligent Systems*. Richardson &
    Spirtes (2002), Ancestral graph Markov models, *Ann. Statist.* 30(4).

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> oracle = DSeparationOracle(DAG(edges=["A --> B", "B --> C"]))
    >>> oracle.test("A", "C").p_value, oracle.test("A", "C", ["B"]).p_value
    (0.0, 1.0)
    """

    def __init__(self, graph: MixedGraph | object = None, /, **options: object) -> None:
        if "graph" in options:  # make_ci_test("d_separation", data, graph=g): data is ignored
            graph = options.pop("graph")
        options.pop("missing", None)
        if options:
            raise InvalidParameterError(
                f"DSeparationOracle takes only a graph; got options {sorted(options)}"
            )
        if not isinstance(graph, MixedGraph):
            raise InvalidParameterError(
                f"graph must be a causalscope graph (DAG, ADMG, MAG); got {type(graph).__name__}"
            )
        self.graph = graph
        self.missing = "error"
        self._source = None
        self._names = tuple(str(v) for v in graph.nodes)
        self._index = {name: j for j, name in enumerate(self._names)}

    _data_arguments: ClassVar[tuple[str, ...]] = ("graph",)

    def _data_values(self) -> dict[str, Any]:
        return {"graph": self.graph}

    @property
    def variables(self) -> tuple[str, ...]:
        """The graph's nodes."""
        return self._names

    @property
    def n_samples(self) -> int:
        """0: the oracle uses no data."""
        return 0

    def index_of(self, name: str) -> int:
        """The position of node ``name``; raises :class:`DataError` if unknown."""
        try:
            return self._index[name]
        except (KeyError, TypeError):
            raise DataError(f"unknown variable {name!r}; the graph has {list(self._names)}") from None

    def _check_indices(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        p = len(self._names)
        xs = np.asarray(xs, dtype=np.intp).reshape(-1)
        ys = np.asarray(ys, dtype=np.intp).reshape(-1)
        zs = np.asarray(zs, dtype=np.intp).reshape(xs.shape[0], -1)
        if zs.size and (zs.min() < 0 or zs.max() >= p):
            raise InvalidParameterError(f"zs has a node index outside 0..{p - 1}")
        if np.any(xs == ys) or np.any(zs == xs[:, None]) or np.any(zs == ys[:, None]):
            raise InvalidParameterError("a query has x == y, or x or y inside its Z")
        return xs, ys, zs

    def _evaluate(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> ResultBatch:
        m = xs.shape[0]
        out = ResultBatch.empty(m)
        names = self._names
        for q in range(m):
            sep = d_separated(self.graph, names[xs[q]], names[ys[q]], [names[c] for c in zs[q]])
            out.p_value[q] = 1.0 if sep else 0.0
            out.statistic[q] = 0.0 if sep else 1.0
        return out

    def test(self, x: str, y: str, z: Iterable[str] = ()) -> CITestResult:
        """Whether ``z`` d-separates ``x`` and ``y`` (p-value 1.0) or not (0.0)."""
        return super().test(x, y, z)

    def test_batch(self, queries: Sequence[Query]) -> list[CITestResult]:
        """Answer many queries (one separation check each)."""
        return super().test_batch(queries)

    def __repr__(self) -> str:
        return f"DSeparationOracle({len(self._names)} nodes)"
