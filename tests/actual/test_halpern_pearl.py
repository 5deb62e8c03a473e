"""Halpern–Pearl actual causation: textbook verdicts (Halpern 2016), a brute-force oracle, properties."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from causalscope.actual import (
    CausalModel,
    actual_causes,
    example_expected,
    is_actual_cause,
    is_but_for_cause,
    list_examples,
    load_example,
)
from causalscope.exceptions import InvalidParameterError

from ._models import oracle_ac2_updated, oracle_is_cause, random_model


@pytest.mark.parametrize("name", list_examples())
@pytest.mark.parametrize("definition", ["modified", "updated", "but-for"])
def test_shipped_examples_give_the_book_verdicts(name: str, definition: str) -> None:
    # Expected causes are those of Halpern (2016) / Halpern (2015) / Chockler & Halpern (2004), stored with the example.
    m = load_example(name)
    got = actual_causes(m, None, m.outcome, definition=definition)  # type: ignore[arg-type]
    expected = example_expected(name)[definition]
    assert sorted(map(sorted, (c.items() for c in got.sets()))) == sorted(map(sorted, (c.items() for c in expected)))


def test_forest_fire_verdicts_spelled_out() -> None:
    conj, disj = load_example("forest_fire_conjunctive"), load_example("forest_fire_disjunctive")
    ctx = "UL=1, UMD=1"
    assert is_actual_cause(conj, ctx, {"L": 1}, "FF=1").is_cause
    assert is_actual_cause(conj, ctx, {"MD": 1}, "FF=1").is_cause
    # Disjunctive, both present: neither alone (AC2 fails), the conjunction is a cause (Halpern 2015).
    r = is_actual_cause(disj, ctx, {"L": 1}, "FF=1")
    assert not r.is_cause and r.ac1 and not r.ac2
    both = is_actual_cause(disj, ctx, {"L": 1, "MD": 1}, "FF=1")
    assert both.is_cause and both.witness.alternative == {"L": 0, "MD": 0} and both.witness.contingency == {}
    # Disjunctive with only the lightning: L=1 is a but-for cause, MD=0 is no cause.
    assert is_but_for_cause(disj, "UL=1, UMD=0", {"L": 1}, "FF=1")
    assert not is_actual_cause(disj, "UL=1, UMD=0", {"MD": 0}, "FF=1").is_cause


def test_rock_throwing_suzy_is_a_cause_billy_is_not() -> None:
    m = load_example("rock_throwing")
    suzy = is_actual_cause(m, None, {"ST": 1}, "BS=1")
    assert suzy.is_cause and suzy.witness.contingency == {"BH": 0} and suzy.witness.alternative == {"ST": 0}
    assert suzy.witness.values["BS"] == 0
    billy = is_actual_cause(m, None, {"BT": 1}, "BS=1")
    assert not billy.is_cause and billy.ac1 and not billy.ac2
    assert not is_but_for_cause(m, None, {"ST": 1}, "BS=1")
    # AC3: the conjunction ST=1 & BT=1 satisfies AC2 but is not minimal.
    r = is_actual_cause(m, None, {"ST": 1, "BT": 1}, "BS=1")
    assert not r.is_cause and r.ac2 and not r.ac3 and r.smaller_cause == {"ST": 1}


def test_double_prevention_and_bogus_prevention() -> None:
    dp = load_example("double_prevention")
    assert is_actual_cause(dp, None, {"BPT": 1}, "TD=1").is_cause
    assert not is_actual_cause(dp, None, {"ES": 1}, "TD=1").is_cause
    bp = load_example("bogus_prevention")
    assert not is_actual_cause(bp, None, {"B": 1}, "VS=1").is_cause
    assert is_actual_cause(bp, None, {"A": 0, "B": 1}, "VS=1").is_cause
    # The updated definition makes the antidote a cause, with the non-actual witness A=1 (Halpern 2015).
    upd = is_actual_cause(bp, None, {"B": 1}, "VS=1", definition="updated")
    assert upd.is_cause and upd.witness.contingency == {"A": 1} and upd.witness.alternative == {"B": 0}


def test_updated_definition_rock_throwing_uses_ac2b() -> None:
    # Billy: W={SH} set to 0 makes BS depend on BT (AC2(a)), but AC2(b^u) fails when BH is restored to its
    # actual value 0 -- the reason the SH/BH model gets preemption right (Halpern 2016, Chapter 2).
    m = load_example("rock_throwing")
    assert not is_actual_cause(m, None, {"BT": 1}, "BS=1", definition="updated").is_cause
    assert is_actual_cause(m, None, {"ST": 1}, "BS=1", definition="updated").is_cause


def test_updated_definition_refuses_large_models() -> None:
    # A chain X0 -> X1 -> ... -> X19: 19 variables besides X0 can affect the outcome.
    m = CausalModel({f"U{i}": [0, 1] for i in range(20)},
                    {f"X{i}": f"U{i}" if i == 0 else f"X{i - 1} or U{i}" for i in range(20)})
    ctx = {f"U{i}": int(i == 0) for i in range(20)}
    with pytest.raises(InvalidParameterError, match="at most 12"):
        actual_causes(m, ctx, "X19=1", definition="updated")
    assert actual_causes(m, ctx, "X19=1").sets()[0] == {"X0": 1}


def test_ac1_fails_when_cause_or_outcome_do_not_hold() -> None:
    m = load_example("rock_throwing")
    r = is_actual_cause(m, None, {"ST": 0}, "BS=1")
    assert not r.ac1 and not r.is_cause
    r = is_actual_cause(m, None, {"ST": 1}, "BS=0")
    assert not r.ac1
    assert len(actual_causes(m, None, "BS=0")) == 0


def test_outcome_formulas_with_connectives() -> None:
    m = load_example("rock_throwing")
    r = actual_causes(m, None, "BS=1 and not BH=1")
    assert {"ST": 1} in r.sets()
    assert is_actual_cause(m, None, {"BT": 1}, "BS=1 and BH=0").is_cause is False


def test_invalid_queries_raise_typed_errors() -> None:
    m = load_example("rock_throwing")
    with pytest.raises(InvalidParameterError, match="definition"):
        is_actual_cause(m, None, {"ST": 1}, "BS=1", definition="original2001")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="unknown variable 'XX'"):
        is_actual_cause(m, None, {"ST": 1}, "XX=1")
    with pytest.raises(InvalidParameterError, match="outcome"):
        is_actual_cause(m, None, {"ST": 1}, "BS==")
    with pytest.raises(InvalidParameterError, match="cause sets 'QQ'"):
        is_actual_cause(m, None, {"QQ": 1}, "BS=1")
    with pytest.raises(InvalidParameterError, match="max_size"):
        actual_causes(m, None, "BS=1", max_size=0)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 6), seed=st.integers(0, 10_000))
def test_pruned_search_agrees_with_brute_force_oracle(n: int, seed: int) -> None:
    # Oracle: AC1-AC3 by enumerating every W subset of the other variables and every x' (no pruning).
    m, ctx = random_model(n, seed)
    out = m.endogenous[-1]
    val = m.evaluate(ctx)[out]
    actual = m.evaluate(ctx)
    for definition in ("modified", "but-for"):
        sizes = (1, 2) if definition == "modified" else (1,)
        for size in sizes:
            for xs in itertools.combinations(m.endogenous[:-1], size):
                cause = {v: actual[v] for v in xs}
                got = is_actual_cause(m, ctx, cause, f"{out}={val}", definition=definition).is_cause
                assert got == oracle_is_cause(m, ctx, cause, out, val, definition), (definition, cause, m)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 5), seed=st.integers(0, 10_000))
def test_updated_definition_agrees_with_brute_force_oracle(n: int, seed: int) -> None:
    # Oracle: AC2(a) and AC2(b^u) over every partition (Z, W), every w, x', W' and Z' (singleton causes,
    # for which AC3 is trivial).
    m, ctx = random_model(n, seed)
    out = m.endogenous[-1]
    actual = m.evaluate(ctx)
    for v in m.endogenous[:-1]:
        got = is_actual_cause(m, ctx, {v: actual[v]}, f"{out}={actual[out]}", definition="updated")
        assert got.is_cause == oracle_ac2_updated(m, ctx, {v: actual[v]}, out, actual[out]), (v, m)
        if got.is_cause:  # the witness really satisfies AC2(a)
            w = got.witness
            assert m.evaluate(ctx, {**w.alternative, **w.contingency})[out] != actual[out]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 7), seed=st.integers(0, 10_000))
def test_properties_but_for_minimality_irrelevant_variable(n: int, seed: int) -> None:
    m, ctx = random_model(n, seed)
    out = m.endogenous[-1]
    phi = f"{out}={m.evaluate(ctx)[out]}"
    actual = m.evaluate(ctx)
    modified = actual_causes(m, ctx, phi)
    # Every but-for cause (a single event) is a modified-HP cause.
    for v in m.endogenous[:-1]:
        if is_but_for_cause(m, ctx, {v: actual[v]}, phi):
            assert {v: actual[v]} in modified.sets()
    # Minimality: no strict subset of an enumerated cause satisfies AC1-AC2 (checked by the oracle).
    for c in modified.sets():
        for r in range(1, len(c)):
            for sub in itertools.combinations(c, r):
                assert not oracle_is_cause(m, ctx, {k: c[k] for k in sub}, out, actual[out], "modified")
    # Adding an irrelevant variable (not an ancestor of the outcome) changes no verdict.
    spec = {v: m.variables[v].text for v in m.endogenous}
    spec["Z"] = f"UZ or {m.endogenous[0]}"
    bigger = CausalModel({**m.exogenous, "UZ": [0, 1]}, spec)
    for uz in (0, 1):
        again = actual_causes(bigger, {**ctx, "UZ": uz}, phi)
        assert again.sets() == modified.sets()
        assert [str(c.witness) for c in again] == [str(c.witness) for c in modified]


def test_twenty_five_variable_models_stay_fast() -> None:
    # 25 binary endogenous variables (+25 exogenous); causes up to size 2. Checked against the oracle on
    # the singletons found (the oracle is exponential, so only those).
    for seed in (3, 11):
        m, ctx = random_model(25, seed)
        out = m.endogenous[-1]
        val = m.evaluate(ctx)[out]
        res = actual_causes(m, ctx, f"{out}={val}", max_size=2)
        assert len(res.candidates) >= 8
        for c in res:
            w = c.witness
            iv = {**w.alternative, **w.contingency}
            assert m.evaluate(ctx, iv)[out] != val  # the witness really falsifies the outcome
            assert all(m.evaluate(ctx)[k] == v for k, v in w.contingency.items())  # W held at actual values


def test_progress_reports_one_step_per_size() -> None:
    calls: list[tuple[int, int | None, str]] = []
    actual_causes(load_example("voting"), None, "W=1", progress=lambda d, t, s: calls.append((d, t, s)))
    assert calls[0] == (0, 5, "actual causes") and calls[-1][0] == 5
