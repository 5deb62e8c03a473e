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
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..exceptions import InvalidParameterError
from ._common import natural_sorted
from .table import ProbabilityTable, as_probability_table

__all__ = [
    "Estimand",
    "Probability",
    "Product",
    "Sum",
    "Fraction",
    "simplify",
]


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
        missing = natural_sorted(self.free_variables - set(ptable.variables))
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
        missing = natural_sorted(self.free_variables - set(assignment))
        if missing:
            raise InvalidParameterError(f"assignment has no value for the free variable(s) {missing} of {self}")
        t = self.table(distribution)
        return t.probability({v: assignment[v] for v in t.variables})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the text, the LaTeX and the free variables."""
        return {"text": self.to_text(), "latex": self.to_latex(), "free_variables": natural_sorted(self.free_variables)}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Estimand):
            return NotImplemented
        return type(self) is type(other) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))

    def _key(self) -> Any:
        raise NotImplementedError


def _names(rename: Mapping[str, str], vars_: Iterable[str]) -> list[str]:
    return [rename.get(v, v) for v in natural_sorted(vars_)]


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
                f"a probability cannot have variable(s) {natural_sorted(v & g)} both before and after '|'"
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
            if (isinstance(f, Product) or (isinstance(f, Sum) and f.over and not last)) and len(self.factors) > 1:
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
        if not self.over:
            return self.body._text(rename, latex)
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
        for b in natural_sorted(given):
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
