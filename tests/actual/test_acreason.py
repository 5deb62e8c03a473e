"""AC-Reason factors and decision procedure: hand-labelled vignettes and agreement with modified HP."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from causalscope.actual import Event, Scenario, ac_reason, actual_causes, causal_factors
from causalscope.exceptions import InvalidParameterError


def _scenario(events: list[dict], sets: list[list[str]], outcome: str = "outcome") -> Scenario:
    return Scenario.from_dict({"outcome": outcome, "events": events, "sufficient_sets": sets})


def test_preemption_resolved_by_temporal_order() -> None:
    # Suzy's rock arrives first (time 1), Billy's would have (time 2): Suzy yes, Billy no (Halpern 2016).
    s = _scenario([{"name": "suzy", "time": 1}, {"name": "billy", "time": 2}], [["suzy"], ["billy"]], "shattered")
    assert ac_reason(s, "suzy").is_cause and ac_reason(s, "suzy").rule == "preempting"
    billy = ac_reason(s, "billy")
    assert not billy.is_cause and billy.rule == "preempted"
    f = causal_factors(s)
    assert f["suzy"].sufficient and not f["suzy"].necessary


def test_conjunctive_norm_violation_pen_case() -> None:
    # Knobe & Fraser (2008) pen case: people judge the rule-breaking professor, not the assistant, a cause.
    s = _scenario(
        [{"name": "professor", "normal": False, "intentional": True}, {"name": "assistant", "intentional": True}],
        [["professor", "assistant"]],
    )
    assert ac_reason(s, "professor").is_cause
    r = ac_reason(s, "assistant")
    assert not r.is_cause and r.rule == "necessary-but-normal" and r.factors.necessary and r.factors.hp_cause


def test_symmetric_overdetermination_and_salience() -> None:
    plain = _scenario([{"name": "lightning"}, {"name": "match"}], [["lightning"], ["match"]], "fire")
    assert ac_reason(plain, "match").is_cause and ac_reason(plain, "match").rule == "overdetermination"
    salient = _scenario([{"name": "lightning"}, {"name": "arson", "intentional": True}], [["lightning"], ["arson"]])
    assert ac_reason(salient, "arson").is_cause
    assert not ac_reason(salient, "lightning").is_cause
    violation = _scenario([{"name": "a", "normal": False}, {"name": "b", "intentional": True}], [["a"], ["b"]])
    assert ac_reason(violation, "a").is_cause and not ac_reason(violation, "b").is_cause


def test_non_occurrence_insufficiency_and_no_outcome() -> None:
    s = _scenario(
        [{"name": "rain"}, {"name": "sprinkler", "occurred": False}, {"name": "sun"}],
        [["rain"], ["sprinkler", "sun"]], "wet",
    )
    assert ac_reason(s, "sprinkler").rule == "did-not-occur"
    assert ac_reason(s, "sun").rule == "not-sufficient"  # its set did not complete
    assert ac_reason(s, "rain").rule == "necessary"
    none = _scenario([{"name": "a", "occurred": False}, {"name": "b"}], [["a", "b"]])
    assert not none.outcome_occurred and ac_reason(none, "b").rule == "no-outcome"


def test_scenario_validation_and_round_trip() -> None:
    s = _scenario([{"name": "a", "time": 1.5}, {"name": "b"}], [["a"], ["a", "b"]])
    assert Scenario.from_dict(s.to_dict()) == s
    with pytest.raises(InvalidParameterError, match="unknown event"):
        _scenario([{"name": "a"}], [["a", "zz"]])
    with pytest.raises(InvalidParameterError, match="duplicate"):
        _scenario([{"name": "a"}, {"name": "a"}], [["a"]])
    with pytest.raises(InvalidParameterError, match="unknown keys"):
        _scenario([{"name": "a", "normality": True}], [["a"]])
    with pytest.raises(InvalidParameterError, match="at least one set"):
        _scenario([{"name": "a"}], [])
    with pytest.raises(InvalidParameterError, match="unknown event"):
        ac_reason(s, "zz")


@settings(max_examples=40, deadline=None)
@given(
    occurred=st.lists(st.booleans(), min_size=2, max_size=5),
    sets=st.lists(st.sets(st.integers(0, 4), min_size=1, max_size=3), min_size=1, max_size=4),
)
def test_without_order_or_norms_the_verdict_is_the_modified_hp_verdict(occurred: list[bool], sets: list[set[int]]) -> None:
    # Oracle: modified HP on the scenario's structural model; AC-Reason's verdict must be "part of a cause".
    n = len(occurred)
    events = tuple(Event(f"e{i}", occurred=o) for i, o in enumerate(occurred))
    suff = tuple(frozenset(f"e{i % n}" for i in s) for s in sets)
    s = Scenario(events, suff, "out")
    parts: set[str] = set()
    if s.outcome_occurred:
        for c in actual_causes(s.to_model(), None, "out=1"):
            parts |= set(c.cause)
    for e in events:
        v = ac_reason(s, e.name)
        assert v.is_cause == (e.name in parts), (e, s, v)
        if v.factors.necessary:
            assert v.factors.sufficient  # a but-for cause is part of what sufficed
