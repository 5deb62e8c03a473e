"""Sufficiency, necessity and normality factors and a theory-guided causal verdict (AC-Reason).

AC-Reason (2025) answers "did event E cause outcome O?" about a story by first
fixing a *causal setting* (the relevant events, whether each occurred, their
temporal order, which one is queried), then inferring binary *causal factors* of
each event (sufficiency, necessity, normality, ...), and finally applying a
theory-guided decision procedure to the factors. A language model fills the
setting and the factors from text; this module holds the formal part, as a
function of a structured :class:`Scenario`, so that a front end can fill the
scenario and get a verdict with its reasons.

A scenario lists events (occurrence, time, normality, intention) and the sets of
events that *jointly suffice* for the outcome; the outcome occurs when every event
of some sufficient set occurred. This is a monotone structural model
(``O = OR_S AND_{E in S} E``, :meth:`Scenario.to_model`), so the factors have exact
meanings (after Halpern 2016):

sufficiency
    E occurred and belongs to a minimal sufficient set all of whose events occurred
    (E is part of what actually sufficed).
necessity
    but-for: had E not occurred (all else as it was) the outcome would not have
    occurred, i.e. every fully occurred sufficient set contains E.
normality
    E conforms to norms and defaults (``normal=False`` marks a norm violation or an
    unusual event).
intention
    E is a deliberate action (``intentional=True``).
order
    E's time; used to resolve overdetermination (preemption).
hp_cause
    E is part of a minimal actual cause under the modified Halpern–Pearl definition
    in the scenario's model (computed, not asked).

Decision procedure (:func:`ac_reason`), in order; the first rule that applies decides:

1. E did not occur, or the outcome did not occur -> not a cause (AC1).
2. E is not sufficient (part of no set that actually sufficed) -> not a cause.
3. E is necessary (but-for):
   a. if E is normal while another necessary event of the same sufficient set
      violates a norm -> not a cause (people single out the norm-violating factor of
      a conjunctive cause: Knobe and Fraser 2008; Icard, Kominsky and Knobe 2017);
   b. otherwise -> a cause.
4. E is sufficient but not necessary (overdetermination):
   a. temporal order: if a sufficient set containing E was complete strictly before
      every competing set (one without E) -> a cause (E preempted the others); if a
      competing set was complete strictly earlier -> not a cause (E was preempted);
   b. otherwise (simultaneous or unknown order) compare salience, 2 for a norm
      violation, 1 for a (normal) deliberate action, 0 otherwise: if E is more salient
      than every event of the competing sets -> a cause; if less salient than one of
      them -> not a cause;
   c. otherwise -> a cause (symmetric overdetermination: each event is part of an
      actual cause, as in the disjunctive forest fire).

Differences from the paper: we could read only summaries of AC-Reason (its causal
setting with focal/occurrence/order factors, and factor reasoning over sufficiency,
necessity and normality among five binary factors), not its algorithm. The
procedure above is our own, grounded in Halpern's definitions and the normality
literature the paper builds on; it covers the overdetermination, norm-violation and
intention rules the paper describes, computes sufficiency and necessity from the
scenario's structure instead of asking a model for them, and reports the modified
HP verdict alongside.

References
----------
.. [1] AC-Reason: Towards theory-guided actual causality reasoning with large
   language models (2025), arXiv:2505.08750.
.. [2] Halpern, J. Y. (2016). *Actual Causality*, Chapters 2–3 (normality). MIT Press.
.. [3] Icard, T. F., Kominsky, J. F., & Knobe, J. (2017). Normality and actual causal
   strength. Cognition, 161, 80–93.
.. [4] Knobe, J., & Fraser, B. (2008). Causal judgment and moral judgment: Two
   experiments. Moral Psychology, 2, 441–447.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from ..exceptions import InvalidParameterError
from .halpern_pearl import actual_causes
from .model import CausalModel

__all__ = ["Event", "Scenario", "CausalFactors", "ACReasonVerdict", "causal_factors", "ac_reason"]


@dataclass(frozen=True)
class Event:
    """One event of a scenario.

    Attributes
    ----------
    name:
        An identifier (letters, digits, underscores).
    occurred:
        Whether the event happened.
    time:
        When it happened (any comparable number; ``None`` if unknown).
    normal:
        ``False`` when the event violates a norm (moral, legal, statistical, policy).
    intentional:
        ``True`` when it is a deliberate action.
    description:
        Free text.
    """

    name: str
    occurred: bool = True
    time: float | None = None
    normal: bool = True
    intentional: bool = False
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "name": self.name,
            "occurred": self.occurred,
            "time": self.time,
            "normal": self.normal,
            "intentional": self.intentional,
            "description": self.description,
        }


@dataclass(frozen=True)
class Scenario:
    """Events and the sets of them that jointly suffice for the outcome.

    Parameters
    ----------
    events:
        The events.
    sufficient_sets:
        Each a set of event names that together suffice for the outcome (minimal sets
        are the intent; supersets are harmless).
    outcome:
        A name for the outcome.

    Examples
    --------
    >>> s = Scenario.from_dict({
    ...     "outcome": "shattered",
    ...     "events": [{"name": "suzy", "time": 1}, {"name": "billy", "time": 2}],
    ...     "sufficient_sets": [["suzy"], ["billy"]]})
    >>> s.outcome_occurred
    True
    """

    events: tuple[Event, ...]
    sufficient_sets: tuple[frozenset[str], ...]
    outcome: str = "outcome"
    _by_name: dict[str, Event] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        events = tuple(self.events)
        sets = tuple(frozenset(s) for s in self.sufficient_sets)
        object.__setattr__(self, "events", events)
        object.__setattr__(self, "sufficient_sets", sets)
        if not events:
            raise InvalidParameterError("a scenario needs at least one event")
        by: dict[str, Event] = {}
        for e in events:
            if not isinstance(e, Event):
                raise InvalidParameterError(f"events must be Event values; got {type(e).__name__}")
            if not e.name.isidentifier():
                raise InvalidParameterError(f"event name {e.name!r} must be an identifier (letters, digits, _)")
            if e.name in by:
                raise InvalidParameterError(f"duplicate event {e.name!r}")
            by[e.name] = e
        if not self.outcome.isidentifier() or self.outcome in by:
            raise InvalidParameterError(f"outcome name {self.outcome!r} must be an identifier distinct from the events")
        if not sets:
            raise InvalidParameterError("sufficient_sets must list at least one set of events")
        for s in sets:
            if not s:
                raise InvalidParameterError("sufficient_sets must not contain an empty set")
            unknown = sorted(s - set(by))
            if unknown:
                raise InvalidParameterError(f"sufficient_sets names unknown event(s) {unknown}")
        object.__setattr__(self, "_by_name", by)

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> Scenario:
        """Build from a JSON-like mapping (``events``: list of mappings, ``sufficient_sets``: list of lists)."""
        if not isinstance(spec, Mapping):
            raise InvalidParameterError(f"a scenario must be a mapping; got {type(spec).__name__}")
        events = []
        for e in spec.get("events", []):
            if not isinstance(e, Mapping) or "name" not in e:
                raise InvalidParameterError(f"each event must be a mapping with a 'name'; got {e!r}")
            unknown = set(e) - {"name", "occurred", "time", "normal", "intentional", "description"}
            if unknown:
                raise InvalidParameterError(f"event {e['name']!r} has unknown keys {sorted(unknown)}")
            events.append(Event(**e))
        return cls(tuple(events), tuple(frozenset(s) for s in spec.get("sufficient_sets", [])), str(spec.get("outcome", "outcome")))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (the input of :meth:`from_dict`)."""
        return {
            "outcome": self.outcome,
            "events": [e.to_dict() for e in self.events],
            "sufficient_sets": [sorted(s) for s in self.sufficient_sets],
        }

    def event(self, name: str) -> Event:
        """The event called ``name``."""
        if name not in self._by_name:
            raise InvalidParameterError(f"unknown event {name!r}; the scenario has {', '.join(self._by_name)}")
        return self._by_name[name]

    @property
    def minimal_sets(self) -> tuple[frozenset[str], ...]:
        """The sufficient sets that contain no other sufficient set (supersets are redundant)."""
        sets = set(self.sufficient_sets)
        return tuple(s for s in dict.fromkeys(self.sufficient_sets) if not any(t < s for t in sets))

    def complete_sets(self, without: str | None = None) -> list[frozenset[str]]:
        """The minimal sufficient sets all of whose events occurred (optionally those without ``without``)."""
        return [
            s
            for s in self.minimal_sets
            if all(self._by_name[n].occurred for n in s) and (without is None or without not in s)
        ]

    @property
    def outcome_occurred(self) -> bool:
        """Whether some sufficient set fully occurred."""
        return bool(self.complete_sets())

    def to_model(self) -> CausalModel:
        """The monotone structural model: one exogenous switch per event, ``outcome = OR_S AND_S``."""
        exo = {f"U_{e.name}": [0, 1] for e in self.events}
        endo: dict[str, Any] = {e.name: f"U_{e.name}" for e in self.events}
        endo[self.outcome] = " or ".join("(" + " and ".join(sorted(s)) + ")" for s in self.sufficient_sets)
        ctx = {f"U_{e.name}": int(e.occurred) for e in self.events}
        return CausalModel(exo, endo, name=self.outcome, context=ctx, outcome=f"{self.outcome}=1")


@dataclass(frozen=True)
class CausalFactors:
    """The causal factors of one event (see the module docstring)."""

    event: str
    occurred: bool
    time: float | None
    sufficient: bool
    necessary: bool
    normal: bool
    intentional: bool
    hp_cause: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class ACReasonVerdict:
    """The answer to "did ``event`` cause the outcome?" with the factors and the rule that decided."""

    event: str
    outcome: str
    is_cause: bool
    rule: str
    factors: CausalFactors
    explanation: tuple[str, ...]

    def __bool__(self) -> bool:
        return self.is_cause

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "event": self.event,
            "outcome": self.outcome,
            "is_cause": self.is_cause,
            "rule": self.rule,
            "factors": self.factors.to_dict(),
            "explanation": list(self.explanation),
        }


def causal_factors(scenario: Scenario) -> dict[str, CausalFactors]:
    """Sufficiency, necessity, normality, intention, order and the HP verdict of every event.

    Examples
    --------
    >>> s = Scenario((Event("lightning"), Event("match")), (frozenset({"lightning"}), frozenset({"match"})), "fire")
    >>> f = causal_factors(s)["match"]
    >>> f.sufficient, f.necessary, f.hp_cause
    (True, False, True)
    """
    occurred_outcome = scenario.outcome_occurred
    hp_parts: set[str] = set()
    if occurred_outcome:
        model = scenario.to_model()
        for c in actual_causes(model, None, f"{scenario.outcome}=1"):
            hp_parts |= set(c.cause)
    out = {}
    for e in scenario.events:
        sufficient = e.occurred and any(e.name in s for s in scenario.complete_sets())
        necessary = e.occurred and occurred_outcome and not scenario.complete_sets(without=e.name)
        out[e.name] = CausalFactors(
            e.name, e.occurred, e.time, sufficient, necessary, e.normal, e.intentional, e.name in hp_parts
        )
    return out


def _completion(scenario: Scenario, sets: Iterable[frozenset[str]]) -> float | None:
    """Earliest time at which one of ``sets`` was complete (``None`` if any time is unknown)."""
    best: float | None = None
    for s in sets:
        times = [scenario.event(n).time for n in s]
        if any(t is None for t in times):
            return None
        t = max(cast(list[float], times))  # no None: checked just above
        best = t if best is None or t < best else best
    return best


def _salience(e: Event) -> int:
    return 2 if not e.normal else (1 if e.intentional else 0)


def ac_reason(scenario: Scenario, event: str) -> ACReasonVerdict:
    """Decide whether ``event`` caused the scenario's outcome, with the rule and reasons.

    Parameters
    ----------
    scenario:
        The structured scenario.
    event:
        The queried (focal) event.

    Returns
    -------
    ACReasonVerdict

    References
    ----------
    AC-Reason: Towards theory-guided actual causality reasoning with large language
    models (2025), arXiv:2505.08750; Halpern, J. Y. (2016), *Actual Causality*.

    Examples
    --------
    The pen case: two people take pens, and the receptionist is left without one;
    only the professor broke the rule.

    >>> s = Scenario.from_dict({"outcome": "no_pens", "events": [
    ...     {"name": "professor", "normal": False, "intentional": True},
    ...     {"name": "assistant", "normal": True, "intentional": True}],
    ...     "sufficient_sets": [["professor", "assistant"]]})
    >>> ac_reason(s, "professor").is_cause, ac_reason(s, "assistant").is_cause
    (True, False)
    >>> ac_reason(s, "assistant").rule
    'necessary-but-normal'
    """
    e = scenario.event(event)
    factors = causal_factors(scenario)
    f = factors[event]
    why: list[str] = []
    o = scenario.outcome

    def verdict(is_cause: bool, rule: str) -> ACReasonVerdict:
        return ACReasonVerdict(event, o, is_cause, rule, f, tuple(why))

    if not e.occurred:
        why.append(f"{event} did not occur")
        return verdict(False, "did-not-occur")
    if not scenario.outcome_occurred:
        why.append(f"the outcome {o} did not occur")
        return verdict(False, "no-outcome")
    if not f.sufficient:
        why.append(f"{event} is part of no set of events that actually sufficed for {o}")
        return verdict(False, "not-sufficient")
    if f.necessary:
        why.append(f"{event} is necessary: without it {o} would not have occurred")
        if e.normal:
            cofactors = [
                n
                for s in scenario.complete_sets()
                if event in s
                for n in s
                if n != event and factors[n].necessary and not scenario.event(n).normal
            ]
            if cofactors:
                why.append(
                    f"{event} is normal, while {', '.join(sorted(set(cofactors)))} (also necessary) violated a norm"
                )
                return verdict(False, "necessary-but-normal")
        return verdict(True, "necessary")
    rivals = scenario.complete_sets(without=event)
    mine = [s for s in scenario.complete_sets() if event in s]
    why.append(f"{event} sufficed but was not necessary: {o} was overdetermined")
    t_mine, t_rival = _completion(scenario, mine), _completion(scenario, rivals)
    if t_mine is not None and t_rival is not None and t_mine != t_rival:
        if t_mine < t_rival:
            why.append(f"{event}'s sufficient condition was complete first (time {t_mine} < {t_rival}): it preempted the others")
            return verdict(True, "preempting")
        why.append(f"another sufficient condition was complete first (time {t_rival} < {t_mine}): {event} was preempted")
        return verdict(False, "preempted")
    mine_s = _salience(e)
    rival_s = max(_salience(scenario.event(n)) for s in rivals for n in s)
    labels = {2: "violated a norm", 1: "was a deliberate action", 0: "was normal and unintentional"}
    if mine_s > rival_s:
        why.append(f"{event} {labels[mine_s]}, the competing events did not stand out as much")
        return verdict(True, "overdetermination-salient")
    if mine_s < rival_s:
        rival_events = sorted({n for s in rivals for n in s if _salience(scenario.event(n)) == rival_s})
        why.append(f"{event} {labels[mine_s]}, while {', '.join(rival_events)} {labels[rival_s]}")
        return verdict(False, "overdetermination-less-salient")
    why.append(f"symmetric overdetermination: {event} is part of an actual cause")
    return verdict(True, "overdetermination")
