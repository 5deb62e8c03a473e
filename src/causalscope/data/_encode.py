"""Column conversion behind :class:`~causalscope.data.Dataset` (internal).

Each analysis column is turned, with vectorised pandas/numpy operations, into a
``float64`` vector (codes ``0..k-1`` for categorical kinds, NaN where missing),
its :class:`~causalscope.data.ColumnKind` and its labels; the time column into a
validated time index. The kind inference rule is documented in
:mod:`causalscope.data.dataset`.

The module is internal to :mod:`causalscope.data` (its name says so); the names in
``__all__`` are the ones the other modules of the layer use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from ..exceptions import DataError
from ..utils import get_logger
from .kinds import MAX_INFERRED_LEVELS, ColumnKind

__all__ = [
    "codes_from_labels",
    "column_names",
    "encode_column",
    "encode_time",
    "format_columns",
    "format_rows",
    "json_label",
    "object_numeric",
    "time_values",
]

logger = get_logger("causalscope.data.dataset")

_N_ROWS_SHOWN = 5


def format_rows(rows: np.ndarray) -> str:
    """'row 3' or 'rows 3, 17, 20, ... (12 in all)' for 0-based data-row positions."""
    rows = np.asarray(rows)
    shown = ", ".join(str(int(r)) for r in rows[:_N_ROWS_SHOWN])
    if rows.size == 1:
        return f"row {shown}"
    more = f", ... ({rows.size} in all)" if rows.size > _N_ROWS_SHOWN else ""
    return f"rows {shown}{more}"


def format_columns(columns: Iterable[str], limit: int = 30) -> str:
    cols = list(columns)
    text = ", ".join(repr(c) for c in cols[:limit])
    if len(cols) > limit:
        text += f", ... ({len(cols)} columns in all)"
    return text


def _py_scalar(value: Any) -> Any:
    """A numpy/pandas scalar as a plain Python value (integer-valued floats stay floats)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _clean_labels(labels: Sequence[Any]) -> tuple[Any, ...]:
    """Plain Python labels; floats that are all integers become ints (1.0 -> 1)."""
    out = [_py_scalar(v) for v in labels]
    if out and all(isinstance(v, float) and not isinstance(v, bool) for v in out):
        if all(float(v).is_integer() for v in out):
            out = [int(v) for v in out]
    return tuple(out)


def json_label(value: Any) -> Any:
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return str(value)


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return (0, float(value))
    return (1, str(value))


def column_names(frame: pd.DataFrame) -> list[str]:
    names = [c if isinstance(c, str) else str(c) for c in frame.columns]
    counts: dict[str, int] = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    dups = [n for n, c in counts.items() if c > 1]
    if dups:
        raise DataError(
            f"duplicate column names: {format_columns(dups)}; every column needs a unique name"
        )
    return names


class _Encoded:
    """One analysis column after conversion: float values, kind and labels."""

    __slots__ = ("values", "kind", "labels")

    def __init__(self, values: np.ndarray, kind: ColumnKind, labels: tuple[Any, ...] | None) -> None:
        self.values = values
        self.kind = kind
        self.labels = labels


def object_numeric(series: pd.Series) -> pd.Series | None:
    """An object column that holds only numbers (or bools) as a numeric series, else None."""
    inferred = ptypes.infer_dtype(series, skipna=True)
    if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
        return pd.to_numeric(series, errors="coerce").astype("float64")
    if inferred == "boolean":
        return series.map({True: 1.0, False: 0.0}).astype("float64")
    return None


def codes_from_labels(series: pd.Series, name: str) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Sorted-label integer codes (-1 for missing) of a non-numeric column."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cat = series.cat.remove_unused_categories()
        if not cat.cat.ordered:
            order = sorted(cat.cat.categories, key=_sort_key)
            cat = cat.cat.reorder_categories(order)
        return cat.cat.codes.to_numpy(dtype=np.int64), _clean_labels(list(cat.cat.categories))
    try:
        codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
    except TypeError:
        # Labels of mixed types (e.g. 'a' and 3) cannot be ordered: compare them as text.
        logger.info("column %r mixes label types; its labels are compared as text", name)
        as_text = series.astype(object).where(series.isna(), series.astype(str))
        codes, uniques = pd.factorize(as_text, sort=True, use_na_sentinel=True)
    labels = np.asarray(uniques, dtype=object).tolist()
    return np.asarray(codes, dtype=np.int64), _clean_labels(labels)


def _too_many(name: str, what: str, n_levels: int, max_categories: int) -> DataError:
    return DataError(
        f"column {name!r} is {what} with {n_levels} distinct values, more than "
        f"max_categories={max_categories}; if it is an identifier or free text, drop it "
        f"(e.g. frame.drop(columns=[{name!r}])); if it is numeric data stored as text, "
        f"convert it to numbers; to keep it as categorical, raise max_categories"
    )


def _codes_to_float(codes: np.ndarray) -> np.ndarray:
    out = codes.astype(np.float64)
    out[codes < 0] = np.nan
    return out


def encode_column(
    name: str,
    series: pd.Series,
    forced: ColumnKind | None,
    *,
    n_rows: int,
    max_categories: int,
    positions: np.ndarray,
) -> _Encoded:
    """Convert one analysis column to float64 with its kind and labels (vectorised)."""
    dtype = series.dtype
    if ptypes.is_datetime64_any_dtype(dtype) or ptypes.is_timedelta64_dtype(dtype):
        raise DataError(
            f"column {name!r} holds dates or durations ({dtype}); pass it as time_column="
            f"{name!r} if it is the time index, otherwise convert it to numbers or drop it"
        )
    is_cat = isinstance(dtype, pd.CategoricalDtype)
    numeric: np.ndarray | None = None
    is_bool = False
    if ptypes.is_bool_dtype(dtype):
        is_bool = True
        numeric = series.to_numpy(dtype=np.float64, na_value=np.nan)
    elif ptypes.is_numeric_dtype(dtype) and not is_cat:
        numeric = series.to_numpy(dtype=np.float64, na_value=np.nan)
    elif dtype == object:  # noqa: E721 (numpy dtype equality, not a type comparison)
        converted = object_numeric(series)
        if converted is not None:
            numeric = converted.to_numpy(dtype=np.float64, na_value=np.nan)

    if numeric is not None:
        return _encode_numeric(
            name, numeric, forced, is_bool=is_bool, n_rows=n_rows,
            max_categories=max_categories, positions=positions,
        )

    # Non-numeric: labels.
    if forced is ColumnKind.CONTINUOUS:
        raise DataError(
            f"column {name!r} is non-numeric ({dtype}) and cannot be CONTINUOUS; "
            f"use kinds={{{name!r}: 'discrete'}} or convert it to numbers"
        )
    codes, labels = codes_from_labels(series, name)
    k = len(labels)
    if k == 1:
        raise DataError(f"column {name!r} is constant: every value is {labels[0]!r}; drop it")
    ordered = is_cat and bool(series.cat.ordered)
    if forced is None:
        if k == 2:
            kind = ColumnKind.BINARY
        elif ordered:
            kind = ColumnKind.ORDINAL
        else:
            kind = ColumnKind.DISCRETE
    else:
        kind = forced
    if kind is ColumnKind.BINARY and k != 2:
        raise DataError(f"column {name!r} has {k} distinct values; a BINARY column needs exactly 2")
    if k > max_categories:
        raise _too_many(name, "non-numeric", k, max_categories)
    return _Encoded(_codes_to_float(codes), kind, labels)


def _encode_numeric(
    name: str,
    x: np.ndarray,
    forced: ColumnKind | None,
    *,
    is_bool: bool,
    n_rows: int,
    max_categories: int,
    positions: np.ndarray,
) -> _Encoded:
    observed = ~np.isnan(x)
    inf = np.isinf(x)
    if inf.any():
        raise DataError(
            f"column {name!r} has {int(inf.sum())} infinite value(s) at "
            f"{format_rows(positions[np.flatnonzero(inf)])}; replace them or drop those rows"
        )
    xo = x[observed]
    lo, hi = float(xo.min()), float(xo.max())
    if lo == hi:
        shown: Any = (lo == 1.0) if is_bool else (int(lo) if lo.is_integer() else lo)
        raise DataError(f"column {name!r} is constant: every value is {shown!r}; drop it")
    two_valued = bool(np.all((xo == lo) | (xo == hi)))
    integer_valued = two_valued or bool(np.all(xo == np.round(xo)))

    if forced is None:
        if is_bool or two_valued:
            kind = ColumnKind.BINARY
        elif integer_valued:
            k = int(pd.unique(xo).size)
            limit = min(MAX_INFERRED_LEVELS, max_categories)
            kind = ColumnKind.DISCRETE if (k <= limit and 2 * k <= n_rows) else ColumnKind.CONTINUOUS
        else:
            kind = ColumnKind.CONTINUOUS
    else:
        kind = forced

    if kind is ColumnKind.CONTINUOUS:
        return _Encoded(x, kind, None)
    if kind is ColumnKind.BINARY and not two_valued:
        k = int(pd.unique(xo).size)
        raise DataError(f"column {name!r} has {k} distinct values; a BINARY column needs exactly 2")
    codes, uniques = pd.factorize(x, sort=True, use_na_sentinel=True)
    k = len(uniques)
    if k > max_categories:
        raise _too_many(name, f"{kind.value} (numeric)", k, max_categories)
    if is_bool:
        labels: tuple[Any, ...] = tuple(bool(u) for u in uniques)
    else:
        labels = _clean_labels(np.asarray(uniques).tolist())
    return _Encoded(_codes_to_float(np.asarray(codes, dtype=np.int64)), kind, labels)


def time_values(name: str, series: pd.Series, positions: np.ndarray) -> np.ndarray:
    """The time column's values as ``int64``, ``float64`` or ``datetime64`` (no order check)."""
    dtype = series.dtype
    if ptypes.is_bool_dtype(dtype):
        raise DataError(f"time column {name!r} is boolean; it must hold numbers or dates")
    if ptypes.is_datetime64_any_dtype(dtype):
        t = series.to_numpy()
    elif ptypes.is_integer_dtype(dtype):
        t = series.to_numpy(dtype=np.int64)
    elif ptypes.is_numeric_dtype(dtype):
        t = series.to_numpy(dtype=np.float64)
        if np.isinf(t).any():
            bad = positions[np.flatnonzero(np.isinf(t))]
            raise DataError(f"time column {name!r} has infinite values at {format_rows(bad)}")
    else:
        try:
            t = pd.to_datetime(series, format="ISO8601").to_numpy()
        except (ValueError, TypeError) as exc:
            raise DataError(
                f"time column {name!r} must hold numbers or ISO 8601 dates; "
                f"its values could not be read as either ({exc})"
            ) from None
    return np.asarray(t)


def encode_time(name: str, series: pd.Series, domain: np.ndarray | None, positions: np.ndarray) -> np.ndarray:
    t = time_values(name, series, positions)
    # Strictly increasing within each domain (or over the whole table).
    if t.shape[0] > 1:
        if domain is None:
            order = np.arange(t.shape[0])
            same = np.ones(t.shape[0] - 1, dtype=bool)
        else:
            order = np.argsort(domain, kind="stable")
            same = domain[order][1:] == domain[order][:-1]
        ts = t[order]
        bad = same & ~(ts[1:] > ts[:-1])
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            scope = "" if domain is None else " within a domain"
            raise DataError(
                f"time column {name!r} must be strictly increasing{scope}; "
                f"{format_rows(positions[[order[i], order[i + 1]]])} break the order; "
                f"sort the table by its {'domain and ' if domain is not None else ''}time first"
            )
    t.flags.writeable = False
    return t
