"""A small language for causal queries: ``P(Y=y | X=x, do(Z=z))``, ``E[Y | do(X=1)]``.

Causal questions about a discrete model are written the way papers write them:

``P(C=1 | do(S=1))``
    a **probability**: every target takes a value; the answer is a number.
``P(A=1, B=0 | X=0, do(Z=1))``
    the joint probability of several targets, given evidence ``X=0`` (seeing)
    in the model where ``Z`` was set to ``1`` (doing).
``P(Y | X=0)``
    a **distribution**: the targets have no value; the answer is a table over
    their states.
``E[Y | do(X=1)]``
    an **expectation** of one target whose state names are numbers.

After the bar ``|`` comes a comma-separated list of observations ``X=x`` and
interventions ``do(Z=z)`` (one ``do`` may hold several assignments,
``do(Z=1, W=0)``), in any order. Names and states are written bare (anything
but spaces and ``( ) [ ] | , = "``) or quoted with double or single quotes when
they hold such characters: ``P(diagnosis="very bad" | do(x=1))``.

:func:`parse_query` turns text into a frozen :class:`Query` value;
``str(query)`` writes it back in a canonical form that parses to an equal value
(observations first, then one ``do(...)``). A syntax error raises
:class:`QuerySyntaxError` with the character position (0-based) and what was
expected there. :meth:`Query.check` validates a parsed query against a model's
variables and states and raises :class:`QueryError` naming the unknown variable
or state, its position in the text, and the valid choices.

The meaning of ``do`` is Pearl's intervention: the arrows into the intervened
variable are cut and it is held at the given value (graph surgery; see
:mod:`causalscope.scm.inference`).

References
----------
.. [1] Pearl, J. (2009). *Causality: Models, Reasoning and Inference*, 2nd ed.
   Cambridge University Press, ch. 3.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..exceptions import InvalidParameterError

__all__ = ["Query", "QueryError", "QuerySyntaxError", "QueryKind", "parse_query"]

QueryKind = Literal["probability", "distribution", "expectation"]

_BARE = re.compile(r"[^\s()\[\]|,=\"']+")


class QueryError(InvalidParameterError):
    """A query cannot be answered: unknown variable or state, contradictory parts.

    Attributes
    ----------
    position:
        0-based character position in the query text of the offending part, or
        ``None`` when the query was not built from text.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


class QuerySyntaxError(QueryError):
    """Query text that does not follow the grammar.

    Attributes
    ----------
    position:
        0-based character position where the parser stopped.
    expected:
        What the parser expected there (for example ``"')'"``).
    text:
        The whole query text.
    """

    def __init__(self, text: str, position: int, expected: str) -> None:
        found = f"found {text[position]!r}" if position < len(text) else "found the end of the query"
        super().__init__(f"invalid query {text!r}: expected {expected} at position {position}, {found}", position)
        self.expected = expected
        self.text = text


def _quote(name: str) -> str:
    if _BARE.fullmatch(name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Query:
    """A parsed causal query.

    Attributes
    ----------
    kind:
        ``"probability"`` (every target has a state), ``"distribution"`` (no
        target has a state) or ``"expectation"`` (one target, no state).
    targets:
        ``((variable, state or None), ...)`` in the order written.
    evidence:
        Observations ``((variable, state), ...)``.
    interventions:
        Hard interventions ``((variable, state), ...)``.
    text:
        The text the query was parsed from (not part of equality).
    positions:
        Where each part appeared in :attr:`text`: ``{(role, variable): (name_pos,
        state_pos)}`` with ``role`` one of ``"target"``, ``"evidence"``,
        ``"do"`` (not part of equality).

    Examples
    --------
    >>> q = parse_query("P(C=1 | do(S=1))")
    >>> q.kind, q.targets, q.interventions
    ('probability', (('C', '1'),), (('S', '1'),))
    >>> str(q)
    'P(C=1 | do(S=1))'
    >>> str(Query.build(["Y"], evidence={"X": 0}, interventions={"Z": 1}))
    'P(Y | X=0, do(Z=1))'
    """

    kind: QueryKind
    targets: tuple[tuple[str, str | None], ...]
    evidence: tuple[tuple[str, str], ...] = ()
    interventions: tuple[tuple[str, str], ...] = ()
    text: str | None = field(default=None, compare=False, repr=False)
    positions: Mapping[tuple[str, str], tuple[int, int | None]] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )

    def __post_init__(self) -> None:
        if self.kind not in ("probability", "distribution", "expectation"):
            raise InvalidParameterError(
                f"kind must be 'probability', 'distribution' or 'expectation'; got {self.kind!r}"
            )
        targets = tuple((str(v), None if s is None else str(s)) for v, s in self.targets)
        evidence = tuple((str(v), str(s)) for v, s in self.evidence)
        interventions = tuple((str(v), str(s)) for v, s in self.interventions)
        object.__setattr__(self, "targets", targets)
        object.__setattr__(self, "evidence", evidence)
        object.__setattr__(self, "interventions", interventions)
        if not targets:
            raise QueryError("a query needs at least one target variable")
        has_state = [s is not None for _, s in targets]
        if self.kind == "probability" and not all(has_state):
            raise QueryError(
                "a probability query gives every target a state (P(A=a, B=b | ...)); "
                f"targets without one: {[v for v, s in targets if s is None]}"
                + self._at("target", next(v for v, s in targets if s is None)),
                self._pos("target", next(v for v, s in targets if s is None)),
            )
        if self.kind == "distribution" and any(has_state):
            raise QueryError(
                "a distribution query leaves every target without a state (P(A, B | ...)); "
                f"targets with one: {[v for v, s in targets if s is not None]}"
                + self._at("target", next(v for v, s in targets if s is not None)),
                self._pos("target", next(v for v, s in targets if s is not None)),
            )
        if self.kind == "expectation" and (len(targets) != 1 or targets[0][1] is not None):
            raise QueryError("an expectation query has exactly one target and no state: E[Y | ...]")
        for role, items in (("target", targets), ("evidence", evidence), ("do", interventions)):
            names = [v for v, _ in items]
            for v in names:
                if names.count(v) > 1:
                    raise QueryError(
                        f"variable {v!r} appears twice among the {role} variables" + self._at(role, v),
                        self._pos(role, v),
                    )
        seen = {v for v, _ in evidence}
        for v, _ in interventions:
            if v in seen:
                raise QueryError(
                    f"variable {v!r} is both observed and intervened on{self._at('do', v)}; "
                    "use one of 'X=x' or 'do(X=x)'",
                    self._pos("do", v),
                )

    def _at(self, role: str, variable: str) -> str:
        pos = self._pos(role, variable)
        return "" if pos is None else f" (at position {pos} in {self.text!r})"

    def _pos(self, role: str, variable: str, which: int = 0) -> int | None:
        p = self.positions.get((role, variable))
        return None if p is None else p[which]

    # ----------------------------------------------------------------- build
    @classmethod
    def build(
        cls,
        targets: Mapping[str, Any] | Sequence[str] | str,
        *,
        evidence: Mapping[str, Any] | None = None,
        interventions: Mapping[str, Any] | None = None,
        kind: QueryKind | None = None,
    ) -> Query:
        """Build a query from Python values.

        Parameters
        ----------
        targets:
            A mapping ``{variable: state}`` (a probability query) or variable
            names (a distribution query; an expectation query with
            ``kind="expectation"``).
        evidence, interventions:
            ``{variable: state}``; states are converted with ``str``.
        kind:
            Overrides the kind inferred from ``targets``.
        """
        if isinstance(targets, str):
            targets = [targets]
        if isinstance(targets, Mapping):
            tg: tuple[tuple[str, str | None], ...] = tuple((str(v), str(s)) for v, s in targets.items())
            inferred: QueryKind = "probability"
        else:
            tg = tuple((str(v), None) for v in targets)
            inferred = "distribution"
        return cls(
            kind=kind or inferred,
            targets=tg,
            evidence=tuple((str(v), str(s)) for v, s in (evidence or {}).items()),
            interventions=tuple((str(v), str(s)) for v, s in (interventions or {}).items()),
        )

    # ------------------------------------------------------------------ views
    @property
    def target_names(self) -> tuple[str, ...]:
        """Target variable names in order."""
        return tuple(v for v, _ in self.targets)

    @property
    def variables(self) -> tuple[str, ...]:
        """Every variable the query mentions (targets, evidence, interventions)."""
        seen: dict[str, None] = {}
        for v, _ in (*self.targets, *self.evidence, *self.interventions):
            seen.setdefault(v, None)
        return tuple(seen)

    def __str__(self) -> str:
        def assign(v: str, s: str | None) -> str:
            return _quote(v) if s is None else f"{_quote(v)}={_quote(s)}"

        head = ", ".join(assign(v, s) for v, s in self.targets)
        conds = [assign(v, s) for v, s in self.evidence]
        if self.interventions:
            conds.append("do(" + ", ".join(assign(v, s) for v, s in self.interventions) + ")")
        body = head + (" | " + ", ".join(conds) if conds else "")
        return f"E[{body}]" if self.kind == "expectation" else f"P({body})"

    def with_targets(self, targets: Mapping[str, str]) -> Query:
        """The probability query with the same conditions and the given target states."""
        return Query(
            kind="probability",
            targets=tuple(targets.items()),
            evidence=self.evidence,
            interventions=self.interventions,
        )

    def check(self, states: Mapping[str, Sequence[str]]) -> None:
        """Check every variable and state against a model's state spaces.

        Parameters
        ----------
        states:
            ``{variable: state names}`` of the model.

        Raises
        ------
        QueryError
            Naming the unknown variable (with the valid variables) or the unknown
            state (with the variable's valid states), and its position in
            :attr:`text` when the query was parsed; also for an expectation whose
            target has a non-numeric state.

        Examples
        --------
        >>> q = parse_query("P(rain=maybe)")
        >>> q.check({"rain": ("no", "yes")})
        Traceback (most recent call last):
        ...
        causalscope.scm.query.QueryError: unknown state 'maybe' of variable 'rain' at position 7 in 'P(rain=maybe)'; valid states: no, yes
        """
        where_text = f" in {self.text!r}" if self.text is not None else ""
        for role, items in (("target", self.targets), ("evidence", self.evidence), ("do", self.interventions)):
            for v, s in items:
                if v not in states:
                    pos = self._pos(role, v)
                    at = f" at position {pos}" if pos is not None else ""
                    raise QueryError(
                        f"unknown variable {v!r}{at}{where_text}; valid variables: {', '.join(states)}", pos
                    )
                if s is not None and s not in tuple(states[v]):
                    pos = self._pos(role, v, 1)
                    at = f" at position {pos}" if pos is not None else ""
                    raise QueryError(
                        f"unknown state {s!r} of variable {v!r}{at}{where_text}; "
                        f"valid states: {', '.join(states[v])}",
                        pos,
                    )
        if self.kind == "expectation":
            v = self.targets[0][0]
            bad = [s for s in states[v] if state_number(s) is None]
            if bad:
                raise QueryError(
                    f"E[{v} ...] needs numeric states; {v!r} has non-numeric states {bad}", self._pos("target", v)
                )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "kind": self.kind,
            "targets": [[v, s] for v, s in self.targets],
            "evidence": dict(self.evidence),
            "interventions": dict(self.interventions),
            "text": str(self),
        }


def state_number(state: str) -> float | None:
    """The number a state name spells (``"1.5"`` -> 1.5), or ``None`` when it is not a number."""
    try:
        return float(state)
    except ValueError:
        return None


# --------------------------------------------------------------------- parser
class _Parser:
    """Recursive-descent parser over the raw text (positions are 0-based)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.positions: dict[tuple[str, str], tuple[int, int | None]] = {}

    def error(self, expected: str, at: int | None = None) -> QuerySyntaxError:
        return QuerySyntaxError(self.text, self.i if at is None else at, expected)

    def skip(self) -> None:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1

    def peek(self) -> str:
        self.skip()
        return self.text[self.i] if self.i < len(self.text) else ""

    def expect(self, ch: str) -> None:
        if self.peek() != ch:
            raise self.error(f"{ch!r}")
        self.i += 1

    def word(self, what: str) -> tuple[str, int]:
        """A bare or quoted name; returns it and its start position."""
        self.skip()
        start = self.i
        if self.i < len(self.text) and self.text[self.i] in "\"'":
            quote = self.text[self.i]
            self.i += 1
            out = []
            while self.i < len(self.text) and self.text[self.i] != quote:
                c = self.text[self.i]
                if c == "\\" and self.i + 1 < len(self.text):
                    self.i += 1
                    c = self.text[self.i]
                out.append(c)
                self.i += 1
            if self.i >= len(self.text):
                raise self.error(f"a closing {quote} for the name opened at position {start}")
            self.i += 1
            return "".join(out), start
        m = _BARE.match(self.text, self.i)
        if m is None:
            raise self.error(what)
        self.i = m.end()
        return m.group(0), start

    def assignment(self, role: str, *, value_required: bool) -> tuple[str, str | None]:
        name, npos = self.word("a variable name")
        if self.peek() == "=":
            self.i += 1
            state, spos = self.word(f"a state of {name!r}")
            self.positions.setdefault((role, name), (npos, spos))
            return name, state
        if value_required:
            raise self.error(f"'=' and a state after {name!r}")
        self.positions.setdefault((role, name), (npos, None))
        return name, None

    def parse(self) -> Query:
        c = self.peek()
        if c == "P":
            self.i += 1
            close, expectation = ")", False
            self.expect("(")
        elif c == "E":
            self.i += 1
            close, expectation = "]", True
            self.expect("[")
        else:
            raise self.error("'P(' or 'E['")
        targets = [self.assignment("target", value_required=False)]
        while self.peek() == ",":
            self.i += 1
            targets.append(self.assignment("target", value_required=False))
        evidence: list[tuple[str, str]] = []
        interventions: list[tuple[str, str]] = []
        if self.peek() == "|":
            self.i += 1
            self.condition(evidence, interventions)
            while self.peek() == ",":
                self.i += 1
                self.condition(evidence, interventions)
        if self.peek() != close:
            conditioned = bool(evidence or interventions)
            raise self.error(f"',' or {close!r}" if conditioned else f"',', '|' or {close!r}")
        self.i += 1
        if self.peek():
            raise self.error("the end of the query")
        if expectation:
            kind: QueryKind = "expectation"
            if len(targets) != 1 or targets[0][1] is not None:
                raise QueryError(
                    f"invalid query {self.text!r}: E[...] takes exactly one target without a state, e.g. E[Y | do(X=1)]",
                    self.positions[("target", targets[0][0])][0],
                )
        else:
            kind = "distribution" if all(s is None for _, s in targets) else "probability"
        return Query(
            kind=kind,
            targets=tuple(targets),
            evidence=tuple(evidence),
            interventions=tuple(interventions),
            text=self.text,
            positions=dict(self.positions),
        )

    def condition(self, evidence: list[tuple[str, str]], interventions: list[tuple[str, str]]) -> None:
        self.skip()
        m = re.compile(r"do\s*\(").match(self.text, self.i)
        if m is not None:
            self.i = m.end()
            while True:
                name, state = self.assignment("do", value_required=True)
                interventions.append((name, state))  # type: ignore[arg-type]
                if self.peek() == ",":
                    self.i += 1
                    continue
                if self.peek() != ")":
                    raise self.error("',' or ')' to close do(")
                self.i += 1
                return
        name, state = self.assignment("evidence", value_required=True)
        evidence.append((name, state))  # type: ignore[arg-type]


def parse_query(text: str) -> Query:
    """Parse query text into a :class:`Query`.

    Parameters
    ----------
    text:
        ``P(targets | conditions)`` or ``E[target | conditions]``; see the module
        notes for the grammar.

    Returns
    -------
    Query
        The parsed value; ``str()`` of it parses back to an equal query.

    Raises
    ------
    QuerySyntaxError
        With the 0-based position and what was expected there.
    QueryError
        For a well-formed but contradictory query (a variable observed and
        intervened on, repeated targets, mixed valued and unvalued targets).

    Examples
    --------
    >>> parse_query("P(Y=1 | X=0, do(Z=1))").evidence
    (('X', '0'),)
    >>> parse_query("E[Y | do(X=1)]").kind
    'expectation'
    >>> parse_query("P(C=1 | do(S=1)")
    Traceback (most recent call last):
    ...
    causalscope.scm.query.QuerySyntaxError: invalid query 'P(C=1 | do(S=1)': expected ',' or ')' at position 15, found the end of the query
    """
    if not isinstance(text, str):
        raise InvalidParameterError(f"a query must be given as text; got {type(text).__name__}")
    return _Parser(text).parse()
