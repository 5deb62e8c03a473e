"""Column kinds and missing-value policies of a :class:`~causalscope.data.Dataset`.

Every analysis column has one :class:`ColumnKind`. Continuous columns hold real
numbers; discrete, binary and ordinal columns are integer-coded ``0..k-1`` and
keep their original labels. The kind decides which independence tests and scores
apply to a column (Fisher z for continuous data, G-test for discrete data, a
mixed-type test when both occur).

:data:`MissingPolicy` names what to do with missing values: ``"error"`` (refuse
them), ``"drop_rows"`` (listwise deletion, recorded) or ``"keep"`` (keep them as
NaN with a mask, for test-wise deletion).
"""

from __future__ import annotations

import enum
from typing import Literal, get_args

from ..exceptions import InvalidParameterError

__all__ = ["ColumnKind", "MissingPolicy", "MISSING_POLICIES", "MAX_INFERRED_LEVELS"]

MissingPolicy = Literal["error", "drop_rows", "keep"]

#: The valid values of :data:`MissingPolicy`.
MISSING_POLICIES: tuple[str, ...] = get_args(MissingPolicy)

#: Integer-valued numeric columns with at most this many distinct values (and at
#: most ``max_categories``) are inferred to be DISCRETE.
MAX_INFERRED_LEVELS = 10


class ColumnKind(str, enum.Enum):
    """The measurement kind of an analysis column.

    ``CONTINUOUS``
        real-valued measurements.
    ``DISCRETE``
        categorical: unordered labels (non-numeric, or few integer levels).
    ``BINARY``
        exactly two distinct values, coded 0 and 1.
    ``ORDINAL``
        ordered levels; never inferred from numbers, only set by the caller (through
        ``kinds=`` or an ordered pandas ``Categorical``).
    """

    CONTINUOUS = "continuous"
    DISCRETE = "discrete"
    BINARY = "binary"
    ORDINAL = "ordinal"

    def __str__(self) -> str:
        return self.value

    @property
    def is_categorical(self) -> bool:
        """True for the integer-coded kinds (discrete, binary, ordinal)."""
        return self is not ColumnKind.CONTINUOUS

    @classmethod
    def parse(cls, value: ColumnKind | str, *, column: str | None = None) -> ColumnKind:
        """Return the kind named by ``value`` (case-insensitive string or member).

        Raises
        ------
        InvalidParameterError
            If ``value`` names no kind; the message lists the valid ones.
        """
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls(value.strip().lower())
            except ValueError:
                pass
        where = f" for column {column!r}" if column is not None else ""
        valid = ", ".join(repr(k.value) for k in cls)
        raise InvalidParameterError(f"invalid column kind{where}: {value!r}; valid kinds are {valid}")
