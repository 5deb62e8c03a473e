"""Shared fixtures of the report tests: a small real analysis, and a cheap large one (an 80-node graph put into a
small analysis with ``dataclasses.replace``, with edge frequencies from perturbed copies of its mark matrix)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from causalscope.datasets import simulate
from causalscope.pipeline import analyze
from causalscope.pipeline.stability import EdgeConfidence

LARGE_P = 80


def large_analysis(p: int = LARGE_P, seed: int = 0):
    """An Analysis whose graph is a random p-node DAG; everything the renderer reads about the graph agrees
    with it (variables, confidence over the same nodes); the profile and effects are those of a 5-variable run."""
    small = analyze(simulate(5, 300, noise="uniform", random_state=seed).data, n_bootstrap=3, random_state=0)
    dag = simulate(p, 50, random_state=seed).graph
    base = dag.mark_matrix()
    rng = np.random.default_rng(seed)
    reps = []
    for k in range(4):  # the true marks, then copies with about a fifth of the edges dropped
        m = base.copy()
        if k:
            iu, ju = np.nonzero(np.triu(m != 0))
            drop = rng.random(iu.size) < 0.2
            m[iu[drop], ju[drop]] = 0
            m[ju[drop], iu[drop]] = 0
        reps.append(m)
    conf = EdgeConfidence(nodes=tuple(dag.nodes), marks=np.stack(reps).astype(np.int8), graph_type="dag",
                          algorithm="lingam", resampling="subsample", sample_fraction=0.8)
    return dataclasses.replace(small, graph=dag, variables=tuple(dag.nodes), confidence=conf)


@pytest.fixture(scope="session")
def large():
    return large_analysis()
