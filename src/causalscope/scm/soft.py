"""Soft interventions on an :class:`~causalscope.scm.SCM`: a node becomes a function of its natural value.

``scm.intervene({"X": shift(1.0)})`` replaces the mechanism of ``X`` by
``f(natural X)``, where the natural value is what the old mechanism would have
produced. :class:`Shift` (made by :func:`shift`) is the usual one; any function
of an array works. :class:`SoftApply` applies the function (through the labels
of a categorical node), :class:`SoftIntervened` is the mechanism it gives.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..exceptions import DataError, InvalidParameterError
from ..utils import RandomState
from .labels import decode_labels, encode_labels

__all__ = ["Shift", "SoftApply", "SoftIntervened", "shift"]


@dataclass(frozen=True)
class Shift:
    """Soft intervention ``X := X_natural + delta`` (picklable).

    Examples
    --------
    >>> import numpy as np
    >>> shift(1.5)(np.array([0.0, 1.0])).tolist()
    [1.5, 2.5]
    """

    delta: float

    def __call__(self, natural: np.ndarray) -> np.ndarray:
        return np.asarray(natural, dtype=np.float64) + self.delta

    def __str__(self) -> str:
        return f"shift({self.delta:+g})"


def shift(delta: float) -> Shift:
    """The soft intervention that adds ``delta`` to a node's natural value.

    Use it as ``scm.intervene({"X": shift(1.0)})``.

    Examples
    --------
    >>> shift(-2)
    Shift(delta=-2.0)
    """
    d = float(delta)
    if not math.isfinite(d):
        raise InvalidParameterError(f"shift delta must be finite; got {delta!r}")
    return Shift(d)


class SoftApply:
    """Applies a soft intervention's function to natural values (codes <-> labels for categorical nodes)."""

    def __init__(self, node: str, fn: Callable[[Any], Any], labels: tuple[Any, ...] | None) -> None:
        self.node = node
        self.fn = fn
        self.labels = labels

    def __call__(self, natural: np.ndarray) -> np.ndarray:
        if self.labels is not None:
            new = self.fn(decode_labels(natural, self.labels))
            return encode_labels(new, self.labels, f"soft intervention on {self.node!r}")
        new = np.asarray(self.fn(natural), dtype=np.float64).reshape(-1)
        if new.shape != natural.shape or not np.isfinite(new).all():
            raise DataError(
                f"soft intervention on {self.node!r} must return {natural.shape[0]} finite values; "
                f"got shape {new.shape}"
            )
        return new


class SoftIntervened:
    """Mechanism of a softly intervened node: ``f(natural value)``."""

    def __init__(self, base: Any, apply: Callable[[np.ndarray], np.ndarray], text: str) -> None:
        self.base = base
        self.apply = apply
        self.text = text
        self.output = base.output

    @property
    def is_fitted(self) -> bool:
        return True

    def fit(self, parents: np.ndarray, child: np.ndarray, *, random_state: RandomState = None) -> SoftIntervened:
        return self

    def sample(self, parents: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return self.apply(self.base.sample(parents, rng))

    def __repr__(self) -> str:
        return f"{self.text} of {self.base!r}"
