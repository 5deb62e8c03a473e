"""Random discrete causal models with latent variables: the ground-truth oracle.

A model is a DAG over observed and latent nodes with random conditional probability
tables (numpy). Its full joint is the product of the CPTs; ``do(X = x)`` is the
truncated factorisation (the CPTs of ``X`` replaced by point masses), computed by
brute force over all joint states. Identification results are checked against these
interventional distributions after the latent nodes are summed out.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from causalscope.graphs import DAG
from causalscope.identification import ProbabilityTable


class LatentModel:
    def __init__(self, dag: DAG, latent: set[str] | frozenset[str], rng: np.random.Generator, card: int = 2,
                 cards: Mapping[str, int] | None = None) -> None:
        self.dag = dag
        self.latent = frozenset(latent)
        self.nodes = tuple(dag.topological_order())
        self.card = {v: (cards or {}).get(v, card) for v in self.nodes}
        self.cpts: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
        for v in self.nodes:
            pa = tuple(sorted(dag.parents(v), key=self.nodes.index))
            shape = [self.card[p] for p in pa] + [self.card[v]]
            # strictly positive CPTs keep every conditional well defined
            t = rng.dirichlet(np.ones(self.card[v]) * 0.8, size=int(np.prod(shape[:-1]))).reshape(shape)
            t = 0.02 + 0.96 * t
            t = t / t.sum(axis=-1, keepdims=True)
            self.cpts[v] = (pa, t)
        self.observed = tuple(v for v in self.nodes if v not in self.latent)

    def _joint(self, do: Mapping[str, int] | None = None) -> np.ndarray:
        do = dict(do or {})
        operands: list[object] = []
        for v in self.nodes:
            pa, t = self.cpts[v]
            if v in do:
                point = np.zeros(self.card[v])
                point[do[v]] = 1.0
                operands += [point, [self.nodes.index(v)]]
            else:
                operands += [t, [self.nodes.index(p) for p in pa] + [self.nodes.index(v)]]
        return np.einsum(*operands, list(range(len(self.nodes))))

    def table(self, do: Mapping[str, int] | None = None) -> ProbabilityTable:
        """The distribution of the observed nodes (latents summed out), optionally under do()."""
        j = self._joint(do)
        lat_axes = tuple(i for i, v in enumerate(self.nodes) if v in self.latent)
        obs = j.sum(axis=lat_axes) if lat_axes else j
        return ProbabilityTable(self.observed, {v: tuple(range(self.card[v])) for v in self.observed}, obs)

    def truth(self, outcome: Mapping[str, int], do: Mapping[str, int], given: Mapping[str, int] | None = None) -> float:
        t = self.table(do)
        num = t.probability({**outcome, **(given or {})})
        den = t.probability(dict(given or {})) if given else 1.0
        return num / den


def random_latent_dag(rng: np.random.Generator, n_obs: int, n_lat: int, p_dir: float, p_conf: float) -> tuple[DAG, set[str]]:
    """Observed V0..V{n-1} in causal order; each latent Uk is a parent of two observed nodes."""
    obs = [f"V{i}" for i in range(n_obs)]
    edges = [(obs[i], obs[j]) for i in range(n_obs) for j in range(i + 1, n_obs) if rng.random() < p_dir]
    lat = []
    k = 0
    for i in range(n_obs):
        for j in range(i + 1, n_obs):
            if rng.random() < p_conf and k < n_lat:
                u = f"U{k}"
                k += 1
                lat.append(u)
                edges += [(u, obs[i]), (u, obs[j])]
    return DAG(obs + lat, edges), set(lat)


def all_assignments(names: list[str], card: Mapping[str, int]) -> list[dict[str, int]]:
    out: list[dict[str, int]] = [{}]
    for n in names:
        out = [{**a, n: s} for a in out for s in range(card[n])]
    return out
