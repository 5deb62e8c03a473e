"""Conditional independence (CI) tests: the protocol, the result value, the registry.

A CI test decides from data whether ``x`` is independent of ``y`` given a set
``Z`` of variables. Constraint-based discovery (PC, FCI, CD-NOD) asks thousands
of such questions, so every test here is **created once for a data set** (it
precomputes what it can, e.g. a correlation matrix) and then answers

- ``test(x, y, z=())`` -> :class:`CITestResult`, with variable names;
- ``test_batch(queries)`` -> a list of results, for many ``(x, y, Z)`` at once;
- ``p_values(xs, ys, zs)`` -> an array of p-values, the index-level fast path for
  algorithms (``zs`` is an ``(m, k)`` integer array: all queries of one batch
  share the conditioning-set size ``k``).

Tests are registered by name in :data:`CI_TESTS` (``@register_ci_test("fisherz")``)
and built with :func:`make_ci_test`. :class:`CachedCITest` wraps any test with a
cache keyed by ``(min(x, y), max(x, y), frozenset(Z))`` and counts the tests it
performed and the cache hits; an algorithm shares one per run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, ClassVar, Literal, Protocol, TypeVar, runtime_checkable

import numpy as np

from ..contract import Component
from ..exceptions import DataError, InvalidParameterError
from ..utils import registrar
from ._table import Table, as_table

__all__ = [
    "CITestResult",
    "CITest",
    "CI_TESTS",
    "register_ci_test",
    "make_ci_test",
    "CachedCITest",
    "BaseCITest",
    "Query",
    "MissingPolicy",
]

Query = tuple[str, str, Sequence[str]]
MissingPolicy = Literal["error", "testwise"]


@dataclass(frozen=True)
class CITestResult:
    """The outcome of one conditional independence test.

    Parameters
    ----------
    statistic:
        The test statistic (for Fisher-z the signed z-score, for the G-test the
        G statistic, ...).
    p_value:
        The p-value of the null hypothesis ``x _||_ y | Z``, in ``[0, 1]``.
    dof:
        Degrees of freedom where the test has them (Fisher-z: ``n - |Z| - 3``;
        G-test/chi-square: the adjusted count, see :mod:`.discrete`), else ``None``.
    n:
        The number of rows used (fewer than the data set under test-wise deletion).
    method:
        The registry name of the test (``"fisherz"``, ``"gsq"``, ...).
    enough_data:
        ``False`` when the sample is too small for the test to be trusted (too few
        rows for the degrees of freedom, or zero degrees of freedom).
        ``p_value`` is still the test's p-value where one can be computed, and
        ``1.0`` where none can (zero degrees of freedom, Fisher-z with
        ``n - |Z| - 3 < 1``). **Algorithms must decide** what to do with such a
        result (treating it as "no decision": keep the edge, is the safe choice).
    note:
        A short remark on a special case (singular correlation sub-matrix, zero
        degrees of freedom, ...); empty when nothing special happened.
    """

    statistic: float
    p_value: float
    dof: float | None
    n: int
    method: str
    enough_data: bool = True
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a plain JSON-ready dictionary."""
        return asdict(self)

    def independent(self, alpha: float) -> bool:
        """Whether the null hypothesis of independence is kept at level ``alpha``."""
        return self.p_value > alpha


@runtime_checkable
class CITest(Protocol):
    """What every conditional independence test answers (see module docstring)."""

    method: str

    @property
    def variables(self) -> tuple[str, ...]: ...

    def test(self, x: str, y: str, z: Iterable[str] = ()) -> CITestResult: ...

    def test_batch(self, queries: Sequence[Query]) -> list[CITestResult]: ...

    def p_values(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> np.ndarray: ...


CI_TESTS: dict[str, type[CITest]] = {}
"""Registry of CI test classes by name (filled by :func:`register_ci_test`)."""

T = TypeVar("T", bound=type)


def register_ci_test(name: str) -> Callable[[T], T]:
    """Class decorator: register a CI test class in :data:`CI_TESTS` under ``name``.

    Raises
    ------
    InvalidParameterError
        If another class is already registered under ``name``.
    """

    return registrar(CI_TESTS, name, kind="CI test", attribute="method")


def make_ci_test(name: str, data: object, **kwargs: Any) -> CITest:
    """Build the registered CI test ``name`` for ``data`` (keyword options passed on).

    Raises
    ------
    InvalidParameterError
        If no test is registered under ``name``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> frame = pd.DataFrame(np.random.default_rng(0).normal(size=(200, 3)), columns=list("ABC"))
    >>> make_ci_test("fisherz", frame).test("A", "B", ["C"]).dof
    196.0
    """
    if name not in CI_TESTS:
        raise InvalidParameterError(
            f"unknown CI test {name!r}; expected one of {sorted(CI_TESTS)}"
        )
    return CI_TESTS[name](data, **kwargs)  # type: ignore[call-arg]


@dataclass
class ResultBatch:
    """Arrays of results for queries of one conditioning-set size: what a CI test's batch kernel fills in."""

    statistic: np.ndarray
    p_value: np.ndarray
    dof: np.ndarray  # float, NaN where undefined
    n: np.ndarray
    enough: np.ndarray
    notes: list[str] | None = None

    @classmethod
    def empty(cls, m: int) -> ResultBatch:
        return cls(
            np.zeros(m), np.ones(m), np.full(m, np.nan), np.zeros(m, dtype=np.int64),
            np.ones(m, dtype=bool), None,
        )

    def result(self, i: int, method: str) -> CITestResult:
        dof = float(self.dof[i])
        return CITestResult(
            statistic=float(self.statistic[i]),
            p_value=float(self.p_value[i]),
            dof=None if np.isnan(dof) else dof,
            n=int(self.n[i]),
            method=method,
            enough_data=bool(self.enough[i]),
            note=self.notes[i] if self.notes is not None else "",
        )


class BaseCITest(Component):
    """Shared machinery of the data-driven tests: names, validation, batching.

    A subclass sets ``method`` (by registering) and implements
    ``_evaluate(xs, ys, zs) -> ResultBatch`` for integer arrays of one conditioning
    size; everything else (name resolution, typed errors, grouping a batch by
    ``|Z|``) lives here. A test is a :class:`~causalscope.contract.Component`
    built on its data: its keyword options are the hyperparameters
    (``get_params``), and ``clone()`` builds a fresh test (empty caches) on the
    same data.
    """

    method: ClassVar[str] = "base"
    _data_arguments: ClassVar[tuple[str, ...]] = ("data",)

    def __init__(self, data: object, *, missing: MissingPolicy = "error") -> None:
        self._source = data
        if missing not in ("error", "testwise"):
            raise InvalidParameterError(
                f"missing must be 'error' or 'testwise'; got {missing!r}"
            )
        self._table: Table = as_table(data)
        self.missing = missing
        self._index = {name: j for j, name in enumerate(self._table.names)}
        self._nan = np.isnan(self._table.values)
        self._nan_cols = self._nan.any(axis=0)
        if missing == "error" and self._nan_cols.any():
            cols = [self._table.names[j] for j in np.flatnonzero(self._nan_cols)]
            raise DataError(
                f"{type(self).__name__}: columns {cols} have missing values; "
                "pass missing='testwise' to use, per test, the rows complete in x, y and Z"
            )

    def _data_values(self) -> dict[str, Any]:
        return {"data": self._source}

    # -- names ---------------------------------------------------------------------
    @property
    def variables(self) -> tuple[str, ...]:
        """The variable names, in column order."""
        return self._table.names

    @property
    def n_samples(self) -> int:
        """The number of rows of the data set."""
        return self._table.n_samples

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
            raise DataError(
                f"unknown variable {name!r}; the data set has {list(self._table.names)}"
            ) from None

    def _resolve(self, x: str, y: str, z: Iterable[str]) -> tuple[int, int, tuple[int, ...]]:
        if isinstance(z, str):
            z = (z,)
        z = tuple(z)
        i, j = self.index_of(x), self.index_of(y)
        ks = tuple(self.index_of(v) for v in z)
        if i == j:
            raise InvalidParameterError(f"x and y must differ; both are {x!r}")
        if i in ks:
            raise InvalidParameterError(f"x={x!r} is also in the conditioning set Z={list(z)}")
        if j in ks:
            raise InvalidParameterError(f"y={y!r} is also in the conditioning set Z={list(z)}")
        if len(set(ks)) != len(ks):
            raise InvalidParameterError(f"the conditioning set Z={list(z)} repeats a variable")
        return i, j, ks

    def _check_indices(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> tuple[
        np.ndarray, np.ndarray, np.ndarray
    ]:
        xs = np.asarray(xs, dtype=np.intp).reshape(-1)
        ys = np.asarray(ys, dtype=np.intp).reshape(-1)
        zs = np.asarray(zs, dtype=np.intp)
        m = xs.shape[0]
        if zs.ndim == 1 and zs.size == 0:
            zs = zs.reshape(m, 0)
        if ys.shape[0] != m or zs.ndim != 2 or zs.shape[0] != m:
            raise InvalidParameterError(
                "xs, ys must have the same length m and zs the shape (m, k); "
                f"got {xs.shape}, {ys.shape}, {zs.shape}"
            )
        p = len(self._table.names)
        for arr, what in ((xs, "xs"), (ys, "ys"), (zs, "zs")):
            if arr.size and (arr.min() < 0 or arr.max() >= p):
                raise InvalidParameterError(f"{what} has a column index outside 0..{p - 1}")
        if np.any(xs == ys) or np.any(zs == xs[:, None]) or np.any(zs == ys[:, None]):
            raise InvalidParameterError("a query has x == y, or x or y inside its Z")
        return xs, ys, zs

    # -- evaluation ----------------------------------------------------------------
    def _evaluate(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> ResultBatch:
        raise NotImplementedError  # pragma: no cover

    def test(self, x: str, y: str, z: Iterable[str] = ()) -> CITestResult:
        """Test ``x _||_ y | z`` (names); see :class:`CITestResult`.

        Raises
        ------
        DataError
            If a variable name is unknown (or the test does not fit its kind).
        InvalidParameterError
            If ``x == y`` or ``x`` or ``y`` is in ``z``.
        """
        i, j, ks = self._resolve(x, y, z)
        batch = self._evaluate(
            np.array([i]), np.array([j]), np.array([ks], dtype=np.intp).reshape(1, len(ks))
        )
        return batch.result(0, self.method)

    def _run_indexed(self, queries: Sequence[tuple[int, int, tuple[int, ...]]]) -> list[CITestResult]:
        results: list[CITestResult | None] = [None] * len(queries)
        by_size: dict[int, list[int]] = {}
        for q, (_, _, ks) in enumerate(queries):
            by_size.setdefault(len(ks), []).append(q)
        for k, members in by_size.items():
            xs = np.array([queries[q][0] for q in members], dtype=np.intp)
            ys = np.array([queries[q][1] for q in members], dtype=np.intp)
            zs = np.array([queries[q][2] for q in members], dtype=np.intp).reshape(len(members), k)
            batch = self._evaluate(xs, ys, zs)
            for r, q in enumerate(members):
                results[q] = batch.result(r, self.method)
        return results  # type: ignore[return-value]

    def test_batch(self, queries: Sequence[Query]) -> list[CITestResult]:
        """Test many ``(x, y, Z)`` queries at once (grouped by ``|Z|`` internally).

        Raises
        ------
        DataError, InvalidParameterError
            As :meth:`test`, for the first bad query.
        """
        resolved = [self._resolve(*q) if len(q) == 3 else self._resolve(q[0], q[1], ()) for q in queries]
        return self._run_indexed(resolved)

    def p_values(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> np.ndarray:
        """The p-values of ``m`` queries given as column indices (the algorithms' fast path).

        Parameters
        ----------
        xs, ys:
            Integer arrays of length ``m``.
        zs:
            Integer array of shape ``(m, k)``: every query conditions on ``k`` variables.

        Returns
        -------
        numpy.ndarray
            ``m`` p-values (``1.0`` where ``enough_data`` is ``False``).
        """
        xs, ys, zs = self._check_indices(xs, ys, zs)
        if xs.size == 0:
            return np.zeros(0)
        return self._evaluate(xs, ys, zs).p_value.copy()

    def statistics(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The statistics and p-values of ``m`` queries given as column indices.

        As :meth:`p_values` (same arguments and checks), for algorithms that also
        rank or report the strength of a dependence (PCMCI's condition selection
        and MCI stage).

        Returns
        -------
        tuple
            ``(statistic, p_value)``, two arrays of length ``m``.
        """
        xs, ys, zs = self._check_indices(xs, ys, zs)
        if xs.size == 0:
            return np.zeros(0), np.zeros(0)
        batch = self._evaluate(xs, ys, zs)
        return batch.statistic.copy(), batch.p_value.copy()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n={self.n_samples}, p={len(self.variables)}, missing={self.missing!r})"

    # -- test-wise deletion --------------------------------------------------------
    def _missing_groups(
        self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray
    ) -> list[tuple[frozenset[int], np.ndarray]]:
        """Group queries by the set of their columns that have missing values."""
        if not self._nan_cols.any():
            return [(frozenset(), np.arange(xs.shape[0]))]
        cols = np.column_stack([xs, ys, zs])
        has = self._nan_cols[cols]
        groups: dict[frozenset[int], list[int]] = {}
        for q in range(cols.shape[0]):
            key = frozenset(cols[q][has[q]].tolist())
            groups.setdefault(key, []).append(q)
        return [(k, np.asarray(v)) for k, v in groups.items()]

    def _complete_rows(self, pattern: frozenset[int]) -> np.ndarray | None:
        """Boolean mask of rows complete in the columns of ``pattern`` (None: all rows)."""
        if not pattern:
            return None
        return ~self._nan[:, sorted(pattern)].any(axis=1)


class CachedCITest:
    """A CI test with a cache keyed by ``(min(x, y), max(x, y), frozenset(Z))``.

    The cache relies on the symmetry of the tests (``x _||_ y | Z`` and
    ``y _||_ x | Z`` give the same p-value; every test here is symmetric, including
    :class:`~causalscope.independence.MixedLRTest`, which always models the same
    variable of the pair). Share one instance across an algorithm's run.

    Parameters
    ----------
    test:
        Any object following :class:`CITest` (with ``index_of``).

    Attributes
    ----------
    n_tests:
        Tests actually computed (cache misses).
    n_cache_hits:
        Queries answered from the cache.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from causalscope.independence import FisherZ
    >>> frame = pd.DataFrame(np.random.default_rng(0).normal(size=(100, 3)), columns=list("ABC"))
    >>> cached = CachedCITest(FisherZ(frame))
    >>> _ = cached.test("A", "B", ["C"]); _ = cached.test("B", "A", ["C"])
    >>> cached.n_tests, cached.n_cache_hits
    (1, 1)
    """

    def __init__(self, test: Any) -> None:
        self.inner = test
        self.method = test.method
        self._cache: dict[tuple[int, int, frozenset[int]], CITestResult] = {}
        self.n_tests = 0
        self.n_cache_hits = 0

    @property
    def variables(self) -> tuple[str, ...]:
        """The variable names of the wrapped test."""
        return self.inner.variables

    def index_of(self, name: str) -> int:
        """The column index of ``name`` in the wrapped test."""
        return self.inner.index_of(name)

    @staticmethod
    def _key(i: int, j: int, ks: Iterable[int]) -> tuple[int, int, frozenset[int]]:
        return (min(i, j), max(i, j), frozenset(ks))

    def clear(self) -> None:
        """Empty the cache and reset the counters."""
        self._cache.clear()
        self.n_tests = 0
        self.n_cache_hits = 0

    def __len__(self) -> int:
        return len(self._cache)

    def test(self, x: str, y: str, z: Iterable[str] = ()) -> CITestResult:
        """As :meth:`CITest.test`, answered from the cache when possible."""
        return self.test_batch([(x, y, tuple(z) if not isinstance(z, str) else (z,))])[0]

    def test_batch(self, queries: Sequence[Query]) -> list[CITestResult]:
        """As :meth:`CITest.test_batch`; only the cache misses are computed (in one batch)."""
        resolved = [self.inner._resolve(*q) for q in queries]
        out: list[CITestResult | None] = [None] * len(resolved)
        todo: dict[tuple[int, int, frozenset[int]], list[int]] = {}
        todo_q: list[tuple[int, int, tuple[int, ...]]] = []
        for q, (i, j, ks) in enumerate(resolved):
            key = self._key(i, j, ks)
            hit = self._cache.get(key)
            if hit is not None:
                out[q] = hit
                self.n_cache_hits += 1
            elif key in todo:
                todo[key].append(q)
                self.n_cache_hits += 1
            else:
                todo[key] = [q]
                todo_q.append((i, j, ks))
        if todo_q:
            computed = self.inner._run_indexed(todo_q)
            self.n_tests += len(todo_q)
            for (key, qs), res in zip(todo.items(), computed):
                self._cache[key] = res
                for q in qs:
                    out[q] = res
        return out  # type: ignore[return-value]

    def p_values(self, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> np.ndarray:
        """As :meth:`CITest.p_values`, with the cache."""
        xs, ys, zs = self.inner._check_indices(xs, ys, zs)
        queries = [(int(a), int(b), tuple(int(c) for c in row)) for a, b, row in zip(xs, ys, zs)]
        keys = [self._key(*q) for q in queries]
        miss = [q for q, key in enumerate(keys) if key not in self._cache]
        uniq: dict[tuple[int, int, frozenset[int]], int] = {}
        for q in miss:
            uniq.setdefault(keys[q], q)
        if uniq:
            rows = list(uniq.values())
            computed = self.inner._run_indexed([queries[q] for q in rows])
            for q, res in zip(rows, computed):
                self._cache[keys[q]] = res
            self.n_tests += len(rows)
        self.n_cache_hits += len(queries) - len(uniq)
        return np.array([self._cache[key].p_value for key in keys])

    def __repr__(self) -> str:
        return (
            f"CachedCITest({self.inner!r}, n_tests={self.n_tests}, "
            f"n_cache_hits={self.n_cache_hits})"
        )
