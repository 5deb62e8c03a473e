"""Decomposable local scores for score-based discovery (BIC, BDeu, BGe).

See :mod:`causalscope.scores.base` for the protocol: every score is built once
for a data set and answers ``local_score(node, parents)`` (higher is better),
``local_scores(node, parent_sets)`` (batched), ``score_graph(dag)`` and
``subset_table(node, candidates, max_size)``.
"""

from __future__ import annotations

__all__: list[str] = []

from .base import SCORES, BaseScore, LocalScore, make_score, register_score

__all__ += ["SCORES", "BaseScore", "LocalScore", "make_score", "register_score"]

from .gaussian import BGe, GaussianBIC

__all__ += ["GaussianBIC", "BGe"]

from .discrete import BDeu

__all__ += ["BDeu"]
