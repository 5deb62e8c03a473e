"""Every parallel loop gives the same answer for 1 and 2 workers (and accepts an Executor).

The 2-worker runs reuse loky's warm pool of two workers (one pool start for the module).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from causalscope.datasets import simulate
from causalscope.discovery import learn_skeleton
from causalscope.discovery.base import resolve_ci_test
from causalscope.estimation import bootstrap
from causalscope.parallel import ProcessExecutor, SerialExecutor
from causalscope.pipeline.stability import bootstrap_edges, stability_selection


class Counting(ProcessExecutor):
    """Two local workers that count the maps that reached them."""

    def __init__(self) -> None:
        super().__init__(2)
        self.maps = 0

    def map(self, fn: Callable[..., Any], tasks: Sequence[Any], **kw: Any) -> list[Any]:
        self.maps += 1
        return super().map(fn, tasks, **kw)


@pytest.fixture(scope="module")
def small() -> Any:
    return simulate(5, 300, random_state=1).data


def test_skeleton_same_graph_sepsets_and_pvalues() -> None:
    """p = 34 gives 561 distinct level-0 queries: the batch is split over the workers."""
    data = simulate(34, 150, expected_degree=2, random_state=3).data
    one = learn_skeleton(resolve_ci_test("fisherz", data)[0], alpha=0.05, n_jobs=1)
    ex = Counting()
    two = learn_skeleton(resolve_ci_test("fisherz", data)[0], alpha=0.05, n_jobs=ex)
    assert ex.maps >= 1  # the parallel path ran
    assert np.array_equal(one.adjacency, two.adjacency)
    assert one.sepsets == two.sepsets and one.sepset_members == two.sepset_members
    assert one.pvalues == two.pvalues and one.n_tests == two.n_tests


def test_stability_edge_frequencies(small: Any) -> None:
    a = bootstrap_edges(small, "pc", n_bootstrap=5, random_state=4, n_jobs=1)
    b = bootstrap_edges(small, "pc", n_bootstrap=5, random_state=4, n_jobs=2)
    assert np.array_equal(a.marks, b.marks) and a.pairs() == b.pairs()
    s1 = stability_selection(small, "pc", {"alpha": [0.01, 0.1]}, n_subsamples=2, random_state=0, n_jobs=1)
    s2 = stability_selection(small, "pc", {"alpha": [0.01, 0.1]}, n_subsamples=2, random_state=0, n_jobs=2)
    assert np.array_equal(s1.probabilities, s2.probabilities) and s1.q == s2.q


def test_bootstrap_intervals() -> None:
    y = np.random.default_rng(0).normal(size=200)
    t = np.arange(200) % 2
    one = bootstrap(lambda i: float(y[i].mean()), 200, n_bootstrap=24, strata=t, random_state=3, n_jobs=1)
    two = bootstrap(lambda i: float(y[i].mean()), 200, n_bootstrap=24, strata=t, random_state=3, n_jobs=2)
    assert one[:3] == two[:3]
    np.testing.assert_array_equal(one[3], two[3])


def test_an_executor_passed_as_n_jobs_is_used_and_left_open(small: Any) -> None:
    class Mine(SerialExecutor):
        maps = 0
        closed = 0

        def map(self, fn: Callable[..., Any], tasks: Sequence[Any], **kw: Any) -> list[Any]:
            self.maps += 1
            return super().map(fn, tasks, **kw)

        def close(self) -> None:
            self.closed += 1

    mine = Mine()
    y = np.arange(50.0)
    ref = bootstrap(lambda i: float(y[i].mean()), 50, n_bootstrap=5, random_state=0)
    assert bootstrap(lambda i: float(y[i].mean()), 50, n_bootstrap=5, random_state=0, n_jobs=mine)[:3] == ref[:3]
    conf = bootstrap_edges(small, "pc", n_bootstrap=2, random_state=1, n_jobs=mine)
    assert conf.n_replicates == 2 and mine.maps == 2 and mine.closed == 0
