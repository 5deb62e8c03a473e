"""Block bootstrap for time series: resamples that keep the serial dependence.

Resampling rows one by one (the ordinary bootstrap) destroys the time order: a
resampled series has no autocorrelation left, so every lagged dependence a
time-series method looks for is gone. A block bootstrap draws *blocks* of
consecutive time points instead, so the dependence within a block is kept:

* **moving block** (Künsch 1989): ``ceil(T / b)`` blocks of fixed length ``b``,
  each starting at a uniform position in ``0..T-b``, concatenated and cut to ``T``;
* **stationary** (Politis & Romano 1994): blocks of random, geometric length
  with mean ``b`` (a new block starts at each step with probability ``1/b``), each
  starting at a uniform position, wrapping around the end of the series. The
  resampled series is itself stationary.

The default block length is ``b = max(1, round(T^(1/3)))``: the rate of the
optimal block length for bootstrap estimates of variance and bias (Hall,
Horowitz & Jing 1995; Lahiri 2003, ch. 7). A lagged method with lags up to
``tau_max`` should use ``b`` well above ``tau_max``.

Each draw is generated from its own seed (``numpy.random.default_rng(seed)``),
so draws are independent, reproducible and identical however they are spread
over workers. Draw the seeds in the caller with
:func:`causalscope.parallel.task_seeds` (``task_seeds(random_state, n_draws)``)
and hand draw ``i`` its seed ``seeds[i]``.

For a lagged analysis, resample the *target time points* rather than the raw
rows: with ``T`` rows and lags up to ``tau_max``, draw indices for
``T - tau_max`` points and add ``tau_max``; each drawn point ``t`` then brings its
own lags ``t-1..t-tau_max`` from the original series, and no lag spans the join
between two blocks.

References
----------
Künsch, H. R. (1989). The jackknife and the bootstrap for general stationary
observations. *Annals of Statistics* 17, 1217-1241.
Politis, D. N. & Romano, J. P. (1994). The stationary bootstrap. *JASA* 89, 1303-1313.
Hall, P., Horowitz, J. L. & Jing, B.-Y. (1995). On blocking rules for the bootstrap
with dependent data. *Biometrika* 82, 561-574.
Lahiri, S. N. (2003). *Resampling Methods for Dependent Data*. Springer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from ..exceptions import InvalidParameterError

__all__ = ["BLOCK_METHODS", "BlockMethod", "block_bootstrap_indices", "block_bootstrap_draw", "default_block_length"]

BlockMethod = Literal["moving", "stationary"]
#: The block bootstrap schemes.
BLOCK_METHODS: tuple[str, ...] = ("moving", "stationary")


def default_block_length(n: int) -> int:
    """The default block length ``max(1, round(n ** (1/3)))`` for a series of ``n`` points.

    Examples
    --------
    >>> default_block_length(1000), default_block_length(5)
    (10, 2)
    """
    return max(1, int(round(_check_n(n) ** (1.0 / 3.0))))


def block_bootstrap_draw(
    n: int,
    seed: int | np.random.Generator,
    *,
    method: BlockMethod = "moving",
    block_length: int | None = None,
) -> np.ndarray:
    """One block-bootstrap resample of the time points ``0..n-1``.

    Parameters
    ----------
    n:
        The number of time points (>= 1).
    seed:
        This draw's seed (from :func:`causalscope.parallel.task_seeds`) or a generator.
    method:
        ``"moving"`` (fixed-length blocks, Künsch 1989) or ``"stationary"``
        (geometric lengths, circular, Politis & Romano 1994).
    block_length:
        The block length ``b`` (the mean length for ``"stationary"``), ``1..n``;
        default :func:`default_block_length`.

    Returns
    -------
    numpy.ndarray
        ``int64`` array of ``n`` positions in ``0..n-1``.

    Raises
    ------
    InvalidParameterError
        For ``n < 1``, an unknown method or a block length outside ``1..n``.

    Examples
    --------
    >>> idx = block_bootstrap_draw(12, 0, block_length=4)
    >>> idx.shape, bool(np.all(np.diff(idx[:4]) == 1))
    ((12,), True)
    """
    n = _check_n(n)
    if method not in BLOCK_METHODS:
        raise InvalidParameterError(f"method must be 'moving' or 'stationary'; got {method!r}")
    b = default_block_length(n) if block_length is None else block_length
    if isinstance(b, (bool, np.bool_)) or not isinstance(b, (int, np.integer)) or not 1 <= b <= n:
        raise InvalidParameterError(f"block_length must be an integer in 1..{n}; got {block_length!r}")
    b = int(b)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if method == "moving":
        n_blocks = -(-n // b)
        starts = rng.integers(0, n - b + 1, size=n_blocks)
        return np.asarray((starts[:, None] + np.arange(b)[None, :]).ravel()[:n], dtype=np.int64)
    # stationary: a new block at t = 0 and wherever a Bernoulli(1/b) fires
    new = rng.random(n) < 1.0 / b
    new[0] = True
    starts = rng.integers(0, n, size=n)
    t = np.arange(n)
    first = np.maximum.accumulate(np.where(new, t, 0))  # the step at which the current block began
    return np.asarray((starts[first] + (t - first)) % n, dtype=np.int64)


def block_bootstrap_indices(
    n: int,
    seeds: Sequence[int],
    *,
    method: BlockMethod = "moving",
    block_length: int | None = None,
) -> np.ndarray:
    """Block-bootstrap resamples of ``0..n-1``, one row per seed.

    Row ``i`` is :func:`block_bootstrap_draw` ``(n, seeds[i], ...)``, so a row
    depends on its seed only (not on the other seeds or on how the draws are
    split across workers).

    Returns
    -------
    numpy.ndarray
        ``int64`` array of shape ``(len(seeds), n)``.

    Examples
    --------
    >>> block_bootstrap_indices(10, [1, 2, 3], method="stationary", block_length=3).shape
    (3, 10)
    """
    n = _check_n(n)
    out = np.empty((len(seeds), n), dtype=np.int64)
    for i, seed in enumerate(seeds):
        out[i] = block_bootstrap_draw(n, seed, method=method, block_length=block_length)
    return out


def _check_n(n: int) -> int:
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InvalidParameterError(f"n must be an integer >= 1 (the number of time points); got {n!r}")
    return int(n)
