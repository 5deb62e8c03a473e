"""Executors: run independent tasks serially or over local worker processes.

Every parallel loop of the package (the CI-test batches of the PC skeleton
search, the resamples of :mod:`causalscope.pipeline.stability` and tuning, the
bootstrap replicates of :mod:`causalscope.estimation`) goes through one
interface, :class:`Executor`: ``map(fn, tasks)`` returns ``fn``'s results **in
task order**, whatever the number of workers and whatever order the workers
finish in. Together with per-task seeds fixed before the run (never drawn from a
worker's state), this makes every result identical for any ``n_jobs``.

* :class:`SerialExecutor` runs in this process (``n_jobs`` ``None`` or 1).
* :class:`ProcessExecutor` runs chunks of tasks in local worker processes
  (joblib's ``loky`` backend, so closures and lambdas travel with cloudpickle);
  the shared ``context`` is pickled once per map and loaded once per worker
  (:class:`SharedContext`), not shipped with every chunk.
* :func:`get_executor` turns an ``n_jobs`` argument (``None``, ``-1``, a positive
  integer, or an :class:`Executor`) into an executor; :func:`open_executor` does
  the same as a context manager that closes only what it opened.

A new backend (a Dask cluster, issue 25) subclasses :class:`Executor` and
implements ``run_chunks`` (and ``close``); callers accept it through ``n_jobs``.
"""

from __future__ import annotations

import importlib
import math
import os
import pickle
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..exceptions import InvalidParameterError
from ..utils import Progress, as_progress

__all__ = [
    "Executor",
    "SerialExecutor",
    "ProcessExecutor",
    "NJobs",
    "check_n_jobs",
    "get_executor",
    "open_executor",
    "chunk_bounds",
    "run_chunk",
    "run_shared_chunk",
    "SharedContext",
]

ProgressLike = Progress | Callable[[int, int | None, str], None] | None

#: chunks per worker when ``chunk_size`` is not given: enough to balance uneven
#: tasks, few enough that scheduling and pickling stay amortised.
CHUNKS_PER_WORKER = 4


Chunk = tuple[list[Any], list[int] | None]


def run_chunk(fn: Callable[..., Any], context: Any, tasks: Sequence[Any], seeds: Sequence[int] | None) -> list[Any]:
    """Apply ``fn`` to one chunk of tasks with the calling convention of :meth:`Executor.map`.

    The unit of work a process backend ships to a worker (module level, so it
    pickles by reference).
    """
    head = () if context is None else (context,)
    if seeds is None:
        return [fn(*head, task) for task in tasks]
    return [fn(*head, task, seed) for task, seed in zip(tasks, seeds, strict=True)]


#: contexts a worker process keeps loaded, by key (the newest few; older ones are dropped)
WORKER_CONTEXTS: dict[str, Any] = {}
#: how many contexts a worker keeps
MAX_WORKER_CONTEXTS = 2


@dataclass(frozen=True)
class SharedContext:
    """A map's shared context, pickled once by the parent into a file and loaded once per worker.

    A chunk carries this small reference instead of the context itself. The
    first chunk a worker runs for ``key`` unpickles the file into
    :data:`WORKER_CONTEXTS`; later chunks of the same map find it there. The
    parent writes the file before the map and removes it after.

    Attributes
    ----------
    key:
        Unique per map (a random UUID: it never influences a result).
    path:
        The file holding the cloudpickled context.
    """

    key: str
    path: str

    def load(self) -> Any:
        """The context, from this process's cache or (first time) from the file."""
        if self.key not in WORKER_CONTEXTS:
            with open(self.path, "rb") as fh:
                value = pickle.load(fh)
            while len(WORKER_CONTEXTS) >= MAX_WORKER_CONTEXTS:
                WORKER_CONTEXTS.pop(next(iter(WORKER_CONTEXTS)))
            WORKER_CONTEXTS[self.key] = value
        return WORKER_CONTEXTS[self.key]


def run_shared_chunk(
    fn: Callable[..., Any], shared: SharedContext | None, tasks: Sequence[Any], seeds: Sequence[int] | None
) -> list[Any]:
    """:func:`run_chunk` with the context given as a :class:`SharedContext` (``None``: no context)."""
    return run_chunk(fn, None if shared is None else shared.load(), tasks, seeds)


def _cloudpickle() -> Any:
    """cloudpickle (a dependency of joblib >= 1.5; vendored in older joblib)."""
    try:
        return importlib.import_module("cloudpickle")
    except ImportError:  # pragma: no cover - joblib < 1.5
        return importlib.import_module("joblib.externals.cloudpickle")


@contextmanager
def _shared_context(context: Any) -> Iterator[SharedContext | None]:
    """Pickle ``context`` once into a temporary file; remove it when the map is over."""
    if context is None:
        yield None
        return
    fd, path = tempfile.mkstemp(prefix="causalscope-context-", suffix=".pkl")
    try:
        with os.fdopen(fd, "wb") as fh:
            _cloudpickle().dump(context, fh, protocol=pickle.HIGHEST_PROTOCOL)
        yield SharedContext(uuid.uuid4().hex, path)
    finally:
        try:
            os.remove(path)
        except OSError:  # pragma: no cover - already gone
            pass


@runtime_checkable
class Executor(Protocol):
    """What the package's parallel loops need from a backend.

    A backend subclasses this protocol and implements :meth:`run_chunks` (how
    chunks of tasks run) and, if it holds resources, :meth:`close`; it inherits
    :meth:`map` (argument checks, chunking, progress, task order). An object
    that implements all four members itself is an executor too.

    Attributes
    ----------
    n_workers:
        How many tasks may run at the same time (1 for serial execution).
    """

    n_workers: int

    def map(
        self,
        fn: Callable[..., Any],
        tasks: Sequence[Any],
        *,
        context: Any = None,
        seeds: Sequence[int] | None = None,
        chunk_size: int | None = None,
        progress: ProgressLike = None,
        description: str = "tasks",
    ) -> list[Any]:
        """Apply ``fn`` to every task and return the results in task order.

        ``fn`` is called as ``fn(task)``, ``fn(context, task)`` when ``context`` is
        given, and with the task's seed as a last argument when ``seeds`` is given
        (``fn(context, task, seed)``). ``context`` is shared by all tasks (data,
        a CI test): a process backend sends it at most once per worker
        (:class:`ProcessExecutor`: pickled once per map), not once per task.
        The tasks are cut into contiguous chunks (:func:`chunk_bounds`);
        ``progress`` sees ``start(len(tasks), description)``, one ``advance`` per
        finished chunk and ``close``.

        Raises
        ------
        InvalidParameterError
            For a bad ``chunk_size`` or a ``seeds`` list of another length than ``tasks``.
        """
        items = list(tasks)
        seed_list = _check_seeds(seeds, len(items))
        chunks: list[Chunk] = [
            (items[a:b], None if seed_list is None else seed_list[a:b])
            for a, b in chunk_bounds(len(items), self.n_workers, chunk_size)
        ]
        reporter = as_progress(progress)
        reporter.start(len(items), description)
        results: list[Any] = []
        try:
            for part in self.run_chunks(fn, context, chunks):
                results.extend(part)
                reporter.advance(len(part))
        finally:
            reporter.close()
        return results

    def run_chunks(self, fn: Callable[..., Any], context: Any, chunks: list[Chunk]) -> Iterator[list[Any]]:
        """Yield the results of every ``(tasks, seeds)`` chunk, in chunk order (default: in this process)."""
        for tasks, seeds in chunks:
            yield run_chunk(fn, context, tasks, seeds)

    def close(self) -> None:
        """Release the workers (a no-op where there are none)."""
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_workers={self.n_workers})"

NJobs = int | Executor | None


def check_n_jobs(n_jobs: object) -> int:
    """The number of workers that an ``n_jobs`` argument asks for.

    Parameters
    ----------
    n_jobs:
        ``None`` or 1: this process; -1: every core (``os.cpu_count()``); a
        positive integer: that many worker processes; an :class:`Executor`:
        its ``n_workers``.

    Raises
    ------
    InvalidParameterError
        For 0, a value below -1, a bool or anything else that is not an integer.

    Examples
    --------
    >>> check_n_jobs(None), check_n_jobs(3)
    (1, 3)
    >>> check_n_jobs(0)
    Traceback (most recent call last):
    ...
    causalscope.exceptions.InvalidParameterError: n_jobs must be None, -1 or a positive integer; got 0
    """
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, Executor):
        return int(n_jobs.n_workers)
    if isinstance(n_jobs, (bool, np.bool_)) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0 or n_jobs < -1:
        raise InvalidParameterError(f"n_jobs must be None, -1 or a positive integer; got {n_jobs!r}")
    return (os.cpu_count() or 1) if n_jobs == -1 else int(n_jobs)


def _check_chunk_size(chunk_size: object) -> int | None:
    if chunk_size is None:
        return None
    if isinstance(chunk_size, (bool, np.bool_)) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise InvalidParameterError(f"chunk_size must be None or a positive integer; got {chunk_size!r}")
    return int(chunk_size)


def chunk_bounds(n_tasks: int, n_workers: int, chunk_size: int | None = None) -> list[tuple[int, int]]:
    """Split ``range(n_tasks)`` into contiguous ``(start, stop)`` chunks.

    With ``chunk_size=None`` there are about :data:`CHUNKS_PER_WORKER` chunks per
    worker (one chunk per task for a single worker, so that progress moves task
    by task).

    Examples
    --------
    >>> chunk_bounds(10, 2)
    [(0, 2), (2, 4), (4, 6), (6, 8), (8, 10)]
    >>> chunk_bounds(5, 1, chunk_size=2)
    [(0, 2), (2, 4), (4, 5)]
    """
    size = _check_chunk_size(chunk_size)
    if size is None:
        size = 1 if n_workers <= 1 else max(1, math.ceil(n_tasks / (n_workers * CHUNKS_PER_WORKER)))
    return [(a, min(a + size, n_tasks)) for a in range(0, n_tasks, size)]


def _check_seeds(seeds: Sequence[int] | None, n_tasks: int) -> list[int] | None:
    if seeds is None:
        return None
    out = [int(s) for s in seeds]
    if len(out) != n_tasks:
        raise InvalidParameterError(f"seeds must hold one seed per task: {n_tasks} tasks, {len(out)} seeds")
    return out


class SerialExecutor(Executor):
    """Run every task in this process, one after the other.

    Examples
    --------
    >>> SerialExecutor().map(lambda k, x: k * x, [1, 2, 3], context=10)
    [10, 20, 30]
    """

    def __init__(self) -> None:
        self.n_workers = 1


class ProcessExecutor(Executor):
    """Run chunks of tasks in local worker processes (joblib, ``loky`` backend).

    Tasks are cut into contiguous chunks (:func:`chunk_bounds`); each chunk is one
    call in a worker, carrying ``fn`` and its tasks (and seeds), pickled with
    cloudpickle, so closures work. The shared ``context`` does not travel with
    the chunks: it is cloudpickled once per map into a temporary file, and each
    worker loads it once, on its first chunk of the map (:class:`SharedContext`).
    Results come back in task order. The workers are loky's reusable pool:
    started on the first call that needs them, kept warm between calls, shut
    down by loky after an idle timeout. A map with a single chunk runs in this
    process (no worker starts, nothing is pickled).

    Parameters
    ----------
    n_workers:
        Worker processes (-1: every core).
    """

    def __init__(self, n_workers: int = -1) -> None:
        self.n_workers = check_n_jobs(n_workers)

    def run_chunks(self, fn: Callable[..., Any], context: Any, chunks: list[Chunk]) -> Iterator[list[Any]]:
        """Yield every chunk's results in chunk order, the chunks run by the workers."""
        if self.n_workers <= 1 or len(chunks) <= 1:
            yield from super().run_chunks(fn, context, chunks)
            return
        from joblib import Parallel, delayed

        parallel = Parallel(n_jobs=self.n_workers, backend="loky", return_as="generator")
        with _shared_context(context) as shared:
            yield from parallel(delayed(run_shared_chunk)(fn, shared, tasks, seeds) for tasks, seeds in chunks)


def get_executor(n_jobs: NJobs) -> Executor:
    """The executor for an ``n_jobs`` argument.

    ``None`` or 1 gives a :class:`SerialExecutor`, -1 or ``k > 1`` a
    :class:`ProcessExecutor` with every core or ``k`` workers; an
    :class:`Executor` is returned as it is.

    Raises
    ------
    InvalidParameterError
        For an invalid ``n_jobs`` (see :func:`check_n_jobs`).

    Examples
    --------
    >>> get_executor(None), get_executor(2)
    (SerialExecutor(n_workers=1), ProcessExecutor(n_workers=2))
    """
    if isinstance(n_jobs, Executor):
        return n_jobs
    workers = check_n_jobs(n_jobs)
    return SerialExecutor() if workers == 1 else ProcessExecutor(workers)


@contextmanager
def open_executor(n_jobs: NJobs) -> Iterator[Executor]:
    """:func:`get_executor` as a context manager: closes the executor only if it made it.

    An :class:`Executor` passed in belongs to the caller and stays open.

    Examples
    --------
    >>> with open_executor(1) as ex:
    ...     ex.map(abs, [-1, 2])
    [1, 2]
    """
    executor = get_executor(n_jobs)
    try:
        yield executor
    finally:
        if executor is not n_jobs:
            executor.close()
