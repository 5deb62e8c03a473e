"""Background knowledge: required and forbidden edges, and temporal tiers.

What a domain expert knows before looking at data constrains the search:

* a **required** edge ``u --> v``: ``u`` is a direct cause of ``v``;
* a **forbidden** edge ``u --> v``: ``u`` is not a direct cause of ``v`` (the
  edge may still exist as ``v --> u``; forbidding both directions removes the
  adjacency);
* **tiers**: an ordered partition of (some of) the variables, for example by
  time of measurement. A variable in a later tier cannot cause one in an earlier
  tier; with ``forbid_within_tiers`` variables in the same tier cannot cause each
  other either. Variables in no tier are unconstrained.

Every discovery algorithm accepts ``knowledge=`` as a :class:`Knowledge`, a dict
(as :meth:`Knowledge.to_dict` writes it) or the path of a knowledge file
(:meth:`Knowledge.from_file`): YAML with the keys ``required``, ``forbidden``
(lists of ``"A --> B"``), ``tiers`` (a list of lists of names, earliest first)
and ``forbid_within_tiers``; or a Tetrad knowledge text file (``addtemporal`` /
``forbiddirect`` / ``requiredirect`` sections).

References
----------
Meek, C. (1995). Causal inference and causal explanation with background
knowledge. UAI, 403-410. Spirtes, Glymour & Scheines (2000). *Causation,
Prediction, and Search*, 2nd ed., MIT Press (Tetrad's knowledge tiers).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import DataError, InvalidParameterError
from ..graphs.reach import find_directed_cycle

__all__ = ["Knowledge", "as_knowledge"]


def _parse_edge(item: object, what: str) -> tuple[str, str]:
    """``"A --> B"``, ``"B <-- A"``, ``("A", "B")`` or ``["A", "B"]`` -> ``("A", "B")``."""
    if isinstance(item, str):
        text = item.strip()
        for arrow, flip in (("-->", False), ("<--", True), ("->", False), ("<-", True)):
            if arrow in text:
                left, _, right = text.partition(arrow)
                u, v = left.strip(), right.strip()
                if u and v and not any(a in v for a in ("-->", "<--")):
                    return (v, u) if flip else (u, v)
        raise InvalidParameterError(
            f"{what} edge must be written 'A --> B' (or as a pair [A, B]); got {item!r}"
        )
    if isinstance(item, (tuple, list)) and len(item) == 2:
        u, v = item
        return str(u), str(v)
    raise InvalidParameterError(f"{what} edge must be 'A --> B' or a pair (A, B); got {item!r}")


def _edge_set(items: object, what: str) -> frozenset[tuple[str, str]]:
    if items is None:
        return frozenset()
    if isinstance(items, (str, bytes)):
        items = [items]
    if not isinstance(items, Iterable):
        raise InvalidParameterError(f"{what} must be a list of edges 'A --> B'; got {items!r}")
    out = set()
    for item in items:
        u, v = _parse_edge(item, what)
        if u == v:
            raise InvalidParameterError(f"{what} edge {u} --> {v} is a self-loop")
        out.add((u, v))
    return frozenset(out)


def _tiers(items: object) -> tuple[tuple[str, ...], ...]:
    if items is None:
        return ()
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise InvalidParameterError(f"tiers must be a list of lists of variable names; got {items!r}")
    out = []
    seen: dict[str, int] = {}
    for t, tier in enumerate(items):
        if isinstance(tier, str):
            tier = [tier]
        if not isinstance(tier, Iterable):
            raise InvalidParameterError(f"tier {t} must be a list of variable names; got {tier!r}")
        names = tuple(str(v) for v in tier)
        for v in names:
            if v in seen:
                raise InvalidParameterError(
                    f"variable {v!r} is in tier {seen[v]} and tier {t}; a variable belongs to one tier"
                )
            seen[v] = t
        out.append(names)
    return tuple(out)


@dataclass(frozen=True)
class Knowledge:
    """Background knowledge about edges (see the module docstring).

    Parameters
    ----------
    required:
        Edges ``(u, v)`` meaning ``u --> v`` must be in the graph (``"u --> v"``
        strings are accepted too).
    forbidden:
        Edges ``(u, v)`` meaning ``u --> v`` must not be in the graph.
    tiers:
        An ordered partition of variables, earliest first: a variable in a later
        tier cannot cause one in an earlier tier.
    forbid_within_tiers:
        Whether variables of the same tier cannot cause each other.

    Examples
    --------
    >>> k = Knowledge(required=["A --> B"], tiers=[["A"], ["B", "C"]])
    >>> k.is_required("A", "B"), k.is_forbidden("C", "A"), k.is_forbidden("A", "C")
    (True, True, False)
    >>> k.forbidden_matrix(["A", "B", "C"]).astype(int)
    array([[0, 0, 0],
           [1, 0, 0],
           [1, 0, 0]])
    """

    required: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    forbidden: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    tiers: tuple[tuple[str, ...], ...] = ()
    forbid_within_tiers: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "required", _edge_set(self.required, "required"))
        object.__setattr__(self, "forbidden", _edge_set(self.forbidden, "forbidden"))
        object.__setattr__(self, "tiers", _tiers(self.tiers))
        if not isinstance(self.forbid_within_tiers, (bool, np.bool_)):
            raise InvalidParameterError(
                f"forbid_within_tiers must be True or False; got {self.forbid_within_tiers!r}"
            )
        object.__setattr__(self, "forbid_within_tiers", bool(self.forbid_within_tiers))
        self._tier_of: dict[str, int]  # declared here, not in the class body: not a dataclass field
        object.__setattr__(
            self, "_tier_of", {v: t for t, tier in enumerate(self.tiers) for v in tier}
        )

    # -- construction ----------------------------------------------------------
    @classmethod
    def empty(cls) -> Knowledge:
        """Knowledge that constrains nothing."""
        return cls()

    @property
    def is_empty(self) -> bool:
        """Whether the knowledge constrains nothing."""
        return not (self.required or self.forbidden or self.tiers)

    def to_dict(self) -> dict[str, Any]:
        """A JSON/YAML-ready dict (edges as ``"A --> B"``, sorted)."""
        return {
            "required": [f"{u} --> {v}" for u, v in sorted(self.required)],
            "forbidden": [f"{u} --> {v}" for u, v in sorted(self.forbidden)],
            "tiers": [list(t) for t in self.tiers],
            "forbid_within_tiers": self.forbid_within_tiers,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Knowledge:
        """Build from a dict with the keys of :meth:`to_dict` (all optional).

        Raises
        ------
        InvalidParameterError
            For an unknown key or a malformed entry.
        """
        if not isinstance(d, Mapping):
            raise InvalidParameterError(f"knowledge must be a mapping; got {type(d).__name__}")
        known = {"required", "forbidden", "tiers", "forbid_within_tiers"}
        unknown = sorted(set(map(str, d)) - known)
        if unknown:
            raise InvalidParameterError(
                f"unknown knowledge keys {unknown}; expected some of {sorted(known)}"
            )
        return cls(
            required=d.get("required") or (),  # type: ignore[arg-type]
            forbidden=d.get("forbidden") or (),  # type: ignore[arg-type]
            tiers=d.get("tiers") or (),
            forbid_within_tiers=bool(d.get("forbid_within_tiers", False)),
        )

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Knowledge:
        """Read a knowledge file: YAML (``required``/``forbidden``/``tiers``) or Tetrad text.

        A Tetrad file starts with ``/knowledge`` and has the sections
        ``addtemporal`` (lines ``1 A B``: tier number then names; ``1* A B`` forbids
        edges within the tier), ``forbiddirect`` and ``requiredirect`` (lines ``A B``
        meaning the edge ``A --> B``).

        Raises
        ------
        DataError
            If the file cannot be read or parsed.
        """
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise DataError(f"cannot read knowledge file {str(p)!r}: {exc.strerror or exc}") from None
        if text.lstrip().lower().startswith("/knowledge"):
            return cls._from_tetrad(text, str(p))
        import yaml

        try:
            d = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise DataError(f"knowledge file {str(p)!r} is not valid YAML: {exc}") from None
        if d is None:
            return cls()
        if not isinstance(d, Mapping):
            raise DataError(
                f"knowledge file {str(p)!r} must hold a mapping with keys required, forbidden, tiers"
            )
        try:
            return cls.from_dict(d)
        except InvalidParameterError as exc:
            raise DataError(f"knowledge file {str(p)!r}: {exc}") from None

    @classmethod
    def _from_tetrad(cls, text: str, source: str) -> Knowledge:
        section = None
        tiers: dict[int, list[str]] = {}
        within = False
        required: list[tuple[str, str]] = []
        forbidden: list[tuple[str, str]] = []
        for lineno, raw in enumerate(text.splitlines(), 1):
            line = raw.split("//")[0].strip()
            if not line:
                continue
            low = line.lower()
            if low.startswith("/knowledge"):
                continue
            if low in ("addtemporal", "forbiddirect", "requiredirect"):
                section = low
                continue
            parts = line.split()
            if section == "addtemporal":
                head = parts[0]
                star = head.endswith("*")
                try:
                    t = int(head.rstrip("*"))
                except ValueError:
                    raise DataError(f"{source}:{lineno}: expected a tier number, got {head!r}") from None
                within = within or star
                tiers.setdefault(t, []).extend(parts[1:])
            elif section in ("forbiddirect", "requiredirect"):
                if len(parts) != 2:
                    raise DataError(f"{source}:{lineno}: expected two variable names, got {line!r}")
                (forbidden if section == "forbiddirect" else required).append((parts[0], parts[1]))
            else:
                raise DataError(f"{source}:{lineno}: line outside a known section: {line!r}")
        return cls(
            required=required, forbidden=forbidden,  # type: ignore[arg-type]  # normalised by __post_init__
            tiers=[tiers[t] for t in sorted(tiers)], forbid_within_tiers=within,  # type: ignore[arg-type]  # as above
        )

    # -- queries ---------------------------------------------------------------
    def tier_of(self, v: str) -> int | None:
        """The tier index of ``v`` (``None`` when ``v`` is in no tier)."""
        return self._tier_of.get(v)

    def is_forbidden(self, u: str, v: str) -> bool:
        """Whether ``u --> v`` is forbidden, explicitly or by the tiers."""
        if (u, v) in self.forbidden:
            return True
        tu, tv = self.tier_of(u), self.tier_of(v)
        if tu is None or tv is None:
            return False
        return tu > tv or (self.forbid_within_tiers and tu == tv and u != v)

    def is_required(self, u: str, v: str) -> bool:
        """Whether ``u --> v`` is required."""
        return (u, v) in self.required

    def mentioned(self) -> set[str]:
        """Every variable name the knowledge mentions."""
        names = {v for e in self.required | self.forbidden for v in e}
        names.update(v for t in self.tiers for v in t)
        return names

    def validate(self, variables: Sequence[str]) -> Knowledge:
        """Check the knowledge against ``variables``; return ``self``.

        Raises
        ------
        DataError
            If the knowledge names a variable not in ``variables`` (the message
            names it and lists the valid names).
        InvalidParameterError
            For contradictions: an edge both required and forbidden (also by the
            tiers), both directions of an edge required, or required edges forming
            a directed cycle.
        """
        valid = [str(v) for v in variables]
        known = set(valid)
        unknown = sorted(self.mentioned() - known)
        if unknown:
            raise DataError(
                f"knowledge names unknown variable(s) {unknown}; the variables are {valid}"
            )
        for u, v in sorted(self.required):
            if self.is_forbidden(u, v):
                why = "explicitly" if (u, v) in self.forbidden else "by the tiers"
                raise InvalidParameterError(f"edge {u} --> {v} is both required and forbidden ({why})")
            if (v, u) in self.required:
                raise InvalidParameterError(f"both {u} --> {v} and {v} --> {u} are required")
        cycle = _find_cycle(self.required)
        if cycle:
            raise InvalidParameterError(
                "the required edges form a directed cycle: " + " --> ".join(cycle)
            )
        return self

    def forbidden_matrix(self, names: Sequence[str]) -> np.ndarray:
        """Boolean ``(p, p)`` matrix ``F`` with ``F[i, j]`` True iff ``names[i] --> names[j]`` is forbidden."""
        names = [str(v) for v in names]
        p = len(names)
        idx = {v: i for i, v in enumerate(names)}
        f = np.zeros((p, p), dtype=bool)
        for u, v in self.forbidden:
            if u in idx and v in idx:
                f[idx[u], idx[v]] = True
        if self.tiers:
            t = np.array([-1 if self.tier_of(v) is None else self.tier_of(v) for v in names])
            has = t >= 0
            both = has[:, None] & has[None, :]
            later = t[:, None] > t[None, :]
            if self.forbid_within_tiers:
                later |= (t[:, None] == t[None, :]) & ~np.eye(p, dtype=bool)
            f |= both & later
        return f

    def required_matrix(self, names: Sequence[str]) -> np.ndarray:
        """Boolean ``(p, p)`` matrix ``R`` with ``R[i, j]`` True iff ``names[i] --> names[j]`` is required."""
        names = [str(v) for v in names]
        p = len(names)
        idx = {v: i for i, v in enumerate(names)}
        r = np.zeros((p, p), dtype=bool)
        for u, v in self.required:
            if u in idx and v in idx:
                r[idx[u], idx[v]] = True
        return r

    def adjacency_forbidden(self, names: Sequence[str]) -> np.ndarray:
        """Boolean symmetric matrix: True where both directions are forbidden (no edge possible)."""
        f = self.forbidden_matrix(names)
        return f & f.T


def _find_cycle(edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """A directed cycle among ``edges`` (names in sorted order searched first), or ``None``."""
    pairs = sorted(edges)
    names = sorted({n for e in pairs for n in e})
    index = {n: k for k, n in enumerate(names)}
    directed = np.zeros((len(names), len(names)), dtype=bool)
    for u, v in pairs:
        directed[index[u], index[v]] = True
    cycle = find_directed_cycle(directed)
    return None if cycle is None else [names[k] for k in cycle]


def as_knowledge(obj: object) -> Knowledge | None:
    """Turn ``None``, a :class:`Knowledge`, a dict or a file path into knowledge.

    Returns ``None`` for ``None`` (no knowledge), so algorithms can skip the work.

    Raises
    ------
    InvalidParameterError
        For any other type, or a malformed dict.
    DataError
        For an unreadable or malformed file.

    Examples
    --------
    >>> as_knowledge({"forbidden": ["B --> A"]}).is_forbidden("B", "A")
    True
    >>> as_knowledge(None) is None
    True
    """
    if obj is None:
        return None
    if isinstance(obj, Knowledge):
        return obj
    if isinstance(obj, Mapping):
        return Knowledge.from_dict(obj)
    if isinstance(obj, (str, os.PathLike)):
        return Knowledge.from_file(obj)
    raise InvalidParameterError(
        "knowledge must be None, a Knowledge, a dict or a knowledge file path; "
        f"got {type(obj).__name__}"
    )
