"""Decomposable local scores: the protocol, the shared machinery and the registry.

Score-based discovery (GES, exact search, the exact posterior over DAGs) compares
graphs by a **decomposable score**: the score of a DAG ``G`` is the sum over its
nodes of a *local score* of the node given its parents,

.. math:: S(G, D) = \\sum_i s(X_i \\mid \\mathrm{Pa}_G(X_i)).

Every score here is **higher-is-better** and is created once for a data set (it
precomputes its sufficient statistics: a covariance matrix, integer codes for
contingency counts). Algorithms then ask

- ``local_score(node, parents)`` -> ``float``, with integer column indices
  (cached, keyed by ``(node, frozenset(parents))``);
- ``local_scores(node, parent_sets)`` -> ``numpy.ndarray``, many parent sets at
  once (the vectorised fast path, grouped by set size internally, also cached);
- ``score_graph(dag)`` -> the score of a whole DAG given by variable names;
- ``subset_table(node, candidates, max_size)`` -> the local scores of *every*
  subset of ``candidates`` at once, indexed by bit mask (the path of exact
  search and the exact posterior; it bypasses the cache).

Scores are registered by name in :data:`SCORES` (``@register_score("bic")``) and
built with :func:`make_score`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

import numpy as np

from ..contract import Component
from ..exceptions import DataError, InvalidParameterError
from ..utils import registrar

__all__ = [
    "SCORES",
    "register_score",
    "make_score",
    "LocalScore",
    "BaseScore",
    "as_dataset",
    "subset_masks",
    "popcount",
    "masks_to_sets",
]

SCORES: dict[str, type[LocalScore]] = {}
"""Registry of score classes by name (filled by :func:`register_score`)."""

T = TypeVar("T", bound=type)


def register_score(name: str) -> Callable[[T], T]:
    """Class decorator: register a score class in :data:`SCORES` under ``name``.

    Raises
    ------
    InvalidParameterError
        If another class is already registered under ``name``.
    """

    return registrar(SCORES, name, kind="score", attribute="method")


def make_score(name: str, data: object, **kwargs: Any) -> LocalScore:
    """Build the registered score ``name`` for ``data`` (keyword options passed on).

    Raises
    ------
    InvalidParameterError
        If no score is registered under ``name``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> frame = pd.DataFrame(np.random.default_rng(0).normal(size=(100, 3)), columns=list("ABC"))
    >>> score = make_score("bic", frame)
    >>> score.local_score(0, [1]) < score.local_score(0, [])  # independent columns
    True
    """
    if not isinstance(name, str) or name not in SCORES:
        raise InvalidParameterError(f"unknown score {name!r}; expected one of {sorted(SCORES)}")
    return SCORES[name](data, **kwargs)  # type: ignore[call-arg]


@runtime_checkable
class LocalScore(Protocol):
    """What every decomposable score answers (see the module docstring)."""

    method: str
    n_computed: int
    n_cache_hits: int

    @property
    def variables(self) -> tuple[str, ...]: ...

    @property
    def n_samples(self) -> int: ...

    def index_of(self, name: str) -> int: ...

    def local_score(self, node: int, parents: Sequence[int]) -> float: ...

    def local_scores(self, node: int, parent_sets: Sequence[Sequence[int]]) -> np.ndarray: ...

    def score_graph(self, dag: Any) -> float: ...


def as_dataset(data: object) -> Any:
    """Return ``data`` as a :class:`causalscope.data.Dataset`.

    Accepts a Dataset, a pandas DataFrame (``Dataset.from_frame``) or a 2-D numpy
    array (``Dataset.from_array``: columns ``X0, X1, ...``).

    Raises
    ------
    InvalidParameterError
        For any other type.
    DataError
        From the Dataset validation (empty table, constant column, ...).
    """
    import pandas as pd

    from ..data import Dataset

    if isinstance(data, Dataset):
        return data
    if isinstance(data, pd.DataFrame):
        return Dataset.from_frame(data)
    if isinstance(data, np.ndarray):
        return Dataset.from_array(data)
    raise InvalidParameterError(
        "data must be a causalscope.data.Dataset, a pandas DataFrame or a 2-D numpy array; "
        f"got {type(data).__name__}"
    )


def subset_masks(n_bits: int, max_size: int | None = None) -> np.ndarray:
    """All bit masks over ``n_bits`` bits, in increasing order (``int64``), optionally
    only those with at most ``max_size`` bits set."""
    masks: np.ndarray = np.arange(1 << n_bits, dtype=np.int64)
    if max_size is not None and max_size < n_bits:
        masks = masks[popcount(masks) <= max_size]
    return masks


def popcount(masks: np.ndarray) -> np.ndarray:
    """Number of set bits of each entry of an integer array (vectorised)."""
    m = np.asarray(masks, dtype=np.int64)
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(m).astype(np.int64)
    count = np.zeros(m.shape, dtype=np.int64)  # pragma: no cover - older numpy
    while np.any(m):
        count += m & 1
        m = m >> 1
    return count


def masks_to_sets(masks: np.ndarray, members: np.ndarray, size: int) -> np.ndarray:
    """Rows of ``members`` indices selected by each mask (all masks have ``size`` bits): ``(m, size)``."""
    masks = np.asarray(masks, dtype=np.int64)
    bits = ((masks[:, None] >> np.arange(len(members), dtype=np.int64)[None, :]) & 1).astype(bool)
    out = np.broadcast_to(np.asarray(members, dtype=np.intp), bits.shape)[bits]
    return out.reshape(len(masks), size)


class BaseScore(Component):
    """Shared machinery of the scores: names, validation, cache, batching.

    A subclass sets ``method`` (by registering) and implements
    ``_compute(node, parents) -> numpy.ndarray`` for a node index and an ``(m, k)``
    integer array of parent sets of one size ``k``. It may override
    :meth:`subset_table` with a faster way to score every subset at once.

    Attributes
    ----------
    n_computed:
        Local scores actually computed (cache misses) through ``local_score(s)``.
    n_cache_hits:
        Local scores answered from the cache.

    A score is a :class:`~causalscope.contract.Component` built on its data: its
    keyword options are the hyperparameters (``get_params``), and ``clone()``
    builds a fresh score (empty cache) on the same data set.
    """

    method: ClassVar[str] = "base"
    _data_arguments: ClassVar[tuple[str, ...]] = ("data",)

    def __init__(self, data: object) -> None:
        """Validate ``data``: enough rows (:meth:`_min_samples`), at least one variable, no missing values."""
        self._data = as_dataset(data)
        self._names: tuple[str, ...] = tuple(str(v) for v in self._data.variables)
        self._index = {name: j for j, name in enumerate(self._names)}
        if len(self._names) < 1:
            raise DataError("a score needs at least one variable")
        need, why = self._min_samples()
        n = int(self._data.n_samples)
        if n < need:
            raise DataError(
                f"too few rows for {type(self).__name__} ({self.method!r}): the data have {n} "
                f"row{'s' if n != 1 else ''} ({len(self._names)} variables); at least {need} are needed ({why})"
            )
        if self._data.has_missing:
            cols = [v for v, c in self._data.missing_counts().items() if c]
            raise DataError(
                f"{type(self).__name__}: columns {cols} have missing values; scores need complete "
                "data: build the Dataset with missing='drop_rows' (listwise deletion)"
            )
        self._cache: dict[tuple[int, frozenset[int]], float] = {}
        self.n_computed = 0
        self.n_cache_hits = 0

    def _data_values(self) -> dict[str, Any]:
        return {"data": self._data}

    def _min_samples(self) -> tuple[int, str]:
        """The fewest rows the score is defined on, and why (checked before the column kinds)."""
        return 1, "a score is computed from at least one row"

    # -- names ---------------------------------------------------------------------
    @property
    def variables(self) -> tuple[str, ...]:
        """The variable names, in column order."""
        return self._names

    @property
    def n_variables(self) -> int:
        """The number of variables."""
        return len(self._names)

    @property
    def n_samples(self) -> int:
        """The number of rows of the data set."""
        return int(self._data.n_samples)

    @property
    def dataset(self) -> Any:
        """The :class:`~causalscope.data.Dataset` the score was built on."""
        return self._data

    def index_of(self, name: str) -> int:
        """The column index of variable ``name``.

        Raises
        ------
        DataError
            If ``name`` is not a variable of the data set.
        """
        try:
            return self._index[name]
        except (KeyError, TypeError):
            raise DataError(f"unknown variable {name!r}; the data set has {list(self._names)}") from None

    def _check_columns(self, mask: np.ndarray, *, wanted: str, advice: str) -> None:
        """Raise DataError naming the columns where ``mask`` is True."""
        bad = [self._names[j] for j in np.flatnonzero(mask)]
        if bad:
            raise DataError(
                f"{type(self).__name__} ({self.method!r}) needs {wanted} columns; "
                f"columns {bad} are not. {advice}"
            )

    # -- validation ------------------------------------------------------------------
    def _check_node(self, node: int) -> int:
        if isinstance(node, (bool, np.bool_)) or not isinstance(node, (int, np.integer)):
            raise InvalidParameterError(
                f"node must be an integer column index (use index_of(name)); got {node!r}"
            )
        p = len(self._names)
        if not 0 <= int(node) < p:
            raise InvalidParameterError(f"node index {node} is outside 0..{p - 1}")
        return int(node)

    def _check_parents(self, node: int, parents: Iterable[int]) -> tuple[int, ...]:
        ps = tuple(int(self._check_node(q)) for q in parents)
        if node in ps:
            raise InvalidParameterError(
                f"node {self._names[node]!r} cannot be its own parent (parents {list(ps)})"
            )
        if len(set(ps)) != len(ps):
            raise InvalidParameterError(f"the parent set {list(ps)} repeats a variable")
        return tuple(sorted(ps))

    # -- evaluation ----------------------------------------------------------------
    def _compute(self, node: int, parents: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover

    def local_score(self, node: int, parents: Sequence[int] = ()) -> float:
        """The local score of column ``node`` given the columns ``parents`` (higher is better).

        Raises
        ------
        InvalidParameterError
            For an index out of range, a repeated parent, or ``node`` among its parents.
        """
        node = self._check_node(node)
        ps = self._check_parents(node, parents)
        key = (node, frozenset(ps))
        hit = self._cache.get(key)
        if hit is not None:
            self.n_cache_hits += 1
            return hit
        value = float(self._compute(node, np.array([ps], dtype=np.intp).reshape(1, len(ps)))[0])
        self._cache[key] = value
        self.n_computed += 1
        return value

    def local_scores(self, node: int, parent_sets: Sequence[Sequence[int]]) -> np.ndarray:
        """Local scores of ``node`` for many parent sets (cache misses computed in batches by size).

        ``parent_sets`` is a sequence of index sequences, or an ``(m, k)`` integer array.
        """
        node = self._check_node(node)
        if isinstance(parent_sets, np.ndarray) and parent_sets.ndim == 2:
            sets = [tuple(int(v) for v in row) for row in parent_sets]
        else:
            sets = [tuple(int(v) for v in s) for s in parent_sets]
        sets = [self._check_parents(node, s) for s in sets]
        out = np.empty(len(sets))
        todo: dict[frozenset[int], list[int]] = {}
        for q, s in enumerate(sets):
            key = frozenset(s)
            hit = self._cache.get((node, key))
            if hit is not None:
                out[q] = hit
                self.n_cache_hits += 1
            elif key in todo:
                todo[key].append(q)
                self.n_cache_hits += 1
            else:
                todo[key] = [q]
        by_size: dict[int, list[frozenset[int]]] = {}
        for key in todo:
            by_size.setdefault(len(key), []).append(key)
        for k, keys in by_size.items():
            arr = np.array([sorted(key) for key in keys], dtype=np.intp).reshape(len(keys), k)
            values = self._compute(node, arr)
            self.n_computed += len(keys)
            for key, value in zip(keys, values, strict=True):
                self._cache[(node, key)] = float(value)
                for q in todo[key]:
                    out[q] = value
        return out

    def subset_table(
        self, node: int, candidates: Sequence[int], max_size: int | None = None
    ) -> np.ndarray:
        """Local scores of ``node`` for **every** subset of ``candidates`` (the exact-search path).

        Parameters
        ----------
        node:
            Column index of the child.
        candidates:
            Column indices of the possible parents (not containing ``node``).
        max_size:
            Largest parent-set size scored; larger sets get ``-inf``.

        Returns
        -------
        numpy.ndarray
            Array of length ``2 ** len(candidates)``: entry ``mask`` is the score of
            the set ``{candidates[b] : bit b of mask set}``. The cache is not used
            (tables can hold millions of entries).
        """
        node = self._check_node(node)
        self._check_parents(node, candidates)
        cand = np.asarray([int(c) for c in candidates], dtype=np.intp)  # keep the caller's order
        c = len(cand)
        kmax = c if max_size is None else min(int(max_size), c)
        table = np.full(1 << c, -np.inf)
        masks = subset_masks(c, kmax)
        sizes = popcount(masks)
        step_base = max(64, (1 << 23) // max(1, self.n_samples))  # bound the (n, m) work arrays
        for k in range(kmax + 1):
            mk = masks[sizes == k]
            step = max(16, step_base // max(1, k))
            for start in range(0, len(mk), step):
                chunk = mk[start:start + step]
                table[chunk] = self._compute(node, masks_to_sets(chunk, cand, k))
        return table

    def score_graph(self, dag: Any) -> float:
        """The score of a DAG (a :class:`~causalscope.graphs.DAG` over the variable names).

        Raises
        ------
        GraphError, DataError
            If ``dag`` is not a DAG, or its nodes are not the score's variables.
        """
        from ..exceptions import GraphError
        from ..graphs import DAG, parse_graph

        if isinstance(dag, str):
            dag = parse_graph(dag, kind="dag")
            dag = dag.add_nodes([v for v in self._names if v not in dag])
        if not isinstance(dag, DAG):
            raise GraphError(f"score_graph needs a DAG; got {type(dag).__name__}")
        if set(dag.nodes) != set(self._names):
            raise DataError(
                f"the DAG's nodes {sorted(dag.nodes)} are not the score's variables {sorted(self._names)}"
            )
        total = 0.0
        for name in self._names:
            total += self.local_score(self._index[name], sorted(self._index[q] for q in dag.parents(name)))
        return total

    def clear_cache(self) -> None:
        """Empty the cache and reset the counters."""
        self._cache.clear()
        self.n_computed = 0
        self.n_cache_hits = 0

    def _params_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        extra = self._params_repr()
        return (
            f"{type(self).__name__}(n={self.n_samples}, p={len(self._names)}"
            + (f", {extra}" if extra else "")
            + ")"
        )

