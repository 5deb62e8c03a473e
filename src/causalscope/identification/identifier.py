"""The estimator form of :func:`~causalscope.identification.identify`.

``EffectIdentifier(method="auto").fit(graph, treatment="X", outcome="Y")`` follows
the package's estimator convention (keyword-only options stored as given,
validation in ``fit``, fitted attributes ending in ``_``); the plain function
:func:`~causalscope.identification.identify` does the same work in one call.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import InvalidParameterError
from ..graphs import MixedGraph
from ._common import NodeSet
from .equivalence_class import Identification, IdentifyMethod, identify
from .estimand import Estimand

__all__ = ["EffectIdentifier"]

_METHODS = ("auto", "adjustment", "backdoor", "frontdoor", "id")


class EffectIdentifier:
    """Identify ``P(outcome | do(treatment)[, given])`` from a causal graph.

    Parameters
    ----------
    method:
        ``"auto"``, ``"adjustment"``, ``"backdoor"``, ``"frontdoor"`` or ``"id"``
        (see :func:`~causalscope.identification.identify`).

    Attributes
    ----------
    result_:
        The :class:`~causalscope.identification.Identification`.
    estimand_:
        Its estimand.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> ident = EffectIdentifier().fit(parse_graph("Z --> X; Z --> Y; X --> Y"), treatment="X", outcome="Y")
    >>> print(ident.estimand_)
    Σ_{Z} P(Y | X, Z) P(Z)
    """

    def __init__(self, *, method: IdentifyMethod = "auto") -> None:
        self.method = method

    def get_params(self) -> dict[str, Any]:
        """The options, as given."""
        return {"method": self.method}

    def fit(
        self, graph: MixedGraph, *, treatment: NodeSet, outcome: NodeSet, given: NodeSet | None = None
    ) -> EffectIdentifier:
        """Identify the effect; raises ``NotIdentifiableError`` when it is not identifiable."""
        if self.method not in _METHODS:
            raise InvalidParameterError(f"method must be one of {list(_METHODS)}; got {self.method!r}")
        self.result_: Identification = identify(graph, treatment, outcome, given, method=self.method)
        self.estimand_: Estimand = self.result_.estimand
        return self

    def __repr__(self) -> str:
        return f"EffectIdentifier(method={self.method!r})"
