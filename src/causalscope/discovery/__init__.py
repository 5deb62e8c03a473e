"""Causal discovery: learn a causal graph from data.

One module per algorithm family (constraint-based PC/FCI/CD-NOD, score-based GES
and exact search, functional LiNGAM); ``knowledge`` holds background knowledge
honoured by every algorithm. Every algorithm is an estimator (``PC(...).fit(data)``)
and a function (``pc(data, ...)``), registered in :data:`DISCOVERY_ALGORITHMS`.
"""

from __future__ import annotations

__all__: list[str] = []
