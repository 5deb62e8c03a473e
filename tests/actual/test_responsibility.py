"""Responsibility and blame: the numbers of Chockler and Halpern (2004) and hand computations."""

from __future__ import annotations

from fractions import Fraction

import pytest

from causalscope.actual import CausalModel, blame, load_example, responsibility
from causalscope.exceptions import InvalidParameterError


def _vote(n: int) -> CausalModel:
    exo = {f"U{i}": [0, 1] for i in range(n)}
    endo = {f"V{i}": f"U{i}" for i in range(n)}
    endo["W"] = "1 if " + " + ".join(f"V{i}" for i in range(n)) + f" >= {n // 2 + 1} else 0"
    return CausalModel(exo, endo)


def test_voting_numbers_of_chockler_halpern() -> None:
    # Chockler & Halpern (2004): in an 11-0 vote each voter has responsibility 1/6, in a 6-5 vote 1.
    m = _vote(11)
    r = responsibility(m, {f"U{i}": 1 for i in range(11)}, {"V0": 1}, "W=1")
    assert r.degree == Fraction(1, 6) and r.k == 5 and len(r.changes) == 5
    assert all(v == 0 for v in r.changes.values())
    r65 = responsibility(m, {f"U{i}": int(i < 6) for i in range(11)}, {"V0": 1}, "W=1")
    assert r65.degree == 1 and r65.k == 0
    # A losing "no" voter in the 6-5 vote is not part of a cause of the win.
    assert responsibility(m, {f"U{i}": int(i < 6) for i in range(11)}, {"V10": 0}, "W=1").degree == 0


def test_textbook_examples() -> None:
    # Disjunctive forest fire: one change (the other source) makes each critical -> 1/2 (Chockler & Halpern 2004).
    ff = load_example("forest_fire_disjunctive")
    r = responsibility(ff, None, {"L": 1}, "FF=1")
    assert r.degree == Fraction(1, 2) and r.changes == {"MD": 0} and r.part_of_cause == {"L": 1, "MD": 1}
    # Conjunctive: but-for causes -> 1.
    assert responsibility(load_example("forest_fire_conjunctive"), None, {"MD": 1}, "FF=1").degree == 1
    # Rock throwing: Suzy 1 (W = {BH} held at its actual value, no change); Billy 0 (no cause).
    rock = load_example("rock_throwing")
    suzy = responsibility(rock, None, {"ST": 1}, "BS=1")
    assert suzy.degree == 1 and suzy.held == {"BH": 0}
    assert responsibility(rock, None, {"BT": 1}, "BS=1").degree == 0
    # The 5-0 vote needing 3: two changes -> 1/3.
    assert responsibility(load_example("voting"), None, {"V4": 1}, "W=1").degree == Fraction(1, 3)


def test_max_changes_bounds_the_search() -> None:
    m = _vote(11)
    r = responsibility(m, {f"U{i}": 1 for i in range(11)}, {"V0": 1}, "W=1", max_changes=3)
    assert r.degree == 0 and r.k is None and r.part_of_cause is not None


def test_blame_is_expected_responsibility() -> None:
    # Hand computation: with Pr 0.5 the lightning was absent (match critical, dr=1), with 0.5 present
    # (dr=1/2): 0.5*1 + 0.5*0.5 = 0.75. The action MD=1 is performed in every context (intervene=True).
    ff = load_example("forest_fire_disjunctive")
    b = blame(ff, {"MD": 1}, "FF=1", [("UL=0, UMD=0", 0.5), ("UL=1, UMD=0", 0.5)])
    assert b.degree == pytest.approx(0.75)
    assert [t[2] for t in b.terms] == [1.0, 0.5]
    # Without intervening, a context where MD=0 contributes nothing.
    b2 = blame(ff, {"MD": 1}, "FF=1", [("UL=0, UMD=0", 0.5), ("UL=1, UMD=1", 0.5)], intervene=False)
    assert b2.degree == pytest.approx(0.25)


def test_invalid_arguments() -> None:
    ff = load_example("forest_fire_disjunctive")
    with pytest.raises(InvalidParameterError, match="exactly one variable"):
        responsibility(ff, None, {"L": 1, "MD": 1}, "FF=1")
    with pytest.raises(InvalidParameterError, match="sum to 1"):
        blame(ff, {"MD": 1}, "FF=1", {"UL=0, UMD=0": 0.5})
    with pytest.raises(InvalidParameterError, match=">= 0"):
        blame(ff, {"MD": 1}, "FF=1", {"UL=0, UMD=0": -0.5, "UL=1, UMD=1": 1.5})
    with pytest.raises(InvalidParameterError, match="max_changes"):
        responsibility(ff, None, {"L": 1}, "FF=1", max_changes=-1)
