"""Exact inference in discrete causal Bayesian networks by variable elimination.

Observational queries
---------------------
``P(Y | E = e)`` is the ratio ``P(Y, e) / P(e)``. Both come from the factorised
joint ``prod_i P(x_i | pa_i)`` by summing out every other variable. Variable
elimination (VE) sums them out one at a time: to eliminate ``Z`` it multiplies
only the factors that mention ``Z`` and sums ``Z`` out of that product, so the
cost is exponential in the largest intermediate scope rather than in the number
of variables (Koller & Friedman 2009, ch. 9). Here

* evidence is applied first by **slicing** every factor at the observed states;
* **barren nodes** are pruned: a variable that is not an ancestor of a target or
  an observed variable sums to one and is dropped with its CPT;
* the elimination order is chosen greedily by **min-fill** (eliminate next the
  variable whose elimination adds the fewest edges to the interaction graph;
  ties by the smaller product of neighbour cardinalities, then by name), and
* a product-and-sum-out step is one ``numpy.einsum`` call.

Interventional queries
----------------------
``P(Y | do(X = x), E = e)`` is the same computation in the **mutilated** network
in which the arrows into ``X`` are cut and ``X``'s CPT is replaced by a point
mass at ``x`` (Pearl's graph surgery). Jacobs, Kissinger & Zanasi (2019) show
that this is precisely "cutting the wires" into ``X`` in the string diagram of
the network's stochastic matrices; :meth:`DiscreteBN.do
<causalscope.scm.bayesnet.DiscreteBN.do>` performs the surgery and inference
then treats the held value as an observation of probability one.

Conditioning on an event of probability zero is undefined and raises
:class:`ZeroProbabilityError`, which names the evidence.

References
----------
.. [1] Koller, D. & Friedman, N. (2009). *Probabilistic Graphical Models:
   Principles and Techniques*. MIT Press, ch. 9 (variable elimination,
   min-fill) and ch. 21 (interventions).
.. [2] Jacobs, B., Kissinger, A. & Zanasi, F. (2019). Causal inference by string
   diagram surgery. FoSSaCS 2019, LNCS 11425, 313-329.
.. [3] Pearl, J. (2009). *Causality*, 2nd ed., sec. 3.2.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..exceptions import InvalidParameterError
from .factors import Factor, factor_product, is_hard_value
from .query import Query, QueryError, state_number

if TYPE_CHECKING:  # pragma: no cover
    from .bayesnet import DiscreteBN

__all__ = [
    "DiscreteDistribution",
    "QueryResult",
    "ZeroProbabilityError",
    "min_fill_order",
    "variable_elimination",
    "evaluate_query",
]


class ZeroProbabilityError(InvalidParameterError):
    """The conditioning event of a query has probability zero.

    Attributes
    ----------
    evidence:
        The observations ``{variable: state}`` whose joint probability is zero.
    interventions:
        The interventions in force when it was computed.
    position:
        Position of the evidence in the query text, when there is one.
    """

    def __init__(
        self,
        message: str,
        evidence: Mapping[str, str],
        interventions: Mapping[str, str] | None = None,
        position: int | None = None,
    ) -> None:
        super().__init__(message)
        self.evidence = dict(evidence)
        self.interventions = dict(interventions or {})
        self.position = position


# --------------------------------------------------------------------------- result values
@dataclass(frozen=True, eq=False)
class DiscreteDistribution:
    """A (conditional) distribution over a few discrete variables, as a labelled array.

    Attributes
    ----------
    variables:
        The variables, one per axis of :attr:`values`.
    states:
        State names of each variable (axis ``k`` is indexed by ``states[variables[k]]``).
    values:
        Probabilities, shape ``(|X_1|, ..., |X_k|)``; sums to one. Read-only.

    Examples
    --------
    >>> d = DiscreteDistribution(("A",), {"A": ("no", "yes")}, np.array([0.25, 0.75]))
    >>> d.probability(A="yes")
    0.75
    >>> d.to_frame().to_dict("list")
    {'A': ['no', 'yes'], 'probability': [0.25, 0.75]}
    """

    variables: tuple[str, ...]
    states: Mapping[str, tuple[str, ...]]
    values: np.ndarray

    def __post_init__(self) -> None:
        variables = tuple(self.variables)
        states = {v: tuple(self.states[v]) for v in variables}
        values = np.array(self.values, dtype=float)
        shape = tuple(len(states[v]) for v in variables)
        if values.shape != shape:
            raise InvalidParameterError(f"values must have shape {shape} for variables {list(variables)}; got {values.shape}")
        values.setflags(write=False)
        object.__setattr__(self, "variables", variables)
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "values", values)

    def _index(self, assignment: Mapping[str, Any]) -> tuple[int | slice, ...]:
        unknown = set(assignment) - set(self.variables)
        if unknown:
            raise InvalidParameterError(
                f"unknown variable(s) {sorted(unknown)}; this distribution is over {list(self.variables)}"
            )
        idx: list[int | slice] = []
        for v in self.variables:
            if v in assignment:
                s = str(assignment[v])
                if s not in self.states[v]:
                    raise InvalidParameterError(f"unknown state {s!r} of {v!r}; valid states: {', '.join(self.states[v])}")
                idx.append(self.states[v].index(s))
            else:
                idx.append(slice(None))
        return tuple(idx)

    def probability(self, assignment: Mapping[str, Any] | None = None, /, **states: Any) -> float:
        """Probability that the given variables take the given states (others summed out)."""
        full = {**(assignment or {}), **states}
        return float(np.sum(self.values[self._index(full)]))

    def marginal(self, variables: Iterable[str]) -> DiscreteDistribution:
        """The marginal distribution over ``variables`` (in that order)."""
        keep = tuple(variables)
        unknown = [v for v in keep if v not in self.variables]
        if unknown:
            raise InvalidParameterError(f"unknown variable(s) {unknown}; this distribution is over {list(self.variables)}")
        drop = tuple(i for i, v in enumerate(self.variables) if v not in keep)
        summed = self.values.sum(axis=drop) if drop else self.values
        rest = [v for v in self.variables if v in keep]
        perm = [rest.index(v) for v in keep]
        return DiscreteDistribution(keep, {v: self.states[v] for v in keep}, np.transpose(summed, perm))

    def expectation(self, variable: str | None = None) -> float:
        """Expected value of a variable with numeric state names."""
        if variable is None:
            if len(self.variables) != 1:
                raise InvalidParameterError(f"name the variable; this distribution is over {list(self.variables)}")
            variable = self.variables[0]
        m = self.marginal([variable])
        nums = [state_number(s) for s in m.states[variable]]
        if any(x is None for x in nums):
            raise InvalidParameterError(f"the expectation of {variable!r} needs numeric states; got {list(m.states[variable])}")
        return float(np.dot(m.values, np.array(nums, dtype=float)))

    def to_frame(self) -> pd.DataFrame:
        """One row per joint state (last variable fastest) with a ``probability`` column."""
        grids = np.meshgrid(*[np.arange(len(self.states[v])) for v in self.variables], indexing="ij")
        cols = {v: np.array(self.states[v], dtype=object)[g.ravel()] for v, g in zip(self.variables, grids, strict=True)}
        cols["probability"] = self.values.ravel()
        return pd.DataFrame(cols)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "variables": list(self.variables),
            "states": {v: list(s) for v, s in self.states.items()},
            "values": self.values.tolist(),
        }


@dataclass(frozen=True)
class QueryResult:
    """The answer to a :class:`~causalscope.scm.query.Query`.

    Attributes
    ----------
    query:
        The query answered.
    value:
        The probability (``"probability"`` queries) or the expectation
        (``"expectation"`` queries); ``None`` for a distribution query.
    distribution:
        The conditional distribution over the query's targets.
    """

    query: Query
    value: float | None
    distribution: DiscreteDistribution

    def lines(self, decimals: int = 6) -> list[str]:
        """Text lines ``P(...) = 0.123456``: one for a probability or expectation,
        one per joint target state (last target fastest) for a distribution."""
        if self.value is not None:
            return [f"{self.query} = {self.value:.{decimals}f}"]
        frame = self.distribution.to_frame()
        out = []
        for row in frame.itertuples(index=False):
            assign = dict(zip(self.distribution.variables, row[:-1], strict=True))
            out.append(f"{self.query.with_targets(assign)} = {row[-1]:.{decimals}f}")
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {"query": self.query.to_dict(), "value": self.value, "distribution": self.distribution.to_dict()}


# --------------------------------------------------------------------------- elimination order
def min_fill_order(
    scopes: Iterable[Iterable[str]], cardinalities: Mapping[str, int], eliminate: Iterable[str]
) -> tuple[str, ...]:
    """Greedy min-fill elimination order.

    Parameters
    ----------
    scopes:
        The variable sets of the factors (each induces a clique in the
        interaction graph).
    cardinalities:
        Number of states per variable (tie-break: smaller weight first).
    eliminate:
        Variables to order.

    Returns
    -------
    tuple of str
        The order: at each step the variable whose elimination adds the fewest
        fill edges among its neighbours, ties broken by the product of the
        cardinalities of the variable and its neighbours, then by name.

    References
    ----------
    .. [1] Koller & Friedman (2009), sec. 9.4.3.2 (greedy search, min-fill).

    Examples
    --------
    >>> min_fill_order([("A", "B"), ("B", "C"), ("C", "D")], {v: 2 for v in "ABCD"}, ["B", "C"])
    ('B', 'C')
    """
    todo = set(eliminate)
    adj: dict[str, set[str]] = {}
    for scope in scopes:
        sc = list(scope)
        for v in sc:
            adj.setdefault(v, set()).update(u for u in sc if u != v)
    for v in todo:
        adj.setdefault(v, set())
    order: list[str] = []
    while todo:
        best: tuple[int, float, str] | None = None
        for v in todo:
            nb = list(adj[v])
            fill = sum(1 for i, a in enumerate(nb) for b in nb[i + 1 :] if b not in adj[a])
            weight = float(np.prod([cardinalities[u] for u in nb], dtype=float)) * cardinalities[v]
            key = (fill, weight, v)
            if best is None or key < best:
                best = key
        v = best[2]  # type: ignore[index]
        nb = adj.pop(v)  # type: ignore[assignment]  # a set here, a list in the loop above
        for a in nb:
            adj[a].discard(v)
            adj[a].update(b for b in nb if b != a)
        todo.discard(v)
        order.append(v)
    return tuple(order)


def _resolve(bn: DiscreteBN, assignment: Mapping[str, Any], role: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for v, s in assignment.items():
        if v not in bn.states:
            raise QueryError(f"unknown {role} variable {v!r}; valid variables: {', '.join(bn.variables)}")
        s = str(s)
        if s not in bn.states[v]:
            raise QueryError(f"unknown state {s!r} of {role} variable {v!r}; valid states: {', '.join(bn.states[v])}")
        out[v] = bn.states[v].index(s)
    return out


def variable_elimination(
    bn: DiscreteBN,
    targets: Sequence[str] | str,
    *,
    evidence: Mapping[str, Any] | None = None,
    interventions: Mapping[str, Any] | None = None,
) -> DiscreteDistribution:
    """``P(targets | evidence, do(interventions))`` by variable elimination.

    Parameters
    ----------
    bn:
        The network.
    targets:
        Variables of the returned distribution (in this order).
    evidence:
        Observations ``{variable: state}``.
    interventions:
        ``{variable: state}`` for hard interventions, or ``{variable: {state:
        probability}}`` / a probability vector for soft (stochastic) ones; see
        :meth:`DiscreteBN.do <causalscope.scm.bayesnet.DiscreteBN.do>`.

    Returns
    -------
    DiscreteDistribution
        The conditional distribution over ``targets``.

    Raises
    ------
    QueryError
        Unknown variable or state (naming the valid ones), or an empty target list.
    ZeroProbabilityError
        If the evidence has probability zero (in the intervened model).

    References
    ----------
    .. [1] Koller & Friedman (2009), alg. 9.1 and 9.2.

    Examples
    --------
    >>> from causalscope.scm import CPT, DiscreteBN
    >>> st = {"R": ("no", "yes"), "W": ("dry", "wet")}
    >>> bn = DiscreteBN.from_cpts([CPT("R", (), st, [0.8, 0.2]),
    ...                            CPT("W", ("R",), st, [[0.9, 0.1], [0.2, 0.8]])])
    >>> round(variable_elimination(bn, ["R"], evidence={"W": "wet"}).probability(R="yes"), 4)
    0.6667
    >>> variable_elimination(bn, ["R"], interventions={"W": "wet"}).probability(R="yes")
    0.2
    """
    targets = [targets] if isinstance(targets, str) else list(targets)
    if not targets:
        raise QueryError("name at least one target variable")
    for v in targets:
        if v not in bn.states:
            raise QueryError(f"unknown target variable {v!r}; valid variables: {', '.join(bn.variables)}")
    if len(set(targets)) != len(targets):
        raise QueryError(f"target variables must be distinct; got {targets}")
    evidence = dict(evidence or {})
    ev = _resolve(bn, evidence, "evidence")
    interventions = dict(interventions or {})
    model = bn.do(interventions) if interventions else bn
    hard = {v: model.states[v].index(str(s)) for v, s in interventions.items() if is_hard_value(s)}
    observed = dict(ev)
    for v, i in hard.items():  # a held variable is an observation of probability one
        if v not in observed and v not in targets:
            observed[v] = i
    relevant = model.graph.ancestors(set(targets) | set(observed), include_self=True)
    cards = {v: len(model.states[v]) for v in model.variables}
    factors: list[Factor] = []
    for v in model.variables:
        if v not in relevant:
            continue
        cpt = model.cpts[v]
        scope, arr = cpt.scope, cpt.table
        cut = [u for u in scope if u in observed and u not in targets]
        if cut:
            arr = arr[tuple(observed[u] if u in cut else slice(None) for u in scope)]
            scope = tuple(u for u in scope if u not in cut)
        factors.append((scope, arr))
    for v in targets:
        if v in observed:
            ind = np.zeros(cards[v])
            ind[observed[v]] = 1.0
            factors.append(((v,), ind))
    eliminate = [v for v in relevant if v not in targets and v not in observed]
    for z in min_fill_order([s for s, _ in factors], cards, eliminate):
        touching = [f for f in factors if z in f[0]]
        factors = [f for f in factors if z not in f[0]]
        union: dict[str, None] = {}
        for s, _ in touching:
            union.update(dict.fromkeys(s))
        keep = tuple(u for u in union if u != z)
        factors.append((keep, factor_product(touching, keep, cards)))
    joint = factor_product(factors, targets, cards)
    total = float(joint.sum())
    if not total > 0.0:
        shown = ", ".join(f"{v}={s}" for v, s in evidence.items())
        under = ""
        if interventions:
            under = " under do(" + ", ".join(f"{v}={s}" for v, s in interventions.items()) + ")"
        raise ZeroProbabilityError(
            f"cannot condition on the evidence {shown}: it has probability zero{under}",
            {v: str(s) for v, s in evidence.items()},
            {v: str(s) for v, s in interventions.items()},
        )
    return DiscreteDistribution(tuple(targets), {v: model.states[v] for v in targets}, joint / total)


def evaluate_query(bn: DiscreteBN, query: Query | str) -> QueryResult:
    """Answer a query (text or :class:`~causalscope.scm.query.Query`) exactly.

    Raises
    ------
    QuerySyntaxError
        If the text does not parse.
    QueryError
        Unknown variable or state, with its position in the text.
    ZeroProbabilityError
        If the evidence has probability zero; the message names the evidence and
        its position in the text.

    Examples
    --------
    >>> from causalscope.scm import CPT, DiscreteBN
    >>> st = {"R": ("no", "yes"), "W": ("dry", "wet")}
    >>> bn = DiscreteBN.from_cpts([CPT("R", (), st, [0.8, 0.2]),
    ...                            CPT("W", ("R",), st, [[0.9, 0.1], [0.2, 0.8]])])
    >>> evaluate_query(bn, "P(W=wet | do(R=yes))").lines()
    ['P(W=wet | do(R=yes)) = 0.800000']
    """
    from .query import parse_query

    q = parse_query(query) if isinstance(query, str) else query
    q.check(bn.states)
    try:
        dist = variable_elimination(
            bn, list(q.target_names), evidence=dict(q.evidence), interventions=dict(q.interventions)
        )
    except ZeroProbabilityError as exc:
        first = q.evidence[0][0] if q.evidence else None
        pos = q.positions.get(("evidence", first), (None, None))[0] if first else None
        if pos is None:
            raise
        raise ZeroProbabilityError(
            f"{exc} (evidence at position {pos} in {q.text!r})", exc.evidence, exc.interventions, pos
        ) from exc
    if q.kind == "probability":
        value: float | None = dist.probability(dict(q.targets))
    elif q.kind == "expectation":
        value = dist.expectation()
    else:
        value = None
    return QueryResult(query=q, value=value, distribution=dist)
