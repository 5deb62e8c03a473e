"""The validated data table every algorithm consumes.

A :class:`Dataset` is a rectangular table of ``n_samples`` rows (units) and
``n_variables`` named analysis columns, checked once when it is built so that
algorithms never have to re-check it:

* every analysis column has a **kind** (:class:`ColumnKind`): continuous,
  discrete (categorical), binary or ordinal. Discrete, binary and ordinal columns
  are integer-coded ``0..k-1``; the original labels are kept in
  :attr:`Dataset.categories` so results can be reported in the caller's terms;
* all values live in one read-only ``float64`` array :attr:`Dataset.values`
  (rows are samples, columns follow :attr:`Dataset.variables`);
* missing values are handled by an explicit **policy** (:data:`MissingPolicy`):
  refuse them (the default), drop incomplete rows and record how many, or keep
  them as ``NaN`` with a boolean mask for test-wise deletion. Nothing is dropped
  silently;
* two optional **role columns** are set apart from the analysis variables: a
  *domain* (environment, regime, site) column, integer-coded, used by
  multi-domain methods such as CD-NOD, and a *time* column (the time index of a
  time series).

A :class:`Dataset` never changes after construction: its arrays are read-only
and its attributes cannot be reassigned. Build one with
:meth:`Dataset.from_frame`, :meth:`Dataset.from_csv`,
:meth:`Dataset.from_parquet`, :meth:`Dataset.from_array`, or
:func:`causalscope.data.read_data`, which dispatches on the kind of source.

Kind inference
--------------
When ``kinds=`` does not name a column, its kind is inferred from the non-missing
values, in this order:

1. ``bool`` dtype, or exactly two distinct values -> ``BINARY``;
2. an *ordered* pandas ``Categorical`` -> ``ORDINAL`` (the caller stated an order);
3. non-numeric (object, string, unordered categorical) -> ``DISCRETE`` if it has
   at most ``max_categories`` distinct labels, otherwise a :class:`DataError`;
4. numeric, every value an integer, at most ``min(10, max_categories)`` distinct
   values and at most ``n_samples / 2`` distinct values (each level seen twice on
   average) -> ``DISCRETE``;
5. any other numeric column -> ``CONTINUOUS``.

An ``object`` column that holds only Python numbers counts as numeric; numbers
written as text (``"1"``, ``"2"``) are labels. Date and duration columns are not
analysis variables (pass one as ``time_column``).

Codes follow the sorted order of the labels (numbers numerically, strings
lexicographically, numbers before strings when both occur), so the same data
always gets the same coding; an ordered ``Categorical`` keeps its own category
order.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError, InvalidParameterError
from ..utils import get_logger
from ._encode import (
    codes_from_labels,
    column_names,
    encode_column,
    encode_time,
    format_columns,
    format_rows,
    json_label,
)
from .files import read_csv_frame, read_parquet_frame
from .kinds import MAX_INFERRED_LEVELS, MISSING_POLICIES, ColumnKind, MissingPolicy

__all__ = ["ColumnKind", "MissingPolicy", "Dataset", "MAX_INFERRED_LEVELS", "OPTION_NAMES", "check_options"]

logger = get_logger(__name__)


# --------------------------------------------------------------------------- Dataset


class Dataset:
    """A validated, immutable table of named analysis variables.

    Do not call the constructor directly; use :meth:`from_frame`,
    :meth:`from_csv`, :meth:`from_parquet`, :meth:`from_array` or
    :func:`causalscope.data.read_data`.

    Attributes
    ----------
    variables : tuple of str
        The analysis columns, in table order (role columns excluded).
    values : numpy.ndarray
        ``float64`` array of shape ``(n_samples, n_variables)``; categorical
        columns hold codes ``0..k-1``; ``NaN`` where a value is missing (only
        under ``missing="keep"``). Read-only.
    missing_mask : numpy.ndarray
        ``bool`` array, same shape, True where a value is missing. Read-only.
    domain : numpy.ndarray or None
        ``int64`` codes ``0..m-1`` of the domain column, or None.
    time : numpy.ndarray or None
        The time column's values (``int64``, ``float64`` or ``datetime64``), or None.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"smoker": ["no", "yes", "no", "yes"],
    ...                       "tar": [0.1, 2.3, 0.4, 3.1],
    ...                       "site": ["a", "a", "b", "b"]})
    >>> ds = Dataset.from_frame(frame, domain_column="site")
    >>> ds.variables
    ('smoker', 'tar')
    >>> ds.kinds["smoker"], ds.categories["smoker"]
    (<ColumnKind.BINARY: 'binary'>, ('no', 'yes'))
    >>> ds.column("smoker")
    array([0., 1., 0., 1.])
    >>> ds.domain, ds.domain_labels
    (array([0, 0, 1, 1]), ('a', 'b'))
    """

    __slots__ = (
        "_variables",
        "_kinds",
        "_values",
        "_mask",
        "_categories",
        "_domain",
        "_domain_column",
        "_domain_labels",
        "_time",
        "_time_column",
        "_missing_policy",
        "_n_dropped_rows",
        "_row_positions",
        "_source",
        "_index",
    )
    _variables: tuple[str, ...]
    _kinds: dict[str, ColumnKind]
    _values: np.ndarray
    _mask: np.ndarray
    _categories: dict[str, tuple[Any, ...]]
    _domain: np.ndarray | None
    _domain_column: str | None
    _domain_labels: tuple[Any, ...] | None
    _time: np.ndarray | None
    _time_column: str | None
    _missing_policy: MissingPolicy
    _n_dropped_rows: int
    _row_positions: np.ndarray
    _source: str
    _index: dict[str, int]

    def __init__(
        self,
        *,
        variables: tuple[str, ...],
        kinds: Mapping[str, ColumnKind],
        values: np.ndarray,
        categories: Mapping[str, tuple[Any, ...]],
        domain: np.ndarray | None = None,
        domain_column: str | None = None,
        domain_labels: tuple[Any, ...] | None = None,
        time: np.ndarray | None = None,
        time_column: str | None = None,
        missing_policy: MissingPolicy = "error",
        n_dropped_rows: int = 0,
        row_positions: np.ndarray | None = None,
        source: str = "DataFrame",
    ) -> None:
        values = np.array(values, dtype=np.float64, copy=True, order="C")
        mask = np.isnan(values)
        values.flags.writeable = False
        mask.flags.writeable = False
        if row_positions is None:
            row_positions = np.arange(values.shape[0], dtype=np.int64)
        row_positions = np.array(row_positions, dtype=np.int64)
        row_positions.flags.writeable = False
        if domain is not None:
            domain = np.array(domain, dtype=np.int64)
            domain.flags.writeable = False
        if time is not None:
            time = np.array(time, copy=True)
            time.flags.writeable = False
        setter = object.__setattr__
        setter(self, "_variables", tuple(variables))
        setter(self, "_kinds", {v: ColumnKind(kinds[v]) for v in variables})
        setter(self, "_values", values)
        setter(self, "_mask", mask)
        setter(self, "_categories", {v: tuple(categories[v]) for v in variables if v in categories})
        setter(self, "_domain", domain)
        setter(self, "_domain_column", domain_column)
        setter(self, "_domain_labels", None if domain_labels is None else tuple(domain_labels))
        setter(self, "_time", time)
        setter(self, "_time_column", time_column)
        setter(self, "_missing_policy", missing_policy)
        setter(self, "_n_dropped_rows", int(n_dropped_rows))
        setter(self, "_row_positions", row_positions)
        setter(self, "_source", str(source))
        setter(self, "_index", {v: i for i, v in enumerate(variables)})

    # ----------------------------------------------------------------- immutability

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Dataset is immutable; cannot set attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Dataset is immutable; cannot delete attribute {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self._state(),))

    def _state(self) -> dict[str, Any]:
        return {
            "variables": self._variables,
            "kinds": self._kinds,
            "values": self._values,
            "categories": self._categories,
            "domain": self._domain,
            "domain_column": self._domain_column,
            "domain_labels": self._domain_labels,
            "time": self._time,
            "time_column": self._time_column,
            "missing_policy": self._missing_policy,
            "n_dropped_rows": self._n_dropped_rows,
            "row_positions": self._row_positions,
            "source": self._source,
        }

    # ----------------------------------------------------------------- constructors

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        kinds: Mapping[str, ColumnKind | str] | None = None,
        domain_column: str | None = None,
        time_column: str | None = None,
        missing: MissingPolicy = "error",
        max_categories: int = 20,
        source: str = "DataFrame",
    ) -> Dataset:
        """Validate a pandas DataFrame and build a :class:`Dataset`.

        Parameters
        ----------
        frame:
            The table: one row per sample, one column per variable. Column names
            become variable names (non-string names are converted with ``str``);
            the index is ignored. The frame is not modified.
        kinds:
            Column kind per column name (a :class:`ColumnKind` or its value,
            case-insensitive), overriding inference for the columns it names.
        domain_column:
            Name of a column that labels the domain (environment, regime, site) of
            each row. It is integer-coded (sorted labels) into :attr:`domain` and is
            not an analysis variable. One single domain is allowed and logged as a
            warning.
        time_column:
            Name of a column holding the time index (numbers or dates). It must be
            strictly increasing (within each domain when a domain column is given)
            and is not an analysis variable.
        missing:
            ``"error"`` (default): refuse missing values, naming every column with
            missing values; ``"drop_rows"``: drop every row with a missing value in
            any used column and record it (:attr:`n_dropped_rows`, a log message);
            ``"keep"``: keep them as ``NaN`` with :attr:`missing_mask` (role columns
            must still be complete).
        max_categories:
            Largest number of distinct labels a categorical column may have.
        source:
            Where the table came from (a file path, ``"DataFrame"``), kept as
            :attr:`source` and named in error messages.

        Returns
        -------
        Dataset

        Raises
        ------
        DataError
            For an empty table, duplicate or unknown column names, a constant or
            entirely missing column, infinite values, a non-numeric column with too
            many labels, missing values under ``missing="error"``, or fewer than two
            rows left after missing-value handling. Messages name the column (and
            rows, counted from 0 among the data rows).
        InvalidParameterError
            For an invalid kind, missing policy or ``max_categories``.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> frame = pd.DataFrame({"x": [1.5, np.nan, 0.2, 0.7], "g": [1, 2, 3, 1]})
        >>> ds = Dataset.from_frame(frame, missing="drop_rows", kinds={"g": "ordinal"})
        >>> ds.n_samples, ds.n_dropped_rows, ds.kinds["g"].value
        (3, 1, 'ordinal')
        """
        return _build(
            frame,
            kinds=kinds,
            domain_column=domain_column,
            time_column=time_column,
            missing=missing,
            max_categories=max_categories,
            source=source,
        )

    @classmethod
    def from_array(
        cls,
        array: np.ndarray | Sequence[Sequence[float]],
        columns: Sequence[str] | None = None,
        **options: Any,
    ) -> Dataset:
        """Build a :class:`Dataset` from a 2-D array (columns named ``X0``, ``X1``, ... by default).

        ``options`` are those of :meth:`from_frame`.

        Examples
        --------
        >>> import numpy as np
        >>> Dataset.from_array(np.arange(8.0).reshape(4, 2) ** 2).variables
        ('X0', 'X1')
        """
        arr = np.asarray(array)
        if arr.ndim != 2:
            raise DataError(f"an array dataset must be 2-dimensional (samples x variables); got shape {arr.shape}")
        if columns is None:
            columns = [f"X{i}" for i in range(arr.shape[1])]
        elif len(columns) != arr.shape[1]:
            raise DataError(f"got {len(columns)} column names for an array with {arr.shape[1]} columns")
        frame = pd.DataFrame(arr, columns=list(columns))
        return _build(frame, source="array", **check_options(options))

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], *, sep: str | None = None, **options: Any) -> Dataset:
        """Read a CSV (or TSV, possibly gzip-compressed) file; see :func:`causalscope.data.read_csv`."""
        opts = check_options(options)
        frame, p = read_csv_frame(path, sep)
        return _build(frame, source=str(p), **opts)

    @classmethod
    def from_parquet(cls, path: str | os.PathLike[str], **options: Any) -> Dataset:
        """Read a Parquet file; see :func:`causalscope.data.read_parquet`."""
        opts = check_options(options)
        frame, p = read_parquet_frame(path)
        return _build(frame, source=str(p), **opts)

    # ----------------------------------------------------------------- properties

    @property
    def variables(self) -> tuple[str, ...]:
        """The analysis column names, in order (role columns excluded)."""
        return self._variables

    @property
    def kinds(self) -> dict[str, ColumnKind]:
        """Kind of every analysis column (a fresh dict; changing it changes nothing)."""
        return dict(self._kinds)

    @property
    def values(self) -> np.ndarray:
        """Read-only ``float64`` array of shape ``(n_samples, n_variables)``."""
        return self._values

    @property
    def missing_mask(self) -> np.ndarray:
        """Read-only ``bool`` array, True where a value is missing."""
        return self._mask

    @property
    def categories(self) -> dict[str, tuple[Any, ...]]:
        """Original labels of each categorical column: code ``i`` means ``labels[i]``."""
        return dict(self._categories)

    @property
    def n_samples(self) -> int:
        """Number of rows."""
        return int(self._values.shape[0])

    @property
    def n_variables(self) -> int:
        """Number of analysis columns."""
        return int(self._values.shape[1])

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_samples, n_variables)``."""
        return (self.n_samples, self.n_variables)

    @property
    def domain(self) -> np.ndarray | None:
        """``int64`` domain codes ``0..m-1`` per row (sorted labels), or None."""
        return self._domain

    @property
    def domain_column(self) -> str | None:
        """Name of the domain column, or None."""
        return self._domain_column

    @property
    def domain_labels(self) -> tuple[Any, ...] | None:
        """Domain label of each code, or None."""
        return self._domain_labels

    @property
    def n_domains(self) -> int:
        """Number of distinct domains (1 when there is no domain column)."""
        return 1 if self._domain_labels is None else len(self._domain_labels)

    @property
    def time(self) -> np.ndarray | None:
        """The time index per row, or None."""
        return self._time

    @property
    def time_column(self) -> str | None:
        """Name of the time column, or None."""
        return self._time_column

    @property
    def missing_policy(self) -> MissingPolicy:
        """The missing-value policy the dataset was built with."""
        return self._missing_policy

    @property
    def n_dropped_rows(self) -> int:
        """Rows removed by ``missing="drop_rows"`` (0 otherwise)."""
        return self._n_dropped_rows

    @property
    def row_positions(self) -> np.ndarray:
        """0-based position, in the source table, of each kept row."""
        return self._row_positions

    @property
    def source(self) -> str:
        """Where the data came from: a file path, ``"DataFrame"`` or ``"array"``."""
        return self._source

    @property
    def has_missing(self) -> bool:
        """True if any value is missing (possible only under ``missing="keep"``)."""
        return bool(self._mask.any())

    @property
    def discrete_mask(self) -> np.ndarray:
        """``bool`` per variable: True for categorical (discrete, binary, ordinal) columns."""
        return np.array([self._kinds[v].is_categorical for v in self._variables], dtype=bool)

    @property
    def cardinalities(self) -> np.ndarray:
        """Number of levels per variable (``int64``; 0 for continuous columns)."""
        return np.array([len(self._categories.get(v, ())) for v in self._variables], dtype=np.int64)

    # ----------------------------------------------------------------- methods

    def index_of(self, name: str) -> int:
        """Position of variable ``name`` in :attr:`variables`.

        Raises
        ------
        DataError
            If ``name`` is not an analysis variable; the message lists them.
        """
        try:
            return self._index[name]
        except (KeyError, TypeError):
            raise DataError(self._unknown_message(name)) from None

    def column(self, name: str) -> np.ndarray:
        """Values of variable ``name`` (a read-only view of :attr:`values`)."""
        return self._values[:, self.index_of(name)]

    def is_discrete(self, name: str) -> bool:
        """True if ``name`` is integer-coded (discrete, binary or ordinal)."""
        return self._kinds[self._variables[self.index_of(name)]].is_categorical

    def missing_counts(self) -> dict[str, int]:
        """Number of missing values per variable."""
        counts = self._mask.sum(axis=0)
        return {v: int(c) for v, c in zip(self._variables, counts)}

    def subset(self, columns: Iterable[str]) -> Dataset:
        """A new dataset with only ``columns`` (in the order given); roles are kept.

        Raises
        ------
        DataError
            If ``columns`` is empty, repeats a name or names an unknown column.
        """
        cols = [columns] if isinstance(columns, str) else list(columns)
        if not cols:
            raise DataError("subset needs at least one column")
        dups = sorted({c for c in cols if cols.count(c) > 1})
        if dups:
            raise DataError(f"subset names column(s) more than once: {format_columns(dups)}")
        idx = [self.index_of(c) for c in cols]
        state = self._state()
        state["variables"] = tuple(cols)
        state["values"] = self._values[:, idx]
        state["kinds"] = {c: self._kinds[c] for c in cols}
        state["categories"] = {c: self._categories[c] for c in cols if c in self._categories}
        return Dataset(**state)

    def take(self, rows: Sequence[int] | np.ndarray) -> Dataset:
        """A new dataset of the rows at positions ``rows`` (repeats allowed), without re-validation.

        The variables, kinds, categories (and so the codes), roles and missing-value
        policy stay those of this dataset: a resample (bootstrap, subsample, a fold)
        is coded as the data it was drawn from, even when a category does not occur in
        it. The domain and time labels and :attr:`row_positions` follow the rows.

        Raises
        ------
        DataError
            If a position is out of range or ``rows`` is not a 1-D array of integers.

        Examples
        --------
        >>> import pandas as pd
        >>> ds = Dataset.from_frame(pd.DataFrame({"c": ["b", "a", "c", "a"], "x": [1.0, 2.5, 3.0, 0.5]}))
        >>> part = ds.take([2, 2, 0])
        >>> part.column("c"), part.categories["c"], part.row_positions
        (array([2., 2., 1.]), ('a', 'b', 'c'), array([2, 2, 0]))
        """
        idx = np.asarray(rows)
        if idx.ndim != 1 or (idx.size and not np.issubdtype(idx.dtype, np.integer)):
            raise DataError(f"take needs a 1-D array of integer row positions; got shape {idx.shape}, "
                            f"dtype {idx.dtype}")
        n = self.n_samples
        if idx.size and (idx.min() < -n or idx.max() >= n):
            raise DataError(f"take: row positions must lie in [-{n}, {n}); got {int(idx.min())}..{int(idx.max())}")
        idx = idx.astype(np.int64, copy=False)
        state = self._state()
        state["values"] = self._values[idx]
        if self._domain is not None:
            state["domain"] = self._domain[idx]
        if self._time is not None:
            state["time"] = self._time[idx]
        state["row_positions"] = self._row_positions[idx]
        return Dataset(**state)

    def to_frame(self, *, decode: bool = True, include_roles: bool = True) -> pd.DataFrame:
        """Return the data as a new DataFrame.

        Parameters
        ----------
        decode:
            If True, categorical columns become pandas ``Categorical`` columns of
            their original labels (ordered for ORDINAL); if False, they hold the
            float codes.
        include_roles:
            Append the domain column (original labels) and the time column.

        Examples
        --------
        >>> import pandas as pd
        >>> ds = Dataset.from_frame(pd.DataFrame({"c": ["b", "a", "c", "a"], "x": [1.0, 2.5, 3.0, 0.5]}))
        >>> ds.column("c")
        array([1., 0., 2., 0.])
        >>> ds.to_frame()["c"].tolist()
        ['b', 'a', 'c', 'a']
        """
        data: dict[str, Any] = {}
        for j, v in enumerate(self._variables):
            col = self._values[:, j]
            kind = self._kinds[v]
            if decode and kind.is_categorical:
                codes = np.where(np.isnan(col), -1, col).astype(np.int64)
                data[v] = pd.Categorical.from_codes(
                    codes, categories=list(self._categories[v]), ordered=kind is ColumnKind.ORDINAL
                )
            else:
                data[v] = col.copy()
        if include_roles and self._domain is not None and self._domain_column is not None:
            labels = np.empty(len(self._domain_labels or ()), dtype=object)
            labels[:] = list(self._domain_labels or ())
            data[self._domain_column] = labels[self._domain]
        if include_roles and self._time is not None and self._time_column is not None:
            data[self._time_column] = self._time.copy()
        return pd.DataFrame(data, index=pd.RangeIndex(self.n_samples))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary for reports: size, kinds, categories, missing values, roles."""
        counts = self.missing_counts()
        return {
            "source": self._source,
            "n_samples": self.n_samples,
            "n_variables": self.n_variables,
            "variables": list(self._variables),
            "kinds": {v: self._kinds[v].value for v in self._variables},
            "categories": {v: [json_label(x) for x in labels] for v, labels in self._categories.items()},
            "missing": {
                "policy": self._missing_policy,
                "n_dropped_rows": self._n_dropped_rows,
                "counts": {v: c for v, c in counts.items() if c},
                "total": int(sum(counts.values())),
            },
            "domain": None
            if self._domain_column is None
            else {
                "column": self._domain_column,
                "n_domains": self.n_domains,
                "labels": [json_label(x) for x in self._domain_labels or ()],
            },
            "time": None if self._time_column is None else {"column": self._time_column},
        }

    # ----------------------------------------------------------------- dunder

    def __len__(self) -> int:
        return self.n_samples

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def __repr__(self) -> str:
        roles = ""
        if self._domain_column is not None:
            roles += f", domain_column={self._domain_column!r} ({self.n_domains} domains)"
        if self._time_column is not None:
            roles += f", time_column={self._time_column!r}"
        shown = format_columns(self._variables, limit=8)
        return (
            f"Dataset(n_samples={self.n_samples}, n_variables={self.n_variables}, "
            f"variables=({shown}){roles}, source={self._source!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        a, b = self._state(), other._state()
        for key in a:
            x, y = a[key], b[key]
            if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
                if x is None or y is None or x.shape != y.shape:
                    return False
                if not np.array_equal(x, y, equal_nan=x.dtype.kind == "f"):
                    return False
            elif key != "source" and x != y:
                return False
        return True

    __hash__ = None  # type: ignore[assignment]

    def _unknown_message(self, name: Hashable) -> str:
        role = ""
        if name is not None and name == self._domain_column:
            role = " (it is the domain column: use .domain)"
        elif name is not None and name == self._time_column:
            role = " (it is the time column: use .time)"
        return f"unknown variable {name!r}{role}; the variables are {format_columns(self._variables)}"


def _restore(state: dict[str, Any]) -> Dataset:
    return Dataset(**state)


# --------------------------------------------------------------------------- building


#: The options of the Dataset constructors (:meth:`Dataset.from_frame` less ``source``).
OPTION_NAMES = ("kinds", "domain_column", "time_column", "missing", "max_categories")


def check_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` as a dict, after checking that each is a Dataset option (:data:`OPTION_NAMES`).

    Raises
    ------
    InvalidParameterError
        Naming the unknown options and listing the known ones.
    """
    unknown = [k for k in options if k not in OPTION_NAMES]
    if unknown:
        raise InvalidParameterError(
            f"unknown option(s) {format_columns(unknown)}; the options are {format_columns(OPTION_NAMES)}"
        )
    return dict(options)


def _build(
    frame: pd.DataFrame,
    *,
    kinds: Mapping[str, ColumnKind | str] | None = None,
    domain_column: str | None = None,
    time_column: str | None = None,
    missing: MissingPolicy = "error",
    max_categories: int = 20,
    source: str = "DataFrame",
) -> Dataset:
    """Validate ``frame`` and build the Dataset (the work behind every constructor)."""
    # -- parameters
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"expected a pandas DataFrame; got {type(frame).__name__}")
    if missing not in MISSING_POLICIES:
        raise InvalidParameterError(
            f"missing must be one of {format_columns(MISSING_POLICIES)}; got {missing!r}"
        )
    if isinstance(max_categories, (bool, np.bool_)) or not isinstance(max_categories, (int, np.integer)) or max_categories < 2:
        raise InvalidParameterError(f"max_categories must be an integer >= 2; got {max_categories!r}")
    max_categories = int(max_categories)
    if kinds is not None and not isinstance(kinds, Mapping):
        raise InvalidParameterError(
            f"kinds must be a mapping from column name to kind; got {type(kinds).__name__}"
        )

    # -- shape and names
    where = "" if source in ("DataFrame", "array") else f" in {source!r}"
    if frame.shape[1] == 0:
        raise DataError(f"the table{where} has no columns")
    names = column_names(frame)
    if frame.shape[0] == 0:
        raise DataError(f"the table{where} has no rows (columns: {format_columns(names)})")
    if len(names) and names != list(frame.columns):
        frame = frame.set_axis(names, axis=1)

    available = set(names)
    for role, col in (("domain_column", domain_column), ("time_column", time_column)):
        if col is not None and col not in available:
            raise DataError(f"{role}={col!r} is not a column; the columns are {format_columns(names)}")
    if domain_column is not None and domain_column == time_column:
        raise InvalidParameterError(f"domain_column and time_column must differ; both are {domain_column!r}")
    roles = [c for c in (domain_column, time_column) if c is not None]

    forced: dict[str, ColumnKind] = {}
    for key, value in (kinds or {}).items():
        if key not in available:
            raise DataError(f"kinds names unknown column {key!r}; the columns are {format_columns(names)}")
        if key in roles:
            raise DataError(
                f"kinds names {key!r}, which is the {'domain' if key == domain_column else 'time'} column, "
                "not an analysis variable"
            )
        forced[key] = ColumnKind.parse(value, column=key)

    variables = [c for c in names if c not in roles]
    if not variables:
        raise DataError(
            f"the table{where} has no analysis columns besides the role column(s) {format_columns(roles)}"
        )

    # -- missing values
    used = variables + roles
    n_total = frame.shape[0]
    positions: np.ndarray = np.arange(n_total, dtype=np.int64)
    isna = frame[used].isna().to_numpy()
    counts = isna.sum(axis=0)
    all_missing = [c for c, k in zip(used, counts) if k == n_total]
    if all_missing:
        raise DataError(f"column(s) entirely missing: {format_columns(all_missing)}; drop them")
    n_dropped = 0
    if counts.any():
        listing = ", ".join(f"{c!r} ({int(k)} of {n_total} rows)" for c, k in zip(used, counts) if k)
        if missing == "error":
            n_rows = int(isna.any(axis=1).sum())
            raise DataError(
                f"missing values in column(s) {listing}. Pass missing='drop_rows' to drop the "
                f"{n_rows} incomplete row(s) (listwise deletion), or missing='keep' to keep them as "
                "NaN with a missing-value mask (for test-wise deletion)"
            )
        if missing == "keep":
            role_missing = [(c, np.flatnonzero(isna[:, len(variables) + i])) for i, c in enumerate(roles)]
            for c, rows in role_missing:
                if rows.size:
                    raise DataError(
                        f"role column {c!r} has missing values at {format_rows(rows)}; role columns "
                        "must be complete under missing='keep'; fill them or use missing='drop_rows'"
                    )
        else:  # drop_rows
            keep = ~isna.any(axis=1)
            n_dropped = int(n_total - keep.sum())
            positions = np.flatnonzero(keep).astype(np.int64)
            frame = frame.iloc[positions]
            logger.info(
                "dropped %d of %d rows with missing values (missing='drop_rows'); missing per column: %s",
                n_dropped, n_total, listing,
            )
    n_rows = int(positions.size)
    if n_rows < 2:
        raise DataError(
            f"only {n_rows} row(s) left after missing-value handling (missing={missing!r}, "
            f"{n_dropped} of {n_total} dropped); at least 2 are needed"
        )

    # -- domain
    domain = domain_labels = None
    if domain_column is not None:
        codes, domain_labels = codes_from_labels(frame[domain_column], domain_column)
        domain = codes
        if len(domain_labels) == 1:
            logger.warning(
                "domain column %r holds a single domain (%r); multi-domain methods will find no change "
                "across domains",
                domain_column, domain_labels[0],
            )

    # -- time
    time = None
    if time_column is not None:
        time = encode_time(time_column, frame[time_column], domain, positions)

    # -- analysis columns
    values = np.empty((n_rows, len(variables)), dtype=np.float64)
    kind_of: dict[str, ColumnKind] = {}
    categories: dict[str, tuple[Any, ...]] = {}
    for j, name in enumerate(variables):
        enc = encode_column(
            name, frame[name], forced.get(name),
            n_rows=n_rows, max_categories=max_categories, positions=positions,
        )
        values[:, j] = enc.values
        kind_of[name] = enc.kind
        if enc.labels is not None:
            categories[name] = enc.labels

    return Dataset(
        variables=tuple(variables),
        kinds=kind_of,
        values=values,
        categories=categories,
        domain=domain,
        domain_column=domain_column,
        domain_labels=domain_labels,
        time=time,
        time_column=time_column,
        missing_policy=missing,
        n_dropped_rows=n_dropped,
        row_positions=positions,
        source=source,
    )

