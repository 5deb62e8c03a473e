"""causalscope: causal discovery, reasoning and effect estimation, offline and verified."""

from ._version import __version__
from .exceptions import (
    CausalScopeError,
    DataError,
    GraphError,
    InvalidParameterError,
    MissingDependencyError,
    NotIdentifiableError,
)

__all__ = [
    "__version__",
    "CausalScopeError",
    "DataError",
    "GraphError",
    "InvalidParameterError",
    "MissingDependencyError",
    "NotIdentifiableError",
]
