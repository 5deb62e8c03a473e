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
from typing import Any

import numpy as np
from joblib import Parallel, delayed

from ..exceptions import InvalidParameterError
from ..utils import Progress, RandomState, as_progress, spawn_seeds

__all__ = ["bootstrap"]


def _run_chunk(fn: Callable[[np.ndarray], float], n: int, seeds: list[int], strata: np.ndarray | None) -> list[float]:
    out = []
    for s in seeds:
        rng = np.random.default_rng(s)
        if strata is None:
            idx = rng.integers(0, n, n)
        else:
            idx = np.concatenate(
                [g[rng.integers(0, g.size, g.size)] for g in (np.flatnonzero(strata == v) for v in np.unique(strata))]
            )
        try:
            out.append(float(fn(idx)))
        except (ValueError, ZeroDivisionError, np.linalg.LinAlgError):
            out.append(float("nan"))
    return out


def bootstrap(
    fn: Callable[[np.ndarray], float],
    n: int,
    *,
    n_boot: int = 200,
    alpha: float = 0.05,
    strata: np.ndarray | None = None,
    random_state: RandomState = None,
    n_jobs: int | None = None,
    progress: Progress | Callable[[int, int | None, str], None] | None = None,
) -> tuple[float, float, float, np.ndarray]:
    """Bootstrap standard error and percentile interval of ``fn``.

    Parameters
    ----------
    fn:
        Maps an array of row indices (a resample) to the estimate.
    n:
        Number of rows.
    n_boot:
        Number of replicates.
    alpha:
        The interval has level ``1 - alpha``.
    strata:
        Optional labels; rows are resampled within each stratum (keeps the number
        of treated units fixed).
    random_state:
        Seed or generator; same seed, same answer, whatever ``n_jobs``.
    n_jobs:
        Parallel workers (joblib); ``None`` = 1.
    progress:
        A :class:`causalscope.utils.Progress` or callback ``(done, total, description)``;
        one step per replicate.

    Returns
    -------
    se, ci_low, ci_high, replicates

    References
    ----------
    .. [1] Efron, B. & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.random.default_rng(0).normal(size=400)
    >>> se, lo, hi, reps = bootstrap(lambda i: y[i].mean(), 400, n_boot=300, random_state=1)
    >>> round(se, 2), round(float(y.std()) / 20, 2)
    (0.05, 0.05)
    """
    if int(n_boot) < 2:
        raise InvalidParameterError(f"n_boot must be at least 2; got {n_boot!r}")
    seeds = spawn_seeds(random_state, int(n_boot))
    jobs = 1 if n_jobs is None else int(n_jobs)
    k = 1 if jobs == 1 else max(1, jobs if jobs > 0 else 4) * 4
    chunks = [seeds[i::k] for i in range(k) if seeds[i::k]]
    reporter = as_progress(progress)
    reporter.start(len(seeds), "bootstrap")
    parts: list[Any] = []
    try:
        if jobs == 1:
            for c in chunks:
                parts.append(_run_chunk(fn, n, c, strata))
                reporter.advance(len(c))
        else:
            gen = Parallel(n_jobs=jobs, return_as="generator")(delayed(_run_chunk)(fn, n, c, strata) for c in chunks)
            for c, part in zip(chunks, gen):
                parts.append(part)
                reporter.advance(len(c))
    finally:
        reporter.close()
    reps_arr = np.empty(len(seeds))
    order = [i for j in range(len(chunks)) for i in range(j, len(seeds), k)]
    reps_arr[order] = [v for p in parts for v in p]
    reps = list(reps_arr)
    r = np.asarray(reps, dtype=float)
    r = r[np.isfinite(r)]
    if r.size < 2:
        raise InvalidParameterError("bootstrap failed: fewer than two replicates could be computed")
    lo, hi = np.quantile(r, [alpha / 2, 1 - alpha / 2])
    return float(r.std(ddof=1)), float(lo), float(hi), r
