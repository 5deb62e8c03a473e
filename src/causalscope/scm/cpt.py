"""Conditional probability tables (CPTs) of discrete Bayesian networks.

A discrete Bayesian network factorises a joint distribution over categorical
variables as a product of one conditional distribution per variable given its
parents, ``P(x_1, ..., x_n) = prod_i P(x_i | pa_i)``. Each factor is a
*conditional probability table*: for every configuration of the parents, a
probability vector over the child's states. In the language of Jacobs,
Kissinger & Zanasi (2019) a CPT is a stochastic matrix (a channel) from the
parents' joint state space to the child's state space.

Layout
------
A :class:`CPT` stores its numbers as a numpy array whose **parent axes come
first, in the order of** :attr:`CPT.parents`, **and whose child axis is last**::

    table.shape == (|pa_1|, ..., |pa_k|, |child|)
    table[i_1, ..., i_k, :]   # P(child | pa_1 = s_{i_1}, ..., pa_k = s_{i_k})

so every "row" ``table[..., :]`` sums to one and a root variable's table is a
plain probability vector. State ``j`` of a variable is ``states[variable][j]``.

References
----------
.. [1] Koller, D. & Friedman, N. (2009). *Probabilistic Graphical Models:
   Principles and Techniques*. MIT Press, ch. 3 and 5.
.. [2] Jacobs, B., Kissinger, A. & Zanasi, F. (2019). Causal inference by string
   diagram surgery. FoSSaCS 2019, LNCS 11425, 313-329.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..exceptions import InvalidParameterError

__all__ = ["CPT", "InvalidCPTError", "CPT_ATOL"]

#: Default tolerance on ``|sum(row) - 1|`` for a CPT row to count as normalised.
CPT_ATOL = 1e-6


class InvalidCPTError(InvalidParameterError):
    """A conditional probability table is malformed; the message names the variable.

    Attributes
    ----------
    variable:
        The child variable whose table is invalid.
    """

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"CPT of {variable!r}: {message}")
        self.variable = variable


def _as_states(variable: str, states: Sequence[Any]) -> tuple[str, ...]:
    if isinstance(states, str):
        raise InvalidCPTError(variable, f"states must be a sequence of names, got the string {states!r}")
    out = tuple(str(s) for s in states)
    if not out:
        raise InvalidCPTError(variable, "a variable needs at least one state; got none")
    if len(set(out)) != len(out):
        dup = sorted({s for s in out if out.count(s) > 1})
        raise InvalidCPTError(variable, f"state names must be distinct; repeated: {dup}")
    return out


@dataclass(frozen=True, eq=False)
class CPT:
    """The conditional distribution of one variable given its parents.

    Parameters
    ----------
    variable:
        The child variable's name.
    parents:
        Parent names; their order is the order of the leading table axes.
    states:
        State names of the child and of every parent (extra keys are ignored).
    table:
        Array of shape ``(|pa_1|, ..., |pa_k|, |child|)``: parent axes first, the
        child axis last; every row ``table[..., :]`` must be non-negative and sum
        to one within ``atol``. The stochastic-matrix form of shape
        ``(prod |pa_i|, |child|)`` (last parent fastest, see :meth:`matrix`) is
        accepted too. It is stored as a read-only float64 copy.
    atol:
        Tolerance on the row sums (default :data:`CPT_ATOL`).

    Raises
    ------
    InvalidCPTError
        If the shape does not match the state counts, an entry is negative or not
        finite, a row does not sum to one, a parent is repeated or equals the
        child, or a state list is missing.

    Examples
    --------
    >>> cpt = CPT("rain", ("season",), {"season": ("dry", "wet"), "rain": ("no", "yes")},
    ...           [[0.9, 0.1], [0.4, 0.6]])
    >>> cpt.shape
    (2, 2)
    >>> cpt.row(season="wet")
    {'no': 0.4, 'yes': 0.6}
    """

    variable: str
    parents: tuple[str, ...]
    states: Mapping[str, tuple[str, ...]]
    table: np.ndarray
    atol: float = field(default=CPT_ATOL, repr=False)

    def __post_init__(self) -> None:
        var = str(self.variable)
        parents = tuple(str(p) for p in self.parents)
        if len(set(parents)) != len(parents):
            raise InvalidCPTError(var, f"parents must be distinct; got {list(parents)}")
        if var in parents:
            raise InvalidCPTError(var, "a variable cannot be its own parent")
        states: dict[str, tuple[str, ...]] = {}
        for v in (*parents, var):
            if v not in self.states:
                raise InvalidCPTError(var, f"no state names given for {v!r}")
            states[v] = _as_states(v, self.states[v])
        try:
            table = np.array(self.table, dtype=float)
        except (TypeError, ValueError) as exc:
            raise InvalidCPTError(var, f"the table must be numeric; {exc}") from exc
        expected = tuple(len(states[p]) for p in parents) + (len(states[var]),)
        if table.shape != expected:
            if table.shape == (int(np.prod(expected[:-1])), expected[-1]):  # stochastic-matrix form
                table = table.reshape(expected)
            else:
                raise InvalidCPTError(
                    var,
                    f"expected a table of shape {expected} (parents {list(parents)} first, "
                    f"{var!r} last); got shape {table.shape}",
                )
        if not np.all(np.isfinite(table)):
            raise InvalidCPTError(var, "the table holds a non-finite entry (nan or inf)")
        if np.any(table < 0):
            idx = tuple(int(i) for i in np.argwhere(table < 0)[0])
            raise InvalidCPTError(var, f"probabilities must be non-negative; got {table[idx]} at {self._label(idx, parents, states, var)}")
        sums = table.sum(axis=-1)
        bad = np.abs(sums - 1.0) > self.atol
        if np.any(bad):
            idx = tuple(int(i) for i in np.argwhere(bad)[0]) if parents else ()
            where = self._config_label(idx, parents, states) if parents else "the table"
            raise InvalidCPTError(
                var, f"each row must sum to 1 (within {self.atol:g}); {where} sums to {float(sums[idx]):.10g}"
            )
        table.setflags(write=False)
        object.__setattr__(self, "variable", var)
        object.__setattr__(self, "parents", parents)
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "table", table)

    @staticmethod
    def _config_label(idx: tuple[int, ...], parents: tuple[str, ...], states: Mapping[str, tuple[str, ...]]) -> str:
        return "the row for " + ", ".join(f"{p}={states[p][i]}" for p, i in zip(parents, idx, strict=False))

    @staticmethod
    def _label(idx: tuple[int, ...], parents: tuple[str, ...], states: Mapping[str, tuple[str, ...]], var: str) -> str:
        parts = [f"{p}={states[p][i]}" for p, i in zip(parents, idx[:-1], strict=False)]
        return f"{var}={states[var][idx[-1]]}" + (" given " + ", ".join(parts) if parts else "")

    # ------------------------------------------------------------------ views
    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of :attr:`table`: parent cardinalities then the child's."""
        return tuple(int(s) for s in self.table.shape)

    @property
    def scope(self) -> tuple[str, ...]:
        """The variables of the table's axes: ``(*parents, variable)``."""
        return (*self.parents, self.variable)

    def matrix(self) -> np.ndarray:
        """The table as a stochastic matrix ``(prod |pa|, |child|)``.

        Rows enumerate parent configurations with the **last** parent varying
        fastest (C order); row ``r`` sums to one.
        """
        return self.table.reshape(-1, self.table.shape[-1])

    def row(self, **parent_states: str) -> dict[str, float]:
        """The child's distribution for one parent configuration, as ``{state: p}``.

        Raises
        ------
        InvalidParameterError
            If a parent is missing or unknown, or a state is not one of its states.
        """
        idx = []
        for p in self.parents:
            if p not in parent_states:
                raise InvalidParameterError(f"row of {self.variable!r}: give a state for every parent; missing {p!r}")
            s = str(parent_states[p])
            if s not in self.states[p]:
                raise InvalidParameterError(f"unknown state {s!r} of {p!r}; valid states: {', '.join(self.states[p])}")
            idx.append(self.states[p].index(s))
        extra = set(parent_states) - set(self.parents)
        if extra:
            raise InvalidParameterError(f"row of {self.variable!r}: {sorted(extra)} are not parents; parents: {list(self.parents)}")
        vec = self.table[tuple(idx)]
        return {s: float(x) for s, x in zip(self.states[self.variable], vec, strict=True)}

    def reorder(self, parents: Sequence[str]) -> CPT:
        """The same CPT with its parent axes in another order."""
        parents = tuple(parents)
        if sorted(parents) != sorted(self.parents):
            raise InvalidCPTError(self.variable, f"cannot reorder parents {list(self.parents)} as {list(parents)}")
        perm = [self.parents.index(p) for p in parents] + [len(parents)]
        return CPT(self.variable, parents, self.states, np.transpose(self.table, perm), atol=self.atol)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CPT):
            return NotImplemented
        return (
            self.variable == other.variable
            and self.parents == other.parents
            and dict(self.states) == dict(other.states)
            and np.array_equal(self.table, other.table)
        )

    def __hash__(self) -> int:
        return hash((self.variable, self.parents, self.table.shape))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the table as nested lists, child axis last)."""
        return {
            "variable": self.variable,
            "parents": list(self.parents),
            "states": {v: list(s) for v, s in self.states.items()},
            "table": self.table.tolist(),
        }
