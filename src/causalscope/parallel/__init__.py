"""One executor interface for every parallel loop of the package.

``map(fn, tasks)`` returns results in task order, seeds are fixed per task
before the run: results are identical for any number of workers. See
:mod:`causalscope.parallel.executor` and ``docs/parallel.md``.
"""

from __future__ import annotations

from .executor import (
    Executor,
    NJobs,
    ProcessExecutor,
    SerialExecutor,
    check_n_jobs,
    chunk_bounds,
    get_executor,
    open_executor,
)
from .seeds import task_seeds

__all__ = [
    "Executor",
    "NJobs",
    "ProcessExecutor",
    "SerialExecutor",
    "check_n_jobs",
    "chunk_bounds",
    "get_executor",
    "open_executor",
    "task_seeds",
]
