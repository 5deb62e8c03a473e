"""Structural causal models and discrete causal Bayesian networks.

Mechanisms, fitting to a graph, sampling, ``do()`` and soft interventions,
counterfactuals; discrete networks with CPTs, BIF input/output and exact
inference; the small query language ``P(Y=y | X=x, do(Z=z))``.
"""

from __future__ import annotations

__all__: list[str] = []
