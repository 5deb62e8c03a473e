"""Time-series input: one validated ``(T, p)`` array in time order.

A time series is a table whose rows are consecutive observations of the same
system: row ``t`` follows row ``t - 1``. Every time-series algorithm (PCMCI,
PCMCI+, VARLiNGAM, conditional Granger) calls :func:`as_time_series` once at the
start of ``fit`` and works on the :class:`TimeSeriesData` it returns, so the
checks below are made in one place:

* **Order.** The rows are taken in the order given: the row order *is* the time
  order. With a time column, its values must be strictly increasing; a decrease
  (an unsorted table) or a repeated stamp raises :class:`~causalscope.exceptions.DataError`
  naming the column and the first offending rows. Nothing is sorted or
  de-duplicated for the caller: a silent reorder would change every lag.
* **Spacing.** With a time column, the spacing is *measured and reported*, not
  fixed: the nominal step is the most frequent difference between consecutive
  stamps (the smallest one on a tie); :attr:`TimeSeriesData.regular` is True when
  every difference equals it, and :attr:`TimeSeriesData.gaps` lists each place
  where a difference is larger than the step (missing time points), as
  :class:`TimeGap` values. The lagged algorithms treat rows as equally spaced
  (lag ``k`` means ``k`` rows back); whether an irregular series is acceptable is
  the caller's decision (the copilot reports it).
* **Values.** Every variable must be numeric (booleans count as 0/1) and finite:
  a text, categorical or date column, a missing value (NaN) or an infinite value
  raises a ``DataError`` naming the column and the first offending rows. Missing
  values are not imputed or dropped (a dropped row would shift every later lag).
  A *constant* variable (one value over all rows) is an error as well: it has no
  variance, so every partial correlation or regression involving it is undefined.
* **Length.** With ``tau_max`` lags and ``p`` variables, the full lagged
  regression of one variable on all ``p * tau_max`` lagged values (plus an
  intercept) has ``T - tau_max`` usable rows. :func:`as_time_series` requires
  ``T - tau_max > p * tau_max + 2``, i.e. at least ``(p + 1) * tau_max + 3`` rows,
  so that regression keeps at least two residual degrees of freedom; fewer rows
  raise a ``DataError`` that states the minimum.

A :class:`~causalscope.data.Dataset` is accepted as it is: its values (category
codes for categorical columns) are the variables and its time role is the time
column (its encoding of dates and numbers is reused). A Dataset with a domain
column holds one sequence per domain; its rows must still form one increasing
sequence here (otherwise the error says to make one series per domain).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from ..exceptions import DataError, InvalidParameterError
from ._encode import format_columns, format_rows, json_label, object_numeric, time_values
from .dataset import Dataset

__all__ = ["TimeGap", "TimeSeriesData", "as_time_series", "ensure_time_series", "min_time_series_length"]

_N_SHOWN = 5


@dataclass(frozen=True)
class TimeGap:
    """A place where consecutive time stamps are further apart than the nominal step.

    Attributes
    ----------
    row : int
        Position (0-based, in the series) of the last row *before* the gap.
    start, end : object
        The time stamps of rows ``row`` and ``row + 1`` (numbers or ``numpy.datetime64``).
    missing : float
        How many steps are missing between them: ``(end - start) / step - 1``
        (a whole number when the stamps sit on the step's grid).
    """

    row: int
    start: Any
    end: Any
    missing: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        return {"row": self.row, "start": json_label(_plain(self.start)), "end": json_label(_plain(self.end)),
                "missing": self.missing}


@dataclass(frozen=True, eq=False)
class TimeSeriesData:
    """A validated multivariate time series: ``T`` rows in time order, ``p`` numeric variables.

    Build one with :func:`as_time_series`.

    Attributes
    ----------
    values : numpy.ndarray
        ``float64`` array of shape ``(T, p)``, C-contiguous and read-only; row ``t``
        is time ``t``.
    variables : tuple of str
        Names of the columns of :attr:`values`.
    time : numpy.ndarray or None
        The time stamps (``int64``, ``float64`` or ``datetime64``; read-only), or None
        when there is no time column (the row order is the time order).
    time_column : str or None
        Name of the time column.
    regular : bool
        True when all consecutive stamps are one :attr:`step` apart (always True
        without a time column).
    gaps : tuple of TimeGap
        Where consecutive stamps are more than one step apart, in time order.
    step : object or None
        The nominal step (the most frequent difference of consecutive stamps), or
        None without a time column.
    """

    values: np.ndarray
    variables: tuple[str, ...]
    time: np.ndarray | None = None
    time_column: str | None = None
    regular: bool = True
    gaps: tuple[TimeGap, ...] = field(default=())
    step: Any = None

    @property
    def n_samples(self) -> int:
        """The number of time points ``T``."""
        return int(self.values.shape[0])

    @property
    def n_variables(self) -> int:
        """The number of variables ``p`` (``len(variables)``)."""
        return len(self.variables)

    def column(self, name: str) -> np.ndarray:
        """The series of one variable (a read-only view).

        Raises
        ------
        DataError
            If ``name`` is not a variable.
        """
        try:
            j = self.variables.index(name)
        except ValueError:
            raise DataError(
                f"unknown variable {name!r}; the variables are {format_columns(self.variables)}"
            ) from None
        return self.values[:, j]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: length, variables, time column, spacing and gaps."""
        return {
            "n_samples": self.n_samples,
            "variables": list(self.variables),
            "time_column": self.time_column,
            "regular": self.regular,
            "step": str(pd.Timedelta(self.step)) if isinstance(self.step, np.timedelta64) else json_label(self.step),
            "gaps": [g.to_dict() for g in self.gaps],
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TimeSeriesData):
            return NotImplemented
        same_time = (self.time is None and other.time is None) or (
            self.time is not None and other.time is not None
            and self.time.shape == other.time.shape and bool(np.all(self.time == other.time))
        )
        return (
            self.variables == other.variables
            and self.values.shape == other.values.shape
            and bool(np.array_equal(self.values, other.values))
            and same_time
            and self.time_column == other.time_column
            and self.regular == other.regular
            and self.gaps == other.gaps
            and self.step == other.step
        )

    __hash__ = None  # type: ignore[assignment]


def min_time_series_length(n_variables: int, tau_max: int) -> int:
    """The fewest rows :func:`as_time_series` accepts: ``(p + 1) * tau_max + 3``.

    That is the smallest ``T`` with ``T - tau_max > p * tau_max + 2``: the
    regression of one variable on all ``p * tau_max`` lagged values and an
    intercept, over the ``T - tau_max`` rows that have every lag, keeps at least
    two residual degrees of freedom.

    Examples
    --------
    >>> min_time_series_length(3, 2)
    11
    """
    return (int(n_variables) + 1) * int(tau_max) + 3


def as_time_series(
    data: pd.DataFrame | np.ndarray | Dataset,
    *,
    time_column: str | None = None,
    tau_max: int = 0,
    variables: Sequence[str] | None = None,
) -> TimeSeriesData:
    """Validate ``data`` as a multivariate time series in time order.

    Parameters
    ----------
    data:
        A DataFrame (one column per variable, plus an optional time column), a
        2-D array (columns named ``X0``, ``X1``, ...; a 1-D array is one column
        ``X0``) or a :class:`~causalscope.data.Dataset` (its time role is the time
        column). Rows are in time order. The input is not modified; the result
        holds a copy.
    time_column:
        Name of the column holding the time stamps (numbers, dates or ISO 8601
        text). It must be strictly increasing; it is not a variable. For a
        Dataset, None means its own time role (if any).
    tau_max:
        The largest lag the caller will use; only checked against the length.
    variables:
        The variables to keep, in this order (default: every column but the time
        column).

    Returns
    -------
    TimeSeriesData

    Raises
    ------
    DataError
        Unsorted or repeated time stamps (naming the column and the first rows
        that break the order); a non-numeric, missing (NaN) or infinite value
        (naming the column and the first rows); a constant variable; an unknown
        variable or time column; fewer rows than
        :func:`min_time_series_length` (the message says the minimum).
    InvalidParameterError
        If ``tau_max`` is not an integer >= 0 or ``variables`` repeats a name or is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"t": [0, 1, 2, 4, 5, 6, 7, 8],
    ...                       "x": [0.1, 0.5, 0.2, 0.9, 0.4, 0.3, 0.8, 0.6],
    ...                       "y": [1.0, 1.2, 0.7, 0.5, 0.9, 1.1, 0.2, 0.4]})
    >>> ts = as_time_series(frame, time_column="t", tau_max=1)
    >>> ts.variables, ts.n_samples, ts.regular, ts.step
    (('x', 'y'), 8, False, 1)
    >>> ts.gaps
    (TimeGap(row=2, start=2, end=4, missing=1.0),)
    """
    tau = _check_tau_max(tau_max)
    names, columns, time, tcol = _split(data, time_column)
    if variables is not None:
        names, columns = _select(names, columns, variables)
    if not names:
        raise DataError("the time series has no variables besides the time column")
    values = _numeric_values(names, columns)
    _check_constant(names, values)
    n, p = values.shape
    _check_length(n, p, tau)
    regular: bool = True
    gaps: tuple[TimeGap, ...] = ()
    step: Any = None
    if time is not None and tcol is not None:
        domain = data.domain_column if isinstance(data, Dataset) else None
        _check_order(tcol, time, domain)
        regular, gaps, step = _spacing(time)
        time = np.array(time, copy=True)
        time.flags.writeable = False
    values.flags.writeable = False
    return TimeSeriesData(values=values, variables=tuple(names), time=time, time_column=tcol,
                          regular=regular, gaps=gaps, step=step)


def ensure_time_series(data: TimeSeriesData | pd.DataFrame | np.ndarray | Dataset, *, tau_max: int = 0) -> TimeSeriesData:
    """``data`` if it is a :class:`TimeSeriesData` long enough for ``tau_max``, else :func:`as_time_series` of it.

    For functions that take either a validated series or raw data.

    Raises
    ------
    DataError
        As :func:`as_time_series`; for a :class:`TimeSeriesData`, only the length check.
    """
    if isinstance(data, TimeSeriesData):
        _check_length(data.n_samples, data.n_variables, _check_tau_max(tau_max))
        return data
    return as_time_series(data, tau_max=tau_max)


# --------------------------------------------------------------------------- helpers


def _check_length(n: int, p: int, tau: int) -> None:
    need = min_time_series_length(p, tau)
    if n < need:
        raise DataError(
            f"the time series has {n} rows; with {p} variable(s) and tau_max={tau} it needs at least {need} "
            f"(T - tau_max > p * tau_max + 2); lower tau_max or use a longer series"
        )



def _check_tau_max(tau_max: Any) -> int:
    if isinstance(tau_max, (bool, np.bool_)) or not isinstance(tau_max, (int, np.integer)) or tau_max < 0:
        raise InvalidParameterError(f"tau_max must be an integer >= 0; got {tau_max!r}")
    return int(tau_max)


def _split(
    data: Any, time_column: str | None
) -> tuple[list[str], list[Any], np.ndarray | None, str | None]:
    """Variable names, their columns (Series or arrays), the time stamps and the time column's name."""
    if isinstance(data, Dataset):
        names = list(data.variables)
        cols: list[Any] = [data.values[:, j] for j in range(len(names))]
        if time_column is None or time_column == data.time_column:
            return names, cols, data.time, data.time_column
        if time_column not in names:
            raise DataError(
                f"time_column={time_column!r} is neither the dataset's time column "
                f"({data.time_column!r}) nor one of its variables {format_columns(names)}"
            )
        j = names.index(time_column)
        t = time_values(time_column, pd.Series(cols[j]), np.arange(len(data)))
        return names[:j] + names[j + 1:], cols[:j] + cols[j + 1:], t, time_column
    if isinstance(data, pd.Series):
        data = data.to_frame(name=str(data.name) if data.name is not None else "X0")
    if isinstance(data, pd.DataFrame):
        frame = data
        names = [c if isinstance(c, str) else str(c) for c in frame.columns]
        dups = sorted({c for c in names if names.count(c) > 1})
        if dups:
            raise DataError(f"duplicate column names: {format_columns(dups)}; every column needs a unique name")
        cols = [frame.iloc[:, j] for j in range(frame.shape[1])]
    elif isinstance(data, np.ndarray) or isinstance(data, (list, tuple)):
        arr = np.asarray(data)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise DataError(f"a time-series array must be 1- or 2-dimensional (time x variables); got shape {arr.shape}")
        names = [f"X{j}" for j in range(arr.shape[1])]
        cols = [pd.Series(arr[:, j]) for j in range(arr.shape[1])]
    else:
        raise DataError(
            f"expected a pandas DataFrame, a numpy array or a causalscope Dataset; got {type(data).__name__}"
        )
    if not names or len(cols[0]) == 0:
        raise DataError(f"the time series is empty (shape {(len(cols[0]) if cols else 0, len(names))})")
    if time_column is None:
        return names, cols, None, None
    if time_column not in names:
        raise DataError(f"time_column={time_column!r} is not a column; the columns are {format_columns(names)}")
    j = names.index(time_column)
    series = pd.Series(cols[j]).reset_index(drop=True)
    missing = np.flatnonzero(series.isna().to_numpy())
    if missing.size:
        raise DataError(f"time column {time_column!r} has missing values at {format_rows(missing)}")
    t = time_values(time_column, series, np.arange(len(series)))
    return names[:j] + names[j + 1:], cols[:j] + cols[j + 1:], t, time_column


def _select(names: list[str], cols: list[Any], variables: Sequence[str]) -> tuple[list[str], list[Any]]:
    wanted = [variables] if isinstance(variables, str) else list(variables)
    if not wanted:
        raise InvalidParameterError("variables must name at least one column; got an empty list")
    dups = sorted(v for v, count in Counter(wanted).items() if count > 1)
    if dups:
        raise InvalidParameterError(f"variables names column(s) more than once: {format_columns(dups)}")
    unknown = [v for v in wanted if v not in names]
    if unknown:
        raise DataError(f"variables names unknown column(s) {format_columns(unknown)}; "
                        f"the variables are {format_columns(names)}")
    index = {v: i for i, v in enumerate(names)}
    return wanted, [cols[index[v]] for v in wanted]


def _numeric_values(names: list[str], cols: list[Any]) -> np.ndarray:
    """The variables as one C-contiguous float64 ``(T, p)`` array; DataError for a non-numeric or non-finite value."""
    n = len(cols[0])
    values = np.empty((n, len(names)), dtype=np.float64, order="C")
    for j, (name, col) in enumerate(zip(names, cols)):
        if isinstance(col, np.ndarray) and col.dtype == np.float64:
            values[:, j] = col
            continue
        series = pd.Series(col).reset_index(drop=True)
        dtype = series.dtype
        if ptypes.is_bool_dtype(dtype):
            values[:, j] = series.to_numpy(dtype=np.float64)
        elif ptypes.is_datetime64_any_dtype(dtype) or ptypes.is_timedelta64_dtype(dtype):
            raise DataError(f"column {name!r} holds dates or durations, not values; "
                            "pass it as time_column if it is the time index")
        elif ptypes.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
            values[:, j] = series.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            numeric = object_numeric(series) if ptypes.is_object_dtype(dtype) else None
            if numeric is None or bool((numeric.isna().to_numpy() != series.isna().to_numpy()).any()):
                bad = np.flatnonzero(~series.map(_is_number).to_numpy(dtype=bool) & series.notna().to_numpy())
                shown = ", ".join(repr(_plain(v)) for v in series.iloc[bad[:_N_SHOWN]]) if bad.size else ""
                where = f" at {format_rows(bad)} ({shown})" if bad.size else ""
                raise DataError(
                    f"column {name!r} is not numeric (dtype {dtype}){where}; time-series variables must be "
                    "numbers (encode categories as numeric codes, or build a Dataset first)"
                )
            values[:, j] = numeric.to_numpy(dtype=np.float64)
    finite = np.isfinite(values)
    if not finite.all():
        for j, name in enumerate(names):
            bad = np.flatnonzero(~finite[:, j])
            if bad.size:
                what = "missing (NaN)" if np.isnan(values[bad[0], j]) else "infinite"
                raise DataError(
                    f"column {name!r} has {what} values at {format_rows(bad)}; a time series must be complete "
                    "(nothing is imputed or dropped: a dropped row would shift every later lag)"
                )
    return values


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.number, np.bool_)) and not isinstance(value, (np.datetime64, np.timedelta64))


def _check_constant(names: list[str], values: np.ndarray) -> None:
    if values.shape[0] == 0:
        return
    const = np.flatnonzero((values == values[0]).all(axis=0))
    if const.size:
        cols = [names[j] for j in const]
        raise DataError(f"constant variable(s) {format_columns(cols)} (one value over all rows); "
                        "a constant series has no variance: drop it")


def _check_order(name: str, t: np.ndarray, domain: str | None = None) -> None:
    """Strictly increasing stamps, else a DataError naming the first repeated or decreasing pair."""
    if t.shape[0] < 2:
        return
    if t.dtype.kind == "f" and np.isnan(t).any():
        raise DataError(f"time column {name!r} has missing values at {format_rows(np.flatnonzero(np.isnan(t)))}")
    d_same = t[1:] == t[:-1]
    d_down = t[1:] < t[:-1]
    bad = np.flatnonzero(d_same | d_down)
    if bad.size == 0:
        return
    i = int(bad[0])
    hint = "" if domain is None else (
        f" (the dataset has the domain column {domain!r}: a time series is one sequence, so make one "
        "series per domain)"
    )
    if d_same[i]:
        n_dup = int(d_same.sum())
        raise DataError(
            f"time column {name!r} has duplicated time stamps: {format_rows(np.array([i, i + 1]))} both hold "
            f"{_show(t[i])} ({n_dup} repeat(s) in all); each time point must appear once "
            f"(aggregate the repeated rows first; nothing is dropped for you){hint}"
        )
    n_down = int(d_down.sum())
    raise DataError(
        f"time column {name!r} is not sorted: {format_rows(np.array([i, i + 1]))} go back in time "
        f"({_show(t[i])} then {_show(t[i + 1])}; {n_down} decrease(s) in all); sort the table by "
        f"{name!r} first (rows are never reordered for you){hint}"
    )


def _spacing(t: np.ndarray) -> tuple[bool, tuple[TimeGap, ...], Any]:
    """(regular, gaps, step) of strictly increasing stamps; the step is the modal difference."""
    if t.shape[0] < 2:
        return True, (), None
    d = np.diff(t)
    uniq, counts = np.unique(d, return_counts=True)
    step = uniq[int(np.argmax(counts))]  # unique is sorted: argmax takes the smallest on a tie
    if d.dtype.kind == "f":
        on_step = np.isclose(d, step, rtol=1e-9, atol=0.0)
    else:
        on_step = d == step
    regular = bool(on_step.all())
    ratio = (d / step).astype(np.float64)
    big = np.flatnonzero(~on_step & (ratio > 1.0))
    gaps = tuple(
        TimeGap(row=int(i), start=_plain(t[i]), end=_plain(t[i + 1]), missing=_round_missing(ratio[i] - 1.0))
        for i in big
    )
    return regular, gaps, _plain(step)


def _round_missing(x: float) -> float:
    r = round(x)
    return float(r) if abs(x - r) < 1e-9 * max(1.0, abs(x)) else float(x)


def _show(value: Any) -> str:
    """A time stamp for a message: dates as ``2024-01-05 00:00:00``, numbers as they are."""
    if isinstance(value, np.datetime64):
        return str(pd.Timestamp(value))
    return repr(_plain(value))


def _plain(value: Any) -> Any:
    """numpy numbers as Python numbers; datetime64/timedelta64 kept as numpy scalars."""
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return value
