"""The query language: parsing, canonical printing, errors with positions, evaluation.

Checked against hand-written expected values (parsed structure, character
positions counted in the test strings), a str/parse round-trip property
(hypothesis), and exact answers from variable elimination.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from causalscope.datasets import load_bayesnet
from causalscope.exceptions import InvalidParameterError
from causalscope.scm import Query, QueryError, QuerySyntaxError, ZeroProbabilityError, parse_query


@pytest.mark.parametrize(
    ("text", "kind", "targets", "evidence", "do", "canonical"),
    [
        ("P(C=1 | do(S=1))", "probability", [("C", "1")], [], [("S", "1")], "P(C=1 | do(S=1))"),
        ("P(Y=1 | X=0, do(Z=1))", "probability", [("Y", "1")], [("X", "0")], [("Z", "1")], None),
        ("P(Y | X=0)", "distribution", [("Y", None)], [("X", "0")], [], None),
        ("E[Y | do(X=1)]", "expectation", [("Y", None)], [], [("X", "1")], None),
        ("P(A=1, B=0 | do(Z=1, W=x), V=v)", "probability", [("A", "1"), ("B", "0")], [("V", "v")],
         [("Z", "1"), ("W", "x")], "P(A=1, B=0 | V=v, do(Z=1, W=x))"),
        ("  P ( Y = 'very bad' |do( X = -1.5 ) )", "probability", [("Y", "very bad")], [], [("X", "-1.5")],
         'P(Y="very bad" | do(X=-1.5))'),
        ("P(ChestXray=Asy/Patch)", "probability", [("ChestXray", "Asy/Patch")], [], [], None),
        ("P(A, B)", "distribution", [("A", None), ("B", None)], [], [], None),
        ('P("a \\"q\\"" = x)', "probability", [('a "q"', "x")], [], [], 'P("a \\"q\\""=x)'),
    ],
)
def test_parse_and_canonical_text(text, kind, targets, evidence, do, canonical) -> None:  # noqa: ANN001
    q = parse_query(text)
    assert q.kind == kind
    assert q.targets == tuple(targets) and q.evidence == tuple(evidence) and q.interventions == tuple(do)
    assert str(q) == (canonical or text)
    assert parse_query(str(q)) == q
    assert hash(parse_query(str(q))) == hash(q)


names = st.text(alphabet=string.ascii_letters + string.digits + " _-./\"'|()=,", min_size=1, max_size=6)


@settings(max_examples=100, deadline=None)
@given(
    t=st.dictionaries(names, st.one_of(st.none(), names), min_size=1, max_size=3),
    e=st.dictionaries(names, names, max_size=2),
    d=st.dictionaries(names, names, max_size=2),
    valued=st.booleans(),
)
def test_str_parse_round_trip_property(t: dict, e: dict, d: dict, valued: bool) -> None:  # noqa: FA100
    """Any names (spaces, quotes, brackets included) survive str -> parse."""
    d = {k: v for k, v in d.items() if k not in e}
    targets = {k: (v or "s") for k, v in t.items()} if valued else list(t)
    q = Query.build(targets, evidence=e, interventions=d)
    assert parse_query(str(q)) == q
    if not valued and len(t) == 1:
        x = Query.build(list(t), evidence=e, interventions=d, kind="expectation")
        assert parse_query(str(x)) == x


@pytest.mark.parametrize(
    ("text", "position", "expected"),
    [
        ("P(C=1 | do(S=1)", 15, "',' or ')'"),
        ("P(C=1 | do(S=1)) x", 17, "the end of the query"),
        ("Q(C=1)", 0, "'P(' or 'E['"),
        ("P C=1)", 2, "'('"),
        ("P(C=1 | do(S))", 12, "'=' and a state after 'S'"),
        ("P(C=1 | S)", 9, "'=' and a state after 'S'"),
        ("P(C=1 | )", 8, "a variable name"),
        ("P(C= | S=1)", 5, "a state of 'C'"),
        ("P(C=1 | S=1 T=2)", 12, "',' or ')'"),
        ("P(C=1 T=2)", 6, "',', '|' or ')'"),
        ("E[Y | do(X=1))", 13, "',' or ']'"),
        ('P(C="open | S=1)', 4, "a closing \" for the name opened at position 4"),
        ("", 0, "'P(' or 'E['"),
    ],
)
def test_syntax_errors_give_position_and_expectation(text: str, position: int, expected: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(text)
    err = info.value
    if expected.startswith("a closing"):
        assert err.position == len(text)
    else:
        assert err.position == position
    assert err.expected == expected
    assert f"expected {expected} at position {err.position}" in str(err)
    assert isinstance(err, InvalidParameterError)


def test_semantic_errors() -> None:
    with pytest.raises(QueryError, match=r"targets without one: \['B'\] \(at position 7"):
        parse_query("P(A=1, B)")
    with pytest.raises(QueryError, match="both observed and intervened on"):
        parse_query("P(A | X=1, do(X=1))")
    with pytest.raises(QueryError, match="appears twice among the target"):
        parse_query("P(A, A)")
    with pytest.raises(QueryError, match="exactly one target without a state"):
        parse_query("E[Y=1]")
    with pytest.raises(QueryError, match="exactly one target without a state"):
        parse_query("E[Y, Z]")
    with pytest.raises(InvalidParameterError, match="as text"):
        parse_query(3)  # type: ignore[arg-type]


def test_unknown_variable_and_state_name_location_and_choices() -> None:
    bn = load_bayesnet("asia")
    with pytest.raises(QueryError) as info:
        bn.query("P(dysp=yes | do(smok=yes))")
    assert info.value.position == 16
    assert "unknown variable 'smok' at position 16" in str(info.value)
    assert "valid variables: asia, tub, smoke, lung, bronc, either, xray, dysp" in str(info.value)
    with pytest.raises(QueryError) as info:
        bn.query("P(dysp=maybe | smoke=yes)")
    assert info.value.position == 7
    assert "unknown state 'maybe' of variable 'dysp' at position 7" in str(info.value)
    assert "valid states: yes, no" in str(info.value)
    with pytest.raises(QueryError, match="E\\[dysp ...\\] needs numeric states"):
        bn.query("E[dysp | do(smoke=yes)]")
    with pytest.raises(ZeroProbabilityError, match="position 13"):
        bn.query("P(dysp=yes | either=no, tub=yes)")


def test_evaluation_matches_distribution_api() -> None:
    bn = load_bayesnet("survey")
    r = bn.query("P(T=train, O=self | E=uni, do(A=old))")
    d = bn.distribution(["T", "O"], evidence={"E": "uni"}, interventions={"A": "old"})
    assert r.value == d.probability(T="train", O="self")
    assert r.lines() == [f"P(T=train, O=self | E=uni, do(A=old)) = {r.value:.6f}"]
    dist = bn.query("P(T | do(E=high))")
    assert dist.value is None and len(dist.lines()) == 3
    assert dist.lines()[0].startswith("P(T=car | do(E=high)) = ")
    assert bn.probability("P(T=car | do(E=high))") == dist.distribution.probability(T="car")
    with pytest.raises(QueryError, match="is a distribution query"):
        bn.probability("P(T | do(E=high))")
    assert bn.probability({"T": "car"}, interventions={"E": "high"}) == dist.distribution.probability(T="car")
    assert r.to_dict()["query"]["text"] == str(r.query)
