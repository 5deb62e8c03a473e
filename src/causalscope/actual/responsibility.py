"""Degree of responsibility and blame (Chockler and Halpern 2004).

Being a cause is all-or-nothing; responsibility is graded. In an 11–0 vote each
voter is (part of) a cause of the outcome, but a voter in a 6–5 vote bears more
responsibility. Chockler and Halpern measure it by how far the situation is from
one where the event is *critical* (a but-for cause):

*Degree of responsibility.* ``dr((M, u), X = x, phi) = 1 / (k + 1)``, where ``k`` is
the minimal number of variables whose values must be changed (a contingency
``C <- c`` with every ``c`` differing from the actual value) such that, possibly
holding further variables ``H`` at their actual values,

* ``phi`` still holds: ``[X <- x, C' <- c, H' <- h*] phi`` for every ``C' ⊆ C`` and
  ``H' ⊆ H`` (AC2(b) of the Halpern–Pearl definitions), and
* ``phi`` depends on ``X``: ``[X <- x', C <- c, H <- h*] not phi`` for some ``x'``.

``dr = 0`` when ``X = x`` is not part of an actual cause (under the chosen
definition). So a but-for cause, and a cause such as Suzy's throw whose witness
only holds variables at their actual values, has responsibility 1; each voter in
an 11–0 vote has 1/6 (five votes must change), in a 6–5 vote 1.

*Blame.* Under an epistemic state (a probability distribution over contexts) the
degree of blame of ``X = x`` for ``phi`` is the expected degree of responsibility,
``db = sum_u Pr(u) dr((M_{X <- x}, u), X = x, phi)``, computed in the model where
the agent's action ``X = x`` is performed (``intervene=True``, as in the paper).

References
----------
.. [1] Chockler, H., & Halpern, J. Y. (2004). Responsibility and blame: A
   structural-model approach. Journal of Artificial Intelligence Research, 22, 93–115.
.. [2] Halpern, J. Y. (2016). *Actual Causality*, Chapter 6. MIT Press.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..exceptions import InvalidParameterError
from .halpern_pearl import CausalSetting, Definition, check_definition
from .model import CausalModel, parse_assignment

__all__ = ["Responsibility", "Blame", "responsibility", "blame"]


@dataclass(frozen=True)
class Responsibility:
    """The degree of responsibility of ``X = x`` for an outcome.

    Attributes
    ----------
    cause:
        ``{X: x}``.
    outcome:
        The outcome formula.
    degree:
        ``1 / (k + 1)``, or 0 when ``X = x`` is not part of a cause.
    k:
        Minimal number of value changes making ``X = x`` critical (``None`` if none found).
    part_of_cause:
        A minimal actual cause containing ``X = x`` (``None`` if there is none).
    changes:
        The contingency ``C = c`` (values differing from the actual ones).
    held:
        Variables held at their actual values in the witness.
    alternative:
        The value ``x'`` of ``X`` that makes the outcome fail.
    """

    cause: dict[str, int]
    outcome: str
    degree: Fraction
    k: int | None
    part_of_cause: dict[str, int] | None
    changes: dict[str, int]
    held: dict[str, int]
    alternative: dict[str, int]

    def __float__(self) -> float:
        return float(self.degree)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (the degree as a float and as text ``"1/3"``)."""
        return {
            "cause": dict(self.cause),
            "outcome": self.outcome,
            "degree": float(self.degree),
            "degree_fraction": str(self.degree),
            "k": self.k,
            "part_of_cause": self.part_of_cause,
            "changes": dict(self.changes),
            "held": dict(self.held),
            "alternative": dict(self.alternative),
        }


@dataclass(frozen=True)
class Blame:
    """The degree of blame: expected responsibility over an epistemic state.

    Attributes
    ----------
    cause, outcome:
        The query.
    degree:
        ``sum_u Pr(u) * responsibility(u)``.
    terms:
        ``(context, probability, responsibility)`` for each context.
    """

    cause: dict[str, int]
    outcome: str
    degree: float
    terms: tuple[tuple[dict[str, int], float, float], ...]

    def __float__(self) -> float:
        return self.degree

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "cause": dict(self.cause),
            "outcome": self.outcome,
            "degree": self.degree,
            "terms": [{"context": c, "probability": p, "responsibility": r} for c, p, r in self.terms],
        }


def _part_of_cause(setting: CausalSetting, xj: int, definition: str, max_cause_size: int | None) -> tuple[int, ...] | None:
    """A minimal cause containing column ``xj`` (smallest first), or ``None``."""
    model = setting.model
    pool = sorted(setting.model.index[v] for v in model.ancestors(setting.outcome_vars, include_self=False))
    others = [j for j in pool if j != xj]
    limit = len(others) + 1 if max_cause_size is None else max_cause_size
    for size in range(1, limit + 1):
        for rest in itertools.combinations(others, size - 1):
            xs = tuple(sorted((xj, *rest)))
            if setting.witness(xs, definition) is None:
                continue
            minimal = all(
                setting.witness(sub, definition) is None
                for s in range(1, len(xs))
                for sub in itertools.combinations(xs, s)
            )
            if minimal:
                return xs
    return None


def responsibility(
    model: CausalModel,
    context: Mapping[str, int] | str | None,
    cause: Mapping[str, int] | str,
    outcome: str,
    *,
    definition: Definition = "modified",
    max_changes: int | None = None,
    max_cause_size: int | None = None,
) -> Responsibility:
    """Degree of responsibility of a single event ``X = x`` for ``outcome`` (Chockler and Halpern 2004).

    Parameters
    ----------
    model, context, outcome:
        As in :func:`~causalscope.actual.is_actual_cause`.
    cause:
        One event ``{X: x}``.
    definition:
        Which definition decides "part of a cause" (``"modified"`` or ``"but-for"``).
    max_changes:
        Largest contingency to try (``None``: all variables). If none is found within
        it, ``k`` is ``None`` and the degree 0.
    max_cause_size:
        Largest conjunction tried when looking for a cause containing ``X = x``.

    Returns
    -------
    Responsibility

    References
    ----------
    Chockler, H., & Halpern, J. Y. (2004). Responsibility and blame: A structural-model
    approach. JAIR, 22, 93–115.

    Examples
    --------
    >>> from causalscope.actual import load_example
    >>> m = load_example("voting")          # a 5-0 vote, 3 votes needed
    >>> r = responsibility(m, None, {"V1": 1}, "W=1")
    >>> r.degree, r.k, r.changes
    (Fraction(1, 3), 2, {'V2': 0, 'V3': 0})
    >>> responsibility(load_example("rock_throwing"), None, {"BT": 1}, "BS=1").degree
    Fraction(0, 1)
    """
    definition = check_definition(definition)
    setting = CausalSetting(model, context, outcome)
    cause_d = model.check_intervention(parse_assignment(cause, parameter="cause"), parameter="cause")
    if len(cause_d) != 1:
        raise InvalidParameterError(f"cause must set exactly one variable for responsibility; got {cause_d}")
    if max_changes is not None and (isinstance(max_changes, bool) or not isinstance(max_changes, int) or max_changes < 0):
        raise InvalidParameterError(f"max_changes must be a non-negative integer or None; got {max_changes!r}")
    (xname, xval), = cause_d.items()
    text = setting.formula.text
    zero = Responsibility(cause_d, text, Fraction(0), None, None, {}, {}, {})
    if not setting.phi_actual or setting.actual[xname] != xval:
        return zero
    xj = model.index[xname]
    part = _part_of_cause(setting, xj, definition, max_cause_size)
    if part is None:
        return zero
    names = model.endogenous
    part_d = {names[j]: int(setting.actual_row[j]) for j in part}
    pool = [j for j in setting.anc_idx.tolist() if j != xj]
    limit = len(pool) if max_changes is None else min(max_changes, len(pool))
    n = setting.n
    for k in range(limit + 1):
        for cols in itertools.combinations(pool, k):
            doms = [[d for d in model.variables[names[j]].domain if d != setting.actual_row[j]] for j in cols]
            for vals in itertools.product(*doms):
                base = dict(zip(cols, vals))

                def ac2b(alt: tuple[int, ...], held: tuple[int, ...], base: dict[int, int] = base) -> bool:
                    fixed = list(base.items()) + [(j, int(setting.actual_row[j])) for j in held]
                    m = len(fixed)
                    rows = 1 << m
                    values = np.zeros((rows, n), np.int64)
                    mask = np.zeros((rows, n), bool)
                    values[:, xj] = xval
                    mask[:, xj] = True
                    for b, (j, v) in enumerate(fixed):
                        on = ((np.arange(rows) >> b) & 1).astype(bool)
                        values[on, j] = v
                        mask[on, j] = True
                    _, phi = setting.solve(values, mask)
                    return bool(phi.all())

                found = setting._search((xj,), definition, base=base, accept=ac2b)
                if found is not None:
                    alt, held, _ = found
                    return Responsibility(
                        cause_d,
                        text,
                        Fraction(1, k + 1),
                        k,
                        part_d,
                        {names[j]: int(v) for j, v in base.items()},
                        {names[j]: int(setting.actual_row[j]) for j in held},
                        {xname: int(alt[0])},
                    )
    return Responsibility(cause_d, text, Fraction(0), None, part_d, {}, {}, {})


def blame(
    model: CausalModel,
    cause: Mapping[str, int] | str,
    outcome: str,
    epistemic_state: Mapping[str, float] | Sequence[tuple[Mapping[str, int] | str, float]],
    *,
    intervene: bool = True,
    definition: Definition = "modified",
    max_changes: int | None = None,
) -> Blame:
    """Degree of blame: expected responsibility of ``cause`` over a distribution on contexts.

    Parameters
    ----------
    model:
        The causal model.
    cause:
        One event ``{X: x}`` (the agent's action).
    outcome:
        The outcome formula.
    epistemic_state:
        The agent's beliefs: ``{"U1=1, U2=0": 0.3, ...}`` or ``[(context, probability), ...]``;
        probabilities must be non-negative and sum to 1.
    intervene:
        Evaluate each context in ``M_{X <- x}`` (the action performed), as Chockler and
        Halpern define blame; ``False`` uses ``M`` itself.
    definition, max_changes:
        As in :func:`responsibility`.

    Returns
    -------
    Blame

    References
    ----------
    Chockler, H., & Halpern, J. Y. (2004). Responsibility and blame. JAIR, 22, 93–115.

    Examples
    --------
    >>> from causalscope.actual import load_example
    >>> m = load_example("forest_fire_disjunctive")
    >>> b = blame(m, {"MD": 1}, "FF=1", {"UL=0, UMD=1": 0.5, "UL=1, UMD=1": 0.5})
    >>> b.degree                      # 0.5 * 1 (match critical) + 0.5 * 1/2
    0.75
    """
    cause_d = model.check_intervention(parse_assignment(cause, parameter="cause"), parameter="cause")
    items = list(epistemic_state.items()) if isinstance(epistemic_state, Mapping) else list(epistemic_state)
    if not items:
        raise InvalidParameterError("epistemic_state must hold at least one (context, probability) pair")
    probs = []
    for ctx, p in items:
        if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)) or not np.isfinite(p) or p < 0:
            raise InvalidParameterError(f"epistemic_state: probability of context {ctx!r} must be a number >= 0; got {p!r}")
        probs.append(float(p))
    total = float(np.sum(probs))
    if abs(total - 1.0) > 1e-9:
        raise InvalidParameterError(f"epistemic_state: probabilities must sum to 1; they sum to {total:.6g}")
    m = model.intervene(cause_d) if intervene else model
    terms = []
    acc = 0.0
    for (ctx, _), p in zip(items, probs):
        c = m.check_context(ctx)
        r = float(responsibility(m, c, cause_d, outcome, definition=definition, max_changes=max_changes).degree)
        terms.append((c, p, r))
        acc += p * r
    return Blame(dict(cause_d), str(outcome), float(acc), tuple(terms))
