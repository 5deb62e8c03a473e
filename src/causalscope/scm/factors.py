"""Factors of discrete distributions: the algebra exact inference is built from.

A *factor* is a pair ``(scope, array)``: the variables, one per axis, and the
non-negative numbers over their joint states. :func:`factor_product` multiplies
factors and sums out the variables not kept (one ``numpy.einsum``); it is what
variable elimination (:mod:`causalscope.scm.inference`) and the joint table of a
network (:meth:`DiscreteBN.joint <causalscope.scm.bayesnet.DiscreteBN.joint>`)
share. :func:`is_hard_value` tells a hard intervention value (one state) from a
soft one (a distribution).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..exceptions import InvalidParameterError

__all__ = ["Factor", "MAX_FACTOR_CELLS", "factor_product", "is_hard_value"]

#: Largest intermediate factor (number of cells) variable elimination will build.
MAX_FACTOR_CELLS = 50_000_000

#: A factor: its variables (one per axis) and its array.
Factor = tuple[tuple[str, ...], np.ndarray]


def factor_product(factors: Sequence[Factor], keep: Sequence[str], cards: Mapping[str, int]) -> np.ndarray:
    """Multiply factors and sum out every variable not in ``keep``; axes follow ``keep``."""
    labels: dict[str, int] = {}
    for scope, _ in factors:
        for v in scope:
            labels.setdefault(v, len(labels))
    for v in keep:
        labels.setdefault(v, len(labels))
    cells = float(np.prod([cards[v] for v in labels], dtype=float))
    if cells > MAX_FACTOR_CELLS:
        raise InvalidParameterError(
            f"exact inference would build a factor over {len(labels)} variables with {cells:.3g} cells "
            f"(more than {MAX_FACTOR_CELLS}); the query is too large for variable elimination"
        )
    if len(labels) > 52:
        raise InvalidParameterError(f"a factor over {len(labels)} variables is beyond variable elimination here (at most 52)")
    missing = [v for v in keep if not any(v in s for s, _ in factors)]
    if missing:  # einsum cannot create an axis no operand has; never happens by construction
        raise InvalidParameterError(f"no factor mentions {missing}")
    args: list[Any] = []
    for scope, arr in factors:
        args.extend([arr, [labels[v] for v in scope]])
    if not factors:
        return np.ones(())
    return np.asarray(np.einsum(*args, [labels[v] for v in keep]), dtype=float)


def is_hard_value(value: Any) -> bool:
    """A hard intervention value is a single state (a name or a number), not a distribution."""
    return isinstance(value, (str, int, float, np.integer, np.floating))
