"""Halpern–Pearl actual causation (the modified and updated definitions) and but-for causation.

In a causal setting ``(M, u)`` (a model and a context) the conjunction ``X = x`` is
an *actual cause* of the outcome ``phi`` under the modified Halpern–Pearl
definition (Halpern 2015) when

AC1
    ``X = x`` and ``phi`` both hold in ``(M, u)``;
AC2 (a^m)
    there is a set ``W`` of endogenous variables and a setting ``x'`` of ``X`` such
    that, holding ``W`` at its actual values ``w*``, setting ``X <- x'`` makes ``phi``
    false: ``(M, u) |= [X <- x', W <- w*] not phi``;
AC3
    ``X`` is minimal: no strict subset of ``X`` satisfies AC1 and AC2.

``(W, x')`` is the *witness*. With ``W`` forced empty the definition is but-for
(counterfactual) causation, the ``"but-for"`` option. The ``"updated"`` definition
(Halpern and Pearl 2005; Halpern 2016, Section 2.2) lets ``W`` take *any* values
``w`` (AC2(a)) but then demands AC2(b^u): ``[X <- x, W' <- w, Z' <- z*] phi`` for every
``W' ⊆ W`` and every ``Z'`` among the remaining variables held at actual values; it
is checked by exhaustive search and limited to queries with at most
:data:`UPDATED_MAX_VARIABLES` variables that can affect the outcome. Every but-for cause is a
modified-HP cause; the converse fails in preemption (Suzy and Billy) and in
overdetermination, where the modified definition names the conjunction of the
overdetermining events as the cause (the disjunctive forest fire).

Search
------
Only descendants of ``X`` that are ancestors of the outcome's variables can matter
in ``W`` (fixing any other variable to its actual value changes nothing). Further,
holding a variable at its actual value is a no-op unless, without the hold, it
would take another value. So the witness search is a breadth-first search over
``W`` in increasing size that only ever adds a variable whose value *did change*
under the current intervention, in topological order; every irredundant witness
is reached this way (see ``docs/actual.md``), and the first level with a witness
gives one of minimum size. Each level is evaluated as one numpy batch
(:meth:`CausalModel.evaluate_batch`). Candidate causes are restricted to
ancestors of the outcome, conjunctions are enumerated by increasing size, and a
superset of a cause found is never tried (AC3). Witness searches are memoised.

References
----------
.. [1] Halpern, J. Y. (2015). A modification of the Halpern-Pearl definition of
   causality. Proceedings of IJCAI 2015, 3022–3033.
.. [2] Halpern, J. Y. (2016). *Actual Causality*. MIT Press.
.. [3] Halpern, J. Y., & Pearl, J. (2005). Causes and explanations: A structural-model
   approach. Part I: Causes. British Journal for the Philosophy of Science, 56(4).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import numpy as np

from ..exceptions import InvalidParameterError
from ..utils import Progress, as_progress
from .expressions import Expression, ExpressionError, parse_expression
from .model import CausalModel, parse_assignment

__all__ = [
    "Definition",
    "Witness",
    "CauseResult",
    "ActualCauses",
    "is_actual_cause",
    "actual_causes",
    "is_but_for_cause",
]

Definition = Literal["modified", "updated", "but-for"]
_DEFINITIONS = ("modified", "updated", "but-for")
#: The updated definition is checked by exhaustive search; it refuses more relevant variables than this.
UPDATED_MAX_VARIABLES = 12
_CHUNK = 1 << 14


def _fmt(assign: Mapping[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in assign.items())


@dataclass(frozen=True)
class Witness:
    """Why ``X = x`` passes AC2: hold ``contingency`` (W = w) and set ``alternative`` (X = x').

    Attributes
    ----------
    contingency:
        ``W = w``; for the modified definition these are actual values (for the updated
        one they may differ).
    alternative:
        The setting ``x'`` of the cause's variables.
    values:
        All endogenous values under ``[X <- x', W <- w]`` (where the outcome fails).
    """

    contingency: dict[str, int]
    alternative: dict[str, int]
    values: dict[str, int] = field(compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"contingency": dict(self.contingency), "alternative": dict(self.alternative), "values": dict(self.values)}

    def __str__(self) -> str:
        return f"W={{{_fmt(self.contingency)}}}, x'={{{_fmt(self.alternative)}}}"


@dataclass(frozen=True)
class CauseResult:
    """The verdict on one candidate cause ``X = x``.

    Attributes
    ----------
    cause:
        The conjunction ``X = x`` tested.
    outcome:
        The outcome formula.
    definition:
        ``"modified"``, ``"updated"`` or ``"but-for"``.
    is_cause:
        AC1, AC2 and AC3 all hold.
    ac1, ac2, ac3:
        The three conditions (``ac3`` is evaluated only when AC1 and AC2 hold; else ``False``).
    witness:
        The witness of AC2, if any.
    smaller_cause:
        When AC3 fails, a strict subset of ``cause`` that satisfies AC1 and AC2.
    """

    cause: dict[str, int]
    outcome: str
    definition: str
    is_cause: bool
    ac1: bool
    ac2: bool
    ac3: bool
    witness: Witness | None = None
    smaller_cause: dict[str, int] | None = None

    def __bool__(self) -> bool:
        return self.is_cause

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "cause": dict(self.cause),
            "outcome": self.outcome,
            "definition": self.definition,
            "is_cause": self.is_cause,
            "ac1": self.ac1,
            "ac2": self.ac2,
            "ac3": self.ac3,
            "witness": None if self.witness is None else self.witness.to_dict(),
            "smaller_cause": self.smaller_cause,
        }

    def __str__(self) -> str:
        head = " & ".join(f"{k}={v}" for k, v in self.cause.items())
        if not self.is_cause:
            failed = [n for n, ok in (("AC1", self.ac1), ("AC2", self.ac2), ("AC3", self.ac3)) if not ok][0]
            return f"{head} is not a cause of {self.outcome} ({failed} fails)"
        return f"{head}  [witness: {self.witness}]"


@dataclass(frozen=True)
class ActualCauses:
    """All minimal actual causes of an outcome found up to ``max_size`` conjuncts.

    Attributes
    ----------
    causes:
        One :class:`CauseResult` per cause, smaller conjunctions first.
    outcome, definition:
        The query.
    context:
        The context ``u``.
    actual:
        The actual values of the endogenous variables.
    max_size:
        The largest conjunction searched (``None``: no limit).
    candidates:
        The variables that were considered (ancestors of the outcome).
    """

    causes: tuple[CauseResult, ...]
    outcome: str
    definition: str
    context: dict[str, int]
    actual: dict[str, int]
    max_size: int | None
    candidates: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.causes)

    def __iter__(self):  # noqa: ANN204
        return iter(self.causes)

    def sets(self) -> list[dict[str, int]]:
        """The causes as ``{variable: value}`` mappings."""
        return [dict(c.cause) for c in self.causes]

    def lines(self) -> list[str]:
        """One line per cause: ``L=1 & MD=1  [witness: W={}, x'={L=0, MD=0}]``."""
        return [str(c) for c in self.causes]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "outcome": self.outcome,
            "definition": self.definition,
            "context": dict(self.context),
            "actual": dict(self.actual),
            "max_size": self.max_size,
            "candidates": list(self.candidates),
            "causes": [c.to_dict() for c in self.causes],
        }


class CausalSetting:
    """A causal setting (M, u) with an outcome formula: the memoised search state."""

    def __init__(self, model: CausalModel, context: Mapping[str, int] | str | None, outcome: str | Expression) -> None:
        if not isinstance(model, CausalModel):
            raise InvalidParameterError(f"model must be a CausalModel, got {type(model).__name__}")
        if context is None:
            if model.context is None:
                raise InvalidParameterError("context is required (the model file sets no default context)")
            context = model.context
        self.model = model
        self.ctx = model.check_context(context)
        if isinstance(outcome, Expression):
            self.formula = outcome
        else:
            try:
                self.formula = parse_expression(str(outcome))
            except ExpressionError as exc:
                raise InvalidParameterError(f"outcome: {exc}") from None
        for v in self.formula.variables:
            if v not in model.variables and v not in model.exogenous:
                raise InvalidParameterError(
                    f"outcome {self.formula.text!r} uses unknown variable {v!r} (endogenous: {', '.join(model.endogenous)})"
                )
        self.outcome_vars = tuple(v for v in self.formula.variables if v in model.variables)
        self.n = len(model.endogenous)
        self.actual_row = model.evaluate_batch(
            self.ctx, np.zeros((1, self.n), np.int64), np.zeros((1, self.n), bool)
        )[0]
        self.actual = {v: int(self.actual_row[j]) for j, v in enumerate(model.endogenous)}
        self.phi_actual = bool(self._phi(self.actual_row[None, :])[0])
        # Variables that may usefully be held fixed: (strict) ancestors of the outcome variables.
        if self.outcome_vars:
            anc = model.ancestors(self.outcome_vars, include_self=False)
        else:
            anc = frozenset()
        self.anc_idx = np.array(sorted(model.index[v] for v in anc), dtype=np.int64)
        self.anc_mask = np.zeros(self.n, bool)
        self.anc_mask[self.anc_idx] = True
        self._cache: dict[tuple[tuple[int, ...], str], tuple[tuple[int, ...], tuple[int, ...], np.ndarray] | None] = {}
        self.n_evaluations = 0

    def _phi(self, sols: np.ndarray) -> np.ndarray:
        env: dict[str, Any] = dict(self.ctx)
        for j, v in enumerate(self.model.endogenous):
            env[v] = sols[:, j]
        out = np.asarray(self.formula.evaluate(env))
        return np.broadcast_to(out != 0, (sols.shape[0],))

    def solve(self, values: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sols_parts, phi_parts = [], []
        for s in range(0, values.shape[0], _CHUNK):
            sols = self.model.evaluate_batch(self.ctx, values[s : s + _CHUNK], mask[s : s + _CHUNK])
            sols_parts.append(sols)
            phi_parts.append(self._phi(sols))
        self.n_evaluations += values.shape[0]
        return np.concatenate(sols_parts), np.concatenate(phi_parts)

    def idx(self, names: Mapping[str, int] | tuple[str, ...]) -> tuple[int, ...]:
        return tuple(sorted(self.model.index[v] for v in names))

    def alternatives(self, xs: tuple[int, ...]) -> list[tuple[int, ...]]:
        doms = []
        for j in xs:
            v = self.model.endogenous[j]
            doms.append([d for d in self.model.variables[v].domain if d != self.actual_row[j]])
        return list(itertools.product(*doms))

    def witness(self, xs: tuple[int, ...], definition: str) -> tuple[tuple[int, ...], tuple[int, ...], np.ndarray] | None:
        """AC2 for X (column indices): ``(alternative, W, solution)`` or ``None``; memoised."""
        key = (xs, definition)
        if key in self._cache:
            return self._cache[key]
        result = self._search_updated(xs) if definition == "updated" else self._search(xs, definition)
        self._cache[key] = result
        return result

    def _search(
        self,
        xs: tuple[int, ...],
        definition: str,
        *,
        alts: list[tuple[int, ...]] | None = None,
        base: Mapping[int, int] | None = None,
        accept: Callable[[tuple[int, ...], tuple[int, ...]], bool] | None = None,
    ) -> tuple[tuple[int, ...], tuple[int, ...], np.ndarray] | None:
        """Breadth-first search for ``W`` (held at actual values) with ``[X <- x', base, W <- w*] not phi``.

        ``base`` is a further fixed intervention (column -> value); ``accept(alt, W)``
        may reject a candidate (the search then continues with larger ``W``).
        """
        if not self.phi_actual:
            return None
        alts = self.alternatives(xs) if alts is None else alts
        if not alts:
            return None
        base = dict(base or {})
        allowed = self.anc_mask.copy()
        allowed[list(xs)] = False
        allowed[list(base)] = False
        level: list[tuple[int, tuple[int, ...]]] = [(a, ()) for a in range(len(alts))]
        alt_arr = np.array(alts, dtype=np.int64)
        xs_list = list(xs)
        base_cols = list(base)
        base_vals = np.array([base[c] for c in base_cols], dtype=np.int64)
        while level:
            m = len(level)
            values = np.zeros((m, self.n), np.int64)
            mask = np.zeros((m, self.n), bool)
            a_idx = np.fromiter((a for a, _ in level), dtype=np.int64, count=m)
            values[:, xs_list] = alt_arr[a_idx]
            mask[:, xs_list] = True
            if base_cols:
                values[:, base_cols] = base_vals
                mask[:, base_cols] = True
            for r, (_, w) in enumerate(level):
                if w:
                    wl = list(w)
                    values[r, wl] = self.actual_row[wl]
                    mask[r, wl] = True
            sols, phi = self.solve(values, mask)
            for r in np.nonzero(~phi)[0]:
                a, w = level[int(r)]
                if accept is None or accept(alts[a], w):
                    return alts[a], w, sols[int(r)]
            if definition == "but-for":
                return None
            changed = (sols != self.actual_row[None, :]) & allowed[None, :]
            nxt: list[tuple[int, tuple[int, ...]]] = []
            for r, (a, w) in enumerate(level):
                last = w[-1] if w else -1
                for z in np.nonzero(changed[r])[0]:
                    if z > last:
                        nxt.append((a, (*w, int(z))))
            level = nxt
        return None

    def _search_updated(self, xs: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...], np.ndarray] | None:
        """AC2(a) and AC2(b^u) of the updated HP definition, by exhaustive search over (W, w) in increasing |W|."""
        if not self.phi_actual:
            return None
        alts = self.alternatives(xs)
        if not alts:
            return None
        model = self.model
        relevant = model.ancestors(self.outcome_vars, include_self=True) if self.outcome_vars else frozenset()
        universe = [j for j in sorted(model.index[v] for v in relevant) if j not in xs]
        if len(universe) > UPDATED_MAX_VARIABLES:
            raise InvalidParameterError(
                f"definition='updated' searches exhaustively and allows at most {UPDATED_MAX_VARIABLES} variables "
                f"that can affect the outcome besides the cause; this query has {len(universe)} "
                "(use definition='modified')"
            )
        xs_list = list(xs)
        names = model.endogenous
        x_actual = self.actual_row[xs_list]
        for size in range(len(universe) + 1):
            for w in itertools.combinations(universe, size):
                wl = list(w)
                doms = [model.variables[names[j]].domain for j in w]
                combos = np.array(list(itertools.product(*doms)), dtype=np.int64).reshape(-1, size) if size else np.zeros((1, 0), np.int64)
                rows = len(combos) * len(alts)
                values = np.zeros((rows, self.n), np.int64)
                mask = np.zeros((rows, self.n), bool)
                alt_arr = np.repeat(np.array(alts, dtype=np.int64), len(combos), axis=0)
                values[:, xs_list] = alt_arr
                mask[:, xs_list] = True
                if size:
                    values[:, wl] = np.tile(combos, (len(alts), 1))
                    mask[:, wl] = True
                sols, phi = self.solve(values, mask)
                for r in np.nonzero(~phi)[0]:
                    wv = values[r, wl]
                    if self._ac2b_updated(xs_list, x_actual, wl, wv, [j for j in universe if j not in w]):
                        return tuple(int(v) for v in alt_arr[r]), w, sols[r]
        return None

    def _ac2b_updated(
        self, xs: list[int], x_actual: np.ndarray, w: list[int], wv: np.ndarray, z: list[int]
    ) -> bool:
        """AC2(b^u): ``[X <- x, W' <- w, Z' <- z*] phi`` for all ``W' ⊆ W`` and ``Z' ⊆ Z``."""
        cols = w + z
        target = np.concatenate([wv, self.actual_row[z]]).astype(np.int64)
        m = len(cols)
        rows = 1 << m
        bits = ((np.arange(rows)[:, None] >> np.arange(m)[None, :]) & 1).astype(bool)
        values = np.zeros((rows, self.n), np.int64)
        mask = np.zeros((rows, self.n), bool)
        values[:, xs] = x_actual
        mask[:, xs] = True
        if m:
            values[:, cols] = target
            mask[:, cols] = bits
        _, phi = self.solve(values, mask)
        return bool(phi.all())

    def make_witness(self, found: tuple[tuple[int, ...], tuple[int, ...], np.ndarray], xs: tuple[int, ...]) -> Witness:
        alt, w, sol = found
        names = self.model.endogenous
        return Witness(
            contingency={names[j]: int(sol[j]) for j in w},
            alternative={names[j]: int(v) for j, v in zip(xs, alt)},
            values={v: int(sol[j]) for j, v in enumerate(names)},
        )


def check_definition(definition: str) -> Definition:
    """``definition`` if it names a Halpern-Pearl definition, else :class:`InvalidParameterError`."""
    if definition not in _DEFINITIONS:
        raise InvalidParameterError(f"definition must be one of {', '.join(_DEFINITIONS)}; got {definition!r}")
    return cast(Definition, definition)


def is_actual_cause(
    model: CausalModel,
    context: Mapping[str, int] | str | None,
    cause: Mapping[str, int] | str,
    outcome: str,
    *,
    definition: Definition = "modified",
) -> CauseResult:
    """Decide whether the conjunction ``cause`` is an actual cause of ``outcome`` in ``(model, context)``.

    Parameters
    ----------
    model:
        The causal model.
    context:
        The exogenous values, e.g. ``{"UL": 1, "UMD": 1}`` or ``"UL=1, UMD=1"``
        (``None``: the model's default context).
    cause:
        ``X = x``, e.g. ``{"L": 1}`` or ``"L=1, MD=1"`` (a conjunction).
    outcome:
        A formula over the variables, e.g. ``"FF=1"`` or ``"BS=1 and not BT=0"``.
    definition:
        ``"modified"`` (Halpern 2015, the default), ``"updated"`` (Halpern and Pearl
        2005; exhaustive, small models only) or ``"but-for"``.

    Returns
    -------
    CauseResult
        The verdict, AC1–AC3 and the witness ``(W, x')``.

    References
    ----------
    Halpern, J. Y. (2015). A modification of the Halpern-Pearl definition of causality. IJCAI.

    Examples
    --------
    >>> from causalscope.actual import load_example
    >>> m = load_example("rock_throwing")
    >>> r = is_actual_cause(m, "ST_U=1, BT_U=1", {"ST": 1}, "BS=1")
    >>> r.is_cause, r.witness.contingency, r.witness.alternative
    (True, {'BH': 0}, {'ST': 0})
    >>> is_actual_cause(m, "ST_U=1, BT_U=1", {"BT": 1}, "BS=1").is_cause
    False
    """
    definition = check_definition(definition)
    setting = CausalSetting(model, context, outcome)
    cause_d = model.check_intervention(parse_assignment(cause, parameter="cause"), parameter="cause")
    if not cause_d:
        raise InvalidParameterError("cause must set at least one variable")
    return _judge(setting, cause_d, definition)


def _judge(setting: CausalSetting, cause_d: dict[str, int], definition: str) -> CauseResult:
    text = setting.formula.text
    ac1 = setting.phi_actual and all(setting.actual[k] == v for k, v in cause_d.items())
    if not ac1:
        return CauseResult(cause_d, text, definition, False, False, False, False)
    xs = setting.idx(tuple(cause_d))
    found = setting.witness(xs, definition)
    if found is None:
        return CauseResult(cause_d, text, definition, False, True, False, False)
    witness = setting.make_witness(found, xs)
    names = setting.model.endogenous
    for size in range(1, len(xs)):
        for sub in itertools.combinations(xs, size):
            if setting.witness(sub, definition) is not None:
                smaller = {names[j]: int(setting.actual_row[j]) for j in sub}
                return CauseResult(cause_d, text, definition, False, True, True, False, witness, smaller)
    return CauseResult(cause_d, text, definition, True, True, True, True, witness)


def is_but_for_cause(
    model: CausalModel, context: Mapping[str, int] | str | None, cause: Mapping[str, int] | str, outcome: str
) -> bool:
    """``True`` when ``outcome`` would fail had ``cause`` not held (some other value, nothing held fixed).

    Examples
    --------
    >>> from causalscope.actual import load_example
    >>> m = load_example("forest_fire_conjunctive")
    >>> is_but_for_cause(m, None, {"L": 1}, "FF=1")
    True
    """
    return is_actual_cause(model, context, cause, outcome, definition="but-for").is_cause


def actual_causes(
    model: CausalModel,
    context: Mapping[str, int] | str | None,
    outcome: str,
    *,
    definition: Definition = "modified",
    max_size: int | None = None,
    candidates: list[str] | None = None,
    progress: Progress | Callable[[int, int | None, str], None] | None = None,
) -> ActualCauses:
    """Enumerate the minimal actual causes (conjunctions ``X = x``) of ``outcome``.

    Parameters
    ----------
    model, context, outcome, definition:
        As in :func:`is_actual_cause`.
    max_size:
        Largest conjunction to try (``None``: no limit). The number of candidate
        conjunctions grows combinatorially with it.
    candidates:
        Restrict causes to these variables (default: all endogenous ancestors of the
        outcome's variables, which are the only possible causes).
    progress:
        Progress reporter (one step per conjunction size).

    Returns
    -------
    ActualCauses

    Examples
    --------
    >>> from causalscope.actual import load_example
    >>> m = load_example("forest_fire_disjunctive")
    >>> actual_causes(m, "UL=1, UMD=1", "FF=1").sets()
    [{'L': 1, 'MD': 1}]
    >>> actual_causes(load_example("forest_fire_conjunctive"), None, "FF=1").sets()
    [{'L': 1}, {'MD': 1}]
    """
    definition = check_definition(definition)
    if max_size is not None and (isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1):
        raise InvalidParameterError(f"max_size must be a positive integer or None; got {max_size!r}")
    setting = CausalSetting(model, context, outcome)
    names = model.endogenous
    pool = set(model.ancestors(setting.outcome_vars, include_self=False)) if setting.outcome_vars else set()
    if candidates is not None:
        for c in candidates:
            model.parents(c)  # validates the name
            if c not in model.variables:
                raise InvalidParameterError(f"candidates: {c!r} is not an endogenous variable")
        pool &= set(candidates)
    cand = tuple(sorted((model.index[v] for v in pool)))
    limit = len(cand) if max_size is None else min(max_size, len(cand))
    found: list[CauseResult] = []
    found_sets: list[frozenset[int]] = []
    reporter = as_progress(progress)
    reporter.start(limit, "actual causes")
    try:
        if setting.phi_actual:
            for size in range(1, limit + 1):
                for xs in itertools.combinations(cand, size):
                    fx = frozenset(xs)
                    if any(s <= fx for s in found_sets):
                        continue
                    w = setting.witness(xs, definition)
                    if w is None:
                        continue
                    cause_d = {names[j]: int(setting.actual_row[j]) for j in xs}
                    found.append(
                        CauseResult(
                            cause_d, setting.formula.text, definition, True, True, True, True, setting.make_witness(w, xs)
                        )
                    )
                    found_sets.append(fx)
                reporter.advance(1)
    finally:
        reporter.close()
    return ActualCauses(
        causes=tuple(found),
        outcome=setting.formula.text,
        definition=definition,
        context=dict(setting.ctx),
        actual=dict(setting.actual),
        max_size=max_size,
        candidates=tuple(names[j] for j in cand),
    )
