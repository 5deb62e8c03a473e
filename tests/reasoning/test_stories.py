"""Stories: the shipped YAML parses, covers every family in the three kinds CLadder
uses, and malformed stories are rejected with messages naming the problem."""

from __future__ import annotations

import pytest

from causalscope.exceptions import InvalidParameterError
from causalscope.reasoning import FAMILIES, load_stories, nonsense_story, parse_stories


def test_shipped_stories_cover_families_and_kinds():
    stories = load_stories()
    assert len(stories) >= 30
    assert len({s.name for s in stories}) == len(stories)
    for fam in FAMILIES:
        kinds = {s.kind for s in load_stories(fam)}
        assert "nonsense" in kinds and "commonsense" in kinds, fam
    assert len(load_stories(kind="anticommonsense")) >= 6
    for s in stories:
        assert set(s.variables) == set(FAMILIES[s.family].nodes)
        assert all(p and n and p != n for p, n in s.variables.values())


def test_nonsense_story_for_random_graph():
    s = nonsense_story(FAMILIES["diamond"], 3)
    words = [p for p, _ in s.variables.values()]
    assert len(set(words)) == len(words) and s.kind == "nonsense"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("- {name: a, family: spiral, kind: nonsense, variables: {}}", "family must be one of"),
        ("- {name: a, family: chain, kind: funny, variables: {}}", "kind must be one of"),
        ("- {name: a, family: chain, kind: nonsense, variables: {X: {pos: a, neg: b}}}", "exactly the nodes"),
        ("- {name: a, family: chain, kind: nonsense}", "needs the key 'variables'"),
        ("{a: 1}", "expected a list"),
        ("- [unclosed", "not valid YAML"),
        ("- {name: a, family: chain, kind: nonsense, variables: {X: {pos: a, neg: b}, V2: {pos: c, neg: d}, "
         "Y: {pos: e, neg: f}}, signs: {Y->X: '+'}}", "sign"),
    ],
)
def test_malformed_stories(text, match):
    with pytest.raises(InvalidParameterError, match=match):
        parse_stories(text)
