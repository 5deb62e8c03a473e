"""Turn the ``data`` argument of a CI test into plain arrays.

A CI test accepts a :class:`causalscope.data.Dataset` or a :class:`pandas.DataFrame`
(converted with ``Dataset.from_frame(frame, missing="keep")``). Inside, a test
only needs the column names, a float64 matrix (categories integer-coded
``0..k-1``, ``NaN`` for a missing value) and the kind of each column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


def _from_frame_fallback(frame: Any) -> Table:  # pragma: no cover - used before data/ exists
    import pandas as pd

    names = tuple(str(c) for c in frame.columns)
    cols, kinds = [], []
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_float_dtype(s.dtype):
            cols.append(s.to_numpy(dtype=float))
            kinds.append("continuous")
        else:
            codes, _ = pd.factorize(s, sort=True)
            col = codes.astype(float)
            col[codes < 0] = np.nan
            cols.append(col)
            kinds.append("binary" if len(np.unique(codes[codes >= 0])) <= 2 else "discrete")
    values = np.column_stack(cols) if cols else np.empty((len(frame), 0))
    return Table(names, values, tuple(kinds))


def as_table(data: object) -> Table:
    """Return the :class:`Table` behind ``data`` (a Dataset or a pandas DataFrame).

    Raises
    ------
    InvalidParameterError
        If ``data`` is neither a Dataset nor a DataFrame.
    DataError
        If the data set has no rows or fewer than two columns.
    """
    try:
        from ..data import Dataset
    except ImportError:  # pragma: no cover - data layer not installed yet
        Dataset = None  # type: ignore[assignment,misc]
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        if Dataset is None:  # pragma: no cover
            table = _from_frame_fallback(data)
        else:
            data = Dataset.from_frame(data, missing="keep")
    if Dataset is not None and isinstance(data, Dataset):
        names = tuple(str(v) for v in data.variables)
        kinds = tuple(_kind_name(data.kinds[v]) for v in data.variables)
        table = Table(names, np.asarray(data.values, dtype=np.float64), kinds)
    elif not isinstance(data, pd.DataFrame):
        raise InvalidParameterError(
            "data must be a causalscope.data.Dataset or a pandas DataFrame; "
            f"got {type(data).__name__}"
        )
    if table.values.ndim != 2 or table.values.shape[0] == 0:
        raise DataError(f"data must have at least one row; got shape {table.values.shape}")
    if table.values.shape[1] < 2:
        raise DataError(
            f"a CI test needs at least two variables; got {table.values.shape[1]}"
        )
    return table
