"""Decomposable local scores for score-based discovery (BIC, BDeu, BGe).

See :mod:`causalscope.scores.base` for the protocol: every score is built once
for a data set and answers ``local_score(node, parents)`` (higher is better),
``local_scores(node, parent_sets)`` (batched), ``score_graph(dag)`` and
``subset_table(node, candidates, max_size)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

if TYPE_CHECKING:  # the public names, one list: imported from their submodule on first use (PEP 562)
    from .base import SCORES, BaseScore, LocalScore, make_score, register_score
    from .gaussian import BGe, GaussianBIC
    from .discrete import BDeu

__all__, __getattr__, __dir__ = lazy_exports(__name__, registries=["SCORES", "make_score"])

