"""Nonparametric bootstrap intervals, seeded and parallel over ``n_jobs``.

The bootstrap (Efron & Tibshirani 1993) resamples rows with replacement, recomputes
the estimate on each resample and reads the standard error off the replicates'
spread and the interval off their percentiles. It is used where no analytic
interval is valid or available (g-computation with a machine-learning regressor,
the front-door plug-in). Each replicate draws from its own seed spawned from
``random_state``, so the answer does not depend on ``n_jobs``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..contract import renamed_arguments
from ..exceptions import InvalidParameterError
from ..parallel import NJobs, open_executor
from ..utils import Progress, RandomState, spawn_seeds

__all__ = ["bootstrap"]


def _replicate(
    context: tuple[Callable[[np.ndarray], float], int, list[np.ndarray] | None], seed: int
) -> float:
    """One replicate: draw the rows from ``seed`` (within each stratum if any) and evaluate ``fn``."""
    fn, n, groups = context
    rng = np.random.default_rng(seed)
    if groups is None:
        idx = rng.integers(0, n, n)
    else:
        idx = np.concatenate([g[rng.integers(0, g.size, g.size)] for g in groups])
    try:
        return float(fn(idx))
    except (ValueError, ZeroDivisionError, np.linalg.LinAlgError):
        return float("nan")


@renamed_arguments(n_boot="n_bootstrap")
def bootstrap(
    fn: Callable[[np.ndarray], float],
    n: int,
    *,
    n_bootstrap: int = 200,
    alpha: float = 0.05,
    strata: np.ndarray | None = None,
    random_state: RandomState = None,
    n_jobs: NJobs = None,
    progress: Progress | Callable[[int, int | None, str], None] | None = None,
) -> tuple[float, float, float, np.ndarray]:
    """Bootstrap standard error and percentile interval of ``fn``.

    Parameters
    ----------
    fn:
        Maps an array of row indices (a resample) to the estimate.
    n:
        Number of rows.
    n_bootstrap:
        Number of replicates.
    alpha:
        The interval has level ``1 - alpha``.
    strata:
        Optional labels; rows are resampled within each stratum (keeps the number
        of treated units fixed).
    random_state:
        Seed or generator; same seed, same answer, whatever ``n_jobs``.
    n_jobs:
        Worker processes (:mod:`causalscope.parallel`): ``None`` or 1 runs in this
        process, -1 uses all cores; an :class:`~causalscope.parallel.Executor` is used as given.
    progress:
        A :class:`causalscope.utils.Progress` or callback ``(done, total, description)``;
        one step per replicate.

    Returns
    -------
    se, ci_low, ci_high, replicates

    Raises
    ------
    InvalidParameterError
        For ``n_bootstrap < 2``, an invalid ``n_jobs``, or when fewer than two
        replicates could be computed.

    References
    ----------
    .. [1] Efron, B. & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.random.default_rng(0).normal(size=400)
    >>> se, lo, hi, reps = bootstrap(lambda i: y[i].mean(), 400, n_bootstrap=300, random_state=1)
    >>> round(se, 2), round(float(y.std()) / 20, 2)
    (0.05, 0.05)
    """
    if int(n_bootstrap) < 2:
        raise InvalidParameterError(f"n_bootstrap must be at least 2; got {n_bootstrap!r}")
    seeds = spawn_seeds(random_state, int(n_bootstrap))
    groups = None if strata is None else [np.flatnonzero(strata == v) for v in np.unique(strata)]
    with open_executor(n_jobs) as executor:
        reps = executor.map(_replicate, seeds, context=(fn, n, groups), progress=progress, description="bootstrap")
    r = np.asarray(reps, dtype=float)
    r = r[np.isfinite(r)]
    if r.size < 2:
        raise InvalidParameterError("bootstrap failed: fewer than two replicates could be computed")
    lo, hi = np.quantile(r, [alpha / 2, 1 - alpha / 2])
    return float(r.std(ddof=1)), float(lo), float(hi), r
