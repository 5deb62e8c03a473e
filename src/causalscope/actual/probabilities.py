"""Probabilities of causation (Tian and Pearl 2000): PN, PS and PNS.

For a binary treatment ``X`` and outcome ``Y`` (``x``: X=1, ``x'``: X=0, ``y``:
Y=1, ``y'``: Y=0, ``y_x``: the counterfactual "Y would be 1 had X been 1"):

PN, probability of necessity
    ``P(y'_{x'} | x, y)``: among cases with ``x`` and ``y``, how many would not have
    had ``y`` without ``x`` ("but for the exposure"; the legal question).
PS, probability of sufficiency
    ``P(y_x | x', y')``: among cases with neither, how many would have had ``y``
    with ``x``.
PNS, probability of necessity and sufficiency
    ``P(y_x, y'_{x'})``.

They are not identified in general. Tian and Pearl give:

* point values under **exogeneity** (no confounding, ``P(y_x) = P(y|x)``) plus
  **monotonicity** (``y'_x and y_{x'}`` impossible): ``PNS = P(y|x) - P(y|x')``,
  ``PN = PNS / P(y|x)`` (the excess risk ratio), ``PS = PNS / (1 - P(y|x'))``;
  and under monotonicity alone, with experimental data, ``PN = (P(y) - P(y_{x'}))
  / P(x, y)``, ``PS = (P(y_x) - P(y)) / P(x', y')``, ``PNS = P(y_x) - P(y_{x'})``;
* **sharp bounds** from experimental data ``P(y_x), P(y_{x'})`` alone, from
  observational data ``P(x, y)`` alone, and from both combined (the tightest
  bounds: :func:`pc_bounds`).

The bounds are sharp: they equal the minimum and maximum of a linear program over
the joint distribution of ``X`` and the four *response types* of ``Y`` (never,
helped, hurt, always) subject to the data (:func:`pc_bounds_lp` computes that LP,
and the test suite checks the two agree).

References
----------
.. [1] Tian, J., & Pearl, J. (2000). Probabilities of causation: Bounds and
   identification. Annals of Mathematics and Artificial Intelligence, 28, 287–313.
.. [2] Pearl, J. (2009). *Causality* (2nd ed.), Chapter 9. Cambridge University Press.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from ..exceptions import InvalidParameterError

__all__ = [
    "Observational",
    "Experimental",
    "Bounds",
    "PCBounds",
    "pc_bounds",
    "pc_bounds_lp",
    "pc_exogenous_monotonic",
    "pc_monotonic",
]

_TOL = 1e-9
#: Conditioning events less probable than this are treated as impossible (the quantity is ``nan``).
_DEN_TOL = 1e-12


def _prob(name: str, v: object) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not np.isfinite(v):
        raise InvalidParameterError(f"{name} must be a probability in [0, 1]; got {v!r}")
    f = float(v)
    if f < -_TOL or f > 1 + _TOL:
        raise InvalidParameterError(f"{name} must be a probability in [0, 1]; got {f}")
    return min(max(f, 0.0), 1.0)


@dataclass(frozen=True)
class Observational:
    """The observational joint of binary ``X, Y``: ``p_xy = P(X=1, Y=1)``, ``p_xny = P(X=1, Y=0)``, ...

    Examples
    --------
    >>> Observational.from_counts(n_xy=2, n_xny=998, n_nxy=28, n_nxny=972).p_xy
    0.001
    """

    p_xy: float
    p_xny: float
    p_nxy: float
    p_nxny: float

    def __post_init__(self) -> None:
        vals = [_prob(n, getattr(self, n)) for n in ("p_xy", "p_xny", "p_nxy", "p_nxny")]
        if abs(sum(vals) - 1.0) > 1e-6:
            raise InvalidParameterError(
                f"observational probabilities p_xy, p_xny, p_nxy, p_nxny must sum to 1; they sum to {sum(vals):.6g}"
            )
        for n, v in zip(("p_xy", "p_xny", "p_nxy", "p_nxny"), vals):
            object.__setattr__(self, n, v)

    @classmethod
    def from_counts(cls, *, n_xy: float, n_xny: float, n_nxy: float, n_nxny: float) -> Observational:
        """From counts of (X=1,Y=1), (X=1,Y=0), (X=0,Y=1), (X=0,Y=0)."""
        counts = np.array([n_xy, n_xny, n_nxy, n_nxny], dtype=float)
        if (counts < 0).any() or counts.sum() <= 0:
            raise InvalidParameterError(f"counts must be non-negative with a positive total; got {counts.tolist()}")
        p = counts / counts.sum()
        return cls(*map(float, p))

    @property
    def p_y(self) -> float:
        """``P(Y=1)``."""
        return self.p_xy + self.p_nxy

    @property
    def p_x(self) -> float:
        """``P(X=1)``."""
        return self.p_xy + self.p_xny

    @property
    def p_y_given_x(self) -> float:
        """``P(Y=1 | X=1)``."""
        return self.p_xy / self.p_x if self.p_x > 0 else float("nan")

    @property
    def p_y_given_nx(self) -> float:
        """``P(Y=1 | X=0)``."""
        q = 1.0 - self.p_x
        return self.p_nxy / q if q > 0 else float("nan")


@dataclass(frozen=True)
class Experimental:
    """Interventional probabilities ``p_y_do_x = P(Y=1 | do(X=1))`` and ``p_y_do_nx = P(Y=1 | do(X=0))``."""

    p_y_do_x: float
    p_y_do_nx: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "p_y_do_x", _prob("p_y_do_x", self.p_y_do_x))
        object.__setattr__(self, "p_y_do_nx", _prob("p_y_do_nx", self.p_y_do_nx))


@dataclass(frozen=True)
class Bounds:
    """An interval ``[lower, upper]`` (``nan`` when the quantity is undefined)."""

    lower: float
    upper: float

    @property
    def is_point(self) -> bool:
        """True when the bounds coincide (the quantity is identified)."""
        return bool(abs(self.upper - self.lower) <= 1e-12)

    def contains(self, value: float, tol: float = 1e-9) -> bool:
        """Whether ``value`` lies in the interval."""
        return bool(self.lower - tol <= value <= self.upper + tol)

    def to_dict(self) -> dict[str, float]:
        """JSON-ready mapping."""
        return {"lower": self.lower, "upper": self.upper}


@dataclass(frozen=True)
class PCBounds:
    """Bounds on PN, PS and PNS, and which data they use (``"observational"``, ``"experimental"``, ``"both"``)."""

    pn: Bounds
    ps: Bounds
    pns: Bounds
    data: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"pn": self.pn.to_dict(), "ps": self.ps.to_dict(), "pns": self.pns.to_dict(), "data": self.data}


_NAN = Bounds(float("nan"), float("nan"))


def _ratio_bounds(lo_num: float, hi_num: float, den: float) -> Bounds:
    if den <= _DEN_TOL:
        return _NAN
    return Bounds(max(0.0, lo_num / den), min(1.0, hi_num / den))


def pc_bounds(
    observational: Observational | None = None, experimental: Experimental | None = None
) -> PCBounds:
    """Sharp Tian–Pearl bounds on PN, PS and PNS from the data available.

    Parameters
    ----------
    observational:
        The joint ``P(X, Y)`` (``None`` if not available).
    experimental:
        ``P(y_x)``, ``P(y_{x'})`` (``None`` if not available).

    Returns
    -------
    PCBounds
        With both kinds of data (Tian and Pearl 2000, Theorems 1–3 combined):
        ``max{0, P(y_x)-P(y_x'), P(y)-P(y_x'), P(y_x)-P(y)} <= PNS <=
        min{P(y_x), P(y'_x'), P(x,y)+P(x',y'), P(y_x)-P(y_x')+P(x,y')+P(x',y)}``,
        ``max{0, (P(y)-P(y_x'))/P(x,y)} <= PN <= min{1, (P(y'_x')-P(x',y'))/P(x,y)}``,
        ``max{0, (P(y_x)-P(y))/P(x',y')} <= PS <= min{1, (P(y_x)-P(x,y))/P(x',y')}``.
        Experimental data alone bound PNS by ``[max(0, P(y_x)-P(y_x')), min(P(y_x), P(y'_x'))]``
        (PN and PS, conditional on the unobserved ``X``, are then only known to lie in
        ``[0, 1]``); observational data alone give PNS in ``[0, P(x,y)+P(x',y')]`` and
        PN, PS in ``[0, 1]``. A quantity whose conditioning event has probability 0
        (below 1e-12) is ``nan``.

    References
    ----------
    Tian, J., & Pearl, J. (2000). Probabilities of causation: Bounds and identification.
    Annals of Mathematics and Artificial Intelligence, 28, 287–313.

    Examples
    --------
    Pearl (2009, Section 9.3.4): a drug and deaths; the experiment shows a small
    effect, but observational data make the drug's necessity for the plaintiff's
    death certain (PN = 1).

    >>> obs = Observational.from_counts(n_xy=2, n_xny=998, n_nxy=28, n_nxny=972)
    >>> exp = Experimental(p_y_do_x=0.016, p_y_do_nx=0.014)
    >>> b = pc_bounds(obs, exp)
    >>> round(b.pn.lower, 6), b.pn.upper
    (1.0, 1.0)
    >>> b_exp = pc_bounds(experimental=exp)
    >>> round(b_exp.pns.lower, 6), round(b_exp.pns.upper, 6)
    (0.002, 0.016)
    """
    if observational is None and experimental is None:
        raise InvalidParameterError("pc_bounds needs observational data, experimental data or both")
    unit = Bounds(0.0, 1.0)
    if experimental is None:
        o = cast(Observational, observational)
        pn = unit if o.p_xy > _DEN_TOL else _NAN
        ps = unit if o.p_nxny > _DEN_TOL else _NAN
        return PCBounds(pn, ps, Bounds(0.0, o.p_xy + o.p_nxny), "observational")
    pyx, pynx = experimental.p_y_do_x, experimental.p_y_do_nx
    if observational is None:
        pns = Bounds(max(0.0, pyx - pynx), min(pyx, 1.0 - pynx))
        return PCBounds(unit, unit, pns, "experimental")
    o = observational
    py = o.p_y
    pns = Bounds(
        max(0.0, pyx - pynx, py - pynx, pyx - py),
        min(pyx, 1.0 - pynx, o.p_xy + o.p_nxny, pyx - pynx + o.p_xny + o.p_nxy),
    )
    pn = _ratio_bounds(py - pynx, (1.0 - pynx) - o.p_nxny, o.p_xy)
    ps = _ratio_bounds(pyx - py, pyx - o.p_xy, o.p_nxny)
    return PCBounds(pn, ps, pns, "both")


def pc_bounds_lp(
    observational: Observational | None = None, experimental: Experimental | None = None
) -> PCBounds:
    """The same bounds by linear programming over response types (a brute-force check).

    The unknowns are ``q[x, r] = P(X=x, R=r)`` for the four response types ``r`` of
    ``Y`` (``(Y_{x'}, Y_x)`` in ``{00, 01, 10, 11}``); the data are linear equality
    constraints and PNS, PN·P(x,y), PS·P(x',y') are linear objectives, minimised and
    maximised with :func:`scipy.optimize.linprog`.

    Examples
    --------
    >>> exp = Experimental(p_y_do_x=0.7, p_y_do_nx=0.4)
    >>> b = pc_bounds_lp(experimental=exp).pns
    >>> round(b.lower, 6), round(b.upper, 6)
    (0.3, 0.6)
    """
    from scipy.optimize import linprog

    if observational is None and experimental is None:
        raise InvalidParameterError("pc_bounds_lp needs observational data, experimental data or both")
    # index = 4 * x + r, r = 2 * y_{x'} + y_x  (y_{x'} = y0, y_x = y1)
    def y_of(x: int, r: int) -> int:
        return (r & 1) if x == 1 else (r >> 1)

    a_eq: list[list[float]] = []
    b_eq: list[float] = []
    a_eq.append([1.0] * 8)
    b_eq.append(1.0)
    if observational is not None:
        for x, y, p in (
            (1, 1, observational.p_xy),
            (1, 0, observational.p_xny),
            (0, 1, observational.p_nxy),
        ):
            a_eq.append([1.0 if (i // 4 == x and y_of(x, i % 4) == y) else 0.0 for i in range(8)])
            b_eq.append(p)
    if experimental is not None:
        a_eq.append([1.0 if y_of(1, i % 4) == 1 else 0.0 for i in range(8)])
        b_eq.append(experimental.p_y_do_x)
        a_eq.append([1.0 if y_of(0, i % 4) == 1 else 0.0 for i in range(8)])
        b_eq.append(experimental.p_y_do_nx)
    helped = 1  # y_{x'} = 0, y_x = 1
    c_pns = np.array([1.0 if i % 4 == helped else 0.0 for i in range(8)])
    c_pn = np.array([1.0 if i == 4 + helped else 0.0 for i in range(8)])  # X=1 and helped
    c_ps = np.array([1.0 if i == helped else 0.0 for i in range(8)])  # X=0 and helped

    def solve(c: np.ndarray) -> tuple[float, float]:
        lo = linprog(c, A_eq=np.array(a_eq), b_eq=np.array(b_eq), bounds=[(0, 1)] * 8, method="highs")
        hi = linprog(-c, A_eq=np.array(a_eq), b_eq=np.array(b_eq), bounds=[(0, 1)] * 8, method="highs")
        if lo.status != 0 or hi.status != 0:
            raise InvalidParameterError("the observational and experimental data are inconsistent with any model")
        return float(lo.fun), float(-hi.fun)

    pns = Bounds(*solve(c_pns))
    if observational is None:
        return PCBounds(Bounds(0.0, 1.0), Bounds(0.0, 1.0), pns, "experimental")
    data = "both" if experimental is not None else "observational"
    if observational.p_xy > _DEN_TOL:
        lo, hi = solve(c_pn)
        pn = Bounds(lo / observational.p_xy, hi / observational.p_xy)
    else:
        pn = _NAN
    if observational.p_nxny > _DEN_TOL:
        lo, hi = solve(c_ps)
        ps = Bounds(lo / observational.p_nxny, hi / observational.p_nxny)
    else:
        ps = _NAN
    return PCBounds(pn, ps, pns, data)


@dataclass(frozen=True)
class PCValues:
    """Point values of PN, PS and PNS (identified under the stated assumptions)."""

    pn: float
    ps: float
    pns: float
    assumptions: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"pn": self.pn, "ps": self.ps, "pns": self.pns, "assumptions": self.assumptions}


__all__ += ["PCValues"]


def pc_exogenous_monotonic(observational: Observational) -> PCValues:
    """PN, PS, PNS under exogeneity and monotonicity (Tian and Pearl 2000, Theorem 1).

    ``PNS = P(y|x) - P(y|x')``, ``PN = PNS / P(y|x)`` (excess risk ratio),
    ``PS = PNS / P(y'|x')``.

    Raises
    ------
    InvalidParameterError
        When the data contradict monotonicity (``P(y|x) < P(y|x')``).

    Examples
    --------
    >>> o = Observational(p_xy=0.3, p_xny=0.2, p_nxy=0.1, p_nxny=0.4)
    >>> v = pc_exogenous_monotonic(o)
    >>> round(v.pns, 6), round(v.pn, 6), round(v.ps, 6)
    (0.4, 0.666667, 0.5)
    """
    a, b = observational.p_y_given_x, observational.p_y_given_nx
    if not (np.isfinite(a) and np.isfinite(b)):
        raise InvalidParameterError("both X=1 and X=0 must have positive probability")
    if a < b - _TOL:
        raise InvalidParameterError(
            f"the data contradict monotonicity: P(y|x) = {a:.6g} < P(y|x') = {b:.6g}"
        )
    pns = max(a - b, 0.0)
    pn = pns / a if a > 0 else float("nan")
    ps = pns / (1.0 - b) if b < 1 else float("nan")
    return PCValues(pn, ps, pns, "exogeneity and monotonicity")


def pc_monotonic(observational: Observational, experimental: Experimental) -> PCValues:
    """PN, PS, PNS under monotonicity with observational and experimental data (Tian and Pearl 2000, Theorem 4).

    ``PNS = P(y_x) - P(y_x')``, ``PN = (P(y) - P(y_x')) / P(x, y)``,
    ``PS = (P(y_x) - P(y)) / P(x', y')``.

    Examples
    --------
    >>> obs = Observational.from_counts(n_xy=2, n_xny=998, n_nxy=28, n_nxny=972)
    >>> v = pc_monotonic(obs, Experimental(p_y_do_x=0.016, p_y_do_nx=0.014))
    >>> round(v.pn, 6), round(v.pns, 6)
    (1.0, 0.002)
    """
    pyx, pynx = experimental.p_y_do_x, experimental.p_y_do_nx
    if pyx < pynx - _TOL:
        raise InvalidParameterError(
            f"the data contradict monotonicity: P(y_x) = {pyx:.6g} < P(y_x') = {pynx:.6g}"
        )
    o = observational
    pn = (o.p_y - pynx) / o.p_xy if o.p_xy > 0 else float("nan")
    ps = (pyx - o.p_y) / o.p_nxny if o.p_nxny > 0 else float("nan")
    return PCValues(pn, ps, pyx - pynx, "monotonicity")
