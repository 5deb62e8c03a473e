"""Decomposable local scores for score-based discovery (BIC, BDeu, BGe).

See :mod:`causalscope.scores.base` for the protocol: every score is built once
for a data set and answers ``local_score(node, parents)`` (higher is better),
``local_scores(node, parent_sets)`` (batched), ``score_graph(dag)`` and
``subset_table(node, candidates, max_size)``.
"""

from __future__ import annotations

from ..utils import lazy_exports

# Public names, imported from their submodule on first use (PEP 562): importing the package is cheap.
__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".base": ["SCORES", "BaseScore", "LocalScore", "make_score", "register_score"],
        ".gaussian": ["BGe", "GaussianBIC"],
        ".discrete": ["BDeu"],
    },
    registries=["SCORES", "make_score"],
)
