"""Per-task seeds: fixed by the run's seed and the task's index, never by a worker.

A parallel loop that needs randomness draws every task's seed in the calling
process, before any task runs, and hands the list to
:meth:`~causalscope.parallel.Executor.map` (``seeds=``). Task ``i`` then sees the
same seed whichever worker runs it and however many workers there are.

:func:`task_seeds` spawns independent child streams with
:meth:`numpy.random.SeedSequence.spawn`. The loops that predate this module keep
their own scheme (:func:`causalscope.utils.spawn_seeds`, integers drawn from the
run's generator) so that their results do not change; both satisfy the rule
above.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import InvalidParameterError
from ..utils import RandomState, check_random_state

__all__ = ["task_seeds"]


def task_seeds(random_state: RandomState, n: int) -> list[int]:
    """One independent integer seed per task, from ``SeedSequence(seed).spawn(n)``.

    Parameters
    ----------
    random_state:
        An ``int`` seed (the same seed gives the same list), ``None`` (fresh
        entropy) or a generator (one draw from it gives the root entropy, so a
        generator's stream advances by one value).
    n:
        The number of tasks (>= 0).

    Returns
    -------
    list of int
        ``n`` seeds in ``[0, 2**64)``, each usable as ``numpy.random.default_rng(seed)``.
        The first ``k`` seeds do not depend on ``n``.

    Raises
    ------
    InvalidParameterError
        For a negative ``n`` or an invalid ``random_state``.

    Examples
    --------
    >>> a = task_seeds(7, 3)
    >>> a == task_seeds(7, 3), a[:2] == task_seeds(7, 2), len(set(a))
    (True, True, 3)
    """
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 0:
        raise InvalidParameterError(f"n must be a non-negative integer; got {n!r}")
    rng = check_random_state(random_state)  # validates the argument
    if random_state is None or isinstance(random_state, np.random.Generator):
        entropy = int(rng.integers(0, 2**63 - 1))
    else:
        entropy = int(random_state)
    children = np.random.SeedSequence(entropy).spawn(int(n))
    return [int(child.generate_state(1, np.uint64)[0]) for child in children]
