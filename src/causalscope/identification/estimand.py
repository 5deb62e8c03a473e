"""Symbolic estimands: formulas over observed probabilities, printable and evaluable.

An *estimand* is the answer of identification: a formula that computes a causal
quantity such as ``P(Y | do(X))`` from the distribution of the observed variables
alone. The formulas are built from four pieces,

``Probability(A, given=B)``
    the observational conditional ``P(A | B)``;
``Product(f1, f2, ...)``
    the product of factors (the empty product is 1);
``Sum(over, body)``
    the sum of ``body`` over all values of the variables ``over``;
``Fraction(numerator, denominator)``
    a ratio (IDC and conditional queries produce them).

Variables are names. A variable not bound by an enclosing ``Sum`` is *free*: it
takes the value given when the estimand is evaluated (the outcome value ``y``, the
intervention value ``x``, the conditioning value ``z``). Scoping is lexical: a
``Sum`` over ``X`` inside a formula in which ``X`` is free (the front-door formula
``Σ_m P(m | x) Σ_x' P(y | x', m) P(x')``) binds its own copy; the printer shows such
a shadowing copy with a prime.

Every estimand evaluates on a :class:`ProbabilityTable` (a joint distribution over
discrete observed variables), on a pandas DataFrame of discrete data (plug-in:
empirical frequencies), or on any object with a ``joint()`` method or with
``variables``/``states``/``values`` attributes (a discrete Bayesian network or its
distribution). So every identification result can be checked numerically against
the interventional truth of a model.

:func:`simplify` applies exact rewriting rules (sums over variables that do not
occur are dropped; ``Σ_a P(a, b | c) = P(b | c)``; ``P(a | b, c) P(b | c) = P(a, b | c)``;
``P(a, b | c) / P(b | c) = P(a | b, c)``; with a graph, conditioning variables
m-separated from the target are dropped), which turn the raw output of the ID
algorithm into the textbook formulas (Tikka & Karvanen 2017 describe a fuller set).

References
----------
Shpitser, I., & Pearl, J. (2006). Identification of joint interventional
distributions in recursive semi-Markovian causal models. *AAAI*, 1219-1226.

Tikka, S., & Karvanen, J. (2017). Simplifying probabilistic expressions in causal
inference. *JMLR*, 18(36), 1-30.
"""

from __future__ import annotations

import contextvars
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError, InvalidParameterError

__all__ = [
    "ProbabilityTable",
    "as_probability_table",
    "Estimand",
    "Probability",
    "Product",
    "Sum",
    "Fraction",
    "simplify",
]


def _natural_key(name: str) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def _sorted(names: Iterable[str]) -> list[str]:
    return sorted(names, key=_natural_key)


# ============================================================================ tables
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
        table = cls(names, st, arr)
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


# ============================================================================ factors
class _Factor:
    """A labelled array used during evaluation."""

    __slots__ = ("variables", "array")

    def __init__(self, variables: tuple[str, ...], array: np.ndarray) -> None:
        self.variables = variables
        self.array = array

    def expand(self, target: tuple[str, ...]) -> np.ndarray:
        perm = [self.variables.index(v) for v in target if v in self.variables]
        arr = np.transpose(self.array, perm) if perm else self.array
        shape = [arr.shape[perm.index(self.variables.index(v))] if v in self.variables else 1 for v in target]
        return arr.reshape(shape)


class _Context:
    def __init__(self, table: ProbabilityTable) -> None:
        self.table = table
        self.cache: dict[tuple[str, ...], np.ndarray] = {}

    def marginal(self, variables: tuple[str, ...]) -> np.ndarray:
        if variables not in self.cache:
            self.cache[variables] = self.table.marginal(variables).values
        return self.cache[variables]


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num, den = np.broadcast_arrays(num, den)
    out = np.zeros(num.shape)
    np.divide(num, den, out=out, where=den > 0)
    return out


# ============================================================================ expressions
class Estimand:
    """Base class of the estimand expression tree (see the module notes)."""

    __slots__ = ()

    @property
    def free_variables(self) -> frozenset[str]:
        """Variables not bound by a sum inside this expression."""
        raise NotImplementedError

    def _eval(self, ctx: _Context) -> _Factor:
        raise NotImplementedError

    def _text(self, rename: Mapping[str, str], latex: bool) -> str:
        raise NotImplementedError

    def _render(self, latex: bool, context: Iterable[str]) -> str:
        token = _outer_free.set(frozenset(context))
        try:
            return self._text({}, latex)
        finally:
            _outer_free.reset(token)

    def to_text(self, context: Iterable[str] = ()) -> str:
        """Plain text with ``Σ``: ``Σ_{Z} P(Y | X, Z) P(Z)``.

        ``context``: variables that are free around the expression (the query's
        treatment, outcome and conditioning variables); a sum binding one of them is
        shown with a primed name.
        """
        return self._render(False, context)

    def to_latex(self, context: Iterable[str] = ()) -> str:
        r"""LaTeX: ``\sum_{Z} P(Y \mid X, Z) P(Z)`` (``context`` as in :meth:`to_text`)."""
        return self._render(True, context)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.to_text()!r})"

    def simplify(self, graph: Any = None) -> Estimand:
        """The simplified expression (see :func:`simplify`)."""
        return simplify(self, graph=graph)

    def table(self, distribution: Any) -> ProbabilityTable:
        """The value of the estimand for every joint value of its free variables.

        Parameters
        ----------
        distribution:
            The observational distribution (see :func:`as_probability_table`).
        """
        ptable = as_probability_table(distribution)
        missing = _sorted(self.free_variables - set(ptable.variables))
        if missing:
            raise InvalidParameterError(
                f"the estimand uses variable(s) {missing} that the distribution does not have "
                f"(it is over {list(ptable.variables)})"
            )
        f = self._eval(_Context(ptable))
        order = tuple(v for v in ptable.variables if v in f.variables)
        return ProbabilityTable(order, {v: ptable.states[v] for v in order}, f.expand(order))

    def evaluate(self, distribution: Any, assignment: Mapping[str, Any] | None = None) -> float:
        """The value of the estimand at ``assignment`` of its free variables.

        Parameters
        ----------
        distribution:
            The observational joint distribution of the observed variables: a
            :class:`ProbabilityTable`, data (a DataFrame of discrete columns: plug-in
            frequencies), or a discrete model (see :func:`as_probability_table`).
        assignment:
            A value for each free variable (the outcome, treatment and conditioning
            values). Entries for other variables of the distribution are ignored.

        Returns
        -------
        float
            Ratios ``0/0`` (conditioning on an unobserved combination) count as 0.

        Raises
        ------
        InvalidParameterError
            If a free variable has no value, or a value is not a state of its variable.

        Examples
        --------
        >>> p = ProbabilityTable.from_array([[0.3, 0.1], [0.2, 0.4]], ["X", "Y"])
        >>> Probability({"Y"}, given={"X"}).evaluate(p, {"X": 1, "Y": 1})
        0.6666666666666666
        """
        assignment = dict(assignment or {})
        missing = _sorted(self.free_variables - set(assignment))
        if missing:
            raise InvalidParameterError(f"assignment has no value for the free variable(s) {missing} of {self}")
        t = self.table(distribution)
        return t.probability({v: assignment[v] for v in t.variables})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the text, the LaTeX and the free variables."""
        return {"text": self.to_text(), "latex": self.to_latex(), "free_variables": _sorted(self.free_variables)}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Estimand):
            return NotImplemented
        return type(self) is type(other) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))

    def _key(self) -> Any:
        raise NotImplementedError


def _names(rename: Mapping[str, str], vars_: Iterable[str]) -> list[str]:
    return [rename.get(v, v) for v in _sorted(vars_)]


def _fmt_name(name: str, latex: bool) -> str:
    if not latex:
        return name
    prime = name.endswith("'")
    base = name.rstrip("'")
    base = base.replace("_", r"\_")
    if len(base) > 1:
        base = r"\mathit{" + base + "}"
    return base + ("'" if prime else "")


class Probability(Estimand):
    """``P(variables | given)``: an observational (conditional) probability.

    Examples
    --------
    >>> print(Probability(["Y"], given=["X", "Z"]))
    P(Y | X, Z)
    >>> print(Probability([]))
    1
    """

    __slots__ = ("variables", "given")

    def __init__(self, variables: Iterable[str], given: Iterable[str] = ()) -> None:
        v = frozenset(_check_names(variables, "variables"))
        g = frozenset(_check_names(given, "given"))
        if v & g:
            raise InvalidParameterError(
                f"a probability cannot have variable(s) {_sorted(v & g)} both before and after '|'"
            )
        self.variables = v
        self.given = g

    @property
    def free_variables(self) -> frozenset[str]:
        return self.variables | self.given

    def _key(self) -> Any:
        return (self.variables, self.given)

    def _eval(self, ctx: _Context) -> _Factor:
        if not self.variables:
            return _Factor((), np.array(1.0))
        allv = tuple(v for v in ctx.table.variables if v in self.variables or v in self.given)
        joint = ctx.marginal(allv)
        if not self.given:
            return _Factor(allv, joint)
        cond = tuple(v for v in allv if v in self.given)
        den = _Factor(cond, ctx.marginal(cond)).expand(allv)
        return _Factor(allv, _divide(joint, den))

    def _text(self, rename: Mapping[str, str], latex: bool) -> str:
        if not self.variables:
            return "1"
        lhs = ", ".join(_fmt_name(n, latex) for n in _names(rename, self.variables))
        if not self.given:
            return f"P({lhs})"
        rhs = ", ".join(_fmt_name(n, latex) for n in _names(rename, self.given))
        bar = r" \mid " if latex else " | "
        return f"P({lhs}{bar}{rhs})"


def _check_names(names: Iterable[str], what: str) -> list[str]:
    if isinstance(names, str):
        names = [names]
    out = list(names)
    for n in out:
        if not isinstance(n, str) or not n:
            raise InvalidParameterError(f"{what} must be variable names (non-empty strings); got {n!r}")
    return out


class Product(Estimand):
    """The product of factors (the empty product is 1).

    Examples
    --------
    >>> print(Product([Probability(["Y"], ["X", "Z"]), Probability(["Z"])]))
    P(Y | X, Z) P(Z)
    """

    __slots__ = ("factors",)

    def __init__(self, factors: Iterable[Estimand]) -> None:
        fs = tuple(factors)
        for f in fs:
            if not isinstance(f, Estimand):
                raise InvalidParameterError(f"factors must be Estimand expressions; got {type(f).__name__}")
        self.factors = fs

    @property
    def free_variables(self) -> frozenset[str]:
        return frozenset().union(*(f.free_variables for f in self.factors))

    def _key(self) -> Any:
        return self.factors

    def _eval(self, ctx: _Context) -> _Factor:
        parts = [f._eval(ctx) for f in self.factors]
        allv = tuple(v for v in ctx.table.variables if any(v in p.variables for p in parts))
        out = np.ones([1] * len(allv))
        for p in parts:
            out = out * p.expand(allv)
        shape = [len(ctx.table.states[v]) for v in allv]
        return _Factor(allv, np.broadcast_to(out, shape).copy())

    def _text(self, rename: Mapping[str, str], latex: bool) -> str:
        if not self.factors:
            return "1"
        parts = []
        token = _outer_free.set(_outer_free.get() | self.free_variables)
        try:
            texts = [f._text(rename, latex) for f in self.factors]
        finally:
            _outer_free.reset(token)
        for k, (f, t) in enumerate(zip(self.factors, texts, strict=True)):
            last = k == len(self.factors) - 1
            if (isinstance(f, Product) or (isinstance(f, Sum) and not last)) and len(self.factors) > 1:
                t = (r"\left(" + t + r"\right)") if latex else f"[{t}]"
            parts.append(t)
        return " ".join(parts)


class Sum(Estimand):
    """``Σ_{over} body``: the sum over every joint value of the variables ``over``.

    By convention a sum binds only the variables that occur in its body: a summed
    variable that does not occur is ignored (not counted as a factor ``|W|``), which
    is how sums are written in identification formulas.

    Examples
    --------
    >>> print(Sum(["Z"], Product([Probability(["Y"], ["X", "Z"]), Probability(["Z"])])))
    Σ_{Z} P(Y | X, Z) P(Z)
    """

    __slots__ = ("over", "body")

    def __init__(self, over: Iterable[str], body: Estimand) -> None:
        if not isinstance(body, Estimand):
            raise InvalidParameterError(f"body must be an Estimand expression; got {type(body).__name__}")
        self.over = frozenset(_check_names(over, "over"))
        self.body = body

    @property
    def free_variables(self) -> frozenset[str]:
        return self.body.free_variables - self.over

    def _key(self) -> Any:
        return (self.over, self.body)

    def _eval(self, ctx: _Context) -> _Factor:
        # a sum binds only the variables that occur in its body (see the class notes)
        f = self.body._eval(ctx)
        axes = tuple(i for i, v in enumerate(f.variables) if v in self.over)
        if not axes:
            return f
        rest = tuple(v for v in f.variables if v not in self.over)
        return _Factor(rest, f.array.sum(axis=axes))

    def _text(self, rename: Mapping[str, str], latex: bool) -> str:
        # a bound variable that is also free around this sum is shown primed
        inner = dict(rename)
        for v in self.over:
            if v in rename or v in _outer_free.get():
                inner[v] = rename.get(v, v) + "'"
            else:
                inner.pop(v, None)
        token = _outer_free.set(_outer_free.get() | self.free_variables)
        try:
            body = self.body._text(inner, latex)
        finally:
            _outer_free.reset(token)
        names = ", ".join(_fmt_name(n, latex) for n in _names(inner, self.over))
        if latex:
            return r"\sum_{" + names + "} " + body
        return f"Σ_{{{names}}} {body}"


class Fraction(Estimand):
    """``numerator / denominator``.

    Examples
    --------
    >>> print(Fraction(Probability(["Y", "Z"], ["X"]), Probability(["Z"], ["X"])))
    P(Y, Z | X) / P(Z | X)
    """

    __slots__ = ("numerator", "denominator")

    def __init__(self, numerator: Estimand, denominator: Estimand) -> None:
        for name, e in (("numerator", numerator), ("denominator", denominator)):
            if not isinstance(e, Estimand):
                raise InvalidParameterError(f"{name} must be an Estimand expression; got {type(e).__name__}")
        self.numerator = numerator
        self.denominator = denominator

    @property
    def free_variables(self) -> frozenset[str]:
        return self.numerator.free_variables | self.denominator.free_variables

    def _key(self) -> Any:
        return (self.numerator, self.denominator)

    def _eval(self, ctx: _Context) -> _Factor:
        n = self.numerator._eval(ctx)
        d = self.denominator._eval(ctx)
        allv = tuple(v for v in ctx.table.variables if v in n.variables or v in d.variables)
        return _Factor(allv, _divide(n.expand(allv), d.expand(allv)))

    def _text(self, rename: Mapping[str, str], latex: bool) -> str:
        token = _outer_free.set(_outer_free.get() | self.free_variables)
        try:
            num = self.numerator._text(rename, latex)
            den = self.denominator._text(rename, latex)
        finally:
            _outer_free.reset(token)
        if latex:
            return r"\frac{" + num + "}{" + den + "}"
        wrap = lambda e, t: f"[{t}]" if isinstance(e, (Product, Sum, Fraction)) and " " in t else t  # noqa: E731
        return f"{wrap(self.numerator, num)} / {wrap(self.denominator, den)}"


_outer_free: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("_outer_free", default=frozenset())

ONE = Product(())


# ============================================================================ simplification
def _is_one(e: Estimand) -> bool:
    return (isinstance(e, Product) and not e.factors) or (isinstance(e, Probability) and not e.variables)


def _make_product(factors: Iterable[Estimand]) -> Estimand:
    flat: list[Estimand] = []
    for f in factors:
        if isinstance(f, Product):
            flat.extend(f.factors)
        elif not _is_one(f):
            flat.append(f)
    flat = [f for f in flat if not _is_one(f)]
    if len(flat) == 1:
        return flat[0]
    return Product(flat)


def _chain_merge(factors: list[Estimand]) -> list[Estimand] | None:
    """``P(A | B, C) P(B | C) -> P(A, B | C)`` for one pair, or None."""
    for i, a in enumerate(factors):
        if not isinstance(a, Probability):
            continue
        for j, b in enumerate(factors):
            if i == j or not isinstance(b, Probability) or not b.variables:
                continue
            if b.variables <= a.given and a.given - b.variables == b.given:
                merged = Probability(a.variables | b.variables, b.given)
                rest = [f for k, f in enumerate(factors) if k not in (i, j)]
                return [merged, *rest]
    return None


def _simplify_sum(over: frozenset[str], body: Estimand) -> Estimand:
    over = over & body.free_variables
    if not over:
        return body
    if isinstance(body, Sum):
        return _simplify_sum(over | body.over, body.body) if not (over & body.over) else Sum(over, body)
    if isinstance(body, Probability):
        if over <= body.variables:
            return Probability(body.variables - over, body.given)
        return Sum(over, body)
    if isinstance(body, Product):
        factors = list(body.factors)
        changed = True
        remaining = set(over)
        while changed:
            changed = False
            for w in sorted(remaining):
                holders = [k for k, f in enumerate(factors) if w in f.free_variables]
                if len(holders) == 1:
                    f = factors[holders[0]]
                    if isinstance(f, Probability) and w in f.variables:
                        new = Probability(f.variables - {w}, f.given)
                        if not new.variables:
                            # the factor becomes 1; a summed variable it conditions on
                            # must still occur elsewhere, or Σ over it would change value
                            others = [g for k, g in enumerate(factors) if k != holders[0] and not _is_one(g)]
                            orphan = [
                                v for v in (f.given & remaining) - {w}
                                if not any(v in g.free_variables for g in others)
                            ]
                            if orphan:
                                continue
                        factors[holders[0]] = new
                        remaining.discard(w)
                        changed = True
                elif not holders:
                    remaining.discard(w)
                    changed = True
            factors = [f for f in factors if not _is_one(f)]
            merged = _chain_merge(factors)
            if merged is not None:
                factors = merged
                changed = True
        if not remaining:
            return _make_product(factors)
        inside = [f for f in factors if f.free_variables & remaining]
        outside = [f for f in factors if not f.free_variables & remaining]
        inner = Sum(frozenset(remaining), _make_product(inside))
        return _make_product([*outside, inner]) if outside else inner
    return Sum(over, body)


def _drop_separated(p: Probability, graph: Any) -> Probability:
    from ..graphs import m_separated

    given = set(p.given)
    changed = True
    while changed:
        changed = False
        for b in _sorted(given):
            if m_separated(graph, p.variables, {b}, given - {b}):
                given.discard(b)
                changed = True
                break
    return Probability(p.variables, given)


def _step(e: Estimand, graph: Any) -> Estimand:
    if isinstance(e, Probability):
        if graph is not None and e.given and e.variables and all(v in graph for v in e.free_variables):
            return _drop_separated(e, graph)
        return e
    if isinstance(e, Product):
        factors = [_step(f, graph) for f in e.factors]
        flat = _make_product(factors)
        if isinstance(flat, Product):
            fs = list(flat.factors)
            merged = _chain_merge(fs)
            while merged is not None:
                fs = merged
                merged = _chain_merge(fs)
            return _make_product(fs)
        return flat
    if isinstance(e, Sum):
        return _simplify_sum(e.over, _step(e.body, graph))
    if isinstance(e, Fraction):
        num = _step(e.numerator, graph)
        den = _step(e.denominator, graph)
        if _is_one(den):
            return num
        if num == den:
            return ONE
        if (
            isinstance(num, Probability)
            and isinstance(den, Probability)
            and den.given == num.given
            and den.variables < num.variables
        ):
            return Probability(num.variables - den.variables, num.given | den.variables)
        return Fraction(num, den)
    return e


def simplify(expression: Estimand, *, graph: Any = None, max_rounds: int = 50) -> Estimand:
    """Rewrite ``expression`` with exact rules until nothing changes.

    Rules: flatten products and drop factors equal to 1; drop summed variables that
    do not occur; marginalise a summed variable that occurs in a single factor, on the
    left of its bar (``Σ_a P(a, b | c) = P(b | c)``); pull factors that do not involve
    the summed variables out of the sum; merge ``P(a | b, c) P(b | c) = P(a, b | c)``;
    ``P(a, b | c) / P(b | c) = P(a | b, c)``. If ``graph`` (the ADMG or DAG of the
    observed variables) is given, a conditioning variable ``b`` of ``P(A | B)`` is
    dropped when ``A`` and ``b`` are m-separated given the rest of ``B``; this is
    valid because every probability in an identified estimand is observational.

    Examples
    --------
    >>> e = Sum(["Z", "W"], Product([Probability(["Y"], ["X", "Z"]), Probability(["Z", "W"])]))
    >>> print(simplify(e))
    Σ_{Z} P(Y | X, Z) P(Z)
    """
    current = expression
    for _ in range(max_rounds):
        nxt = _step(current, graph)
        if nxt == current:
            return nxt
        current = nxt
    return current
