"""Typed exceptions raised by causalscope.

Every error the library raises on purpose derives from :class:`CausalScopeError`,
so callers can catch one base class. Messages name the parameter, column or edge
involved, what was expected and what was given.
"""

from __future__ import annotations

__all__ = [
    "CausalScopeError",
    "DataError",
    "GraphError",
    "InvalidParameterError",
    "NotIdentifiableError",
    "MissingDependencyError",
    "CausalScopeWarning",
    "AssumptionWarning",
]


class CausalScopeError(Exception):
    """Base class of every error raised by causalscope."""


class DataError(CausalScopeError, ValueError):
    """The data given cannot be used as it is (empty, non-numeric, constant, ...)."""


class GraphError(CausalScopeError, ValueError):
    """A graph is malformed (a cycle, an unknown node, a mark its type forbids, ...)."""


class InvalidParameterError(CausalScopeError, ValueError):
    """A parameter has a value outside what the function accepts."""


class NotIdentifiableError(CausalScopeError):
    """A causal query cannot be computed from the observed distribution.

    Parameters
    ----------
    message:
        What is not identifiable and why.
    witness:
        Optional object that witnesses the failure (for the ID algorithm, a hedge).
    """

    def __init__(self, message: str, witness: object | None = None) -> None:
        super().__init__(message)
        self.witness = witness


class MissingDependencyError(CausalScopeError, ImportError):
    """An optional dependency needed for this feature is not installed."""

    def __init__(self, package: str, extra: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the optional package {package!r}; "
            f"install it with: pip install 'causalscope[{extra}]'"
        )
        self.package = package
        self.extra = extra


class CausalScopeWarning(UserWarning):
    """Base class of every warning issued by causalscope."""


class AssumptionWarning(CausalScopeWarning):
    """A result rests on an assumption the caller did not state (for example, no confounding).

    The message names the assumption and how to state it, or how to avoid it.
    """
