"""Turn the ``data`` argument of a CI test into plain arrays.

A CI test accepts a :class:`causalscope.data.Dataset`, used as it is (it was
validated when it was built), or a :class:`pandas.DataFrame` (converted with
``Dataset.from_frame(frame, missing="keep")``). Inside, a test
only needs the column names, a float64 matrix (categories integer-coded
``0..k-1``, ``NaN`` for a missing value) and the kind of each column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..exceptions import DataError, InvalidParameterError

__all__ = ["Table", "as_table"]

_DISCRETE_KINDS = frozenset({"discrete", "binary", "ordinal"})


@dataclass(frozen=True)
class Table:
    """Column names, values and kinds of a data set (internal)."""

    names: tuple[str, ...]
    values: np.ndarray
    kinds: tuple[str, ...]

    @property
    def n_samples(self) -> int:
        return int(self.values.shape[0])

    def is_discrete(self, j: int) -> bool:
        return self.kinds[j] in _DISCRETE_KINDS


def _kind_name(kind: object) -> str:
    name = getattr(kind, "value", None)
    if not isinstance(name, str):
        name = getattr(kind, "name", kind)
    return str(name).lower()


def as_table(data: object) -> Table:
    """Return the :class:`Table` behind ``data`` (a Dataset or a pandas DataFrame).

    Raises
    ------
    InvalidParameterError
        If ``data`` is neither a Dataset nor a DataFrame.
    DataError
        If the data set has no rows or fewer than two columns.
    """
    import pandas as pd

    from ..data import Dataset

    if isinstance(data, pd.DataFrame):
        data = Dataset.from_frame(data, missing="keep")
    if not isinstance(data, Dataset):
        raise InvalidParameterError(
            "data must be a causalscope.data.Dataset or a pandas DataFrame; "
            f"got {type(data).__name__}"
        )
    # a Dataset is used as it is: validated once when it was built, never again here
    names = tuple(str(v) for v in data.variables)
    kinds = tuple(_kind_name(data.kinds[v]) for v in data.variables)
    table = Table(names, np.asarray(data.values, dtype=np.float64), kinds)
    if table.values.ndim != 2 or table.values.shape[0] == 0:
        raise DataError(f"data must have at least one row; got shape {table.values.shape}")
    if table.values.shape[1] < 2:
        raise DataError(
            f"a CI test needs at least two variables; got {table.values.shape[1]}"
        )
    return table
