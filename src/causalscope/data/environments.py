"""One input for data from several environments (labs, sites, experimental conditions).

Methods that learn from heterogeneity (invariant causal prediction and its
variants, :mod:`causalscope.discovery.icp`) read their data through
:func:`as_environments`, which accepts

* a :class:`~causalscope.data.Dataset` whose domain role names the environment
  (``read_data(path, domain_column="E")``),
* a pandas DataFrame plus the name of its environment column, or
* a list of DataFrames, one per environment, with the same columns,

and returns a frozen :class:`Environments`: the pooled numeric values, the
environment of every row (integer codes), the environments' names and the
metadata a method may use (which environments are interventional, and their
known intervention targets, if any).

The checks are the ones every such method needs: at least two environments,
every environment with at least as many rows as variables (otherwise a
per-environment fit is impossible), an environment column that is categorical
rather than continuous, the same columns in every frame of a list, and known
targets that are variables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError, InvalidParameterError
from .dataset import Dataset

__all__ = ["Environments", "as_environments", "MAX_ENVIRONMENTS"]

#: Most distinct values a numeric environment column may hold before it counts as continuous.
MAX_ENVIRONMENTS = 20


@dataclass(frozen=True, eq=False)
class Environments:
    """Pooled data from several environments (see :func:`as_environments`).

    Attributes
    ----------
    values : numpy.ndarray
        ``(n, p)`` float values of the variables, all environments stacked (read-only).
    variables : tuple of str
        The variable names, in column order (the environment column excluded).
    labels : numpy.ndarray
        ``(n,)`` integer code of each row's environment, ``0 .. n_environments - 1``.
    names : tuple of str
        The name of each environment (its label in the data, as text).
    interventional : tuple of bool
        Per environment: whether it is an interventional (rather than
        observational) one; all False when not given.
    targets : tuple
        Per environment: the known intervention targets (a tuple of variable
        names), or None when unknown.
    """

    values: np.ndarray
    variables: tuple[str, ...]
    labels: np.ndarray
    names: tuple[str, ...]
    interventional: tuple[bool, ...]
    targets: tuple[tuple[str, ...] | None, ...]

    @property
    def n_environments(self) -> int:
        """The number of environments."""
        return len(self.names)

    @property
    def n_variables(self) -> int:
        """The number of variables."""
        return len(self.variables)

    def rows_of(self, e: int | str) -> np.ndarray:
        """The row indices of environment ``e`` (its code or its name)."""
        code = self.code_of(e)
        return np.flatnonzero(self.labels == code)

    def code_of(self, e: int | str) -> int:
        """The integer code of environment ``e`` (a code or a name)."""
        if isinstance(e, (int, np.integer)) and not isinstance(e, bool):
            if 0 <= int(e) < self.n_environments:
                return int(e)
            raise InvalidParameterError(f"environment code must be in 0..{self.n_environments - 1}; got {e}")
        if isinstance(e, str) and e in self.names:
            return self.names.index(e)
        raise InvalidParameterError(f"unknown environment {e!r}; environments are {list(self.names)}")

    def index_of(self, name: str) -> int:
        """The column index of variable ``name``."""
        if name not in self.variables:
            raise DataError(f"{name!r} is not a variable; variables are {list(self.variables)}")
        return self.variables.index(name)

    def sizes(self) -> np.ndarray:
        """The number of rows of each environment."""
        return np.bincount(self.labels, minlength=self.n_environments)


def _frame_values(frame: pd.DataFrame, what: str) -> tuple[np.ndarray, tuple[str, ...]]:
    dataset = Dataset.from_frame(frame, source=what)
    return np.asarray(dataset.values, dtype=float), tuple(dataset.variables)


def _check_labels(labels: pd.Series, column: str) -> tuple[np.ndarray, tuple[str, ...]]:
    if labels.isna().any():
        raise DataError(f"environment column {column!r} has {int(labels.isna().sum())} missing values; "
                        "every row needs an environment")
    n_distinct = int(labels.nunique())
    if pd.api.types.is_float_dtype(labels.dtype) and n_distinct > MAX_ENVIRONMENTS:
        raise DataError(f"environment column {column!r} looks continuous: it has {n_distinct} distinct float values "
                        f"(at most {MAX_ENVIRONMENTS} expected); bin it or name a categorical column")
    codes, uniques = pd.factorize(labels, sort=True)
    return np.asarray(codes, dtype=np.int64), tuple(str(u) for u in uniques)


def _per_environment(value: object, names: tuple[str, ...], what: str) -> list[Any]:
    """``value`` (None, a sequence per environment or a mapping name -> value) as one entry per environment."""
    if value is None:
        return [None] * len(names)
    if isinstance(value, Mapping):
        unknown = [k for k in value if str(k) not in names]
        if unknown:
            raise DataError(f"{what} names unknown environments {unknown}; environments are {list(names)}")
        by_name = {str(k): v for k, v in value.items()}
        return [by_name.get(n) for n in names]
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InvalidParameterError(f"{what} must be a sequence (one entry per environment) or a mapping "
                                    f"environment -> value; got {type(value).__name__}")
    if len(value) != len(names):
        raise DataError(f"{what} has {len(value)} entries; expected one per environment ({len(names)})")
    return list(value)


def as_environments(
    data: Any,
    *,
    environment_column: str | None = None,
    interventional: Sequence[bool] | Mapping[Any, bool] | None = None,
    targets: Sequence[Sequence[str] | None] | Mapping[Any, Sequence[str] | None] | None = None,
) -> Environments:
    """Read data from several environments into one :class:`Environments` value.

    Parameters
    ----------
    data:
        A :class:`~causalscope.data.Dataset` with a domain role (or with
        ``environment_column`` among its variables), a DataFrame with the
        column ``environment_column``, an :class:`Environments` (returned as
        is when no metadata is given), or a list of DataFrames, one per
        environment (named ``"0"``, ``"1"``, ...) with the same columns.
    environment_column:
        The column holding the environment label (not needed for a list, or for
        a Dataset whose domain role names it).
    interventional:
        Per environment (in the order of the sorted labels, or a mapping
        name -> bool): whether it is interventional. Environments with known
        targets count as interventional.
    targets:
        Per environment (sequence or mapping name -> names): its known
        intervention targets, or None when unknown.

    Raises
    ------
    DataError
        One environment only; an environment with fewer rows than variables; a
        continuous environment column (its number of distinct values is given);
        frames of a list with different columns; a target that is not a
        variable; missing or constant values (as :class:`Dataset`).
    InvalidParameterError
        A missing ``environment_column`` or a data type that is not accepted.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"X": [0.1, 0.5, -0.3, 1.2], "Y": [1.0, 0.2, 0.4, 2.0]})
    >>> b = pd.DataFrame({"X": [2.1, 2.5, 1.7, 3.0], "Y": [3.0, 2.2, 2.4, 4.1]})
    >>> env = as_environments([a, b], targets=[None, ["X"]])
    >>> env.n_environments, env.variables, env.interventional, env.rows_of(1).tolist()
    (2, ('X', 'Y'), (False, True), [4, 5, 6, 7])
    """
    if isinstance(data, Environments):
        if interventional is None and targets is None and environment_column is None:
            return data
        values, variables, labels, names = data.values, data.variables, data.labels, data.names
    elif isinstance(data, (list, tuple)):
        if not data or not all(isinstance(f, pd.DataFrame) for f in data):
            raise InvalidParameterError("a list of environments must hold pandas DataFrames, one per environment")
        first = [str(c) for c in data[0].columns]
        for i, frame in enumerate(data[1:], start=1):
            cols = [str(c) for c in frame.columns]
            if set(cols) != set(first) or len(cols) != len(first):
                missing = sorted(set(first) - set(cols))
                extra = sorted(set(cols) - set(first))
                raise DataError(f"environment {i} has different columns from environment 0 "
                                f"(missing {missing}, extra {extra}); every frame needs the same columns")
        frames = [f.rename(columns=str)[first] for f in data]
        pooled = pd.concat(frames, ignore_index=True)
        values, variables = _frame_values(pooled, "list of DataFrames")
        labels = np.repeat(np.arange(len(frames), dtype=np.int64), [len(f) for f in frames])
        names = tuple(str(i) for i in range(len(frames)))
    elif isinstance(data, pd.DataFrame):
        if environment_column is None:
            raise InvalidParameterError("environment_column must name the environment column of the data frame; got None")
        if environment_column not in data.columns:
            raise DataError(f"environment_column {environment_column!r} is not a column of the data; "
                            f"columns are {list(map(str, data.columns))}")
        labels, names = _check_labels(data[environment_column], environment_column)
        values, variables = _frame_values(data.drop(columns=[environment_column]), "DataFrame")
    elif isinstance(data, Dataset):
        role = data.domain_column
        if environment_column is None or environment_column == role:
            if role is None or data.domain is None:
                raise InvalidParameterError("environment_column is None and the Dataset has no domain column; "
                                            f"name the environment column (variables: {list(data.variables)})")
            raw = pd.Series(np.asarray(data.domain_labels, dtype=object)[np.asarray(data.domain)])
            if all(isinstance(v, (float, np.floating)) for v in data.domain_labels or ()):
                raw = raw.astype(float)
            labels, names = _check_labels(raw, str(role))
            values, variables = np.asarray(data.values, dtype=float), tuple(data.variables)
        else:
            frame = data.to_frame(decode=True, include_roles=False)
            return as_environments(frame, environment_column=environment_column,
                                   interventional=interventional, targets=targets)
    else:
        raise InvalidParameterError("data must be a Dataset with a domain column, a DataFrame with an environment "
                                    f"column, or a list of DataFrames; got {type(data).__name__}")
    if len(names) < 2:
        raise DataError(f"the data hold one environment only ({names[0] if names else 'none'!s}); "
                        "invariance across environments needs at least two")
    sizes = np.bincount(labels, minlength=len(names))
    p = len(variables)
    small = [f"{names[e]} ({int(sizes[e])} rows)" for e in range(len(names)) if sizes[e] < p]
    if small:
        raise DataError(f"environments with fewer rows than variables ({p}): {', '.join(small)}")
    tgt_raw = _per_environment(targets, names, "targets")
    tgts: list[tuple[str, ...] | None] = []
    for e, t in enumerate(tgt_raw):
        if t is None:
            tgts.append(None)
            continue
        items = (t,) if isinstance(t, str) else tuple(str(v) for v in t)
        unknown = [v for v in items if v not in variables]
        if unknown:
            raise DataError(f"targets of environment {names[e]!r} name unknown variables {unknown}; "
                            f"variables are {list(variables)}")
        tgts.append(items)
    inter_raw = _per_environment(interventional, names, "interventional")
    inter = tuple(bool(v) if v is not None else (tgts[e] is not None and len(tgts[e] or ()) > 0)
                  for e, v in enumerate(inter_raw))
    vals = np.array(values, dtype=float)
    vals.setflags(write=False)
    labs = np.array(labels, dtype=np.int64)
    labs.setflags(write=False)
    return Environments(vals, tuple(variables), labs, tuple(names), inter, tuple(tgts))
