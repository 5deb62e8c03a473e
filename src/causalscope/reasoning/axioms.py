"""Transitivity demonstrations for axiomatic training of causal reasoning.

Vashishtha et al. (2024) teach small transformers the transitivity axiom of
causation from symbolic demonstrations: a premise lists causal statements
("A causes B. B causes C.") and the hypothesis asks "Does A cause C?"; the answer
is yes exactly when the premise's graph has a directed path. Generalisation is
probed with longer chains, reversed or shuffled statement order, flipped edges
and branching graphs. This module writes such data; the answers come from the
stated graph's reachability, so they are correct by construction.

References
----------
Vashishtha, A., Kumar, A., Reddy, A. G., et al. (2024). Teaching transformers
causal reasoning through axiomatic training. arXiv:2407.07612.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..exceptions import InvalidParameterError
from ..graphs import DAG
from ..utils import check_random_state

__all__ = ["AxiomItem", "transitivity_items", "AxiomVariant"]

AxiomVariant = Literal["chain", "reversed", "shuffled", "flipped", "branching"]
_VARIANTS = ("chain", "reversed", "shuffled", "flipped", "branching")


@dataclass(frozen=True)
class AxiomItem:
    """One demonstration: premise statements, a hypothesis ``(cause, effect)`` and the answer."""

    id: str
    premise: tuple[tuple[str, str], ...]
    cause: str
    effect: str
    answer: str
    variant: str
    length: int

    @property
    def question(self) -> str:
        """The text: ``"A causes B. B causes C. Does A cause C?"``."""
        return " ".join(f"{a} causes {b}." for a, b in self.premise) + f" Does {self.cause} cause {self.effect}?"

    def to_dict(self) -> dict[str, Any]:
        """An ``ITEMS.jsonl``-compatible dict (rung 2, query type ``transitivity``)."""
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "rung": 2,
            "query_type": "transitivity",
            "graph": {"nodes": sorted({v for e in self.premise for v in e}), "edges": [f"{a} --> {b}" for a, b in self.premise]},
            "formal_query": f"{self.cause} in ancestors({self.effect})",
            "ground_truth": 1.0 if self.answer == "yes" else 0.0,
            "family": f"axiom_{self.variant}",
            "meta": {"length": self.length, "variant": self.variant},
        }


def _names(n: int, rng: np.random.Generator) -> list[str]:
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    pool = letters + [a + b for a in letters for b in "0123456789"]
    idx = rng.choice(len(pool), size=n, replace=False)
    return [pool[i] for i in idx]


def transitivity_items(
    n: int,
    *,
    lengths: tuple[int, int] = (3, 6),
    variants: tuple[str, ...] = _VARIANTS,
    random_state: int | np.random.Generator | None = None,
) -> list[AxiomItem]:
    """Transitivity demonstrations with balanced yes/no answers.

    Parameters
    ----------
    n : int
        Number of items.
    lengths : (int, int)
        Inclusive range of the number of nodes on the chain.
    variants : tuple of str
        ``chain`` (statements in order), ``reversed``, ``shuffled``, ``flipped``
        (one edge reversed), ``branching`` (a random tree of statements).
    random_state : int, Generator or None
        Seed.

    Examples
    --------
    >>> it = transitivity_items(1, lengths=(3, 3), variants=("chain",), random_state=0)[0]
    >>> len(it.premise), it.answer in ("yes", "no")
    (2, True)
    """
    if not isinstance(n, int) or n < 1:
        raise InvalidParameterError(f"n must be a positive int; got {n!r}")
    lo, hi = lengths
    if not (2 <= lo <= hi <= 200):
        raise InvalidParameterError(f"lengths must be (lo, hi) with 2 <= lo <= hi <= 200; got {lengths!r}")
    bad = [v for v in variants if v not in _VARIANTS]
    if bad or not variants:
        raise InvalidParameterError(f"variants must be a non-empty subset of {_VARIANTS}; got {variants!r}")
    rng = check_random_state(random_state)
    out: list[AxiomItem] = []
    for i in range(n):
        variant = variants[i % len(variants)]
        k = int(rng.integers(lo, hi + 1))
        names = _names(k, rng)
        if variant == "branching":
            edges = [(names[int(rng.integers(0, j))], names[j]) for j in range(1, k)]
        else:
            edges = [(names[j], names[j + 1]) for j in range(k - 1)]
            if variant == "flipped":
                f = int(rng.integers(len(edges)))
                edges[f] = (edges[f][1], edges[f][0])
        dag = DAG(names, edges)
        want_yes = i % 2 == 0
        pairs = [(a, b) for a in names for b in names if a != b and (a in dag.ancestors([b])) == want_yes]
        if not pairs:
            pairs = [(a, b) for a in names for b in names if a != b]
        a, b = pairs[int(rng.integers(len(pairs)))]
        premise = list(edges)
        if variant == "reversed":
            premise = premise[::-1]
        elif variant in ("shuffled", "branching"):
            premise = [premise[j] for j in rng.permutation(len(premise))]
        ans = "yes" if a in dag.ancestors([b]) else "no"
        out.append(AxiomItem(f"axiom-{i:05d}", tuple(premise), a, b, ans, variant, k))
    return out
