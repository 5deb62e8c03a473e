"""Tests of causalscope.data.resample: moving-block and stationary bootstrap indices.

References: the definitions of Künsch (1989) (contiguous blocks of length b) and
Politis & Romano (1994) (geometric block lengths with mean b, circular); the
statistical check compares the lag-1 autocorrelation of resampled AR(1) series
(true value phi = 0.7) under block and row resampling, fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pytest

from causalscope.data.resample import block_bootstrap_draw, block_bootstrap_indices, default_block_length
from causalscope.exceptions import InvalidParameterError
from causalscope.parallel import task_seeds


def _runs(idx: np.ndarray, n: int, circular: bool) -> list[int]:
    """Lengths of the maximal runs of consecutive positions (wrapping at n when circular)."""
    step = np.diff(idx)
    cont = (step == 1) | (circular & (step == 1 - n))
    cuts = np.flatnonzero(~cont) + 1
    return [len(r) for r in np.split(idx, cuts)]


def test_default_block_length_rule() -> None:
    """b = round(n^(1/3)), at least 1."""
    assert [default_block_length(n) for n in (1, 7, 8, 100, 1000, 10**6)] == [1, 2, 2, 5, 10, 100]


def test_moving_blocks_are_contiguous_and_in_range() -> None:
    """Every block of a moving-block draw is b consecutive positions inside 0..n-1 (the last one cut)."""
    n, b = 103, 10
    idx = block_bootstrap_draw(n, 5, method="moving", block_length=b)
    assert idx.shape == (n,) and idx.dtype == np.int64 and idx.min() >= 0 and idx.max() < n
    blocks = idx[: (n // b) * b].reshape(-1, b)
    assert np.all(np.diff(blocks, axis=1) == 1)
    assert np.all(np.diff(idx[(n // b) * b :]) == 1)


def test_stationary_block_lengths_are_geometric_with_mean_b() -> None:
    """Stationary draws wrap around; their run lengths average about b (geometric, mean b)."""
    n, b = 2000, 8
    lengths: list[int] = []
    for seed in task_seeds(11, 20):
        idx = block_bootstrap_draw(n, seed, method="stationary", block_length=b)
        assert idx.min() >= 0 and idx.max() < n
        lengths += _runs(idx, n, circular=True)[:-1]  # the last run is cut at n
    # two adjacent blocks can continue each other by chance (prob. 1/n): runs ~ blocks
    assert np.mean(lengths) == pytest.approx(b, rel=0.1)


def test_same_seed_same_draw_and_rows_independent_of_the_batch() -> None:
    """A draw depends on its own seed only: same seed -> same indices; row i of a batch = draw(seeds[i])."""
    seeds = task_seeds(3, 6)
    batch = block_bootstrap_indices(50, seeds, method="stationary")
    np.testing.assert_array_equal(batch, block_bootstrap_indices(50, seeds, method="stationary"))
    np.testing.assert_array_equal(batch[4], block_bootstrap_draw(50, seeds[4], method="stationary"))
    np.testing.assert_array_equal(block_bootstrap_indices(50, seeds[3:])[0], block_bootstrap_indices(50, seeds)[3])
    assert len({tuple(row) for row in batch}) == 6


def test_block_bootstrap_keeps_ar1_autocorrelation_better_than_rows() -> None:
    """AR(1), phi = 0.7, T = 500: block resamples keep the lag-1 autocorrelation (near 0.7 * (1 - 1/b)),
    row resampling loses it (near 0)."""
    rng = np.random.default_rng(0)
    n, phi = 500, 0.7
    x = np.zeros(n)
    e = rng.normal(size=n)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + e[t]

    def lag1(s: np.ndarray) -> float:
        s = s - s.mean()
        return float(s[1:] @ s[:-1] / (s @ s))

    seeds = task_seeds(1, 100)
    original = lag1(x)
    rows = np.mean([lag1(x[np.random.default_rng(s).integers(0, n, n)]) for s in seeds])
    for method in ("moving", "stationary"):
        idx = block_bootstrap_indices(n, seeds, method=method)  # type: ignore[arg-type]
        kept = np.mean([lag1(x[i]) for i in idx])
        assert abs(kept - original) < 0.15 < abs(rows - original)
        assert abs(kept - original) < abs(rows - original) / 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "n must be an integer >= 1"),
        ({"n": 10, "block_length": 11}, r"block_length must be an integer in 1\.\.10"),
        ({"n": 10, "block_length": 0}, "block_length must be"),
        ({"n": 10, "method": "circular"}, "method must be 'moving' or 'stationary'"),
    ],
)
def test_bad_parameters(kwargs: dict[str, object], message: str) -> None:
    """Invalid n, block length or method raise InvalidParameterError naming the parameter."""
    n = kwargs.pop("n")
    with pytest.raises(InvalidParameterError, match=message):
        block_bootstrap_draw(n, 0, **kwargs)  # type: ignore[arg-type]
