"""The executor layer: n_jobs semantics, chunking, task order, seeds, progress, ownership.

One process pool is started here (``ProcessExecutor(2)``, loky's reusable pool, kept warm
for the callers' tests in ``test_callers.py``); everything else runs in this process.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

import causalscope.parallel as par
from causalscope.exceptions import InvalidParameterError
from causalscope.parallel import ProcessExecutor, SerialExecutor


class Recording(SerialExecutor):
    """A serial executor that records its map calls and closes (a user-supplied backend)."""

    def __init__(self) -> None:
        super().__init__()
        self.maps = 0
        self.closed = 0

    def map(self, fn: Callable[..., Any], tasks: Sequence[Any], **kw: Any) -> list[Any]:
        self.maps += 1
        return super().map(fn, tasks, **kw)

    def close(self) -> None:
        self.closed += 1


def test_check_n_jobs_semantics() -> None:
    assert par.check_n_jobs(None) == 1 and par.check_n_jobs(1) == 1 and par.check_n_jobs(np.int64(3)) == 3
    assert par.check_n_jobs(-1) == (os.cpu_count() or 1)
    assert par.check_n_jobs(ProcessExecutor(2)) == 2
    for bad in (0, -2, True, 1.5, "2"):
        with pytest.raises(InvalidParameterError, match="n_jobs must be None, -1 or a positive integer"):
            par.check_n_jobs(bad)


def test_get_executor_and_ownership() -> None:
    assert type(par.get_executor(None)) is SerialExecutor and type(par.get_executor(1)) is SerialExecutor
    assert type(par.get_executor(2)) is ProcessExecutor and par.get_executor(2).n_workers == 2
    mine = Recording()
    assert isinstance(mine, par.Executor) and par.get_executor(mine) is mine
    with par.open_executor(mine) as ex:
        assert ex is mine
    assert mine.closed == 0  # the caller's executor stays open
    with pytest.raises(InvalidParameterError, match="n_jobs"):
        par.get_executor(0)


def test_chunk_bounds_cover_the_tasks_in_order() -> None:
    for n, w in [(0, 2), (1, 2), (7, 1), (10, 2), (101, 3)]:
        b = par.chunk_bounds(n, w)
        assert [i for a, z in b for i in range(a, z)] == list(range(n))
        assert len(b) <= max(1, w * 4) or w == 1
    assert par.chunk_bounds(5, 4, chunk_size=2) == [(0, 2), (2, 4), (4, 5)]
    with pytest.raises(InvalidParameterError, match="chunk_size"):
        par.chunk_bounds(5, 2, chunk_size=0)


def test_serial_map_calling_convention_progress_and_seed_checks() -> None:
    ex = SerialExecutor()
    assert ex.map(lambda t: t + 1, [1, 2]) == [2, 3]
    assert ex.map(lambda c, t: c * t, [1, 2], context=3) == [3, 6]
    assert ex.map(lambda c, t, s: (c, t, s), ["a"], context=0, seeds=[9]) == [(0, "a", 9)]
    assert ex.map(lambda t, s: t + s, [1, 2], seeds=[10, 20]) == [11, 22]
    seen: list[tuple[int, int | None, str]] = []
    ex.map(abs, [-1, -2, -3], progress=lambda d, t, s: seen.append((d, t, s)), description="work")
    assert seen == [(0, 3, "work"), (1, 3, "work"), (2, 3, "work"), (3, 3, "work")]
    with pytest.raises(InvalidParameterError, match="one seed per task"):
        ex.map(lambda t, s: t, [1, 2], seeds=[1])


def test_process_map_matches_serial_in_task_order() -> None:
    """Chunks run in workers (other pids), results come back in task order, seeds travel per task."""
    tasks = list(range(23))
    seeds = par.task_seeds(11, len(tasks))
    offset = np.arange(5.0)  # the shared context

    def draw(ctx: np.ndarray, task: int, seed: int) -> tuple[int, float, int]:
        return task, float(np.random.default_rng(seed).normal() + ctx[task % 5]), os.getpid()

    def raise_on_three(task: int) -> int:
        if task == 3:
            raise InvalidParameterError(f"bad task {task}")
        return task

    serial = SerialExecutor().map(draw, tasks, context=offset, seeds=seeds)
    seen: list[int] = []
    ex = ProcessExecutor(2)
    out = ex.map(draw, tasks, context=offset, seeds=seeds, progress=lambda d, t, s: seen.append(d))
    inline = ex.map(lambda t: os.getpid(), [0])  # a single chunk runs here, no worker
    with pytest.raises(InvalidParameterError, match="bad task 3"):
        ex.map(raise_on_three, list(range(8)), chunk_size=1)
    ex.close()
    assert [r[:2] for r in out] == [r[:2] for r in serial]
    assert {r[2] for r in out} - {os.getpid()}  # some chunks really ran elsewhere
    assert inline == [os.getpid()]
    assert seen[0] == 0 and seen[-1] == len(tasks) and seen == sorted(seen)


def test_task_seeds() -> None:
    a = par.task_seeds(5, 4)
    assert a == par.task_seeds(5, 4) and a[:3] == par.task_seeds(5, 3) and len(set(a)) == 4
    assert a != par.task_seeds(6, 4) and par.task_seeds(5, 0) == []
    g1, g2 = np.random.default_rng(1), np.random.default_rng(1)
    assert par.task_seeds(g1, 3) == par.task_seeds(g2, 3)
    assert all(0 <= s < 2**64 for s in a)
    with pytest.raises(InvalidParameterError):
        par.task_seeds(-1, 3)
    with pytest.raises(InvalidParameterError, match="n must be"):
        par.task_seeds(0, -1)


def test_process_map_pickles_the_context_once_and_loads_it_once_per_worker() -> None:
    """Reference: SerialExecutor's results; the count of pickles made in this process.

    The context's ``__reduce__`` counts in this process (the parent): 16 chunks over
    two workers pickle it once (it was once per chunk, 16 times). Each chunk reports
    the id of the context object it saw in its worker: one object per worker pid,
    so each worker loaded it once. The temporary file is gone after the map.
    """
    pickles: list[int] = []

    class Counted:
        def __init__(self, scale: float) -> None:
            self.scale = scale

        def __reduce__(self) -> tuple[Any, ...]:
            pickles.append(1)
            return (Counted, (self.scale,))

    def work(ctx: Counted, task: int, seed: int) -> tuple[float, int, int]:
        return ctx.scale * task + np.random.default_rng(seed).normal(), os.getpid(), id(ctx)

    tasks = list(range(32))
    seeds = par.task_seeds(3, len(tasks))
    context = Counted(2.5)
    serial = SerialExecutor().map(work, tasks, context=context, seeds=seeds)
    assert pickles == []
    before = set(os.listdir(tempfile.gettempdir()))
    out = ProcessExecutor(2).map(work, tasks, context=context, seeds=seeds, chunk_size=2)
    assert len(pickles) == 1
    assert [r[0] for r in out] == [r[0] for r in serial]
    ids_per_pid: dict[int, set[int]] = {}
    for _, pid, obj in out:
        ids_per_pid.setdefault(pid, set()).add(obj)
    assert os.getpid() not in ids_per_pid and all(len(ids) == 1 for ids in ids_per_pid.values())
    left = {f for f in set(os.listdir(tempfile.gettempdir())) - before if f.startswith("causalscope-context-")}
    assert left == set()
    # a second map with a new context loads the new one (no stale cache)
    again = ProcessExecutor(2).map(work, tasks, context=Counted(-1.0), seeds=seeds, chunk_size=2)
    assert [r[0] for r in again] == [r[0] for r in SerialExecutor().map(work, tasks, context=Counted(-1.0),
                                                                          seeds=seeds)]
