"""Probability tables: joint distributions over discrete variables, from models or data.

A :class:`ProbabilityTable` is a labelled array with one axis per variable; it
marginalises, conditions and looks up probabilities by state label. Estimands
(:mod:`causalscope.identification.estimand`) are evaluated on it, and
:func:`as_probability_table` turns data (plug-in frequencies), long tables and
discrete models (``causalscope.scm``) into one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError, InvalidParameterError

__all__ = ["ProbabilityTable", "as_probability_table"]


@dataclass(frozen=True, eq=False)
class ProbabilityTable:
    """A non-negative table over discrete variables: a joint distribution or a factor.

    Attributes
    ----------
    variables:
        The variables, one per axis of :attr:`values`.
    states:
        The state labels of each variable (axis ``k`` is indexed by
        ``states[variables[k]]``).
    values:
        The table, shape ``(|X_1|, ..., |X_k|)``; read-only. A joint distribution sums
        to one; the value of an estimand over its free variables need not.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"X": [0, 0, 1, 1], "Y": [0, 1, 1, 1]})
    >>> p = ProbabilityTable.from_data(data)
    >>> p.probability({"X": 1, "Y": 1})
    0.5
    >>> p.marginal(["Y"]).values.tolist()
    [0.25, 0.75]
    >>> p.condition({"X": 0}).values.tolist()
    [0.5, 0.5]
    """

    variables: tuple[str, ...]
    states: Mapping[str, tuple[Any, ...]]
    values: np.ndarray

    def __post_init__(self) -> None:
        variables = tuple(self.variables)
        if len(set(variables)) != len(variables):
            raise InvalidParameterError(f"variables must be distinct; got {list(variables)}")
        try:
            states = {v: tuple(self.states[v]) for v in variables}
        except KeyError as exc:
            raise InvalidParameterError(f"states has no entry for variable {exc.args[0]!r}") from None
        values = np.array(self.values, dtype=float)
        shape = tuple(len(states[v]) for v in variables)
        if values.shape != shape:
            raise InvalidParameterError(
                f"values must have shape {shape} for variables {list(variables)}; got {values.shape}"
            )
        if values.size and (not np.all(np.isfinite(values)) or values.min() < 0):
            raise InvalidParameterError("values must be finite and non-negative")
        values.setflags(write=False)
        object.__setattr__(self, "variables", variables)
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "values", values)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_data(cls, data: Any, *, variables: Iterable[str] | None = None) -> ProbabilityTable:
        """The empirical joint distribution (relative frequencies) of discrete data.

        Parameters
        ----------
        data:
            A pandas DataFrame (one column per variable) or a causalscope
            :class:`~causalscope.data.Dataset`.
        variables:
            Columns to use (default: all).

        Raises
        ------
        DataError
            If the data are empty or a column is missing.
        """
        if hasattr(data, "to_frame") and not isinstance(data, pd.DataFrame):
            data = data.to_frame()
        if not isinstance(data, pd.DataFrame):
            raise InvalidParameterError(f"data must be a pandas DataFrame or a Dataset; got {type(data).__name__}")
        cols = list(data.columns) if variables is None else list(variables)
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise DataError(f"data has no column(s) {missing}; columns are {list(data.columns)}")
        if len(data) == 0:
            raise DataError("data must have at least one row to estimate frequencies")
        frame = data[cols]
        if frame.isna().any().any():
            bad = [c for c in cols if frame[c].isna().any()]
            raise DataError(f"data has missing values in column(s) {bad}; drop or impute them first")
        states: dict[str, tuple[Any, ...]] = {}
        codes = []
        for c in cols:
            cat = pd.Categorical(frame[c])
            states[str(c)] = tuple(cat.categories.tolist())
            codes.append(np.asarray(cat.codes, dtype=np.int64))
        shape = tuple(len(states[str(c)]) for c in cols)
        flat = np.ravel_multi_index(tuple(codes), shape) if cols else np.zeros(len(frame), dtype=np.int64)
        counts = np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape)
        return cls(tuple(str(c) for c in cols), states, counts / counts.sum())

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, probability: str = "probability") -> ProbabilityTable:
        """A joint distribution from a long table: one column per variable and a probability column.

        Combinations not listed have probability zero.

        Examples
        --------
        >>> import pandas as pd
        >>> f = pd.DataFrame({"A": [0, 1], "probability": [0.2, 0.8]})
        >>> ProbabilityTable.from_frame(f).probability({"A": 1})
        0.8
        """
        if probability not in frame.columns:
            raise DataError(f"frame has no probability column {probability!r}; columns are {list(frame.columns)}")
        cols = [c for c in frame.columns if c != probability]
        states = {str(c): tuple(pd.Categorical(frame[c]).categories.tolist()) for c in cols}
        shape = tuple(len(states[str(c)]) for c in cols)
        values = np.zeros(shape)
        codes = tuple(np.asarray(pd.Categorical(frame[c]).codes) for c in cols)
        np.add.at(values, codes, frame[probability].to_numpy(dtype=float))
        table = cls(tuple(str(c) for c in cols), states, values)
        table._check_normalised("frame")
        return table

    @classmethod
    def from_array(
        cls, values: Any, variables: Iterable[str], states: Mapping[str, Iterable[Any]] | None = None
    ) -> ProbabilityTable:
        """A joint distribution from an array with one axis per variable (states 0, 1, ... by default)."""
        arr = np.asarray(values, dtype=float)
        names = tuple(variables)
        if arr.ndim != len(names):
            raise InvalidParameterError(f"values has {arr.ndim} axes but {len(names)} variables were named")
        st = {v: tuple(range(arr.shape[k])) for k, v in enumerate(names)} if states is None else states
        table = cls(names, st, arr)  # type: ignore[arg-type]  # __post_init__ makes each states entry a tuple
        table._check_normalised("values")
        return table

    @classmethod
    def from_model(cls, model: Any, variables: Iterable[str] | None = None) -> ProbabilityTable:
        """The joint of a discrete model (``causalscope.scm.DiscreteBN``) over ``variables``.

        Parameters
        ----------
        model:
            An object with ``marginal(variables)`` and ``joint()`` returning a
            distribution with ``variables``, ``states`` and ``values``.
        variables:
            The observed variables; every other variable of the model (the latent
            ones) is summed out. ``None``: all variables.

        Examples
        --------
        >>> from causalscope.graphs import DAG
        >>> from causalscope.scm import DiscreteBN
        >>> bn = DiscreteBN(DAG(["U", "X"], [("U", "X")]), {"U": ["0", "1"], "X": ["0", "1"]},
        ...                 {"U": [0.5, 0.5], "X": [[0.9, 0.1], [0.2, 0.8]]})
        >>> ProbabilityTable.from_model(bn, ["X"]).values.tolist()
        [0.55, 0.45]
        """
        dist = model.joint() if variables is None else model.marginal(list(variables))
        return as_probability_table(dist)

    def _check_normalised(self, what: str) -> None:
        total = float(self.values.sum())
        if abs(total - 1.0) > 1e-8:
            raise InvalidParameterError(f"{what} must sum to 1 as a joint distribution; sums to {total:.6g}")

    # ------------------------------------------------------------------ operations
    def _axes(self, names: Iterable[str], what: str) -> list[int]:
        out = []
        for n in names:
            if n not in self.states:
                raise InvalidParameterError(
                    f"unknown variable {n!r} in {what}; the table is over {list(self.variables)}"
                )
            out.append(self.variables.index(n))
        return out

    def state_index(self, variable: str, state: Any) -> int:
        """Position of ``state`` among the states of ``variable`` (matched exactly, then as text)."""
        labels = self.states[variable]
        if state in labels:
            return labels.index(state)
        text = [str(s) for s in labels]
        if str(state) in text:
            return text.index(str(state))
        raise InvalidParameterError(
            f"unknown state {state!r} of variable {variable!r}; valid states: {list(labels)}"
        )

    def marginal(self, variables: Iterable[str]) -> ProbabilityTable:
        """The table summed over every variable not in ``variables`` (kept in the order given)."""
        keep = list(dict.fromkeys(variables))
        axes = self._axes(keep, "marginal")
        drop = tuple(i for i in range(len(self.variables)) if i not in axes)
        summed = self.values.sum(axis=drop) if drop else self.values
        remaining = [i for i in range(len(self.variables)) if i in axes]
        perm = [remaining.index(a) for a in axes]
        return ProbabilityTable(tuple(keep), {v: self.states[v] for v in keep}, np.transpose(summed, perm))

    def condition(self, evidence: Mapping[str, Any]) -> ProbabilityTable:
        """The distribution of the other variables given ``evidence`` (renormalised).

        Raises
        ------
        InvalidParameterError
            If the evidence has probability zero.
        """
        self._axes(evidence, "evidence")
        index = tuple(
            self.state_index(v, evidence[v]) if v in evidence else slice(None) for v in self.variables
        )
        sub = self.values[index]
        total = float(sub.sum())
        if total <= 0:
            raise InvalidParameterError(f"the evidence {dict(evidence)} has probability zero")
        rest = tuple(v for v in self.variables if v not in evidence)
        return ProbabilityTable(rest, {v: self.states[v] for v in rest}, sub / total)

    def probability(self, assignment: Mapping[str, Any]) -> float:
        """The table entry at ``assignment`` (summed over variables not assigned)."""
        self._axes(assignment, "assignment")
        index = tuple(
            self.state_index(v, assignment[v]) if v in assignment else slice(None) for v in self.variables
        )
        return float(np.sum(self.values[index]))

    def to_frame(self, *, probability: str = "probability") -> pd.DataFrame:
        """The long table: one row per joint state."""
        rows = list(itertools.product(*(self.states[v] for v in self.variables)))
        frame = pd.DataFrame(rows, columns=list(self.variables))
        frame[probability] = self.values.reshape(-1)
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: variables, states and the flattened values."""
        return {
            "variables": list(self.variables),
            "states": {v: [s if isinstance(s, (int, float, str)) else str(s) for s in self.states[v]] for v in self.variables},
            "values": self.values.reshape(-1).tolist(),
        }


def as_probability_table(distribution: Any) -> ProbabilityTable:
    """Coerce a distribution-like object to a :class:`ProbabilityTable`.

    Accepts a ``ProbabilityTable``; a pandas DataFrame with a ``probability`` column
    (a long joint table) or without one (data: empirical frequencies); a causalscope
    ``Dataset`` (data); an object with ``variables``, ``states`` and ``values``
    attributes (``causalscope.scm.DiscreteDistribution``); an object with a
    ``joint()`` method (``causalscope.scm.DiscreteBN``, whose joint includes every
    variable of the model: marginalise latent ones away first).

    Raises
    ------
    InvalidParameterError
        For anything else.
    """
    if isinstance(distribution, ProbabilityTable):
        return distribution
    if isinstance(distribution, pd.DataFrame):
        if "probability" in distribution.columns:
            return ProbabilityTable.from_frame(distribution)
        return ProbabilityTable.from_data(distribution)
    if all(hasattr(distribution, a) for a in ("variables", "states", "values")) and not callable(
        getattr(distribution, "values", None)
    ):
        return ProbabilityTable(tuple(distribution.variables), dict(distribution.states), distribution.values)
    if callable(getattr(distribution, "joint", None)):
        return as_probability_table(distribution.joint())
    if callable(getattr(distribution, "to_frame", None)):
        return ProbabilityTable.from_data(distribution)
    raise InvalidParameterError(
        "distribution must be a ProbabilityTable, a DataFrame (data or a long table with a "
        f"'probability' column), a Dataset, or a discrete model with joint(); got {type(distribution).__name__}"
    )
